"""Can the bead score's weights be fitted better? Leave one chapter out on MAC-Dev.

The bead score is a hand-weighted sum (``ScoreParams``: margin, length factor,
Gale-Church weight, skip cost, bead bonus). This script searches those weights,
plus two knobs the scorer does not have yet (a partial margin: subtract only a
share ``margin_share`` of the neighbours' cosine; an extra bonus per bead type),
by coordinate ascent on strict F1 of five chapters, and scores the sixth with
the weights found; each chapter is held out once, so the total is out of fold.

    python benchmarks/fit_score.py                     # prints per-fold weights and the out-of-fold F1

Embeddings come from link_features.py's cache (benchmarks/out/windows/); the
band is the aligner's own (its coarse pass does not depend on these weights).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from threadpoolctl import threadpool_limits

from link_features import DEFAULT_DATA, chapter_windows, chapters, gold_beads  # beside this script
from machine import machine
from subalign.aligner.band import coarse_path
from subalign.aligner.core import AlignOptions
from subalign.aligner.dp import band_around, band_dp
from subalign.aligner.scoring import BeadScorer, ScoreParams

HERE = Path(__file__).resolve().parent

# Knob -> the values coordinate ascent may move it to.
GRID = {
    "margin_share": [0.5, 0.75, 0.9, 1.0, 1.1, 1.25],
    "length_weight": [0.0, 0.5, 1.0, 1.5, 2.0],
    "gc_weight": [0.0, 0.001, 0.002, 0.003, 0.004, 0.006],
    "skip": [-0.3, -0.2, -0.15, -0.1, -0.05],
    "bead_bonus": [0.04, 0.06, 0.08, 0.1, 0.12, 0.15],
    "bonus_3": [-0.04, -0.02, 0.0, 0.02, 0.04],  # extra for 1-2 and 2-1 beads
    "bonus_big": [-0.06, -0.03, 0.0, 0.03, 0.06],  # extra for beads of 4+ sentences
}
DEFAULT = {"margin_share": 1.0, "length_weight": 1.0, "gc_weight": 0.002, "skip": -0.1, "bead_bonus": 0.1,
           "bonus_3": 0.0, "bonus_big": 0.0}


@dataclass
class Counts:
    """Strict counts, summed over chapters (Vecalign's definitions, as subalign eval)."""
    hit_p: int = 0
    n_test: int = 0
    hit_r: int = 0
    n_gold: int = 0

    def __add__(self, o: Counts) -> Counts:
        return Counts(self.hit_p + o.hit_p, self.n_test + o.n_test, self.hit_r + o.hit_r, self.n_gold + o.n_gold)

    def f1(self) -> float:
        p, r = self.hit_p / max(self.n_test, 1), self.hit_r / max(self.n_gold, 1)
        return 2 * p * r / (p + r) if p + r else 0.0


def strict_counts(gold: set, beads: list[tuple[int, int, int, int]]) -> Counts:
    test = {(tuple(range(i0, i1)), tuple(range(j0, j1))) for i0, i1, j0, j1 in beads}
    g_full = {b for b in gold if b[0] and b[1]}
    t_full = {b for b in test if b[0] and b[1]}
    return Counts(len(test & gold), len(test), len(t_full & g_full), len(g_full))


class Chapter:
    """One chapter's windows, band and gold, aligned under any knob setting."""

    def __init__(self, data: Path, name: str, options):
        _, _, self.sw, self.tw = chapter_windows(data, name, "use-m3", options)
        self.types = options.bead_types()
        pairs = (self.sw.emb[2], self.tw.emb[2])
        path = coarse_path(self.sw.emb[1], self.tw.emb[1], self.sw.lens, self.tw.lens, pairs)
        self.lo, self.hi = band_around(path, self.sw.n, self.tw.n, options.band_width)
        self.gold = gold_beads(data, name)

    def counts(self, knobs: dict) -> Counts:
        p = ScoreParams(length_weight=knobs["length_weight"], gc_weight=knobs["gc_weight"], skip=knobs["skip"],
                        bead_bonus=knobs["bead_bonus"])
        with_margin = BeadScorer(self.sw, self.tw, p)
        no_margin = BeadScorer(self.sw, self.tw, replace(p, margin=False))
        share, b3, big = knobs["margin_share"], knobs["bonus_3"], knobs["bonus_big"]

        def score(i, a, b, js):
            s = with_margin(i, a, b, js)
            if a and b:
                if share != 1.0:
                    s = s + (1.0 - share) * (no_margin(i, a, b, js) - s)
                s = s + (b3 if a + b == 3 else big if a + b >= 4 else 0.0)
            return s

        return strict_counts(self.gold, band_dp(self.sw.n, self.tw.n, self.lo, self.hi, self.types, score))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--knobs", nargs="+", default=list(GRID), choices=list(GRID))
    ap.add_argument("--out", type=Path, default=HERE / "out" / "fit_score.json")
    args = ap.parse_args()
    print(f"machine: {machine()}")
    names = chapters(args.data)
    by_name = {n: Chapter(args.data, n, AlignOptions()) for n in names}
    memo: dict[tuple, dict[str, Counts]] = {}

    def per_chapter(knobs: dict) -> dict[str, Counts]:
        key = tuple(sorted(knobs.items()))
        if key not in memo:
            memo[key] = {n: c.counts(knobs) for n, c in by_name.items()}
        return memo[key]

    def f1(knobs: dict, on: list[str]) -> float:
        res = per_chapter(knobs)
        return sum((res[n] for n in on), Counts()).f1()

    def ascend(on: list[str]) -> dict:
        """Coordinate ascent from the defaults; ties keep the current value."""
        best = dict(DEFAULT)
        best_f1 = f1(best, on)
        for _ in range(args.rounds):
            moved = False
            for knob in args.knobs:
                for v in GRID[knob]:
                    cand = dict(best, **{knob: v})
                    score = f1(cand, on)
                    if score > best_f1 + 1e-9:
                        best, best_f1, moved = cand, score, True
            if not moved:
                break
        return best

    t = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):
        base = sum(per_chapter(DEFAULT).values(), Counts())
        print(f"defaults, all chapters: strict F1 {base.f1():.4f}", flush=True)
        oof, folds = Counts(), []
        for held in names:
            train = [n for n in names if n != held]
            knobs = ascend(train)
            got, was = per_chapter(knobs)[held], per_chapter(DEFAULT)[held]
            oof = oof + got
            changed = {k: v for k, v in knobs.items() if v != DEFAULT[k]}
            folds.append({"held_out": held, "knobs": changed, "train_f1": round(f1(knobs, train), 4),
                          "held_f1": round(got.f1(), 4), "held_f1_defaults": round(was.f1(), 4)})
            print(json.dumps(folds[-1]), flush=True)
        every = ascend(names)
    print(f"out of fold strict F1 {oof.f1():.4f} (defaults {base.f1():.4f}); "
          f"in-sample on all six: {f1(every, names):.4f} with {every}; "
          f"{len(memo)} settings in {time.perf_counter() - t:.0f} s")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"folds": folds, "oof_f1": oof.f1(), "default_f1": base.f1(), "all": every}),
                        encoding="utf-8")


if __name__ == "__main__":
    main()
