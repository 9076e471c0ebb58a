"""Bilingual glossary: pair English and Chinese candidates across aligned sentences.

:func:`build_glossary` runs the stages in order: extract each side's candidates
(:mod:`~subalign.glossary.terms`), keep the links fit to be evidence, gather the
evidence (:mod:`~subalign.glossary.evidence`: transliteration, co-occurrence, embedding
similarity; :mod:`~subalign.glossary.lexical`: the Chinese renderings the dictionary
finds for English terms, and each term pair's lexical support), score every pair
(:mod:`~subalign.glossary.scoring`; a term pair without lexical support or strong
embedding evidence is no candidate), choose pairs by competitive linking (best score
first, each term used once), then let bracket definitions add the acronym/abbreviation
entries (ACFTU = 中华全国总工会 and 全总).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from subalign.glossary.candidates import TYPES, Candidates
from subalign.glossary.entry import GlossaryEntry, GlossaryOptions
from subalign.glossary.evidence import (
    LinkedTerms,
    TermSide,
    alias_names,
    co_occurrences,
    link_mentions,
    similarities,
    transliterations,
    usable_links,
)
from subalign.glossary.inputs import check_langs
from subalign.glossary.lexical import TermMatcher, dictionary_counterparts, term_supports
from subalign.glossary.scoring import Scored, prefer_whole_units, score_pairs
from subalign.glossary.terms import extract
from subalign.glossary.terms_zh import everyday
from subalign.lexicon import load as load_lexicon
from subalign.lexicon.translit import looks_like_chinese_name, romanise, to_hant
from subalign.types import Alignment

__all__ = ["GlossaryEntry", "GlossaryOptions", "build_glossary"]


def build_glossary(
    alignment: Alignment, encoder=None, options: GlossaryOptions | None = None, *, warn=None
) -> list[GlossaryEntry]:
    """Pair the candidates of an aligned English/Chinese document pair into glossary entries.

    ``encoder`` (``.encode(list[str])``, L2-normalised) gives embedding evidence; without it
    only transliteration, the lexicon and co-occurrence are used (a term pair then needs
    lexical support). Entries come sorted by type then score.
    ``warn`` receives a one-line note when links are left out as too long or too dense.
    """
    opt = options or GlossaryOptions()
    check_langs(alignment.src, alignment.tgt)
    en_c, zh_c = extract(alignment.src), extract(alignment.tgt)
    alias_names(en_c)
    usable = usable_links(alignment, en_c, zh_c, opt)
    _warn_left_out(alignment, usable, opt, warn)
    terms = link_mentions(alignment, usable, en_c, zh_c)
    translit = transliterations(alignment, terms)
    matcher = TermMatcher(load_lexicon())
    dictionary_counterparts(alignment, terms, matcher, everyday)
    cooc = co_occurrences(terms, en_c, zh_c)
    sim = similarities(encoder, terms, cooc)
    support = term_supports(matcher, terms, cooc)
    scored = prefer_whole_units(score_pairs(cooc, sim, translit, terms, opt, support), terms, sim)
    scored.sort(key=lambda x: (-x.score, x.en, x.zh))
    chosen = competitive_linking(scored, terms, opt)
    chosen += definitions(chosen, en_c, zh_c)
    return make_entries(alignment, terms, chosen, opt)


def _warn_left_out(alignment: Alignment, usable: list[int], opt: GlossaryOptions, warn) -> None:
    """Say how many links were too coarse to pair terms in, so a thin glossary is explained."""
    if warn is not None and len(usable) < len(alignment.links):
        n = len(alignment.links) - len(usable)
        warn(
            f"glossary: {n} of {len(alignment.links)} links are too long or too dense to pair terms in "
            f"(over {opt.max_link_chars} characters or {opt.max_pairs_per_link} candidate pairs); left out"
        )


class _Linked:
    """Spans of the terms linked so far, and whether every mention of a key lies inside one.

    Spans only grow, so a mention once inside stays inside: each key keeps a pointer to
    its first mention not yet covered, which makes the repeated test linear overall
    (a term mentioned n times and tried against k renderings is not n*k).
    """

    def __init__(self, side: TermSide):
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


def competitive_linking(scored: list[Scored], terms: LinkedTerms, opt: GlossaryOptions) -> list[Scored]:
    """Best score first, each term used once: one rendering per term, one term per rendering.

    A term wholly inside an already linked term (every mention within its spans) is not
    linked again, so Federation does not take a second rendering beside its full name.
    """
    e_used: set[str] = set()
    z_used: set[str] = set()
    e_linked, z_linked = _Linked(terms.en), _Linked(terms.zh)
    chosen: list[Scored] = []
    for item in scored:
        if item.score < opt.min_score * 0.6:
            break
        e, z = item.en, item.zh
        if e in e_used or z in z_used or e_linked.covers(e) or z_linked.covers(z):
            continue
        e_used.add(e)
        z_used.add(z)
        e_linked.add(e)
        z_linked.add(z)
        chosen.append(item)
    return chosen


def definitions(chosen: list[Scored], en_c: Candidates, zh_c: Candidates) -> list[Scored]:
    """Entries the brackets define: an acronym takes its expansion's rendering and that form's abbreviation.

    ACFTU -> whatever "All-China Federation of Trade Unions" linked to (中华全国总工会) and
    to 全总, defined as 中华全国总工会（全总）; with no English acronym, the full form
    carries both renderings.
    """
    zh_abbr_of = defaultdict(list)
    for short, full in zh_c.abbreviations.items():
        zh_abbr_of[full].append(short)
    extra = []
    linked = {e: (score, z) for score, e, z, _ in chosen}
    for acr, expansion in en_c.abbreviations.items():
        if expansion in linked:
            score, z = linked[expansion]
            extra.append(Scored(score, acr, z, ("definition: " + expansion,)))
            for short in zh_abbr_of.get(z, ()):
                extra.append(Scored(score, acr, short, (f"definition: {z}（{short}）",)))
    for score, e, z, _ in chosen:
        if e not in en_c.abbreviations.values():
            for short in zh_abbr_of.get(z, ()):
                extra.append(Scored(score, e, short, (f"definition: {z}（{short}）",)))
    return extra


def make_entries(
    alignment: Alignment, terms: LinkedTerms, chosen: list[Scored], opt: GlossaryOptions
) -> list[GlossaryEntry]:
    """The rows scoring at least ``min_score``, with anchors and contexts, names first then terms."""
    entries = [_entry(alignment, terms, item) for item in chosen if item.score >= opt.min_score]
    order = {t: i for i, t in enumerate(TYPES)}
    entries.sort(key=lambda x: (order.get(x.type, 9), -x.score, x.en, x.zh))
    return entries


def _final_type(E: TermSide, Z: TermSide, e: str, z: str) -> str:
    """The entry's type: the English votes first, then what the Chinese side's tags say."""
    et = E.types[e]
    if not E.is_name(e):
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


def _entry(alignment: Alignment, terms: LinkedTerms, item: Scored) -> GlossaryEntry:
    """One row: the mentions in the links holding both terms (all of the English ones if none does)."""
    src, tgt = alignment.src, alignment.tgt
    E, Z = terms.en, terms.zh
    score, e, z, ev = item
    both = E.links[e] & Z.links[z]
    links = sorted(both) or sorted(E.links[e])
    s_in = {i for li in both for i in alignment.links[li].src}
    t_in = {j for li in both for j in alignment.links[li].tgt}
    sa = tuple(
        replace(src.sentences[m.sentence].anchor, start=m.start, end=m.end)
        for m in E.mentions[e]
        if not both or m.sentence in s_in
    )
    za = tuple(
        replace(tgt.sentences[m.sentence].anchor, start=m.start, end=m.end)
        for m in Z.mentions[z]
        if not both or m.sentence in t_in
    )
    first = alignment.links[links[0]] if links else None
    typ = _final_type(E, Z, e, z)
    return GlossaryEntry(
        en=e,
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
