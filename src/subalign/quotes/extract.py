"""Quotations in a review, each anchored to where it sits.

A film review quotes the film's dialogue; :func:`extract_quotes` finds those
quotations so that matching can look for each one in the subtitles.  The parsing
is hand-written: no library extracts quotations *and* re-joins quotes broken
by an attribution (``“…,” she says, “…”``), and the rules must agree with
:mod:`subalign.text.segment` about paragraphs and sentences.

Rules (all applied within one paragraph; a quotation never crosses a blank line):

* Marks: ``“…”``, ``「…」``, ``『…』`` (and the vertical ``﹁…﹂``/``﹃…﹄``),
  straight ``"…"`` and, where it is a quotation rather than an apostrophe,
  ``‘…’``.  Only top-level quotations are extracted: anything nested inside
  (``『』`` in ``「」``, ``‘’`` in ``“”``) belongs to the outer quote.
* ``‘`` opens only after the paragraph start, whitespace, an opening mark, a
  dash or a CJK character, and not as an elision (``‘90s``, ``rock ‘n’ roll``);
  ``’`` closes only when followed by the end, whitespace, punctuation or a CJK
  character, so ``don’t``, ``workers’ rights`` (with no ``‘`` open) and
  ``’90s`` never produce a quotation.
* Straight ``"`` are paired left to right.  One opens after the start,
  whitespace, an opening mark, a dash, ``:`` or a CJK character; while one is
  open, the next ``"`` closes it unless it clearly opens a new quotation
  (whitespace before, a word after), in which case the first was unbalanced.
  Inch marks (``6'2"``) are skipped.
* An opening mark without its closer in the paragraph yields nothing.
* A quotation may span sentences; it is anchored to the sentence it starts in.
* Two quotations merge into one :class:`Quote` with several parts when they
  sit in the same sentence, the first ends with comma-like punctuation
  (``,”`` or ``”,``, ``;``, a dash or an ellipsis), and between them there is
  only a short attribution (≤ 6 words, a CJK character counting half) with a
  speech verb (``says``, ``tells``, ``说``, ``问道`` …).  ``He called it
  “progress” and “harmony”.`` therefore stays two quotes.

Parts are the review text verbatim between the marks (surrounding whitespace
trimmed): editorial brackets, ellipses and inner punctuation stay as written;
:func:`quote_for_matching` cleans them for matching.
"""

from __future__ import annotations

import bisect
import re

from subalign.text.cjk import CJK, join_cjk_aware, simplified_view
from subalign.text.documents import document_from_text
from subalign.types import Anchor, Document, Quote, Sentence

PAIRED_QUOTES = {"“": "”", "「": "」", "『": "』", "﹁": "﹂", "﹃": "﹄"}
# Characters after which ‘ or " may open a quotation (besides whitespace and CJK).
_OPEN_CONTEXT = frozenset("“‘\"'([{「『《〈（【〔«‹—–-―:：,，、")
_QUOTE_MARKS = frozenset("“”‘’\"「」『』﹁﹂﹃﹄")
_COMMA_LIKE = frozenset(",，、;；:：—–-―…")
_MAX_ATTRIBUTION_WORDS = 6

SPEECH_VERBS_EN = frozenset(
    """say says said ask asks asked add adds added tell tells told shout shouts shouted
    declare declares declared insist insists insisted reply replies replied explain
    explains explained recall recalls recalled continue continues continued write writes
    wrote cry cries cried whisper whispers whispered answer answers answered argue argues
    argued note notes noted warn warns warned admit admits admitted yell yells yelled
    murmur murmurs murmured mutter mutters muttered protest protests protested remark
    remarks remarked respond responds responded exclaim exclaims exclaimed demand demands
    demanded complain complains complained sigh sighs sighed laugh laughs laughed""".split()
)
# Simplified only: attributions are tested on the Simplified view (說 reads as 说).
SPEECH_VERBS_ZH = (
    "说", "问", "道", "喊", "叫", "嚷", "吼", "答", "称", "讲",
    "表示", "补充", "强调", "告诉", "回忆", "写",
)

_ELISION = re.compile(r"‘(?:\d\ds?(?!\w)|n[’‘](?!\w))")
_INCH = re.compile(r"\d['′’]\d{1,2}\Z")
_LATIN_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


_CJK_CHAR = re.compile(f"[{CJK}]")


def _is_cjk(ch: str) -> bool:
    """Han, CJK punctuation or a full-width form (:data:`subalign.text.cjk.CJK`)."""
    return _CJK_CHAR.match(ch) is not None


# --- public API ---------------------------------------------------------------------


def extract_quotes(doc: Document) -> list[Quote]:
    """All top-level quotations in *doc*, in reading order, attribution-broken ones merged."""
    text = doc.text
    sentences = sorted(doc.sentences, key=lambda s: s.anchor.start)
    starts = [s.anchor.start for s in sentences]
    quotes: list[Quote] = []
    for ps, pe in _paragraph_ranges(sentences):
        raw = [(o, c, inner) for o, c in _scan(text, ps, pe) if (inner := _inner(text, o, c))]
        for group in _merge_groups(text, raw, starts):
            spans = tuple(inner for _, _, inner in group)
            quotes.append(_make_quote(doc, len(quotes), spans, sentences, starts))
    return quotes


def extract_quotes_from_text(text: str, lang: str | None = None) -> list[Quote]:
    """Convenience: segment *text* (language detected unless given) and extract its quotes."""
    if not text.strip():
        return []
    return extract_quotes(document_from_text(text, lang=lang))


_BRACKET_DROP = re.compile(r"[\[［]\s*(?:\.{3,}|…+|sic)\s*[\]］]", re.IGNORECASE)
_BRACKET_KEEP = re.compile(r"[\[［]([^\[\]［］]*)[\]］]")
_ELLIPSIS = re.compile(r"\.{3,}|…+|⋯+|(?:\.[ \t]){2,}\.")
_SPACE_BEFORE_PUNCT = re.compile(r" (?=[,.;:!?，。；：！？、])")


def quote_for_matching(quote: Quote) -> str:
    """The quote as spoken, for matching against subtitles.

    Editorial brackets lose their brackets but keep the word (``[once]`` stands
    in for what was said, so dropping it would lose meaning); ``[…]`` and
    ``[sic]`` are dropped entirely, as are ellipses; whitespace is collapsed and
    removed between CJK characters.  Parts are joined with a space (nothing
    between CJK).
    """
    cleaned = []
    for part in quote.parts:
        s = _BRACKET_DROP.sub(" ", part)
        s = _BRACKET_KEEP.sub(r"\1", s)
        s = _ELLIPSIS.sub(" ", s)
        cleaned.append(" ".join(s.split()))
    return _SPACE_BEFORE_PUNCT.sub("", join_cjk_aware(cleaned))


# --- finding quotation marks ----------------------------------------------------------


def _scan(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(open, close) mark offsets of the top-level quotations in text[start:end].

    Matches are precomputed in linear passes so that a paragraph full of
    unbalanced marks costs no more than a clean one.
    """
    paired = _paired_matches(text, start, end)
    single_close = _next_single_closes(text, start, end)
    spans: list[tuple[int, int]] = []
    i = start
    while i < end:
        ch = text[i]
        close: int | None = None
        if ch in PAIRED_QUOTES:
            close = paired.get(i)
        elif ch == "‘" and _single_opens(text, i, start, end):
            close = single_close[i - start]
        elif ch == '"' and _straight_opens(text, i, start, end):
            close = _find_straight_close(text, i, start, end)
        if close is None:
            i += 1
        else:
            spans.append((i, close))
            i = close + 1
    return spans


def _paired_matches(text: str, start: int, end: int) -> dict[int, int]:
    """Opening offset → closing offset of each balanced pair (same-kind nesting counted)."""
    closers = {cl: op for op, cl in PAIRED_QUOTES.items()}
    stacks: dict[str, list[int]] = {op: [] for op in PAIRED_QUOTES}
    match: dict[int, int] = {}
    for j in range(start, end):
        ch = text[j]
        if ch in stacks:
            stacks[ch].append(j)
        elif ch in closers and stacks[closers[ch]]:
            match[stacks[closers[ch]].pop()] = j
    return match


def _next_single_closes(text: str, start: int, end: int) -> list[int | None]:
    """For each offset, the first ’ after it that can close a quotation (or None)."""
    out: list[int | None] = [None] * (end - start)
    nxt: int | None = None
    for j in range(end - 1, start - 1, -1):
        out[j - start] = nxt
        if text[j] == "’" and _single_closes(text, j, end):
            nxt = j
    return out


def _opening_context(text: str, i: int, start: int) -> bool:
    if i == start:
        return True
    before = text[i - 1]
    return before.isspace() or before in _OPEN_CONTEXT or _is_cjk(before)


def _single_opens(text: str, i: int, start: int, end: int) -> bool:
    """Is the ‘ at *i* an opening quote (not an elision like ‘90s)?"""
    if i + 1 >= end or text[i + 1].isspace():
        return False
    return _opening_context(text, i, start) and not _ELISION.match(text, i, end)


def _single_closes(text: str, j: int, end: int) -> bool:
    """Is the ’ at *j* a closing quote rather than an apostrophe (don’t, ’90s, ’n’)?"""
    if j + 1 < end:
        after = text[j + 1]
        if not (after.isspace() or _is_cjk(after) or not after.isalnum()):
            return False  # don’t, ’90s
    if j >= 2 and text[j - 1] == "n" and text[j - 2] in "’‘":
        return False  # rock ’n’ roll
    return True


def _straight_opens(text: str, i: int, start: int, end: int) -> bool:
    if i + 1 >= end or text[i + 1].isspace():
        return False
    return _opening_context(text, i, start)


def _find_straight_close(text: str, i: int, start: int, end: int) -> int | None:
    """The " closing the one at *i*; None when the next " clearly opens a new quote."""
    for j in range(i + 1, end):
        if text[j] != '"' or _INCH.search(text, max(start, j - 5), j):
            continue
        after = text[j + 1] if j + 1 < end else ""
        if text[j - 1].isspace() and (after.isalnum() or after in "‘'([「『“…"):
            return None  # the quote at i was never closed
        return j
    return None


def _inner(text: str, o: int, c: int) -> tuple[int, int] | None:
    """The span between marks, whitespace trimmed; None when it has no word in it."""
    s, e = o + 1, c
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if not any(ch.isalnum() for ch in text[s:e]):
        return None
    return s, e


# --- paragraphs, sentences, merging --------------------------------------------------


def _paragraph_ranges(sentences: list[Sentence]) -> list[tuple[int, int]]:
    ranges: dict[int, list[int]] = {}
    for s in sentences:
        r = ranges.setdefault(s.anchor.paragraph, [s.anchor.start, s.anchor.end])
        r[0] = min(r[0], s.anchor.start)
        r[1] = max(r[1], s.anchor.end)
    return sorted((a, b) for a, b in ranges.values())


def _sentence_at(starts: list[int], pos: int) -> int:
    return max(0, bisect.bisect_right(starts, pos) - 1)


_Raw = tuple[int, int, tuple[int, int]]  # opening mark, closing mark, trimmed inner span


def _merge_groups(text: str, raw: list[_Raw], starts: list[int]) -> list[list[_Raw]]:
    """Group consecutive quotations of one paragraph that are one quote broken by attribution."""
    groups: list[list[_Raw]] = []
    for item in raw:
        if groups:
            po, pc, _ = groups[-1][-1]
            same = _sentence_at(starts, pc) == _sentence_at(starts, item[0])
            if same and _is_attribution_break(text, po, pc, item[0]):
                groups[-1].append(item)
                continue
        groups.append([item])
    return groups


def _is_attribution_break(text: str, po: int, pc: int, o: int) -> bool:
    """Is text[pc+1:o] (between two quotations) an attribution that splits one quote?"""
    gap = text[pc + 1 : o].strip()
    if not gap or any(ch in _QUOTE_MARKS for ch in gap):
        return False
    first = text[po + 1 : pc].rstrip()
    clause_open = bool(first) and (first[-1] in _COMMA_LIKE or first.endswith("..."))
    if not (clause_open or gap[0] in _COMMA_LIKE):
        return False  # the first part ends a statement: two quotations
    latin = "".join(" " if _is_cjk(ch) else ch for ch in gap)
    words = [w.lower() for w in _LATIN_WORD.findall(latin)]
    cjk = sum(1 for ch in gap if _is_cjk(ch) and ch.isalnum())
    if len(words) + (cjk + 1) // 2 > _MAX_ATTRIBUTION_WORDS:
        return False
    if any(w in SPEECH_VERBS_EN for w in words):
        return True
    view = simplified_view(gap)
    return any(v in view for v in SPEECH_VERBS_ZH)


def _make_quote(
    doc: Document,
    index: int,
    spans: tuple[tuple[int, int], ...],
    sentences: list[Sentence],
    starts: list[int],
) -> Quote:
    start, end = spans[0][0], spans[-1][1]
    first = _sentence_at(starts, start)
    last = _sentence_at(starts, end - 1)
    sep = "" if doc.lang in ("zh", "ja") else " "
    context = sep.join(s.text for s in sentences[first : last + 1])
    a = sentences[first].anchor
    return Quote(
        index=index,
        parts=tuple(doc.text[s:e] for s, e in spans),
        spans=spans,
        anchor=Anchor(a.paragraph, a.sentence, start, end),
        context=context,
    )
