"""subalign dual / retime: cue alignment by meaning and time, clock fit, merging, retiming."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from subalign.types import Cue
from fakes import RecordingEncoder

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "dual"


def _build_module():
    spec = importlib.util.spec_from_file_location("dual_sample_build", SAMPLE / "build.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _cues(rows):
    return [Cue(k + 1, k, s, e, t, " ".join(t.split())) for k, (s, e, t) in enumerate(rows)]


def _link_set(result):
    return {
        (tuple(result.a[i].number for i in lk.a), tuple(result.b[j].number for j in lk.b)) for lk in result.links
    }


def _gold_set(gold):
    return {(tuple(g["a"]), tuple(g["b"])) for g in gold}


def _f1(test, gold):
    tp = len(test & gold)
    p, r = tp / len(test), tp / len(gold)
    return 2 * p * r / (p + r) if tp else 0.0


@pytest.fixture(scope="module")
def encoder():
    from subalign.encoders import load_encoder

    return load_encoder("use-m3")


@pytest.fixture(scope="module")
def sample_result(encoder):
    from subalign.subs.cuealign import align_cues
    from subalign.subs.read import read_subtitles

    a = read_subtitles(SAMPLE / "film.zh.srt")
    b = read_subtitles(SAMPLE / "film.en.srt")
    return align_cues(a, b, encoder)


@pytest.fixture()
def app():
    import typer

    from subalign.cli.subs import dual, retime

    app = typer.Typer()
    app.command("dual")(dual)
    app.command("retime")(retime)
    return app


# ----------------------------------------------------------------------------- width and wrapping


def test_display_width_counts_cjk_double():
    from subalign.subs.wrap import display_width

    assert display_width("abc") == 3
    assert display_width("工人") == 4
    assert display_width("三号线，开线了！") == 16  # full-width punctuation is wide too
    assert display_width("e\u0301") == 1  # combining accent takes no column


def test_wrap_respects_width_and_punctuation():
    from subalign.subs.wrap import display_width, wrap_text

    zh = "月底前要出两万双谁都不许请假这批是美国那边要的货，不能出错。（完）"
    lines = wrap_text(zh, 20)
    assert "".join(lines) == zh
    assert all(display_width(x) <= 20 for x in lines)
    assert not any(x[0] in "，。）！？" for x in lines)
    assert not any(x[-1] in "（《“" for x in lines)
    # Balanced: no line much shorter than the others except the last.
    en = "We need twenty thousand pairs out the door before the end of the month."
    lines = wrap_text(en, 42)
    assert len(lines) == 2 and " ".join(lines) == en
    assert abs(len(lines[0]) - len(lines[1])) < 12
    # Chinese text with spaces breaks at a space when it can.
    assert wrap_text("月底前要出两万双 谁都不许请假", 16) == ["月底前要出两万双", "谁都不许请假"]
    assert wrap_text("short", 42) == ["short"]


# ----------------------------------------------------------------------------- clock fit


def test_fit_clock_recovers_offset_and_drift_despite_outliers():
    from subalign.subs.cuealign import fit_clock

    rng = np.random.default_rng(0)
    xa = np.sort(rng.uniform(0, 6_000_000, 400))
    yb = xa * (1 + 0.0042) - 7_300 + rng.normal(0, 150, len(xa))
    bad = rng.choice(len(xa), 60, replace=False)  # 15 % wrong links
    yb[bad] += rng.uniform(-60_000, 60_000, len(bad))
    offset, drift, inliers, resid = fit_clock(xa, yb)
    assert offset == pytest.approx(-7_300, abs=100)
    assert drift == pytest.approx(0.0042, abs=0.00005)
    assert inliers >= 330 and resid < 300
    # Too few points: an offset only.
    offset, drift, *_ = fit_clock(np.array([1000.0, 2000.0]), np.array([3000.0, 4000.0]))
    assert (offset, drift) == (2000.0, 0.0)


# ----------------------------------------------------------------------------- alignment


def test_sample_links_offset_drift(sample_result):
    gold = json.loads((SAMPLE / "gold.json").read_text(encoding="utf-8"))
    test = _link_set(sample_result)
    assert _f1(test, _gold_set(gold["links"])) >= 0.95
    assert sample_result.offset_ms / 1000 == pytest.approx(gold["offset"], abs=0.15)
    assert sample_result.drift == pytest.approx(gold["drift"], abs=0.0003)
    # m-n merges are found: every gold 2-1 and 1-2 link is in the result.
    merges = {g for g in _gold_set(gold["links"]) if len(g[0]) > 1 or len(g[1]) > 1}
    assert len(merges) >= 20 and merges <= test


def test_other_offset_and_drift_recovered(encoder):
    from subalign.subs.cuealign import align_cues

    mod = _build_module()
    zh, en, gold = mod.build(offset=-11.5, drift=-0.004, start_ms=30_000)
    result = align_cues(_cues(zh), _cues(en), encoder, lang_a="zh", lang_b="en")
    assert result.offset_ms / 1000 == pytest.approx(-11.5, abs=0.15)
    assert result.drift == pytest.approx(-0.004, abs=0.0003)
    assert _f1(_link_set(result), _gold_set(gold)) >= 0.95


def test_unmatched_cues_stay_and_are_listed(sample_result):
    from subalign.subs.dual import merge_cues

    gold = json.loads((SAMPLE / "gold.json").read_text(encoding="utf-8"))
    only_a = sorted(n for g in gold["links"] if not g["b"] for n in g["a"])
    only_b = sorted(n for g in gold["links"] if not g["a"] for n in g["b"])
    assert [c.number for c in sample_result.unmatched_a] == only_a
    assert [c.number for c in sample_result.unmatched_b] == only_b
    merged = merge_cues(sample_result, timing="a")
    assert len(merged) == len(sample_result.links)
    sign = next(d for d in merged if d.link.a and not d.link.b)
    assert sign.top and not sign.bottom and "【" in sign.top[0]
    # A B-only cue is moved onto A's clock.
    sdh = next(d for d in merged if d.link.b and not d.link.a)
    b_cue = sample_result.b[sdh.link.b[0]]
    assert sdh.start_ms == pytest.approx(sample_result.to_a_clock(b_cue.start_ms), abs=1)
    starts = [d.start_ms for d in merged]
    assert starts == sorted(starts)


def test_timing_choices(sample_result):
    from subalign.subs.dual import merge_cues

    lk_index = next(k for k, lk in enumerate(sample_result.links) if len(lk.a) == 2 and len(lk.b) == 1)
    lk = sample_result.links[lk_index]
    a0, a1, b0 = sample_result.a[lk.a[0]], sample_result.a[lk.a[1]], sample_result.b[lk.b[0]]

    def find(merged):
        return next(d for d in merged if d.link == lk)

    ma = find(merge_cues(sample_result, timing="a"))
    assert (ma.start_ms, ma.end_ms) == (a0.start_ms, a1.end_ms)
    mb = find(merge_cues(sample_result, timing="b"))
    assert (mb.start_ms, mb.end_ms) == (b0.start_ms, b0.end_ms)
    mu = find(merge_cues(sample_result, timing="union"))
    assert mu.start_ms <= ma.start_ms and mu.end_ms >= ma.end_ms


def test_merged_lines_respect_widths(sample_result):
    from subalign.subs.dual import merge_cues
    from subalign.subs.wrap import display_width

    merged = merge_cues(sample_result, top="en", max_width={"zh": 20, "en": 30})
    for d in merged:
        if d.link.a and d.link.b:
            assert all(display_width(x) <= 20 for x in d.bottom)  # Chinese (track a) below
            assert all(display_width(x) <= 30 for x in d.top)
            assert not any(any(ord(ch) > 0x2E80 for ch in x) for x in d.top)


# ----------------------------------------------------------------------------- commands


def test_dual_srt_and_report(app, tmp_path):
    import srt
    from typer.testing import CliRunner

    out, rep = tmp_path / "dual.srt", tmp_path / "dual.json"
    res = CliRunner().invoke(
        app, ["dual", str(SAMPLE / "film.zh.srt"), str(SAMPLE / "film.en.srt"), "-o", str(out), "--report", str(rep)]
    )
    assert res.exit_code == 0, res.output
    subs = list(srt.parse(out.read_text(encoding="utf-8")))
    report = json.loads(rep.read_text(encoding="utf-8"))
    assert len(subs) == len(report["links"])
    both = [s for s in subs if "\n" in s.content and any(ord(c) > 0x2E80 for c in s.content)]
    assert len(both) >= 80
    first = both[0].content.split("\n")
    assert any(ord(c) > 0x2E80 for c in first[0])  # --top zh by default
    assert report["offset"] == pytest.approx(2.35, abs=0.15)
    assert set(report["links"][0]) >= {"a", "b", "score"}
    assert report["unmatched"]["a"] and report["unmatched"]["b"]
    assert "without a counterpart" in res.output


def test_dual_ass_reread_by_pysubs2(app, tmp_path):
    import pysubs2
    from typer.testing import CliRunner

    out = tmp_path / "dual.ass"
    res = CliRunner().invoke(
        app, ["dual", str(SAMPLE / "film.zh.srt"), str(SAMPLE / "film.en.srt"), "-o", str(out), "--top", "en"]
    )
    assert res.exit_code == 0, res.output
    subs = pysubs2.load(str(out))
    assert {"Primary", "Secondary"} <= set(subs.styles)
    assert subs.styles["Secondary"].fontsize < subs.styles["Primary"].fontsize
    two = [e for e in subs.events if "\\N" in e.text and "{\\rPrimary}" in e.text]
    assert len(two) >= 80
    assert all(e.style == "Secondary" for e in two)  # English on top
    assert all(e.end > e.start >= 0 for e in subs.events)


def test_dual_vtt_and_json(app, tmp_path):
    from typer.testing import CliRunner

    from subalign.subs.read import read_subtitles

    out = tmp_path / "dual.vtt"
    runner = CliRunner()
    res = runner.invoke(app, ["dual", str(SAMPLE / "film.zh.srt"), str(SAMPLE / "film.en.srt"), "-o", str(out), "--timing", "b"])
    assert res.exit_code == 0, res.output
    cues = read_subtitles(out)
    assert len(cues) >= 90
    res = runner.invoke(app, ["dual", str(SAMPLE / "film.zh.srt"), str(SAMPLE / "film.en.srt"), "--format", "json"])
    assert res.exit_code == 0
    doc = json.loads(res.stdout)
    assert doc["drift"] == pytest.approx(0.0012, abs=0.0003)
    flat_a = [n for lk in doc["links"] for n in lk["a"]]
    assert flat_a == list(range(1, 106))  # film order, every cue once


# ----------------------------------------------------------------------------- retime


def test_split_span_is_proportional():
    from subalign.subs.retime import split_span

    assert split_span(1000, 4000, [1, 2]) == [(1000, 2000), (2000, 4000)]
    assert split_span(0, 10, [1, 1, 1]) == [(0, 3), (3, 7), (7, 10)]


def test_time_lines_n_n_link_keeps_cue_times():
    from subalign.subs.retime import time_lines

    cues = _cues([(1000, 2000, "a"), (2500, 4000, "b")])
    times, unlinked = time_lines(["one", "a much longer second line"], cues, [((0, 1), (0, 1))])
    assert times == [(1000, 2000), (2500, 4000)] and unlinked == []


def test_time_lines_arithmetic():
    from subalign.subs.retime import time_lines

    cues = _cues([(1000, 3000, "a"), (3500, 5000, "b"), (5200, 6000, "c"), (9000, 12000, "d"), (12100, 13000, "e")])
    lines = ["一二", "三四五六", "x", "甲乙", "unlinked", "丙丁", "y", "z"]
    links = [
        ((0, 1), (0,)),  # two lines share cue 1: split 1:2
        ((2,), (1, 2)),  # one line spans cues 2-3
        ((3,), (3,)),  # 1-1
        ((4,), ()),  # no cue, no pause before the next cue: shares the previous time
        ((5,), (4,)),
        ((), ()),
        ((6,), ()),  # no cue, the last line: after the last cue
        ((7,), ()),
    ]
    links = [lk for lk in links if lk[0] or lk[1]]
    times, unlinked = time_lines(lines, cues, links)
    assert times[0] == (1000, 1667) and times[1] == (1667, 3000)
    assert times[2] == (3500, 6000)
    assert times[3][0] == 9000 and times[4][1] == 12000  # line 5 shares cue 4 with line 4
    assert times[5] == (12100, 13000)
    assert times[6][0] >= 13000
    assert unlinked == [4, 6, 7]
    prev = 0
    for s, e in times:  # order preserved, no overlap, nothing negative
        assert 0 <= prev <= s < e
        prev = e


def test_time_lines_uses_pauses_and_clips_overlapping_sources():
    from subalign.subs.retime import time_lines

    cues = _cues([(1000, 2000, "a"), (1800, 3000, "b"), (8000, 9000, "c")])
    lines = ["one", "two", "lost line", "three"]
    times, unlinked = time_lines(lines, cues, [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), (2,))])
    assert unlinked == [2]
    assert times[1][0] == 2000  # source cues overlap: clipped
    assert 3000 < times[2][0] < times[2][1] < 8000  # the unlinked line sits in the pause
    assert times[3] == (8000, 9000)


def test_retime_command_on_sample(app, tmp_path, encoder):
    import srt
    from typer.testing import CliRunner

    mod = _build_module()
    zh = [c for c in __import__("subalign.subs.read", fromlist=["x"]).read_subtitles(SAMPLE / "film.zh.srt")]
    # One English line per gold unit (SDH cues dropped), plus a translator's note with no cue.
    units = [" ".join(t.replace("\n", " ") for t in en) for en, z in mod.UNITS if en and z]
    lines = units[:10] + ["(Translator's note: Houjie is a town in Dongguan.)"] + units[10:]
    text = tmp_path / "en.txt"
    text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, rep = tmp_path / "en.srt", tmp_path / "rep.json"
    res = CliRunner().invoke(app, ["retime", str(text), str(SAMPLE / "film.zh.srt"), "-o", str(out), "--report", str(rep)])
    assert res.exit_code == 0, res.output
    subs = list(srt.parse(out.read_text(encoding="utf-8")))
    assert [s.content for s in subs] == lines  # nothing dropped, order kept
    for prev, cur in zip(subs, subs[1:]):
        assert prev.end <= cur.start and cur.start < cur.end
    report = json.loads(rep.read_text(encoding="utf-8"))
    assert 11 in report["unlinked_lines"]
    # Lines take the span of their gold Chinese cues.
    gold = [g["a"] for g in json.loads((SAMPLE / "gold.json").read_text(encoding="utf-8"))["links"] if g["a"] and g["b"]]
    by_number = {c.number: c for c in zh}
    exact = 0
    for k, nums in enumerate(gold):
        sub = subs[k if k < 10 else k + 1]
        span = (by_number[nums[0]].start_ms, by_number[nums[-1]].end_ms)
        exact += (int(sub.start.total_seconds() * 1000), int(sub.end.total_seconds() * 1000)) == span
    assert exact >= 0.9 * len(gold)


# ----------------------------------------------------------------------------- order and long lines




def _shuffled(path: Path, seed: int = 10) -> str:
    import random

    blocks = path.read_text(encoding="utf-8").strip().split("\n\n")
    random.Random(seed).shuffle(blocks)
    return "\n\n".join(blocks) + "\n"


def _sample_lines() -> list[str]:
    mod = _build_module()
    return [" ".join(t.replace("\n", " ") for t in en) for en, z in mod.UNITS if en and z]


def test_retime_with_shuffled_cues_gives_the_same_sane_cues(encoder):
    from subalign.subs.retime import retime
    from subalign.subs.read import parse_subtitles, read_subtitles

    lines = _sample_lines()
    in_order = retime(lines, read_subtitles(SAMPLE / "film.zh.srt"), encoder)
    shuffled = parse_subtitles(_shuffled(SAMPLE / "film.zh.srt"), "srt", warn=lambda msg: None)
    got = retime(lines, shuffled, encoder)
    assert [(c.start_ms, c.end_ms, c.text) for c in got.cues] == [(c.start_ms, c.end_ms, c.text) for c in in_order.cues]
    assert got.links == in_order.links
    # Sane: in order, no overlap, each as long as a subtitle is (no 1 ms or 14-minute cues).
    for prev, cur in zip(got.cues, got.cues[1:]):
        assert prev.end_ms <= cur.start_ms
    assert all(300 <= c.end_ms - c.start_ms <= 15_000 for c in got.cues)
    # Cues handed over by the API out of order are put in time order too.
    api = retime(lines, list(reversed(read_subtitles(SAMPLE / "film.zh.srt"))), encoder)
    assert [(c.start_ms, c.end_ms) for c in api.cues] == [(c.start_ms, c.end_ms) for c in in_order.cues]


def test_dual_with_shuffled_cues_gives_the_same_links(encoder, sample_result):
    from subalign.subs.cuealign import align_cues
    from subalign.subs.read import parse_subtitles, read_subtitles

    a = parse_subtitles(_shuffled(SAMPLE / "film.zh.srt"), "srt", warn=lambda msg: None)
    result = align_cues(a, read_subtitles(SAMPLE / "film.en.srt"), encoder)
    assert _link_set(result) == _link_set(sample_result)


LONG_EN = ("The workers waited for their wages, and the boss ran away with the money. " * 3_000)[:200_000]


def test_retime_a_200_kb_line_is_matched_by_bounded_pieces():
    from subalign.subs.retime import retime
    from subalign.text.segment import max_chars
    from subalign.subs.read import read_subtitles

    cues = read_subtitles(SAMPLE / "film.zh.srt")
    lines = ["The factory opens.", LONG_EN, "The gates are chained."]
    enc = RecordingEncoder()
    result = retime(lines, cues, enc, lang="en")
    # Pieces and their two-piece windows: never longer than two long-sentence limits.
    assert max(len(t) for t in enc.texts) <= 2 * max_chars("en") + 1
    assert sum(len(t) for t in enc.texts) <= 4 * (len(LONG_EN) + sum(len(c.plain) for c in cues))
    assert [c.text for c in result.cues] == lines  # the line as written, one cue
    for prev, cur in zip(result.cues, result.cues[1:]):
        assert 0 <= prev.start_ms < prev.end_ms <= cur.start_ms < cur.end_ms
    assert all(k in range(3) for lk in result.links for k in lk[0])
    assert sorted(j for lk in result.links for j in lk[1]) == list(range(len(cues)))  # each cue once


def test_dual_an_enormous_cue_is_matched_by_bounded_pieces():
    from subalign.subs.cuealign import align_cues
    from subalign.subs.dual import merge_cues, write_dual
    from subalign.text.segment import max_chars
    from subalign.subs.read import read_subtitles

    b = read_subtitles(SAMPLE / "film.en.srt")
    zh = ("工人们在等工资，老板跑了。法律写得清清楚楚。" * 4_000)[:60_000]
    a = [Cue(1, 0, 1_000, 3_000_000, zh, zh)]
    enc = RecordingEncoder()
    result = align_cues(a, b, enc, lang_a="zh", lang_b="en")
    assert max(len(t) for t in enc.texts) <= 2 * max_chars("en") + 1
    assert [lk.a for lk in result.links if lk.a] == [(0,)]  # one cue, in exactly one link
    assert sorted(j for lk in result.links for j in lk.b) == list(range(len(b)))
    text = write_dual(merge_cues(result), "srt")
    assert "".join(text.split()).count("法律写得清清楚楚") == zh.count("法律写得清清楚楚")  # nothing dropped


def test_merge_unit_links_gives_each_cue_one_link():
    from subalign.subs.units import merge_unit_links

    owner_a = [0, 1, 1, 1, 2]  # cue 1 was cut into three pieces
    owner_b = [0, 1, 2, 3, 4]
    links = [((0,), (0,), 0.9), ((1,), (1,), 0.8), ((), (2,), 0.0), ((2,), (), 0.0), ((3,), (3,), 0.6), ((4,), (4,), 0.7)]
    assert merge_unit_links(links, owner_a, owner_b) == [
        ((0,), (0,), 0.9), ((1,), (1, 2, 3), 0.7), ((2,), (4,), 0.7)
    ]
    same = [((0,), (0,), 0.5), ((), (1,), 0.0), ((1,), (2,), 0.25)]
    assert merge_unit_links(same, [0, 1], [0, 1, 2]) == [((0,), (0,), 0.5), ((), (1,), 0.0), ((1,), (2,), 0.25)]


def test_time_lines_keeps_leading_unlinked_lines_in_order():
    from subalign.subs.retime import time_lines

    cues = _cues([(200, 2000, "a"), (2100, 3000, "b")])
    lines = ["first", "second", "third", "fourth"]
    times, unlinked = time_lines(lines, cues, [((0,), ()), ((1,), ()), ((2,), (0,)), ((3,), (1,))])
    assert unlinked == [0, 1]
    prev = 0
    for s, e in times:
        assert prev <= s < e
        prev = e
    assert times[0][0] == 200 and times[2][1] <= 2000
