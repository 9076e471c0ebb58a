"""subalign batch: manifest parsing, resume, failure isolation, local pool, CLI and Ray engines.

A tiny deterministic hashing encoder stands in for the model (the batch machinery is
under test, not alignment quality), so the whole file runs in well under a minute.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from subalign import batch as b
from subalign.batch import run as batch_run
from subalign.types import SubalignError

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


class HashEncoder:
    """Character-bigram hashing into 64 dims: deterministic, instant, picklable."""

    name = "hash"
    id = "hash-64"
    dim = 64

    def encode(self, texts, batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            t = f" {t} "
            for k in range(len(t) - 1):
                h = int.from_bytes(hashlib.blake2b(t[k : k + 2].encode(), digest_size=4).digest(), "little")
                out[i, h % self.dim] += 1.0
            out[i] /= max(np.linalg.norm(out[i]), 1e-9)
        out[:, 0] += 1e-3
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def hash_factory(model: str) -> HashEncoder:
    return HashEncoder()


@pytest.fixture
def work(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    for name in ("review.en.txt", "review.zh.txt", "film.zh.srt"):
        shutil.copy(SAMPLES / name, d / name)
    shutil.copy(SAMPLES / "dual" / "film.en.srt", d / "film.en.srt")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (d / "broken.srt").write_text("1\nthis is not a timestamp\nhello\n\n2\n00:00:0x --> ??\nworld\n", encoding="utf-8")
    return d


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- manifest parsing


def test_csv_manifest_rows_and_bad_rows_by_line(tmp_path):
    m = write_csv(tmp_path / "m.csv", [
        "task,src,tgt,out,max_align",
        "align,a.en.txt,a.zh.txt,a.tmx,4",          # 2 ok
        "# a comment",                               # 3
        "translate,a.en.txt,a.zh.txt,b.tmx,",        # 4 unknown task
        "align,a.en.txt,,c.tmx,",                    # 5 missing tgt
        "align,a.en.txt,a.zh.txt,d.docx,",           # 6 unknown extension
        "align,a.en.txt,a.zh.txt,e.tsv,lots",        # 7 bad option value
        "align,a.en.txt,a.zh.txt,a.tmx,",            # 8 duplicate out
        "align,a.en.txt,a.zh.txt,../escape.tmx,",    # 9 out outside OUTDIR
        "",
        "quotes,r.txt,f.srt,q/r.srt,",               # 11 ok, sub-directory
    ])
    rows, errors = b.parse_manifest(m)
    assert [(r.line, r.task, r.out) for r in rows] == [(2, "align", "a.tmx"), (11, "quotes", "q/r.srt")]
    assert rows[0].options == {"max_align": 4} and rows[0].src == tmp_path / "a.en.txt"
    assert rows[0].format == "tmx" and rows[1].format == "srt"
    by_line = {e.line: e.message for e in errors}
    assert sorted(by_line) == [4, 5, 6, 7, 8, 9]
    assert "unknown task" in by_line[4] and "tgt" in by_line[5] and "d.docx" in by_line[6]
    assert "max_align" in by_line[7] and "line 2" in by_line[8] and "inside OUTDIR" in by_line[9]


def test_tsv_and_jsonl_manifests(tmp_path):
    t = write_csv(tmp_path / "m.tsv", ["task\tsrc\ttgt\tout\ttop", "dual\ta.srt\tb.srt\tab.ass\ten", "dual\ta.srt\tb.srt\tx.srt\tleft"])
    rows, errors = b.parse_manifest(t)
    assert rows[0].options == {"top": "en"} and rows[0].format == "ass"
    assert errors[0].line == 3 and "top" in errors[0].message
    j = tmp_path / "m.jsonl"
    j.write_text(
        json.dumps({"task": "glossary", "src": "/abs/en.txt", "tgt": "zh.txt", "out": "g.json", "options": {"min_score": 0.7}}) + "\n"
        + "{not json\n\n"
        + json.dumps({"task": "retime", "src": "t.txt", "tgt": "s.srt", "out": "t.srt", "lang": "zh", "bogus": 1}) + "\n"
        + json.dumps(["a", "list"]) + "\n",
        encoding="utf-8",
    )
    rows, errors = b.parse_manifest(j)
    assert [(r.line, r.options) for r in rows] == [(1, {"min_score": 0.7})]
    assert rows[0].src == Path("/abs/en.txt") and rows[0].tgt == tmp_path / "zh.txt"
    assert [e.line for e in errors] == [2, 4, 5] and "bogus" in errors[1].message


def test_unusable_manifest_is_one_error(tmp_path):
    with pytest.raises(SubalignError, match="header lacks tgt, out"):
        b.parse_manifest(write_csv(tmp_path / "m.csv", ["task,src", "align,a"]))
    with pytest.raises(SubalignError, match="no such"):
        b.load_rows(tmp_path / "nope.csv")


def test_directory_pairs(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "zh").mkdir()
    for n in ("x.txt", "y.txt"):
        (tmp_path / "en" / n).write_text("Hi.", encoding="utf-8")
    (tmp_path / "zh" / "x.txt").write_text("你好。", encoding="utf-8")
    rows, errors = b.discover_pairs(tmp_path / "en", tmp_path / "zh")
    assert [(r.task, r.src.name, r.tgt.parent.name, r.out) for r in rows] == [("align", "x.txt", "zh", "x.tmx")]
    assert len(errors) == 1 and "y.txt" in errors[0].message
    flat = tmp_path / "flat"
    flat.mkdir()
    for n in ("film.en.srt", "film.zh.srt", "book.en.txt", "book.zh.txt", "lone.en.txt"):
        (flat / n).write_text("x", encoding="utf-8")
    rows, errors = b.discover_pairs(flat)
    assert sorted((r.task, r.src.name, r.tgt.name, r.out) for r in rows) == [
        ("align", "book.en.txt", "book.zh.txt", "book.tmx"),
        ("dual", "film.en.srt", "film.zh.srt", "film.srt"),
    ]
    assert len(errors) == 1 and "lone.en.txt" in errors[0].message


# --------------------------------------------------------------------------- running


def _manifest(work: Path) -> Path:
    return write_csv(work / "m.csv", [
        "task,src,tgt,out,max_align",
        "align,review.en.txt,review.zh.txt,review.tmx,",
        "align,review.en.txt,review.zh.txt,ladder/review.align,3",
        "dual,film.en.srt,film.zh.srt,film.dual.srt,",
        "quotes,review.en.txt,film.zh.srt,quotes.tsv,",
    ])


def test_run_resume_and_invalidation(work, tmp_path):
    rows, errors = b.parse_manifest(_manifest(work))
    assert not errors
    out = tmp_path / "out"
    rep = b.run_batch(rows, out, encoder_factory=hash_factory)
    assert rep.counts == {"ok": 4, "skipped": 0, "failed": 0}, rep.failed
    assert (out / "review.tmx").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert (out / "ladder" / "review.align").exists() and (out / "film.dual.srt").exists()
    data = json.loads((out / b.REPORT_NAME).read_text(encoding="utf-8"))
    assert data["counts"]["ok"] == 4 and all(len(it["key"]) == 64 for it in data["items"])
    assert not [p for p in out.rglob("*.tmp")]

    rep = b.run_batch(rows, out, encoder_factory=hash_factory)
    assert rep.counts == {"ok": 0, "skipped": 4, "failed": 0}

    # changed input bytes, changed options, a tampered output: exactly those redone
    with open(work / "film.en.srt", "a", encoding="utf-8") as fh:
        fh.write("\n")
    (out / "review.tmx").write_text("tampered", encoding="utf-8")
    rows2, _ = b.parse_manifest(write_csv(work / "m.csv", (work / "m.csv").read_text().splitlines()[:2] + [
        "align,review.en.txt,review.zh.txt,ladder/review.align,4",
    ] + (work / "m.csv").read_text().splitlines()[3:]))
    rep = b.run_batch(rows2, out, encoder_factory=hash_factory)
    status = {it["out"]: it["status"] for it in rep.items}
    assert status == {"review.tmx": "ok", "ladder/review.align": "ok", "film.dual.srt": "ok", "quotes.tsv": "skipped"}
    rep = b.run_batch(rows2, out, encoder_factory=hash_factory, resume=False)
    assert rep.counts["ok"] == 4


def test_bad_pairs_are_isolated(work, tmp_path):
    m = write_csv(work / "m.csv", [
        "task,src,tgt,out",
        "align,review.en.txt,review.zh.txt,good.tsv",
        "align,missing.txt,review.zh.txt,missing.tsv",
        "align,binary.txt,review.zh.txt,binary.tsv",
        "align,review.en.txt,review.en.txt,samelang.tsv",
        "dual,broken.srt,film.zh.srt,broken.srt",
        "glossary,review.zh.txt,review.en.txt,backwards.json",
        "nonsense,a,b,c.tsv",
        "align,review.en.txt,review.zh.txt,good.json",
    ])
    rows, errors = b.parse_manifest(m)
    out = tmp_path / "out"
    rep = b.run_batch(rows, out, row_errors=errors, encoder_factory=hash_factory)
    status = {it["line"]: (it["status"], it["error"]) for it in rep.items}
    assert status[2][0] == "ok" and status[9][0] == "ok"
    assert "no such file" in status[3][1]
    assert "binary" in status[4][1]
    assert "both look like" in status[5][1]
    assert status[6][0] == "failed" and status[6][1]
    assert "English source" in status[7][1]
    assert "unknown task" in status[8][1]
    assert rep.counts == {"ok": 2, "skipped": 0, "failed": 6}
    for name in ("missing.tsv", "binary.tsv", "samelang.tsv", "broken.srt", "backwards.json"):
        assert not (out / name).exists()
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == [b.REPORT_NAME, "good.json", "good.tsv"]


def test_local_pool_loads_model_once_per_worker(work, tmp_path):
    rows, _ = b.parse_manifest(_manifest(work))
    rows = rows + [b.BatchRow(9, "align", work / "missing.txt", work / "review.zh.txt", "x.tsv")]
    rep = b.run_batch(rows, tmp_path / "out", jobs=2, encoder_factory=hash_factory)
    assert rep.counts == {"ok": 4, "skipped": 0, "failed": 1}
    assert {it["worker"] for it in rep.items if it["status"] == "ok"} - {os.getpid()}  # ran in worker processes
    assert b.run_batch(rows, tmp_path / "out", jobs=2, encoder_factory=hash_factory).counts["skipped"] == 4


def test_cli(work, tmp_path, monkeypatch):
    import typer
    from typer.testing import CliRunner

    from subalign.cli.batch import batch

    app = typer.Typer()
    app.command("batch")(batch)
    app.command("noop")(lambda: None)  # keep "batch" a subcommand
    monkeypatch.setattr(batch_run, "get_worker_encoder", lambda *a, **k: HashEncoder())
    out = tmp_path / "out"
    runner = CliRunner()
    res = runner.invoke(app, ["batch", str(_manifest(work)), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "4 pairs: 4 done" in res.output
    res = runner.invoke(app, ["batch", str(_manifest(work)), "-o", str(out)])
    assert res.exit_code == 0 and "4 skipped" in res.output
    bad = write_csv(work / "bad.csv", ["task,src,tgt,out", "align,nope.txt,review.zh.txt,n.tmx"])
    res = runner.invoke(app, ["batch", str(bad), "-o", str(out)])
    assert res.exit_code == 1 and "no such file" in res.output
    assert json.loads((out / b.REPORT_NAME).read_text())["counts"]["failed"] == 1
    # a directory pair
    (tmp_path / "en").mkdir()
    (tmp_path / "zh").mkdir()
    shutil.copy(work / "review.en.txt", tmp_path / "en" / "review.txt")
    shutil.copy(work / "review.zh.txt", tmp_path / "zh" / "review.txt")
    res = runner.invoke(app, ["batch", str(tmp_path / "en"), str(tmp_path / "zh"), "-o", str(tmp_path / "o2")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "o2" / "review.tmx").exists()


def test_ray_engine(work, tmp_path):
    ray = pytest.importorskip("ray", reason="ray is not installed (pip install 'subalign[ray]')")
    rows, _ = b.parse_manifest(_manifest(work))
    rows = rows + [b.BatchRow(9, "dual", work / "broken.srt", work / "film.zh.srt", "x.srt")]
    here = str(Path(__file__).resolve().parent)
    env = {"PYTHONPATH": os.pathsep.join([here, *[p for p in sys.path if p]]),
           "SUBALIGN_CACHE_DIR": os.environ["SUBALIGN_CACHE_DIR"]}
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, runtime_env={"env_vars": env})
    try:
        rep = b.run_batch(rows, tmp_path / "out", engine="ray", jobs=2, encoder_factory=hash_factory)
        assert rep.counts == {"ok": 4, "skipped": 0, "failed": 1}, rep.items
        assert rep.engine == "ray" and (tmp_path / "out" / "review.tmx").exists()
        rep = b.run_batch(rows, tmp_path / "out", engine="ray", jobs=2, encoder_factory=hash_factory)
        assert rep.counts == {"ok": 0, "skipped": 4, "failed": 1}
    finally:
        ray.shutdown()


# --------------------------------------------------------------------------- outputs that collide or escape


def test_outputs_that_collide_fail_with_a_reason(work, tmp_path):
    m = write_csv(work / "m.csv", [
        "task,src,tgt,out",
        "quotes,review.en.txt,film.zh.srt,q.srt",            # 2 writes q.srt and its sidecar q.json
        "align,review.en.txt,review.zh.txt,q.json",          # 3 clashes with line 2's sidecar
        "align,review.en.txt,review.zh.txt,batch-report.json",  # 4 the batch's own report
        "align,review.en.txt,review.zh.txt,.subalign-batch/x.tsv",  # 5 the batch's state
        "align,review.en.txt,review.zh.txt,a.tsv",           # 6 ok
        "align,review.en.txt,review.zh.txt,./a.tsv",         # 7 same file as line 6
        "align,review.en.txt,review.zh.txt,sub/report.json",  # 8 ok: only OUTDIR/batch-report.json is reserved
    ])
    rows, errors = b.parse_manifest(m)
    assert [r.line for r in rows] == [2, 6, 8]
    by_line = {e.line: e.message for e in errors}
    assert "sidecar" not in by_line[3] and "'q.json' is already written by line 2" in by_line[3]
    assert "batch-report.json" in by_line[4] and ".subalign-batch" in by_line[5]
    assert "already written by line 6" in by_line[7]
    rep = b.run_batch(rows, tmp_path / "out", row_errors=errors, encoder_factory=hash_factory)
    status = {it["line"]: it["status"] for it in rep.items}
    assert status == {2: "ok", 3: "failed", 4: "failed", 5: "failed", 6: "ok", 7: "failed", 8: "ok"}
    report = json.loads((tmp_path / "out" / b.REPORT_NAME).read_text(encoding="utf-8"))
    assert report["counts"] == {"ok": 3, "skipped": 0, "failed": 4}
    assert json.loads((tmp_path / "out" / "q.json").read_text(encoding="utf-8"))["srt"] == "q.srt"


def test_a_later_quotes_sidecar_clashing_with_an_earlier_out(tmp_path):
    rows = [b.BatchRow(2, "align", tmp_path / "a", tmp_path / "b", "q.json"),
            b.BatchRow(3, "quotes", tmp_path / "a", tmp_path / "b", "q.srt")]
    kept, errors = b.claim_outputs(rows)
    assert [r.line for r in kept] == [2]
    assert errors[0].line == 3 and "its sidecar 'q.json' is already written by line 2" in errors[0].message


def test_a_symlink_inside_outdir_cannot_lead_out(work, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (out / "link").symlink_to(outside)
    (out / "alias").symlink_to(out / "real")
    m = write_csv(work / "m.csv", [
        "task,src,tgt,out",
        "align,review.en.txt,review.zh.txt,link/escape.tsv",
        "align,review.en.txt,review.zh.txt,real/x.tsv",
        "align,review.en.txt,review.zh.txt,alias/x.tsv",  # the same file as line 3, through a symlink
    ])
    rows, errors = b.parse_manifest(m)
    assert not errors
    rep = b.run_batch(rows, out, encoder_factory=hash_factory)
    by_line = {it["line"]: it for it in rep.items}
    assert "leads out of OUTDIR" in by_line[2]["error"]
    assert by_line[3]["status"] == "ok"
    assert "same file as an output of line 3" in by_line[4]["error"]
    assert list(outside.iterdir()) == []


def test_an_output_over_another_rows_input_fails_before_any_work(work, tmp_path):
    m = write_csv(work / "m.csv", [
        "task,src,tgt,out",
        "align,review.en.txt,review.zh.txt,review.en.txt",
        "align,review.en.txt,review.zh.txt,good.tsv",
    ])
    rows, _ = b.parse_manifest(m)
    before = (work / "review.en.txt").read_bytes()
    rep = b.run_batch(rows, work, encoder_factory=hash_factory)
    by_line = {it["line"]: it for it in rep.items}
    assert "refusing to overwrite the input" in by_line[2]["error"] and by_line[3]["status"] == "ok"
    assert (work / "review.en.txt").read_bytes() == before


def test_an_unusable_outdir_is_one_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(SubalignError, match="not a directory"):
        b.run_batch([], tmp_path / "file", encoder_factory=hash_factory)
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / b.REPORT_NAME).mkdir()
    with pytest.raises(SubalignError, match="is a directory"):
        b.run_batch([], tmp_path / "o", encoder_factory=hash_factory)


def test_a_manifest_line_over_128_kb(work, tmp_path):
    options = json.dumps({"encoding": "utf-8", "note": "x" * 200_000}).replace('"', '""')
    m = write_csv(work / "m.csv", ["task,src,tgt,out,options", f'align,review.en.txt,review.zh.txt,a.tsv,"{options}"',
                                   "align,review.en.txt,review.zh.txt,b.tsv,"])
    rows, errors = b.parse_manifest(m)
    assert [r.line for r in rows] == [3]
    assert errors[0].line == 2 and "'note' does not apply" in errors[0].message
    big = write_csv(work / "big.csv", ["task,src,tgt,out", "align,review.en.txt," + "z" * 200_000 + ".txt,c.tsv"])
    rows, errors = b.parse_manifest(big)
    assert len(rows) == 1 and len(rows[0].tgt.name) == 200_004 and not errors


@pytest.mark.parametrize("option", ["threshold=nan", "max_gap=inf", "time_weight=nan", "min_score=-inf"])
def test_non_finite_float_options_are_row_errors(tmp_path, option):
    key, value = option.split("=")
    task = {"threshold": "quotes", "max_gap": "quotes", "time_weight": "dual", "min_score": "glossary"}[key]
    out = {"quotes": "q.tsv", "dual": "d.srt", "glossary": "g.tsv"}[task]
    m = write_csv(tmp_path / "m.csv", [f"task,src,tgt,out,{key}", f"{task},a,b,{out},{value}"])
    rows, errors = b.parse_manifest(m)
    assert not rows and key in errors[0].message and "finite" in errors[0].message


def test_unknown_language_is_a_row_error(tmp_path):
    m = write_csv(tmp_path / "m.csv", ["task,src,tgt,out,src_lang", "align,a,b,a.tsv,klingon"])
    rows, errors = b.parse_manifest(m)
    assert not rows and "klingon" in errors[0].message and "en or zh" in errors[0].message


def test_retime_warns_when_both_sides_are_one_language(work, tmp_path):
    from subalign.subs.read import read_subtitles

    cues = read_subtitles(work / "film.en.srt")
    (work / "same.txt").write_text("\n".join(" ".join(c.plain.split()) for c in cues[:30]) + "\n", encoding="utf-8")
    rows = [b.BatchRow(1, "retime", work / "same.txt", work / "film.en.srt", "same.srt")]
    rep = b.run_batch(rows, tmp_path / "out", encoder_factory=hash_factory)
    assert rep.items[0]["status"] == "ok", rep.items
    assert any("both look like en" in w for w in rep.items[0]["warnings"])


def test_a_row_is_checked_like_its_command_line(work, tmp_path):
    """Batch rows run the commands' own run functions, so a bad option fails with the CLI's message."""
    m = write_csv(work / "m.csv", [
        "task,src,tgt,out,min_score,max_cues,max_width_zh",
        "glossary,review.en.txt,review.zh.txt,g.tsv,1.5,,",
        "quotes,review.en.txt,film.zh.srt,q.tsv,,0,",
        "dual,film.en.srt,film.zh.srt,d.srt,,,1",
    ])
    rows, errors = b.parse_manifest(m)
    assert not errors
    rep = b.run_batch(rows, tmp_path / "out", encoder_factory=hash_factory)
    assert {it["line"]: it["error"] for it in rep.items} == {
        2: "--min-score must be a number from 0 to 1, got 1.5",
        3: "--max-cues must be at least 1, got 0",
        4: "--max-width-zh and --max-width-en must be at least 2",
    }
