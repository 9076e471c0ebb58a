"""Paragraph and sentence segmentation with anchors.

The rules are hand-written rather than taken from pysbd or nltk: neither is a
dependency, nltk's punkt needs downloaded model data, and both split inside
quotations such as ``“We have nothing! What good is the law?” he shouted.``.
Alignment needs the two sides segmented *comparably* more than perfectly, so
the rules below are few, predictable and shared by English and Chinese:

* A *terminator run* (``. ! ? …`` and ``。！？``, in any combination) plus the
  closing quotes/brackets right after it may end a sentence, except an ellipsis
  that opens a sentence (``“……没用。”``, ``"... No use."``): one with only
  opening marks before it and no closing mark after it.
* Full-width terminators (``。！？``) end a sentence wherever they stand.
  ASCII ones and ``…`` need what follows to look like a new sentence: whitespace
  and then an upper-case letter, a digit, an opening quote/bracket or a
  CJK character, or a CJK character directly (Chinese typed with ``!?``).
  A lone ``.`` after an abbreviation (``Mr.``, ``e.g.``, ``U.S.``) or an initial
  (``J.``) never ends a sentence; decimals (``3.5``) have no whitespace and so
  never split.  Nothing ends before ``, ; : ，、；：``.
* No split inside ``《…》``/``〈…〉`` titles.
* Quotations (“…”, "…", 「…」, 『…』): when the sentence carries on after the
  closing mark, no terminator inside the quotation ends the sentence.  It
  carries on when the next character is lower-case, a comma-like mark or a
  dash, a terminator, a CJK character after a quotation with no final
  ``。！？…`` inside (``“法律没用”他说。`` is one sentence), or an upper-case
  attribution (``” Huang asked.``).  It does not when the paragraph ends, a
  new sentence or quotation starts (``He said, “Stop.” Then he left.`` is two
  sentences), or, following Chinese convention, a quotation closed after
  ``。！？…`` is followed by more Chinese that is not a short attribution
  (``“……没用。”然后走了。`` is two, ``“你好。”他说。`` is one).  Single quotes are never paired because
  ``’`` is also the apostrophe (``workers’``); they are only absorbed as closers.
* A sentence longer than :data:`EN_MAX_CHARS` / :data:`ZH_MAX_CHARS` is cut at
  the last clause punctuation or whitespace before the limit, never inside a
  word, a combining sequence or a surrogate pair.

Anchors: paragraphs are runs of non-blank lines; ``Sentence.text`` is exactly
``text[anchor.start:anchor.end]`` with surrounding whitespace left out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from subalign.text.cjk import CJK, simplified_view
from subalign.types import Anchor, Sentence

EN_MAX_CHARS = 400
ZH_MAX_CHARS = 200
CJK_LANGS = frozenset({"zh", "ja"})
FULLWIDTH_ENDS = frozenset("。！？…!?")
# “你好。”他说。 stays one sentence: the clause after the quotation is short and speaks.
ZH_ATTRIBUTION_CHARS = 6
ZH_SPEECH_VERBS = ("说", "道", "问", "笑", "喊", "叫", "答", "嚷", "叹")

TERMINATORS = frozenset(".!?…。！？｡‼⁇⁈⁉")
STRONG_TERMINATORS = frozenset("。！？｡")
ELLIPSIS_CHARS = frozenset(".…")
CLOSERS = frozenset("”’\"')]}」』）》〉】〕»›")
OPENERS = frozenset("“‘\"'([{「『《〈（【〔«‹¿¡")
CONTINUERS = frozenset(",;:，、；：")
DASHES = frozenset("—–-―")
CJK_OPENERS = frozenset("“「『《〈（【〔")
QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』", "﹁": "﹂", "﹃": "﹄"}
TITLE_PAIRS = {"《": "》", "〈": "〉"}
# Clause punctuation a long sentence may be cut after ('.' excluded: it may be "Mr.").
_CUT_PUNCT = frozenset(",;:，；、：。！？!?…")

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st jr sr vs etc e.g i.e u.s u.k jan feb mar apr jun jul aug
    sep sept oct nov dec a.m p.m inc ltd co corp gen col lt sgt rev hon mt fig figs pp
    cf approx vol eds ed dept est ph.d mssrs messrs""".split()
)
_DOTTED = re.compile(r"[A-Za-z](?:\.[A-Za-z])+")
# Capitalised words that start a new sentence rather than an attribution (“…” Huang said).
_STARTERS = frozenset(
    """the a an then he she it they we i you but and so this that these those there here
    his her their our my its in on at after before when while if yet now later still
    meanwhile however no yes as for with what why how who where one soon next""".split()
)
_SPEECH_VERBS = frozenset(
    """said says say asked asks shouted shouts replied replies added adds told tells
    explained explains continued continues cried cries whispered whispers wrote writes
    recalled recalls insisted insists answered answers yelled yells screamed screams
    muttered mutters murmured murmurs declared declares argued argues noted notes
    admitted admits complained complains exclaimed exclaims sighed demanded demands
    protested protests remarked remarks responded responds warned warns laughed""".split()
)


def max_chars(lang: str) -> int:
    """The long-sentence limit for *lang* (Chinese packs more meaning per character)."""
    return ZH_MAX_CHARS if lang in CJK_LANGS else EN_MAX_CHARS


def segment(text: str, lang: str, presplit: bool = False) -> list[Sentence]:
    """Split *text* into sentences anchored by paragraph/sentence number and offsets.

    With *presplit*, every non-blank line is one sentence (no long-sentence cut),
    so with no blank lines ``Sentence.index`` is the 0-based line number.

    >>> text = "“We have nothing! What good is the law?” he shouted. Mr. Huang left at 3.5 p.m."
    >>> [s.text for s in segment(text, "en")]
    ['“We have nothing! What good is the law?” he shouted.', 'Mr. Huang left at 3.5 p.m.']
    >>> [(s.text, s.anchor.id) for s in segment("“你好。”他说。工人们走了。\\n\\n第二段。", "zh")]
    [('“你好。”他说。', 'p1.s1'), ('工人们走了。', 'p1.s2'), ('第二段。', 'p2.s1')]
    >>> s = segment("One line. Still one.\\nTwo", "en", presplit=True)[0]
    >>> s.text, s.anchor.start, s.anchor.end
    ('One line. Still one.', 0, 20)
    """
    limit = max_chars(lang)
    out: list[Sentence] = []
    for pno, lines in enumerate(_paragraphs(text), 1):
        if presplit:
            spans = [sp for a, b in lines if (sp := _strip(text, a, b))]
        else:
            spans = list(_split_paragraph(text, lines[0][0], lines[-1][1], limit))
        for sno, (s, e) in enumerate(spans, 1):
            out.append(Sentence(len(out), text[s:e], Anchor(pno, sno, s, e)))
    return out


def cut_long_text(text: str, lang: str, limit: int | None = None) -> list[tuple[int, int]]:
    """Spans of *text* cut the way :func:`segment` cuts a long sentence.

    Pieces of at most *limit* (default :func:`max_chars` of *lang*) characters,
    cut at clause punctuation, else whitespace, never inside a word or a
    grapheme; surrounding whitespace is left out and nothing else is.  A text
    within the limit is one span.  This is how every matching path bounds what
    one unit may cost the encoder and the string matchers, whatever the line
    lengths.
    """
    return _cut_long(text, 0, len(text), limit or max_chars(lang))


def _paragraphs(text: str) -> list[list[tuple[int, int]]]:
    """Groups of consecutive non-blank lines, as (start, end) line spans."""
    paras: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl == -1 else nl
        if text[pos:end].strip():
            current.append((pos, end))
        elif current:
            paras.append(current)
            current = []
        if nl == -1:
            break
        pos = nl + 1
    if current:
        paras.append(current)
    return paras


def _strip(text: str, s: int, e: int) -> tuple[int, int] | None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return (s, e) if s < e else None


def _split_paragraph(text: str, ps: int, pe: int, limit: int) -> Iterator[tuple[int, int]]:
    p = text[ps:pe]
    prev = 0
    for cut in [*_boundaries(p), len(p)]:
        span = _strip(p, prev, cut)
        prev = cut
        if span:
            for s, e in _cut_long(p, span[0], span[1], limit):
                yield ps + s, ps + e


# --- sentence boundaries ---------------------------------------------------------


def _boundaries(p: str) -> list[int]:
    """Offsets in paragraph *p* where a sentence ends."""
    n = len(p)
    suppressed = _suppression_mask(p)
    cuts: list[int] = []
    i = 0
    while i < n:
        if p[i] not in TERMINATORS:
            i += 1
            continue
        j = i
        while j < n and p[j] in TERMINATORS:
            j += 1
        k = j
        while k < n and p[k] in CLOSERS:
            k += 1
        start = cuts[-1] if cuts else 0
        if (
            not any(suppressed[i:j])
            and not _opens_sentence(p, start, i, j, k)
            and _is_boundary(p, i, j, k)
        ):
            cuts.append(k)
        i = k
    return cuts


def _opens_sentence(p: str, start: int, i: int, j: int, k: int) -> bool:
    """Is p[i:j] an ellipsis opening the sentence (``“……没用。”``, ``"... no use."``)?

    Only openers and whitespace stand between the sentence start and it, and no
    closer follows it: such an ellipsis trails into its own sentence, it ends
    none.  (``“……”`` alone is a quotation of silence, left to the usual rules.)
    The look-back crosses only openers and whitespace, so it stays linear.
    """
    if k > j or not set(p[i:j]) <= ELLIPSIS_CHARS:
        return False
    t = i
    while t > start and (p[t - 1].isspace() or p[t - 1] in OPENERS):
        t -= 1
    return t == start


def _is_boundary(p: str, i: int, j: int, k: int) -> bool:
    """Does the terminator run p[i:j] (closers up to k) end a sentence?"""
    n = len(p)
    if k >= n:
        return False  # the paragraph ends here anyway
    run = p[i:j]
    strong = any(c in STRONG_TERMINATORS for c in run)
    nxt = p[k]
    if nxt in CONTINUERS:
        return False
    if nxt.isspace():
        m = k
        while m < n and p[m].isspace():
            m += 1
        if m >= n:
            return False
        start = p[m]
        if start in CONTINUERS:
            return False
        if strong:
            return True
        if not _starts_sentence(start):
            return False
        return not (run == "." and _dot_is_not_final(p, i, m))
    if strong:
        return True
    if _is_cjk(nxt) or nxt in CJK_OPENERS:
        return not (run == "." and _dot_is_not_final(p, i, k))
    return False


def _starts_sentence(ch: str) -> bool:
    return ch.isdigit() or ch in OPENERS or (ch.isalpha() and not ch.islower())


#: Abbreviations and initials are short: a "word" longer than this before a '.'
#: is none, and stopping the look-back here keeps long unspaced runs linear.
_MAX_WORD = 64


def _word_before(p: str, i: int) -> str:
    t = i
    stop = max(0, i - _MAX_WORD)
    while t > stop and not p[t - 1].isspace():
        t -= 1
    if t == stop and t > 0 and not p[t - 1].isspace():
        return ""  # longer than any abbreviation
    return p[t:i].lstrip("“‘\"'([{«—–-")


def _dot_is_not_final(p: str, i: int, m: int) -> bool:
    """Is the '.' at p[i] part of an abbreviation or initial (so no sentence end)?"""
    word = _word_before(p, i)
    if not word:
        return False
    low = word.lower()
    if low == "no":  # "No. 5" but "He said no. Then ..."
        return word == "No" and m < len(p) and p[m].isdigit()
    if low in ABBREVIATIONS or _DOTTED.fullmatch(word):
        return True
    return len(word) == 1 and word.isupper()


_CJK_CHAR = re.compile(f"[{CJK}]")


def _is_cjk(ch: str) -> bool:
    """Han, CJK punctuation or a full-width form (:data:`subalign.text.cjk.CJK`)."""
    return _CJK_CHAR.match(ch) is not None


# --- quotations and titles ---------------------------------------------------------


def _suppression_mask(p: str) -> list[bool]:
    """True where a terminator must not end a sentence (inside titles, continuing quotes)."""
    n = len(p)
    diff = [0] * (n + 1)
    spans = _title_spans(p) + [(o, c) for o, c in _quote_spans(p) if _continues_after(p, c)]
    for o, c in spans:
        diff[o + 1] += 1
        diff[c] -= 1
    mask = []
    depth = 0
    for x in range(n):
        depth += diff[x]
        mask.append(depth > 0)
    return mask


def _paired_spans(p: str, pairs: dict[str, str]) -> list[tuple[int, int]]:
    """(open, close) of each closer matched with the nearest open mark of its kind.

    Marks opened after that one are abandoned.  One stack per kind (holding
    depths in the shared stack) finds the match without searching, so a text
    of unmatched marks stays linear.
    """
    closers = {v: k for k, v in pairs.items()}
    stack: list[tuple[str, int]] = []
    depths: dict[str, list[int]] = {k: [] for k in pairs}
    spans: list[tuple[int, int]] = []
    for idx, ch in enumerate(p):
        if ch in pairs:
            depths[ch].append(len(stack))
            stack.append((ch, idx))
        elif ch in closers and depths[closers[ch]]:
            d = depths[closers[ch]][-1]
            spans.append((stack[d][1], idx))
            for kind, _ in stack[d:]:  # each mark is dropped once: linear overall
                depths[kind].pop()
            del stack[d:]
    return spans


def _title_spans(p: str) -> list[tuple[int, int]]:
    return _paired_spans(p, TITLE_PAIRS)


def _quote_spans(p: str) -> list[tuple[int, int]]:
    """(open, close) offsets of quotations; unmatched marks are ignored."""
    spans = _paired_spans(p, QUOTE_PAIRS)
    open_at: int | None = None
    for idx, ch in enumerate(p):
        if ch != '"':
            continue
        role = _straight_quote_role(p, idx)
        if role == "open" or (role is None and open_at is None):
            open_at = idx
        elif open_at is not None:
            spans.append((open_at, idx))
            open_at = None
    return spans


def _straight_quote_role(p: str, idx: int) -> str | None:
    before = p[idx - 1] if idx > 0 else " "
    after = p[idx + 1] if idx + 1 < len(p) else " "
    opens_context = before.isspace() or before in OPENERS or before in DASHES or before in "：:"
    if opens_context and not after.isspace():
        return "open"
    if not before.isspace() and (after.isspace() or not after.isalnum()):
        return "close"
    return None


def _continues_after(p: str, c: int) -> bool:
    """Does the sentence carry on after the quotation closing at p[c]?"""
    n = len(p)
    m = c + 1
    while m < n and p[m] in CLOSERS and p[m] != '"':
        m += 1
        if m - c > _MAX_WORD:
            return False  # a run of closing marks is no sentence going on (and stays linear)
    while m < n and p[m].isspace():
        m += 1
    if m >= n:
        return False
    ch = p[m]
    if ch in OPENERS:
        return False
    if ch in CONTINUERS or ch in DASHES or ch in CLOSERS or ch in TERMINATORS:
        return True
    if _is_cjk(ch):
        # Chinese convention: a quotation closed after 。！？… ends the sentence
        # (“……没用。”然后走了。 is two); without one it runs on (“没用”他说。).
        return p[c - 1] not in FULLWIDTH_ENDS or _is_zh_attribution(p, m)
    if ch.islower():
        return True
    if ch.isupper():
        return _is_attribution(p, m)
    return False


def _is_zh_attribution(p: str, m: int) -> bool:
    """Is p[m:] a short Chinese attribution clause such as 他说。 or 她笑了笑。?"""
    end = m
    while end < len(p) and p[end] not in TERMINATORS and end - m <= ZH_ATTRIBUTION_CHARS:
        end += 1
    clause = p[m:end]
    short = len(clause) <= ZH_ATTRIBUTION_CHARS and not any(c in clause for c in "，,；;")
    # The Simplified view, so 他說 reads as 他说: Traditional text segments alike.
    return short and any(v in simplified_view(clause) for v in ZH_SPEECH_VERBS)


def _is_attribution(p: str, m: int) -> bool:
    """Is p[m:] an upper-case speech attribution such as "Huang asked." or "Mr. Lin said"?"""
    words = p[m : m + 40 * _MAX_WORD].split(None, 5)[:5]
    if not words or words[0].strip(".,;:!?\"'”’").lower() in _STARTERS:
        return False
    for w in words:
        bare = w.strip(".,;:!?\"'”’").lower()
        if bare in _SPEECH_VERBS:
            return True
        if w[-1] in ".,;:!?" and not (bare in ABBREVIATIONS or len(bare) == 1):
            return False
    return False


# --- long sentences ----------------------------------------------------------------


def _cut_long(p: str, s: int, e: int, limit: int) -> list[tuple[int, int]]:
    """Cut p[s:e] into pieces of at most *limit* characters at safe places."""
    out: list[tuple[int, int]] = []
    while e - s > limit:
        cut = _find_cut(p, s, s + limit)
        span = _strip(p, s, cut)
        if span:
            out.append(span)
        s = cut
        while s < e and p[s].isspace():
            s += 1
    span = _strip(p, s, e)
    if span:
        out.append(span)
    return out


def _find_cut(p: str, s: int, lim: int) -> int:
    """A cut offset c with s < c <= lim (piece p[s:c]), preferring clause ends."""
    half = s + (lim - s) // 2
    for c in range(lim, half, -1):
        if _punct_cut_ok(p, c):
            return c
    for c in range(lim, s, -1):
        if p[c].isspace():
            return c
    for c in range(half, s, -1):
        if _punct_cut_ok(p, c):
            return c
    for c in range(lim, s, -1):
        if _safe_between(p[c - 1], p[c]) and not (_is_wordchar(p[c - 1]) and _is_wordchar(p[c])):
            return c
    c = lim  # one enormous "word": cut it, but never inside a grapheme or surrogate pair
    while c > s + 1 and not _safe_between(p[c - 1], p[c]):
        c -= 1
    return c


def _punct_cut_ok(p: str, c: int) -> bool:
    prev = p[c - 1]
    if prev not in _CUT_PUNCT or (c < len(p) and p[c] in CLOSERS):
        return False
    if ord(prev) < 128 and c < len(p) and p[c].isalnum():
        return False  # "1,000" or "a,b"
    return True


def _is_wordchar(ch: str) -> bool:
    return (ch.isalnum() or ch in "'’-_") and not _is_cjk(ch)


def _safe_between(a: str, b: str) -> bool:
    if "\udc00" <= b <= "\udfff" and "\ud800" <= a <= "\udbff":
        return False
    if unicodedata.combining(b) or b in "\u200d\u20e3" or "\ufe00" <= b <= "\ufe0f":
        return False
    if a == "\u200d" or unicodedata.category(b) in ("Mn", "Me", "Mc"):
        return False
    return True
