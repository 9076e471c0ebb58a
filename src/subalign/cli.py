"""Command line: a thin typer layer over :mod:`subalign.api`.

Only typer is imported at start-up; everything heavy (numpy, torch, the
encoders) is imported inside the command that needs it, so ``--help`` is
instant. Errors in the user's input end as one line on stderr and exit 2.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(
    help="Align English and Chinese text and subtitles with offline multilingual sentence embeddings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
models_app = typer.Typer(help="List and build the embedding models.", no_args_is_help=True)
app.add_typer(models_app, name="models")


class AlignFormat(str, Enum):
    ladder = "ladder"
    tsv = "tsv"
    json = "json"
    tmx = "tmx"


def _warn(msg: str) -> None:
    typer.echo(f"subalign: warning: {msg}", err=True)


def _emit(text: str, out: Optional[Path], inputs: list[Path]) -> None:
    """Write to ``out`` (never over an input; see :func:`subalign.textio.atomic_write`), or to stdout."""
    if out is None:
        _write_stdout(text)
        return
    from subalign.textio import atomic_write

    atomic_write(out, text, inputs=inputs)
    typer.echo(f"subalign: wrote {out}", err=True)


def _write_stdout(text: str) -> None:
    """Write to stdout; a full disk or a dead terminal is a one-line error.

    A closed pipe (``| head``) is left to click, which ends quietly.
    """
    from subalign.types import SubalignError

    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as e:
        try:  # what is still buffered would fail again when Python exits
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        raise SubalignError(f"stdout: cannot write ({e.strerror or e})") from None


def _check_outputs(outs: list[Optional[Path]], inputs: list[Path]) -> None:
    """Every output can be written, none is an input, no two are one file: checked before any work."""
    from subalign.textio import check_outputs

    check_outputs(outs, inputs)


def _output_format(task: str, out: Optional[Path], fmt: Optional[str], default: str) -> str:
    """``--format``, else the extension of ``-o``, else *default* (stdout, or a device such as /dev/null)."""
    from subalign.batch import OUTPUT_FORMATS
    from subalign.types import SubalignError

    if fmt is not None:
        return fmt
    if out is None:
        return default
    table = OUTPUT_FORMATS[task]
    form = table.get(out.suffix.lower())
    if form is not None:
        return form
    from subalign.textio import writes_through

    if not out.suffix and writes_through(out):
        return default
    what = f"the extension '{out.suffix}'" if out.suffix else "a name without extension"
    raise SubalignError(f"{out}: {task} cannot tell the output format from {what}; use {', '.join(sorted(table))} (or --format)")


def _finite(flag: str, value: Optional[float]) -> None:
    """Refuse NaN and inf: NaN compares false with everything, so a NaN threshold silently matches nothing."""
    import math

    from subalign.types import SubalignError

    if value is not None and not math.isfinite(value):
        raise SubalignError(f"{flag} must be a finite number, got {value}")


def _language(flag: str, code: Optional[str]) -> None:
    """Refuse an unknown language code up front, naming the flag."""
    if code is None:
        return
    from subalign.langid import normalize_lang
    from subalign.types import SubalignError

    try:
        normalize_lang(code)
    except SubalignError as e:
        raise SubalignError(f"{flag}: {e}") from None


@app.command()
def align(
    src: Path = typer.Argument(..., help="Source text file."),
    tgt: Path = typer.Argument(..., help="Target text file."),
    outs: Optional[list[Path]] = typer.Option(
        None, "-o", "--out", help="Output file; repeat for several formats from one run (default: stdout)."
    ),
    fmt: Optional[AlignFormat] = typer.Option(None, "--format", "-f", help="Output format (default: from -o's extension, else ladder)."),
    presplit: bool = typer.Option(False, "--presplit", help="Inputs are one sentence per line."),
    model: str = typer.Option("use-m3", "--model", "-m", help="use-m3, e5-small, a+b ensemble, a model folder or a cached hub name."),
    max_align: int = typer.Option(5, "--max-align", help="Largest bead: m+n sentences (2..8)."),
    src_lang: Optional[str] = typer.Option(None, "--src-lang", help="Override source language detection (e.g. en, zh)."),
    tgt_lang: Optional[str] = typer.Option(None, "--tgt-lang", help="Override target language detection."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Encoding of both inputs (default: detected)."),
    src_encoding: Optional[str] = typer.Option(None, "--src-encoding", help="Encoding of the source file."),
    tgt_encoding: Optional[str] = typer.Option(None, "--tgt-encoding", help="Encoding of the target file."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the embedding cache."),
    allow_download: bool = typer.Option(False, "--allow-download", help="Let a hub model be downloaded if it is not cached."),
) -> None:
    """Align two texts sentence by sentence (ladder, TSV, JSON or TMX)."""
    from subalign.api import align_files
    from subalign.formats import FORMATS
    from subalign.types import SubalignError

    targets = outs or [None]
    if fmt is not None and len(targets) > 1:
        raise SubalignError("--format applies to one output; with several -o the extensions choose the formats")
    _language("--src-lang", src_lang)
    _language("--tgt-lang", tgt_lang)
    _check_outputs(list(outs or []), [src, tgt])
    forms = [_output_format("align", out, fmt.value if fmt else None, "ladder") for out in targets]
    alignment = align_files(
        src,
        tgt,
        src_encoding=src_encoding or encoding,
        tgt_encoding=tgt_encoding or encoding,
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        presplit=presplit,
        warn=_warn,
        model=model,
        max_align=max_align,
        cache=not no_cache,
        allow_download=allow_download,
    )
    for out, form in zip(targets, forms):
        _emit(FORMATS[form](alignment), out, [src, tgt])
    kinds: dict[str, int] = {}
    for link in alignment.links:
        kinds[link.kind] = kinds.get(link.kind, 0) + 1
    summary = ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]))
    typer.echo(
        f"subalign: {len(alignment.src)} {alignment.src.lang} / {len(alignment.tgt)} {alignment.tgt.lang} sentences, "
        f"{len(alignment.links)} links ({summary})",
        err=True,
    )


@app.command("eval")
def eval_cmd(
    gold: Path = typer.Argument(..., help="Gold ladder file or directory."),
    test: Path = typer.Argument(..., help="Test ladder file or directory (same file names)."),
) -> None:
    """Score alignments against gold: strict and lax precision, recall, F1."""
    from subalign.evaluate import evaluate_paths

    total, per_file = evaluate_paths(gold, test)
    rows = list(per_file.items())
    if len(rows) > 1:
        rows.append(("all", total))
    lines = [f"{'file':<12} {'strict_P':>8} {'strict_R':>8} {'strict_F1':>9} {'lax_P':>7} {'lax_R':>7} {'lax_F1':>7}\n"]
    for name, s in rows:
        lines.append(
            f"{name:<12} {s.strict_p:8.3f} {s.strict_r:8.3f} {s.strict_f1:9.3f} {s.lax_p:7.3f} {s.lax_r:7.3f} {s.lax_f1:7.3f}\n"
        )
    _write_stdout("".join(lines))


@models_app.command("list")
def models_list() -> None:
    """Show every model subalign can use here, its size and whether it is ready."""
    from subalign.encoders import models_status

    lines = [f"{'name':<28} {'kind':<8} {'size':>8}  {'ready':<5}  description\n"]
    for m in models_status():
        size = f"{m['size_mb']:.0f} MB" if m.get("size_mb") is not None else "-"
        ready = "yes" if m["ready"] else "no"
        desc = m.get("description", "")
        if not m["ready"] and m.get("reason"):
            desc = f"{desc} ({m['reason']})"
        lines.append(f"{m['name']:<28} {m['kind']:<8} {size:>8}  {ready:<5}  {desc}\n")
    _write_stdout("".join(lines))


@models_app.command("build")
def models_build(
    name: str = typer.Argument(..., help="Builtin model to convert: use-m3 or e5-small."),
    dest: Optional[Path] = typer.Option(None, "--dest", help="Folder to write (default: models/NAME)."),
) -> None:
    """Write a builtin model as a standard sentence-transformers folder."""
    from subalign.encoders import build_model
    from subalign.textio import check_output_dir

    folder = dest or Path("models") / name
    check_output_dir(folder)
    path = build_model(name, str(folder))
    typer.echo(f"subalign: built {name} in {path}", err=True)


class QuotesFormat(str, Enum):
    tsv = "tsv"
    json = "json"
    srt = "srt"


def _match_options(max_cues: int, max_gap: float, threshold: Optional[float], context: int = 0) -> None:
    """Range checks as one-line errors (typer's own range errors print a usage block)."""
    from subalign.types import SubalignError

    if max_cues < 1:
        raise SubalignError(f"--max-cues must be at least 1, got {max_cues}")
    _finite("--max-gap", max_gap)
    if not max_gap >= 0:
        raise SubalignError(f"--max-gap must be a non-negative number of seconds, got {max_gap}")
    _finite("--threshold", threshold)
    if context < 0:
        raise SubalignError(f"--context must not be negative, got {context}")


@app.command()
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
    from subalign.types import SubalignError

    _match_options(max_cues, max_gap, threshold, context)
    _language("--lang", lang)
    _check_outputs([out], [review, subs])
    form = _output_format("quotes", out, fmt.value if fmt else None, "tsv")
    sidecar: Optional[Path] = None
    if form == "srt":
        from subalign.textio import writes_through

        if out is None or writes_through(out):
            raise SubalignError("--format srt needs -o OUT.srt, a file (a sidecar .json is written next to it)")
        sidecar = out.with_suffix(".json") if out.suffix.lower() != ".json" else out.with_name(out.name + ".map.json")
        _check_outputs([out, sidecar], [review, subs])

    from subalign.documents import load_document
    from subalign.quotes import extract_quotes
    from subalign.subtitles import read_subtitles

    doc = load_document(review, lang=lang, encoding=encoding)
    cues = read_subtitles(subs, encoding=subs_encoding, warn=_warn)
    found_quotes = extract_quotes(doc)
    if not found_quotes:
        _warn(f"{review}: no quotations found in the review")

    from subalign import quote_formats as qfmt
    from subalign import quotefinder as qf
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
        from subalign.textio import atomic_write

        _emit(srt_text, out, [review, subs])
        atomic_write(sidecar, side, inputs=[review, subs, out])
        typer.echo(f"subalign: wrote {sidecar}", err=True)
    typer.echo(f"subalign: {qf.summary(matches)}", err=True)


@app.command()
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
    from subalign.types import SubalignError

    _match_options(max_cues, max_gap, threshold)
    if top < 1:
        raise SubalignError(f"--top must be at least 1, got {top}")
    if not text.strip():
        raise SubalignError("nothing to search for: the text is empty")
    from subalign import quotefinder as qf
    from subalign.encoders import load_encoder
    from subalign.subtitles import format_timestamp, read_subtitles

    cues = read_subtitles(subs, encoding=subs_encoding, warn=_warn)
    encoder = load_encoder(model, cache=not no_cache)
    limit = threshold if threshold is not None else qf.default_threshold(encoder)
    if qf.bounded_query(" ".join(text.split()))[2]:
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


def _register_commands() -> None:
    # Defined in their own modules (typer-only imports, so --help stays instant).
    from subalign.batch_cli import batch
    from subalign.dual_cli import dual, retime
    from subalign.glossary_cli import glossary
    from subalign.report_cli import report

    app.command("glossary")(glossary)
    app.command("report")(report)
    app.command("batch")(batch)
    app.command("dual")(dual)
    app.command("retime")(retime)


_register_commands()


def main(argv: Optional[list[str]] = None) -> None:
    """Entry point: run the app, turning user errors into one line and exit 2."""
    from subalign.types import SubalignError

    try:
        app(args=argv, prog_name="subalign", standalone_mode=True)
    except SubalignError as e:
        typer.echo(f"subalign: error: {e}", err=True)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        typer.echo("subalign: interrupted", err=True)
        raise SystemExit(130) from None
    except SystemExit:
        raise
    except Exception as e:  # a bug of ours: still one line, unless debugging
        if os.environ.get("SUBALIGN_DEBUG"):
            raise
        typer.echo(f"subalign: internal error: {type(e).__name__}: {e} (set SUBALIGN_DEBUG=1 for details)", err=True)
        raise SystemExit(1) from None


if __name__ == "__main__":  # pragma: no cover
    main()
