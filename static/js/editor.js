// The resource editor, enhanced: live preview and a warning before leaving unsaved text.
// Without this file the form still works: the "Preview" button asks the server instead.
(() => {
  "use strict";

  const DELAY_MS = 400;

  function csrfToken(form) {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function livePreview(form, textarea, preview) {
    const url = preview.dataset.previewUrl;
    let timer = null;
    let controller = null;

    async function refresh() {
      if (controller) controller.abort();
      controller = new AbortController();
      const body = new FormData();
      body.append("content", textarea.value);
      try {
        const response = await fetch(url, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(form) },
          signal: controller.signal,
        });
        if (!response.ok) return; // keep the last good preview; the button still works
        // Sanitized on the server by the same function that renders saved versions.
        preview.innerHTML = await response.text();
        // app.js makes wide tables and code blocks reachable with the keyboard.
        document.dispatchEvent(new CustomEvent("app:content-changed"));
      } catch {
        // Aborted by a newer keystroke, or offline: the "Preview" button still works.
      }
    }

    textarea.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, DELAY_MS);
    });
    refresh();
  }

  function unsavedWarning(form) {
    let dirty = form.hasAttribute("data-dirty");
    form.addEventListener("input", () => {
      dirty = true;
    });
    form.addEventListener("submit", () => {
      dirty = false;
    });
    window.addEventListener("beforeunload", (event) => {
      if (!dirty) return;
      event.preventDefault();
      event.returnValue = ""; // older browsers need a value to show their prompt
    });
  }

  // The formatting buttons wrap the selection (or a placeholder) in Markdown and give
  // the focus back to the text, the selection kept on what was wrapped.
  const FORMATS = {
    bold: { before: "**", after: "**", placeholder: "bold" },
    italic: { before: "*", after: "*", placeholder: "italic" },
    link: { before: "[", after: "](https://)", placeholder: "text" },
    heading: { line: "## ", placeholder: "Section" },
    list: { line: "- ", placeholder: "item" },
    quote: { line: "> ", placeholder: "quote" },
    code: { before: "\n```\n", after: "\n```\n", placeholder: "code" },
  };

  function applyFormat(textarea, format, placeholder) {
    const { selectionStart: start, selectionEnd: end, value } = textarea;
    const selected = value.slice(start, end) || placeholder || format.placeholder;
    let replacement;
    let innerStart;
    if (format.line) {
      const atLineStart = start === 0 || value[start - 1] === "\n";
      const lead = atLineStart ? "" : "\n";
      replacement = lead + selected.split("\n").map((line) => format.line + line).join("\n");
      innerStart = start + lead.length + format.line.length;
    } else {
      replacement = format.before + selected + format.after;
      innerStart = start + format.before.length;
    }
    textarea.focus();
    textarea.setSelectionRange(start, end);
    // execCommand keeps the browser's undo history; setRangeText is the fallback.
    if (!document.execCommand || !document.execCommand("insertText", false, replacement)) {
      textarea.setRangeText(replacement, start, end, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
    const innerEnd = format.line ? start + replacement.length : innerStart + selected.length;
    textarea.setSelectionRange(innerStart, innerEnd);
  }

  function toolbar(form, textarea) {
    const bar = form.querySelector(`[data-toolbar-for="${textarea.id}"]`);
    if (!bar) return;
    textarea.before(bar); // between the label and the text, where the eye expects it
    bar.hidden = false;
    bar.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-md]");
      if (button && FORMATS[button.dataset.md]) {
        applyFormat(textarea, FORMATS[button.dataset.md], button.dataset.placeholder);
      }
    });
    textarea.addEventListener("keydown", (event) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      const key = { b: "bold", i: "italic", k: "link" }[event.key.toLowerCase()];
      if (!key) return;
      event.preventDefault();
      const button = bar.querySelector(`button[data-md="${key}"]`);
      applyFormat(textarea, FORMATS[key], button && button.dataset.placeholder);
    });
  }

  document.querySelectorAll("form.editor-form").forEach((form) => {
    const textarea = form.querySelector("textarea[data-editor]");
    const preview = form.querySelector("[data-preview-url]");
    if (textarea) toolbar(form, textarea);
    if (textarea && preview) livePreview(form, textarea, preview);
    if (form.hasAttribute("data-unsaved-warning")) unsavedWarning(form);
  });
})();
