"""``subalign batch``: many pairs from a manifest or a directory pair.

Registered in :mod:`subalign.cli.entry` with ``app.command("batch")(batch)``. Each row runs
the same run function as its single-pair command (:mod:`subalign.batch.tasks`); rich, for the
progress bar and the table, loads only when a batch runs.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from subalign import batch as b
from subalign.cli.common import Model, NoCache, say
from subalign.errors import SubalignError
from subalign.runs import DEFAULT_MODEL


class Engine(str, Enum):
    local = "local"
    ray = "ray"


def batch(
    manifest: Path = typer.Argument(..., help="CSV/TSV (header task,src,tgt,out[,options…]) or JSONL manifest, or a directory of x.en.*/x.zh.* files."),
    tgt_dir: Path | None = typer.Argument(None, help="With a directory as MANIFEST: the other-language directory (en/x.txt <-> zh/x.txt)."),
    outdir: Path = typer.Option(..., "-o", "--out-dir", help="Output directory; each row's 'out' is relative to it."),
    jobs: int = typer.Option(1, "--jobs", "-j", help="Worker processes (local) or concurrent tasks (ray); each loads the model once."),
    engine: Engine = typer.Option(Engine.local, "--engine", help="local (process pool) or ray (pip install 'subalign[ray]')."),
    ray_address: str | None = typer.Option(None, "--ray-address", help="Existing Ray cluster (e.g. ray://head:10001 or auto); default: start a local one."),
    model: Model = DEFAULT_MODEL,
    force: bool = typer.Option(False, "--force", help="Redo pairs whose outputs are up to date."),
    no_cache: NoCache = False,
    no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar (also off when stderr is not a terminal)."),
) -> None:
    """Run align/quotes/glossary/dual/retime over many pairs; resumable; writes OUTDIR/batch-report.json."""
    from rich.console import Console  # lazy: rich loads only for a batch run, not for --help

    rows, errors = b.load_rows(manifest, tgt_dir)
    if not rows and not errors:
        raise SubalignError(f"{manifest}: no pairs to run")

    console = Console(stderr=True, highlight=False)
    total = len(rows) + len(errors)
    show = not no_progress and console.is_terminal
    counts = {"done": 0, "failed": 0}
    progress = task_id = None
    if show:
        from rich.progress import (  # lazy: rich loads only for a batch run, not for --help
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        progress = Progress(
            TextColumn("[bold]batch"), BarColumn(), MofNCompleteColumn(),
            TextColumn("done {task.fields[done]} · failed {task.fields[failed]}"),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=console, transient=False,
        )
        progress.start()
        task_id = progress.add_task("batch", total=total, done=0, failed=0)

    def on_result(rec: dict) -> None:
        counts["failed" if rec["status"] == "failed" else "done"] += 1
        if progress is not None:
            progress.update(task_id, advance=1, **counts)
        else:
            where = rec.get("out") or f"line {rec.get('line')}"
            msg = f": {rec['error']}" if rec["status"] == "failed" else ""
            say(f"{rec['status']} {where}{msg}")

    try:
        report = b.run_batch(
            rows, outdir, model=model, jobs=jobs, engine=engine.value, ray_address=ray_address,
            cache=not no_cache, resume=not force, row_errors=errors, manifest=str(manifest), on_result=on_result,
        )
    finally:
        if progress is not None:
            progress.stop()

    from rich.table import Table  # lazy: rich loads only for a batch run, not for --help

    table = Table(title=b.batch_summary(report), show_lines=False)
    for col in ("line", "task", "out", "status", "seconds", "detail"):
        table.add_column(col, overflow="fold")
    for it in report.items:
        detail = it["error"] if it["status"] == "failed" else it.get("summary", "")
        table.add_row(str(it["line"]), it["task"] or "-", it["out"] or "-", it["status"], f"{it['seconds']:.1f}", detail or "")
    console.print(table)
    say(f"wrote {Path(outdir) / b.REPORT_NAME}")
    sys.stderr.flush()
    if report.failed:
        raise typer.Exit(1)
