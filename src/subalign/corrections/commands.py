"""``apply`` as a run function: a corrections file and the saved outputs in, the corrected files'
texts out (by file name); the CLI writes them into its ``-o`` folder.

Light at import (the CLI reads this module at start-up): the corrections package loads numpy
through the glossary and quote modules, so it is imported inside :func:`run_apply`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from subalign.errors import SubalignError
from subalign.runs import RunResult, Warnings


@dataclass
class ApplyRequest:
    """``subalign apply CORRECTIONS --alignment A.json [--quotes Q.json] [--glossary G] -o DIR``."""

    corrections: Path
    alignment: Path | None = None
    quotes: Path | None = None
    glossary: Path | None = None
    review: Path | None = None
    translation: Path | None = None
    #: Refuse (write nothing) when an operation does not fit the outputs.
    strict: bool = False

    def validate(self) -> None:
        """Every check that needs no input read, with the CLI's flag names."""
        if self.alignment is None and self.quotes is None and self.glossary is None:
            raise SubalignError("give the outputs to correct: --alignment, --quotes and/or --glossary")
        if (self.review is None) != (self.translation is None) or (self.review is not None and self.alignment is None):
            raise SubalignError("--review and --translation go together, with --alignment")

    @property
    def inputs(self) -> list[Path]:
        return [p for p in (self.corrections, self.alignment, self.quotes, self.glossary, self.review,
                            self.translation) if p is not None]


def run_apply(request: ApplyRequest, *, warn=None) -> RunResult:
    """Replay the corrections; ``outputs`` maps each corrected file's name to its text, the names
    the report page gives its downloads."""
    from subalign.corrections import exports, ops, replay, saved  # lazy: numpy (glossary, quotes)
    from subalign.text.textio import read_text  # lazy: not for --help

    request.validate()
    warnings = Warnings(warn)

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

    r = request
    corr = read(r.corrections, text(ops.parse_corrections))
    align = read(r.alignment, text(lambda t: _alignment(t, r.review, r.translation)))
    matches = read(r.quotes, text(saved.quote_matches))
    entries = read(r.glossary, saved.read_glossary_entries)
    name = exports.safe_name(corr.name) if corr.name else exports.name_for(align.src.path if align else None)
    files, result = replay.apply_corrections(corr, align, matches, entries, name=name)

    for what in result.changed_inputs:
        warnings(f"the {what} differs from the one the corrections were made on; operations are matched by sentence")
    for n, op, reason in result.skipped:
        where = f", link {op['link']}" if "link" in op else ""
        warnings(f"operation {n} ({op['op']}{where}) not applied: {reason}")
    if result.skipped:
        warnings(f"{len(result.skipped)} of {len(corr.ops)} operations not applied")
        if r.strict:
            raise SubalignError(f"{len(result.skipped)} operations do not fit these outputs (--strict): nothing written")
    return RunResult(dict(files), f"applied {result.applied} of {len(corr.ops)} operations", warnings.items)


def _alignment(text: str, review: Path | None, translation: Path | None):
    """The saved alignment, its sentences from the texts when given, else from the JSON itself."""
    from subalign.corrections.saved import alignment_from_saved, load_json  # lazy: numpy on the CLI path
    from subalign.report.views import alignment_from_json  # lazy: numpy (glossary check) on the CLI path
    from subalign.text.documents import load_document  # lazy: not for --help

    obj = load_json(text, "a subalign alignment JSON")
    if review is None or translation is None:
        return alignment_from_saved(obj)
    info = {k: obj.get(k) if isinstance(obj, dict) and isinstance(obj.get(k), dict) else {} for k in ("src", "tgt")}
    src = load_document(review, lang=info["src"].get("lang"))
    tgt = load_document(translation, lang=info["tgt"].get("lang"))
    return alignment_from_json(obj, src, tgt)
