"""The glossary of two files: load, align, pair. ``subalign glossary`` and the batch task run it
through :func:`subalign.glossary.commands.run_glossary`, which shares :func:`aligned_files`.
"""

from __future__ import annotations

from subalign.glossary.inputs import load_pair
from subalign.glossary.pairing import GlossaryEntry, GlossaryOptions, build_glossary
from subalign.types import Alignment


# --------------------------------------------------------------------------- files


def aligned_files(
    src_path,
    tgt_path,
    *,
    model: str = "use-m3",
    encoder=None,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    src_encoding: str | None = None,
    tgt_encoding: str | None = None,
    **align_kwargs,
):
    """The two files read (English source, Chinese target; languages checked before the model
    loads) and aligned: ``(alignment, encoder)``."""
    from subalign.api import align, get_encoder  # lazy: the aligner loads numpy; the glossary package stays light

    presplit = align_kwargs.pop("presplit", False)
    src, tgt = load_pair(src_path, tgt_path, src_lang, tgt_lang, src_encoding, tgt_encoding, presplit=presplit)
    cache = align_kwargs.pop("cache", True)
    allow_download = align_kwargs.pop("allow_download", False)
    enc = encoder if encoder is not None else get_encoder(model, cache=cache, allow_download=allow_download)
    return align(src, tgt, encoder=enc, model=model, **align_kwargs), enc


def glossary_files(
    src_path,
    tgt_path,
    *,
    options: GlossaryOptions | None = None,
    warn=None,
    **kwargs,
) -> tuple[list[GlossaryEntry], Alignment]:
    """Read, align and build the glossary of two files (English source, Chinese target);
    *kwargs* are :func:`aligned_files`'."""
    alignment, enc = aligned_files(src_path, tgt_path, **kwargs)
    return build_glossary(alignment, enc, options, warn=warn), alignment
