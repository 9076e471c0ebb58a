"""Dual-language subtitles: align the cues of two tracks by meaning *and* time.

Tools that merge two subtitle tracks usually pair cues by time overlap alone,
which fails as soon as the tracks are segmented differently (Chinese cues are
shorter and split elsewhere) or one track is shifted.  Here the cues of both
tracks are aligned with the sentence aligner's banded DP over m-n beads
(:func:`subalign.aligner.band.align_beads`); each bead is scored by embedding similarity
(:class:`subalign.aligner.scoring.BeadScorer`) plus a time term
(:class:`subalign.subs.cuealign.TimeScorer`), in :func:`subalign.subs.cuealign.align_cues`:

1. align by meaning only;
2. fit the clock of B against A, ``t_B = t_A * (1 + drift) + offset``, robustly
   (Theil-Sen slope, median intercept, then least squares on the inliers) from
   the starts and ends of the linked cue groups;
3. realign with the time term (temporal IoU of the A span and the B span mapped
   onto A's clock, minus a penalty growing with the gap between them), refit,
   and realign once more.

Then every link becomes one bilingual cue (:func:`merge_cues`): the lines of
each language are joined and re-wrapped to a maximum display width per line
(East Asian wide/full-width characters count 2, see :func:`display_width`).
Cues without a counterpart stay single-language.

Two tracks, the English one two seconds late:

>>> from subalign.encoders import load_encoder
>>> from subalign.subs.read import parse_subtitles
>>> zh = parse_subtitles("1\\n00:00:01,000 --> 00:00:03,000\\n工人们罢工了。\\n\\n"
...                      "2\\n00:00:03,500 --> 00:00:05,000\\n老板跑了。\\n", "srt")
>>> en = parse_subtitles("1\\n00:00:03,000 --> 00:00:05,000\\nThe workers went on strike.\\n\\n"
...                      "2\\n00:00:05,500 --> 00:00:07,000\\nThe boss ran away.\\n", "srt")
>>> result = align_cues(zh, en, load_encoder("use-m3"))
>>> [(link.a, link.b) for link in result.links], result.offset_ms
([((0,), (0,)), ((1,), (1,))], 2000.0)
>>> print(write_dual(merge_cues(result), "srt"))
1
00:00:01,000 --> 00:00:03,000
工人们罢工了。
The workers went on strike.
<BLANKLINE>
2
00:00:03,500 --> 00:00:05,000
老板跑了。
The boss ran away.
<BLANKLINE>
<BLANKLINE>
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from subalign.errors import SubalignError
from subalign.subs.cuealign import CueLink, DualOptions, DualResult, align_cues  # DualOptions, align_cues: re-exported, the steps of a dual run
from subalign.subs.wrap import char_width, language_lines
from subalign.subs.write import DUAL_STYLES, AssEvent, write_ass, write_srt, write_vtt
from subalign.types import Cue

__all__ = ["DualOptions", "align_cues", "merge_cues", "result_json", "summary", "write_dual"]


# ----------------------------------------------------------------------------- merging


@dataclass(frozen=True)
class DualCue:
    """One output cue: timing (in the output clock) and the lines of each language."""

    start_ms: int
    end_ms: int
    top: tuple[str, ...]  # lines of the top language
    bottom: tuple[str, ...]  # lines of the other language
    link: CueLink

    def cue(self, number: int) -> Cue:
        text = "\n".join(self.top + self.bottom)
        return Cue(number, number - 1, self.start_ms, self.end_ms, text, " ".join(text.split()))


def merge_cues(
    result: DualResult,
    *,
    top: str = "zh",
    timing: str = "a",
    max_width: dict[str, int] | None = None,
) -> list[DualCue]:
    """One bilingual cue per link, in film order.

    *timing*: ``a`` (A's cue times; B-only cues mapped onto A's clock), ``b``
    (B's times; A-only cues mapped onto B's clock) or ``union`` (the union of
    both spans, on A's clock).  *top* is the language shown first (``zh`` or
    ``en``); *max_width* maps a language to its maximum line width in columns
    (CJK characters count 2).
    """
    if timing not in ("a", "b", "union"):
        raise SubalignError(f"--timing must be a, b or union, not {timing!r}")
    widths = {"zh": 32, "en": 42} | (max_width or {})
    out: list[DualCue] = []
    for lk in result.links:
        ca = [result.a[i] for i in lk.a]
        cb = [result.b[j] for j in lk.b]
        spans_a = [(ca[0].start_ms, ca[-1].end_ms)] if ca else []
        spans_b = [(cb[0].start_ms, cb[-1].end_ms)] if cb else []
        if timing == "b":
            span = spans_b[0] if cb else tuple(result.to_b_clock(t) for t in spans_a[0])
        else:
            mapped = [tuple(result.to_a_clock(t) for t in spans_b[0])] if cb else []
            if timing == "a":
                span = spans_a[0] if ca else mapped[0]
            else:
                both = spans_a + mapped
                span = (min(s for s, _ in both), max(e for _, e in both))
        start = max(0, int(round(span[0])))
        end = max(start, int(round(span[1])))
        lines_a = language_lines(ca, result.lang_a, widths.get(result.lang_a, 42)) if ca else []
        lines_b = language_lines(cb, result.lang_b, widths.get(result.lang_b, 42)) if cb else []
        if result.lang_b == top and result.lang_a != top:
            first, second = lines_b, lines_a
        else:
            first, second = lines_a, lines_b
        out.append(DualCue(start, end, tuple(first), tuple(second), lk))
    out.sort(key=lambda d: d.start_ms)  # stable: links keep film order on ties
    return out


def write_dual(
    merged: Sequence[DualCue],
    fmt: str,
    *,
    top_lang: str = "zh",
    styles: dict | None = None,
) -> str:
    """SRT, VTT or ASS text for merged cues.

    ASS: Chinese lines in the ``Primary`` style, other lines in the smaller
    ``Secondary`` style of :data:`subalign.subs.write.DUAL_STYLES` (one event per cue,
    lines restyled with ``{\\r...}``).
    """
    cues = [d.cue(k) for k, d in enumerate(merged, 1)]
    if fmt == "srt":
        return write_srt(cues, renumber=True)
    if fmt == "vtt":
        return write_vtt(cues)
    if fmt in ("ass", "ssa"):
        events = []
        for d, cue in zip(merged, cues):
            def style(line: str) -> str:
                return "Primary" if any(char_width(c) == 2 for c in line) else "Secondary"

            line_styles = tuple(style(ln) for ln in d.top + d.bottom)
            main = line_styles[0] if line_styles else "Primary"
            events.append(AssEvent(cue, main, tuple(s if s != main else None for s in line_styles)))
        return write_ass(events, styles or DUAL_STYLES)
    raise SubalignError(f"unknown dual output format {fmt!r} (expected srt, ass, vtt or json)")


def result_json(result: DualResult, extra: dict | None = None) -> str:
    """The review file: links with cue numbers as written in the files, offset (s) and drift."""
    links = []
    for lk in result.links:
        links.append({
            "a": [result.a[i].number for i in lk.a],
            "b": [result.b[j].number for j in lk.b],
            "score": lk.score,
            "overlap": lk.overlap,
        })
    doc = {
        "links": links,
        "offset": round(result.offset_ms / 1000.0, 3),
        "drift": round(result.drift, 6),
        "clock": "t_b = t_a * (1 + drift) + offset (seconds)",
        "languages": {"a": result.lang_a, "b": result.lang_b},
        "fit": {"inliers": result.inliers, "median_residual_s": round(result.residual_ms / 1000.0, 3)},
        "unmatched": {
            "a": [c.number for c in result.unmatched_a],
            "b": [c.number for c in result.unmatched_b],
        },
    }
    if extra:
        doc.update(extra)
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def summary(result: DualResult) -> str:
    kinds: dict[str, int] = {}
    for lk in result.links:
        kinds[lk.kind] = kinds.get(lk.kind, 0) + 1
    ks = ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]))
    return (
        f"{len(result.a)} {result.lang_a} / {len(result.b)} {result.lang_b} cues, {len(result.links)} links ({ks}); "
        f"offset {result.offset_ms / 1000:+.3f} s, drift {result.drift * 100:+.4f} %"
    )
