// torchscape explorer filters: facets with counts over the items of api/items.json.
// No dependencies and no imports (the site serves each script under a content-hashed name).

/*
 * A filter maps each item to one or more option values:
 *   category     the item's category and the categories of its second placements;
 *   subcategory  "Category › Subcategory" of each placement (second placements included);
 *   status       the label of its curation status, "none" without one;
 *   kind         its kind, "not given" without one;
 *   license      the catalog's licence, else the observed one, else "unknown";
 *   language     the observed main language, else "unknown";
 *   activity     the observed upstream state (active, slowing, dormant, archived), else "unknown";
 *   torch        each torch version (e.g. "2.4") the latest release accepts, else "unknown" (no
 *                package, or no torch requirement declared: never counted as compatible).
 * (Options are labelled as the site's pages write them: "no status", "Library", "Archived
 * upstream"; see LABELS.)
 *
 * Selections: a filter name -> a Set of option values. Options of one filter are ORed, filters
 * are ANDed; an empty or missing Set leaves that filter off. Counts are faceted: the count of an
 * option is the number of items that match every *other* active filter and have that option, so
 * it is what the filter would show if that option were its only selection.
 */

/** The filters, in display order. */
export const FILTERS = ["category", "subcategory", "status", "kind", "license", "language", "activity", "torch"];
/** The value of an observed fact that is not known. */
export const UNKNOWN = "unknown";
/** The status value of items without a curation status. */
export const NO_STATUS = "none";
/** The kind value of items without a kind. */
export const NO_KIND = "not given";
/** Joins a category and a subcategory into a subcategory value. */
export const SUBCATEGORY_SEPARATOR = " › ";
/** Observed upstream states, from alive to dead (the order of the activity options). */
export const ACTIVITIES = ["active", "slowing", "dormant", "archived", UNKNOWN];

const placements = (item) => [item, ...(item.second_paths || [])];
const unique = (values) => [...new Set(values.filter((value) => value))];

/** @type {Record<string, (item: object) => string[]>} */
const VALUES = {
  category: (item) => unique(placements(item).map((place) => place.category)),
  subcategory: (item) =>
    unique(
      placements(item)
        .filter((place) => place.category && place.subcategory)
        .map((place) => `${place.category}${SUBCATEGORY_SEPARATOR}${place.subcategory}`),
    ),
  status: (item) => [(item.status && item.status.label) || NO_STATUS],
  kind: (item) => [item.kind || NO_KIND],
  license: (item) => [item.license || (item.observed && item.observed.license) || UNKNOWN],
  language: (item) => [(item.observed && item.observed.language) || UNKNOWN],
  activity: (item) => [activity(item)],
  torch: (item) => (Array.isArray(item.torch_ok) ? item.torch_ok : [UNKNOWN]),
};

/** The observed upstream state of an item, "unknown" without data. */
function activity(item) {
  const observed = item.observed;
  if (!observed) return UNKNOWN;
  if (observed.activity) return observed.activity;
  return observed.archived === true ? "archived" : UNKNOWN;
}

/**
 * The option values an item has for one filter.
 * @param {object} item
 * @param {string} filter one of {@link FILTERS}
 * @returns {string[]}
 */
export function valuesOf(item, filter) {
  const values = VALUES[filter];
  if (!values) throw new Error(`unknown filter: ${filter}`);
  return values(item);
}

/** Each item's values for every filter, worked out once (an item's placements and facts do not
 * change once it is filtered): making them anew at each change cost its frame in garbage. */
const ALL_VALUES = new WeakMap();
function allValues(item) {
  let values = ALL_VALUES.get(item);
  if (!values) ALL_VALUES.set(item, (values = FILTERS.map((filter) => VALUES[filter](item))));
  return values;
}

/** The active selections as [filter index, Set] pairs (unknown filter names are ignored). */
function active(selected) {
  const entries = selected instanceof Map ? [...selected] : Object.entries(selected || {});
  const result = [];
  for (const [name, values] of entries) {
    const index = FILTERS.indexOf(name);
    const set = values instanceof Set ? values : new Set(values || []);
    if (index >= 0 && set.size > 0) result.push([index, set]);
  }
  return result;
}

/**
 * For one list of items, each filter's options as numbers: its distinct values in the order the
 * items first have them (`values`, numbered by `ids`), how many items have each (`total`), and
 * each item's option numbers (those of item i are `flat[start[i]]` to `flat[start[i + 1]]`).
 * Worked out once per list: counting with Maps of strings at every change cost a 2,500-item
 * grid 2-4 ms a change (Node; a browser's profile).
 */
const TABLES = new WeakMap();
function tableOf(items) {
  const known = TABLES.get(items);
  if (known && known.size === items.length) return known.filters;
  const filters = FILTERS.map(() => ({ values: [], ids: new Map(), total: [], start: new Int32Array(items.length + 1), flat: [] }));
  items.forEach((item, i) => {
    const values = allValues(item);
    filters.forEach((filter, index) => {
      filter.start[i] = filter.flat.length;
      for (const value of values[index]) {
        let id = filter.ids.get(value);
        if (id === undefined) filter.ids.set(value, (id = filter.values.push(value) - 1)), filter.total.push(0);
        filter.flat.push(id);
        filter.total[id] += 1;
      }
    });
  });
  for (const filter of filters) (filter.start[items.length] = filter.flat.length), (filter.flat = Int32Array.from(filter.flat));
  TABLES.set(items, { size: items.length, filters });
  return filters;
}

/**
 * The items that pass every active filter (OR within a filter, AND across filters), in order.
 * @param {object[]} items
 * @param {Map<string, Set<string>> | Record<string, Set<string>>} selected filter -> values
 * @returns {object[]}
 */
export function applyFilters(items, selected) {
  const selections = active(selected);
  if (selections.length === 0) return [...items];
  // By option numbers (`tableOf`, worked out once per list): the values of 2,500 items looked up
  // in Sets of strings took a tick 1-2 ms of its frame in Chromium; numbers, a few tenths at most.
  const table = tableOf(items);
  const passes = new Uint8Array(items.length).fill(1);
  for (const [index, set] of selections) {
    const has = holders(table[index], set);
    for (let i = 0; i < items.length; i++) passes[i] &= has[i];
  }
  return items.filter((_, i) => passes[i]);
}

/** For one filter's table (`tableOf`), 1 for each item that has one of the values of `set`. */
function holders({ ids, start, flat }, set) {
  const chosen = new Uint8Array(ids.size);
  for (const value of set) if (ids.has(value)) chosen[ids.get(value)] = 1;
  const has = new Uint8Array(start.length - 1);
  for (let i = 0; i < has.length; i++) {
    for (let j = start[i]; j < start[i + 1] && !has[i]; j++) has[i] = chosen[flat[j]];
  }
  return has;
}

/**
 * The options of every filter with faceted counts.
 *
 * An option's count is the number of items matching all the other active filters that have this
 * option (of those `within` says, when given: the search's matches). Every option any item has
 * is listed (count 0 included, so the list does not jump), and so is every selected value.
 * Categories keep the items' order, subcategories too, grouped by category; activity goes from
 * alive to dead; the others are by overall count, then alphabetically.
 *
 * @param {object[]} items
 * @param {Map<string, Set<string>> | Record<string, Set<string>>} [selected] filter -> values
 * @param {Uint8Array | null} [within] 1 for each item (by index in `items`) to count
 * @returns {Record<string, Array<{value: string, label: string, count: number, selected: boolean,
 *   category?: string}>>} filter -> options
 */
export function facets(items, selected = {}, within = null) {
  const selections = active(selected);
  const table = tableOf(items);
  // For each item, how many active selections it fails, and which one when it fails just one
  // (it then counts toward that filter's options only).
  const fails = new Uint8Array(items.length);
  const failed = new Int8Array(items.length);
  selections.forEach(([index, set], k) => {
    const has = holders(table[index], set);
    for (let i = 0; i < items.length; i++) if (!has[i]) (fails[i] += 1), (failed[i] = k);
  });
  const result = {};
  FILTERS.forEach((filter, index) => {
    const own = selections.findIndex(([i]) => i === index);
    const chosen = own >= 0 ? selections[own][1] : new Set();
    const { values: all, ids, total, start, flat } = table[index];
    const counts = new Int32Array(all.length);
    for (let i = 0; i < items.length; i++) {
      if (within !== null && !within[i]) continue;
      if (fails[i] === 0 || (fails[i] === 1 && failed[i] === own)) for (let j = start[i]; j < start[i + 1]; j++) counts[flat[j]] += 1;
    }
    const totalOf = (value) => total[ids.get(value)];
    const values = [...all];
    if (filter === "activity") {
      values.sort((a, b) => rank(a) - rank(b) || compare(a, b));
    } else if (filter === "torch") {
      values.sort(newestFirst);
    } else if (filter === "subcategory") {
      // grouped by category (a second placement can name a later category's subcategory first)
      const categories = new Map();
      for (const value of all) if (!categories.has(categoryOf(value))) categories.set(categoryOf(value), categories.size);
      values.sort((a, b) => categories.get(categoryOf(a)) - categories.get(categoryOf(b)));
    } else if (filter !== "category") {
      values.sort((a, b) => totalOf(b) - totalOf(a) || compare(a, b));
    }
    for (const value of chosen) if (!ids.has(value)) values.push(value);
    result[filter] = values.map((value) => option(filter, value, ids.has(value) ? counts[ids.get(value)] : 0, chosen.has(value)));
  });
  return result;
}

const rank = (value) => {
  const index = ACTIVITIES.indexOf(value);
  return index < 0 ? ACTIVITIES.length - 1 : index;
};

/** Torch versions, newest first ("2.10" before "2.9"); "unknown" last. */
const newestFirst = (a, b) => {
  if (a === UNKNOWN || b === UNKNOWN) return (a === UNKNOWN) - (b === UNKNOWN);
  const [x, y] = [a.split(".").map(Number), b.split(".").map(Number)];
  return y[0] - x[0] || y[1] - x[1];
};

const compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** Labels of options whose values are words of the data, as the site's pages write them (the
 * values, which addresses carry, stay as they are). */
const LABELS = {
  status: { [NO_STATUS]: "no status" },
  kind: { [NO_KIND]: "not given", library: "Library", framework: "Framework", tool: "Tool", service: "Hosted service", member: "Member" },
  activity: { active: "Active", slowing: "Slowing", dormant: "Dormant", archived: "Archived upstream" },
  torch: { [UNKNOWN]: "unknown (no torch requirement seen)" },
};

function option(filter, value, count, selected) {
  if (filter !== "subcategory") {
    const labels = LABELS[filter];
    const label = labels && Object.hasOwn(labels, value) ? labels[value] : value; // not "constructor"
    return { value, label, count, selected };
  }
  const category = categoryOf(value);
  const label = category ? value.slice(category.length + SUBCATEGORY_SEPARATOR.length) : value;
  return { value, label, category, count, selected };
}

/** The category of a subcategory value ("Category › Subcategory"); "" without one. */
function categoryOf(value) {
  const cut = value.indexOf(SUBCATEGORY_SEPARATOR);
  return cut < 0 ? "" : value.slice(0, cut);
}

/**
 * Whether the explorer hides an item until asked: only when observed data shows the project dead
 * upstream (archived, or dormant: no commit or release for a long time). Never for missing data,
 * and never because of its curation status (a retired project is not a dead one); nor when the
 * upstream-state filter asks for its state (`asked`, the filter's selected values).
 * @param {object} item
 * @param {Set<string>} [asked]
 * @returns {boolean}
 */
export function hiddenByDefault(item, asked = undefined) {
  const state = activity(item);
  // (Ticking "archived 1" showed "0 projects", the one kept hidden.)
  return (state === "archived" || state === "dormant") && !asked?.has(state);
}
