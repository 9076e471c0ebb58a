"""``subalign quotes`` and ``subalign find``: arguments in, the run function, outputs out.

Registered in :mod:`subalign.cli.entry`. The logic is in :mod:`subalign.quotes.commands`
(light to import; numpy and the encoders load when a command runs), so ``--help`` stays instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from subalign.batch.manifest import sidecar_path
from subalign.cli.common import Model, NoCache, SubsEncoding, check_outputs, emit_result, encoding_option
from subalign.cli.common import format_enum, format_option, lang_option, output_format, say, warn, write_stdout
from subalign.errors import SubalignError
from subalign.quotes.commands import FindRequest, QuotesRequest, run_find, run_quotes
from subalign.runs import MAIN, SIDECAR
from subalign.text.textio import writes_through

QuotesFormat = format_enum("quotes")
MaxCues = Annotated[int, typer.Option("--max-cues", help="Largest match, in consecutive cues.")]
MaxGap = Annotated[float, typer.Option("--max-gap", help="No match spans a pause longer than this (seconds).")]
Via = Annotated[Optional[Path], typer.Option("--via", help="The film's subtitles in the review's language: quotes are found there, then carried to SUBS through the dual alignment; both tracks' cues are reported.")]


def quotes(
    review: Path = typer.Argument(..., help="The review (text file) whose quotations are looked for."),
    subs: Path = typer.Argument(..., help="The film's subtitles (SRT, WebVTT, ASS/SSA; Chinese, English or both)."),
    out: Optional[Path] = typer.Option(None, "-o", "--out", help="Output file (default: stdout; required for srt)."),
    fmt: Optional[QuotesFormat] = format_option("quotes", QuotesRequest.format),
    model: Model = QuotesRequest.model,
    context: int = typer.Option(QuotesRequest.context, "--context", help="srt: also include N neighbouring cues on each side of a quote."),
    max_cues: MaxCues = QuotesRequest.max_cues,
    max_gap: MaxGap = QuotesRequest.max_gap,
    threshold: Optional[float] = typer.Option(QuotesRequest.threshold, "--threshold", help="Found when the score reaches this, instead of the fitted decision on the confidence."),
    min_confidence: Optional[float] = typer.Option(QuotesRequest.min_confidence, "--min-confidence", help="Found when the confidence (probability the place is right) reaches P (default: the fitted decision's limit)."),
    via: Via = QuotesRequest.via,
    order: bool = typer.Option(QuotesRequest.order, "--order/--no-order", help="When the quotes found follow the film, look for the others between them (across languages, 300+ cues, not with --threshold; a review out of film order is left as is)."),
    lang: Optional[str] = lang_option("--lang", "Override the review's language detection (e.g. en, zh)."),
    encoding: Optional[str] = encoding_option("--encoding", "the review"),
    subs_encoding: SubsEncoding = None,
    no_cache: NoCache = not QuotesRequest.cache,
) -> None:
    """Find where each quotation of a review is spoken in the film (cues, times, wording)."""
    request = QuotesRequest(
        review, subs, context=context, lang=lang, encoding=encoding, max_cues=max_cues, max_gap=max_gap,
        threshold=threshold, subs_encoding=subs_encoding, model=model, cache=not no_cache, via=via,
        min_confidence=min_confidence, order=order,
    )
    request.validate()
    inputs = [review, subs] + ([via] if via is not None else [])
    check_outputs([out], inputs)
    request.format = output_format("quotes", out, fmt.value if fmt else None, request.format)
    sidecar: Optional[Path] = None
    if request.format == "srt":
        if out is None or writes_through(out):
            raise SubalignError("--format srt needs -o OUT.srt, a file (a sidecar .json is written next to it)")
        sidecar = sidecar_path(out)
        check_outputs([out, sidecar], inputs)
        request.srt_name = out.name
    result = run_quotes(request, warn=warn)
    emit_result(result, out, inputs, {SIDECAR: sidecar})


def find(
    text: str = typer.Argument(..., help="The phrase to look for (any language, e.g. a paraphrase from a review)."),
    subs: Path = typer.Argument(..., help="The film's subtitles (SRT, WebVTT, ASS/SSA)."),
    top: int = typer.Option(FindRequest.top, "--top", "-n", help="How many places to show."),
    model: Model = FindRequest.model,
    max_cues: MaxCues = FindRequest.max_cues,
    max_gap: MaxGap = FindRequest.max_gap,
    threshold: Optional[float] = typer.Option(FindRequest.threshold, "--threshold", help="Score marking a hit as a match (default: the fitted decision on the confidence)."),
    min_confidence: Optional[float] = typer.Option(FindRequest.min_confidence, "--min-confidence", help="A hit is a match when its confidence reaches P (default: the fitted decision's limit)."),
    via: Via = FindRequest.via,
    subs_encoding: SubsEncoding = None,
    no_cache: NoCache = not FindRequest.cache,
) -> None:
    """Show the places in the film that best say TEXT, with cue numbers and times."""
    request = FindRequest(
        text, subs, top=top, max_cues=max_cues, max_gap=max_gap, threshold=threshold, subs_encoding=subs_encoding,
        model=model, cache=not no_cache, via=via, min_confidence=min_confidence,
    )
    result = run_find(request, warn=warn)
    write_stdout(result.outputs[MAIN])
    say(result.summary)
