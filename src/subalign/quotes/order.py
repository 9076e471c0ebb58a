"""The review's order as evidence: a quote between two found quotes is said between them.

A review, and still more a recap, mostly quotes a film in the order the film
says it.  Short generic lines ("It's quite good.", "Of course.") have several
near-equal places in a film, so the similarity alone cannot pick one with
confidence; the quotes around them in the review can.

The order is used only when the review shows it: the quotes found on their
own (the anchors) must follow the film, their review order against their film
position giving a Kendall's tau significant at :data:`MIN_Z` (normal
approximation, one-sided p < 0.01) and a longest non-decreasing chain holding at
least :data:`MIN_CHAIN` of them.  A review that quotes the film out of order
leaves every result as it was.

Each quote left not found, and each found one outside the chain (a line
said twice, found at the wrong one of two equal places), is then looked for
again between the anchors of the chain before and after it in the review
(the cues from the end of the one to the start of the other, none claimed by
another quote).  Its best place
there is judged by a second fitted decision (:mod:`subalign.quotes.decide`,
kind ``order``, or ``order+check`` with the second encoder's check of the
place, :mod:`subalign.quotes.check`) on :func:`order_features`: how far it is behind the quote's
best place anywhere (``behind``), how far above the quote's background
(``margin``), how far ahead of the next place in the same stretch
(``gap``), and how much of the film the stretch covers (``share``): a wider
stretch is likelier to hold a good-looking place by chance.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from subalign.quotes.check import check_places
from subalign.quotes.decide import Decision
from subalign.quotes.film import Film
from subalign.quotes.negation import says_the_opposite
from subalign.quotes.scoring import Query, Ranked
from subalign.quotes.units import QuoteMatch

#: At least this many anchors, or the order is not judged (too few to tell).
MIN_ANCHORS = 5
#: One-sided significance of Kendall's tau (z of its normal approximation; 2.33: p < 0.01).
MIN_Z = 2.33
#: The longest chain in film order must hold this share of the anchors.
MIN_CHAIN = 0.85


def kendall_z(values: Sequence[float]) -> float:
    """z of Kendall's tau between position in *values* and value (ties count zero).

    Hand-written: the normal approximation is a few lines, scipy would be a
    dependency for it alone.  One row of pairs at a time: memory stays linear.
    """
    n = len(values)
    if n < 2:
        return 0.0
    v = np.asarray(values, dtype=np.float64)
    s = float(sum(np.sign(v[i + 1 :] - v[i]).sum() for i in range(n - 1)))  # concordant minus discordant
    var = n * (n - 1) * (2 * n + 5) / 18.0
    return s / math.sqrt(var)


def increasing_chain(values: Sequence[int]) -> list[int]:
    """Indices of a longest non-decreasing subsequence of *values* (patience sorting).

    Non-decreasing: two quotes of the same words (a line quoted twice, or a
    fragment of a longer quote) may share a place, and both belong to the chain.
    """
    tails: list[int] = []  # tails[k]: smallest tail value of a chain of length k + 1
    tail_at: list[int] = []  # ... and its index
    prev = [-1] * len(values)
    for i, v in enumerate(values):
        k = bisect.bisect_right(tails, v)
        if k == len(tails):
            tails.append(v)
            tail_at.append(i)
        else:
            tails[k] = v
            tail_at[k] = i
        prev[i] = tail_at[k - 1] if k > 0 else -1
    out: list[int] = []
    i = tail_at[-1] if tail_at else -1
    while i >= 0:
        out.append(i)
        i = prev[i]
    return out[::-1]


def review_chain(spans: Sequence[tuple[int, int] | None]) -> list[int] | None:
    """The anchors (indices into *spans*) that follow the film, or None when the review does not.

    *spans*: per quote in review order, the first and last cue index of its
    place when found on its own, else None.
    """
    anchors = [i for i, s in enumerate(spans) if s is not None]
    if len(anchors) < MIN_ANCHORS:
        return None
    starts = [spans[i][0] for i in anchors]  # type: ignore[index]
    if kendall_z(starts) < MIN_Z:
        return None
    chain = [anchors[k] for k in increasing_chain(starts)]
    if len(chain) < MIN_CHAIN * len(anchors):
        return None
    return chain


def stretches(
    spans: Sequence[tuple[int, int] | None],
    chain: Sequence[int],
    n_cues: int,
    claimed: np.ndarray,
    todo: Sequence[int],
) -> dict[int, np.ndarray]:
    """For each quote of *todo* (indices into *spans*), the cues it may be said on.

    Those from the last cue of the chain's anchor before it in the review to
    the first cue of the one after it (the film's ends where there is none),
    less the cues *claimed* by found quotes.  Quotes with no such cue are left out.
    """
    out: dict[int, np.ndarray] = {}
    for i in todo:
        k = bisect.bisect_left(chain, i)
        lo = spans[chain[k - 1]][1] if k > 0 else 0  # type: ignore[index]
        hi = spans[chain[k]][0] if k < len(chain) else n_cues - 1  # type: ignore[index]
        allowed = np.zeros(n_cues, dtype=bool)
        allowed[lo : hi + 1] = True
        allowed &= ~claimed
        if allowed.any():
            out[i] = allowed
    return out


def order_features(
    sim: float, next_inside: float | None, best_anywhere: float, background: float, share: float
) -> dict[str, float]:
    """The order decision's inputs for a place of similarity *sim* in a stretch (see the module doc).

    *next_inside*: the best other place in the same stretch (None: there is
    none, and the background stands in); *share*: the stretch's cues over the film's.
    """
    other = background if next_inside is None else next_inside
    return {
        "behind": round(max(0.0, float(best_anywhere) - float(sim)), 4),
        "margin": round(float(sim) - float(background), 4),
        "gap": round(float(sim) - float(other), 4),
        "share": round(float(share), 4),
    }


def place_by_order(
    matches: list[QuoteMatch],
    film: Film,
    queries: list[Query],
    ranked: list[Ranked],
    rank_in: Callable[[list[Query], list[np.ndarray]], list[Ranked]],
    decision: Decision,
    limit: float,
    same_language: bool,
    checker=None,
) -> None:
    """Quotes not found, or found out of the film's order, looked for again between the found ones
    when the review follows the film.

    See :mod:`subalign.quotes.order`.  *rank_in(queries, allowed)* ranks places
    within the allowed cues.  Places are taken most confident first; one whose
    cues another quote has just taken is left, and so is one that says the
    opposite of the quote (*same_language*, as in the first pass).  With a
    *checker*, each place's check (:mod:`subalign.quotes.check`, against the
    next place in the same stretch) joins the decision's inputs.
    """
    index = {id(c): i for i, c in enumerate(film.cues)}
    spans = [(index[id(m.best.cues[0])], index[id(m.best.cues[-1])]) if m.found and m.best else None
             for m in matches]
    chain = review_chain(spans)
    if chain is None:
        return
    claimed = np.zeros(len(film.cues), dtype=bool)
    for span in spans:
        if span is not None:
            claimed[span[0] : span[1] + 1] = True
    in_chain = set(chain)
    again = [i for i, m in enumerate(matches) if m.best is not None and i not in in_chain]
    todo = stretches(spans, chain, len(film.cues), claimed, again)
    idx = sorted(todo)
    placed = []
    inside = rank_in([queries[i] for i in idx], [todo[i] for i in idx])
    checks = check_places(checker, [queries[i].text for i in idx], [r.hits for r in inside]) if checker else None
    for n, (i, r) in enumerate(zip(idx, inside)):
        if not r.hits:
            continue
        g, best = ranked[i], r.hits[0]
        nxt = r.hits[1].similarity if len(r.hits) > 1 else None
        feats = order_features(best.similarity, nxt, g.hits[0].similarity, g.background,
                               float(todo[i].sum()) / len(film.cues))
        if checks:
            feats.update(checks[n][0])
        conf = decision.confidence(feats)
        if same_language and says_the_opposite(queries[i].text, best.text):
            continue
        if conf >= limit:
            placed.append((conf, i, replace(best, score=round(best.similarity - 0.5 * g.background, 4),
                                            confidence=conf), feats))
    for conf, i, place, feats in sorted(placed, key=lambda p: (-p[0], p[1])):
        span = index[id(place.cues[0])], index[id(place.cues[-1])]
        if claimed[span[0] : span[1] + 1].any():
            continue
        claimed[span[0] : span[1] + 1] = True
        m = matches[i]
        verb = "moved" if m.found else "placed"
        if m.found and spans[i] is not None:
            claimed[spans[i][0] : spans[i][1] + 1] = False
        if m.best is not None and m.best.numbers != place.numbers:
            m.runner_up = ([m.best] + [c for c in m.runner_up if c.numbers != place.numbers])[: len(m.runner_up)]
        m.best, m.status = place, "found"
        m.features = {**m.features, **{f"order_{k}": v for k, v in feats.items()}}
        k = sum(1 for j in chain if j < i)
        around = [j for j in (chain[k - 1] if k else None, chain[k] if k < len(chain) else None) if j is not None]
        names = " and ".join(matches[j].anchor.id if matches[j].anchor else f"#{j}" for j in around)
        m.note = "; ".join(filter(None, [m.note, f"{verb} by the review's order (between quotes {names})"]))
