"""A single self-contained HTML page for reviewing an alignment, its quotes and its glossary,
and for correcting them.

:func:`build_report` takes Python objects (an :class:`~subalign.types.Alignment` or a
bare review :class:`~subalign.types.Document`, the quote finder's
:class:`~subalign.quotes.units.QuoteMatch` list, the glossary's
:class:`~subalign.glossary.pairing.GlossaryEntry` list) *or* the JSON those modules save
(``formats.to_json``, ``quote_formats.to_json``, ``glossary_formats.to_json``) and
returns the page as a ``str`` for :func:`subalign.text.textio.atomic_write`.

The page
- shows the review paragraph by paragraph, one row per alignment bead, the review's
  sentences on the left and their translation on the right; every review sentence
  has ``id="p12.s3"`` (the anchors of every other output, so ``report.html#p12.s3``
  opens on it) and every translation sentence ``id="tr-p11.s2"``; paragraphs have
  ``id="p12"``, quotes ``id="q3"``, glossary entries ``id="g5"``;
- flags weak beads (confidence below 0.5, or for a link without a confidence a score
  below ``low_score``) and 1-0 / 0-1 beads;
- highlights quotes in the review; clicking one shows its cues, times and Chinese
  text; not-found quotes are marked as such;
- lists the glossary as a table; clicking an entry highlights its occurrences on both
  sides;
- lets a person correct all three (merge, split, move, check links; accept, reject or
  re-place quotes; accept, reject or edit glossary rows), weakest first, by keyboard or
  mouse, with undo, and export the corrected files and a corrections file that
  ``subalign apply`` replays (:mod:`subalign.report.editing`, :mod:`subalign.corrections`);
  the header's counts (weak and unaligned links, quotes found, glossary rows) follow every
  edit, undo and redo (:func:`subalign.report.sections.live`, :mod:`subalign.report.js_counts`).

Safety: every piece of text goes through :func:`html.escape` (attributes included);
the machine-readable data block is JSON with ``<``, ``>`` and ``&`` written as
``\\u003c`` etc., so no text can close the ``<script>`` element. The page loads
nothing: its Content-Security-Policy forbids any fetch and allows only our own inline
CSS and JS, by their SHA-256 hashes (no ``'unsafe-inline'``); the editor sets text only
through ``textContent``. Bidi controls (U+202E …) are shown as marked ``⟨U+202E⟩`` codes
and every sentence and cell is a ``<bdi>``, so text cannot reorder its neighbours. Saved
JSON is checked against the texts it is shown on (:func:`check_saved_quotes`,
:func:`check_saved_glossary`, :func:`alignment_from_json`).
Text is rendered as segments (``<span data-q="3" data-g="5 7">``) rather than
nested marks, so overlapping quotes and terms never produce broken markup.
"""

from __future__ import annotations

import base64
import hashlib
import math
from typing import Any

from subalign.errors import SubalignError
from subalign.report.assets import CSS, SCRIPT
from subalign.report.editing import edit_bar, edit_state, editor_block
from subalign.report.markup import BIDI_CONTROLS, attr, esc, iso, json_block
from subalign.report.sections import (
    TGT_PREFIX,
    column_heads,
    glossary_panel,
    mark_texts,
    page_data,
    quotes_panel,
    review_html,
    summary,
)
from subalign.report.views import glossary_views, quote_views
from subalign.types import Alignment, Document

__all__ = ["BIDI_CONTROLS", "CSP", "DEFAULT_LOW_SCORE", "TGT_PREFIX", "anchor_href", "build_report"]

#: Beads without a confidence (an older alignment JSON) scoring below this are flagged "low"
#: (scores are cosine-based, 0..1); beads with one are flagged below sections.WEAK_CONFIDENCE.
DEFAULT_LOW_SCORE = 0.5
#: A page with more beads than this lets the browser skip laying out paragraphs off screen
#: (CSS ``content-visibility``): a 5,000-link page then loads in a third of the time and an
#: edit repaints in a fraction (benchmarks/RESULTS.md, report editor).
LONG_PAGE = 1000


def anchor_href(report: str, anchor_id: str, side: str = "src") -> str:
    """The link to a sentence of the report: ``anchor_href("report.html", "p12.s3")`` →
    ``report.html#p12.s3``; ``side="tgt"`` for a translation anchor (``#tr-p12.s3``)."""
    if side not in ("src", "tgt"):
        raise ValueError(f"side must be 'src' or 'tgt', not {side!r}")
    return f"{report}#{TGT_PREFIX if side == 'tgt' else ''}{anchor_id}"


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


#: The page's Content-Security-Policy: nothing may load, and only our own inline script
#: and style (by hash, so an injected ``<script>`` or ``onclick=`` would not run).
CSP = (
    f"default-src 'none'; script-src {_sha256(SCRIPT)}; style-src {_sha256(CSS)}; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)


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
    marks = mark_texts(src, tgt, qv, gv)
    review = review_html(align, src, tgt, marks, low_score)
    data = page_data(src, tgt, align, review, qv, gv, marks, low_score, info)
    state, problem = edit_state(align, quotes, glossary)
    bar = ""
    if state is not None:
        data["edit"] = editor_block(state, src, qv)
        bar = edit_bar(state, problem)
    side = []
    if quotes is not None:
        side.append(quotes_panel(qv))
    if glossary is not None:
        side.append(glossary_panel(gv, marks.g_hits, tgt is not None))
    page_title = title or f"subalign report: {src.path or 'review'}"
    body_cls = ("two" if tgt is not None else "one") + (
        " long" if len(align.links if align is not None else src.sentences) > LONG_PAGE else "")
    line = summary(src, tgt, align, review, qv if quotes is not None else None, gv if glossary is not None else None)
    return "".join(
        [
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name="generator" content="subalign report">',
            f"<title>{attr(page_title)}</title><style>{CSS}</style></head>\n",
            f'<body class="{body_cls}"><header><h1>{iso(esc(page_title))}</h1>',
            f'<p class="summary">{line}</p>{bar}',
            '<p id="status" role="status" aria-live="polite"></p></header>\n',
            f'<div class="layout"><main id="review">{column_heads(src, tgt)}\n',
            review.html,
            f'</main><aside>{"".join(side)}</aside></div>\n',
            f'<script type="application/json" id="subalign-data">{json_block(data)}</script>\n',
            f"<script>{SCRIPT}</script>\n</body></html>\n",
        ]
    )
