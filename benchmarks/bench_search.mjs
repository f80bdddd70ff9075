// Explorer search speed: builds a synthetic 2,500-item catalog and prints the median time of
// 10 queries (each run many times), and how long building the index takes.
//
//   node benchmarks/bench_search.mjs [items=2500] [runs=50]
//
// The items are made from the real bundled catalog (tests/js/data/bundled-items.json): names,
// keywords and categories are recombined and every item gets made-up words, so the vocabulary
// grows with the catalog as a real one would.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { buildIndex, search } from "../src/torchscape/site/static/search.js";

const COUNT = Number(process.argv[2] || 2500);
const RUNS = Number(process.argv[3] || 50);
const QUERIES = [
  "differential privacy",
  "graph neural networks",
  "pytorh lightn",
  "diff priv",
  "object detection",
  "quantization",
  "serving",
  "federated",
  "transformr",
  "llm inference on gpu",
];

/** A small seeded generator (mulberry32), so every run measures the same catalog. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` synthetic items recombined from the real ones. */
export function syntheticItems(count, seed = 42) {
  const url = new URL("../tests/js/data/bundled-items.json", import.meta.url);
  const real = JSON.parse(readFileSync(url, "utf8")).items;
  const next = random(seed);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const syllables = ["ka", "lo", "mi", "ra", "tor", "xen", "qua", "vi", "zu", "net", "pro", "dex", "ly"];
  const madeUp = () => Array.from({ length: 2 + Math.floor(next() * 3) }, () => pick(syllables)).join("");
  const words = real.flatMap((item) => (item.description || "").split(/\s+/)).filter(Boolean);
  const keywords = real.flatMap((item) => item.keywords);
  return Array.from({ length: count }, (_, i) => {
    const template = real[i % real.length];
    const name = i < real.length ? template.name : `${madeUp()} ${pick(real).name.split(" ")[0]}`;
    const sentence = Array.from({ length: 15 + Math.floor(next() * 25) }, () =>
      next() < 0.15 ? madeUp() : pick(words),
    );
    return {
      ...template,
      id: `${template.id}-${i}`,
      name,
      description: `${template.description || ""} ${sentence.join(" ")}.`,
      keywords: Array.from({ length: 3 + Math.floor(next() * 4) }, () =>
        next() < 0.2 ? madeUp() : pick(keywords),
      ),
      packages: [`${madeUp()}-${template.id}`],
    };
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const items = syntheticItems(COUNT);
const builds = [];
let index;
for (let i = 0; i < 5; i++) {
  const start = performance.now();
  index = buildIndex(items);
  builds.push(performance.now() - start);
}
console.log(`${items.length} items, ${index.vocab.length} distinct words`);
console.log(`build index: median ${median(builds).toFixed(1)} ms (first ${builds[0].toFixed(1)} ms)`);

for (const query of QUERIES) search(index, query); // warm up
const all = [];
for (const query of QUERIES) {
  const times = [];
  let hits = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    hits = search(index, query).length;
    times.push(performance.now() - start);
  }
  all.push(...times);
  console.log(`  ${JSON.stringify(query).padEnd(26)} ${median(times).toFixed(3)} ms  (${hits} hits)`);
}
console.log(`search: median ${median(all).toFixed(3)} ms over ${QUERIES.length} queries x ${RUNS} runs`);
