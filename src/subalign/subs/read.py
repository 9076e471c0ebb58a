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

Writers return strings; callers write them with :func:`subalign.text.textio.atomic_write`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import pysubs2
import srt
import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from subalign.errors import SubalignError
from subalign.subs.cues import (
    ASS_BREAK,
    FORMAT_NAMES,
    INTEGER_LINE,
    SUBTITLE_EXTENSIONS,
    TIMING_FOLD,
    TIMING_LINE,
    PathLike,
    Warn,
    check_times,
    finish_cues,
    log,
    text_from_lines,
    timing_line,
    vtt_timestamp,
)
from subalign.subs.repair import canonical_srt, scan_srt
from subalign.text.textio import read_text
from subalign.types import Cue


# ----------------------------------------------------------------------------- reading


def read_subtitles(
    path: PathLike, encoding: str | None = None, fmt: str | None = None, warn: Warn | None = None
) -> list[Cue]:
    """Read an SRT, WebVTT or ASS/SSA file; cues come in time order.

    The format is *fmt*, else the extension, else sniffed from the content.
    Decoding (BOMs, UTF-16, GB18030, Big5 ...) is :func:`read_text`'s.
    *warn* receives one-line warnings (cues out of order, trailing garbage);
    by default they go to this module's logger.

    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp, "film.zh.srt")
    ...     _ = path.write_bytes("1\\n00:00:01,000 --> 00:00:03,500\\n工人罢工了。\\n".encode("gb18030"))
    ...     cues = read_subtitles(path)  # GB18030, detected
    >>> cues[0].start_ms, cues[0].text
    (1000, '工人罢工了。')
    """
    name = str(path)
    kind = _format_name(fmt) if fmt else SUBTITLE_EXTENSIONS.get(Path(path).suffix.lower())
    text, _ = read_text(path, encoding)
    kind = kind or sniff_format(text)
    if kind is None:
        raise SubalignError(
            f"{name}: cannot tell the subtitle format (not SRT, WebVTT or ASS/SSA); name it .srt, .vtt or .ass"
        )
    return parse_subtitles(text, kind, name=name, warn=warn)


def parse_subtitles(text: str, fmt: str, name: str = "<subtitles>", warn: Warn | None = None) -> list[Cue]:
    """Parse decoded subtitle *text* in format *fmt* (``srt``, ``vtt``, ``ass``, ``ssa``).

    Cues come sorted by start time (see :func:`finish_cues`); a cue past 48 hours,
    lasting over an hour or ending before it starts is an error naming it.

    >>> srt_text = ("1\\n00:00:01,000 --> 00:00:03,500\\n<i>Workers</i> went on strike.\\n\\n"
    ...             "2\\n00:00:04,000 --> 00:00:05,000\\n工人罢工了。\\n")
    >>> cues = parse_subtitles(srt_text, "srt")
    >>> cues[0]
    Cue(number=1, position=0, start_ms=1000, end_ms=3500, text='<i>Workers</i> went on strike.', plain='Workers went on strike.')
    >>> [(c.number, c.start_ms, c.plain) for c in parse_subtitles("WEBVTT\\n\\n00:04.000 --> 00:05.000\\nHi", "vtt")]
    [(1, 4000, 'Hi')]

    Damage that cannot be repaired is one error naming the line:

    >>> parse_subtitles("1\\n00:00:01,000 --> 00:00:0x,000\\nHi\\n", "srt", name="film.srt")
    Traceback (most recent call last):
    ...
    subalign.errors.SubalignError: film.srt: line 2: cannot read the timing line '00:00:01,000 --> 00:00:0x,000' (expected '00:01:02,500 --> 00:01:04,000')
    """
    kind = _format_name(fmt)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if kind == "srt":
        return _parse_srt(text, name, warn)
    if kind == "vtt":
        return _parse_vtt(text, name, warn)
    return _parse_ass(text, kind, name)


def _format_name(fmt: str) -> str:
    kind = FORMAT_NAMES.get(fmt.strip().lower().lstrip("."))
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
    if any(TIMING_LINE.fullmatch(line.translate(TIMING_FOLD)) for line in text.split("\n")):
        return "srt"
    return None


def _parse_srt(text: str, name: str, warn: Warn | None = None) -> list[Cue]:
    ms = timedelta(milliseconds=1)
    out: list[tuple[int, int, int, str]] = []
    for r in scan_srt(text, name, warn):
        if not r.text:
            continue
        # One block at a time: srt's regex ends a cue's text early at any line pair that
        # looks like "index\ntimestamp" ("3" then "2019.3.8"), which would swallow the
        # rest of the file; the scanned cue is kept when srt reads its block differently.
        try:
            parsed = list(srt.parse(canonical_srt([r])))
        except srt.SRTParseError:
            parsed = []
        if len(parsed) == 1 and (parsed[0].index, parsed[0].content) == (r.number, r.text):
            p = parsed[0]
            out.append((p.index, p.start // ms, p.end // ms, p.content))
        else:
            log.debug("%s: line %d: srt splits this cue differently; kept as scanned", name, r.line)
            out.append((r.number, r.start_ms, r.end_ms, r.text))
    return finish_cues(out, name, warn)


# ----------------------------------------------------------------------------- WebVTT


def _parse_vtt(text: str, name: str, warn: Warn | None = None) -> list[Cue]:
    lines = text.split("\n")
    timing_lines: list[tuple[int, int, int]] = []  # (line number, start, end)
    for i, line in enumerate(lines):
        t = timing_line(line, i + 1, name)
        if t is not None:
            start, end, rest = t
            # Rewrite tolerated forms (",500", no hours, full-width) so webvtt-py reads them.
            lines[i] = f"{vtt_timestamp(start)} --> {vtt_timestamp(end)}{rest}"
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
        number = int(ident) if INTEGER_LINE.fullmatch(ident) else last_number + 1
        last_number = number
        check_times(name, lineno, number, start, end)
        raw.append((number, start, end, text_from_lines(cap.lines)))
    if len(captions) != len(timing_lines):
        got = {(c.start_time.in_milliseconds(), c.end_time.in_milliseconds()) for c in captions}
        lost = next((ln for ln, s, e in timing_lines if (s, e) not in got), timing_lines[-1][0])
        raise SubalignError(f"{name}: line {lost}: this WebVTT cue block cannot be read")
    return finish_cues(raw, name, warn)


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
        check_times(name, lineno, number, ev.start, ev.end)
        raw.append((number, ev.start, ev.end, text_from_lines(ASS_BREAK.split(ev.text))))
    # ASS event order carries no meaning (files are often grouped by style): order by time.
    raw.sort(key=lambda r: (r[1], r[2]))
    return finish_cues(raw, name)
