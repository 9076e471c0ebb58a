"""Link confidence: the probability that an output link is exactly right.

A bead score is a sum of terms on no common scale (a cosine margin, a length
factor, a Gale-Church cost, a bonus), so "0.43" means nothing to a reader. A
logistic model over those terms, the bead type, the neighbouring links and the
lead of the chosen bead over the runner-up at its DP cell turns them into a
calibrated probability. The weights are fitted on MAC-Dev with
``benchmarks/fit_confidence.py`` (leave-one-chapter-out for the reported
calibration, then on all six chapters for the constants below); that script
rewrites the block between the FITTED markers.

Everything here is plain arithmetic over numbers the aligner already has:
:func:`bead_terms` re-derives the score's terms from the window embeddings with
the public :class:`~subalign.aligner.scoring.BeadScorer`, :func:`end_cell_gaps`
reads the runner-up from the DP's forward table, :func:`link_features` turns
both (plus optional extra columns, e.g. lexical coverage) into the model's
inputs, :func:`link_confidence` applies the weights and
:func:`bead_confidences` does all of it for one alignment.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from subalign.aligner.dp import NEG
from subalign.aligner.scoring import BeadScorer, ScoreParams, Windows

__all__ = [
    "BeadTerms", "FEATURES", "bead_confidences", "bead_terms", "end_cell_gaps",
    "link_features", "link_confidence", "link_confidences",
]

# Beads as half-open ranges (i0, i1, j0, j1), as band_dp returns them.
Bead = tuple[int, int, int, int]

# A gap larger than this (the chosen bead leads its runner-up by more) adds no
# further certainty; it also keeps one huge lead from dominating the fit.
GAP_CAP = 1.0


@dataclass(frozen=True)
class BeadTerms:
    """The parts of one bead's score, per bead, as arrays of equal length."""

    a: np.ndarray  # source sentences in the bead
    b: np.ndarray  # target sentences in the bead
    cos: np.ndarray  # cosine of the two windows (0 for 1-0 / 0-1)
    margin: np.ndarray  # cosine minus the neighbours' mean cosine
    length: np.ndarray  # log2(1 + shorter / longer), lengths in target units
    gc: np.ndarray  # Gale-Church cost (lt - ls)^2 / (lt + ls + 1), unweighted
    score: np.ndarray  # the bead's score in the DP, all terms included
    src_min_len: np.ndarray  # shortest source sentence in the bead (characters)
    tgt_min_len: np.ndarray  # shortest target sentence in the bead (characters)


def bead_terms(src: Windows, tgt: Windows, params: ScoreParams, beads: Sequence[Bead]) -> BeadTerms:
    """The score terms of each bead, re-derived with the scorer the aligner used."""
    full = BeadScorer(src, tgt, params)
    bare = replace(params, margin=False, length_weight=0.0, gc_weight=0.0, bead_bonus=0.0, paragraph_penalty=0.0)
    plain = BeadScorer(src, tgt, bare)
    marg = BeadScorer(src, tgt, replace(bare, margin=True))
    k = len(beads)
    out = {name: np.zeros(k) for name in ("a", "b", "cos", "margin", "length", "gc", "score", "src_min_len", "tgt_min_len")}
    for n, (i0, i1, j0, j1) in enumerate(beads):
        a, b, js = i1 - i0, j1 - j0, np.array([j1])
        out["a"][n], out["b"][n] = a, b
        out["score"][n] = full(i1, a, b, js)[0]
        out["src_min_len"][n] = src.lens[i0:i1].min() if a else 0.0
        out["tgt_min_len"][n] = tgt.lens[j0:j1].min() if b else 0.0
        if a and b:
            out["cos"][n] = plain(i1, a, b, js)[0]
            out["margin"][n] = marg(i1, a, b, js)[0]
            ls, lt = full.cs[i1] - full.cs[i0], full.ct[j1] - full.ct[j0]
            out["length"][n] = math.log2(1 + min(ls, lt) / max(ls, lt, 1e-9))
            out["gc"][n] = (lt - ls) ** 2 / (lt + ls + 1.0)
    return BeadTerms(**out)


def end_cell_gaps(
    rows: Sequence[np.ndarray],
    lo: np.ndarray,
    bead_types: Sequence[tuple[int, int]],
    score_fn: Callable[[int, int, int, np.ndarray], np.ndarray],
    beads: Sequence[Bead],
) -> np.ndarray:
    """How far each chosen bead led the runner-up at the DP cell it ends in.

    ``rows[i][j - lo[i]]`` is the DP's best path score into cell (i, j) (the
    forward table of :func:`subalign.aligner.dp.band_dp`); the runner-up is the
    best path into the bead's end cell through any other bead type. A small gap
    means the DP nearly chose another boundary there. ``inf`` when no other
    bead type can reach the cell.
    """

    def at(i: int, j: int) -> float:
        row = rows[i]
        return float(row[j - lo[i]]) if 0 <= j - lo[i] < len(row) else NEG

    gaps = np.empty(len(beads))
    for k, (i0, i1, j0, j1) in enumerate(beads):
        other = NEG
        for a, b in bead_types:
            if (a, b) == (i1 - i0, j1 - j0) or i1 < a or j1 < b:
                continue
            prev = at(i1 - a, j1 - b)
            if prev > NEG / 2:
                other = max(other, prev + float(score_fn(i1, a, b, np.array([j1]))[0]))
        gaps[k] = at(i1, j1) - other if other > NEG / 2 else np.inf
    return gaps


def link_features(
    terms: BeadTerms, gaps: np.ndarray, extra: Mapping[str, np.ndarray] | None = None
) -> dict[str, np.ndarray]:
    """Model inputs per link, by name (every name in :data:`FEATURES` and more).

    ``gaps`` come from :func:`end_cell_gaps`; ``extra`` columns (e.g.
    ``lex_src``/``lex_tgt``, lexical coverage) are passed through by name.
    """
    a, b = terms.a, terms.b
    if len(a) == 0:
        return {name: np.zeros(0) for name in (*FEATURES, *(extra or {}))}
    skip = (a == 0) | (b == 0)
    full = ~skip
    score = terms.score
    prev_score = np.concatenate([[np.nan], score[:-1]])
    next_score = np.concatenate([score[1:], [np.nan]])
    prev_skip = np.concatenate([[False], skip[:-1]])
    next_skip = np.concatenate([skip[1:], [False]])
    gap = np.minimum(np.asarray(gaps, float), GAP_CAP)
    gap_start = np.concatenate([[GAP_CAP], gap[:-1]])  # the previous bead's end is this one's start
    feats = {
        "skip": skip.astype(float),
        "t12": (full & (a == 1) & (b == 2)).astype(float),
        "t21": (full & (a == 2) & (b == 1)).astype(float),
        "tbig": (full & (a + b >= 4)).astype(float),
        "cos": terms.cos,
        "margin": terms.margin,
        "length": terms.length,
        "gc": np.log1p(terms.gc),
        "score": score,
        "prev_score": np.where(np.isnan(prev_score), score, prev_score),
        "next_score": np.where(np.isnan(next_score), score, next_score),
        "near_skip": (prev_skip | next_skip).astype(float),
        "gap_end": gap,
        "gap_start": gap_start,
        "gap_min": np.minimum(gap, gap_start),
        "src_short": np.log1p(terms.src_min_len),
        "tgt_short": np.log1p(terms.tgt_min_len),
    }
    for name, col in (extra or {}).items():
        feats[name] = np.asarray(col, float)
    return feats


def bead_confidences(
    src: Windows,
    tgt: Windows,
    params: ScoreParams,
    bead_types: Sequence[tuple[int, int]],
    beads: Sequence[Bead],
    rows: Sequence[np.ndarray],
    lo: np.ndarray,
    extra: Mapping[str, np.ndarray] | None = None,
) -> np.ndarray:
    """The confidence of every chosen bead, from what the aligner had: its
    windows, score parameters and bead types, the path, and the DP's forward
    rows and band (``rows``/``lo``, see :func:`end_cell_gaps`)."""
    if not beads:
        return np.zeros(0)
    terms = bead_terms(src, tgt, params, beads)
    gaps = end_cell_gaps(rows, lo, bead_types, BeadScorer(src, tgt, params), beads)
    return link_confidences(link_features(terms, gaps, extra))


def link_confidence(features: Mapping[str, float]) -> float:
    """Probability that one link is right, from its features by name."""
    z = INTERCEPT + sum(w * float(features[name]) for name, w in WEIGHTS.items())
    return 1.0 / (1.0 + math.exp(-min(max(z, -700.0), 700.0)))


def link_confidences(features: Mapping[str, np.ndarray]) -> np.ndarray:
    """:func:`link_confidence` for every link at once."""
    z = INTERCEPT + sum(w * np.asarray(features[name], float) for name, w in WEIGHTS.items())
    return 1.0 / (1.0 + np.exp(-np.clip(z, -700, 700)))


# BEGIN FITTED (written by benchmarks/fit_confidence.py --write; do not edit by hand)
# Fitted on MAC-Dev (6 chapters, 1373 links of use-m3, max-align 5); leave-one-chapter-out ECE 0.012, AUC 0.8217 (benchmarks/RESULTS.md, Link confidence).
WEIGHTS: dict[str, float] = {
    "skip": -1.69981,
    "tbig": -0.568104,
    "cos": 2.3599,
    "margin": -0.0539253,
    "score": 0.793807,
    "prev_score": 0.532052,
    "next_score": 2.64757,
    "near_skip": -1.22496,
    "gap_end": 6.91856,
    "gap_start": -1.18918,
}
INTERCEPT: float = -1.46377
# END FITTED

FEATURES: tuple[str, ...] = tuple(WEIGHTS)
