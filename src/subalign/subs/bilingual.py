"""Bilingual cues (Chinese and English in one cue): split by script, or keep one language.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from subalign.errors import SubalignError
from subalign.subs.cues import plain_lines
from subalign.text.cjk import is_han
from subalign.text.langid import normalize_lang
from subalign.types import Cue

# ----------------------------------------------------------------------------- bilingual cues

_OPENERS = set("“‘「『（(［[｛{《〈【〔¿¡")
_STRAIGHT_QUOTES = set("\"'")
_LATIN_WORD = re.compile(r"[^\W\d_]+")
# A short Latin run inside Chinese ("我用iPhone拍的", "好的OK") is a borrowed word, not
# the English half of a bilingual line; likewise a short Han run inside English.
_EMBEDDED_LATIN_WORDS = 2
_EMBEDDED_HAN_CHARS = 4


@lru_cache(maxsize=8192)
def _script(ch: str) -> str | None:
    """``"zh"`` for Han characters, ``"en"`` for Latin letters, None for the rest."""
    if ch.isascii():
        return "en" if ch.isalpha() else None
    if is_han(ch) or ch in "々〇":
        return "zh"
    if ch.isalpha() and "LATIN" in unicodedata.name(ch, ""):
        return "en"
    return None


def _merge(runs: list[list]) -> list[list]:
    out: list[list] = []
    for run in runs:
        if out and out[-1][0] == run[0]:
            out[-1][2] = run[2]
        else:
            out.append(list(run))
    return out


def _glued(line: str, a: int, b: int) -> bool:
    """Nothing but letters/digits between positions *a* and *b* (exclusive)?"""
    return all(not ch.isspace() and not unicodedata.category(ch).startswith("P") for ch in line[a + 1 : b])


def _absorb(line: str, runs: list[list], minority: str, majority: str) -> list[list]:
    for k, run in enumerate(runs):
        if run[0] != minority:
            continue
        prev = runs[k - 1] if k > 0 else None
        nxt = runs[k + 1] if k + 1 < len(runs) else None
        sandwiched = prev is not None and nxt is not None and prev[0] == nxt[0] == majority
        span = line[run[1] : run[2] + 1]
        if minority == "en":
            short = len(_LATIN_WORD.findall(span)) <= _EMBEDDED_LATIN_WORDS
            glued = (prev is not None and prev[0] == majority and _glued(line, prev[2], run[1])) or (
                nxt is not None and nxt[0] == majority and _glued(line, run[2], nxt[1])
            )
        else:
            short = sum(_script(ch) == "zh" for ch in span) <= _EMBEDDED_HAN_CHARS
            glued = False
        if short and (sandwiched or glued):
            run[0] = majority
    return _merge(runs)


def _is_closing(ch: str) -> bool:
    return unicodedata.category(ch) in ("Pe", "Pf", "Po") and ch not in _OPENERS


def _gap_split(gap: str, left: str) -> int:
    """Where the neutral *gap* between a run *left* and a run of the other script is cut.

    Across whitespace: the token touching the left run and closing punctuation stay
    left; the rest (``"- "``, ``"12"`` in ``"工作 12 hours"``) goes right.  Without
    whitespace: cut before the first opening bracket or opening quote.
    """
    if any(ch.isspace() for ch in gap):
        cut = 0
        for tok in re.finditer(r"\S+", gap):
            closing = all(_is_closing(ch) for ch in tok[0])
            if tok.start() == 0 or (closing and tok.end() != len(gap)):
                cut = tok.end()
            else:
                break
        return cut
    quotes = {q: left.count(q) for q in _STRAIGHT_QUOTES}
    for i, ch in enumerate(gap):
        if ch in _OPENERS:
            return i
        if ch in quotes:
            if quotes[ch] % 2 == 0:  # an even count so far: this one opens
                return i
            quotes[ch] += 1
    return len(gap)


def _split_line(line: str) -> list[tuple[str, str]]:
    """``[(script, text), ...]`` pieces of one plain line; [] if it has no letters."""
    runs: list[list] = []  # [script, first index, last index]
    for i, ch in enumerate(line):
        s = _script(ch)
        if s is None:
            continue
        if runs and runs[-1][0] == s:
            runs[-1][2] = i
        else:
            runs.append([s, i, i])
    if len(runs) > 1:
        runs = _absorb(line, runs, "en", "zh")
        runs = _absorb(line, runs, "zh", "en")
    if not runs:
        return []
    if len(runs) == 1:
        return [(runs[0][0], line)]
    cuts = [0]
    for prev, nxt in zip(runs, runs[1:]):
        gap_start = prev[2] + 1
        cuts.append(gap_start + _gap_split(line[gap_start : nxt[1]], line[cuts[-1] : gap_start]))
    cuts.append(len(line))
    pieces = [(run[0], line[a:b].strip()) for run, a, b in zip(runs, cuts, cuts[1:])]
    return [(s, t) for s, t in pieces if t]


def split_bilingual(cue: Cue) -> dict[str, str]:
    """``{"zh": ..., "en": ...}``: the Chinese and English parts of a (bilingual) cue.

    Split by script, per line (either order) and inside mixed lines such as
    ``法律没用 Laws are useless``; punctuation goes with its neighbours, and a
    line with no letters (``"1998"``, ``"♪"``) goes with the line above it (the
    one below if it is first).  Short borrowed words (``我用iPhone拍的``) stay
    in their sentence.  Parts are plain text (tags stripped, as ``Cue.plain``);
    a monolingual cue gives one key, a cue without letters none.
    """
    parts: dict[str, list[str]] = {"zh": [], "en": []}
    pending: list[str] = []
    last: str | None = None
    for line in plain_lines(cue.text):
        pieces = _split_line(line)
        if not pieces:
            if last is None:
                pending.append(line)
            else:
                parts[last].append(line)
            continue
        if pending:
            parts[pieces[0][0]].extend(pending)
            pending = []
        for script, piece in pieces:
            parts[script].append(piece)
        last = pieces[-1][0]
    return {key: " ".join(texts) for key, texts in parts.items() if texts}


def cues_for_language(cues: Iterable[Cue], lang: str) -> list[Cue]:
    """The cues with ``plain`` cut down to their *lang* (``zh``/``en``) part; others dropped.

    Number, position, timing and ``text`` are unchanged, so results still point
    into the file.
    """
    key = normalize_lang(lang)
    if key not in ("zh", "en"):
        raise SubalignError(f"cannot split subtitles by language {lang!r}: only Chinese and English")
    out: list[Cue] = []
    for cue in cues:
        part = split_bilingual(cue).get(key)
        if part:
            out.append(dataclasses.replace(cue, plain=part))
    return out
