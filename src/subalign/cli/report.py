"""``subalign report``: one self-contained HTML page with the alignment, the quotes and the glossary.

Registered in :mod:`subalign.cli.entry` with ``app.command("report")(report)``. The logic is in
:mod:`subalign.report.commands`: every input is read and checked (saved JSON against the texts
it claims to come from), and the output checked here, before the model is loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from subalign.cli.common import Model, NoCache, SubsEncoding, encoding_option, lang_option, say, warn
from subalign.report.commands import ReportRequest, run_report
from subalign.runs import MAIN
from subalign.text.textio import atomic_write, check_output


def report(
    review: Path = typer.Argument(..., help="The review (text file); its sentences get the ids p12.s3."),
    out: Path = typer.Option(..., "-o", "--out", help="The HTML file to write (self-contained, opens from disk)."),
    translation: Optional[Path] = typer.Option(
        None, "--translation", "-t", help="The translation (text file): aligned and shown side by side."
    ),
    subs: Optional[Path] = typer.Option(
        None, "--subs", help="The film's subtitles (quotes are looked for in them), or a saved `subalign quotes` JSON."
    ),
    glossary: Optional[Path] = typer.Option(
        None,
        "--glossary",
        help="A glossary (subalign JSON with its anchors, or TSV/CSV/TBX pairs). Default: built from the alignment.",
    ),
    alignment: Optional[Path] = typer.Option(
        None, "--alignment", help="A saved `subalign align --format json` of REVIEW and --translation (skips aligning)."
    ),
    quotes: Optional[Path] = typer.Option(None, "--quotes", help="A saved `subalign quotes -o q.json` (skips the search)."),
    no_glossary: bool = typer.Option(ReportRequest.no_glossary, "--no-glossary", help="Do not build a glossary when none is given."),
    low_score: float = typer.Option(ReportRequest.low_score, "--low-score", help="Flag links scoring below this as weak (links without a confidence)."),
    title: Optional[str] = typer.Option(None, "--title", help="Page title (default: from the review's file name)."),
    model: Model = ReportRequest.model,
    src_lang: Optional[str] = lang_option("--src-lang", "Override the review's language detection (e.g. en, zh)."),
    tgt_lang: Optional[str] = lang_option("--tgt-lang", "Override the translation's language detection."),
    encoding: Optional[str] = encoding_option("--encoding", "both texts"),
    subs_encoding: SubsEncoding = None,
    no_cache: NoCache = not ReportRequest.cache,
) -> None:
    """Write a single HTML page: the review and its translation side by side, quotes with their cues, the glossary."""
    request = ReportRequest(
        review, translation=translation, subs=subs, glossary=glossary, alignment=alignment, quotes=quotes,
        no_glossary=no_glossary, low_score=low_score, title=title, model=model, src_lang=src_lang,
        tgt_lang=tgt_lang, encoding=encoding, subs_encoding=subs_encoding, cache=not no_cache,
    )
    request.validate()
    check_output(out, request.inputs)
    page = run_report(request, warn=warn).outputs[MAIN]
    atomic_write(out, page, inputs=request.inputs)
    say(f"wrote {out} ({len(page.encode('utf-8')) / 1024:.0f} KB)")
    typer.echo(out.resolve().as_uri())
