"""English term candidates: capitalised names (people, places, organisations, works), acronyms,
quoted and italic titles, and noun-phrase term runs.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace

from subalign.glossary.candidates import Candidates, Mention
from subalign.glossary.term_shape import term_shaped
from subalign.lexicon.numbers import en_numbers
from subalign.types import Document

# --------------------------------------------------------------------------- English

# Closed-class words: they never start a name and always end a term run. Hand-written
# because no dependency of ours ships an English stop list.
STOP = frozenset(
    """
    a an the this that these those it its it's he she they we i you his her their our my your him
    them us me who whom whose which what when where why how there here then than so as and or but
    nor if because while though although after before since until once about above across against
    along among around at by down during except for from in inside into near of off on onto out
    outside over past per through throughout to toward towards under up upon with within without via
    is are was were be been being am has have had having do does did done doing will would shall
    should can could may might must not no yes all any both each every few more most other some such
    only own same very too also just even still yet ever never again already almost much many one
    two three four five six seven eight nine ten first second last next new old it's one's mr mrs ms
    dr says said say tells told tell asks asked ask like well however meanwhile nobody somebody
    anyone anything nothing everyone everything someone something let lets get gets got make makes
    made go goes went gone come comes came take takes took see sees saw seen know knows knew become
    becomes became back away least less half i.e e.g etc myself yourself himself herself itself
    ourselves yourselves themselves
    """.split()
)
_MONTHS = frozenset(
    """
    january february march april may june july august september october november december monday
    tuesday wednesday thursday friday saturday sunday
    """.split()
)
_HONORIFICS = frozenset(["mr", "mrs", "ms", "miss", "dr", "prof", "madam", "sir"])
_CONNECTORS = frozenset(["of", "for", "the", "de", "on"])  # inside names: Federation *of* Trade Unions
_DIRECTIONS = frozenset(
    """
    northern southern eastern western central north south east west
    """.split()
)
_ORG_WORDS = frozenset(
    """
    union unions federation centre center company co ltd inc corporation corp footwear association
    committee council bureau ministry party group foundation institute university college network
    watch bulletin industries industry electronics factory society league alliance fund bank agency
    office department commission court organisation organization ngo trust press media
    """.split()
)
_PLACE_WORDS = frozenset(
    """
    city province county district town village river street road mountain lake island
    """.split()
)
_ORG_CONTEXT = frozenset(
    """
    ngo organisation organization group union company charity firm
    """.split()
)
_PLACE_CONTEXT = frozenset(["in", "from", "to", "at", "near", "across", "outside", "inside"])
# A capitalised run longer than this is a headline or shouting, not a name ("All-China
# Federation of Trade Unions" is 5); the cap also bounds the per-name pinyin search.
MAX_NAME_WORDS = 10

# A word token: letters/digits, inner hyphens or apostrophes, optional trailing apostrophe (Workers').
_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9]*(?:[-'’][A-Za-z0-9]+)*(?:['’](?![A-Za-z]))?")
_ACRONYM_RE = re.compile(r"^[A-Z][A-Z0-9&]*[A-Z]s?$")
_OPENERS = "“\"‘'(:[—–-"
_ITALIC_RE = re.compile(
    r"(?<![\w*])\*(?!\s)([^*\n]{1,120}?)(?<!\s)\*(?![\w*])|(?<![\w_])_(?!\s)([^_\n]{1,120}?)(?<!\s)_(?![\w_])"
)
_QUOTE_RE = re.compile(r"“([^”\n]{2,80})”|\"([^\"\n]{2,80})\"|‘([^’\n]{2,80})’(?!\w)")


@dataclass(frozen=True)
class _Tok:
    text: str
    start: int
    end: int
    initial: bool  # first word of a sentence or of a quotation/bracket/clause after ':'


def _tokens(s: str) -> list[_Tok]:
    out: list[_Tok] = []
    prev_end = 0
    for m in _WORD_RE.finditer(s):
        gap = s[prev_end : m.start()]
        initial = not out or any(c in _OPENERS for c in gap) or bool(re.search(r"[.!?…]\s*$", gap))
        out.append(_Tok(m.group(), m.start(), m.end(), initial))
        prev_end = m.end()
    return out


def _covered(starts: list[int], spans: list[tuple[int, int]]) -> dict[int, bool]:
    """For each sorted offset, is it inside one of ``spans`` (a <= x < b)? One sweep, not offsets x spans."""
    out: dict[int, bool] = {}
    if not spans:
        return out
    ivs = sorted(spans)
    k, reach = 0, -1  # furthest end among spans starting at or before x
    for x in starts:
        while k < len(ivs) and ivs[k][0] <= x:
            reach = max(reach, ivs[k][1])
            k += 1
        out[x] = x < reach
    return out


def _names_in(text: str, toks: list[_Tok], names: dict[str, str], titles: list[tuple[int, int]]):
    """(key, start, end) of the known names in a headline, matched as runs of whole tokens.

    A token-n-gram lookup instead of one regex per name, so a long text with many
    names and many headlines stays linear.
    """
    longest = max((k.count(" ") + 1 for k in names), default=0)
    in_title = _covered([t.start for t in toks], titles)
    for i, first in enumerate(toks):
        if in_title.get(first.start, False):
            continue
        for n in range(1, min(longest, len(toks) - i) + 1):
            part = toks[i : i + n]
            if n > 1 and text[part[-2].end : part[-1].start] != " ":
                break
            last = _strip_possessive(part[-1].text)
            key = " ".join([p.text for p in part[:-1]] + [last])
            if key in names:
                yield key, first.start, part[-1].start + len(last)


# Pinyin syllables (loose: initial + final) plus common Hong Kong spellings, to tell a
# sentence-initial "Du Hanqing" (a name) from "Later Zeng Qiang" (an English word first).
_INITIALS = ("", "zh", "ch", "sh", *"bpmfdtnlgkhjqxrzcsyw")
_FINALS = (
    "iang iong uang ueng ang eng ong ian iao uai uan ai ei ao ou an en ia ie iu in ing ua uo ui un ue ve a o e i u v"
).split()
_SPECIAL_SYLLABLES = (
    "er wong siu cheung leung lau yip tsang kwok lam chow chau tam mak yeung fung ng tse choi ho lee wai kit ka "
    "chi kwan wing hung keung fai shing ching tak kin hoi sze suk sun tsz ko law lo tsui chu tong sung fong "
    "yuen yau luk kong heung yee pang hsu hsi hsiao hsin hsieh tsai chiang chou chen chang"
).split()
_SYLLABLES = frozenset([i + f for i in _INITIALS for f in _FINALS] + _SPECIAL_SYLLABLES)
_MAX_SYLLABLE = max(map(len, _SYLLABLES))


def romanisable(word: str) -> bool:
    """Could ``word`` be a romanised Chinese name (Hanqing, Siu-ling, Zhu)?

    A left-to-right pass over reachable offsets, not a regex: ``(?:syllable)+`` backtracks
    exponentially on words like "Ianianian...q" (ian = i + an).
    """
    w = "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if c.isascii() and c.isalpha())
    if not w:
        return False
    reach = [False] * (len(w) + 1)
    reach[0] = True
    for i in range(len(w)):
        if reach[i]:
            for n in range(1, min(_MAX_SYLLABLE, len(w) - i) + 1):
                if w[i : i + n] in _SYLLABLES:
                    reach[i + n] = True
    return reach[len(w)]


def _strip_possessive(w: str) -> str:
    for suf in ("'s", "’s"):
        if w.endswith(suf):
            return w[: -len(suf)]
    return w


def _is_cap(w: str) -> bool:
    return w[:1].isupper() and not _ACRONYM_RE.match(w)


def singular(word: str) -> str:
    """Naive English singular for term keys (workers -> worker, policies -> policy)."""
    w = word
    if w.endswith(("'", "’")):
        return w
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "ous")):
        return w[:-1]
    return w


def term_key(text: str) -> str:
    words = [w if _ACRONYM_RE.match(w) else w.lower() for w in text.split()]
    if words:
        words[-1] = singular(words[-1])
    return " ".join(words)


def _headline(text: str, toks: list[_Tok]) -> bool:
    """Title-case lines (headlines, no final stop) capitalise every content word: no name evidence there."""
    if re.search(r"[.!?…][\"'”’)]*\s*$", text):
        return False
    long = [t for t in toks if len(t.text) >= 4 and t.text.lower() not in STOP]
    return len(long) >= 3 and sum(_is_cap(t.text) for t in long) >= 0.7 * len(long)


def _acronym_matches(acr: str, words: list[str]) -> bool:
    """ACFTU ~ All-China Federation of Trade Unions: letters are a subsequence of the initials."""
    initials = "".join(p[0].upper() for w in words for p in re.split(r"[-\s]", w) if p)
    letters = acr.rstrip("s")
    it = iter(initials)
    return initials[:1] == letters[:1] and all(ch in it for ch in letters)


def _name_type(words: list[str], before: list[str], source: str) -> str:
    lw = [w.lower().strip("'’") for w in words]
    if source == "title":
        return "work"
    if any(w in _ORG_WORDS for w in lw):
        return "org"
    if any(w in _PLACE_WORDS for w in lw) or lw[0] in _DIRECTIONS:
        return "place"
    prev = [w.lower() for w in before[-2:]]
    if any(w in _HONORIFICS for w in prev):
        return "person"
    if prev and any(w in _ORG_CONTEXT for w in prev):
        return "org"
    if len(words) == 1 and prev and prev[-1] in _PLACE_CONTEXT:  # "in Shunde"; lone surnames are aliased later
        return "place"
    return "name"  # decided later (Chinese POS, transliteration, context votes)


def extract_en(doc: Document) -> Candidates:
    """English candidates: capitalised names, defined acronyms, titles, quoted phrases, term runs."""
    x = _EnglishText(doc)
    x.titles_and_quotes()
    x.names_and_acronyms()
    x.names_in_headlines()
    x.type_acronyms()
    x.term_runs()
    return x.cands


class _EnglishText:
    """One English document tokenised once, and the mentions its extraction stages have found so far."""

    def __init__(self, doc: Document):
        self.sents = doc.sentences
        self.cands = Candidates(doc.lang)
        self.toks_by = [_tokens(s.text) for s in self.sents]
        self.heads = [_headline(s.text, t) for s, t in zip(self.sents, self.toks_by)]
        # Words seen capitalised in mid-sentence (not initial) anywhere: proof a sentence-initial one is a name.
        self.mid_caps = {
            t.text
            for toks, h in zip(self.toks_by, self.heads)
            if not h
            for t in toks
            if not t.initial and _is_cap(t.text)
        }
        self.lower_words = Counter(t.text.lower() for toks in self.toks_by for t in toks if t.text[:1].islower())
        self.names: dict[str, str] = {}  # key -> type guess, for re-finding names inside headlines
        self.title_spans: dict[int, list[tuple[int, int]]] = {}  # sentence -> spans of its titles

    def add(self, key: str, text: str, typ: str, si: int, a: int, b: int, source: str) -> None:
        base = self.sents[si].anchor.start
        self.cands.mentions.append(Mention(key, text, typ, si, base + a, base + b, source))

    def titles_and_quotes(self) -> None:
        """Italic and title-case quoted spans are works; other short quotations are quoted terms."""
        for si, s in enumerate(self.sents):
            for m in _ITALIC_RE.finditer(s.text):
                g = 1 if m.group(1) is not None else 2
                self.add(m.group(g).strip(), m.group(g).strip(), "work", si, m.start(g), m.end(g), "title")
                self.title_spans.setdefault(si, []).append((m.start(), m.end()))
            for m in _QUOTE_RE.finditer(s.text):
                g = next(i for i in (1, 2, 3) if m.group(i) is not None)
                q = m.group(g).strip()
                words = q.split()
                if not 1 <= len(words) <= 6 or re.search(r"[.,;:?!…]$", q) or q[:1] in "[(":
                    continue
                content = [w for w in words if len(w) >= 4 and w.lower() not in STOP]
                titled = bool(content) and all(w[:1].isupper() for w in content)
                if titled:
                    self.add(q, q, "work", si, m.start(g), m.end(g), "title")
                    self.title_spans.setdefault(si, []).append((m.start(), m.end()))
                else:
                    self.add(q.lower(), q, "term", si, m.start(g), m.end(g), "quote")

    def names_and_acronyms(self) -> None:
        """Per sentence, headlines aside: names first, since a bracketed acronym is defined by the name before it."""
        for si, toks in enumerate(self.toks_by):
            if self.heads[si]:
                continue
            in_title = _covered([t.start for t in toks], self.title_spans.get(si, []))
            first_mention = len(self.cands.mentions)
            self.capitalised_names(si, in_title)
            self.acronyms(si, in_title, first_mention)

    def capitalised_names(self, si: int, in_title: dict[int, bool]) -> None:
        """Capitalised runs (inner of/for/the allowed) outside titles: with no POS tagger, capitals mark names."""
        toks = self.toks_by[si]
        i = 0
        while i < len(toks):
            if in_title.get(toks[i].start, False) or not self._starts_name(si, i):
                i += 1
                continue
            j = self._run_end(si, i, in_title)
            span = self._trim(toks[i:j])
            if span:
                words = [w.text for w in span]
                words[-1] = _strip_possessive(words[-1])
                if not self._not_a_name(words):
                    text = " ".join(words)
                    before = [x.text for x in toks[max(0, i - 2) : i]]
                    typ = _name_type(words, before, "caps")
                    a, b = span[0].start, span[-1].end - (len(span[-1].text) - len(words[-1]))
                    self.add(text, text, typ, si, a, b, "caps")
                    self.names.setdefault(text, typ)
            i = max(j, i + 1)

    def _starts_name(self, si: int, i: int) -> bool:
        """A capitalised word, or a direction word right before one (northern Guangdong)."""
        s, toks = self.sents[si], self.toks_by[si]
        t = toks[i]
        return _is_cap(t.text) or (
            t.text.lower() in _DIRECTIONS
            and i + 1 < len(toks)
            and _is_cap(toks[i + 1].text)
            and s.text[t.end : toks[i + 1].start] == " "
        )

    def _run_end(self, si: int, i: int, in_title: dict[int, bool]) -> int:
        """Where the capitalised run from token ``i`` ends: single spaces, capitals or a connector before one."""
        s, toks = self.sents[si], self.toks_by[si]
        j = i + 1
        while (
            j < len(toks)
            and s.text[toks[j - 1].end : toks[j].start] == " "
            and not in_title.get(toks[j].start, False)
        ):
            w = toks[j].text
            if _is_cap(w) and _strip_possessive(toks[j - 1].text) == toks[j - 1].text:
                j += 1
            elif (
                w in _CONNECTORS
                and j + 1 < len(toks)
                and _is_cap(toks[j + 1].text)
                and s.text[toks[j].end : toks[j + 1].start] == " "
            ):
                j += 2
            else:
                break
        return j

    def _trim(self, span: list[_Tok]) -> list[_Tok]:
        """Drop sentence-initial capitals not seen capitalised mid-sentence (unless romanised), and edge connectors."""
        while (
            span
            and span[0].initial
            and (
                span[0].text.lower() in STOP
                or (span[0].text not in self.mid_caps and (len(span) == 1 or not romanisable(span[0].text)))
            )
        ):
            span = span[1:]
            while span and span[0].text in _CONNECTORS:
                span = span[1:]
        while span and span[-1].text in _CONNECTORS:
            span = span[:-1]
        return span

    def _not_a_name(self, words: list[str]) -> bool:
        """Lone stop words, months, titles, words also written lower-case, nationalities; stop-word or overlong runs."""
        lw = words[0].lower()
        skip = len(words) == 1 and (
            lw in STOP
            or lw in _MONTHS
            or lw in _HONORIFICS
            or lw in self.lower_words
            or re.match(r"[a-z]+(ese|ian|ish)\b", lw)
            or len(lw) < 2
            or words[0].isdigit()
        )
        if lw in _MONTHS and len(words) > 1:
            skip = True
        # "by We The": a run of stop words is no name; nor is a 100-word capitalised run.
        if all(w.lower() in STOP for w in words) or len(words) > MAX_NAME_WORDS:
            skip = True
        return bool(skip)

    def acronyms(self, si: int, in_title: dict[int, bool], first_mention: int) -> None:
        """Acronyms, and their definitions: "All-China Federation of Trade Unions (ACFTU)"."""
        s = self.sents[si]
        caps_by_end = {m.end: m for m in self.cands.mentions[first_mention:] if m.source == "caps"}
        for t in self.toks_by[si]:
            w = t.text
            if not _ACRONYM_RE.match(w) or len(w) < 2 or in_title.get(t.start, False):
                continue
            if s.text[t.start - 1 : t.start] == "(" and s.text[t.end : t.end + 1] == ")":
                at = s.anchor.start + t.start
                prev = caps_by_end.get(at - 2) or caps_by_end.get(at - 3)
                if prev is not None and _acronym_matches(w, prev.key.split()):
                    self.cands.abbreviations[w] = prev.key
            self.add(w, w, "acronym", si, t.start, t.end, "acronym")

    def names_in_headlines(self) -> None:
        """Names found in running text, found again inside headlines (whose capitals prove nothing)."""
        for si, s in enumerate(self.sents):
            if self.heads[si]:
                for key, a, b in _names_in(s.text, self.toks_by[si], self.names, self.title_spans.get(si, [])):
                    self.add(key, key, self.names[key], si, a, b, "caps")

    def type_acronyms(self) -> None:
        """A defined acronym takes its expansion's type (usually org); an undefined one is a term."""
        cands = self.cands
        acr_type = {m.key: m.type for m in cands.mentions if m.source == "caps"}
        defined = cands.abbreviations
        cands.mentions = [
            (
                replace(m, type=acr_type.get(defined[m.key], "org") if m.key in defined else "term")
                if m.source == "acronym"
                else m
            )
            for m in cands.mentions
        ]

    def term_runs(self) -> None:
        """Term candidates: 1-3 word n-grams of lower-case content-word runs (single words only if recurring)."""
        grams: list[tuple[str, str, int, int, int]] = []
        for si, (s, toks) in enumerate(zip(self.sents, self.toks_by)):
            if not self.heads[si]:
                grams += _term_grams(s.text, si, toks)
        counts = Counter(g[0] for g in grams)
        for key, text, si, a, b in grams:
            if " " not in key and (counts[key] < 2 or len(key) < 4):
                continue
            base = self.sents[si].anchor.start
            self.cands.mentions.append(Mention(key, text, "term", si, base + a, base + b, "np"))


def _term_grams(text: str, si: int, toks: list[_Tok]) -> list[tuple[str, str, int, int, int]]:
    """(key, text, sentence, start, end) of the 1-3 word n-grams of one sentence's content-word runs."""
    grams = []
    for r in _content_runs(text, toks):
        for n in (1, 2, 3):
            for a in range(len(r) - n + 1):
                part = r[a : a + n]
                if not term_shaped([t.text for t in part]):
                    continue
                surface = text[part[0].start : part[-1].end]
                grams.append((term_key(surface), surface, si, part[0].start, part[-1].end))
    return grams


def _content_runs(text: str, toks: list[_Tok]) -> list[list[_Tok]]:
    """Runs of space-joined lower-case content words (an acronym may continue one); a possessive ends a run.

    Number words end a run too: "twenty years" is a quantity, not a term.
    """
    run: list[_Tok] = []
    runs: list[list[_Tok]] = []
    numbers = [(n.start, n.end) for n in en_numbers(text)] if any(c.isalpha() for c in text) else []
    in_number = _covered([t.start for t in toks], numbers)
    for t in toks:
        w = t.text
        joined = run and text[run[-1].end : t.start] == " "
        content = (
            not in_number.get(t.start, False)
            and (w[:1].islower() or (_ACRONYM_RE.match(w) and run))
            and w.lower() not in STOP
            and not w.lower().endswith("ly")
            and not any(c.isdigit() for c in w)
            and len(w) > 2
        )
        if content and (not run or joined):
            run.append(t)
        else:
            if run:
                runs.append(run)
            run = [t] if content else []
        if run and _strip_possessive(w) != w:  # "factory's" ends a run (possessor, not compound)
            if len(run) > 1:
                runs.append(run[:-1])
            run = []
    if run:
        runs.append(run)
    return runs
