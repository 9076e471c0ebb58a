"""``quotes`` and ``find`` as run functions: a request in, texts out (the CLI and batch write them).

The CLI imports this module at start-up for the requests' defaults, so the run functions
import the matcher (numpy), the readers and the encoders when they run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from subalign.errors import SubalignError
from subalign.runs import MAIN, SIDECAR, ModelRequest, RunResult, Warnings, check_finite, check_language


@dataclass(kw_only=True)
class CueMatching(ModelRequest):
    """What ``quotes`` and ``find`` share: how far a match may reach over the cues, and the model."""

    max_cues: int = 4
    max_gap: float = 5.0
    threshold: float | None = None
    subs_encoding: str | None = None

    def validate(self) -> None:
        """Range checks as one-line errors naming the flags."""
        if self.max_cues < 1:
            raise SubalignError(f"--max-cues must be at least 1, got {self.max_cues}")
        check_finite("--max-gap", self.max_gap)
        if not self.max_gap >= 0:
            raise SubalignError(f"--max-gap must be a non-negative number of seconds, got {self.max_gap}")
        check_finite("--threshold", self.threshold)


@dataclass
class QuotesRequest(CueMatching):
    """``subalign quotes REVIEW SUBS``: where each quotation of the review is spoken in the film."""

    review: Path
    subs: Path
    format: str = "tsv"
    context: int = 0
    lang: str | None = None
    encoding: str | None = None
    #: srt: the file name the sidecar map points to.
    srt_name: str | None = None

    def validate(self) -> None:
        super().validate()
        if self.context < 0:
            raise SubalignError(f"--context must not be negative, got {self.context}")
        check_language("--lang", self.lang)


def run_quotes(request: QuotesRequest, *, encoder=None, warn=None) -> RunResult:
    """The review's quotations matched against the cues; ``main`` is the TSV/JSON/SRT text and,
    for srt, ``sidecar`` its JSON map. The model is loaded only when there is a quotation."""
    from subalign import api  # lazy: numpy
    from subalign.quotes import extract, formats, match  # lazy: numpy
    from subalign.subs.read import read_subtitles  # lazy: not for --help
    from subalign.text.documents import load_document  # lazy: not for --help

    request.validate()
    r = request
    warnings = Warnings(warn)
    doc = load_document(r.review, lang=r.lang, encoding=r.encoding)
    cues = read_subtitles(r.subs, encoding=r.subs_encoding, warn=warnings)
    found = extract.extract_quotes(doc)
    if not found:
        warnings(f"{r.review}: no quotations found in the review")
    if found and encoder is None:
        encoder = api.get_encoder(r.model, cache=r.cache)
    threshold = r.threshold
    if threshold is None and encoder is not None:
        threshold = match.default_threshold(encoder)
    matches = []
    if found:
        matches = match.find_quotes(found, cues, encoder, max_cues=r.max_cues, max_gap_s=r.max_gap, threshold=threshold)
    outputs = {}
    if r.format == "tsv":
        outputs[MAIN] = formats.to_tsv(matches)
    elif r.format == "json":
        info = {"review": str(r.review), "subtitles": str(r.subs), "model": r.model, "threshold": threshold,
                "max_cues": r.max_cues, "max_gap_s": r.max_gap}
        outputs[MAIN] = formats.to_json(matches, info=info)
    elif r.format == "srt":
        outputs[MAIN], outputs[SIDECAR] = formats.to_srt(matches, cues, context=r.context, srt_name=r.srt_name)
        if not outputs[MAIN]:
            warnings("no quotation was found in the subtitles: the SRT file is empty")
    else:
        raise SubalignError(f"quotes writes tsv, json or srt, not {r.format}")
    return RunResult(outputs, match.summary(matches), warnings.items)


@dataclass
class FindRequest(CueMatching):
    """``subalign find TEXT SUBS``: the places in the film that best say TEXT."""

    text: str
    subs: Path
    top: int = 5

    def validate(self) -> None:
        super().validate()
        if self.top < 1:
            raise SubalignError(f"--top must be at least 1, got {self.top}")
        if not self.text.strip():
            raise SubalignError("nothing to search for: the text is empty")


def run_find(request: FindRequest, *, encoder=None, warn=None) -> RunResult:
    """``main``: one line per hit (rank, score, match/weak, cue numbers, times, subtitle text)."""
    from subalign import api  # lazy: numpy
    from subalign.quotes import match, scoring  # lazy: numpy
    from subalign.subs.cues import format_timestamp  # lazy: not for --help
    from subalign.subs.read import read_subtitles  # lazy: not for --help

    request.validate()
    r = request
    warnings = Warnings(warn)
    cues = read_subtitles(r.subs, encoding=r.subs_encoding, warn=warnings)
    if encoder is None:
        encoder = api.get_encoder(r.model, cache=r.cache)
    limit = r.threshold if r.threshold is not None else match.default_threshold(encoder)
    if scoring.bounded_query(" ".join(r.text.split()))[2]:
        warnings("the phrase is longer than any window of cues: it is matched by its beginning")
    hits = match.search(r.text, cues, encoder, top=r.top, max_cues=r.max_cues, max_gap_s=r.max_gap)
    lines = []
    for rank, h in enumerate(hits, 1):
        mark = "match" if h.score >= limit else "weak"
        numbers = ",".join(map(str, h.numbers))
        flat = " / ".join(" ".join(c.plain.split()) for c in h.cues)
        lines.append(
            f"{rank}\t{h.score:.3f}\t{mark}\t{numbers}\t"
            f"{format_timestamp(h.start_ms)} --> {format_timestamp(h.end_ms)}\t{flat}\n"
        )
    good = sum(h.score >= limit for h in hits)
    return RunResult({MAIN: "".join(lines)}, f"{good} of {len(hits)} hits above the threshold {limit:.2f}",
                     warnings.items)
