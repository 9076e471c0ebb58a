"""Glossary: candidate extraction, transliteration, pairing, file formats and the --check report."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import numpy as np
import opencc
import pytest
import typer
from typer.testing import CliRunner

import subalign.api
from subalign.api import align, align_files
from subalign.cli import main
from subalign.encoders import load_encoder
from subalign.text.cjk import simplified_view
from subalign.text.documents import document_from_text
from subalign.glossary.check import TermFinder, check_glossary, en_pattern
from subalign.glossary.pairing import GlossaryEntry, GlossaryOptions, build_glossary
from subalign.lexicon.translit import find_name, spells, translit_score
from subalign.cli.glossary import glossary
from subalign.glossary.formats import (
    COLUMNS,
    parse_tbx,
    read_glossary,
    to_csv,
    to_json,
    to_tbx,
    to_tsv,
)
from subalign.glossary.terms_en import extract_en, romanisable
from subalign.glossary.terms_zh import extract_zh
from subalign.types import Alignment, Anchor, Link, SubalignError

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
    return load_encoder("use-m3", cache=True, cache_dir=str(tmp_path_factory.mktemp("gloss-cache")))


@pytest.fixture(scope="module")
def constructed(enc):
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
    res = CliRunner().invoke(_app(), ["glossary", "--check", str(tmp_path / "x.tsv"), "b"])
    assert isinstance(res.exception, SubalignError)


# --------------------------------------------------------------------------- input no one here wrote (issue 10)

WE_THE_EN = "The film was made by We The. Later We The said it again.\n"
WE_THE_ZH = "这部电影是我们拍的。后来我们又说了一遍。\n"


class HashEncoder:
    """A stand-in encoder: a fixed unit vector per string (deterministic, no model)."""

    def encode(self, texts):
        out = np.zeros((len(texts), 16), dtype=np.float32)
        for i, t in enumerate(texts):
            v = np.frombuffer(hashlib.blake2b(t.encode(), digest_size=16).digest(), dtype=np.uint8) - 127.5
            out[i] = v / np.linalg.norm(v)
        return out


def one_to_one(src_text: str, tgt_text: str, presplit: bool = False):
    """An alignment linking sentence i to sentence i (the rest unaligned), without a model."""
    src = document_from_text(src_text, lang="en", presplit=presplit)
    tgt = document_from_text(tgt_text, lang="zh", presplit=presplit)
    n = min(len(src), len(tgt))
    links = [Link((i,), (i,), 0.8) for i in range(n)]
    links += [Link((i,), (), 0.0) for i in range(n, len(src))] + [Link((), (j,), 0.0) for j in range(n, len(tgt))]
    return Alignment(src, tgt, links, "test")


def test_a_run_of_stop_words_is_no_name():
    caps = en_keys(WE_THE_EN).get("caps", set())
    assert not caps & {"We The", "We", "The"}
    assert find_name([], "我们又说了一遍") == []  # no words spell nothing (was IndexError)
    assert en_keys("They flew to The Hague.")["caps"] == {"The Hague"}  # a stop word inside a name is fine


def test_stop_word_run_builds_a_glossary(enc):
    al = align(document_from_text(WE_THE_EN, lang="en"), document_from_text(WE_THE_ZH, lang="zh"), encoder=enc)
    entries = build_glossary(al, enc)
    assert all(e.en not in ("We The", "We", "The") for e in entries)


def test_capitalised_run_of_stop_words_inside_a_real_name_pair():
    al = one_to_one("Zeng Qiang met We The in Chengdu. Zeng Qiang left.", "曾强在成都见了我们。曾强走了。")
    got = {(e.en, e.zh) for e in build_glossary(al, HashEncoder())}
    assert ("Zeng Qiang", "曾强") in got


def test_romanisable_does_not_backtrack():
    assert romanisable("Hanqing") and romanisable("Siu-ling") and not romanisable("Later")
    # "ian" = "i" + "an": a regex (syllable)+ tries 2^n splits before failing on the q
    assert not romanisable("Ian" * 5000 + "q")
    assert romanisable("Ian" * 5000)
    caps = en_keys(("Ianianianianianianianianianianianianianq " * 3 + "Smith spoke. ") * 2)
    assert "caps" not in caps or all(len(k.split()) <= 10 for k in caps["caps"])


def _check_offsets(doc, cands):
    for m in cands.mentions:
        assert doc.text[m.start : m.end] == m.text, m


@pytest.mark.parametrize("presplit", [False, True])
def test_english_extraction_on_a_1mb_line(presplit):
    """One line of 1 MB, no line break: every mention still slices its text out (no quadratic step)."""
    review = (Path(__file__).resolve().parent.parent / "samples/review.en.txt").read_text(encoding="utf-8")
    line = review.replace("\n", " ")
    text = (line * (1_000_000 // len(line) + 1))[:1_000_000]
    doc = document_from_text(text, lang="en", presplit=presplit)
    assert len(doc) == 1 if presplit else len(doc) > 5000
    c = extract_en(doc)
    _check_offsets(doc, c)
    keys = Counter(m.key for m in c.mentions if m.source == "caps")
    assert keys["Tang Wenjie"] >= 100 and keys["Houjie"] >= 100


def test_100kb_capitalised_run_is_not_a_name():
    words = ["Alpha", "Beta", "Zeng", "Qiang", "Wong", "Siu-ling", "Ianianian"]
    run = " ".join(words[i % len(words)] for i in range(16_000))  # ~100 KB
    for presplit in (False, True):
        doc = document_from_text(f"He met {run} there. Later Zeng Qiang left.", lang="en", presplit=presplit)
        c = extract_en(doc)
        _check_offsets(doc, c)
        assert all(len(m.key.split()) <= 10 for m in c.mentions if m.source == "caps")


def test_many_definitions_and_headlines_in_one_pass():
    """Acronym definitions, headline re-finding and Chinese abbreviations used to rescan every mention."""
    n = 3000
    name = lambda i: "Kal" + "".join("abcdefghij"[int(d)] for d in str(i))  # Kalab, Kalac, ...
    en = " ".join(f"members of the {name(i)} Union (KU) met." for i in range(n))
    heads = "\n".join(f"{name(i)} Union Meets {name(i + 1)} Union At Last" for i in range(0, n, 3))
    doc = document_from_text(en + "\n" + heads, lang="en", presplit=True)
    c = extract_en(doc)
    _check_offsets(doc, c)
    assert c.abbreviations == {"KU": f"{name(n - 1)} Union"}  # the last definition wins
    in_heads = [m.key for m in c.mentions if m.source == "caps" and m.start > len(en)]
    assert len(in_heads) == 2 * len(range(0, n, 3)) and in_heads[:2] == ["Kala Union", "Kalb Union"]
    zh = "中华全国总工会（全总）说了。" + "全总官员来了，工会（工）也来了。" * 2000
    zdoc = document_from_text(zh, lang="zh", presplit=True)
    zc = extract_zh(zdoc)
    for m in zc.mentions:
        assert zdoc.text[m.start : m.end] == m.key
    assert sum(m.key == "全总" for m in zc.mentions) == 2001


def test_long_or_dense_links_are_left_out_with_a_warning():
    """A presplit paragraph of 60 KB is one link: too coarse to pair terms in, and not quadratic."""
    root = Path(__file__).resolve().parent.parent / "samples"
    en = root.joinpath("review.en.txt").read_text(encoding="utf-8").replace("\n", " ") * 10
    zh = root.joinpath("review.zh.txt").read_text(encoding="utf-8").replace("\n", "") * 10
    al = one_to_one(en + "\nZeng Qiang spoke.", zh + "\n曾强说话了。", presplit=True)
    warned: list[str] = []
    entries = build_glossary(al, HashEncoder(), warn=warned.append)
    assert [(e.en, e.zh) for e in entries] == [("Zeng Qiang", "曾强")]
    assert len(warned) == 1 and "1 of 2 links" in warned[0]


def test_glossary_options_reject_nonsense():
    for bad in ({"min_score": float("nan")}, {"min_score": 2.0}, {"sim_floor": 0.8, "sim_ceil": 0.8},
                {"max_link_chars": 0}):
        with pytest.raises(SubalignError):
            GlossaryOptions(**bad)


def test_check_with_a_big_glossary_matches_the_plain_regex(constructed):
    """Thousands of rows: the word-indexed search finds what one regex per row finds."""
    al, _ = constructed
    rows = [("Zeng Qiang", "曾强"), ("Chengdu", "蓉城"), ("strike", "罢工")]
    rows += [(f"term{i} word", f"词{i}") for i in range(5000)]
    issues = check_glossary(al, rows)
    assert [(i.en, i.src_anchors[0].id) for i in issues] == [("Chengdu", "p1.s1"), ("Chengdu", "p3.s1")]
    terms = ["Zeng Qiang", "ACFTU", "strike", "Trade Unions", "e-mail", "U.S.", "(ACFTU)", "alliance"]
    pats = {t: en_pattern(t) for t in terms}
    text = al.src.text + " The strikes, an e-mail to the U.S. and (ACFTU) alliances."
    got = TermFinder(pats).find(text)
    for t, p in pats.items():
        assert [m.span() for m in got.get(t, [])] == [m.span() for m in p.finditer(text)], t
    assert re.search("strikes", text) and got["strike"]


def test_glossary_file_with_a_line_over_128kb(tmp_path):
    big = "x" * 200_000
    p = tmp_path / "g.tsv"
    p.write_text(f"en\tzh\tcontext_en\nZeng Qiang\t曾强\t{big}\n", encoding="utf-8")
    assert read_glossary(p) == [("Zeng Qiang", "曾强")]
    p = tmp_path / "g.csv"
    p.write_text(f'en,zh\n"{big}",x\nChengdu,成都\n', encoding="utf-8")
    assert read_glossary(p)[1] == ("Chengdu", "成都")
    p = tmp_path / "g.json"
    p.write_text('{"entries": [{"en": 1, "zh": "x"}]}', encoding="utf-8")
    with pytest.raises(SubalignError, match="entry 1"):
        read_glossary(p)
    p.write_text("[" * 100_000, encoding="utf-8")
    with pytest.raises(SubalignError):
        read_glossary(p)


def _write_pair(tmp_path, en=EN, zh=ZH):
    src, tgt = tmp_path / "a.en.txt", tmp_path / "a.zh.txt"
    src.write_text(en, encoding="utf-8")
    tgt.write_text(zh, encoding="utf-8")
    return src, tgt


def test_cli_stop_word_run(tmp_path, monkeypatch, enc):
    monkeypatch.setattr(subalign.api, "get_encoder", lambda *a, **k: enc)
    src, tgt = _write_pair(tmp_path, WE_THE_EN, WE_THE_ZH)
    res = CliRunner().invoke(_app(), ["glossary", str(src), str(tgt)])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[0].split("\t")[:2] == ["en", "zh"]


def test_cli_checks_files_and_outputs_before_loading_the_model(tmp_path, monkeypatch):
    def no_model(*a, **k):
        raise AssertionError("the model was loaded before the inputs were checked")

    monkeypatch.setattr(subalign.api, "get_encoder", no_model)
    src, tgt = _write_pair(tmp_path)
    (tmp_path / "outdir").mkdir()
    gl = tmp_path / "g.tsv"
    gl.write_text("en\tzh\nZeng Qiang\t曾强\n", encoding="utf-8")
    for args in (
        [str(src), str(tmp_path / "missing.zh.txt")],
        [str(src), str(tgt), "-o", str(tmp_path / "outdir")],
        [str(src), str(tgt), "-o", str(src)],
        ["--check", str(tmp_path / "missing.tsv"), str(src), str(tgt)],
        [str(tgt), str(src)],  # Chinese first
        [str(src), str(tgt), "--min-score", "nan"],
    ):
        res = CliRunner().invoke(_app(), ["glossary", *args])
        assert isinstance(res.exception, SubalignError), (args, res.exception)
        assert "\n" not in str(res.exception)
    assert src.read_text(encoding="utf-8") == EN


def test_cli_language_options(tmp_path, monkeypatch, enc):
    monkeypatch.setattr(subalign.api, "get_encoder", lambda *a, **k: enc)
    src, tgt = _write_pair(tmp_path)
    res = CliRunner().invoke(_app(), ["glossary", str(src), str(tgt), "--src-lang", "en", "--tgt-lang", "zh"])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(_app(), ["glossary", str(src), str(tgt), "--tgt-lang", "en"])
    assert isinstance(res.exception, SubalignError)
    assert "as en" in str(res.exception) and "--src-lang en --tgt-lang zh" in str(res.exception)


def test_cli_check_reads_a_glossary_with_long_lines(tmp_path, monkeypatch, enc):
    monkeypatch.setattr(subalign.api, "get_encoder", lambda *a, **k: enc)
    src, tgt = _write_pair(tmp_path)
    gl = tmp_path / "g.tsv"
    gl.write_text("en\tzh\tcontext_en\nChengdu\t蓉城\t" + "y" * 200_000 + "\n", encoding="utf-8")
    res = CliRunner().invoke(_app(), ["glossary", "--check", str(gl), str(src), str(tgt)])
    assert res.exit_code == 0, res.output
    assert [line.split("\t")[1] for line in res.stdout.strip().splitlines()[1:]] == ["Chengdu", "Chengdu"]


def test_cli_unknown_output_extension_is_refused_before_work(tmp_path):
    # `-o terms.tmx` used to write TSV silently into a file named .tmx.
    root = Path(__file__).resolve().parent.parent / "samples"
    out = tmp_path / "terms.tmx"
    with pytest.raises(SystemExit) as e:
        main(["glossary", str(root / "review.en.txt"), str(root / "review.zh.txt"), "-o", str(out)])
    assert e.value.code == 2
    assert not out.exists()


def test_traditional_translation_gives_the_same_glossary_written_in_traditional():
    # jieba's dictionary is Simplified: cutting Traditional text as written split
    # words across boundaries; it now cuts the Simplified view and keeps the text.
    root = Path(__file__).resolve().parent.parent / "samples"
    en = (root / "review.en.txt").read_text(encoding="utf-8")
    zh = (root / "review.zh.txt").read_text(encoding="utf-8")
    hant = opencc.OpenCC("s2t").convert(zh)
    simp = build_glossary(align(en, zh))
    trad = build_glossary(align(en, hant))
    assert [(e.en, e.zh) for e in simp] == [(e.en, simplified_view(e.zh)) for e in trad]
    assert any(e.zh != simplified_view(e.zh) for e in trad)  # shown as written, in Traditional


# --------------------------------------------------------------------------- lexical support (issue 12)


class SameEncoder:
    """Every text gets the same vector: the embedding vouches for every pair (cosine 1)."""

    def encode(self, texts):
        out = np.zeros((len(texts), 4), dtype=np.float32)
        out[:, 0] = 1.0
        return out


def test_term_support_kinds_compounds_derivations_and_acronyms():
    from subalign.glossary.lexical import TermMatcher
    from subalign.lexicon import load

    tm = TermMatcher(load())
    ins = tm.support("social insurance", "社会保险")  # the entry's gloss lacks "insurance"; its piece 保险 has it
    assert ins.kinds == ("dict",) and ins.en_cov == ins.zh_cov == 1.0 and ins.supports()
    assert ("insurance", "社会保险") in ins.matches
    assert tm.support("factory relocation", "工厂搬迁").supports()  # relocation -> relocate = 搬迁
    assert ("NGO", "非政府组织") in tm.support("labour NGO", "劳工非政府组织").matches  # initials of the gloss
    gate = tm.support("factory gate", "厂门")  # an unknown compound, covered by its characters
    assert gate.zh_cov == 1.0 and gate.supports()
    years = tm.support("twenty years", "二十年")
    assert "number" in years.kinds and years.supports()
    assert not tm.support("temporary city", "城市").supports()  # only "city" is matched
    assert not tm.support("factory", "工厂是").supports()  # 是 is no part of a term
    assert tm.support("severance pay", "经济补偿金").kinds == ()  # CC-CEDICT does not link them


def test_term_pair_kept_by_dictionary_support_and_crossed_pair_dropped():
    """With an embedding that likes every pair, only the dictionary tells which term renders which."""
    al = one_to_one(
        "Workers demanded labour arbitration after the factory relocation.",
        "工厂搬迁后，工人们要求劳动仲裁。",
    )
    entries = build_glossary(al, SameEncoder())
    got = {(e.en, e.zh): e for e in entries}
    for pair in [("labour arbitration", "劳动仲裁"), ("factory relocation", "工厂搬迁")]:
        assert pair in got and got[pair].type == "term"
        assert "support=dict" in got[pair].evidence
        assert any(ev.startswith("matches: ") for ev in got[pair].evidence)
    assert {(e.en, e.zh) for e in entries if e.type == "term"} == set(got) - {
        (e.en, e.zh) for e in entries if e.type != "term"
    }
    assert ("labour arbitration", "工厂搬迁") not in got and ("factory relocation", "劳动仲裁") not in got


def test_term_pair_without_dictionary_support_needs_repeated_co_occurrence():
    """经济补偿金 is not in CC-CEDICT as severance pay: one shared sentence is no evidence, two are."""
    once = one_to_one("They were owed severance pay.", "他们被拖欠经济补偿金。")
    assert not any(e.en == "severance pay" for e in build_glossary(once, SameEncoder()))
    twice = one_to_one(
        "They were owed severance pay. The severance pay never came.",
        "他们被拖欠经济补偿金。经济补偿金一直没有到。",
    )
    kept = [e for e in build_glossary(twice, SameEncoder()) if e.zh == "经济补偿金"]
    assert len(kept) == 1 and kept[0].en.startswith("severance") and kept[0].type == "term"
    assert "support=embedding+cooc" in kept[0].evidence


def test_dictionary_finds_a_rendering_extraction_missed():
    """The run of Chinese words whose glosses cover the English term becomes a candidate (收集 + 签名)."""
    al = one_to_one("They spent weeks collecting signatures.", "他们花了几个星期收集签名。")
    assert not extract_zh(al.tgt).mentions  # a verb phrase: no noun compound to propose
    got = {(e.en, e.zh): e for e in build_glossary(al, SameEncoder())}
    assert "support=dict" in got[("collecting signature", "收集签名")].evidence
    assert not any(e.en == "weeks collecting" for e in got.values())


def test_clauses_and_quantities_are_not_english_terms():
    keys = en_keys(
        "The workers calculate what the company owes. They worked twenty years on the production line, "
        "weeks collecting signatures. Then collective bargaining failed."
    )
    terms = keys.get("np", set())
    assert {"production line", "collecting signature", "collective bargaining"} <= terms
    assert not {"workers calculate", "worker calculate", "twenty year", "twenty", "weeks collecting"} & terms
