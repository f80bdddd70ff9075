// Copy buttons for snippets (badges, embeds), and the embed setup page. Progressive: without
// scripts the snippets are plain text to select.

const root = document.body.dataset.root || "";

/** The badge's reStructuredText and HTML, made from the parts the item page gives with its
 * Markdown (written in the page, so it is there without scripts too). */
function addBadgeFormats() {
  const list = document.querySelector("dl[data-badge]");
  const image = document.querySelector(".badge-image");
  if (!list || !image) return;
  const { badge, page } = list.dataset;
  const alt = image.alt;
  const formats = [
    ["rst", "reStructuredText", `.. image:: ${badge}\n   :alt: ${alt.split(/\s+/).join(" ")}\n   :target: ${page}`],
    ["html", "HTML", `<a href="${quote(page)}"><img src="${quote(badge)}" alt="${quote(alt)}" height="20"></a>`],
  ];
  for (const [key, label, text] of formats) {
    const term = document.createElement("dt");
    term.textContent = label;
    const code = document.createElement("code");
    code.id = `badge-${key}`;
    code.textContent = text;
    const pre = document.createElement("pre");
    pre.className = "snippet";
    pre.append(code);
    const detail = document.createElement("dd");
    detail.append(pre);
    list.append(term, detail);
  }
}

function setUpCopyButtons() {
  // Snippet lists (the item page's badge) get their buttons here, to keep each page small.
  for (const code of document.querySelectorAll(".snippets code[id]")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.dataset.copy = code.id;
    button.hidden = true;
    button.textContent = "Copy";
    code.parentElement.after(button);
  }
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const source = document.getElementById(button.dataset.copy);
    if (!source || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.textContent);
        button.textContent = "Copied";
      } catch {
        button.textContent = "Select and copy by hand";
      }
      setTimeout(() => { button.textContent = "Copy"; }, 2000);
    });
  }
}

function embedQuery(form, single = false) {
  const data = new FormData(form);
  const query = new URLSearchParams();
  if (data.get("size") !== "medium") query.set("size", data.get("size"));
  if (!single && data.get("classify") !== "subcategory") query.set("classify", data.get("classify"));
  if (!data.get("headers")) query.set("headers", "0");
  for (const name of ["bg", "fg", "accent"]) {
    const value = String(data.get(name) || "").trim().replace(/^#/, "");
    // The lengths embed.js reads (3, 4, 6 or 8 digits): "12345" went into the snippet unread.
    if (/^(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(value)) query.set(name, value);
  }
  const text = query.toString();
  return text ? `?${text}` : "";
}

function quote(text) {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function setUpEmbedForm() {
  const form = document.querySelector("form[data-embed-setup]");
  if (!form) return;
  const select = form.querySelector("[data-target]");
  const preview = document.querySelector("[data-preview]");
  const snippet = document.querySelector("[data-iframe-snippet]");
  // The published address when settings give one, else the address this page is read from.
  const base = form.dataset.base ? `${form.dataset.base}/` : new URL(root, location.href).href;
  const grouping = form.querySelector("select[name=classify]")?.closest("label");
  const update = () => {
    const option = select.selectedOptions[0];
    if (!option) return;
    const single = option.dataset.kind === "item"; // a card: nothing to group
    if (grouping) grouping.hidden = single;
    const path = option.value + embedQuery(form, single);
    const title = `${document.title.split(" · ").pop()}: ${option.textContent}`;
    snippet.textContent =
      `<iframe src="${quote(base + path)}" title="${quote(title)}" data-torchscape-embed ` +
      `loading="lazy" width="100%" height="400" style="border:0"></iframe>`;
    preview.src = root + path;
  };
  // ?view=category:<id>, subcategory:<category id>/<id> or item:<id> preselects a view.
  const wanted = new URLSearchParams(location.search).get("view");
  const preset = [...select.options].find((option) => option.dataset.key === wanted);
  if (preset) select.value = preset.value;
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", (event) => event.preventDefault());
  window.addEventListener("message", (event) => {
    const data = event.data;
    if (event.source !== preview.contentWindow || !data || data.type !== form.dataset.message) return;
    preview.style.height = `${Math.ceil(data.height)}px`;
  });
  update();
}

addBadgeFormats();
setUpCopyButtons();
setUpEmbedForm();
