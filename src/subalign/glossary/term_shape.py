"""Is an English word run shaped like a term? Part-of-speech readings from lemminflect.

English has no POS tagger among our dependencies, but lemminflect (already used to build
the lexicon) knows every reading of a word out of context: calculate is only a verb,
otherwise only an adverb, line a noun or a verb. A term is a head-final noun phrase, so a
run whose last word cannot be a noun was cut out of a clause.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["noun_head", "term_shaped"]


@lru_cache(maxsize=65536)
def _readings(word: str) -> dict:
    import lemminflect  # lazy: loads its tables (0.2 s); only English term extraction asks

    return lemminflect.getAllLemmas(word.lower().rstrip("'’"))


def noun_head(word: str) -> bool:
    """Can the word end a noun phrase? A noun reading (lemminflect), a gerund, or a word it does not know."""
    if word.lower().endswith("ing"):
        return True
    lemmas = _readings(word)
    return not lemmas or "NOUN" in lemmas or "PROPN" in lemmas


def term_shaped(words: list[str]) -> bool:
    """A head-final noun phrase: "workers calculate", "camera linger", "somehow worse" and
    "weeks collecting" (a plural noun before an -ing word) are clauses cut out of a sentence."""
    if not noun_head(words[-1]):
        return False
    if len(words) > 1 and words[-1].lower().endswith("ing"):
        plural = _readings(words[-2]).get("NOUN", ())
        return not plural or words[-2].lower() in plural
    return True
