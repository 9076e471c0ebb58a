from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subalign.text.documents import document_from_text, load_document
from subalign.quotes.extract import extract_quotes, extract_quotes_from_text, quote_for_matching
from subalign.types import Quote

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def quotes(text: str, lang: str = "en") -> list[Quote]:
    found = extract_quotes_from_text(text, lang)
    check_invariants(text, found)
    return found


def texts(text: str, lang: str = "en") -> list[str]:
    return [q.text for q in quotes(text, lang)]


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Runs of non-blank lines, found independently of subalign.text.segment."""
    out: list[tuple[int, int]] = []
    pos, cur = 0, None
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            cur = (cur[0] if cur else pos, end)
        elif cur:
            out.append(cur)
            cur = None
        pos = end + 1
    if cur:
        out.append(cur)
    return out


def check_invariants(text: str, found: list[Quote]) -> None:
    paras = paragraphs(text)
    prev_end = 0
    for i, q in enumerate(found):
        assert q.index == i
        assert q.parts and len(q.parts) == len(q.spans)
        ps, pe = paras[q.anchor.paragraph - 1]
        assert (q.anchor.start, q.anchor.end) == (q.spans[0][0], q.spans[-1][1])
        for part, (s, e) in zip(q.parts, q.spans):
            assert text[s:e] == part and part == part.strip()
            assert ps <= s < e <= pe, "span leaves its paragraph"
            assert prev_end <= s, "spans overlap or are out of order"
            prev_end = e


# --- marks -------------------------------------------------------------------------


def test_curly_double_quote_with_anchor():
    text = "The lawyer reads the contract. He says: “This clause is void.” Then he leaves."
    [q] = quotes(text)
    assert q.parts == ("This clause is void.",)
    assert q.anchor.id == "p1.s2"
    assert q.context == "He says: “This clause is void.”"
    assert text[q.anchor.start : q.anchor.end] == "This clause is void."


def test_straight_double_quotes_pair_left_to_right():
    text = 'The activist said "we will return" and "we will win" at the factory gate.'
    assert texts(text) == ["we will return", "we will win"]


def test_straight_and_curly_mixed():
    assert texts('One worker said "pay us" and another said “now”.') == ["pay us", "now"]


@pytest.mark.parametrize(
    "text",
    [
        "Workers’ rights don’t end at the gate; the ’90s lawyer played rock ’n’ roll.",
        "In the ‘90s the factory played rock ‘n’ roll and the workers’ songs.",
        "The lawyer's clients can't wait, and the workers' centre won't close.",
        "It’s the foremen’s rule: nobody’s shift ends early.",
    ],
)
def test_apostrophes_are_not_quotes(text):
    assert texts(text) == []


def test_single_quotes_used_as_quotes():
    assert texts("The foreman called the line ‘a family’, and the workers’ lawyer disagreed.") == [
        "a family"
    ]
    assert texts("‘We don’t sleep any more,’ a worker says. ‘We glue.’") == [
        "We don’t sleep any more,",
        "We glue.",
    ]


def test_nested_quotes_belong_to_the_outer_quote():
    text = "“The boss called us ‘family’, then he locked the gate,” says the activist."
    assert texts(text) == ["The boss called us ‘family’, then he locked the gate,"]
    text = "‘He told us “wait a month”, and we waited a year,’ she recalls."
    assert texts(text) == ["He told us “wait a month”, and we waited a year,"]
    assert texts("她说：「老板说『再等等』，我们等了三年。」", "zh") == ["老板说『再等等』，我们等了三年。"]


def test_empty_or_punctuation_only_quotes_are_skipped():
    assert texts("The sign said “” and then “…” and then “—”.") == []


# --- sentences and anchors -----------------------------------------------------------


def test_multi_sentence_quote_is_one_quote():
    text = (
        "At the factory gate the organiser said: “We asked for our wages. They sent the police.” "
        "The lawyer took notes."
    )
    doc = document_from_text(text, "en")
    [q] = extract_quotes(doc)
    assert q.parts == ("We asked for our wages. They sent the police.",)
    assert q.anchor.id == "p1.s1"
    assert text[q.spans[0][0] : q.spans[0][1]] == q.parts[0]
    first, second = doc.sentences[0].text, doc.sentences[1].text
    assert q.context == f"{first} {second}"
    assert "The lawyer took notes." not in q.context


def test_quote_in_second_paragraph_anchored_to_p2():
    text = "A film about a shoe factory.\n\nThe line stops. “We lost everything,” a worker says."
    [q] = quotes(text)
    assert q.anchor.paragraph == 2 and q.anchor.sentence == 2
    assert q.context == "“We lost everything,” a worker says."
    assert text[q.anchor.start : q.anchor.end] == "We lost everything,"


def test_quotes_never_cross_paragraphs():
    assert texts('She said "we will\n\nnot go" today.') == []
    assert texts("She said “we will\n\nnot go” today.") == []
    # but a quote may cross a line break inside one paragraph
    assert texts("She said “we will\nnot go” today.") == ["we will\nnot go"]


# --- attribution -------------------------------------------------------------------


def test_quote_broken_by_attribution_merges():
    text = "“We're not asking for charity,” she says, “only what we are owed.”"
    [q] = quotes(text)
    assert q.parts == ("We're not asking for charity,", "only what we are owed.")
    assert q.text == "We're not asking for charity, … only what we are owed."
    assert q.anchor.start == q.spans[0][0] and q.anchor.end == q.spans[1][1]
    assert q.context == text


def test_attribution_variants_merge():
    # comma outside the marks, a longer attribution, straight quotes, three parts
    assert texts("“We want our wages”, the lawyer told the managers, “and our pensions.”") == [
        "We want our wages … and our pensions."
    ]
    assert texts('"Sign nothing," the activist said, "until we read it."') == [
        "Sign nothing, … until we read it."
    ]
    assert texts("“First the wages,” she says, “then the pensions,” she adds, “then we go.”") == [
        "First the wages, … then the pensions, … then we go."
    ]


def test_separate_quotes_do_not_merge():
    # no speech verb between them
    assert texts("He called it “progress” and “harmony”.") == ["progress", "harmony"]
    assert texts("The banners read “wages,” then “pensions,” then “dignity.”") == [
        "wages,",
        "pensions,",
        "dignity.",
    ]
    # the first part ends a statement, not a clause
    assert texts("“Stop.” she said, “Go.”") == ["Stop.", "Go."]
    # too long to be an attribution
    text = "“We stay,” the workers said to the managers of the plant at dawn, “until we are paid.”"
    assert texts(text) == ["We stay,", "until we are paid."]
    # different sentences
    assert texts("“We stay,” she said. “We are owed.”") == ["We stay,", "We are owed."]


# --- editorial marks ---------------------------------------------------------------


def test_brackets_and_ellipses_kept_in_parts_removed_for_matching():
    [q] = quotes("The lawyer recalls: “They [the managers] knew … and did nothing.”")
    assert q.parts == ("They [the managers] knew … and did nothing.",)
    assert quote_for_matching(q) == "They the managers knew and did nothing."
    [q] = quotes("A worker: “We waited [...] for ten years... and [sic] nobody came . . .”")
    assert quote_for_matching(q) == "We waited for ten years and nobody came"
    [q] = quotes("“This hall [once] held us all,” he says, “every one …”")
    assert quote_for_matching(q) == "This hall once held us all, every one"


def test_quote_for_matching_chinese():
    [q] = quotes("她说：“这个车间[曾经]有两千人……”", "zh")
    assert q.parts == ("这个车间[曾经]有两千人……",)
    assert quote_for_matching(q) == "这个车间曾经有两千人"


# --- Chinese -----------------------------------------------------------------------


def test_chinese_marks():
    text = "工人们说：「我们要工资。」律师回答：“法律很清楚。”老板只说了『再等等』。"
    found = quotes(text, "zh")
    assert [q.text for q in found] == ["我们要工资。", "法律很清楚。", "再等等"]
    assert all(text[s:e] == q.parts[0] for q in found for s, e in q.spans)


def test_chinese_attribution_merges_and_context_joins_without_space():
    text = "“我们不是乞丐，”一位女工对经理说，“我们是债主。”\n\n律师点头。“法律在我们这边。”"
    found = quotes(text, "zh")
    assert [q.parts for q in found] == [("我们不是乞丐，", "我们是债主。"), ("法律在我们这边。",)]
    assert quote_for_matching(found[0]) == "我们不是乞丐，我们是债主。"
    assert found[1].anchor.paragraph == 2
    assert " " not in found[1].context


def test_traditional_attribution_merges_like_simplified():
    hant = "“我們不是乞丐，”一位女工對經理說，“我們是債主。”"
    found = quotes(hant, "zh")
    assert [q.parts for q in found] == [("我們不是乞丐，", "我們是債主。")]  # as written
    assert quote_for_matching(found[0]) == "我們不是乞丐，我們是債主。"
    hans = quotes("“我们不是乞丐，”一位女工对经理说，“我们是债主。”", "zh")
    assert [q.spans for q in found] == [q.spans for q in hans]


def test_a_200_kb_quotation_is_one_quote():
    body = "the workers waited for their wages and the boss ran away " * 3_500
    text = f"Near the end the boss speaks. “{body.strip()}.” Nobody answers."
    [q] = quotes(text)
    assert q.parts == (body.strip() + ".",) and text[q.spans[0][0] : q.spans[0][1]] == q.parts[0]


def test_chinese_separate_quotes_without_speech_verb():
    assert texts("标语写着“和谐”与“进步”。", "zh") == ["和谐", "进步"]


# --- garbage in, nothing out ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She shouted “Pay us now and walked out.", []),
        ("“Unclosed opening. Then “closed” here.", ["closed"]),
        ("It ended.” Then the lawyer said “fine”.", ["fine"]),
        ('He said "stop. Then "go" she said.', ["go"]),
        ('The lawyer is 6\'2" tall and said "fine" twice.', ["fine"]),
        ('A 12" record played in the factory.', []),
        ("「没有结尾的引号。", []),
        ("The ’ and ‘ and ” marks alone.", []),
    ],
)
def test_unbalanced_and_stray_marks(text, expected):
    assert texts(text) == expected


def test_empty_text():
    assert extract_quotes_from_text("") == []
    assert extract_quotes_from_text("  \n\n ") == []


# --- samples -----------------------------------------------------------------------


def test_samples_review_matches_gold():
    with open(SAMPLES / "quotes.gold.tsv", encoding="utf-8", newline="") as f:
        gold = [row["quote"] for row in csv.DictReader(f, delimiter="\t")]
    doc = load_document(SAMPLES / "review.en.txt", lang="en")
    found = extract_quotes(doc)
    check_invariants(doc.text, found)
    assert [q.text for q in found] == gold
    by_text = {q.text: q for q in found}
    assert by_text["We wrote letters for a year. Nobody wrote back."].anchor.id == "p4.s6"
    assert len(by_text["We are not beggars, … we are creditors."].parts) == 2


def test_samples_chinese_review():
    doc = load_document(SAMPLES / "review.zh.txt", lang="zh")
    found = extract_quotes(doc)
    check_invariants(doc.text, found)
    assert ("我们不是叫花子，", "我们是债主。") in [q.parts for q in found]
    assert "这个车间[曾经]容纳过我们两千人。" in [q.text for q in found]


# --- properties --------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "workers", "lawyer", "factory", "Xu", "said", "says", "she", "and", "we", "are",
        "owed", "don’t", "workers’", "’90s", "‘90s", "rock ’n’ roll", "6'2\"", "[once]",
        "…", "...", "“", "”", "‘", "’", '"', "「", "」", "『", "』", ",", ".", "!", "?",
        "，", "。", ":", "—", " ", " ", " ", "\n", "\n\n", "说", "工人", "'",
    ]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, min_size=1, max_size=60))
def test_property_spans_are_verbatim_ordered_and_in_paragraph(pieces):
    text = "".join(pieces)
    if not text.strip():
        return
    for lang in ("en", "zh"):
        check_invariants(text, extract_quotes_from_text(text, lang))


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_property_never_crashes_on_any_text(text):
    if text.strip():
        check_invariants(text, extract_quotes_from_text(text, "en"))


def test_many_unbalanced_marks_stay_linear():
    text = "“a ‘b \"c 「d " * 4000 + "“done”"
    assert texts(text) == ["done"]
