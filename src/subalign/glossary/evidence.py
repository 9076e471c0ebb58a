"""What the aligned text says about candidate pairs, link by link.

Evidence only counts inside aligned links. This module keeps each side's mentions that
lie in usable links and gathers the three kinds of evidence the scoring weighs:

- *transliteration*: the English form is spelled by the pypinyin readings of a Chinese
  span (all readings, so 曾 = Zeng and 单 = Shan; tone-less; hyphens and apostrophes
  ignored, so Zhu Xiao-mei = Zhu Xiaomei), with cheap Wade-Giles and Hong Kong
  (Cantonese) variants;
- *co-occurrence*: how many links hold both terms (Dice, in the scoring);
- *embedding similarity* of the two terms with the aligner's own encoder.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from subalign.glossary.candidates import Candidates, Mention
from subalign.glossary.entry import GlossaryOptions
from subalign.glossary.terms_en import STOP
from subalign.lexicon.translit import find_name, looks_like_chinese_name
from subalign.types import Alignment

Pair = tuple[str, str]  # (English key, Chinese key)


@dataclass
class TermSide:
    """One language's usable mentions by key: the links, mentions, type votes and rules that found each."""

    links: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    mentions: dict[str, list[Mention]] = field(default_factory=lambda: defaultdict(list))
    types: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    sources: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, m: Mention, link: int) -> None:
        self.links[m.key].add(link)
        self.mentions[m.key].append(m)
        self.types[m.key][m.type] += 1
        self.sources[m.key].add(m.source)

    def is_name(self, key: str) -> bool:
        """A proper name: some rule typed it so, and not only as a noun phrase or a quoted phrase."""
        return any(t != "term" for t in self.types[key]) and not self.sources[key] <= {"np", "quote"}


@dataclass
class LinkedTerms:
    """Both sides' mentions inside usable links, and the keys each link holds (the unit of evidence)."""

    en: TermSide = field(default_factory=TermSide)
    zh: TermSide = field(default_factory=TermSide)
    en_keys: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))  # link -> English keys
    zh_keys: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))  # link -> Chinese keys


def alias_names(en: Candidates) -> None:
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


def usable_links(alignment: Alignment, en_c: Candidates, zh_c: Candidates, opt: GlossaryOptions) -> list[int]:
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


def link_mentions(alignment: Alignment, usable: list[int], en_c: Candidates, zh_c: Candidates) -> LinkedTerms:
    """File every mention under the usable link its sentence belongs to; the others are no evidence."""
    src_link = {i: li for li in usable for i in alignment.links[li].src}
    tgt_link = {j: li for li in usable for j in alignment.links[li].tgt}
    terms = LinkedTerms()
    for m in en_c.mentions:
        if m.sentence in src_link:
            terms.en.add(m, src_link[m.sentence])
            terms.en_keys[src_link[m.sentence]].add(m.key)
    for m in zh_c.mentions:
        if m.sentence in tgt_link:
            terms.zh.add(m, tgt_link[m.sentence])
            terms.zh_keys[tgt_link[m.sentence]].add(m.key)
    return terms


def transliterations(alignment: Alignment, terms: LinkedTerms) -> dict[Pair, float]:
    """Find each English name's spelling in its aligned Chinese and add that span as a mention.

    jieba often splits names it does not know, so the span spelled by the name's
    readings is the better Chinese candidate; the pairs found count as full evidence.
    """
    tgt = alignment.tgt
    found: dict[Pair, float] = {}
    for li, link in enumerate(alignment.links):
        for e in terms.en_keys.get(li, ()):
            if not terms.en.is_name(e) or e.isupper():
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
                    terms.zh.add(m, li)
                    terms.zh_keys[li].add(z)
                    found[(e, z)] = 1.0
    return found


def co_occurrences(terms: LinkedTerms, en_c: Candidates, zh_c: Candidates) -> Counter:
    """(English, Chinese) -> the number of links holding both: every pair worth scoring."""
    cooc: Counter = Counter()
    for li, e_keys_here in terms.en_keys.items():
        for e in e_keys_here:
            if e in en_c.abbreviations:
                continue  # defined acronyms are entered through their definition
            for z in terms.zh_keys.get(li, ()):
                if z in zh_c.abbreviations:
                    continue
                cooc[(e, z)] += 1
    return cooc


def similarities(encoder, terms: LinkedTerms, cooc: Counter) -> dict[Pair, float]:
    """Cosine of the two terms' embeddings for each pair (empty without an encoder).

    A noun-phrase key is lower-cased and singular; its first mention as written is
    what the encoder sees.
    """
    e_keys = sorted({e for e, _ in cooc})
    z_keys = sorted({z for _, z in cooc})
    sim: dict[Pair, float] = {}
    if encoder is None or not e_keys or not z_keys:
        return sim
    import numpy as np  # lazy: only with embedding evidence; importing the glossary package stays light

    E = terms.en
    ev = np.asarray(encoder.encode([E.mentions[k][0].text if E.sources[k] == {"np"} else k for k in e_keys]))
    zv = np.asarray(encoder.encode(z_keys))
    ei = {k: i for i, k in enumerate(e_keys)}
    zi = {k: i for i, k in enumerate(z_keys)}
    for e, z in cooc:
        sim[(e, z)] = float(ev[ei[e]] @ zv[zi[z]])
    return sim
