"""``--via``: quotes found in a second track in the review's language and carried over to the main track.

The pair is samples/dual (an invented scene: a Chinese track, and an English
track segmented differently, shifted by 2.35 s and drifting 0.12 %), whose
gold.json links say which Chinese cues carry each English cue's line.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import pytest

from subalign.quotes.extract import extract_quotes
from subalign.quotes.formats import TSV_COLUMNS, VIA_COLUMNS, to_json, to_srt, to_tsv
from subalign.quotes.via import find_quotes_via, prepare_via, search_via
from subalign.subs.read import read_subtitles
from subalign.text.documents import document_from_text

DUAL = Path(__file__).resolve().parents[1] / "samples" / "dual"
SAMPLES = DUAL.parent

REVIEW = """The night shift

Xu introduces herself to the camera: “My name is Xu Chunhua. I'm from Nanchong, in Sichuan.” Her daughter is far away: “I call her every Sunday night, but she hardly talks to me anymore,” she says.

When a colleague notices her hands, she shrugs: “It's nothing … the smell gets to me at night.” The rules are simple: “If the leader sees you, she'll dock your pay.” And the glue? “Nobody knows. The barrels have no labels.”

The company answered with a statement: “We regret any inconvenience to our valued partners.” The factory gate carries the motto “Harmony brings prosperity”.
"""
# quote -> English cue numbers (None: never said)
EXPECTED_EN = {
    "My name is Xu Chunhua. I'm from Nanchong, in Sichuan.": [9],
    "I call her every Sunday night, but she hardly talks to me anymore,": [14, 15],
    "It's nothing … the smell gets to me at night.": [17],
    "If the leader sees you, she'll dock your pay.": [8],
    "Nobody knows. The barrels have no labels.": [21, 22],
    "We regret any inconvenience to our valued partners.": None,
    "Harmony brings prosperity": None,
}


def gold_zh(en_numbers: list[int]) -> list[int]:
    links = json.loads((DUAL / "gold.json").read_text(encoding="utf-8"))["links"]
    return sorted({a for link in links if set(link["b"]) & set(en_numbers) for a in link["a"]})


@pytest.fixture(scope="module")
def encoder():
    from subalign.encoders import load_encoder

    return load_encoder("use-m3")


@pytest.fixture(scope="module")
def tracks():
    return read_subtitles(DUAL / "film.zh.srt"), read_subtitles(DUAL / "film.en.srt")


@pytest.fixture(scope="module")
def quotes():
    return extract_quotes(document_from_text(REVIEW, lang="en"))


@pytest.fixture(scope="module")
def matches(encoder, tracks, quotes):
    zh, en = tracks
    return find_quotes_via(quotes, prepare_via(zh, en, encoder))


def numbers(cues) -> list[int]:
    return [c.number for c in cues]


def test_quotes_found_in_both_tracks(matches, tracks):
    zh, _ = tracks
    zh_by_number = {c.number: c for c in zh}
    assert [m.wording for m in matches] == list(EXPECTED_EN)
    for m in matches:
        en = EXPECTED_EN[m.wording]
        if en is None:
            assert m.status == "not_found" and m.cues == [] and m.via_cues == [], m.wording
            continue
        assert m.status == "found", (m.wording, m.score, m.confidence)
        assert numbers(m.via_cues) == en
        assert numbers(m.cues) == gold_zh(en), m.wording
        assert 0.5 < m.confidence <= 1.0
        # the main track's own cues and times, as in its file
        assert m.best.start_ms == zh_by_number[numbers(m.cues)[0]].start_ms
        assert m.via.start_ms != m.best.start_ms  # the English track runs on its own (shifted) clock


def test_a_line_without_counterpart_is_not_found_in_the_main_track(encoder, tracks):
    zh, en = tracks
    via = prepare_via(zh, en, encoder)
    [m] = find_quotes_via(["machines rumbling"], via)  # an English-only sound cue
    assert m.status == "not_found" and m.cues == []
    assert numbers(m.via.cues) == [1] and "no cue of the main track" in m.note


def test_shifted_and_traditional_main_track(encoder, tracks, quotes, matches):
    import opencc

    zh, en = tracks
    conv = opencc.OpenCC("s2t")
    hant = [dataclasses.replace(c, text=conv.convert(c.text), plain=conv.convert(c.plain),
                                start_ms=c.start_ms + 37_000, end_ms=c.end_ms + 37_000) for c in zh]
    again = find_quotes_via(quotes, prepare_via(hant, en, encoder))
    for a, m in zip(again, matches):
        assert (a.status, numbers(a.cues), numbers(a.via_cues)) == (m.status, numbers(m.cues), numbers(m.via_cues))
        if a.found:
            assert a.best.start_ms == m.best.start_ms + 37_000
            assert a.best.subtitle_text == conv.convert(m.best.subtitle_text)  # shown as written


def test_search_via(encoder, tracks):
    zh, en = tracks
    [(main, second), *_] = search_via("the clinic costs money", prepare_via(zh, en, encoder), top=2)
    assert numbers(second.cues) == [19] and numbers(main.cues) == gold_zh([19])
    assert main.confidence == second.confidence is not None


def test_writers_carry_both_tracks(matches, tracks):
    zh, _ = tracks
    rows = list(csv.DictReader(io.StringIO(to_tsv(matches)), delimiter="\t"))
    assert list(rows[0]) == TSV_COLUMNS + VIA_COLUMNS + ["note"]
    for row, m in zip(rows, matches):
        assert row["cues"] == ",".join(map(str, numbers(m.cues)))
        assert row["via_cues"] == ",".join(map(str, numbers(m.via_cues)))
        if m.found:
            assert row["via_start"] and row["via_text"] == m.via.subtitle_text
            assert 0.0 <= float(row["confidence"]) <= 1.0
    data = json.loads(to_json(matches))
    for row, m in zip(data["quotes"], matches):
        assert [c["number"] for c in row["via_cues"]] == numbers(m.via_cues)
        assert row["via"]["cues"] == numbers(m.via.cues)
        assert row["confidence"] == m.confidence
    _, side = to_srt(matches, zh)
    anchors = [a for cue in json.loads(side)["cues"] for a in cue["anchors"]]
    assert anchors and all("via_cues" in a and a["confidence"] for a in anchors)


# ----------------------------------------------------------------------------- CLI and batch


@pytest.fixture
def review_file(tmp_path) -> Path:
    path = tmp_path / "review.en.txt"
    path.write_text(REVIEW, encoding="utf-8")
    return path


def test_cli_quotes_via(capsys, review_file, tracks):
    from cli_helpers import run

    code, out, err = run(capsys, "quotes", review_file, DUAL / "film.zh.srt", "--via", DUAL / "film.en.srt")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out), delimiter="\t"))
    assert list(rows[0]) == TSV_COLUMNS + VIA_COLUMNS + ["note"]
    assert [r["quote"] for r in rows] == list(EXPECTED_EN)
    for row in rows:
        en = EXPECTED_EN[row["quote"]]
        if en is None:
            assert row["status"] == "not_found" and row["cues"] == row["via_cues"] == ""
        else:
            assert row["status"] == "found", row
            assert row["via_cues"] == ",".join(map(str, en))
            assert row["cues"] == ",".join(map(str, gold_zh(en)))
    assert "7 quotes: 5 found, 2 not found" in err

    out_json = review_file.parent / "q.json"
    code, _, err = run(capsys, "quotes", review_file, DUAL / "film.zh.srt", "--via", DUAL / "film.en.srt",
                       "-o", out_json)
    assert code == 0, err
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["via"] == str(DUAL / "film.en.srt") and data["summary"]["found"] == 5
    # the English track has 96 cues: the short-film decision, on the confidence
    assert data["decision"]["rule"] == "confidence" and data["decision"]["kind"] == "short"
    assert data["threshold"] is None and data["min_confidence"] == data["decision"]["min_confidence"]
    # never over an input, the via track included
    code, _, err = run(capsys, "quotes", review_file, DUAL / "film.zh.srt", "--via", out_json, "-o", out_json)
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_cli_quotes_min_confidence_and_threshold(capsys, review_file):
    from cli_helpers import run

    args = ["quotes", review_file, DUAL / "film.zh.srt", "--via", DUAL / "film.en.srt"]
    strict = review_file.parent / "strict.json"
    code, out, err = run(capsys, *args, "--min-confidence", "0.9995", "-o", strict)
    assert code == 0, err
    data = json.loads(strict.read_text(encoding="utf-8"))
    assert data["min_confidence"] == 0.9995 and data["decision"]["fitted_min_confidence"] < 0.9995
    assert [q["status"] == "found" for q in data["quotes"]] == [q["confidence"] >= 0.9995 for q in data["quotes"]]
    assert 0 < data["summary"]["found"] < 5  # stricter than the fitted limit, which finds 5
    code, out, err = run(capsys, *args, "--min-confidence", "0")
    rows = list(csv.DictReader(io.StringIO(out), delimiter="\t"))
    assert code == 0 and all(r["status"] == "found" or "line" in r["quote"] for r in rows), out
    for bad, flag in ((["--min-confidence", "1.5"], "--min-confidence"), (["--min-confidence", "nan"], "--min-confidence"),
                      (["--min-confidence", "0.5", "--threshold", "0.3"], "--threshold")):
        code, _, err = run(capsys, *args, *bad)
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1 and flag in lines[0], err
    out_json = review_file.parent / "t.json"
    code, _, err = run(capsys, *args, "--threshold", "0.85", "-o", out_json)
    assert code == 0, err
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["decision"] == {"rule": "threshold", "threshold": 0.85, "reason": "given"} and data["threshold"] == 0.85
    assert all(q["score"] >= 0.85 for q in data["quotes"] if q["status"] == "found")
    assert any(q["status"] == "not_found" and EXPECTED_EN[q["quote"]] for q in data["quotes"])  # said, score < 0.85


def test_cli_find_via(capsys):
    from cli_helpers import run

    code, out, err = run(capsys, "find", "the clinic costs money", DUAL / "film.zh.srt", "--via", DUAL / "film.en.srt",
                         "--top", "2")
    assert code == 0, err
    first = out.splitlines()[0].split("\t")
    assert len(first) == 9 and first[:3] == ["1", first[1], "match"]
    assert first[3] == ",".join(map(str, gold_zh([19]))) and first[6] == "19"
    assert "-->" in first[4] and "-->" in first[7] and "clinic" in first[8].lower()
    assert "hits pass the decision" in err
    code, _, err = run(capsys, "find", "x", DUAL / "film.zh.srt", "--via", DUAL / "missing.srt")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "no such file" in err


def test_batch_row_via(tmp_path, review_file, capsys):
    """A manifest row's ``via`` (relative to the manifest) writes what ``quotes --via`` writes."""
    from cli_helpers import run
    from subalign import batch
    from subalign.batch.manifest import parse_manifest

    manifest = tmp_path / "jobs.csv"
    manifest.write_text(
        "task,src,tgt,out,via\n"
        f"quotes,{review_file.name},{DUAL / 'film.zh.srt'},q.tsv,{DUAL / 'film.en.srt'}\n"
        f"quotes,{review_file.name},{DUAL / 'film.zh.srt'},bad.tsv,no-such.srt\n",
        encoding="utf-8",
    )
    rows, errors = parse_manifest(manifest)
    assert not errors and rows[0].options["via"] == str(DUAL / "film.en.srt")
    assert rows[1].options["via"] == str(tmp_path / "no-such.srt")  # resolved against the manifest's folder
    assert rows[0].inputs == [review_file, DUAL / "film.zh.srt", DUAL / "film.en.srt"]
    report = batch.run_batch(rows, tmp_path / "out")
    assert report.counts["ok"] == 1 and len(report.failed) == 1
    code, out, err = run(capsys, "quotes", review_file, DUAL / "film.zh.srt", "--via", DUAL / "film.en.srt")
    assert code == 0, err
    assert (tmp_path / "out" / "q.tsv").read_text(encoding="utf-8") == out


def test_cli_quotes_via_a_track_of_another_film_writes_json(capsys, tmp_path):
    """A second-track place that carries over to no cue of the main track is no place there:
    the JSON (which writes every place's times) must still be written."""
    from cli_helpers import run

    out = tmp_path / "q.json"
    code, _, err = run(capsys, "quotes", SAMPLES / "review.en.txt", SAMPLES / "film.zh.srt",
                       "--via", DUAL / "film.en.srt", "-o", out)
    assert code == 0, err
    rows = json.loads(out.read_text(encoding="utf-8"))["quotes"]
    assert rows and all(q["best"] is None or q["best"]["cues"] for q in rows)
    assert any(q["best"] is None and q["via"]["cues"] for q in rows)
    assert all(c["cues"] for q in rows for c in q["runner_up"])


def test_cli_find_min_confidence(capsys):
    """``find --min-confidence P`` moves the match/weak line of the fitted decision; a bad P is one line."""
    from cli_helpers import run

    marks = {}
    for p in ("0", "1"):
        code, out, err = run(capsys, "find", "If the factory finds out, you'll be fired.", DUAL / "film.zh.srt",
                             "-n", "3", "--min-confidence", p)
        assert code == 0, err
        marks[p] = [line.split("\t")[2] for line in out.splitlines()]
        assert f"pass the decision (confidence >= {float(p):.2f})" in err
    assert marks["0"] == ["match"] * 3 and "weak" in marks["1"]
    code, _, err = run(capsys, "find", "x", DUAL / "film.zh.srt", "--min-confidence", "0.5", "--threshold", "0.3")
    assert code == 2 and "give one of them" in err
