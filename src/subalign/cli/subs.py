"""``subalign dual`` and ``subalign retime`` as plain typer-annotated functions.

Registered in :mod:`subalign.cli.entry` with ``app.command("dual")(dual)`` and
``app.command("retime")(retime)``.  Only typer, pathlib, typing and enum are
imported here; the heavy modules are imported inside the functions.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from subalign.cli.common import _check_outputs, _emit, _finite, _language, _output_format, _warn


class DualFormat(str, Enum):
    srt = "srt"
    ass = "ass"
    vtt = "vtt"
    json = "json"


class TopLang(str, Enum):
    zh = "zh"
    en = "en"


class Timing(str, Enum):
    a = "a"
    b = "b"
    union = "union"


def _prepare(task: str, out: Optional[Path], report: Optional[Path], fmt: Optional[Enum], inputs: list[Path],
             floats: dict[str, float], langs: dict[str, Optional[str]]) -> str:
    """Every check that needs no input read: options, languages, outputs; returns the output format."""
    for flag, value in floats.items():
        _finite(flag, value)
    for flag, code in langs.items():
        _language(flag, code)
    _check_outputs([out, report], inputs)
    return _output_format(task, out, fmt.value if fmt is not None else None, "srt")


def _list_cues(label: str, numbers: list[int], limit: int = 20) -> str:
    shown = ", ".join(map(str, numbers[:limit]))
    more = f" … (+{len(numbers) - limit})" if len(numbers) > limit else ""
    return f"{label}: {shown}{more}"


def dual(
    a: Path = typer.Argument(..., help="First subtitle track (SRT, WebVTT, ASS/SSA); its timing is used by default."),
    b: Path = typer.Argument(..., help="Second subtitle track of the same film, in the other language."),
    out: Optional[Path] = typer.Option(None, "-o", "--out", help="Output file (default: stdout)."),
    fmt: Optional[DualFormat] = typer.Option(None, "--format", "-f", help="srt, ass, vtt or json (default: from -o's extension, else srt)."),
    top: TopLang = typer.Option(TopLang.zh, "--top", help="Language shown on the top line."),
    timing: Timing = typer.Option(Timing.a, "--timing", help="Cue times from track a, track b, or the union of both."),
    max_zh: int = typer.Option(32, "--max-width-zh", help="Maximum Chinese line width in columns (a Chinese character counts 2)."),
    max_en: int = typer.Option(42, "--max-width-en", help="Maximum English line width in columns."),
    report: Optional[Path] = typer.Option(None, "--report", help="Also write the JSON link report (links, offset, drift, unmatched cues) here."),
    model: str = typer.Option("use-m3", "--model", "-m", help="use-m3, e5-small, a+b ensemble, a model folder or a cached hub name."),
    max_align: int = typer.Option(4, "--max-align", help="Largest link: m+n cues (2..8)."),
    time_weight: float = typer.Option(0.6, "--time-weight", help="Weight of time overlap against meaning (0: meaning only)."),
    a_lang: Optional[str] = typer.Option(None, "--a-lang", help="Language of track a (default: detected)."),
    b_lang: Optional[str] = typer.Option(None, "--b-lang", help="Language of track b (default: detected)."),
    a_encoding: Optional[str] = typer.Option(None, "--a-encoding", help="Encoding of track a (default: detected)."),
    b_encoding: Optional[str] = typer.Option(None, "--b-encoding", help="Encoding of track b (default: detected)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the embedding cache."),
) -> None:
    """Merge two subtitle tracks into one dual-language track, aligning cues by meaning and time."""
    from subalign.errors import SubalignError

    if max_zh < 2 or max_en < 2:
        raise SubalignError("--max-width-zh and --max-width-en must be at least 2")
    form = _prepare("dual", out, report, fmt, [a, b], {"--time-weight": time_weight},
                    {"--a-lang": a_lang, "--b-lang": b_lang})
    if time_weight < 0:
        raise SubalignError(f"--time-weight must not be negative, got {time_weight}")

    from subalign.subs import dual as d
    from subalign.encoders import load_encoder
    from subalign.text.langid import normalize_lang
    from subalign.subs.read import read_subtitles

    cues_a = read_subtitles(a, encoding=a_encoding, warn=_warn)
    cues_b = read_subtitles(b, encoding=b_encoding, warn=_warn)
    opts = d.DualOptions(max_align=max_align, time_weight=time_weight)
    opts.bead_types()
    encoder = load_encoder(model, cache=not no_cache)
    result = d.align_cues(
        cues_a, cues_b, encoder, opts,
        lang_a=normalize_lang(a_lang) if a_lang else None,
        lang_b=normalize_lang(b_lang) if b_lang else None,
    )
    if result.lang_a == result.lang_b:
        _warn(f"{a} and {b} both look like {result.lang_a}; expected two languages (set --a-lang/--b-lang)")
    info = {"a": str(a), "b": str(b), "model": model}
    if form == "json":
        _emit(d.result_json(result, info), out, [a, b])
    else:
        merged = d.merge_cues(result, top=top.value, timing=timing.value, max_width={"zh": max_zh, "en": max_en})
        _emit(d.write_dual(merged, form, top_lang=top.value), out, [a, b])
    if report is not None:
        from subalign.text.textio import atomic_write

        atomic_write(report, d.result_json(result, info), inputs=[a, b] + ([out] if out else []))
        typer.echo(f"subalign: wrote {report}", err=True)
    typer.echo(f"subalign: {d.summary(result)}", err=True)
    weak = [lk for lk in result.links if lk.a and lk.b and lk.overlap < 0.2]
    if result.unmatched_a:
        typer.echo("subalign: " + _list_cues(f"{a.name}: cues without a counterpart", [c.number for c in result.unmatched_a]), err=True)
    if result.unmatched_b:
        typer.echo("subalign: " + _list_cues(f"{b.name}: cues without a counterpart", [c.number for c in result.unmatched_b]), err=True)
    if weak:
        _warn(f"{len(weak)} link(s) barely overlap in time after the offset/drift correction; review them (--report)")


class RetimeFormat(str, Enum):
    srt = "srt"
    vtt = "vtt"
    json = "json"


def retime(
    text: Path = typer.Argument(..., help="The translation: one sentence or line per line, no timings."),
    subs: Path = typer.Argument(..., help="The timed subtitles in the other language (SRT, WebVTT, ASS/SSA)."),
    out: Optional[Path] = typer.Option(None, "-o", "--out", help="Output subtitle file (default: stdout)."),
    fmt: Optional[RetimeFormat] = typer.Option(None, "--format", "-f", help="srt, vtt or json (default: from -o's extension, else srt)."),
    report: Optional[Path] = typer.Option(None, "--report", help="Also write a JSON report (links, unlinked lines and cues) here."),
    model: str = typer.Option("use-m3", "--model", "-m", help="use-m3, e5-small, a+b ensemble, a model folder or a cached hub name."),
    max_align: int = typer.Option(5, "--max-align", help="Largest link: m+n lines/cues (2..8)."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Language of the translation (default: detected)."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Encoding of the translation (default: detected)."),
    subs_encoding: Optional[str] = typer.Option(None, "--subs-encoding", help="Encoding of the subtitles (default: detected)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the embedding cache."),
) -> None:
    """Give an untimed translation the timing of the film's subtitles in the other language."""
    from subalign.errors import SubalignError

    form = _prepare("retime", out, report, fmt, [text, subs], {}, {"--lang": lang})
    from subalign.subs import retime as rt
    from subalign.encoders import load_encoder
    from subalign.subs.read import read_subtitles
    from subalign.subs.write import write_srt, write_vtt
    from subalign.text.textio import read_text

    body, _ = read_text(text, encoding)
    lines = rt.translation_lines(body)
    if not lines:
        raise SubalignError(f"{text}: the translation has no lines")
    cues = read_subtitles(subs, encoding=subs_encoding, warn=_warn)
    from subalign.subs.retime import same_language  # lazy: retime loads numpy; keeps --help fast

    same = same_language(lines, cues, lang)
    if same:
        _warn(f"{text} and {subs} both look like {same}; expected a translation in the other language (set --lang)")
    encoder = load_encoder(model, cache=not no_cache)
    result = rt.retime(lines, cues, encoder, max_align=max_align, lang=lang)
    info = {"text": str(text), "subtitles": str(subs), "model": model}
    if form == "json":
        _emit(rt.result_json(result, info), out, [text, subs])
    else:
        writer = write_srt if form == "srt" else write_vtt
        timed = result.cues
        _emit(writer(timed, renumber=True) if form == "srt" else writer(timed), out, [text, subs])
    if report is not None:
        from subalign.text.textio import atomic_write

        atomic_write(report, rt.result_json(result, info), inputs=[text, subs] + ([out] if out else []))
        typer.echo(f"subalign: wrote {report}", err=True)
    typer.echo(f"subalign: {rt.summary(result)}", err=True)
    if result.unlinked_lines:
        _warn(_list_cues("translation lines without a cue (timed from their neighbours)", [k + 1 for k in result.unlinked_lines]))
    if result.untranslated_cues:
        _warn(_list_cues("cues without a translation line", [cues[j].number for j in result.untranslated_cues]))
