"""``subalign dual`` and ``subalign retime``: arguments in, the run function, outputs out.

Registered in :mod:`subalign.cli.entry` with ``app.command("dual")(dual)`` and
``app.command("retime")(retime)``. The logic is in :mod:`subalign.subs.commands` (light to
import; the cue aligner and the model load when a command runs), so ``--help`` stays instant.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from subalign.cli.common import Model, NoCache, Out, SubsEncoding, check_outputs, emit_result
from subalign.cli.common import encoding_option, format_enum, format_option, lang_option, output_format, warn
from subalign.runs import REPORT
from subalign.subs.commands import TIMINGS, TOP_LANGUAGES, DualRequest, RetimeRequest, run_dual, run_retime

DualFormat = format_enum("dual")
RetimeFormat = format_enum("retime")
TopLang = Enum("TopLang", {name: name for name in TOP_LANGUAGES}, type=str)
Timing = Enum("Timing", {name: name for name in TIMINGS}, type=str)
ReportFile = Annotated[Optional[Path], typer.Option("--report", help="Also write the JSON link report (links, unlinked cues or lines) here.")]


def dual(
    a: Path = typer.Argument(..., help="First subtitle track (SRT, WebVTT, ASS/SSA); its timing is used by default."),
    b: Path = typer.Argument(..., help="Second subtitle track of the same film, in the other language."),
    out: Out = None,
    fmt: Optional[DualFormat] = format_option("dual", DualRequest.format),
    top: TopLang = typer.Option(DualRequest.top, "--top", help="Language shown on the top line."),
    timing: Timing = typer.Option(DualRequest.timing, "--timing", help="Cue times from track a, track b, or the union of both."),
    max_zh: int = typer.Option(DualRequest.max_width_zh, "--max-width-zh", help="Maximum Chinese line width in columns (a Chinese character counts 2)."),
    max_en: int = typer.Option(DualRequest.max_width_en, "--max-width-en", help="Maximum English line width in columns."),
    report: ReportFile = None,
    model: Model = DualRequest.model,
    max_align: int = typer.Option(DualRequest.max_align, "--max-align", help="Largest link: m+n cues (2..8)."),
    time_weight: float = typer.Option(DualRequest.time_weight, "--time-weight", help="Weight of time overlap against meaning (0: meaning only)."),
    a_lang: Optional[str] = lang_option("--a-lang", "Language of track a (default: detected)."),
    b_lang: Optional[str] = lang_option("--b-lang", "Language of track b (default: detected)."),
    a_encoding: Optional[str] = encoding_option("--a-encoding", "track a"),
    b_encoding: Optional[str] = encoding_option("--b-encoding", "track b"),
    no_cache: NoCache = not DualRequest.cache,
) -> None:
    """Merge two subtitle tracks into one dual-language track, aligning cues by meaning and time."""
    request = DualRequest(
        a, b, top=top.value, timing=timing.value, max_width_zh=max_zh, max_width_en=max_en, report=report is not None,
        model=model, max_align=max_align, time_weight=time_weight, a_lang=a_lang, b_lang=b_lang,
        a_encoding=a_encoding, b_encoding=b_encoding, cache=not no_cache,
    )
    request.validate()
    check_outputs([out, report], [a, b])
    request.format = output_format("dual", out, fmt.value if fmt is not None else None, request.format)
    emit_result(run_dual(request, warn=warn), out, [a, b], {REPORT: report})


def retime(
    text: Path = typer.Argument(..., help="The translation: one sentence or line per line, no timings."),
    subs: Path = typer.Argument(..., help="The timed subtitles in the other language (SRT, WebVTT, ASS/SSA)."),
    out: Out = None,
    fmt: Optional[RetimeFormat] = format_option("retime", RetimeRequest.format),
    report: ReportFile = None,
    model: Model = RetimeRequest.model,
    max_align: int = typer.Option(RetimeRequest.max_align, "--max-align", help="Largest link: m+n lines/cues (2..8)."),
    lang: Optional[str] = lang_option("--lang", "Language of the translation (default: detected)."),
    encoding: Optional[str] = encoding_option("--encoding", "the translation"),
    subs_encoding: SubsEncoding = None,
    no_cache: NoCache = not RetimeRequest.cache,
) -> None:
    """Give an untimed translation the timing of the film's subtitles in the other language."""
    request = RetimeRequest(
        text, subs, report=report is not None, model=model, max_align=max_align, lang=lang, encoding=encoding,
        subs_encoding=subs_encoding, cache=not no_cache,
    )
    request.validate()
    check_outputs([out, report], [text, subs])
    request.format = output_format("retime", out, fmt.value if fmt is not None else None, request.format)
    emit_result(run_retime(request, warn=warn), out, [text, subs], {REPORT: report})
