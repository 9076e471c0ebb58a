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
    #: Found (a match) when the confidence reaches this (default: the fitted decision's own limit).
    min_confidence: float | None = None
    subs_encoding: str | None = None

    def validate(self) -> None:
        """Range checks as one-line errors naming the flags."""
        if self.max_cues < 1:
            raise SubalignError(f"--max-cues must be at least 1, got {self.max_cues}")
        check_finite("--max-gap", self.max_gap)
        if not self.max_gap >= 0:
            raise SubalignError(f"--max-gap must be a non-negative number of seconds, got {self.max_gap}")
        check_finite("--threshold", self.threshold)
        check_finite("--min-confidence", self.min_confidence)
        if self.min_confidence is not None and not 0.0 <= self.min_confidence <= 1.0:
            raise SubalignError(f"--min-confidence is a probability between 0 and 1, got {self.min_confidence}")
        if self.min_confidence is not None and self.threshold is not None:
            raise SubalignError("--threshold and --min-confidence are two found tests: give one of them")


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
    #: A second track in the review's language: quotes are found there and carried to ``subs``.
    via: Path | None = None
    #: When the quotes found follow the film, look for the others between them (quotes/order.py).
    order: bool = True

    def validate(self) -> None:
        super().validate()
        if self.context < 0:
            raise SubalignError(f"--context must not be negative, got {self.context}")
        check_language("--lang", self.lang)


def run_quotes(request: QuotesRequest, *, encoder=None, warn=None) -> RunResult:
    """The review's quotations matched against the cues; ``main`` is the TSV/JSON/SRT text and,
    for srt, ``sidecar`` its JSON map. The model is loaded only when there is a quotation.

    The found test is the fitted decision (``confidence`` against its limit, or
    ``min_confidence``) unless the user gave a ``threshold``; JSON's ``info.decision`` says which.
    """
    from subalign import api  # lazy: numpy
    from subalign.quotes import extract, formats  # lazy: numpy
    from subalign.subs.read import read_subtitles  # lazy: not for --help
    from subalign.text.documents import load_document  # lazy: not for --help

    request.validate()
    r = request
    warnings = Warnings(warn)
    doc = load_document(r.review, lang=r.lang, encoding=r.encoding)
    cues = read_subtitles(r.subs, encoding=r.subs_encoding, warn=warnings)
    second = read_subtitles(r.via, warn=warnings) if r.via is not None else None
    found = extract.extract_quotes(doc)
    if not found:
        warnings(f"{r.review}: no quotations found in the review")
    if found and encoder is None:
        encoder = api.get_encoder(r.model, cache=r.cache)
    matches, rule = [], None
    if found:
        texts = [extract.quote_for_matching(q) for q in found]
        matches, rule = _match_quotes(r, found, texts, cues, second, encoder, warnings)
    outputs = {}
    if r.format == "tsv":
        outputs[MAIN] = formats.to_tsv(matches)
    elif r.format == "json":
        info = {"review": str(r.review), "subtitles": str(r.subs), "model": r.model,
                "threshold": rule["threshold"] if rule and rule["rule"] == "threshold" else r.threshold,
                "min_confidence": rule["min_confidence"] if rule and rule["rule"] == "confidence" else None,
                "decision": rule, "max_cues": r.max_cues, "max_gap_s": r.max_gap}
        if r.via is not None:
            info["via"] = str(r.via)
        outputs[MAIN] = formats.to_json(matches, info=info)
    elif r.format == "srt":
        outputs[MAIN], outputs[SIDECAR] = formats.to_srt(matches, cues, context=r.context, srt_name=r.srt_name)
        if not outputs[MAIN]:
            warnings("no quotation was found in the subtitles: the SRT file is empty")
    else:
        raise SubalignError(f"quotes writes tsv, json or srt, not {r.format}")
    summary = _summary(matches, rule)
    return RunResult(outputs, summary, warnings.items)


def _match_quotes(r: QuotesRequest, found, texts, cues, second, encoder, warnings):
    """``(matches, decision rule)`` directly against *cues*, or through the *second* track (``--via``)."""
    from subalign.quotes import match, scoring, via  # lazy: numpy

    if second is not None:
        v = via.prepare_via(cues, second, encoder, max_cues=r.max_cues, max_gap_s=r.max_gap)
        same = scoring.use_lexical(None, texts, v.film)
        if not same:
            warnings(f"{r.via}: --via should be a track in the review's language; it is matched across languages")
        matches = via.find_quotes_via(found, v, threshold=r.threshold, min_confidence=r.min_confidence,
                                      order=r.order)
        film = v.film
    else:
        film = scoring.as_film(cues, encoder, r.max_cues, r.max_gap, texts)
        same = scoring.use_lexical(None, texts, film)
        matches = match.find_quotes(found, film, encoder, threshold=r.threshold, min_confidence=r.min_confidence,
                                    order=r.order)
    rule = match.decision_rule(encoder, same, len(film.cues), r.threshold, r.min_confidence, order=r.order)
    if r.min_confidence is not None and rule["rule"] != "confidence":
        warnings("--min-confidence has no effect: this model has no fitted decision (the threshold applies)")
    return matches, rule


def _summary(matches, rule) -> str:
    from subalign.quotes import match  # lazy: numpy

    text = match.summary(matches)
    if rule is None:
        return text
    if rule["rule"] == "confidence":
        by_order = sum(1 for m in matches if m.found and m.placed_by_order)
        extra = f"; {by_order} placed by the review's order" if by_order else ""
        return f"{text} (found: confidence >= {rule['min_confidence']:.2f}{extra})"
    return f"{text} (found: score >= {rule['threshold']:.2f})"


@dataclass
class FindRequest(CueMatching):
    """``subalign find TEXT SUBS``: the places in the film that best say TEXT."""

    text: str
    subs: Path
    top: int = 5
    #: A second track in the phrase's language: places found there, shown with the main track's.
    via: Path | None = None

    def validate(self) -> None:
        super().validate()
        if self.top < 1:
            raise SubalignError(f"--top must be at least 1, got {self.top}")
        if not self.text.strip():
            raise SubalignError("nothing to search for: the text is empty")


def run_find(request: FindRequest, *, encoder=None, warn=None) -> RunResult:
    """``main``: one line per hit (rank, score, match/weak, cue numbers, times, subtitle text; with
    ``via``, then the second track's cue numbers, times and text). ``match`` is the fitted decision
    (the hit's confidence against its limit) unless a ``threshold`` is given."""
    from subalign import api  # lazy: numpy
    from subalign.quotes import match, scoring, via  # lazy: numpy
    from subalign.subs.read import read_subtitles  # lazy: not for --help

    request.validate()
    r = request
    warnings = Warnings(warn)
    cues = read_subtitles(r.subs, encoding=r.subs_encoding, warn=warnings)
    second = read_subtitles(r.via, warn=warnings) if r.via is not None else None
    if encoder is None:
        encoder = api.get_encoder(r.model, cache=r.cache)
    text = " ".join(r.text.split())
    checker = "auto" if r.threshold is None else None  # with a threshold the found test is the score
    if scoring.bounded_query(text)[2]:
        warnings("the phrase is longer than any window of cues: it is matched by its beginning")
    if second is not None:
        v = via.prepare_via(cues, second, encoder, max_cues=r.max_cues, max_gap_s=r.max_gap)
        film = v.film
        pairs = via.search_via(r.text, v, top=r.top, checker=checker)
    else:
        film = scoring.as_film(cues, encoder, r.max_cues, r.max_gap, [r.text])
        pairs = [(h, None) for h in match.search(r.text, film, encoder, top=r.top, checker=checker)]
    rule = match.decision_rule(encoder, scoring.use_lexical(None, [r.text], film), len(film.cues), r.threshold,
                               r.min_confidence)
    if r.min_confidence is not None and rule["rule"] != "confidence":
        warnings("--min-confidence has no effect: this model has no fitted decision (the threshold applies)")
    if rule["rule"] == "confidence":
        limit = rule["min_confidence"]
        passes = lambda h: h.confidence is not None and h.confidence >= limit  # noqa: E731
        test = f"the decision (confidence >= {limit:.2f})"
    else:
        limit = rule["threshold"]
        passes = lambda h: h.score >= limit  # noqa: E731
        test = f"the threshold {limit:.2f}"
    lines = []
    for rank, (h, second_place) in enumerate(pairs, 1):
        mark = "match" if passes(h) else "weak"
        cells = [str(rank), f"{h.score:.3f}", mark, *_place_cells(h)]
        if second is not None:
            cells += _place_cells(second_place)
        lines.append("\t".join(cells) + "\n")
    good = sum(passes(h) for h, _ in pairs)
    return RunResult({MAIN: "".join(lines)}, f"{good} of {len(pairs)} hits pass {test}", warnings.items)


def _place_cells(h) -> list[str]:
    """Cue numbers, ``start --> end`` and the flattened text of a place (empty cells for no cue)."""
    from subalign.subs.cues import format_timestamp  # lazy: not for --help

    if not h.cues:
        return ["", "", ""]
    numbers = ",".join(map(str, h.numbers))
    flat = " / ".join(" ".join(c.plain.split()) for c in h.cues)
    return [numbers, f"{format_timestamp(h.start_ms)} --> {format_timestamp(h.end_ms)}", flat]
