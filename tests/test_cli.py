"""The command line: subalign.cli.main in-process (capsys) and a few real subprocesses."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cli_helpers import run
from subalign.aligner.evaluate import score_links
from subalign.aligner.formats import parse_ladder
from subalign.types import Link

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
EN_FILE = SAMPLES / "review.en.txt"
ZH_FILE = SAMPLES / "review.zh.txt"
GOLD = SAMPLES / "review.gold.align"
N_EN, N_ZH = 54, 51
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

SHORT_EN = (
    "The factory in Dongguan employed almost two thousand workers. "
    "In 2015 the owner announced that the plant would move to Cambodia. "
    "A labour lawyer from Guangzhou offered to represent the strikers for free.\n"
)
SHORT_ZH = "这家位于东莞的工厂雇用了近两千名工人。2015年，老板宣布工厂将搬迁到柬埔寨。一位来自广州的劳工律师提出免费代理罢工工人。\n"


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("subalign-cache")


@pytest.fixture(autouse=True)
def _isolated(cache_dir, monkeypatch):
    """One embedding cache for the module (so the samples are encoded once), never the user's."""
    monkeypatch.setenv("SUBALIGN_CACHE_DIR", str(cache_dir))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("SUBALIGN_DEBUG", raising=False)


def subprocess_env(cache_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SUBALIGN_DEBUG"}
    env.update(
        SUBALIGN_CACHE_DIR=str(cache_dir),
        HF_HUB_OFFLINE="1",
        HF_HOME=str(cache_dir / "hf"),
        PYTHONIOENCODING="utf-8",
    )
    return env


def run_subprocess(cmd: list[str], cache_dir: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        cmd, capture_output=True, text=True, encoding="utf-8", env=subprocess_env(cache_dir), cwd=cwd, timeout=120
    )


def assert_one_error_line(code: int, err: str) -> str:
    assert code == 2, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("subalign: error: "), err
    assert "Traceback" not in err
    return lines[0]


def assert_complete(links: list[Link], n_src: int, n_tgt: int) -> None:
    assert [i for link in links for i in link.src] == list(range(n_src))
    assert [j for link in links for j in link.tgt] == list(range(n_tgt))


def nonblank_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# --------------------------------------------------------------------------- align: outputs


def test_align_to_tmx_by_extension(capsys, tmp_path):
    out = tmp_path / "out.tmx"
    code, stdout, err = run(capsys, "align", EN_FILE, ZH_FILE, "-o", out)
    assert code == 0, err
    assert stdout == ""
    assert f"subalign: wrote {out}" in err
    assert re.search(rf"subalign: {N_EN} en / {N_ZH} zh sentences, \d+ links", err)
    assert "Traceback" not in err and "warning" not in err
    raw = out.read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(raw)
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert header is not None and header.get("srclang") == "en"
    tus = root.findall("body/tu")
    assert len(tus) > 0
    for tu in tus:
        langs = [tuv.get(XML_LANG) for tuv in tu.findall("tuv")]
        assert langs == ["en", "zh-CN"]
        assert all((tuv.findtext("seg") or "").strip() for tuv in tu.findall("tuv"))
        props = {p.get("type"): p.text for p in tu.findall("prop")}
        assert re.fullmatch(r"p\d+\.s\d+(,p\d+\.s\d+)*", props["x-src-anchor"])
        assert re.fullmatch(r"p\d+\.s\d+(,p\d+\.s\d+)*", props["x-tgt-anchor"])
    # The headline is the first TU on both sides.
    first = tus[0].findall("tuv")
    assert first[0].findtext("seg").startswith("Glue, Debt and Dignity")
    assert first[1].findtext("seg").startswith("胶水、欠债与尊严")


def test_align_to_tsv_by_extension(capsys, tmp_path):
    out = tmp_path / "out.tsv"
    code, stdout, err = run(capsys, "align", EN_FILE, ZH_FILE, "-o", out)
    assert code == 0, err
    assert stdout == ""
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8")), delimiter="\t"))
    assert rows[0] == ["src", "tgt", "score", "src_anchor", "tgt_anchor", "confidence"]
    assert len(rows) > 40
    assert all(len(r) == 6 for r in rows)
    assert rows[1][3] == "p1.s1" and rows[1][4] == "p1.s1"
    assert all(0.0 <= float(r[2]) <= 1.0 for r in rows[1:])
    assert all(0.0 <= float(r[5]) <= 1.0 for r in rows[1:])


def test_align_json_and_ladder_to_stdout(capsys):
    code, stdout, err = run(capsys, "align", EN_FILE, ZH_FILE, "--format", "json")
    assert code == 0, err
    data = json.loads(stdout)  # stdout holds the JSON and nothing else
    assert data["src"]["lang"] == "en" and data["tgt"]["lang"] == "zh"
    assert data["src"]["n_sentences"] == N_EN and data["tgt"]["n_sentences"] == N_ZH
    assert data["model"] == "use-m3"
    json_links = [Link(tuple(x["src"]), tuple(x["tgt"])) for x in data["links"]]
    assert_complete(json_links, N_EN, N_ZH)
    en_text = EN_FILE.read_text(encoding="utf-8")
    for x in data["links"]:
        for a in x["src_anchors"]:
            assert en_text[a["start"] : a["end"]] in x["src_text"]

    code, stdout, err = run(capsys, "align", EN_FILE, ZH_FILE)  # no -o, no --format: ladder
    assert code == 0, err
    ladder = parse_ladder(stdout)
    assert all(re.fullmatch(r"\[[\d, ]*\]:\[[\d, ]*\]:\d\.\d{3}", line) for line in stdout.splitlines())
    assert [(link.src, link.tgt) for link in ladder] == [(link.src, link.tgt) for link in json_links]
    assert score_links(parse_ladder(GOLD.read_text(encoding="utf-8")), ladder).strict_f1 >= 0.9


def test_align_refuses_to_overwrite_an_input(capsys, tmp_path):
    en, zh = tmp_path / "review.en.txt", tmp_path / "review.zh.txt"
    shutil.copy(EN_FILE, en)
    shutil.copy(ZH_FILE, zh)
    link = tmp_path / "link.txt"
    link.symlink_to(zh)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (en, zh)}
    for target in (zh, en, link):
        code, stdout, err = run(capsys, "align", en, zh, "-o", target)
        line = assert_one_error_line(code, err)
        assert "refusing to overwrite" in line
        assert stdout == ""
        assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (en, zh)} == before
    assert link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "review.en.txt", "review.zh.txt"]


def test_align_refuses_an_input_as_output_before_any_work(capsys, tmp_path, monkeypatch):
    import subalign.api

    def no_model(*args, **kwargs):
        raise AssertionError("the model was loaded before the output was checked")

    monkeypatch.setattr(subalign.api, "get_encoder", no_model)
    zh = tmp_path / "review.zh.txt"
    shutil.copy(ZH_FILE, zh)
    code, _, err = run(capsys, "align", EN_FILE, zh, "-o", zh)
    assert "refusing to overwrite" in assert_one_error_line(code, err)


# --------------------------------------------------------------------------- align: errors


@pytest.fixture
def bad_inputs(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n\t\n")
    (tmp_path / "binary.bin").write_bytes(bytes(range(256)) * 8)
    shutil.copy(ZH_FILE, tmp_path / "zh.txt")
    return tmp_path


@pytest.mark.parametrize(
    "args,needle",
    [
        (["align", "{d}/missing.txt", ZH_FILE], "missing.txt: no such file"),
        (["align", EN_FILE, "{d}/missing.txt"], "missing.txt: no such file"),
        (["align", "{d}/empty.txt", ZH_FILE], "empty"),
        (["align", EN_FILE, "{d}/blank.txt"], "empty"),
        (["align", "{d}/binary.bin", ZH_FILE], "binary"),
        (["align", EN_FILE, "{d}/zh.txt", "--encoding", "ascii"], "cannot decode as ascii"),
        (["align", EN_FILE, "{d}/zh.txt", "--tgt-encoding", "not-a-codec"], "unknown encoding"),
        (["align", EN_FILE, ZH_FILE, "--max-align", "99"], "--max-align must be between 2 and 8, got 99"),
        (["align", EN_FILE, ZH_FILE, "--max-align", "1"], "--max-align must be between 2 and 8, got 1"),
        (["align", EN_FILE, ZH_FILE, "--model", "not-a-model"], "not-a-model"),
        (["align", EN_FILE, ZH_FILE, "--model", "someone/not-a-real-model"], "someone/not-a-real-model"),
        (["align", EN_FILE, ZH_FILE, "--model", "./no/such/folder"], "does not exist"),
        (["eval", GOLD, "{d}/missing.align"], "no such file"),
    ],
    ids=[
        "missing-src",
        "missing-tgt",
        "empty",
        "blank",
        "binary",
        "bad-encoding",
        "unknown-encoding",
        "max-align-99",
        "max-align-1",
        "unknown-model",
        "missing-hub-model",
        "missing-folder",
        "eval-missing",
    ],
)
def test_user_errors_are_one_line_exit_2(capsys, bad_inputs, args, needle):
    argv = [str(a).replace("{d}", str(bad_inputs)) for a in args]
    code, stdout, err = run(capsys, *argv)
    line = assert_one_error_line(code, err)
    assert needle in line
    assert stdout == ""


def test_errors_in_a_real_process_have_no_traceback(bad_inputs, cache_dir):
    script = Path(sys.executable).with_name("subalign")
    cases = [
        ([str(script), "align", "missing.txt", str(ZH_FILE)], "no such file"),
        ([sys.executable, "-m", "subalign.cli", "align", "binary.bin", str(ZH_FILE)], "binary"),
        ([sys.executable, "-m", "subalign.cli", "align", str(EN_FILE), "zh.txt", "--encoding", "ascii"], "cannot decode"),
        ([str(script), "align", str(EN_FILE), str(ZH_FILE), "--model", "someone/not-a-real-model"], "not available locally"),
    ]
    assert script.is_file()
    for cmd, needle in cases:
        proc = run_subprocess(cmd, cache_dir, bad_inputs)
        line = assert_one_error_line(proc.returncode, proc.stderr)
        assert needle in line
        assert proc.stdout == ""


def test_model_error_hints_only_at_existing_options(capsys):
    code, _, err = run(capsys, "align", EN_FILE, ZH_FILE, "--model", "someone/not-a-real-model")
    line = assert_one_error_line(code, err)
    hinted = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", line))
    assert hinted  # today: {'--allow-download'}
    code, help_text, _ = run(capsys, "align", "--help")
    assert code == 0
    assert {opt for opt in hinted if opt not in help_text} == set()


# --------------------------------------------------------------------------- presplit


def test_presplit_indices_are_line_numbers(capsys, tmp_path):
    en_path, zh_path = SAMPLES / "review.en.sentences.txt", SAMPLES / "review.zh.sentences.txt"
    en_lines, zh_lines = nonblank_lines(en_path), nonblank_lines(zh_path)
    assert (len(en_lines), len(zh_lines)) == (N_EN, N_ZH)
    out = tmp_path / "out.json"
    code, _, err = run(capsys, "align", en_path, zh_path, "--presplit", "-o", out)
    assert code == 0, err
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["src"]["n_sentences"] == N_EN and data["tgt"]["n_sentences"] == N_ZH
    links = [Link(tuple(x["src"]), tuple(x["tgt"])) for x in data["links"]]
    assert_complete(links, N_EN, N_ZH)
    en_text, zh_text = en_path.read_text(encoding="utf-8"), zh_path.read_text(encoding="utf-8")
    for x in data["links"]:
        for i, a in zip(x["src"], x["src_anchors"]):
            assert en_text[a["start"] : a["end"]] == en_lines[i]
        for j, a in zip(x["tgt"], x["tgt_anchors"]):
            assert zh_text[a["start"] : a["end"]] == zh_lines[j]
        if len(x["src"]) == 1:
            assert x["src_text"] == en_lines[x["src"][0]]
        if len(x["tgt"]) == 1:
            assert x["tgt_text"] == zh_lines[x["tgt"][0]]
    assert score_links(parse_ladder(GOLD.read_text(encoding="utf-8")), links).strict_f1 >= 0.9


# --------------------------------------------------------------------------- eval


TABLE_HEADER = ["file", "strict_P", "strict_R", "strict_F1", "lax_P", "lax_R", "lax_F1"]


def parse_table(text: str) -> dict[str, list[float]]:
    lines = text.splitlines()
    assert lines[0].split() == TABLE_HEADER
    rows = {}
    for line in lines[1:]:
        name, *nums = line.split()
        assert len(nums) == 6 and all(re.fullmatch(r"\d\.\d{3}", x) for x in nums), line
        rows[name] = [float(x) for x in nums]
    return rows


def expected_row(gold: list[Link], test: list[Link]) -> list[float]:
    s = score_links(gold, test)
    return [round(x, 3) for x in (s.strict_p, s.strict_r, s.strict_f1, s.lax_p, s.lax_r, s.lax_f1)]


def ladder_text(links: list[Link]) -> str:
    return "".join(f"{list(link.src)}:{list(link.tgt)}\n" for link in links)


def shift(links: list[Link], ds: int, dt: int) -> list[Link]:
    return [Link(tuple(i + ds for i in link.src), tuple(j + dt for j in link.tgt)) for link in links]


def test_eval_files_and_directories(capsys, tmp_path):
    gold = parse_ladder(GOLD.read_text(encoding="utf-8"))
    # A test ladder with two mistakes: the first two beads merged, the note (0-1) folded into a 1-2.
    test = [Link(gold[0].src + gold[1].src, gold[0].tgt + gold[1].tgt)] + gold[2:]
    k = next(i for i, link in enumerate(test) if link.src == ())
    test = test[: k - 1] + [Link(test[k - 1].src, test[k - 1].tgt + test[k].tgt)] + test[k + 1 :]
    test_file = tmp_path / "test.align"
    test_file.write_text(ladder_text(test), encoding="utf-8")

    code, out, err = run(capsys, "eval", GOLD, GOLD)
    assert code == 0, err
    assert parse_table(out) == {"review.gold": [1.0] * 6}  # the row is named after the gold file's stem

    code, out, err = run(capsys, "eval", GOLD, test_file)
    assert code == 0, err
    rows = parse_table(out)
    assert rows == {"review.gold": expected_row(gold, test)}
    assert rows["review.gold"][0] < 1.0 and rows["review.gold"][3] == 1.0  # strict drops, lax does not

    # Directories: paired by stem, plus a micro-averaged "all" row.
    small_gold = [Link((0,), (0,)), Link((1, 2), (1,)), Link((3,), ()), Link((4,), (2, 3))]
    small_test = [Link((0,), (0,)), Link((1,), (1,)), Link((2, 3), ()), Link((4,), (2, 3))]
    gdir, tdir = tmp_path / "gold", tmp_path / "test"
    gdir.mkdir()
    tdir.mkdir()
    shutil.copy(GOLD, gdir / "review.align")
    (gdir / "small.align").write_text(ladder_text(small_gold), encoding="utf-8")
    shutil.copy(test_file, tdir / "review.ladder")
    (tdir / "small.txt").write_text(ladder_text(small_test), encoding="utf-8")
    (tdir / "extra.align").write_text("[0]:[0]\n", encoding="utf-8")  # no gold: ignored
    code, out, err = run(capsys, "eval", gdir, tdir)
    assert code == 0, err
    rows = parse_table(out)
    assert list(rows) == ["review", "small", "all"]
    assert rows["review"] == expected_row(gold, test)
    assert rows["small"] == expected_row(small_gold, small_test)
    # Micro-average = scoring both files as one, with the second file's indices moved out of the way.
    assert rows["all"] == expected_row(gold + shift(small_gold, 1000, 1000), test + shift(small_test, 1000, 1000))

    (tdir / "small.txt").unlink()
    code, out, err = run(capsys, "eval", gdir, tdir)
    assert "small" in assert_one_error_line(code, err)


def test_eval_bad_ladder_is_one_line(capsys, tmp_path):
    bad = tmp_path / "bad.align"
    bad.write_text("[0]:[0]\nthis is not a ladder\n", encoding="utf-8")
    code, _, err = run(capsys, "eval", GOLD, bad)
    assert ":2: not an alignment line" in assert_one_error_line(code, err)


# --------------------------------------------------------------------------- models


def models_table(out: str) -> dict[str, list[str]]:
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["name", "kind", "size", "ready"]
    return {line.split()[0]: line.split() for line in lines[1:] if line.strip()}


def test_models_list_and_build_then_align_with_the_folder(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # `models list` also shows ./models/*
    code, out, err = run(capsys, "models", "list")
    assert code == 0, err
    rows = models_table(out)
    for name in ("use-m3", "e5-small"):
        assert rows[name][1] == "builtin"
        assert rows[name][4] == "yes", out
    assert len(rows) == 2

    dest = tmp_path / "models" / "x"
    code, out, err = run(capsys, "models", "build", "use-m3", "--dest", dest)
    assert code == 0, err
    assert f"built use-m3 in {dest}" in err
    assert (dest / "modules.json").is_file() and (dest / "subalign_build.json").is_file()

    code, out, err = run(capsys, "models", "list")
    rows = models_table(out)
    assert rows[os.path.join("models", "x")][1:2] == ["folder"]
    assert rows[os.path.join("models", "x")][4] == "yes", out

    en, zh = tmp_path / "en.txt", tmp_path / "zh.txt"
    en.write_text(SHORT_EN, encoding="utf-8")
    zh.write_text(SHORT_ZH, encoding="utf-8")
    code, folder_out, err = run(capsys, "align", en, zh, "--model", "models/x")
    assert code == 0, err
    code, builtin_out, err = run(capsys, "align", en, zh, "--model", "use-m3")
    assert code == 0, err
    folder_links, builtin_links = parse_ladder(folder_out), parse_ladder(builtin_out)
    assert [(link.src, link.tgt) for link in folder_links] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    assert folder_links == builtin_links  # same engine, same scores

    code, _, err = run(capsys, "models", "build", "not-a-model", "--dest", tmp_path / "y")
    assert "not-a-model" in assert_one_error_line(code, err)
    assert not (tmp_path / "y").exists()


def test_no_cache_writes_no_cache_file(capsys, tmp_path, monkeypatch):
    fresh = tmp_path / "fresh-cache"
    monkeypatch.setenv("SUBALIGN_CACHE_DIR", str(fresh))
    en, zh = tmp_path / "en.txt", tmp_path / "zh.txt"
    en.write_text(SHORT_EN, encoding="utf-8")
    zh.write_text(SHORT_ZH, encoding="utf-8")
    code, out, err = run(capsys, "align", en, zh, "--no-cache")
    assert code == 0, err
    assert len(parse_ladder(out)) == 3
    # Only the lexicon's index (built once per installation, not a cache of inputs) may appear.
    assert not fresh.exists() or {p.name for p in fresh.iterdir()} <= {"lexicon"}
    code, out, err = run(capsys, "align", en, zh)
    assert code == 0, err
    assert (fresh / "embeddings.sqlite3").is_file()


# --------------------------------------------------------------------------- start-up, warnings


def test_help_does_not_import_heavy_modules(tmp_path, cache_dir):
    script = (
        "import sys\n"
        "from subalign.cli import main\n"
        "for args in [['--help'], ['models', '--help']] + [[c, '--help'] for c in ('align', 'eval', 'quotes', 'find', 'glossary', 'report', 'batch', 'dual', 'retime')]:\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit as e:\n"
        "        assert e.code in (0, None), (args, e.code)\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'sentence_transformers', 'transformers', 'numpy'))\n"
        "heavy += sorted(m for m in sys.modules if m.startswith('subalign.encoders'))\n"
        "print('HEAVY:', heavy, file=sys.stderr)\n"
    )
    proc = run_subprocess([sys.executable, "-c", script], cache_dir, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY: []" in proc.stderr
    assert "Usage:" in proc.stdout and "align" in proc.stdout and "models" in proc.stdout

    proc = run_subprocess([str(Path(sys.executable).with_name("subalign")), "--help"], cache_dir, tmp_path)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    for command in ("align", "eval", "models"):
        assert command in proc.stdout


def same_language_run(capsys, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(SHORT_EN, encoding="utf-8")
    shutil.copy(a, b)
    return run(capsys, "align", a, b)


def test_same_language_warning(capsys, tmp_path):
    code, out, err = same_language_run(capsys, tmp_path)
    assert code == 0, err
    warnings = [line for line in err.splitlines() if line.startswith("subalign: warning:")]
    assert len(warnings) == 1, err
    assert "a.txt" in warnings[0] and "b.txt" in warnings[0] and "English" in warnings[0]
    assert [(link.src, link.tgt) for link in parse_ladder(out)] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]


def test_same_language_warning_has_a_single_prefix(capsys, tmp_path):
    code, _, err = same_language_run(capsys, tmp_path)
    assert code == 0, err
    warning = next(line for line in err.splitlines() if line.startswith("subalign: warning:"))
    assert not warning.startswith("subalign: warning: warning:"), warning


def test_align_writes_several_formats_from_one_run(capsys, tmp_path):
    outs = [tmp_path / name for name in ("a.tmx", "a.tsv", "a.json", "a.align")]
    code, stdout, err = run(capsys, "align", EN_FILE, ZH_FILE, *[x for o in outs for x in ("-o", o)])
    assert code == 0, err
    assert stdout == ""
    ladder = parse_ladder(outs[3].read_text(encoding="utf-8"))
    records = json.loads(outs[2].read_text(encoding="utf-8"))["links"]
    assert [(list(l.src), list(l.tgt)) for l in ladder] == [(r["src"], r["tgt"]) for r in records]
    assert ET.parse(outs[0]).getroot().get("version") == "1.4"
    assert outs[1].read_text(encoding="utf-8").startswith("src\ttgt\tscore")


def test_align_rejects_format_with_several_outputs(capsys, tmp_path):
    code, _, err = run(capsys, "align", EN_FILE, ZH_FILE, "-o", tmp_path / "a.tsv", "-o", tmp_path / "b.tsv", "--format", "tsv")
    assert "--format applies to one output" in assert_one_error_line(code, err)


# --------------------------------------------------------------------------- option checks before any work


@pytest.fixture
def no_model(monkeypatch):
    import subalign.api
    import subalign.encoders

    def refuse(*args, **kwargs):
        raise AssertionError("the model was loaded before the options were checked")

    monkeypatch.setattr(subalign.encoders, "load_encoder", refuse)
    monkeypatch.setattr(subalign.api, "get_encoder", refuse)


SUBS_ZH = SAMPLES / "film.zh.srt"
SUBS_EN = SAMPLES / "dual" / "film.en.srt"


@pytest.mark.parametrize(
    "args,flag",
    [
        (["quotes", EN_FILE, SUBS_ZH, "--threshold", "nan"], "--threshold"),
        (["quotes", EN_FILE, SUBS_ZH, "--max-gap", "inf"], "--max-gap"),
        (["find", "workers", SUBS_ZH, "--threshold", "-inf"], "--threshold"),
        (["find", "workers", SUBS_ZH, "--max-gap", "nan"], "--max-gap"),
        (["dual", SUBS_ZH, SUBS_EN, "--time-weight", "nan"], "--time-weight"),
        (["dual", SUBS_ZH, SUBS_EN, "--time-weight", "inf"], "--time-weight"),
    ],
)
def test_non_finite_numbers_are_refused_naming_the_flag(capsys, no_model, args, flag):
    code, out, err = run(capsys, *args)
    line = assert_one_error_line(code, err)
    assert flag in line and "finite" in line and out == ""


@pytest.mark.parametrize(
    "args,flag",
    [
        (["align", EN_FILE, ZH_FILE, "--src-lang", "klingon"], "--src-lang"),
        (["align", EN_FILE, ZH_FILE, "--tgt-lang", "tlh"], "--tgt-lang"),
        (["quotes", EN_FILE, SUBS_ZH, "--lang", "klingon"], "--lang"),
        (["dual", SUBS_ZH, SUBS_EN, "--b-lang", "klingon"], "--b-lang"),
        (["retime", ZH_FILE, SUBS_EN, "--lang", "klingon"], "--lang"),
    ],
)
def test_unknown_languages_are_refused_naming_the_flag(capsys, no_model, args, flag):
    line = assert_one_error_line(*run(capsys, *args)[::2])
    assert line.startswith(f"subalign: error: {flag}: unknown language") and "en or zh" in line


@pytest.mark.parametrize(
    "command,out,listed",
    [
        (["quotes", EN_FILE, SUBS_ZH], "q.tmx", ".json, .srt, .tsv, .txt"),
        (["align", EN_FILE, ZH_FILE], "a.docx", ".align, .json, .ladder, .tmx, .tsv, .txt"),
        (["align", EN_FILE, ZH_FILE], "noextension", ".tmx"),
        (["dual", SUBS_ZH, SUBS_EN], "d.txt", ".ass, .json, .srt, .ssa, .vtt, .webvtt"),
        (["retime", ZH_FILE, SUBS_EN], "r.ass", ".json, .srt, .vtt"),
    ],
)
def test_unknown_output_extensions_are_refused_listing_the_known(capsys, tmp_path, no_model, command, out, listed):
    line = assert_one_error_line(*run(capsys, *command, "-o", tmp_path / out)[::2])
    assert listed in line and "--format" in line
    assert not (tmp_path / out).exists()


def test_format_overrides_the_extension_and_devices_need_none(null_output):
    from subalign.cli.common import output_format

    assert output_format("quotes", Path("q.tmx"), "json", "tsv") == "json"
    assert output_format("align", Path("/dev/null"), None, "ladder") == "ladder"
    assert output_format("retime", null_output, None, "srt") == "srt"
    assert output_format("quotes", None, None, "tsv") == "tsv"


@pytest.fixture
def null_output(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    return fifo


def test_retime_warns_when_both_sides_look_like_one_language(capsys, tmp_path):
    from subalign.subs.read import read_subtitles

    cues = read_subtitles(SUBS_EN)[:12]
    same = tmp_path / "same.txt"
    same.write_text("\n".join(" ".join(c.plain.split()) for c in cues) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "retime", same, SUBS_EN, "-o", tmp_path / "out.srt")
    assert code == 0, err
    warnings = [ln for ln in err.splitlines() if "both look like en" in ln]
    assert len(warnings) == 1 and warnings[0].startswith("subalign: warning:") and "--lang" in warnings[0]
    code, out, err = run(capsys, "retime", ZH_FILE, SUBS_EN, "-o", tmp_path / "zh.srt")
    assert code == 0, err
    assert "both look like" not in err


def test_find_warns_when_a_long_phrase_is_cut_and_subtitle_warnings_are_prefixed(tmp_path, capsys):
    from subalign.cli import main

    srt = tmp_path / "f.srt"
    srt.write_text("1\n00:00:05,000 --> 00:00:06,000\n工人罢工了。\n\n2\n00:00:01,000 --> 00:00:02,000\n老板跑了。\n", encoding="utf-8")
    phrase = "The workers went on strike. " * 200
    with pytest.raises(SystemExit) as e:
        main(["find", phrase, str(srt), "--top", "1"])
    assert e.value.code in (0, None)
    err = capsys.readouterr().err
    assert "subalign: warning: the phrase is longer than any window" in err
    assert "subalign: warning:" in err and "order" in err  # the out-of-order cue warning, with our prefix
