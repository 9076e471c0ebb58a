"""Fit link confidence on MAC-Dev, leave one chapter out; write the constants.

Reads the table of ``link_features.py`` (one row per output link: features and
the strict gold label), fits a logistic regression on five chapters and
predicts the sixth, for each chapter in turn, and reports the out-of-fold
reliability table (10 equal-width bins), expected calibration error, Brier
score, log loss and AUC. Then fits on all six chapters and, with ``--write``,
rewrites the FITTED block of ``src/subalign/aligner/confidence.py``.

    python benchmarks/link_features.py && python benchmarks/fit_confidence.py --write
    # with lexical evidence (subalign.lexicon) as two more features:
    python benchmarks/link_features.py --lexicon && python benchmarks/fit_confidence.py --set lex --write

scikit-learn comes with sentence-transformers, so it is there wherever
subalign is; the runtime model is a dot product and needs none of it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from machine import machine  # benchmarks/machine.py, beside this script
from subalign.aligner.confidence import FEATURES, link_confidences

HERE = Path(__file__).resolve().parent
TARGET = HERE.parent / "src" / "subalign" / "aligner" / "confidence.py"

# The score's terms, the bead type and the neighbours: what the links and the
# scorer give without the DP's internals.
BASE = ["skip", "tbig", "cos", "margin", "score", "prev_score", "next_score", "near_skip"]
GAP = ["gap_end", "gap_start"]  # the chosen bead's lead over the runner-up at its DP cells
LEX = ["lex_min", "lexical"]  # the lexicon's coverage of the poorer side, and the matched content the score used
SETS = {
    "base": BASE,
    "gap": BASE + GAP,
    "lex": BASE + GAP + LEX,
    "lex2": BASE + GAP + ["lex_src", "lex_tgt", "lexical"],
    "lexq": BASE + GAP + LEX + ["quote_gap"],
    # Every feature link_features makes.
    "all": BASE + GAP + LEX + ["lex_src", "lex_tgt", "quote_gap", "t12", "t21", "length", "gc", "paragraph", "gap_min"],
}
BINS = 10
C = 1.0  # inverse L2 strength on standardised features


def matrix(rows: list[dict], names: list[str]) -> np.ndarray:
    missing = [n for n in names if n not in rows[0]]
    if missing:
        sys.exit(f"the feature table has no {', '.join(missing)}; re-run link_features.py (with --lexicon for lex_*)")
    return np.array([[r[n] for n in names] for r in rows], float)


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Logistic weights on the raw features (standardisation folded in)."""
    mu, sd = x.mean(0), x.std(0)
    sd[sd == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=1000).fit((x - mu) / sd, y)
    w = model.coef_[0] / sd
    return w, float(model.intercept_[0] - w @ mu)


def predict(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x @ w + b, -700, 700)))


def out_of_fold(rows: list[dict], names: list[str]) -> np.ndarray:
    x, y = matrix(rows, names), np.array([r["label"] for r in rows])
    chapters = np.array([r["chapter"] for r in rows])
    p = np.empty(len(y))
    for ch in sorted(set(chapters)):
        held = chapters == ch
        w, b = fit(x[~held], y[~held])
        p[held] = predict(x[held], w, b)
    return p


def reliability(p: np.ndarray, y: np.ndarray) -> tuple[list[tuple[str, float, float, int]], float]:
    """Rows (bin, mean predicted, observed accuracy, count) and the ECE."""
    idx = np.minimum((p * BINS).astype(int), BINS - 1)
    table, ece = [], 0.0
    for k in range(BINS):
        sel = idx == k
        if sel.any():
            table.append((f"{k / BINS:.1f}–{(k + 1) / BINS:.1f}", float(p[sel].mean()), float(y[sel].mean()), int(sel.sum())))
            ece += sel.sum() / len(y) * abs(p[sel].mean() - y[sel].mean())
    return table, float(ece)


def summary(p: np.ndarray, y: np.ndarray) -> dict:
    eps = 1e-12
    _, ece = reliability(p, y)
    return {
        "ece": round(ece, 4),
        "brier": round(float(np.mean((p - y) ** 2)), 4),
        "log_loss": round(float(-np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))), 4),
        "auc": round(float(roc_auc_score(y, p)), 4),
    }


def write_block(names: list[str], w: np.ndarray, b: float, note: str) -> None:
    text = TARGET.read_text(encoding="utf-8")
    block = "\n".join(
        ["# BEGIN FITTED (written by benchmarks/fit_confidence.py --write; do not edit by hand)", f"# {note}",
         "WEIGHTS: dict[str, float] = {"]
        + [f'    "{n}": {v:.6g},' for n, v in zip(names, w)]
        + ["}", f"INTERCEPT: float = {b:.6g}", "# END FITTED"]
    )
    new, count = re.subn(r"# BEGIN FITTED.*?# END FITTED", lambda _: block, text, flags=re.S)
    if count != 1:
        sys.exit(f"{TARGET}: no FITTED block to replace")
    TARGET.write_text(new, encoding="utf-8")
    print(f"wrote {len(names)} weights to {TARGET}")


def check(path: Path) -> None:
    """Mean predicted confidence of the stored model vs. observed accuracy on another table."""
    rows = json.loads(path.read_text(encoding="utf-8"))["rows"]
    y = np.array([r["label"] for r in rows], float)
    p = link_confidences({n: np.array([r[n] for r in rows]) for n in FEATURES})
    print(f"{path.name}: {len(rows)} links, mean confidence {p.mean():.3f}, accuracy {y.mean():.3f}, "
          f"ECE {reliability(p, y)[1]:.3f}")
    for lo, hi in ((0.0, 0.5), (0.5, 0.9), (0.9, 1.01)):
        sel = (p >= lo) & (p < hi)
        if sel.any():
            print(f"  p in [{lo}, {min(hi, 1.0)}): {sel.sum()} links, mean p {p[sel].mean():.3f}, accuracy {y[sel].mean():.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--table", type=Path, default=HERE / "out" / "link_features.json")
    ap.add_argument("--set", choices=sorted(SETS), default="gap", help="feature set (default: gap)")
    ap.add_argument("--compare", action="store_true", help="also report every other feature set and baselines")
    ap.add_argument("--write", action="store_true", help="fit on all chapters and rewrite confidence.py's constants")
    ap.add_argument("--check", type=Path, metavar="TABLE",
                    help="score another table (link_features.py --pair ...) with the stored model instead")
    args = ap.parse_args()
    if args.check:
        check(args.check)
        return
    data = json.loads(args.table.read_text(encoding="utf-8"))
    rows, meta = data["rows"], data["meta"]
    y = np.array([r["label"] for r in rows], float)
    names = SETS[args.set]
    print(f"machine: {machine()}")
    print(f"{len(rows)} links, {len(set(r['chapter'] for r in rows))} chapters, "
          f"strict precision {y.mean():.3f}; model {meta['model']}, max-align {meta['max_align']}")
    if args.compare:
        chapters = np.array([r["chapter"] for r in rows])
        const = np.array([y[chapters != c].mean() for c in chapters])  # training precision, out of fold
        print(f"baseline constant (training precision): {summary(const, y)}")
        for name in SETS:
            if all(n in rows[0] for n in SETS[name]):
                print(f"set {name}: {summary(out_of_fold(rows, SETS[name]), y)}")
    p = out_of_fold(rows, names)
    table, _ = reliability(p, y)
    print(f"\nset {args.set}, out of fold (leave one chapter out): {summary(p, y)}")
    print("| predicted | mean predicted | observed accuracy | links |\n| --- | --- | --- | --- |")
    for rng, mp, acc, n in table:
        print(f"| {rng} | {mp:.3f} | {acc:.3f} | {n} |")
    chapters = np.array([r["chapter"] for r in rows])
    print("\n| held-out chapter | links | observed accuracy | mean predicted | ECE |\n| --- | --- | --- | --- | --- |")
    for ch in sorted(set(chapters)):
        sel = chapters == ch
        print(f"| {ch} | {sel.sum()} | {y[sel].mean():.3f} | {p[sel].mean():.3f} | {reliability(p[sel], y[sel])[1]:.3f} |")
    for thr in (0.5, 0.7, 0.9):
        keep = p >= thr
        print(f"links with p >= {thr}: {keep.mean():.1%} kept, accuracy {y[keep].mean():.3f}; "
              f"dropped accuracy {y[~keep].mean() if (~keep).any() else float('nan'):.3f}")
    w, b = fit(matrix(rows, names), y)
    print("\nall chapters:", ", ".join(f"{n} {v:+.4g}" for n, v in zip(names, w)), f"intercept {b:+.4g}")
    if args.write:
        s = summary(p, y)
        note = (f"Fitted on MAC-Dev (6 chapters, {len(rows)} links of {meta['model']}, max-align {meta['max_align']}); "
                f"leave-one-chapter-out ECE {s['ece']}, AUC {s['auc']} (benchmarks/RESULTS.md, Link confidence).")
        write_block(names, w, b, note)


if __name__ == "__main__":
    main()
