"""The glossary of two files: load, align, pair (what ``subalign glossary`` and the batch task run).
"""

from __future__ import annotations

from functools import cache

from subalign.glossary.inputs import load_pair
from subalign.glossary.pairing import GlossaryEntry, GlossaryOptions, build_glossary
from subalign.types import Alignment


# --------------------------------------------------------------------------- files


def glossary_files(
    src_path,
    tgt_path,
    *,
    model: str = "use-m3",
    encoder=None,
    options: GlossaryOptions | None = None,
    warn=None,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    src_encoding: str | None = None,
    tgt_encoding: str | None = None,
    **align_kwargs,
) -> tuple[list[GlossaryEntry], Alignment]:
    """Read, align and build the glossary of two files (English source, Chinese target).

    Both files are read and their languages checked before the model is loaded.
    """
    from subalign.api import align, get_encoder  # lazy: the aligner loads numpy; the glossary package stays light

    presplit = align_kwargs.pop("presplit", False)
    src, tgt = load_pair(src_path, tgt_path, src_lang, tgt_lang, src_encoding, tgt_encoding, presplit=presplit)
    cache = align_kwargs.pop("cache", True)
    allow_download = align_kwargs.pop("allow_download", False)
    enc = encoder if encoder is not None else get_encoder(model, cache=cache, allow_download=allow_download)
    alignment = align(src, tgt, encoder=enc, model=model, **align_kwargs)
    return build_glossary(alignment, enc, options, warn=warn), alignment
