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

from .terms import NAME_TYPES, STOP, Candidates, Mention, extract
from .types import Alignment, Anchor, TermPair

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


def find_spellings(word: str, text: str, max_chars: int = 4) -> list[tuple[int, int]]:
    """Spans of ``text`` that spell ``word``."""
    out = []
    for a in range(len(text)):
        if not char_readings(text[a]):
            continue
        for n in range(1, max_chars + 1):
            if a + n <= len(text) and spells(word, text[a : a + n]):
                out.append((a, a + n))
    return out


def find_name(words: list[str], text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` spelling all of ``words`` consecutively (either order: Xu Chunhua / Chunhua Xu)."""
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
    max_pairs_per_link: int = 20000


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


def _is_name_key(side: _Side, key: str) -> bool:
    return any(t != "term" for t in side.types[key]) and not side.sources[key] <= {
        "np",
        "quote",
    }


def build_glossary(alignment: Alignment, encoder=None, options: GlossaryOptions | None = None) -> list[GlossaryEntry]:
    """Pair the candidates of an aligned English/Chinese document pair into glossary entries.

    ``encoder`` (``.encode(list[str])``, L2-normalised) gives embedding evidence; without it
    only transliteration and co-occurrence are used. Entries come sorted by type then score.
    """
    opt = options or GlossaryOptions()
    src, tgt = alignment.src, alignment.tgt
    if src.lang == "zh" and tgt.lang != "zh":
        raise ValueError("build_glossary expects English source and Chinese target")
    en_c, zh_c = extract(src), extract(tgt)
    _alias_names(en_c)
    src_link = {i: li for li, l in enumerate(alignment.links) for i in l.src}
    tgt_link = {j: li for li, l in enumerate(alignment.links) for j in l.tgt}
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
    e_spans: dict[int, list[tuple[int, int]]] = defaultdict(list)  # sentence -> linked spans
    z_spans: dict[int, list[tuple[int, int]]] = defaultdict(list)

    def inside(side: _Side, key: str, spans: dict[int, list[tuple[int, int]]]) -> bool:
        return all(any(a <= m.start and m.end <= b for a, b in spans.get(m.sentence, ())) for m in side.mentions[key])

    chosen: list[tuple[float, str, str, tuple[str, ...]]] = []
    for score, e, z, ev in scored:
        if score < opt.min_score * 0.6:
            break
        if e in e_used or z in z_used or inside(E, e, e_spans) or inside(Z, z, z_spans):
            continue
        e_used.add(e)
        z_used.add(z)
        for m in E.mentions[e]:
            e_spans[m.sentence].append((m.start, m.end))
        for m in Z.mentions[z]:
            z_spans[m.sentence].append((m.start, m.end))
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
        for item in items:
            z = item[2]
            s = sim.get((e, z), 0.0)
            if "translit=1.00" in item[3]:
                out.append(item)
                continue
            slack = 0.15 if name_keys.get(e) else 0.05
            beaten = any(
                z != z2
                and z in z2
                and s2 is not None
                and s2 >= s - slack - 1e-9
                and _is_unit(Z, z2)
                and item2[0] >= 0.3
                for item2 in items
                for z2 in (item2[2],)
                for s2 in (sim.get((e, z2)),)
            )
            if not beaten:
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
        if en and zh and zh not in wanted[en]:
            wanted[en].append(zh)
    pats = {en: _en_pattern(en) for en in wanted}
    issues = []
    for li, link in enumerate(alignment.links):
        if not link.src:
            continue
        src_sents = [alignment.src.sentences[i] for i in link.src]
        tgt_text = alignment.tgt_text(link)
        tgt_hans = _t2s(tgt_text)
        for en, zhs in wanted.items():
            hits = [(s, m) for s in src_sents for m in pats[en].finditer(s.text)]
            if not hits:
                continue
            if any(z in tgt_text or z in tgt_hans or to_hant(z) in tgt_text for z in zhs):
                continue
            issues.append(
                CheckIssue(
                    link=li,
                    en=en,
                    expected=tuple(zhs),
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


@lru_cache(maxsize=1)
def _t2s_cc():
    import opencc

    return opencc.OpenCC("t2s")


def _t2s(text: str) -> str:
    return _t2s_cc().convert(text)


# --------------------------------------------------------------------------- files


def glossary_files(
    src_path,
    tgt_path,
    *,
    model: str = "use-m3",
    encoder=None,
    options: GlossaryOptions | None = None,
    warn=None,
    **align_kwargs,
) -> tuple[list[GlossaryEntry], Alignment]:
    """Read, align and build the glossary of two files (English source, Chinese target)."""
    from .api import align_files, get_encoder

    enc = encoder if encoder is not None else get_encoder(model, cache=align_kwargs.pop("cache", True))
    alignment = align_files(src_path, tgt_path, encoder=enc, model=model, warn=warn, **align_kwargs)
    _check_langs(alignment)
    return build_glossary(alignment, enc, options), alignment


def _check_langs(alignment: Alignment) -> None:
    from .types import SubalignError

    if alignment.src.lang == "zh" or alignment.tgt.lang != "zh":
        raise SubalignError(
            f"glossary needs an English source and a Chinese target (got {alignment.src.lang} / {alignment.tgt.lang}); "
            "pass the English text first"
        )
