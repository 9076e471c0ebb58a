"""Weighing the evidence: one score per (English, Chinese) pair, and fragments dropped in
favour of the whole units that contain them.

A term pair (an English key that is not a name) is a candidate only with lexical support
(:mod:`subalign.glossary.lexical`: dictionary, number or transliteration matches covering
most of both terms) or, failing that, a high embedding similarity of two terms that
co-occur in more than one link; its evidence says which ("support=dict", …,
"support=embedding+cooc"). An embedding alone pairs a term with whatever shares its
topic in the same sentence (older worker = 名工人, legal = 中国法律).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import NamedTuple

from subalign.glossary.entry import GlossaryOptions
from subalign.glossary.evidence import LinkedTerms, Pair, TermSide
from subalign.glossary.lexical import Support
from subalign.lexicon.translit import translit_score


class Scored(NamedTuple):
    """A candidate pair, its score (at most 1) and the evidence behind it, as the outputs show it."""

    score: float
    en: str
    zh: str
    evidence: tuple[str, ...]


# Embedding evidence alone supports a term pair only when the two terms share this many
# links, and at least this Dice share of their links (one shared sentence is what any two
# words of it have in common).
EMBED_MIN_COOC = 2
EMBED_MIN_DICE = 0.5
# Weight of lexical coverage (the mean of both sides' shares) in a term pair's score; an
# embedding-only pair counts coverage 0.5.
LEX_WEIGHT = 0.2


def score_pairs(
    cooc: Counter,
    sim: dict[Pair, float],
    translit: dict[Pair, float],
    terms: LinkedTerms,
    opt: GlossaryOptions,
    support: dict[Pair, Support] | None = None,
) -> list[Scored]:
    """Every co-occurring pair with its score: pairs that never share a link are never candidates.

    With ``support`` (lexical support of the term pairs), a term pair without it is left
    out unless the embedding vouches for it (see the module doc).
    """
    scored = []
    for (e, z), c in cooc.items():
        score, ev = _score_pair(e, z, c, sim.get((e, z)), translit.get((e, z)), terms, opt)
        if support is not None and not terms.en.is_name(e):
            kept = _term_support(e, z, c, sim.get((e, z)), support.get((e, z)), terms, opt)
            if kept is None:
                continue
            cov, more = kept
            score, ev = (1 - LEX_WEIGHT) * score + LEX_WEIGHT * cov, ev + more
        scored.append(Scored(min(score, 1.0), e, z, ev))
    return scored


def _term_support(
    e: str, z: str, c: int, s: float | None, sup: Support | None, terms: LinkedTerms, opt: GlossaryOptions
) -> tuple[float, tuple[str, ...]] | None:
    """(lexical coverage, evidence) of a term pair with lexical or embedding support; None without either."""
    if sup is not None and sup.supports():
        shown = ", ".join(f"{a}={b}" for a, b in sup.matches[:6])
        ev = (f"support={'+'.join(sup.kinds)}", f"lex={sup.en_cov:.2f}/{sup.zh_cov:.2f}", f"matches: {shown}")
        return sup.coverage, ev
    n_e, n_z = len(terms.en.links[e]), len(terms.zh.links[z])
    if s is not None and s >= opt.sim_ceil and c >= EMBED_MIN_COOC and 2 * c / (n_e + n_z) >= EMBED_MIN_DICE:
        return 0.5, ("support=embedding+cooc",)
    return None


def _score_pair(
    e: str, z: str, c: int, s: float | None, t_found: float | None, terms: LinkedTerms, opt: GlossaryOptions
) -> tuple[float, tuple[str, ...]]:
    """Weigh Dice, the rescaled cosine ``s`` and transliteration; a spelled name is nearly certain."""
    E, Z = terms.en, terms.zh
    n_e, n_z = len(E.links[e]), len(Z.links[z])
    dice = 2 * c / (n_e + n_z)
    sn = 0.0 if s is None else min(1.0, max(0.0, (s - opt.sim_floor) / (opt.sim_ceil - opt.sim_floor)))
    name = E.is_name(e)
    t = t_found or (translit_score(e, z) if name and not e.isupper() else 0.0)
    ev = [f"cooc={c}/{n_e}/{n_z}", f"dice={dice:.2f}"]
    if s is not None:
        ev.append(f"sim={s:.2f}")
    if t >= 0.999:
        score = 0.85 + 0.1 * dice + 0.05 * sn
        ev.append("translit=1.00")
        return score, tuple(ev)
    w_sim = 0.75 if s is not None else 0.0
    score = w_sim * sn + 0.15 * dice + 0.25 * t - (0.1 if s is None else 0.0)
    if t > 0:
        ev.append(f"translit={t:.2f}")
    # A proper name rarely renders as a common phrase and vice versa.
    z_name = Z.is_name(z) and "ngram" not in Z.sources[z] or "translit" in Z.sources[z]
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
    return score, tuple(ev)


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


def _type_agreement(en_types: Counter, Z: TermSide, z: str) -> str:
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


def prefer_whole_units(scored: list[Scored], terms: LinkedTerms, sim: dict[Pair, float]) -> list[Scored]:
    """Drop a Chinese fragment when a longer unit containing it fits the English nearly as well.

    jieba splits unknown names (劳工/视野, 工友/中心); the quoted, titled or noun-compound span
    around the fragment is the real rendering, and embeddings alone slightly prefer the
    fragment that carries the common word.
    """
    by_e = defaultdict(list)
    for item in scored:
        by_e[item.en].append(item)
    out = []
    for e, items in by_e.items():
        best = _best_unit_cosines(e, items, terms.zh, sim)
        slack = 0.15 if terms.en.is_name(e) else 0.05
        for item in items:
            if "translit=1.00" in item.evidence:
                out.append(item)
                continue
            s = sim.get((e, item.zh), 0.0)
            if best.get(item.zh, -2.0) < s - slack - 1e-9:
                out.append(item)
    return out


def _best_unit_cosines(e: str, items: list[Scored], Z: TermSide, sim: dict[Pair, float]) -> dict[str, float]:
    """For every fragment of a qualifying unit, the best cosine of a unit containing it.

    One pass over each unit's substrings instead of comparing every pair of items.
    """
    keys = {item.zh for item in items}
    best: dict[str, float] = {}
    for item2 in items:
        z2, s2 = item2.zh, sim.get((e, item2.zh))
        if s2 is None or item2.score < 0.3 or not _is_unit(Z, z2):
            continue
        for a in range(len(z2)):
            for b in range(a + 1, len(z2) + (a > 0)):
                frag = z2[a:b]
                if frag in keys and s2 > best.get(frag, -2.0):
                    best[frag] = s2
    return best


def _is_unit(Z: TermSide, z: str) -> bool:
    return any(src in _UNIT_SOURCES or src.startswith("jieba") for src in Z.sources[z])
