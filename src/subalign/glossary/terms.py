"""Glossary candidates: names, acronyms, titles and term-like phrases in English and Chinese.

Extraction is deliberately generous: the pairing step (:mod:`subalign.glossary.core`) is
what decides, with transliteration, co-occurrence and embeddings as evidence. What
must be right here is *where* each mention is (offsets into the document text, for
anchors) and the few things only the monolingual text can tell: which capitalised
word is just a sentence start, which acronym a bracket defines, which span is a title.

English has no POS tagger among our dependencies, so English candidates come from
orthography (capitals, brackets, italics, quotes) and stop-word-delimited runs; Chinese
candidates come from jieba's part-of-speech tags plus 《》, ·, （） and quotes.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from subalign.types import Document

NAME_TYPES = ("person", "place", "org", "work")
TYPES = NAME_TYPES + ("term",)


@dataclass(frozen=True)
class Mention:
    """One occurrence of a candidate in a document.

    ``key`` groups mentions of the same candidate (possessive stripped, terms
    lower-cased and singularised); ``start``/``end`` are offsets into ``Document.text``.
    ``type`` is a first guess ("name" when a proper name's kind is unknown);
    ``source`` says which rule found it (kept as evidence).
    """

    key: str
    text: str
    type: str
    sentence: int
    start: int
    end: int
    source: str

    @property
    def is_name(self) -> bool:
        return self.type != "term"


@dataclass
class Candidates:
    """All mentions of one document plus the abbreviations it defines (short -> full key)."""

    lang: str
    mentions: list[Mention] = field(default_factory=list)
    abbreviations: dict[str, str] = field(default_factory=dict)

    def by_sentence(self) -> dict[int, list[Mention]]:
        out: dict[int, list[Mention]] = {}
        for m in self.mentions:
            out.setdefault(m.sentence, []).append(m)
        return out

    def keys(self) -> Counter:
        return Counter(m.key for m in self.mentions)


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
    becomes became back away least less half i.e e.g etc
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
    import unicodedata

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
    cands = Candidates(doc.lang)
    sents = doc.sentences
    toks_by = [_tokens(s.text) for s in sents]
    heads = [_headline(s.text, t) for s, t in zip(sents, toks_by)]
    # Words seen capitalised in mid-sentence (not initial) anywhere: proof a sentence-initial one is a name.
    mid_caps = {t.text for toks, h in zip(toks_by, heads) if not h for t in toks if not t.initial and _is_cap(t.text)}
    lower_words = Counter(t.text.lower() for toks in toks_by for t in toks if t.text[:1].islower())
    names: dict[str, str] = {}  # key -> type guess, for re-finding names inside headlines

    def add(key, text, typ, si, a, b, source):
        base = sents[si].anchor.start
        cands.mentions.append(Mention(key, text, typ, si, base + a, base + b, source))

    title_spans: dict[int, list[tuple[int, int]]] = {}
    for si, s in enumerate(sents):
        for m in _ITALIC_RE.finditer(s.text):
            g = 1 if m.group(1) is not None else 2
            add(
                m.group(g).strip(),
                m.group(g).strip(),
                "work",
                si,
                m.start(g),
                m.end(g),
                "title",
            )
            title_spans.setdefault(si, []).append((m.start(), m.end()))
        for m in _QUOTE_RE.finditer(s.text):
            g = next(i for i in (1, 2, 3) if m.group(i) is not None)
            q = m.group(g).strip()
            words = q.split()
            if not 1 <= len(words) <= 6 or re.search(r"[.,;:?!…]$", q) or q[:1] in "[(":
                continue
            content = [w for w in words if len(w) >= 4 and w.lower() not in STOP]
            titled = bool(content) and all(w[:1].isupper() for w in content)
            if titled:
                add(q, q, "work", si, m.start(g), m.end(g), "title")
                title_spans.setdefault(si, []).append((m.start(), m.end()))
            else:
                add(q.lower(), q, "term", si, m.start(g), m.end(g), "quote")

    for si, (s, toks) in enumerate(zip(sents, toks_by)):
        if heads[si]:
            continue
        in_title = _covered([t.start for t in toks], title_spans.get(si, []))
        inside_title = lambda t, in_title=in_title: in_title.get(t.start, False)
        first_mention = len(cands.mentions)
        i = 0
        while i < len(toks):
            t = toks[i]
            if inside_title(t) or not (
                _is_cap(t.text)
                or (
                    t.text.lower() in _DIRECTIONS
                    and i + 1 < len(toks)
                    and _is_cap(toks[i + 1].text)
                    and s.text[t.end : toks[i + 1].start] == " "
                )
            ):
                i += 1
                continue
            j = i + 1
            while j < len(toks) and s.text[toks[j - 1].end : toks[j].start] == " " and not inside_title(toks[j]):
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
            span = toks[i:j]
            # Sentence-initial capitals are names only if the word is also capitalised mid-sentence.
            while (
                span
                and span[0].initial
                and (
                    span[0].text.lower() in STOP
                    or (span[0].text not in mid_caps and (len(span) == 1 or not romanisable(span[0].text)))
                )
            ):
                span = span[1:]
                while span and span[0].text in _CONNECTORS:
                    span = span[1:]
            while span and span[-1].text in _CONNECTORS:
                span = span[:-1]
            if span:
                words = [w.text for w in span]
                words[-1] = _strip_possessive(words[-1])
                lw = words[0].lower()
                skip = len(words) == 1 and (
                    lw in STOP
                    or lw in _MONTHS
                    or lw in _HONORIFICS
                    or lw in lower_words
                    or re.match(r"[a-z]+(ese|ian|ish)\b", lw)
                    or len(lw) < 2
                    or words[0].isdigit()
                )
                if lw in _MONTHS and len(words) > 1:
                    skip = True
                # "by We The": a run of stop words is no name; nor is a 100-word capitalised run.
                if all(w.lower() in STOP for w in words) or len(words) > MAX_NAME_WORDS:
                    skip = True
                if not skip:
                    text = " ".join(words)
                    before = [x.text for x in toks[max(0, i - 2) : i]]
                    typ = _name_type(words, before, "caps")
                    a, b = (
                        span[0].start,
                        span[-1].end - (len(span[-1].text) - len(words[-1])),
                    )
                    add(text, text, typ, si, a, b, "caps")
                    names.setdefault(text, typ)
            i = max(j, i + 1)

        # Acronyms, and their definitions: "All-China Federation of Trade Unions (ACFTU)".
        caps_by_end = {m.end: m for m in cands.mentions[first_mention:] if m.source == "caps"}
        for t in toks:
            w = t.text
            if not _ACRONYM_RE.match(w) or len(w) < 2 or inside_title(t):
                continue
            if s.text[t.start - 1 : t.start] == "(" and s.text[t.end : t.end + 1] == ")":
                at = sents[si].anchor.start + t.start
                prev = caps_by_end.get(at - 2) or caps_by_end.get(at - 3)
                if prev is not None and _acronym_matches(w, prev.key.split()):
                    cands.abbreviations[w] = prev.key
            add(w, w, "acronym", si, t.start, t.end, "acronym")

    # Second pass: known names inside headlines.
    for si, s in enumerate(sents):
        if heads[si]:
            for key, a, b in _names_in(s.text, toks_by[si], names, title_spans.get(si, [])):
                add(key, key, names[key], si, a, b, "caps")

    # Acronym types: defined -> the expansion's type (usually org); undefined -> term.
    acr_type = {m.key: m.type for m in cands.mentions if m.source == "caps"}
    cands.mentions = [
        (
            m
            if m.source != "acronym"
            else Mention(
                m.key,
                m.text,
                acr_type.get(cands.abbreviations.get(m.key, ""), "org") if m.key in cands.abbreviations else "term",
                m.sentence,
                m.start,
                m.end,
                "acronym",
            )
        )
        for m in cands.mentions
    ]
    _en_term_runs(doc, toks_by, heads, cands)
    return cands


def _en_term_runs(doc: Document, toks_by: list[list[_Tok]], heads: list[bool], cands: Candidates) -> None:
    """Term candidates: 2-3 word n-grams of lower-case content-word runs; single words if recurring."""
    grams: list[tuple[str, str, int, int, int]] = []
    for si, (s, toks) in enumerate(zip(doc.sentences, toks_by)):
        if heads[si]:
            continue
        run: list[_Tok] = []
        runs: list[list[_Tok]] = []
        for k, t in enumerate(toks):
            w = t.text
            joined = run and s.text[run[-1].end : t.start] == " "
            content = (
                (w[:1].islower() or (_ACRONYM_RE.match(w) and run))
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
                runs.append(run[:-1]) if len(run) > 1 else None
                run = []
        if run:
            runs.append(run)
        for r in runs:
            for n in (1, 2, 3):
                for a in range(len(r) - n + 1):
                    part = r[a : a + n]
                    text = s.text[part[0].start : part[-1].end]
                    grams.append((term_key(text), text, si, part[0].start, part[-1].end))
    counts = Counter(g[0] for g in grams)
    for key, text, si, a, b in grams:
        if " " not in key and (counts[key] < 2 or len(key) < 4):
            continue
        base = doc.sentences[si].anchor.start
        cands.mentions.append(Mention(key, text, "term", si, base + a, base + b, "np"))


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
    import logging

    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(logging.WARNING)
    return pseg


# jieba dictionary count (of ~60M) above which a word is too common to be a glossary term:
# keeps 罢工 (1321) and 生产线 (521), drops 工厂 (3460), 公司 (45604).
COMMON_FREQ = 2000


@lru_cache(maxsize=1)
def _jieba_freq() -> dict:
    import jieba

    _jieba()
    jieba.initialize()
    return jieba.dt.FREQ


def subsequence(short: str, full: str) -> bool:
    it = iter(full)
    return all(ch in it for ch in short)


def extract_zh(doc: Document) -> Candidates:
    """Chinese candidates: jieba proper nouns, 《titles》, ·-names, bracket abbreviations, noun compounds."""
    pseg = _jieba()
    cands = Candidates(doc.lang)
    grams: list[tuple[str, str, int, int, int]] = []
    for si, s in enumerate(doc.sentences):
        base = s.anchor.start
        text = s.text
        first_mention, first_gram = len(cands.mentions), len(grams)

        def add(key, typ, a, b, source, si=si, base=base):
            cands.mentions.append(Mention(key, key, typ, si, base + a, base + b, source))

        for m in _ZH_TITLE_RE.finditer(text):
            add(m.group(1), "work", m.start(1), m.end(1), "title")
        for m in _ZH_QUOTE_RE.finditer(text):
            add(m.group(1), "term", m.start(1), m.end(1), "quote")
        words: list[tuple[str, str, int, int]] = []
        pos = 0
        for w in pseg.cut(text):
            # jieba's words tile the text; the bound keeps a surprise from rescanning a long line.
            a = text.find(w.word, pos, pos + len(w.word) + 32)
            if a < 0:
                continue
            pos = a + len(w.word)
            words.append((w.word, w.flag, a, pos))
        # Transliterated foreign names: jieba words joined by the middle dot (约翰·史密斯).
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
                add(
                    text[words[k][2] : words[e][3]],
                    "person",
                    words[k][2],
                    words[e][3],
                    "dot-name",
                )
            k = e + 1
        for w, flag, a, b in words:
            if flag in _POS_TYPE and 2 <= len(w) <= MAX_ZH_KEY:
                add(w, _POS_TYPE[flag], a, b, f"jieba:{flag}")
        # Noun compounds of 1-3 adjacent content words (head last), the Chinese term candidates.
        for i in range(len(words)):
            for n in (1, 2, 3, 4):
                part = words[i : i + n]
                if len(part) < n or any(part[k][3] != part[k + 1][2] for k in range(n - 1)):
                    break
                if any(f not in _CONTENT for _, f, _, _ in part):
                    break
                surface = text[part[0][2] : part[-1][3]]
                if not 2 <= len(surface) <= 8 or surface in _ZH_STOP:
                    continue
                if n > 1 and part[0][1] not in _NOUNISH:
                    continue  # 支付经济补偿金: a verb phrase, not a term; 工厂搬迁 (noun + verb) is kept
                kind = "n" if all(f in _NOUNISH for _, f, _, _ in part) else ("v" if n == 1 else "nv")
                grams.append((surface, kind, si, part[0][2], part[-1][3]))
        # Abbreviation defined in brackets right after its full form: 中华全国总工会（全总）.
        ending: dict[int, list[Mention]] = defaultdict(list)  # this sentence's candidates by end offset
        for c in cands.mentions[first_mention:]:
            ending[c.end - base].append(c)
        for g in grams[first_gram:]:
            ending[g[4]].append(Mention(g[0], g[0], "term", si, base + g[3], base + g[4], "ngram"))
        for m in _ZH_BRACKET_RE.finditer(text):
            short = m.group(1) or m.group(2)
            before = [c for c in ending.get(m.start(), ()) if len(c.key) > len(short)]
            if before:
                full = max(before, key=lambda c: len(c.key))
                if subsequence(short, full.key):
                    cands.abbreviations[short] = full.key
                    add(
                        short,
                        full.type,
                        m.start(1) if m.group(1) else m.start(2),
                        m.end(1) if m.group(1) else m.end(2),
                        "abbreviation",
                    )
    counts = Counter(g[0] for g in grams)
    freq = _jieba_freq()
    for surface, kind, si, a, b in grams:
        if kind == "v" and counts[surface] < 2:  # a lone verb is not a term; a recurring one may be (罢工)
            continue
        if freq.get(surface, 0) > COMMON_FREQ:  # everyday words (公司, 开始, 城市) are not glossary terms
            continue
        base = doc.sentences[si].anchor.start
        cands.mentions.append(
            Mention(
                surface,
                surface,
                "term",
                si,
                base + a,
                base + b,
                "ngram" if kind == "n" else "ngram-v",
            )
        )
    # Abbreviations recur without brackets: 全总官员.
    hits = _occurrences(doc, cands.abbreviations)
    for short in cands.abbreviations:
        for si, a in hits.get(short, ()):
            cands.mentions.append(Mention(short, short, "org", si, a, a + len(short), "abbreviation"))
    return _dedupe(cands)


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


def _dedupe(c: Candidates) -> Candidates:
    seen = set()
    out = []
    for m in c.mentions:
        k = (m.key, m.start)
        if k not in seen:
            seen.add(k)
            out.append(m)
    c.mentions = out
    return c


def extract(doc: Document) -> Candidates:
    """Candidates for a document in either language."""
    if doc.lang == "zh":
        return extract_zh(doc)
    return _dedupe(extract_en(doc))
