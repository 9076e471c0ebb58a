"""Lexical evidence between a prepared English text and a prepared Chinese text.

A prepared side (:class:`PreparedText`, built once per sentence by
:meth:`subalign.lexicon.LexiconIndex.prepare`) is a set of *units* (content word types and
numbers) with weights, and the set of *keys* they can match: CC-CEDICT lemma ids
(integers), number keys ("31500000", "3.5%", "m3") and literal Latin words ("=iphone").
The evidence of a pair is then the intersection of two key sets, plus, only when the
English side has capitalised words that read as pinyin, a walk over the Chinese
characters' romanisations. Both are cheap enough for every candidate pair in an
aligner's band.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["PreparedText", "Match", "Evidence", "evidence", "coverage", "hits"]

Key = int | str


@dataclass(eq=False, slots=True)
class PreparedText:
    """One side of a pair, ready for any number of :func:`evidence` calls.

    ``units`` are the content word types and numbers as written, ``weights`` their IDF,
    ``key_units`` maps each key to the units that carry it. English only: ``names``
    (unit, the ways its word reads as pinyin syllables). Chinese only: ``view`` (the
    Simplified text the words were cut from), ``readings`` (romanisations per character)
    and ``char_unit`` (the unit covering each character, -1 for none).
    """

    lang: str
    text: str
    units: tuple[str, ...]
    weights: tuple[float, ...]
    key_units: dict[Key, tuple[int, ...]]
    keys: frozenset[Key] = field(init=False)
    total: float = field(init=False)
    names: tuple[tuple[int, tuple[tuple[str, ...], ...]], ...] = ()
    view: str = ""
    readings: tuple[tuple[str, ...], ...] = ()
    char_unit: tuple[int, ...] = ()
    _starts: dict[str, tuple[int, ...]] | None = None

    def __post_init__(self) -> None:
        self.keys = frozenset(self.key_units)
        self.total = sum(self.weights)

    def __len__(self) -> int:
        return len(self.units)

    def reading_starts(self) -> dict[str, tuple[int, ...]]:
        """Romanisation -> the characters that can be read so (built on first use, Chinese side)."""
        if self._starts is None:
            starts: dict[str, list[int]] = {}
            for i, rs in enumerate(self.readings):
                for r in rs:
                    starts.setdefault(r, []).append(i)
            self._starts = {r: tuple(p) for r, p in starts.items()}
        return self._starts


@dataclass(frozen=True, slots=True)
class Match:
    """One matched pair: the English and Chinese units as written and how they match."""

    en: str
    zh: str
    kind: str  # "dict" (CC-CEDICT), "name" (pinyin reading or same Latin spelling), "number", "learned" (a pair the aligner learned from the document)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the lexicon finds between two texts.

    ``en_coverage``/``zh_coverage``: the IDF-weighted share of each side's content units
    that are matched (0.0 with no content). ``coverage`` is their mean, one number to
    threshold or to feed a scorer.
    """

    matches: tuple[Match, ...]
    en_coverage: float
    zh_coverage: float

    @property
    def coverage(self) -> float:
        return (self.en_coverage + self.zh_coverage) / 2

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(m.kind for m in self.matches)


#: Keys by their first character: ``=`` a name's reading, ``~`` a word pair the aligner
#: learned from the document (:mod:`subalign.aligner.doclex`), anything else a number.
LEARNED_PREFIX = "~"


def _kind(key: Key) -> str:
    if isinstance(key, int):
        return "dict"
    if key.startswith("="):
        return "name"
    return "learned" if key.startswith(LEARNED_PREFIX) else "number"


def _spellings(splits: tuple[tuple[str, ...], ...], zh: PreparedText):
    """Character spans of ``zh`` that read as one of the syllable runs ``splits``."""
    starts = zh.reading_starts()
    readings = zh.readings
    n = len(readings)
    for split in splits:
        k = len(split)
        for p in starts.get(split[0], ()):
            if p + k <= n and all(split[j] in readings[p + j] for j in range(1, k)):
                yield p, p + k


def _hits(en: PreparedText, zh: PreparedText, pairs: list | None) -> tuple[set[int], set[int]]:
    en_hit: set[int] = set()
    zh_hit: set[int] = set()
    for key in en.keys & zh.keys:
        eu, zu = en.key_units[key], zh.key_units[key]
        en_hit.update(eu)
        zh_hit.update(zu)
        if pairs is not None:
            kind = _kind(key)
            pairs.extend((i, j, kind) for i in eu for j in zu)
    if en.names and zh.readings:
        char_unit = zh.char_unit
        for ui, splits in en.names:
            for a, b in _spellings(splits, zh):
                units = {char_unit[c] for c in range(a, b)} - {-1}
                if units:
                    en_hit.add(ui)
                    zh_hit |= units
                    if pairs is not None:
                        pairs.extend((ui, j, "name") for j in sorted(units))
    return en_hit, zh_hit


def hits(en: PreparedText, zh: PreparedText) -> tuple[set[int], set[int]]:
    """The matched units of each side (indices into ``units``): what :func:`coverage` weighs.

    The aligner keeps these per sentence pair, so that a bead's coverage is the union of
    its sentence pairs' hits without preparing the concatenated sides.
    """
    return _hits(en, zh, None)


def _share(side: PreparedText, hit: set[int]) -> float:
    if not hit or not side.total:
        return 0.0
    w = side.weights
    return sum(w[i] for i in hit) / side.total


def evidence(en: PreparedText, zh: PreparedText) -> Evidence:
    """Matched pairs and the covered share of each side (see :class:`Evidence`)."""
    pairs: list[tuple[int, int, str]] = []
    en_hit, zh_hit = _hits(en, zh, pairs)
    # In text order (English unit, then Chinese unit): the keys' set order depends on how
    # the index numbered its lemmas, which must not show in an output.
    matches = tuple(Match(en.units[i], zh.units[j], kind) for i, j, kind in sorted(set(pairs)))
    return Evidence(matches, _share(en, en_hit), _share(zh, zh_hit))


def coverage(en: PreparedText, zh: PreparedText) -> tuple[float, float]:
    """Only the two coverage shares of :func:`evidence` (no pair list: the aligner's hot path)."""
    en_hit, zh_hit = _hits(en, zh, None)
    return _share(en, en_hit), _share(zh, zh_hit)
