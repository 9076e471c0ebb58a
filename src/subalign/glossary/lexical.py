"""Word-level bilingual evidence for term pairs, from the lexicon (CC-CEDICT, numbers, pinyin names).

An embedding says two short phrases are about the same thing; only a dictionary says one
translates the other. :class:`TermMatcher` compares an English term with a Chinese one
unit by unit (content words and numbers, as :mod:`subalign.lexicon` prepares them) and
returns a :class:`Support`: which kinds of evidence matched and how much of each side
(IDF-weighted) they cover. Beyond the lexicon's own word matches it tries, for the units
left over:

- the Chinese word's dictionary pieces, longest first, then its characters (社会保险 =
  社会 + 保险 covers "insurance", which the entry's own gloss lacks; 厂门 = 厂 + 门), counted
  by the share of the word's characters they cover;
- the English word's derivational bases, kept only when the dictionary knows them
  (relocation -> relocate, industrial -> industry, electronics -> electronic): glosses are
  written with base forms and lemmatisers do not undo derivation;
- an English acronym against the initials of a Chinese word's gloss words (NGO =
  非政府组织, "non-governmental organization").

:func:`dictionary_counterparts` uses the same tables the other way round: for an English
term in a link, the run of Chinese words in the linked sentences whose glosses cover all of
its content words is added as a candidate rendering (jieba and the extraction rules often
cut the real rendering out of a longer compound or never propose it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from subalign.glossary.candidates import Mention
from subalign.glossary.evidence import LinkedTerms, Pair
from subalign.lexicon import LexiconIndex, PreparedText
from subalign.text.cjk import HAN_RE, simplified_view
from subalign.types import Alignment

__all__ = ["Support", "TermMatcher", "dictionary_counterparts", "derivations", "term_supports"]

# Derivational suffixes and what the base may end in instead (a base counts only if the
# dictionary has it as a gloss lemma). Longest suffixes first.
_DERIVATIONS = (
    ("ational", ("ation", "ate", "e", "")),
    ("ication", ("y", "ic")),
    ("ation", ("ate", "e", "")),
    ("ition", ("ite", "")),
    ("ments", ("",)),
    ("ment", ("",)),
    ("ness", ("",)),
    ("ance", ("", "e")),
    ("ence", ("", "e")),
    ("ical", ("ic", "y")),
    ("ial", ("y", "")),
    ("ics", ("ic", "y")),
    ("ity", ("e", "", "al")),
    ("ive", ("e", "ion", "")),
    ("ion", ("e", "")),
    ("ist", ("ism", "y", "")),
    ("ers", ("e", "")),
    ("ors", ("e", "")),
    ("ing", ("e", "")),
    ("al", ("", "e")),
    ("er", ("e", "")),
    ("or", ("e", "")),
    ("ic", ("y", "")),
    ("ly", ("",)),
    ("y", ("",)),
)
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]*[A-Z]s?$")
# Longest dictionary piece tried inside a Chinese word.
_MAX_PIECE = 6
# Counterpart search: at most this many words and characters in a found rendering.
_MAX_RUN_WORDS = 4
_MAX_RUN_CHARS = 8


@dataclass(frozen=True, slots=True)
class Support:
    """Lexical support of one (English, Chinese) term pair.

    ``kinds``: "dict", "number" and/or "translit" (a pinyin reading or the same Latin
    spelling); ``en_cov``/``zh_cov``: the IDF-weighted share of each side's content units
    matched; ``matches``: the (English, Chinese) units that matched, for the evidence column.
    """

    kinds: tuple[str, ...]
    en_cov: float
    zh_cov: float
    matches: tuple[tuple[str, str], ...]

    @property
    def coverage(self) -> float:
        return (self.en_cov + self.zh_cov) / 2

    def supports(self, least: float = 0.7) -> bool:
        """Lexical support: matches covering at least ``least`` of each side."""
        return bool(self.kinds) and min(self.en_cov, self.zh_cov) >= least


NO_SUPPORT = Support((), 0.0, 0.0, ())
_KINDS = {"dict": "dict", "number": "number", "name": "translit"}


def derivations(word: str, known: Callable[[str], bool]) -> tuple[str, ...]:
    """Bases of an English word by its derivational suffix, those ``known`` accepts (relocation -> relocate)."""
    out: list[str] = []
    for suffix, repls in _DERIVATIONS:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            for r in repls:
                base = stem + r
                if base != word and base not in out and known(base):
                    out.append(base)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class _En:
    prepared: PreparedText
    lemmas: tuple[frozenset[str], ...]  # per unit: its gloss lemmas and those of its derivational bases
    acronym: tuple[str, ...]  # per unit: the acronym's letters, lower-case ("" if not one)


@dataclass(frozen=True, slots=True)
class _Zh:
    prepared: PreparedText
    lemmas: tuple[frozenset[str], ...]  # per unit: the lemmas of its own entry
    pieces: tuple[tuple[tuple[int, int, frozenset[str]], ...], ...]  # per unit: (start, end, lemmas) of its pieces
    initials: tuple[frozenset[str], ...]  # per unit: initials of its own entry's lemmas


class TermMatcher:
    """Lexical support between term strings, with each side prepared once (cached by text)."""

    def __init__(self, lex: LexiconIndex):
        self.lex = lex
        self.en = lru_cache(maxsize=65536)(self._prepare_en)
        self.zh = lru_cache(maxsize=65536)(self._prepare_zh)
        self.glosses = lru_cache(maxsize=262144)(self._glosses)
        self.support = lru_cache(maxsize=262144)(self._support)

    def _glosses(self, zh_word: str) -> frozenset[str]:
        return frozenset(self.lex.translations(zh_word))

    def _known(self, word: str) -> bool:
        return bool(self.lex.lemma_ids(word))

    def en_lemmas(self, word: str) -> frozenset[str]:
        """Gloss lemmas an English word can stand for, its derivational bases' included."""
        lemmas = self.lex.tables.lemmas
        low = word.lower()
        out = {lemmas[i] for i in self.lex.lemma_ids(low)}
        for base in derivations(low, self._known):
            out.update(lemmas[i] for i in self.lex.lemma_ids(base))
        if "-" in low:
            for part in low.split("-"):
                out.update(lemmas[i] for i in self.lex.lemma_ids(part))
        return frozenset(out)

    def _prepare_en(self, text: str) -> _En:
        p = self.lex.prepare_en(text)
        acr = tuple(u.rstrip("s").lower() if _ACRONYM.match(u) else "" for u in p.units)
        return _En(p, tuple(self.en_lemmas(u) for u in p.units), acr)

    def _prepare_zh(self, text: str) -> _Zh:
        p = self.lex.prepare_zh(text)
        own, pieces, initials = [], [], []
        for u in p.units:
            g = self.glosses(u) if HAN_RE.search(u) else frozenset()
            own.append(g)
            initials.append(frozenset(x[0] for x in g))
            pieces.append(self.pieces(u) if len(u) > 1 and HAN_RE.search(u) else ())
        return _Zh(p, tuple(own), tuple(pieces), tuple(initials))

    def pieces(self, word: str) -> tuple[tuple[int, int, frozenset[str]], ...]:
        """Dictionary words inside a Chinese word (shorter than it, longest first), then its characters."""
        out = []
        n = len(word)
        for size in range(min(n - 1, _MAX_PIECE), 0, -1):
            for a in range(n - size + 1):
                g = self.glosses(word[a : a + size])
                if g:
                    out.append((a, a + size, g))
        return tuple(out)

    def _support(self, en_text: str, zh_text: str) -> Support:
        """How the dictionary, numbers and names support ``en_text`` = ``zh_text`` (see :class:`Support`).

        ``support`` (the cached form) is what callers use. Characters of the Chinese term
        that no content unit holds (a stop word: 工厂是, 隶属于) count as not covered.
        """
        E, Z = self.en(en_text), self.zh(zh_text)
        pe, pz = E.prepared, Z.prepared
        if not len(pe) or not len(pz):
            return NO_SUPPORT
        en_hit = [False] * len(pe)
        zh_chars = [bytearray(len(u)) for u in pz.units]  # per Chinese unit: its characters matched
        kinds: set[str] = set()
        shown: dict[tuple[str, str], None] = {}
        e_index = {u: i for i, u in enumerate(pe.units)}
        z_index = {u: j for j, u in enumerate(pz.units)}
        for m in self.lex.evidence(pe, pz).matches:
            en_hit[e_index[m.en]] = True
            zh_chars[z_index[m.zh]][:] = b"\x01" * len(m.zh)
            kinds.add(_KINDS.get(m.kind, "translit"))
            shown[(m.en, m.zh)] = None
        for i, u in enumerate(pe.units):
            for j, z in enumerate(pz.units):
                if (u, z) not in shown and self._match_unit(E, i, Z, j, zh_chars[j]):
                    en_hit[i] = True
                    kinds.add("dict")
                    shown[(u, z)] = None
        zh_part = [sum(c) / len(c) if c else 0.0 for c in zh_chars]
        en_cov = sum(w for w, h in zip(pe.weights, en_hit) if h) / pe.total if pe.total else 0.0
        zh_cov = sum(w * p for w, p in zip(pz.weights, zh_part)) / pz.total if pz.total else 0.0
        zh_cov *= _content_share(pz)
        return Support(tuple(sorted(kinds)), en_cov, zh_cov, tuple(shown))

    @staticmethod
    def _match_unit(E: _En, i: int, Z: _Zh, j: int, chars: bytearray) -> bool:
        """Does English unit ``i`` match Chinese unit ``j`` (by gloss, acronym or pieces)? Marks ``chars`` it covers."""
        lemmas = E.lemmas[i]
        acr = E.acronym[i]
        whole = bool(lemmas & Z.lemmas[j]) or (
            bool(acr) and len(set(acr)) == len(acr) == len(Z.initials[j]) and frozenset(acr) == Z.initials[j]
        )
        if whole:
            chars[:] = b"\x01" * len(chars)
            return True
        hit = False
        for a, b, g in Z.pieces[j] if lemmas else ():
            if lemmas & g:
                chars[a:b] = b"\x01" * (b - a)
                hit = True
        return hit


def _content_share(p: PreparedText) -> float:
    """Share of a Chinese term's letters (Han or Latin/digits) inside its content units."""
    letters = [i for i, ch in enumerate(p.view) if ch.isalnum()]
    if not letters:
        return 0.0
    return sum(1 for i in letters if p.char_unit[i] >= 0) / len(letters)


# --------------------------------------------------------------------------- counterparts


def dictionary_counterparts(
    alignment: Alignment, terms: LinkedTerms, matcher: TermMatcher, everyday: Callable[[str], bool]
) -> int:
    """Add, for each English term in a link, the Chinese word run there whose glosses cover all its words.

    Only terms none of whose Chinese candidates has lexical support are looked up. The
    run is the shortest one of at most four adjacent words (two to eight characters)
    covering every content unit of the term; ``everyday`` (the extraction's "too common to
    be a term" test, on the Simplified view) refuses a run as it refuses a candidate. The
    run becomes a Chinese mention (source "lexicon") in that link, so the pairing weighs it
    like any other candidate. Returns how many mentions were added.
    """
    tgt = alignment.tgt
    wanted = _unsupported_terms(matcher, terms)
    sentences: dict[int, _Words] = {}
    added = 0
    for li, e_keys in list(terms.en_keys.items()):
        for e in sorted(e_keys & wanted.keys()):
            E = wanted[e]
            for j in alignment.links[li].tgt:
                if j not in sentences:
                    sentences[j] = _Words(matcher, tgt.sentences[j].text)
                words = sentences[j]
                if not all(lem & words.lemmas for lem in E.lemmas):
                    continue  # some word of the term has no translation in this sentence
                for a, b in _covering_runs(E, words):
                    added += _add(terms, li, j, tgt.sentences[j], a, b, everyday)
    return added


def _unsupported_terms(matcher: TermMatcher, terms: LinkedTerms) -> dict[str, _En]:
    """English term keys (not names) whose words all have glosses and that no linked candidate supports."""
    out: dict[str, _En] = {}
    for e, links in terms.en.links.items():
        if terms.en.is_name(e):
            continue
        text = terms.en.mentions[e][0].text
        E = matcher.en(text)
        if not len(E.prepared) or not all(E.lemmas):
            continue
        zs = {z for li in links for z in terms.zh_keys.get(li, ())}
        if not any(matcher.support(text, z).supports() for z in zs):
            out[e] = E
    return out


def _add(terms: LinkedTerms, li: int, j: int, s, a: int, b: int, everyday: Callable[[str], bool]) -> int:
    """File the run as a mention of link ``li`` unless it is an everyday word or already there."""
    z = s.text[a:b]
    start = s.anchor.start + a
    if everyday(z) or any(m.sentence == j and m.start == start for m in terms.zh.mentions.get(z, ())):
        return 0
    terms.zh.add(Mention(z, z, "term", j, start, s.anchor.start + b, "lexicon"), li)
    terms.zh_keys[li].add(z)
    return 1


class _Words:
    """A Chinese sentence cut by the lexicon, each word with its glosses' lemmas (and its pieces')."""

    def __init__(self, matcher: TermMatcher, text: str):
        # Without jieba's HMM (half the time): an unknown word comes out as characters, each
        # with its own glosses, which is what a run of dictionary words is made of anyway.
        self.words = list(matcher.lex.tokenizer.tokenize(simplified_view(text), HMM=False))
        self.own: list[frozenset[str]] = []
        self.parts: list[frozenset[str]] = []
        for w, _, _ in self.words:
            han = bool(HAN_RE.search(w))
            self.own.append(matcher.glosses(w) if han else frozenset())
            pieces = matcher.pieces(w) if han and len(w) > 1 else ()
            self.parts.append(frozenset().union(*(g for _, _, g in pieces)))
        self.lemmas = frozenset().union(*self.own, *self.parts)


def _covering_runs(E: _En, sent: _Words) -> list[tuple[int, int]]:
    """(start, end) of the shortest adjacent-word runs matching every unit of ``E`` (each word matching one)."""
    words = sent.words
    n_units = len(E.prepared)
    hits: list[frozenset[int]] = []
    for own, parts in zip(sent.own, sent.parts):
        found = frozenset(i for i, lem in enumerate(E.lemmas) if lem & own)
        hits.append(found or frozenset(i for i, lem in enumerate(E.lemmas) if lem & parts))
    best: list[tuple[int, int]] = []
    for k in range(len(words)):
        if not hits[k]:
            continue
        got: set[int] = set()
        for end in range(k, min(len(words), k + _MAX_RUN_WORDS)):
            if not hits[end] or (end > k and words[end][1] != words[end - 1][2]):
                break
            got |= hits[end]
            if len(got) == n_units:
                while end + 1 < len(words) and end + 1 - k < _MAX_RUN_WORDS and _joins(words, hits, end + 1):
                    end += 1  # a following word that matches too belongs to the rendering (语音 + 留言)
                a, b = words[k][1], words[end][2]
                if 2 <= b - a <= _MAX_RUN_CHARS:
                    best.append((a, b))
                break
    # keep the shortest runs only (a longer run holding a shorter one adds a word the term lacks)
    return [r for r in best if not any(o != r and r[0] <= o[0] and o[1] <= r[1] for o in best)]


def _joins(words: list[tuple[str, int, int]], hits: list[frozenset[int]], k: int) -> bool:
    return bool(hits[k]) and words[k][1] == words[k - 1][2]


def term_supports(matcher: TermMatcher, terms: LinkedTerms, pairs) -> dict[Pair, Support]:
    """Lexical support of each (English term, Chinese) pair; names are left to transliteration.

    The English side is the term's first mention as written (workers' representative,
    not the lower-cased singular key), which is what the lexicon's forms expect.
    """
    E = terms.en
    out: dict[Pair, Support] = {}
    for e, z in pairs:
        if not E.is_name(e):
            out[(e, z)] = matcher.support(E.mentions[e][0].text, z)
    return out
