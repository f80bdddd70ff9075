// torchscape explorer, big grids: a big change made gradually. Loaded by explorer.js for grids
// of many tiles. No dependencies.

/*
 * A tile shown or hidden costs its frame about the same whether or not it is on screen, once its
 * section is (a section on screen, or shown again, is laid out and painted whole): at 2,500
 * tiles, bringing them all back at once (a filter unticked, the search cleared) took a frame of
 * 40-80 ms on a shared 2-core machine. So a long list changes at once only up to a screenful of
 * shown tiles: what comes after is below the screen whatever it becomes. So do whole categories
 * that start below the screen once those above have their new tiles, and sections about to be
 * hidden. The rest follows, a batch a frame, from the frame after the change's: a few tiles a
 * frame in lists the browser draws, many in those it skips (hidden, or far below the screen);
 * a new change takes over from a fill that is not done.
 */

/** Lists of at most this many tiles change at once. */
const LONG_LIST = 48;
/** Tiles changed per frame, while the rest of a big change comes in, in lists the browser lays
 * out and paints (on screen or near it). In a 2,500-tile grid, 160 of them made fill frames of
 * 35-40 ms in a trace on a shared 2-core machine (layout 13-16 ms, paint 8). */
const FILL_BATCH = 48;
/** The same in lists it skips (in a section off screen, `content-visibility: auto`, or hidden):
 * there a change costs little more than the script's writes until the section is shown. */
const SKIPPED_BATCH = 1200;

/**
 * For each list (in `grid.lists` order), how many of its tiles to show from its top before the
 * rest can wait: a screenful (`screenful`), none where the list starts below the screen or its
 * section is to be hidden. Where a list starts is estimated from the top of the grid down: a
 * category's sections in rows of as many as its layout has columns, each row as tall as its
 * longest list of shown tiles, headings and gaps left out (too short, if anything, so that no
 * list on screen is taken for one below it). Read from the layout the last frame left, before
 * anything is written.
 */
export function budgetsOf(grid, next, filtering) {
  if (!grid.blocks) prepare(grid);
  const budgets = new Array(grid.lists.length).fill(Infinity);
  let top = grid.element.getBoundingClientRect().top;
  // Each category's layout: columns, and the width of one of its sections. A category hidden
  // until now is laid out as a shown one of the same kind is (taking its sections for one row
  // gave lists far below the screen tiles in the change's frame); with none, as one row.
  const shown = new Map(); // layout -> [columns, width, gap], of those laid out
  const alike = new Map(); // the same by class: for those that are not
  for (const block of grid.blocks) {
    const layout = block.lists[0].host.parentElement;
    const box = layout.getBoundingClientRect();
    if (box.width === 0) continue;
    const style = getComputedStyle(layout);
    const tracks = style.gridTemplateColumns.split(" ");
    const column = parseFloat(tracks[0]) || box.width / (tracks.length || 1);
    shown.set(layout, [tracks.length || 1, column, parseFloat(style.columnGap) || 0]);
    if (!alike.has(layout.className)) alike.set(layout.className, shown.get(layout));
  }
  const measure = (layout) => shown.get(layout) || alike.get(layout.className) || [Infinity, 0, 0];
  // and the columns and rows of a list on screen, whichever it is (see `screenful`)
  grid.lists.find((list) => list.tiles.length > LONG_LIST && onScreen(list.host.getBoundingClientRect()) && learn(grid, list));
  for (const block of grid.blocks) {
    // a category hidden by something else than the explorer (a group's tab): nothing to see
    if (!block.section?.hidden && block.element.getClientRects().length === 0) continue;
    const [columns, width, gap] = measure(block.lists[0].host.parentElement);
    let row = 0; // columns taken in the row being filled
    let height = 0; // of that row
    for (const list of block.lists) {
      let wanted = 0;
      for (const tile of list.tiles) wanted += next[tile.position];
      if (!wanted) {
        // its section is to be hidden (unless the list shares it): no place in the rows
        if (filtering && list.host !== list.element) budgets[list.index] = 0;
        continue;
      }
      // A big section spans columns (site.css: .sub-m, .sub-l, .sub-xl); one that does not fit
      // in what is left of the row starts the next (the grid packs in order, leaving the hole).
      const span = list.host === list.element ? 1 : spanOf(list.host, columns);
      if (row + span > columns && row > 0) (top += height), (row = 0), (height = 0);
      const wide = span * width + (span - 1) * gap;
      budgets[list.index] = top > window.innerHeight ? 0 : screenful(grid, list, wide, top);
      height = Math.max(height, Math.ceil(wanted / columnsOf(grid, list)) * rowHeight(grid));
      row += span;
    }
    top += height;
  }
  return budgets;
}

/** How many of its layout's `columns` a section spans, as its style says (`span N`, or the
 * whole row: `1 / -1`). Only the section's own style is read (a section off screen keeps its
 * style; what it skips is the layout of its content). */
function spanOf(host, columns) {
  const style = getComputedStyle(host);
  if (style.gridColumnEnd === "-1") return Number.isFinite(columns) ? columns : 1;
  const span = /span (\d+)/.exec(`${style.gridColumnStart} ${style.gridColumnEnd}`);
  return span ? Math.min(Number(span[1]), Number.isFinite(columns) ? columns : 1) : 1;
}

/** Each list's section (`host`) and place, and the lists by category (`blocks`, with the
 * category's section in the explorer's state: hidden by the explorer, or not). */
function prepare(grid) {
  const blocks = new Map();
  const sections = new Map(grid.sections.map((section) => [section.element, section]));
  grid.lists.forEach((list, index) => {
    Object.assign(list, { index, host: list.element.closest(".subcategory") || list.element, columns: 0 });
    const block = list.element.closest(".category") || list.element;
    if (!blocks.has(block)) blocks.set(block, { element: block, section: sections.get(block), lists: [] });
    blocks.get(block).lists.push(list);
  });
  grid.blocks = [...blocks.values()];
}

/**
 * How many of a list's shown tiles can be on screen: all of a short list; for a long one, rows
 * from the highest it may start at (`top`) down to the bottom of the screen, plus one (rows of
 * one-line names are shorter than the tile measured), times its columns. (With two spare rows, an
 * untick on the synthetic 2,500-item landscape at 1440 x 900 laid out and painted 55 tiles in its
 * frame, 33 of them on screen; now 44.) Only boxes that are laid out are read: the tiles of a
 * section off screen are not (`content-visibility: auto`), and asking where they are would lay
 * them out. So a list is measured by its section's box (for one hidden until now, `width`: a
 * section's in its layout), with the columns of a list on screen in a section as wide (else as
 * many as columns as wide as theirs fit, rounded up) and its row height; until one is measured,
 * narrow columns and short rows (more tiles at once).
 */
function screenful(grid, list, width, top) {
  if (list.tiles.length <= LONG_LIST) return Infinity;
  const box = list.host.getBoundingClientRect();
  if (onScreen(box)) learn(grid, list);
  const wide = box.width || width;
  if (wide && grid.sectionColumns && Math.abs(grid.sectionColumns[0] - wide) < 1) list.columns = grid.sectionColumns[1];
  else if (wide) list.columns = Math.ceil(wide / (grid.columnWidth || 90));
  const rows = Math.ceil((window.innerHeight - top) / rowHeight(grid)) + 1;
  return rows * columnsOf(grid, list);
}

const onScreen = (box) => box.width > 0 && box.bottom > 0 && box.top < window.innerHeight;

/** The columns, column width and row height of a list laid out on screen, for those that are
 * not (`screenful`); returns whether it had a tile to measure. */
function learn(grid, list) {
  const columns = getComputedStyle(list.element).gridTemplateColumns.split(" ").length || 1;
  grid.columnWidth = list.element.getBoundingClientRect().width / columns;
  grid.sectionColumns = [list.host.getBoundingClientRect().width, columns]; // a section this wide holds this many
  const tile = list.tiles.find((_, i) => list.shown[i])?.li.firstElementChild.getBoundingClientRect(); // (the item makes no box)
  if (tile?.height > 0) grid.rowHeight = tile.height;
  return tile?.height > 0;
}

const columnsOf = (grid, list) => list.columns || Math.ceil(window.innerWidth / (grid.columnWidth || 90));
const rowHeight = (grid) => grid.rowHeight || 90;

/**
 * The long lists (given a budget by `budgetsOf`) that a change brings on screen from where the
 * browser skips them: in a section below the screen (`content-visibility: auto`) that the change
 * moves up, as ticking a category moves its first section to the top. Chromium finds such a
 * section on screen only after the change's frame, which it then paints as an empty card, the
 * tiles a frame later (50-60 ms after the click, at 2,500 tiles). So their sections are drawn
 * for this frame (`content-visibility: visible`, until the fill is done), the caller showing a
 * screenful of their tiles at once and the rest after, as for tiles shown again. Read before
 * anything is written; undoes the last change's.
 */
export function wake(grid, budgets) {
  const waking = new Set();
  grid.lists.forEach((list, l) => {
    if (!(budgets[l] > 0 && Number.isFinite(budgets[l])) || list.host === list.element) return;
    // laid out (not hidden), but its content skipped
    if (list.host.getClientRects().length > 0 && list.element.checkVisibility?.({ contentVisibilityAuto: true }) === false) waking.add(list);
  });
  release(grid);
  grid.awake = [...waking].map((list) => list.host);
  for (const host of grid.awake) host.style.contentVisibility = "visible";
  return waking;
}

/** Sections drawn for a change (`wake`) left to the browser again (on screen, they stay drawn). */
function release(grid) {
  for (const host of grid.awake || []) host.style.contentVisibility = "";
  grid.awake = [];
}

/**
 * Sections (categories, subcategories) a big change hides are first only left out of the
 * change's frame, their rendering kept but skipped and out of the flow (`is-leaving`, site.css),
 * and hidden in the frame after (by `fill`, with `leave`): hiding at once tore down the
 * rendering of every tile they had drawn in the frame the change has to paint (the style step
 * of a category's tick: 4-5 ms of 17-22, on a shared 2-core machine). One shown again before
 * then just stays.
 */
export function startLeaving(section) {
  section.element.classList.add("is-leaving");
  section.leaving = section.hidden = true;
}

/** The end of a section's leaving: hidden (`done`), or shown again. */
export function leave(section, done) {
  section.element.classList.remove("is-leaving");
  if (done) section.element.hidden = true;
  else section.hidden = false;
  section.leaving = false;
}

/** Makes the changes left for later (list, index, shown: three entries each of `pending`) from
 * the frame after the next one, a batch a frame: `FILL_BATCH` tiles of lists the browser
 * renders and `SKIPPED_BATCH` of lists it skips, as the last frame left them. */
export function fill(grid, pending, leaving) {
  const step = () => {
    // (all read before anything is written: a read after a write would lay the page out)
    const skipped = new Map();
    for (let index = 0; index < pending.length; index += 3) {
      if (!skipped.has(pending[index])) skipped.set(pending[index], skips(pending[index]));
    }
    const later = [];
    let rendered = 0;
    let cheap = 0;
    for (let index = 0; index < pending.length; index += 3) {
      const [list, i, want] = [pending[index], pending[index + 1], pending[index + 2]];
      if (skipped.get(list) ? cheap++ < SKIPPED_BATCH : rendered++ < FILL_BATCH) {
        list.tiles[i].li.hidden = !want;
        list.shown[i] = want;
      } else later.push(list, i, want);
    }
    pending = later;
    for (const section of leaving.splice(0)) leave(section, true);
    grid.fill = pending.length ? requestAnimationFrame(step) : 0;
    if (!pending.length) release(grid);
  };
  grid.fill = requestAnimationFrame(() => (grid.fill = requestAnimationFrame(step)));
}

/** Whether the browser skips a list's rendering, and will still when this frame is drawn: its
 * section (or its category) is hidden, or off screen (`content-visibility: auto`) and far enough
 * below for what this frame adds above it not to bring it near (the browser tells which sections
 * it skips only as the last frame left them). Browsers that cannot tell: taken to render it. */
function skips(list) {
  if (list.element.closest(".is-leaving")) return true; // (asking the browser would draw it)
  if (list.element.checkVisibility?.({ contentVisibilityAuto: true }) !== false) return false;
  return list.host.getClientRects().length === 0 || list.host.getBoundingClientRect().top > 2 * window.innerHeight;
}
