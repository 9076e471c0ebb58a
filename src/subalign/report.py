"""A single self-contained HTML page for reviewing an alignment, its quotes and its glossary.

:func:`build_report` takes Python objects (an :class:`~subalign.types.Alignment` or a
bare review :class:`~subalign.types.Document`, the quote finder's
:class:`~subalign.quotefinder.QuoteMatch` list, the glossary's
:class:`~subalign.glossary.GlossaryEntry` list) *or* the JSON those modules save
(``formats.to_json``, ``quote_formats.to_json``, ``glossary_formats.to_json``) and
returns the page as a ``str`` for :func:`subalign.textio.atomic_write`.

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
nothing (a Content-Security-Policy forbids any fetch); CSS and JS are inline.
Text is rendered as segments (``<span data-q="3" data-g="5 7">``) rather than
nested marks, so overlapping quotes and terms never produce broken markup.
"""

from __future__ import annotations

import bisect
import html
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from .types import Alignment, Document, Link, SubalignError

__all__ = [
    "DEFAULT_LOW_SCORE",
    "TGT_PREFIX",
    "GlossView",
    "QuoteView",
    "alignment_from_json",
    "anchor_href",
    "build_report",
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
    from .subtitles import format_timestamp

    return format_timestamp(ms)


def quote_views(quotes: Any) -> list[QuoteView]:
    """QuoteMatch objects, a saved quotes JSON (str or parsed dict), or its ``quotes`` list."""
    if quotes is None:
        return []
    if isinstance(quotes, str):
        quotes = json.loads(quotes)
    if isinstance(quotes, dict):
        quotes = quotes.get("quotes", [])
    out: list[QuoteView] = []
    for i, q in enumerate(quotes):
        if isinstance(q, dict):
            a = q.get("anchor") or None
            spans = [(int(a["start"]), int(a["end"]))] if a and "start" in a and "end" in a else []
            out.append(
                QuoteView(
                    index=int(q.get("index", i)),
                    wording=str(q.get("quote") or ""),
                    anchor=a.get("id") if a else None,
                    spans=spans,
                    status=str(q.get("status") or "not_found"),
                    score=q.get("score"),
                    cues=[
                        {"number": c.get("number"), "start": c.get("start"), "end": c.get("end"), "text": c.get("text", "")}
                        for c in (q.get("cues") or [])
                    ],
                    subtitle_text=q.get("subtitle_text"),
                    note=q.get("note"),
                )
            )
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


def _find_all(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)] if text else []


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
    (e.g. from :func:`~subalign.glossary_formats.read_glossary`).

    Entries and JSON carry their occurrences as anchors; for bare pairs the terms are
    looked up in the texts (English case-insensitively on word boundaries).
    """
    if glossary is None:
        return []
    if isinstance(glossary, str):
        glossary = json.loads(glossary)
    if isinstance(glossary, dict):
        glossary = glossary.get("entries", [])
    out: list[GlossView] = []
    for i, e in enumerate(glossary):
        if isinstance(e, (tuple, list)):
            en, zh = str(e[0]), str(e[1])
            pat = _en_pattern(en)
            ss = _find_all(pat, src.text) if (pat and src is not None) else []
            ts = []
            if tgt is not None and zh.strip():
                ts = _find_all(re.compile(re.escape(zh.strip())), tgt.text)
            out.append(GlossView(i, en, zh, "", None, None, ss, ts))
        elif isinstance(e, dict):
            out.append(
                GlossView(
                    i,
                    str(e.get("en", "")),
                    str(e.get("zh", "")),
                    str(e.get("type", "")),
                    e.get("count"),
                    e.get("score"),
                    [(int(a["start"]), int(a["end"])) for a in e.get("anchors", []) if "start" in a],
                    [(int(a["start"]), int(a["end"])) for a in e.get("zh_anchors", []) if "start" in a],
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


# --------------------------------------------------------------------------- alignment from JSON


def alignment_from_json(data: str | dict, src: Document, tgt: Document | None = None) -> Alignment:
    """Rebuild an :class:`Alignment` from ``formats.to_json`` output and the two texts.

    *src* / *tgt* are the loaded documents; the saved anchors must fit them (same
    sentence count), else :class:`SubalignError` says which side is out of date.
    """
    obj = json.loads(data) if isinstance(data, str) else data
    try:
        links = [
            Link(tuple(int(i) for i in r["src"]), tuple(int(i) for i in r["tgt"]), float(r.get("score") or 0.0))
            for r in obj["links"]
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise SubalignError(f"not a subalign alignment JSON ({exc})") from None
    if tgt is None:
        raise SubalignError("an alignment JSON needs the translation too (--translation)")
    for side, doc, key in (("review", src, "src"), ("translation", tgt, "tgt")):
        n = (obj.get(key) or {}).get("n_sentences")
        if n is not None and n != len(doc.sentences):
            raise SubalignError(
                f"the alignment JSON was made from a {side} of {n} sentences, this one has {len(doc.sentences)}"
            )
        top = max((i for lk in links for i in getattr(lk, key)), default=-1)
        if top >= len(doc.sentences):
            raise SubalignError(f"the alignment JSON points past the end of the {side} (sentence {top})")
    return Alignment(src, tgt, links, str(obj.get("model", "")), dict(obj.get("params") or {}))


# --------------------------------------------------------------------------- rendering helpers

_esc = html.escape  # quote=True: & < > " ' all escaped, safe in text and in attributes


def _json_block(obj: Any) -> str:
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str)
    # No "</script", "<!--" or "]]>" can survive, and the block stays valid JSON.
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


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
        """The sentence's text as escaped HTML, with ``<span data-q data-g>`` segments."""
        text = self.doc.sentences[i].text
        marks = self.marks.get(i)
        if not marks:
            return _esc(text)
        cuts = sorted({0, len(text), *(m[0] for m in marks), *(m[1] for m in marks)})
        out = []
        for lo, hi in pairwise(cuts):
            qs = sorted({m[3] for m in marks if m[2] == "q" and m[0] <= lo and hi <= m[1]})
            gs = sorted({m[3] for m in marks if m[2] == "g" and m[0] <= lo and hi <= m[1]})
            piece = _esc(text[lo:hi])
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
    if isinstance(alignment, Document):
        src, tgt, align = alignment, None, None
    else:
        src, tgt, align = alignment.src, alignment.tgt, alignment
    qv = quote_views(quotes)
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
                f'<span class="s" id="{_esc(src.sentences[i].anchor.id)}" lang="{_esc(src.lang)}">'
                f'<a class="sid" href="#{_esc(src.sentences[i].anchor.id)}">{_esc(src.sentences[i].anchor.id)}</a>'
                f"{s_idx.render(i)}</span> "
                for i in link.src
            )
            row = [f'<div class="{cls}" data-score="{link.score:.3f}"><div class="src">{src_html}</div>']
            if tgt is not None and t_idx is not None:
                tgt_html = "".join(
                    f'<span class="s" id="{TGT_PREFIX}{_esc(tgt.sentences[i].anchor.id)}" lang="{_esc(tgt.lang)}">'
                    f'<a class="sid" href="#{TGT_PREFIX}{_esc(tgt.sentences[i].anchor.id)}">'
                    f"{_esc(tgt.sentences[i].anchor.id)}</a>{t_idx.render(i)}</span>"
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
            f'<a class="jump" href="#{_esc(q.anchor)}">{_esc(q.anchor)}</a>' if q.anchor else '<span class="jump">?</span>'
        )
        parts = [
            (
                f'<li class="quote {status_cls}" id="q{q.index}" data-q="{q.index}" tabindex="0">'
                f'<div class="qhead">{where} <span class="status">{"found" if q.found else "not found"}</span>'
                f' <span class="score">{_esc(_fmt_score(q.score))}</span></div>'
                f'<div class="qtext">“{_esc(q.wording)}”</div>'
            )
        ]
        if q.cues:
            parts.append('<table class="cues"><tbody>')
            for c in q.cues:
                parts.append(
                    f'<tr><td class="num">#{_esc(str(c.get("number", "")))}</td>'
                    f'<td class="time">{_esc(str(c.get("start", "")))} → {_esc(str(c.get("end", "")))}</td>'
                    f'<td class="zh" lang="zh">{_esc(str(c.get("text", "")))}</td></tr>'
                )
            parts.append("</tbody></table>")
        elif not q.found:
            parts.append('<div class="nf">Not found in the subtitles.</div>')
        if q.note:
            parts.append(f'<div class="note">{_esc(q.note)}</div>')
        parts.append("</li>")
        qhtml.append("".join(parts))

    ghtml: list[str] = []
    for g in gv:
        ns, nt = g_hits[g.index]
        ghtml.append(
            f'<tr class="gentry" id="g{g.index}" data-g="{g.index}" tabindex="0">'
            f'<td class="en">{_esc(g.en)}</td><td class="zh" lang="zh">{_esc(g.zh)}</td>'
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
            (
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
            ),
            '<meta name="generator" content="subalign report">',
            f"<title>{_esc(page_title)}</title><style>{_CSS}</style></head>\n",
            f'<body class="{cols}"><header><h1>{_esc(page_title)}</h1>',
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
