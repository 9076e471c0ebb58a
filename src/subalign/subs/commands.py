"""``dual`` and ``retime`` as run functions: a request in, texts out (the CLI and batch write them).

The CLI imports this module at start-up for the requests' defaults and choices, so the run
functions import the cue aligner (numpy), the readers and the encoders when they run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from subalign.errors import SubalignError
from subalign.runs import MAIN, REPORT, ModelRequest, RunResult, Warnings, check_finite, check_language, list_numbers

#: ``--top``: the language on the first line of a dual cue.
TOP_LANGUAGES = ("zh", "en")
#: ``--timing``: whose cue times a dual track keeps.
TIMINGS = ("a", "b", "union")


@dataclass
class DualRequest(ModelRequest):
    """``subalign dual A B``: two subtitle tracks of one film merged into one two-language track."""

    a: Path
    b: Path
    format: str = "srt"
    top: str = "zh"
    timing: str = "a"
    max_width_zh: int = 32
    max_width_en: int = 42
    #: Also make the JSON link report (role ``report``).
    report: bool = False
    max_align: int = 4
    time_weight: float = 0.6
    a_lang: str | None = None
    b_lang: str | None = None
    a_encoding: str | None = None
    b_encoding: str | None = None
    #: False: two tracks in one language are an error (batch), not a warning (the CLI).
    allow_same_lang: bool = True

    def validate(self) -> None:
        """Every check that needs no input read, with the CLI's flag names."""
        from subalign.subs.dual import DualOptions  # lazy: numpy

        if self.max_width_zh < 2 or self.max_width_en < 2:
            raise SubalignError("--max-width-zh and --max-width-en must be at least 2")
        check_finite("--time-weight", self.time_weight)
        check_language("--a-lang", self.a_lang)
        check_language("--b-lang", self.b_lang)
        if self.time_weight < 0:
            raise SubalignError(f"--time-weight must not be negative, got {self.time_weight}")
        if self.top not in TOP_LANGUAGES:
            raise SubalignError(f"--top must be {' or '.join(TOP_LANGUAGES)}, not {self.top!r}")
        if self.timing not in TIMINGS:
            raise SubalignError(f"--timing must be a, b or union, not {self.timing!r}")
        DualOptions(max_align=self.max_align, time_weight=self.time_weight).bead_types()


def run_dual(request: DualRequest, *, encoder=None, warn=None) -> RunResult:
    """The dual track (srt/ass/vtt) or the link report (json) as ``main``; ``report`` too if asked.
    Both tracks are read before the model is loaded."""
    from subalign import api  # lazy: numpy
    from subalign.subs import dual  # lazy: numpy
    from subalign.subs.read import read_subtitles  # lazy: not for --help
    from subalign.text.langid import normalize_lang  # lazy: not for --help

    request.validate()
    r = request
    warnings = Warnings(warn)
    cues_a = read_subtitles(r.a, encoding=r.a_encoding, warn=warnings)
    cues_b = read_subtitles(r.b, encoding=r.b_encoding, warn=warnings)
    if encoder is None:
        encoder = api.get_encoder(r.model, cache=r.cache)
    result = dual.align_cues(
        cues_a, cues_b, encoder, dual.DualOptions(max_align=r.max_align, time_weight=r.time_weight),
        lang_a=normalize_lang(r.a_lang) if r.a_lang else None,
        lang_b=normalize_lang(r.b_lang) if r.b_lang else None,
    )
    if result.lang_a == result.lang_b:
        same = f"{r.a} and {r.b} both look like {result.lang_a}; expected two languages (set --a-lang/--b-lang)"
        if not r.allow_same_lang:
            raise SubalignError(same)
        warnings(same)
    report = None
    if r.report or r.format == "json":
        report = dual.result_json(result, {"a": str(r.a), "b": str(r.b), "model": r.model})
    if r.format == "json":
        outputs = {MAIN: report}
    else:
        merged = dual.merge_cues(result, top=r.top, timing=r.timing,
                                 max_width={"zh": r.max_width_zh, "en": r.max_width_en})
        outputs = {MAIN: dual.write_dual(merged, r.format, top_lang=r.top)}
    if r.report:
        outputs[REPORT] = report
    notes = []
    for path, unmatched in ((r.a, result.unmatched_a), (r.b, result.unmatched_b)):
        if unmatched:
            notes.append(list_numbers(f"{path.name}: cues without a counterpart", [c.number for c in unmatched]))
    weak = [lk for lk in result.links if lk.a and lk.b and lk.overlap < 0.2]
    if weak:
        notes.append(f"warning: {len(weak)} link(s) barely overlap in time after the offset/drift correction; "
                     "review them (--report)")
    return RunResult(outputs, dual.summary(result), warnings.items, notes)


@dataclass
class RetimeRequest(ModelRequest):
    """``subalign retime TEXT SUBS``: an untimed translation given the timing of the film's subtitles."""

    text: Path
    subs: Path
    format: str = "srt"
    #: Also make the JSON report (role ``report``).
    report: bool = False
    max_align: int = 5
    lang: str | None = None
    encoding: str | None = None
    subs_encoding: str | None = None

    def validate(self) -> None:
        """Every check that needs no input read, with the CLI's flag names."""
        from subalign.aligner.core import AlignOptions  # lazy: numpy

        check_language("--lang", self.lang)
        AlignOptions(max_align=self.max_align).bead_types()


def run_retime(request: RetimeRequest, *, encoder=None, warn=None) -> RunResult:
    """The timed translation (srt/vtt) or the link report (json) as ``main``; ``report`` too if asked.
    Both inputs are read, and their languages compared, before the model is loaded."""
    from subalign import api  # lazy: numpy
    from subalign.subs import retime  # lazy: numpy
    from subalign.subs.read import read_subtitles  # lazy: not for --help
    from subalign.subs.write import write_srt, write_vtt  # lazy: not for --help
    from subalign.text.textio import read_text  # lazy: not for --help

    request.validate()
    r = request
    warnings = Warnings(warn)
    body, _ = read_text(r.text, r.encoding)
    lines = retime.translation_lines(body)
    if not lines:
        raise SubalignError(f"{r.text}: the translation has no lines")
    cues = read_subtitles(r.subs, encoding=r.subs_encoding, warn=warnings)
    same = retime.same_language(lines, cues, r.lang)
    if same:
        warnings(f"{r.text} and {r.subs} both look like {same}; expected a translation in the other language "
                 "(set --lang)")
    if encoder is None:
        encoder = api.get_encoder(r.model, cache=r.cache)
    result = retime.retime(lines, cues, encoder, max_align=r.max_align, lang=r.lang)
    report = None
    if r.report or r.format == "json":
        report = retime.result_json(result, {"text": str(r.text), "subtitles": str(r.subs), "model": r.model})
    if r.format == "json":
        outputs = {MAIN: report}
    elif r.format == "srt":
        outputs = {MAIN: write_srt(result.cues, renumber=True)}
    elif r.format == "vtt":
        outputs = {MAIN: write_vtt(result.cues)}
    else:
        raise SubalignError(f"retime writes srt, vtt or json, not {r.format}")
    if r.report:
        outputs[REPORT] = report
    notes = []
    if result.unlinked_lines:
        notes.append("warning: " + list_numbers("translation lines without a cue (timed from their neighbours)",
                                                [k + 1 for k in result.unlinked_lines]))
    if result.untranslated_cues:
        notes.append("warning: " + list_numbers("cues without a translation line",
                                                [cues[j].number for j in result.untranslated_cues]))
    return RunResult(outputs, retime.summary(result), warnings.items, notes)
