"""The CLI and batch are two callers of one run function per command: on the samples, ``subalign
<command> -o OUT`` and a manifest row with the same inputs write byte-identical files (the main
output and a quotes SRT's sidecar map), for every format of every batch-capable command.

Runs the real default model; the session's embedding cache (tests/conftest.py) makes the second
caller of a text read the very vectors the first one stored.
"""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

import pytest

from cli_helpers import run
from subalign import batch
from subalign.batch.manifest import sidecar_name
from subalign.subs.read import read_subtitles

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
REVIEW_EN, REVIEW_ZH = SAMPLES / "review.en.txt", SAMPLES / "review.zh.txt"
FILM_ZH = SAMPLES / "film.zh.srt"
DUAL_ZH, DUAL_EN = SAMPLES / "dual" / "film.zh.srt", SAMPLES / "dual" / "film.en.srt"

#: command -> (its two inputs, the outputs to write; one CLI run per output, align's in one run)
CASES = {
    "align": ((REVIEW_EN, REVIEW_ZH), ["a.tmx", "a.tsv", "a.json", "a.align"]),
    "quotes": ((REVIEW_EN, FILM_ZH), ["q.tsv", "quotes.json", "clips.srt"]),
    "glossary": ((REVIEW_EN, REVIEW_ZH), ["g.tsv", "g.json"]),
    "dual": ((DUAL_ZH, DUAL_EN), ["d.srt", "d.ass", "d.vtt", "d.json"]),
    "retime": ((None, DUAL_ZH), ["r.srt", "r.vtt", "r.json"]),  # None: the English lines, untimed
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    lines = tmp_path_factory.mktemp("in") / "film.en.lines.txt"
    lines.write_text("".join(" ".join(c.plain.split()) + "\n" for c in read_subtitles(DUAL_EN)), encoding="utf-8")
    return {cmd: (a or lines, b) for cmd, ((a, b), _) in CASES.items()}


@pytest.fixture(scope="module")
def batch_out(inputs, tmp_path_factory) -> Path:
    """Every case as one manifest row per output, run by ``subalign batch``'s engine in this process."""
    out = tmp_path_factory.mktemp("batch")
    rows = [
        batch.BatchRow(n, cmd, *inputs[cmd], name)
        for n, (cmd, name) in enumerate(((c, o) for c, (_, outs) in CASES.items() for o in outs), 1)
    ]
    report = batch.run_batch(rows, out)
    assert report.counts["ok"] == len(rows), report.failed
    return out


def outputs_of(name: str) -> list[str]:
    return [name, sidecar_name(name)] if name.endswith(".srt") and name.startswith("clips") else [name]


@pytest.mark.parametrize("command", list(CASES))
def test_cli_and_batch_write_the_same_bytes(command, inputs, batch_out, tmp_path, capsys):
    src, tgt = inputs[command]
    names = CASES[command][1]
    runs = [[x for n in names for x in ("-o", tmp_path / n)]] if command == "align" else [["-o", tmp_path / n] for n in names]
    for outs in runs:
        code, _, err = run(capsys, command, src, tgt, *outs)
        assert code == 0, err
    for name in names:
        for rel in outputs_of(name):
            cli, bat = (tmp_path / rel).read_bytes(), (batch_out / rel).read_bytes()
            assert cli, rel
            assert cli == bat, f"{command}: {rel} differs between the CLI and batch"


def test_every_batch_option_is_a_field_of_its_request():
    """A manifest row's options become the request's fields, so the request's defaults are the only ones."""
    from subalign.aligner.commands import AlignRequest
    from subalign.batch.manifest import ROW_OPTIONS
    from subalign.glossary.commands import GlossaryRequest
    from subalign.quotes.commands import QuotesRequest
    from subalign.subs.commands import DualRequest, RetimeRequest

    requests = {"align": AlignRequest, "quotes": QuotesRequest, "glossary": GlossaryRequest, "dual": DualRequest,
                "retime": RetimeRequest}
    assert set(requests) == set(ROW_OPTIONS)
    for task, options in ROW_OPTIONS.items():
        fields = {f.name for f in dataclasses.fields(requests[task])}
        assert set(options) <= fields, (task, set(options) - fields)


def test_request_defaults_agree_with_the_layers_below():
    """The requests cannot import numpy or the encoders (the CLI reads them at start-up), so the
    defaults they share with those layers are checked here instead."""
    from subalign.aligner.commands import AlignRequest
    from subalign.aligner.core import AlignOptions
    from subalign.glossary.commands import GlossaryRequest
    from subalign.glossary.pairing import GlossaryOptions
    from subalign.report.commands import ReportRequest
    from subalign.report.page import DEFAULT_LOW_SCORE
    from subalign.subs import retime
    from subalign.subs.commands import DualRequest, RetimeRequest
    from subalign.subs.cuealign import DualOptions

    assert AlignRequest.max_align == AlignOptions.max_align
    assert RetimeRequest.max_align == inspect.signature(retime.retime).parameters["max_align"].default
    assert (DualRequest.max_align, DualRequest.time_weight) == (DualOptions.max_align, DualOptions.time_weight)
    assert GlossaryRequest.min_score == GlossaryOptions.min_score
    assert ReportRequest.low_score == DEFAULT_LOW_SCORE
