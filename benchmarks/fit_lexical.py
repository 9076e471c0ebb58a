"""Fit the aligner's lexical weights on MAC-Dev with leave-one-chapter-out.

For each of the six chapters held out in turn, the weights are chosen on the other
five by grid search on pooled strict F1 and the held-out chapter is aligned with
them; the reported number is the strict F1 of the six held-out alignments pooled
(out of fold). The final weights are then chosen on all six chapters (in sample):
those are the defaults in ``subalign.aligner.scoring.ScoreParams``.

    python benchmarks/fit_lexical.py                      # default grid, use-m3, max-align 5
    python benchmarks/fit_lexical.py --weights 0 0.1 0.2 --quote-penalties 0 0.1

Each chapter is embedded and its sentences prepared once; the band, the learned word
pairs and the sentence pairs' lexical hits are computed once per chapter, so a grid
point costs one DP per chapter. The data is read in place and never copied into the project.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from machine import machine  # benchmarks/machine.py, beside this script
from mac_dev import chapter_docs
from mac_dev import chapters as chapter_names

from subalign.aligner.band import BandPlan, plan_band
from subalign.aligner.core import AlignOptions, align_path, embed_pair
from subalign.aligner.evaluate import Counts, count_links
from subalign.aligner.formats import parse_ladder
from subalign.aligner.lexical import lexical_sides
from subalign.aligner.scoring import ScoreParams
from subalign.encoders import load_encoder
from subalign.lexicon import load
from subalign.types import Link

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "bench" / "mac-dev"
# The grid's axes: ScoreParams fields and the values tried.
DEFAULT_GRID = {
    "lexical_weight": [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5],
    "quote_penalty": [0.0, 0.05, 0.1, 0.15, 0.2],
}


@dataclass
class Chapter:
    name: str
    sw: object
    tw: object
    sides: object
    plan: BandPlan  # the band and the coarse path the document's word pairs are learned from
    gold: list[Link]


def load_chapters(data: Path, options: AlignOptions, use_lexicon: bool = True) -> list[Chapter]:
    encoder = load_encoder("use-m3")
    lex = load()
    chapters = []
    for name in chapter_names(data):
        src, tgt = chapter_docs(data, name)
        sw, tw = embed_pair(src, tgt, encoder, options)
        sides = lexical_sides(src, tgt, lex) if use_lexicon else None
        plan = plan_band(sw, tw, options.band_width)
        gold = parse_ladder((data / "gold" / f"{name}.align").read_text(encoding="utf-8"))
        chapters.append(Chapter(name, sw, tw, sides, plan, gold))
    return chapters


def align_counts(ch: Chapter, options: AlignOptions, params: ScoreParams, lexicon: bool = True) -> Counts:
    """Counts of ``ch`` aligned as the aligner does (core.align_path), reusing its band plan."""
    path = align_path(ch.sw, ch.tw, replace(options, score=params), ch.sides if lexicon else None, plan=ch.plan)
    links = [Link(tuple(range(i0, i1)), tuple(range(j0, j1))) for i0, i1, j0, j1 in path.beads]
    return count_links(ch.gold, links)


def pooled(counts: list[Counts]) -> Counts:
    total = Counts()
    for c in counts:
        total = total + c
    return total


def run_grid(chapters: list[Chapter], options: AlignOptions, base: ScoreParams, grid: dict[str, list[float]]):
    """counts[point][chapter] for every grid point (a tuple of values in the grid's key order)."""
    keys = list(grid)
    table = {}
    for values in itertools.product(*(grid[k] for k in keys)):
        params = replace(base, **dict(zip(keys, values)))
        table[values] = [align_counts(ch, options, params) for ch in chapters]
    return keys, table


def best_point(table, use: list[int]):
    """The grid point with the best pooled strict F1 on chapters ``use`` (first of equals, in grid order)."""
    return max(table, key=lambda p: pooled([table[p][c] for c in use]).scores().strict_f1)


def loco(table, n: int) -> tuple[list, list[Counts]]:
    """For each held-out chapter: the point chosen on the others, and the held-out counts at it."""
    points, held = [], []
    for k in range(n):
        point = best_point(table, [c for c in range(n) if c != k])
        points.append(point)
        held.append(table[point][k])
    return points, held


def fmt(s) -> str:
    return f"{s.strict_p:.3f} / {s.strict_r:.3f} / **{s.strict_f1:.3f}** | {s.lax_p:.3f} / {s.lax_r:.3f} / {s.lax_f1:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--max-align", type=int, default=5)
    ap.add_argument("--weights", dest="lexical_weight", type=float, nargs="+", default=DEFAULT_GRID["lexical_weight"])
    ap.add_argument("--quote-penalties", dest="quote_penalty", type=float, nargs="+", default=DEFAULT_GRID["quote_penalty"])
    ap.add_argument("--no-ablation", action="store_true", help="skip the grid without learned pairs")
    ap.add_argument("--json", type=Path, help="also write the grid's per-chapter strict F1 here")
    args = ap.parse_args()
    if not (args.data / "gold").is_dir():
        sys.exit(f"MAC-Dev not found at {args.data} (expected zh/, en/, gold/)")
    grid = {k: getattr(args, k) for k in DEFAULT_GRID}
    print(f"machine: {machine()}")
    base = ScoreParams()
    options = AlignOptions(max_align=args.max_align, score=base)
    t, c = time.perf_counter(), time.process_time()
    chapters = load_chapters(args.data, options)
    print(f"embed + prepare + band: {time.perf_counter() - t:.1f} s ({time.process_time() - c:.1f} s CPU)")
    t, c = time.perf_counter(), time.process_time()
    keys, table = run_grid(chapters, options, base, grid)
    print(f"grid of {len(table)} points x {len(chapters)} chapters: {time.perf_counter() - t:.1f} s ({time.process_time() - c:.1f} s CPU)")
    names, n = [ch.name for ch in chapters], len(chapters)
    baseline = [align_counts(ch, options, base, lexicon=False) for ch in chapters]
    print("\n| held out | weights chosen on the other 5 | F1 on the 5 | held-out strict F1 without → with lexicon |")
    print("| --- | --- | --- | --- |")
    points, oof = loco(table, n)
    for k, name in enumerate(names):
        chosen = ", ".join(f"{key}={v:g}" for key, v in zip(keys, points[k]))
        rest_f1 = pooled([table[points[k]][c] for c in range(n) if c != k]).scores().strict_f1
        print(f"| {name} | {chosen} | {rest_f1:.3f} | {baseline[k].scores().strict_f1:.3f} → {oof[k].scores().strict_f1:.3f} |")
    final = best_point(table, list(range(n)))
    print("\n| run | strict P / R / F1 | lax P / R / F1 |")
    print("| --- | --- | --- |")
    print(f"| without lexicon (in sample: its weights were tuned on MAC-Dev) | {fmt(pooled(baseline).scores())} |")
    print(f"| with lexicon, **out of fold** (LOCO, pooled) | {fmt(pooled(oof).scores())} |")
    chosen = ", ".join(f"{key}={v:g}" for key, v in zip(keys, final))
    print(f"| with lexicon, in sample (final weights {chosen}) | {fmt(pooled(table[final]).scores())} |")
    # Ablations, each out of fold over its own part of a grid.
    variants = {
        "quotes only (lexical_weight 0)": {p: v for p, v in table.items() if p[0] == 0},
        "lexicon + learned pairs, no quotes": {p: v for p, v in table.items() if p[1] == 0},
    }
    if not args.no_ablation:
        _, plain = run_grid(chapters, replace(options, learn_pairs=False), base, grid)
        variants["lexicon without learned pairs, no quotes"] = {p: v for p, v in plain.items() if p[1] == 0}
        variants["lexicon without learned pairs, with quotes"] = plain
    print("\n| variant (out of fold) | strict P / R / F1 | lax P / R / F1 |")
    print("| --- | --- | --- |")
    for label, sub in variants.items():
        if sub:
            print(f"| {label} | {fmt(pooled(loco(sub, n)[1]).scores())} |")
    if args.json:
        rows = [{"point": dict(zip(keys, p)), "strict_f1": [c.scores().strict_f1 for c in counts],
                 "pooled": pooled(counts).scores().strict_f1} for p, counts in table.items()]
        args.json.write_text(json.dumps({"chapters": names, "grid": rows}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
