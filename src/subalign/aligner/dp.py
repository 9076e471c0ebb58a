"""Banded dynamic programming over alignment beads.

Hand-written (after Vecalign's compact DP core) because no maintained library
offers monotone m-n bead alignment restricted to a band: the band is what keeps
time and memory linear in document length (no N x M matrix is ever built).

Row ``i`` of the lattice means "the first ``i`` source sentences are aligned";
each row stores only the columns ``lo[i]..hi[i]`` of the band.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

# score_fn(i, a, b, js) -> scores of the bead covering source [i-a, i) and
# target [j-b, j) for every j in the int array ``js``.
ScoreFn = Callable[[int, int, int, np.ndarray], np.ndarray]

NEG = -1e30


def band_dp(
    n: int,
    m: int,
    lo: np.ndarray,
    hi: np.ndarray,
    bead_types: Sequence[tuple[int, int]],
    score_fn: ScoreFn,
) -> list[tuple[int, int, int, int]]:
    """Best-scoring monotone path from (0, 0) to (n, m) inside the band.

    Returns beads as ``(i0, i1, j0, j1)`` half-open ranges, in order.
    ``lo``/``hi`` (length n+1, inclusive, non-decreasing) must contain 0 at
    row 0 and ``m`` at row ``n``.
    """
    return band_dp_gaps(n, m, lo, hi, bead_types, score_fn)[0]


def band_dp_gaps(
    n: int,
    m: int,
    lo: np.ndarray,
    hi: np.ndarray,
    bead_types: Sequence[tuple[int, int]],
    score_fn: ScoreFn,
) -> tuple[list[tuple[int, int, int, int]], np.ndarray]:
    """:func:`band_dp` and, per chosen bead, its lead over the runner-up at its end cell.

    The runner-up is the best path into the same cell through any other bead
    type; a small gap means the DP nearly chose another boundary there (what
    link confidence reads). Each cell keeps its second-best incoming score
    beside the best, so this costs no extra scorer calls. ``inf`` where no
    other bead type reaches the cell.
    """
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    if lo[0] != 0 or hi[n] != m:
        raise ValueError("band must contain the start and end of the lattice")
    ins = next((t for t, ab in enumerate(bead_types) if ab == (0, 1)), None)
    if any(a == 0 and b != 1 for a, b in bead_types):
        raise ValueError("only 0-1 insertion beads are supported")
    best: list[np.ndarray] = []
    second: list[np.ndarray] = []  # the runner-up into each cell (through another bead type)
    back: list[np.ndarray] = []
    for i in range(n + 1):
        width = int(hi[i] - lo[i] + 1)
        row = np.full(width, NEG)
        row2 = np.full(width, NEG)
        ptr = np.full(width, -1, dtype=np.int16)
        if i == 0:
            row[0] = 0.0  # lo[0] == 0: the empty alignment
        js_all = np.arange(lo[i], hi[i] + 1)
        for t, (a, b) in enumerate(bead_types):
            p = i - a
            if a == 0 or p < 0:
                continue
            # Columns j of this row whose predecessor j-b lies in row p's band.
            j_lo = max(int(lo[i]), int(lo[p]) + b)
            j_hi = min(int(hi[i]), int(hi[p]) + b)
            if j_hi < j_lo:
                continue
            js = js_all[j_lo - lo[i] : j_hi - lo[i] + 1]
            prev = best[p][js - b - lo[p]]
            ok = prev > NEG / 2
            if not ok.any():
                continue
            cand = prev + score_fn(i, a, b, js)
            sl = slice(j_lo - lo[i], j_hi - lo[i] + 1)
            row2[sl] = np.where(ok, np.maximum(row2[sl], np.minimum(row[sl], cand)), row2[sl])
            better = ok & (cand > row[sl])
            row[sl][better] = cand[better]
            ptr[sl][better] = t
        if ins is not None and width > 1:
            # 0-1 beads chain within the row: row[c] = max(row[c], row[c-1] + s[c]).
            # Closed form with prefix sums: P[c] + cummax(row[k] - P[k]).
            s = np.zeros(width)
            s[1:] = score_fn(i, 0, 1, js_all[1:])
            pre = np.cumsum(s)
            run = np.maximum.accumulate(row - pre) + pre
            moved = run > row + 1e-12
            new = np.where(moved, run, row)
            # The 0-1 candidate of each cell: the cell to its left plus one insertion.
            insert = np.concatenate([[NEG], new[:-1] + s[1:]])
            insert[np.concatenate([[True], new[:-1] <= NEG / 2])] = NEG
            row2 = np.where(moved, row, np.maximum(row2, np.minimum(insert, new)))
            row = new
            ptr[moved] = ins
        best.append(row)
        second.append(row2)
        back.append(ptr)
    if best[n][m - lo[n]] <= NEG / 2:
        raise ValueError("no path through the band")
    beads = []
    i, j = n, m
    while i > 0 or j > 0:
        t = int(back[i][j - lo[i]])
        a, b = bead_types[t]
        beads.append((i - a, i, j - b, j))
        i, j = i - a, j - b
    beads.reverse()
    gaps = np.array([best[i1][j1 - lo[i1]] - second[i1][j1 - lo[i1]] for _, i1, _, j1 in beads], dtype=float)
    gaps[[second[i1][j1 - lo[i1]] <= NEG / 2 for _, i1, _, j1 in beads]] = np.inf
    return beads, gaps


def band_around(path: Sequence[tuple[int, int]], n: int, m: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """A band of half-width ``width`` around a monotone path of lattice points.

    ``path`` is a sequence of (i, j) points from (0, 0) to (n, m), non-decreasing
    in both coordinates. For each row the band spans the columns the path visits
    in rows within ``width`` of it, widened by ``width`` columns.
    """
    pi = np.array([p[0] for p in path], dtype=np.int64)
    pj = np.array([p[1] for p in path], dtype=np.int64)
    row_lo = np.full(n + 1, m, dtype=np.int64)
    row_hi = np.zeros(n + 1, dtype=np.int64)
    np.minimum.at(row_lo, pi, pj)
    np.maximum.at(row_hi, pi, pj)
    # Rows the path jumps over (a-b beads with a > 1) inherit from neighbours.
    row_lo = np.minimum.accumulate(row_lo[::-1])[::-1]
    row_hi = np.maximum.accumulate(row_hi)
    lo = np.empty(n + 1, dtype=np.int64)
    hi = np.empty(n + 1, dtype=np.int64)
    for i in range(n + 1):
        a, b = max(0, i - width), min(n, i + width)
        lo[i] = row_lo[a : b + 1].min() - width
        hi[i] = row_hi[a : b + 1].max() + width
    lo = np.clip(lo, 0, m)
    hi = np.clip(hi, 0, m)
    lo[0] = 0
    hi[n] = m
    lo, hi = np.maximum.accumulate(lo), np.maximum.accumulate(hi)
    # A row that a large bead jumps over can come out empty (lo > hi); give it
    # at least one column so every row of the band is well-formed.
    return lo, np.maximum(hi, lo)
