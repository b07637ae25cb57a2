// Progressive enhancement only: every page works without this file.
(() => {
  "use strict";
  document.documentElement.classList.add("js");

  // The language switcher has its own "Change" button: choosing an option never reloads
  // the page by itself (WCAG 3.2.2), so arrowing through the list is safe.

  // Code blocks and tables wider than the screen scroll sideways: make them reachable
  // with the keyboard (Tab, then arrow keys), as WCAG 2.1.1 asks.
  function focusableScrollers() {
    document.querySelectorAll(".prose pre, .prose table, table.data, .diff, .authored-text").forEach((box) => {
      const scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
      const style = getComputedStyle(box);
      const scrollable = /(auto|scroll)/.test(style.overflowX + style.overflowY);
      if (scrolls && scrollable) {
        box.tabIndex = 0;
        box.setAttribute("data-scroll-focus", "");
      } else if (box.hasAttribute("data-scroll-focus")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-focus");
      }
    });
  }
  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(focusableScrollers, 200);
  });
  document.addEventListener("DOMContentLoaded", focusableScrollers);
  document.addEventListener("app:content-changed", focusableScrollers);

  // The call export streams a zip whose size is unknown until the end: show the bytes
  // received while it downloads, then hand the file to the browser. Without JS (or
  // without streams), the plain link downloads it with the browser's own progress.
  function formatBytes(bytes, lang) {
    const units = ["B", "kB", "MB", "GB"];
    let value = bytes;
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit += 1;
    }
    return `${new Intl.NumberFormat(lang, { maximumFractionDigits: unit ? 1 : 0 }).format(value)} ${units[unit]}`;
  }

  function filenameFrom(response, fallback) {
    const header = response.headers.get("Content-Disposition") || "";
    const star = header.match(/filename\*=UTF-8''([^;]+)/i);
    if (star) return decodeURIComponent(star[1]);
    const plain = header.match(/filename="?([^";]+)"?/i);
    return plain ? plain[1] : fallback;
  }

  async function streamedDownload(link) {
    const box = document.getElementById(link.dataset.progress);
    const bar = box.querySelector("progress");
    const status = box.querySelector("[data-status]");
    const lang = document.documentElement.lang || undefined;
    box.hidden = false;
    bar.removeAttribute("value"); // indeterminate: the size is unknown
    link.setAttribute("aria-disabled", "true");
    status.textContent = box.dataset.starting;
    try {
      const response = await fetch(link.href, { credentials: "same-origin" });
      if (!response.ok || !response.body) throw new Error(String(response.status));
      const reader = response.body.getReader();
      const chunks = [];
      let received = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.length;
        status.textContent = box.dataset.received.replace("%(size)s", formatBytes(received, lang));
      }
      const blob = new Blob(chunks, { type: response.headers.get("Content-Type") || "application/zip" });
      const url = URL.createObjectURL(blob);
      const save = document.createElement("a");
      save.href = url;
      save.download = filenameFrom(response, link.getAttribute("download") || "export.zip");
      document.body.append(save);
      save.click();
      save.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      bar.max = 1;
      bar.value = 1;
      status.textContent = box.dataset.done.replace("%(size)s", formatBytes(received, lang));
    } catch {
      status.textContent = box.dataset.failed;
    } finally {
      link.removeAttribute("aria-disabled");
    }
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-progress]");
    if (!link || !window.ReadableStream || !window.fetch) return;
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    if (link.getAttribute("aria-disabled") === "true") return;
    streamedDownload(link);
  });

  // Members page: suggest people by name as a steward types (the search form above
  // does the same without JavaScript). The endpoint answers stewards only.
  document.addEventListener("DOMContentLoaded", () => {
    const input = document.querySelector("input[data-suggest]");
    const list = input && document.getElementById(input.getAttribute("list"));
    if (!list) return;
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (q.length < 2 || q.includes("@")) return;
      timer = setTimeout(async () => {
        const url = `${input.dataset.suggest}?q=${encodeURIComponent(q)}`;
        const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (!response.ok) return;
        const { results } = await response.json();
        list.replaceChildren(...results.map((person) => {
          const option = document.createElement("option");
          option.value = person.username;
          option.label = person.display_name;
          return option;
        }));
      }, 200);
    });
  });
})();

// Discuss a passage: text selected in a version's text fills the quote of the
// "open a thread about it" form (contributions/discuss_passage.html).
(() => {
  const form = document.querySelector("form[data-quote-form]");
  const text = document.querySelector(".resource-text");
  if (!form || !text) return;
  const quote = form.querySelector("textarea[name=quote]");
  document.addEventListener("selectionchange", () => {
    const selection = document.getSelection();
    if (!selection || selection.isCollapsed || !text.contains(selection.anchorNode)) return;
    const chosen = selection.toString().trim();
    if (chosen) quote.value = chosen.slice(0, 2000);
  });
})();
