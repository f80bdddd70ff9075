// torchscape compare: pick 2 to 4 projects anywhere on the site, and build any comparison in the
// browser from api/compare.json (the pre-rendered comparisons work without this script).

const root = (typeof document !== "undefined" && document.body.dataset.root) || "";
/** What the landscape calls its items (settings `torchscape.item_words`): one, many. */
const words = ((typeof document !== "undefined" && document.body.dataset.words) || "project|projects").split("|");
const KEY = "torchscape.compare";
const MAX = 4;

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The ids in a `?items=a,b` parameter: known ones only, each once, at most four. */
export function parseItems(search, known) {
  const raw = new URLSearchParams(search).getAll("items").join(",");
  const ids = raw.split(",").map((id) => id.trim()).filter((id) => id && (!known || known.has(id)));
  return [...new Set(ids)].slice(0, MAX);
}

const UNKNOWN = "unknown";
/** 1234567 -> "1,234,567" (as Python's `f"{n:,}"`: the same in every locale). */
const grouped = (n) => `${n < 0 ? "-" : ""}${String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",")}`;

/** The cell a table shows for a row's fact in api/compare.json (version 2): `{text, value?,
 * links?}`, as the build's `expand` (relations/compare.py) writes it for the pre-rendered tables.
 * A shared row's cells are indexes into its `values`, a links row's labels indexes into its
 * `labels`; null is unknown. */
export function expandCell(row, cell, items) {
  const fact = row.values && typeof cell === "number" ? row.values[cell] : cell;
  if (fact === null || fact === undefined) return { text: UNKNOWN };
  switch (row.kind) {
    case "count":
      return { text: grouped(fact), value: fact };
    case "trend":
      return { text: `${fact[0] < 0 ? "" : "+"}${grouped(fact[0])} since ${fact[1]}`, value: fact[0] };
    case "days":
      return { text: `${fact[0]} (${fact[1]})`, value: fact[0] };
    case "scored":
      return { text: fact[0], value: fact[1] };
    case "items": {
      if (!fact.length) return { text: "none" };
      const links = fact.map((id) => [items[id]?.name ?? id, `projects/${id}/`]);
      return { text: links.map(([name]) => name).join(", "), links };
    }
    case "links": {
      const links = fact.map(([label, url]) => [row.labels[label], url]);
      return { text: links.map(([label]) => label).join(" · "), links };
    }
    default:
      return { text: String(fact) };
  }
}

/** An item's cells by row key, from api/compare.json's data. */
export function itemCells(data, id) {
  const cells = {};
  data.rows.forEach((row, i) => {
    cells[row.key] = expandCell(row, data.items[id].cells[i], data.items);
  });
  return cells;
}

/** Row key -> indexes of the best cells (only rows with a direction, and only if values differ). */
export function bestCells(rows, records) {
  const best = {};
  for (const row of rows) {
    if (!row.best) continue;
    const values = records.map((cells, i) => [i, cells[row.key]?.value]).filter(([, v]) => typeof v === "number");
    if (values.length < 2 || new Set(values.map(([, v]) => v)).size < 2) continue;
    const pick = row.best === "max" ? Math.max : Math.min;
    const target = pick(...values.map(([, v]) => v));
    best[row.key] = new Set(values.filter(([, v]) => v === target).map(([i]) => i));
  }
  return best;
}

const picked = () => {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) || "[]");
    return Array.isArray(list) ? list.filter((p) => p && typeof p.id === "string").slice(0, MAX) : [];
  } catch {
    return [];
  }
};
const save = (list) => {
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    /* private mode: the selection lives as long as the page */
  }
};
const compareUrl = (ids) => `${root}compare/?items=${ids.map(encodeURIComponent).join(",")}`;

function toggle(id, name) {
  let list = picked();
  if (list.some((p) => p.id === id)) list = list.filter((p) => p.id !== id);
  else if (list.length < MAX) list.push({ id, name });
  save(list);
  refresh();
}

function refresh() {
  const list = picked();
  const ids = new Set(list.map((p) => p.id));
  for (const button of document.querySelectorAll("[data-pick]")) {
    const on = ids.has(button.dataset.pick);
    button.setAttribute("aria-pressed", String(on));
    button.textContent = on ? "In comparison ✓" : "Add to comparison";
    button.disabled = !on && list.length >= MAX;
  }
  // Picked tiles of the home grid wear a mark (few: at most MAX).
  for (const tile of document.querySelectorAll("[data-grid] a.tile.is-picked")) tile.classList.remove("is-picked");
  for (const id of ids) {
    for (const tile of document.querySelectorAll(`[data-grid] a.tile[data-id="${CSS.escape(id)}"]`)) tile.classList.add("is-picked");
  }
  let tray = document.querySelector(".compare-tray");
  // The compare page shows the comparison itself: no tray there to fall out of step with it.
  if (!list.length || document.querySelector("[data-compare-app]")) {
    if (tray) tray.hidden = true;
    return;
  }
  if (!tray) {
    tray = document.createElement("div");
    tray.className = "compare-tray";
    tray.setAttribute("role", "region");
    tray.setAttribute("aria-label", "Comparison");
    document.body.append(tray);
    tray.addEventListener("click", (event) => {
      if (event.target.closest("[data-tray-clear]")) save([]), refresh();
    });
  }
  tray.hidden = false;
  const names = list.map((p) => escapeHtml(p.name)).join(", ");
  const ready = list.length >= 2;
  tray.innerHTML = `<span>Compare ${list.length}/${MAX}: ${names}</span> ${
    ready ? `<a class="button" href="${compareUrl(list.map((p) => p.id))}">Compare</a>` : `<span class="muted">pick at least 2</span>`
  } <button type="button" data-tray-clear>Clear</button>`;
}

/** "Add to comparison" buttons next to cards and tiles, and the item page's own button. */
function setUpPicking() {
  for (const link of document.querySelectorAll(".cards a.card[data-id], [data-compare-pick] a.tile[data-id]")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "pick pick-small";
    button.dataset.pick = link.dataset.id;
    button.dataset.name = link.querySelector(".card-name, .tile-name")?.textContent || link.dataset.id;
    link.parentElement.append(button);
  }
  // The item page's own button: made here, not written into thousands of pages (none for a
  // member: an organisation, not software to compare), after the title's tags.
  const article = document.querySelector("article.item[data-id]:not([data-member])");
  const heading = article && article.querySelector("h1");
  if (heading) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "pick";
    button.dataset.pick = article.dataset.id;
    button.dataset.name = heading.textContent;
    (article.querySelector(".item-title .tags") || heading).after(button);
  }
  for (const button of document.querySelectorAll("[data-pick]")) button.hidden = false;
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-pick]");
    if (button) toggle(button.dataset.pick, button.dataset.name || button.dataset.pick);
  });
  refresh();
}

function cellHtml(cell) {
  if (cell.links) {
    return cell.links
      .map(([label, url]) => {
        const outside = /^https?:\/\//.test(url);
        const href = outside ? url : `${root}${url}`;
        return `<a href="${escapeHtml(href)}"${outside ? ' rel="noopener noreferrer"' : ""}>${escapeHtml(label)}</a>`;
      })
      .join(", ");
  }
  return escapeHtml(cell.text);
}

function renderTable(app, data, ids) {
  const records = ids.map((id) => itemCells(data, id));
  const best = bestCells(data.rows, records);
  const head = ids
    .map((id) => {
      const item = data.items[id];
      return `<th scope="col" data-id="${escapeHtml(id)}"><a href="${root}projects/${encodeURIComponent(id)}/"><img src="${root}${escapeHtml(item.logo)}" alt="" width="96" height="56"><span>${escapeHtml(item.name)}</span></a> <button type="button" data-remove="${escapeHtml(id)}" aria-label="Remove ${escapeHtml(item.name)}">×</button></th>`;
    })
    .join("");
  const body = data.rows
    // A fact unknown for every project shown (no GitHub data fetched, say) is a row of "unknown":
    // left out, as in the pre-rendered tables.
    .filter((row) => records.some((cells) => cells[row.key] && cells[row.key].text !== UNKNOWN))
    .map((row) => {
      const cells = records.map((cells, i) => {
        const cell = cells[row.key] || { text: UNKNOWN };
        const isBest = best[row.key]?.has(i);
        const classes = [isBest ? "best" : "", cell.text === UNKNOWN ? "unknown" : ""].join(" ").trim();
        const mark = isBest ? ' <span class="best-mark" title="best of this comparison">best</span>' : "";
        return `<td class="${classes}">${cellHtml(cell)}${mark}</td>`;
      });
      return `<tr data-row="${escapeHtml(row.key)}"><th scope="row">${escapeHtml(row.label)}</th>${cells.join("")}</tr>`;
    })
    .join("");
  return `<div class="compare-wrap"><table class="compare"><thead><tr><th scope="col"><span class="visually-hidden">Fact</span></th>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

async function setUpApp() {
  const app = document.querySelector("[data-compare-app]");
  if (!app) return;
  const response = await fetch(`${root}api/compare.json`);
  const data = await response.json();
  const known = new Set(Object.keys(data.items));
  let ids = parseItems(location.search, known);
  const title = document.title; // the page's own, for when no item is left
  // Names several items share are offered with their ids ("Twin (twin-a)"), so each can be added.
  const named = new Map(); // lowercased name -> the ids of the items with it
  for (const id of Object.keys(data.items)) {
    const key = data.items[id].name.toLowerCase();
    named.set(key, [...(named.get(key) || []), id]);
  }
  const offered = (id) => {
    const name = data.items[id].name;
    return named.get(name.toLowerCase()).length > 1 ? `${name} (${id})` : name;
  };
  const options = Object.keys(data.items)
    .sort((a, b) => data.items[a].name.localeCompare(data.items[b].name))
    .map((id) => `<option value="${escapeHtml(offered(id))}" data-id="${escapeHtml(id)}"></option>`)
    .join("");
  const byName = new Map(Object.keys(data.items).map((id) => [offered(id).toLowerCase(), id]));
  // Opened from the picks (the tray's button), the page's changes are the picks' changes; a
  // shared link leaves the visitor's own picks alone.
  const mine = picked().map((p) => p.id);
  const fromPicks = mine.length === ids.length && ids.every((id) => mine.includes(id));
  const render = (push) => {
    if (fromPicks && push !== null) save(ids.map((id) => ({ id, name: data.items[id].name })));
    const url = ids.length ? `?items=${ids.map(encodeURIComponent).join(",")}` : location.pathname;
    if (push !== null) history[push ? "pushState" : "replaceState"](null, "", url);
    const form = `<form class="compare-add" data-compare-add><label>Add a ${escapeHtml(words[0])} <input list="compare-names" name="name" autocomplete="off"${ids.length >= MAX ? " disabled" : ""}></label> <button type="submit"${ids.length >= MAX ? " disabled" : ""}>Add</button><datalist id="compare-names">${options}</datalist></form>`;
    const hint = ids.length < 2 ? `<p class="muted" data-compare-hint>Pick ${2 - ids.length} more (2 to 4 ${escapeHtml(words[1])}).</p>` : "";
    const copy = ids.length >= 2 && navigator.clipboard ? `<p><button type="button" class="button" data-copy-link>Copy the link to this comparison</button> <span class="muted" role="status" data-copied></span></p>` : "";
    app.innerHTML = `${form}${hint}${ids.length ? renderTable(app, data, ids) : ""}${copy}`;
    document.title = ids.length ? `Compare ${ids.map((id) => data.items[id].name).join(", ")}` : title;
  };
  app.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = new FormData(event.target).get("name")?.toString().trim().toLowerCase() || "";
    // A shared name alone adds the first of its items not shown yet.
    const first = (named.get(name) || []).find((other) => !ids.includes(other));
    const id = byName.get(name) || first || (known.has(name) ? name : null);
    if (id && !ids.includes(id) && ids.length < MAX) (ids = [...ids, id]), render(true);
  });
  app.addEventListener("click", (event) => {
    if (event.target.closest("[data-copy-link]")) {
      const said = app.querySelector("[data-copied]");
      navigator.clipboard.writeText(location.href).then(
        () => (said.textContent = "Copied."),
        () => (said.textContent = "Not copied: copy the address from the address bar."),
      );
    }
    const remove = event.target.closest("[data-remove]");
    if (remove) (ids = ids.filter((id) => id !== remove.dataset.remove)), render(true);
  });
  window.addEventListener("popstate", () => {
    ids = parseItems(location.search, known);
    render(null);
  });
  render(false); // the address as read: unknown and repeated ids left out
}

/** The home grid's "Pick to compare" mode: while it is on, a tile (click or Enter) is picked
 * instead of opened; one button, so the grid carries no extra markup. */
function setUpGridPicking() {
  const mode = document.querySelector("[data-compare-mode]");
  const grid = document.querySelector("[data-grid]");
  if (!mode || !grid) return;
  mode.hidden = false;
  const on = () => mode.getAttribute("aria-pressed") === "true";
  const set = (value) => {
    mode.setAttribute("aria-pressed", String(value));
    grid.classList.toggle("is-picking", value);
  };
  mode.addEventListener("click", () => set(!on()));
  document.addEventListener("keydown", (event) => event.key === "Escape" && on() && set(false));
  grid.addEventListener("click", (event) => {
    const tile = on() && event.target.closest("a.tile[data-id]");
    if (!tile) return;
    event.preventDefault();
    toggle(tile.dataset.id, tile.querySelector(".tile-name")?.textContent || tile.dataset.id);
  });
}

if (typeof document !== "undefined") {
  setUpPicking();
  setUpGridPicking();
  setUpApp().catch((error) => console.error("torchscape compare:", error));
}
