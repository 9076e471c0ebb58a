"""A line that says the opposite: "You will regret it." is not "You won't regret it."

Sentence embeddings barely see negation, so a quote the film never says can
land, with a high score, on the line that says its opposite.  When quote and
subtitles share a language the words settle it: the quote is negated by a
simple rule (:func:`negated`) and if the matched line is clearly closer, as a
string, to the negated quote than to the quote itself, the line says the
opposite and the quote is not found there (:func:`says_the_opposite`).

Only English quotes are negated (the rules are English auxiliaries); across
languages nothing is decided here: on the dev film a Chinese line's negation
markers (不, 没, 别 …) disagree with its English counterpart's in about one line
in ten, and an embedding test of the negated quote did not separate the
negated quotes from the said ones (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from subalign.quotes.units import lexical_key

# First rule that applies wins; each swaps one polarity marker.
_RULES = [
    (re.compile(p, re.IGNORECASE), r)
    for p, r in (
        (r"\bwon't\b", "will"),
        (r"\bcan't\b|\bcannot\b", "can"),
        (r"\b(do|does|did|is|are|was|were|should|would|could|have|has|had)n't\b", r"\1"),
        (r"\b(do|does|did|is|are|was|were|should|would|could|will|can) not\b", r"\1"),
        (r"\bnever\b", "always"),
        (r"\bnot\s+", ""),
        (r"\bwill\b", "won't"),
        (r"\bcan\b", "can't"),
        (r"\b(should|would|could|does|did|is|are|was|were)\b", r"\1n't"),
        (r"\b(I|you|we|they)'(re|m)\b", r"\1'\2 not"),
        (r"\b(it|that|he|she|there)'s\b", r"\1 isn't"),
    )
]
#: The matched line must be closer to the negated quote by this many points of
#: rapidfuzz ``ratio`` (0-100) on the normalised texts.
NEGATION_MARGIN = 5.0


def negated(text: str) -> str | None:
    """*text* with one polarity marker swapped (English), or None when no rule applies."""
    if not re.search(r"[A-Za-z]", text):
        return None
    for pattern, repl in _RULES:
        new, n = pattern.subn(repl, text, count=1)
        if n:
            return new
    return None


def says_the_opposite(quote: str, line: str) -> bool:
    """Is *line* (subtitle text) closer as a string to the negation of *quote* than to *quote*?"""
    neg = negated(quote)
    if neg is None:
        return False
    q, n, w = lexical_key(quote), lexical_key(neg), lexical_key(line)
    return fuzz.ratio(n, w) - fuzz.ratio(q, w) >= NEGATION_MARGIN
