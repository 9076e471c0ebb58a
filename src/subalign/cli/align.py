"""``subalign align``, ``eval`` and ``models list|build``: arguments in, the run function, outputs out.

Registered in :mod:`subalign.cli.entry`. The logic is in :mod:`subalign.aligner.commands`
(light to import; numpy and the encoders load when a command runs), so ``--help`` stays instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from subalign.aligner.commands import AlignRequest, EvalRequest, run_align, run_eval
from subalign.cli.common import Model, NoCache, check_outputs, emit, encoding_option, format_enum
from subalign.cli.common import format_option, lang_option, output_format, say, warn, write_stdout
from subalign.errors import SubalignError
from subalign.runs import MAIN
from subalign.text.textio import check_output_dir

AlignFormat = format_enum("align")


def align(
    src: Path = typer.Argument(..., help="Source text file."),
    tgt: Path = typer.Argument(..., help="Target text file."),
    outs: Optional[list[Path]] = typer.Option(
        None, "-o", "--out", help="Output file; repeat for several formats from one run (default: stdout)."
    ),
    fmt: Optional[AlignFormat] = format_option("align", AlignRequest.formats[0]),
    presplit: bool = typer.Option(AlignRequest.presplit, "--presplit", help="Inputs are one sentence per line."),
    model: Model = AlignRequest.model,
    max_align: int = typer.Option(AlignRequest.max_align, "--max-align", help="Largest bead: m+n sentences (2..8)."),
    src_lang: Optional[str] = lang_option("--src-lang", "Override source language detection (e.g. en, zh)."),
    tgt_lang: Optional[str] = lang_option("--tgt-lang", "Override target language detection."),
    encoding: Optional[str] = encoding_option("--encoding", "both inputs"),
    src_encoding: Optional[str] = encoding_option("--src-encoding", "the source file"),
    tgt_encoding: Optional[str] = encoding_option("--tgt-encoding", "the target file"),
    no_cache: NoCache = not AlignRequest.cache,
    allow_download: bool = typer.Option(
        AlignRequest.allow_download, "--allow-download", help="Let a hub model be downloaded if it is not cached."
    ),
    min_confidence: Optional[float] = typer.Option(
        AlignRequest.min_confidence, "--min-confidence",
        help="Leave links with a confidence (probability of being right) below P out of the TMX; other formats keep them.",
    ),
) -> None:
    """Align two texts sentence by sentence (ladder, TSV, JSON or TMX)."""
    targets = outs or [None]
    if fmt is not None and len(targets) > 1:
        raise SubalignError("--format applies to one output; with several -o the extensions choose the formats")
    request = AlignRequest(
        src, tgt, presplit=presplit, model=model, max_align=max_align, src_lang=src_lang, tgt_lang=tgt_lang,
        encoding=encoding, src_encoding=src_encoding, tgt_encoding=tgt_encoding, cache=not no_cache,
        allow_download=allow_download, min_confidence=min_confidence,
    )
    request.validate()
    check_outputs(list(outs or []), [src, tgt])
    forms = [output_format("align", out, fmt.value if fmt else None, request.formats[0]) for out in targets]
    request.formats = tuple(forms)
    result = run_align(request, warn=warn)
    for out, form in zip(targets, forms):
        emit(result.outputs[form], out, [src, tgt])
    say(result.summary)


def eval_cmd(
    gold: Path = typer.Argument(..., help="Gold ladder file or directory."),
    test: Path = typer.Argument(..., help="Test ladder file or directory (same file names)."),
) -> None:
    """Score alignments against gold: strict and lax precision, recall, F1."""
    result = run_eval(EvalRequest(gold, test))
    write_stdout(result.outputs[MAIN])


def models_list() -> None:
    """Show every model subalign can use here, its size and whether it is ready."""
    from subalign.encoders import models_status  # lazy: the encoders package stays out of --help

    lines = [f"{'name':<28} {'kind':<8} {'size':>8}  {'ready':<5}  description\n"]
    for m in models_status():
        size = f"{m['size_mb']:.0f} MB" if m.get("size_mb") is not None else "-"
        ready = "yes" if m["ready"] else "no"
        desc = m.get("description", "")
        if not m["ready"] and m.get("reason"):
            desc = f"{desc} ({m['reason']})"
        lines.append(f"{m['name']:<28} {m['kind']:<8} {size:>8}  {ready:<5}  {desc}\n")
    write_stdout("".join(lines))


def models_build(
    name: str = typer.Argument(..., help="Builtin model to convert: use-m3 or e5-small."),
    dest: Optional[Path] = typer.Option(None, "--dest", help="Folder to write (default: models/NAME)."),
) -> None:
    """Write a builtin model as a standard sentence-transformers folder."""
    from subalign.encoders import build_model  # lazy: the encoders package stays out of --help

    folder = dest or Path("models") / name
    check_output_dir(folder)
    path = build_model(name, str(folder))
    say(f"built {name} in {path}")
