from __future__ import annotations

import pytest

from subalign.text.langid import chinese_script, detect_language, normalize_lang, script_hint
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


@pytest.mark.parametrize("code", ["klingon", "tlh", "xx", "zz-ZZ", "e n"])
def test_unknown_language_is_refused_saying_what_is_accepted(code):
    with pytest.raises(SubalignError, match=r"unknown language .*use en or zh"):
        normalize_lang(code)


def test_languages_detection_can_give_are_accepted():
    # every code langdetect can return is a valid override, so an override never
    # has to be something detection could not have said
    from subalign.text.langid import _known_languages

    assert {"en", "zh", "fr", "de", "ja", "ko", "ca", "tl"} <= _known_languages()
    assert normalize_lang("ca") == "ca" and normalize_lang("zh-Hant-TW") == "zh"


def _html_paragraphs(text: str, numeric: bool = False) -> str:
    """Each line as an HTML paragraph, optionally written as numeric character references."""
    lines = [ln for ln in text.split("。") if ln]
    body = ("".join(f"&#{ord(c)};" for c in ln) if numeric else ln for ln in lines)
    return "".join(f'<p class="calibre_para"><span class="calibre_span">{b}。</span></p>\n' for b in body)


def test_chinese_inside_html_is_chinese():
    # before markup was stripped these came out Spanish, Catalan and Catalan
    assert detect_language(_html_paragraphs(ZH_HANS, numeric=True)) == ("zh", "Hans")
    short = '<p class="calibre_para"><span class="calibre_span">工人</span></p><p class="calibre_para">老板跑了。</p>'
    assert detect_language(short) == ("zh", "Hans")
    assert detect_language(_html_paragraphs(ZH_HANT)) == ("zh", "Hant")
    assert detect_language("<html><body><p>" + EN + "</p></body></html>") == ("en", None)


def test_visible_text_drops_tags_and_comments_and_decodes_entities():
    from subalign.text.langid import visible_text

    page = '<p class="x">工人&amp;老板 &#x5de5;</p><!-- a note --><br/>罢工'
    assert visible_text(page).split() == ["工人&老板", "工", "罢工"]
    assert visible_text("a < b and c > d, AT&T, x<3") == "a < b and c > d, AT&T, x<3"
    assert visible_text("<a" * 1000) == "<a" * 1000  # unterminated: left as it is (and read in linear time)


def test_han_dominated_text_is_chinese_whatever_langdetect_says():
    # Han characters with a few Latin words: the Han share decides
    assert detect_language("工人 Lin 罢工 Wang 老板 跑了 工厂 关门")[0] == "zh"


def test_full_width_latin_in_chinese_is_still_chinese():
    # langdetect called this Korean: full-width letters are folded, and Han text
    # without kana or hangul cannot be Japanese or Korean.
    assert detect_language("工人ＡＢＣ１２３.")[0] == "zh"
    assert detect_language("これは日本語の文です。東京へ行きます。")[0] == "ja"
