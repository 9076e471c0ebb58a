"""The sentence aligner: windows of sentences embedded, a coarse band, a DP over m-n beads.

Modules: :mod:`~subalign.aligner.core` (``align_documents``, the one entry point, and
its stages ``embed_pair`` and ``align_windows``; ``align_scored`` also gives each link's
score term by term), ``band`` (the coarse-to-fine band and ``best_path``/``align_beads``,
the one place the DP is set up and run), ``dp``, ``scoring``, ``lexical`` (the bilingual
lexicon's evidence for beads, English/Chinese only), ``doclex`` (a document's own word
pairs), ``quotemarks``, ``windows`` (window embeddings through the public
:class:`subalign.encoders.Encoder` interface), ``formats`` (ladder/TSV/JSON/TMX) and
``evaluate``. The names of ``core``
load on first use (numpy), so reading a ladder or TMX file (``formats``, ``evaluate``)
stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = ["MAX_ALIGN_LIMIT", "AlignOptions", "align_documents", "align_scored", "align_windows", "embed_pair"]

if TYPE_CHECKING:  # pragma: no cover
    from subalign.aligner.core import MAX_ALIGN_LIMIT, AlignOptions, align_documents, align_scored, align_windows, embed_pair


def __getattr__(name: str):
    if name in __all__:
        from subalign.aligner import core  # lazy: core imports numpy

        return getattr(core, name)
    raise AttributeError(f"module 'subalign.aligner' has no attribute {name!r}")
