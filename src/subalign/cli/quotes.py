"""``subalign quotes`` and ``subalign find``: plain typer-annotated functions.

Registered in :mod:`subalign.cli.entry`. Heavy modules are imported inside the functions
(numpy/torch behind them), so ``subalign --help`` stays instant.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from subalign.cli.common import _check_outputs, _emit, _language, _match_options, _output_format, _warn, _write_stdout
from subalign.errors import SubalignError


class QuotesFormat(str, Enum):
    tsv = "tsv"
    json = "json"
    srt = "srt"



def quotes(
    review: Path = typer.Argument(..., help="The review (text file) whose quotations are looked for."),
    subs: Path = typer.Argument(..., help="The film's subtitles (SRT, WebVTT, ASS/SSA; Chinese, English or both)."),
    out: Optional[Path] = typer.Option(None, "-o", "--out", help="Output file (default: stdout; required for srt)."),
    fmt: Optional[QuotesFormat] = typer.Option(None, "--format", "-f", help="tsv, json or srt (default: from -o's extension, else tsv)."),
    model: str = typer.Option("use-m3", "--model", "-m", help="use-m3, e5-small, a+b ensemble, a model folder or a cached hub name."),
    context: int = typer.Option(0, "--context", help="srt: also include N neighbouring cues on each side of a quote."),
    max_cues: int = typer.Option(4, "--max-cues", help="Largest match, in consecutive cues."),
    max_gap: float = typer.Option(5.0, "--max-gap", help="No match spans a pause longer than this (seconds)."),
    threshold: Optional[float] = typer.Option(None, "--threshold", help="Minimum score for 'found' (default: calibrated for the model)."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Override the review's language detection (e.g. en, zh)."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Encoding of the review (default: detected)."),
    subs_encoding: Optional[str] = typer.Option(None, "--subs-encoding", help="Encoding of the subtitles (default: detected)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the embedding cache."),
) -> None:
    """Find where each quotation of a review is spoken in the film (cues, times, wording)."""

    _match_options(max_cues, max_gap, threshold, context)
    _language("--lang", lang)
    _check_outputs([out], [review, subs])
    form = _output_format("quotes", out, fmt.value if fmt else None, "tsv")
    sidecar: Optional[Path] = None
    if form == "srt":
        from subalign.text.textio import writes_through

        if out is None or writes_through(out):
            raise SubalignError("--format srt needs -o OUT.srt, a file (a sidecar .json is written next to it)")
        sidecar = out.with_suffix(".json") if out.suffix.lower() != ".json" else out.with_name(out.name + ".map.json")
        _check_outputs([out, sidecar], [review, subs])

    from subalign.text.documents import load_document
    from subalign.quotes.extract import extract_quotes
    from subalign.subs.read import read_subtitles

    doc = load_document(review, lang=lang, encoding=encoding)
    cues = read_subtitles(subs, encoding=subs_encoding, warn=_warn)
    found_quotes = extract_quotes(doc)
    if not found_quotes:
        _warn(f"{review}: no quotations found in the review")

    from subalign.quotes import formats as qfmt
    from subalign.quotes import match as qf
    from subalign.encoders import load_encoder

    matches = []
    encoder = None
    if found_quotes:
        encoder = load_encoder(model, cache=not no_cache)
        matches = qf.find_quotes(
            found_quotes, cues, encoder, max_cues=max_cues, max_gap_s=max_gap,
            threshold=threshold if threshold is not None else qf.default_threshold(encoder),
        )
    if form == "tsv":
        _emit(qfmt.to_tsv(matches), out, [review, subs])
    elif form == "json":
        info = {
            "review": str(review),
            "subtitles": str(subs),
            "model": model,
            "threshold": threshold if threshold is not None else (qf.default_threshold(encoder) if encoder else None),
            "max_cues": max_cues,
            "max_gap_s": max_gap,
        }
        _emit(qfmt.to_json(matches, info=info), out, [review, subs])
    else:
        assert out is not None and sidecar is not None
        srt_text, side = qfmt.to_srt(matches, cues, context=context, srt_name=out.name)
        if not srt_text:
            _warn("no quotation was found in the subtitles: the SRT file is empty")
        from subalign.text.textio import atomic_write

        _emit(srt_text, out, [review, subs])
        atomic_write(sidecar, side, inputs=[review, subs, out])
        typer.echo(f"subalign: wrote {sidecar}", err=True)
    typer.echo(f"subalign: {qf.summary(matches)}", err=True)


def find(
    text: str = typer.Argument(..., help="The phrase to look for (any language, e.g. a paraphrase from a review)."),
    subs: Path = typer.Argument(..., help="The film's subtitles (SRT, WebVTT, ASS/SSA)."),
    top: int = typer.Option(5, "--top", "-n", help="How many places to show."),
    model: str = typer.Option("use-m3", "--model", "-m", help="use-m3, e5-small, a+b ensemble, a model folder or a cached hub name."),
    max_cues: int = typer.Option(4, "--max-cues", help="Largest match, in consecutive cues."),
    max_gap: float = typer.Option(5.0, "--max-gap", help="No match spans a pause longer than this (seconds)."),
    threshold: Optional[float] = typer.Option(None, "--threshold", help="Score marking a hit as a match (default: calibrated for the model)."),
    subs_encoding: Optional[str] = typer.Option(None, "--subs-encoding", help="Encoding of the subtitles (default: detected)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the embedding cache."),
) -> None:
    """Show the places in the film that best say TEXT, with cue numbers and times."""

    _match_options(max_cues, max_gap, threshold)
    if top < 1:
        raise SubalignError(f"--top must be at least 1, got {top}")
    if not text.strip():
        raise SubalignError("nothing to search for: the text is empty")
    from subalign.quotes import match as qf
    from subalign.encoders import load_encoder
    from subalign.subs.cues import format_timestamp
    from subalign.subs.read import read_subtitles

    cues = read_subtitles(subs, encoding=subs_encoding, warn=_warn)
    encoder = load_encoder(model, cache=not no_cache)
    limit = threshold if threshold is not None else qf.default_threshold(encoder)
    from subalign.quotes.scoring import bounded_query

    if bounded_query(" ".join(text.split()))[2]:
        _warn("the phrase is longer than any window of cues: it is matched by its beginning")
    hits = qf.search(text, cues, encoder, top=top, max_cues=max_cues, max_gap_s=max_gap)
    lines = []
    for rank, h in enumerate(hits, 1):
        mark = "match" if h.score >= limit else "weak"
        numbers = ",".join(map(str, h.numbers))
        flat = " / ".join(" ".join(c.plain.split()) for c in h.cues)
        lines.append(
            f"{rank}\t{h.score:.3f}\t{mark}\t{numbers}\t"
            f"{format_timestamp(h.start_ms)} --> {format_timestamp(h.end_ms)}\t{flat}\n"
        )
    _write_stdout("".join(lines))
    good = sum(h.score >= limit for h in hits)
    typer.echo(f"subalign: {good} of {len(hits)} hits above the threshold {limit:.2f}", err=True)

