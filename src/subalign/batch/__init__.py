"""Many pairs in one run: the manifest, the per-command tasks, the engines (local processes or Ray).

Modules: ``manifest`` (rows, checks, the option and output-format tables), ``tasks`` (each row
runs its command's run function, see :data:`~subalign.batch.tasks.TASKS`) and ``run`` (resume,
workers, engines, the report). The public names are re-exported here: ``from subalign import
batch`` then ``batch.parse_manifest(...)``, ``batch.run_batch(...)``. They load on first use:
the CLI reads ``manifest.OUTPUT_FORMATS`` at start-up and needs none of the rest for ``--help``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

_MANIFEST = ("OUTPUT_FORMATS", "REPORT_NAME", "BatchRow", "RowError", "claim_outputs", "discover_pairs",
             "output_format", "parse_manifest")
_RUN = ("BatchReport", "batch_summary", "load_rows", "run_batch", "run_pair")
__all__ = sorted(_MANIFEST + _RUN)

if TYPE_CHECKING:  # pragma: no cover
    from subalign.batch.manifest import (
        OUTPUT_FORMATS,
        REPORT_NAME,
        BatchRow,
        RowError,
        claim_outputs,
        discover_pairs,
        output_format,
        parse_manifest,
    )
    from subalign.batch.run import BatchReport, batch_summary, load_rows, run_batch, run_pair


def __getattr__(name: str):
    if name in _MANIFEST:
        from subalign.batch import manifest  # lazy: load on first use (see the module docstring)

        return getattr(manifest, name)
    if name in _RUN:
        from subalign.batch import run  # lazy: the runner and every command's tasks, not for --help

        return getattr(run, name)
    raise AttributeError(f"module 'subalign.batch' has no attribute {name!r}")
