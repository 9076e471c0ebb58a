"""What the report shows, read from saved JSON and checked against the documents: quote and glossary
views (:class:`QuoteView`, :class:`GlossView`) and an alignment from its JSON file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from subalign.errors import SubalignError
from subalign.corrections.saved import finite_number, load_json, saved_confidence, whole_number
from subalign.glossary.check import TermFinder, find_literals
from subalign.subs.cues import format_timestamp
from subalign.types import Alignment, Document, Link


# --------------------------------------------------------------------------- views


@dataclass
class QuoteView:
    """What the page needs of one quote (from a QuoteMatch or a saved quotes JSON row)."""

    index: int
    wording: str
    anchor: str | None
    spans: list[tuple[int, int]]  # character spans in the review text
    status: str
    score: float | None = None
    cues: list[dict[str, Any]] = field(default_factory=list)  # number, start, end, text
    subtitle_text: str | None = None
    note: str | None = None

    @property
    def found(self) -> bool:
        return self.status == "found"


@dataclass
class GlossView:
    """One glossary entry with its occurrences (character spans) on both sides."""

    index: int
    en: str
    zh: str
    type: str = ""
    count: int | None = None
    score: float | None = None
    src_spans: list[tuple[int, int]] = field(default_factory=list)
    tgt_spans: list[tuple[int, int]] = field(default_factory=list)


def _plain(x: Any) -> int | str | None:
    """A saved value to show and to put back in the page's JSON (no NaN, no nested objects)."""
    if x is None or (isinstance(x, int) and not isinstance(x, bool)) or isinstance(x, str):
        return x
    return str(x)


def _opt_str(x: Any) -> str | None:
    return None if x is None else str(x)


def quote_views(quotes: Any, src: Document | None = None) -> list[QuoteView]:
    """QuoteMatch objects, a saved quotes JSON (str or parsed dict), or its ``quotes`` list.

    With *src*, saved rows are checked against that review first (:func:`check_saved_quotes`).
    """
    if quotes is None:
        return []
    quotes = load_json(quotes, "a subalign quotes JSON")
    if isinstance(quotes, dict):
        if src is not None:
            check_saved_quotes(quotes, src)
        quotes = quotes.get("quotes", [])
    elif src is not None and any(isinstance(q, dict) for q in quotes):
        check_saved_quotes({"quotes": list(quotes)}, src)
    out: list[QuoteView] = []
    for i, q in enumerate(quotes):
        if isinstance(q, dict):
            out.append(_quote_row(q, i))
            continue
        # a QuoteMatch
        quote = getattr(q, "quote", None)
        anchor = q.anchor
        if quote is not None:
            spans = [tuple(s) for s in quote.spans]
        elif anchor is not None:
            spans = [(anchor.start, anchor.end)]
        else:
            spans = []
        found = q.found
        out.append(
            QuoteView(
                index=quote.index if quote is not None else i,
                wording=q.wording,
                anchor=anchor.id if anchor is not None else None,
                spans=spans,  # type: ignore[arg-type]
                status=q.status,
                score=q.best.score if q.best is not None else None,
                cues=[
                    {"number": c.number, "start": format_timestamp(c.start_ms), "end": format_timestamp(c.end_ms),
                     "text": c.text}
                    for c in q.cues
                ]
                if found
                else [],
                subtitle_text=q.best.subtitle_text if found else None,
                note=q.note or None,
            )
        )
    return out


def _quote_row(q: dict, i: int) -> QuoteView:
    """One row of a saved quotes JSON; any field of the wrong type is a one-line error."""
    where = f"quote {i + 1}"
    a = q.get("anchor") or None
    if a is not None and not isinstance(a, dict):
        raise SubalignError(f"{where}: 'anchor' must be an object")
    spans = []
    if a and "start" in a and "end" in a:
        spans = [(whole_number(a["start"], f"{where}: anchor start"), whole_number(a["end"], f"{where}: anchor end"))]
    cues = q.get("cues") or []
    if not isinstance(cues, list) or not all(isinstance(c, dict) for c in cues):
        raise SubalignError(f"{where}: 'cues' must be a list of objects")
    return QuoteView(
        index=whole_number(q.get("index", i), f"{where}: index"),
        wording=str(q.get("quote") or ""),
        anchor=_opt_str(a.get("id")) if a else None,
        spans=spans,
        status=str(q.get("status") or "not_found"),
        score=finite_number(q.get("score")),
        cues=[
            {"number": _plain(c.get("number")), "start": _plain(c.get("start")), "end": _plain(c.get("end")),
             "text": str(c.get("text") or "")}
            for c in cues
        ],
        subtitle_text=_opt_str(q.get("subtitle_text")),
        note=_opt_str(q.get("note")),
    )


def _sentence_ids(doc: Document) -> dict[str, Any]:
    return {s.anchor.id: s for s in doc.sentences}


def _span_problem(doc: Document, ids: dict, a: dict, what: str) -> str | None:
    """Why the saved anchor *a* does not fit *doc* (its sentence and span), or None."""
    start, end = whole_number(a.get("start"), f"{what}: start"), whole_number(a.get("end"), f"{what}: end")
    if not 0 <= start <= end <= len(doc.text):
        return f"{what} spans characters {start}-{end}, past the end of this text ({len(doc.text)} characters)"
    sid = a.get("id")
    if sid is not None:
        s = ids.get(str(sid))
        if s is None:
            return f"{what} is in sentence {sid}, which this text does not have"
        if not (s.anchor.start <= start <= s.anchor.end):
            return (
                f"{what} starts at character {start}, outside sentence {sid} "
                f"({s.anchor.start}-{s.anchor.end}) of this text"
            )
    return None


def check_saved_quotes(obj: dict, src: Document) -> None:
    """Refuse quotes saved from another review: each quote's anchor must sit in *src* and hold its wording.

    The wording is the quoted parts joined with `` … ``; the anchor spans the first
    part's start to the last part's end, so the text there must start and end with them.
    """
    rows = obj.get("quotes")
    if not isinstance(rows, list):
        raise SubalignError("not a subalign quotes JSON (no 'quotes' list)")
    ids = _sentence_ids(src)
    seen: set[int] = set()
    for i, q in enumerate(rows):
        if not isinstance(q, dict):
            raise SubalignError(f"quote {i + 1} is not an object")
        view = _quote_row(q, i)
        what = f"quote {i + 1} ({view.anchor or 'no anchor'})"
        if view.index in seen:
            raise SubalignError(f"{what}: index {view.index} appears twice")
        seen.add(view.index)
        a = q.get("anchor")
        if not a:
            continue
        problem = _span_problem(src, ids, a, what)
        if problem is None and view.wording:
            parts = view.wording.split(" … ")
            here = src.text[view.spans[0][0] : view.spans[0][1]] if view.spans else ""
            if not (here.startswith(parts[0]) and here.endswith(parts[-1]) and _in_order(parts, here)):
                problem = f"{what}: “{_clip(view.wording)}” is not what this review has there (“{_clip(here)}”)"
        if problem:
            raise SubalignError(f"{problem}; were the quotes found in another review?")


def _in_order(parts: list[str], text: str) -> bool:
    pos = 0
    for p in parts:
        k = text.find(p, pos)
        if k < 0:
            return False
        pos = k + len(p)
    return True


def _clip(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _en_pattern(term: str) -> re.Pattern | None:
    term = term.strip()
    if not term:
        return None
    body = r"\s+".join(re.escape(w) for w in term.split())
    # word boundaries only where the term itself starts / ends with a word character
    pre = r"(?<!\w)" if re.match(r"\w", term[0]) else ""
    post = r"(?!\w)" if re.match(r"\w", term[-1]) else ""
    return re.compile(pre + body + post, re.IGNORECASE)


def glossary_views(glossary: Any, src: Document | None = None, tgt: Document | None = None) -> list[GlossView]:
    """GlossaryEntry objects, a saved glossary JSON (str or dict), or ``(en, zh)`` pairs
    (e.g. from :func:`~subalign.glossary.formats.read_glossary`).

    Entries and JSON carry their occurrences as anchors (a saved JSON's are checked
    against *src* / *tgt*, :func:`check_saved_glossary`); for bare pairs the terms are
    looked up in the texts (English case-insensitively on word boundaries).
    """
    if glossary is None:
        return []
    glossary = load_json(glossary, "a subalign glossary JSON")
    if isinstance(glossary, dict):
        check_saved_glossary(glossary, src, tgt)
        glossary = glossary.get("entries", [])
    glossary = list(glossary)
    pairs = [(str(e[0]), str(e[1])) for e in glossary if isinstance(e, (tuple, list))]
    src_hits: dict[str, list[tuple[int, int]]] = {}
    tgt_hits: dict[str, list[tuple[int, int]]] = {}
    if pairs:
        if src is not None:
            found = TermFinder({en: _en_pattern(en) for en, _ in pairs}).find(src.text)
            src_hits = {en: [m.span() for m in ms] for en, ms in found.items()}
        if tgt is not None:
            tgt_hits = find_literals(tgt.text, [zh.strip() for _, zh in pairs])
    out: list[GlossView] = []
    for i, e in enumerate(glossary):
        if isinstance(e, (tuple, list)):
            en, zh = str(e[0]), str(e[1])
            ss = list(src_hits.get(en, ()))
            ts = list(tgt_hits.get(zh.strip(), ())) if zh.strip() else []
            out.append(GlossView(i, en, zh, "", None, None, ss, ts))
        elif isinstance(e, dict):
            out.append(
                GlossView(
                    i,
                    str(e.get("en", "")),
                    str(e.get("zh", "")),
                    str(e.get("type", "")),
                    whole_number(e["count"], f"glossary entry {i + 1}: count") if e.get("count") is not None else None,
                    finite_number(e.get("score")),
                    _spans(e.get("anchors"), f"glossary entry {i + 1}: anchors"),
                    _spans(e.get("zh_anchors"), f"glossary entry {i + 1}: zh_anchors"),
                )
            )
        else:  # GlossaryEntry
            out.append(
                GlossView(
                    i,
                    e.en,
                    e.zh,
                    e.type,
                    e.count,
                    e.score,
                    [(a.start, a.end) for a in e.anchors],
                    [(a.start, a.end) for a in getattr(e, "zh_anchors", ())],
                )
            )
    return out


def _spans(anchors: Any, what: str) -> list[tuple[int, int]]:
    if anchors is None:
        return []
    if not isinstance(anchors, list) or not all(isinstance(a, dict) for a in anchors):
        raise SubalignError(f"{what} must be a list of objects")
    return [(whole_number(a["start"], what), whole_number(a.get("end"), what)) for a in anchors if "start" in a]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def check_saved_glossary(obj: dict, src: Document | None, tgt: Document | None) -> None:
    """Refuse a glossary JSON saved from other texts: every anchor must sit in its sentence here,
    a Chinese anchor must hold the entry's rendering, and an English one a word of the entry
    (anchors of terms point at inflected forms, ``workers`` for *worker*, and of names at a
    surname alone, ``Tang`` for *Tang Wenjie*)."""
    entries = obj.get("entries")
    if not isinstance(entries, list):
        raise SubalignError("not a subalign glossary JSON (no 'entries' list)")
    src_ids = _sentence_ids(src) if src is not None else {}
    tgt_ids = _sentence_ids(tgt) if tgt is not None else {}
    for i, e in enumerate(entries):
        if not isinstance(e, dict):
            raise SubalignError(f"glossary entry {i + 1} is not an object")
        en, zh = str(e.get("en", "")), str(e.get("zh", ""))
        what = f"glossary entry {i + 1} ({_clip(en, 30)} / {_clip(zh, 20)})"
        for key, doc, ids in (("anchors", src, src_ids), ("zh_anchors", tgt, tgt_ids)):
            anchors = e.get(key) or []
            if doc is None or not anchors:
                continue
            if not isinstance(anchors, list) or not all(isinstance(a, dict) for a in anchors):
                raise SubalignError(f"{what}: '{key}' must be a list of objects")
            for a in anchors:
                problem = _span_problem(doc, ids, a, f"{what}: anchor {a.get('id')}")
                if problem is None:
                    here = doc.text[whole_number(a["start"], what) : whole_number(a["end"], what)]
                    fits = here == zh if key == "zh_anchors" else _shares_a_word(here, en)
                    if not fits:
                        problem = f"{what}: the text at anchor {a.get('id')} is “{_clip(here)}”"
                if problem:
                    raise SubalignError(f"{problem}; was the glossary made from other texts?")


def _shares_a_word(here: str, en: str) -> bool:
    """Does the span hold a word of the entry (allowing English inflection: policies / policy)?"""
    theirs = _words(en)
    for w in _words(here):
        for t in theirs:
            n = min(len(w), len(t))
            k = 0
            while k < n and w[k] == t[k]:
                k += 1
            if k >= max(1, min(n, 4)) and k >= n - 3:
                return True
    return False


# --------------------------------------------------------------------------- alignment from JSON


def alignment_from_json(data: str | dict, src: Document, tgt: Document | None = None) -> Alignment:
    """Rebuild an :class:`Alignment` from ``formats.to_json`` output and the two texts.

    *src* / *tgt* are the loaded documents; the saved links must fit them (sentence
    count, and each saved anchor and text must be the sentence's here), else
    :class:`SubalignError` says which side is out of date.
    """
    obj = load_json(data, "a subalign alignment JSON")
    try:
        rows = obj["links"]
        links = [
            Link(
                tuple(whole_number(i, "a sentence index") for i in r["src"]),
                tuple(whole_number(i, "a sentence index") for i in r["tgt"]),
                finite_number(r.get("score")) or 0.0,
                saved_confidence(r.get("confidence")),
            )
            for r in rows
        ]
    except (KeyError, TypeError, AttributeError) as exc:
        raise SubalignError(f"not a subalign alignment JSON ({type(exc).__name__}: {exc})") from None
    if tgt is None:
        raise SubalignError("an alignment JSON needs the translation too (--translation)")
    for side, doc, key in (("review", src, "src"), ("translation", tgt, "tgt")):
        info = obj.get(key)
        n = info.get("n_sentences") if isinstance(info, dict) else None
        if n is not None and n != len(doc.sentences):
            raise SubalignError(
                f"the alignment JSON was made from a {side} of {n} sentences, this one has {len(doc.sentences)}"
            )
        idx = [i for lk in links for i in getattr(lk, key)]
        if idx and (min(idx) < 0 or max(idx) >= len(doc.sentences)):
            bad = min(idx) if min(idx) < 0 else max(idx)
            raise SubalignError(f"the alignment JSON points outside the {side} (sentence {bad})")
        # a ladder: every sentence once, in reading order (the page lays the text out by it)
        k = next((k for k, i in enumerate(idx) if i != k), len(idx))
        if k < len(doc.sentences):
            got = f"sentence {idx[k]}" if k < len(idx) else "nothing more"
            raise SubalignError(
                f"the alignment JSON does not take the {side}'s sentences once each in order "
                f"(expected sentence {k}, found {got})"
            )
        _check_link_anchors(rows, links, doc, key, side)
    empty = next((n for n, lk in enumerate(links, 1) if not lk.src and not lk.tgt), None)
    if empty is not None:
        raise SubalignError(f"link {empty} of the alignment JSON links nothing")
    return Alignment(src, tgt, links, str(obj.get("model", "")), dict(obj.get("params") or {}))


def _check_link_anchors(rows: list, links: list[Link], doc: Document, key: str, side: str) -> None:
    """Each saved anchor must be this document's sentence, and the saved text its text (spacing aside)."""
    for n, (row, link) in enumerate(zip(rows, links), 1):
        anchors = row.get(f"{key}_anchors")
        if isinstance(anchors, list):
            for i, a in zip(getattr(link, key), anchors):
                s = doc.sentences[i].anchor
                if not isinstance(a, dict) or (a.get("start"), a.get("end"), a.get("id")) != (s.start, s.end, s.id):
                    raise SubalignError(
                        f"link {n} of the alignment JSON puts {side} sentence {i} at {_anchor_text(a)}, "
                        f"this {side} has it at {s.id} {s.start}-{s.end}; was it made from another text?"
                    )
        text = row.get(f"{key}_text")
        if isinstance(text, str):
            mine = "".join(doc.sentences[i].text for i in getattr(link, key))
            if "".join(text.split()) != "".join(mine.split()):
                raise SubalignError(
                    f"link {n} of the alignment JSON has the {side} text “{_clip(text)}”, "
                    f"this {side} has “{_clip(mine)}” there; was it made from another text?"
                )


def _anchor_text(a: Any) -> str:
    if isinstance(a, dict):
        return f"{a.get('id')} {a.get('start')}-{a.get('end')}"
    return repr(a)
