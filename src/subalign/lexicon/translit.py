"""Transliteration: pypinyin readings of Chinese spans, with Wade-Giles and Hong Kong (Cantonese)
variants, to tell whether an English name spells a Chinese one (曾 = Zeng, 单 = Shan; tone-less;
hyphens and apostrophes ignored, so Zhu Xiao-mei = Zhu Xiaomei); Traditional display forms.

The glossary pairs names with it, and the lexicon's evidence finds names with the same readings
(precomputed per character in the lexicon index, see :func:`syllable_splits`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from functools import cache, lru_cache

# --------------------------------------------------------------------------- transliteration

# Surname readings pypinyin's single-character default may not put first; heteronym
# mode already lists them, this makes the intent explicit and survives dictionary changes.
SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "区": "ou",
    "仇": "qiu",
    "解": "xie",
    "查": "zha",
    "朴": "piao",
    "盖": "ge",
    "乐": "yue",
    "尉": "yu",
    "覃": "qin",
    "缪": "miao",
    "召": "shao",
    "华": "hua",
    "任": "ren",
    "沈": "shen",
    "石": "shi",
    "柏": "bai",
}

# Hong Kong (Cantonese) romanisations of common name syllables, keyed by Mandarin reading.
# Hand-written: no light PyPI package gives Jyutping-to-HK-government spellings, and a
# per-syllable table is enough to recognise the usual names (Wong Siu-ling = 黄小玲).
CANTONESE = {
    "huang": ("wong",),
    "wang": ("wong",),
    "xiao": ("siu",),
    "chen": ("chan",),
    "zhang": ("cheung",),
    "li": ("lee", "lei"),
    "he": ("ho",),
    "wu": ("ng", "woo"),
    "liang": ("leung",),
    "liu": ("lau",),
    "ye": ("yip",),
    "zeng": ("tsang",),
    "guo": ("kwok",),
    "lin": ("lam",),
    "zhou": ("chow", "chau"),
    "tan": ("tam",),
    "mai": ("mak",),
    "yang": ("yeung",),
    "feng": ("fung",),
    "wei": ("wai",),
    "wen": ("man",),
    "jie": ("kit",),
    "jia": ("ka",),
    "zhi": ("chi",),
    "jun": ("kwan",),
    "rong": ("wing",),
    "xiong": ("hung",),
    "hong": ("hung",),
    "qiang": ("keung",),
    "hui": ("fai", "wai"),
    "yu": ("yu", "yue", "yuk"),
    "lian": ("lin",),
    "cheng": ("shing", "ching"),
    "sheng": ("sing",),
    "de": ("tak",),
    "jian": ("kin",),
    "hai": ("hoi",),
    "si": ("sze",),
    "shu": ("shu", "suk"),
    "hua": ("wa",),
    "xin": ("sun", "yan"),
    "zi": ("tsz",),
    "ying": ("ying",),
    "ming": ("ming",),
    "ling": ("ling",),
    "mei": ("mei",),
    "wing": ("wing",),
    "kai": ("hoi",),
    "guang": ("kwong",),
    "gao": ("ko",),
    "luo": ("law", "lo"),
    "xu": ("hui", "tsui"),
    "zhu": ("chu",),
    "ma": ("ma",),
    "cai": ("choi",),
    "deng": ("tang",),
    "tang": ("tong",),
    "song": ("sung",),
    "xie": ("tse",),
    "fang": ("fong",),
    "hu": ("wu",),
    "yuan": ("yuen",),
    "qiu": ("yau",),
    "lu": ("lo", "luk"),
    "jiang": ("keung", "kong"),
    "gang": ("kong",),
    "xiang": ("heung",),
    "yi": ("yee",),
    "lai": ("lai",),
    "peng": ("pang",),
    "kong": ("hung",),
}


def _wade_giles(py: str) -> str:
    """Pinyin syllable -> Wade-Giles without apostrophes (hs, ch, ts; -ung, -ien, -ih)."""
    special = {
        "zi": "tzu",
        "ci": "tzu",
        "si": "ssu",
        "zhi": "chih",
        "chi": "chih",
        "shi": "shih",
        "ri": "jih",
        "you": "yu",
        "yan": "yen",
        "yi": "i",
        "er": "erh",
    }
    if py in special:
        return special[py]
    for a, b in (
        ("zh", "ch"),
        ("ch", "ch"),
        ("sh", "sh"),
        ("x", "hs"),
        ("q", "ch"),
        ("j", "ch"),
        ("z", "ts"),
        ("c", "ts"),
        ("r", "j"),
        ("b", "p"),
        ("d", "t"),
        ("g", "k"),
    ):
        if py.startswith(a):
            py = b + py[len(a) :]
            break
    for a, b in (("ong", "ung"), ("ian", "ien"), ("ie", "ieh"), ("uo", "o")):
        if py.endswith(a):
            py = py[: -len(a)] + b
            break
    return py


@cache
def char_readings(ch: str) -> frozenset[str]:
    """Every tone-less romanisation we accept for one Han character."""
    if not ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"):
        return frozenset()
    from pypinyin import Style, pinyin  # lazy: pypinyin loads its whole reading dictionary on import

    out: set[str] = set()
    found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore", v_to_u=False)
    for r in found[0] if found else ():  # a character pypinyin has no reading for gives []
        r = r.lower()
        out |= {r, r.replace("v", "u"), r.replace("v", "yu"), r.replace("v", "ue")}
    if ch in SURNAME_READINGS:
        out.add(SURNAME_READINGS[ch])
    for r in list(out):
        out.add(_wade_giles(r))
        out.update(CANTONESE.get(r, ()))
    return frozenset(x for x in out if x)


def romanise(zh: str, person: bool = False) -> str:
    """Tone-less pinyin, syllables separated by spaces (the pinyin column); a person's surname read as a surname."""
    from pypinyin import Style, lazy_pinyin  # lazy: pypinyin loads its whole reading dictionary on import

    syl = lazy_pinyin(zh, style=Style.NORMAL, errors="ignore")
    if person and syl and zh[:1] in SURNAME_READINGS:
        syl[0] = SURNAME_READINGS[zh[0]]
    return " ".join(syl)


def norm_word(w: str) -> str:
    """Lower-case ASCII letters only: tone marks, ü's dots, hyphens and apostrophes go (Xiǎo-měi -> xiaomei)."""
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", w.lower()))


def spells(word: str, zh: str) -> bool:
    """Does ``zh`` (every character) spell the romanised ``word`` (Xiaomei, xiao-mei, Siuling)?"""
    w = norm_word(word)
    if not w or not zh:
        return False
    ok = {0}
    for ch in zh:
        rs = char_readings(ch)
        ok = {i + len(r) for i in ok for r in rs if w.startswith(r, i)}
        if not ok:
            return False
    return len(w) in ok


@lru_cache(maxsize=4096)
def find_spellings(word: str, text: str, max_chars: int = 4) -> tuple[tuple[int, int], ...]:
    """Spans of ``text`` that spell ``word`` (cached: a link's names share words and sentences)."""
    out = []
    for a in range(len(text)):
        if not char_readings(text[a]):
            continue
        for n in range(1, max_chars + 1):
            if a + n <= len(text) and spells(word, text[a : a + n]):
                out.append((a, a + n))
    return tuple(out)


def find_name(words: list[str], text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` spelling all of ``words`` consecutively (either order: Xu Chunhua / Chunhua Xu).

    No words spell nothing (a "name" made only of stop words has none left).
    """
    if not words:
        return []
    spans = [find_spellings(w, text) for w in words]
    if not all(spans):
        return []
    found = []
    for order in (list(range(len(words))), list(range(len(words)))[::-1]):
        starts = {s for s in spans[order[0]]}
        for k in order[1:]:
            nxt = {e[0]: e for e in spans[k]}
            starts = {(s[0], nxt[s[1]][1]) for s in starts if s[1] in nxt}
        found += sorted(starts)
        if len(words) == 1:
            break
    return found


def translit_score(en: str, zh: str) -> float:
    """Share of the two forms explained by romanisation: 1.0 for 唐文杰 / Tang Wenjie, 0.5 for 金履鞋业 / Jinlu Footwear."""
    words = [w for w in re.split(r"[\s]+", en) if norm_word(w)]
    if not words or not zh:
        return 0.0
    covered = [False] * len(zh)
    en_hit = 0
    for w in words:
        spans = find_spellings(w, zh)
        if spans:
            en_hit += 1
            for a, b in spans[:1]:
                for i in range(a, b):
                    covered[i] = True
    return (sum(covered) / len(zh) + en_hit / len(words)) / 2


_SURNAMES = frozenset(
    """
    wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang
    xie song tang han feng deng cao peng zeng xiao tian dong yuan pan yu jiang cai jia ding wei xue
    ye yan lu shen du fang qin kong bai lai mai tan wen shi ou zhong cui cheng ren qiu qian lei hou
    long wong chan cheung lee leung lau yip tsang kwok lam chow tam mak yeung fung ho ng tse chu
    choi
    """.split()
)


def looks_like_chinese_name(en: str) -> bool:
    """Tang Wenjie, Wong Siu-ling: a surname then a one- or two-syllable given name."""
    words = en.split()
    return 2 <= len(words) <= 3 and norm_word(words[0]) in _SURNAMES and all(w[:1].isupper() for w in words)


@lru_cache(maxsize=1)
def _s2t():
    import opencc  # lazy: C++ extension, only the glossary's Traditional column needs it

    return opencc.OpenCC("s2t")


def to_hant(zh: str) -> str:
    return _s2t().convert(zh)


def syllable_splits(word: str, syllables: Collection[str], limit: int = 8) -> tuple[tuple[str, ...], ...]:
    """The ways ``word`` (already :func:`norm_word`-ed) reads as a run of romanised syllables.

    ``wenhai`` -> (("wen", "hai"),); at most ``limit`` splits of at most 4 syllables (a name word
    is one to three characters), so a long English word costs a bounded search.
    """
    longest = max((len(s) for s in syllables), default=0)
    out: list[tuple[str, ...]] = []

    def walk(i: int, acc: tuple[str, ...]) -> None:
        if len(out) >= limit:
            return
        if i == len(word):
            out.append(acc)
            return
        if len(acc) == 4:
            return
        for j in range(min(len(word), i + longest), i, -1):
            if word[i:j] in syllables:
                walk(j, acc + (word[i:j],))

    walk(0, ())
    return tuple(out)
