"""Correcting in the page: the results as an :class:`~subalign.corrections.state.EditState`, the
data the page's editor needs, and its controls (the edit bar, the keys panel).

The editor itself is JavaScript (:mod:`subalign.report.js_editor`, :mod:`subalign.report.js_tools`,
:mod:`subalign.report.js_writers`); everything it writes is computed from what
:func:`editor_block` puts in the page's data block.
"""

from __future__ import annotations

from typing import Any

from subalign.corrections.exports import editor_data, name_for
from subalign.corrections.saved import glossary_entries, quote_matches
from subalign.corrections.state import EditState
from subalign.errors import SubalignError
from subalign.report.markup import esc
from subalign.report.views import QuoteView
from subalign.types import Alignment, Document

__all__ = ["edit_bar", "edit_state", "editor_block"]


def edit_state(align: Alignment | None, quotes: Any, glossary: Any) -> tuple[EditState | None, str | None]:
    """The results as the editor's state, or None when there is nothing to correct; and why quotes
    or the glossary cannot be corrected (a hand-made file the writers cannot take), if so."""
    problems = []
    matches = entries = None
    if quotes is not None:
        try:
            matches = quote_matches(quotes)
        except SubalignError as exc:
            problems.append(f"quotes cannot be corrected here: {exc}")
    if glossary is not None:
        try:
            entries = glossary_entries(glossary)
        except SubalignError as exc:
            problems.append(f"the glossary cannot be corrected here: {exc}")
    problem = "; ".join(problems) or None
    if align is None and matches is None and entries is None:
        return None, problem
    return EditState.of(align, matches, entries), problem


def editor_block(state: EditState, src: Document, qv: list[QuoteView]) -> dict[str, Any]:
    """The ``edit`` part of the page's data: :func:`~subalign.corrections.exports.editor_data` plus
    the page ids of the quotes (``q3`` → 3)."""
    data = editor_data(state, name_for(src.path))
    data["qdom"] = [q.index for q in qv] if state.has_quotes else []
    return data


_KEYS = (
    ("j", "next weak item (links and quotes, weakest first)"),
    ("k", "previous item"),
    ("m", "merge the link with the next one"),
    ("s", "split the link (choose the sentences of each part, Enter applies)"),
    ("a", "accept: link checked, quote found at its cues, glossary row kept"),
    ("r", "reject: link unlinked, quote not found, glossary row left out"),
    ("e", "edit the glossary row"),
    ("Ctrl+Z / Ctrl+Y", "undo / redo"),
    ("?", "show or hide these keys"),
    ("Esc", "close"),
)


def _button(label: str, ident: str = "", extra: str = "") -> str:
    ident = f' id="{ident}"' if ident else ""
    return f'<button type="button"{ident}{extra}>{esc(label)}</button>'


def edit_bar(state: EditState, problem: str | None) -> str:
    """The header's controls: walk, undo/redo, the unsaved-edits counter, the exports, the keys."""
    exports = []
    if state.alignment is not None:
        exports += [("tmx", "Export TMX"), ("ladder", "Export ladder")]
    if state.has_quotes:
        exports.append(("quotes", "Export quotes TSV"))
    if state.has_glossary:
        exports += [("glossary_tsv", "Export glossary TSV"), ("glossary_tbx", "Export glossary TBX")]
    exports.append(("corrections", "Export corrections"))
    parts = [
        '<div id="editbar" role="group" aria-label="Corrections">',
        _button("Next weak item", "next-weak", ' aria-keyshortcuts="j"'),
        _button("Previous item", "prev-item", ' aria-keyshortcuts="k"'),
        _button("Undo", "undo", ' aria-keyshortcuts="Control+Z" disabled'),
        _button("Redo", "redo", ' aria-keyshortcuts="Control+Y" disabled'),
        '<span id="unsaved" aria-live="polite">0 unsaved edits</span>',
        *(_button(label, "", f' data-export="{kind}"') for kind, label in exports),
        _button("Keys", "keys-button", ' aria-keyshortcuts="?" aria-expanded="false" aria-controls="keys"'),
        "</div>",
    ]
    if problem:
        parts.append(f'<p class="note">{esc(problem)}</p>')
    rows = "".join(f'<tr><th scope="row">{esc(k)}</th><td>{esc(what)}</td></tr>' for k, what in _KEYS)
    parts.append(
        '<section id="keys" class="panel" hidden tabindex="-1" aria-label="Keyboard shortcuts">'
        f"<h2>Keys</h2><table><tbody>{rows}</tbody></table>"
        "<p>Edits are kept in this browser for these inputs; export the corrections to keep them as a file "
        "(subalign apply replays it on saved outputs).</p></section>"
    )
    return "".join(parts)
