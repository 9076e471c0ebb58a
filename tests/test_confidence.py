"""Tests for subalign.aligner.confidence: score terms, runner-up gaps, the fitted model."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from subalign.aligner.confidence import (
    FEATURES,
    GAP_CAP,
    bead_confidences,
    bead_terms,
    end_cell_gaps,
    link_confidence,
    link_confidences,
    link_features,
)
from subalign.aligner.dp import NEG, band_dp
from subalign.aligner.scoring import BeadScorer, ScoreParams, Windows
from subalign.aligner.windows import mean_windows, normalise

TYPES = [(1, 0), (0, 1), (1, 1), (1, 2), (2, 1)]


def windows(vectors: np.ndarray, lens: list[float], kmax: int = 2) -> Windows:
    return Windows(mean_windows(normalise(vectors), np.asarray(lens, float), kmax), np.asarray(lens, float))


def parallel(rng: np.random.Generator, n: int, noise: float) -> tuple[Windows, Windows]:
    base = rng.standard_normal((n, 32))
    tgt = base + noise * rng.standard_normal((n, 32))
    lens = list(rng.integers(20, 60, n).astype(float))
    return windows(base, lens), windows(tgt, lens)


def forward(n: int, m: int, types, score_fn) -> list[np.ndarray]:
    """The full-lattice forward table by the plain recurrence (no band, no tricks)."""
    f = np.full((n + 1, m + 1), NEG)
    f[0, 0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            for a, b in types:
                if i >= a and j >= b and (a, b) != (0, 0) and f[i - a, j - b] > NEG / 2:
                    f[i, j] = max(f[i, j], f[i - a, j - b] + float(score_fn(i, a, b, np.array([j]))[0]))
    return list(f)


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

    rows = forward(1, 1, TYPES, score)
    gaps = end_cell_gaps(rows, np.zeros(2, np.int64), TYPES, score, [(0, 1, 0, 1)])
    assert gaps[0] == pytest.approx(0.7)


def test_gaps_match_brute_force_over_every_path():
    rng = np.random.default_rng(3)
    n, m = 4, 5
    table = rng.standard_normal((n + 1, 3, 3, m + 1))

    def score(i, a, b, js):
        return table[i, a, b, np.asarray(js)]

    lo, hi = np.zeros(n + 1, np.int64), np.full(n + 1, m, np.int64)
    beads = band_dp(n, m, lo, hi, TYPES, score)
    gaps = end_cell_gaps(forward(n, m, TYPES, score), lo, TYPES, score, beads)

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
        others = [total(p) for p in paths if p[-1] != bead]
        assert gap == (pytest.approx(best - max(others)) if others else math.inf)
        assert gap >= 0


# --------------------------------------------------------------------------- terms


def test_bead_terms_re_derive_the_scorer():
    src, tgt = parallel(np.random.default_rng(0), 6, 0.3)
    params = ScoreParams()
    beads = [(0, 1, 0, 1), (1, 3, 1, 2), (3, 3, 2, 3), (3, 4, 3, 4), (4, 5, 4, 4), (5, 6, 4, 6)]
    terms = bead_terms(src, tgt, params, beads)
    scorer = BeadScorer(src, tgt, params)
    for k, (i0, i1, j0, j1) in enumerate(beads):
        assert terms.score[k] == pytest.approx(scorer(i1, i1 - i0, j1 - j0, np.array([j1]))[0])
    assert terms.cos[0] == pytest.approx(float(src.emb[1][0] @ tgt.emb[1][0]), abs=1e-6)
    assert terms.cos[1] == pytest.approx(float(src.emb[2][1] @ tgt.emb[1][1]), abs=1e-6)
    assert terms.cos[2] == terms.margin[2] == terms.length[2] == 0.0  # 0-1 bead
    # Margin of an inner 1-1 bead: its cosine minus the mean cosine with the four neighbours.
    sv, tv, e1s, e1t = src.emb[1][3], tgt.emb[1][3], src.emb[1], tgt.emb[1]
    neighbours = (e1t[2] @ sv + e1t[4] @ sv + e1s[2] @ tv + e1s[4] @ tv) / 4
    assert terms.margin[3] == pytest.approx(terms.cos[3] - neighbours, abs=1e-6)
    assert list(terms.a) == [1, 2, 0, 1, 1, 1] and list(terms.b) == [1, 1, 1, 1, 0, 2]
    # Equal lengths: shorter/longer = 1, log2(2) = 1, no Gale-Church cost.
    same = bead_terms(windows(np.eye(3), [10, 10, 10]), windows(np.eye(3), [10, 10, 10]), params, [(0, 1, 0, 1)])
    assert same.length[0] == pytest.approx(1.0) and same.gc[0] == pytest.approx(0.0)


def test_link_features_cover_the_model_and_pass_extra_columns():
    src, tgt = parallel(np.random.default_rng(1), 4, 0.2)
    beads = [(0, 1, 0, 1), (1, 2, 1, 2), (2, 3, 2, 3), (3, 4, 3, 4)]
    terms = bead_terms(src, tgt, ScoreParams(), beads)
    feats = link_features(terms, np.array([0.3, np.inf, 2.0, 0.1]), {"lex_src": [0.1, 0.2, 0.3, 0.4]})
    assert set(FEATURES) <= set(feats)
    assert all(len(v) == 4 for v in feats.values())
    assert list(feats["gap_end"]) == [0.3, GAP_CAP, GAP_CAP, 0.1]
    assert list(feats["gap_start"]) == [GAP_CAP, 0.3, GAP_CAP, GAP_CAP]
    assert feats["prev_score"][0] == feats["score"][0] and feats["next_score"][-1] == feats["score"][-1]
    assert feats["prev_score"][1] == feats["score"][0] and feats["next_score"][1] == feats["score"][2]
    assert list(feats["lex_src"]) == [0.1, 0.2, 0.3, 0.4]
    empty = link_features(bead_terms(src, tgt, ScoreParams(), []), np.zeros(0))
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
    params = ScoreParams()

    def conf(tgt_vectors):
        tgt = windows(tgt_vectors, lens)
        scorer = BeadScorer(src, tgt, params)
        rows = forward(n, n, TYPES, scorer)
        return bead_confidences(src, tgt, params, TYPES, beads, rows, np.zeros(n + 1, np.int64))

    far = conf(noisy)
    closer = noisy.copy()
    closer[4] = base[4] + 0.1 * rng.standard_normal(32)
    near = conf(closer)
    assert near[4] > far[4]
    assert np.all((far >= 0) & (far <= 1))
