"""A document's own word pairs, learned from a first alignment (as Hunalign bootstraps its dictionary).

A novel's translation renames its people (韦小宝 is "Trinket", 小玄子 "Misty") and
repeats them in every other sentence: no dictionary has those pairs, and they decide
exactly the boundaries sentence vectors get wrong ("said Trinket."). In a rough first
alignment (the aligner uses the coarse path its band is drawn around), a word pair that keeps landing in the same beads far more often than
chance is taken as a translation for this document: pairs are counted over the
beads, scored by Dice's coefficient, and linked competitively (best pair first, each
word in at most one pair). The pairs become extra keys of the prepared sentences,
so the second alignment's lexical term sees them like dictionary matches.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np

from subalign.aligner.lexical import LexicalSides
from subalign.lexicon import PreparedText
from subalign.lexicon.matching import LEARNED_PREFIX

__all__ = ["learn_pairs", "learned_sides", "with_pairs"]

Bead = tuple[int, int, int, int]


def _word(unit: str) -> str:
    """A unit as a learned pair's word: lower case, without a possessive ('s)."""
    word = unit.lower().replace("’", "'")
    return word[:-2] if word.endswith("'s") else word


def _types(p: PreparedText) -> set[str]:
    """The word types of a prepared sentence (numbers left out: they match by value already)."""
    number = {u for k, us in p.key_units.items()
              if isinstance(k, str) and not k.startswith(("=", LEARNED_PREFIX)) for u in us}
    return {_word(p.units[u]) for u in range(len(p.units)) if u not in number}


def learn_pairs(
    sides: LexicalSides, beads: list[Bead], min_count: int = 3, min_dice: float = 0.3
) -> list[tuple[str, str]]:
    """(English word, Chinese word) pairs that co-occur in ``beads`` at least ``min_count`` times
    with Dice >= ``min_dice``, linked one-to-one best first.

    Co-occurrences are counted as one int64 code per (word, word, bead) over the words
    seen in at least ``min_count`` beads, so memory stays a few bytes per pair even for
    a book.
    """
    en_side, zh_side = (sides.src, sides.tgt) if sides.src_is_en else (sides.tgt, sides.src)
    bead_types = []
    c_en: Counter = Counter()
    c_zh: Counter = Counter()
    for i0, i1, j0, j1 in beads:
        if i0 == i1 or j0 == j1:
            continue
        en_rng, zh_rng = (range(i0, i1), range(j0, j1)) if sides.src_is_en else (range(j0, j1), range(i0, i1))
        en_types = set().union(*(_types(en_side[k]) for k in en_rng))
        zh_types = set().union(*(_types(zh_side[k]) for k in zh_rng))
        c_en.update(en_types)
        c_zh.update(zh_types)
        bead_types.append((en_types, zh_types))
    en_words = sorted(w for w, c in c_en.items() if c >= min_count)
    zh_words = sorted(w for w, c in c_zh.items() if c >= min_count)
    if not en_words or not zh_words:
        return []
    en_id = {w: k for k, w in enumerate(en_words)}
    zh_id = {w: k for k, w in enumerate(zh_words)}
    nz = len(zh_words)
    codes = []
    for en_types, zh_types in bead_types:
        e = np.fromiter((en_id[w] for w in en_types if w in en_id), dtype=np.int64)
        z = np.fromiter((zh_id[w] for w in zh_types if w in zh_id), dtype=np.int64)
        if len(e) and len(z):
            codes.append((e[:, None] * nz + z[None, :]).ravel())
    if not codes:
        return []
    pair, count = np.unique(np.concatenate(codes), return_counts=True)
    keep = count >= min_count
    pair, count = pair[keep], count[keep]
    ce = np.array([c_en[w] for w in en_words], dtype=float)[pair // nz]
    cz = np.array([c_zh[w] for w in zh_words], dtype=float)[pair % nz]
    dice = 2 * count / (ce + cz)
    keep = dice >= min_dice
    scored = sorted(
        (-d, -c, en_words[p // nz], zh_words[p % nz]) for d, c, p in zip(dice[keep].tolist(), count[keep].tolist(), pair[keep].tolist())
    )
    used_en: set[str] = set()
    used_zh: set[str] = set()
    pairs = []
    for _, _, e, z in scored:
        if e not in used_en and z not in used_zh:
            used_en.add(e)
            used_zh.add(z)
            pairs.append((e, z))
    return pairs


def _with_keys(p: PreparedText, keys: dict[str, str]) -> PreparedText:
    extra = {}
    for u, unit in enumerate(p.units):
        key = keys.get(_word(unit))
        if key is not None:
            extra[key] = extra.get(key, ()) + (u,)
    if not extra:
        return p
    return replace(p, key_units={**p.key_units, **extra})


def with_pairs(sides: LexicalSides, pairs: list[tuple[str, str]]) -> LexicalSides:
    """``sides`` with each learned pair as one more key on both its words."""
    if not pairs:
        return sides
    en_keys = {e: f"{LEARNED_PREFIX}{k}" for k, (e, _) in enumerate(pairs)}
    zh_keys = {z: f"{LEARNED_PREFIX}{k}" for k, (_, z) in enumerate(pairs)}
    src_keys, tgt_keys = (en_keys, zh_keys) if sides.src_is_en else (zh_keys, en_keys)
    src = [_with_keys(p, src_keys) for p in sides.src]
    return replace(sides, src=src, tgt=[_with_keys(p, tgt_keys) for p in sides.tgt])


def learned_sides(sides: LexicalSides, beads: list[Bead]) -> LexicalSides:
    """``sides`` with the pairs learned from ``beads`` (kept for the same beads: refits reuse it)."""
    key = tuple(beads)
    last = sides.cache.get("learned")
    if last is None or last[0] != key:
        last = sides.cache["learned"] = (key, with_pairs(sides, learn_pairs(sides, beads)))
    return last[1]
