"""How fast the report page's editor is on a big alignment (issue 14: an edit re-renders in < 100 ms).

    python benchmarks/report_edit_bench.py               # 5,000 links, 15 of each edit
    python benchmarks/report_edit_bench.py --links 10000 --repeat 30

Builds a page with N one-to-one links (synthetic review and translation, 10 sentences a
paragraph, 300 quotes, a small glossary), opens it in headless Chromium (Debian's
/usr/bin/chromium, or $SUBALIGN_CHROMIUM, through Playwright) and times, inside the page,
each edit from its key press to the page updated: ``handler`` is the key's handler (the
operation, the re-render of the changed beads, the toolbar, the saved edits), ``frame``
adds layout and the next painted frame (two requestAnimationFrame callbacks). Also the
page's build time and size, its load, and each export's time. Prints Markdown for
benchmarks/RESULTS.md with the machine line.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine  # noqa: E402

CHROMIUM = os.environ.get("SUBALIGN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

# Press a key in the page and time the handler and the next painted frame.
TIME_KEY = """async ([key, ctrl]) => {
  const ev = new KeyboardEvent("keydown", {key, ctrlKey: ctrl, bubbles: true, cancelable: true});
  const t0 = performance.now();
  document.dispatchEvent(ev);
  void document.body.offsetHeight;
  const t1 = performance.now();
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return [t1 - t0, performance.now() - t0];
}"""
TIME_CLICK = """async (name) => {
  const b = Array.from(document.querySelectorAll("button")).find(b => b.textContent.startsWith(name));
  const t0 = performance.now();
  b.click();
  void document.body.offsetHeight;
  return performance.now() - t0;
}"""


def build(n_links: int):
    from subalign.aligner import formats
    from subalign.quotes.extract import extract_quotes
    from subalign.report.page import build_report
    from subalign.text.documents import document_from_text
    from subalign.types import Alignment, Link

    paras = n_links // 10
    src = document_from_text("\n\n".join(" ".join(f"Worker {p}-{s} said “we want our pay & <more>” at Jinlu Footwear."
                                                   for s in range(10)) for p in range(paras)), lang="en")
    tgt = document_from_text("\n\n".join("".join(f"工人{p}-{s}说“我们要工资&<更多>”，在金路鞋业。" for s in range(10))
                                         for p in range(paras)), lang="zh")
    a = Alignment(src, tgt, [Link((i,), (i,), 0.4 + (i % 7) / 10) for i in range(len(src))], "bench")
    qs = extract_quotes(src)[:300]
    quotes = {"quotes": [{"index": q.index, "quote": q.text, "anchor": formats.anchor_dict(q.anchor),
                          "status": "not_found", "cues": []} for q in qs]}
    t = time.perf_counter()
    html = build_report(a, quotes, [("Jinlu Footwear", "金路鞋业"), ("pay", "工资")])
    return html, time.perf_counter() - t, len(a.links)


def stats(xs: list[float]) -> str:
    return f"{statistics.median(xs):.1f} / {max(xs):.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--links", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright  # lazy: only this benchmark drives a browser

    html, build_s, n = build(args.links)
    with tempfile.TemporaryDirectory() as d, sync_playwright() as pw:
        path = Path(d) / "report.html"
        path.write_text(html, encoding="utf-8")
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True,
                                   accept_downloads=True).new_page()
        t = time.perf_counter()
        page.goto(path.as_uri())
        load_s = time.perf_counter() - t
        rows: dict[str, list[tuple[float, float]]] = {}
        for k in range(args.repeat):
            page.locator("#review .bead").nth(n // 2 + 10 * k).click()  # the current link
            for label, key, ctrl in (("merge with next (m)", "m", False), ("undo (Ctrl+Z)", "z", True),
                                     ("check (a)", "a", False), ("undo (Ctrl+Z)", "z", True),
                                     ("unlink (r)", "r", False), ("undo (Ctrl+Z)", "z", True),
                                     ("redo (Ctrl+Y)", "y", True)):
                rows.setdefault(label, []).append(tuple(page.evaluate(TIME_KEY, [key, ctrl])))
        for _ in range(args.repeat):
            rows.setdefault("no edit (a key with no action: the frame's floor)", []).append(
                tuple(page.evaluate(TIME_KEY, ["x", False])))
        for _ in range(args.repeat):
            rows.setdefault("next weak item (j)", []).append(tuple(page.evaluate(TIME_KEY, ["j", False])))
        splits = []
        for k in range(args.repeat):
            page.locator("#review .bead").nth(n // 4 + 10 * k).click()
            page.evaluate(TIME_KEY, ["m", False])  # a two-sentence link to split
            page.evaluate(TIME_KEY, ["s", False])
            splits.append(page.evaluate(TIME_CLICK, "Apply split"))
        exports = {}
        for label in ("Export TMX", "Export ladder", "Export quotes TSV", "Export corrections"):
            t = time.perf_counter()
            with page.expect_download() as dl:
                page.get_by_role("button", name=label, exact=True).click()
            dl.value.path()
            exports[label] = time.perf_counter() - t
        browser.close()

    print(f"Machine: {machine()}; Chromium {CHROMIUM}\n")
    print(f"Page: {n} links, {len(html.encode()) / 1e6:.2f} MB, built in {build_s:.2f} s, "
          f"loaded (navigation to load event) in {load_s:.2f} s.\n")
    print("| edit on the 5,000-link page | handler ms, median / max | to next frame ms, median / max |")
    print("| --- | --- | --- |")
    for label, xs in rows.items():
        print(f"| {label} | {stats([x[0] for x in xs])} | {stats([x[1] for x in xs])} |")
    print(f"| split (Apply split, after s) | {stats(splits)} | |")
    print("\n| export | wall s (click to file saved) |\n| --- | --- |")
    for label, s in exports.items():
        print(f"| {label} | {s:.2f} |")


if __name__ == "__main__":
    main()
