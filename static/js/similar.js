// "Propose a resource": while the title and first text are typed, the communs of the call
// that look alike are listed (GET api/v1/calls/{call}/resources/similar), each with a link
// and a "join this commun instead" button. Without this file, a preview shows them.
(() => {
  "use strict";

  const DELAY_MS = 500;
  const CONTENT_CHARS = 1500;
  // Under the server's request-line limit (gunicorn.conf.py: 8190), accents encoded included.
  const MAX_URL = 6000;

  function setUp(region) {
    const title = document.getElementById(region.dataset.titleField);
    const content = document.getElementById(region.dataset.contentField);
    const template = document.getElementById("similarTemplate");
    if (!title || !template) return;
    const minScore = parseFloat(region.dataset.minScore) || 0;
    let timer = null;
    let controller = null;
    let shown = "";

    function render(results) {
      const key = results.map((item) => item.slug).join(" ");
      if (key === shown) return; // the same list: the live region stays quiet
      shown = key;
      region.replaceChildren();
      if (!results.length) return;
      const section = template.content.firstElementChild.cloneNode(true);
      const list = section.querySelector("ul");
      const model = list.firstElementChild;
      model.remove();
      for (const item of results) {
        const row = model.cloneNode(true);
        const link = row.querySelector("a");
        link.href = item.url;
        link.textContent = item.title;
        row.querySelector("form").action = item.join_url;
        list.append(row);
      }
      region.append(section);
    }

    async function refresh() {
      if (controller) controller.abort();
      controller = new AbortController();
      let text = content ? content.value.slice(0, CONTENT_CHARS) : "";
      let url;
      do {
        const params = new URLSearchParams({ title: title.value.slice(0, 200), content: text });
        url = `${region.dataset.similarUrl}?${params}`;
        text = text.slice(0, Math.floor(text.length / 2));
      } while (url.length > MAX_URL && text.length > 0);
      try {
        const response = await fetch(url, {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
          signal: controller.signal,
        });
        if (!response.ok) return;
        const data = await response.json();
        render(data.results.filter((item) => item.score >= minScore));
      } catch {
        // Aborted by a newer keystroke, or offline: the preview still shows them.
      }
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(refresh, DELAY_MS);
    }

    title.addEventListener("input", later);
    if (content) content.addEventListener("input", later);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const region = document.getElementById("similarCommuns");
    if (region) setUp(region);
  });
})();
