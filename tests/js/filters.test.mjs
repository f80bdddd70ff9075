// The explorer's filters (src/torchscape/site/static/filters.js): node --test tests/js/
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import {
  FILTERS,
  NO_KIND,
  NO_STATUS,
  UNKNOWN,
  applyFilters,
  facets,
  hiddenByDefault,
  valuesOf,
} from "../../src/torchscape/site/static/filters.js";

const realItems = (name) =>
  JSON.parse(readFileSync(new URL(`./data/${name}-items.json`, import.meta.url), "utf8")).items;

/** A minimal item as in api/items.json. */
const item = (id, fields = {}) => ({
  id,
  name: id,
  category: "Modeling",
  subcategory: "Vision",
  second_paths: [],
  description: "",
  keywords: [],
  status: null,
  kind: "library",
  license: null,
  packages: [],
  observed: null,
  ...fields,
});

const observed = (fields) => ({
  activity: null,
  archived: false,
  language: null,
  license: null,
  topics: [],
  ...fields,
});
const ECOSYSTEM = { value: "ecosystem", label: "Ecosystem project", retired: false };
const RETIRED = { value: "archived", label: "Retired", retired: true };

const ITEMS = [
  item("vision", {
    license: "MIT",
    status: ECOSYSTEM,
    observed: observed({ activity: "active", language: "Python" }),
  }),
  item("both", {
    second_paths: [{ category: "Training", subcategory: "General" }],
    status: ECOSYSTEM,
    observed: observed({ activity: "dormant", license: "Apache-2.0", language: "C++" }),
  }),
  item("twice", {
    category: "Training",
    subcategory: "General",
    second_paths: [
      { category: "Training", subcategory: "Distributed" },
      { category: "Modeling", subcategory: "Vision" },
    ],
    kind: "tool",
    license: "MIT",
    status: RETIRED,
    observed: observed({ activity: "slowing", license: "BSD-3-Clause", language: "Python" }),
  }),
  item("trainer", { category: "Training", subcategory: "General", kind: null, status: RETIRED }),
  item("dead", {
    category: "Training",
    subcategory: "Distributed",
    observed: observed({ activity: "archived" }),
  }),
];

const ids = (items) => items.map((entry) => entry.id);
const counts = (options) => Object.fromEntries(options.map((option) => [option.value, option.count]));

describe("values of an item", () => {
  test("categories and subcategories include second placements, once each", () => {
    const twice = ITEMS[2];
    assert.deepEqual(valuesOf(twice, "category"), ["Training", "Modeling"]);
    assert.deepEqual(valuesOf(twice, "subcategory"), [
      "Training › General",
      "Training › Distributed",
      "Modeling › Vision",
    ]);
  });

  test("licence: the catalog's, else the observed one, else unknown", () => {
    assert.deepEqual(valuesOf(ITEMS[2], "license"), ["MIT"]);
    assert.deepEqual(valuesOf(ITEMS[1], "license"), ["Apache-2.0"]);
    assert.deepEqual(valuesOf(ITEMS[3], "license"), [UNKNOWN]);
  });

  test("missing values have a name of their own", () => {
    const bare = ITEMS[3];
    assert.deepEqual(valuesOf(bare, "status"), ["Retired"]);
    assert.deepEqual(valuesOf(ITEMS[4], "status"), [NO_STATUS]);
    assert.deepEqual(valuesOf(bare, "kind"), [NO_KIND]);
    assert.deepEqual(valuesOf(bare, "language"), [UNKNOWN]);
    assert.deepEqual(valuesOf(bare, "activity"), [UNKNOWN]);
    assert.deepEqual(valuesOf(item("x", { observed: observed({}) }), "activity"), [UNKNOWN]);
    assert.throws(() => valuesOf(bare, "stars"), /unknown filter/);
  });
});

describe("applyFilters", () => {
  test("no selection keeps every item, in order", () => {
    assert.deepEqual(ids(applyFilters(ITEMS, {})), ids(ITEMS));
    assert.deepEqual(ids(applyFilters(ITEMS, { category: new Set() })), ids(ITEMS));
    assert.deepEqual(ids(applyFilters(ITEMS, undefined)), ids(ITEMS));
  });

  test("OR within a filter, AND across filters", () => {
    const permissive = { license: new Set(["MIT", "Apache-2.0"]) };
    assert.deepEqual(ids(applyFilters(ITEMS, permissive)), ["vision", "both", "twice"]);
    assert.deepEqual(
      ids(applyFilters(ITEMS, { license: new Set(["MIT", "Apache-2.0"]), status: new Set(["Retired"]) })),
      ["twice"],
    );
    const mitLibraries = { license: new Set(["MIT"]), kind: new Set(["library"]) };
    assert.deepEqual(ids(applyFilters(ITEMS, mitLibraries)), ["vision"]);
  });

  test("a second placement puts an item in that category and subcategory", () => {
    const training = { category: new Set(["Training"]) };
    assert.deepEqual(ids(applyFilters(ITEMS, training)), ["both", "twice", "trainer", "dead"]);
    assert.deepEqual(ids(applyFilters(ITEMS, { subcategory: new Set(["Modeling › Vision"]) })), [
      "vision",
      "both",
      "twice",
    ]);
  });

  test("a value no item has matches nothing, beside one some items have", () => {
    assert.deepEqual(ids(applyFilters(ITEMS, { license: new Set(["GPL-9.0"]) })), []);
    const mit = ids(applyFilters(ITEMS, { license: new Set(["MIT"]) }));
    assert.ok(mit.length > 0);
    assert.deepEqual(ids(applyFilters(ITEMS, { license: new Set(["GPL-9.0", "MIT"]) })), mit);
  });

  test("a list that grew since it was last filtered is read again", () => {
    const items = ITEMS.slice(0, 2);
    const licence = { license: new Set([items[0].license || UNKNOWN]) };
    const before = ids(applyFilters(items, licence));
    items.push({ ...items[0], id: "copy" });
    assert.ok(before.includes(items[0].id));
    assert.deepEqual(ids(applyFilters(items, licence)), [...before, "copy"]);
  });

  test("selections may be a Map, and unknown filter names are ignored", () => {
    const selected = new Map([
      ["activity", new Set(["active", UNKNOWN])],
      ["colour", new Set(["blue"])],
    ]);
    assert.deepEqual(ids(applyFilters(ITEMS, selected)), ["vision", "trainer"]);
  });
});

describe("facets", () => {
  test("every filter, with counts; an item counts once per category", () => {
    const result = facets(ITEMS);
    assert.deepEqual(Object.keys(result), FILTERS);
    assert.deepEqual(counts(result.category), { Modeling: 3, Training: 4 });
    assert.deepEqual(counts(result.subcategory), {
      "Modeling › Vision": 3,
      "Training › General": 3,
      "Training › Distributed": 2,
    });
    assert.deepEqual(counts(result.status), { "Ecosystem project": 2, Retired: 2, [NO_STATUS]: 1 });
    assert.deepEqual(counts(result.kind), { library: 3, tool: 1, [NO_KIND]: 1 });
    assert.deepEqual(counts(result.license), { MIT: 2, "Apache-2.0": 1, [UNKNOWN]: 2 });
    assert.deepEqual(counts(result.language), { Python: 2, "C++": 1, [UNKNOWN]: 2 });
    assert.deepEqual(counts(result.activity), {
      active: 1,
      slowing: 1,
      dormant: 1,
      archived: 1,
      [UNKNOWN]: 1,
    });
  });

  test("options: labels, order, and the category of a subcategory", () => {
    const result = facets(ITEMS);
    assert.deepEqual(
      result.activity.map((option) => option.value),
      ["active", "slowing", "dormant", "archived", UNKNOWN],
    );
    assert.deepEqual(
      result.category.map((option) => option.value),
      ["Modeling", "Training"],
    );
    assert.deepEqual(result.subcategory[1], {
      value: "Training › General",
      label: "General",
      category: "Training",
      count: 3,
      selected: false,
    });
    assert.deepEqual(
      result.license.map((option) => option.value),
      ["MIT", UNKNOWN, "Apache-2.0"],
    );
  });

  test("subcategories come grouped by category, whatever placement names one first", () => {
    const items = [
      item("a", { category: "Modeling", subcategory: "General", second_paths: [{ category: "Training", subcategory: "General" }] }),
      item("b", { category: "Modeling", subcategory: "Vision" }),
      item("c", { category: "Training", subcategory: "Distributed" }),
    ];
    assert.deepEqual(
      facets(items).subcategory.map((option) => option.value),
      ["Modeling › General", "Modeling › Vision", "Training › General", "Training › Distributed"],
    );
  });

  test("options are labelled as the pages write them; values stay the data's words", () => {
    const result = facets(ITEMS);
    const labels = (name) => Object.fromEntries(result[name].map((option) => [option.value, option.label]));
    // "archived" upstream is not the curation status "archived": the tags say "Archived upstream".
    assert.deepEqual(labels("activity"), {
      active: "Active",
      slowing: "Slowing",
      dormant: "Dormant",
      archived: "Archived upstream",
      [UNKNOWN]: UNKNOWN,
    });
    assert.deepEqual(labels("kind"), { library: "Library", tool: "Tool", [NO_KIND]: "not given" });
    assert.equal(labels("status")[NO_STATUS], "no status");
    // "unknown" torch is no "does not accept": the requirement was not seen (no package, none declared)
    assert.equal(labels("torch")[UNKNOWN], "unknown (no torch requirement seen)");
    const odd = facets([item("x", { kind: "constructor" })]);
    assert.equal(odd.kind[0].label, "constructor");
  });

  test("counts reflect the other active filters, not the filter's own selection", () => {
    const selected = { category: new Set(["Training"]), license: new Set(["MIT"]) };
    const result = facets(ITEMS, selected);
    // category counts see the licence filter only: MIT items are "vision" and "twice".
    assert.deepEqual(counts(result.category), { Modeling: 2, Training: 1 });
    // licence counts see the category filter only: Training holds both, twice, trainer, dead.
    assert.deepEqual(counts(result.license), { MIT: 1, "Apache-2.0": 1, [UNKNOWN]: 2 });
    // the other filters see both: only "twice".
    assert.deepEqual(counts(result.kind), { library: 0, tool: 1, [NO_KIND]: 0 });
    assert.equal(result.category.find((option) => option.value === "Training").selected, true);
    assert.equal(result.category.find((option) => option.value === "Modeling").selected, false);
  });

  test("counts within a subset (the search's matches); the options stay those of every item", () => {
    const all = facets(ITEMS);
    const within = Uint8Array.from(ITEMS, (_, i) => (i === 0 ? 1 : 0));
    const some = facets(ITEMS, {}, within);
    assert.deepEqual(
      some.category.map((option) => option.value),
      all.category.map((option) => option.value),
    );
    assert.equal(
      some.category.reduce((sum, option) => sum + option.count, 0),
      valuesOf(ITEMS[0], "category").length,
    );
  });

  test("a selected value no item has is still listed, with count 0", () => {
    const result = facets(ITEMS, { license: new Set(["GPL-3.0"]) });
    assert.deepEqual(result.license.at(-1), { value: "GPL-3.0", label: "GPL-3.0", count: 0, selected: true });
    assert.ok(result.kind.every((option) => option.count === 0));
  });

  for (const name of ["bundled", "fixture"]) {
    const items = realItems(name);

    test(`${name}: categories count second placements`, () => {
      const result = facets(items);
      for (const option of result.category) {
        const here = (place) => place.category === option.value;
        const placed = (entry) => here(entry) || entry.second_paths.some(here);
        const expected = items.filter(placed).length;
        assert.equal(option.count, expected, option.value);
      }
      const seconds = items.filter((entry) => entry.second_paths.some((p) => p.category !== entry.category));
      assert.ok(seconds.length > 0);
      const total = result.category.reduce((sum, option) => sum + option.count, 0);
      assert.ok(total > items.length, "second placements are counted in their categories too");
    });

    test(`${name}: each count is what selecting only that option would give`, () => {
      const result0 = facets(items);
      const pick = (filter, k) => result0[filter][k % result0[filter].length].value;
      const selections = [
        {},
        { category: new Set([pick("category", 0)]) },
        { category: new Set([pick("category", 1)]), status: new Set([pick("status", 0)]) },
        { kind: new Set([pick("kind", 0), pick("kind", 1)]), license: new Set([pick("license", 0)]) },
        { subcategory: new Set([pick("subcategory", 3)]), activity: new Set([UNKNOWN]) },
      ];
      for (const selected of selections) {
        const result = facets(items, selected);
        for (const filter of FILTERS) {
          for (const option of result[filter]) {
            const only = { ...selected, [filter]: new Set([option.value]) };
            assert.equal(option.count, applyFilters(items, only).length, `${filter}=${option.value}`);
          }
        }
      }
    });
  }
});

describe("hiddenByDefault", () => {
  test("only observed death hides an item", () => {
    const hidden = (fields) => hiddenByDefault(item("x", fields));
    assert.equal(hidden({ observed: observed({ activity: "archived" }) }), true);
    assert.equal(hidden({ observed: observed({ activity: "dormant" }) }), true);
    assert.equal(hidden({ observed: observed({ activity: null, archived: true }) }), true);
    assert.equal(hidden({ observed: observed({ activity: "active" }) }), false);
    assert.equal(hidden({ observed: observed({ activity: "slowing" }) }), false);
  });

  test("not when the upstream-state filter asks for that state", () => {
    // Ticking "archived 1" gave "0 projects": the one it counted was kept hidden.
    const archived = item("x", { observed: observed({ activity: "archived" }) });
    assert.equal(hiddenByDefault(archived, new Set(["archived"])), false);
    assert.equal(hiddenByDefault(archived, new Set(["dormant"])), true);
    assert.equal(hiddenByDefault(archived, new Set()), true);
  });

  test("never for missing data", () => {
    assert.equal(hiddenByDefault(item("x", { observed: null })), false);
    assert.equal(hiddenByDefault(item("x", { observed: observed({}) })), false);
    assert.equal(hiddenByDefault(item("x", { observed: observed({ activity: UNKNOWN }) })), false);
    assert.equal(hiddenByDefault({ id: "bare", name: "bare" }), false);
  });

  test("never for a curation status: a retired project stays visible", () => {
    assert.equal(hiddenByDefault(item("x", { status: RETIRED })), false);
    const active = observed({ activity: "active" });
    assert.equal(hiddenByDefault(item("x", { status: RETIRED, observed: active })), false);
    const archivedLabel = { value: "archived", label: "archived", retired: false };
    assert.equal(hiddenByDefault(item("x", { status: archivedLabel })), false);
  });

  test("the real catalogs: retired items are all visible", () => {
    for (const name of ["bundled", "fixture"]) {
      const items = realItems(name);
      const isRetired = (entry) => entry.status?.retired || entry.status?.value === "archived";
      const retired = items.filter(isRetired);
      assert.ok(retired.length > 0, name);
      assert.ok(retired.every((entry) => !hiddenByDefault(entry)), name);
      const dead = items.filter((entry) => ["archived", "dormant"].includes(entry.observed?.activity));
      assert.deepEqual(ids(items.filter(hiddenByDefault)), ids(dead), name);
    }
  });
});
