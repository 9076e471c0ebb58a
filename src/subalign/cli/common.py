"""Helpers every command module shares: warnings, output, format choice, option checks.

Imported by the command modules and never importing them back (no import circle).
Only typer and the standard library load here, so ``subalign --help`` stays instant.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from subalign.errors import SubalignError


def _warn(msg: str) -> None:
    typer.echo(f"subalign: warning: {msg}", err=True)


def _emit(text: str, out: Optional[Path], inputs: list[Path]) -> None:
    """Write to ``out`` (never over an input; see :func:`subalign.text.textio.atomic_write`), or to stdout."""
    if out is None:
        _write_stdout(text)
        return
    from subalign.text.textio import atomic_write

    atomic_write(out, text, inputs=inputs)
    typer.echo(f"subalign: wrote {out}", err=True)


def _write_stdout(text: str) -> None:
    """Write to stdout; a full disk or a dead terminal is a one-line error.

    A closed pipe (``| head``) is left to click, which ends quietly.
    """

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
    from subalign.text.textio import check_outputs

    check_outputs(outs, inputs)


def _output_format(task: str, out: Optional[Path], fmt: Optional[str], default: str) -> str:
    """``--format``, else the extension of ``-o``, else *default* (stdout, or a device such as /dev/null)."""
    from subalign.batch.manifest import OUTPUT_FORMATS

    if fmt is not None:
        return fmt
    if out is None:
        return default
    table = OUTPUT_FORMATS[task]
    form = table.get(out.suffix.lower())
    if form is not None:
        return form
    from subalign.text.textio import writes_through

    if not out.suffix and writes_through(out):
        return default
    what = f"the extension '{out.suffix}'" if out.suffix else "a name without extension"
    raise SubalignError(f"{out}: {task} cannot tell the output format from {what}; use {', '.join(sorted(table))} (or --format)")


def _finite(flag: str, value: Optional[float]) -> None:
    """Refuse NaN and inf: NaN compares false with everything, so a NaN threshold silently matches nothing."""


    if value is not None and not math.isfinite(value):
        raise SubalignError(f"{flag} must be a finite number, got {value}")


def _language(flag: str, code: Optional[str]) -> None:
    """Refuse an unknown language code up front, naming the flag."""
    if code is None:
        return
    from subalign.text.langid import normalize_lang

    try:
        normalize_lang(code)
    except SubalignError as e:
        raise SubalignError(f"{flag}: {e}") from None


def _match_options(max_cues: int, max_gap: float, threshold: Optional[float], context: int = 0) -> None:
    """Range checks as one-line errors (typer's own range errors print a usage block)."""

    if max_cues < 1:
        raise SubalignError(f"--max-cues must be at least 1, got {max_cues}")
    _finite("--max-gap", max_gap)
    if not max_gap >= 0:
        raise SubalignError(f"--max-gap must be a non-negative number of seconds, got {max_gap}")
    _finite("--threshold", threshold)
    if context < 0:
        raise SubalignError(f"--context must not be negative, got {context}")

