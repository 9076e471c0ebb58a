"""``glossary`` as a run function: build an English-Chinese glossary, or check a translation
against one; a request in, texts out (the CLI and batch write them).

The CLI imports this module at start-up for the request's defaults, so :func:`run_glossary`
imports the pairing (numpy, jieba), the formats and the encoders when it runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from subalign.errors import SubalignError
from subalign.runs import MAIN, ModelRequest, RunResult, Warnings

CHECK_FORMATS = ("tsv", "json")


@dataclass
class GlossaryRequest(ModelRequest):
    """``subalign glossary SRC TGT`` (English text, Chinese text), or with *glossary*
    (``--check GLOSSARY SRC TGT``): the links where a glossary term's agreed rendering is missing."""

    src: Path
    tgt: Path
    glossary: Path | None = None
    format: str = "tsv"
    min_score: float = 0.5
    src_lang: str | None = None
    tgt_lang: str | None = None
    encoding: str | None = None

    def validate(self) -> None:
        """Every check that needs no input read, with the CLI's flag names."""
        if not 0.0 <= self.min_score <= 1.0:  # also false for NaN
            raise SubalignError(f"--min-score must be a number from 0 to 1, got {self.min_score}")
        if self.glossary is not None and self.format not in CHECK_FORMATS:
            raise SubalignError("--check writes tsv or json")

    @property
    def inputs(self) -> list[Path]:
        return [p for p in (self.glossary, self.src, self.tgt) if p is not None]


def run_glossary(request: GlossaryRequest, *, encoder=None, warn=None) -> RunResult:
    """The glossary (or the check's issues) as ``main``. Every input is read, and the languages
    checked, before the model is loaded."""
    from subalign.glossary import check, formats, pairing  # lazy: numpy

    request.validate()
    r = request
    if r.glossary is None and r.format not in formats.WRITERS:
        raise SubalignError(f"glossary writes {', '.join(formats.WRITERS)}, not {r.format}")
    rows = formats.read_glossary(r.glossary) if r.glossary is not None else None
    if rows is not None and not rows:
        raise SubalignError(f"{r.glossary}: no en/zh pairs in the glossary")
    alignment, encoder = _aligned(r, encoder)
    info = {"src": str(r.src), "tgt": str(r.tgt), "model": r.model}
    if rows is not None:
        issues = check.check_glossary(alignment, rows)
        info["glossary"] = str(r.glossary)
        text = formats.check_to_json(issues, info) if r.format == "json" else formats.check_to_tsv(issues)
        return RunResult({MAIN: text}, f"{len(issues)} missing renderings in {len(alignment.links)} links "
                                       f"({len(rows)} glossary rows)")
    warnings = Warnings(warn)
    entries = pairing.build_glossary(alignment, encoder, pairing.GlossaryOptions(min_score=r.min_score), warn=warnings)
    if r.format == "json":
        text = formats.to_json(entries, {**info, "min_score": r.min_score})
    else:
        text = formats.WRITERS[r.format](entries)
    names = sum(e.type != "term" for e in entries)
    summary = f"{len(entries)} glossary entries ({names} names, {len(entries) - names} terms)"
    return RunResult({MAIN: text}, summary, warnings.items)


def _aligned(r: GlossaryRequest, encoder):
    """The two texts read (English first, Chinese second), the model loaded, the alignment made."""
    from subalign.glossary.run import aligned_files  # lazy: not for --help

    return aligned_files(r.src, r.tgt, model=r.model, encoder=encoder, cache=r.cache, src_lang=r.src_lang,
                         tgt_lang=r.tgt_lang, src_encoding=r.encoding, tgt_encoding=r.encoding)
