"""``subalign align``, ``eval`` and ``models list|build``: plain typer-annotated functions.

Registered in :mod:`subalign.cli.entry`. Heavy modules are imported inside the functions
(numpy/torch behind them), so ``subalign --help`` stays instant.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from subalign.cli.common import _check_outputs, _emit, _language, _output_format, _warn, _write_stdout
from subalign.errors import SubalignError


class AlignFormat(str, Enum):
    ladder = "ladder"
    tsv = "tsv"
    json = "json"
    tmx = "tmx"



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
    from subalign.aligner.formats import FORMATS

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


def eval_cmd(
    gold: Path = typer.Argument(..., help="Gold ladder file or directory."),
    test: Path = typer.Argument(..., help="Test ladder file or directory (same file names)."),
) -> None:
    """Score alignments against gold: strict and lax precision, recall, F1."""
    from subalign.aligner.evaluate import evaluate_paths

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


def models_build(
    name: str = typer.Argument(..., help="Builtin model to convert: use-m3 or e5-small."),
    dest: Optional[Path] = typer.Option(None, "--dest", help="Folder to write (default: models/NAME)."),
) -> None:
    """Write a builtin model as a standard sentence-transformers folder."""
    from subalign.encoders import build_model
    from subalign.text.textio import check_output_dir

    folder = dest or Path("models") / name
    check_output_dir(folder)
    path = build_model(name, str(folder))
    typer.echo(f"subalign: built {name} in {path}", err=True)

