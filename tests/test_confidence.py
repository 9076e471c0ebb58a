"""Tests for subalign.aligner.confidence: score terms, runner-up gaps, the fitted model."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from subalign.aligner.confidence import FEATURES, GAP_CAP, bead_confidences, link_confidence, link_confidences, link_features
from subalign.aligner.dp import band_dp, band_dp_gaps
from subalign.aligner.scoring import BeadScorer, BeadTerms, ScoreParams, Windows
from subalign.aligner.windows import mean_windows, normalise

TYPES = [(1, 0), (0, 1), (1, 1), (1, 2), (2, 1)]


def windows(vectors: np.ndarray, lens: list[float], kmax: int = 2) -> Windows:
    return Windows(mean_windows(normalise(vectors), np.asarray(lens, float), kmax), np.asarray(lens, float))


def features(**over: float) -> dict[str, float]:
    """A plain, clearly right 1-1 link; ``over`` changes some of its features."""
    base = dict(skip=0.0, t12=0.0, t21=0.0, tbig=0.0, cos=0.7, margin=0.45, length=0.95, gc=0.5, score=0.5,
                prev_score=0.5, next_score=0.5, near_skip=0.0, gap_end=1.0, gap_start=1.0, gap_min=1.0,
                src_short=3.0, tgt_short=3.5)
    base.update(over)
    return base


# --------------------------------------------------------------------------- gaps


def test_gap_of_a_one_one_bead_over_two_skips_is_known():
    # 1 x 1 lattice: the 1-1 bead scores 0.5; the runner-up into (1, 1) is a
    # deletion then an insertion (or the reverse), -0.1 - 0.1 = -0.2.
    def score(i, a, b, js):
        return np.full(len(js), 0.5 if (a, b) == (1, 1) else -0.1)

    beads, gaps = band_dp_gaps(1, 1, np.zeros(2, np.int64), np.ones(2, np.int64), TYPES, score)
    assert beads == [(0, 1, 0, 1)]
    assert gaps[0] == pytest.approx(0.7)


def test_gaps_match_brute_force_over_every_path():
    rng = np.random.default_rng(3)
    n, m = 4, 5
    table = rng.standard_normal((n + 1, 3, 3, m + 1))

    def score(i, a, b, js):
        return table[i, a, b, np.asarray(js)]

    lo, hi = np.zeros(n + 1, np.int64), np.full(n + 1, m, np.int64)
    beads, gaps = band_dp_gaps(n, m, lo, hi, TYPES, score)
    assert beads == band_dp(n, m, lo, hi, TYPES, score)

    def paths_to(i, j):
        if (i, j) == (0, 0):
            yield []
            return
        for a, b in TYPES:
            if i >= a and j >= b:
                for p in paths_to(i - a, j - b):
                    yield p + [(i - a, i, j - b, j)]

    def total(path):
        return sum(float(score(i1, i1 - i0, j1 - j0, [j1])[0]) for i0, i1, j0, j1 in path)

    for bead, gap in zip(beads, gaps):
        _, i1, _, j1 = bead
        paths = list(paths_to(i1, j1))
        best = max(total(p) for p in paths)
        # The runner-up: the best path into the cell whose last bead has another type.
        others = [total(p) for p in paths if (p[-1][1] - p[-1][0], p[-1][3] - p[-1][2]) != (bead[1] - bead[0], bead[3] - bead[2])]
        assert gap == (pytest.approx(best - max(others)) if others else math.inf)
        assert gap >= 0


def test_gaps_in_a_band_match_brute_force_with_insertion_chains():
    # Insertions chain within a row (closed form in the DP): check the runner-up there too.
    rng = np.random.default_rng(11)
    n, m = 3, 7
    table = rng.standard_normal((n + 1, 3, 3, m + 1))
    table[:, 0, 1, :] = 0.3  # insertions attractive, so chains win some cells

    def score(i, a, b, js):
        return table[i, a, b, np.asarray(js)]

    lo, hi = np.zeros(n + 1, np.int64), np.full(n + 1, m, np.int64)
    beads, gaps = band_dp_gaps(n, m, lo, hi, TYPES, score)
    assert any(b == (0, 1) for b in [(i1 - i0, j1 - j0) for i0, i1, j0, j1 in beads])

    def best_into(i, j, last=None):
        """Best path score into (i, j), optionally only through a last bead of type ``last``."""
        if (i, j) == (0, 0):
            return 0.0 if last is None else -math.inf
        out = -math.inf
        for a, b in TYPES:
            if i >= a and j >= b and (last is None or (a, b) == last):
                out = max(out, best_into(i - a, j - b) + float(score(i, a, b, [j])[0]))
        return out

    for (i0, i1, j0, j1), gap in zip(beads, gaps):
        kind = (i1 - i0, j1 - j0)
        others = [best_into(i1, j1, t) for t in TYPES if t != kind]
        runner = max(others)
        assert gap == (pytest.approx(best_into(i1, j1) - runner) if runner > -math.inf else math.inf)


# --------------------------------------------------------------------------- features


def test_link_features_cover_the_model():
    beads = [(0, 1, 0, 1), (1, 3, 1, 2), (3, 3, 2, 3), (3, 4, 3, 4)]
    terms = [
        BeadTerms(cosine=0.8, margin=0.5, length=0.9, gc=0.01, lexical_src=0.5, lexical_tgt=0.25, lexical=0.4, score=0.6),
        BeadTerms(cosine=0.6, margin=0.3, score=0.3, paragraph=True),
        BeadTerms(score=-0.1),
        BeadTerms(cosine=0.7, margin=0.4, score=0.5, quote_gap=1.0),
    ]
    feats = link_features(beads, terms, np.array([0.3, np.inf, 2.0, 0.1]))
    assert set(FEATURES) <= set(feats)
    assert all(len(v) == 4 for v in feats.values())
    assert list(feats["gap_end"]) == [0.3, GAP_CAP, GAP_CAP, 0.1]
    assert list(feats["gap_start"]) == [GAP_CAP, 0.3, GAP_CAP, GAP_CAP]
    assert list(feats["skip"]) == [0, 0, 1, 0] and list(feats["t21"]) == [0, 1, 0, 0]
    assert list(feats["near_skip"]) == [0, 1, 0, 1]
    assert feats["prev_score"][0] == feats["score"][0] and feats["next_score"][-1] == feats["score"][-1]
    assert feats["prev_score"][1] == 0.6 and feats["next_score"][1] == -0.1
    assert list(feats["lex_min"]) == [0.25, 0.0, 0.0, 0.0]  # no coverage (NaN) counts as none
    assert list(feats["paragraph"]) == [0, 1, 0, 0] and list(feats["quote_gap"]) == [0, 0, 0, 1]
    empty = link_features([], [], np.zeros(0))
    assert set(FEATURES) <= set(empty) and all(len(v) == 0 for v in empty.values())


# --------------------------------------------------------------------------- the model


def test_confidence_is_a_probability_even_for_wild_inputs():
    for value in (-1e9, -5.0, 0.0, 5.0, 1e9):
        p = link_confidence({name: value for name in FEATURES})
        assert 0.0 <= p <= 1.0 and not math.isnan(p)
    row = features()
    assert link_confidences({k: np.array([v]) for k, v in row.items()})[0] == pytest.approx(link_confidence(row))


def test_confidence_rises_with_similarity_and_with_the_lead_over_the_runner_up():
    sims = [link_confidence(features(cos=c, margin=c - 0.25, score=c - 0.2)) for c in np.linspace(0.1, 0.9, 9)]
    assert all(b > a for a, b in itertools.pairwise(sims))
    leads = [link_confidence(features(gap_end=g)) for g in np.linspace(0.0, GAP_CAP, 6)]
    assert all(b > a for a, b in itertools.pairwise(leads))


def test_known_links_land_where_they_should():
    assert link_confidence(features()) > 0.9  # clear 1-1, far ahead of any other boundary
    ambiguous = features(cos=0.35, margin=0.05, score=0.05, prev_score=0.1, next_score=0.0, gap_end=0.01)
    assert link_confidence(ambiguous) < 0.5
    lonely_skip = features(skip=1.0, cos=0.0, margin=0.0, length=0.0, score=-0.1, near_skip=1.0, gap_end=0.05)
    assert link_confidence(lonely_skip) < 0.3


def test_a_closer_translation_gets_a_higher_confidence():
    rng = np.random.default_rng(5)
    n = 8
    base = rng.standard_normal((n, 32))
    noisy = base + 0.9 * rng.standard_normal((n, 32))
    lens = [30.0] * n
    src = windows(base, lens)
    beads = [(k, k + 1, k, k + 1) for k in range(n)]
    lo, hi = np.zeros(n + 1, np.int64), np.full(n + 1, n, np.int64)

    def conf(tgt_vectors):
        scorer = BeadScorer(src, windows(tgt_vectors, lens), ScoreParams())
        path, gaps = band_dp_gaps(n, n, lo, hi, TYPES, scorer)
        assert path == beads
        return bead_confidences(beads, [scorer.terms(*bead) for bead in beads], gaps)

    far = conf(noisy)
    closer = noisy.copy()
    closer[4] = base[4] + 0.1 * rng.standard_normal(32)
    near = conf(closer)
    assert near[4] > far[4]
    assert np.all((far >= 0) & (far <= 1))
