"""Corrections replayed in Python: saved outputs read back exactly, the operations, stale operations
listed, and ``subalign apply`` (the browser side is in test_report_edit.py)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from typer.testing import CliRunner

import edit_fixtures as fx
from subalign.aligner import formats
from subalign.corrections.exports import editor_data, export_files, input_hashes, name_for
from subalign.corrections.ops import Corrections, corrections_json, parse_corrections
from subalign.corrections.replay import apply_corrections
from subalign.corrections.saved import alignment_from_saved, glossary_entries, quote_matches, read_glossary_entries
from subalign.corrections.state import EditState
from subalign.errors import SubalignError
from subalign.glossary import formats as glossary_formats
from subalign.quotes import formats as quote_formats
from subalign.text.documents import document_from_text


def cli_app():
    import typer

    from subalign.cli.apply import apply

    app = typer.Typer(add_completion=False)
    app.command()(apply)
    app.command("noop", hidden=True)(lambda: None)
    return app


def results():
    a = fx.alignment()
    return a, fx.quote_matches(a.src), fx.glossary_entries(a.src, a.tgt)


def ops(*items) -> Corrections:
    return Corrections(list(items), {}, "review.en")


# --------------------------------------------------------------------------- saved outputs read back


def test_alignment_from_its_json_alone_is_the_alignment():
    a = fx.alignment()
    b = alignment_from_saved(formats.to_json(a))
    for x, y in ((a.src, b.src), (a.tgt, b.tgt)):
        assert [(s.anchor, s.text) for s in x.sentences] == [(s.anchor, s.text) for s in y.sentences]
        assert (x.lang, x.script, x.path) == (y.lang, y.script, y.path)
    assert b.links == a.links and (b.model, b.params) == (a.model, a.params)
    for write in (formats.to_tmx, formats.to_ladder, formats.to_tsv, formats.to_json):
        assert write(b) == write(a)


def test_alignment_json_that_does_not_fit_is_one_line():
    obj = json.loads(formats.to_json(fx.alignment()))
    bad = json.loads(json.dumps(obj))
    bad["links"][1]["src"] = [2]
    broken_text = json.loads(json.dumps(obj))
    broken_text["links"][8]["src_text"] = "Short one.Another short one."
    for data, what in ((bad, "once each in order"), (broken_text, "does not cut into its sentences"),
                       ({"links": 3}, "no 'links'"), ("{", "not a subalign alignment JSON")):
        with pytest.raises(SubalignError, match=what) as err:
            alignment_from_saved(data)
        assert "\n" not in str(err.value)


def test_quotes_and_glossary_from_their_json_write_the_same_files():
    a, ms, gl = results()
    again = quote_matches(quote_formats.to_json(ms))
    assert quote_formats.to_tsv(again) == quote_formats.to_tsv(ms)
    # every candidate, chosen, writes the same row
    for m, n in zip(ms, again):
        for c, d in zip([m.best, *m.runner_up], [n.best, *n.runner_up]):
            if c is not None:
                assert quote_formats.to_tsv([replace(m, status="found", best=c)]) == \
                    quote_formats.to_tsv([replace(n, status="found", best=d)])
    back = glossary_entries(glossary_formats.to_json(gl))
    assert glossary_formats.to_tsv(back) == glossary_formats.to_tsv(gl)
    assert glossary_formats.to_tbx(back) == glossary_formats.to_tbx(gl)


def test_quote_confidence_features_and_via_survive_their_json():
    """A quotes JSON written with a fitted decision and a second track reads back to the same rows."""
    _, ms, _ = results()
    found = next(m for m in ms if m.best is not None)
    best = replace(found.best, confidence=0.83)
    rich = replace(found, best=best, features={"gap": 0.12, "margin": 0.3}, via=replace(found.best, confidence=0.91))
    again = quote_matches(quote_formats.to_json([rich]))[0]
    assert again.confidence == 0.83 and again.features == rich.features
    assert again.via is not None and again.via.numbers == rich.via.numbers and again.via.confidence == 0.91
    assert quote_formats.to_tsv([again]) == quote_formats.to_tsv([rich])
    with pytest.raises(SubalignError, match="features"):
        quote_matches({"quotes": [{**json.loads(quote_formats.to_json([rich]))["quotes"][0], "features": [1]}]})


def test_hashes_and_page_data_agree_for_objects_and_saved_files():
    a, ms, gl = results()
    from_objects = EditState.of(a, ms, gl)
    from_files = EditState.of(alignment_from_saved(formats.to_json(a)), quote_matches(quote_formats.to_json(ms)),
                              glossary_entries(glossary_formats.to_json(gl)))
    assert input_hashes(from_objects) == input_hashes(from_files)
    assert set(input_hashes(from_objects)) == {"review", "translation", "alignment", "quotes", "glossary"}
    assert editor_data(from_objects, "x") == editor_data(from_files, "x")
    assert name_for("texts/review.en.txt") == "review.en" and name_for("../a b/<x>.txt") == "x"


def test_glossary_file_read_as_the_report_reads_it(tmp_path):
    _, _, gl = results()
    (tmp_path / "g.json").write_text(glossary_formats.to_json(gl), encoding="utf-8")
    (tmp_path / "g.tsv").write_text(glossary_formats.to_tsv(gl), encoding="utf-8")
    assert glossary_formats.to_tbx(read_glossary_entries(tmp_path / "g.json")) == glossary_formats.to_tbx(gl)
    pairs = read_glossary_entries(tmp_path / "g.tsv")  # a TSV gives its pairs, nothing more
    assert [(e.en, e.zh, e.type, e.count) for e in pairs] == [(e.en, e.zh.strip(), "", 0) for e in gl]


# --------------------------------------------------------------------------- the operations


def ladder(state: EditState) -> list[str]:
    return formats.to_ladder(state.corrected_alignment()).splitlines()


def test_link_operations():
    a, ms, gl = results()
    s = EditState.of(a, ms, gl)
    assert s.apply({"op": "merge", "link": 2, "src": ["p2.s1", "p2.s2"], "tgt": ["p2.s1", "p2.s2"]}) is None
    assert ladder(s)[1] == "[1, 2]:[2, 3]:0.062"  # min of the two scores
    assert s.apply({"op": "split", "link": 2, "src": [["p2.s1"], ["p2.s2"]], "tgt": [[], ["p2.s1", "p2.s2"]]}) is None
    assert ladder(s)[1:3] == ["[1]:[]:0.062", "[2]:[2, 3]:0.062"]
    # the 1-0 link's sentence moves back to the link before it; the emptied link goes
    assert s.apply({"op": "move", "link": 7, "side": "src", "sentence": "p3.s2", "to": "prev"}) is None
    assert ladder(s)[4:6] == ["[4, 5]:[5]:0.730", "[]:[6]:0.000"]
    assert s.apply({"op": "move", "link": 6, "side": "tgt", "sentence": "p3.s2", "to": "prev"}) is None
    assert ladder(s)[4:6] == ["[4, 5]:[5, 6]:0.730", "[6]:[7]:0.350"]
    assert s.apply({"op": "check", "link": 5, "src": ["p3.s1", "p3.s2"], "tgt": ["p3.s1", "p3.s2"]}) is None
    assert s.links[4].checked and len(s.links) == 8
    out = export_files(s, "review.en")
    assert set(out) == {"review.en.corrected.tmx", "review.en.corrected.align", "review.en.quotes.tsv",
                        "review.en.glossary.tsv", "review.en.glossary.tbx"}
    assert out["review.en.corrected.align"] == formats.to_ladder(s.corrected_alignment())


def test_quote_and_term_operations():
    a, ms, gl = results()
    s = EditState.of(a, ms, gl)
    m = ms[1]  # not found; pick its second runner-up
    assert s.apply({"op": "quote", "quote": m.anchor.id, "wording": m.wording, "cues": m.runner_up[1].numbers}) is None
    m0 = ms[0]
    assert s.apply({"op": "quote", "quote": m0.anchor.id, "wording": m0.wording, "cues": []}) is None
    rows = quote_formats.to_tsv(s.corrected_quotes()).splitlines()
    assert rows[2].split("\t")[2:4] == ["found", ",".join(map(str, m.runner_up[1].numbers))]
    assert rows[1].split("\t")[2:5] == ["not_found", "", ""]
    assert s.apply({"op": "term", "entry": 0, "en": "Tom & Jerry", "zh": "汤姆&杰瑞", "action": "edit",
                    "to": {"en": "Tom and Jerry", "zh": "汤姆和杰瑞"}}) is None
    assert s.apply({"op": "term", "entry": 1, "en": "CPC", "zh": "中共", "action": "reject"}) is None
    got = s.corrected_glossary()
    assert [e.en for e in got] == ["Tom and Jerry", "union", "report", "Title"]
    assert (got[0].zh_hant, got[0].pinyin) == ("", "")  # they were the old rendering's
    assert "CPC" not in glossary_formats.to_tbx(got)


def test_operations_that_no_longer_fit_are_listed_not_applied():
    a, ms, gl = results()
    s = EditState.of(a, ms, gl)
    stale = [
        {"op": "merge", "link": 1, "src": ["p1.s1", "p9.s9"], "tgt": ["p1.s1"]},
        {"op": "merge", "link": 3, "src": ["p2.s2", "p2.s3"], "tgt": ["p2.s2"]},  # the links differ now
        {"op": "split", "link": 9, "src": [["p4.s1"], ["p4.s2"]], "tgt": [["p4.s1"], []]},
        {"op": "move", "link": 10, "side": "src", "sentence": "p4.s3", "to": "next"},
        {"op": "move", "link": 9, "side": "src", "sentence": "p4.s1", "to": "next"},  # not at the end
        {"op": "check", "link": 1, "src": ["p1.s1"], "tgt": ["p1.s1"]},
        {"op": "quote", "quote": "p1.s1", "wording": "we want our pay", "cues": [1]},
        {"op": "quote", "quote": ms[0].anchor.id, "wording": ms[0].wording, "cues": [99]},
        {"op": "term", "entry": 0, "en": "Tom", "zh": "汤姆", "action": "accept"},
        {"op": "quote", "wording": ms[0].wording, "cues": []},  # no sentence id: listed, not a crash
    ]
    before = export_files(s, "x")
    reasons = [s.apply(op) for op in stale]
    assert all(reasons), reasons
    assert "p9.s9 no longer exists" in reasons[0] and "no next link" in reasons[3] and "cues [99]" in reasons[7]
    assert export_files(s, "x") == before
    files, result = apply_corrections(ops(*stale, {"op": "check", "src": ["p4.s3"], "tgt": ["p4.s3", "p4.s4"]}), a)
    assert "no quote" in reasons[9] and "at None" in reasons[9]
    assert result.applied == 1 and [n for n, _, _ in result.skipped] == list(range(1, 11))
    assert any("no quotes were given" in r for _, _, r in result.skipped)


def test_replay_on_an_edited_text():
    """The review gains a paragraph: ids move, so operations naming the old ids do not fit."""
    a, _, _ = results()
    c = ops({"op": "merge", "link": 9, "src": ["p4.s1", "p4.s2", "p4.s3"], "tgt": ["p4.s1", "p4.s2", "p4.s3", "p4.s4"]},
            {"op": "check", "link": 1, "src": ["p1.s1"], "tgt": ["p1.s1", "p1.s2"]})
    src = document_from_text("Preface.\n\n" + fx.EN, lang="en", path="texts/review.en.txt")
    from subalign.types import Alignment, Link

    shifted = Alignment(src, a.tgt, [Link((0,), ())] + [Link(tuple(i + 1 for i in lk.src), lk.tgt, lk.score)
                                                       for lk in a.links], "m")
    _, same = apply_corrections(c, a)
    assert same.applied == 2 and not same.skipped
    _, moved = apply_corrections(replace(c, inputs=input_hashes(EditState.of(a))), shifted)
    assert moved.changed_inputs == ["review", "alignment"]
    assert moved.applied == 0 and len(moved.skipped) == 2


def test_malformed_corrections_are_one_line_errors():
    good = {"subalign": "corrections", "version": 1, "inputs": {}, "ops": []}
    assert parse_corrections(json.dumps(good)).ops == []
    for bad, what in (
        ("{", "not a corrections file"),
        ({**good, "subalign": "x"}, "not a corrections file"),
        ({**good, "version": 2}, "version"),
        ({**good, "ops": [{"op": "explode"}]}, "operation 1: unknown op"),
        ({**good, "ops": [{"op": "merge", "src": "p1.s1", "tgt": []}]}, "list of sentence ids"),
        ({**good, "ops": [{"op": "split", "src": [["p1.s1"]], "tgt": [[], []]}]}, "two lists"),
        ({**good, "ops": [{"op": "split", "src": [[], ["p1.s1"]], "tgt": [[], []]}]}, "each part"),
        ({**good, "ops": [{"op": "move", "side": "x", "sentence": "p1.s1", "to": "next"}]}, "side"),
        ({**good, "ops": [{"op": "quote", "quote": "p1.s1", "wording": "w", "cues": [True]}]}, "cue numbers"),
        ({**good, "ops": [{"op": "term", "entry": -1, "en": "a", "zh": "b", "action": "accept"}]}, "row number"),
        ({**good, "ops": [{"op": "term", "entry": 0, "en": "a", "zh": "b", "action": "edit"}]}, "'to'"),
    ):
        with pytest.raises(SubalignError, match=what) as err:
            parse_corrections(bad)
        assert "\n" not in str(err.value)
    text = corrections_json(ops({"op": "check", "src": ["p1.s1"], "tgt": []}))
    assert parse_corrections(text).ops == [{"op": "check", "src": ["p1.s1"], "tgt": []}]


# --------------------------------------------------------------------------- subalign apply


def _corrections(tmp_path, *items, inputs=None):
    path = tmp_path / "fix.json"
    path.write_text(corrections_json(Corrections(list(items), inputs or {}, "review.en")), encoding="utf-8")
    return path


def test_cli_writes_what_the_python_writers_write(tmp_path):
    p = fx.saved(tmp_path)
    a, ms, gl = results()
    merge = {"op": "merge", "link": 2, "src": ["p2.s1", "p2.s2"], "tgt": ["p2.s1", "p2.s2"]}
    term = {"op": "term", "entry": 3, "en": "report", "zh": "报告", "action": "reject"}
    fix = _corrections(tmp_path, merge, term, inputs=input_hashes(EditState.of(a, ms, gl)))
    out = tmp_path / "out"
    args = ["apply", str(fix), "--alignment", str(p["alignment"]), "--quotes", str(p["quotes"]),
            "--glossary", str(p["glossary"]), "-o", str(out)]
    res = CliRunner().invoke(cli_app(), args)
    assert res.exit_code == 0, res.output
    assert "applied 2 of 2 operations" in res.stderr and "warning" not in res.stderr
    s = EditState.of(a, ms, gl)
    s.apply(merge)
    s.apply(term)
    want = export_files(s, "review.en")
    assert sorted(x.name for x in out.iterdir()) == sorted(want)
    for name, text in want.items():
        assert (out / name).read_bytes() == text.encode("utf-8")
    # the same from the texts themselves
    res = CliRunner().invoke(cli_app(), [*args[:-2], "--review", str(p["review"]), "-t", str(p["translation"]),
                                      "-o", str(tmp_path / "out2")])
    assert res.exit_code == 0, res.output
    for name, text in want.items():
        assert (tmp_path / "out2" / name).read_bytes() == text.encode("utf-8")


def test_cli_lists_what_does_not_fit(tmp_path):
    p = fx.saved(tmp_path)
    fix = _corrections(tmp_path, {"op": "check", "link": 4, "src": ["p9.s1"], "tgt": []},
                       {"op": "check", "link": 1, "src": ["p1.s1"], "tgt": ["p1.s1", "p1.s2"]},
                       {"op": "quote", "quote": "p1.s1", "wording": "x", "cues": []},
                       inputs={"alignment": "sha256:0"})
    out = tmp_path / "out"
    res = CliRunner().invoke(cli_app(), ["apply", str(fix), "--alignment", str(p["alignment"]), "-o", str(out)])
    assert res.exit_code == 0, res.output
    err = res.stderr
    assert "the alignment differs" in err
    assert "operation 1 (check, link 4) not applied: review sentence p9.s1 no longer exists" in err
    assert "operation 3 (quote) not applied: no quotes were given" in err
    assert "2 of 3 operations not applied" in err and "applied 1 of 3" in err
    assert sorted(x.name for x in out.iterdir()) == ["review.en.corrected.align", "review.en.corrected.tmx"]
    res = CliRunner().invoke(cli_app(), ["apply", str(fix), "--alignment", str(p["alignment"]), "--strict",
                                      "-o", str(tmp_path / "strict")])
    assert isinstance(res.exception, SubalignError) and "nothing written" in str(res.exception)
    assert not (tmp_path / "strict").exists()


def test_cli_bad_input_is_one_line(tmp_path):
    p = fx.saved(tmp_path)
    fix = _corrections(tmp_path)
    (tmp_path / "bad.json").write_text("{nope", encoding="utf-8")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    cases = [
        (["apply", str(fix), "-o", str(tmp_path / "o")], "--alignment, --quotes"),
        (["apply", str(tmp_path / "bad.json"), "--quotes", str(p["quotes"]), "-o", str(tmp_path / "o")], "bad.json"),
        (["apply", str(fix), "--alignment", str(tmp_path / "bad.json"), "-o", str(tmp_path / "o")], "bad.json"),
        (["apply", str(fix), "--quotes", str(p["alignment"]), "-o", str(tmp_path / "o")], "a.json"),
        (["apply", str(fix), "--alignment", str(p["alignment"]), "-o", str(tmp_path / "file")], "must be a folder"),
        (["apply", str(fix), "--alignment", str(p["alignment"]), "--review", str(p["review"]), "-o", str(tmp_path)],
         "go together"),
        (["apply", str(fix), "--glossary", str(tmp_path / "missing.tsv"), "-o", str(tmp_path / "o")], "missing.tsv"),
    ]
    for args, what in cases:
        res = CliRunner().invoke(cli_app(), args)
        assert isinstance(res.exception, SubalignError), (args, res.output, res.exception)
        assert what in str(res.exception) and "\n" not in str(res.exception)
    assert not (tmp_path / "o").exists()


def test_confidence_is_read_back_and_follows_merge_split_and_move():
    a = fx.alignment()
    a.links = [replace(lk, confidence=c) for lk, c in zip(a.links, [0.97, 0.0625, 0.91, 0.3, 0.8, 0.99, 0.99, 0.45, 0.88, 1.5])]
    b = alignment_from_saved(formats.to_json(a))
    assert [lk.confidence for lk in b.links] == [0.97, 0.0625, 0.91, 0.3, 0.8, 0.99, 0.99, 0.45, 0.88, None]  # 1.5: no probability
    state = EditState.of(b)
    assert state.apply({"op": "merge", "src": ["p2.s1", "p2.s2"], "tgt": ["p2.s1", "p2.s2"]}) is None
    assert state.links[1].confidence == 0.0625  # merged: the lower
    assert state.apply({"op": "split", "src": [["p4.s1"], ["p4.s2"]], "tgt": [["p4.s1"], ["p4.s2"]]}) is None
    assert [lk.confidence for lk in state.links[7:9]] == [None, None]  # split: the model never saw the parts
    root = ET.fromstring(formats.to_tmx(state.corrected_alignment()))
    props = [{p.get("type"): p.text for p in tu.findall("prop")} for tu in root.findall("body/tu")]
    assert [p.get("x-confidence") for p in props][:2] == ["0.970", "0.062"]
    data = editor_data(EditState.of(b), "review")["align"]["links"]  # the page's: number and Python's text
    assert data[1][4:] == [0.0625, "0.062"] and data[9][4:] == [None, None]
