"""The batch tasks: a manifest row becomes the request of its command (align, quotes, glossary, dual,
retime), and the command's own run function runs it, the one ``subalign <command>`` runs too.

:data:`TASKS` maps a task name to the row's request and the run function; :func:`run_task`
runs a row with the worker's loaded encoder and returns the files to write into OUTDIR.
The row's options are the request's fields (``batch/manifest.py`` checks their names and
types), so every default is the request's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from subalign.aligner.commands import AlignRequest, run_align
from subalign.batch.manifest import BatchRow, sidecar_name
from subalign.glossary.commands import GlossaryRequest, run_glossary
from subalign.quotes.commands import QuotesRequest, run_quotes
from subalign.runs import MAIN, SIDECAR, RunResult
from subalign.subs.commands import DualRequest, RetimeRequest, run_dual, run_retime


@dataclass
class TaskOutput:
    files: dict[str, str]  # relative out path -> text
    summary: str = ""
    warnings: list[str] = field(default_factory=list)


def _align(row: BatchRow, model: str) -> AlignRequest:
    # A pair in one language fails its row unless allow_same_lang (the CLI only warns).
    options = {"allow_same_lang": False, **row.options}
    return AlignRequest(row.src, row.tgt, formats=(row.format,), model=model, **options)


def _quotes(row: BatchRow, model: str) -> QuotesRequest:
    options = dict(row.options)
    if "via" in options:
        options["via"] = Path(options["via"])
    return QuotesRequest(row.src, row.tgt, format=row.format, srt_name=Path(row.out).name, model=model, **options)


def _glossary(row: BatchRow, model: str) -> GlossaryRequest:
    return GlossaryRequest(row.src, row.tgt, format=row.format, model=model, **row.options)


def _dual(row: BatchRow, model: str) -> DualRequest:
    # Two tracks in one language fail the row (the CLI only warns).
    return DualRequest(row.src, row.tgt, format=row.format, model=model, allow_same_lang=False, **row.options)


def _retime(row: BatchRow, model: str) -> RetimeRequest:
    return RetimeRequest(row.src, row.tgt, format=row.format, model=model, **row.options)


@dataclass(frozen=True)
class Task:
    """A command as batch runs it: the row's request, and the run function both callers share."""

    request: Callable[[BatchRow, str], Any]
    run: Callable[..., RunResult]


TASKS: dict[str, Task] = {
    "align": Task(_align, run_align),
    "quotes": Task(_quotes, run_quotes),
    "glossary": Task(_glossary, run_glossary),
    "dual": Task(_dual, run_dual),
    "retime": Task(_retime, run_retime),
}


def run_task(row: BatchRow, encoder, model: str) -> TaskOutput:
    """Run *row* with *encoder*; its ``main`` text goes to ``row.out``, a quotes sidecar next to it."""
    task = TASKS[row.task]
    result = task.run(task.request(row, model), encoder=encoder)
    files = {row.out: result.outputs[MAIN]}
    if SIDECAR in result.outputs:
        files[sidecar_name(row.out)] = result.outputs[SIDECAR]
    return TaskOutput(files, result.summary, result.warnings)
