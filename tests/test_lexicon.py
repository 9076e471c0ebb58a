"""Lexicon: CC-CEDICT both ways, names, numbers, coverage, the cache.

The index is built once per test session into the session's temporary cache folder
(conftest.py; about 8 s of CPU) and shared by every test that calls ``lexicon.load()``.
"""

from __future__ import annotations

import pickle
from decimal import Decimal

import jieba
import pytest

from subalign import lexicon
from subalign.lexicon import index as lexicon_index
from subalign.lexicon.cedict import gloss_lemmas, gloss_phrases
from subalign.lexicon.english import STOP, lemmas, spelling_variants
from subalign.lexicon.matching import coverage, evidence
from subalign.lexicon.numbers import en_numbers, number_key, parse_zh_numeral, to_zh_numeral, zh_numbers
from subalign.lexicon.translit import spells, syllable_splits


@pytest.fixture(scope="module")
def lex():
    return lexicon.load()


def pairs(ev, kind=None):
    return {(m.en, m.zh) for m in ev.matches if kind is None or m.kind == kind}


def test_matches_come_in_text_order(lex):
    """The match list reads in the English text's order, whatever numbers the index gave its
    lemmas (they depended on the hash seed of the process that built it): outputs that show it,
    such as the glossary's evidence column, are the same on every machine."""
    ev = lex.evidence("harmonious labour relations", "和谐劳动关系")
    assert [m.en for m in ev.matches] == ["harmonious", "labour", "relations"]
    ev = lex.evidence("relations harmonious labour", "和谐劳动关系")
    assert [m.en for m in ev.matches] == ["relations", "harmonious", "labour"]


# --------------------------------------------------------------------------- the four kinds of evidence


def test_name_through_pinyin(lex):
    ev = lex.evidence("Huang Wenhai spoke first.", "黄文海先发言。")
    names = {m.en for m in ev.matches if m.kind == "name"}
    assert names == {"Huang", "Wenhai"}
    assert all("黄" in m.zh or "文海" in m.zh for m in ev.matches if m.kind == "name")


def test_dictionary_both_ways(lex):
    ev = lex.evidence("The union called a strike.", "工会号召罢工。")
    assert ("union", "工会") in pairs(ev, "dict")
    assert ("strike", "罢工") in pairs(ev, "dict")
    assert "union" in lex.translations("工会")
    assert "工会" in lex.words_for("unions")  # the reverse index takes inflected forms


def test_traditional_text_and_headwords(lex):
    ev = lex.evidence("The trade unions went on strike.", "工會發起了罷工。")
    assert ("unions", "工會") in pairs(ev, "dict")  # units are shown as written
    assert ("strike", "罷工") in pairs(ev, "dict")
    assert lex.translations("工會") == lex.translations("工会")


def test_numbers_match_across_scripts(lex):
    ev = lex.evidence("They earned 31.5 million in 2015.", "他们在二〇一五年赚了3150万。")
    assert pairs(ev, "number") == {("31.5 million", "3150万"), ("2015", "二〇一五")}


def test_unrelated_pair_has_no_evidence(lex):
    ev = lex.evidence("The weather is nice today.", "我们明天去北京开会。")
    assert ev.matches == ()
    assert ev.en_coverage == ev.zh_coverage == ev.coverage == 0.0


# --------------------------------------------------------------------------- coverage


def test_coverage_is_the_weighted_share_of_content_words(lex):
    en = lex.prepare_en("The union and the weather.")
    zh = lex.prepare_zh("工会")
    assert set(en.units) == {"union", "weather"}  # the, and: function words
    assert zh.units == ("工会",)
    ev = evidence(en, zh)
    w = dict(zip(en.units, en.weights))
    assert ev.en_coverage == pytest.approx(w["union"] / (w["union"] + w["weather"]))
    assert 0.3 < ev.en_coverage < 0.7
    assert ev.zh_coverage == 1.0
    assert coverage(en, zh) == (ev.en_coverage, ev.zh_coverage)


def test_full_and_partial_coverage(lex):
    full = lex.evidence("union strike", "工会罢工")
    assert (full.en_coverage, full.zh_coverage) == (1.0, 1.0)
    half = lex.evidence("union strike", "工会")
    assert half.zh_coverage == 1.0 and 0.0 < half.en_coverage < 1.0


def test_idf_weights_rare_words_above_common_ones(lex):
    en = lex.prepare_en("said union")
    w = dict(zip(en.units, en.weights))
    assert w["union"] > w["said"]
    zh = lex.prepare_zh("说工会")
    wz = dict(zip(zh.units, zh.weights))
    assert wz["工会"] > wz["说"]


def test_prepared_sides_give_the_same_evidence_as_text(lex):
    en_text, zh_text = "Huang Wenhai, chairman of the union.", "工会主席黄文海。"
    en, zh = lex.prepare_en(en_text), lex.prepare_zh(zh_text)
    assert lex.evidence(en, zh) == lex.evidence(en_text, zh_text) == lexicon.evidence(en_text, zh_text)
    assert lex.prepare("工会", "zh").lang == "zh" and lex.prepare("union", "en").lang == "en"


def test_function_words_are_not_content(lex):
    assert lex.prepare_en("the of and he was").units == ()
    assert lex.prepare_zh("的了是他").units == ()
    assert "the" in STOP


# --------------------------------------------------------------------------- the parts


def test_gloss_cutting_drops_notes():
    assert list(gloss_phrases("variant of 個|个[ge4]")) == []
    assert list(gloss_phrases("CL:個|个[ge4]")) == []
    assert list(gloss_phrases("surname Huang")) == []
    assert list(gloss_phrases("used in 囫圇|囫囵[hu2 lun2]")) == []
    assert list(gloss_phrases("(classifier for people)")) == []
    assert list(gloss_phrases("(coll.) to rank (first, second etc) among siblings")) == [["rank", "among", "siblings"]]
    assert list(gloss_phrases("Beijing, capital of China")) == [["Beijing"], ["capital", "of", "China"]]
    found = gloss_lemmas(["labor union", "trade union", "CL:個|个[ge4]", "to go on strike"], lemmas, STOP)
    assert found == {"labor", "trade", "union", "strike"}  # "go" carries the phrase only


def test_english_forms():
    assert "leaf" in lemmas("leaves") and "leave" in lemmas("leaves")
    assert lemmas("went") == ("go",)
    assert "labour" in spelling_variants("labor")


@pytest.mark.parametrize(
    ("zh", "value"),
    [("一千二百", 1200), ("三千一百五十万", 31500000), ("二〇一五", 2015), ("二十", 20), ("十二", 12),
     ("一百零五", 105), ("一万零三百", 10300), ("两千", 2000), ("三万五", 35000), ("三点五", Decimal("3.5")),
     ("一亿", 10**8)],
)
def test_chinese_numerals(zh, value):
    assert parse_zh_numeral(zh) == value


@pytest.mark.parametrize("n", [10, 15, 105, 110, 1200, 2015, 10300, 100010, 31500000, 10**8])
def test_chinese_numerals_round_trip(n):
    assert parse_zh_numeral(to_zh_numeral(n)) == n


def test_number_keys_on_both_sides():
    def en(text):
        return [k for s in en_numbers(text) for k in s.keys]

    def zh(text):
        return [k for s in zh_numbers(text) for k in s.keys]

    assert en("31.5 million") == zh("3150万") == ["31500000"]
    assert en("in 2015") == zh("二〇一五年") == zh("2015年") == ["2015"]
    assert en("3.5%") == en("3.5 percent") == zh("百分之三点五") == ["3.5%"]
    assert en("1,200") == zh("一千二百") == ["1200"]
    assert en("twenty") == zh("二十") == ["20"]
    assert en("two hundred and fifty") == ["250"]
    assert sorted(en("March 5, 2015")) == sorted(zh("2015年3月5日")) == sorted(["m3", "5", "2015"])
    assert zh("七八个") == ["7", "8"]  # seven or eight
    # one/一 and words that only contain numerals are no numbers
    assert en("one of them") == en("It may rain.") == en("a third") == []
    assert zh("我们一起去") == zh("万一") == zh("十分好") == zh("千万不要") == []
    assert number_key(Decimal("3.50"), "%") == "3.5%"


def test_name_syllables(lex):
    assert ("wen", "hai") in syllable_splits("wenhai", lex.tables.syllables)
    assert syllable_splits("xyzzy", lex.tables.syllables) == ()
    assert spells("Wong", "黄") and spells("Siu-ling", "小玲")


def test_sentence_initial_dictionary_word_is_not_a_name(lex):
    en = lex.prepare_en("Long ago there was a king.")
    assert not en.names  # Long (long) first in a sentence: an English word
    assert lex.prepare_en("He met Long Yun.").names  # inside a sentence: maybe a name


# --------------------------------------------------------------------------- tokenizer and cache


def test_own_tokenizer_leaves_global_jieba_alone(lex):
    lex.prepare_zh("工会主席黄文海。")
    assert lex.tokenizer is not jieba.dt
    assert lex.zh_words("工會主席")[0][0] == "工会"  # Simplified view, word offsets


def test_load_is_cached_per_folder(lex):
    assert lexicon.load() is lex
    assert lexicon_index.index_path().is_file()


def test_unreadable_cache_is_rebuilt(tmp_path, monkeypatch, lex):
    built = []

    def fake_build():
        built.append(1)
        return lex.tables

    monkeypatch.setattr(lexicon_index, "build_tables", fake_build)
    path = lexicon_index.index_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a pickle")
    assert lexicon_index.load_tables(tmp_path) is lex.tables and built == [1]
    with open(path, "rb") as fh:  # rewritten with the tables
        assert isinstance(pickle.load(fh), lexicon_index.Tables)
    lexicon_index.load_tables(tmp_path)
    assert built == [1]  # read from the cache the second time


def test_unwritable_cache_folder_still_works(tmp_path, monkeypatch, lex):
    monkeypatch.setattr(lexicon_index, "build_tables", lambda: lex.tables)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert lexicon_index.load_tables(blocker) is lex.tables  # cache folder under a file: cannot be made
