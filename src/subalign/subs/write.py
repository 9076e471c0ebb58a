"""Writing subtitles: SRT, WebVTT and ASS (with the dual-language styles) as strings.

Writers return strings; callers write them with :func:`subalign.text.textio.atomic_write`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pysubs2
import srt

from subalign.subs.cues import TAG
from subalign.types import Cue


# ----------------------------------------------------------------------------- writing


def write_srt(cues: Iterable[Cue], *, renumber: bool = False) -> str:
    """SRT text via ``srt.compose``: numbers as given, or 1, 2, ... with *renumber*.

    Cues are kept in the given order; cues with empty text are left out
    (an empty SRT cue is unreadable), and so are whitespace-only lines inside
    a cue: readers take a blank-looking line for the end of the cue.

    >>> from subalign.types import Cue
    >>> print(write_srt([Cue(7, 0, 1000, 3500, "工人罢工了。\\nWorkers went on strike.", "")], renumber=True))
    1
    00:00:01,000 --> 00:00:03,500
    工人罢工了。
    Workers went on strike.
    <BLANKLINE>
    """
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
    return TAG.sub("", line)


def _ass_color(value: Any, style: str, key: str) -> Any:
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
