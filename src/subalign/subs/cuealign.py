"""Aligning two cue tracks by meaning and time: the link records and options, the clock fit
(Theil-Sen then inliers), the time-overlap scorer, and :func:`align_cues`, which runs the
aligner's DP (:func:`subalign.aligner.band.align_beads`) over the cues in stages
(see :mod:`subalign.subs.dual`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from subalign.aligner.band import Bead, align_beads, bead_cosine, path_points
from subalign.aligner.core import AlignOptions, bead_types, embed_pair
from subalign.aligner.dp import band_around
from subalign.aligner.scoring import BeadScorer, ScoreParams, Windows
from subalign.errors import SubalignError
from subalign.subs.units import cue_document, cut_cues, merge_unit_links, track_language
from subalign.types import Cue


#: Below this many fit points the tracks as they are (no offset, no drift) are tried as well.
FEW_FIT_POINTS = 20


# ----------------------------------------------------------------------------- data


@dataclass(frozen=True)
class CueLink:
    """Positions (0-based, into the cue lists) of A and B cues shown together; one side may be empty."""

    a: tuple[int, ...]
    b: tuple[int, ...]
    score: float = 0.0  # cosine of the two sides' embeddings (0 for unmatched cues)
    overlap: float = 0.0  # temporal IoU after mapping B onto A's clock

    @property
    def kind(self) -> str:
        return f"{len(self.a)}-{len(self.b)}"


@dataclass
class DualOptions:
    max_align: int = 4  # largest bead, in cues (a + b)
    band_width: int = 8
    time_weight: float = 0.6  # weight of the temporal IoU term
    time_center: float = 0.35  # IoU above this is evidence for a bead, below against
    gap_penalty: float = 0.4  # extra penalty when the spans do not overlap at all ...
    gap_scale_ms: float = 3000.0  # ... reaching its maximum at this gap
    iterations: int = 2  # fit + realign rounds after the meaning-only pass
    inlier_ms: float = 1500.0  # residual bound for the least-squares refit

    def bead_types(self) -> list[tuple[int, int]]:
        return bead_types(self.max_align)


@dataclass
class DualResult:
    a: list[Cue]
    b: list[Cue]
    links: list[CueLink]
    offset_ms: float  # t_B = t_A * (1 + drift) + offset
    drift: float
    inliers: int = 0  # link boundaries the clock fit rests on
    residual_ms: float = 0.0  # median absolute residual of the fit
    lang_a: str = "zh"
    lang_b: str = "en"
    params: dict = field(default_factory=dict)

    def to_a_clock(self, ms: float) -> float:
        return (ms - self.offset_ms) / (1.0 + self.drift)

    def to_b_clock(self, ms: float) -> float:
        return ms * (1.0 + self.drift) + self.offset_ms

    @property
    def unmatched_a(self) -> list[Cue]:
        return [self.a[i] for lk in self.links if not lk.b for i in lk.a]

    @property
    def unmatched_b(self) -> list[Cue]:
        return [self.b[j] for lk in self.links if not lk.a for j in lk.b]


# ----------------------------------------------------------------------------- clock fit


def _theil_sen(x: np.ndarray, y: np.ndarray, max_points: int = 600) -> tuple[float, float]:
    if len(x) > max_points:
        idx = np.linspace(0, len(x) - 1, max_points).astype(int)
        x, y = x[idx], y[idx]
    i, j = np.triu_indices(len(x), k=1)
    dx = x[j] - x[i]
    ok = np.abs(dx) > 1000.0  # pairs at least a second apart
    if not ok.any():
        return 1.0, float(np.median(y - x))
    slope = float(np.median((y[j] - y[i])[ok] / dx[ok]))
    return slope, float(np.median(y - slope * x))


def fit_clock(xa: np.ndarray, yb: np.ndarray, inlier_ms: float = 1500.0) -> tuple[float, float, int, float]:
    """``(offset_ms, drift, inliers, median |residual|)`` of ``yb ≈ xa * (1 + drift) + offset``.

    Theil-Sen (median of pairwise slopes, median intercept) is robust to a good
    share of wrong links; a least-squares refit on the points within
    *inlier_ms* of that line sharpens it.  With fewer than 3 points only an
    offset (median difference) is fitted.
    """
    xa = np.asarray(xa, dtype=np.float64)
    yb = np.asarray(yb, dtype=np.float64)
    if len(xa) == 0:
        return 0.0, 0.0, 0, 0.0
    if len(xa) < 3 or float(np.ptp(xa)) < 10_000:
        off = float(np.median(yb - xa))
        return off, 0.0, len(xa), float(np.median(np.abs(yb - xa - off)))
    slope, icpt = _theil_sen(xa, yb)
    res = yb - (slope * xa + icpt)
    keep = np.abs(res) <= inlier_ms
    if keep.sum() >= 3 and float(np.ptp(xa[keep])) >= 10_000:
        slope, icpt = np.polyfit(xa[keep], yb[keep], 1)
        res = yb - (slope * xa + icpt)
        keep = np.abs(res) <= inlier_ms
    # A drift beyond ±10 % is no frame-rate drift: fall back to an offset only.
    if not 0.9 <= slope <= 1.1:
        off = float(np.median(yb - xa))
        return off, 0.0, int(np.sum(np.abs(yb - xa - off) <= inlier_ms)), float(np.median(np.abs(yb - xa - off)))
    return float(icpt), float(slope - 1.0), int(keep.sum()), float(np.median(np.abs(res)))


def _fit_points(links: Sequence[CueLink], a: Sequence[Cue], b: Sequence[Cue]) -> tuple[np.ndarray, np.ndarray]:
    """Start and end points of the confident linked groups (above-median similarity)."""
    both = [lk for lk in links if lk.a and lk.b]
    if not both:
        return np.zeros(0), np.zeros(0)
    cut = float(np.median([lk.score for lk in both]))
    chosen = [lk for lk in both if lk.score >= cut] or both
    xs, ys = [], []
    for lk in chosen:
        xs += [a[lk.a[0]].start_ms, a[lk.a[-1]].end_ms]
        ys += [b[lk.b[0]].start_ms, b[lk.b[-1]].end_ms]
    return np.array(xs, dtype=np.float64), np.array(ys, dtype=np.float64)


# ----------------------------------------------------------------------------- scoring


class TimeScorer:
    """A :func:`~subalign.aligner.dp.band_dp` score function: a meaning scorer plus a time term.

    The time term of a bead is ``weight * (IoU - center)`` where IoU is the
    temporal intersection over union of the A span and the B span mapped onto
    A's clock, minus ``gap_penalty * min(gap / gap_scale, 1)`` when they do not
    overlap.  Skip beads keep the meaning scorer's score.
    """

    def __init__(self, meaning, a: Sequence[Cue], b: Sequence[Cue], offset_ms: float, drift: float, opts: DualOptions):
        self.meaning, self.o = meaning, opts
        self.a_start = np.array([c.start_ms for c in a], dtype=np.float64)
        self.a_end = np.array([c.end_ms for c in a], dtype=np.float64)
        scale = 1.0 + drift
        self.b_start = (np.array([c.start_ms for c in b], dtype=np.float64) - offset_ms) / scale
        self.b_end = (np.array([c.end_ms for c in b], dtype=np.float64) - offset_ms) / scale

    def overlap(self, i0: int, i1: int, j0: np.ndarray, j1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(IoU, gap in ms) of A cues [i0, i1) against B cues [j0, j1) (arrays)."""
        s1, e1 = self.a_start[i0], self.a_end[i1 - 1]
        s2, e2 = self.b_start[j0], self.b_end[j1 - 1]
        inter = np.minimum(e1, e2) - np.maximum(s1, s2)
        union = np.maximum(e1, e2) - np.minimum(s1, s2)
        iou = np.where(inter > 0, inter / np.maximum(union, 1.0), 0.0)
        return iou, np.maximum(-inter, 0.0)

    def __call__(self, i: int, a: int, b: int, js: np.ndarray) -> np.ndarray:
        base = self.meaning(i, a, b, js)
        if a == 0 or b == 0:
            return base
        iou, gap = self.overlap(i - a, i, js - b, js)
        term = self.o.time_weight * (iou - self.o.time_center)
        term = term - self.o.gap_penalty * np.minimum(gap / self.o.gap_scale_ms, 1.0)
        return base + term


# ----------------------------------------------------------------------------- alignment


def _links_from_beads(beads: Sequence[Bead], sw: Windows, tw: Windows, scorer: TimeScorer | None) -> list[CueLink]:
    links = []
    for i0, i1, j0, j1 in beads:
        ov = 0.0
        if i1 > i0 and j1 > j0 and scorer is not None:
            ov = float(scorer.overlap(i0, i1, np.array([j0]), np.array([j1]))[0][0])
        links.append(CueLink(tuple(range(i0, i1)), tuple(range(j0, j1)), bead_cosine(sw, tw, (i0, i1, j0, j1)), round(ov, 4)))
    return links


# ----------------------------------------------------------------------------- alignment


def align_cues(
    a: Sequence[Cue],
    b: Sequence[Cue],
    encoder,
    options: DualOptions | None = None,
    *,
    lang_a: str | None = None,
    lang_b: str | None = None,
) -> DualResult:
    """Align two subtitle tracks of one film by meaning and time (see :mod:`subalign.subs.dual`).

    Stages: cut both tracks into matching units (:func:`~subalign.subs.units.cut_cues`),
    embed them (:func:`~subalign.aligner.core.embed_pair`), align by meaning, fit the
    clock and realign with the time term (:func:`_time_passes`), then map the links
    back onto the cues (:func:`_cue_links`).
    """
    opts = options or DualOptions()
    types = opts.bead_types()
    # Tracks in time order (files are sorted when read; API callers may not be).
    a, b = sorted(a, key=lambda c: c.start_ms), sorted(b, key=lambda c: c.start_ms)
    if not a or not b:
        raise SubalignError("both subtitle tracks need at least one cue")
    la = lang_a or track_language(a)
    lb = lang_b or track_language(b)
    # Everything below works on matching units: cues, with enormous ones cut (cut_cues).
    (units_a, own_a), (units_b, own_b) = cut_cues(a, la), cut_cues(b, lb)
    sw, tw = embed_pair(cue_document(units_a, la), cue_document(units_b, lb), encoder, AlignOptions(max_align=opts.max_align))
    # Cue texts are short and have no paragraphs: no paragraph term.
    meaning = BeadScorer(sw, tw, ScoreParams(paragraph_penalty=0.0))
    beads = align_beads(sw, tw, types, meaning, width=opts.band_width, window_pairs=False)
    beads = _time_passes(beads, sw, tw, meaning, units_a, units_b, opts)
    links = _links_from_beads(beads, sw, tw, None)
    offset, drift, inliers, resid = fit_clock(*_fit_points(links, units_a, units_b), opts.inlier_ms)
    return DualResult(
        a, b, _cue_links(links, a, b, own_a, own_b, offset, drift, opts), offset, drift, inliers, resid, la, lb,
        params=dataclasses.asdict(opts),
    )


def _time_passes(
    beads: list[Bead], sw: Windows, tw: Windows, meaning: BeadScorer, a: Sequence[Cue], b: Sequence[Cue], opts: DualOptions
) -> list[Bead]:
    """Fit the clock on the links so far and realign with the time term, ``opts.iterations`` times.

    Each DP runs in the union of a band around the previous path and one around
    the path the fitted clock predicts. With few fit points the tracks as they
    are (no offset, no drift) are tried too, and the better-scoring path wins.
    """
    n, m = sw.n, tw.n
    types = opts.bead_types()
    links = _links_from_beads(beads, sw, tw, None)
    for _ in range(max(opts.iterations, 1)):
        xs, ys = _fit_points(links, a, b)
        offset, drift, _, _ = fit_clock(xs, ys, opts.inlier_ms)
        clocks = [(offset, drift)]
        if len(xs) < FEW_FIT_POINTS and (offset, drift) != (0.0, 0.0):
            clocks.append((0.0, 0.0))  # too little evidence for a fit: also try the tracks as they are
        best = None
        for off, dr in clocks:
            scorer = TimeScorer(meaning, a, b, off, dr, opts)
            band = _union_band(band_around(path_points(beads), n, m, opts.band_width), _time_band(scorer, n, m, opts.band_width))
            cand = align_beads(sw, tw, types, scorer, band=band)
            total = _path_score(cand, scorer)
            if best is None or total > best[0]:
                best = (total, cand, scorer)
        _, beads, scorer = best
        links = _links_from_beads(beads, sw, tw, scorer)
    return beads


def _cue_links(
    links: list[CueLink], a: Sequence[Cue], b: Sequence[Cue], own_a: list[int], own_b: list[int],
    offset: float, drift: float, opts: DualOptions,
) -> list[CueLink]:
    """Links over units as links over the cues, each with its temporal IoU on A's clock."""
    clock = TimeScorer(None, a, b, offset, drift, opts)
    merged = merge_unit_links([(lk.a, lk.b, lk.score) for lk in links], own_a, own_b)
    return [CueLink(ca, cb, score, _overlap(clock, ca, cb)) for ca, cb, score in merged]


def _overlap(clock: TimeScorer, ca: tuple[int, ...], cb: tuple[int, ...]) -> float:
    """Temporal IoU of two runs of cues on A's clock (0 when a side is empty)."""
    if not ca or not cb:
        return 0.0
    iou, _ = clock.overlap(ca[0], ca[-1] + 1, np.array([cb[0]]), np.array([cb[-1] + 1]))
    return round(float(iou[0]), 4)


def _path_score(beads, scorer) -> float:
    return float(sum(scorer(i1, i1 - i0, j1 - j0, np.array([j1]))[0] for i0, i1, j0, j1 in beads))


def _time_band(scorer: TimeScorer, n: int, m: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """A band around the path the fitted clock predicts (B cue starts against A cue starts)."""
    # Row i (first i A cues done) ↔ column j = number of B cues starting before A cue i starts.
    js = np.searchsorted(np.sort(scorer.b_start), scorer.a_start, side="left")
    js = np.maximum.accumulate(np.clip(js, 0, m))
    points = [(0, 0)] + [(i, int(js[i])) for i in range(1, n)] + [(n, m)]
    return band_around(points, n, m, width)


def _union_band(b1, b2) -> tuple[np.ndarray, np.ndarray]:
    lo = np.minimum(b1[0], b2[0])
    hi = np.maximum(b1[1], b2[1])
    return np.maximum.accumulate(lo), np.maximum.accumulate(hi)


