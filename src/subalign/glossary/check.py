"""Terminology QA: is each glossary term translated as the glossary says, sentence by sentence;
and finding glossary terms in a text (:class:`TermFinder`, :func:`find_literals`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace

from subalign.glossary.entry import GlossaryEntry
from subalign.lexicon.translit import to_hant
from subalign.text.cjk import simplified_view
from subalign.types import Alignment, Anchor


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


def en_pattern(en: str) -> re.Pattern:
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
    # Each rendering as written, in Simplified and in Traditional: converted once, not per link.
    forms = {en: [(z, simplified_view(z), to_hant(z)) for z in zhs] for en, zhs in wanted.items()}
    order = {en: k for k, en in enumerate(wanted)}
    finder = TermFinder({en: en_pattern(en) for en in wanted})
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
            if any(z in tgt_text or hans in tgt_hans or hant in tgt_text for z, hans, hant in forms[en]):
                continue
            issues.append(
                CheckIssue(
                    link=li,
                    en=en,
                    expected=tuple(wanted[en]),
                    src_anchors=tuple(
                        replace(s.anchor, start=s.anchor.start + m.start(), end=s.anchor.start + m.end())
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
