"""The line-based SRT repair pass: damaged SRT in, canonical SRT (or cues) out; see :func:`repair_srt`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from subalign.errors import SubalignError
from subalign.subs.cues import (
    INTEGER_LINE,
    TIMING_FOLD,
    Warn,
    check_times,
    format_timestamp,
    log,
    text_from_lines,
    timing_line,
)


# ----------------------------------------------------------------------------- SRT


@dataclass(frozen=True)
class RawCue:
    """A cue as the SRT scan found it, before ``srt.parse`` reads its block."""

    number: int
    line: int  # 1-based line of the timing line, for messages
    start_ms: int
    end_ms: int
    text: str


def scan_srt(text: str, name: str, warn: Warn | None = None) -> list[RawCue]:
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
    timings = _timings(lines, name)
    heads = _cue_heads(lines, timings)
    _check_preamble(lines, heads[0][0], name)
    return _cues(lines, timings, heads, name, warn)


def _blank(lines: list[str], i: int) -> bool:
    return not lines[i].strip()


def _is_int(lines: list[str], i: int) -> bool:
    return INTEGER_LINE.fullmatch(lines[i].translate(TIMING_FOLD)) is not None


def _timings(lines: list[str], name: str) -> list[tuple[int, int, int]]:
    """``(line index, start, end)`` of every timing line; an error when there is none."""
    timings: list[tuple[int, int, int]] = []
    for i, line in enumerate(lines):
        t = timing_line(line, i + 1, name)
        if t is not None:
            timings.append((i, t[0], t[1]))
    if not timings:
        raise SubalignError(
            f"{name}: no SRT timing line such as '00:00:01,000 --> 00:00:04,000' anywhere in the file"
        )
    return timings


def _cue_heads(lines: list[str], timings: list[tuple[int, int, int]]) -> list[tuple[int, int | None]]:
    """For each timing line: the first line of its cue block and its number line (or None)."""
    heads: list[tuple[int, int | None]] = []
    prev = -1
    for t, _, _ in timings:
        head, number = t, None
        j = t - 1
        if j > prev and not _blank(lines, j):
            if _is_int(lines, j) or j == 0 or _blank(lines, j - 1):
                head, number = j, j
        elif j > prev:
            p = j
            while p > prev and _blank(lines, p):
                p -= 1
            if p > prev and _is_int(lines, p) and (p == 0 or _blank(lines, p - 1)):
                head, number = p, p
        heads.append((head, number))
        prev = t
    return heads


def _check_preamble(lines: list[str], first_head: int, name: str) -> None:
    """An error naming the first non-blank line before the first cue, if any."""
    for i in range(first_head):
        if not _blank(lines, i):
            hint = ""
            if lines[i].startswith("WEBVTT"):
                hint = " (this looks like WebVTT: give the file a .vtt name)"
            raise SubalignError(
                f"{name}: line {i + 1}: text before the first cue: {lines[i].strip()[:60]!r}{hint}"
            )


def _cues(
    lines: list[str],
    timings: list[tuple[int, int, int]],
    heads: list[tuple[int, int | None]],
    name: str,
    warn: Warn | None,
) -> list[RawCue]:
    """Each cue's number (damaged or missing ones renumbered), times and text; trailing garbage dropped."""
    cues: list[RawCue] = []
    last_number = 0
    for k, ((t, start, end), (_, n)) in enumerate(zip(timings, heads)):
        if n is not None and _is_int(lines, n):
            number = int(lines[n].translate(TIMING_FOLD))
        else:
            number = last_number + 1
            if n is not None:
                log.info("%s: line %d: bad cue number %r, using %d", name, n + 1, lines[n].strip(), number)
        last_number = number
        check_times(name, t + 1, number, start, end)
        if k + 1 < len(timings):
            body = lines[t + 1 : heads[k + 1][0]]
        else:
            stop = t + 1
            while stop < len(lines) and not _blank(lines, stop):
                stop += 1
            body = lines[t + 1 : stop]
            garbage = [i for i in range(stop, len(lines)) if not _blank(lines, i)]
            if garbage:
                (warn or log.warning)(
                    f"{name}: ignoring {len(garbage)} line(s) after the last cue, from line {garbage[0] + 1}"
                )
        cues.append(RawCue(number, t + 1, start, end, text_from_lines(body)))
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
    return canonical_srt([c for c in scan_srt(text, name) if c.text])


def canonical_srt(cues: Iterable[RawCue]) -> str:
    """Scanned cues as canonical SRT (what ``srt.parse`` reads without complaint)."""
    return "".join(
        f"{c.number}\n{format_timestamp(c.start_ms)} --> {format_timestamp(c.end_ms)}\n{c.text}\n\n"
        for c in cues
    )
