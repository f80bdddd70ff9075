// torchscape site script: small progressive enhancements. Every page works without it.

const root = document.body.dataset.root || "";

// landscape2 links (/?item=<landscape2 id>) land on the item's page.
async function followLandscape2Link() {
  const id = new URLSearchParams(location.search).get("item");
  if (!id) return;
  try {
    const response = await fetch(`${root}api/redirects.json`);
    const pages = (await response.json()).items;
    // Only the file's own entries: "?item=constructor" found a function on every object.
    const page = Object.hasOwn(pages, id) ? pages[id] : null;
    if (typeof page === "string") location.replace(`${root}${page}`);
  } catch (error) {
    console.warn("torchscape: could not follow the item link", error);
  }
}

// Group tabs: show one group at a time (all of them show when scripts are off).
function setUpTabs() {
  const nav = document.querySelector("[data-tabs]");
  if (!nav) return;
  const tabs = [...nav.querySelectorAll("[data-group]")];
  nav.setAttribute("role", "tablist");
  const show = (id, focus) => {
    for (const tab of tabs) {
      const selected = tab.dataset.group === id;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
      if (selected && focus) tab.focus();
    }
    for (const panel of document.querySelectorAll("[data-group-panel]")) {
      panel.hidden = panel.dataset.groupPanel !== id;
    }
  };
  const fromHash = () => {
    const id = location.hash.replace(/^#group-/, "");
    return tabs.some((t) => t.dataset.group === id) ? id : tabs[0].dataset.group;
  };
  nav.addEventListener("click", (event) => {
    const tab = event.target.closest("[data-group]");
    if (!tab) return;
    event.preventDefault();
    history.replaceState(null, "", `#group-${tab.dataset.group}`);
    show(tab.dataset.group, false);
  });
  nav.addEventListener("keydown", (event) => {
    const index = tabs.indexOf(document.activeElement);
    if (index < 0 || !["ArrowLeft", "ArrowRight"].includes(event.key)) return;
    const next = tabs[(index + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
    history.replaceState(null, "", `#group-${next.dataset.group}`);
    show(next.dataset.group, true);
  });
  show(fromHash(), false);
}

// Dates stay absolute in the HTML; "3 days ago" is computed when the page is read.
function relativeDates() {
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  const units = [["year", 365], ["month", 30], ["week", 7], ["day", 1]];
  for (const element of document.querySelectorAll("time[data-relative]")) {
    const days = (Date.parse(element.dateTime) - Date.now()) / 86_400_000;
    if (Number.isNaN(days)) continue;
    const [unit, size] = units.find(([, length]) => Math.abs(days) >= length) || ["day", 1];
    element.title = element.dateTime;
    element.textContent = format.format(Math.round(days / size), unit);
  }
}

// landscape2's links into its guide (guide#category--subcategory) land on our sections, whose
// ids start with "guide-".
function followGuideAnchor() {
  let id;
  try {
    id = decodeURIComponent(location.hash.slice(1));
  } catch {
    return; // a malformed escape ("#%E0") names no section: the page's other scripts still run
  }
  if (id && !document.getElementById(id) && document.getElementById(`guide-${id}`)) {
    location.replace(`#guide-${id}`);
  }
}

followLandscape2Link();
followGuideAnchor();
setUpTabs();
relativeDates();

// The comparison picker (every page) and the copy buttons (pages with snippets) are modules of
// their own, loaded from here so that each page names one script.
const load = (module) => module.catch((error) => console.error("torchscape: a script failed to load", error));
load(import("./compare.js"));
if (document.querySelector(".snippets, [data-embed-setup], button[data-copy]")) load(import("./reuse.js"));
