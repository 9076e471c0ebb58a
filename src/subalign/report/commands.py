"""``report`` as a run function: one self-contained HTML page with the alignment, the quotes and
the glossary; a request in, the page out (the CLI writes it).

Stages, in order: read every input and check saved JSON against the texts it claims to come
from (:func:`read_inputs`), then the model work that is still missing (align, find the
quotes, build the glossary), then the page. The model loads on first need, so a page made
from saved outputs needs none. The CLI imports this module at start-up for the request's
defaults, so the functions import what they use when they run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from subalign.errors import SubalignError
from subalign.runs import MAIN, ModelRequest, RunResult, Warnings, check_finite


@dataclass
class ReportRequest(ModelRequest):
    """``subalign report REVIEW``: what the page shows, given as texts or as saved outputs."""

    review: Path
    translation: Path | None = None
    subs: Path | None = None
    glossary: Path | None = None
    alignment: Path | None = None
    quotes: Path | None = None
    no_glossary: bool = False
    low_score: float = 0.5
    title: str | None = None
    src_lang: str | None = None
    tgt_lang: str | None = None
    encoding: str | None = None
    subs_encoding: str | None = None

    def validate(self) -> None:
        """Every check that needs no input read, with the CLI's flag names."""
        if self.quotes is not None and self.subs is not None:
            raise SubalignError("give --subs or --quotes, not both")
        if self.alignment is not None and self.translation is None:
            raise SubalignError("--alignment needs --translation (the text it was made from)")
        if self.glossary is not None and self.no_glossary:
            raise SubalignError("give --glossary or --no-glossary, not both")
        check_finite("--low-score", self.low_score)

    @property
    def inputs(self) -> list[Path]:
        """Every file the page is made from (an output must be none of them)."""
        return [p for p in (self.review, self.translation, self.subs, self.glossary, self.alignment, self.quotes)
                if p is not None]


@dataclass
class ReportInputs:
    """The texts and whatever saved outputs were given, read and checked."""

    src: Any  # Document
    tgt: Any = None  # Document
    alignment: Any = None  # Alignment
    quotes: Any = None  # saved quotes JSON
    cues: list | None = None  # subtitles to find the quotes in
    glossary: Any = None  # saved glossary JSON, or (en, zh) pairs


def run_report(request: ReportRequest, *, encoder=None, warn=None) -> RunResult:
    """The HTML page as ``main``."""
    from subalign.report.page import build_report  # lazy: not for --help

    request.validate()
    warnings = Warnings(warn)
    got = read_inputs(request, warnings)
    model = _Model(request, encoder)
    alignment = got.alignment
    if got.tgt is not None and alignment is None:
        alignment = _align(got, model, warnings)
    quotes = got.quotes if got.cues is None else _find_quotes(request, got, model, warnings)
    glossary = got.glossary
    if glossary is None and alignment is not None and not request.no_glossary:
        glossary = _build_glossary(alignment, model, warnings)
    page = build_report(alignment if alignment is not None else got.src, quotes, glossary,
                        title=request.title, low_score=request.low_score, info={"model": request.model})
    return RunResult({MAIN: page}, warnings=warnings.items)


def read_inputs(r: ReportRequest, warn) -> ReportInputs:
    """Every input read, and every saved JSON checked against the texts, before any model work."""
    from subalign.glossary.formats import read_glossary  # lazy: numpy
    from subalign.report.views import alignment_from_json, check_saved_glossary, check_saved_quotes  # lazy: not for --help
    from subalign.subs.read import read_subtitles  # lazy: not for --help
    from subalign.text.documents import load_document  # lazy: not for --help

    got = ReportInputs(load_document(r.review, lang=r.src_lang, encoding=r.encoding))
    if r.translation is not None:
        got.tgt = load_document(r.translation, lang=r.tgt_lang, encoding=r.encoding)
    if r.alignment is not None:
        saved = _read_json(r.alignment, "a subalign alignment JSON")
        got.alignment = _checked(r.alignment, lambda: alignment_from_json(saved, got.src, got.tgt))
    quote_path = r.quotes
    if quote_path is None and r.subs is not None and r.subs.suffix.lower() == ".json":
        quote_path = r.subs
    if quote_path is not None:
        got.quotes = _read_json(quote_path, "a subalign quotes JSON")
        _checked(quote_path, lambda: check_saved_quotes(got.quotes, got.src))
    elif r.subs is not None:
        got.cues = read_subtitles(r.subs, encoding=r.subs_encoding, warn=warn)
    if r.glossary is not None and r.glossary.suffix.lower() == ".json":
        got.glossary = _read_json(r.glossary, "a subalign glossary JSON")
        _checked(r.glossary, lambda: check_saved_glossary(got.glossary, got.src, got.tgt))
    elif r.glossary is not None:
        got.glossary = read_glossary(r.glossary)
        if not got.glossary:
            raise SubalignError(f"{r.glossary}: no en/zh pairs in the glossary")
    return got


class _Model:
    """The encoder, loaded on first use (a page made from saved outputs needs none)."""

    def __init__(self, request: ReportRequest, encoder=None) -> None:
        self._request = request
        self._encoder = encoder

    @property
    def name(self) -> str:
        return self._request.model

    def encoder(self):
        from subalign import api  # lazy: numpy

        if self._encoder is None:
            self._encoder = api.get_encoder(self._request.model, cache=self._request.cache)
        return self._encoder


def _align(got: ReportInputs, model: _Model, warn):
    from subalign import api  # lazy: numpy
    from subalign.text.documents import check_language_pair  # lazy: not for --help

    same = check_language_pair(got.src, got.tgt)
    if same:
        warn(same)
    return api.align(got.src, got.tgt, encoder=model.encoder(), model=model.name)


def _find_quotes(r: ReportRequest, got: ReportInputs, model: _Model, warn) -> list:
    from subalign.quotes.extract import extract_quotes  # lazy: not for --help
    from subalign.quotes.match import find_quotes  # lazy: numpy

    found = extract_quotes(got.src)
    if not found:
        warn(f"{r.review}: no quotations found in the review")
        return []
    return find_quotes(found, got.cues, model.encoder())


def _build_glossary(alignment, model: _Model, warn):
    from subalign.glossary.pairing import build_glossary  # lazy: numpy, jieba

    if alignment.src.lang != "zh" and alignment.tgt.lang == "zh":
        return build_glossary(alignment, model.encoder(), warn=warn)
    warn(
        f"no glossary: it needs an English review and a Chinese translation (got {alignment.src.lang} / "
        f"{alignment.tgt.lang}; --src-lang / --tgt-lang if the detection is wrong)"
    )
    return None


def _read_json(path: Path, what: str) -> dict:
    from subalign.text.textio import read_text  # lazy: not for --help

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
    try:
        return check()
    except SubalignError as exc:
        raise SubalignError(f"{path}: {exc}") from None
