"""``subalign apply``: replay a corrections file (exported from the report page) on saved outputs.

A thin caller of :func:`subalign.corrections.commands.run_apply`: every input is read and
checked, and every output checked, before anything is written.
"""

from __future__ import annotations

from pathlib import Path

import typer

from subalign.cli.common import say, warn
from subalign.corrections.commands import ApplyRequest, run_apply
from subalign.errors import SubalignError


def apply(
    corrections: Path = typer.Argument(..., help="A corrections file (the report page's 'Export corrections')."),
    out: Path = typer.Option(..., "-o", "--out", help="Folder for the corrected files (created if missing)."),
    alignment: Path | None = typer.Option(None, "--alignment", help="The saved `subalign align --format json`."),
    quotes: Path | None = typer.Option(None, "--quotes", help="The saved `subalign quotes -o q.json`."),
    glossary: Path | None = typer.Option(
        None, "--glossary", help="The glossary the report showed (subalign JSON; TSV/CSV/TBX give their pairs)."
    ),
    review: Path | None = typer.Option(
        None, "--review", help="The review text (default: its sentences are read from the alignment JSON)."
    ),
    translation: Path | None = typer.Option(None, "--translation", "-t", help="The translation text (with --review)."),
    strict: bool = typer.Option(False, "--strict", help="Write nothing (exit 2) if an operation does not fit."),
) -> None:
    """Replay corrections on saved outputs; writes the files the report page exports, byte for byte."""
    from subalign.text.textio import atomic_write, check_outputs  # lazy: command modules load only typer

    request = ApplyRequest(corrections, alignment, quotes, glossary, review, translation, strict)
    request.validate()
    if out.exists() and not out.is_dir():
        raise SubalignError(f"{out}: -o must be a folder (the corrected files go into it)")
    result = run_apply(request, warn=warn)
    targets = {out / name: text for name, text in result.outputs.items()}
    check_outputs(list(targets), request.inputs)
    for path, text in targets.items():
        atomic_write(path, text, inputs=request.inputs)
        say(f"wrote {path}")
    say(result.summary)
