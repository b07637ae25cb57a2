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
      // In a call, files/NAME and [[slug]] resolve in the preview as they will once saved.
      if (preview.dataset.call) body.append("call", preview.dataset.call);
      if (preview.dataset.resource) body.append("resource", preview.dataset.resource);
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
    file: { before: "![", after: "](files/)", placeholder: "file-name.png", fileName: true },
    wikilink: { before: "[[", after: "]]", placeholder: "slug" },
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
    } else if (format.fileName) {
      // ![name](files/name): the selection (or placeholder) is the file's name, shown as its text.
      replacement = `${format.before}${selected}](files/${selected})`;
      innerStart = start + replacement.length - selected.length - 1;
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

  function insertAtCursor(textarea, text) {
    const { selectionStart: start, selectionEnd: end } = textarea;
    textarea.focus();
    if (!document.execCommand || !document.execCommand("insertText", false, text)) {
      textarea.setRangeText(text, start, end, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  function snippetFor(file) {
    const image = file.content_type.startsWith("image/");
    return image ? `![${file.name}](files/${file.name})` : `[${file.name}](files/${file.name})`;
  }

  // The files of the resource: "Insert" puts a file's reference where the cursor is, and
  // files dropped on the box are uploaded at once (through the API, with the session) and
  // inserted. Without JS, the file input and the "Upload" button do the same in two steps.
  function fileBox(form, textarea) {
    const box = form.querySelector("[data-file-drop]");
    if (!box) return;
    const list = box.querySelector("[data-file-list]");
    const status = box.querySelector("[data-drop-status]");
    const hint = box.querySelector("[data-drop-hint]");
    if (hint) hint.hidden = false;
    box.querySelectorAll("button[data-insert]").forEach((button) => {
      button.hidden = false;
    });
    box.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-insert]");
      if (button) insertAtCursor(textarea, button.dataset.insert);
    });

    function listed(file) {
      const snippet = snippetFor(file);
      const item = document.createElement("li");
      const name = document.createElement("span");
      name.className = "file-name";
      name.textContent = file.name;
      const code = document.createElement("code");
      code.textContent = snippet;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button-secondary";
      button.dataset.insert = snippet;
      button.textContent = box.dataset.insertLabel || "Insert";
      item.append(name, " ", code, " ", button);
      list.hidden = false;
      const empty = box.querySelector("[data-file-empty]");
      if (empty) empty.hidden = true;
      list.append(item);
    }

    async function send(file) {
      const body = new FormData();
      body.append("file", file);
      const license = form.querySelector("[name='upload-license']");
      if (license && license.value) body.append("license", license.value);
      const response = await fetch(box.dataset.uploadUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form), Accept: "application/json" },
      });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(answer.detail || response.statusText);
      return answer;
    }

    ["dragenter", "dragover"].forEach((type) =>
      box.addEventListener(type, (event) => {
        if (!event.dataTransfer || !Array.from(event.dataTransfer.types).includes("Files")) return;
        event.preventDefault();
        box.classList.add("drop-target");
      }),
    );
    ["dragleave", "drop"].forEach((type) =>
      box.addEventListener(type, () => box.classList.remove("drop-target")),
    );
    box.addEventListener("drop", async (event) => {
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      event.preventDefault();
      for (const file of event.dataTransfer.files) {
        status.textContent = `${file.name}…`;
        try {
          const uploaded = await send(file);
          listed(uploaded);
          insertAtCursor(textarea, snippetFor(uploaded) + "\n");
          status.textContent = `${uploaded.name} ✓`;
        } catch (error) {
          status.textContent = `${file.name}: ${error.message}`;
        }
      }
    });
  }

  document.querySelectorAll("form.editor-form").forEach((form) => {
    const textarea = form.querySelector("textarea[data-editor]");
    const preview = form.querySelector("[data-preview-url]");
    if (textarea) toolbar(form, textarea);
    if (textarea && preview) livePreview(form, textarea, preview);
    if (textarea) fileBox(form, textarea);
    if (form.hasAttribute("data-unsaved-warning")) unsavedWarning(form);
  });
})();
