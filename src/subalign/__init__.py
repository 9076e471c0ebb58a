"""subalign: align English and Chinese text and subtitles with offline multilingual sentence embeddings.

Heavy modules load on first use, so ``import subalign`` (and with it ``subalign --help``)
stays cheap: the aligner (numpy and an embedding engine) on the first call of
:func:`align`, :func:`align_files` or :func:`get_encoder`, the records on first access.
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
        from subalign import api  # lazy: the aligner imports numpy and the encoders

        return getattr(api, name)
    if name in ("Alignment", "Document", "Link", "Sentence", "Anchor", "SubalignError"):
        from subalign import types  # lazy: building the records' dataclasses costs ~10 ms that --help need not pay

        return getattr(types, name)
    raise AttributeError(f"module 'subalign' has no attribute {name!r}")
