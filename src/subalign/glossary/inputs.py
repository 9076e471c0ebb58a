"""The two documents a glossary is built from: loaded, and checked to be one English and one Chinese.
"""

from __future__ import annotations

from subalign.errors import SubalignError
from subalign.text.documents import load_document
from subalign.types import Document


def load_pair(
    src_path, tgt_path, src_lang=None, tgt_lang=None, src_encoding=None, tgt_encoding=None, *, presplit=False
):
    """The English and Chinese documents, read and checked (a one-line error otherwise)."""
    src = load_document(src_path, lang=src_lang, encoding=src_encoding, presplit=presplit)
    tgt = load_document(tgt_path, lang=tgt_lang, encoding=tgt_encoding, presplit=presplit)
    check_langs(src, tgt)
    return src, tgt


def check_langs(src: Document, tgt: Document) -> None:
    """English (or another non-Chinese language) first, Chinese second."""
    if src.lang == "zh" or tgt.lang != "zh":
        raise SubalignError(
            f"glossary needs an English source and a Chinese target, got {src.path or 'source'} as {src.lang} "
            f"and {tgt.path or 'target'} as {tgt.lang}: give the English text first, or set --src-lang en "
            "--tgt-lang zh if the detection is wrong"
        )
