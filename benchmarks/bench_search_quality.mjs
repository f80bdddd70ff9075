// Search quality on topic queries written blind: for each set of benchmarks/blind-topic-queries.json
// and each catalog (the bundled one, and the real PyTorch landscape from ../shared, as cut into
// tests/js/data/), how many queries have one of their accepted projects in the first 3 results.
//
//   node benchmarks/bench_search_quality.mjs [--misses]
//
// A measure, not a test: the sets hold queries the search does not answer yet (mostly synonyms
// that the real landscape's descriptions never use). Set 2 was measured once after the changes
// made with set 1; a change tuned to these queries makes both sets less of a measure, so new
// queries written blind are what tells whether a search change generalises.
import { readFileSync } from "node:fs";
import { buildIndex, search } from "../src/torchscape/site/static/search.js";

const data = (name) => JSON.parse(readFileSync(new URL(name, import.meta.url), "utf8"));
const { sets } = data("./blind-topic-queries.json");
const catalogs = {};
for (const name of ["bundled", "fixture"]) {
  catalogs[name] = buildIndex(data(`../tests/js/data/${name}-items.json`).items);
}
const misses = process.argv.includes("--misses");
for (const [set, queries] of Object.entries(sets)) {
  const held = {};
  const asked = {};
  for (const { catalog, query, expected } of queries) {
    const top = search(catalogs[catalog], query).slice(0, 3).map((hit) => hit.id);
    const ok = top.some((id) => expected.includes(id));
    asked[catalog] = (asked[catalog] || 0) + 1;
    held[catalog] = (held[catalog] || 0) + (ok ? 1 : 0);
    if (misses && !ok) console.log(`  set ${set}, ${catalog}: "${query}" -> ${top.join(", ") || "(nothing)"}`);
  }
  const line = Object.keys(asked).map((catalog) => `${catalog} ${held[catalog]} of ${asked[catalog]}`).join(", ");
  console.log(`set ${set}: ${line}`);
}
