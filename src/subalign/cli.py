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
    """Write to ``out`` atomically (never over an input), or to stdout."""
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from subalign.textio import atomic_write

    atomic_write(out, text, inputs=inputs)
    typer.echo(f"subalign: wrote {out}", err=True)


def _pick_format(fmt: Optional[AlignFormat], out: Optional[Path]) -> str:
    if fmt is not None:
        return fmt.value
    if out is not None:
        from subalign.formats import format_from_path

        guessed = format_from_path(out)
        if guessed:
            return guessed
    return "ladder"


@app.command()
def align(
    src: Path = typer.Argument(..., help="Source text file."),
    tgt: Path = typer.Argument(..., help="Target text file."),
    out: Optional[Path] = typer.Option(None, "-o", "--out", help="Output file (default: stdout)."),
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
) -> None:
    """Align two texts sentence by sentence (ladder, TSV, JSON or TMX)."""
    from subalign.api import align_files
    from subalign.formats import FORMATS

    form = _pick_format(fmt, out)
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
    )
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
    typer.echo(f"{'file':<12} {'strict_P':>8} {'strict_R':>8} {'strict_F1':>9} {'lax_P':>7} {'lax_R':>7} {'lax_F1':>7}")
    for name, s in rows:
        typer.echo(
            f"{name:<12} {s.strict_p:8.3f} {s.strict_r:8.3f} {s.strict_f1:9.3f} {s.lax_p:7.3f} {s.lax_r:7.3f} {s.lax_f1:7.3f}"
        )


@models_app.command("list")
def models_list() -> None:
    """Show every model subalign can use here, its size and whether it is ready."""
    from subalign.encoders import models_status

    typer.echo(f"{'name':<28} {'kind':<8} {'size':>8}  {'ready':<5}  description")
    for m in models_status():
        size = f"{m['size_mb']:.0f} MB" if m.get("size_mb") is not None else "-"
        ready = "yes" if m["ready"] else "no"
        desc = m.get("description", "")
        if not m["ready"] and m.get("reason"):
            desc = f"{desc} ({m['reason']})"
        typer.echo(f"{m['name']:<28} {m['kind']:<8} {size:>8}  {ready:<5}  {desc}")


@models_app.command("build")
def models_build(
    name: str = typer.Argument(..., help="Builtin model to convert: use-m3 or e5-small."),
    dest: Optional[Path] = typer.Option(None, "--dest", help="Folder to write (default: models/NAME)."),
) -> None:
    """Write a builtin model as a standard sentence-transformers folder."""
    from subalign.encoders import build_model

    path = build_model(name, str(dest or Path("models") / name))
    typer.echo(f"subalign: built {name} in {path}", err=True)


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
