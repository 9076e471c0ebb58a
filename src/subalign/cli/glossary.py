"""``subalign glossary``: build a bilingual glossary, or QA a translation against one.

Kept in its own module so it can be registered with ``app.command("glossary")(glossary)``;
only typer/pathlib/typing are imported here, everything heavy inside the function.
Every input is read and every output checked before the model is loaded, so a
mistyped name fails in a second, not after the model's start-up.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from subalign.cli.common import _emit, _output_format, _warn


class GlossaryFormat(str, Enum):
    tsv = "tsv"
    csv = "csv"
    tbx = "tbx"
    json = "json"


def glossary(
    files: list[Path] = typer.Argument(
        ...,
        metavar="[GLOSSARY] SRC TGT",
        help="SRC TGT (English text, Chinese text); with --check: GLOSSARY SRC TGT.",
    ),
    out: Path | None = typer.Option(None, "-o", "--out", help="Output file (default: stdout)."),
    fmt: GlossaryFormat | None = typer.Option(
        None,
        "--format",
        "-f",
        help="tsv, csv, tbx or json (default: from -o's extension, else tsv). --check: tsv or json.",
    ),
    min_score: float = typer.Option(0.5, "--min-score", help="Leave out pairs scoring below this (0..1)."),
    check: bool = typer.Option(
        False,
        "--check",
        help="Terminology QA: report links where a glossary term's agreed rendering is missing.",
    ),
    model: str = typer.Option(
        "use-m3",
        "--model",
        "-m",
        help="use-m3, e5-small, a+b ensemble, a model folder or a cached hub name.",
    ),
    src_lang: str | None = typer.Option(None, "--src-lang", help="Override source language detection (e.g. en)."),
    tgt_lang: str | None = typer.Option(None, "--tgt-lang", help="Override target language detection (e.g. zh)."),
    encoding: str | None = typer.Option(None, "--encoding", help="Encoding of both texts (default: detected)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the embedding cache."),
) -> None:
    """Build an English-Chinese glossary (names and terms, with evidence), or --check a translation against one."""
    from subalign.errors import SubalignError

    if check:
        if len(files) != 3:
            raise SubalignError("--check needs three files: GLOSSARY SRC TGT")
        gloss_path, src, tgt = files
    else:
        if len(files) != 2:
            raise SubalignError("glossary needs two files: SRC TGT (or --check GLOSSARY SRC TGT)")
        gloss_path = None
        src, tgt = files
    from subalign.glossary.check import check_glossary
    from subalign.glossary.inputs import load_pair
    from subalign.glossary.pairing import GlossaryOptions, build_glossary
    from subalign.glossary import formats as gf

    if not 0.0 <= min_score <= 1.0:  # also false for NaN
        raise SubalignError(f"--min-score must be a number from 0 to 1, got {min_score}")
    options = GlossaryOptions(min_score=min_score)
    form = _output_format("glossary", out, fmt.value if fmt is not None else None, "tsv")
    if check and form not in ("tsv", "json"):
        raise SubalignError("--check writes tsv or json")
    inputs = [p for p in (gloss_path, src, tgt) if p is not None]
    if out is not None:
        from subalign.text.textio import check_output

        check_output(out, inputs)
    rows = gf.read_glossary(gloss_path) if gloss_path is not None else None
    if rows is not None and not rows:
        raise SubalignError(f"{gloss_path}: no en/zh pairs in the glossary")
    src_doc, tgt_doc = load_pair(src, tgt, src_lang, tgt_lang, encoding, encoding)

    from subalign.api import align, get_encoder

    encoder = get_encoder(model, cache=not no_cache)
    alignment = align(src_doc, tgt_doc, encoder=encoder, model=model)
    info = {"src": str(src), "tgt": str(tgt), "model": model}
    if rows is not None:
        issues = check_glossary(alignment, rows)
        info["glossary"] = str(gloss_path)
        _emit(
            gf.check_to_json(issues, info) if form == "json" else gf.check_to_tsv(issues),
            out,
            inputs,
        )
        typer.echo(
            f"subalign: {len(issues)} missing renderings in {len(alignment.links)} links ({len(rows)} glossary rows)",
            err=True,
        )
        return
    entries = build_glossary(alignment, encoder, options, warn=_warn)
    text = gf.to_json(entries, {**info, "min_score": min_score}) if form == "json" else gf.WRITERS[form](entries)
    _emit(text, out, inputs)
    names = sum(e.type != "term" for e in entries)
    typer.echo(
        f"subalign: {len(entries)} glossary entries ({names} names, {len(entries) - names} terms)",
        err=True,
    )
