"""``align`` and ``eval`` as run functions: a request in, texts out (the CLI and batch write them).

The requests are light dataclasses (the CLI reads their defaults at start-up); the aligner,
its formats and the encoders load inside the run functions, when a command really runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from subalign.errors import SubalignError
from subalign.runs import MAIN, ModelRequest, RunResult, Warnings, check_finite, check_language, count_kinds


@dataclass
class AlignRequest(ModelRequest):
    """``subalign align SRC TGT``: one alignment, written in every format of *formats*."""

    src: Path
    tgt: Path
    formats: tuple[str, ...] = ("ladder",)
    presplit: bool = False
    max_align: int = 5
    src_lang: str | None = None
    tgt_lang: str | None = None
    encoding: str | None = None
    src_encoding: str | None = None
    tgt_encoding: str | None = None
    allow_download: bool = False
    #: False: two texts in one language are an error (batch), not a warning (the CLI).
    allow_same_lang: bool = True
    #: Leave links less likely right than this out of the TMX (they stay in the other formats).
    min_confidence: float | None = None

    def validate(self) -> None:
        """Every check that needs no input read, with the CLI's flag names."""
        from subalign.aligner.core import AlignOptions  # lazy: numpy

        check_language("--src-lang", self.src_lang)
        check_language("--tgt-lang", self.tgt_lang)
        AlignOptions(max_align=self.max_align).bead_types()
        check_finite("--min-confidence", self.min_confidence)
        if self.min_confidence is not None and not 0.0 <= self.min_confidence <= 1.0:
            raise SubalignError(f"--min-confidence is a probability between 0 and 1, got {self.min_confidence}")


def run_align(request: AlignRequest, *, encoder=None, warn=None) -> RunResult:
    """Read, segment and align two texts; ``outputs`` holds each format's text under its name,
    the first one also under ``main``. The model is loaded after both texts are read."""
    from subalign import encoders  # lazy: not for --help
    from subalign.aligner.core import AlignOptions, align_documents  # lazy: numpy
    from subalign.aligner.formats import FORMATS, to_tmx  # lazy: not for --help
    from subalign.text.documents import check_language_pair, load_document  # lazy: not for --help

    request.validate()
    unknown = [f for f in request.formats if f not in FORMATS]
    if unknown or not request.formats:
        raise SubalignError(f"align writes {', '.join(FORMATS)}, not {', '.join(unknown) or 'nothing'}")
    warnings = Warnings(warn)
    r = request
    if r.min_confidence is not None and "tmx" not in r.formats:
        warnings("--min-confidence has no effect without a TMX output (it thins the TMX only)")
    src = load_document(r.src, lang=r.src_lang, encoding=r.src_encoding or r.encoding, presplit=r.presplit)
    tgt = load_document(r.tgt, lang=r.tgt_lang, encoding=r.tgt_encoding or r.encoding, presplit=r.presplit)
    same = check_language_pair(src, tgt)
    if same and not r.allow_same_lang:
        raise SubalignError(same)
    if same:
        warnings(same)
    if encoder is None:
        encoder = encoders.load_encoder(r.model, cache=r.cache, allow_download=r.allow_download)
    alignment = align_documents(src, tgt, encoder, AlignOptions(max_align=r.max_align))
    outputs = {
        form: to_tmx(alignment, r.min_confidence) if form == "tmx" else FORMATS[form](alignment) for form in r.formats
    }
    outputs[MAIN] = outputs[r.formats[0]]
    summary = align_summary(alignment)
    if r.min_confidence is not None and "tmx" in r.formats:
        summary += f"; {tmx_dropped(alignment, r.min_confidence)} left out of the TMX (confidence < {r.min_confidence:g})"
    return RunResult(outputs, summary, warnings.items)


def align_summary(alignment) -> str:
    """``54 en / 51 zh sentences, 46 links (1-1: 33, 2-1: 8, 1-2: 5)``."""
    a = alignment
    kinds = count_kinds(link.kind for link in a.links)
    return f"{len(a.src)} {a.src.lang} / {len(a.tgt)} {a.tgt.lang} sentences, {len(a.links)} links ({kinds})"


def tmx_dropped(alignment, min_confidence: float) -> int:
    """How many links with text on both sides ``--min-confidence`` keeps out of the TMX."""
    from subalign.aligner.formats import tmx_kept  # lazy: not for --help

    return sum(1 for lk in alignment.links if lk.src and lk.tgt and not tmx_kept(lk, min_confidence))


@dataclass
class EvalRequest:
    """``subalign eval GOLD TEST``: ladder files, or directories of them paired by name."""

    gold: Path
    test: Path


def run_eval(request: EvalRequest) -> RunResult:
    """The score table: strict and lax precision, recall and F1 per file, and ``all`` for several."""
    from subalign.aligner.evaluate import evaluate_paths  # lazy: not for --help

    total, per_file = evaluate_paths(request.gold, request.test)
    rows = list(per_file.items())
    if len(rows) > 1:
        rows.append(("all", total))
    lines = [f"{'file':<12} {'strict_P':>8} {'strict_R':>8} {'strict_F1':>9} {'lax_P':>7} {'lax_R':>7} {'lax_F1':>7}\n"]
    for name, s in rows:
        lines.append(
            f"{name:<12} {s.strict_p:8.3f} {s.strict_r:8.3f} {s.strict_f1:9.3f} {s.lax_p:7.3f} {s.lax_r:7.3f} {s.lax_f1:7.3f}\n"
        )
    return RunResult({MAIN: "".join(lines)})
