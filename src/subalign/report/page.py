"""A single self-contained HTML page for reviewing an alignment, its quotes and its glossary.

:func:`build_report` takes Python objects (an :class:`~subalign.types.Alignment` or a
bare review :class:`~subalign.types.Document`, the quote finder's
:class:`~subalign.quotes.match.QuoteMatch` list, the glossary's
:class:`~subalign.glossary.core.GlossaryEntry` list) *or* the JSON those modules save
(``formats.to_json``, ``quote_formats.to_json``, ``glossary_formats.to_json``) and
returns the page as a ``str`` for :func:`subalign.text.textio.atomic_write`.

The page
- shows the review paragraph by paragraph, one row per alignment bead, the review's
  sentences on the left and their translation on the right; every review sentence
  has ``id="p12.s3"`` (the anchors of every other output, so ``report.html#p12.s3``
  opens on it) and every translation sentence ``id="tr-p11.s2"``; paragraphs have
  ``id="p12"``, quotes ``id="q3"``, glossary entries ``id="g5"``;
- flags beads scoring below ``low_score`` and 1-0 / 0-1 beads;
- highlights quotes in the review; clicking one shows its cues, times and Chinese
  text; not-found quotes are marked as such;
- lists the glossary as a table; clicking an entry highlights its occurrences on both
  sides.

Safety: every piece of text goes through :func:`html.escape` (attributes included);
the machine-readable data block is JSON with ``<``, ``>`` and ``&`` written as
``\\u003c`` etc., so no text can close the ``<script>`` element. The page loads
nothing: its Content-Security-Policy forbids any fetch and allows only our own inline
CSS and JS, by their SHA-256 hashes (no ``'unsafe-inline'``). Bidi controls (U+202E …)
are shown as marked ``⟨U+202E⟩`` codes and every sentence and cell is a ``<bdi>``, so
text cannot reorder its neighbours. Saved JSON is checked against the texts it is
shown on (:func:`check_saved_quotes`, :func:`check_saved_glossary`,
:func:`alignment_from_json`).
Text is rendered as segments (``<span data-q="3" data-g="5 7">``) rather than
nested marks, so overlapping quotes and terms never produce broken markup.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import html
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from subalign.errors import SubalignError
from subalign.types import Alignment, Document, Link

__all__ = [
    "DEFAULT_LOW_SCORE",
    "TGT_PREFIX",
    "GlossView",
    "QuoteView",
    "alignment_from_json",
    "anchor_href",
    "build_report",
    "check_saved_glossary",
    "check_saved_quotes",
    "glossary_views",
    "quote_views",
]

#: Beads scoring below this are flagged "low confidence" (scores are cosine-based, 0..1).
DEFAULT_LOW_SCORE = 0.5
#: Prefix of the translation side's sentence ids (``tr-p11.s2``).
TGT_PREFIX = "tr-"


def anchor_href(report: str, anchor_id: str, side: str = "src") -> str:
    """The link to a sentence of the report: ``anchor_href("report.html", "p12.s3")`` →
    ``report.html#p12.s3``; ``side="tgt"`` for a translation anchor (``#tr-p12.s3``)."""
    if side not in ("src", "tgt"):
        raise ValueError(f"side must be 'src' or 'tgt', not {side!r}")
    return f"{report}#{TGT_PREFIX if side == 'tgt' else ''}{anchor_id}"


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


def _ts(ms: int) -> str:
    from subalign.subs.cues import format_timestamp

    return format_timestamp(ms)


def _loads(data: Any, what: str) -> Any:
    if not isinstance(data, str):
        return data
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise SubalignError(f"not {what} ({type(exc).__name__}: {exc})") from None


def _int(x: Any, what: str) -> int:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x) or int(x) != x:
        raise SubalignError(f"{what} must be a whole number, got {x!r}")
    return int(x)


def _score(x: Any) -> float | None:
    """A score to show: a finite number, else nothing (a saved file may say null, NaN or text)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        return None
    return float(x)


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
    quotes = _loads(quotes, "a subalign quotes JSON")
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
                cues=[{"number": c.number, "start": _ts(c.start_ms), "end": _ts(c.end_ms), "text": c.text} for c in q.cues]
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
        spans = [(_int(a["start"], f"{where}: anchor start"), _int(a["end"], f"{where}: anchor end"))]
    cues = q.get("cues") or []
    if not isinstance(cues, list) or not all(isinstance(c, dict) for c in cues):
        raise SubalignError(f"{where}: 'cues' must be a list of objects")
    return QuoteView(
        index=_int(q.get("index", i), f"{where}: index"),
        wording=str(q.get("quote") or ""),
        anchor=_opt_str(a.get("id")) if a else None,
        spans=spans,
        status=str(q.get("status") or "not_found"),
        score=_score(q.get("score")),
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
    start, end = _int(a.get("start"), f"{what}: start"), _int(a.get("end"), f"{what}: end")
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
    glossary = _loads(glossary, "a subalign glossary JSON")
    if isinstance(glossary, dict):
        check_saved_glossary(glossary, src, tgt)
        glossary = glossary.get("entries", [])
    glossary = list(glossary)
    pairs = [(str(e[0]), str(e[1])) for e in glossary if isinstance(e, (tuple, list))]
    src_hits: dict[str, list[tuple[int, int]]] = {}
    tgt_hits: dict[str, list[tuple[int, int]]] = {}
    if pairs:
        from subalign.glossary.check import TermFinder, find_literals

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
                    _int(e["count"], f"glossary entry {i + 1}: count") if e.get("count") is not None else None,
                    _score(e.get("score")),
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
    return [(_int(a["start"], what), _int(a.get("end"), what)) for a in anchors if "start" in a]


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
                    here = doc.text[_int(a["start"], what) : _int(a["end"], what)]
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
    obj = _loads(data, "a subalign alignment JSON")
    try:
        rows = obj["links"]
        links = [
            Link(
                tuple(_int(i, "a sentence index") for i in r["src"]),
                tuple(_int(i, "a sentence index") for i in r["tgt"]),
                _score(r.get("score")) or 0.0,
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


# --------------------------------------------------------------------------- rendering helpers

#: Bidirectional formatting characters (embeddings, overrides, isolates, marks): in a
#: review they would reorder what the reader sees (U+202E turns "txt.exe" around), so
#: the page shows each as a visible, marked code instead of letting it act.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_BIDI_RE = re.compile(f"[{BIDI_CONTROLS}]")


def _code(ch: str) -> str:
    return f"⟨U+{ord(ch):04X}⟩"


def _attr(text: str) -> str:
    """Escaped for an attribute value or <title> (html.escape with quote=True: & < > " ')."""
    return _BIDI_RE.sub(lambda m: _code(m.group()), html.escape(text))


def _esc(text: str) -> str:
    """Escaped text content; bidi controls shown as ``⟨U+202E⟩`` marks (their names on hover)."""
    out = html.escape(text)
    if _BIDI_RE.search(out) is None:
        return out
    import unicodedata

    return _BIDI_RE.sub(
        lambda m: f'<span class="bidi" title="{unicodedata.name(m.group(), "bidi control")}">{_code(m.group())}</span>',
        out,
    )


def _iso(html_text: str) -> str:
    """Isolate a piece of user text from its neighbours' direction (each sentence, each cell)."""
    return f"<bdi>{html_text}</bdi>"


def _json_block(obj: Any) -> str:
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str)
    # No "</script", "<!--" or "]]>" can survive, and the block stays valid JSON.
    text = (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    return _BIDI_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class _SpanIndex:
    """Distributes document-level character spans over the sentences they touch."""

    def __init__(self, doc: Document, missing: set[int] | None = None):
        self.doc = doc
        self.missing = missing or set()  # quotes not found: marked differently
        self.starts = [s.anchor.start for s in doc.sentences]
        # a sentence whose text is not text[start:end] (e.g. presplit input) gets no marks
        self.exact = [doc.text[s.anchor.start : s.anchor.end] == s.text for s in doc.sentences]
        self.marks: dict[int, list[tuple[int, int, str, int]]] = defaultdict(list)

    def add(self, start: int, end: int, kind: str, ident: int) -> None:
        if end <= start:
            return
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        sents = self.doc.sentences
        while i < len(sents) and sents[i].anchor.start < end:
            a = sents[i].anchor
            lo, hi = max(start, a.start), min(end, a.end)
            if lo < hi and self.exact[i]:
                self.marks[i].append((lo - a.start, hi - a.start, kind, ident))
            i += 1

    def render(self, i: int) -> str:
        """The sentence's text as escaped HTML, with ``<span data-q data-g>`` segments.

        One sweep over the cut points with the set of open marks, so a sentence with
        many marks costs their number, not marks x cuts.
        """
        text = self.doc.sentences[i].text
        marks = self.marks.get(i)
        if not marks:
            return _esc(text)
        opening: dict[int, list[tuple[str, int]]] = defaultdict(list)
        closing: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for lo, hi, kind, ident in marks:
            opening[lo].append((kind, ident))
            closing[hi].append((kind, ident))
        cuts = sorted({0, len(text), *opening, *closing})
        open_marks: dict[tuple[str, int], int] = {}
        out = []
        for lo, hi in pairwise(cuts):
            for m in closing.get(lo, ()):
                open_marks[m] -= 1
                if not open_marks[m]:
                    del open_marks[m]
            for m in opening.get(lo, ()):
                open_marks[m] = open_marks.get(m, 0) + 1
            piece = _esc(text[lo:hi])
            qs = sorted(ident for kind, ident in open_marks if kind == "q")
            gs = sorted(ident for kind, ident in open_marks if kind == "g")
            if not qs and not gs:
                out.append(piece)
                continue
            attrs, cls = [], []
            if qs:
                cls.append("q")
                if all(q in self.missing for q in qs):
                    cls.append("missing")
                attrs.append(f' data-q="{" ".join(map(str, qs))}"')
            if gs:
                cls.append("g")
                attrs.append(f' data-g="{" ".join(map(str, gs))}"')
            out.append(f'<span class="{" ".join(cls)}"{"".join(attrs)}>{piece}</span>')
        return "".join(out)


def _fmt_score(x: float | None) -> str:
    return "" if x is None else f"{x:.3f}"


def _groups(alignment: Alignment | None, src: Document) -> list[tuple[int, list[Link]]]:
    """Beads grouped by the review paragraph they start in (beads with no review side
    go with the paragraph of the review sentence before them)."""
    if alignment is None:
        links = [Link((s.index,), ()) for s in src.sentences]
    else:
        links = alignment.links
    groups: list[tuple[int, list[Link]]] = []
    last_para = src.sentences[0].anchor.paragraph if src.sentences else 1
    for link in links:
        para = src.sentences[link.src[0]].anchor.paragraph if link.src else last_para
        if not groups or groups[-1][0] != para:
            groups.append((para, []))
        groups[-1][1].append(link)
        last_para = para
    return groups


# --------------------------------------------------------------------------- the page


def build_report(
    alignment: Alignment | Document,
    quotes: Any = None,
    glossary: Any = None,
    *,
    title: str | None = None,
    low_score: float = DEFAULT_LOW_SCORE,
    info: dict[str, Any] | None = None,
) -> str:
    """The whole HTML page as a string (UTF-8 when written).

    *alignment* is an Alignment, or the review Document alone (no translation column).
    *quotes*: QuoteMatch list or saved quotes JSON; *glossary*: GlossaryEntry list,
    saved glossary JSON or (en, zh) pairs. Either may be None (section left out).
    """
    if isinstance(low_score, bool) or not isinstance(low_score, (int, float)) or not math.isfinite(low_score):
        raise SubalignError(f"low_score must be a finite number, got {low_score!r}")
    if isinstance(alignment, Document):
        src, tgt, align = alignment, None, None
    else:
        src, tgt, align = alignment.src, alignment.tgt, alignment
    qv = quote_views(quotes, src)
    gv = glossary_views(glossary, src, tgt)

    s_idx, t_idx = _SpanIndex(src, {q.index for q in qv if not q.found}), (_SpanIndex(tgt) if tgt is not None else None)
    for q in qv:
        for a, b in q.spans:
            s_idx.add(a, b, "q", q.index)
    g_hits: dict[int, tuple[int, int]] = {}
    for g in gv:
        for a, b in g.src_spans:
            s_idx.add(a, b, "g", g.index)
        if t_idx is not None:
            for a, b in g.tgt_spans:
                t_idx.add(a, b, "g", g.index)
        g_hits[g.index] = (len(g.src_spans), len(g.tgt_spans))

    n_low = n_unaligned = 0
    body: list[str] = []
    for para, links in _groups(align, src):
        body.append(f'<section class="para" id="p{para}"><h2 class="pnum"><a href="#p{para}">¶{para}</a></h2>')
        for link in links:
            flags = []
            if align is not None:
                if not link.src or not link.tgt:
                    flags.append("unaligned")
                    n_unaligned += 1
                elif link.score < low_score:
                    flags.append("low")
                    n_low += 1
            cls = " ".join(["bead", *flags])
            src_html = "".join(
                f'<span class="s" id="{_attr(src.sentences[i].anchor.id)}" lang="{_attr(src.lang)}">'
                f'<a class="sid" href="#{_attr(src.sentences[i].anchor.id)}">{_esc(src.sentences[i].anchor.id)}</a>'
                f"{_iso(s_idx.render(i))}</span> "
                for i in link.src
            )
            row = [f'<div class="{cls}" data-score="{link.score:.3f}"><div class="src">{src_html}</div>']
            if tgt is not None and t_idx is not None:
                tgt_html = "".join(
                    f'<span class="s" id="{TGT_PREFIX}{_attr(tgt.sentences[i].anchor.id)}" lang="{_attr(tgt.lang)}">'
                    f'<a class="sid" href="#{TGT_PREFIX}{_attr(tgt.sentences[i].anchor.id)}">'
                    f"{_esc(tgt.sentences[i].anchor.id)}</a>{_iso(t_idx.render(i))}</span>"
                    for i in link.tgt
                )
                badge = ""
                if "unaligned" in flags:
                    badge = '<span class="flag" title="no counterpart on the other side">unaligned</span>'
                elif "low" in flags:
                    badge = f'<span class="flag" title="alignment score below {low_score:.2f}">low {link.score:.2f}</span>'
                row.append(f'<div class="tgt">{tgt_html}{badge}</div>')
            row.append("</div>")
            body.append("".join(row))
        body.append("</section>")

    # quotes panel
    qhtml: list[str] = []
    for q in qv:
        status_cls = "found" if q.found else "missing"
        where = (
            f'<a class="jump" href="#{_attr(q.anchor)}">{_esc(q.anchor)}</a>' if q.anchor else '<span class="jump">?</span>'
        )
        parts = [
            (
                f'<li class="quote {status_cls}" id="q{q.index}" data-q="{q.index}" tabindex="0">'
                f'<div class="qhead">{where} <span class="status">{"found" if q.found else "not found"}</span>'
                f' <span class="score">{_esc(_fmt_score(q.score))}</span></div>'
                f'<div class="qtext">“{_iso(_esc(q.wording))}”</div>'
            )
        ]
        if q.cues:
            parts.append('<table class="cues"><tbody>')
            for c in q.cues:
                parts.append(
                    f'<tr><td class="num">#{_esc(str(c.get("number", "")))}</td>'
                    f'<td class="time">{_esc(str(c.get("start", "")))} → {_esc(str(c.get("end", "")))}</td>'
                    f'<td class="zh" lang="zh">{_iso(_esc(str(c.get("text", ""))))}</td></tr>'
                )
            parts.append("</tbody></table>")
        elif not q.found:
            parts.append('<div class="nf">Not found in the subtitles.</div>')
        if q.note:
            parts.append(f'<div class="note">{_iso(_esc(q.note))}</div>')
        parts.append("</li>")
        qhtml.append("".join(parts))

    ghtml: list[str] = []
    for g in gv:
        ns, nt = g_hits[g.index]
        ghtml.append(
            f'<tr class="gentry" id="g{g.index}" data-g="{g.index}" tabindex="0">'
            f'<td class="en">{_iso(_esc(g.en))}</td><td class="zh" lang="zh">{_iso(_esc(g.zh))}</td>'
            f"<td>{_esc(g.type)}</td><td class=\"num\">{ns}</td><td class=\"num\">{nt if tgt is not None else ''}</td>"
            f'<td class="num">{_esc(_fmt_score(g.score))}</td></tr>'
        )

    n_found = sum(q.found for q in qv)
    page_title = title or f"subalign report: {src.path or 'review'}"
    summary = [f"{len(src.sentences)} review sentences"]
    if tgt is not None and align is not None:
        summary.append(f"{len(tgt.sentences)} translation sentences, {len(align.links)} links")
        summary.append(f'<span class="low-count">{n_low} low-confidence</span>, {n_unaligned} unaligned')
    if quotes is not None:
        summary.append(f"{len(qv)} quotes ({n_found} found, {len(qv) - n_found} not found)")
    if glossary is not None:
        summary.append(f"{len(gv)} glossary entries")

    data = {
        "version": 1,
        "info": {
            **(info or {}),
            "review": src.path,
            "translation": tgt.path if tgt is not None else None,
            "model": align.model if align is not None else None,
            "low_score": low_score,
        },
        "counts": {
            "review_sentences": len(src.sentences),
            "translation_sentences": len(tgt.sentences) if tgt is not None else None,
            "links": len(align.links) if align is not None else None,
            "low": n_low,
            "unaligned": n_unaligned,
        },
        "quotes": [
            {"id": f"q{q.index}", "anchor": q.anchor, "status": q.status, "quote": q.wording,
             "cues": [c.get("number") for c in q.cues]}
            for q in qv
        ],
        "glossary": [
            {"id": f"g{g.index}", "en": g.en, "zh": g.zh, "type": g.type, "src": g_hits[g.index][0],
             "tgt": g_hits[g.index][1]}
            for g in gv
        ],
    }

    side: list[str] = []
    if quotes is not None:
        side.append(
            f'<section id="quotes" class="panel"><h2>Quotes <small>{n_found}/{len(qv)} found</small></h2>'
            f'<ol class="quotes">{"".join(qhtml)}</ol></section>'
        )
    if glossary is not None:
        side.append(
            '<section id="glossary" class="panel"><h2>Glossary</h2>'
            '<input id="gfilter" type="search" placeholder="filter…" aria-label="filter the glossary">'
            '<table class="gloss"><thead><tr><th>en</th><th>zh</th><th>type</th>'
            '<th title="occurrences in the review">rev.</th><th title="occurrences in the translation">tr.</th>'
            f'<th>score</th></tr></thead><tbody>{"".join(ghtml)}</tbody></table></section>'
        )

    cols = "two" if tgt is not None else "one"
    heads = '<div class="colhead"><div>Review' + (f" ({_esc(src.lang)})" if src.lang else "") + "</div>"
    if tgt is not None:
        heads += f"<div>Translation ({_esc(tgt.lang)})</div>"
    heads += "</div>"
    return "".join(
        [
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name="generator" content="subalign report">',
            f"<title>{_attr(page_title)}</title><style>{_CSS}</style></head>\n",
            f'<body class="{cols}"><header><h1>{_iso(_esc(page_title))}</h1>',
            f'<p class="summary">{" · ".join(summary)}</p>',
            '<p id="status" role="status" aria-live="polite"></p></header>\n',
            f'<div class="layout"><main id="review">{heads}\n',
            "\n".join(body),
            f'</main><aside>{"".join(side)}</aside></div>\n',
            f'<script type="application/json" id="subalign-data">{_json_block(data)}</script>\n',
            f"<script>{_JS}</script>\n</body></html>\n",
        ]
    )


_CSS = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.55 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:#1d1d1f;background:#fafafa}
header{padding:.6em 1.2em;background:#fff;border-bottom:1px solid #ddd;position:sticky;top:0;z-index:3}
h1{font-size:1.15em;margin:.2em 0}
.summary{margin:.2em 0;color:#555;font-size:.9em}
#status{margin:.2em 0;min-height:1.3em;font-size:.9em;color:#0b5394}
.layout{display:grid;grid-template-columns:minmax(0,1fr) 26rem;gap:1em;padding:1em 1.2em}
aside{position:sticky;top:6.5em;align-self:start;max-height:calc(100vh - 7.5em);overflow:auto}
.colhead,.bead{display:grid;grid-template-columns:1fr 1fr;gap:1.2em}
body.one .colhead,body.one .bead{grid-template-columns:1fr}
.colhead{font-weight:600;color:#666;border-bottom:1px solid #ccc;margin-bottom:.5em}
.para{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:.3em .8em .6em;margin-bottom:.8em}
.pnum{font-size:.8em;margin:.2em 0;color:#999;font-weight:normal}
.pnum a,.sid{color:inherit;text-decoration:none}
.bead{padding:.25em .3em;border-left:3px solid transparent;border-radius:2px}
.bead+.bead{border-top:1px dotted #e6e6e6}
.bead.low{border-left-color:#e69100;background:#fff8e6}
.bead.unaligned{border-left-color:#c62828;background:#fdecea}
.flag{display:inline-block;margin-left:.4em;padding:0 .4em;border-radius:3px;font-size:.75em;background:#e69100;color:#fff;vertical-align:middle}
.bead.unaligned .flag{background:#c62828}
bdi{unicode-bidi:isolate}
.bidi{font-size:.75em;color:#8a1c7c;background:#f6e6f3;border-radius:2px;padding:0 .1em;font-family:monospace}
.sid{font-size:.68em;color:#aaa;margin-right:.25em;vertical-align:super}
.s{scroll-margin-top:8em}
.s:target,.s.target{outline:2px solid #0b5394;background:#e8f0fe}
.q{background:#fff3b0;border-bottom:2px solid #d4a800;cursor:pointer}
.q.missing{background:#ffe0e0;border-bottom:2px dashed #c62828}
.g{border-bottom:1px dotted #6a7fb5;cursor:pointer}
.hl{background:#b9f6ca!important;outline:1px solid #2e7d32;border-radius:2px}
.q.active{background:#ffd54f!important;outline:2px solid #ff8f00;border-radius:2px}
.panel{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:.5em .8em;margin-bottom:1em}
.panel h2{font-size:1em;margin:.2em 0 .5em}
.quotes{padding-left:1.4em;margin:0}
.quote{margin:.3em 0;padding:.3em .4em;border-radius:4px;cursor:pointer}
.quote.missing .status{color:#c62828;font-weight:600}
.quote.found .status{color:#2e7d32}
.quote.active{background:#fff3b0;outline:2px solid #ff8f00}
.qhead{font-size:.8em;color:#666}.qhead .score{color:#999}
.qtext{font-style:italic}
.cues{font-size:.85em;border-collapse:collapse;margin-top:.2em;display:none}
.quote.active .cues{display:table}
.cues td{padding:.1em .35em;vertical-align:top}
.cues .time{white-space:nowrap;color:#555;font-variant-numeric:tabular-nums}
.nf,.note{font-size:.8em;color:#c62828}.note{color:#777}
.gloss{border-collapse:collapse;width:100%;font-size:.88em}
.gloss th{text-align:left;color:#666;font-weight:600;border-bottom:1px solid #ccc;position:sticky;top:0;background:#fff}
.gloss td{padding:.15em .3em;border-bottom:1px solid #f0f0f0}
.gentry{cursor:pointer}.gentry:hover{background:#f1f5ff}
.gentry.active{background:#b9f6ca}
.num{text-align:right;font-variant-numeric:tabular-nums}
#gfilter{width:100%;margin-bottom:.4em;padding:.2em .4em}
@media (max-width:900px){.layout{grid-template-columns:1fr}aside{position:static;max-height:none}}
@media print{header,aside{position:static}.layout{display:block}}
"""

# Only classes are toggled and ids looked up; no text is ever inserted as HTML.
_JS = r"""
(function(){
"use strict";
var status=document.getElementById("status");
function all(sel){return Array.prototype.slice.call(document.querySelectorAll(sel));}
function clear(cls){all("."+cls).forEach(function(e){e.classList.remove(cls);});}
function say(t){status.textContent=t;}
function attrSel(name,id){return "["+name+'~="'+String(id).replace(/[^0-9]/g,"")+'"]';}
function showGloss(id,scroll){
  clear("hl");clear("active");
  var row=document.getElementById("g"+id);if(!row)return;
  row.classList.add("active");
  var src=all("#review .src "+attrSel("data-g",id)),tgt=all("#review .tgt "+attrSel("data-g",id));
  src.concat(tgt).forEach(function(e){e.classList.add("hl");});
  var t=row.cells;
  say(t[0].textContent+" / "+t[1].textContent+": "+src.length+" highlighted in the review, "+tgt.length+" in the translation");
  var first=src[0]||tgt[0];if(first&&scroll)first.scrollIntoView({block:"center"});
}
function showQuote(id,scrollText,scrollPanel){
  clear("hl");clear("active");
  var li=document.getElementById("q"+id);if(!li)return;
  li.classList.add("active");
  var marks=all("#review "+attrSel("data-q",id));
  marks.forEach(function(e){e.classList.add("active");});
  var st=li.querySelector(".status").textContent,cues=all("#q"+id+" .cues tr").map(function(r){return r.cells[0].textContent+" "+r.cells[1].textContent;});
  say("Quote "+(li.querySelector(".jump")||{}).textContent+": "+st+(cues.length?" — cues "+cues.join("; "):""));
  if(scrollPanel)li.scrollIntoView({block:"nearest"});
  if(scrollText&&marks[0])marks[0].scrollIntoView({block:"center"});
}
document.addEventListener("click",function(ev){
  var t=ev.target;if(!(t instanceof Element))return;
  if(t.closest("a"))return;
  var row=t.closest(".gentry");if(row){showGloss(row.getAttribute("data-g"),true);return;}
  var li=t.closest("#quotes .quote");if(li){showQuote(li.getAttribute("data-q"),true,false);return;}
  var m=t.closest("#review [data-q]");if(m){showQuote(m.getAttribute("data-q").split(" ")[0],false,true);return;}
  var g=t.closest("#review [data-g]");if(g){showGloss(g.getAttribute("data-g").split(" ")[0],false);return;}
});
document.addEventListener("keydown",function(ev){
  if(ev.key!=="Enter"&&ev.key!==" ")return;
  var t=ev.target;if(!(t instanceof Element))return;
  if(t.classList.contains("gentry")){ev.preventDefault();showGloss(t.getAttribute("data-g"),true);}
  else if(t.classList.contains("quote")){ev.preventDefault();showQuote(t.getAttribute("data-q"),true,false);}
});
var filter=document.getElementById("gfilter");
if(filter)filter.addEventListener("input",function(){
  var v=filter.value.toLowerCase();
  all(".gentry").forEach(function(r){r.style.display=r.textContent.toLowerCase().indexOf(v)<0?"none":"";});
});
function onHash(){
  var h;try{h=decodeURIComponent(location.hash.slice(1));}catch(e){return;}
  var m=/^([qg])([0-9]+)$/.exec(h);
  if(m){if(m[1]==="q")showQuote(m[2],true,true);else showGloss(m[2],true);return;}
  clear("target");var el=h&&document.getElementById(h);
  if(el){el.classList.add("target");el.scrollIntoView({block:"center"});}
}
window.addEventListener("hashchange",onHash);
if(location.hash)onHash();
})();
"""


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


#: The page's Content-Security-Policy: nothing may load, and only our own inline script
#: and style (by hash, so an injected ``<script>`` or ``onclick=`` would not run).
CSP = (
    f"default-src 'none'; script-src {_sha256(_JS)}; style-src {_sha256(_CSS)}; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)
