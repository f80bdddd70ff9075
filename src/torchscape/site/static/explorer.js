// torchscape explorer: search, filters, views, sort, shareable URLs and CSV on the home page.
// Progressive: without this script the page shows every item; with it, the same tiles are
// filtered in place and a list view is built from api/explorer.json.

import { buildIndex, search } from "./search.js";
import { FILTERS, applyFilters, facets, hiddenByDefault } from "./filters.js";

const root = document.body.dataset.root || "";
const panel = document.querySelector("[data-explorer]");
const SORTS = { name: "Name", stars: "Stars", last_commit: "Last commit", last_release: "Last release", added: "Date added" };
const LABELS = { category: "Category", subcategory: "Subcategory", status: "Curation status", kind: "Kind", license: "Licence", language: "Language", activity: "Upstream state", torch: "Accepts torch" };

/** An explorer.json row in the shape the search and filter modules read. */
const toItem = (row) => ({
  ...row,
  second_paths: row.second_paths.map(([category, subcategory]) => ({ category, subcategory })),
  status: row.status ? { label: row.status, retired: row.retired } : null,
  observed: { activity: row.activity, license: row.license, language: row.language, topics: row.topics, stars: row.stars },
});

/** The explorer's state, read from and written to the URL. */
function readState() {
  const params = new URLSearchParams(location.search);
  const filters = {};
  for (const name of FILTERS) {
    const values = params.getAll(name);
    if (values.length) filters[name] = new Set(values);
  }
  return {
    q: params.get("q") || "",
    view: params.get("view") === "list" ? "list" : "grid",
    sort: SORTS[params.get("sort")] ? params.get("sort") : "",
    dir: params.get("dir") === "asc" || params.get("dir") === "desc" ? params.get("dir") : "",
    all: params.get("all") === "1",
    filters,
  };
}

function writeState(state, push) {
  const params = new URLSearchParams();
  if (state.view !== "grid") params.set("view", state.view);
  if (state.q) params.set("q", state.q);
  for (const name of FILTERS) for (const value of [...(state.filters[name] || [])].sort()) params.append(name, value);
  if (state.sort) params.set("sort", state.sort);
  if (state.dir) params.set("dir", state.dir);
  if (state.all) params.set("all", "1");
  const query = params.toString();
  const url = `${location.pathname}${query ? `?${query}` : ""}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history[push ? "pushState" : "replaceState"](null, "", url);
}

const active = (state) => Boolean(state.q) || Object.values(state.filters).some((set) => set.size);

/** Items matching the query and filters, in display order; and the matches hidden by default. */
function results(data, state) {
  let items = data.items;
  let order = null;
  if (state.q.trim()) {
    data.index ??= buildIndex(data.items); // built on the first search, not at page load
    const found = search(data.index, state.q);
    order = new Map(found.map((hit, rank) => [hit.id, rank]));
    items = found.map((hit) => data.byId.get(hit.id));
  }
  items = applyFilters(items, state.filters);
  const hidden = state.all ? [] : items.filter(hiddenByDefault);
  const shown = state.all ? items : items.filter((item) => !hiddenByDefault(item));
  // The grid keeps its own order, so sorting waits until the list or the CSV needs it.
  return { shown, hidden, sorted: () => sortItems(shown, state, order) };
}

function sortItems(items, state, order) {
  const key = state.sort || (order ? "" : "name");
  const direction = state.dir === "asc" ? 1 : state.dir === "desc" ? -1 : key === "name" ? 1 : -1;
  if (!key) return items; // relevance
  const value = (item) => (key === "name" ? item.name.toLowerCase() : item[key] ?? null);
  return [...items].sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    if (x === y) return a.name.localeCompare(b.name);
    if (x === null) return 1; // unknown values last, in either direction
    if (y === null) return -1;
    return (x < y ? -1 : 1) * direction;
  });
}

/** Show only the matching tiles in the grid (and the sections that still have some);
 * only elements whose state changes are touched. */
function renderGrid(data, shownIds, filtering) {
  for (const [id, tiles] of data.tiles) {
    const hide = !shownIds.has(id);
    for (const tile of tiles) if (tile.parentElement.hidden !== hide) tile.parentElement.hidden = hide;
  }
  for (const [section, { ids, count, total }] of data.sections) {
    let shown = 0;
    for (const id of ids) if (shownIds.has(id)) shown++;
    const hide = filtering && shown === 0;
    if (section.hidden !== hide) section.hidden = hide;
    if (!count) continue;
    const text = filtering ? `${shown} of ${ids.length}` : total;
    if (count.textContent !== text) count.textContent = text;
  }
}

/** Each grid section (subcategory or category): the item ids it shows and its heading's count. */
function sectionsOf(root) {
  const sections = new Map();
  for (const section of root.querySelectorAll(".subcategory, .category")) {
    const ids = [...new Set([...section.querySelectorAll("a[data-id]")].map((a) => a.dataset.id))];
    const count = section.querySelector(":scope > h2 .count, :scope > h3 .count");
    sections.set(section, { ids, count, total: count?.textContent });
  }
  return sections;
}

function renderList(container, items) {
  const cell = (text) => `<td>${escapeHtml(text ?? "–")}</td>`;
  const rows = items.map((item) => `<tr data-id="${escapeHtml(item.id)}"><th scope="row"><a href="${root}projects/${encodeURIComponent(item.id)}/">${escapeHtml(item.name)}</a><span class="muted">${escapeHtml(item.description.slice(0, 140))}</span></th>${cell(`${item.category} / ${item.subcategory}`)}${cell(item.status?.label)}${cell(item.activity ?? "unknown")}${cell(item.stars?.toLocaleString())}${cell(item.last_commit)}${cell(item.last_release)}${cell(item.license)}</tr>`);
  container.innerHTML = `<table class="list"><thead><tr><th scope="col">Project</th><th scope="col">Category</th><th scope="col">Curation status</th><th scope="col">Upstream</th><th scope="col">Stars</th><th scope="col">Last commit</th><th scope="col">Last release</th><th scope="col">Licence</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function renderFilters(container, data, state) {
  const options = facets(data.items, state.filters);
  // The boxes are drawn anew with their counts: the one that had the focus gets it back.
  const focused = container.contains(document.activeElement) ? document.activeElement : null;
  const again = focused?.dataset.filter ? [focused.dataset.filter, focused.value] : null;
  container.innerHTML = FILTERS.map((name) => {
    const choices = (options[name] || []).map(({ value, label, count, selected }) => {
      const checked = selected ? " checked" : "";
      return `<label><input type="checkbox" data-filter="${name}" value="${escapeHtml(value)}"${checked}> ${escapeHtml(label)} <span class="count">${count}</span></label>`;
    });
    return choices.length ? `<fieldset><legend>${LABELS[name]}</legend>${choices.join("")}</fieldset>` : "";
  }).join("");
  if (again) [...container.querySelectorAll(`[data-filter="${again[0]}"]`)].find((box) => box.value === again[1])?.focus();
}

function csv(items) {
  const columns = ["id", "name", "category", "subcategory", "status", "activity", "stars", "last_commit", "last_release", "license", "kind"];
  const quote = (value) => {
    let text = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.join(","), ...items.map((item) => columns.map((c) => quote(item[c])).join(","))].join("\n") + "\n";
}

/** Arrow keys move between visible tiles (left/right in order, up/down to the nearest tile). */
function moveFocus(event) {
  const current = document.activeElement;
  if (!current?.matches?.("a.tile") || !event.key.startsWith("Arrow")) return;
  const tiles = [...document.querySelectorAll("a.tile")].filter((tile) => tile.offsetParent !== null);
  const index = tiles.indexOf(current);
  let next = null;
  if (event.key === "ArrowRight") next = tiles[index + 1];
  else if (event.key === "ArrowLeft") next = tiles[index - 1];
  else {
    const from = current.getBoundingClientRect();
    const down = event.key === "ArrowDown";
    let best = Infinity;
    for (const tile of tiles) {
      const to = tile.getBoundingClientRect();
      const dy = down ? to.top - from.bottom : from.top - to.bottom;
      if (dy < -1) continue;
      const distance = dy * 4 + Math.abs(to.left - from.left);
      if (tile !== current && distance < best) [best, next] = [distance, tile];
    }
  }
  if (next) {
    event.preventDefault();
    next.focus();
  }
}

async function start() {
  if (!panel) return;
  const response = await fetch(`${root}api/explorer.json`);
  const items = (await response.json()).items.map(toItem);
  const tiles = new Map();
  for (const tile of document.querySelectorAll(".tiles a[data-id]")) {
    if (!tiles.has(tile.dataset.id)) tiles.set(tile.dataset.id, []);
    tiles.get(tile.dataset.id).push(tile);
  }
  const data = { items, byId: new Map(items.map((item) => [item.id, item])), index: null, tiles, sections: sectionsOf(document) };
  // The search index is built when the browser is idle, so the first keystroke does not wait.
  const idle = window.requestIdleCallback || ((callback) => setTimeout(callback, 200));
  idle(() => (data.index ??= buildIndex(data.items)));
  const input = panel.querySelector("input[type=search]");
  const status = panel.querySelector("[data-count]");
  const filters = panel.querySelector("[data-filters]");
  const list = document.querySelector("[data-list]");
  const grid = document.querySelector("[data-grid]");
  const more = panel.querySelector("[data-show-hidden]");
  const filtersBox = panel.querySelector(".filters-box");
  let state = readState();
  let current = () => [];

  // Typing updates the address after a pause, not at every keystroke: a history entry
  // costs a few milliseconds that a keystroke's frame cannot spare.
  let pendingUrl = 0;
  const flushUrl = () => {
    if (pendingUrl) writeState(state, false);
    clearTimeout(pendingUrl);
    pendingUrl = 0;
  };
  // Leaving the page (a click on a tile, Enter, closing the tab) first records the query,
  // so that Back returns to what was on screen.
  document.addEventListener("click", flushUrl, true);
  window.addEventListener("pagehide", flushUrl);
  const render = (push = false, typing = false) => {
    clearTimeout(pendingUrl);
    pendingUrl = 0;
    if (typing) pendingUrl = setTimeout(flushUrl, 300);
    else writeState(state, push);
    const { shown, hidden, sorted } = results(data, state);
    const ids = new Set(shown.map((item) => item.id));
    const filtering = active(state) || hidden.length > 0;
    grid.hidden = state.view !== "grid";
    list.hidden = state.view !== "list";
    if (state.view === "grid") renderGrid(data, ids, filtering);
    else renderList(list, sorted());
    document.body.classList.toggle("is-filtering", filtering);
    current = sorted;
    if (filtersBox.open) renderFilters(filters, data, state);
    const word = shown.length === 1 ? "project" : "projects";
    status.textContent = `${shown.length} ${word}${state.q ? ` match “${state.q}”` : ""}`;
    more.hidden = hidden.length === 0;
    more.textContent = `+${hidden.length} hidden (dormant or archived upstream): show them`;
    panel.querySelector("[data-hidden-toggle]").checked = state.all;
    for (const button of panel.querySelectorAll("[data-view]")) button.setAttribute("aria-pressed", String(button.dataset.view === state.view));
    panel.querySelector("[data-sort]").value = state.sort;
    panel.querySelector("[data-dir]").textContent = state.dir === "asc" ? "Ascending" : state.dir === "desc" ? "Descending" : "Default order";
  };
  // The CSV of the current view is made when asked for, not at every keystroke.
  const download = panel.querySelector("[data-csv]");
  download.addEventListener("click", () => {
    if (download.href.startsWith("blob:")) URL.revokeObjectURL(download.href);
    download.href = URL.createObjectURL(new Blob([csv(current())], { type: "text/csv" }));
  });
  filtersBox.addEventListener("toggle", () => filtersBox.open && renderFilters(filters, data, state));

  input.value = state.q;
  input.addEventListener("input", () => {
    state = { ...state, q: input.value };
    render(false, true);
  });
  filters.addEventListener("change", (event) => {
    const box = event.target.closest("[data-filter]");
    if (!box) return;
    const set = new Set(state.filters[box.dataset.filter] || []);
    box.checked ? set.add(box.value) : set.delete(box.value);
    state = { ...state, filters: { ...state.filters, [box.dataset.filter]: set } };
    render(true);
  });
  panel.addEventListener("click", (event) => {
    const view = event.target.closest("[data-view]");
    if (view) (state = { ...state, view: view.dataset.view }), render(true);
    if (event.target.closest("[data-dir]")) {
      const next = { "": "asc", asc: "desc", desc: "" }[state.dir];
      state = { ...state, dir: next };
      render(true);
    }
    if (event.target.closest("[data-show-hidden]")) (state = { ...state, all: true }), render(true);
    if (event.target.closest("[data-clear]")) (state = { ...state, q: "", filters: {} }), (input.value = ""), render(true);
  });
  panel.querySelector("[data-sort]").addEventListener("change", (event) => {
    state = { ...state, sort: event.target.value };
    render(true);
  });
  panel.querySelector("[data-hidden-toggle]").addEventListener("change", (event) => {
    state = { ...state, all: event.target.checked };
    render(true);
  });
  window.addEventListener("popstate", () => {
    state = readState();
    if (Object.values(state.filters).some((set) => set.size)) filtersBox.open = true;
    input.value = state.q;
    render(false);
  });
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest?.("input, textarea, select");
    if (event.key === "/" && !typing) {
      event.preventDefault();
      input.focus();
    } else if (!typing) moveFocus(event);
  });
  panel.hidden = false;
  filtersBox.open = Object.values(state.filters).some((set) => set.size); // show what is active
  render(false);
}

start().catch((error) => console.error("torchscape explorer:", error));
