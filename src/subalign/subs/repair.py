"""The line-based SRT repair pass: damaged SRT in, canonical SRT (or cues) out; see :func:`repair_srt`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from subalign.errors import SubalignError
from subalign.subs.cues import (
    Warn,
    _INTEGER,
    _TIMING_FOLD,
    _check_times,
    _text_lines,
    _timing,
    format_timestamp,
    log,
)


# ----------------------------------------------------------------------------- SRT


@dataclass(frozen=True)
class _RawCue:
    number: int
    line: int  # 1-based line of the timing line, for messages
    start_ms: int
    end_ms: int
    text: str


def _scan_srt(text: str, name: str, warn: Warn | None = None) -> list[_RawCue]:
    """The cues of a possibly damaged SRT text, found line by line (rules in :func:`repair_srt`).

    Hand-written rather than left to ``srt.parse``, which only tolerates part of
    real-world damage: it accepts ``.`` and full-width ``，．：`` delimiters and
    blank lines inside a cue when an index and timestamp follow, but reads ``,5``
    as 5 ms, rejects missing hours, ``->``, bad cue numbers and trailing garbage,
    and reports errors as character offsets instead of lines.
    """
    lines = text.split("\n")
    if lines and lines[-1].strip() == "\x1a":  # DOS end-of-file mark
        lines[-1] = ""
    timings: list[tuple[int, int, int]] = []
    for i, line in enumerate(lines):
        t = _timing(line, i + 1, name)
        if t is not None:
            timings.append((i, t[0], t[1]))
    if not timings:
        raise SubalignError(
            f"{name}: no SRT timing line such as '00:00:01,000 --> 00:00:04,000' anywhere in the file"
        )

    def blank(i: int) -> bool:
        return not lines[i].strip()

    def is_int(i: int) -> bool:
        return _INTEGER.fullmatch(lines[i].translate(_TIMING_FOLD)) is not None

    heads: list[tuple[int, int | None]] = []  # (first line of the cue block, its number line or None)
    prev = -1
    for t, _, _ in timings:
        head, number = t, None
        j = t - 1
        if j > prev and not blank(j):
            if is_int(j) or j == 0 or blank(j - 1):
                head, number = j, j
        elif j > prev:
            p = j
            while p > prev and blank(p):
                p -= 1
            if p > prev and is_int(p) and (p == 0 or blank(p - 1)):
                head, number = p, p
        heads.append((head, number))
        prev = t

    first_head = heads[0][0]
    for i in range(first_head):
        if not blank(i):
            hint = ""
            if lines[i].startswith("WEBVTT"):
                hint = " (this looks like WebVTT: give the file a .vtt name)"
            raise SubalignError(
                f"{name}: line {i + 1}: text before the first cue: {lines[i].strip()[:60]!r}{hint}"
            )

    cues: list[_RawCue] = []
    last_number = 0
    for k, ((t, start, end), (_, n)) in enumerate(zip(timings, heads)):
        if n is not None and is_int(n):
            number = int(lines[n].translate(_TIMING_FOLD))
        else:
            number = last_number + 1
            if n is not None:
                log.info("%s: line %d: bad cue number %r, using %d", name, n + 1, lines[n].strip(), number)
        last_number = number
        _check_times(name, t + 1, number, start, end)
        if k + 1 < len(timings):
            body = lines[t + 1 : heads[k + 1][0]]
        else:
            stop = t + 1
            while stop < len(lines) and not blank(stop):
                stop += 1
            body = lines[t + 1 : stop]
            garbage = [i for i in range(stop, len(lines)) if not blank(i)]
            if garbage:
                (warn or log.warning)(
                    f"{name}: ignoring {len(garbage)} line(s) after the last cue, from line {garbage[0] + 1}"
                )
        cues.append(_RawCue(number, t + 1, start, end, _text_lines(body)))
    return cues


def repair_srt(text: str, name: str = "<srt>") -> str:
    """Rewrite damaged SRT *text* as canonical SRT; cues without text are dropped.

    Every cue is anchored on its timing line:

    - a timing line is ``start --> end`` with any spacing, ``->``/``--->``,
      full-width digits and punctuation, the tolerant timestamps of
      :func:`parse_timestamp`; anything after the end time (``X1:...`` position
      coordinates) is ignored;
    - the line just above a timing line is its cue number if it is an integer
      (kept as written, full-width digits allowed); if it is not an integer but
      starts a block it is a damaged number, replaced by the previous number + 1,
      as is a missing number; an integer alone in the block just before a
      timing line is that cue's number too;
    - a cue's text is every non-blank line up to the next cue's number or timing
      line, so missing, doubled or tripled blank lines between cues and blank
      lines inside a cue do not matter; text lines are stripped;
    - after the last cue's first blank line, the remaining lines are trailing
      garbage (credits, adverts, a half-written cue) and are dropped with a
      logged warning; a DOS end-of-file mark (``^Z``) is ignored;
    - errors: non-blank lines before the first cue, a line that looks like a
      timing line but cannot be read, a cue that ends before it starts, and a
      text without any timing line.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return _canonical_srt([c for c in _scan_srt(text, name) if c.text])


def _canonical_srt(cues: Iterable[_RawCue]) -> str:
    return "".join(
        f"{c.number}\n{format_timestamp(c.start_ms)} --> {format_timestamp(c.end_ms)}\n{c.text}\n\n"
        for c in cues
    )
