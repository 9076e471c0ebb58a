"""Scoring quotes against the film's candidates: centred cosines (and lexical similarity in the same
language), the sentence-to-phrase alignment, the CSLS-style background margin, the ranking
(see :mod:`subalign.quotes.match` for the method).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from subalign.quotes.film import Film, prepare_film
from subalign.quotes.units import (
    BACKGROUND_K,
    CUE_PENALTY,
    Candidate,
    LEXICAL_WEIGHT,
    MAX_PHRASES,
    NEG,
    lexical_key,
    script_of,
    split_units,
    window_max_chars,
)
from subalign.subs.bilingual import cues_for_language, split_bilingual
from subalign.text.cjk import join_cjk_aware
from subalign.text.segment import cut_long_text
from subalign.types import Cue

#: Lexical evidence from outside (a bilingual lexicon, say): for each query
#: text, a score in [0, 1] per valid window of the film (``film.win_*`` order),
#: e.g. the share of the quote's words whose translation the window contains.
#: It enters every similarity as ``EVIDENCE_WEIGHT · (e - mean_e)`` (centred on
#: the query's mean over the film, like the other terms).  By default across
#: languages it is the bilingual lexicon's, for short quotes only
#: (:mod:`subalign.quotes.lexical`).  The fitted decisions
#: (:mod:`subalign.quotes.decide`) were fitted without it (their inputs, gap and
#: margin, are unchanged; refitting on the dev episode gained only in-sample).
Evidence = Callable[[Sequence[str], Film], np.ndarray]
#: 0.1 on the dev episode (0.05-0.3 tried, benchmarks/RESULTS.md): higher found absent quotes.
EVIDENCE_WEIGHT = 0.1


# ----------------------------------------------------------------------------- scoring


#: rapidfuzz's ``partial_ratio`` costs ~60 times its ``ratio``: it is computed
#: only for each query's SHORTLIST best windows by cosine + ratio (elsewhere
#: ``ratio`` stands in, a lower value that cannot lift a window into first
#: place), and the centring mean is taken over at most REFERENCE_SAMPLE phrases.
SHORTLIST = 256
REFERENCE_SAMPLE = 200


def _lexical(queries: list[str], keys: list[str], prior: np.ndarray | None = None) -> np.ndarray:
    """rapidfuzz similarity in [0, 1] of each query with each key (:func:`lexical_key` forms).

    ``(ratio + partial_ratio · min(1, len(key) / len(query))) / 200``: partial_ratio
    finds the shorter text inside the longer, and a window shorter than the
    quote only gets credit for the share of the quote it can hold.  With
    *prior* (a score per query and key), partial_ratio is computed only on the
    :data:`SHORTLIST` keys that score best on ``prior + ratio``.
    """
    qk = [lexical_key(q) for q in queries]
    ratio = cdist(qk, keys, scorer=fuzz.ratio, dtype=np.float32, workers=-1)
    if prior is None or len(keys) <= SHORTLIST:
        partial = cdist(qk, keys, scorer=fuzz.partial_ratio, dtype=np.float32, workers=-1)
    else:
        partial = ratio.copy()
        top = np.argpartition(-(prior + ratio / 100.0), SHORTLIST, axis=1)[:, :SHORTLIST]
        for i, cols in enumerate(top):
            picked = [keys[j] for j in cols]
            partial[i, cols] = cdist([qk[i]], picked, scorer=fuzz.partial_ratio, dtype=np.float32)[0]
    qlen = np.array([max(1, len(q)) for q in qk], dtype=np.float32)[:, None]
    klen = np.array([len(k) for k in keys], dtype=np.float32)[None, :]
    partial *= np.minimum(1.0, klen / qlen)
    return (ratio + partial) / 200.0


def _similarities(
    vectors: np.ndarray, texts: list[str], film: Film, lexical: bool, evidence: Evidence | None = None
) -> list[np.ndarray]:
    """``out[k][q, a]``: normalised similarity of query q with the window of k phrases at a.

    Invalid windows get -inf.  Normalisation: ``(s - mean) / (1 - mean)`` with
    the query's mean similarity to the film's single phrases (see the module
    doc and :data:`MIN_REFERENCE`).
    """
    sims = vectors @ film.win_emb.T
    mean = (vectors @ film.ref_emb.T).mean(axis=1, keepdims=True)
    sims = (sims - mean) / np.maximum(1.0 - mean, 1e-6)
    if lexical:
        lex = _lexical(texts, film.window_keys(), sims)
        refs = film.ref_keys()
        lmean = _lexical(texts, refs[:: max(1, len(refs) // REFERENCE_SAMPLE)]).mean(axis=1, keepdims=True)
        lex = (lex - lmean) / np.maximum(1.0 - lmean, 1e-6)
        sims = (1.0 - LEXICAL_WEIGHT) * sims + LEXICAL_WEIGHT * lex
    if evidence is not None:
        ev = np.asarray(evidence(texts, film), dtype=np.float64)
        if ev.shape != sims.shape:
            raise ValueError(f"lexical evidence has shape {ev.shape}, expected {sims.shape}")
        sims = sims + EVIDENCE_WEIGHT * (ev - ev.mean(axis=1, keepdims=True))
    n = len(film.phrases)
    out: list[np.ndarray] = [np.zeros((len(texts), 0))]
    for k in range(1, film.max_phrases + 1):
        sl = film.slices[k]
        dense = np.full((len(texts), n - k + 1), NEG, dtype=np.float64)
        dense[:, film.win_start[sl]] = sims[:, sl]
        out.append(dense)
    return out


def _shifted(row: np.ndarray, offset: int, n: int) -> np.ndarray:
    """``row[a + offset]`` for a in 0..n-1, -inf past the end."""
    out = np.full(n, NEG, dtype=np.float64)
    if offset < len(row):
        out[: len(row) - offset] = row[offset:]
    return out


def _aligned_scores(unit_sims: list[list[np.ndarray]], weights: np.ndarray, n: int, max_phr: int) -> list[np.ndarray | None]:
    """``dp[l][a]``: best alignment of all units to the phrases a..a+l-1 (monotone DP).

    Each unit takes a non-empty run of consecutive phrases (scoring
    ``weight · sim``) or none (scoring 0, the background level); the runs
    tile the window, so no phrase is left unexplained.
    """
    m = len(unit_sims)
    best = [[None] * (max_phr + 1) for _ in range(m + 1)]
    best[0][0] = np.zeros(n)
    for j in range(1, m + 1):
        sims = unit_sims[j - 1]
        for length in range(0, max_phr + 1):
            acc = best[j - 1][length].copy() if best[j - 1][length] is not None else np.full(n, NEG)
            for start in range(0, length):
                prev = best[j - 1][start]
                if prev is None:
                    continue
                acc = np.maximum(acc, prev + weights[j - 1] * _shifted(sims[length - start], start, n))
            best[j][length] = acc
    return [None] + [best[m][k][: n - k + 1] for k in range(1, max_phr + 1)]


def _unit_alignment(unit_sims, weights, a: int, length: int) -> list[tuple[int, int] | None]:
    """Back-trace of the DP for one window: per unit, its phrase run (start, end) or None."""
    m = len(unit_sims)

    def sim(j, s, e):
        row = unit_sims[j][e - s]
        return weights[j] * float(row[a + s]) if a + s < len(row) else NEG

    score = [[NEG] * (length + 1) for _ in range(m + 1)]
    back: list[list[Any]] = [[None] * (length + 1) for _ in range(m + 1)]
    score[0][0] = 0.0
    for j in range(1, m + 1):
        for e in range(0, length + 1):
            best, arg = score[j - 1][e], None
            for s in range(0, e):
                if score[j - 1][s] > NEG / 2:
                    v = score[j - 1][s] + sim(j - 1, s, e)
                    if v > best:
                        best, arg = v, (s, e)
            score[j][e], back[j][e] = best, arg
    runs: list[tuple[int, int] | None] = [None] * m
    e = length
    for j in range(m, 0, -1):
        arg = back[j][e]
        runs[j - 1] = arg
        if arg is not None:
            e = arg[0]
    return runs


@dataclass
class Query:
    """A quote or phrase as matched: its (possibly cut) text and its weighted units."""

    text: str
    units: list[str]
    weights: np.ndarray
    cut: bool = False  # True when only a prefix of the text is matched


def bounded_query(text: str) -> tuple[str, list[str], bool]:
    """``(text matched, its units, whether it was cut)`` for a quote or phrase.

    A long quotation is matched by a **bounded prefix**: its sentences
    (:func:`split_units`), a sentence over the aligner's long-sentence limit
    cut where the aligner cuts it (:func:`subalign.text.segment.cut_long_text`),
    kept while they fit in :func:`window_max_chars` characters and
    :data:`MAX_PHRASES` units (at least one piece is always kept).  No
    candidate window holds more than that, so the rest could only dilute the
    score; it would cost time and memory in proportion to its length.  The
    cut is reported (``QuoteMatch.note``, ``QuoteMatch.text`` is the prefix).
    """
    lang = script_of(text[:2000])
    budget = window_max_chars(lang)
    units: list[str] = []
    used = 0
    cut = False
    for unit in split_units(text):
        for a, b in cut_long_text(unit, lang):
            piece = unit[a:b]
            if units and (len(units) >= MAX_PHRASES or used + len(piece) > budget):
                cut = True
                break
            units.append(piece)
            used += len(piece)
        if cut:
            break
    if not cut:
        return text, units, False
    return join_cjk_aware(units), units, True


def make_query(text: str) -> Query:
    """The :class:`Query` for *text*: a bounded prefix (:func:`bounded_query`), units weighted by length."""
    matched, units, cut = bounded_query(text)
    w = np.array([max(1, len(u.replace(" ", ""))) for u in units], dtype=np.float64)
    return Query(matched, units, w / w.sum(), cut)


@dataclass
class Ranked:
    """One query's best places (mutually non-overlapping, best first), its background
    (see :mod:`subalign.quotes.match`), and the mean and standard deviation of its
    scores over all the film's windows (the film's own distribution, for :mod:`decide`)."""

    hits: list[Candidate]
    background: float
    mean: float
    std: float


def rank(
    film: Film,
    queries: list[Query],
    lexical: bool,
    top: int,
    evidence: Evidence | None = None,
    allowed: Sequence[np.ndarray] | None = None,
) -> list[Ranked]:
    """For each query, its :class:`Ranked` places in *film* (*top* of them at most).

    *allowed*, one boolean array over ``film.cues`` per query, keeps only the
    places whose cues are all allowed (the review-order pass, :mod:`subalign.quotes.order`).
    """
    results: list[Ranked] = []
    n = len(film.phrases)
    kmax = film.max_phrases
    penalty = [None] + [CUE_PENALTY * (film.owner[k - 1 :] - film.owner[: n - k + 1]) for k in range(1, kmax + 1)]
    chunk = 64  # queries per matrix product: bounds memory on long films
    for c0 in range(0, len(queries), chunk):
        part = queries[c0 : c0 + chunk]
        texts: list[str] = []
        rows: list[tuple[int, int]] = []  # (row of the whole text, row of its first unit)
        for q in part:
            rows.append((len(texts), len(texts) + 1))
            texts.append(q.text)
            if len(q.units) > 1:
                texts.extend(q.units)
        vecs = np.asarray(film.encoder.encode(texts), dtype=np.float32)
        sims = _similarities(vecs, texts, film, lexical, evidence)
        for qi, (q, (row, urow)) in enumerate(zip(part, rows)):
            unit_sims = None
            if len(q.units) > 1:
                unit_sims = [[None] + [sims[k][urow + u] for k in range(1, kmax + 1)] for u in range(len(q.units))]
                dp = _aligned_scores(unit_sims, q.weights, n, kmax)
            scores = []
            for k in range(1, kmax + 1):
                whole = sims[k][row]
                s = whole if unit_sims is None else 0.5 * (whole + dp[k])
                scores.append(np.where(whole > NEG / 2, s - penalty[k], NEG))
            if allowed is not None:
                scores = _restricted(film, scores, allowed[c0 + qi])
            results.append(_pick(film, q, scores, unit_sims, top))
    return results


def _restricted(film: Film, scores: list[np.ndarray], allowed: np.ndarray) -> list[np.ndarray]:
    """*scores* with every window that touches a cue not *allowed* set to -inf."""
    barred = np.concatenate([[0], np.cumsum(~np.asarray(allowed, dtype=bool))])
    n = len(film.phrases)
    out = []
    for k, s in enumerate(scores, 1):
        first, last = film.owner[: n - k + 1], film.owner[k - 1 :]
        out.append(np.where(barred[last + 1] - barred[first] == 0, s, NEG))
    return out


def _pick(film: Film, q: Query, scores: list[np.ndarray], unit_sims, top: int) -> Ranked:
    """Greedy non-overlapping best windows; the background is the mean of the BACKGROUND_K after the first."""
    flat = np.concatenate(scores)
    valid = flat[flat > NEG / 2]
    mean, std = (float(valid.mean()), float(valid.std())) if len(valid) else (0.0, 0.0)
    lengths = np.concatenate([np.full(len(s), k, dtype=np.int64) for k, s in enumerate(scores, 1)])
    starts = np.concatenate([np.arange(len(s), dtype=np.int64) for s in scores])
    want = max(top, BACKGROUND_K + 1)
    used = np.zeros(len(film.cues), dtype=bool)
    picked: list[tuple[float, int, int]] = []
    order_size = min(len(flat), 64 * want)
    while True:
        if order_size < len(flat):
            cand = np.argpartition(-flat, order_size)[:order_size]
            cand = cand[np.argsort(-flat[cand], kind="stable")]
        else:
            cand = np.argsort(-flat, kind="stable")
        picked.clear()
        used[:] = False
        for idx in cand:
            s = flat[idx]
            if s <= NEG / 2:
                break
            a, k = int(starts[idx]), int(lengths[idx])
            c0, c1 = int(film.owner[a]), int(film.owner[a + k - 1])
            if used[c0 : c1 + 1].any():
                continue
            used[c0 : c1 + 1] = True
            picked.append((float(s), a, k))
            if len(picked) >= want:
                break
        if len(picked) >= want or order_size >= len(flat):
            break
        order_size = min(len(flat), order_size * 4)
    if not picked:
        return Ranked([], 0.0, mean, std)
    others = [s for s, _, _ in picked[1 : BACKGROUND_K + 1]]
    # Never below the film's mean (0 after centring): a background can only raise the bar.
    background = max(0.0, float(np.mean(others))) if others else 0.0
    out: list[Candidate] = []
    for s, a, k in picked[:top]:
        c0, c1 = int(film.owner[a]), int(film.owner[a + k - 1])
        cues = tuple(film.cues[c0 : c1 + 1])
        alignment: tuple = ()
        if unit_sims is not None:
            runs = _unit_alignment(unit_sims, q.weights, a, k)
            per_cue: dict[int, list[str]] = {}
            for unit, run in zip(q.units, runs):
                if run is None:
                    continue
                for p in range(a + run[0], a + run[1]):
                    lst = per_cue.setdefault(film.cues[int(film.owner[p])].number, [])
                    if unit not in lst:
                        lst.append(unit)
            alignment = tuple((c.number, tuple(per_cue.get(c.number, ()))) for c in cues)
        out.append(
            Candidate(
                cues=cues,
                score=round(s - 0.5 * background, 4),
                similarity=round(s, 4),
                text=film.span_text(a, k),
                alignment=alignment,
            )
        )
    return Ranked(out, background, mean, std)


def use_lexical(lexical: bool | None, texts: Sequence[str], film: Film) -> bool:
    """Blend string similarity in? *lexical* if given, else when quotes and film share a script."""
    if lexical is not None:
        return lexical
    return script_of(" ".join(texts)) == film.lang


def as_film(cues_or_film, encoder, max_cues, max_gap_s, query_texts: Sequence[str]) -> Film:
    """*cues_or_film* as a prepared :class:`Film` (bilingual cues matched on the quotes' language).

    The film is matched on the cut cues but reports the cues of the file,
    ``plain`` included, so a match's cues are the caller's own cue objects.
    """
    if isinstance(cues_or_film, Film):
        return cues_or_film
    given = list(cues_or_film)
    cues = _cues_for_query(given, query_texts)
    film = prepare_film(cues, encoder, max_cues=max_cues, max_gap_s=max_gap_s)
    if cues is not given:
        original = {(c.position, c.number, c.start_ms, c.end_ms): c for c in given}
        film.cues = [original[(c.position, c.number, c.start_ms, c.end_ms)] for c in film.cues]
    return film


def _cues_for_query(cues: list[Cue], query_texts: Sequence[str]) -> list[Cue]:
    """Bilingual subtitles: match on the half written in the quotes' script.

    When at least a quarter of the cues carry both Chinese and English, the
    cues are cut down to the quotes' language (:func:`cues_for_language`), so
    an English review is matched against the English lines (same-language,
    with lexical matching) and a Chinese one against the Chinese lines.
    """
    if not cues or not query_texts:
        return cues
    sample = cues[:: max(1, len(cues) // 400)]
    both = sum(1 for c in sample if len(split_bilingual(c)) == 2)
    if both * 4 < len(sample):
        return cues
    lang = script_of(" ".join(query_texts))
    picked = cues_for_language(cues, lang)
    return picked or cues
