"""Cues as the aligner's sentences: a track as a :class:`Document`, its language, enormous cues
cut into matching units and links over units mapped back to cues. Shared by
:mod:`subalign.subs.cuealign` (dual) and :mod:`subalign.subs.retime`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from subalign.errors import SubalignError
from subalign.text.langid import detect_language
from subalign.text.segment import cut_long_text, max_chars
from subalign.types import Anchor, Cue, Document, Sentence

__all__ = ["cue_document", "cut_cues", "merge_unit_links", "split_span", "track_language"]


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
