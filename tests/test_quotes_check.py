"""The second encoder's check of each quote's best places (subalign.quotes.check)."""

from __future__ import annotations

import numpy as np
import pytest

from subalign.quotes.check import CHECK_PLACES, CHECKER, check_places, place_text
from subalign.quotes.units import Candidate


class Fixed:
    """An encoder with given unit vectors, counting what it is asked to encode."""

    def __init__(self, vectors: dict[str, list[float]]):
        self.vectors = {t: np.asarray(v, dtype=np.float32) / np.linalg.norm(v) for t, v in vectors.items()}
        self.calls: list[list[str]] = []

    def encode(self, texts):
        self.calls.append(list(texts))
        return np.stack([self.vectors[t] for t in texts])


def place(text: str) -> Candidate:
    return Candidate(cues=(), score=0.0, similarity=0.0, text=text)


def test_place_text_is_the_matched_phrases_on_one_line():
    assert place_text(place("你好 / 再见")) == "你好 再见"


def test_check_sim_is_the_cosine_and_check_gap_the_margin_over_the_first_places():
    vectors = {"q": [1, 0, 0], "a": [1, 0, 0], "b": [0.6, 0.8, 0], "c": [0, 1, 0], "d": [0, 0, 1], "e": [0.8, 0.6, 0]}
    checker = Fixed(vectors)
    places = [place(t) for t in "abcde"]  # the fifth is beyond CHECK_PLACES
    [row] = check_places(checker, ["q"], [places])
    assert CHECK_PLACES == 4 and [r["check_sim"] for r in row] == pytest.approx([1.0, 0.6, 0.0, 0.0, 0.8])
    assert row[0]["check_gap"] == pytest.approx(0.4)  # over b, the best of b, c, d
    # a runner-up as if the best were ruled out (taken by another quote): b against c, d, e
    assert row[1]["check_gap"] == pytest.approx(0.6 - 0.8)
    assert row[4]["check_gap"] == pytest.approx(0.8 - 0.6)  # e, the fifth: against b, c, d
    assert checker.calls == [["q", "a", "b", "c", "d", "e"]]  # one batch


def test_each_text_is_encoded_once_and_a_lone_place_has_no_gap():
    checker = Fixed({"q": [1, 0], "r": [0, 1], "a": [1, 1]})
    rows = check_places(checker, ["q", "r"], [[place("a")], [place("a")]])
    assert rows[0][0]["check_gap"] == 0.0 and rows[0][0]["check_sim"] == pytest.approx(np.sqrt(0.5), abs=1e-4)
    assert checker.calls == [["q", "a", "r"]]
    assert check_places(checker, [], []) == []


def test_the_checker_is_a_builtin_model():
    from subalign.encoders.base import BUILTIN_MODELS

    assert CHECKER in BUILTIN_MODELS


def test_the_checker_shares_the_main_encoders_cache_or_has_none(tmp_path):
    from subalign.encoders import load_encoder
    from subalign.encoders.cache import CachedEncoder
    from subalign.quotes.check import checker_like

    cached = load_encoder("use-m3", cache_dir=str(tmp_path))
    checker = checker_like(cached)
    assert isinstance(checker, CachedEncoder) and checker.path == cached.path and checker.id != cached.id
    assert not isinstance(checker_like(load_encoder("use-m3", cache=False)), CachedEncoder)


def test_a_threshold_needs_no_checker():
    """With --threshold the found test is the score: the second encoder is not asked."""
    from test_quotes_order import film_srt  # a 320-cue Chinese film

    from subalign.encoders import load_encoder
    from subalign.quotes.match import find_quotes, search

    class Boom:
        def encode(self, texts):
            raise AssertionError("the checker was asked")

    encoder = load_encoder("use-m3")
    cues = film_srt()
    [m] = find_quotes(["The boss says that from next month there will be no wages."], cues, encoder,
                      threshold=0.3, checker=Boom())
    assert m.found and m.best.numbers == [60] and "check_sim" not in m.features
    with pytest.raises(AssertionError, match="checker was asked"):
        search("The boss says there will be no wages.", cues, encoder, checker=Boom())
