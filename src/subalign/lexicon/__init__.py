"""Bilingual lexicon: CC-CEDICT both ways, English inflections, jieba words, pinyin names, numbers.

``evidence(en_text, zh_text)`` says which words, names and numbers of an English and a
Chinese text translate each other and how much of each side they cover (IDF-weighted).
For many pairs, prepare each side once (``load().prepare_en``/``prepare_zh``) and pass
the prepared sides. Modules: ``cedict`` (entries, glosses to lemmas), ``english`` and
``chinese`` (words, stop lists, weights), ``numbers``, ``translit`` (pinyin, Wade-Giles,
Cantonese readings), ``index`` (the cached tables), ``matching`` (prepared sides and the
evidence between them), ``core`` (:class:`LexiconIndex`).

CC-CEDICT is © MDBG and its contributors, CC BY-SA 4.0 (see NOTICE).
"""

from __future__ import annotations

from subalign.lexicon.core import LexiconIndex, load
from subalign.lexicon.matching import Evidence, Match, PreparedText

__all__ = ["LexiconIndex", "load", "Evidence", "Match", "PreparedText", "evidence"]


def evidence(en: str | PreparedText, zh: str | PreparedText) -> Evidence:
    """Evidence between an English and a Chinese text (raw or prepared) with the default index."""
    return load().evidence(en, zh)
