"""``subalign report``: one self-contained HTML page with the alignment, the quotes and the glossary.

Kept out of cli.py so it can be registered with ``app.command("report")(report)``;
only typer/pathlib/typing are imported here, everything heavy inside the function.
"""

from __future__ import annotations

from pathlib import Path

import typer


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
    encoding: str | None = typer.Option(None, "--encoding", help="Encoding of both texts (default: detected)."),
    subs_encoding: str | None = typer.Option(None, "--subs-encoding", help="Encoding of the subtitles (default: detected)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the embedding cache."),
) -> None:
    """Write a single HTML page: the review and its translation side by side, quotes with their cues, the glossary."""
    import json

    from subalign.cli import _warn
    from subalign.textio import atomic_write, check_output, read_text
    from subalign.types import SubalignError

    if quotes is not None and subs is not None:
        raise SubalignError("give --subs or --quotes, not both")
    if alignment is not None and translation is None:
        raise SubalignError("--alignment needs --translation (the text it was made from)")
    if glossary is not None and no_glossary:
        raise SubalignError("give --glossary or --no-glossary, not both")
    inputs = [p for p in (review, translation, subs, glossary, alignment, quotes) if p is not None]
    check_output(out, inputs)

    from subalign.documents import load_document

    src = load_document(review, encoding=encoding)
    tgt = load_document(translation, encoding=encoding) if translation is not None else None

    encoder = None

    def enc():
        nonlocal encoder
        if encoder is None:
            from subalign.api import get_encoder

            encoder = get_encoder(model, cache=not no_cache)
        return encoder

    def read_json(path: Path, what: str) -> dict:
        text, _ = read_text(path)
        try:
            obj = json.loads(text)
        except ValueError as exc:
            raise SubalignError(f"{path}: not {what} ({exc})") from None
        if not isinstance(obj, dict):
            raise SubalignError(f"{path}: not {what}")
        return obj

    from subalign import report as rp

    align = None
    if tgt is not None:
        if alignment is not None:
            obj = read_json(alignment, "a subalign alignment JSON")
            try:
                align = rp.alignment_from_json(obj, src, tgt)
            except SubalignError as exc:
                raise SubalignError(f"{alignment}: {exc}") from None
        else:
            from subalign.api import align as run_align
            from subalign.documents import check_language_pair

            msg = check_language_pair(src, tgt)
            if msg:
                _warn(msg)
            align = run_align(src, tgt, encoder=enc(), model=model)

    quote_data = None
    if quotes is not None or (subs is not None and subs.suffix.lower() == ".json"):
        path = quotes if quotes is not None else subs
        assert path is not None
        quote_data = read_json(path, "a subalign quotes JSON")
        if not isinstance(quote_data.get("quotes"), list):
            raise SubalignError(f"{path}: not a subalign quotes JSON (no 'quotes' list)")
    elif subs is not None:
        from subalign import quotefinder as qf
        from subalign.quotes import extract_quotes
        from subalign.subtitles import read_subtitles

        cues = read_subtitles(subs, encoding=subs_encoding)
        found = extract_quotes(src)
        if not found:
            _warn(f"{review}: no quotations found in the review")
        quote_data = qf.find_quotes(found, cues, enc()) if found else []

    gloss_data = None
    if glossary is not None:
        if glossary.suffix.lower() == ".json":
            gloss_data = read_json(glossary, "a subalign glossary JSON")
            if not isinstance(gloss_data.get("entries"), list):
                raise SubalignError(f"{glossary}: not a subalign glossary JSON (no 'entries' list)")
        else:
            from subalign.glossary_formats import read_glossary

            gloss_data = read_glossary(glossary)
    elif align is not None and not no_glossary:
        from subalign import glossary as gl

        if {align.src.lang, align.tgt.lang} == {"en", "zh"}:
            gloss_data = gl.build_glossary(align, enc())
        else:
            _warn("no glossary: it needs an English-Chinese pair")

    page = rp.build_report(
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
