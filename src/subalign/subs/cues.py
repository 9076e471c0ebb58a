"""Cue timestamps and cue text, shared by the readers, the SRT repair and the writers.

Timestamps are tolerant (full-width digits, ``,5`` meaning 500 ms, missing hours);
``Cue.plain`` is a matching key only: tags stripped, whitespace collapsed,
full-width ASCII folded to half-width.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable
from html import unescape
from typing import Any

from subalign.errors import SubalignError
from subalign.types import Cue

__all__ = [
    "ASS_BREAK",
    "FORMAT_NAMES",
    "INTEGER_LINE",
    "MAX_CUE_MS",
    "MAX_TIME_MS",
    "SUBTITLE_EXTENSIONS",
    "TAG",
    "TIMING_FOLD",
    "TIMING_LINE",
    "check_times",
    "finish_cues",
    "format_timestamp",
    "parse_timestamp",
    "plain_lines",
    "plain_text",
    "text_from_lines",
    "timing_line",
    "vtt_timestamp",
]

log = logging.getLogger("subalign.subs")  # one logger for the readers, the repair and the writers

PathLike = str | os.PathLike
Warn = Callable[[str], Any]

#: Subtitle file extensions and the format each one means.
SUBTITLE_EXTENSIONS = {".srt": "srt", ".vtt": "vtt", ".webvtt": "vtt", ".ass": "ass", ".ssa": "ssa"}
#: Format names a caller may pass (``--format``), and the format each one means.
FORMAT_NAMES = {"srt": "srt", "subrip": "srt", "vtt": "vtt", "webvtt": "vtt", "ass": "ass", "ssa": "ssa"}

# ----------------------------------------------------------------------------- timestamps

# Timing lines typed with a Chinese IME come out as "００：０１：０２，５００ －－＞ ...":
# fold full-width ASCII (U+FF01-FF5E), the ideographic full stop and space to ASCII
# before matching.  Used on timing-line candidates only, never on cue text.
TIMING_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3002: ord("."), 0x3000: ord(" ")}

_TS = r"\d+(?::\d+){1,3}(?:[.,]\d+)?"
_ARROW = r"(?:[-–—]{1,3}\s?>|→)"
TIMING_LINE = re.compile(rf"\s*(?P<start>{_TS})\s*{_ARROW}\s*(?P<end>{_TS})(?P<rest>\s.*)?")
# A line meant as a timing line that TIMING_LINE cannot read: an error, not cue text.
_LOOKS_TIMING = re.compile(r"\s*\d+\s*:\s*\d+.*(?:->|→)|.*-->.*\d+\s*:\s*\d+|.*\d+\s*:\s*\d+.*-->")
#: A cue-number line.
INTEGER_LINE = re.compile(r"\s*-?\d+\s*")


def _ts_ms(ts: str) -> int:
    """Milliseconds of a folded timestamp; ValueError says what is wrong.

    Accepts ``H:MM:SS,mmm``, ``.`` for ``,``, ``MM:SS,mmm`` (no hours), ``:``
    before the milliseconds (``00:01:02:500``), and 1-2 digit fractions read as
    fractions of a second (``,5`` = 500 ms, ``,05`` = 50 ms), as players do.
    """
    m = re.fullmatch(r"(\d+(?::\d+){1,3})(?:[.,](\d+))?", ts)
    if m is None:
        raise ValueError("expected HH:MM:SS,mmm")
    fields = m[1].split(":")
    frac = m[2]
    if frac is None and len(fields) >= 3 and (len(fields) == 4 or len(fields[-1]) == 3):
        frac = fields.pop()
    if len(fields) > 3:
        raise ValueError("too many fields")
    hours = int(fields[0]) if len(fields) == 3 else 0
    minutes, seconds = int(fields[-2]), int(fields[-1])
    if seconds > 59:
        raise ValueError(f"seconds {seconds} > 59")
    if len(fields) == 3 and minutes > 59:
        raise ValueError(f"minutes {minutes} > 59")
    millis = int(frac[:3].ljust(3, "0")) if frac else 0
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def parse_timestamp(s: str) -> int:
    """``"00:01:02,500"`` → 62500, tolerating the damaged forms real SRT files contain.

    Full-width digits and ``：，．``, ``.`` for ``,``, missing hours, ``:`` before
    the milliseconds, and 1-2 digit milliseconds (``,5`` = 500 ms).

    >>> parse_timestamp("00:01:02,500"), parse_timestamp("１:０２.5"), parse_timestamp("00:01:02:500")
    (62500, 62500, 62500)
    """
    try:
        return _ts_ms(s.translate(TIMING_FOLD).strip())
    except ValueError as e:
        raise SubalignError(f"invalid timestamp {s!r}: {e}") from None


def format_timestamp(ms: int) -> str:
    """62500 → ``"00:01:02,500"`` (SRT form; hours grow past two digits if needed).

    >>> format_timestamp(62500), format_timestamp(100 * 3_600_000)
    ('00:01:02,500', '100:00:00,000')
    """
    if ms < 0:
        raise ValueError(f"negative time {ms} ms")
    hours, rest = divmod(int(ms), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d},{millis:03d}"


def vtt_timestamp(ms: int) -> str:
    """62500 → ``"00:01:02.500"`` (WebVTT form)."""
    return format_timestamp(ms).replace(",", ".")


def timing_line(line: str, lineno: int, name: str) -> tuple[int, int, str] | None:
    """``(start, end, rest)`` if *line* is a timing line, None if it is text; raises if it is a broken one."""
    folded = line.translate(TIMING_FOLD)
    m = TIMING_LINE.fullmatch(folded)
    if m is None:
        if _LOOKS_TIMING.match(folded):
            raise SubalignError(
                f"{name}: line {lineno}: cannot read the timing line {line.strip()!r} "
                "(expected '00:01:02,500 --> 00:01:04,000')"
            )
        return None
    times = []
    for which in ("start", "end"):
        try:
            times.append(_ts_ms(m[which]))
        except ValueError as e:
            raise SubalignError(f"{name}: line {lineno}: bad {which} time {m[which]!r} ({e})") from None
    return times[0], times[1], m["rest"] or ""


#: No film runs two days: a cue past this is a damaged timestamp (``999999:00:00,000``).
MAX_TIME_MS = 48 * 3_600_000
#: No subtitle stays on screen for an hour: a longer cue is a damaged end time.
MAX_CUE_MS = 3_600_000


def check_times(name: str, lineno: int | None, number: int, start: int, end: int) -> None:
    """A one-line error naming the cue when its times cannot be those of a real cue."""
    where = f"{name}: line {lineno}: " if lineno else f"{name}: "
    times = f"({format_timestamp(start)} --> {format_timestamp(end)})"
    if end < start:
        raise SubalignError(f"{where}cue {number} ends before it starts {times}")
    if end > MAX_TIME_MS:
        raise SubalignError(f"{where}cue {number} is past 48 hours {times}: a damaged timestamp?")
    if end - start > MAX_CUE_MS:
        raise SubalignError(f"{where}cue {number} lasts over an hour {times}: a damaged timestamp?")


# ----------------------------------------------------------------------------- plain text

# Full-width forms that Chinese text uses as its own punctuation stay as they are;
# the rest of U+FF01-FF5E (letters, digits, ＃％＆＋－／＝＠ ...) folds to ASCII.
_CHINESE_PUNCT = "！（），：；？～"
_PLAIN_FOLD: dict[int, int | None] = {
    c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if chr(c) not in _CHINESE_PUNCT
} | dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"), None)

# Ruby annotation, not dialogue.  The body may not run past another <rt>, so a
# text full of unclosed <rt> costs one scan, not one scan per tag.
_RUBY_TEXT = re.compile(r"<rt\b[^<>]*>(?:(?!</?rt\b).)*</rt\s*>", re.IGNORECASE | re.DOTALL)
ASS_BREAK = re.compile(r"\\[Nn]")
_ASS_OVERRIDE = re.compile(r"\{[^{}\n]*\}")
# HTML-ish tags (<i>, <font ...>, VTT <c.x>, <v Speaker>, <lang zh>) and VTT inline timestamps.
TAG = re.compile(r"</?[A-Za-z][^<>\n]*>|<\d+(?::\d+)+(?:[.,]\d+)?>")
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def plain_lines(text: str) -> list[str]:
    """The visible lines of cue *text*: markup removed, whitespace collapsed, empty lines dropped."""
    t = _RUBY_TEXT.sub("", text).replace("\\h", " ")
    t = ASS_BREAK.sub("\n", t)
    t = TAG.sub("", _ASS_OVERRIDE.sub("", t))
    t = _ENTITY.sub(lambda m: unescape(m[0]), t).translate(_PLAIN_FOLD)
    return [line for line in (" ".join(raw.split()) for raw in t.split("\n")) if line]


def plain_text(text: str) -> str:
    """The matching key ``Cue.plain`` for cue *text* (never shown to users).

    >>> plain_text("<i>Ｗｏｒｋｅｒｓ</i>  went\\\\Non {\\\\an8}strike &amp; left")
    'Workers went on strike & left'
    """
    return " ".join(plain_lines(text))


def finish_cues(raw: Iterable[tuple[int, int, int, str]], name: str, warn: Warn | None = None) -> list[Cue]:
    """Cues from ``(number, start, end, text)`` in time order, dropping those with nothing visible.

    Players show cues by time, not by their place in the file, and every
    matcher walks cues in time order; a file written out of order is sorted
    (stably by start, so overlapping cues keep their file order) with one
    warning naming the first cue out of place.
    """
    raw = list(raw)
    late = next((k for k in range(1, len(raw)) if raw[k][1] < raw[k - 1][1]), None)
    if late is not None:
        prev, cur = raw[late - 1], raw[late]
        (warn or log.warning)(
            f"{name}: cues are not in time order (cue {cur[0]} at {format_timestamp(cur[1])} comes after "
            f"cue {prev[0]} at {format_timestamp(prev[1])}); they are used sorted by start time"
        )
        raw.sort(key=lambda r: r[1])
    cues: list[Cue] = []
    for number, start, end, text in raw:
        plain = plain_text(text)
        if plain:
            cues.append(Cue(number, len(cues), start, end, text, plain))
    if not cues:
        raise SubalignError(f"{name}: no subtitle cue has any text")
    return cues


def text_from_lines(lines: Iterable[str]) -> str:
    """Cue text from its lines as a reader found them: stripped, empty ones dropped, joined by ``\\n``."""
    return "\n".join(s for s in (line.strip() for line in lines) if s)
