"""Lexical evidence for short quotes across languages: which of the quote's words a window translates.

A short line ("lack unity", "Paula Fox. Nice.") gives a sentence embedding
little to hold on to, and its best places are often near ties.  A bilingual
lexicon (:mod:`subalign.lexicon`: CC-CEDICT both ways, inflections, numbers,
pinyin names) says which of its content words a candidate window translates.
For a quote or phrase of at most :data:`MAX_CONTENT_WORDS` content words,
the evidence of a window is the IDF-weighted share of those words that some
phrase of the window matches; it enters the similarity through the
:data:`subalign.quotes.scoring.Evidence` hook (``EVIDENCE_WEIGHT · (e -
mean)``).  Longer quotes, quotes in the film's own language and texts with
no content word get no evidence (a constant row, which the centring cancels).

The film's phrases are prepared once per film (``Film.derived``); a quote is
then compared with each phrase by key sets, and a window's share is the union
of its phrases' matched words.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from subalign.quotes.film import Film
from subalign.quotes.units import script_of

__all__ = ["MAX_CONTENT_WORDS", "lexicon_evidence"]

#: Quotes and phrases up to this many content words (numbers, names included) get lexical evidence.
#: On the dev episode (benchmarks/RESULTS.md, in-sample) up to 2 found one more quote per review
#: (three reviews) and no more absent ones; up to 4 found more but also 3 of 36 absent quotes.
MAX_CONTENT_WORDS = 2
_KEY = "lexicon.phrases"


def _prepared_phrases(film: Film, lex) -> list:
    """The film's phrases prepared by the lexicon in the film's language (computed once per film)."""
    got = film.derived.get(_KEY)
    if got is None:
        got = film.derived[_KEY] = [lex.prepare(p, film.lang) for p in film.phrases]
    return got


def _unit_hits(query, phrases: list, lex, query_is_en: bool) -> np.ndarray:
    """Per phrase, a bit mask of the query's units it matches (bit i: ``query.units[i]``)."""
    index = {u: i for i, u in enumerate(query.units)}
    masks = np.zeros(len(phrases), dtype=np.int64)
    for p, ph in enumerate(phrases):
        if not (query.keys & ph.keys) and not (query_is_en and query.names) and not ph.names:
            continue
        ev = lex.evidence(query, ph) if query_is_en else lex.evidence(ph, query)
        bits = 0
        for m in ev.matches:
            i = index.get(m.en if query_is_en else m.zh)
            if i is not None:
                bits |= 1 << i
        masks[p] = bits
    return masks


def lexicon_evidence(texts: Sequence[str], film: Film) -> np.ndarray:
    """:data:`~subalign.quotes.scoring.Evidence` from :mod:`subalign.lexicon` (see the module doc)."""
    out = np.zeros((len(texts), len(film.win_start)), dtype=np.float64)
    if film.lang not in ("en", "zh"):
        return out
    from subalign import lexicon  # lazy: the lexicon's tables and jieba load on first use

    lex = lexicon.load()
    query_is_en = film.lang == "zh"
    phrases = None
    for row, text in enumerate(texts):
        if script_of(text) == film.lang:
            continue
        query = lex.prepare(text, "en" if query_is_en else "zh")
        if not 1 <= len(query) <= MAX_CONTENT_WORDS or not query.total:
            continue
        if phrases is None:
            phrases = _prepared_phrases(film, lex)
        masks = _unit_hits(query, phrases, lex, query_is_en)
        if not masks.any():
            continue
        weights = np.array(query.weights, dtype=np.float64) / query.total
        share = np.array([sum(w for i, w in enumerate(weights) if m >> i & 1) for m in range(1 << len(weights))])
        for k in range(1, film.max_phrases + 1):
            sl = film.slices[k]
            starts = film.win_start[sl]
            mask = np.zeros(len(starts), dtype=np.int64)
            for j in range(k):
                mask |= masks[starts + j]
            out[row, sl] = share[mask]
    return out
