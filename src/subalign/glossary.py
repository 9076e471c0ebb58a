"""Bilingual glossary: pair English and Chinese candidates across aligned sentences, and QA a translation.

Pairing runs on the sentence alignment, so evidence only counts inside aligned links:

- *transliteration*: the English form is spelled by the pypinyin readings of a Chinese
  span (all readings, so 曾 = Zeng and 单 = Shan; tone-less; hyphens and apostrophes
  ignored, so Zhu Xiao-mei = Zhu Xiaomei), with cheap Wade-Giles and Hong Kong
  (Cantonese) variants;
- *co-occurrence*: Dice over aligned links (a pair seen together every time wins);
- *embedding similarity* of the two terms with the aligner's own encoder.

Pairs are chosen by competitive linking (best score first, each term used once), then
bracket definitions add the acronym/abbreviation entries (ACFTU = 中华全国总工会 and 全总).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache

import numpy as np

from .cjk import simplified_view
from .terms import NAME_TYPES, STOP, Candidates, Mention, extract
from .types import Alignment, Anchor, Document, TermPair

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
    from pypinyin import Style, pinyin

    if not ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"):
        return frozenset()
    out: set[str] = set()
    for r in pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore", v_to_u=False)[0]:
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
    from pypinyin import Style, lazy_pinyin

    syl = lazy_pinyin(zh, style=Style.NORMAL, errors="ignore")
    if person and syl and zh[:1] in SURNAME_READINGS:
        syl[0] = SURNAME_READINGS[zh[0]]
    return " ".join(syl)


def _norm_word(w: str) -> str:
    """Lower-case ASCII letters only: tone marks, ü's dots, hyphens and apostrophes go (Xiǎo-měi -> xiaomei)."""
    import unicodedata

    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", w.lower()))


def spells(word: str, zh: str) -> bool:
    """Does ``zh`` (every character) spell the romanised ``word`` (Xiaomei, xiao-mei, Siuling)?"""
    w = _norm_word(word)
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
    words = [w for w in re.split(r"[\s]+", en) if _norm_word(w)]
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
    return 2 <= len(words) <= 3 and _norm_word(words[0]) in _SURNAMES and all(w[:1].isupper() for w in words)


# --------------------------------------------------------------------------- pairing


@dataclass
class GlossaryOptions:
    """Knobs of the pairing; defaults tuned on samples/ (see benchmarks/RESULTS.md, glossary)."""

    min_score: float = 0.5
    sim_floor: float = 0.3  # cosine at or below which embedding evidence counts zero
    sim_ceil: float = 0.8  # cosine at or above which it counts fully
    # A link longer than this (characters, either side), or with more candidate pairs, is
    # too coarse to be evidence that two terms translate each other (a one-sentence-per-line
    # file of whole paragraphs, a run of noise); skipping it keeps the per-link pairing,
    # quadratic in the link's candidates, bounded. Sentences are cut at 400 / 200
    # characters, so an ordinary bead of up to 8 sentences always fits.
    max_link_chars: int = 4000
    max_pairs_per_link: int = 20000

    def __post_init__(self) -> None:
        import math

        from .types import SubalignError

        for name in ("min_score", "sim_floor", "sim_ceil"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and 0.0 <= v <= 1.0):
                raise SubalignError(f"glossary option {name} must be a number from 0 to 1, got {v!r}")
        if self.sim_ceil <= self.sim_floor:
            raise SubalignError(f"glossary option sim_ceil ({self.sim_ceil}) must exceed sim_floor ({self.sim_floor})")
        for name in ("max_link_chars", "max_pairs_per_link"):
            v = getattr(self, name)
            if not (isinstance(v, int) and v > 0):
                raise SubalignError(f"glossary option {name} must be a positive integer, got {v!r}")


@dataclass
class GlossaryEntry:
    """A glossary row: the :class:`TermPair` plus what the outputs show (contexts, both sides' anchors)."""

    en: str
    zh: str
    type: str
    score: float
    count: int
    anchors: tuple[Anchor, ...] = ()
    zh_anchors: tuple[Anchor, ...] = ()
    evidence: tuple[str, ...] = ()
    context_en: str = ""
    context_zh: str = ""
    zh_hant: str = ""
    pinyin: str = ""

    def pair(self) -> TermPair:
        return TermPair(
            self.en,
            self.zh,
            self.type,
            self.score,
            self.count,
            self.anchors,
            self.evidence,
        )


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def to_hant(zh: str) -> str:
    return _s2t().convert(zh)


def _narrow(sentence_anchor: Anchor, start: int, end: int) -> Anchor:
    return Anchor(sentence_anchor.paragraph, sentence_anchor.sentence, start, end)


def _alias_names(en: Candidates) -> None:
    """A lone surname or given name (Tang, Mr. Lin) is a mention of the one full name it belongs to."""
    full: dict[str, set[str]] = defaultdict(set)
    multi = {m.key for m in en.mentions if m.source == "caps" and " " in m.key and m.type in ("name", "person")}
    for k in multi:
        ws = k.split()
        full[ws[0]].add(k)
        full[ws[-1]].add(k)
    out = []
    for m in en.mentions:
        if m.source == "caps" and " " not in m.key and len(full.get(m.key, ())) == 1:
            target = next(iter(full[m.key]))
            m = Mention(target, m.text, "person", m.sentence, m.start, m.end, "alias")
        out.append(m)
    en.mentions = out


@dataclass
class _Side:
    links: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    mentions: dict[str, list[Mention]] = field(default_factory=lambda: defaultdict(list))
    types: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    sources: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, m: Mention, link: int) -> None:
        self.links[m.key].add(link)
        self.mentions[m.key].append(m)
        self.types[m.key][m.type] += 1
        self.sources[m.key].add(m.source)


def _usable_links(alignment: Alignment, en_c: Candidates, zh_c: Candidates, opt: GlossaryOptions) -> list[int]:
    """Links short and sparse enough to count as evidence (see :class:`GlossaryOptions`)."""
    keys_e: dict[int, set[str]] = defaultdict(set)
    keys_z: dict[int, set[str]] = defaultdict(set)
    for m in en_c.mentions:
        keys_e[m.sentence].add(m.key)
    for m in zh_c.mentions:
        keys_z[m.sentence].add(m.key)
    out = []
    for li, link in enumerate(alignment.links):
        src = sum(len(alignment.src.sentences[i].text) for i in link.src)
        tgt = sum(len(alignment.tgt.sentences[j].text) for j in link.tgt)
        n_e = len(set().union(*(keys_e.get(i, ()) for i in link.src)))
        n_z = len(set().union(*(keys_z.get(j, ()) for j in link.tgt)))
        if src <= opt.max_link_chars and tgt <= opt.max_link_chars and n_e * n_z <= opt.max_pairs_per_link:
            out.append(li)
    return out


class _Linked:
    """Spans of the terms linked so far, and whether every mention of a key lies inside one.

    Spans only grow, so a mention once inside stays inside: each key keeps a pointer to
    its first mention not yet covered, which makes the repeated test linear overall
    (a term mentioned n times and tried against k renderings is not n*k).
    """

    def __init__(self, side: _Side):
        self.side = side
        self.spans: dict[int, list[tuple[int, int]]] = defaultdict(list)  # sentence -> linked spans
        self.first_open: dict[str, int] = {}

    def add(self, key: str) -> None:
        for m in self.side.mentions[key]:
            self.spans[m.sentence].append((m.start, m.end))

    def covers(self, key: str) -> bool:
        ms = self.side.mentions[key]
        i = self.first_open.get(key, 0)
        while i < len(ms) and any(a <= ms[i].start and ms[i].end <= b for a, b in self.spans.get(ms[i].sentence, ())):
            i += 1
        self.first_open[key] = i
        return i == len(ms)


def _is_name_key(side: _Side, key: str) -> bool:
    return any(t != "term" for t in side.types[key]) and not side.sources[key] <= {
        "np",
        "quote",
    }


def build_glossary(
    alignment: Alignment, encoder=None, options: GlossaryOptions | None = None, *, warn=None
) -> list[GlossaryEntry]:
    """Pair the candidates of an aligned English/Chinese document pair into glossary entries.

    ``encoder`` (``.encode(list[str])``, L2-normalised) gives embedding evidence; without it
    only transliteration and co-occurrence are used. Entries come sorted by type then score.
    ``warn`` receives a one-line note when links are left out as too long or too dense.
    """
    opt = options or GlossaryOptions()
    src, tgt = alignment.src, alignment.tgt
    check_langs(src, tgt)
    en_c, zh_c = extract(src), extract(tgt)
    _alias_names(en_c)
    usable = _usable_links(alignment, en_c, zh_c, opt)
    if warn is not None and len(usable) < len(alignment.links):
        n = len(alignment.links) - len(usable)
        warn(
            f"glossary: {n} of {len(alignment.links)} links are too long or too dense to pair terms in "
            f"(over {opt.max_link_chars} characters or {opt.max_pairs_per_link} candidate pairs); left out"
        )
    src_link = {i: li for li in usable for i in alignment.links[li].src}
    tgt_link = {j: li for li in usable for j in alignment.links[li].tgt}
    E, Z = _Side(), _Side()
    per_link_e: dict[int, set[str]] = defaultdict(set)
    per_link_z: dict[int, set[str]] = defaultdict(set)
    for m in en_c.mentions:
        if m.sentence in src_link:
            E.add(m, src_link[m.sentence])
            per_link_e[src_link[m.sentence]].add(m.key)
    for m in zh_c.mentions:
        if m.sentence in tgt_link:
            Z.add(m, tgt_link[m.sentence])
            per_link_z[tgt_link[m.sentence]].add(m.key)

    # Transliteration: look for each name's spelling in the aligned Chinese (jieba often splits names).
    translit_pairs: dict[tuple[str, str], float] = {}
    for li, link in enumerate(alignment.links):
        for e in per_link_e.get(li, ()):
            if not _is_name_key(E, e) or e.isupper():
                continue
            words = [w for w in e.split() if w.lower() not in STOP]
            if not words:
                continue
            for j in link.tgt:
                s = tgt.sentences[j]
                for a, b in find_name(words, s.text):
                    z = s.text[a:b]
                    if len(z) < 2:
                        continue
                    typ = "person" if looks_like_chinese_name(e) else "name"
                    m = Mention(z, z, typ, j, s.anchor.start + a, s.anchor.start + b, "translit")
                    Z.add(m, li)
                    per_link_z[li].add(z)
                    translit_pairs[(e, z)] = 1.0

    # Co-occurrence over links.
    cooc: Counter = Counter()
    for li, e_keys_here in per_link_e.items():
        for e in e_keys_here:
            if e in en_c.abbreviations:
                continue  # defined acronyms are entered through their definition
            for z in per_link_z.get(li, ()):
                if z in zh_c.abbreviations:
                    continue
                cooc[(e, z)] += 1

    # Embedding similarity of the terms themselves.
    e_keys = sorted({e for e, _ in cooc})
    z_keys = sorted({z for _, z in cooc})
    sim: dict[tuple[str, str], float] = {}
    if encoder is not None and e_keys and z_keys:
        ev = np.asarray(encoder.encode([E.mentions[k][0].text if E.sources[k] == {"np"} else k for k in e_keys]))
        zv = np.asarray(encoder.encode(z_keys))
        ei = {k: i for i, k in enumerate(e_keys)}
        zi = {k: i for i, k in enumerate(z_keys)}
        for e, z in cooc:
            sim[(e, z)] = float(ev[ei[e]] @ zv[zi[z]])

    scored: list[tuple[float, str, str, tuple[str, ...]]] = []
    for (e, z), c in cooc.items():
        n_e, n_z = len(E.links[e]), len(Z.links[z])
        dice = 2 * c / (n_e + n_z)
        s = sim.get((e, z))
        sn = 0.0 if s is None else min(1.0, max(0.0, (s - opt.sim_floor) / (opt.sim_ceil - opt.sim_floor)))
        name = _is_name_key(E, e)
        t = translit_pairs.get((e, z)) or (translit_score(e, z) if name and not e.isupper() else 0.0)
        ev = [f"cooc={c}/{n_e}/{n_z}", f"dice={dice:.2f}"]
        if s is not None:
            ev.append(f"sim={s:.2f}")
        if t >= 0.999:
            score = 0.85 + 0.1 * dice + 0.05 * sn
            ev.append("translit=1.00")
        else:
            w_sim = 0.75 if s is not None else 0.0
            score = w_sim * sn + 0.15 * dice + 0.25 * t - (0.1 if s is None else 0.0)
            if t > 0:
                ev.append(f"translit={t:.2f}")
            # A proper name rarely renders as a common phrase and vice versa.
            z_name = _is_name_key(Z, z) and "ngram" not in Z.sources[z] or "translit" in Z.sources[z]
            if name != z_name and not ("title" in E.sources[e] or "quote" in Z.sources[z] or "title" in Z.sources[z]):
                score -= 0.05
            if ("title" in E.sources[e]) and ("title" in Z.sources[z]):
                score += 0.15
                ev.append("both titles")
            agree = _type_agreement(E.types[e], Z, z) if name else ""
            if agree:
                score += 0.1
                ev.append(agree)
            if ("quote" in E.sources[e]) and ("quote" in Z.sources[z]):
                score += 0.1
                ev.append("both quoted")
        scored.append((min(score, 1.0), e, z, tuple(ev)))
    scored = _prefer_whole_units(scored, Z, sim, {e: _is_name_key(E, e) for e in e_keys})
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))

    # Competitive linking; a term wholly inside an already linked term is not linked again.
    e_used: set[str] = set()
    z_used: set[str] = set()
    e_linked, z_linked = _Linked(E), _Linked(Z)
    chosen: list[tuple[float, str, str, tuple[str, ...]]] = []
    for score, e, z, ev in scored:
        if score < opt.min_score * 0.6:
            break
        if e in e_used or z in z_used or e_linked.covers(e) or z_linked.covers(z):
            continue
        e_used.add(e)
        z_used.add(z)
        e_linked.add(e)
        z_linked.add(z)
        chosen.append((score, e, z, ev))

    # Definitions: ACFTU -> whatever its expansion linked to, and to that form's bracketed abbreviation.
    zh_abbr_of = defaultdict(list)
    for short, full in zh_c.abbreviations.items():
        zh_abbr_of[full].append(short)
    extra = []
    linked = {e: (score, z) for score, e, z, _ in chosen}
    for acr, expansion in en_c.abbreviations.items():
        if expansion in linked:
            score, z = linked[expansion]
            extra.append((score, acr, z, ("definition: " + expansion,)))
            for short in zh_abbr_of.get(z, ()):
                extra.append((score, acr, short, (f"definition: {z}（{short}）",)))
    for score, e, z, _ in chosen:
        if e not in en_c.abbreviations.values():
            for short in zh_abbr_of.get(z, ()):  # no English acronym: the full form carries both renderings
                extra.append((score, e, short, (f"definition: {z}（{short}）",)))
    chosen += extra

    entries = []
    for score, e, z, ev in chosen:
        if score < opt.min_score:
            continue
        entries.append(_entry(alignment, E, Z, e, z, score, ev, en_c))
    order = {t: i for i, t in enumerate(NAME_TYPES + ("term",))}
    entries.sort(key=lambda x: (order.get(x.type, 9), -x.score, x.en, x.zh))
    return entries


_ZH_ORG_SUFFIXES = (
    "中心",
    "工会",
    "组织",
    "公司",
    "协会",
    "委员会",
    "鞋业",
    "集团",
    "联合会",
    "基金会",
    "研究所",
    "大学",
    "学院",
    "银行",
    "厂",
    "局",
    "部",
    "党",
    "网",
    "社",
    "会",
)
_ZH_PLACE_SUFFIXES = (
    "省",
    "市",
    "县",
    "镇",
    "区",
    "街",
    "村",
    "河",
    "山",
    "湖",
    "岛",
    "州",
)


def _type_agreement(en_types: Counter, Z: _Side, z: str) -> str:
    """Evidence that the Chinese span is the same kind of name: jieba's tag, a telling suffix, quotes."""
    srcs = Z.sources[z]
    if en_types.get("org") and ("jieba:nt" in srcs or z.endswith(_ZH_ORG_SUFFIXES) or "quote" in srcs):
        return "type=org"
    if en_types.get("place") and ("jieba:ns" in srcs or z.endswith(_ZH_PLACE_SUFFIXES)):
        return "type=place"
    if en_types.get("person") and ("jieba:nr" in srcs or "dot-name" in srcs):
        return "type=person"
    return ""


_UNIT_SOURCES = (
    "quote",
    "title",
    "translit",
    "dot-name",
    "jieba:nt",
    "jieba:ns",
    "jieba:nr",
    "ngram",
)


def _prefer_whole_units(scored, Z: _Side, sim: dict, name_keys: dict) -> list:
    """Drop a Chinese fragment when a longer unit containing it fits the English nearly as well.

    jieba splits unknown names (劳工/视野, 工友/中心); the quoted, titled or noun-compound span
    around the fragment is the real rendering, and embeddings alone slightly prefer the
    fragment that carries the common word.
    """
    by_e = defaultdict(list)
    for item in scored:
        by_e[item[1]].append(item)
    out = []
    for e, items in by_e.items():
        # For every fragment of a qualifying unit, the best cosine of a unit containing it:
        # one pass over each unit's substrings instead of comparing every pair of items.
        keys = {item[2] for item in items}
        best: dict[str, float] = {}
        for item2 in items:
            z2, s2 = item2[2], sim.get((e, item2[2]))
            if s2 is None or item2[0] < 0.3 or not _is_unit(Z, z2):
                continue
            for a in range(len(z2)):
                for b in range(a + 1, len(z2) + (a > 0)):
                    frag = z2[a:b]
                    if frag in keys and s2 > best.get(frag, -2.0):
                        best[frag] = s2
        for item in items:
            z = item[2]
            if "translit=1.00" in item[3]:
                out.append(item)
                continue
            s = sim.get((e, z), 0.0)
            slack = 0.15 if name_keys.get(e) else 0.05
            if best.get(z, -2.0) < s - slack - 1e-9:
                out.append(item)
    return out


def _is_unit(Z: _Side, z: str) -> bool:
    return any(src in _UNIT_SOURCES or src.startswith("jieba") for src in Z.sources[z])


def _final_type(E: _Side, Z: _Side, e: str, z: str, en_c: Candidates) -> str:
    et = E.types[e]
    if not _is_name_key(E, e):
        return "term"
    for t in ("work", "org", "place"):
        if et.get(t):
            return t
    if "acronym" in E.sources[e]:
        return "org"
    zt = Z.types[z]
    if "translit" not in Z.sources[z] or len(Z.sources[z]) > 1:
        for t in ("person", "place", "org", "work"):
            if zt.get(t) and any(s.startswith("jieba") or s in ("title", "dot-name") for s in Z.sources[z]):
                return t
    if et.get("person") or looks_like_chinese_name(e):
        return "person"
    return "place" if " " not in e else "org"


def _entry(alignment: Alignment, E: _Side, Z: _Side, e: str, z: str, score: float, ev, en_c) -> GlossaryEntry:
    src, tgt = alignment.src, alignment.tgt
    both = E.links[e] & Z.links[z]
    links = sorted(both) or sorted(E.links[e])
    s_in = {i for li in both for i in alignment.links[li].src}
    t_in = {j for li in both for j in alignment.links[li].tgt}
    sa = tuple(
        _narrow(src.sentences[m.sentence].anchor, m.start, m.end)
        for m in E.mentions[e]
        if not both or m.sentence in s_in
    )
    za = tuple(
        _narrow(tgt.sentences[m.sentence].anchor, m.start, m.end)
        for m in Z.mentions[z]
        if not both or m.sentence in t_in
    )
    first = alignment.links[links[0]] if links else None
    text = e
    typ = _final_type(E, Z, e, z, en_c)
    return GlossaryEntry(
        en=text,
        zh=z,
        type=typ,
        score=round(score, 3),
        count=len(both),
        anchors=tuple(sorted(set(sa), key=lambda a: a.start)),
        zh_anchors=tuple(sorted(set(za), key=lambda a: a.start)),
        evidence=tuple(ev),
        context_en=alignment.src_text(first) if first else "",
        context_zh=alignment.tgt_text(first) if first else "",
        zh_hant=to_hant(z),
        pinyin=romanise(z, person=typ == "person"),
    )


# --------------------------------------------------------------------------- terminology QA


@dataclass(frozen=True)
class CheckIssue:
    """An aligned link whose source uses a glossary term but whose target lacks every agreed rendering."""

    link: int
    en: str
    expected: tuple[str, ...]
    src_anchors: tuple[Anchor, ...]
    tgt_anchors: tuple[Anchor, ...]
    src_text: str
    tgt_text: str


def _en_pattern(en: str) -> re.Pattern:
    """Whole-word match; names exact case, terms any case with a plural ending allowed."""
    body = r"\s+".join(re.escape(w) for w in en.split())
    if en[:1].isupper():
        return re.compile(r"(?<![\w-])" + body + r"(?:['’]s)?(?![\w-])")
    return re.compile(r"(?<![\w-])" + body + r"(?:s|es)?(?![\w-])", re.IGNORECASE)


def check_glossary(alignment: Alignment, glossary: list[tuple[str, str]] | list[GlossaryEntry]) -> list[CheckIssue]:
    """Terminology QA: every link whose source has a glossary term and whose target has none of its renderings.

    Renderings are accepted in simplified or traditional script (OpenCC), so a Hant target passes.
    """
    wanted: dict[str, list[str]] = defaultdict(list)
    for row in glossary:
        en, zh = (row.en, row.zh) if isinstance(row, GlossaryEntry) else (row[0], row[1])
        en, zh = (en or "").strip(), (zh or "").strip()
        if en and zh and zh not in wanted[en]:
            wanted[en].append(zh)
    order = {en: k for k, en in enumerate(wanted)}
    finder = TermFinder({en: _en_pattern(en) for en in wanted})
    issues = []
    for li, link in enumerate(alignment.links):
        if not link.src:
            continue
        src_sents = [alignment.src.sentences[i] for i in link.src]
        found = [(s, finder.find(s.text)) for s in src_sents]
        terms = sorted({en for _, f in found for en in f}, key=order.__getitem__)
        if not terms:
            continue
        tgt_text = alignment.tgt_text(link)
        tgt_hans = simplified_view(tgt_text)
        for en in terms:
            hits = [(s, m) for s, f in found for m in f.get(en, ())]
            if any(z in tgt_text or simplified_view(z) in tgt_hans or to_hant(z) in tgt_text for z in wanted[en]):
                continue
            issues.append(
                CheckIssue(
                    link=li,
                    en=en,
                    expected=tuple(wanted[en]),
                    src_anchors=tuple(
                        _narrow(
                            s.anchor,
                            s.anchor.start + m.start(),
                            s.anchor.start + m.end(),
                        )
                        for s, m in hits
                    ),
                    tgt_anchors=tuple(alignment.tgt.sentences[j].anchor for j in link.tgt),
                    src_text=alignment.src_text(link),
                    tgt_text=tgt_text,
                )
            )
    return issues


_WORD_RUN = re.compile(r"\w+")


class TermFinder:
    """All matches of many term patterns in a text, as each ``pattern.finditer`` would give them.

    Hand-written because no library indexes regexes; the patterns here start with a
    word-boundary look-behind, so a match can only begin where a word begins, with the
    term's first word (an English plural only lengthens a one-word term). Indexing the
    terms by that word makes a text of n words and a glossary of g terms cost about n,
    not n * g. Terms that start with a non-word character are searched the plain way.
    """

    def __init__(self, patterns: dict[str, re.Pattern | None]):
        self.patterns = {k: p for k, p in patterns.items() if p is not None}
        self.by_word: dict[str, list[str]] = defaultdict(list)
        self.plain: list[str] = []
        for key in self.patterns:
            m = _WORD_RUN.match(key.strip())
            if m:
                self.by_word[m.group().lower()].append(key)
            else:
                self.plain.append(key)

    def _candidates(self, word: str) -> list[str]:
        w = word.lower()
        out = list(self.by_word.get(w, ()))
        if w.endswith("s"):
            out += self.by_word.get(w[:-1], ())
            if w.endswith("es"):
                out += self.by_word.get(w[:-2], ())
        return out

    def find(self, text: str) -> dict[str, list[re.Match]]:
        """Term -> its non-overlapping matches in *text* (terms with none are left out)."""
        out: dict[str, list[re.Match]] = defaultdict(list)
        free: dict[str, int] = {}  # per term: where its next match may start
        if self.by_word:
            for w in _WORD_RUN.finditer(text):
                for key in self._candidates(w.group()):
                    if w.start() >= free.get(key, 0) and (m := self.patterns[key].match(text, w.start())):
                        if m.end() > m.start():
                            out[key].append(m)
                            free[key] = m.end()
        for key in self.plain:
            found = [m for m in self.patterns[key].finditer(text) if m.end() > m.start()]
            if found:
                out[key] = found
        return dict(out)


def find_literals(text: str, terms) -> dict[str, list[tuple[int, int]]]:
    """Non-overlapping occurrences of each literal term (Chinese renderings) in *text*.

    Terms are indexed by their first two characters (one for one-character terms), so
    the scan is one pass over the text rather than one per term.
    """
    by_head: dict[str, list[str]] = defaultdict(list)
    for t in dict.fromkeys(t for t in terms if t):
        by_head[t[:2]].append(t)
    out: dict[str, list[tuple[int, int]]] = defaultdict(list)
    if not by_head:
        return out
    free: dict[str, int] = {}
    for i in range(len(text)):
        for head in (text[i : i + 1], text[i : i + 2]):
            for t in by_head.get(head, ()):
                if i >= free.get(t, 0) and text.startswith(t, i):
                    out[t].append((i, i + len(t)))
                    free[t] = i + len(t)
    return out


# --------------------------------------------------------------------------- files


def glossary_files(
    src_path,
    tgt_path,
    *,
    model: str = "use-m3",
    encoder=None,
    options: GlossaryOptions | None = None,
    warn=None,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    src_encoding: str | None = None,
    tgt_encoding: str | None = None,
    **align_kwargs,
) -> tuple[list[GlossaryEntry], Alignment]:
    """Read, align and build the glossary of two files (English source, Chinese target).

    Both files are read and their languages checked before the model is loaded.
    """
    from .api import align, get_encoder

    presplit = align_kwargs.pop("presplit", False)
    src, tgt = load_pair(src_path, tgt_path, src_lang, tgt_lang, src_encoding, tgt_encoding, presplit=presplit)
    cache = align_kwargs.pop("cache", True)
    allow_download = align_kwargs.pop("allow_download", False)
    enc = encoder if encoder is not None else get_encoder(model, cache=cache, allow_download=allow_download)
    alignment = align(src, tgt, encoder=enc, model=model, **align_kwargs)
    return build_glossary(alignment, enc, options, warn=warn), alignment


def load_pair(
    src_path, tgt_path, src_lang=None, tgt_lang=None, src_encoding=None, tgt_encoding=None, *, presplit=False
):
    """The English and Chinese documents, read and checked (a one-line error otherwise)."""
    from .documents import load_document

    src = load_document(src_path, lang=src_lang, encoding=src_encoding, presplit=presplit)
    tgt = load_document(tgt_path, lang=tgt_lang, encoding=tgt_encoding, presplit=presplit)
    check_langs(src, tgt)
    return src, tgt


def check_langs(src: Document, tgt: Document) -> None:
    """English (or another non-Chinese language) first, Chinese second."""
    from .types import SubalignError

    if src.lang == "zh" or tgt.lang != "zh":
        raise SubalignError(
            f"glossary needs an English source and a Chinese target, got {src.path or 'source'} as {src.lang} "
            f"and {tgt.path or 'target'} as {tgt.lang}: give the English text first, or set --src-lang en "
            "--tgt-lang zh if the detection is wrong"
        )


def _check_langs(alignment: Alignment) -> None:
    check_langs(alignment.src, alignment.tgt)
