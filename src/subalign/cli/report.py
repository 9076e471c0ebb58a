"""``subalign report``: one self-contained HTML page with the alignment, the quotes and the glossary.

Kept in its own module so it can be registered with ``app.command("report")(report)``;
only typer/pathlib/typing are imported here, everything heavy inside the function.
Every input is read and checked (saved JSON against the texts it claims to come
from) and the output checked before the model is loaded.
"""

from __future__ import annotations

from pathlib import Path

import typer

from subalign.cli.common import _finite, _warn


def report(
    review: Path = typer.Argument(..., help="The review (text file); its sentences get the ids p12.s3."),
    out: Path = typer.Option(..., "-o", "--out", help="The HTML file to write (self-contained, opens from disk)."),
    translation: Path | None = typer.Option(
        None, "--translation", "-t", help="The translation (text file): aligned and shown side by side."
    ),
    subs: Path | None = typer.Option(
        None, "--subs", help="The film's subtitles (quotes are looked for in them), or a saved `subalign quotes` JSON."
    ),
    glossary: Path | None = typer.Option(
        None,
        "--glossary",
        help="A glossary (subalign JSON with its anchors, or TSV/CSV/TBX pairs). Default: built from the alignment.",
    ),
    alignment: Path | None = typer.Option(
        None, "--alignment", help="A saved `subalign align --format json` of REVIEW and --translation (skips aligning)."
    ),
    quotes: Path | None = typer.Option(None, "--quotes", help="A saved `subalign quotes -o q.json` (skips the search)."),
    no_glossary: bool = typer.Option(False, "--no-glossary", help="Do not build a glossary when none is given."),
    low_score: float = typer.Option(0.5, "--low-score", help="Flag links scoring below this as low confidence."),
    title: str | None = typer.Option(None, "--title", help="Page title (default: from the review's file name)."),
    model: str = typer.Option(
        "use-m3", "--model", "-m", help="use-m3, e5-small, a+b ensemble, a model folder or a cached hub name."
    ),
    src_lang: str | None = typer.Option(
        None, "--src-lang", help="Override the review's language detection (e.g. en, zh)."
    ),
    tgt_lang: str | None = typer.Option(None, "--tgt-lang", help="Override the translation's language detection."),
    encoding: str | None = typer.Option(None, "--encoding", help="Encoding of both texts (default: detected)."),
    subs_encoding: str | None = typer.Option(None, "--subs-encoding", help="Encoding of the subtitles (default: detected)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the embedding cache."),
) -> None:
    """Write a single HTML page: the review and its translation side by side, quotes with their cues, the glossary."""
    from subalign.text.textio import atomic_write, check_output
    from subalign.errors import SubalignError

    if quotes is not None and subs is not None:
        raise SubalignError("give --subs or --quotes, not both")
    if alignment is not None and translation is None:
        raise SubalignError("--alignment needs --translation (the text it was made from)")
    if glossary is not None and no_glossary:
        raise SubalignError("give --glossary or --no-glossary, not both")
    _finite("--low-score", low_score)
    inputs = [p for p in (review, translation, subs, glossary, alignment, quotes) if p is not None]
    check_output(out, inputs)

    from subalign.report.page import build_report
    from subalign.report.views import alignment_from_json, check_saved_glossary, check_saved_quotes
    from subalign.text.documents import load_document

    src = load_document(review, lang=src_lang, encoding=encoding)
    tgt = load_document(translation, lang=tgt_lang, encoding=encoding) if translation is not None else None

    # Everything saved is read and checked against the texts before any model work.
    align = None
    if alignment is not None:
        saved = _read_json(alignment, "a subalign alignment JSON")
        align = _checked(alignment, lambda: alignment_from_json(saved, src, tgt))
    quote_data = None
    quote_path = quotes
    if quote_path is None and subs is not None and subs.suffix.lower() == ".json":
        quote_path = subs
    cues = None
    if quote_path is not None:
        quote_data = _read_json(quote_path, "a subalign quotes JSON")
        _checked(quote_path, lambda: check_saved_quotes(quote_data, src))
    elif subs is not None:
        from subalign.subs.read import read_subtitles

        cues = read_subtitles(subs, encoding=subs_encoding, warn=_warn)
    gloss_data = None
    if glossary is not None:
        if glossary.suffix.lower() == ".json":
            gloss_data = _read_json(glossary, "a subalign glossary JSON")
            _checked(glossary, lambda: check_saved_glossary(gloss_data, src, tgt))
        else:
            from subalign.glossary.formats import read_glossary

            gloss_data = read_glossary(glossary)

    encoder = None

    def enc():
        nonlocal encoder
        if encoder is None:
            from subalign.api import get_encoder

            encoder = get_encoder(model, cache=not no_cache)
        return encoder

    if tgt is not None and align is None:
        from subalign.api import align as run_align
        from subalign.text.documents import check_language_pair

        msg = check_language_pair(src, tgt)
        if msg:
            _warn(msg)
        align = run_align(src, tgt, encoder=enc(), model=model)

    if cues is not None:
        from subalign.quotes import match as qf
        from subalign.quotes.extract import extract_quotes

        found = extract_quotes(src)
        if not found:
            _warn(f"{review}: no quotations found in the review")
        quote_data = qf.find_quotes(found, cues, enc()) if found else []

    if gloss_data is None and align is not None and not no_glossary:
        from subalign.glossary.pairing import build_glossary

        if align.src.lang != "zh" and align.tgt.lang == "zh":
            gloss_data = build_glossary(align, enc(), warn=_warn)
        else:
            _warn(
                f"no glossary: it needs an English review and a Chinese translation (got {align.src.lang} / "
                f"{align.tgt.lang}; --src-lang / --tgt-lang if the detection is wrong)"
            )

    page = build_report(
        align if align is not None else src,
        quote_data,
        gloss_data,
        title=title,
        low_score=low_score,
        info={"model": model},
    )
    atomic_write(out, page, inputs=inputs)
    size = len(page.encode("utf-8"))
    typer.echo(f"subalign: wrote {out} ({size / 1024:.0f} KB)", err=True)
    typer.echo(out.resolve().as_uri())


def _read_json(path: Path, what: str) -> dict:
    import json

    from subalign.text.textio import read_text
    from subalign.errors import SubalignError

    text, _ = read_text(path)
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise SubalignError(f"{path}: not {what} ({type(exc).__name__}: {exc})") from None
    if not isinstance(obj, dict):
        raise SubalignError(f"{path}: not {what}")
    return obj


def _checked(path: Path, check):
    """Run *check*; its one-line error is prefixed with the file it is about."""
    from subalign.errors import SubalignError

    try:
        return check()
    except SubalignError as exc:
        raise SubalignError(f"{path}: {exc}") from None
