"""``subalign apply``: replay a corrections file (exported from the report page) on saved outputs.

Registered with ``app.command("apply")(apply)``. Only typer loads here; the corrections package
(which pulls numpy through the glossary and quote modules) and the text helpers are imported
inside the command, so ``subalign --help`` stays instant. Every input is read and checked, and
every output checked, before anything is written.
"""

from __future__ import annotations

from pathlib import Path

import typer

from subalign.errors import SubalignError


def _say(msg: str) -> None:
    typer.echo(f"subalign: {msg}", err=True)


def apply(
    corrections: Path = typer.Argument(..., help="A corrections file (the report page's 'Export corrections')."),
    out: Path = typer.Option(..., "-o", "--out", help="Folder for the corrected files (created if missing)."),
    alignment: Path | None = typer.Option(None, "--alignment", help="The saved `subalign align --format json`."),
    quotes: Path | None = typer.Option(None, "--quotes", help="The saved `subalign quotes -o q.json`."),
    glossary: Path | None = typer.Option(
        None, "--glossary", help="The glossary the report showed (subalign JSON; TSV/CSV/TBX give their pairs)."
    ),
    review: Path | None = typer.Option(
        None, "--review", help="The review text (default: its sentences are read from the alignment JSON)."
    ),
    translation: Path | None = typer.Option(None, "--translation", "-t", help="The translation text (with --review)."),
    strict: bool = typer.Option(False, "--strict", help="Write nothing (exit 2) if an operation does not fit."),
) -> None:
    """Replay corrections on saved outputs; writes the files the report page exports, byte for byte."""
    from subalign.corrections import exports, ops, replay, saved  # lazy: pulls numpy (glossary, quotes) on the CLI path
    from subalign.text.textio import atomic_write, check_outputs, read_text  # lazy: command modules load only typer

    if alignment is None and quotes is None and glossary is None:
        raise SubalignError("give the outputs to correct: --alignment, --quotes and/or --glossary")
    if (review is None) != (translation is None) or (review is not None and alignment is None):
        raise SubalignError("--review and --translation go together, with --alignment")
    if out.exists() and not out.is_dir():
        raise SubalignError(f"{out}: -o must be a folder (the corrected files go into it)")
    inputs = [p for p in (corrections, alignment, quotes, glossary, review, translation) if p is not None]

    def read(path: Path | None, load):
        """``load(path)``, or None without a path; its one-line error names the file."""
        if path is None:
            return None
        try:
            return load(path)
        except SubalignError as exc:
            msg = str(exc)
            raise SubalignError(msg if msg.startswith(str(path)) else f"{path}: {msg}") from None

    def text(parse):
        return lambda path: parse(read_text(path)[0])

    corr = read(corrections, text(ops.parse_corrections))
    align = read(alignment, text(lambda t: _alignment(t, review, translation)))
    matches = read(quotes, text(saved.quote_matches))
    entries = read(glossary, saved.read_glossary_entries)
    name = exports.safe_name(corr.name) if corr.name else exports.name_for(align.src.path if align else None)
    files, result = replay.apply_corrections(corr, align, matches, entries, name=name)
    targets = {out / fname: text for fname, text in files.items()}
    check_outputs(list(targets), inputs)

    for what in result.changed_inputs:
        _say(f"warning: the {what} differs from the one the corrections were made on; operations are matched by sentence")
    for n, op, reason in result.skipped:
        where = f", link {op['link']}" if "link" in op else ""
        _say(f"warning: operation {n} ({op['op']}{where}) not applied: {reason}")
    if result.skipped:
        _say(f"warning: {len(result.skipped)} of {len(corr.ops)} operations not applied")
        if strict:
            raise SubalignError(f"{len(result.skipped)} operations do not fit these outputs (--strict): nothing written")
    for path, text in targets.items():
        atomic_write(path, text, inputs=inputs)
        _say(f"wrote {path}")
    _say(f"applied {result.applied} of {len(corr.ops)} operations")


def _alignment(text: str, review: Path | None, translation: Path | None):
    """The saved alignment, its sentences from the texts when given, else from the JSON itself."""
    from subalign.corrections.saved import alignment_from_saved, load_json  # lazy: numpy on the CLI path
    from subalign.report.views import alignment_from_json  # lazy: numpy (glossary check) on the CLI path
    from subalign.text.documents import load_document  # lazy: command modules load only typer (fast --help)

    obj = load_json(text, "a subalign alignment JSON")
    if review is None or translation is None:
        return alignment_from_saved(obj)

    info = {k: obj.get(k) if isinstance(obj, dict) and isinstance(obj.get(k), dict) else {} for k in ("src", "tgt")}
    src = load_document(review, lang=info["src"].get("lang"))
    tgt = load_document(translation, lang=info["tgt"].get("lang"))
    return alignment_from_json(obj, src, tgt)
