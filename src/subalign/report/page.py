"""A single self-contained HTML page for reviewing an alignment, its quotes and its glossary.

:func:`build_report` takes Python objects (an :class:`~subalign.types.Alignment` or a
bare review :class:`~subalign.types.Document`, the quote finder's
:class:`~subalign.quotes.match.QuoteMatch` list, the glossary's
:class:`~subalign.glossary.pairing.GlossaryEntry` list) *or* the JSON those modules save
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
from itertools import pairwise
from typing import Any

from subalign.errors import SubalignError
from subalign.report.assets import _CSS, _JS
from subalign.report.views import glossary_views, quote_views
from subalign.types import Alignment, Document, Link

__all__ = ["DEFAULT_LOW_SCORE", "TGT_PREFIX", "anchor_href", "build_report"]

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


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


#: The page's Content-Security-Policy: nothing may load, and only our own inline script
#: and style (by hash, so an injected ``<script>`` or ``onclick=`` would not run).
CSP = (
    f"default-src 'none'; script-src {_sha256(_JS)}; style-src {_sha256(_CSS)}; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)
