"""A second encoder checks the first one's best places (quotes across languages).

USE-m3 scores every window of a film cheaply; multilingual-e5-small, a
different model trained on different data, is 10-40 times slower, too slow
for every window but cheap on a quote's few best places.  Where the two
agree that a place says the quote, it usually does.  The checker's cosine of
the quote and the place (``check_sim``) and its margin over the quote's other
places checked (``check_gap``) enter the cross-language decision
(:mod:`subalign.quotes.decide`): on the dev episode, left one review out,
81 % of the quotes were found at the right cues against 72 % without, with
as few absent quotes found (``benchmarks/RESULTS.md``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from subalign.encoders import load_encoder
from subalign.encoders.cache import CachedEncoder
from subalign.quotes.units import Candidate

#: The checking model (a builtin of :mod:`subalign.encoders`).
CHECKER = "e5-small"
#: How many places of each quote are checked: its best and the next ones.
CHECK_PLACES = 4


def checker_like(encoder):
    """The checking model, loaded as *encoder* was: in the same embedding cache, or with none."""
    checker = load_encoder(CHECKER, cache=False)
    return CachedEncoder(checker, encoder.path) if isinstance(encoder, CachedEncoder) else checker


def place_text(place: Candidate) -> str:
    """What the checker reads of a place: its matched phrases, one line."""
    return " ".join(place.text.replace(" / ", " ").split())


def check_places(checker, queries: Sequence[str], places: Sequence[Sequence[Candidate]]) -> list[list[dict[str, float]]]:
    """For each query, ``{check_sim, check_gap}`` of each of its places, best first.

    ``check_gap``: the place's checker cosine minus the best of the query's
    other places among the first :data:`CHECK_PLACES` (0 when there is none),
    so it means the same however many places are asked for.  A runner-up's is
    taken as if the best place were ruled out (another quote took it), like
    its gap in :func:`subalign.quotes.match.find_quotes`: against places 2 to
    CHECK_PLACES + 1 other than itself.  Every distinct text is encoded once,
    in one batch.
    """
    texts: dict[str, int] = {}
    for q, ps in zip(queries, places):
        for t in [q] + [place_text(p) for p in ps]:
            texts.setdefault(t, len(texts))
    if not texts:
        return [[] for _ in queries]
    vectors = np.asarray(checker.encode(list(texts)), dtype=np.float32)
    out: list[list[dict[str, float]]] = []
    for q, ps in zip(queries, places):
        sims = [float(vectors[texts[place_text(p)]] @ vectors[texts[q]]) for p in ps]
        row = []
        for i, s in enumerate(sims):
            pool = range(1, CHECK_PLACES) if i == 0 else range(1, CHECK_PLACES + 1)
            others = [sims[k] for k in pool if k != i and k < len(sims)]
            row.append({"check_sim": round(s, 4), "check_gap": round(s - max(others), 4) if others else 0.0})
        out.append(row)
    return out
