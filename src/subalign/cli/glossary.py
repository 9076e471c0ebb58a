"""``subalign glossary``: build a bilingual glossary, or QA a translation against one.

Registered in :mod:`subalign.cli.entry` with ``app.command("glossary")(glossary)``. The logic is
in :mod:`subalign.glossary.commands` (light to import; the pairing and the model load when the
command runs). Every input is read and every output checked before the model is loaded, so a
mistyped name fails in a second, not after the model's start-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from subalign.cli.common import Model, NoCache, Out, check_outputs, emit_result, encoding_option, format_enum, lang_option, output_format, warn
from subalign.errors import SubalignError
from subalign.glossary.commands import CHECK_FORMATS, GlossaryRequest, run_glossary

GlossaryFormat = format_enum("glossary")


def glossary(
    files: list[Path] = typer.Argument(
        ...,
        metavar="[GLOSSARY] SRC TGT",
        help="SRC TGT (English text, Chinese text); with --check: GLOSSARY SRC TGT.",
    ),
    out: Out = None,
    fmt: Optional[GlossaryFormat] = typer.Option(
        None, "--format", "-f",
        help=f"tsv, csv, tbx or json (default: from -o's extension, else {GlossaryRequest.format}). "
             f"--check: {' or '.join(CHECK_FORMATS)}.",
    ),
    min_score: float = typer.Option(GlossaryRequest.min_score, "--min-score", help="Leave out pairs scoring below this (0..1)."),
    check: bool = typer.Option(
        False, "--check", help="Terminology QA: report links where a glossary term's agreed rendering is missing."
    ),
    model: Model = GlossaryRequest.model,
    src_lang: Optional[str] = lang_option("--src-lang", "Override source language detection (e.g. en)."),
    tgt_lang: Optional[str] = lang_option("--tgt-lang", "Override target language detection (e.g. zh)."),
    encoding: Optional[str] = encoding_option("--encoding", "both texts"),
    no_cache: NoCache = not GlossaryRequest.cache,
) -> None:
    """Build an English-Chinese glossary (names and terms, with evidence), or --check a translation against one."""
    if check and len(files) != 3:
        raise SubalignError("--check needs three files: GLOSSARY SRC TGT")
    if not check and len(files) != 2:
        raise SubalignError("glossary needs two files: SRC TGT (or --check GLOSSARY SRC TGT)")
    gloss_path, src, tgt = files if check else (None, *files)
    request = GlossaryRequest(
        src, tgt, glossary=gloss_path, min_score=min_score, model=model, src_lang=src_lang, tgt_lang=tgt_lang,
        encoding=encoding, cache=not no_cache,
    )
    request.validate()
    request.format = output_format("glossary", out, fmt.value if fmt is not None else None, request.format)
    request.validate()
    check_outputs([out], request.inputs)
    emit_result(run_glossary(request, warn=warn), out, request.inputs)
