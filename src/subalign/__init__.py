"""subalign: align English and Chinese text and subtitles with offline multilingual sentence embeddings.

Heavy modules load on first use, so ``import subalign`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

__all__ = ["align", "align_files", "get_encoder", "Alignment", "Document", "Link", "Sentence", "Anchor", "SubalignError", "__version__"]

if TYPE_CHECKING:  # pragma: no cover
    from subalign.api import align, align_files, get_encoder
    from subalign.errors import SubalignError
    from subalign.types import Alignment, Anchor, Document, Link, Sentence


def __getattr__(name: str):
    if name in ("align", "align_files", "get_encoder"):
        from subalign import api

        return getattr(api, name)
    if name in ("Alignment", "Document", "Link", "Sentence", "Anchor", "SubalignError"):
        from subalign import types

        return getattr(types, name)
    raise AttributeError(f"module 'subalign' has no attribute {name!r}")
