"""Writing quote-finder results: TSV, JSON, and an SRT of the quoted clips with its sidecar."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import Any

from subalign.aligner.formats import TsvDialect, anchor_dict, flat
from subalign.quotes.units import Candidate, QuoteMatch
from subalign.subs.cues import format_timestamp
from subalign.subs.write import write_srt
from subalign.errors import SubalignError
from subalign.types import Anchor, Cue


def _numbers(cues: Sequence[Cue]) -> str:
    return ",".join(str(c.number) for c in cues)


#: New columns go at the end, so readers of the older columns by position still work.
TSV_COLUMNS = ["quote", "anchor", "status", "cues", "start", "end", "score", "subtitle_text", "confidence"]
#: Added after TSV_COLUMNS when the matches came through a second track (``--via``).
VIA_COLUMNS = ["via_cues", "via_start", "via_end", "via_text"]
#: Always last, after the via columns if any: what the matcher says of the quote (a long
#: quotation matched by its beginning, placed by the review's order, …), or empty.
NOTE_COLUMN = "note"


def _confidence(c: Candidate | None) -> str:
    return f"{c.confidence:.3f}" if c is not None and c.confidence is not None else ""


def _cells(c: Candidate | None) -> list[str]:
    """cues, start, end, text of a matched place (empty cells when there is none)."""
    if c is None:
        return ["", "", "", ""]
    return [_numbers(c.cues), format_timestamp(c.start_ms), format_timestamp(c.end_ms), flat(c.subtitle_text).strip()]


def to_tsv(matches: Sequence[QuoteMatch]) -> str:
    """Header :data:`TSV_COLUMNS` (+ :data:`VIA_COLUMNS` when any match has a via track) + ``note``,
    one row per quote.

    ``cues`` are cue numbers as written in the file; times ``HH:MM:SS,mmm``;
    for ``not_found`` rows cues, times and text are empty and ``score`` and
    ``confidence`` are the best (insufficient) place's.  ``confidence`` is the
    probability that the place is right (empty for a model with no fitted
    decision).  The ``via_*`` cells are the cues of the second track.
    """
    via = any(m.via is not None for m in matches)
    buf = io.StringIO()
    w = csv.writer(buf, dialect=TsvDialect)
    w.writerow(TSV_COLUMNS + (VIA_COLUMNS if via else []) + [NOTE_COLUMN])
    for m in matches:
        anchor = m.anchor.id if m.anchor else ""
        score = f"{m.best.score:.3f}" if m.best else ""
        cues, start, end, text = _cells(m.best if m.found else None)
        row = [flat(m.wording).strip(), anchor, m.status, cues, start, end, score, text, _confidence(m.best)]
        if via:
            row += _cells(m.via if m.found else None)
        w.writerow(row + [flat(m.note).strip()])
    return buf.getvalue()


def _cue_dict(c: Cue) -> dict[str, Any]:
    return {"number": c.number, "start": format_timestamp(c.start_ms), "end": format_timestamp(c.end_ms),
            "start_ms": c.start_ms, "end_ms": c.end_ms, "text": c.text}


def _candidate_dict(c: Candidate) -> dict[str, Any]:
    d: dict[str, Any] = {
        "cues": c.numbers,
        "start": format_timestamp(c.start_ms) if c.cues else None,
        "end": format_timestamp(c.end_ms) if c.cues else None,
        "score": c.score,
        "similarity": c.similarity,
        "confidence": c.confidence,
        "matched_text": c.text,
        "subtitle_text": c.subtitle_text,
    }
    if c.alignment:
        d["alignment"] = [{"cue": n, "quote_sentences": list(units)} for n, units in c.alignment]
    return d


def _anchor_dict(a: Anchor | None) -> dict[str, Any] | None:
    return None if a is None else anchor_dict(a)


def to_json(matches: Sequence[QuoteMatch], *, info: dict[str, Any] | None = None) -> str:
    """Everything in the TSV plus cue details, the best place of not-found quotes,
    runner-up candidates, the background, what the decision saw (``features``),
    the review sentence around the quote, and with a via track its cues (``via_cues``)
    and place (``via``)."""
    rows = []
    for i, m in enumerate(matches):
        row: dict[str, Any] = {
            "index": m.quote.index if m.quote is not None else i,
            "quote": m.wording,
            "matched_as": m.text,
            "anchor": _anchor_dict(m.anchor),
            "context": m.quote.context if m.quote is not None else None,
            "status": m.status,
            "score": m.best.score if m.best else None,
            "confidence": m.confidence,
            "cues": [_cue_dict(c) for c in m.cues],
            "start": format_timestamp(m.best.start_ms) if m.found else None,
            "end": format_timestamp(m.best.end_ms) if m.found else None,
            "subtitle_text": m.best.subtitle_text if m.found else None,
            "best": _candidate_dict(m.best) if m.best else None,
            "background": m.background,
            "features": m.features or None,
            "note": m.note or None,
            "runner_up": [_candidate_dict(c) for c in m.runner_up],
        }
        if m.via is not None:
            row["via_cues"] = [_cue_dict(c) for c in m.via_cues]
            row["via"] = _candidate_dict(m.via)
        rows.append(row)
    found = sum(m.found for m in matches)
    obj = {**(info or {}), "summary": {"quotes": len(matches), "found": found, "not_found": len(matches) - found},
           "quotes": rows}
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


_ASS_OVERRIDE = re.compile(r"\{\\[^{}]*\}")


def to_srt(
    matches: Sequence[QuoteMatch],
    all_cues: Sequence[Cue],
    *,
    context: int = 0,
    srt_name: str | None = None,
) -> tuple[str, str]:
    """``(srt, sidecar_json)``: the quoted clips only, in film order, with original timings.

    Every matched cue shows its subtitle text with the review's wording under
    it (for a quote of several sentences, the sentences aligned to that cue);
    ``context`` neighbouring cues on each side are included as they are.
    Cues are renumbered 1..n; the sidecar maps each output cue to its source
    cue number and to the anchor(s) of the quote(s) it belongs to, each with
    its role (``quote``, or ``context`` for a neighbouring cue), the quote's
    confidence and, through a via track, that track's cue numbers.
    """
    if context < 0:
        raise SubalignError(f"context must not be negative, got {context}")
    cues = list(all_cues)
    pos_of = {(c.number, c.start_ms, c.end_ms): i for i, c in enumerate(cues)}
    # position in all_cues -> {"roles": {match index: "quote"|"context"}, "lines": [wording, ...]}
    entries: dict[int, dict[str, Any]] = {}
    for qi, m in enumerate(matches):
        if not m.found:
            continue
        positions = []
        for c in m.cues:
            p = pos_of.get((c.number, c.start_ms, c.end_ms))
            if p is None:
                raise ValueError(f"cue {c.number} is not in the subtitles given to to_srt")
            positions.append(p)
        per_cue = dict(m.best.alignment)
        for c, p in zip(m.cues, positions):
            e = entries.setdefault(p, {"roles": {}, "lines": []})
            e["roles"][qi] = "quote"
            units = per_cue.get(c.number)
            e["lines"].append("“" + " ".join((" ".join(units) if units else m.wording).split()) + "”")
        lo, hi = min(positions), max(positions)
        for p in [*range(max(0, lo - context), lo), *range(hi + 1, min(len(cues), hi + 1 + context))]:
            entries.setdefault(p, {"roles": {}, "lines": []})["roles"].setdefault(qi, "context")
    out_cues: list[Cue] = []
    sidecar: list[dict[str, Any]] = []
    for n, p in enumerate(sorted(entries, key=lambda p: (cues[p].start_ms, p)), 1):
        c, e = cues[p], entries[p]
        body = _ASS_OVERRIDE.sub("", c.text).strip() or c.plain
        text = "\n".join([body, *dict.fromkeys(e["lines"])])
        out_cues.append(Cue(n, n - 1, c.start_ms, c.end_ms, text, c.plain))
        anchors = []
        for qi, role in e["roles"].items():
            m = matches[qi]
            anchors.append(
                {
                    "anchor": m.anchor.id if m.anchor else None,
                    "start": m.anchor.start if m.anchor else None,
                    "end": m.anchor.end if m.anchor else None,
                    "quote_index": m.quote.index if m.quote is not None else qi,
                    "quote": m.wording,
                    "role": role,
                    "confidence": m.confidence,
                    **({"via_cues": [v.number for v in m.via_cues]} if m.via is not None else {}),
                }
            )
        sidecar.append(
            {
                "cue": n,
                "source_cue": c.number,
                "start": format_timestamp(c.start_ms),
                "end": format_timestamp(c.end_ms),
                "role": "quote" if "quote" in e["roles"].values() else "context",
                "anchors": anchors,
            }
        )
    srt_text = write_srt(out_cues, renumber=True) if out_cues else ""
    side = {"srt": srt_name, "cues": sidecar}
    return srt_text, json.dumps(side, ensure_ascii=False, indent=2) + "\n"
