// torchscape embed pages: options from the query string, and the page's height for the parent window.
//   size=small|medium|large  headers=0|1  classify=subcategory|category|none
//   bg=, fg=, accent=  hexadecimal colours without or with "#" (anything else is ignored)

const body = document.body;
const params = new URLSearchParams(location.search);
const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

function choose(name, allowed, fallback) {
  const value = params.get(name);
  return allowed.includes(value) ? value : fallback;
}

function swapClass(prefix, value) {
  for (const name of [...body.classList]) if (name.startsWith(prefix)) body.classList.remove(name);
  body.classList.add(prefix + value);
}

function applyOptions() {
  swapClass("size-", choose("size", ["small", "medium", "large"], "medium"));
  if (!body.classList.contains("classify-none") || params.has("classify")) {
    swapClass("classify-", choose("classify", ["subcategory", "category", "none"], "subcategory"));
  }
  const header = document.querySelector("[data-embed-header]");
  if (header) header.hidden = ["0", "false", "no"].includes(params.get("headers"));
  for (const [name, property] of [["bg", "--embed-bg"], ["fg", "--embed-fg"], ["accent", "--embed-accent"]]) {
    const match = HEX.exec(params.get(name) || "");
    // CSSOM, not a style attribute: allowed by the page's Content-Security-Policy.
    if (match) document.documentElement.style.setProperty(property, `#${match[1]}`);
  }
  // Without subcategory headings an item listed in two subcategories would show twice.
  const seen = new Set();
  const flat = !body.classList.contains("classify-subcategory");
  for (const tile of document.querySelectorAll(".embed-tiles > li[data-id]")) {
    tile.hidden = flat && seen.has(tile.dataset.id);
    seen.add(tile.dataset.id);
  }
}

let last = -1;
function postHeight() {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height === last || window.parent === window) return;
  last = height;
  window.parent.postMessage({ type: body.dataset.message, height }, "*");
}

applyOptions();
postHeight();
new ResizeObserver(postHeight).observe(document.documentElement);
window.addEventListener("load", postHeight);
