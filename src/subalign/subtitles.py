"""Subtitles (SRT, WebVTT, ASS/SSA) as lists of :class:`~subalign.types.Cue`.

Reading is tolerant because real subtitle files are damaged in predictable
ways; whatever cannot be repaired is a one-line
:class:`~subalign.types.SubalignError` naming the file and the line.

- SRT: a hand-written line-based repair pass (:func:`repair_srt`), then
  ``srt.parse`` on each repaired cue.
- WebVTT: ``webvtt-py`` (pysubs2's VTT reader glues ``NOTE`` blocks and
  non-numeric cue identifiers into the previous cue's text and turns karaoke
  lines with two inline ``<00:00:02.000>`` timestamps into bogus cues).
- ASS/SSA: ``pysubs2``.

``Cue.text`` keeps the markup as written (lines joined by ``\\n``);
``Cue.plain`` is a matching key only: tags stripped, whitespace collapsed,
full-width ASCII letters/digits/symbols folded to half-width.

Cues come in time order (stable by start, overlapping cues kept) with one
warning when the file was out of order; a cue past 48 hours or lasting over an
hour is a damaged timestamp and an error naming the cue.

Writers return strings; callers write them with :func:`subalign.textio.atomic_write`.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from html import unescape
from pathlib import Path
from typing import Any

from .cjk import is_han
from .langid import normalize_lang
from .textio import read_text
from .types import Cue, SubalignError

__all__ = [
    "DUAL_STYLES",
    "AssEvent",
    "cues_for_language",
    "format_timestamp",
    "parse_subtitles",
    "parse_timestamp",
    "plain_text",
    "read_subtitles",
    "repair_srt",
    "sniff_format",
    "split_bilingual",
    "write_ass",
    "write_srt",
    "write_vtt",
]

log = logging.getLogger(__name__)

PathLike = str | os.PathLike
Warn = Callable[[str], Any]

_EXTENSIONS = {".srt": "srt", ".vtt": "vtt", ".webvtt": "vtt", ".ass": "ass", ".ssa": "ssa"}
_FORMAT_NAMES = {"srt": "srt", "subrip": "srt", "vtt": "vtt", "webvtt": "vtt", "ass": "ass", "ssa": "ssa"}

# ----------------------------------------------------------------------------- timestamps

# Timing lines typed with a Chinese IME come out as "００：０１：０２，５００ －－＞ ...":
# fold full-width ASCII (U+FF01-FF5E), the ideographic full stop and space to ASCII
# before matching.  Used on timing-line candidates only, never on cue text.
_TIMING_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3002: ord("."), 0x3000: ord(" ")}

_TS = r"\d+(?::\d+){1,3}(?:[.,]\d+)?"
_ARROW = r"(?:[-–—]{1,3}\s?>|→)"
_TIMING = re.compile(rf"\s*(?P<start>{_TS})\s*{_ARROW}\s*(?P<end>{_TS})(?P<rest>\s.*)?")
# A line meant as a timing line that _TIMING cannot read: an error, not cue text.
_LOOKS_TIMING = re.compile(r"\s*\d+\s*:\s*\d+.*(?:->|→)|.*-->.*\d+\s*:\s*\d+|.*\d+\s*:\s*\d+.*-->")
_INTEGER = re.compile(r"\s*-?\d+\s*")


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
    """
    try:
        return _ts_ms(s.translate(_TIMING_FOLD).strip())
    except ValueError as e:
        raise SubalignError(f"invalid timestamp {s!r}: {e}") from None


def format_timestamp(ms: int) -> str:
    """62500 → ``"00:01:02,500"`` (SRT form; hours grow past two digits if needed)."""
    if ms < 0:
        raise ValueError(f"negative time {ms} ms")
    hours, rest = divmod(int(ms), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d},{millis:03d}"


def _vtt_timestamp(ms: int) -> str:
    return format_timestamp(ms).replace(",", ".")


def _timing(line: str, lineno: int, name: str) -> tuple[int, int, str] | None:
    """``(start, end, rest)`` if *line* is a timing line, None if it is text; raises if it is a broken one."""
    folded = line.translate(_TIMING_FOLD)
    m = _TIMING.fullmatch(folded)
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


def _check_times(name: str, lineno: int | None, number: int, start: int, end: int) -> None:
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
_ASS_BREAK = re.compile(r"\\[Nn]")
_ASS_OVERRIDE = re.compile(r"\{[^{}\n]*\}")
# HTML-ish tags (<i>, <font ...>, VTT <c.x>, <v Speaker>, <lang zh>) and VTT inline timestamps.
_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>|<\d+(?::\d+)+(?:[.,]\d+)?>")
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def _plain_lines(text: str) -> list[str]:
    """The visible lines of cue *text*: markup removed, whitespace collapsed, empty lines dropped."""
    t = _RUBY_TEXT.sub("", text).replace("\\h", " ")
    t = _ASS_BREAK.sub("\n", t)
    t = _TAG.sub("", _ASS_OVERRIDE.sub("", t))
    t = _ENTITY.sub(lambda m: unescape(m[0]), t).translate(_PLAIN_FOLD)
    return [line for line in (" ".join(raw.split()) for raw in t.split("\n")) if line]


def plain_text(text: str) -> str:
    """The matching key ``Cue.plain`` for cue *text* (never shown to users)."""
    return " ".join(_plain_lines(text))


def _finish(raw: Iterable[tuple[int, int, int, str]], name: str, warn: Warn | None = None) -> list[Cue]:
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


def _text_lines(lines: Iterable[str]) -> str:
    return "\n".join(s for s in (line.strip() for line in lines) if s)


# ----------------------------------------------------------------------------- reading


def read_subtitles(
    path: PathLike, encoding: str | None = None, fmt: str | None = None, warn: Warn | None = None
) -> list[Cue]:
    """Read an SRT, WebVTT or ASS/SSA file; cues come in time order.

    The format is *fmt*, else the extension, else sniffed from the content.
    Decoding (BOMs, UTF-16, GB18030, Big5 ...) is :func:`read_text`'s.
    *warn* receives one-line warnings (cues out of order, trailing garbage);
    by default they go to this module's logger.
    """
    name = str(path)
    kind = _format_name(fmt) if fmt else _EXTENSIONS.get(Path(path).suffix.lower())
    text, _ = read_text(path, encoding)
    kind = kind or sniff_format(text)
    if kind is None:
        raise SubalignError(
            f"{name}: cannot tell the subtitle format (not SRT, WebVTT or ASS/SSA); pass it explicitly"
        )
    return parse_subtitles(text, kind, name=name, warn=warn)


def parse_subtitles(text: str, fmt: str, name: str = "<subtitles>", warn: Warn | None = None) -> list[Cue]:
    """Parse decoded subtitle *text* in format *fmt* (``srt``, ``vtt``, ``ass``, ``ssa``).

    Cues come sorted by start time (see :func:`_finish`); a cue past 48 hours,
    lasting over an hour or ending before it starts is an error naming it.
    """
    kind = _format_name(fmt)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if kind == "srt":
        return _parse_srt(text, name, warn)
    if kind == "vtt":
        return _parse_vtt(text, name, warn)
    return _parse_ass(text, kind, name)


def _format_name(fmt: str) -> str:
    kind = _FORMAT_NAMES.get(fmt.strip().lower().lstrip("."))
    if kind is None:
        raise SubalignError(f"unknown subtitle format {fmt!r} (expected srt, vtt, ass or ssa)")
    return kind


def sniff_format(text: str) -> str | None:
    """``srt``/``vtt``/``ass``/``ssa`` judged from the content, or None."""
    head = text.lstrip("\ufeff \t\n")
    if head.startswith("WEBVTT"):
        return "vtt"
    if re.search(r"^\s*\[(Script Info|V4\+? Styles|Events)\]", text, re.MULTILINE | re.IGNORECASE):
        return "ass" if re.search(r"v4\.00\+|\[V4\+ Styles\]", text, re.IGNORECASE) else "ssa"
    if any(_TIMING.fullmatch(line.translate(_TIMING_FOLD)) for line in text.split("\n")):
        return "srt"
    return None


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


def _parse_srt(text: str, name: str, warn: Warn | None = None) -> list[Cue]:
    import srt

    ms = timedelta(milliseconds=1)
    out: list[tuple[int, int, int, str]] = []
    for r in _scan_srt(text, name, warn):
        if not r.text:
            continue
        # One block at a time: srt's regex ends a cue's text early at any line pair that
        # looks like "index\ntimestamp" ("3" then "2019.3.8"), which would swallow the
        # rest of the file; the scanned cue is kept when srt reads its block differently.
        try:
            parsed = list(srt.parse(_canonical_srt([r])))
        except srt.SRTParseError:
            parsed = []
        if len(parsed) == 1 and (parsed[0].index, parsed[0].content) == (r.number, r.text):
            p = parsed[0]
            out.append((p.index, p.start // ms, p.end // ms, p.content))
        else:
            log.debug("%s: line %d: srt splits this cue differently; kept as scanned", name, r.line)
            out.append((r.number, r.start_ms, r.end_ms, r.text))
    return _finish(out, name, warn)


# ----------------------------------------------------------------------------- WebVTT


def _parse_vtt(text: str, name: str, warn: Warn | None = None) -> list[Cue]:
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    lines = text.split("\n")
    timing_lines: list[tuple[int, int, int]] = []  # (line number, start, end)
    for i, line in enumerate(lines):
        t = _timing(line, i + 1, name)
        if t is not None:
            start, end, rest = t
            # Rewrite tolerated forms (",500", no hours, full-width) so webvtt-py reads them.
            lines[i] = f"{_vtt_timestamp(start)} --> {_vtt_timestamp(end)}{rest}"
            timing_lines.append((i + 1, start, end))
    if not timing_lines:
        raise SubalignError(
            f"{name}: no WebVTT timing line such as '00:00:01.000 --> 00:00:04.000' in the file"
        )
    if not lines[0].startswith("WEBVTT"):  # a missing header is harmless; add it
        lines[:0] = ["WEBVTT", ""]
    try:
        captions = webvtt.from_string("\n".join(lines)).captions
    except (MalformedFileError, MalformedCaptionError, ValueError) as e:
        raise SubalignError(f"{name}: cannot read as WebVTT: {e}") from None

    raw: list[tuple[int, int, int, str]] = []
    last_number = 0
    for k, cap in enumerate(captions):
        start, end = cap.start_time.in_milliseconds(), cap.end_time.in_milliseconds()
        lineno = timing_lines[k][0] if k < len(timing_lines) else None
        if lineno is not None and timing_lines[k][1:] != (start, end):
            lineno = None
        ident = (cap.identifier or "").strip()
        number = int(ident) if _INTEGER.fullmatch(ident) else last_number + 1
        last_number = number
        _check_times(name, lineno, number, start, end)
        raw.append((number, start, end, _text_lines(cap.lines)))
    if len(captions) != len(timing_lines):
        got = {(c.start_time.in_milliseconds(), c.end_time.in_milliseconds()) for c in captions}
        lost = next((ln for ln, s, e in timing_lines if (s, e) not in got), timing_lines[-1][0])
        raise SubalignError(f"{name}: line {lost}: this WebVTT cue block cannot be read")
    return _finish(raw, name, warn)


# ----------------------------------------------------------------------------- ASS/SSA


def _ass_error_line(lines: Sequence[str], message: str) -> int | None:
    """The line holding the value pysubs2 complained about (its messages quote it)."""
    m = re.search(r"'([^']+)'", message)
    if m:
        for i, line in enumerate(lines):
            if m[1] in line and re.match(r"\s*(Dialogue|Comment|Style)\s*:", line):
                return i + 1
    return None


def _parse_ass(text: str, kind: str, name: str) -> list[Cue]:
    import pysubs2

    lines = text.split("\n")
    try:
        subs = pysubs2.SSAFile.from_string(text, format_=kind)
    except Exception as e:  # pysubs2 raises ValueError, KeyError, IndexError ... on damage
        where = _ass_error_line(lines, str(e))
        prefix = f"{name}: line {where}: " if where else f"{name}: "
        raise SubalignError(f"{prefix}cannot read as {kind.upper()}: {e}") from None
    event_lines = [i + 1 for i, line in enumerate(lines) if re.match(r"(Dialogue|Comment):", line)]
    if len(event_lines) != len(subs.events):
        event_lines = []
    raw: list[tuple[int, int, int, str]] = []
    # Cue numbers are the event's row in the file (what Aegisub shows), counting comments.
    for number, ev in enumerate(subs.events, 1):
        if not ev.is_text:  # comments and vector drawings
            continue
        lineno = event_lines[number - 1] if event_lines else None
        _check_times(name, lineno, number, ev.start, ev.end)
        raw.append((number, ev.start, ev.end, _text_lines(_ASS_BREAK.split(ev.text))))
    # ASS event order carries no meaning (files are often grouped by style): order by time.
    raw.sort(key=lambda r: (r[1], r[2]))
    return _finish(raw, name)


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
    for line in _plain_lines(cue.text):
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


# ----------------------------------------------------------------------------- writing


def write_srt(cues: Iterable[Cue], *, renumber: bool = False) -> str:
    """SRT text via ``srt.compose``: numbers as given, or 1, 2, ... with *renumber*.

    Cues are kept in the given order; cues with empty text are left out
    (an empty SRT cue is unreadable), and so are whitespace-only lines inside
    a cue: readers take a blank-looking line for the end of the cue.
    """
    import srt

    subs = [
        srt.Subtitle(
            index=i if renumber else cue.number,
            start=timedelta(milliseconds=cue.start_ms),
            end=timedelta(milliseconds=cue.end_ms),
            content="\n".join(line for line in cue.text.split("\n") if line.strip()),
        )
        for i, cue in enumerate((c for c in cues if c.text.strip()), 1)
    ]
    return srt.compose(subs, reindex=False)


_VTT_AMP = re.compile(r"&(?!(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)")
_VTT_LT = re.compile(r"<(?![/A-Za-z]|\d+(?::\d+)+(?:[.,]\d+)?>)")


def _vtt_escape(text: str) -> str:
    """Escape ``&``, stray ``<`` and ``-->`` that SRT allows but WebVTT does not; tags stay."""
    return _VTT_LT.sub("&lt;", _VTT_AMP.sub("&amp;", text)).replace("-->", "--&gt;")


def write_vtt(cues: Iterable[Cue]) -> str:
    """WebVTT text via pysubs2 (cues sorted by start, numbered 1, 2, ...).

    ASS ``{\\i1}``-style tags become ``<i>``; other ASS overrides are dropped.
    """
    import pysubs2

    subs = pysubs2.SSAFile()
    for cue in cues:
        if cue.text.strip():
            text = _vtt_escape(cue.text).replace("\n", "\\N")
            subs.append(pysubs2.SSAEvent(start=cue.start_ms, end=cue.end_ms, text=text))
    return subs.to_string("vtt")


@dataclass(frozen=True)
class AssEvent:
    """One ASS ``Dialogue`` line: *cue* shown in *style*.

    *line_styles* restyles single lines of ``cue.text`` (``None`` keeps the
    event's style) with ``{\\r<Style>}`` resets, so one event can show a Chinese
    line and a smaller English line below it.
    """

    cue: Cue
    style: str = "Default"
    line_styles: tuple[str | None, ...] = ()


#: A two-style preset for bilingual subtitles: Chinese on the bottom line, a
#: smaller English line above it (libass stacks colliding bottom events).
#: Pass your own dict to :func:`write_ass` for e.g. ``Top``/``Bottom`` styles
#: (``alignment`` 8 = top centre, 2 = bottom centre).
DUAL_STYLES: dict[str, dict[str, Any]] = {
    "Primary": {"fontname": "Noto Sans CJK SC", "fontsize": 64, "outline": 3, "shadow": 1, "marginv": 40},
    "Secondary": {
        "fontname": "Noto Sans",
        "fontsize": 44,
        "primarycolor": "#F0E6A0",
        "outline": 2,
        "shadow": 1,
        "marginv": 40,
    },
}

_HTML_TO_ASS = {"i": "\\i", "b": "\\b", "u": "\\u", "s": "\\s"}
_HTML_BASIC = re.compile(r"<\s*(/?)\s*([ibus])\s*>", re.IGNORECASE)


def _ass_line(line: str) -> str:
    """One line of cue text as ASS: ``<i>`` → ``{\\i1}``; other HTML/VTT tags dropped; ``{...}`` kept."""
    line = _HTML_BASIC.sub(lambda m: "{" + _HTML_TO_ASS[m[2].lower()] + ("0" if m[1] else "1") + "}", line)
    return _TAG.sub("", line)


def _ass_color(value: Any, style: str, key: str) -> Any:
    import pysubs2

    if isinstance(value, pysubs2.Color):
        return value
    if isinstance(value, tuple | list) and len(value) in (3, 4):
        return pysubs2.Color(*value)
    if isinstance(value, str):
        v = value.strip()
        if re.fullmatch(r"#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?", v):
            r, g, b = (int(v[i : i + 2], 16) for i in (1, 3, 5))
            return pysubs2.Color(r, g, b, int(v[7:9], 16) if len(v) == 9 else 0)
        if re.fullmatch(r"&H[0-9a-fA-F]{6,8}&?", v, re.IGNORECASE):
            n = int(v[2:].rstrip("&"), 16)
            return pysubs2.Color(n & 0xFF, (n >> 8) & 0xFF, (n >> 16) & 0xFF, (n >> 24) & 0xFF)
    raise ValueError(
        f"style {style!r}: {key} must be '#RRGGBB', '&HAABBGGRR' or an (r, g, b[, a]) tuple, not {value!r}"
    )


def _ass_style(name: str, spec: Mapping[str, Any]) -> Any:
    import pysubs2

    if not name or "," in name or "\n" in name:
        raise ValueError(f"invalid ASS style name {name!r}")
    fields = {f.name for f in dataclasses.fields(pysubs2.SSAStyle)}
    kwargs: dict[str, Any] = {}
    for key, value in spec.items():
        if key not in fields:
            raise ValueError(f"style {name!r}: unknown ASS style field {key!r}")
        if key.endswith("color"):
            value = _ass_color(value, name, key)
        elif key == "alignment":
            value = pysubs2.Alignment(int(value))
        kwargs[key] = value
    return pysubs2.SSAStyle(**kwargs)


def _ass_event(item: AssEvent | tuple | Cue) -> AssEvent:
    if isinstance(item, AssEvent):
        return item
    if isinstance(item, Cue):
        return AssEvent(item)
    cue, style, *rest = item
    return AssEvent(cue, style, tuple(rest[0]) if rest else ())


def write_ass(
    events: Iterable[AssEvent | tuple[Cue, str] | tuple[Cue, str, Sequence[str | None]] | Cue],
    styles: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    play_res: tuple[int, int] = (1920, 1080),
    title: str | None = None,
) -> str:
    """ASS text via pysubs2 with named *styles* (name → ``SSAStyle`` fields).

    *events* are :class:`AssEvent`, ``(cue, style)``, ``(cue, style, line_styles)``
    or bare cues (style ``Default``).  Style fields are pysubs2's (``fontname``,
    ``fontsize``, ``primarycolor`` as ``"#RRGGBB"``, ``alignment`` as a numpad
    digit, ``marginv`` ...).  Every style used must be defined; *styles*
    defaults to one ``Default`` style.  Events keep the given order.
    """
    import pysubs2

    styles = dict(styles) if styles else {"Default": {}}
    subs = pysubs2.SSAFile()
    subs.info.update(
        {"ScriptType": "v4.00+", "PlayResX": str(play_res[0]), "PlayResY": str(play_res[1]),
         "ScaledBorderAndShadow": "yes", "WrapStyle": "0"}
    )
    if title:
        subs.info["Title"] = title
    subs.styles = {name: _ass_style(name, spec) for name, spec in styles.items()}
    for item in events:
        ev = _ass_event(item)
        for used in (ev.style, *ev.line_styles):
            if used is not None and used not in styles:
                raise ValueError(f"ASS style {used!r} is not defined (have: {', '.join(styles)})")
        out: list[str] = []
        current = ev.style
        for i, line in enumerate(ev.cue.text.split("\n")):
            want = (ev.line_styles[i] if i < len(ev.line_styles) else None) or ev.style
            prefix = "" if want == current else ("{\\r}" if want == ev.style else "{\\r" + want + "}")
            current = want
            out.append(prefix + _ass_line(line))
        text = "\\N".join(out)
        subs.append(pysubs2.SSAEvent(start=ev.cue.start_ms, end=ev.cue.end_ms, style=ev.style, text=text))
    return subs.to_string("ass")
