"""The sentence aligner: windows of sentences embedded, a coarse band, a DP over m-n beads.

Modules: :mod:`~subalign.aligner.core` (``align_documents``, the one entry point),
``dp``, ``scoring``, ``band``, ``windows``, ``compose``, ``formats`` (ladder/TSV/JSON/TMX)
and ``evaluate``. The names of ``core`` load on first use (numpy), so reading a ladder
or TMX file (``formats``, ``evaluate``) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = ["MAX_ALIGN_LIMIT", "AlignOptions", "align_documents", "align_windows"]

if TYPE_CHECKING:  # pragma: no cover
    from subalign.aligner.core import MAX_ALIGN_LIMIT, AlignOptions, align_documents, align_windows


def __getattr__(name: str):
    if name in __all__:
        from subalign.aligner import core  # lazy: core imports numpy

        return getattr(core, name)
    raise AttributeError(f"module 'subalign.aligner' has no attribute {name!r}")
