"""Link confidence end to end: every link of a real alignment has one, every format but the
ladder carries it, ``--min-confidence`` thins the TMX only, and the report flags weak links by it."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cli_helpers import run
from subalign.aligner.evaluate import score_links
from subalign.aligner.formats import parse_ladder
from subalign.report.page import build_report
from subalign.types import Alignment, Link

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
EN_FILE, ZH_FILE, GOLD = SAMPLES / "review.en.txt", SAMPLES / "review.zh.txt", SAMPLES / "review.gold.align"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """The samples aligned once into every format, the TMX with and without --min-confidence.

    The embedding cache and offline hub are conftest's, for the whole session."""
    from subalign.cli import main

    d = tmp_path_factory.mktemp("conf")

    def cli(*args) -> int:
        try:
            main([str(a) for a in args])
        except SystemExit as e:
            return e.code if isinstance(e.code, int) else 0
        return 0

    assert cli("align", EN_FILE, ZH_FILE, "-o", d / "a.json", "-o", d / "a.tsv", "-o", d / "a.tmx",
               "-o", d / "a.align") == 0
    assert cli("align", EN_FILE, ZH_FILE, "-o", d / "strict.tmx", "--min-confidence", "0.9") == 0
    return d


def tus(path: Path) -> list[dict[str, str]]:
    root = ET.parse(path).getroot()
    return [{p.get("type"): p.text for p in tu.findall("prop")} for tu in root.findall("body/tu")]


def test_every_link_of_the_samples_has_a_confidence_in_every_format(outputs):
    links = json.loads((outputs / "a.json").read_text(encoding="utf-8"))["links"]
    confs = [lk["confidence"] for lk in links]
    assert len(confs) > 40 and all(isinstance(c, float) and 0.0 <= c <= 1.0 for c in confs)
    assert len(set(confs)) > 10  # a real spread, not a constant
    rows = list(csv.reader(io.StringIO((outputs / "a.tsv").read_text(encoding="utf-8")), dialect="excel-tab"))
    assert rows[0] == ["src", "tgt", "score", "src_anchor", "tgt_anchor", "confidence"]
    assert [float(r[5]) for r in rows[1:]] == pytest.approx(confs, abs=5e-4)
    both = [c for lk, c in zip(links, confs) if lk["src"] and lk["tgt"]]
    assert [float(t["x-confidence"]) for t in tus(outputs / "a.tmx")] == pytest.approx(both, abs=5e-4)
    ladder = (outputs / "a.align").read_text(encoding="utf-8")
    assert all(line.count(":") == 2 for line in ladder.splitlines())  # the ladder is unchanged: no confidence
    # Calibrated in spirit on the samples (in sample: the model was fitted on MAC-Dev, not these):
    # the confident links are right more often than the doubtful ones.
    gold = {(tuple(g.src), tuple(g.tgt)) for g in parse_ladder(GOLD.read_text(encoding="utf-8"))}
    right = [(tuple(lk["src"]), tuple(lk["tgt"])) in gold for lk in links]
    sure = [r for r, c in zip(right, confs) if c >= 0.9]
    assert sure and sum(sure) / len(sure) >= 0.9
    assert score_links(parse_ladder(GOLD.read_text(encoding="utf-8")), parse_ladder(ladder)).strict_f1 > 0.8


def test_min_confidence_drops_links_from_the_tmx_only(outputs, capsys):
    links = json.loads((outputs / "a.json").read_text(encoding="utf-8"))["links"]
    kept = [lk for lk in links if lk["src"] and lk["tgt"] and lk["confidence"] >= 0.9]
    strict = tus(outputs / "strict.tmx")
    assert 0 < len(strict) == len(kept) < len(tus(outputs / "a.tmx"))
    assert all(float(t["x-confidence"]) >= 0.9 for t in strict)
    dropped = len(tus(outputs / "a.tmx")) - len(strict)
    # the summary says how many; the other formats keep every link
    code, out, err = run(capsys, "align", EN_FILE, ZH_FILE, "--format", "tsv", "--min-confidence", "0.9")
    assert code == 0 and len(out.splitlines()) == 1 + len(links)
    assert "--min-confidence has no effect without a TMX output" in err
    code, out, err = run(capsys, "align", EN_FILE, ZH_FILE, "-o", outputs / "again.tmx", "--min-confidence", "0.9")
    assert code == 0 and f"{dropped} left out of the TMX" in err


@pytest.mark.parametrize("bad", ["1.5", "-0.1", "nan"])
def test_min_confidence_outside_0_1_is_one_line(capsys, bad):
    code, out, err = run(capsys, "align", EN_FILE, ZH_FILE, "--min-confidence", bad)
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "--min-confidence" in lines[0] and "Traceback" not in err


def test_report_flags_links_under_half_confidence_not_by_score():
    from edit_fixtures import documents  # lazy: the edit tests' small documents

    src, tgt = documents()
    links = [Link((0,), (0, 1), 0.9, 0.3), Link((1,), (2,), 0.2, 0.95), Link((2,), (3,), 0.3),
             Link(tuple(range(3, 10)), tuple(range(4, 12)), 0.9, 0.7)]
    html = build_report(Alignment(src, tgt, links, "m", {}))
    beads = [chunk.split(">", 1)[0] for chunk in html.split('<div class="bead')[1:]]
    # 0.3 sure: weak though it scores 0.9; 0.95 sure: not weak though it scores 0.2; no confidence: by score.
    assert [" low" in b for b in beads] == [True, False, True, False]
    assert "2 low-confidence" in html
    assert "confidence (probability the link is right) below 0.50" in html and "low 0.30" in html
