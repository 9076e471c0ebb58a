"""Saved outputs read back as the objects their writers take: an alignment from its JSON alone (no
texts needed), quote matches from a quotes JSON, glossary entries from a glossary file.

The report page and ``subalign apply`` both go through these, so the page's exports and the
command's outputs are built from the same values.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from subalign.errors import SubalignError
from subalign.glossary.formats import read_glossary
from subalign.glossary.pairing import GlossaryEntry
from subalign.quotes.units import Candidate, QuoteMatch
from subalign.subs.cues import parse_timestamp
from subalign.text.textio import read_text
from subalign.types import Alignment, Anchor, Cue, Document, Link, Quote, Sentence

__all__ = ["alignment_from_saved", "finite_number", "glossary_entries", "load_json", "quote_matches", "read_glossary_entries", "saved_confidence",
           "whole_number"]

_ID_RE = re.compile(r"p(\d+)\.s(\d+)")


def load_json(data: Any, what: str) -> Any:
    """*data* parsed if it is JSON text, else as given; bad JSON is a one-line error."""
    if not isinstance(data, str):
        return data
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise SubalignError(f"not {what} ({type(exc).__name__}: {exc})") from None


def whole_number(x: Any, what: str) -> int:
    """*x* as an int if it is a whole finite number (JSON gives 3.0 too), else a one-line error naming *what*."""
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x) or int(x) != x:
        raise SubalignError(f"{what} must be a whole number, got {x!r}")
    return int(x)


def _float(x: Any, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise SubalignError(f"{what} must be a number, got {x!r}")
    return float(x)


def _anchor(a: Any, what: str) -> Anchor:
    """An :class:`Anchor` from a saved anchor dict (``paragraph``/``sentence``, else read from its ``id``)."""
    if not isinstance(a, dict):
        raise SubalignError(f"{what} must be an object")
    para, sent = a.get("paragraph"), a.get("sentence")
    if para is None or sent is None:
        m = _ID_RE.fullmatch(str(a.get("id", "")))
        if m is None:
            raise SubalignError(f"{what} has no paragraph/sentence and no id like p12.s3")
        para, sent = m.groups()
        para, sent = int(para), int(sent)
    return Anchor(whole_number(para, f"{what}: paragraph"), whole_number(sent, f"{what}: sentence"),
                  whole_number(a.get("start", 0), f"{what}: start"), whole_number(a.get("end", 0), f"{what}: end"))


# --------------------------------------------------------------------------- alignment


def _sentence_texts(text: Any, anchors: list[Anchor], sep: str, what: str) -> list[str]:
    """Cut a link's saved text back into its sentences by their anchors' lengths (a sentence is
    its text slice, and the link's text is the sentences joined with *sep*)."""
    if not isinstance(text, str):
        raise SubalignError(f"{what}: no saved text")
    parts, pos = [], 0
    for k, a in enumerate(anchors):
        if k:
            if text[pos : pos + len(sep)] != sep:
                parts = None
                break
            pos += len(sep)
        parts.append(text[pos : pos + a.end - a.start])
        pos += a.end - a.start
    if parts is None or pos != len(text):
        raise SubalignError(f"{what}: the saved text does not cut into its sentences; give the texts it was made from")
    return parts


def _side(obj: dict, rows: list, key: str, side: str) -> Document:
    info = obj.get(key) if isinstance(obj.get(key), dict) else {}
    lang = str(info.get("lang") or "")
    sep = "" if lang in ("zh", "ja") else " "
    sentences: list[Sentence] = []
    for n, row in enumerate(rows, 1):
        what = f"link {n} of the alignment JSON ({side})"
        idx = row.get(key)
        anchors_raw = row.get(f"{key}_anchors")
        if not isinstance(idx, list) or not isinstance(anchors_raw, list) or len(anchors_raw) != len(idx):
            raise SubalignError(f"{what}: needs '{key}' and '{key}_anchors' lists of one length")
        anchors = [_anchor(a, f"{what}: anchor") for a in anchors_raw]
        for i, a in zip(idx, anchors):
            if whole_number(i, f"{what}: sentence index") != len(sentences):
                raise SubalignError(
                    f"the alignment JSON does not take the {side}'s sentences once each in order "
                    f"(expected sentence {len(sentences)}, found sentence {i})"
                )
            sentences.append(Sentence(len(sentences), "", a))
        if anchors:
            texts = _sentence_texts(row.get(f"{key}_text"), anchors, sep, what)
            for k, t in enumerate(texts):
                s = sentences[len(sentences) - len(texts) + k]
                sentences[s.index] = Sentence(s.index, t, s.anchor)
    n = info.get("n_sentences")
    if n is not None and n != len(sentences):
        raise SubalignError(f"the alignment JSON says the {side} has {n} sentences, its links hold {len(sentences)}")
    script = info.get("script")
    return Document("", sentences, lang, str(script) if script else None, str(info.get("encoding") or "utf-8"),
                    str(info["path"]) if info.get("path") is not None else None)


def finite_number(x: Any) -> float | None:
    """*x* as a float if it is a finite number, else None (a saved file may say null, NaN, true or text)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        return None
    return float(x)


def saved_confidence(x: Any) -> float | None:
    """A link's saved ``confidence``: a probability (a finite number in 0..1), else None
    (older files have none; null, NaN or text mean none too)."""
    v = finite_number(x)
    return v if v is not None and 0.0 <= v <= 1.0 else None


def alignment_from_saved(data: str | dict) -> Alignment:
    """An :class:`Alignment` from ``aligner.formats.to_json`` output alone: the sentences are
    recovered from the links' saved texts and anchors (use
    :func:`subalign.report.views.alignment_from_json` when the texts are at hand)."""
    obj = load_json(data, "a subalign alignment JSON")
    rows = obj.get("links") if isinstance(obj, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise SubalignError("not a subalign alignment JSON (no 'links' list of objects)")
    src, tgt = _side(obj, rows, "src", "review"), _side(obj, rows, "tgt", "translation")
    links = []
    for n, r in enumerate(rows, 1):
        if not r["src"] and not r["tgt"]:
            raise SubalignError(f"link {n} of the alignment JSON links nothing")
        links.append(Link(tuple(r["src"]), tuple(r["tgt"]), finite_number(r.get("score")) or 0.0,
                          saved_confidence(r.get("confidence"))))
    return Alignment(src, tgt, links, str(obj.get("model", "")), dict(obj.get("params") or {}))


# --------------------------------------------------------------------------- quotes


def _plains(text: str, n: int) -> list[str]:
    """*n* cue texts whose `` / ``-join is *text* (what ``Candidate.subtitle_text`` joined)."""
    if n <= 1:
        return [text][:n]
    parts = text.split(" / ")
    if len(parts) < n:  # not from a writer (n cue texts joined have n parts at least)
        return [text] + [""] * (n - 1)
    return parts[: n - 1] + [" / ".join(parts[n - 1 :])]


def _candidate(c: Any, what: str) -> Candidate:
    if not isinstance(c, dict):
        raise SubalignError(f"{what} must be an object")
    numbers = c.get("cues")
    if not isinstance(numbers, list) or not numbers:
        raise SubalignError(f"{what}: 'cues' must be a non-empty list of cue numbers")
    numbers = [whole_number(x, f"{what}: cue number") for x in numbers]
    start = parse_timestamp(str(c.get("start", "")))
    end = parse_timestamp(str(c.get("end", "")))
    plains = _plains(str(c.get("subtitle_text") or ""), len(numbers))
    cues = tuple(Cue(num, k, start, end, p, p) for k, (num, p) in enumerate(zip(numbers, plains)))
    score = _float(c.get("score"), f"{what}: score")
    sim = c.get("similarity")
    conf = c.get("confidence")
    return Candidate(cues, score, score if sim is None else _float(sim, f"{what}: similarity"),
                     str(c.get("matched_text") or ""),
                     confidence=None if conf is None else _float(conf, f"{what}: confidence"))


def _row_best(q: dict, what: str) -> Candidate | None:
    if q.get("best") is not None:
        return _candidate(q["best"], f"{what}: best")
    cues = q.get("cues") or []
    if not cues:
        return None  # an older file: the found place only as the row's cues
    if not isinstance(cues, list) or not all(isinstance(c, dict) for c in cues):
        raise SubalignError(f"{what}: 'cues' must be a list of objects")
    return _candidate({"cues": [c.get("number") for c in cues], "start": q.get("start") or cues[0].get("start"),
                       "end": q.get("end") or cues[-1].get("end"), "score": q.get("score"),
                       "subtitle_text": q.get("subtitle_text")}, what)


def _quote_match(q: Any, i: int) -> QuoteMatch:
    what = f"quote {i + 1}"
    if not isinstance(q, dict):
        raise SubalignError(f"{what} is not an object")
    status = q.get("status")
    if status not in ("found", "not_found"):
        raise SubalignError(f"{what}: status must be 'found' or 'not_found', got {status!r}")
    wording = str(q.get("quote") or "")
    best = _row_best(q, what)
    if status == "found" and best is None:
        raise SubalignError(f"{what}: found, but no cues saved")
    runners = q.get("runner_up") or []
    if not isinstance(runners, list):
        raise SubalignError(f"{what}: 'runner_up' must be a list")
    quote = None
    if q.get("anchor"):
        a = _anchor(q["anchor"], f"{what}: anchor")
        quote = Quote(whole_number(q.get("index", i), f"{what}: index"), tuple(wording.split(" … ")), ((a.start, a.end),), a,
                      str(q.get("context") or ""))
    bg = q.get("background")
    return QuoteMatch(
        str(q.get("matched_as") or wording), status, best,
        [_candidate(c, f"{what}: runner-up {k + 1}") for k, c in enumerate(runners)],
        float(bg) if isinstance(bg, (int, float)) and not isinstance(bg, bool) else 0.0,
        quote, str(q.get("note") or ""),
        _features(q.get("features"), what),
        _candidate(q["via"], f"{what}: via") if q.get("via") is not None else None,
    )


def _features(x: Any, what: str) -> dict[str, float]:
    """What the quote decision saw, as saved (a name → number map)."""
    if x is None:
        return {}
    if not isinstance(x, dict):
        raise SubalignError(f"{what}: 'features' must be an object")
    return {str(k): _float(v, f"{what}: feature {k}") for k, v in x.items()}


def quote_matches(quotes: Any) -> list[QuoteMatch]:
    """QuoteMatch objects as given, or rebuilt from a saved quotes JSON (text, dict or its rows)."""
    if quotes is None:
        return []
    quotes = load_json(quotes, "a subalign quotes JSON")
    if isinstance(quotes, dict):
        quotes = quotes.get("quotes")
        if not isinstance(quotes, list):
            raise SubalignError("not a subalign quotes JSON (no 'quotes' list)")
    return [q if isinstance(q, QuoteMatch) else _quote_match(q, i) for i, q in enumerate(quotes)]


# --------------------------------------------------------------------------- glossary


def _strings(x: Any, what: str) -> tuple[str, ...]:
    if x is None:
        return ()
    if not isinstance(x, list):
        raise SubalignError(f"{what} must be a list")
    return tuple(str(v) for v in x)


def _entry(e: Any, i: int) -> GlossaryEntry:
    what = f"glossary entry {i + 1}"
    if isinstance(e, (tuple, list)):
        return GlossaryEntry(str(e[0]), str(e[1]), "", 0.0, 0)
    if not isinstance(e, dict):
        raise SubalignError(f"{what} is not an object")
    anchors = e.get("anchors") or []
    if not isinstance(anchors, list):
        raise SubalignError(f"{what}: 'anchors' must be a list")
    return GlossaryEntry(
        str(e.get("en", "")), str(e.get("zh", "")), str(e.get("type") or ""),
        _float(e.get("score", 0.0), f"{what}: score"), whole_number(e.get("count", 0), f"{what}: count"),
        tuple(_anchor(a, f"{what}: anchor") for a in anchors), (),
        _strings(e.get("evidence"), f"{what}: evidence"), str(e.get("context_en") or ""),
        str(e.get("context_zh") or ""), str(e.get("zh_hant") or ""), str(e.get("pinyin") or ""),
    )


def glossary_entries(glossary: Any) -> list[GlossaryEntry]:
    """GlossaryEntry objects as given, rebuilt from a saved glossary JSON, or made from ``(en, zh)``
    pairs (type empty, score and count 0: a pair list knows nothing more)."""
    if glossary is None:
        return []
    glossary = load_json(glossary, "a subalign glossary JSON")
    if isinstance(glossary, dict):
        glossary = glossary.get("entries")
        if not isinstance(glossary, list):
            raise SubalignError("not a subalign glossary JSON (no 'entries' list)")
    return [e if isinstance(e, GlossaryEntry) else _entry(e, i) for i, e in enumerate(glossary)]


def read_glossary_entries(path: str | Path) -> list[GlossaryEntry]:
    """A glossary file read the way ``subalign report --glossary`` reads it: a ``.json`` with
    everything, any other format as its ``(en, zh)`` pairs."""
    if Path(path).suffix.lower() == ".json":
        text, _ = read_text(path)
        return glossary_entries(load_json(text, "a subalign glossary JSON"))
    return glossary_entries(read_glossary(path))
