// The torch filter (static/filters.js) and the compare view's logic (static/compare.js).
import assert from "node:assert/strict";
import { test } from "node:test";
import { UNKNOWN, applyFilters, facets, valuesOf } from "../../src/torchscape/site/static/filters.js";
import { bestCells, parseItems } from "../../src/torchscape/site/static/compare.js";

const item = (id, torch_ok) => ({ id, name: id, category: "C", subcategory: "S", second_paths: [], torch_ok });

test("torch: accepted versions, unknown without a requirement, never compatible when unknown", () => {
  const items = [item("a", ["2.10", "2.9", "2.4"]), item("b", ["2.4"]), item("c", null), item("d", [])];
  assert.deepEqual(valuesOf(items[2], "torch"), [UNKNOWN]);
  assert.deepEqual(valuesOf(items[3], "torch"), []);
  assert.deepEqual(applyFilters(items, { torch: new Set(["2.4"]) }).map((i) => i.id), ["a", "b"]);
  assert.deepEqual(applyFilters(items, { torch: new Set(["2.9"]) }).map((i) => i.id), ["a"]);
  assert.deepEqual(applyFilters(items, { torch: new Set([UNKNOWN]) }).map((i) => i.id), ["c"]);
  const options = facets(items).torch;
  assert.deepEqual(options.map((o) => o.value), ["2.10", "2.9", "2.4", UNKNOWN]);
  assert.deepEqual(options.map((o) => o.count), [1, 1, 2, 1]);
});

test("compare: ?items= keeps known ids, each once, at most four", () => {
  const known = new Set(["a", "b", "c", "d", "e"]);
  assert.deepEqual(parseItems("?items=a,b,zz,a", known), ["a", "b"]);
  assert.deepEqual(parseItems("?items=a,b&items=c,d,e", known), ["a", "b", "c", "d"]);
  assert.deepEqual(parseItems("", known), []);
});

test("compare: best values only where a direction exists and values differ", () => {
  const rows = [{ key: "stars", best: "max" }, { key: "age", best: "min" }, { key: "for", best: null }];
  const records = [
    { stars: { text: "5", value: 5 }, age: { text: "3", value: 3 }, for: { text: "x" } },
    { stars: { text: "9", value: 9 }, age: { text: "3", value: 3 }, for: { text: "y" } },
    { stars: { text: "unknown" }, age: { text: "1", value: 1 }, for: { text: "z" } },
  ];
  const best = bestCells(rows, records);
  assert.deepEqual([...best.stars], [1]);
  assert.deepEqual([...best.age], [2]);
  assert.equal(best.for, undefined);
  assert.deepEqual(bestCells(rows, [records[0], records[0]]), {});
});
