// torchscape explorer: search, filters, views, sort, shareable URLs and CSV on the home page.
// Progressive: without this script the page shows every item; with it, the same tiles are
// filtered in place and a list view is built from api/explorer.json. The descriptions, keywords
// and topics come second, from api/explorer-text.json: they are most of the bytes, and nothing
// waits for them.

import { indexSteps, match, matching, rank, tokenize } from "./search.js";
import { FILTERS, UNKNOWN, applyFilters, facets, hiddenByDefault, valuesOf } from "./filters.js";

const root = document.body.dataset.root || "";
const panel = document.querySelector("[data-explorer]");
/** What the landscape calls its items (settings `torchscape.item_words`): one, many. */
const words = (document.body.dataset.words || "project|projects").split("|");
const capital = (word) => word.charAt(0).toUpperCase() + word.slice(1);
/** Inputs in which a keystroke is not text. */
const NOT_TEXT = new Set(["checkbox", "radio", "button", "submit", "reset", "range", "color", "file", "image"]);
const SORTS = { name: "Name", stars: "Stars", last_commit: "Last commit", last_release: "Last release", added: "Date added" };
const LABELS = { category: "Category", subcategory: "Subcategory", status: "Curation status", kind: "Kind", license: "Licence", language: "Language", activity: "Upstream state", torch: "Latest release accepts torch" };

/** An explorer.json row in the shape the search and filter modules read. */
const toItem = (row) => ({
  description: "",
  keywords: [],
  ...row,
  second_paths: row.second_paths.map(([category, subcategory]) => ({ category, subcategory })),
  status: row.status ? { label: row.status, retired: row.retired } : null,
  observed: { activity: row.activity, license: row.license, language: row.language, topics: [], stars: row.stars },
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
    sort: Object.hasOwn(SORTS, params.get("sort") ?? "") ? params.get("sort") : "", // not "toString"
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

/** Items matching the query and filters, in the catalog's order; and the matches hidden by
 * default. The grid keeps that order, so scoring and ranking wait until the list or the CSV
 * needs them. */
function results(data, state) {
  // Filtered first, from the whole catalog: the filters' option numbers are worked out once for it.
  let items = applyFilters(data.items, state.filters);
  const query = state.q.trim();
  let kept = null; // the words the hits match, when no item matches every word of the query
  let reading = null; // the query as read, where a word was read as a phrase or split in two
  if (query) {
    if (!data.index) data.building(); // a search before the idle build is done: finish it now
    const hits = hitsFor(data, query);
    items = items.filter((item) => hits[item.position]);
    if (hits.kept.length && hits.kept.length < hits.words.length) kept = hits.kept.join(" ");
    else if (hits.words.join(" ") !== tokenize(query).join(" ")) reading = hits.words.join(" ");
  }
  const shown = [];
  const hidden = [];
  const asked = state.filters.activity;
  for (const item of items) (!state.all && hiddenByDefault(item, asked) ? hidden : shown).push(item);
  const relevance = () => new Map(rank(data.index, match(data.index, query)).map((hit, position) => [hit.id, position]));
  return { shown, hidden, kept, reading, sorted: () => sortItems(shown, state, query && relevance()) };
}

/** Which items match (1 by position). Every search starts with one character, so those of
 * each are kept (and worked out ahead, when the browser is idle: `warmUp`); so is the last
 * longer query's (the filters' counts, after the paint, ask for it again). */
function hitsFor(data, query) {
  const key = query.toLowerCase();
  if (key.length !== 1) {
    const last = data.last;
    if (last?.index === data.index && last.query === query) return last.hits;
    data.last = { index: data.index, query, hits: matching(data.index, query) };
    return data.last.hits;
  }
  let hits = data.single.get(key);
  if (!hits) data.single.set(key, (hits = matching(data.index, key)));
  return hits;
}

function warmUp(data, idle) {
  const letters = [..."abcdefghijklmnopqrstuvwxyz0123456789"];
  const index = data.index;
  const step = (deadline) => {
    if (data.index !== index) return; // a newer index has its own
    while (letters.length && deadline.timeRemaining() > 4) hitsFor(data, letters.shift());
    if (letters.length) idle(step);
  };
  idle(step);
}

/** Builds the search index of the items as they are now, a slice at a time while the browser
 * is idle (at 2,500 items the whole takes a few hundred milliseconds: one task that long would
 * hold up any keystroke that came during it), then puts it in use and calls `ready`.
 * `data.building()` finishes it at once, for a search that cannot wait. A newer build takes
 * over from an unfinished one. */
function buildWhenIdle(data, idle, ready = () => {}) {
  const steps = indexSteps(data.items);
  let done = false;
  const run = (more) => {
    while (!done && more()) {
      const step = steps.next();
      if (step.done) {
        done = true;
        data.index = step.value;
        data.single = new Map();
        warmUp(data, idle);
        queueMicrotask(ready); // not inside a render that finished the build at once
      }
    }
  };
  const finish = () => run(() => true);
  const slice = (deadline) => {
    if (data.building !== finish) return;
    run(() => deadline.timeRemaining() > 2);
    if (!done) idle(slice);
  };
  data.building = finish;
  idle(slice);
}

/** The grid's logos below the fold (`loading="lazy"`) are fetched ahead of need: once the page
 * is idle if they weigh at most `PREFETCH_LOGOS` in all (the grid's total, from the build),
 * else when someone starts to search or filter (or opens a link to a search); never when the
 * browser asks to save data. Searches bring tiles from anywhere in the grid to the top, and
 * each lazy logo would otherwise be requested, and its answer handled, in the very frames a
 * keystroke has to paint. */
const PREFETCH_LOGOS = 2_000_000; // bytes: the weight we hold a fully loaded home page under

function prefetchLogos(panel, grid, idle, searching) {
  if (navigator.connection?.saveData) return;
  const events = ["focusin", "pointerdown", "input", "change"];
  const start = () => {
    for (const name of events) panel.removeEventListener(name, start, true);
    const files = new Map(); // one request per file: its other tiles follow from the cache
    for (const img of grid.querySelectorAll("img[loading=lazy]")) {
      if (img.complete) {
        img.loading = "eager"; // loaded when it came near the screen, and no longer watched
        continue;
      }
      if (!files.has(img.src)) files.set(img.src, []);
      files.get(img.src).push(img);
    }
    // A few files at a time, each few started while the browser is idle, so that their
    // answers do not all arrive at once either.
    const queue = [...files.values()];
    let loading = 0;
    const next = (deadline) => {
      while (loading < 6 && queue.length && deadline.timeRemaining() > 1) {
        // Each logo is swapped for an eager copy rather than made eager in place: Chromium keeps
        // watching an image it was told to load lazily (an intersection observer computed in
        // every frame, 1-2 ms for a grid of 2,500), and a copy made eager before it is
        // inserted was never watched.
        const images = queue.shift().map((img) => {
          const copy = img.cloneNode();
          copy.loading = "eager";
          img.replaceWith(copy);
          return copy;
        });
        if (images[0].complete) continue;
        loading++;
        const done = () => {
          loading--;
          if (loading === 0 && queue.length) idle(next);
        };
        images[0].addEventListener("load", done, { once: true });
        images[0].addEventListener("error", done, { once: true });
      }
      if (loading === 0 && queue.length) idle(next);
    };
    idle(next);
  };
  if (searching || Number(grid.dataset.logoBytes) <= PREFETCH_LOGOS) start();
  else for (const name of events) panel.addEventListener(name, start, true);
}

function sortItems(items, state, order) {
  const key = state.sort || (order ? "" : "name");
  const direction = state.dir === "asc" ? 1 : state.dir === "desc" ? -1 : key === "name" ? 1 : -1;
  if (!key) return [...items].sort((a, b) => order.get(a.id) - order.get(b.id)); // relevance
  const value = (item) => (key === "name" ? item.name.toLowerCase() : item[key] ?? null);
  return [...items].sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    if (x === y) return a.name.localeCompare(b.name);
    if (x === null) return 1; // unknown values last, in either direction
    if (y === null) return -1;
    return (x < y ? -1 : 1) * direction;
  });
}

/** Grids of more tiles than this make changes of more than SMALL_CHANGE tiles gradually. */
const BIG_GRID = 600;
const SMALL_CHANGE = 200;

/** Show only the matching tiles in the grid (and the sections that still have some). The
 * state of every tile and section is kept here, so a keystroke writes only to the elements
 * whose state changes. In a big grid, a big change other than typing a query (`gradual`)
 * makes at once only what can be on screen, and the rest in the frames after (`gradual.js`).
 * Typing makes its changes at once. Clearing the query was made at once too while the frames
 * filling in after it made the next keys slower (typing p95 15.9 against 13.3 ms); since they
 * became cheaper (48 tiles a frame where the browser draws them), not beyond the noise (16.9
 * and 17.0 against 16.7 and 16.4 ms, 6 interleaved rounds), and a cleared query's frame went
 * from 21.0 / 20.5 to 14.5 / 13.5 ms (medians). */
function renderGrid(data, shown, filtering, gradual) {
  const { grid } = data;
  if (grid.fill) cancelAnimationFrame(grid.fill), (grid.fill = 0);
  // Nothing matches: the grid is hidden as a whole and its tiles stay as they were, so that
  // the next query ("grp" on the way to "grpah") shows only what differs from the last
  // results, not hundreds of tiles from nothing.
  const empty = filtering && shown.length === 0;
  if (grid.empty !== empty) grid.element.classList.toggle("is-empty", (grid.empty = empty));
  if (empty) return;
  const next = shownMask(data, shown);
  let changes = 0;
  if (gradual && grid.gradual) for (const { tiles, shown: now } of grid.lists) for (let i = 0; i < tiles.length; i++) changes += now[i] !== next[tiles[i].position];
  const budgets = changes > SMALL_CHANGE && grid.gradual.budgetsOf(grid, next, filtering);
  // Long lists this change brings on screen from where the browser skipped them: drawn in this
  // frame (a screenful first, as for tiles shown again), not a frame late.
  const waking = budgets ? grid.gradual.wake(grid, budgets) : null;
  const pending = [];
  grid.lists.forEach((list, l) => {
    const { tiles, shown: now } = list;
    let wanted = 0; // tiles before this one to be shown: past a list's budget, below the screen
    const wakes = waking?.has(list);
    for (let i = 0; i < tiles.length; i++) {
      const want = next[tiles[i].position];
      if (now[i] !== want) {
        if (budgets && wanted >= budgets[l]) pending.push(list, i, want);
        else (tiles[i].li.hidden = !want), (now[i] = want);
      } else if (wakes && want && wanted >= budgets[l]) {
        (tiles[i].li.hidden = true), (now[i] = 0); // back in the frames after
        pending.push(list, i, 1);
      }
      wanted += want;
    }
  });
  const leaving = [];
  for (const section of grid.sections) {
    let count = 0;
    for (const position of section.positions) count += next[position];
    const hide = filtering && count === 0;
    // one still leaving from the last change: shown again, it stays; hidden by a small change, now
    if (section.leaving && !(hide && budgets)) grid.gradual.leave(section, hide);
    if (section.hidden !== hide) {
      if (hide && budgets) grid.gradual.startLeaving(section);
      else section.element.hidden = section.hidden = hide;
    }
    if (section.leaving) leaving.push(section);
    if (!section.count) continue;
    const text = filtering ? `${count} of ${section.size}` : section.total;
    if (section.text !== text) section.count.textContent = section.text = text;
  }
  if (pending.length || waking?.size || leaving.length) grid.gradual.fill(grid, pending, leaving);
}

/** 1 for each item (by position) of `shown`. */
function shownMask(data, shown) {
  const mask = new Uint8Array(data.items.length);
  for (const item of shown) mask[item.position] = 1;
  return mask;
}

/** The grid: its tile lists (each with its tiles' items by position, and which are shown); for
 * each section (subcategory or category), the positions of its items and its heading's count.
 * Tiles of items the explorer does not know are hidden. */
function gridOf(root, items) {
  const positions = new Map(items.map((item) => [item.id, item.position]));
  const lists = [];
  for (const element of root.querySelectorAll(".tiles")) {
    const tiles = [];
    for (const tile of element.querySelectorAll(":scope > li > a[data-id]")) {
      const position = positions.get(tile.dataset.id);
      if (position === undefined) tile.parentElement.hidden = true;
      else tiles.push({ li: tile.parentElement, position });
    }
    if (tiles.length) lists.push({ element, tiles, shown: Uint8Array.from(tiles, (tile) => (tile.li.hidden ? 0 : 1)) });
  }
  const sections = [];
  for (const element of root.querySelectorAll(".subcategory, .category")) {
    const ids = new Set([...element.querySelectorAll("a[data-id]")].map((a) => a.dataset.id));
    const known = [...ids].filter((id) => positions.has(id)).map((id) => positions.get(id));
    const count = element.querySelector(":scope > h2 .count, :scope > h3 .count");
    const total = count?.textContent;
    sections.push({ element, positions: Int32Array.from(known), size: ids.size, count, total, text: total, hidden: element.hidden });
  }
  const element = root.querySelector("[data-grid]");
  const grid = { element, lists, sections, empty: false, fill: 0, gradual: null };
  if (lists.reduce((sum, list) => sum + list.tiles.length, 0) > BIG_GRID) import("./gradual.js").then((module) => (grid.gradual = module));
  return grid;
}

/** Sets a property only when its value changes (a write of the same value can still cost a
 * style recalculation). */
function put(element, property, value) {
  if (element[property] !== value) element[property] = value;
}

/** The list view's columns after the first (the item): heading, cell text, text without one. */
const LIST_COLUMNS = [
  ["Category", (item) => `${item.category} / ${item.subcategory}`],
  ["Curation status", (item) => item.status?.label],
  ["Upstream", (item) => item.activity, "unknown"],
  ["Stars", (item) => item.stars?.toLocaleString()],
  ["Last commit", (item) => item.last_commit],
  ["Last release", (item) => item.last_release],
  ["Licence", (item) => item.license],
];

/** The list of `items`, with the columns some item of the catalog (`all`) has a value for: no
 * column of dashes where no GitHub data was fetched. */
function renderList(container, items, all) {
  const columns = (listColumns ??= LIST_COLUMNS.filter(([, value]) => all.some((item) => value(item) != null)));
  const cell = (text) => `<td>${escapeHtml(text)}</td>`;
  const rows = items.map((item) => `<tr data-id="${escapeHtml(item.id)}"><th scope="row"><a href="${root}projects/${encodeURIComponent(item.id)}/">${escapeHtml(item.name)}</a><span class="muted">${escapeHtml(clip(item.description, 140))}</span></th>${columns.map(([, value, missing = "–"]) => cell(value(item) ?? missing)).join("")}</tr>`);
  const headings = columns.map(([heading]) => `<th scope="col">${heading}</th>`).join("");
  // Drawn anew under a reader moving through the rows (the descriptions arriving, for one): the
  // focus stays on the row it was on, not on the page.
  const focused = container.contains(document.activeElement) ? idOf(document.activeElement) : undefined;
  container.innerHTML = `<table class="list"><thead><tr><th scope="col">${escapeHtml(capital(words[0]))}</th>${headings}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
  if (focused === undefined) return;
  const row = [...container.querySelectorAll("tbody tr")].find((tr) => tr.dataset.id === focused);
  row?.querySelector("th a").focus({ preventScroll: true });
}
let listColumns = null;

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** At most `length` characters, cut after a whole word (a long word: where it must) with "…". */
function clip(text, length) {
  if (text.length <= length) return text;
  const space = text.lastIndexOf(" ", length - 1);
  return `${text.slice(0, space > length / 2 ? space : length - 1).replace(/[\s,.;:]+$/, "")}…`;
}

/** What the filters box shows: the options it was drawn with, and each option's box and count. */
const drawnFilters = new WeakMap();

/** The filters box with its counts. Drawn once; after that, while the options stay the same
 * (they are those of every item: only a selected value no item has adds one), only the counts
 * and ticks that changed are written, so the box keeps its elements and the focus where it is. */
function renderFilters(container, data, state) {
  // Counted within the search's matches (the options stay those of every item).
  const query = state.q.trim();
  const hits = query && data.index ? hitsFor(data, query) : null;
  const options = facets(data.items, state.filters, hits && Uint8Array.from(data.items, (item) => hits[item.position]));
  // Only "unknown" (no torch data outside the PyTorch ecosystem, no observed data yet): no box.
  const boxes = FILTERS.map((name) => {
    const values = options[name] || [];
    return values.length === 1 && values[0].value === UNKNOWN && !values[0].selected ? [] : values;
  });
  const key = JSON.stringify(boxes.map((values) => values.map(({ value }) => value)));
  const drawn = drawnFilters.get(container);
  if (drawn?.key === key) {
    boxes.flat().forEach(({ count, selected }, k) => {
      const shown = drawn.options[k];
      if (shown.box.checked !== selected) shown.box.checked = selected;
      if (shown.count !== count) shown.counter.textContent = shown.count = count;
    });
    return;
  }
  // Drawn anew: the box that had the focus gets it back.
  const focused = container.contains(document.activeElement) ? document.activeElement : null;
  const again = focused?.dataset.filter ? [focused.dataset.filter, focused.value] : null;
  container.innerHTML = boxes.map((values, index) => {
    const name = FILTERS[index];
    let group = null;
    const choices = values.map(({ value, label, count, selected, category }) => {
      const checked = selected ? " checked" : "";
      // Subcategories under their category's name (several categories may have a "General").
      const heading = category !== undefined && category !== group ? `<span class="filter-group" aria-hidden="true">${escapeHtml((group = category))}</span>` : "";
      const within = category ? `<span class="visually-hidden"> (${escapeHtml(category)})</span>` : "";
      return `${heading}<label><input type="checkbox" data-filter="${name}" value="${escapeHtml(value)}"${checked}> ${escapeHtml(label)}${within} <span class="count">${count}</span></label>`;
    });
    return choices.length ? `<fieldset><legend>${LABELS[name]}</legend>${choices.join("")}</fieldset>` : "";
  }).join("");
  const labels = container.querySelectorAll("label");
  const shown = boxes.flat().map(({ count }, k) => ({ box: labels[k].firstElementChild, counter: labels[k].lastElementChild, count }));
  drawnFilters.set(container, { key, options: shown });
  if (again) [...container.querySelectorAll(`[data-filter="${again[0]}"]`)].find((box) => box.value === again[1])?.focus();
}

/** The current view as CSV: a row per item in the view's order, with its page's address and
 * what the explorer knows of it (the status as its label; lists joined with "; " as items.csv
 * joins them). */
function csv(items) {
  const page = (item) => new URL(`${root}projects/${encodeURIComponent(item.id)}/`, location.href).href;
  const cells = {
    id: (item) => item.id,
    name: (item) => item.name,
    page,
    category: (item) => item.category,
    subcategory: (item) => item.subcategory,
    status: (item) => item.status?.label,
    upstream: (item) => item.activity,
    stars: (item) => item.stars,
    last_commit: (item) => item.last_commit,
    last_release: (item) => item.last_release,
    torch_requirement: (item) => item.torch,
    license: (item) => item.license,
    language: (item) => item.language,
    kind: (item) => item.kind,
    packages: (item) => (item.packages || []).join("; "),
    description: (item) => item.description,
  };
  const quote = (value) => {
    let text = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const rows = items.map((item) => Object.values(cells).map((cell) => quote(cell(item))).join(","));
  return [Object.keys(cells).join(","), ...rows].join("\n") + "\n";
}

/** The item id of a tile, or of a link in a row of the list. */
const idOf = (link) => link.dataset.id || link.closest("tr")?.dataset.id;

/** The id of the item last opened from the explorer, kept for the tab's session; set with `id`. */
function remember(id) {
  try {
    if (id === undefined) return sessionStorage.getItem("torchscape.opened");
    sessionStorage.setItem("torchscape.opened", id);
  } catch {
    /* storage refused: no focus to restore */
  }
  return null;
}

/** Arrow keys move between visible tiles (left/right in order, up/down to the nearest tile) and
 * between the rows of the list (up/down). */
function moveFocus(event) {
  const current = document.activeElement;
  if (current?.matches?.(".list tbody th a") && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
    // the list: a row up or down
    const row = current.closest("tr")[event.key === "ArrowDown" ? "nextElementSibling" : "previousElementSibling"];
    if (row) event.preventDefault(), row.querySelector("th a").focus();
    return;
  }
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
  const items = (await response.json()).items.map((row, position) => ({ ...toItem(row), position }));
  const data = { items, index: null, building: null, single: new Map(), grid: gridOf(document, items) };
  // The search index is built when the browser is idle, so the first keystroke does not wait.
  // Where the browser has no requestIdleCallback (Safari): slices of 8 ms, 50 ms apart.
  const later = (callback) => setTimeout(() => {
    const end = performance.now() + 8;
    callback({ timeRemaining: () => Math.max(0, end - performance.now()) });
  }, 50);
  const idle = window.requestIdleCallback || later;
  // Then the logos below the fold (the search index comes first: a keystroke needs it), once.
  let indexed = () => {
    indexed = () => {};
    prefetchLogos(panel, grid, idle, active(state));
    rehearse();
  };
  buildWhenIdle(data, idle, () => indexed());
  const input = panel.querySelector("input[type=search]");
  const status = panel.querySelector("[data-count]");
  const filters = panel.querySelector("[data-filters]");
  const list = document.querySelector("[data-list]");
  const grid = document.querySelector("[data-grid]");
  const more = panel.querySelector("[data-show-hidden]");
  const clear = panel.querySelector("[data-clear]");
  // While every group shows (searching, filtering), the group tabs do nothing: inert.
  const tabs = document.querySelector("[data-tabs]");
  const filtersBox = panel.querySelector(".filters-box");
  const summary = filtersBox.querySelector("summary");
  let state = readState();
  let current = () => [];

  // The address is written after the change's frame (a history entry costs milliseconds):
  // when idle for a filter, view or sort (a new entry), after a pause in typing (the same one).
  let pendingUrl = 0;
  let pendingPush = null;
  const flushUrl = () => {
    if (pendingUrl || pendingPush !== null) writeState(state, pendingPush === true);
    clearTimeout(pendingUrl);
    pendingUrl = 0;
    pendingPush = null;
  };
  // Leaving the page (a click on a tile, Enter, closing the tab) first records the query,
  // so that Back returns to what was on screen.
  document.addEventListener("click", flushUrl, true);
  window.addEventListener("pagehide", flushUrl);
  // So do the filters' counts: the grid and the count of matches come first.
  let painting = false;
  const afterPaint = () => {
    if (painting) return;
    painting = true;
    idle(() => {
      painting = false;
      if (pendingPush !== null) flushUrl();
      if (filtersBox.open) renderFilters(filters, data, state);
    }, { timeout: 200 });
  };
  const render = (push = false, typing = false) => {
    clearTimeout(pendingUrl);
    pendingUrl = 0;
    if (typing) pendingUrl = setTimeout(flushUrl, 300);
    else pendingPush = pendingPush === true || push;
    if (!typing || filtersBox.open) afterPaint();
    const { shown, hidden, kept, reading, sorted } = results(data, state);
    const asked = active(state); // a query or a filter: every group shows, in one view
    const filtering = asked || hidden.length > 0; // sections count "x of y", empty ones go
    put(grid, "hidden", state.view !== "grid");
    put(list, "hidden", state.view !== "list");
    if (state.view === "grid") renderGrid(data, shown, filtering, !typing || !state.q);
    else renderList(list, sorted(), data.items);
    // Items hidden by default (dead upstream) are no search: the group tabs keep working. (They
    // were dimmed and dead from the first paint on any landscape with a dormant project.)
    document.body.classList.toggle("is-filtering", asked);
    if (tabs) put(tabs, "inert", asked);
    current = sorted;
    const [word, verb] = shown.length === 1 ? [words[0], "matches"] : [words[1], "match"];
    // A word read as a phrase ("asr" as "automatic speech recognition") says so: such a reading
    // can be far-fetched, and the reader sees which it was.
    const read = reading && shown.length ? ` (read as “${reading}”)` : "";
    const matched = kept ? `${verb} “${kept}” (none matches every word of “${state.q}”)` : `${verb} “${state.q}”${read}`;
    put(status, "textContent", `${shown.length} ${word}${state.q ? ` ${matched}` : ""}`);
    put(more, "hidden", hidden.length === 0);
    put(clear, "hidden", !active(state)); // nothing to clear: no button
    const ticked = Object.values(state.filters).reduce((sum, set) => sum + set.size, 0);
    put(summary, "textContent", ticked ? `Filters (${ticked} selected)` : "Filters");
    put(more, "textContent", `+${hidden.length} hidden (dormant or archived upstream): show them`);
    put(panel.querySelector("[data-hidden-toggle]"), "checked", state.all);
    for (const button of panel.querySelectorAll("[data-view]")) {
      const pressed = String(button.dataset.view === state.view);
      if (button.getAttribute("aria-pressed") !== pressed) button.setAttribute("aria-pressed", pressed);
    }
    put(panel.querySelector("[data-sort]"), "value", state.sort);
    put(panel.querySelector("[data-dir]"), "textContent", state.dir === "asc" ? "Ascending" : state.dir === "desc" ? "Descending" : "Default order");
  };
  // The code a filter change runs, run once ahead while the browser is idle, a filter at a time,
  // until the visitor changes something: the first changes of a visit ran it cold (V8 compiles a
  // function for speed once it has run a while), their handlers 1-3 ms slower than those of the
  // same changes later. For each filter, the items its first option would leave and where their
  // tiles would go (reads only); then the grid as it is, which writes nothing. (The mark is for
  // profiles and tests.)
  const rehearse = () => {
    const names = [...FILTERS];
    const before = state;
    const step = () => {
      if (state !== before || state.view !== "grid" || !data.items.length) return;
      const name = names.shift();
      const value = valuesOf(data.items[0], name)[0] ?? UNKNOWN;
      const { shown } = results(data, { ...state, filters: { ...state.filters, [name]: new Set([value]) } });
      data.grid.gradual?.budgetsOf(data.grid, shownMask(data, shown), true);
      if (names.length) return idle(step);
      render(false);
      performance.mark?.("torchscape:rehearsed");
    };
    idle(step);
  };
  // The CSV of the current view is made when asked for, not at every keystroke.
  const download = panel.querySelector("[data-csv]");
  download.addEventListener("click", () => {
    if (download.href.startsWith("blob:")) URL.revokeObjectURL(download.href);
    download.href = URL.createObjectURL(new Blob([csv(current())], { type: "text/csv" }));
  });
  filtersBox.addEventListener("toggle", () => filtersBox.open && renderFilters(filters, data, state));

  input.value = state.q;
  // From the search box to the results: ArrowDown to the first shown, Enter to the best match
  // (the first in relevance order); Enter again opens it.
  input.addEventListener("keydown", (event) => {
    if ((event.key !== "ArrowDown" && event.key !== "Enter") || event.isComposing) return;
    const links = state.view === "list" ? [...list.querySelectorAll("tbody th a")] : [...grid.querySelectorAll("a.tile")].filter((tile) => tile.offsetParent !== null);
    let target = links[0];
    if (event.key === "Enter") {
      const best = current()[0];
      target = best && links.find((link) => idOf(link) === best.id);
    }
    if (target) event.preventDefault(), target.focus();
  });
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
    if (event.target.closest("[data-clear]")) {
      // The button goes with what it cleared: from the keyboard, the focus moves to where the
      // next search starts (a tap does not bring up a phone's keyboard).
      const keyboard = clear.matches(":focus-visible");
      state = { ...state, q: "", filters: {} };
      input.value = "";
      render(true);
      if (keyboard) input.focus();
    }
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
    const control = event.target.closest?.("input, textarea, select"); // arrows are its own
    // "/" is text only where text is typed: from a checkbox or a select it goes to the search
    // (it stayed there, and a space typed next ticked the box).
    const writing = event.target.closest?.("textarea, [contenteditable]") || (control?.matches("input") && !NOT_TEXT.has(control.type));
    if (event.key === "/" && !writing) {
      event.preventDefault();
      input.focus();
    } else if (!control) moveFocus(event);
  });
  panel.hidden = false;
  // Show what is active, where there is room: on a phone the open box pushed the results of a
  // shared link two screens down (its summary says how many options are ticked).
  filtersBox.open = Object.values(state.filters).some((set) => set.size) && matchMedia("(min-width: 40rem)").matches;
  render(false);
  // Back from an item page, the focus returns to the tile or row that was opened (the browser
  // restores the scroll, which is kept).
  document.addEventListener("click", (event) => {
    const link = event.target.closest?.("[data-grid] a.tile[data-id], [data-list] tbody th a");
    if (link) remember(idOf(link));
  });
  if (performance.getEntriesByType?.("navigation")[0]?.type === "back_forward") {
    const id = remember();
    const links = [...document.querySelectorAll(state.view === "list" ? "[data-list] tbody tr" : "[data-grid] a.tile")];
    const opened = links.find((link) => link.dataset.id === id && link.getClientRects().length);
    (opened?.matches("tr") ? opened.querySelector("th a") : opened)?.focus({ preventScroll: true });
  }
  // With the descriptions, keywords and topics, a search also finds their words. The index with
  // them is built when the browser is idle; until then searches use the one without.
  const texts = await (await fetch(`${root}api/explorer-text.json`)).json();
  // Objects keyed by item ids: an id may be "constructor" or "toString", which a plain lookup
  // finds on every object (a function, not this item's texts).
  const own = (object, id, none) => (Object.hasOwn(object, id) ? object[id] : none);
  for (const item of data.items) {
    item.description = own(texts.descriptions, item.id, "");
    item.keywords = own(texts.keywords, item.id, []);
    item.observed.topics = own(texts.topics, item.id, []);
  }
  buildWhenIdle(data, idle, () => {
    indexed(); // if this build took over from the first before it was done
    if (state.q.trim() || state.view === "list") render(false);
    panel.dataset.texts = "loaded";
  });
}

start().catch((error) => console.error("torchscape explorer:", error));
