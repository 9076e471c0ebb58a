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

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from subalign.glossary.inputs import check_langs
from subalign.glossary.candidates import NAME_TYPES, Candidates, Mention
from subalign.glossary.terms import extract
from subalign.glossary.terms_en import STOP
from subalign.lexicon.translit import find_name, looks_like_chinese_name, romanise, to_hant, translit_score
from subalign.types import Alignment, Anchor, TermPair


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

        from subalign.errors import SubalignError

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
