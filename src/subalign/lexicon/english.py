"""English words: tokens, function words, and (when the index is built) lemmas and inflections.

The lemmatiser is lemminflect, chosen over simplemma (both maintained, both installed) by
``benchmarks/lexicon_bench.py --lemmatisers``: on a hand list of 80 inflected words
lemminflect has the right lemma among its answers for 79 (simplemma 75: gone -> gan,
thieves -> thieve, worse -> wrong, thought, bigger), and it gives every reading (leaves ->
leaf and leave), which is what matching a dictionary wants. Above all only lemminflect
can *inflect*: the index stores every inflected form of every gloss lemma (union ->
unions, say -> said), so no lemmatiser loads or runs when text is prepared. simplemma is
faster per word (0.4 against 19 µs) and loads a little faster, which does not matter
here: lemmas are computed once, when the index is built.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["STOP", "TOKEN_RE", "CLITICS", "lemmas", "inflections", "spelling_variants"]

# Closed-class words (and the verbs that mostly serve them: be, have, do, modals). Not
# content: they carry no translation evidence and would swamp the coverage share. Hand
# written, because no dependency of ours ships an English stop list; the glossary keeps
# its own (it also stops common verbs, which here are evidence: said = 说).
STOP = frozenset(
    """
    a an the this that these those it its itself he him his himself she her hers herself they them
    their theirs themselves we us our ours ourselves i me my mine myself you your yours yourself
    yourselves one one's who whom whose which what whatever whoever whichever when whenever where
    wherever why how there here then than so as and or but nor if because while whilst though
    although unless whether either neither both each every all any some such no not none also just
    very too quite rather only even still yet ever again already much many more most less least own
    same other another about above across after against along among amongst around at before behind
    below beneath beside besides between beyond by down during except for from in inside into near
    of off on onto out outside over past per since through throughout till to toward towards under
    underneath until up upon with within without via am is are was were be been being has have had
    having do does did doing done will would shall should can could may might must ought oh ah eh
    yes yeah okay ok mr mrs ms dr s t d ll ve re m don didn doesn won isn wasn aren weren couldn
    wouldn shouldn haven hasn hadn can't cannot let us let's
    """.split()
)

# Words: letters (déjà) with inner apostrophes (don't, Liu's) and hyphens (Xiao-mei is one
# name word; small-minded is looked up whole, then by its parts).
TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*(?:-[^\W\d_]+)*")
# Clitics cut before look-up: answer's -> answer, you're -> you.
CLITICS = frozenset(["s", "re", "ll", "ve", "d", "m", "t"])


@lru_cache(maxsize=None)
def lemmas(word: str) -> tuple[str, ...]:
    """Lemmas of a lower-case word, every part of speech: leaves -> (leaf, leave); itself if unknown.

    A word that is its own lemma is only that (better stays better, not good and well):
    glosses are written in base forms, so a base form means itself.
    """
    import lemminflect  # lazy: loads its lookup tables (0.2 s); only the index build needs it

    found = {lemma for forms in lemminflect.getAllLemmas(word).values() for lemma in forms}
    if not found or word in found:
        return (word,)
    return tuple(sorted(found))


def inflections(lemma: str) -> set[str]:
    """Every inflected form of a lemma (all parts of speech), the lemma included: say -> said, says, saying."""
    import lemminflect  # lazy: loads its lookup tables (0.2 s); only the index build needs it

    out = {lemma}
    for forms in lemminflect.getAllInflections(lemma).values():
        out.update(f.lower() for f in forms)
    return out


# British spellings of American forms (CC-CEDICT writes American; translations are often British).
_VARIANT_RULES = [
    (re.compile(r"([^aeiou])or(s|ed|ing|ful|less|ite|ites|able|ably)?$"), r"\1our\2"),  # labor, favorite
    (re.compile(r"iz(e|es|ed|ing|ation|ations|er|ers)$"), r"is\1"),  # organize
    (re.compile(r"yz(e|es|ed|ing)$"), r"ys\1"),  # analyze
    (re.compile(r"(def|off|pret|lic)ense(s)?$"), r"\1ence\2"),  # defense
    (re.compile(r"([aeiou])l(ed|ing|er|ers)$"), r"\1ll\2"),  # traveled
    (re.compile(r"(catal|dial|anal|monol|prol)og(s)?$"), r"\1ogue\2"),
]
_VARIANT_WORDS = {
    "center": "centre", "centers": "centres", "theater": "theatre", "theaters": "theatres",
    "meter": "metre", "meters": "metres", "liter": "litre", "liters": "litres", "fiber": "fibre",
    "gray": "grey", "plow": "plough", "mold": "mould", "pajamas": "pyjamas", "aluminum": "aluminium",
    "mustache": "moustache", "jewelry": "jewellery", "somber": "sombre", "saber": "sabre",
    "specter": "spectre", "luster": "lustre",
}


def spelling_variants(form: str) -> set[str]:
    """British spellings an American form may be written in (labor -> labour); may be empty."""
    out = {rule.sub(repl, form) for rule, repl in _VARIANT_RULES if rule.search(form)}
    if form in _VARIANT_WORDS:
        out.add(_VARIANT_WORDS[form])
    out.discard(form)
    return out
