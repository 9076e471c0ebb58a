"""Where is a quoted line spoken?  Matching review quotes (or any phrase) to subtitle cues.

A review quotes the film in its own translation, so a quote is found by meaning,
not by string search.  The matching works on *phrases*, not whole cues:

Film side
    Every cue is cut into phrases at line breaks, clause punctuation
    (``，。！？；：…`` / ``,;:.!?``) and the spaces Chinese subtitles use as
    commas (``你放心 法律写得清清楚楚`` is two phrases).  A *candidate* is a
    contiguous run of phrases touching at most ``max_cues`` consecutive cues,
    with no pause longer than ``max_gap_s`` between two of its cues.  Working
    on phrases lets a quote start or end mid-cue (``法律写得清清楚楚 | 可法律它
    不住在厚街啊`` without the ``你放心`` before it) while the result is still
    reported as cues.  Candidate embeddings are composed from per-phrase
    pooled sums for USE-m3 (:func:`subalign.aligner.windows.embed_windows`), so a film
    costs one encoding of its phrases however many windows are scored.

Quote side
    The quote is embedded whole, and also sentence by sentence when it has
    several sentences.

Similarity of a quote and a candidate
    ``sim = ½·(whole + aligned)`` where ``whole`` is the cosine of the quote
    and the candidate, and ``aligned`` is the best monotone alignment of the
    quote's sentences to consecutive groups of the candidate's phrases (a
    small DP; a sentence may also stay unaligned at background level).
    Whole-text embeddings are dominated by the most distinctive sentence
    (``We wrote letters for a year. Nobody wrote back.`` is closer to the cue
    of the first sentence alone than to both cues); the alignment term asks
    every sentence to be said somewhere in the candidate.  A single-sentence
    quote uses ``whole`` alone.  The phrases of a candidate are all assigned
    to some sentence, so extra phrases dilute the score, and each cue beyond
    the first costs ``CUE_PENALTY``: the smallest window that says the quote wins.

    Every similarity is first centred on the quote's mean similarity to all
    phrases of the film and rescaled, ``(s - mean) / (1 - mean)``, which keeps
    USE-m3's cosines almost unchanged and puts anisotropic models (e5's
    cosines all sit between 0.75 and 0.9) on the same scale.

    Same language (English review, English subtitles): each similarity is
    ``½·cosine + ½·lexical``, where lexical is rapidfuzz's Indel ``ratio`` of the
    normalised texts averaged with a ``partial_ratio`` scaled by how much of
    the quote the candidate can contain, so a verbatim quote matches exactly
    its own words and the tightest span wins.

Margin and the not-found decision
    ``score = sim - ½·background``, where ``background`` is the mean
    similarity of the quote's ``BACKGROUND_K`` best candidates elsewhere in
    the film (greedy, mutually non-overlapping, not overlapping the best).
    This is CSLS (Lample et al. 2018) with the query-side neighbourhood term:
    a quote that is merely on topic, or so generic that it fits many places,
    has a background close to its best match and a low score; a line that is
    really said stands out.  Because the background is the top of the film's
    own "noise", a longer film raises the bar by itself.

    The decision is calibrated on a real film (:mod:`subalign.quotes.decide`):
    the gap to the runner-up and the margin over the background (across
    languages also a second encoder's check of the best places,
    :mod:`subalign.quotes.check`) give
    ``confidence``, the probability that the best place is right, and a quote
    is ``found`` when it reaches the fitted ``min_confidence``.  For a model
    with no fitted decision, or with an explicit ``threshold``, a quote is
    found when its score reaches the threshold (:data:`DEFAULT_THRESHOLD`,
    see the comment there; :func:`default_threshold` for other models).
    In the same language a line that says the opposite of the quote ("You
    won't regret it" for "You will regret it") never counts as found
    (:mod:`subalign.quotes.negation`).

One line, one quote
    Finally, found quotes claim their cues strongest first (competitive
    linking): a quote whose best place overlaps a stronger quote's match,
    and which is not the same words (a repeated quote, or a fragment of a
    longer one), moves to its next free place that passes the decision or becomes
    ``not_found``.  A quoted press statement about "valued customers" thus
    cannot take the line "not one customer ever complained" that the review
    quotes elsewhere.

The review's order
    A review mostly quotes the film in its order.  When the quotes found so far
    follow the film, each quote not found (or found out of that order) is
    looked for again between the found quotes around it in the review, and
    kept when a second fitted decision trusts the place (:mod:`subalign.quotes.order`).
    A generic line said in several places ("Of course.") is found this way.

Scripts and cost
    String similarity compares the Simplified view of both sides
    (:func:`subalign.text.cjk.simplified_view`), so a Traditional track matches
    like a Simplified one; every text shown (``Candidate.text``, cue text) is
    as written.  Cost is linear in the film and in each quote whatever the
    line lengths: a cue longer than any real one is cut into pieces where the
    aligner cuts long sentences (:func:`cue_phrases`), no window holds more
    than :func:`window_max_chars` characters, and a long quote is matched by a
    bounded prefix (:func:`bounded_query`).

Everything here is pure: cues, quotes and an encoder in, dataclasses out; the
writers are in :mod:`subalign.quotes.formats`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from rapidfuzz import fuzz

from subalign.errors import SubalignError
from subalign.quotes.check import CHECK_PLACES, CHECKER, check_places, checker_like
from subalign.quotes.decide import Decision, decision_for, decision_kind, features, order_decision_for, uses_check
from subalign.quotes.extract import quote_for_matching
from subalign.quotes.film import Film
from subalign.quotes.lexical import lexicon_evidence
from subalign.quotes.negation import says_the_opposite
from subalign.quotes.order import place_by_order
from subalign.quotes.scoring import Evidence, Ranked, as_film, make_query, rank, use_lexical
from subalign.quotes.units import (
    Candidate,
    DEFAULT_MAX_CUES,
    DEFAULT_MAX_GAP_S,
    DEFAULT_THRESHOLD,
    MODEL_THRESHOLDS,
    QuoteMatch,
    lexical_key,
)
from subalign.types import Cue, Quote

__all__ = ["decision_rule", "default_threshold", "find_quotes", "search", "summary"]


# ----------------------------------------------------------------------------- public API


def search(
    text: str,
    cues: Sequence[Cue] | Film,
    encoder,
    top: int = 5,
    *,
    max_cues: int = DEFAULT_MAX_CUES,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
    lexical: bool | None = None,
    evidence: Evidence | str | None = "auto",
    checker="auto",
) -> list[Candidate]:
    """The *top* places in the film that best say *text*, best first, never overlapping.

    Each hit's ``score`` is comparable with :data:`DEFAULT_THRESHOLD` and its
    ``confidence`` with the fitted decision's ``min_confidence``
    (:func:`subalign.quotes.decide.decision_for`); *cues* may be a prepared :class:`Film`.
    *checker* is as for :func:`find_quotes`.
    """
    if not text or not text.strip():
        raise SubalignError("nothing to search for: the text is empty")
    if top < 1:
        raise SubalignError(f"--top must be at least 1, got {top}")
    film = as_film(cues, encoder, max_cues, max_gap_s, [text])
    query = make_query(" ".join(text.split()))
    use_lex = use_lexical(lexical, [text], film)
    fitted, check = _decision_and_checker(film, use_lex, checker)
    ranked = rank(film, [query], use_lex, max(top, 2, CHECK_PLACES + 1 if check else 1), _evidence(evidence, use_lex))[0]
    checks = check_places(check, [query.text], [ranked.hits])[0] if check else None
    return _with_confidence(ranked, fitted, len(film.cues), checks)[:top]


def find_quotes(
    quotes: Sequence[Quote | str],
    cues: Sequence[Cue] | Film,
    encoder,
    *,
    max_cues: int = DEFAULT_MAX_CUES,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
    threshold: float | None = None,
    min_confidence: float | None = None,
    lexical: bool | None = None,
    runner_ups: int = 3,
    evidence: Evidence | str | None = "auto",
    order: bool | Decision = True,
    checker="auto",
) -> list[QuoteMatch]:
    """Find every quote in the subtitles, in the order given (see the module doc).

    *quotes* are :class:`~subalign.types.Quote` (from :func:`extract_quotes`)
    or plain strings. ``lexical`` forces the same-language blend on or off
    (default: on when quotes and subtitles are in the same script).  *cues*
    may be a prepared :class:`Film` (then its own encoder, ``max_cues`` and
    ``max_gap_s`` apply, and bilingual cues are not split by language).

    The decision: with an explicit *threshold*, a quote is found when its
    ``score`` (the margin) reaches it, as before calibrated decisions existed;
    otherwise when its ``confidence`` reaches *min_confidence* (default: the
    fitted decision's, :mod:`subalign.quotes.decide`), or, for a model with no
    fitted decision, when its score reaches :func:`default_threshold`.
    *evidence* adds lexical evidence to every similarity (:data:`Evidence`); the default
    ``"auto"`` is the bilingual lexicon's for short quotes across languages
    (:mod:`subalign.quotes.lexical`), None none.
    *order*: when the quotes found follow the film, look for the others between
    them (:mod:`subalign.quotes.order`): True, with the fitted order decision
    (there is one across languages for a film of :data:`~subalign.quotes.decide.MIN_FILM_CUES`
    cues or more; none with a *threshold*); a :class:`Decision`, with that one; False, not at all.
    *checker*: the encoder that checks each quote's best places across
    languages (:mod:`subalign.quotes.check`); ``"auto"`` loads
    :data:`~subalign.quotes.check.CHECKER` when a fitted decision reads it, in
    the main encoder's embedding cache if it has one; None uses the decision
    fitted without it.
    """
    texts = [quote_for_matching(q) if isinstance(q, Quote) else " ".join(str(q).split()) for q in quotes]
    if not quotes:
        return []
    film = as_film(cues, encoder, max_cues, max_gap_s, texts)
    use_lex = use_lexical(lexical, texts, film)
    # With a threshold the found test is the score: no second encoder to load.
    fitted, check = _decision_and_checker(film, use_lex, checker if threshold is None else None)
    accept = _acceptance(film.encoder, threshold, min_confidence, fitted)
    queries = [make_query(t or (q.text if isinstance(q, Quote) else str(q))) for q, t in zip(quotes, texts)]
    top = 1 + max(runner_ups, CHECK_PLACES if check else 1)
    ranked = rank(film, queries, use_lex, top, _evidence(evidence, use_lex))
    checks = check_places(check, [q.text for q in queries], [r.hits for r in ranked]) if check else None
    out: list[QuoteMatch] = []
    for n, (q, query, r) in enumerate(zip(quotes, queries, ranked)):
        hits = _with_confidence(r, fitted, len(film.cues), checks[n] if checks else None)
        best = hits[0] if hits else None
        status = "found" if best is not None and accept(best) else "not_found"
        note = f"long quotation: matched by its first {len(query.text)} characters" if query.cut else ""
        if status == "found" and use_lex and says_the_opposite(query.text, best.text):
            status = "not_found"
            note = "; ".join(filter(None, [note, "the subtitles say the opposite"]))
        feats = {}
        if best is not None:
            feats = features(best.similarity, hits[1].similarity if len(hits) > 1 else None, r.background, r.mean, r.std,
                             len(film.cues), checks[n][0] if checks else None)
        out.append(
            QuoteMatch(
                text=query.text,
                status=status,
                best=best,
                runner_up=hits[1 : 1 + runner_ups],
                background=round(r.background, 4),
                quote=q if isinstance(q, Quote) else None,
                note=note,
                features=feats,
            )
        )
    _one_line_one_quote(out, film.encoder, accept)
    by_order = order if isinstance(order, Decision) else None
    if order is True and threshold is None:
        by_order = order_decision_for(film.encoder, use_lex, len(film.cues), checked=check is not None)
    if by_order is not None:
        limit = by_order.min_confidence if min_confidence is None else min_confidence
        ev = _evidence(evidence, use_lex)
        order_check = None
        if uses_check(by_order):
            order_check = check or _checker(checker, film)
            if order_check is None:
                raise ValueError("this order decision reads the check: give a checker")
        place_by_order(out, film, queries, ranked, lambda qs, allowed: rank(film, qs, use_lex, 2, ev, allowed),
                       by_order, limit, use_lex, order_check)
    return out


def _decision_and_checker(film: Film, same_language: bool, checker):
    """The fitted decision for this film, and the checking encoder when that decision reads one."""
    if checker is not None:
        fitted = decision_for(film.encoder, same_language, len(film.cues), checked=True)
        if uses_check(fitted):
            return fitted, _checker(checker, film)
    return decision_for(film.encoder, same_language, len(film.cues)), None


def _checker(checker, film: Film):
    """*checker* as an encoder: ``"auto"`` is the checking model loaded like the film's encoder."""
    return checker_like(film.encoder) if isinstance(checker, str) and checker == "auto" else checker


def _evidence(evidence: Evidence | str | None, same_language: bool) -> Evidence | None:
    """``"auto"``: the lexicon's evidence across languages, none in the same language (the string blend)."""
    if isinstance(evidence, str):
        if evidence != "auto":
            raise ValueError(f"evidence is a function, 'auto' or None, not {evidence!r}")
        return None if same_language else lexicon_evidence
    return evidence


def _acceptance(encoder, threshold: float | None, min_confidence: float | None, fitted: Decision | None):
    """The found test for one candidate (see :func:`find_quotes`)."""
    if threshold is None and fitted is not None:
        limit = fitted.min_confidence if min_confidence is None else min_confidence
        return lambda c: c.confidence is not None and c.confidence >= limit
    bar = default_threshold(encoder) if threshold is None else threshold
    return lambda c: c.score >= bar


def _with_confidence(r: Ranked, fitted: Decision | None, n_cues: int, checks=None) -> list[Candidate]:
    """The ranked places, each with its confidence.

    The best place's gap is to the runner-up.  A runner-up's confidence is
    what it would be if the best place were ruled out (taken by another quote,
    see :func:`_one_line_one_quote`): its gap is to the best of the others.
    *checks*: the second encoder's check of each place (:mod:`subalign.quotes.check`).
    """
    if fitted is None or not r.hits:
        return list(r.hits)
    out = []
    for i, h in enumerate(r.hits):
        others = [o for k, o in enumerate(r.hits[1:], 1) if k != i]
        other_sim = others[0].similarity if others else None
        feats = features(h.similarity, other_sim, r.background, r.mean, r.std, n_cues, checks[i] if checks else None)
        out.append(replace(h, confidence=fitted.confidence(feats)))
    return out


#: Two quotes sharing a line must be the same words: one contains the other
#: (rapidfuzz partial_ratio, in %) or they mean the same (cosine).
SAME_QUOTE_PARTIAL = 90.0
SAME_QUOTE_COSINE = 0.8


def _one_line_one_quote(matches: list[QuoteMatch], encoder, accept) -> None:
    """Competitive linking: a line of the film is the translation of at most one quotation.

    A press statement about "valued customers" may land, by topic, on the
    line "not one customer ever complained" that the review quotes elsewhere.
    Found quotes claim their cues strongest first; a quote whose match
    overlaps a stronger one's moves to its next place that is free and good
    enough (*accept*), or becomes ``not_found``.  Quotes that are the same words (a
    repeated quotation, or a fragment of a longer one) may share cues.
    """
    order = sorted((i for i, m in enumerate(matches) if m.found), key=lambda i: -matches[i].best.similarity)
    claims: list[tuple[int, set[tuple[int, int]]]] = []
    vectors: dict[int, np.ndarray] = {}

    def key(c: Cue) -> tuple[int, int]:
        return c.number, c.start_ms

    def same(i: int, j: int) -> bool:
        a, b = lexical_key(matches[i].text), lexical_key(matches[j].text)
        if a and b and fuzz.partial_ratio(a, b) >= SAME_QUOTE_PARTIAL:
            return True
        for k in (i, j):
            if k not in vectors:
                vectors[k] = np.asarray(encoder.encode([matches[k].text]), dtype=np.float32)[0]
        return float(vectors[i] @ vectors[j]) >= SAME_QUOTE_COSINE

    def rival(i: int, cand: Candidate) -> int | None:
        cues = {key(c) for c in cand.cues}
        return next((j for j, taken in claims if taken & cues and not same(i, j)), None)

    for i in order:
        m = matches[i]
        j = rival(i, m.best)
        if j is None:
            claims.append((i, {key(c) for c in m.best.cues}))
            continue
        alt = next((c for c in m.runner_up if accept(c) and rival(i, c) is None), None)
        taken_by = matches[j].anchor.id if matches[j].anchor else f"#{j}"
        if alt is None:
            m.status = "not_found"
            m.note = "; ".join(filter(None, [m.note, f"its best place is quote {taken_by}'s line"]))
        else:
            m.runner_up = [m.best] + [c for c in m.runner_up if c is not alt]
            m.best = alt
            m.note = "; ".join(filter(None, [m.note, f"moved off quote {taken_by}'s line"]))
            claims.append((i, {key(c) for c in alt.cues}))


def decision_rule(
    encoder,
    same_language: bool,
    n_cues: int,
    threshold: float | None = None,
    min_confidence: float | None = None,
    order: bool = True,
    checked: bool = True,
) -> dict:
    """Which found test :func:`find_quotes` applies, as a plain dict for reports (JSON ``info``).

    ``rule`` is ``"confidence"`` (a fitted decision: ``kind``, its ``inputs`` and the
    ``min_confidence`` used, ``fitted_min_confidence`` its own; ``order``, the
    review-order decision's ``inputs`` and limit when *order* applies, else None) or
    ``"threshold"`` (the margin score against ``threshold``; ``reason`` says why:
    given by the user, or no decision fitted for this model).  ``checker``
    names the second encoder the decisions read (:mod:`subalign.quotes.check`), if any.
    """
    fitted = decision_for(encoder, same_language, n_cues, checked=checked)
    if threshold is None and fitted is not None:
        by_order = order_decision_for(encoder, same_language, n_cues, checked=checked) if order else None
        return {
            "rule": "confidence",
            "kind": decision_kind(same_language, n_cues) + ("+check" if uses_check(fitted) else ""),
            "checker": CHECKER if uses_check(fitted) or uses_check(by_order) else None,
            "inputs": list(fitted.inputs),
            "min_confidence": fitted.min_confidence if min_confidence is None else min_confidence,
            "fitted_min_confidence": fitted.min_confidence,
            "order": None if by_order is None else {
                "inputs": list(by_order.inputs),
                "min_confidence": by_order.min_confidence if min_confidence is None else min_confidence,
                "fitted_min_confidence": by_order.min_confidence,
            },
        }
    reason = "given" if threshold is not None else "no fitted decision for this model"
    return {"rule": "threshold", "threshold": default_threshold(encoder) if threshold is None else threshold,
            "reason": reason}


def default_threshold(encoder) -> float:
    """The calibrated ``found`` threshold for *encoder* (USE-m3's for unknown models)."""
    members = getattr(encoder, "members", None)
    if members:
        return float(np.mean([default_threshold(m) for m in members]))
    ident = str(getattr(encoder, "id", ""))
    for key, value in MODEL_THRESHOLDS.items():
        if key in ident:
            return value
    return DEFAULT_THRESHOLD


def summary(matches: Sequence[QuoteMatch]) -> str:
    found = sum(m.found for m in matches)
    return f"{len(matches)} quotes: {found} found, {len(matches) - found} not found"
