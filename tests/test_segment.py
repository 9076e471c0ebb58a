from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subalign.text.segment import EN_MAX_CHARS, ZH_MAX_CHARS, segment


def texts(text: str, lang: str = "en") -> list[str]:
    return [s.text for s in segment(text, lang)]


def check_invariants(text: str, sentences) -> None:
    prev_end = 0
    for i, s in enumerate(sentences):
        a = s.anchor
        assert s.index == i
        assert s.text, "empty sentence"
        assert s.text == s.text.strip()
        assert text[a.start:a.end] == s.text
        assert prev_end <= a.start < a.end
        prev_end = a.end
    squeeze = lambda x: "".join(ch for ch in x if not ch.isspace())  # noqa: E731
    assert squeeze("".join(s.text for s in sentences)) == squeeze(text)


# --- English -----------------------------------------------------------------------


def test_abbreviations():
    text = (
        "Mr. Huang and Mrs. Wu met Dr. Lin and Prof. Zhao at St. Mary's at 9 a.m. on Jan. 3. "
        "The U.S. and U.K. press came, e.g. reporters from Reuters, i.e. mostly wire services. "
        "Apple Inc. and Foxconn Ltd. were named vs. the smaller Co. nobody knew. "
        "See Fig. 2 and pp. 10-12, cf. the appendix, approx. forty pages. "
        "Gen. Li, Col. Ma, Lt. Fu, Sgt. Ho and Rev. Chen were there too."
    )
    assert texts(text) == [
        "Mr. Huang and Mrs. Wu met Dr. Lin and Prof. Zhao at St. Mary's at 9 a.m. on Jan. 3.",
        "The U.S. and U.K. press came, e.g. reporters from Reuters, i.e. mostly wire services.",
        "Apple Inc. and Foxconn Ltd. were named vs. the smaller Co. nobody knew.",
        "See Fig. 2 and pp. 10-12, cf. the appendix, approx. forty pages.",
        "Gen. Li, Col. Ma, Lt. Fu, Sgt. Ho and Rev. Chen were there too.",
    ]


def test_no_abbreviation_number_vs_word():
    assert texts("The factory was No. 5 on the list. She said no. Then she left.") == [
        "The factory was No. 5 on the list.",
        "She said no.",
        "Then she left.",
    ]


def test_initials():
    assert texts("The union read J. R. R. Tolkien aloud. Huang W. Hai organised it. It worked.") == [
        "The union read J. R. R. Tolkien aloud.",
        "Huang W. Hai organised it.",
        "It worked.",
    ]


def test_numbers():
    text = "Wages rose 3.5 percent to 1.2 million yuan, see section 2.1 of the report. In 2019. The next year was worse."
    assert texts(text) == [
        "Wages rose 3.5 percent to 1.2 million yuan, see section 2.1 of the report.",
        "In 2019.",
        "The next year was worse.",
    ]


def test_ellipsis():
    text = "The shift ended... and began again. Nobody slept… not even the foreman. Then… Silence."
    assert texts(text) == [
        "The shift ended... and began again.",
        "Nobody slept… not even the foreman.",
        "Then…",
        "Silence.",
    ]


def test_exclamation_question_and_digit_start():
    assert texts("Why? Because! 2020 was the year. Really?! Yes.") == [
        "Why?",
        "Because!",
        "2020 was the year.",
        "Really?!",
        "Yes.",
    ]


def test_quote_continues_after_closing_mark():
    text = "“We're supposed to have a lot of things! What good is the law?” he shouted. The room was quiet."
    assert texts(text) == [
        "“We're supposed to have a lot of things! What good is the law?” he shouted.",
        "The room was quiet.",
    ]


def test_straight_quote_continues():
    text = "\"We're owed wages! Where is the money?\" she asked, and nobody answered. Then the bell rang."
    assert texts(text) == [
        "\"We're owed wages! Where is the money?\" she asked, and nobody answered.",
        "Then the bell rang.",
    ]


def test_quote_followed_by_new_sentence():
    assert texts("He said, “Stop.” Then he left.") == ["He said, “Stop.”", "Then he left."]
    assert texts('He said, "Stop." Then he left.') == ['He said, "Stop."', "Then he left."]


def test_quote_with_uppercase_attribution():
    text = "“What good is the law?” Huang asked. “None!” Mr. Lin said. Nobody laughed."
    assert texts(text) == [
        "“What good is the law?” Huang asked.",
        "“None!” Mr. Lin said.",
        "Nobody laughed.",
    ]


def test_multi_sentence_quote_ending_the_sentence_splits():
    text = "The placard read: “We want our wages. We want them now.” The police came."
    assert texts(text) == [
        "The placard read: “We want our wages.",
        "We want them now.”",
        "The police came.",
    ]


def test_apostrophes_are_not_quotes():
    text = "The workers’ dorm was cold. They didn't complain. ‘Enough,’ said the activists’ leader. Fine."
    assert texts(text) == [
        "The workers’ dorm was cold.",
        "They didn't complain.",
        "‘Enough,’ said the activists’ leader.",
        "Fine.",
    ]


def test_single_quote_closer_is_kept():
    assert texts("She said ‘Go home.’ Then she left.") == ["She said ‘Go home.’", "Then she left."]


def test_brackets():
    assert texts("The strike lasted a week. (It felt longer.) Then talks began.") == [
        "The strike lasted a week.",
        "(It felt longer.)",
        "Then talks began.",
    ]


def test_multi_paragraph_anchors():
    text = (
        "The film opens in a dormitory.\n\n"
        "  Workers wake at five. They queue for the bus.\n"
        "The line is long. Nobody speaks.  \n"
        "\n \n\t\n"
        "Last paragraph."
    )
    sents = segment(text, "en")
    check_invariants(text, sents)
    ids = [s.anchor.id for s in sents]
    assert ids == ["p1.s1", "p2.s1", "p2.s2", "p2.s3", "p2.s4", "p3.s1"]
    third = sents[3]
    assert third.text == "The line is long."
    assert third.anchor.id == "p2.s3"
    assert third.index == 3
    assert text[third.anchor.start:third.anchor.end] == "The line is long."
    # A sentence running over a line break keeps the break as written.
    assert sents[2].text == "They queue for the bus."
    wrapped = "A sentence that wraps\nover two lines. Next one."
    assert texts(wrapped) == ["A sentence that wraps\nover two lines.", "Next one."]


# --- Chinese ---------------------------------------------------------------------------


def test_chinese_terminators():
    text = "工人们下班了。他们累吗？当然累！真的吗？！太好了……我们走吧。厂里很冷；宿舍也冷。"
    assert texts(text, "zh") == [
        "工人们下班了。",
        "他们累吗？",
        "当然累！",
        "真的吗？！",
        "太好了……",
        "我们走吧。",
        "厂里很冷；宿舍也冷。",
    ]


def test_chinese_half_width_and_closers():
    assert texts("真的吗?我不信!好吧。", "zh") == ["真的吗?", "我不信!", "好吧。"]
    assert texts("（这是旁白。）然后开工了。", "zh") == ["（这是旁白。）", "然后开工了。"]


def test_chinese_ellipsis_before_comma_does_not_split():
    assert texts("他想了想……，还是走了。", "zh") == ["他想了想……，还是走了。"]


def test_ellipsis_opening_a_quotation_does_not_end_a_sentence():
    # Regression: “…… used to be a sentence of its own (“…… / 没用。” / 然后走了。).
    # The closing quotation then follows the usual rule: after 。 it ends the
    # sentence unless a short attribution follows (as “好。”他说。 does).
    assert texts("“……没用。”然后走了。", "zh") == ["“……没用。”", "然后走了。"]
    assert texts("“好。”他说。", "zh") == ["“好。”他说。"]
    assert texts("“……没用。”他说。", "zh") == ["“……没用。”他说。"]
    assert texts("他走了。「……没用。」然后走了。", "zh") == ["他走了。", "「……没用。」", "然后走了。"]
    assert texts("……没用。大家沉默。", "zh") == ["……没用。", "大家沉默。"]
    assert texts('"... No use." Then he left.') == ['"... No use."', "Then he left."]
    assert texts('He said, "... no use." Then he left.') == ['He said, "... no use."', "Then he left."]


def test_other_ellipsis_positions_are_unchanged():
    # At a paragraph end, mid-sentence before Chinese, and a quotation of silence.
    assert texts("他说……\n\n下一段。", "zh") == ["他说……", "下一段。"]
    assert texts("太好了……我们走吧。", "zh") == ["太好了……", "我们走吧。"]
    assert texts("“……”他沉默了。", "zh") == ["“……”", "他沉默了。"]
    assert texts("Nobody slept… not even the foreman. Then… Silence.") == [
        "Nobody slept… not even the foreman.",
        "Then…",
        "Silence.",
    ]


def test_book_titles():
    text = "我读了《法律有什么用？工人说了算！》这本书。后来又看了《车间。夜班》。"
    assert texts(text, "zh") == ["我读了《法律有什么用？工人说了算！》这本书。", "后来又看了《车间。夜班》。"]


def test_chinese_quotation_closed_after_full_stop_ends_the_sentence():
    # Chinese convention: 。” followed by a new clause starts a new sentence.
    text = "他说：“法律有什么用？在中国法律没用。”然后走了。大家都沉默了。"
    assert texts(text, "zh") == ["他说：“法律有什么用？", "在中国法律没用。”", "然后走了。", "大家都沉默了。"]


def test_chinese_quotation_without_final_stop_runs_on():
    text = "工人们喊着“还我工资”走出了厂门。保安没有拦。"
    assert texts(text, "zh") == ["工人们喊着“还我工资”走出了厂门。", "保安没有拦。"]


def test_chinese_quotation_at_paragraph_end_splits_inside():
    text = "他说：“法律有什么用？在中国法律没用。”"
    assert texts(text, "zh") == ["他说：“法律有什么用？", "在中国法律没用。”"]


def test_chinese_dialogue_with_attribution():
    text = "“你好。”他说。“我是小王。”她笑了笑。「欢迎！」"
    assert texts(text, "zh") == ["“你好。”他说。", "“我是小王。”她笑了笑。", "「欢迎！」"]


def test_traditional_dialogue_segments_like_simplified():
    hans = "“你好。”他说。“我是小王。”她笑了笑。「欢迎！」"
    hant = "“你好。”他說。“我是小王。”她笑了笑。「歡迎！」"
    assert [(s.anchor.start, s.anchor.end) for s in segment(hant, "zh")] == [
        (s.anchor.start, s.anchor.end) for s in segment(hans, "zh")
    ]
    assert texts(hant, "zh") == ["“你好。”他說。", "“我是小王。”她笑了笑。", "「歡迎！」"]  # as written


def test_chinese_quotation_followed_by_new_quote_splits():
    assert texts("“快走！”“为什么？”", "zh") == ["“快走！”", "“为什么？”"]


def test_mixed_ascii_sentences_in_chinese():
    text = "导演 Mr. Wang 说了一句话。The end. 然后散场了。"
    assert texts(text, "zh") == ["导演 Mr. Wang 说了一句话。", "The end.", "然后散场了。"]


# --- long runs -----------------------------------------------------------------------------


def test_long_english_run_is_cut_at_comma():
    clause = "the workers waited outside the gate in the rain"
    text = ", ".join([clause] * 30) + "."
    sents = segment(text, "en")
    check_invariants(text, sents)
    assert len(sents) > 1
    assert all(len(s.text) <= EN_MAX_CHARS for s in sents)
    assert all(s.text.endswith((",", ".")) for s in sents)


def test_long_english_run_without_punctuation_cut_at_space():
    text = " ".join(["overtime"] * 200)
    sents = segment(text, "en")
    check_invariants(text, sents)
    assert all(len(s.text) <= EN_MAX_CHARS and set(s.text.split()) == {"overtime"} for s in sents)


def test_long_chinese_run():
    text = "工人们在车间里一直工作" * 50  # 500 characters, no punctuation at all
    sents = segment(text, "zh")
    check_invariants(text, sents)
    assert len(sents) == 3
    assert all(len(s.text) <= ZH_MAX_CHARS for s in sents)
    with_commas = "，".join(["工人们在车间里一直工作到深夜"] * 30) + "。"
    sents = segment(with_commas, "zh")
    check_invariants(with_commas, sents)
    assert all(len(s.text) <= ZH_MAX_CHARS for s in sents)
    assert all(s.text.endswith(("，", "。")) for s in sents)


def test_long_run_never_splits_a_grapheme_or_giant_word():
    emoji = "👩\u200d🏭"  # woman factory worker: a ZWJ sequence
    text = (emoji + "e\u0301") * 150
    sents = segment(text, "en")
    check_invariants(text, sents)
    for s in sents:
        assert not s.text.startswith(("\u200d", "\u0301"))
        assert not s.text.endswith("\u200d")
    # The cut falls between the Chinese text and the Latin word, not inside "abcabc…".
    mixed = "工厂" * 90 + "abc" * 30
    assert texts(mixed, "zh") == ["工厂" * 90, "abc" * 30]
    # A single enormous word has to be cut somewhere: at the limit.
    giant = "x" * 1000
    assert [len(t) for t in texts(giant, "en")] == [EN_MAX_CHARS, EN_MAX_CHARS, 200]


# --- presplit -------------------------------------------------------------------------------


def test_presplit_lines():
    text = "First line. Still first.\nSecond line\n  Third line  \nFourth"
    sents = segment(text, "en", presplit=True)
    check_invariants(text, sents)
    assert [s.text for s in sents] == ["First line. Still first.", "Second line", "Third line", "Fourth"]
    assert [s.index for s in sents] == [0, 1, 2, 3]
    assert [s.anchor.id for s in sents] == ["p1.s1", "p1.s2", "p1.s3", "p1.s4"]


def test_presplit_blank_lines_separate_paragraphs():
    text = "一。\n二。\n\n \n三。\n"
    sents = segment(text, "zh", presplit=True)
    assert [(s.text, s.anchor.id, s.index) for s in sents] == [
        ("一。", "p1.s1", 0),
        ("二。", "p1.s2", 1),
        ("三。", "p2.s1", 2),
    ]


def test_presplit_does_not_cut_long_lines():
    line = "工" * 500
    assert [s.text for s in segment(line + "\n" + line, "zh", presplit=True)] == [line, line]


def test_empty_and_blank():
    assert segment("", "en") == []
    assert segment(" \n\n\t\n", "zh") == []
    assert segment("\n\n", "en", presplit=True) == []


def test_crlf_text_still_segments():
    text = "One line.\r\n\r\nTwo. Three.\r\n"
    sents = segment(text, "en")
    check_invariants(text, sents)
    assert [(s.text, s.anchor.id) for s in sents] == [("One line.", "p1.s1"), ("Two.", "p2.s1"), ("Three.", "p2.s2")]


# --- properties --------------------------------------------------------------------------------

_TOKENS = [
    "workers", "Labour", "Mr.", "e.g.", "U.S.", "J.", "3.5", "don't", "workers’", "law",
    "工人", "法律", "工厂", "《", "》", "“", "”", "「", "」", '"', "'", "‘", "’", "(", ")",
    ".", "!", "?", "…", "...", "。", "！", "？", "……", "，", "、", "；", ",", ";", ":", "：",
    " ", " ", " ", "\n", "\n\n", "\n \n", "\t", "\u3000", "\r\n", "e\u0301", "\u200d", "👩",
]
_text = st.lists(st.sampled_from(_TOKENS), max_size=80).map("".join)
_long_text = st.lists(st.sampled_from(["工人", "workers ", "法律", "law", "，", ", ", "。"]), min_size=100, max_size=300).map("".join)

_settings = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_settings
@given(_text, st.sampled_from(["en", "zh"]), st.booleans())
def test_property_invariants(text, lang, presplit):
    check_invariants(text, segment(text, lang, presplit=presplit))


@settings(max_examples=60, deadline=None)
@given(_long_text, st.sampled_from(["en", "zh"]))
def test_property_long_runs(text, lang):
    sents = segment(text, lang)
    check_invariants(text, sents)
    limit = ZH_MAX_CHARS if lang == "zh" else EN_MAX_CHARS
    assert all(len(s.text) <= limit for s in sents)


@_settings
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30), max_size=8))
def test_property_presplit_index_is_line_number(lines):
    lines = [ln.replace("\n", " ").replace("\r", " ") for ln in lines]
    lines = [ln if ln.strip() else "x" for ln in lines]
    text = "\n".join(lines)
    sents = segment(text, "en", presplit=True)
    # str.strip() is the only whitespace notion used, so every line is kept as one sentence.
    nonblank = [ln for ln in text.split("\n") if ln.strip()]
    assert [s.text for s in sents] == [ln.strip() for ln in nonblank]
    if len(nonblank) == len(text.split("\n")):
        assert [s.index for s in sents] == list(range(len(nonblank)))


@pytest.mark.parametrize("lang", ["en", "zh", "fr"])
def test_arbitrary_unicode_does_not_break(lang):
    text = "".join(chr(c) for c in range(0x20, 0x3000, 7)) * 3
    check_invariants(text, segment(text, lang))


# --- long runs and pathological marks ------------------------------------------------


def test_cut_long_text_pieces_are_bounded_and_keep_every_character():
    from subalign.text.segment import cut_long_text

    text = "工人们在等工资，老板跑了" * 100 + " and then, much later, the lawyers came " * 50
    spans = cut_long_text(text, "zh")
    assert len(spans) > 1 and all(0 < e - s <= ZH_MAX_CHARS for s, e in spans)
    squeeze = lambda x: "".join(ch for ch in x if not ch.isspace())  # noqa: E731
    assert squeeze("".join(text[s:e] for s, e in spans)) == squeeze(text)
    assert all(text[s:e] == text[s:e].strip() for s, e in spans)
    assert cut_long_text("  Laws are useless.  ", "en") == [(2, 19)]
    assert cut_long_text("x" * 1000, "en", limit=300) == [(0, 300), (300, 600), (600, 900), (900, 1000)]


@pytest.mark.parametrize(
    "text",
    [
        "中文字.中文字" * 5_000,  # '.' between Han characters: no word to look back through
        "“" * 20_000 + "」" * 20_000,  # closers matching no opener
        "「" * 20_000 + "」" * 20_000,  # deep nesting
        '"Go," Ab ' * 5_000,  # quotes followed by capitalised words (attribution test)
        "「好」" + "」" * 20_000 + "。再见。",  # a long run of closing marks
    ],
)
def test_pathological_runs_segment_whole(text):
    for lang in ("zh", "en"):
        check_invariants(text, segment(text, lang))


def test_dot_between_han_still_ends_sentences():
    assert texts("中文字.中文字" * 3, "zh") == ["中文字.", "中文字中文字.", "中文字中文字.", "中文字"]
    assert texts("我们见了 Mr.王，他走了。", "zh") == ["我们见了 Mr.王，他走了。"]  # short words are still looked at
