"""Link confidence: the probability that an output link is exactly right.

A bead score is a sum of terms on no common scale (a cosine margin, a length
factor, a Gale-Church cost, lexical evidence, a bonus), so "0.43" means nothing
to a reader. A logistic model over those terms, the bead type, the neighbouring
links and the lead of the chosen bead over the runner-up at its DP cell turns
them into a calibrated probability. The weights are fitted on MAC-Dev with
``benchmarks/fit_confidence.py`` (leave-one-chapter-out for the reported
calibration, then on all six chapters for the constants below); that script
rewrites the block between the FITTED markers.

Everything here is plain arithmetic over numbers the aligner already has: the
score's terms (:meth:`subalign.aligner.scoring.BeadScorer.terms`) and the
runner-up gaps the DP returns with the path
(:func:`subalign.aligner.dp.band_dp_gaps`). :func:`link_features` turns them
into the model's inputs, :func:`link_confidences` applies the weights and
:func:`bead_confidences` does both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from subalign.aligner.scoring import BeadTerms

__all__ = ["FEATURES", "GAP_CAP", "bead_confidences", "link_confidence", "link_confidences", "link_features"]

# Beads as half-open ranges (i0, i1, j0, j1), as band_dp returns them.
Bead = tuple[int, int, int, int]

# A gap larger than this (the chosen bead leads its runner-up by more) adds no
# further certainty; it also keeps one huge lead from dominating the fit.
GAP_CAP = 1.0


def link_features(beads: Sequence[Bead], terms: Sequence[BeadTerms], gaps: np.ndarray) -> dict[str, np.ndarray]:
    """Model inputs per link, by name (every name in :data:`FEATURES` and more).

    ``terms`` are the beads' score terms, ``gaps`` each bead's lead over the
    runner-up at its end cell (``BeadPath.gaps``). Lexical coverage that does
    not exist (no lexicon, a skip, no content words) counts as 0.
    """
    k = len(beads)
    if k == 0:
        return {name: np.zeros(0) for name in (*FEATURES, *EXTRA)}
    a = np.array([i1 - i0 for i0, i1, _, _ in beads], float)
    b = np.array([j1 - j0 for _, _, j0, j1 in beads], float)

    def col(name: str) -> np.ndarray:
        return np.array([float(getattr(t, name)) for t in terms], float)

    skip = (a == 0) | (b == 0)
    full = ~skip
    score = col("score")
    prev_score = np.concatenate([score[:1], score[:-1]])
    next_score = np.concatenate([score[1:], score[-1:]])
    prev_skip = np.concatenate([[False], skip[:-1]])
    next_skip = np.concatenate([skip[1:], [False]])
    gap = np.minimum(np.asarray(gaps, float), GAP_CAP)
    gap_start = np.concatenate([[GAP_CAP], gap[:-1]])  # the previous bead's end is this one's start
    lex_src, lex_tgt = np.nan_to_num(col("lexical_src")), np.nan_to_num(col("lexical_tgt"))
    return {
        "skip": skip.astype(float),
        "t12": (full & (a == 1) & (b == 2)).astype(float),
        "t21": (full & (a == 2) & (b == 1)).astype(float),
        "tbig": (full & (a + b >= 4)).astype(float),
        "cos": col("cosine"),
        "margin": col("margin"),
        "length": col("length"),
        "gc": np.log1p(col("gc")),
        "paragraph": col("paragraph"),
        "score": score,
        "prev_score": prev_score,
        "next_score": next_score,
        "near_skip": (prev_skip | next_skip).astype(float),
        "gap_end": gap,
        "gap_start": gap_start,
        "gap_min": np.minimum(gap, gap_start),
        "lex_src": lex_src,
        "lex_tgt": lex_tgt,
        "lex_min": np.minimum(lex_src, lex_tgt),
        "lexical": col("lexical"),
        "quote_gap": col("quote_gap"),
    }


def bead_confidences(beads: Sequence[Bead], terms: Sequence[BeadTerms], gaps: np.ndarray) -> np.ndarray:
    """The confidence of every chosen bead, from its score terms and runner-up gap."""
    if not beads:
        return np.zeros(0)
    return link_confidences(link_features(beads, terms, gaps))


def link_confidence(features: Mapping[str, float]) -> float:
    """Probability that one link is right, from its features by name."""
    return float(link_confidences({name: np.array([float(features[name])]) for name in WEIGHTS})[0])


def link_confidences(features: Mapping[str, np.ndarray]) -> np.ndarray:
    """:func:`link_confidence` for every link at once."""
    z = INTERCEPT + sum(w * np.asarray(features[name], float) for name, w in WEIGHTS.items())
    return 1.0 / (1.0 + np.exp(-np.clip(z, -700, 700)))


# BEGIN FITTED (written by benchmarks/fit_confidence.py --write; do not edit by hand)
# Fitted on MAC-Dev (6 chapters, 1347 links of use-m3, max-align 5); leave-one-chapter-out ECE 0.0084, AUC 0.8224 (benchmarks/RESULTS.md, Link confidence).
WEIGHTS: dict[str, float] = {
    "skip": -1.2955,
    "tbig": -1.27156,
    "cos": 4.26744,
    "margin": -3.52515,
    "score": 1.10665,
    "prev_score": 0.469398,
    "next_score": 1.27094,
    "near_skip": -1.02555,
    "gap_end": 7.76475,
    "gap_start": -1.31172,
}
INTERCEPT: float = -1.10278
# END FITTED

FEATURES: tuple[str, ...] = tuple(WEIGHTS)
# The other columns link_features makes (candidates for the fit, unused by the stored model).
EXTRA: tuple[str, ...] = tuple(
    n for n in ("skip", "t12", "t21", "tbig", "cos", "margin", "length", "gc", "paragraph", "score", "prev_score",
                "next_score", "near_skip", "gap_end", "gap_start", "gap_min", "lex_src", "lex_tgt", "lex_min",
                "lexical", "quote_gap") if n not in WEIGHTS
)
