"""Explorer responsiveness in headless Chromium with a synthetic 2,500-item landscape.

For each keystroke of a few queries, typed 120 ms apart (a fast typist), measures the time from
the input event to the next painted frame after layout (the input is dispatched in the page; the
frame is over when a task queued from the next requestAnimationFrame callback runs). Prints the
median, p95 and max, and the home page's first contentful paint.

Then, in another fresh tab, the same measure for filter changes (options of four filters
ticked and unticked: unticking brings every tile back at once) and for a search cleared to
nothing (every tile back again), 120 ms apart as the keys are. These big changes are printed
apart from the keystrokes. The filter changes are measured again at slower paces, each in a tab
of its own (`--paces`, by default 200, 300 and 400 ms apart: 300-400 ms is about as fast as a
person moves from one box of a list to the next and clicks). The pace matters because of how
Chromium schedules frames: after its last frame the page keeps listening to the display's clock
for two more ticks, and a change that comes before the next tick it has not seen waits for that
tick (up to 16.7 ms) before its frame starts; one that comes later gets its frame at once. At 120
ms, a change often comes within that window after the frames that follow the last change (the
rest of a big change, the filters' counts, sections come on screen, the link-prediction frame
described under `--browser-arg`, about 100 ms after each change); slower, less often. Each
line of filter changes ends with its two slowest changes, named (a run's p95 of 20 changes is
the second of them).

Typing starts in two states of the page, each in a fresh tab: "settled", once the page has
loaded and gone quiet (its network idle, the explorer's descriptions in: where a visitor is
after a look at the page), and "at once", as soon as the explorer appears (a worst case: the
search index is still being built and logos are still arriving).

Under each line, two more p95s: of the wait for the frame to begin (from the end of the
change's event handler to the frame's first callback), and of the time without that wait (the
page's script and the frame's style, layout, paint and commit). The wait is Chromium's: once it
has drawn a frame, it keeps to the display's clock for a few ticks, and a change that comes then
waits for the next tick; after a quiet spell it starts a frame at once. The slowest changes say
how long they waited.

The first key of each query comes at the same pace after the box is cleared as the others do
after it. (Typed at once after the clearing frame, it waited a whole extra frame interval in
Chromium's scheduling whatever the page did: 5 of the 66 keystrokes near 20 ms with no listener
at all, which set the p95.) The "floor" line is the same measure with the explorer's listener
detached: what the browser alone takes from an input event to the next frame.

    .venv/bin/python benchmarks/bench_explorer.py [--logos monograms|fixture] [--runs N] [--paces 200,300,400]

With `--runs N` the measure is taken N times (each in fresh tabs, on the same build) and the
figures of each run are printed, then the median of the runs' medians and p95s, and the p95 of
all the runs' samples together: one run's p95 is its fourth-slowest keystroke of 66, or its
second-slowest filter change of 20, so a busy moment of a shared machine moves it a lot.

`--browser-arg ARG` (repeatable) launches Chromium with one more switch, to find out what a share
of the time is: `--browser-arg=--disable-features=NavigationPredictor` turns off the browser's
link-prediction heuristic, which watches a random 1 in 100 of the page's links with an
intersection observer that may run at most every 100 ms, so it asks for a frame of its own up to
100 ms after each change (see docs/performance.md, 2026-12-06 afternoon). The figures to quote
are those of the browser as users have it, without such switches.

`--logos monograms` (the default) gives every item a generated monogram (the synthetic items
have no logo files), which tiles draw as text: no images at all. `--logos fixture` is the
landscape `bench_build.py` builds: other names and descriptions (so other matches per
keystroke), and logos cycling through the real PyTorch fixture's files (about 240 distinct
images, most of them SVG). It is the harder of the two: showing many tiles again paints their
SVG logos, and its queries change more tiles at a time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
from pathlib import Path
from typing import NamedTuple

from playwright.sync_api import Browser, Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth
from bench_build import FIXTURE, synthetic
from torchscape.chromium import CHROMIUM_ARGS, chromium_path
from torchscape.paths import resolve_sources
from torchscape.serve import make_server
from torchscape.site.build import BuildRequest, build_site

QUERIES = ("torch vision", "grpah neural", "serving", "quantum privacy", "distributed training")
#: The page scripts' helpers: `frame()`, and `timed(change)`, which makes a change and returns
#: the time from it to its painted frame and the share of that time spent waiting for the frame
#: to begin (from the end of the change's handlers to the frame's first callback).
TIMING = """
  // requestAnimationFrame runs just before the frame's style, layout and paint; a task queued
  // from it runs once that frame is done: the "next painted frame after layout". The frame
  // resolves with the time its callbacks ran (when the frame began).
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => {
    const began = performance.now();
    setTimeout(() => resolve(began), 0);
  }));
  const timed = async (change) => {
    const start = performance.now();
    change();
    const handled = performance.now();
    const began = await frame();
    return [performance.now() - start, began - handled];
  };
"""
TYPE_AND_PAINT = """async (text) => {
  const box = document.querySelector('input[type=search]');
  TIMING
  const times = [];
  const waits = [];
  box.value = '';
  box.dispatchEvent(new Event('input'));
  await frame(); await frame();
  await new Promise((resolve) => setTimeout(resolve, 120));
  for (let i = 1; i <= text.length; i++) {
    const start = performance.now();
    const [time, wait] = await timed(() => {
      box.value = text.slice(0, i);
      box.dispatchEvent(new Event('input'));
    });
    times.push(time);
    waits.push(wait);
    // The next key comes at a fast typist's pace (about 8 characters a second), so each
    // keystroke is measured on its own, not behind the logo loads the previous one started.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + 120 - performance.now())));
  }
  return [times, waits];
}""".replace("TIMING", TIMING)
#: Filter changes and a cleared search, measured as keystrokes are: each of the first options of
#: the category, subcategory, status and licence filters is ticked, then unticked (all tiles
#: back); then, with `clear`, a one-letter query is cleared with Backspace (all tiles back
#: again).
FILTER_AND_CLEAR = """async ([gap, clear]) => {
  TIMING
  const pause = () => new Promise((resolve) => setTimeout(resolve, gap));
  document.querySelector('.filters-box').open = true;
  await frame(); await frame(); await pause();
  const filters = [];
  const waits = [];
  const changes = [];
  for (const name of ['category', 'subcategory', 'status', 'license']) {
    const values = [...document.querySelectorAll(`input[data-filter=${name}]`)].slice(0, 3).map((box) => box.value);
    for (const value of values) {
      for (const on of [true, false]) {
        const box = [...document.querySelectorAll(`input[data-filter=${name}]`)].find((b) => b.value === value);
        const [time, wait] = await timed(() => {
          box.checked = on;
          box.dispatchEvent(new Event('change', { bubbles: true }));
        });
        filters.push(time);
        waits.push(wait);
        changes.push(`${name} ${value} ${on ? 'ticked' : 'unticked'}`);
        await pause();
      }
    }
  }
  const box = document.querySelector('input[type=search]');
  const cleared = [];
  const clearWaits = [];
  for (const letter of clear ? 'stdgqp' : '') {
    box.value = letter;
    box.dispatchEvent(new Event('input'));
    await frame(); await pause();
    const [time, wait] = await timed(() => {
      box.value = '';
      box.dispatchEvent(new Event('input'));
    });
    cleared.push(time);
    clearWaits.push(wait);
    await pause();
  }
  return [filters, waits, cleared, clearWaits, changes];
}""".replace("TIMING", TIMING)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--logos", choices=("monograms", "fixture"), default="monograms")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--paces",
        default=[200, 300, 400],
        type=milliseconds,
        help="the slower paces of the filter changes, in ms apart, comma-separated (120 is always measured)",
    )
    parser.add_argument(
        "--browser-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="one more Chromium switch, for a diagnosis (repeatable); the figures to quote are without",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if args.logos == "fixture":
            data, logos = synthetic(tmp / "data", 2_500), str(FIXTURE / "hosted_logos")
        else:
            data, logos = synth.write(tmp / "data", 2_500), None
        build_site(BuildRequest(resolve_sources(str(data), None, None, logos), tmp / "site", tmp / "cache"))
        server = make_server(tmp / "site", "127.0.0.1", 0, None)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        runs = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=[*CHROMIUM_ARGS, *args.browser_arg]
            )
            for run in range(1, args.runs + 1):
                at_once, _, first_paint, tiles = measure(browser, base, settled=False)
                settled, floor, _, _ = measure(browser, base, settled=True)
                # (searches are cleared in the first tab only, 120 ms apart as the keys are)
                jumps = {
                    pace: measure_jumps(browser, base, pace, clear=pace == 120) for pace in (120, *args.paces)
                }
                cleared = jumps[120][1]
                runs.append(
                    {
                        "settled": settled,
                        "at once": at_once,
                        "floor": floor,
                        **{
                            f"filter changes {pace} ms apart": samples
                            for pace, (samples, _, _) in jumps.items()
                        },
                        "search cleared": cleared,
                    }
                )
                if run == 1:
                    print(f"{tiles} tiles (logos: {args.logos}); first contentful paint {first_paint:.0f} ms")
                if args.runs > 1:
                    print(f"run {run}:")
                print(
                    f"keystroke -> next painted frame over {len(settled.times)} keystrokes, settled: {summary(settled)}"
                )
                print(f"    {split(settled)}")
                print(f"  at once (as soon as the explorer appears): {summary(at_once)}")
                print(f"    {split(at_once)}")
                print(f"floor (settled, explorer listener detached): {summary(floor)}")
                for k, (pace, (samples, _, names)) in enumerate(jumps.items()):
                    head = (
                        f"filter change -> next painted frame over {len(samples.times)} changes, "
                        if k == 0
                        else "  "
                    )
                    print(f"{head}{pace} ms apart: {summary(samples)}; slowest: {slowest(samples, names)}")
                    print(f"    {split(samples)}")
                print(f"  search cleared (every tile back) over {len(cleared.times)}: {summary(cleared)}")
                print(f"    {split(cleared)}")
            browser.close()
        server.shutdown()
    if args.runs > 1:
        for label in runs[0]:
            medians = [statistics.median(run[label].times) for run in runs]
            p95s = [p95(run[label].times) for run in runs]
            pooled = Samples(
                [t for run in runs for t in run[label].times], [w for run in runs for w in run[label].waits]
            )
            print(
                f"{label}, over {args.runs} runs: median of medians {statistics.median(medians):.1f} ms, "
                f"median p95 {statistics.median(p95s):.1f} ms (p95s {', '.join(f'{v:.1f}' for v in p95s)}), "
                f"p95 of all {len(pooled.times)} {p95(pooled.times):.1f} ms; {split(pooled)}"
            )


def milliseconds(text: str) -> list[int]:
    """`--paces`: "200,300" -> [200, 300]."""
    try:
        paces = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not whole milliseconds, comma-separated: {text!r}") from None
    if any(pace < 0 for pace in paces):
        raise argparse.ArgumentTypeError(f"a pace below 0 ms: {text!r}")
    return paces


class Samples(NamedTuple):
    """Times from a change to its painted frame, in ms, and the share of each spent waiting for
    that frame to begin (from the end of the change's event to the frame's first callback): the
    rest is the page's script and the frame's work. (Chromium starts a frame at once when it has
    been idle for a while; after a recent frame, it waits for the display's next tick.)"""

    times: list[float]
    waits: list[float]


def measure(browser: Browser, base: str, *, settled: bool) -> tuple[Samples, Samples, float, int]:
    """Keystroke times and the floor's, the first contentful paint and the tile count, in a new tab."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(base, wait_until="load")
    # The entry can come after "load": wait for it (buffered, so an earlier one counts).
    first_paint = page.evaluate(
        """() => new Promise((resolve) => new PerformanceObserver((list) => {
          const entry = list.getEntries().find((e) => e.name === 'first-contentful-paint');
          if (entry) resolve(entry.startTime);
        }).observe({ type: 'paint', buffered: true }))"""
    )
    page.wait_for_selector("[data-explorer]:not([hidden])")
    if settled:
        settle(page)
    tiles = page.eval_on_selector_all(".tiles a[data-id]", "els => els.length")
    samples = typed(page)
    # The box without the explorer's listener (a copy of it): the browser's own share.
    page.evaluate(
        "() => { const box = document.querySelector('input[type=search]'); box.replaceWith(box.cloneNode()); }"
    )
    floor = typed(page) if settled else Samples([], [])
    page.close()
    return samples, floor, first_paint, tiles


def typed(page: Page) -> Samples:
    """Each of `QUERIES` typed in the search box (`TYPE_AND_PAINT`)."""
    times, waits = [], []
    for query in QUERIES:
        more, waited = page.evaluate(TYPE_AND_PAINT, query)
        times += more
        waits += waited
    return Samples(times, waits)


def measure_jumps(
    browser: Browser, base: str, gap: int, *, clear: bool
) -> tuple[Samples, Samples, list[str]]:
    """Filter changes and, with `clear`, cleared searches (`FILTER_AND_CLEAR`), `gap` ms apart, in
    a new tab once it is settled; and what each filter change was."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(base, wait_until="load")
    settle(page)
    filters, waits, cleared, clear_waits, changes = page.evaluate(FILTER_AND_CLEAR, [gap, clear])
    page.close()
    return Samples(filters, waits), Samples(cleared, clear_waits), changes


def settle(page: Page) -> None:
    """Wait until the page has gone quiet: the explorer's descriptions in, the network idle."""
    page.wait_for_selector("[data-explorer][data-texts=loaded]", state="attached")
    page.wait_for_load_state("networkidle")


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[int(len(ordered) * 0.95) - 1]


def slowest(samples: Samples, names: list[str], count: int = 2) -> str:
    """The `count` slowest changes, named (those that set a run's p95 of 20), with their waits."""
    ranked = sorted(zip(samples.times, samples.waits, names, strict=True), reverse=True)[:count]
    return ", ".join(f"{name} {time:.1f} (waited {wait:.1f})" for time, wait, name in ranked)


def summary(samples: Samples) -> str:
    times = samples.times
    return f"median {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms, max {max(times):.1f} ms"


def split(samples: Samples) -> str:
    """The p95 of the waits for a frame to begin, and of the times without them."""
    rest = [time - wait for time, wait in zip(samples.times, samples.waits, strict=True)]
    return f"waiting for the frame to begin: p95 {p95(samples.waits):.1f} ms; without the wait: p95 {p95(rest):.1f} ms"


if __name__ == "__main__":
    main()
