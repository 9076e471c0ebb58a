"""What every command module shares: the options declared once, warnings, output, format choice.

Imported by the command modules and never importing them back (no import circle). Only typer,
the standard library and light subalign modules load here, so ``subalign --help`` stays instant.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from subalign.batch.manifest import OUTPUT_FORMATS
from subalign.errors import SubalignError
from subalign.runs import MAIN, RunResult
from subalign.text.textio import atomic_write, check_outputs, writes_through

# --------------------------------------------------------------------------- options declared once

Model = Annotated[str, typer.Option("--model", "-m", help="use-m3, e5-small, a+b ensemble, a model folder or a cached hub name.")]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Do not read or write the embedding cache.")]
Out = Annotated[Optional[Path], typer.Option("-o", "--out", help="Output file (default: stdout).")]
SubsEncoding = Annotated[Optional[str], typer.Option("--subs-encoding", help="Encoding of the subtitles (default: detected).")]


def encoding_option(flag: str, of: str) -> typer.models.OptionInfo:
    """``--encoding``-style option: the encoding of *of*, detected by default."""
    return typer.Option(None, flag, help=f"Encoding of {of} (default: detected).")


def lang_option(flag: str, help: str) -> typer.models.OptionInfo:
    """``--lang``-style option: a language code overriding detection."""
    return typer.Option(None, flag, help=help)


def format_enum(task: str) -> type[Enum]:
    """The ``--format`` choices of *task*: the formats of its row in the one output-format table."""
    names = dict.fromkeys(OUTPUT_FORMATS[task].values())
    return Enum(f"{task.capitalize()}Format", {name: name for name in names}, type=str)


def format_option(task: str, default: str) -> typer.models.OptionInfo:
    *first, last = dict.fromkeys(OUTPUT_FORMATS[task].values())
    choices = f"{', '.join(first)} or {last}"
    return typer.Option(None, "--format", "-f", help=f"{choices} (default: from -o's extension, else {default}).")


# --------------------------------------------------------------------------- output


def warn(msg: str) -> None:
    typer.echo(f"subalign: warning: {msg}", err=True)


def say(msg: str) -> None:
    """One line of information on stderr (stdout carries only the output)."""
    typer.echo(f"subalign: {msg}", err=True)


def emit(text: str, out: Optional[Path], inputs: list[Path]) -> None:
    """Write to ``out`` (never over an input; see :func:`subalign.text.textio.atomic_write`), or to stdout."""
    if out is None:
        write_stdout(text)
        return
    atomic_write(out, text, inputs=inputs)
    say(f"wrote {out}")


def emit_result(result: RunResult, out: Optional[Path], inputs: list[Path],
                extra: Optional[dict[str, Optional[Path]]] = None) -> None:
    """Write a run's ``main`` text to ``out`` and each *extra* role to its file, then the summary and notes."""
    emit(result.outputs[MAIN], out, inputs)
    written = [out] if out is not None else []
    for role, path in (extra or {}).items():
        if path is not None and role in result.outputs:
            atomic_write(path, result.outputs[role], inputs=inputs + written)
            say(f"wrote {path}")
            written.append(path)
    report_end(result)


def report_end(result: RunResult) -> None:
    """The summary line, then the notes (a note that is a warning carries its ``warning:``)."""
    if result.summary:
        say(result.summary)
    for note in result.notes:
        say(note)


def write_stdout(text: str) -> None:
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


def output_format(task: str, out: Optional[Path], fmt: Optional[str], default: str) -> str:
    """``--format``, else the extension of ``-o``, else *default* (stdout, or a device such as /dev/null)."""
    if fmt is not None:
        return fmt
    if out is None:
        return default
    table = OUTPUT_FORMATS[task]
    form = table.get(out.suffix.lower())
    if form is not None:
        return form
    if not out.suffix and writes_through(out):
        return default
    what = f"the extension '{out.suffix}'" if out.suffix else "a name without extension"
    raise SubalignError(f"{out}: {task} cannot tell the output format from {what}; use {', '.join(sorted(table))} (or --format)")


__all__ = [
    "Model", "NoCache", "Out", "SubsEncoding", "check_outputs", "emit", "emit_result", "encoding_option", "format_enum",
    "format_option", "lang_option", "output_format", "report_end", "say", "warn", "write_stdout",
]
