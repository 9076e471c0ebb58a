"""Command line: the typer app, its commands registered from one module per group, and main().

Each command group lives in its own module (align, quotes, glossary, subs, report, batch) and
shares the options and helpers of :mod:`subalign.cli.common`; this module only registers them.
A command parses its arguments into the request of its run function (``<package>/commands.py``),
runs it, and writes the texts it returns. Start-up loads typer and those light requests;
numpy, torch and the encoders load inside the run functions, so ``--help`` is instant.
Errors in the user's input end as one line on stderr and exit 2.
"""

from __future__ import annotations

import os
from typing import Optional

import typer

from subalign.cli.align import align, eval_cmd, models_build, models_list
from subalign.cli.apply import apply
from subalign.cli.batch import batch
from subalign.cli.glossary import glossary
from subalign.cli.quotes import find, quotes
from subalign.cli.report import report
from subalign.cli.subs import dual, retime
from subalign.errors import SubalignError

app = typer.Typer(
    help="Align English and Chinese text and subtitles with offline multilingual sentence embeddings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
models_app = typer.Typer(help="List and build the embedding models.", no_args_is_help=True)
app.add_typer(models_app, name="models")


app.command()(align)
app.command("eval")(eval_cmd)
models_app.command("list")(models_list)
models_app.command("build")(models_build)
app.command()(quotes)
app.command()(find)
app.command("glossary")(glossary)
app.command("report")(report)
app.command("apply")(apply)
app.command("batch")(batch)
app.command("dual")(dual)
app.command("retime")(retime)


def main(argv: Optional[list[str]] = None) -> None:
    """Entry point: run the app, turning user errors into one line and exit 2."""
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

