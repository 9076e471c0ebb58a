"""Many pairs in one run: the manifest, the per-command tasks, the engines (local processes or Ray).

Modules: ``manifest`` (rows, checks, the option and output-format tables), ``tasks`` (one
function per command, in :data:`~subalign.batch.tasks.TASKS`) and ``run`` (resume, workers,
engines, the report). The public names are re-exported here: ``from subalign import batch``
then ``batch.parse_manifest(...)``, ``batch.run_batch(...)``.
"""

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

__all__ = [
    "OUTPUT_FORMATS",
    "REPORT_NAME",
    "BatchReport",
    "BatchRow",
    "RowError",
    "batch_summary",
    "claim_outputs",
    "discover_pairs",
    "load_rows",
    "output_format",
    "parse_manifest",
    "run_batch",
    "run_pair",
]
