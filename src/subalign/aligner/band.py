"""Where the final alignment path can be (a band found coarse-to-fine), and :func:`best_path`
(:func:`align_beads` for only its beads), the one place that sets up and runs the DP.

Aligning every sentence against every other is quadratic. As in Vecalign, the
sentence embeddings are averaged into blocks, halving the resolution until the
whole lattice is small, aligned there, and the path is projected back down,
refined inside a narrow band at each level. Time and memory stay linear.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from subalign.aligner.dp import ScoreFn, band_around, band_dp_gaps
from subalign.aligner.lexical import LexicalSides
from subalign.aligner.scoring import BeadScorer, BeadTerms, ScoreParams, Windows
from subalign.aligner.windows import normalise
from subalign.encoders.threads import limit_blas

#: A bead of the DP: source [i0, i1) aligned with target [j0, j1).
Bead = tuple[int, int, int, int]

# Lattice size (cells) below which a level is aligned without a band.
FULL_CELLS = 400_000
# Half-width of the band when refining a projected coarse path.
REFINE_WIDTH = 8
COARSE_TYPES = [(1, 1), (1, 0), (0, 1), (1, 2), (2, 1)]


def _halve(emb: np.ndarray, lens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(emb) % 2:
        emb = np.vstack([emb, np.zeros((1, emb.shape[1]), dtype=emb.dtype)])
        lens = np.append(lens, 0.0)
    return normalise(emb[0::2] + emb[1::2]), lens[0::2] + lens[1::2]


def path_points(beads: Sequence[Bead]) -> list[tuple[int, int]]:
    """The lattice points (i, j) a path of beads passes through, from (0, 0)."""
    return [(0, 0)] + [(i1, j1) for _, i1, _, j1 in beads]


@dataclass
class BeadPath:
    """The DP's best path, with the band it searched and the scorer that scored it.

    ``gaps[k]`` is how far bead ``k`` led the runner-up at the DP cell it ends in
    (see :func:`subalign.aligner.dp.band_dp_gaps`; ``inf`` when nothing else reached it).
    """

    beads: list[Bead]
    band: tuple[np.ndarray, np.ndarray]
    scorer: ScoreFn
    gaps: np.ndarray

    def terms(self) -> list[BeadTerms]:
        """Each bead's score term by term (the scorer must be a :class:`BeadScorer`)."""
        if not isinstance(self.scorer, BeadScorer):
            raise TypeError("terms need the default BeadScorer")
        return [self.scorer.terms(*bead) for bead in self.beads]


def align_beads(
    src: Windows,
    tgt: Windows,
    bead_types: Sequence[tuple[int, int]],
    score_fn: ScoreFn | None = None,
    *,
    params: ScoreParams | None = None,
    width: int = 6,
    band: tuple[np.ndarray, np.ndarray] | None = None,
    window_pairs: bool = True,
    lexical: LexicalSides | None = None,
) -> list[Bead]:
    """The beads of :func:`best_path` (same arguments)."""
    return best_path(src, tgt, bead_types, score_fn, params=params, width=width, band=band, window_pairs=window_pairs, lexical=lexical).beads


def best_path(
    src: Windows,
    tgt: Windows,
    bead_types: Sequence[tuple[int, int]],
    score_fn: ScoreFn | None = None,
    *,
    params: ScoreParams | None = None,
    width: int = 6,
    band: tuple[np.ndarray, np.ndarray] | None = None,
    window_pairs: bool = True,
    lexical: LexicalSides | None = None,
) -> BeadPath:
    """The best monotone path of beads of ``src`` against ``tgt``: the one place the DP is set up and run.

    The band is ``band`` (``lo``, ``hi``) when given, else ``width`` around the
    :func:`coarse_path` of the two sides' sentence vectors, which uses their
    2-sentence windows when ``window_pairs`` (else means of adjacent sentences).
    Beads are scored by ``score_fn``, by default a :class:`BeadScorer` with
    ``params`` and, when ``lexical`` is given, the lexicon's coverage of every
    bead in the band (see :func:`bead_scorer`). The DP multiplies many tiny
    matrices, where extra BLAS threads only add hand-off cost (several times
    slower on 2 cores): it runs on one.
    """
    n, m = src.n, tgt.n
    with limit_blas(1):
        if band is None:
            band = plan_band(src, tgt, width, window_pairs).band
        if score_fn is None:
            score_fn = bead_scorer(src, tgt, bead_types, band, params or ScoreParams(), lexical)
        beads, gaps = band_dp_gaps(n, m, band[0], band[1], bead_types, score_fn)
        return BeadPath(beads, band, score_fn, gaps)


@dataclass
class BandPlan:
    """Where the final path may go (``band``), and the coarse path it was drawn around.

    The coarse path is a sentence-level alignment (1-1, 1-2, 2-1 beads and skips, found
    with a simpler score): rough, but good enough to learn a document's word pairs from.
    """

    band: tuple[np.ndarray, np.ndarray]
    coarse: list[Bead]


def plan_band(src: Windows, tgt: Windows, width: int = 6, window_pairs: bool = True) -> BandPlan:
    """The band of half-width ``width`` around the :func:`coarse_path` of the two sides (see :func:`best_path`)."""
    pairs = (src.emb[2], tgt.emb[2]) if window_pairs and len(src.emb) > 2 and len(tgt.emb) > 2 else None
    with limit_blas(1):
        points = coarse_path(src.emb[1], tgt.emb[1], src.lens, tgt.lens, pairs)
    beads = [(i0, i1, j0, j1) for (i0, j0), (i1, j1) in zip(points, points[1:])]
    return BandPlan(band_around(points, src.n, tgt.n, width), beads)


def bead_scorer(
    src: Windows,
    tgt: Windows,
    bead_types: Sequence[tuple[int, int]],
    band: tuple[np.ndarray, np.ndarray],
    params: ScoreParams,
    lexical: LexicalSides | None = None,
) -> BeadScorer:
    """The default scorer for a band; lexical coverage is computed only for the beads inside it."""
    lex = None
    if lexical is not None:
        lex = lexical.in_band(band[0], band[1], max(a for a, _ in bead_types), max(b for _, b in bead_types))
    return BeadScorer(src, tgt, params, lex)


def bead_cosine(src: Windows, tgt: Windows, bead: Bead) -> float:
    """Cosine of a bead's two windows, rounded to 4 places and floored at 0 (0 for a skip)."""
    i0, i1, j0, j1 = bead
    if i1 == i0 or j1 == j0:
        return 0.0
    return round(max(float(src.emb[i1 - i0][i0] @ tgt.emb[j1 - j0][j0]), 0.0), 4)


def coarse_path(
    src_emb: np.ndarray,
    tgt_emb: np.ndarray,
    src_lens: np.ndarray,
    tgt_lens: np.ndarray,
    pairs: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[tuple[int, int]]:
    """A monotone path of lattice points (i, j) from (0, 0) to (n, m).

    ``pairs`` may give the embeddings of adjacent-sentence windows of both
    sides when the caller has them, saving two copies of a long document.
    """
    n, m = len(src_emb), len(tgt_emb)
    params = ScoreParams(margin=False, gc_weight=0.0, bead_bonus=0.0, paragraph_penalty=0.0)
    if n == 0 or m == 0 or (n + 1) * (m + 1) <= FULL_CELLS or min(n, m) < 8:
        lo, hi = np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64)
    else:
        cs, cls = _halve(src_emb, np.asarray(src_lens, float))
        ct, clt = _halve(tgt_emb, np.asarray(tgt_lens, float))
        coarse = coarse_path(cs, ct, cls, clt)
        del cs, ct
        # Coarse point (i, j) covers fine rows 2i and columns 2j.
        fine = [(min(2 * i, n), min(2 * j, m)) for i, j in coarse]
        fine[-1] = (n, m)
        lo, hi = band_around(fine, n, m, REFINE_WIDTH)
    if n == 0 or m == 0:
        return [(0, 0), (n, m)]
    # Sentence vectors are already unit length: use them in place (no copy of a
    # book-length side) and add the mean of each adjacent pair.
    src_pairs, tgt_pairs = pairs or (normalise(src_emb[:-1] + src_emb[1:]), normalise(tgt_emb[:-1] + tgt_emb[1:]))
    sw = Windows([None, src_emb, src_pairs], np.asarray(src_lens, float))
    tw = Windows([None, tgt_emb, tgt_pairs], np.asarray(tgt_lens, float))
    beads = align_beads(sw, tw, COARSE_TYPES, BeadScorer(sw, tw, params), band=(lo, hi))
    return path_points(beads)
