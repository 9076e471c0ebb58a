"""Chinese term candidates: jieba words by part of speech, 《titles》, bracketed and quoted terms,
names with interpuncts, and the shorter forms that are subsequences of longer ones.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from functools import lru_cache

from subalign.glossary.candidates import Candidates, Mention, dedupe
from subalign.text.cjk import simplified_view
from subalign.types import Document

# --------------------------------------------------------------------------- Chinese

# Longest Chinese candidate (titles are capped at 40 too): a longer "name" is a run of
# noise, and the cap bounds the substring checks of the pairing step.
MAX_ZH_KEY = 40
_ZH_TITLE_RE = re.compile(r"《([^《》\n]{1,40})》")
_DOTS = frozenset("·•・‧")
_ZH_HAN_RE = re.compile(r"[\u4e00-\u9fff]+")
_ZH_BRACKET_RE = re.compile(r"（([\u4e00-\u9fff]{1,8})）|\(([\u4e00-\u9fff]{1,8})\)")
_ZH_QUOTE_RE = re.compile(r"[“「]([\u4e00-\u9fff·]{2,12})[”」]")
_POS_TYPE = {
    "nr": "person",
    "nrfg": "person",
    "nrt": "person",
    "ns": "place",
    "nt": "org",
    "nz": "name",
}
_NOUNISH = frozenset(["n", "nz", "nt", "ns", "nr", "nrfg", "nrt", "ng", "vn", "l", "i", "j", "an"])
_CONTENT = _NOUNISH | frozenset(["a", "b", "v"])
_ZH_STOP = frozenset(
    """
    工人 人 时 是 有 说 来 去 会 没有 一个 这个 那个 我们 他们 什么 事 话 里 人们
    """.split()
)


@lru_cache(maxsize=1)
def _jieba():
    import jieba  # lazy: jieba and its POS model take ~0.6 s; only extraction needs them
    import jieba.posseg as pseg  # lazy: as above

    jieba.setLogLevel(logging.WARNING)
    return pseg


# jieba dictionary count (of ~60M) above which a word is too common to be a glossary term:
# keeps 罢工 (1321) and 生产线 (521), drops 工厂 (3460), 公司 (45604).
COMMON_FREQ = 2000


@lru_cache(maxsize=1)
def _jieba_freq() -> dict:
    import jieba  # lazy: see _jieba

    _jieba()
    jieba.initialize()
    return jieba.dt.FREQ


def everyday(hans: str) -> bool:
    """Too common to be a glossary term (工人, 公司, 工厂): the test candidates pass, on the Simplified view."""
    view = simplified_view(hans)
    return view in _ZH_STOP or _jieba_freq().get(view, 0) > COMMON_FREQ


def subsequence(short: str, full: str) -> bool:
    it = iter(full)
    return all(ch in it for ch in short)


# One candidate found in a sentence: (key, type, start, end, rule), offsets into the sentence.
_Span = tuple[str, str, int, int, str]
# A jieba word: (surface as written, POS flag, start, end), offsets into the sentence.
_Word = tuple[str, str, int, int]
# A noun compound: (surface as written, kind n/v/nv, start, end, its Simplified view for jieba's lists).
_Compound = tuple[str, str, int, int, str]


def extract_zh(doc: Document) -> Candidates:
    """Chinese candidates: jieba proper nouns, 《titles》, ·-names, bracket abbreviations, noun compounds."""
    pseg = _jieba()
    cands = Candidates(doc.lang)
    grams: list[tuple[int, _Compound]] = []  # (sentence, compound): kept once the whole text is counted
    for si, s in enumerate(doc.sentences):
        # jieba's dictionary is Simplified: it cuts the Simplified view (same
        # length, so offsets hold) and the words are taken from the text as written.
        view = simplified_view(s.text)
        words = _words(pseg, s.text, view)
        spans = _marked(s.text) + _dot_names(s.text, words) + _tagged(words)
        compounds = _noun_compounds(s.text, view, words)
        spans += _bracket_abbreviations(s.text, spans, compounds, cands.abbreviations)
        base = s.anchor.start
        cands.mentions += [Mention(k, k, typ, si, base + a, base + b, rule) for k, typ, a, b, rule in spans]
        grams += [(si, g) for g in compounds]
    cands.mentions += _terms(doc, grams)
    cands.mentions += _abbreviation_uses(doc, cands.abbreviations)
    return dedupe(cands)


def _words(pseg, text: str, view: str) -> list[_Word]:
    """jieba's words of the Simplified view, each located in the text as written."""
    words: list[_Word] = []
    pos = 0
    for w in pseg.cut(view):
        # jieba's words tile the text; the bound keeps a surprise from rescanning a long line.
        a = view.find(w.word, pos, pos + len(w.word) + 32)
        if a < 0:
            continue
        pos = a + len(w.word)
        words.append((text[a:pos], w.flag, a, pos))
    return words


def _marked(text: str) -> list[_Span]:
    """What the punctuation marks: 《titles》 are works, short “quoted” spans are terms."""
    out: list[_Span] = [(m.group(1), "work", m.start(1), m.end(1), "title") for m in _ZH_TITLE_RE.finditer(text)]
    out += [(m.group(1), "term", m.start(1), m.end(1), "quote") for m in _ZH_QUOTE_RE.finditer(text)]
    return out


def _dot_names(text: str, words: list[_Word]) -> list[_Span]:
    """Transliterated foreign names: jieba words joined by the middle dot (约翰·史密斯)."""
    out: list[_Span] = []
    k = 0
    while k < len(words):
        e = k
        while (
            e + 2 < len(words)
            and words[e + 1][0] in _DOTS
            and words[e + 1][2] == words[e][3]
            and words[e + 2][2] == words[e + 1][3]
            and _ZH_HAN_RE.fullmatch(words[e + 2][0])
        ):
            e += 2
        if e > k and _ZH_HAN_RE.fullmatch(words[k][0]) and words[e][3] - words[k][2] <= MAX_ZH_KEY:
            out.append((text[words[k][2] : words[e][3]], "person", words[k][2], words[e][3], "dot-name"))
        k = e + 1
    return out


def _tagged(words: list[_Word]) -> list[_Span]:
    """Words jieba tags as person, place, organisation or other proper noun."""
    return [
        (w, _POS_TYPE[flag], a, b, f"jieba:{flag}")
        for w, flag, a, b in words
        if flag in _POS_TYPE and 2 <= len(w) <= MAX_ZH_KEY
    ]


def _noun_compounds(text: str, view: str, words: list[_Word]) -> list[_Compound]:
    """Noun compounds of 1-4 adjacent content words (head last), the Chinese term candidates."""
    out: list[_Compound] = []
    for i in range(len(words)):
        for n in (1, 2, 3, 4):
            part = words[i : i + n]
            if len(part) < n or any(part[k][3] != part[k + 1][2] for k in range(n - 1)):
                break
            if any(f not in _CONTENT for _, f, _, _ in part):
                break
            surface, hans = text[part[0][2] : part[-1][3]], view[part[0][2] : part[-1][3]]
            if not 2 <= len(surface) <= 8 or hans in _ZH_STOP:
                continue
            if n > 1 and part[0][1] not in _NOUNISH:
                continue  # 支付经济补偿金: a verb phrase, not a term; 工厂搬迁 (noun + verb) is kept
            kind = "n" if all(f in _NOUNISH for _, f, _, _ in part) else ("v" if n == 1 else "nv")
            out.append((surface, kind, part[0][2], part[-1][3], hans))
    return out


def _bracket_abbreviations(
    text: str, spans: list[_Span], compounds: list[_Compound], abbreviations: dict[str, str]
) -> list[_Span]:
    """An abbreviation defined in brackets right after its full form: 中华全国总工会（全总）.

    Records short -> full key in ``abbreviations`` and returns the bracketed mentions.
    """
    ending: dict[int, list[tuple[str, str]]] = defaultdict(list)  # the sentence's (key, type) by end offset
    for key, typ, _, b, _ in spans:
        ending[b].append((key, typ))
    for surface, _, _, b, _ in compounds:
        ending[b].append((surface, "term"))
    out: list[_Span] = []
    for m in _ZH_BRACKET_RE.finditer(text):
        short = m.group(1) or m.group(2)
        before = [c for c in ending.get(m.start(), ()) if len(c[0]) > len(short)]
        if before:
            full, typ = max(before, key=lambda c: len(c[0]))
            if subsequence(short, full):
                abbreviations[short] = full
                g = 1 if m.group(1) else 2
                out.append((short, typ, m.start(g), m.end(g), "abbreviation"))
    return out


def _terms(doc: Document, grams: list[tuple[int, _Compound]]) -> list[Mention]:
    """The noun compounds worth a glossary row: no lone verb, no everyday word."""
    counts = Counter(g[0] for _, g in grams)
    freq = _jieba_freq()
    out = []
    for si, (surface, kind, a, b, hans) in grams:
        if kind == "v" and counts[surface] < 2:  # a lone verb is not a term; a recurring one may be (罢工)
            continue
        if freq.get(hans, 0) > COMMON_FREQ:  # everyday words (公司, 开始, 城市) are not glossary terms
            continue
        base = doc.sentences[si].anchor.start
        out.append(Mention(surface, surface, "term", si, base + a, base + b, "ngram" if kind == "n" else "ngram-v"))
    return out


def _abbreviation_uses(doc: Document, abbreviations: dict[str, str]) -> list[Mention]:
    """Abbreviations recur without brackets: 全总官员."""
    hits = _occurrences(doc, abbreviations)
    return [
        Mention(short, short, "org", si, a, a + len(short), "abbreviation")
        for short in abbreviations
        for si, a in hits.get(short, ())
    ]


def _occurrences(doc: Document, shorts) -> dict[str, list[tuple[int, int]]]:
    """Non-overlapping (sentence, offset) occurrences of each short string, in reading order.

    One pass over the text trying each distinct length (abbreviations are 1-8
    characters), instead of one scan of the whole text per abbreviation.
    """
    lengths = sorted({len(x) for x in shorts})
    out: dict[str, list[tuple[int, int]]] = defaultdict(list)
    if not lengths:
        return out
    for si, s in enumerate(doc.sentences):
        free: dict[str, int] = {}  # per string: where its next match may start
        text = s.text
        for i in range(len(text)):
            for n in lengths:
                piece = text[i : i + n]
                if piece in shorts and i >= free.get(piece, 0):
                    out[piece].append((si, s.anchor.start + i))
                    free[piece] = i + n
    return out
