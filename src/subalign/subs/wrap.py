"""Display width (a Chinese character counts 2 columns) and line wrapping of subtitle text
that never starts a line with closing punctuation nor ends one with opening punctuation.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

from subalign.subs.cues import plain_text

from subalign.types import Cue


# ----------------------------------------------------------------------------- width and wrapping


def char_width(ch: str) -> int:
    """Display width of one character: 2 for East Asian wide/full-width, 0 for combining marks, else 1."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns *text* takes on screen (CJK characters and full-width punctuation count double)."""
    return sum(char_width(c) for c in text)


# No line may start with these (closing punctuation) or end with these (opening).
_NO_START = set("，。、；：？！）」』】》〉”’,.;:?!)]}…·～%")
_NO_END = set("（「『【《〈“‘([{")


def _tokens(text: str) -> list[str]:
    """Breakable units: words (with their trailing space) for Latin text, characters for CJK.

    Closing punctuation sticks to the unit before it, opening punctuation to
    the unit after it; ``"".join`` of the units restores the text.  Units are
    built as lists of characters so one enormous word costs its length once.
    """
    raw: list[list[str]] = []
    for ch in text:
        if ch.isspace():
            if raw:
                raw[-1].append(ch)
            continue
        wide = char_width(ch) == 2
        prev = raw[-1] if raw else None
        if prev and not prev[-1].isspace() and not wide and char_width(prev[-1]) != 2:
            prev.append(ch)  # continue a Latin word
        else:
            raw.append([ch])
    out: list[list[str]] = []
    for tok in raw:
        if out and (tok[0] in _NO_START or out[-1][-1] in _NO_END):
            out[-1] += tok
        else:
            out.append(tok)
    return ["".join(tok) for tok in out]


def _greedy(tokens: list[str], limit: int) -> list[str]:
    """Fill lines up to *limit* columns; widths are added up, so a line costs its length once."""
    lines: list[str] = []
    cur: list[str] = []
    cur_w = 0  # width of cur, trailing spaces included
    for tok in tokens:
        w = display_width(tok)
        if cur and cur_w + display_width(tok.rstrip()) > limit:
            lines.append("".join(cur).rstrip())
            cur, cur_w = [], 0
        cur.append(tok)
        cur_w += w
    if cur and "".join(cur).strip():
        lines.append("".join(cur).rstrip())
    return lines


def wrap_text(text: str, max_width: int) -> list[str]:
    """*text* (one logical line) as few, balanced lines of at most *max_width* columns.

    Latin text breaks between words, Chinese between characters (preferring
    spaces and punctuation, never before closing or after opening punctuation).
    A single unbreakable token wider than the limit gets a line of its own.
    """
    text = " ".join(text.split())
    if not text:
        return []
    if max_width <= 0 or display_width(text) <= max_width:
        return [text]
    tokens = _tokens(text)
    lines = _greedy(tokens, max_width)
    k = len(lines)
    # Balance: the narrowest limit that still needs no more lines.
    lo, hi = max(1, math.ceil(display_width(text) / k) - 1), max_width
    best = lines
    while lo <= hi:
        mid = (lo + hi) // 2
        trial = _greedy(tokens, mid)
        if len(trial) <= k:
            best, hi = trial, mid - 1
        else:
            lo = mid + 1
    # Prefer breaking at spaces in Chinese: if a break at a space is available
    # within the limit with the same number of lines, the greedy on space-tokens finds it.
    if any(char_width(c) == 2 for c in text) and " " in text:
        words = [w + " " for w in text.split(" ")]
        words[-1] = words[-1].rstrip()
        spaced = _greedy(words, max_width)
        if len(spaced) <= k and all(display_width(x) <= max_width for x in spaced):
            best = spaced
    return best


def _join_lines(parts: Sequence[str], lang: str) -> str:
    """One logical line from several cue lines (Chinese subtitle lines are separated by a space too)."""
    return " ".join(p.strip() for p in parts if p.strip())


def _visible_lines(cue: Cue) -> list[str]:
    return [p for p in (plain_text(line) for line in cue.text.replace("\\N", "\n").split("\n")) if p]


def language_lines(cues: Sequence[Cue], lang: str, max_width: int) -> list[str]:
    """The lines showing *cues* (one side of a link) in one bilingual cue.

    A single cue whose lines all fit keeps its own line breaks; otherwise (merged
    cues, over-long lines) the text is joined and re-wrapped to *max_width*.
    """
    lines = [ln for c in cues for ln in _visible_lines(c)]
    if len(cues) == 1 and all(display_width(ln) <= max_width for ln in lines):
        return lines
    return wrap_text(_join_lines(lines, lang), max_width)
