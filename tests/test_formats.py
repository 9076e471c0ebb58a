from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import subalign
from subalign.aligner.formats import (
    FORMATS,
    format_from_path,
    parse_ladder,
    tmx_lang,
    to_json,
    to_ladder,
    to_tmx,
    to_tsv,
)
from subalign.types import Alignment, Anchor, Document, Link, Sentence, SubalignError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def make_doc(lang: str, texts: list[str], script: str | None = None, path: str | None = None) -> Document:
    """Two sentences per paragraph, so anchor ids exercise both numbers (p1.s1, p1.s2, p2.s1...)."""
    sentences, pos = [], 0
    for i, t in enumerate(texts):
        anchor = Anchor(paragraph=i // 2 + 1, sentence=i % 2 + 1, start=pos, end=pos + len(t))
        sentences.append(Sentence(index=i, text=t, anchor=anchor))
        pos += len(t) + 1
    return Document(text="\n".join(texts), sentences=sentences, lang=lang, script=script, path=path)


SRC = [
    "Hello <script>alert(1)</script>.",
    'Tom & "Jerry" say \'hi\'.',
    "Ctrl\x01\x0b chars\x7f.",
    "Only in English.",
    "Tab\there and\r\nnewline.",
]
TGT = [
    "你好<script>。",
    "汤姆&杰瑞",
    "说“嗨”。",
    "控制\x02字符。",
    "只有中文。",
    "制表符\t和\n换行。",
]
LINKS = [
    Link((0,), (0,), 0.91234),
    Link((1,), (1, 2), 0.8),
    Link((2,), (3,), 0.7),
    Link((3,), (), 0.0),
    Link((), (4,), 0.0),
    Link((4,), (5,), 0.6666),
]


def sample(src_script: str | None = None, tgt_script: str | None = "Hans") -> Alignment:
    return Alignment(
        src=make_doc("en", SRC, src_script, path="review.en.txt"),
        tgt=make_doc("zh", TGT, tgt_script, path="review.zh.txt"),
        links=list(LINKS),
        model="test-model",
        params={"max_align": 5, "top_k": 3},
    )


# --------------------------------------------------------------------------- ladder


def test_ladder_text():
    assert to_ladder(sample()) == (
        "[0]:[0]:0.912\n"
        "[1]:[1, 2]:0.800\n"
        "[2]:[3]:0.700\n"
        "[3]:[]:0.000\n"
        "[]:[4]:0.000\n"
        "[4]:[5]:0.667\n"
    )


def test_parse_ladder_tolerant():
    text = "\ufeff[0,1]:[0]\n\n  [ 2 ] : [1, 2] : 0.5  \r\n[3]:[]\n[]:[3]:-0.25\n   \n[4]:[4]:1e-3\n"
    assert parse_ladder(text) == [
        Link((0, 1), (0,), 0.0),
        Link((2,), (1, 2), 0.5),
        Link((3,), (), 0.0),
        Link((), (3,), -0.25),
        Link((4,), (4,), 0.001),
    ]


@pytest.mark.parametrize(
    "line",
    ["[0]", "[0]:[1]:abc", "[a]:[1]", "[0,]:[1]", "[]:[]", "0:1", "[0]:[1]:0.5:7", "[-1]:[0]"],
)
def test_parse_ladder_errors_name_file_and_line(line):
    with pytest.raises(SubalignError, match=r"^gold/001\.align:3: "):
        parse_ladder(f"[0]:[0]\n\n{line}\n", "gold/001.align")


@st.composite
def alignments(draw):
    """Random monotone ladders: consecutive indices, beads of 0-3 sentences per side."""
    kinds = draw(
        st.lists(
            st.tuples(st.integers(0, 3), st.integers(0, 3)).filter(lambda k: k != (0, 0)),
            max_size=25,
        )
    )
    links, i, j = [], 0, 0
    for n, m in kinds:
        score = draw(st.floats(-1.0, 1.0, allow_nan=False)) if n and m else 0.0
        links.append(Link(tuple(range(i, i + n)), tuple(range(j, j + m)), score))
        i, j = i + n, j + m
    src = make_doc("en", [f"s{k}" for k in range(i)])
    tgt = make_doc("zh", [f"t{k}" for k in range(j)])
    return Alignment(src, tgt, links, model="m")


@settings(max_examples=150, deadline=None)
@given(alignments())
def test_ladder_round_trip(alignment):
    expected = [Link(x.src, x.tgt, float(f"{x.score:.3f}")) for x in alignment.links]
    assert parse_ladder(to_ladder(alignment)) == expected


# --------------------------------------------------------------------------- TSV


def test_tsv_reads_back_with_csv():
    text = to_tsv(sample())
    rows = list(csv.reader(io.StringIO(text), dialect="excel-tab"))
    # confidence comes last so the older columns keep their places; empty when a link has none
    assert rows[0] == ["src", "tgt", "score", "src_anchor", "tgt_anchor", "confidence"]
    assert len(rows) == 1 + len(LINKS)
    assert all(len(r) == 6 for r in rows)
    assert rows[1] == [SRC[0], TGT[0], "0.912", "p1.s1", "p1.s1", ""]
    # quotes survive, multi-sentence sides are joined (no space for Chinese)
    assert rows[2] == [SRC[1], "汤姆&杰瑞说“嗨”。", "0.800", "p1.s2", "p1.s2,p2.s1", ""]
    assert rows[4] == [SRC[3], "", "0.000", "p2.s2", "", ""]
    assert rows[5] == ["", TGT[4], "0.000", "", "p3.s1", ""]
    # tabs and line breaks inside text become single spaces
    assert rows[6][:2] == ["Tab here and newline.", "制表符 和 换行。"]
    # one physical line per bead
    assert len(text.splitlines()) == 1 + len(LINKS)


# --------------------------------------------------------------------------- JSON


def test_json_structure():
    data = json.loads(to_json(sample()))
    assert data["src"] == {
        "path": "review.en.txt", "lang": "en", "script": None, "encoding": "utf-8", "n_sentences": 5,
    }
    assert data["tgt"]["lang"] == "zh" and data["tgt"]["script"] == "Hans"
    assert data["tgt"]["n_sentences"] == 6
    assert data["model"] == "test-model"
    assert data["params"] == {"max_align": 5, "top_k": 3}
    assert len(data["links"]) == len(LINKS)
    second = data["links"][1]
    assert second["src"] == [1] and second["tgt"] == [1, 2]
    assert second["score"] == pytest.approx(0.8)
    assert second["tgt_text"] == "汤姆&杰瑞说“嗨”。"
    assert second["tgt_anchors"] == [
        {"id": "p1.s2", "paragraph": 1, "sentence": 2, "start": 12, "end": 17},
        {"id": "p2.s1", "paragraph": 2, "sentence": 1, "start": 18, "end": 23},
    ]
    assert data["links"][3]["tgt"] == [] and data["links"][3]["tgt_anchors"] == []


def test_json_is_not_ascii_escaped_and_handles_odd_values():
    a = sample()
    a.params = {"path": __import__("pathlib").Path("x/y"), "langs": {"zh", "en"}}
    a.links = [Link((0,), (0,), float("nan"))]
    text = to_json(a)
    assert "你好" in text
    data = json.loads(text)
    assert data["params"] == {"path": "x/y", "langs": ["en", "zh"]}
    assert data["links"][0]["score"] is None


# --------------------------------------------------------------------------- TMX


def parse_tmx(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def test_tmx_structure_and_escaping(monkeypatch):
    monkeypatch.setattr(subalign, "__version__", "9.8.7", raising=False)
    root = parse_tmx(to_tmx(sample()))
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert header is not None
    assert header.attrib == {
        "creationtool": "subalign",
        "creationtoolversion": "9.8.7",
        "datatype": "plaintext",
        "segtype": "sentence",
        "adminlang": "en",
        "srclang": "en",
        "o-tmf": "subalign",
    }
    tus = root.findall("body/tu")
    assert len(tus) == 4  # the 1-0 and 0-1 beads are skipped
    segs = [[(tuv.get(XML_LANG), tuv.findtext("seg")) for tuv in tu.findall("tuv")] for tu in tus]
    assert segs[0] == [("en", SRC[0]), ("zh-CN", TGT[0])]
    assert segs[1] == [("en", SRC[1]), ("zh-CN", "汤姆&杰瑞说“嗨”。")]
    assert segs[2] == [("en", "Ctrl chars\x7f."), ("zh-CN", "控制字符。")]  # C0 controls gone
    props = {p.get("type"): p.text for p in tus[1].findall("prop")}
    assert props == {"x-score": "0.800", "x-src-anchor": "p1.s2", "x-tgt-anchor": "p1.s2,p2.s1"}
    # props come before tuvs, as the TMX DTD requires
    assert [c.tag for c in tus[1]] == ["prop", "prop", "prop", "tuv", "tuv"]


def test_tmx_version_fallback(monkeypatch):
    monkeypatch.delattr(subalign, "__version__", raising=False)
    root = parse_tmx(to_tmx(sample()))
    assert root.find("header").get("creationtoolversion") == "0"


# --------------------------------------------------------------------------- confidence


def with_confidence():
    a = sample()
    confs = [0.9731, 0.42, None, 0.8, 0.7, 0.1]
    a.links = [Link(x.src, x.tgt, x.score, c) for x, c in zip(a.links, confs)]
    return a


def test_every_format_but_the_ladder_carries_the_confidence():
    a = with_confidence()
    rows = list(csv.reader(io.StringIO(to_tsv(a)), dialect="excel-tab"))
    assert rows[0][-1] == "confidence"
    assert [r[-1] for r in rows[1:]] == ["0.973", "0.420", "", "0.800", "0.700", "0.100"]
    links = json.loads(to_json(a))["links"]
    assert [lk["confidence"] for lk in links] == [0.9731, 0.42, None, 0.8, 0.7, 0.1]
    assert to_ladder(a) == to_ladder(sample())  # the ladder is unchanged
    tus = parse_tmx(to_tmx(a)).findall("body/tu")
    props = [{p.get("type"): p.text for p in tu.findall("prop")} for tu in tus]
    assert [p.get("x-confidence") for p in props] == ["0.973", "0.420", None, "0.100"]  # none when the link has none
    assert [c.tag for c in tus[0]] == ["prop", "prop", "prop", "prop", "tuv", "tuv"]
    assert [c.get("type") for c in tus[0].findall("prop")] == ["x-score", "x-confidence", "x-src-anchor", "x-tgt-anchor"]


def test_min_confidence_leaves_weaker_links_out_of_the_tmx_only():
    a = with_confidence()
    tus = parse_tmx(to_tmx(a, min_confidence=0.5)).findall("body/tu")
    # 0.42 and 0.1 go; the link without a confidence stays
    assert [tu.findtext("prop[@type='x-src-anchor']") for tu in tus] == ["p1.s1", "p2.s1"]
    assert len(parse_tmx(to_tmx(a, min_confidence=0.0)).findall("body/tu")) == 4
    assert to_tmx(a, min_confidence=None) == to_tmx(a)


@pytest.mark.parametrize(
    ("lang", "script", "tag"),
    [("zh", "Hans", "zh-CN"), ("zh", "Hant", "zh-TW"), ("zh", None, "zh-CN"), ("en", None, "en"), ("FR", None, "fr")],
)
def test_tmx_lang(lang, script, tag):
    assert tmx_lang(make_doc(lang, ["x"], script)) == tag


def test_tmx_traditional_target_and_chinese_source():
    a = sample(tgt_script="Hant")
    a.src, a.tgt = a.tgt, a.src
    a.links = [Link(x.tgt, x.src, x.score) for x in a.links]
    root = parse_tmx(to_tmx(a))
    assert root.find("header").get("srclang") == "zh-TW"
    assert [t.get(XML_LANG) for t in root.findall("body/tu")[0].findall("tuv")] == ["zh-TW", "en"]


def test_tmx_empty_alignment_is_valid():
    a = sample()
    a.links = []
    root = parse_tmx(to_tmx(a))
    assert root.find("body") is not None and root.findall("body/tu") == []


# --------------------------------------------------------------------------- registry


def test_formats_registry():
    assert FORMATS == {"ladder": to_ladder, "tsv": to_tsv, "json": to_json, "tmx": to_tmx}
    for fmt in FORMATS.values():
        assert isinstance(fmt(sample()), str)


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("out/001.align", "ladder"),
        ("x.ladder", "ladder"),
        ("x.TXT", "ladder"),
        ("x.tsv", "tsv"),
        ("a.b.json", "json"),
        ("mem.tmx", "tmx"),
        ("x.srt", None),
        ("noext", None),
    ],
)
def test_format_from_path(path, fmt):
    assert format_from_path(path) == fmt
