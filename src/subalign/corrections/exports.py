"""What the corrected results are written as, and the values the report page needs to write the same.

:func:`export_files` writes the corrected alignment (TMX, ladder), quotes (TSV) and glossary
(TSV, TBX) with the project's own writers. :func:`editor_data` gives the page, for the same
results, every string its script cannot compute the way Python does (formatted scores, whole
rows the writers produced, the files' fixed head and tail) plus the inputs' hashes, so the
page's downloads are these files byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import replace
from pathlib import PurePath
from typing import Any

from subalign.aligner import formats as align_formats
from subalign.aligner.formats import confidence_text, flat, tmx_lang
from subalign.corrections.saved import finite_number
from subalign.corrections.state import EditState
from subalign.glossary import formats as glossary_formats
from subalign.glossary.pairing import GlossaryEntry
from subalign.quotes import formats as quote_formats
from subalign.quotes.units import QuoteMatch
from subalign.subs.cues import format_timestamp
from subalign.types import Alignment, Document

__all__ = ["SUFFIXES", "editor_data", "export_files", "export_name", "input_hashes", "name_for", "safe_name"]

#: Each export's file name after the review's name (``review.en.corrected.tmx``).
SUFFIXES = {
    "tmx": ".corrected.tmx",
    "ladder": ".corrected.align",
    "quotes": ".quotes.tsv",
    "glossary_tsv": ".glossary.tsv",
    "glossary_tbx": ".glossary.tbx",
    "corrections": ".corrections.json",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str | None) -> str:
    """*name* made a plain file-name stem (letters, digits, ``._-``; never a path), ``review`` if empty."""
    return _UNSAFE.sub("_", name or "").strip("._")[:80] or "review"


def name_for(path: str | None) -> str:
    """The exports' stem for a review file: ``texts/review.en.txt`` → ``review.en``."""
    return safe_name(PurePath(path).stem if path else None)


def export_name(name: str, kind: str) -> str:
    return safe_name(name) + SUFFIXES[kind]


def export_files(state: EditState, name: str) -> dict[str, str]:
    """File name → text of every export the state's results allow (as the page offers them)."""
    out: dict[str, str] = {}
    a = state.corrected_alignment()
    if a is not None:
        out[export_name(name, "tmx")] = align_formats.to_tmx(a)
        out[export_name(name, "ladder")] = align_formats.to_ladder(a)
    if state.has_quotes:
        out[export_name(name, "quotes")] = quote_formats.to_tsv(state.corrected_quotes())
    if state.has_glossary:
        entries = state.corrected_glossary()
        out[export_name(name, "glossary_tsv")] = glossary_formats.to_tsv(entries)
        out[export_name(name, "glossary_tbx")] = glossary_formats.to_tbx(entries)
    return out


# --------------------------------------------------------------------------- hashes


def _digest(obj: Any) -> str:
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _sentences(doc: Document) -> list[list[str]]:
    return [[s.anchor.id, s.text] for s in doc.sentences]


def input_hashes(state: EditState) -> dict[str, str]:
    """One hash per input, of what the exports are made from (so the page and ``apply``, given
    the same results as objects or as saved files, agree)."""
    out: dict[str, str] = {}
    a = state.alignment
    if a is not None:
        out["review"] = _digest(_sentences(a.src))
        out["translation"] = _digest(_sentences(a.tgt))
        out["alignment"] = _digest(align_formats.to_ladder(a))
    if state.has_quotes:
        out["quotes"] = _digest(_quotes_part([q.match for q in state.quotes]))
    if state.has_glossary:
        out["glossary"] = _digest(_glossary_part([t.entry for t in state.terms]))
    return out


# --------------------------------------------------------------------------- the page's values


def _score(x: float) -> float | str:
    """A score for the page's script: a number, or "NaN" / "Infinity" / "-Infinity" (not JSON numbers)."""
    if math.isfinite(x):
        return x
    return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")


#: How ElementTree writes the two files' ``<body>`` (indented two levels): open, close, empty.
_BODY = ["  <body>\n", "  </body>", "  <body />"]


def _split_body(empty: str) -> tuple[str, str]:
    """A writer's output for no rows, cut around its ``<body />``: the page writes head, rows, tail."""
    head, tail = empty.split(_BODY[2], 1)
    return head, tail


def _side(doc: Document) -> dict[str, Any]:
    return {"ids": [s.anchor.id for s in doc.sentences], "text": [s.text for s in doc.sentences],
            "lang": tmx_lang(doc), "sep": "" if doc.lang in ("zh", "ja") else " "}


def _align_part(a: Alignment) -> dict[str, Any]:
    head, tail = _split_body(align_formats.to_tmx(Alignment(a.src, a.tgt, [], a.model, a.params)))
    return {
        "src": _side(a.src),
        "tgt": _side(a.tgt),
        "tmx_head": head,
        "tmx_tail": tail,
        "body": _BODY,
        "links": [
            [list(lk.src), list(lk.tgt), _score(lk.score), f"{lk.score:.3f}", finite_number(lk.confidence),
             confidence_text(lk.confidence) or None]
            for lk in a.links
        ],
    }


def _tsv_row(text: str) -> str:
    return text.split("\n", 1)[1]


def _quotes_part(matches: list[QuoteMatch]) -> dict[str, Any]:
    rows = []
    for m in matches:
        cands = ([m.best] if m.best is not None else []) + list(m.runner_up)
        variants = [replace(m, status="not_found")] + [replace(m, status="found", best=c) for c in cands]
        rows.append({
            "anchor": m.anchor.id if m.anchor is not None else None,
            "wording": m.wording,
            "status": m.status,
            "line": _tsv_row(quote_formats.to_tsv([m])),
            "lines": [_tsv_row(quote_formats.to_tsv([v])) for v in variants],
            "cands": [
                {"cues": c.numbers, "score": finite_number(c.score), "score_str": f"{c.score:.3f}",
                 "start": format_timestamp(c.start_ms), "end": format_timestamp(c.end_ms),
                 "text": c.subtitle_text}
                for c in cands
            ],
        })
    return {"head": quote_formats.to_tsv([]), "rows": rows}


def _zh_type(e: GlossaryEntry) -> str:
    return "abbreviation" if any(ev.startswith("definition:") and "（" in ev for ev in e.evidence) else "fullForm"


def _glossary_part(entries: list[GlossaryEntry]) -> dict[str, Any]:
    tbx_head, tbx_tail = _split_body(glossary_formats.to_tbx([]))
    rows = []
    for e in entries:
        block = glossary_formats.to_tbx([e]).split(_BODY[0], 1)[1].rsplit(_BODY[1], 1)[0]
        rows.append({
            "en": e.en, "zh": e.zh, "type": e.type,
            "line": _tsv_row(glossary_formats.to_tsv([e])),
            "rest": _tsv_row(glossary_formats.to_tsv([replace(e, en="", zh="")]))[2:],
            "rest_zh": _tsv_row(glossary_formats.to_tsv([replace(e, en="", zh="", zh_hant="", pinyin="")]))[2:],
            "block": block,
            "note": f"score {e.score:.3f}; count {e.count}; anchors {','.join(a.id for a in e.anchors)}; "
                    f"evidence {'; '.join(e.evidence)}",
            "ctx_en": flat(e.context_en), "ctx_zh": flat(e.context_zh), "zh_hant": e.zh_hant,
            "zh_type": _zh_type(e), "pos": "properNoun" if e.type != "term" else "noun",
        })
    return {"tsv_head": glossary_formats.to_tsv([]), "tbx_head": tbx_head, "tbx_tail": tbx_tail, "body": _BODY,
            "rows": rows}


def editor_data(state: EditState, name: str) -> dict[str, Any]:
    """Everything the page's editor needs, JSON-ready; ``key`` names its saved edits in the browser."""
    inputs = input_hashes(state)
    out: dict[str, Any] = {
        "name": safe_name(name),
        "inputs": inputs,
        "key": _digest(inputs)[7:23],
        "align": _align_part(state.alignment) if state.alignment is not None else None,
        "quotes": None,
        "glossary": None,
    }
    if state.has_quotes:
        out["quotes"] = _quotes_part([q.match for q in state.quotes])
        for row, q in zip(out["quotes"]["rows"], state.quotes):
            row["conf"] = finite_number(getattr(q.match, "confidence", None))
    if state.has_glossary:
        out["glossary"] = _glossary_part([t.entry for t in state.terms])
    return out
