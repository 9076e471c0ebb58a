"""What the pairing takes and gives: its options and a glossary row.

Kept apart from :mod:`subalign.glossary.pairing` so the QA check and the file formats
can use a row without loading the pairing and its evidence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from subalign.errors import SubalignError
from subalign.types import Anchor, TermPair


@dataclass
class GlossaryOptions:
    """Knobs of the pairing; defaults tuned on samples/ (see benchmarks/RESULTS.md, glossary)."""

    min_score: float = 0.5
    sim_floor: float = 0.3  # cosine at or below which embedding evidence counts zero
    sim_ceil: float = 0.8  # cosine at or above which it counts fully
    # A link longer than this (characters, either side), or with more candidate pairs, is
    # too coarse to be evidence that two terms translate each other (a one-sentence-per-line
    # file of whole paragraphs, a run of noise); skipping it keeps the per-link pairing,
    # quadratic in the link's candidates, bounded. Sentences are cut at 400 / 200
    # characters, so an ordinary bead of up to 8 sentences always fits.
    max_link_chars: int = 4000
    max_pairs_per_link: int = 20000

    def __post_init__(self) -> None:
        for name in ("min_score", "sim_floor", "sim_ceil"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and 0.0 <= v <= 1.0):
                raise SubalignError(f"glossary option {name} must be a number from 0 to 1, got {v!r}")
        if self.sim_ceil <= self.sim_floor:
            raise SubalignError(f"glossary option sim_ceil ({self.sim_ceil}) must exceed sim_floor ({self.sim_floor})")
        for name in ("max_link_chars", "max_pairs_per_link"):
            v = getattr(self, name)
            if not (isinstance(v, int) and v > 0):
                raise SubalignError(f"glossary option {name} must be a positive integer, got {v!r}")


@dataclass
class GlossaryEntry:
    """A glossary row: the :class:`TermPair` plus what the outputs show (contexts, both sides' anchors)."""

    en: str
    zh: str
    type: str
    score: float
    count: int
    anchors: tuple[Anchor, ...] = ()
    zh_anchors: tuple[Anchor, ...] = ()
    evidence: tuple[str, ...] = ()
    context_en: str = ""
    context_zh: str = ""
    zh_hant: str = ""
    pinyin: str = ""

    def pair(self) -> TermPair:
        return TermPair(
            self.en,
            self.zh,
            self.type,
            self.score,
            self.count,
            self.anchors,
            self.evidence,
        )
