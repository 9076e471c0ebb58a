"""Aligning two cue tracks by meaning and time: the link records and options, the clock fit
(Theil-Sen then inliers), the time-overlap scorer, cues as a document cut into units, and the
banded DP over cues (see :mod:`subalign.subs.dual`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from subalign.errors import SubalignError
from subalign.types import Anchor, Cue, Document, Sentence


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
        if not 2 <= self.max_align <= 8:
            raise SubalignError(f"--max-align must be between 2 and 8, got {self.max_align}")
        ab = [(a, b) for a in range(1, self.max_align) for b in range(1, self.max_align) if a + b <= self.max_align]
        return [(1, 0), (0, 1)] + ab


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


def cue_document(cues: Sequence[Cue], lang: str) -> Document:
    """A :class:`Document` with one sentence per cue (its plain text, lines joined by a space)."""
    sents = []
    pos = 0
    texts = []
    for k, c in enumerate(cues):
        t = " ".join(c.plain.split()) or "…"
        sents.append(Sentence(k, t, Anchor(1, k + 1, pos, pos + len(t))))
        texts.append(t)
        pos += len(t) + 1
    return Document(text="\n".join(texts), sentences=sents, lang=lang)


def track_language(cues: Sequence[Cue]) -> str:
    """``zh`` or ``en`` (or another code) for a track, from a bounded sample of its plain text."""
    from subalign.text.langid import detect_language

    sample = "\n".join(c.plain[:1000] for c in cues[:400])
    try:
        return detect_language(sample)[0]
    except SubalignError:
        return "en"


def cut_cues(cues: Sequence[Cue], lang: str) -> tuple[list[Cue], list[int]]:
    """The matching units of a track and, for each, the position of its cue.

    A cue (or translation line) longer than the aligner's long-sentence limit
    (:func:`subalign.text.segment.max_chars`) is **matched by its pieces**: cut
    where the aligner cuts a long sentence
    (:func:`subalign.text.segment.cut_long_text`), its time shared among them by
    length.  So what the encoder sees per unit is bounded and a track that is
    one enormous line costs time and memory in proportion to its length.
    Other cues are their own unit; :func:`merge_unit_links` maps links back.
    """
    from subalign.text.segment import cut_long_text, max_chars

    limit = max_chars(lang)
    units: list[Cue] = []
    owner: list[int] = []
    for k, c in enumerate(cues):
        plain = " ".join(c.plain.split())
        spans = cut_long_text(plain, lang) if len(plain) > limit else []
        if len(spans) < 2:
            units.append(c)
            owner.append(k)
            continue
        times = split_span(c.start_ms, c.end_ms, [b - a for a, b in spans])
        for (x, y), (start, end) in zip(spans, times):
            units.append(Cue(c.number, c.position, start, end, plain[x:y], plain[x:y]))
            owner.append(k)
    return units, owner


def merge_unit_links(
    links: Sequence[tuple[Sequence[int], Sequence[int], float]], owner_a: Sequence[int], owner_b: Sequence[int]
) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """Links over units (see :func:`cut_cues`) as links over cues.

    Units become their cues; links that share a cue (its pieces went to
    several links) merge with everything between them, so each cue is in
    exactly one link.  A merged link's score is the mean of its parts' scores.
    """
    out: list[list] = []  # [a cues, b cues, scores of the parts with both sides]
    last_with = [-1, -1]  # per side: index in out of the last link with cues on that side
    for la, lb, score in links:
        sides = ([owner_a[u] for u in la], [owner_b[u] for u in lb])
        start = len(out)
        for side, cues in enumerate(sides):
            j = last_with[side]
            if cues and j >= 0 and out[j][side][-1] == cues[0]:
                start = min(start, j)
        if start == len(out):
            out.append([[], [], []])
        for other in out[start + 1 :]:  # each link is merged away once: linear overall
            _extend(out[start][0], other[0])
            _extend(out[start][1], other[1])
            out[start][2].extend(other[2])
        del out[start + 1 :]
        _extend(out[start][0], sides[0])
        _extend(out[start][1], sides[1])
        if la and lb:
            out[start][2].append(score)
        for side in (0, 1):
            last_with[side] = start if out[start][side] else min(last_with[side], start)
    return [(tuple(a), tuple(b), round(float(np.mean(sc)), 4) if sc else 0.0) for a, b, sc in out]


def _extend(dst: list, src: Sequence) -> None:
    """Append *src* to *dst*; owners are monotone, so only the first may repeat the last."""
    for x in src:
        if not dst or dst[-1] != x:
            dst.append(x)


def _links_from_beads(beads, sw, tw, scorer: TimeScorer | None) -> list[CueLink]:
    links = []
    for i0, i1, j0, j1 in beads:
        sim = ov = 0.0
        if i1 > i0 and j1 > j0:
            sim = float(sw.emb[i1 - i0][i0] @ tw.emb[j1 - j0][j0])
            if scorer is not None:
                ov = float(scorer.overlap(i0, i1, np.array([j0]), np.array([j1]))[0][0])
        links.append(CueLink(tuple(range(i0, i1)), tuple(range(j0, j1)), round(max(sim, 0.0), 4), round(ov, 4)))
    return links


def align_cues(
    a: Sequence[Cue],
    b: Sequence[Cue],
    encoder,
    options: DualOptions | None = None,
    *,
    lang_a: str | None = None,
    lang_b: str | None = None,
) -> DualResult:
    """Align two subtitle tracks of one film by meaning and time (see the module docstring)."""
    from threadpoolctl import threadpool_limits

    from subalign.aligner.core import AlignOptions
    from subalign.aligner.band import coarse_path
    from subalign.aligner.dp import band_around, band_dp
    from subalign.aligner.scoring import BeadScorer, ScoreParams
    from subalign.aligner.windows import embed_windows

    opts = options or DualOptions()
    types = opts.bead_types()
    # Tracks in time order (files are sorted when read; API callers may not be).
    a, b = sorted(a, key=lambda c: c.start_ms), sorted(b, key=lambda c: c.start_ms)
    if not a or not b:
        raise SubalignError("both subtitle tracks need at least one cue")
    la = lang_a or track_language(a)
    lb = lang_b or track_language(b)
    cues_a, cues_b = a, b
    # Everything below works on matching units: cues, with enormous ones cut (cut_cues).
    (a, own_a), (b, own_b) = cut_cues(cues_a, la), cut_cues(cues_b, lb)
    kmax = max(max(x, y) for x, y in types)
    sw = embed_windows(cue_document(a, la), encoder, kmax, exact=AlignOptions().exact_window)
    tw = embed_windows(cue_document(b, lb), encoder, kmax, exact=AlignOptions().exact_window)
    # Cue texts are short: length ratios matter less than in prose; no paragraphs.
    sw.paras = tw.paras = None
    meaning = BeadScorer(sw, tw, ScoreParams(paragraph_penalty=0.0))
    n, m = len(a), len(b)
    with threadpool_limits(limits=1, user_api="blas"):
        path = coarse_path(sw.emb[1], tw.emb[1], sw.lens, tw.lens)
        lo, hi = band_around(path, n, m, opts.band_width)
        beads = band_dp(n, m, lo, hi, types, meaning)
        links = _links_from_beads(beads, sw, tw, None)
        offset = drift = 0.0
        inliers, resid = 0, 0.0
        for _ in range(max(opts.iterations, 1)):
            xs, ys = _fit_points(links, a, b)
            offset, drift, inliers, resid = fit_clock(xs, ys, opts.inlier_ms)
            points = [(0, 0)] + [(i1, j1) for _, i1, _, j1 in beads]
            clocks = [(offset, drift)]
            if len(xs) < FEW_FIT_POINTS and (offset, drift) != (0.0, 0.0):
                clocks.append((0.0, 0.0))  # too little evidence for a fit: also try the tracks as they are
            best = None
            for off, dr in clocks:
                scorer = TimeScorer(meaning, a, b, off, dr, opts)
                lo, hi = _union_band(band_around(points, n, m, opts.band_width), _time_band(scorer, n, m, opts.band_width))
                cand = band_dp(n, m, lo, hi, types, scorer)
                total = _path_score(cand, scorer)
                if best is None or total > best[0]:
                    best = (total, cand, scorer)
            _, beads, scorer = best
            links = _links_from_beads(beads, sw, tw, scorer)
        xs, ys = _fit_points(links, a, b)
        offset, drift, inliers, resid = fit_clock(xs, ys, opts.inlier_ms)
        links = _links_from_beads(beads, sw, tw, None)
    clock = TimeScorer(None, cues_a, cues_b, offset, drift, opts)
    merged = merge_unit_links([(lk.a, lk.b, lk.score) for lk in links], own_a, own_b)
    links = [CueLink(ca, cb, score, _overlap(clock, ca, cb)) for ca, cb, score in merged]
    return DualResult(
        cues_a, cues_b, links, offset, drift, inliers, resid, la, lb,
        params=dataclasses.asdict(opts),
    )


FEW_FIT_POINTS = 20


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
    from subalign.aligner.dp import band_around

    # Row i (first i A cues done) ↔ column j = number of B cues starting before A cue i starts.
    js = np.searchsorted(np.sort(scorer.b_start), scorer.a_start, side="left")
    js = np.maximum.accumulate(np.clip(js, 0, m))
    points = [(0, 0)] + [(i, int(js[i])) for i in range(1, n)] + [(n, m)]
    return band_around(points, n, m, width)


def _union_band(b1, b2) -> tuple[np.ndarray, np.ndarray]:
    lo = np.minimum(b1[0], b2[0])
    hi = np.maximum(b1[1], b2[1])
    return np.maximum.accumulate(lo), np.maximum.accumulate(hi)


def split_span(start: int, end: int, weights: Sequence[float]) -> list[tuple[int, int]]:
    """``[start, end)`` cut into consecutive pieces in proportion to *weights* (integer ms)."""
    total = float(sum(max(w, 1e-9) for w in weights))
    out, acc = [], 0.0
    prev = start
    for k, w in enumerate(weights):
        acc += max(w, 1e-9)
        stop = end if k == len(weights) - 1 else start + int(round((end - start) * acc / total))
        out.append((prev, max(prev, stop)))
        prev = max(prev, stop)
    return out
