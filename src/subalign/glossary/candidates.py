"""Term candidates of one document: the entity types, a :class:`Mention` (where a term occurs)
and :class:`Candidates` (every term found, with its mentions and type votes).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

NAME_TYPES = ("person", "place", "org", "work")
TYPES = NAME_TYPES + ("term",)


@dataclass(frozen=True)
class Mention:
    """One occurrence of a candidate in a document.

    ``key`` groups mentions of the same candidate (possessive stripped, terms
    lower-cased and singularised); ``start``/``end`` are offsets into ``Document.text``.
    ``type`` is a first guess ("name" when a proper name's kind is unknown);
    ``source`` says which rule found it (kept as evidence).
    """

    key: str
    text: str
    type: str
    sentence: int
    start: int
    end: int
    source: str

    @property
    def is_name(self) -> bool:
        return self.type != "term"


@dataclass
class Candidates:
    """All mentions of one document plus the abbreviations it defines (short -> full key)."""

    lang: str
    mentions: list[Mention] = field(default_factory=list)
    abbreviations: dict[str, str] = field(default_factory=dict)

    def by_sentence(self) -> dict[int, list[Mention]]:
        out: dict[int, list[Mention]] = {}
        for m in self.mentions:
            out.setdefault(m.sentence, []).append(m)
        return out

    def keys(self) -> Counter:
        return Counter(m.key for m in self.mentions)


def dedupe(c: Candidates) -> Candidates:
    """Keep one mention per (key, start): two rules finding the same term at one place count once."""
    seen = set()
    out = []
    for m in c.mentions:
        k = (m.key, m.start)
        if k not in seen:
            seen.add(k)
            out.append(m)
    c.mentions = out
    return c
