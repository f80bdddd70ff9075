// The explorer's search (src/torchscape/site/static/search.js): node --test tests/js/
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import {
  buildIndex,
  editDistance,
  family,
  indexSteps,
  learntAcronyms,
  match,
  matching,
  rank,
  search,
  stem,
  tokenize,
} from "../../src/torchscape/site/static/search.js";

const realItems = (name) =>
  JSON.parse(readFileSync(new URL(`./data/${name}-items.json`, import.meta.url), "utf8")).items;

/** A minimal item as in api/items.json. */
const item = (id, fields = {}) => ({
  id,
  name: id,
  category: "Tools",
  subcategory: "General",
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

const ids = (index, query) => search(index, query).map((hit) => hit.id);

describe("tokens and stems", () => {
  test("tokenize lowercases, splits on non-alphanumerics, keeps + and drops accents", () => {
    assert.deepEqual(tokenize("PyTorch-Lightning: C++ & torch.compile"), [
      "pytorch",
      "lightning",
      "c++",
      "torch",
      "compile",
    ]);
    assert.deepEqual(tokenize("Instituto Tecnológico, Zürich"), ["instituto", "tecnologico", "zurich"]);
    assert.deepEqual(tokenize("  --- + ++ "), []);
    assert.deepEqual(tokenize(null), []);
    assert.deepEqual(tokenize("fp8 3D"), ["fp8", "3d"]);
  });

  test("light stemming joins plurals and -ing/-ed forms", () => {
    const same = [
      ["networks", "network"],
      ["libraries", "library"],
      ["processes", "process"],
      ["batches", "batch"],
      ["serving", "serve"],
      ["served", "serve"],
      ["embedded", "embed"],
      ["embeddings", "embed"],
      ["quantization", "quantize"],
      ["quantized", "quantize"],
      ["images", "image"],
      ["imaging", "image"],
      ["deployment", "deploy"],
      ["deployments", "deploying"],
      ["robotics", "robot"],
      ["agentic", "agents"],
      ["genomics", "genome"],
      ["generation", "generate"],
      ["translation", "translating"],
      ["gpus", "gpu"], // short words in -us and -is lose their plural s too
      ["apis", "api"],
    ];
    for (const [a, b] of same) assert.equal(stem(a), stem(b), `${a} ~ ${b}`);
    const kept = ["class", "status", "corpus", "analysis", "basis", "speed", "string", "gnn", "c++", "3d", "topic", "music"];
    for (const word of [...kept, "segment"]) {
      assert.equal(stem(word), word, word);
    }
    assert.notEqual(stem("speed"), stem("speech"));
  });

  test("a family joins a word's derived forms when a root of 6+ letters is left", () => {
    const kin = [
      ["recommender", "recommendation"],
      ["recommend", "recommendations"],
      ["detector", "detection"],
      ["compiler", "compilation"],
      ["compile", "compiler"],
      ["molecular", "molecules"],
      ["interpretable", "interpretability"],
      ["explainable", "explainability"],
      ["optimizer", "optimization"],
      ["quantizer", "quantization"],
      ["segmentation", "segment"],
      ["forecaster", "forecasting"],
      ["generator", "generative"],
      ["visualization", "visual"],
      ["vectorized", "vector"],
      ["interoperable", "interoperability"],
      ["reproducible", "reproducibility"],
      ["reproduce", "reproducibility"],
      ["scalable", "scalability"],
      ["parallelism", "parallel"],
    ];
    for (const [a, b] of kin) assert.equal(family(stem(a)), family(stem(b)), `${a} ~ ${b}`);
    // Shorter roots are not made: they would join unrelated words.
    const apart = [
      ["general", "generator"],
      ["tracker", "tracking"],
      ["neural", "neuron"],
      ["tensor", "tense"],
    ];
    for (const [a, b] of apart) assert.notEqual(family(stem(a)), family(stem(b)), `${a} / ${b}`);
    for (const word of ["pytorch", "vision", "privacy", "segment", "graph"]) {
      assert.equal(family(stem(word)), stem(word), word);
    }
  });

  test("edit distance counts a transposition as one edit and stops past the limit", () => {
    assert.equal(editDistance("pytorch", "pytorch", 2), 0);
    assert.equal(editDistance("pytorh", "pytorch", 2), 1);
    assert.equal(editDistance("pytroch", "pytorch", 2), 1);
    assert.equal(editDistance("transfrmr", "transformer", 2), 2);
    assert.equal(editDistance("flwr", "flower", 1), 2);
    assert.equal(editDistance("abcdefgh", "zyxwvuts", 2), 3);
    assert.equal(editDistance("", "abc", 3), 3);
  });
});

describe("search on small catalogs", () => {
  test("an empty query returns every item in order with score 0", () => {
    const items = [item("b"), item("a"), item("c")];
    const index = buildIndex(items);
    for (const query of ["", "   ", "\t"]) {
      assert.deepEqual(search(index, query), [
        { id: "b", score: 0 },
        { id: "a", score: 0 },
        { id: "c", score: 0 },
      ]);
    }
    assert.deepEqual(search(buildIndex([]), ""), []);
    assert.deepEqual(search(index, "-- ++ ,"), []); // no words, and no name holds it as written
    assert.deepEqual(search(buildIndex([]), "anything"), []);
  });

  test("match keeps the catalog's order and rank puts it in search's order", () => {
    const items = [item("x", { description: "zebra" }), item("b"), item("zebra"), item("a zebra")];
    const index = buildIndex(items);
    const found = match(index, "zebra");
    assert.deepEqual(
      found.map((hit) => hit.item),
      [0, 2, 3],
    );
    assert.deepEqual(rank(index, found), search(index, "zebra"));
    assert.deepEqual(
      found.map((hit) => hit.item),
      [0, 2, 3],
      "rank leaves its argument alone",
    );
    assert.deepEqual(match(index, "nothing like it"), []);
    assert.equal(match(index, "").length, 4);
  });

  test("typing word after word gives the same hits as each query on a fresh index", () => {
    const items = realItems("bundled");
    const typed = buildIndex(items); // one index for every keystroke: its word matchers are reused
    for (const query of ["torch vision", "grpah neural", "federated learning privacy", "torch torch"]) {
      for (let end = 1; end <= query.length; end++) {
        const text = query.slice(0, end);
        assert.deepEqual(match(typed, text), match(buildIndex(items), text), text);
      }
    }
  });

  test("the index built a slice at a time is the same index", () => {
    const items = realItems("bundled");
    const steps = indexSteps(items);
    let slices = 0;
    let step = steps.next();
    while (!step.done) {
      slices++;
      step = steps.next();
    }
    assert.ok(slices >= items.length / 50, `${slices} slices for ${items.length} items`);
    const whole = buildIndex(items);
    for (const query of ["torch vision", "diff priv", "gnn", "pytorh lightn", ""]) {
      assert.deepEqual(search(step.value, query), search(whole, query), query);
    }
  });

  test("matching finds exactly the items match scores, on both real catalogs", () => {
    const queries = [
      "", "t", "torch", "torch v", "torch vision", "pytorh lightn", "diff priv", "grpah neural",
      "object detection", "federated learning privacy", "llm", "gnn", "zzzz", "torch torch", "3d",
      "serving inference", "quantum", "medical imaging", "rl", "a b c d e f",
    ];  // prettier-ignore
    for (const name of ["bundled", "fixture"]) {
      const items = realItems(name);
      const index = buildIndex(items);
      for (const query of queries) {
        const expected = new Set(match(index, query).map((hit) => hit.item));
        const found = matching(index, query);
        assert.equal(found.length, items.length);
        const got = new Set([...found.keys()].filter((position) => found[position] === 1));
        assert.deepEqual(got, expected, `${name}: ${JSON.stringify(query)}`);
      }
      assert.ok(matching(index, "torch").some((hit) => hit === 0), `${name}: not everything matches`);
    }
  });

  test("results are {id, score} objects, best first", () => {
    const index = buildIndex([item("x", { description: "zebra" }), item("zebra")]);
    const hits = search(index, "zebra");
    assert.deepEqual(
      hits.map((hit) => Object.keys(hit).sort()),
      [
        ["id", "score"],
        ["id", "score"],
      ],
    );
    assert.deepEqual(
      hits.map((hit) => hit.id),
      ["zebra", "x"],
    );
    assert.ok(hits[0].score > hits[1].score);
  });

  test("fields rank name > keywords > category > description", () => {
    const index = buildIndex([
      item("in-description", { description: "Tools for the okapi.", keywords: ["tools"] }),
      item("in-category", { subcategory: "Okapi", keywords: ["tools"] }),
      item("in-keywords", { keywords: ["okapi"] }),
      item("in-name", { name: "Okapi" }),
      item("nowhere", { description: "Tools for the zebra." }),
    ]);
    assert.deepEqual(ids(index, "okapi"), ["in-name", "in-keywords", "in-category", "in-description"]);
  });

  test("without keywords, the description says more than a category's name", () => {
    // The real PyTorch landscape has no keywords: its one sentence about a project is what says
    // what it does ("distributed training" put those merely filed under Training › Distributed first).
    const index = buildIndex([
      item("in-description", { description: "Tools for the okapi." }),
      item("in-category", { subcategory: "Okapi" }),
    ]);
    assert.deepEqual(ids(index, "okapi"), ["in-description", "in-category"]);
  });

  test("exact beats prefix beats typo", () => {
    const index = buildIndex([
      item("typo", { name: "Quantum" }),
      item("prefix", { name: "Quantmatic" }),
      item("other", { name: "Classic" }),
    ]);
    assert.deepEqual(ids(index, "quantm"), ["prefix", "typo"]);
    const flow = buildIndex([item("flower", { name: "Flower" }), item("flow", { name: "Flow" })]);
    assert.deepEqual(ids(flow, "flow"), ["flow", "flower"]);
  });

  test("a word the catalog holds whole counts less as the start of a longer word", () => {
    const index = buildIndex([
      item("gantry", { name: "Gantry" }),
      item("toolkit", { name: "Adversarial Toolkit", keywords: ["gan", "images"] }),
    ]);
    assert.deepEqual(ids(index, "gan"), ["toolkit", "gantry"]);
    assert.equal(ids(index, "gant")[0], "gantry"); // not a word of the catalog: a prefix as usual
  });

  test("so does a word of two letters ('on' is not the start of ONNX first)", () => {
    const index = buildIndex([
      item("onnx", { name: "ONNX" }),
      item("edge", { name: "Edge kit", keywords: ["on device", "fast"] }),
    ]);
    assert.deepEqual(ids(index, "on"), ["edge", "onnx"]);
    assert.deepEqual(ids(index, "onn"), ["onnx"]);
  });

  test("words most items have are not required beside rarer ones, but count; the last word is", () => {
    // "library" and "for" are in more than a sixth of these descriptions; "graph" is rare.
    const many = Array.from({ length: 24 }, (_, i) => item(`lib${i}`, { description: `A library for task ${i}.` }));
    const index = buildIndex([
      ...many,
      item("gnn", { name: "Graphs", description: "Graph neural networks." }),
      item("gnnlib", { name: "Graph Kit", description: "A library for graph neural networks." }),
    ]);
    assert.deepEqual(ids(index, "library for graph neural networks"), ["gnnlib", "gnn"]);
    const hits = matching(index, "library for graph neural networks");
    assert.deepEqual(hits.kept, hits.words); // every hit counts as a match of the whole query
    // The word being typed still narrows: "graph l" is not "graph".
    assert.deepEqual(ids(index, "graph l"), ["gnnlib"]);
  });

  test("the word as written beats another word of the same stem", () => {
    const index = buildIndex([
      item("devices", { keywords: ["embedded"] }),
      item("vectors", { keywords: ["embeddings"] }),
    ]);
    assert.deepEqual(ids(index, "embeddings"), ["vectors", "devices"]);
    assert.deepEqual(ids(index, "embedded"), ["devices", "vectors"]);
  });

  test("a word of the same family matches, below the word itself and its prefixes", () => {
    const index = buildIndex([
      item("rec", { description: "Builds large recommendation systems." }),
      item("engine", { description: "A recommender for shops." }),
      item("typed", { description: "Helps you recommend items." }),
      item("other", { description: "Trains vision models." }),
    ]);
    for (const [query, first] of [["recommender", "engine"], ["recommendation", "rec"], ["recommend", "typed"]]) {
      const found = ids(index, query);
      assert.equal(found[0], first, query);
      assert.deepEqual([...found].sort(), ["engine", "rec", "typed"], query);
    }
    // and it does not stand for a whole name
    const named = buildIndex([item("Detector"), item("Detection", { description: "a detector" })]);
    assert.deepEqual(ids(named, "detector"), ["Detector", "Detection"]);
  });

  test("of items matching alike, the one with the word among its first keywords comes first", () => {
    const index = buildIndex([
      item("a", { keywords: ["nlp", "tagging", "embeddings"] }),
      item("b", { keywords: ["embeddings", "semantic search"] }),
      item("c", { name: "Embeddings", keywords: ["tools"] }),
    ]);
    assert.deepEqual(ids(index, "embeddings"), ["c", "b", "a"]);
  });

  test("a word found only in a description counts less in a long one", () => {
    const filler = "a company that builds many products for many customers in many markets";
    const index = buildIndex([
      item("company", { description: `${filler} and sells recommendation engines. ${filler}.` }),
      item("library", { description: "A library of recommendation models." }),
      item("third", { description: "Another short text about something else." }),
    ]);
    assert.deepEqual(ids(index, "recommendation"), ["library", "company"]);
    // Not so much that a word merely started in a short text beats the word itself in a longer one.
    const semi = buildIndex([
      item("chips", { description: "A semiconductor company." }),
      item("ssl", { description: "Benchmark for semi supervised learning algorithms on vision, text and audio tasks." }),
      item("other", { description: `${filler}, ${filler}.` }),
    ]);
    assert.deepEqual(ids(semi, "semi"), ["ssl", "chips"]);
  });

  test("one letter is a prefix too (the list narrows as the word is typed), the exact word first", () => {
    const index = buildIndex([item("quantum", { name: "Quantum" }), item("q", { name: "Q" }), item("z", { name: "Zeta" })]);
    assert.deepEqual(ids(index, "q"), ["q", "quantum"]);
    assert.deepEqual(ids(index, "torch q"), ["q", "quantum"]); // "torch" matches nothing here
    assert.deepEqual(ids(index, "qu"), ["quantum"]);
  });

  test("typos: distance 1 from 4 characters, 2 from 8, never for shorter words", () => {
    const index = buildIndex([
      item("pytorch", { name: "PyTorch" }),
      item("transformers", { name: "Transformers" }),
      item("dgl", { name: "DGL" }),
    ]);
    assert.deepEqual(ids(index, "pytorh"), ["pytorch"]); // a letter missing
    assert.deepEqual(ids(index, "pyotrch"), ["pytorch"]); // two letters swapped
    assert.deepEqual(ids(index, "pytoarh"), []); // two edits on a 7-letter word
    assert.deepEqual(ids(index, "transfrmrs"), ["transformers"]); // two edits on a 10-letter word
    assert.deepEqual(ids(index, "dgn"), []); // 3 letters: no typo allowed
  });

  test("a word the catalog holds as typed is not also read as a typo", () => {
    const index = buildIndex([item("modal", { name: "Modal" }), item("model", { name: "Model zoo" })]);
    assert.deepEqual(ids(index, "modal"), ["modal"]);
    assert.deepEqual(ids(index, "modl"), ["modal", "model"].sort());
  });

  test("a query with no letters or digits finds the names that hold it as written", () => {
    // It has no words to match, and was taken for no query: every item "matched" it.
    const index = buildIndex([
      item("fire", { name: "🔥🔥" }),
      item("bang", { name: "!!! Tool" }),
      item("torch", { name: "Torch", description: "Lights 🔥" }),
    ]);
    assert.deepEqual(ids(index, "🔥"), ["fire"]);
    assert.deepEqual(ids(index, " !!! "), ["bang"]);
    assert.deepEqual(ids(index, "???"), []);
    assert.deepEqual([...matching(index, "🔥🔥")], [1, 0, 0]);
    assert.deepEqual(match(index, "!!!").map((hit) => hit.item), [1]);
    assert.equal(search(index, "   ").length, 3); // a blank query is no query
  });

  test("every query word must match (AND) when some item matches them all", () => {
    const index = buildIndex([
      item("a", { keywords: ["graph learning"] }),
      item("b", { keywords: ["privacy"] }),
      item("c", { keywords: ["graph privacy"] }),
    ]);
    assert.deepEqual(ids(index, "graph privacy"), ["c"]);
    assert.deepEqual(ids(index, "graph"), ["a", "c"]);
    const hits = matching(index, "graph privacy");
    assert.deepEqual([...hits], [0, 0, 1]);
    assert.deepEqual(hits.kept, ["graph", "privacy"]);
  });

  test("when no item matches every word: the most words some items match together, rarer words first", () => {
    const index = buildIndex([
      item("a", { keywords: ["graph learning"] }),
      item("b", { keywords: ["privacy"] }),
      item("c", { keywords: ["graph privacy"] }),
      item("d", { keywords: ["audio privacy"] }),
    ]);
    const kept = (query) => matching(index, query).kept;
    assert.deepEqual(ids(index, "graph privacy zebra"), ["c"]); // 2 of the 3 words
    assert.deepEqual(kept("graph privacy zebra"), ["graph", "privacy"]);
    // no item has both words: the rarer one ("learning": 1 item; "privacy": 3)
    assert.deepEqual(ids(index, "learning privacy"), ["a"]);
    assert.deepEqual(kept("learning privacy"), ["learning"]);
    assert.deepEqual([...matching(index, "privacy learning")], [1, 0, 0, 0]); // in any order
    // the grid's choice (matching) and the list's (match) are the same items
    for (const query of ["graph privacy zebra", "learning privacy", "audio graph", "zebra"]) {
      const grid = [...matching(index, query)].flatMap((hit, position) => (hit ? [position] : []));
      assert.deepEqual(match(index, query).map((hit) => hit.item), grid, query);
    }
    // a word that many items of a large catalog match does not stand for the query alone
    const many = buildIndex([
      ...Array.from({ length: 12 }, (_, i) => item(`u${i}`, { name: `University of Place ${i}` })),
      ...Array.from({ length: 30 }, (_, i) => item(`t${i}`, { name: `Tool ${i}`, keywords: [i < 5 ? "inference" : "data"] })),
    ]);
    assert.equal(search(many, "of").length, 12); // asked for alone, it still finds them
    assert.deepEqual(search(many, "mixture of experts"), []);
    assert.deepEqual(matching(many, "mixture of experts").kept, []);
    assert.deepEqual(matching(many, "causal of inference").kept, ["inference"]); // "of": 12 of 42
    assert.equal(search(many, "causal of inference").length, 5);
    assert.deepEqual(search(many, "tool data of"), []); // "tool" and "data" are common too
    // no word matches anything: nothing, and nothing kept
    assert.deepEqual(ids(index, "zebra okapi"), []);
    assert.deepEqual(kept("zebra okapi"), []);
    assert.deepEqual(matching(index, "zebra okapi").words, ["zebra", "okapi"]);
  });

  test("words in a row earn a phrase bonus", () => {
    const index = buildIndex([
      item("scattered", { keywords: ["privacy", "differential equations"] }),
      item("phrase", { keywords: ["differential privacy"] }),
    ]);
    assert.deepEqual(ids(index, "differential privacy"), ["phrase", "scattered"]);
    assert.deepEqual(ids(index, "diff priv"), ["phrase", "scattered"]);
    // A phrase does not run across two keywords.
    const across = buildIndex([
      item("across", { keywords: ["differential", "privacy"] }),
      item("together", { keywords: ["differential privacy"] }),
    ]);
    const [first, second] = search(across, "differential privacy");
    assert.equal(first.id, "together");
    assert.ok(first.score > second.score);
  });

  test("a member organisation comes after the projects on a topic, first on its own name", () => {
    const index = buildIndex([
      item("chipco", { name: "Chip Co", kind: "member", keywords: ["compilers"], description: "Chips and compilers." }),
      item("kernel-kit", { name: "Kernel Kit", description: "A compiler of kernels." }),
    ]);
    assert.deepEqual(ids(index, "compiler"), ["kernel-kit", "chipco"]);
    assert.deepEqual(ids(index, "chip co"), ["chipco"]);
  });

  test("ties are ordered by name", () => {
    const index = buildIndex([
      item("c", { name: "Gamma", keywords: ["vision"] }),
      item("a", { name: "alpha", keywords: ["vision"] }),
      item("b", { name: "Beta", keywords: ["vision"] }),
    ]);
    assert.deepEqual(ids(index, "vision"), ["a", "b", "c"]);
  });

  test("a query covering the whole name ranks it above longer names", () => {
    const index = buildIndex([
      item("lightning", { name: "PyTorch Lightning" }),
      item("pytorch", { name: "PyTorch" }),
      item("geometric", { name: "PyTorch Geometric" }),
    ]);
    assert.equal(ids(index, "pytorch")[0], "pytorch");
    assert.equal(ids(index, "pytorh lightn")[0], "lightning");
  });

  test("parts of names: CamelCase and compounds of words used elsewhere", () => {
    const index = buildIndex([
      item("torchserve", { name: "TorchServe" }),
      item("torchvision", { name: "torchvision" }),
      item("other", { description: "Computer vision and torch models that serve." }),
      item("lightning", { name: "lightning" }),
    ]);
    assert.deepEqual(ids(index, "serve"), ["torchserve", "other"]);
    assert.deepEqual(ids(index, "vision"), ["torchvision", "other"]);
    assert.deepEqual(ids(index, "ning"), []); // "light" + "ning" is no compound: "ning" is no word here
  });

  test("the second part of a compound may have two letters, when the catalog uses it as a word", () => {
    const index = buildIndex([
      item("torchrl", { name: "TorchRL" }),
      item("cleanrl", { name: "cleanrl" }),
      item("agents", { name: "Agents", keywords: ["rl", "torch"], description: "Clean code." }),
      item("rlhf", { name: "RLHF kit" }),
    ]);
    // cleanrl and torchrl hold "rl" as a part of their names; RLHF only starts with it
    assert.deepEqual(ids(index, "rl").slice(0, 3).sort(), ["agents", "cleanrl", "torchrl"]);
    assert.equal(ids(index, "rl").at(-1), "rlhf");
  });

  test("keywords, topics and packages are one field; second placements count as categories", () => {
    const index = buildIndex([
      item("topic", { observed: { topics: ["federated-learning"] } }),
      item("package", { packages: ["flwr"] }),
      item("placed", { second_paths: [{ category: "Training", subcategory: "Federated" }] }),
    ]);
    assert.deepEqual(ids(index, "federated"), ["topic", "placed"]);
    assert.deepEqual(ids(index, "flwr"), ["package"]);
    assert.deepEqual(ids(index, "training"), ["placed"]);
  });
});

describe("acronyms are learnt from the data only", () => {
  const items = [
    item("both", { keywords: ["graph neural networks", "gnn"] }),
    item("phrase-only", { keywords: ["graph neural networks"] }),
    item("acronym-only", { keywords: ["gnn", "sparse"] }),
    item("described", { description: "Models for natural language processing (NLP) and more." }),
    item("nlp-keyword", { keywords: ["nlp"] }),
    item("representation", { keywords: ["representation learning"] }),
    item("rl", { keywords: ["offline rl"] }),
  ];
  const index = buildIndex(items);

  test("the pairs the data shows, and no others", () => {
    assert.deepEqual(learntAcronyms(index), {
      gnn: ["graph neural network"],
      nlp: ["natural languag process"],
    });
  });

  test("an acronym finds the items with the phrase, and the phrase the items with the acronym", () => {
    assert.deepEqual(ids(index, "gnn").sort(), ["acronym-only", "both", "phrase-only"]);
    assert.deepEqual(ids(index, "graph neural networks").sort(), ["acronym-only", "both", "phrase-only"]);
    assert.deepEqual(ids(index, "nlp").sort(), ["described", "nlp-keyword"]);
    assert.deepEqual(ids(index, "natural language processing").sort(), ["described", "nlp-keyword"]);
  });

  test("initials alone prove nothing", () => {
    assert.deepEqual(ids(index, "rl"), ["rl"]);
    assert.deepEqual(ids(index, "representation learning"), ["representation"]);
  });

  test("an acronym standing for two phrases is not expanded", () => {
    const ambiguous = buildIndex([
      item("self", { keywords: ["self-supervised learning", "ssl"] }),
      item("semi", { keywords: ["semi-supervised learning", "ssl"] }),
      item("bare", { keywords: ["ssl"] }),
    ]);
    assert.deepEqual(Object.keys(learntAcronyms(ambiguous)), ["ssl"]);
    assert.deepEqual(ids(ambiguous, "semi supervised"), ["semi"]);
    assert.deepEqual(ids(ambiguous, "ssl").sort(), ["bare", "self", "semi"]);
  });
});

describe("a word nothing matches, read as the phrase its letters begin", () => {
  const catalog = (extra = []) => [
    item("pyg", { description: "Graph neural networks on sparse data." }),
    item("dgl", { description: "A library for graph neural networks." }),
    item("store", { description: "Graph storage; neural search over networks of documents." }),
    item("vision", { description: "Image models for detection." }),
    ...extra,
  ];

  test("a phrase two items hold: 'gnn' and 'gnns' find them, the phrase in a row first", () => {
    const index = buildIndex(catalog());
    assert.deepEqual(ids(index, "gnn").slice(0, 2).sort(), ["dgl", "pyg"]);
    assert.deepEqual(ids(index, "gnns").slice(0, 2).sort(), ["dgl", "pyg"]);
    assert.deepEqual(matching(index, "gnn").words, ["graph", "neural", "networks"]);
  });

  test("one sentence of short words proves nothing; of long words, a whole keyword or category name, it does", () => {
    const short = buildIndex([item("seg", { description: "Tools such as models for masks." }), ...catalog().slice(3)]);
    assert.deepEqual(ids(short, "sam"), []);
    // three words of five letters or more, in one item only: a term
    const one = buildIndex(catalog().slice(1));
    assert.equal(ids(one, "gnn")[0], "dgl"); // the phrase in a row first
    assert.deepEqual(matching(one, "gnn").words, ["graph", "neural", "networks"]);
    // not for two letters ("cv" in one item only is too easily a chance pair)
    assert.deepEqual(ids(buildIndex([item("cam", { description: "Camera videos." })]), "cv"), []);
    const named = buildIndex([
      ...catalog().slice(1),
      item("speech", { subcategory: "Text To Speech", description: "Voices." }),
    ]);
    assert.deepEqual(ids(named, "tts"), ["speech"]);
  });

  test("a word the catalog holds, starts or misspells is left as it is", () => {
    const index = buildIndex(catalog([item("gnn-kit", { keywords: ["gnnx"] })]));
    assert.deepEqual(ids(index, "gnn"), ["gnn-kit"]);
  });

  test("a long word written closed finds the two words the catalog writes in a row", () => {
    const index = buildIndex([
      item("tuner", { description: "Fine-tuning recipes for language models." }),
      item("upscaler", { description: "Super resolution of images." }),
      item("other", { description: "Recipes and images." }),
    ]);
    assert.deepEqual(ids(index, "finetuning"), ["tuner"]);
    assert.deepEqual(ids(index, "superresolution"), ["upscaler"]);
    assert.deepEqual(matching(index, "finetuning recipes").words, ["fine", "tuning", "recipes"]);
    // two words of the catalog that never follow each other are no compound of it
    assert.deepEqual(ids(index, "recipesimages"), []);
  });

  test("an unknown word ending with a word of the catalog after a combining form is read as that word", () => {
    const index = buildIndex([
      item("slides", { description: "Computational pathology toolbox for whole-slide scans." }),
      item("plans", { description: "Therapy planning for tumours." }),
      item("builds", { description: "Assembly of model graphs." }),
      item("other", { description: "Recipes for pictures and images." }),
    ]);
    assert.deepEqual(ids(index, "histopathology"), ["slides"]);
    assert.deepEqual(matching(index, "histopathology").words, ["pathology"]);
    assert.deepEqual(ids(index, "radiotherapy"), ["plans"]);
    // not after a prefix of fewer letters (a negation, often), nor after a word of the catalog
    assert.deepEqual(ids(index, "disassembly"), []);
    // nor after letters that do not end as a combining form does ("superre" + "solution")
    const solver = buildIndex([item("solver", { description: "A solution for equations." }), item("other")]);
    assert.deepEqual(ids(solver, "superresolution"), []);
    assert.deepEqual(ids(index, "recipesimages"), []);
  });

  test("words side by side no more often than chance make no phrase", () => {
    // descriptions of five words drawn at random: "graph neural model" here and there by chance
    const words = ["graph", "neural", "network", "model", "data"];
    let seed = 7;
    const draw = () => words[((seed = (seed * 1103515245 + 12345) % 2147483648) >> 16) % 5];
    const salad = Array.from({ length: 60 }, (_, i) => item(`s${i}`, { description: Array.from({ length: 12 }, draw).join(" ") }));
    const spelled = salad.filter((s) => s.description.includes("graph neural model")).length;
    assert.ok(spelled >= 2, `${spelled} items say "graph neural model"`);
    assert.deepEqual(ids(buildIndex(salad), "gnm"), []);
  });
});

describe("search on the real catalogs", () => {
  for (const name of ["bundled", "fixture"]) {
    const items = realItems(name);
    const index = buildIndex(items);

    test(`${name}: "pytorh lightn" finds PyTorch Lightning first`, () => {
      assert.equal(ids(index, "pytorh lightn")[0], "pytorch-lightning");
    });

    test(`${name}: "diff priv" finds Opacus first`, () => {
      assert.equal(ids(index, "diff priv")[0], "opacus");
    });

    test(`${name}: the empty query lists every item in catalog order`, () => {
      assert.deepEqual(
        search(index, ""),
        items.map((entry) => ({ id: entry.id, score: 0 })),
      );
    });

    test(`${name}: scores are sorted and every hit matches every word`, () => {
      const hits = search(index, "model serving");
      assert.ok(hits.length > 1);
      for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1].score >= hits[i].score);
      assert.ok(hits.every((hit) => hit.score > 0));
      assert.equal(new Set(hits.map((hit) => hit.id)).size, hits.length);
    });

    test(`${name}: a search takes well under 5 ms`, () => {
      const queries = ["graph neural networks", "pytorh lightn", "serving", "transformr"];
      for (const query of queries) search(index, query);
      const start = performance.now();
      for (let run = 0; run < 10; run++) for (const query of queries) search(index, query);
      const each = (performance.now() - start) / (10 * queries.length);
      assert.ok(each < 5, `${each.toFixed(2)} ms per search`);
    });
  }
});
