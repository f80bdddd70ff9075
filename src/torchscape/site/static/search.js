// torchscape explorer search: a small full-text index over the items of api/items.json.
// No dependencies and no imports (the site serves each script under a content-hashed name).

/*
 * How it works
 *
 * Text becomes tokens: lowercased, accents dropped, split on anything that is not a letter, a
 * digit or "+" ("C++" stays one token). Each token also has a stem, made by a few suffix rules
 * applied in this order (each step at most once):
 *   1. plurals: -ies -> -y; -sses -> -ss; -xes, -zes, -ches, -shes lose "es"; else a final -s
 *      is dropped from words of 4+ letters, but not from -ss, nor from -us and -is in words of 5+
 *      (status, corpus, analysis stay; gpus, cpus, apis lose it);
 *   2. -ization/-isation -> -iz; else -ation -> -ate in words of 8+ letters (generation,
 *      generating -> generat); else -ing or -ed is dropped when 4+ letters remain, and a
 *      doubled final consonant is undoubled (embedded -> embed);
 *   3. -ment is dropped when 5+ letters remain (deployment -> deploy); else -ic when 4+ remain
 *      (robotics, robotic -> robot; agentic -> agent);
 *   4. a final -e is dropped from words of 5+ letters (serve, serving, served -> serv).
 * Stems decide "exact" matches only; prefixes and typos are judged on the words as written.
 *
 * An item has five fields, from most to least weighty: its name; parts of its name (CamelCase
 * parts, and compounds of two words the catalog uses elsewhere: TorchServe -> serve,
 * torchvision -> vision); its keywords, GitHub topics and package names; the names of its
 * categories and subcategories (second placements included); its description (weighing almost
 * as keywords do for an item that has none of those: there it says what the item is about).
 *
 * Synonyms are never written by hand: acronyms are learnt from the catalog. A pair (acronym,
 * phrase) is kept when the data shows it: one item has a multi-word keyword (or topic) and, in
 * another keyword, the word made of its initials ("graph neural networks" and "gnn"), or a
 * description writes "natural language processing (NLP)". Then every field with the phrase also
 * gets the acronym, and every field with the acronym gets the phrase when the acronym stands for
 * one phrase only. A query word that nothing in the catalog holds, starts or misspells is read as
 * the phrase its letters begin, when the data shows one (see `spellOut`).
 *
 * A query is tokenised the same way (one with no letters or digits, "🔥" or "!!!", has no words:
 * it finds the names that hold it as written), and every query word must match (AND). A word matches a
 * token exactly (same stem), as a prefix (the word, 2+ characters, starts the token) or with a
 * typo (Damerau-Levenshtein distance 1 for words of 4+ characters, 2 for 8+), typos only for
 * words that the catalog does not hold as typed; or, counting less, as a word of the same
 * family (their stems are the same once up to two derivational endings are dropped, while six
 * letters remain: "recommender" and "recommendation"; see `family`). A token written as the
 * word is typed beats one that only shares its stem ("embeddings" vs "embedded"), and when the
 * catalog holds a word of 2+ letters as typed, a token it only starts counts half as much as a
 * prefix otherwise does, and does not cover a name ("gan" in "GaNDLF" is another word). A word
 * scores its best match (field weight times match weight) plus a share of its best matches in
 * other fields, times a rarity factor (a word found in few items counts more). A word found in
 * an item's description and nowhere else counts less the longer the description is than the
 * catalog's mean (an organisation's long text about itself says less about a topic than one
 * sentence about a project, which it would otherwise outnumber). Among items that match alike,
 * one listing the word among its first keywords (a catalog lists an item's main topics first)
 * comes first. Query words matched in a row inside one field earn a
 * phrase bonus ("differential privacy"); a query covering every word of the name earns a bonus.
 */

/** The fields of an item, from the weightiest. */
export const FIELDS = ["name", "nameParts", "keywords", "categories", "description"];
const FIELD_WEIGHT = [10, 6, 5, 3, 1];
/** The weight of the description of an item without keywords (nor topics or packages): there
 * it is the one text that says what the item is about (the real PyTorch landscape has none). */
const UNKEYWORDED_DESCRIPTION = 4;
const NAME = 0;
const KEYWORDS = 2;
const CATEGORIES = 3;
const DESCRIPTION = 4;
const FIELD_COUNT = FIELDS.length;

// Match kinds, from worst to best, and the share of the field weight each earns.
const TYPO2 = 1;
/** A prefix of a token when the catalog also holds the word itself: "gan" in "GaNDLF" while
 * other items say "GAN"; more likely another word than the one meant. (Typos are looked for
 * only when the catalog does not hold the word, so a word never has both kinds.) */
const OTHER_WORD = 2;
const TYPO1 = 3;
/** A word of the same family: the same stem once derivational endings are dropped
 * ({@link family}: "recommender" and "recommendation", "detector" and "detection"). */
const FAMILY = 4;
const PREFIX = 5;
const STEM = 6;
const EXACT = 7;
const KIND_WEIGHT = [0, 0.3, 0.35, 0.45, 0.55, 0.7, 0.95, 1];
/** Share of a word's best matches in its other fields added to its best match. */
const OTHER_FIELDS = 0.25;
/** How much a description's length lowers what a word found in it counts (0: not at all; 1:
 * in proportion): a word in one sentence about a project says more than the same word in a
 * long text about an organisation. Relative to the catalog's mean description. */
const LONG_TEXT = 0.3;
/** Among items that match alike, the one listing the word among its first keywords (a
 * catalog lists an item's main topics first) comes first: at most this much, less further on. */
const LEADING_KEYWORD = 0.004;
const KEYWORDS_WEIGHED = 16;
/** Phrase bonus per extra query word matched in a row, as a share of that field's weight. */
const PHRASE = 1.5;
/** Bonus for a query that covers the whole name, as a share of the name's weight. */
const WHOLE_NAME = 0.5;
/** What an item of kind "member" (an organisation, not a project) scores on a query that does
 * not name it whole, of what a project would. */
const MEMBER_WEIGHT = 0.5;
/** Separates phrases inside a field: a phrase never runs across it. */
const BREAK = -1;

const NON_ASCII = /[^\x00-\x7f]/;
const SPLIT_ASCII = /[^a-z0-9+]+/;
const SPLIT = /[^\p{L}\p{N}+]+/u;
const MARKS = /\p{M}+/gu;
const LETTERS_ONLY = /^\p{L}+$/u;
const CAMEL = /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u;
const SENTENCE = /[.;:!?()]+/;
const PARENTHESISED = /\(([\p{L}\p{N}]{2,10})\)/gu;

/**
 * Splits text into tokens: lowercase, accents dropped, letters, digits and "+".
 * @param {unknown} text
 * @returns {string[]}
 */
export function tokenize(text) {
  if (text === null || text === undefined || text === "") return [];
  const lower = String(text).toLowerCase();
  const parts = NON_ASCII.test(lower)
    ? lower.normalize("NFKD").replace(MARKS, "").split(SPLIT)
    : lower.split(SPLIT_ASCII);
  const tokens = [];
  for (const part of parts) {
    if (part === "") continue;
    if (part.includes("+") && part.replaceAll("+", "") === "") continue;
    tokens.push(part);
  }
  return tokens;
}

/**
 * The stem of one token (the rules are at the top of this file).
 * @param {string} word a token from {@link tokenize}
 * @returns {string}
 */
export function stem(word) {
  let w = word;
  if (w.length >= 5 && w.endsWith("ies")) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.length >= 5 && /(?:x|z|ch|sh)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length >= 4 && w.endsWith("s") && !w.endsWith("ss") && !(w.length >= 5 && /(?:us|is)$/.test(w))) w = w.slice(0, -1);

  if (w.length >= 10 && (w.endsWith("ization") || w.endsWith("isation"))) w = `${w.slice(0, -7)}iz`;
  else if (w.length >= 8 && w.endsWith("ation")) w = `${w.slice(0, -5)}ate`;
  else if (w.length >= 7 && w.endsWith("ing")) w = undouble(w.slice(0, -3));
  else if (w.length >= 6 && w.endsWith("ed")) w = undouble(w.slice(0, -2));

  if (w.length >= 9 && w.endsWith("ment")) w = w.slice(0, -4);
  else if (w.length >= 6 && w.endsWith("ic")) w = w.slice(0, -2);

  if (w.length >= 5 && w.endsWith("e")) w = w.slice(0, -1);
  return w;
}

/** Derivational endings {@link family} drops from a stem, the first that fits ("-ability" is
 * one: "interoperability" and "interoperable" reach the same root in as many steps). */
const FAMILY_ENDINGS = ["ability", "ibility", "abil", "ibil", "ity", "ism", "ion", "abl", "ibl", "at", "er", "or", "iz", "al", "ar", "iv"];
/** What a family root keeps at least: shorter roots join unrelated words ("gener" would make
 * "general" kin to "generator"). */
const FAMILY_ROOT = 6;

/**
 * The family of a stem: its root once up to two derivational endings are dropped, while
 * `FAMILY_ROOT` letters remain (recommendat, recommender -> recommend; detection, detector ->
 * detect; molecul, molecular -> molecul; interpretabl, interpretability -> interpret;
 * reproducibl, reproducibility -> reproduc; parallelism -> parallel).
 * @param {string} stemmed a {@link stem}
 * @returns {string}
 */
export function family(stemmed) {
  let w = stemmed;
  for (let step = 0; step < 2; step++) {
    const ending = FAMILY_ENDINGS.find((e) => w.endsWith(e) && w.length - e.length >= FAMILY_ROOT);
    if (ending === undefined) break;
    w = w.slice(0, -ending.length);
  }
  // a root too short to lose "-abil" keeps it as "-abl": "scalability" as "scalable"
  return w.endsWith("abil") || w.endsWith("ibil") ? `${w.slice(0, -2)}l` : w;
}

function undouble(w) {
  const last = w[w.length - 1];
  return last === w[w.length - 2] && /[a-km-ru-y]/.test(last) ? w.slice(0, -1) : w;
}

/** Three reusable rows for editDistance, grown for longer words. */
let rows = [0, 1, 2].map(() => new Int32Array(64));

/**
 * Optimal-string-alignment (restricted Damerau-Levenshtein) distance between a and b, or max + 1
 * as soon as it is sure to exceed max.
 * @param {string} a
 * @param {string} b
 * @param {number} max
 * @returns {number}
 */
export function editDistance(a, b, max) {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > max) return max + 1;
  if (rows[0].length <= m) rows = [0, 1, 2].map(() => new Int32Array(2 * m + 2));
  let [before, previous, current] = rows;
  for (let j = 0; j <= m; j++) previous[j] = j;
  for (let i = 1; i <= n; i++) {
    current[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const bj = b.charCodeAt(j - 1);
      let d = previous[j - 1] + (ai === bj ? 0 : 1);
      if (previous[j] + 1 < d) d = previous[j] + 1;
      if (current[j - 1] + 1 < d) d = current[j - 1] + 1;
      const swapped = i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj;
      if (swapped && before[j - 2] + 1 < d) d = before[j - 2] + 1;
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    const spare = before;
    before = previous;
    previous = current;
    current = spare;
  }
  return previous[m];
}

// -- building the index --------------------------------------------------------------------------

/** Token ids by token, with each token's stem; ids in order of first sight. */
class Vocabulary {
  constructor() {
    this.ids = new Map();
    this.words = [];
    this.stems = [];
    this.cache = new Map();
  }

  /** The id of a token, added when new. */
  id(word) {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.words.length;
      this.ids.set(word, id);
      this.words.push(word);
      this.stems.push(stem(word));
    }
    return id;
  }

  /** A text as token ids (short texts, which repeat, are remembered). */
  phrase(text) {
    const short = typeof text === "string" && text.length <= 64;
    if (short && this.cache.has(text)) return this.cache.get(text);
    const ids = tokenize(text).map((word) => this.id(word));
    if (short) this.cache.set(text, ids);
    return ids;
  }
}

/** Initials of a phrase of two or more words, else "". */
const initials = (words) => (words.length >= 2 ? words.map((w) => w[0]).join("") : "");

/** One item's texts as phrases of token ids (the name is tokenised later). */
function itemTexts(item, vocabulary) {
  const categories = [];
  for (const place of [item, ...(item.second_paths || [])]) {
    for (const name of [place.category, place.subcategory]) {
      if (name && !categories.includes(name)) categories.push(name);
    }
  }
  const topics = (item.observed && item.observed.topics) || [];
  const description = String(item.description || "");
  return {
    name: String(item.name || ""),
    tags: [...(item.keywords || []), ...topics].map((text) => vocabulary.phrase(text)),
    packages: (item.packages || []).map((text) => vocabulary.phrase(text)),
    categories: categories.map((text) => vocabulary.phrase(text)),
    sentences: description.split(SENTENCE).map((text) => vocabulary.phrase(text)),
    description,
  };
}

/**
 * The acronyms the catalog defines: acronym -> Map(phrase stems joined -> phrase).
 * @returns {Map<string, Map<string, {stems: string[], ids: number[]}>>}
 */
function learnAcronyms(texts, vocabulary) {
  const { words, stems } = vocabulary;
  const acronyms = new Map();
  const add = (acronym, ids) => {
    if (acronym.length < 2) return;
    const phraseStems = ids.map((id) => stems[id]);
    if (!acronyms.has(acronym)) acronyms.set(acronym, new Map());
    acronyms.get(acronym).set(phraseStems.join(" "), { stems: phraseStems, ids });
  };
  for (const text of texts) {
    // A multi-word keyword and, in another keyword of the same item, its initials.
    text.tags.forEach((phrase, index) => {
      const acronym = initials(phrase.map((id) => words[id]));
      if (!acronym) return;
      const spells = (id) => words[id] === acronym || stems[id] === acronym;
      const holds = (other, j) => j !== index && other.some(spells);
      if (text.tags.some(holds)) add(acronym, phrase);
    });
    // "natural language processing (NLP)" in a description.
    if (!text.description.includes("(")) continue;
    for (const match of text.description.matchAll(PARENTHESISED)) {
      const written = tokenize(match[1])[0] || "";
      const acronym = stem(written);
      const before = tokenize(text.description.slice(0, match.index));
      for (let length = 2; length <= Math.min(written.length, before.length); length++) {
        const phrase = before.slice(-length);
        const letters = initials(phrase);
        if (letters === acronym || letters === written) add(acronym, phrase.map((w) => vocabulary.id(w)));
      }
    }
  }
  return acronyms;
}

/**
 * Extra phrases for a field: the acronym of each learnt phrase it holds, and the phrase of each
 * learnt acronym it holds that stands for one phrase only.
 */
function expandAcronyms(phrases, context) {
  const { vocabulary, acronyms, byFirstStem } = context;
  const { stems } = vocabulary;
  const extra = [];
  const present = new Set();
  for (const phrase of phrases) {
    phrase.forEach((id, position) => {
      const candidates = byFirstStem.get(stems[id]);
      if (candidates === undefined) return;
      for (const [acronym, meaning] of candidates) {
        if (present.has(acronym) || meaning.stems.length > phrase.length - position) continue;
        if (meaning.stems.every((part, k) => stems[phrase[position + k]] === part)) {
          present.add(acronym);
          extra.push([vocabulary.id(acronym)]);
        }
      }
    });
  }
  for (const phrase of phrases) {
    for (const id of phrase) {
      const meanings = acronyms.get(stems[id]);
      if (meanings !== undefined && meanings.size === 1 && !present.has(stems[id])) {
        present.add(stems[id]);
        extra.push([...meanings.values()][0].ids);
      }
    }
  }
  return extra;
}

/** CamelCase parts of a name, and halves of its compound words (both halves used elsewhere; the
 * second may have two letters). */
function nameParts(name, known) {
  const parts = [];
  const push = (part) => {
    if (part.length >= 3 && !parts.includes(part)) parts.push(part);
  };
  for (const word of name.split(SPLIT)) {
    const pieces = word.split(CAMEL);
    if (pieces.length > 1) for (const piece of pieces) push(tokenize(piece)[0] || "");
  }
  for (const token of tokenize(name)) {
    if (!LETTERS_ONLY.test(token)) continue;
    for (let cut = 3; cut <= token.length - 2; cut++) {
      const head = token.slice(0, cut);
      const tail = token.slice(cut);
      if (known(head) && known(tail)) {
        push(head);
        // a tail of two letters too, once the catalog uses it as a word: torchrl -> rl
        if (tail.length === 2 && !parts.includes(tail)) parts.push(tail);
        else push(tail);
      }
    }
  }
  return parts;
}

/**
 * Builds the search index of a list of items (as in api/items.json).
 * @param {Array<object>} items
 * @returns {object} an index for {@link search} (its shape is private)
 */
export function buildIndex(items) {
  const steps = indexSteps(items);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Items per slice of {@link indexSteps}: a few milliseconds of work at most. */
const SLICE = 50;

/**
 * {@link buildIndex} a slice at a time: a generator that yields after every few items (and
 * between the phases that take the whole catalog) and returns the index, so a page can build
 * it while the browser is idle without one long task.
 * @param {Array<object>} items
 * @returns {Generator<undefined, object>}
 */
export function* indexSteps(items) {
  const vocabulary = new Vocabulary();
  const texts = [];
  for (const item of items) {
    texts.push(itemTexts(item, vocabulary));
    if (texts.length % SLICE === 0) yield;
  }
  const acronyms = learnAcronyms(texts, vocabulary);
  yield;
  const byFirstStem = new Map();
  for (const [acronym, meanings] of acronyms) {
    for (const meaning of meanings.values()) {
      if (!byFirstStem.has(meaning.stems[0])) byFirstStem.set(meaning.stems[0], []);
      byFirstStem.get(meaning.stems[0]).push([acronym, meaning]);
    }
  }
  const context = { vocabulary, acronyms, byFirstStem };
  // So far the vocabulary holds the words used outside names: name compounds are split with them.
  const knownCount = vocabulary.words.length;
  const known = (word) => (vocabulary.ids.get(word) ?? knownCount) < knownCount;

  const flat = [];
  const offsets = new Uint32Array(items.length * FIELD_COUNT + 1);
  const nameLength = new Uint16Array(items.length);
  const lastItem = [];
  const counts = [];
  const occurrences = []; // of each token in keywords, categories and descriptions (`spellOut`)
  let occurring = 0;
  for (let i = 0; i < texts.length; i++) {
    if (i > 0 && i % SLICE === 0) yield;
    const text = texts[i];
    const name = vocabulary.phrase(text.name);
    nameLength[i] = name.length;
    const fields = [
      [name],
      [nameParts(text.name, known).map((word) => vocabulary.id(word))],
      [...text.tags, ...text.packages],
      text.categories,
      text.sentences,
    ];
    for (const f of [KEYWORDS, CATEGORIES, DESCRIPTION]) {
      fields[f] = fields[f].concat(expandAcronyms(fields[f], context));
    }
    fields.forEach((phrases, f) => {
      offsets[i * FIELD_COUNT + f] = flat.length;
      let first = true;
      for (const phrase of phrases) {
        if (phrase.length === 0) continue;
        if (!first) flat.push(BREAK);
        first = false;
        for (const id of phrase) {
          flat.push(id);
          if (f >= KEYWORDS) (occurrences[id] = (occurrences[id] || 0) + 1), occurring++;
          if (lastItem[id] !== i) {
            lastItem[id] = i;
            counts[id] = (counts[id] || 0) + 1;
          }
        }
      }
    });
  }
  offsets[items.length * FIELD_COUNT] = flat.length;
  let described = 0;
  let descriptionTokens = 0;
  for (let i = 0; i < items.length; i++) {
    const length = offsets[i * FIELD_COUNT + DESCRIPTION + 1] - offsets[i * FIELD_COUNT + DESCRIPTION];
    if (length > 0) (described += 1), (descriptionTokens += length);
  }
  yield;

  // Sorted ids: the words a query word starts are then one contiguous run.
  const { words, stems } = vocabulary;
  const order = words.map((_, id) => id).sort((a, b) => (words[a] < words[b] ? -1 : 1));
  const sortedId = new Int32Array(words.length);
  order.forEach((id, rank) => {
    sortedId[id] = rank;
  });
  const tokens = new Int32Array(flat.length);
  for (let p = 0; p < flat.length; p++) tokens[p] = flat[p] === BREAK ? BREAK : sortedId[flat[p]];
  const vocab = order.map((id) => words[id]);
  const df = Uint32Array.from(order, (id) => counts[id] || 0);
  const initials = Uint16Array.from(vocab, (word) => word.charCodeAt(0));
  const spelling = {
    initials,
    counts: Uint32Array.from(order, (id) => occurrences[id] || 0),
    total: occurring,
    pairs: pairsOf(tokens, offsets, items.length, initials),
  };
  yield;
  // For each token, the items holding it (ascending): which items match, without scoring them.
  const postStart = new Uint32Array(vocab.length + 1);
  for (let id = 0; id < vocab.length; id++) postStart[id + 1] = postStart[id] + df[id];
  const postItems = new Uint32Array(postStart[vocab.length]);
  const filled = postStart.slice(0, vocab.length);
  const seen = new Int32Array(vocab.length).fill(-1);
  for (let item = 0; item < items.length; item++) {
    for (let p = offsets[item * FIELD_COUNT], end = offsets[(item + 1) * FIELD_COUNT]; p < end; p++) {
      const token = tokens[p];
      if (token === BREAK || seen[token] === item) continue;
      seen[token] = item;
      postItems[filled[token]++] = item;
    }
  }
  const byStem = new Map();
  const byFamily = new Map();
  const byLength = [];
  order.forEach((id, rank) => {
    if (!byStem.has(stems[id])) byStem.set(stems[id], []);
    byStem.get(stems[id]).push(rank);
    const root = family(stems[id]);
    if (!byFamily.has(root)) byFamily.set(root, []);
    byFamily.get(root).push(rank);
    (byLength[words[id].length] ||= []).push(rank);
  });

  return {
    items: items.map((item) => ({ id: item.id, name: String(item.name || "") })),
    members: Uint8Array.from(items, (item) => (item.kind === "member" ? 1 : 0)),
    sortKeys: items.map((item) => String(item.name || "").toLowerCase()),
    vocab,
    byStem,
    byFamily,
    byLength,
    df,
    spelling,
    tokens,
    offsets,
    nameLength,
    descriptionMean: described ? descriptionTokens / described : 1,
    postStart,
    postItems,
    acronyms,
  };
}

/**
 * The acronyms an index learnt from its data, as {acronym: [phrase stems]}, for tests and the
 * curious.
 * @param {object} index from {@link buildIndex}
 * @returns {Record<string, string[]>}
 */
export function learntAcronyms(index) {
  const result = {};
  for (const acronym of [...index.acronyms.keys()].sort()) {
    result[acronym] = [...index.acronyms.get(acronym).keys()];
  }
  return result;
}

// -- searching -----------------------------------------------------------------------------------

/** The first vocabulary id whose word is >= word. */
function lowerBound(vocab, word) {
  let lo = 0;
  let hi = vocab.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (vocab[mid] < word) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Letter counts of the query word (code points folded to 7 bits: a lower bound stays one). */
const bag = new Int16Array(128);
const scratch = new Int16Array(128);

/**
 * How one query word matches the vocabulary: a match kind per token id, the ids of the tokens
 * matched, and a rarity weight.
 */
function matchWord(index, word) {
  const { vocab, byStem, byFamily, byLength, df } = index;
  const kinds = new Uint8Array(vocab.length);
  const matched = [];
  for (const id of byStem.get(stem(word)) || []) {
    kinds[id] = vocab[id] === word ? EXACT : STEM;
    matched.push(id);
  }
  const exact = matched.length > 0;
  { // a prefix, even of one letter: typing "torch v" already narrows to what "torch v…" can become
    for (let id = lowerBound(vocab, word); id < vocab.length && vocab[id].startsWith(word); id++) {
      if (kinds[id] === 0) {
        kinds[id] = exact && word.length >= 2 ? OTHER_WORD : PREFIX;
        matched.push(id);
      }
    }
  }
  for (const id of byFamily.get(family(stem(word))) || []) {
    if (kinds[id] === 0) (kinds[id] = FAMILY), matched.push(id);
  }
  const max = word.length >= 8 ? 2 : word.length >= 4 ? 1 : 0;
  if (!exact && max > 0) {
    bag.fill(0);
    for (let i = 0; i < word.length; i++) bag[word.charCodeAt(i) & 127]++;
    for (let length = word.length - max; length <= word.length + max; length++) {
      for (const id of byLength[length] || []) {
        if (kinds[id] !== 0) continue;
        // Letters of the token missing from the word: each edit explains at most one.
        const token = vocab[id];
        scratch.set(bag);
        let missing = 0;
        for (let i = 0; i < token.length && missing <= max; i++) {
          const c = token.charCodeAt(i) & 127;
          if (scratch[c] > 0) scratch[c]--;
          else missing++;
        }
        if (missing > max) continue;
        const distance = editDistance(word, token, max);
        if (distance <= max) {
          kinds[id] = distance === 1 ? TYPO1 : TYPO2;
          matched.push(id);
        }
      }
    }
  }
  // Rarity, from the number of items holding the commonest token matched (exactly, if any).
  let most = 0;
  for (const id of matched) if ((!exact || kinds[id] >= STEM) && df[id] > most) most = df[id];
  const rarity = 1 + 0.5 * Math.log(index.items.length / Math.max(1, most));
  return { kinds, rarity, ids: Int32Array.from(matched) };
}

/** `matchWord`, remembered for the index's recent words: typing "torch vision" matches "torch"
 * once, not again at each letter of "vision". */
function wordMatcher(index, word) {
  const memo = (index.matchers ??= new Map());
  let matcher = memo.get(word);
  if (matcher === undefined) {
    matcher = matchWord(index, word);
    if (memo.size >= 256) memo.delete(memo.keys().next().value); // the oldest
    memo.set(word, matcher);
  }
  return matcher;
}

/** The longest run of consecutive query words matched at consecutive positions of one field. */
function longestRun(tokens, start, end, matchers, previous, current) {
  const n = matchers.length;
  previous.fill(0);
  let best = 0;
  for (let p = start; p < end; p++) {
    const token = tokens[p];
    for (let q = 0; q < n; q++) {
      const hit = token !== BREAK && matchers[q].kinds[token] !== 0;
      current[q] = hit ? (q > 0 ? previous[q - 1] : 0) + 1 : 0;
      if (current[q] > best) best = current[q];
    }
    for (let q = 0; q < n; q++) previous[q] = current[q];
  }
  return best;
}

/**
 * Searches the index: the items that match every query word (words most items have aside);
 * when none does, those that match the most of them (see {@link coverage}).
 * @param {object} index from {@link buildIndex}
 * @param {string} query
 * @returns {Array<{id: string, score: number}>} best first (then by name); for an empty query,
 *   every item in its original order with score 0
 */
export function search(index, query) {
  if (!query.trim()) return index.items.map(({ id }) => ({ id, score: 0 }));
  return rank(index, match(index, query));
}

/** Items whose name holds `query` as written (case aside): for a query with no letters or
 * digits ("🔥", "!!!"), which has no words to match, so a name made of such characters can
 * still be found. */
function literal(index, query) {
  const wanted = query.trim().toLowerCase();
  const found = [];
  index.items.forEach((item, position) => {
    if (String(item.name ?? "").toLowerCase().includes(wanted)) found.push(position);
  });
  return found;
}

/**
 * The items matching a query, as {@link matching} chooses them, in the order the index was
 * built from, unranked: what a view that keeps its own order needs (ranking is {@link rank}).
 * @param {object} index from {@link buildIndex}
 * @param {string} query
 * @returns {Array<{item: number, score: number}>} item positions in the indexed list, with
 *   scores; for an empty query, every item with score 0
 */
export function match(index, query) {
  const words = spellOut(index, tokenize(query));
  if (!query.trim()) return index.items.map((_, item) => ({ item, score: 0 }));
  if (words.length === 0) return literal(index, query).map((item) => ({ item, score: 0 }));
  const every = words.map((word) => wordMatcher(index, word));
  const { masks, want, scored } = coverage(index, every);
  if (want === 0) return [];
  const matchers = every.filter((_, q) => scored & (1 << q)); // the words that count
  const { tokens, offsets, nameLength } = index;
  const n = matchers.length;
  const previous = new Int32Array(n);
  const current = new Int32Array(n);
  const found = [];
  for (let item = 0; item < index.items.length; item++) {
    if ((masks[item] & want) !== want) continue;
    const base = item * FIELD_COUNT;
    let total = 0;
    for (const matcher of matchers) {
      const kinds = matcher.kinds;
      let best = 0;
      let sum = 0;
      let lead = 0;
      for (let f = 0; f < FIELD_COUNT; f++) {
        let kind = 0;
        for (let p = offsets[base + f], end = offsets[base + f + 1]; p < end; p++) {
          const token = tokens[p];
          if (token === BREAK || kinds[token] === 0) continue;
          if (kinds[token] > kind) kind = kinds[token];
          if (f === KEYWORDS && lead === 0) lead = Math.max(0, KEYWORDS_WEIGHED - (p - offsets[base + f]));
        }
        let score = (f === DESCRIPTION && offsets[base + KEYWORDS] === offsets[base + KEYWORDS + 1] ? UNKEYWORDED_DESCRIPTION : FIELD_WEIGHT[f]) * KIND_WEIGHT[kind];
        if (f === DESCRIPTION && kind !== 0 && best === 0) {
          // Found in the description alone: the longer the text, the less it says.
          const length = offsets[base + f + 1] - offsets[base + f];
          score /= 1 - LONG_TEXT + (LONG_TEXT * length) / index.descriptionMean;
        }
        sum += score;
        if (score > best) best = score;
      }
      total += (best + OTHER_FIELDS * (sum - best) + (LEADING_KEYWORD * lead) / KEYWORDS_WEIGHED) * matcher.rarity;
    }
    if (n > 1) {
      let bonus = 0;
      for (let f = 0; f < FIELD_COUNT; f++) {
        const run = longestRun(tokens, offsets[base + f], offsets[base + f + 1], matchers, previous, current);
        if (run > 1) bonus = Math.max(bonus, FIELD_WEIGHT[f] * PHRASE * (run - 1));
      }
      total += bonus;
    }
    // A query that covers every word of the name (the name field's first phrase).
    const start = offsets[base + NAME];
    let whole = nameLength[item] > 0;
    for (let p = start; whole && p < start + nameLength[item]; p++) {
      whole = matchers.some(({ kinds }) => ![0, OTHER_WORD, FAMILY].includes(kinds[tokens[p]]));
    }
    if (whole) total += FIELD_WEIGHT[NAME] * WHOLE_NAME;
    // A member organisation's long text about itself mentions many topics: a topic finds the
    // projects first; its own name (the whole of it) still finds it first.
    else if (index.members[item]) total *= MEMBER_WEIGHT;
    found.push({ item, score: Math.round(total * 1000) / 1000 });
  }
  return found;
}

/**
 * Which items match a query: those that match every query word (a word of the item matches
 * it), words most items have aside (see {@link coverage}). When none does, the query is
 * narrowed to the words that some items do match together:
 * the most words, and of equally many, the rarer ones ("causal inference" where nothing says
 * "causal": the items that match "inference"; "uncertainty estimation" where no item has both:
 * those that match the rarer word). Every hit then matches the same words, which
 * `kept` names. From the index's lists of items per word: a keystroke costs in proportion to
 * what the query's words match, not to the size of the catalog.
 * @param {object} index from {@link buildIndex}
 * @param {string} query
 * @returns {Uint8Array & {words: string[], kept: string[]}} 1 at the position of each
 *   matching item (all 1 for an empty query); the query's words, and those the hits match
 *   (all of them unless the query was narrowed)
 */
export function matching(index, query) {
  const count = index.items.length;
  const words = spellOut(index, tokenize(query));
  const hits = Object.assign(new Uint8Array(count), { words, kept: words });
  if (!query.trim()) return hits.fill(1);
  if (words.length === 0) {
    for (const item of literal(index, query)) hits[item] = 1;
    return hits;
  }
  const { masks, want, narrowed } = coverage(index, words.map((word) => wordMatcher(index, word)));
  hits.kept = narrowed ? words.filter((_, q) => want & (1 << q)) : words;
  if (want === 0) return hits;
  for (let item = 0; item < count; item++) if ((masks[item] & want) === want) hits[item] = 1;
  return hits;
}

/** An unknown word is read as a phrase of this many words at most (its letters, one a word). */
const SPELLED_MAX = 5;
/** A phrase spelling an unknown word must be found this many times more often than chance
 * would put its words side by side (from their counts in the catalog). */
const COLLOCATION = 5;
/** Letters of each word of a phrase that spells a word from one item alone (see `spellOut`). */
const TERM_WORD = 5;

/**
 * The query's words, each word that matches nothing in the catalog (no token it is, starts, or
 * is a typo of) replaced by the two words it joins (`compoundSplit`: "finetuning" as "fine
 * tuning"), if it has more letters than `SPELLED_MAX`, else by the phrase of the catalog whose
 * initials spell it:
 * "gnn" where the data says "graph neural networks" but never "GNN" (acronyms the data defines
 * are learnt with the index: see `learnAcronyms`). The phrase is taken from the keywords,
 * categories and descriptions: of those spelling the word, the one the most items hold, and
 * only one that two items hold or more, or one keyword or category name alone, and many times
 * more often than chance would put its words in a row (`COLLOCATION`); failing that, a phrase of
 * one item if each of its words has `TERM_WORD` letters or more (a sentence of short words proves
 * nothing: "such as models" is no "sam"). Both are looked up where two words follow each other
 * (`pairsOf`, made with the index); a phrase once per word (remembered).
 * @param {object} index
 * @param {string[]} words
 * @returns {string[]}
 */
function spellOut(index, words) {
  if (!words.some((word) => word.length >= 2 && LETTERS_ONLY.test(word))) return words;
  const out = [];
  for (const word of words) {
    const unknown = word.length >= 2 && LETTERS_ONLY.test(word) && wordMatcher(index, word).ids.length === 0;
    let spelled = null;
    if (unknown && word.length <= SPELLED_MAX) {
      spelled = phraseSpelling(index, word) || (stem(word) !== word && phraseSpelling(index, stem(word))); // "gnns" too
    } else if (unknown) {
      spelled = compoundSplit(index, word) || knownEnding(index, word);
    }
    out.push(...(spelled || [word]));
  }
  return out;
}

/**
 * A word written closed that the catalog writes as two ("finetuning", "superresolution",
 * "timeseries" where the data says "fine-tuning", "super-resolution", "time series"): the two
 * words, found in a row somewhere in the keywords, categories or descriptions, or null. Of
 * several cuts, the first (the shortest first word).
 */
function compoundSplit(index, word) {
  const { tokens, vocab } = index;
  const { starts, positions } = index.spelling.pairs;
  for (let cut = 2; cut <= word.length - 2; cut++) {
    const [head, tail] = [word.slice(0, cut), word.slice(cut)];
    const pair = pairKey(head.charCodeAt(0), tail.charCodeAt(0));
    for (let i = starts[pair]; i < starts[pair + 1]; i++) {
      const p = positions[i];
      if (vocab[tokens[p]] === head && vocab[tokens[p + 1]] === tail) return [head, tail];
    }
  }
  return null;
}

/** Letters of a combining form before the catalog's word that ends an unknown one ("histo" of
 * "histopathology"), at least; it ends with the linking vowel of such forms, "o" or "i". */
const COMBINING_FORM = 4;

/**
 * A word the catalog has at the end of an unknown word, after a combining form that is no word
 * of the catalog: "histopathology" as "pathology", "neuroimaging" as "imaging". The ending has 5
 * letters or more and is half the word or more; the longest such ending. None after a word the
 * catalog has ("recipesimages" is two words, which `compoundSplit` finds only where they follow
 * each other), after fewer than `COMBINING_FORM` letters ("disassembly" is no "assembly"), or
 * after letters that end otherwise than a combining form does ("superresolution" is no
 * "solution"). The status says how the word was read.
 */
function knownEnding(index, word) {
  const known = (text) => index.vocab[lowerBound(index.vocab, text)] === text;
  for (let cut = COMBINING_FORM; (word.length - cut) * 2 >= word.length && word.length - cut >= 5; cut++) {
    const tail = word.slice(cut);
    if (!"oi".includes(word[cut - 1]) || !known(tail)) continue;
    return known(word.slice(0, cut)) ? null : [tail];
  }
  return null;
}

/** The words of the phrase whose initials spell `word` (see {@link spellOut}), or null. */
function phraseSpelling(index, word) {
  const memo = (index.spelled ??= new Map());
  if (memo.has(word)) return memo.get(word);
  const { tokens, vocab, offsets } = index;
  const { initials, counts, total, pairs } = index.spelling;
  const n = word.length;
  const letters = Array.from(word, (letter) => letter.charCodeAt(0));
  // Occurrences grouped by their tokens (cheap to tell apart), then by stems. Only where two
  // words in a row have the word's first two letters (`pairsOf`).
  const byTokens = new Map(); // token ids -> {ids, items: Set, count, named}
  const pair = pairKey(letters[0], letters[1]);
  for (let i = pairs.starts[pair]; i < pairs.starts[pair + 1]; i++) {
    const p = pairs.positions[i];
    const field = fieldAt(offsets, p); // item * FIELD_COUNT + field
    const [start, end] = [offsets[field], offsets[field + 1]];
    if (p + n > end) continue;
    let k = 0;
    while (k < n && tokens[p + k] !== BREAK && initials[tokens[p + k]] === letters[k]) k++;
    if (k < n) continue;
    let key = String(tokens[p]);
    for (k = 1; k < n; k++) key += `,${tokens[p + k]}`;
    let found = byTokens.get(key);
    if (found === undefined) byTokens.set(key, (found = { ids: tokens.slice(p, p + n), items: new Set(), count: 0, named: false }));
    found.items.add(Math.floor(field / FIELD_COUNT));
    found.count += 1;
    // a whole keyword or category name: the phrase stands alone
    found.named ||= field % FIELD_COUNT !== DESCRIPTION && (p === start || tokens[p - 1] === BREAK) && (p + n === end || tokens[p + n] === BREAK);
  }
  const phrases = new Map(); // stems of the phrase -> {words, items: Set, count, named, chance}
  for (const { ids, items, count, named } of byTokens.values()) {
    const words = Array.from(ids, (id) => vocab[id]);
    if (!words.every((part) => LETTERS_ONLY.test(part))) continue;
    const key = words.map(stem).join(" ");
    let chance = total; // how often chance would put these words side by side
    for (const id of ids) chance *= counts[id] / total;
    const phrase = phrases.get(key);
    if (phrase === undefined) phrases.set(key, { words, items: new Set(items), count, named, chance });
    else {
      for (const item of items) phrase.items.add(item);
      Object.assign(phrase, { count: phrase.count + count, named: phrase.named || named, chance: phrase.chance + chance });
    }
  }
  let best = null;
  for (const phrase of phrases.values()) {
    // as often as chance puts its words side by side, it is no phrase (a catalog of few words)
    const phrasal = phrase.items.size >= 2 && phrase.count >= COLLOCATION * phrase.chance;
    if (!phrase.named && !phrasal) continue;
    if (best === null || phrase.items.size > best.items.size) best = phrase;
  }
  // Else, a phrase of one item (several that chance explains are none), of long words only: a
  // term ("automatic speech recognition" in NeMo's description, "neural machine translation" in
  // JoeyNMT's), not words that meet in a sentence ("such as models").
  if (best === null && n >= 3) {
    for (const phrase of phrases.values()) {
      if (phrase.items.size === 1 && phrase.words.every((part) => part.length >= TERM_WORD) && (best === null || phrase.count > best.count)) best = phrase;
    }
  }
  const result = best && best.words;
  if (memo.size >= 256) memo.delete(memo.keys().next().value);
  memo.set(word, result);
  return result;
}

/** Two first letters as one number (code units folded to 7 bits: a lookup, checked after). */
const pairKey = (a, b) => ((a & 127) << 7) | (b & 127);

/**
 * Where two words follow each other in an item's keywords, categories or description, by their
 * first letters: `positions` (of the first word in `tokens`) from `starts[key]` to
 * `starts[key + 1]`, for `pairKey` of the two letters. Made with the index, so that reading a
 * word as a phrase (`phraseSpelling`) looks only where the phrase can be.
 */
function pairsOf(tokens, offsets, count, initials) {
  const starts = new Uint32Array(128 * 128 + 1);
  const each = (visit) => {
    for (let slot = KEYWORDS; slot < count * FIELD_COUNT; slot += slot % FIELD_COUNT === FIELD_COUNT - 1 ? KEYWORDS + 1 : 1) {
      for (let p = offsets[slot], end = offsets[slot + 1] - 1; p < end; p++) {
        if (tokens[p] !== BREAK && tokens[p + 1] !== BREAK) visit(p, pairKey(initials[tokens[p]], initials[tokens[p + 1]]));
      }
    }
  };
  each((_, key) => starts[key + 1]++);
  for (let key = 0; key < 128 * 128; key++) starts[key + 1] += starts[key];
  const positions = new Uint32Array(starts[128 * 128]);
  const filled = starts.slice(0, 128 * 128);
  each((p, key) => {
    positions[filled[key]++] = p;
  });
  return { starts, positions };
}

/** The field (item * FIELD_COUNT + field) whose tokens hold position `p`: the last whose start
 * is at most `p` (empty fields start where the next does). */
function fieldAt(offsets, p) {
  let lo = 0;
  let hi = offsets.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (offsets[mid] <= p) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The longest query whose words are taken into account (a pasted paragraph is cut there). */
const MAX_QUERY_WORDS = 30;
/** Of a query that no item matches whole, words matched by more than 1/COMMON of the items
 * (and by more than COMMON_FLOOR) are kept only beside a rarer word. */
const COMMON = 6;
const COMMON_FLOOR = 10;

/** Which of the query words (given by their matchers) each item matches, as bits (word q:
 * bit q); the set of words the hits must match (`want`) and the words that count in their
 * ranking (`scored`). Words that many items match ("for", "library", "learning": see COMMON)
 * are not required beside rarer ones, except the last, the word being typed: "library for
 * graph neural networks" finds the graph libraries whose text never says "library for", and
 * ranks those that do first. If some item matches every required word, that is all; else
 * (`narrowed`) the hits match the largest set of words that some item matches, the rarer words
 * first. `want` 0: no word matches anything. */
function coverage(index, matchers) {
  const count = index.items.length;
  const { postStart, postItems } = index;
  const masks = new Uint32Array(count);
  const words = Math.min(matchers.length, MAX_QUERY_WORDS);
  // A word that more than a sixth of the items match ("of", "learning"), in a catalog large
  // enough for that to say something, is too vague to stand for the query without a rarer one.
  let common = 0;
  for (let q = 0; q < words; q++) {
    const bit = 1 << q;
    let hits = 0; // the items this word matches, counted as their bits are set
    for (const id of matchers[q].ids) {
      for (let p = postStart[id], end = postStart[id + 1]; p < end; p++) {
        const item = postItems[p];
        if ((masks[item] & bit) === 0) (masks[item] |= bit), hits++;
      }
    }
    if (hits > COMMON_FLOOR && hits * COMMON > count) common |= bit;
  }
  const all = 2 ** words - 1;
  const last = 1 << (words - 1);
  const required = all & ~common ? all & (~common | last) : all;
  for (let item = 0; item < count; item++) {
    if ((masks[item] & required) === required) return { masks, want: required, scored: all, narrowed: false };
  }
  let want = 0;
  let size = 0;
  let weight = 0;
  const seen = new Set();
  for (let item = 0; item < count; item++) {
    const mask = masks[item];
    if (mask === 0 || (mask & ~common) === 0 || seen.has(mask)) continue;
    seen.add(mask);
    let bits = 0;
    let rarity = 0;
    for (let q = 0; q < words; q++) {
      if (mask & (1 << q)) (bits += 1), (rarity += matchers[q].rarity);
    }
    if (bits > size || (bits === size && (rarity > weight || (rarity === weight && mask < want)))) {
      [want, size, weight] = [mask, bits, rarity];
    }
  }
  return { masks, want, scored: want, narrowed: true };
}

/**
 * Hits from {@link match}, best first (then by name), as item ids.
 * @param {object} index from {@link buildIndex}
 * @param {Array<{item: number, score: number}>} found
 * @returns {Array<{id: string, score: number}>}
 */
export function rank(index, found) {
  const keys = index.sortKeys;
  const byName = (a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b);
  const sorted = [...found].sort((a, b) => b.score - a.score || byName(a.item, b.item));
  return sorted.map(({ item, score }) => ({ id: index.items[item].id, score }));
}
