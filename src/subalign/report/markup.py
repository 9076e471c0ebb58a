"""Turning untrusted text into inert HTML: escaping, bidi controls shown as codes, the JSON data block,
and review sentences rendered with their quote and glossary marks (:class:`SpanIndex`).

Every piece of text on the page goes through :func:`esc` or :func:`attr`; nothing here
ever emits a tag built from the text itself.
"""

from __future__ import annotations

import bisect
import html
import json
import re
import unicodedata
from collections import defaultdict
from itertools import pairwise
from typing import Any

from subalign.types import Document

__all__ = ["BIDI_CONTROLS", "SpanIndex", "attr", "esc", "fmt_score", "iso", "json_block"]

#: Bidirectional formatting characters (embeddings, overrides, isolates, marks): in a
#: review they would reorder what the reader sees (U+202E turns "txt.exe" around), so
#: the page shows each as a visible, marked code instead of letting it act.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
BIDI_RE = re.compile(f"[{BIDI_CONTROLS}]")


def _code(ch: str) -> str:
    return f"⟨U+{ord(ch):04X}⟩"


def attr(text: str) -> str:
    """Escaped for an attribute value or <title> (html.escape with quote=True: & < > " ')."""
    return BIDI_RE.sub(lambda m: _code(m.group()), html.escape(text))


def esc(text: str) -> str:
    """Escaped text content; bidi controls shown as ``⟨U+202E⟩`` marks (their names on hover)."""
    out = html.escape(text)
    if BIDI_RE.search(out) is None:
        return out
    return BIDI_RE.sub(
        lambda m: f'<span class="bidi" title="{unicodedata.name(m.group(), "bidi control")}">{_code(m.group())}</span>',
        out,
    )


def iso(html_text: str) -> str:
    """Isolate a piece of user text from its neighbours' direction (each sentence, each cell)."""
    return f"<bdi>{html_text}</bdi>"


def fmt_score(x: float | None) -> str:
    return "" if x is None else f"{x:.3f}"


def json_block(obj: Any) -> str:
    """JSON for a ``<script type="application/json">``: no ``</script``, ``<!--`` or ``]]>`` can
    survive (``<``, ``>``, ``&`` as ``\\u003c`` …), bidi controls escaped, still valid JSON."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str)
    text = (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    return BIDI_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class SpanIndex:
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
            return esc(text)
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
            out.append(self._segment(esc(text[lo:hi]), open_marks))
        return "".join(out)

    def _segment(self, piece: str, open_marks: dict[tuple[str, int], int]) -> str:
        qs = sorted(ident for kind, ident in open_marks if kind == "q")
        gs = sorted(ident for kind, ident in open_marks if kind == "g")
        if not qs and not gs:
            return piece
        attrs, cls = [], []
        if qs:
            cls.append("q")
            if all(q in self.missing for q in qs):
                cls.append("missing")
            attrs.append(f' data-q="{" ".join(map(str, qs))}"')
        if gs:
            cls.append("g")
            attrs.append(f' data-g="{" ".join(map(str, gs))}"')
        return f'<span class="{" ".join(cls)}"{"".join(attrs)}>{piece}</span>'
