from __future__ import annotations

import pytest

from subalign.langid import chinese_script, detect_language, normalize_lang, script_hint
from subalign.types import SubalignError

EN = (
    "The documentary follows a group of factory workers who organise after months of unpaid "
    "overtime. Labour activists help them read their contracts, and the camera stays with them."
)
ZH_HANS = "这部纪录片讲述了一群工厂工人在几个月没有拿到加班费之后组织起来的故事。劳工活动人士帮助他们读懂合同。"
ZH_HANT = "這部紀錄片講述了一群工廠工人在幾個月沒有拿到加班費之後組織起來的故事。勞工活動人士幫助他們讀懂合同。"


def test_english():
    assert detect_language(EN) == ("en", None)


def test_simplified_chinese():
    assert detect_language(ZH_HANS) == ("zh", "Hans")


def test_traditional_chinese():
    assert detect_language(ZH_HANT) == ("zh", "Hant")


def test_short_chinese_words():
    assert detect_language("工厂") == ("zh", "Hans")
    assert detect_language("工廠") == ("zh", "Hant")


def test_chinese_with_some_english():
    text = ZH_HANS + "导演 Wang Lin 说，这是一部关于 labour rights 的电影。"
    assert detect_language(text) == ("zh", "Hans")


def test_other_language_passes_through():
    text = "Die Arbeiter der Fabrik streikten, weil ihre Überstunden seit Monaten nicht bezahlt wurden."
    assert detect_language(text) == ("de", None)


def test_deterministic():
    text = "Workers. 工人。 Streik."  # ambiguous mixture: must still give one stable answer
    first = detect_language(text)
    assert all(detect_language(text) == first for _ in range(5))


def test_long_text_is_sampled_quickly():
    import time

    detect_language(EN)  # load the profiles first
    t = time.perf_counter()
    assert detect_language(EN * 3000)[0] == "en"
    assert time.perf_counter() - t < 2.0


@pytest.mark.parametrize("text", ["", "   \n", "12345 67.8 -- !!! ？。", "\u3000\u3000"])
def test_no_letters(text):
    with pytest.raises(SubalignError, match="no letters"):
        detect_language(text)


def test_leading_non_letters_are_skipped():
    assert detect_language("1234567890 " * 600 + EN)[0] == "en"


def test_script_counts():
    assert chinese_script("这个工厂") == "Hans"
    assert chinese_script("這個工廠") == "Hant"
    assert chinese_script("工人") is None  # same in both scripts
    assert chinese_script("工人", "Hant") == "Hant"
    # Majority wins in a mixed text.
    assert chinese_script("这个这个這") == "Hans"


@pytest.mark.parametrize(
    "code,expected",
    [
        ("zh", "zh"), ("zh-CN", "zh"), ("zh_TW", "zh"), ("zh-Hant", "zh"), ("ZH", "zh"),
        ("cmn", "zh"), ("chi", "zh"), ("zho", "zh"), ("Chinese", "zh"),
        ("en", "en"), ("EN", "en"), ("eng", "en"), ("en-GB", "en"), ("en_US", "en"),
        ("fr-FR", "fr"), ("DE", "de"), ("jpn", "ja"), (" es ", "es"),
    ],
)
def test_normalize_lang(code, expected):
    assert normalize_lang(code) == expected


def test_normalize_lang_empty():
    with pytest.raises(SubalignError):
        normalize_lang("  ")


def test_script_hint():
    assert script_hint("zh_TW") == "Hant"
    assert script_hint("zh-HK") == "Hant"
    assert script_hint("zh-CN") == "Hans"
    assert script_hint("zh") is None
    assert script_hint("en") is None


def test_short_english_is_not_taken_for_a_neighbour():
    # langdetect alone calls this Danish; English is a close candidate and wins.
    assert detect_language("Workers struck. Managers left.") == ("en", None)
    assert detect_language("Die Arbeiter streikten, weil die Löhne nicht gezahlt wurden.")[0] == "de"
