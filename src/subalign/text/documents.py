"""Turn a file (or a string) into a segmented :class:`~subalign.types.Document`."""

from __future__ import annotations

import os

from subalign.text.langid import chinese_script, detect_language, normalize_lang, script_hint
from subalign.text.segment import segment
from subalign.text.textio import read_text
from subalign.errors import SubalignError
from subalign.types import Document

_LANG_NAMES = {"en": "English", "zh": "Chinese"}


def load_document(
    path: str | os.PathLike,
    lang: str | None = None,
    encoding: str | None = None,
    presplit: bool = False,
) -> Document:
    """Read, decode, identify and segment the text file at *path*."""
    text, used = read_text(path, encoding)
    return document_from_text(text, lang=lang, presplit=presplit, path=str(path), encoding=used)


def document_from_text(
    text: str,
    lang: str | None = None,
    presplit: bool = False,
    path: str | None = None,
    encoding: str = "utf-8",
) -> Document:
    """Segment already-decoded *text*; *lang* (any spelling normalize_lang knows) skips detection.

    Anchors are offsets into *text* as given (for files: the LF-normalised text).

    >>> doc = document_from_text("工人罢工了。老板跑了。")
    >>> doc.lang, doc.script, doc.texts
    ('zh', 'Hans', ['工人罢工了。', '老板跑了。'])
    >>> doc = document_from_text("鞋廠的工人已經三個月沒拿到工資了。他們罷工了。", lang="zh")  # script still read
    >>> doc.lang, doc.script, doc.sentences[1].anchor
    ('zh', 'Hant', Anchor(paragraph=1, sentence=2, start=17, end=23))
    """
    name = path or "<text>"
    if not text.strip():
        raise SubalignError(f"{name}: the text is empty")
    if lang is not None:
        code = normalize_lang(lang)
        script = (script_hint(lang) or chinese_script(text, "Hans")) if code == "zh" else None
    else:
        try:
            code, script = detect_language(text)
        except SubalignError as e:
            raise SubalignError(f"{name}: {e}") from None
    sentences = segment(text, code, presplit=presplit)
    if not sentences:
        raise SubalignError(f"{name}: no sentences found")
    return Document(text=text, sentences=sentences, lang=code, script=script, encoding=encoding, path=path)


def check_language_pair(src: Document, tgt: Document) -> str | None:
    """A one-line warning when source and target look like the same language, else None."""
    if src.lang != tgt.lang:
        return None
    lang = _LANG_NAMES.get(src.lang, src.lang)
    scripts = ""
    if src.script and tgt.script and src.script != tgt.script:
        scripts = f" (scripts {src.script} and {tgt.script})"
    return (
        f"{src.path or 'source'} and {tgt.path or 'target'} both look like "
        f"{lang}{scripts}; expected texts in two languages (set the languages explicitly if detection is wrong)"
    )
