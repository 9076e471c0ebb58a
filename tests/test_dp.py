"""Tests for subalign.aligner.dp: the banded bead DP against brute force, bands, insertion chains."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subalign.aligner.dp import band_around, band_dp

TYPES = [(1, 0), (0, 1), (1, 1), (1, 2), (2, 1), (2, 2)]
AMAX = 5  # score tables are indexed [i, a, b, j] with a, b < AMAX


# --------------------------------------------------------------------------- helpers


def table_scorer(table: np.ndarray):
    """score_fn reading a table ``table[i, a, b, j]`` and recording every call."""
    calls: list[tuple[int, int, int, np.ndarray]] = []

    def score_fn(i: int, a: int, b: int, js: np.ndarray) -> np.ndarray:
        js = np.asarray(js)
        calls.append((i, a, b, js.copy()))
        # Out-of-lattice columns must never be asked for.
        assert js.size == 0 or (js.min() >= 0 and js.max() < table.shape[3]), (i, a, b, js)
        return table[i, a, b, js]

    score_fn.calls = calls  # type: ignore[attr-defined]
    return score_fn


def random_table(rng: np.random.Generator, n: int, m: int) -> np.ndarray:
    return rng.standard_normal((n + 1, AMAX, AMAX, m + 1))


def full_band(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64)


def in_band(lo, hi, i: int, j: int) -> bool:
    return lo is None or lo[i] <= j <= hi[i]


def all_paths(n: int, m: int, types, lo=None, hi=None):
    """Every monotone bead path from (0, 0) to (n, m) whose lattice points lie in the band."""
    out: list[list[tuple[int, int, int, int]]] = []

    def rec(i: int, j: int, beads: list) -> None:
        if (i, j) == (n, m):
            out.append(list(beads))
            return
        for a, b in types:
            ni, nj = i + a, j + b
            if ni <= n and nj <= m and in_band(lo, hi, ni, nj):
                beads.append((i, ni, j, nj))
                rec(ni, nj, beads)
                beads.pop()

    if in_band(lo, hi, 0, 0):
        rec(0, 0, [])
    return out


def path_score(table: np.ndarray, beads) -> float:
    return float(sum(table[i1, i1 - i0, j1 - j0, j1] for i0, i1, j0, j1 in beads))


def brute_best(table, n, m, types, lo=None, hi=None) -> tuple[float, list]:
    paths = all_paths(n, m, types, lo, hi)
    assert paths, "brute force found no path"
    scores = [path_score(table, p) for p in paths]
    k = int(np.argmax(scores))
    return scores[k], paths[k]


def assert_valid_path(beads, n: int, m: int, types, lo=None, hi=None) -> None:
    """Contiguous beads of allowed types from (0, 0) to (n, m), every point inside the band."""
    i, j = 0, 0
    for i0, i1, j0, j1 in beads:
        assert (i0, j0) == (i, j), beads
        assert (i1 - i0, j1 - j0) in types, beads
        assert in_band(lo, hi, i1, j1), (beads, lo, hi)
        i, j = i1, j1
    assert (i, j) == (n, m), beads


def path_points(beads) -> list[tuple[int, int]]:
    return [(0, 0)] + [(i1, j1) for _, i1, _, j1 in beads]


# --------------------------------------------------------------------------- full band = brute force


def test_brute_force_enumerator_counts_paths():
    # Sanity check of the oracle itself: with 1-0, 0-1 and 1-1 steps the number of
    # paths from (0, 0) to (n, m) is the Delannoy number D(n, m).
    def delannoy(n, m):
        return sum(math.comb(n, k) * math.comb(m, k) * 2**k for k in range(min(n, m) + 1))

    for n, m in itertools.product(range(5), repeat=2):
        assert len(all_paths(n, m, [(1, 0), (0, 1), (1, 1)])) == delannoy(n, m)


@pytest.mark.parametrize("n,m", list(itertools.product(range(5), repeat=2)))
def test_full_band_matches_brute_force(n, m):
    rng = np.random.default_rng(1000 * n + m)
    lo, hi = full_band(n, m)
    for _ in range(6):
        table = random_table(rng, n, m)
        beads = band_dp(n, m, lo, hi, TYPES, table_scorer(table))
        assert_valid_path(beads, n, m, TYPES)
        best, best_path = brute_best(table, n, m, TYPES)
        assert path_score(table, beads) == pytest.approx(best, abs=1e-9)
        # Continuous random scores: the optimum is unique, so the path is too.
        assert beads == best_path


def test_empty_lattice_is_empty_path():
    lo, hi = full_band(0, 0)
    table = np.zeros((1, AMAX, AMAX, 1))
    assert band_dp(0, 0, lo, hi, TYPES, table_scorer(table)) == []


def test_one_empty_side_is_all_insertions_or_deletions():
    rng = np.random.default_rng(7)
    table = random_table(rng, 0, 4)
    lo, hi = full_band(0, 4)
    assert band_dp(0, 4, lo, hi, TYPES, table_scorer(table)) == [(0, 0, j, j + 1) for j in range(4)]
    table = random_table(rng, 3, 0)
    lo, hi = full_band(3, 0)
    assert band_dp(3, 0, lo, hi, TYPES, table_scorer(table)) == [(i, i + 1, 0, 0) for i in range(3)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(0, 4),
    m=st.integers(0, 4),
    types=st.sets(st.sampled_from(TYPES), min_size=1).map(sorted),
    seed=st.integers(0, 2**32 - 1),
    integer_scores=st.booleans(),
)
def test_full_band_matches_brute_force_any_bead_types(n, m, types, seed, integer_scores):
    """Any subset of bead types, real or tie-heavy integer scores: same optimum score."""
    rng = np.random.default_rng(seed)
    table = rng.integers(-3, 4, size=(n + 1, AMAX, AMAX, m + 1)).astype(float) if integer_scores else random_table(rng, n, m)
    lo, hi = full_band(n, m)
    paths = all_paths(n, m, types)
    if not paths:
        with pytest.raises(ValueError):
            band_dp(n, m, lo, hi, types, table_scorer(table))
        return
    beads = band_dp(n, m, lo, hi, types, table_scorer(table))
    assert_valid_path(beads, n, m, types)
    best, _ = brute_best(table, n, m, types)
    assert path_score(table, beads) == pytest.approx(best, abs=1e-9)


# --------------------------------------------------------------------------- narrow bands


@st.composite
def lattice_band(draw):
    """(n, m, lo, hi): a non-decreasing band containing (0, 0) and (n, m)."""
    n = draw(st.integers(0, 4))
    m = draw(st.integers(0, 4))
    lo = sorted(draw(st.lists(st.integers(0, m), min_size=n + 1, max_size=n + 1)))
    hi = sorted(draw(st.lists(st.integers(0, m), min_size=n + 1, max_size=n + 1)))
    lo[0] = 0
    hi[n] = m
    hi = [max(h, l) for h, l in zip(hi, lo)]
    hi = list(np.maximum.accumulate(hi))
    return n, m, np.array(lo, dtype=np.int64), np.array(hi, dtype=np.int64)


@settings(max_examples=200, deadline=None)
@given(band=lattice_band(), seed=st.integers(0, 2**32 - 1))
def test_any_band_matches_brute_force_restricted_to_band(band, seed):
    n, m, lo, hi = band
    table = random_table(np.random.default_rng(seed), n, m)
    paths = all_paths(n, m, TYPES, lo, hi)
    if not paths:
        with pytest.raises(ValueError, match="no path"):
            band_dp(n, m, lo, hi, TYPES, table_scorer(table))
        return
    beads = band_dp(n, m, lo, hi, TYPES, table_scorer(table))
    assert_valid_path(beads, n, m, TYPES, lo, hi)
    best, best_path = brute_best(table, n, m, TYPES, lo, hi)
    assert path_score(table, beads) == pytest.approx(best, abs=1e-9)
    assert beads == best_path


def test_narrow_band_containing_the_optimum_gives_the_same_path():
    rng = np.random.default_rng(3)
    n, m = 4, 4
    for _ in range(20):
        table = random_table(rng, n, m)
        full = band_dp(n, m, *full_band(n, m), TYPES, table_scorer(table))
        for width in (1, 2):
            lo, hi = band_around(path_points(full), n, m, width)
            narrow = band_dp(n, m, lo, hi, TYPES, table_scorer(table))
            assert narrow == full
    # A hand-made narrow band (13 of 25 cells) around a known optimum.
    gold = beads_from_kinds([(1, 1), (1, 2), (0, 1), (2, 1), (1, 0)])  # ends at (5, 5)
    table = planted_table(5, 5, gold)
    lo = np.array([0, 0, 2, 3, 3, 4])
    hi = np.array([1, 4, 4, 4, 5, 5])
    assert (hi - lo + 1).sum() < 6 * 6
    assert band_dp(5, 5, lo, hi, TYPES, table_scorer(table)) == gold == band_dp(5, 5, *full_band(5, 5), TYPES, table_scorer(table))


def test_band_excluding_the_optimum_gives_best_path_inside_band():
    n, m = 4, 4
    # The diagonal is by far the best path ...
    table = np.full((n + 1, AMAX, AMAX, m + 1), -1.0)
    for i in range(1, n + 1):
        table[i, 1, 1, i] = 5.0
    full = band_dp(n, m, *full_band(n, m), TYPES, table_scorer(table))
    assert full == [(i, i + 1, i, i + 1) for i in range(n)]
    # ... but this band forbids the diagonal points (1, 1), (2, 2) and (3, 3).
    lo = np.array([0, 2, 3, 4, 4])
    hi = np.array([2, 4, 4, 4, 4])
    score = table_scorer(table)
    beads = band_dp(n, m, lo, hi, TYPES, score)
    assert_valid_path(beads, n, m, TYPES, lo, hi)
    assert beads != full
    best, _ = brute_best(table, n, m, TYPES, lo, hi)
    assert path_score(table, beads) == pytest.approx(best)
    # Only columns inside the band are ever scored.
    for i, a, b, js in score.calls:
        assert np.all((js >= lo[i]) & (js <= hi[i])), (i, a, b, js)


def test_band_dp_scores_only_band_cells():
    n, m = 4, 4
    rng = np.random.default_rng(11)
    table = random_table(rng, n, m)
    lo = np.array([0, 0, 1, 2, 3])
    hi = np.array([1, 2, 3, 4, 4])
    score = table_scorer(table)
    band_dp(n, m, lo, hi, TYPES, score)
    assert score.calls
    for i, a, b, js in score.calls:
        assert np.all((js >= lo[i]) & (js <= hi[i]))
        assert np.all(js - b >= lo[i - a]) and np.all(js - b <= hi[i - a])


@pytest.mark.parametrize(
    "lo,hi",
    [
        ([1, 1, 1, 1], [3, 3, 3, 3]),  # start (0, 0) outside
        ([0, 0, 0, 0], [3, 3, 3, 2]),  # end (n, m) outside
        ([1, 2, 3, 3], [2, 2, 3, 2]),  # neither end fits
    ],
)
def test_band_without_start_or_end_raises(lo, hi):
    table = np.zeros((4, AMAX, AMAX, 4))
    with pytest.raises(ValueError, match="start and end"):
        band_dp(3, 3, np.array(lo), np.array(hi), TYPES, table_scorer(table))


def test_band_with_no_connected_path_raises():
    # Row 1 is empty (lo > hi) and 2-row beads cannot bridge from column 0 to column 3.
    table = np.zeros((4, AMAX, AMAX, 4))
    lo, hi = np.array([0, 3, 3, 3]), np.array([0, 2, 3, 3])
    with pytest.raises(ValueError, match="no path"):
        band_dp(3, 3, lo, hi, [(1, 0), (1, 1), (2, 1)], table_scorer(table))
    # Without an insertion bead a non-empty target cannot be reached from an empty source.
    with pytest.raises(ValueError, match="no path"):
        band_dp(0, 2, np.array([0]), np.array([2]), [(1, 1)], table_scorer(np.zeros((1, AMAX, AMAX, 3))))


def test_unsupported_insertion_bead_raises():
    table = np.zeros((3, AMAX, AMAX, 3))
    with pytest.raises(ValueError, match="0-1"):
        band_dp(2, 2, *full_band(2, 2), [(1, 1), (0, 2)], table_scorer(table))


# --------------------------------------------------------------------------- band_around


def random_bead_path(rng: np.random.Generator, n_beads: int, types) -> list[tuple[int, int]]:
    pts = [(0, 0)]
    for _ in range(n_beads):
        a, b = types[rng.integers(len(types))]
        pts.append((pts[-1][0] + a, pts[-1][1] + b))
    return pts


def check_band(lo, hi, path, n, m):
    assert lo.shape == hi.shape == (n + 1,)
    assert lo[0] == 0 and hi[n] == m
    assert np.all(np.diff(lo) >= 0) and np.all(np.diff(hi) >= 0)
    assert np.all(lo >= 0) and np.all(hi <= m)
    assert np.all(lo <= hi + 1)  # a row is at worst empty, never "negative"
    for i, j in path:
        assert lo[i] <= j <= hi[i], (i, j, lo[i], hi[i])


@st.composite
def monotone_path(draw):
    """Arbitrary monotone lattice points from (0, 0) to (n, m), jumps of any size."""
    steps = draw(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=0, max_size=30))
    pts = [(0, 0)]
    for a, b in steps:
        pts.append((pts[-1][0] + a, pts[-1][1] + b))
    return pts


@settings(max_examples=300, deadline=None)
@given(path=monotone_path(), width=st.integers(0, 6))
def test_band_around_covers_any_monotone_path(path, width):
    n, m = path[-1]
    lo, hi = band_around(path, n, m, width)
    check_band(lo, hi, path, n, m)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_beads=st.integers(0, 25), width=st.integers(1, 4))
def test_band_around_a_bead_path_admits_it(seed, n_beads, width):
    """band_dp inside band_around(path) finds a path at least as good as ``path`` itself."""
    rng = np.random.default_rng(seed)
    pts = random_bead_path(rng, n_beads, TYPES)
    n, m = pts[-1]
    lo, hi = band_around(pts, n, m, width)
    check_band(lo, hi, pts, n, m)
    assert np.all(lo <= hi)  # no empty row when beads span at most 2 rows and width >= 1
    table = random_table(rng, n, m)
    beads = band_dp(n, m, lo, hi, TYPES, table_scorer(table))
    assert_valid_path(beads, n, m, TYPES, lo, hi)
    given_beads = [(i0, i1, j0, j1) for (i0, j0), (i1, j1) in zip(pts, pts[1:])]
    assert path_score(table, beads) >= path_score(table, given_beads) - 1e-9


def test_band_around_width_is_respected():
    pts = [(i, i) for i in range(101)]
    lo, hi = band_around(pts, 100, 100, 3)
    rows = np.arange(101)
    # A diagonal path: each row spans its own column +/- (width rows + width columns).
    assert np.all(lo == np.clip(rows - 6, 0, 100))
    assert np.all(hi == np.clip(rows + 6, 0, 100))
    # Linear size: the band holds O(width * n) cells, not n * m.
    assert (hi - lo + 1).sum() <= 13 * 101


def test_band_around_zero_width_is_the_path_hull():
    pts = [(0, 0), (1, 1), (1, 2), (1, 3), (3, 4), (4, 4)]
    lo, hi = band_around(pts, 4, 4, 0)
    assert lo.tolist() == [0, 1, 4, 4, 4]
    # Row 2 is jumped over by the 2-1 bead: the path visits none of its columns.
    assert [hi[i] for i in (0, 1, 3, 4)] == [0, 3, 4, 4]
    assert hi[2] in (3, 4)  # empty (lo = hi + 1) or the single column lo
    gold = [(0, 1, 0, 1), (1, 1, 1, 2), (1, 1, 2, 3), (1, 3, 3, 4), (3, 4, 4, 4)]
    assert band_dp(4, 4, lo, hi, TYPES, table_scorer(planted_table(4, 4, gold))) == gold


# --------------------------------------------------------------------------- 0-1 insertion chains


def planted_table(n: int, m: int, gold: list[tuple[int, int, int, int]]) -> np.ndarray:
    """Scores under which ``gold`` is the unique optimum: its 1-1 beads pay, all else costs."""
    table = np.full((n + 1, AMAX, AMAX, m + 1), -1.0)
    table[:, 1, 0, :] = -0.3  # deletions and insertions are cheap, merges are not
    table[:, 0, 1, :] = -0.3
    for i0, i1, j0, j1 in gold:
        if (i1 - i0, j1 - j0) != (0, 1) and (i1 - i0, j1 - j0) != (1, 0):
            table[i1, i1 - i0, j1 - j0, j1] = 2.0
    return table


def beads_from_kinds(kinds: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    out, i, j = [], 0, 0
    for a, b in kinds:
        out.append((i, i + a, j, j + b))
        i, j = i + a, j + b
    return out


INS = (0, 1)
CHAINS = {
    "middle": [(1, 1), (1, 1), INS, INS, INS, (1, 1), (1, 1)],
    "start": [INS, INS, INS, (1, 1), (1, 2), (1, 1)],
    "end": [(1, 1), (2, 1), (1, 1), INS, INS, INS],
    "two_chains": [(1, 1), INS, INS, INS, (1, 1), (1, 0), (1, 1), INS, INS, INS, (2, 2)],
    "only_insertions": [INS, INS, INS],
}


@pytest.mark.parametrize("name", list(CHAINS))
def test_insertion_chain_is_recovered_exactly(name):
    gold = beads_from_kinds(CHAINS[name])
    n, m = gold[-1][1], gold[-1][3]
    table = planted_table(n, m, gold)
    assert band_dp(n, m, *full_band(n, m), TYPES, table_scorer(table)) == gold
    if n + m <= 9:  # the brute-force oracle is exponential
        best, best_path = brute_best(table, n, m, TYPES)
        assert best_path == gold
    # Same answer inside a narrow band around the planted path.
    lo, hi = band_around(path_points(gold), n, m, 1)
    assert band_dp(n, m, lo, hi, TYPES, table_scorer(table)) == gold


def test_insertion_chain_beats_merging_into_neighbours():
    # Source 2 sentences, target 5: the middle three target sentences are unrelated.
    # Merging them into 1-2/2-2 beads would score worse than three insertions.
    gold = beads_from_kinds([(1, 1), INS, INS, INS, (1, 1)])
    table = planted_table(2, 5, gold)
    table[1, 1, 2, 2] = 1.5  # tempting 1-2 that swallows target 1
    table[2, 1, 2, 5] = 1.5  # tempting 1-2 that swallows target 3
    beads = band_dp(2, 5, *full_band(2, 5), TYPES, table_scorer(table))
    assert beads == gold
    assert [b for b in beads if b[0] == b[1]] == [(1, 1, 1, 2), (1, 1, 2, 3), (1, 1, 3, 4)]


def test_long_insertion_chain_in_a_long_row():
    # 40 insertions in a single row exercise the prefix-sum closed form of the chain.
    kinds = [(1, 1)] * 5 + [INS] * 40 + [(1, 1)] * 5
    gold = beads_from_kinds(kinds)
    n, m = gold[-1][1], gold[-1][3]
    rng = np.random.default_rng(5)
    table = planted_table(n, m, gold)
    table[:, 0, 1, :] += rng.uniform(-0.05, 0.05, size=(n + 1, m + 1))  # uneven insertion costs
    assert band_dp(n, m, *full_band(n, m), TYPES, table_scorer(table)) == gold


# --------------------------------------------------------------------------- jumped rows


@pytest.mark.parametrize(
    "pts,width,types",
    [
        ([(0, 0), (2, 2)], 0, [(1, 0), (0, 1), (1, 1), (2, 2)]),
        ([(0, 0), (1, 1), (3, 3), (4, 4)], 0, TYPES),
        ([(0, 0), (4, 4)], 1, [(1, 1), (4, 4)]),
        ([(0, 0), (1, 1), (4, 4)], 0, [(1, 1), (3, 3)]),
    ],
)
def test_band_dp_accepts_band_around_of_big_beads(pts, width, types):
    """A bead spanning more than 2*width+1 rows and columns jumps over rows whose
    columns the path never visits; the band must still be usable by band_dp."""
    n, m = pts[-1]
    gold = [(i0, i1, j0, j1) for (i0, j0), (i1, j1) in zip(pts, pts[1:])]
    table = planted_table(n, m, gold)
    lo, hi = band_around(pts, n, m, width)
    check_band(lo, hi, pts, n, m)
    assert band_dp(n, m, lo, hi, types, table_scorer(table)) == gold


def test_row_with_lo_above_hi_is_never_a_wrong_path():
    """band_dp's contract does not say what a row with lo > hi means. Whatever it
    does (reject the band, or treat the row as empty), it must not invent a path."""
    table = planted_table(2, 2, [(0, 2, 0, 2)])
    for lo, hi in (([0, 1, 2], [0, 0, 2]), ([0, 2, 2], [0, 0, 2])):  # row 1: lo = hi + 1, lo = hi + 2
        try:
            beads = band_dp(2, 2, np.array(lo), np.array(hi), [(1, 0), (0, 1), (1, 1), (2, 2)], table_scorer(table))
        except ValueError:
            continue
        assert beads == [(0, 2, 0, 2)]
