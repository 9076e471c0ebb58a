"""The Python API: what the CLI calls, and what tests and users call directly.

Texts (or files) in, an :class:`~subalign.types.Alignment` out; write it with
:mod:`subalign.aligner.formats` (``to_tmx``, ``to_tsv``, ``to_json``, ``to_ladder``).
"""

from __future__ import annotations

import os
from dataclasses import replace

from subalign.aligner.core import AlignOptions, align_documents
from subalign.encoders import DEFAULT_MODEL, load_encoder
from subalign.text.documents import check_language_pair, document_from_text, load_document
from subalign.types import Alignment, Document


def get_encoder(model: str = DEFAULT_MODEL, *, cache: bool = True, allow_download: bool = False):
    """Load an encoder by name (``use-m3``, ``e5-small``, ``a+b``, a folder or a hub name)."""
    return load_encoder(model, cache=cache, allow_download=allow_download)


def _as_document(x: str | Document | os.PathLike, lang: str | None, presplit: bool) -> Document:
    if isinstance(x, Document):
        return x
    return document_from_text(str(x), lang=lang, presplit=presplit)


def align(
    src: str | Document,
    tgt: str | Document,
    *,
    model: str = DEFAULT_MODEL,
    encoder=None,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    presplit: bool = False,
    max_align: int = 5,
    options: AlignOptions | None = None,
    cache: bool = True,
    allow_download: bool = False,
) -> Alignment:
    """Align two texts (strings or :class:`Document`) sentence by sentence.

    Languages are detected unless given; the default model (``use-m3``) runs
    offline from its pip package, and embeddings are cached on disk.

    >>> a = align("Workers went on strike. The boss fled.", "工人罢工了。老板跑了。")
    >>> [(link.src, link.tgt) for link in a.links]
    [((0,), (0,)), ((1,), (1,))]
    >>> [(a.src_text(link), a.tgt_text(link)) for link in a.links]
    [('Workers went on strike.', '工人罢工了。'), ('The boss fled.', '老板跑了。')]
    >>> a.src.lang, a.tgt.lang, a.model
    ('en', 'zh', 'use-m3')
    >>> 0 < a.links[0].score <= 1
    True
    """
    options = replace(options or AlignOptions(), max_align=max_align)
    options.bead_types()  # validate before any expensive work
    s = _as_document(src, src_lang, presplit)
    t = _as_document(tgt, tgt_lang, presplit)
    enc = encoder if encoder is not None else get_encoder(model, cache=cache, allow_download=allow_download)
    return align_documents(s, t, enc, options)


def align_files(
    src_path: str | os.PathLike,
    tgt_path: str | os.PathLike,
    *,
    src_encoding: str | None = None,
    tgt_encoding: str | None = None,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    presplit: bool = False,
    warn=None,
    **kwargs,
) -> Alignment:
    """Read, detect, segment and align two files; ``warn`` receives one-line warnings.

    Sentences carry anchors into their file (``p2.s1``: paragraph 2, sentence 1),
    which every output format keeps.

    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     en, zh = Path(tmp, "review.en.txt"), Path(tmp, "review.zh.txt")
    ...     _ = en.write_text("Workers went on strike.\\n\\nThe boss fled.\\n", encoding="utf-8")
    ...     _ = zh.write_text("工人罢工了。\\n\\n老板跑了。\\n", encoding="utf-8")
    ...     a = align_files(en, zh)
    >>> [(a.src.sentences[link.src[0]].anchor.id, a.tgt_text(link)) for link in a.links]
    [('p1.s1', '工人罢工了。'), ('p2.s1', '老板跑了。')]
    >>> Path(a.src.path).name, a.tgt.encoding
    ('review.en.txt', 'utf-8')
    """
    s = load_document(src_path, lang=src_lang, encoding=src_encoding, presplit=presplit)
    t = load_document(tgt_path, lang=tgt_lang, encoding=tgt_encoding, presplit=presplit)
    msg = check_language_pair(s, t)
    if msg and warn:
        warn(msg)
    return align(s, t, **kwargs)
