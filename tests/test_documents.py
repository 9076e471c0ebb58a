from __future__ import annotations

import pytest

from subalign.text.documents import check_language_pair, document_from_text, load_document
from subalign.types import Document, SubalignError

EN = (
    "The Night Shift is a quiet film about a electronics factory.\r\n"
    "Mr. Huang, a line worker, has not been paid for two months. He asks why.\r\n"
    "\r\n"
    "“What good is the law?” he shouted. The labour activists had no answer.\r\n"
)
ZH = (
    "《夜班》是一部关于电子厂的安静的电影。\n"
    "流水线工人黄先生已经两个月没有拿到工资了。他问为什么。\n"
    "\n"
    "“法律有什么用？”他喊道。劳工活动人士也答不上来。\n"
)
ZH_HANT = "《夜班》是一部關於電子廠的安靜的電影。工人們兩個月沒有拿到工資了。"


def test_load_english_file(tmp_path):
    p = tmp_path / "review.en.txt"
    p.write_bytes(EN.encode("utf-8"))
    doc = load_document(p)
    assert isinstance(doc, Document)
    assert doc.lang == "en" and doc.script is None
    assert doc.encoding == "utf-8"
    assert doc.path == str(p)
    assert "\r" not in doc.text
    assert doc.texts == [
        "The Night Shift is a quiet film about a electronics factory.",
        "Mr. Huang, a line worker, has not been paid for two months.",
        "He asks why.",
        "“What good is the law?” he shouted.",
        "The labour activists had no answer.",
    ]
    last = doc.sentences[-1]
    assert last.anchor.id == "p2.s2"
    assert doc.text[last.anchor.start:last.anchor.end] == last.text


def test_load_chinese_gb18030_file(tmp_path):
    p = tmp_path / "review.zh.txt"
    p.write_bytes(ZH.encode("gb18030"))
    doc = load_document(p)
    assert (doc.lang, doc.script, doc.encoding) == ("zh", "Hans", "gb18030")
    assert [s.anchor.id for s in doc.sentences] == ["p1.s1", "p1.s2", "p1.s3", "p2.s1", "p2.s2"]
    assert doc.sentences[3].text == "“法律有什么用？”他喊道。"


def test_load_traditional_big5(tmp_path):
    p = tmp_path / "review.zh-tw.txt"
    p.write_bytes(ZH_HANT.encode("big5"))
    doc = load_document(p)
    assert (doc.lang, doc.script) == ("zh", "Hant")
    assert len(doc) == 2


def test_lang_override_and_presplit(tmp_path):
    p = tmp_path / "lines.txt"
    p.write_text("First. Second.\nThird\n", encoding="utf-8")
    doc = load_document(p, lang="ENG", presplit=True)
    assert doc.lang == "en"
    assert doc.texts == ["First. Second.", "Third"]
    assert [s.index for s in doc.sentences] == [0, 1]


def test_lang_override_chinese_script():
    assert document_from_text("工人們", lang="zh_TW").script == "Hant"
    assert document_from_text("工人", lang="zh-CN").script == "Hans"
    assert document_from_text("這個工廠", lang="cmn").script == "Hant"
    assert document_from_text("工人", lang="zho").script == "Hans"  # nothing distinctive: default


def test_encoding_override_passed_through(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes("Café workers went on strike.".encode("latin-1"))
    doc = load_document(p, lang="en", encoding="latin-1")
    assert doc.encoding == "iso8859-1"
    assert doc.texts == ["Café workers went on strike."]


def test_document_from_text_defaults():
    doc = document_from_text("The workers went on strike. The managers left the factory.")
    assert (doc.lang, doc.encoding, doc.path) == ("en", "utf-8", None)
    assert len(doc) == 2


def test_errors_name_the_file(tmp_path):
    with pytest.raises(SubalignError, match="missing.txt"):
        load_document(tmp_path / "missing.txt")
    p = tmp_path / "digits.txt"
    p.write_text("123 456\n--- 7.8\n", encoding="utf-8")
    with pytest.raises(SubalignError, match=r"digits\.txt: cannot detect the language"):
        load_document(p)
    # With the language given, digits are still text worth aligning.
    assert load_document(p, lang="en").texts == ["123 456\n--- 7.8"]


def test_empty_text():
    with pytest.raises(SubalignError, match="empty"):
        document_from_text("  \n\n", lang="en")


def test_check_language_pair():
    en = document_from_text(EN, path="a.txt")
    zh = document_from_text(ZH, path="b.txt")
    assert check_language_pair(en, zh) is None
    warning = check_language_pair(en, document_from_text(EN, path="c.txt"))
    assert warning is not None and "\n" not in warning
    assert "a.txt" in warning and "c.txt" in warning and "English" in warning
    hant = document_from_text(ZH_HANT, path="d.txt")
    warning = check_language_pair(zh, hant)
    assert warning is not None and "Chinese" in warning and "Hant" in warning


def test_traditional_text_segments_like_its_simplified_original():
    import opencc
    from pathlib import Path

    hans = (Path(__file__).resolve().parents[1] / "samples" / "review.zh.txt").read_text(encoding="utf-8")
    hant = opencc.OpenCC("s2t").convert(hans)
    assert hant != hans and len(hant) == len(hans)
    a, b = document_from_text(hans), document_from_text(hant)
    assert (a.lang, a.script, b.lang, b.script) == ("zh", "Hans", "zh", "Hant")
    assert [s.anchor for s in b.sentences] == [s.anchor for s in a.sentences]
    assert [s.text for s in b.sentences] == [hant[s.anchor.start : s.anchor.end] for s in b.sentences]  # as written
