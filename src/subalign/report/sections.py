"""The parts of the report page, one function each: marks on the texts, the review column,
the quotes and glossary panels, the summary line and the machine-readable data block.

Each returns escaped HTML (or plain data); :func:`subalign.report.page.build_report` puts
them together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from subalign.corrections.saved import finite_number
from subalign.report.markup import SpanIndex, attr, esc, fmt_score, iso
from subalign.report.views import GlossView, QuoteView
from subalign.types import Alignment, Document, Link

#: Prefix of the translation side's sentence ids (``tr-p11.s2``).
TGT_PREFIX = "tr-"


@dataclass
class Marks:
    """Quote and glossary spans on both texts, and each glossary entry's (review, translation) hits."""

    src: SpanIndex
    tgt: SpanIndex | None
    g_hits: dict[int, tuple[int, int]] = field(default_factory=dict)


def mark_texts(src: Document, tgt: Document | None, qv: list[QuoteView], gv: list[GlossView]) -> Marks:
    marks = Marks(SpanIndex(src, {q.index for q in qv if not q.found}), SpanIndex(tgt) if tgt is not None else None)
    for q in qv:
        for a, b in q.spans:
            marks.src.add(a, b, "q", q.index)
    for g in gv:
        for a, b in g.src_spans:
            marks.src.add(a, b, "g", g.index)
        if marks.tgt is not None:
            for a, b in g.tgt_spans:
                marks.tgt.add(a, b, "g", g.index)
        marks.g_hits[g.index] = (len(g.src_spans), len(g.tgt_spans))
    return marks


def groups(alignment: Alignment | None, src: Document) -> list[tuple[int, list[Link]]]:
    """Beads grouped by the review paragraph they start in (beads with no review side
    go with the paragraph of the review sentence before them)."""
    links = [Link((s.index,), ()) for s in src.sentences] if alignment is None else alignment.links
    out: list[tuple[int, list[Link]]] = []
    last_para = src.sentences[0].anchor.paragraph if src.sentences else 1
    for link in links:
        para = src.sentences[link.src[0]].anchor.paragraph if link.src else last_para
        if not out or out[-1][0] != para:
            out.append((para, []))
        out[-1][1].append(link)
        last_para = para
    return out


@dataclass
class Review:
    """The review column's HTML and what it counted."""

    html: str
    n_low: int = 0
    n_unaligned: int = 0


def _sentences(doc: Document, idx: tuple[int, ...], index: SpanIndex, prefix: str, sep: str) -> str:
    return "".join(
        f'<span class="s" id="{prefix}{attr(doc.sentences[i].anchor.id)}" lang="{attr(doc.lang)}">'
        f'<a class="sid" href="#{prefix}{attr(doc.sentences[i].anchor.id)}">{esc(doc.sentences[i].anchor.id)}</a>'
        f"{iso(index.render(i))}</span>{sep}"
        for i in idx
    )


#: A link whose confidence (probability of being right) is below this is flagged weak; a link
#: without a confidence is weak when its score is below the report's ``low_score``.
WEAK_CONFIDENCE = 0.5


def is_weak(link: Link, low_score: float) -> bool:
    """Whether a link with text on both sides is flagged for review (see :data:`WEAK_CONFIDENCE`).

    A non-finite confidence counts as none, as in the TMX and in the page's script (which
    receives it as null)."""
    conf = finite_number(link.confidence)
    return conf < WEAK_CONFIDENCE if conf is not None else link.score < low_score


def weak_badge(link: Link, low_score: float) -> str:
    """The flag on a weak link: its confidence, or its score where it has none."""
    conf = finite_number(link.confidence)
    if conf is not None:
        return (f'<span class="flag" title="confidence (probability the link is right) below {WEAK_CONFIDENCE:.2f}">'
                f"low {conf:.2f}</span>")
    return f'<span class="flag" title="alignment score below {low_score:.2f}">low {link.score:.2f}</span>'


def review_html(align: Alignment | None, src: Document, tgt: Document | None, marks: Marks, low_score: float) -> Review:
    """One ``<section>`` per review paragraph, one bead row per link (review left, translation right)."""
    out = Review("")
    body: list[str] = []
    for para, links in groups(align, src):
        body.append(f'<section class="para" id="p{para}"><h2 class="pnum"><a href="#p{para}">¶{para}</a></h2>')
        for link in links:
            flags = []
            if align is not None:
                if not link.src or not link.tgt:
                    flags.append("unaligned")
                    out.n_unaligned += 1
                elif is_weak(link, low_score):
                    flags.append("low")
                    out.n_low += 1
            row = [
                f'<div class="{" ".join(["bead", *flags])}" data-score="{link.score:.3f}">'
                f'<div class="src">{_sentences(src, link.src, marks.src, "", " ")}</div>'
            ]
            if tgt is not None and marks.tgt is not None:
                badge = ""
                if "unaligned" in flags:
                    badge = '<span class="flag" title="no counterpart on the other side">unaligned</span>'
                elif "low" in flags:
                    badge = weak_badge(link, low_score)
                row.append(f'<div class="tgt">{_sentences(tgt, link.tgt, marks.tgt, TGT_PREFIX, "")}{badge}</div>')
            row.append("</div>")
            body.append("".join(row))
        body.append("</section>")
    out.html = "\n".join(body)
    return out


def _quote_item(q: QuoteView) -> str:
    status_cls = "found" if q.found else "missing"
    where = f'<a class="jump" href="#{attr(q.anchor)}">{esc(q.anchor)}</a>' if q.anchor else '<span class="jump">?</span>'
    parts = [
        f'<li class="quote {status_cls}" id="q{q.index}" data-q="{q.index}" tabindex="0">'
        f'<div class="qhead">{where} <span class="status">{"found" if q.found else "not found"}</span>'
        f' <span class="score">{esc(fmt_score(q.score))}</span></div>'
        f'<div class="qtext">“{iso(esc(q.wording))}”</div>'
    ]
    if q.cues:
        parts.append('<table class="cues"><tbody>')
        for c in q.cues:
            parts.append(
                f'<tr><td class="num">#{esc(str(c.get("number", "")))}</td>'
                f'<td class="time">{esc(str(c.get("start", "")))} → {esc(str(c.get("end", "")))}</td>'
                f'<td class="zh" lang="zh">{iso(esc(str(c.get("text", ""))))}</td></tr>'
            )
        parts.append("</tbody></table>")
    elif not q.found:
        parts.append('<div class="nf">Not found in the subtitles.</div>')
    if q.note:
        parts.append(f'<div class="note">{iso(esc(q.note))}</div>')
    parts.append("</li>")
    return "".join(parts)


def quotes_panel(qv: list[QuoteView]) -> str:
    n_found = sum(q.found for q in qv)
    return (
        f'<section id="quotes" class="panel"><h2>Quotes <small>{live("found", n_found, "")}/{len(qv)} found</small></h2>'
        f'<ol class="quotes">{"".join(_quote_item(q) for q in qv)}</ol></section>'
    )


def glossary_panel(gv: list[GlossView], g_hits: dict[int, tuple[int, int]], has_tgt: bool) -> str:
    rows = []
    for g in gv:
        ns, nt = g_hits[g.index]
        rows.append(
            f'<tr class="gentry" id="g{g.index}" data-g="{g.index}" tabindex="0">'
            f'<td class="en">{iso(esc(g.en))}</td><td class="zh" lang="zh">{iso(esc(g.zh))}</td>'
            f"<td>{esc(g.type)}</td><td class=\"num\">{ns}</td><td class=\"num\">{nt if has_tgt else ''}</td>"
            f'<td class="num">{esc(fmt_score(g.score))}</td></tr>'
        )
    return (
        '<section id="glossary" class="panel"><h2>Glossary</h2>'
        '<input id="gfilter" type="search" placeholder="filter…" aria-label="filter the glossary">'
        '<table class="gloss"><thead><tr><th>en</th><th>zh</th><th>type</th>'
        '<th title="occurrences in the review">rev.</th><th title="occurrences in the translation">tr.</th>'
        f'<th>score</th></tr></thead><tbody>{"".join(rows)}</tbody></table></section>'
    )


def live(key: str, n: int, label: str, cls: str = "") -> str:
    """A count the page's editor keeps up to date: ``<span data-count="low">3 low-confidence</span>``.

    The script (:mod:`subalign.report.js_counts`) recomputes *key* after every edit, undo and redo
    and replaces only the span's leading number, so the label stays as written here."""
    klass = f' class="{cls}"' if cls else ""
    text = f"{n} {label}" if label else str(n)
    return f'<span{klass} data-count="{key}">{text}</span>'


def summary(src: Document, tgt: Document | None, align: Alignment | None, review: Review,
            qv: list[QuoteView] | None, gv: list[GlossView] | None) -> str:
    """The header line: sentences, links, low/unaligned counts, quotes found, glossary size.

    The counts an edit can change are :func:`live` spans, recomputed in the page by the same
    definitions: ``links``; ``low`` (:func:`is_weak` on links with text on both sides);
    ``unaligned`` (links with an empty side); ``found`` / ``not_found`` (quote status); ``glossary``
    (rows not rejected: the rows the glossary exports keep)."""
    parts = [f"{len(src.sentences)} review sentences"]
    if tgt is not None and align is not None:
        parts.append(f"{len(tgt.sentences)} translation sentences, {live('links', len(align.links), 'links')}")
        parts.append(f"{live('low', review.n_low, 'low-confidence', 'low-count')}, "
                     f"{live('unaligned', review.n_unaligned, 'unaligned')}")
    if qv is not None:
        n_found = sum(q.found for q in qv)
        parts.append(f"{len(qv)} quotes ({live('found', n_found, 'found')}, "
                     f"{live('not_found', len(qv) - n_found, 'not found')})")
    if gv is not None:
        parts.append(live("glossary", len(gv), "glossary entries"))
    return " · ".join(parts)


def page_data(src: Document, tgt: Document | None, align: Alignment | None, review: Review, qv: list[QuoteView],
              gv: list[GlossView], marks: Marks, low_score: float, info: dict[str, Any] | None) -> dict[str, Any]:
    """The machine-readable block (``<script type="application/json" id="subalign-data">``)."""
    return {
        "version": 1,
        "info": {
            **(info or {}),
            "review": src.path,
            "translation": tgt.path if tgt is not None else None,
            "model": align.model if align is not None else None,
            "low_score": low_score,
            "weak_confidence": WEAK_CONFIDENCE,
        },
        "counts": {
            "review_sentences": len(src.sentences),
            "translation_sentences": len(tgt.sentences) if tgt is not None else None,
            "links": len(align.links) if align is not None else None,
            "low": review.n_low,
            "unaligned": review.n_unaligned,
        },
        "quotes": [
            {"id": f"q{q.index}", "anchor": q.anchor, "status": q.status, "quote": q.wording,
             "cues": [c.get("number") for c in q.cues]}
            for q in qv
        ],
        "glossary": [
            {"id": f"g{g.index}", "en": g.en, "zh": g.zh, "type": g.type, "src": marks.g_hits[g.index][0],
             "tgt": marks.g_hits[g.index][1]}
            for g in gv
        ],
    }


def column_heads(src: Document, tgt: Document | None) -> str:
    heads = '<div class="colhead"><div>Review' + (f" ({esc(src.lang)})" if src.lang else "") + "</div>"
    if tgt is not None:
        heads += f"<div>Translation ({esc(tgt.lang)})</div>"
    return heads + "</div>"
