"""Glossary: candidate extraction, transliteration, pairing, file formats and the --check report."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
import typer
from typer.testing import CliRunner

from subalign.documents import document_from_text
from subalign.glossary import (
    GlossaryEntry,
    build_glossary,
    check_glossary,
    find_name,
    spells,
    translit_score,
)
from subalign.glossary_cli import glossary
from subalign.glossary_formats import (
    COLUMNS,
    parse_tbx,
    read_glossary,
    to_csv,
    to_json,
    to_tbx,
    to_tsv,
)
from subalign.terms import extract_en, extract_zh
from subalign.types import Anchor

EN = """Zeng Qiang founded the Chengdu Workers' Alliance in 2010.

The All-China Federation of Trade Unions (ACFTU) did not recognise it.

Later Zeng Qiang met Zhu Xiao-mei in Chengdu.

An ACFTU official said the alliance was illegal.

Zhu Xiao-mei wrote a book called *River Town Nights* about the strike.
"""
ZH = """曾强于2010年创办了成都工人联盟。

中华全国总工会（全总）不承认它。

后来曾强在成都见到了朱晓梅。

一位全总官员说这个联盟是非法的。

朱晓梅写了一本关于这次罢工的书，名叫《河城之夜》。
"""


def en_keys(text: str) -> dict[str, set[str]]:
    c = extract_en(document_from_text(text, lang="en"))
    out: dict[str, set[str]] = {}
    for m in c.mentions:
        out.setdefault(m.source, set()).add(m.key)
    return out


# --------------------------------------------------------------------------- extraction


def test_sentence_initial_words_are_not_names():
    keys = en_keys(
        "The factory closed. Critics in Beijing were angry. In March the workers left. Tang filmed it, and Tang Wenjie won."
    )
    caps = keys["caps"]
    assert "Beijing" in caps and "Tang Wenjie" in caps
    assert not {"The", "Critics", "In", "March", "In March"} & caps


def test_sentence_initial_name_is_kept_when_seen_mid_sentence():
    caps = en_keys("Du Hanqing is a lawyer. Peng spoke. They met Peng later.")["caps"]
    assert "Du Hanqing" in caps  # two capitalised words: a name even at the start
    assert "Peng" in caps  # capitalised mid-sentence elsewhere


def test_acronym_with_definition():
    c = extract_en(
        document_from_text(
            "Its union belongs to the All-China Federation of Trade Unions (ACFTU). The ACFTU said no.",
            lang="en",
        )
    )
    assert c.abbreviations == {"ACFTU": "All-China Federation of Trade Unions"}
    acr = [m for m in c.mentions if m.key == "ACFTU"]
    assert len(acr) == 2 and all(m.type == "org" for m in acr)


def test_titles_in_italics_and_quotes():
    keys = en_keys(
        'His film *The Glue Line* and _Salt Flats_ and "Harbour Lights" were shown. He said "Sign here, or leave."'
    )
    assert {"The Glue Line", "Salt Flats", "Harbour Lights"} <= keys["title"]
    assert "Sign here, or leave." not in keys.get("quote", set())


def test_headline_capitals_are_not_names():
    text = "Glue, Debt and Dignity: Tang Wenjie's Film Follows a Shoe Factory to Its Last Shift\n\nTang Wenjie made it in Houjie."
    caps = en_keys(text)["caps"]
    assert "Tang Wenjie" in caps and "Houjie" in caps
    assert not {"Shoe Factory", "Its Last Shift", "Dignity", "Debt"} & caps


def test_chinese_candidates():
    doc = document_from_text(
        "企业工会隶属于中华全国总工会（全总）。唐文杰的《胶水线》在香港首映，约翰·史密斯也来了。",
        lang="zh",
    )
    c = extract_zh(doc)
    by = {(m.key, m.source) for m in c.mentions}
    assert c.abbreviations == {"全总": "中华全国总工会"}
    assert ("胶水线", "title") in by
    assert ("约翰·史密斯", "dot-name") in by
    assert ("香港", "jieba:ns") in by
    for m in c.mentions:  # offsets point into the document text
        assert doc.text[m.start : m.end] == m.key


# --------------------------------------------------------------------------- transliteration


@pytest.mark.parametrize(
    "en, zh",
    [
        ("Zeng", "曾"),
        ("Shan", "单"),
        ("Xiaomei", "晓梅"),
        ("Xiao-mei", "晓梅"),
        ("Wenjie", "文杰"),
        ("Siu-ling", "小玲"),
        ("Wong", "黄"),
        ("Hsu", "徐"),
        ("Lü", "吕"),
        ("Lu", "吕"),
    ],
)
def test_spells(en, zh):
    assert spells(en, zh)


def test_spells_rejects_wrong_readings():
    assert not spells("Zhang", "曾")
    assert not spells("Xiaomei", "晓")


@pytest.mark.parametrize("name", ["Zhu Xiaomei", "Zhu Xiao-mei", "Xiaomei Zhu", "Zhū Xiǎoméi"])
def test_find_name_toneless_hyphenated_or_reversed(name):
    text = "后来曾强在成都见到了朱晓梅。"
    assert [text[a:b] for a, b in find_name(name.split(), text)] == ["朱晓梅"]


def test_translit_score_full_and_partial():
    assert translit_score("Zeng Qiang", "曾强") == 1.0
    assert 0.4 <= translit_score("Jinlu Footwear", "金履鞋业") <= 0.6
    assert translit_score("Beijing", "上海") == 0.0


# --------------------------------------------------------------------------- pairing


@pytest.fixture(scope="module")
def enc(tmp_path_factory):
    from subalign.encoders import load_encoder

    return load_encoder("use-m3", cache=True, cache_dir=str(tmp_path_factory.mktemp("gloss-cache")))


@pytest.fixture(scope="module")
def constructed(enc):
    from subalign.api import align

    al = align(
        document_from_text(EN, lang="en"),
        document_from_text(ZH, lang="zh"),
        encoder=enc,
    )
    return al, build_glossary(al, enc)


def test_pairing_on_constructed_bitext(constructed):
    al, entries = constructed
    got = {(e.en, e.zh): e for e in entries}
    for pair, typ in [
        (("Zeng Qiang", "曾强"), "person"),
        (("Zhu Xiao-mei", "朱晓梅"), "person"),
        (("Chengdu", "成都"), "place"),
        (("All-China Federation of Trade Unions", "中华全国总工会"), "org"),
        (("ACFTU", "中华全国总工会"), "org"),
        (("ACFTU", "全总"), "org"),
        (("River Town Nights", "河城之夜"), "work"),
    ]:
        assert pair in got, pair
        assert got[pair].type == typ
    zeng = got[("Zeng Qiang", "曾强")]
    assert zeng.count == 2 and "translit=1.00" in zeng.evidence
    assert [a.id for a in zeng.anchors] == ["p1.s1", "p3.s1"]
    assert al.src.text[zeng.anchors[0].start : zeng.anchors[0].end] == "Zeng Qiang"
    assert not any(e.en in ("Later", "An") for e in entries)
    assert zeng.zh_hant == "曾強" and zeng.pinyin == "zeng qiang"


def test_sample_review_names(enc):
    """The review sample: every gold name pair is found and no wrong name pair is output."""
    from pathlib import Path

    from subalign.api import align_files

    root = Path(__file__).resolve().parent.parent / "samples"
    gold = list(csv.DictReader((root / "glossary.gold.tsv").read_text(encoding="utf-8").splitlines(), delimiter="\t"))
    al = align_files(root / "review.en.txt", root / "review.zh.txt", encoder=enc)
    entries = build_glossary(al, enc)
    pred = {(e.en, e.zh) for e in entries}
    names = {(g["en"], g["zh"]) for g in gold if g["type"] != "term"}
    assert len(names - pred) <= 1
    wrong = {(e.en, e.zh) for e in entries if e.type != "term"} - {(g["en"], g["zh"]) for g in gold}
    assert len(wrong) <= 1


# --------------------------------------------------------------------------- formats

ENTRIES = [
    GlossaryEntry(
        "ACFTU",
        "全总",
        "org",
        0.9,
        2,
        (Anchor(5, 2, 10, 15),),
        (),
        ("definition: 中华全国总工会（全总）",),
        'He said "yes",\tthen left.',
        "他说：“是”。",
        "全總",
        "quan zong",
    ),
    GlossaryEntry(
        "Huang Wenhai",
        "黄文海",
        "person",
        0.99,
        1,
        (Anchor(1, 1, 0, 12),),
        (),
        ("translit=1.00",),
        "Huang Wenhai films.",
        "黄文海拍片。",
        "黃文海",
        "huang wen hai",
    ),
]


def test_csv_and_tsv_parse_back(tmp_path):
    rows = list(csv.DictReader(io.StringIO(to_csv(ENTRIES))))
    assert list(rows[0].keys()) == COLUMNS
    assert rows[0]["en"] == "ACFTU" and rows[0]["zh_hant"] == "全總" and rows[0]["anchors"] == "p5.s2"
    assert rows[0]["context_en"] == 'He said "yes", then left.'  # tab flattened, quotes round-trip
    p = tmp_path / "g.csv"
    p.write_text(to_csv(ENTRIES), encoding="utf-8")
    assert read_glossary(p) == [("ACFTU", "全总"), ("Huang Wenhai", "黄文海")]
    p = tmp_path / "g.tsv"
    p.write_text(to_tsv(ENTRIES), encoding="utf-8")
    assert read_glossary(p) == [("ACFTU", "全总"), ("Huang Wenhai", "黄文海")]


def test_tbx_is_well_formed_and_parses_back(tmp_path):
    xml = to_tbx(ENTRIES)
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.tag == "martif" and root.get("type") == "TBX-Basic"
    entries = root.findall(".//termEntry")
    assert len(entries) == 2
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    first = entries[0]
    assert [ls.get(lang) for ls in first.findall("langSet")] == [
        "en",
        "zh-Hans",
        "zh-Hant",
    ]
    assert first.find("langSet/tig/termNote[@type='termType']").text == "acronym"
    assert first.find("langSet[2]/tig/termNote[@type='termType']").text == "abbreviation"
    assert first.find("langSet/tig/descrip[@type='context']").text.startswith("He said")
    assert parse_tbx(xml) == [("ACFTU", "全总"), ("Huang Wenhai", "黄文海")]
    p = tmp_path / "g.tbx"
    p.write_text(xml, encoding="utf-8")
    assert read_glossary(p) == [("ACFTU", "全总"), ("Huang Wenhai", "黄文海")]


def test_tbx_v3_is_read():
    xml = """<?xml version="1.0"?><tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" xml:lang="en">
    <text><body><conceptEntry id="1"><langSec xml:lang="en"><termSec><term>Panyu</term></termSec></langSec>
    <langSec xml:lang="zh"><termSec><term>番禺</term></termSec></langSec></conceptEntry></body></text></tbx>"""
    assert parse_tbx(xml) == [("Panyu", "番禺")]


def test_json_has_anchors():
    obj = json.loads(to_json(ENTRIES))
    assert obj["entries"][1]["anchors"][0] == {
        "id": "p1.s1",
        "paragraph": 1,
        "sentence": 1,
        "start": 0,
        "end": 12,
    }


# --------------------------------------------------------------------------- check and CLI


def test_check_reports_missing_rendering(constructed):
    al, _ = constructed
    issues = check_glossary(
        al,
        [
            ("Zeng Qiang", "曾强"),
            ("ACFTU", "中华全国总工会"),
            ("ACFTU", "全总"),
            ("Chengdu", "蓉城"),
            ("strike", "罢工"),
        ],
    )
    # Chengdu is in link 1 (inside the alliance's name) and link 3; neither target has 蓉城.
    assert [(i.en, i.src_anchors[0].id) for i in issues] == [
        ("Chengdu", "p1.s1"),
        ("Chengdu", "p3.s1"),
    ]
    assert issues[0].expected == ("蓉城",)
    assert al.src.text[issues[0].src_anchors[0].start : issues[0].src_anchors[0].end] == "Chengdu"


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("glossary")(glossary)
    app.command("other")(lambda: None)  # two commands, so "glossary" stays a subcommand
    return app


def test_cli_builds_and_checks(tmp_path):
    src, tgt = tmp_path / "a.en.txt", tmp_path / "a.zh.txt"
    src.write_text(EN, encoding="utf-8")
    tgt.write_text(ZH.replace("朱晓梅写了", "朱小梅写了"), encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "g.tbx"
    res = runner.invoke(_app(), ["glossary", str(src), str(tgt), "-o", str(out)])
    assert res.exit_code == 0, res.output
    rows = read_glossary(out)
    assert ("Zeng Qiang", "曾强") in rows and ("ACFTU", "全总") in rows
    gl = tmp_path / "gold.tsv"
    gl.write_text(
        "en\tzh\ttype\nZhu Xiao-mei\t朱晓梅\tperson\nZeng Qiang\t曾强\tperson\n",
        encoding="utf-8",
    )
    res = runner.invoke(_app(), ["glossary", "--check", str(gl), str(src), str(tgt)])
    assert res.exit_code == 0, res.output
    lines = [line.split("\t") for line in res.stdout.strip().split("\n")]
    assert lines[0][:3] == ["link", "en", "expected_zh"]
    assert [(r[1], r[3].split(":")[0]) for r in lines[1:]] == [("Zhu Xiao-mei", "p5.s1")]
    start, end = map(int, lines[1][3].split(":")[1].split("-"))
    assert EN[start:end] == "Zhu Xiao-mei"


def test_cli_usage_errors(tmp_path):
    from subalign.types import SubalignError

    res = CliRunner().invoke(_app(), ["glossary", "--check", str(tmp_path / "x.tsv"), "b"])
    assert isinstance(res.exception, SubalignError)
