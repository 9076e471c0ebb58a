"""Word-level evidence for beads: what the bilingual lexicon matches, and the quotes both sides open.

Sentence vectors are weak where alignments usually go wrong: a short attribution
("said Grannie Liu.") given to the neighbouring sentence, or a name or a number that
decides a boundary. The lexicon (:mod:`subalign.lexicon`: CC-CEDICT both ways, names,
numbers, plus the document's own learned pairs, :mod:`subalign.aligner.doclex`) sees
those. For a bead (source sentences ``i0..i1``, target ``j0..j1``) the evidence is the
IDF-weighted content of each side that the other side matches, as
:func:`subalign.lexicon.coverage` finds it, and the difference of the two sides' net
quotation marks (:mod:`subalign.aligner.quotemarks`).

Cost stays linear: every sentence is prepared once (:class:`LexicalSides`), and only
the sentence pairs that some bead inside the DP's band can join are compared
(:class:`BandLexical`). A bead's matches are then the union of its sentence pairs'
matched words, read from cumulative counts, so the DP pays a few array operations per
row and bead type. One difference from preparing the concatenation: a word that occurs
in two sentences of a window counts twice (once per sentence), as in the text.

Used only when one side is English and the other Chinese (either direction).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from subalign.aligner.quotemarks import quote_delta
from subalign.lexicon import LexiconIndex, PreparedText, load
from subalign.lexicon.matching import hits
from subalign.types import Document

__all__ = ["LexicalSides", "LexicalMass", "BandLexical", "lexical_sides", "uses_lexicon"]


def _primary(lang: str) -> str:
    return lang.lower().replace("_", "-").split("-")[0]


def uses_lexicon(src_lang: str, tgt_lang: str) -> bool:
    """True for an English/Chinese pair (either direction), the only pair the lexicon covers."""
    return {_primary(src_lang), _primary(tgt_lang)} == {"en", "zh"}


@dataclass
class LexicalSides:
    """Every sentence of both sides prepared once; ``src_is_en`` says which side is English.

    ``src_quotes``/``tgt_quotes``: each sentence's quotes opened minus closed.
    """

    src: list[PreparedText]
    tgt: list[PreparedText]
    src_is_en: bool
    src_quotes: np.ndarray
    tgt_quotes: np.ndarray
    # Derived values kept for reuse (the last band's evidence, learned pairs): when
    # fitting weights, the same pair is aligned again and again.
    cache: dict = field(init=False, default_factory=dict, repr=False, compare=False)

    def pair_hits(self, s: int, t: int) -> tuple[set[int], set[int]]:
        """Matched units of source sentence ``s`` and of target sentence ``t``."""
        if self.src_is_en:
            return hits(self.src[s], self.tgt[t])
        zh_hit, en_hit = hits(self.tgt[t], self.src[s])[::-1]
        return zh_hit, en_hit

    def in_band(self, lo: np.ndarray, hi: np.ndarray, max_a: int, max_b: int) -> BandLexical:
        """The evidence of every bead of at most ``max_a``-``max_b`` sentences inside the band.

        The last band's is kept: aligning the same pair again (other score weights, as
        when fitting them) does not compare the sentence pairs again.
        """
        key = (np.asarray(lo).tobytes(), np.asarray(hi).tobytes(), max_a, max_b)
        last = self.cache.get("band")
        if last is None or last[0] != key:
            last = self.cache["band"] = (key, BandLexical(self, lo, hi, max_a, max_b))
        return last[1]


def lexical_sides(src: Document, tgt: Document, lexicon: LexiconIndex | None = None) -> LexicalSides | None:
    """Both documents' sentences prepared by the lexicon, or None unless the pair is English/Chinese."""
    if not uses_lexicon(src.lang, tgt.lang):
        return None
    lex = lexicon or load()
    return LexicalSides(
        [lex.prepare(t, src.lang) for t in src.texts],
        [lex.prepare(t, tgt.lang) for t in tgt.texts],
        _primary(src.lang) == "en",
        np.array([quote_delta(t) for t in src.texts], dtype=np.int64),
        np.array([quote_delta(t) for t in tgt.texts], dtype=np.int64),
    )


@dataclass(frozen=True)
class LexicalMass:
    """Matched and total content weight (IDF) of each side of some beads (arrays over the beads),
    and the difference of their net quotation marks.

    ``src_unit``/``tgt_unit``: the mean content weight of one sentence of that side, the
    scale that makes a mass comparable across documents.
    """

    src_hit: np.ndarray
    src_total: np.ndarray
    tgt_hit: np.ndarray
    tgt_total: np.ndarray
    src_unit: float
    tgt_unit: float
    quote_gap: np.ndarray

    def coverage(self) -> tuple[np.ndarray, np.ndarray]:
        """Each side's matched share, NaN for a side without content words."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return (
                np.where(self.src_total > 0, self.src_hit / self.src_total, np.nan),
                np.where(self.tgt_total > 0, self.tgt_hit / self.tgt_total, np.nan),
            )

    def matched(self) -> np.ndarray:
        """Matched content in sentences' worth: the mean over the two sides of matched weight / unit."""
        return (self.src_hit / self.src_unit + self.tgt_hit / self.tgt_unit) / 2


def _offsets(sides: list[PreparedText]) -> tuple[np.ndarray, np.ndarray]:
    """Start of each sentence's units in one flat array, and the cumulative weights of that array."""
    counts = np.array([len(p.weights) for p in sides], dtype=np.int64)
    off = np.concatenate([[0], np.cumsum(counts)])
    flat = np.fromiter((w for p in sides for w in p.weights), dtype=float, count=int(off[-1]))
    return off, np.concatenate([[0.0], np.cumsum(flat)])


class BandLexical:
    """The evidence of the beads inside one band: ``self(i, a, b, js)`` as the DP asks for scores.

    Source side: for each source sentence ``s``, a matrix of cumulative hit counts (its
    units × the target sentences it can meet), so "unit u is matched by some target
    sentence of the window" is one subtraction. Target side: for each row, the target
    units matched by the source window, summed by cumulative weights.
    """

    def __init__(self, sides: LexicalSides, lo: np.ndarray, hi: np.ndarray, max_a: int, max_b: int):
        n, m = len(sides.src), len(sides.tgt)
        self.n, self.m, self.max_b = n, m, max_b
        self.lo, self.hi = np.asarray(lo), np.asarray(hi)
        self.src_off, self.src_cum = _offsets(sides.src)
        self.tgt_off, self.tgt_cum = _offsets(sides.tgt)
        self.src_w = [np.asarray(p.weights, dtype=float) for p in sides.src]
        self.tgt_w = np.diff(self.tgt_cum)
        self.src_unit = max(float(self.src_cum[-1]) / max(n, 1), 1e-9)
        self.tgt_unit = max(float(self.tgt_cum[-1]) / max(m, 1), 1e-9)
        self.src_q = np.concatenate([[0], np.cumsum(sides.src_quotes)])
        self.tgt_q = np.concatenate([[0], np.cumsum(sides.tgt_quotes)])
        # Target sentences source sentence s can share a bead with: [t_lo[s], t_hi[s]).
        self.t_lo = np.zeros(n, dtype=np.int64)
        self.counts: list[np.ndarray] = []  # per s: units x (span + 1) cumulative hit counts
        self.tgt_hit: list[np.ndarray] = []  # per s: flat ids of the target units it matches
        for s in range(n):
            t0 = max(int(self.lo[s + 1]) - max_b, 0)
            t1 = min(int(self.hi[min(s + max_a, n)]), m)
            self.t_lo[s] = t0
            hit = np.zeros((len(self.src_w[s]), max(t1 - t0, 0) + 1), dtype=np.int32)
            ids: set[int] = set()
            for t in range(t0, t1):
                sh, th = sides.pair_hits(s, t)
                if sh:
                    hit[list(sh), t - t0 + 1] = 1
                if th:
                    base = int(self.tgt_off[t])
                    ids.update(base + u for u in th)
            self.counts.append(np.cumsum(hit, axis=1, dtype=np.int32))
            self.tgt_hit.append(np.array(sorted(ids), dtype=np.int64))
        self._row: tuple[int, int] | None = None
        self._row_cum = np.zeros(1)
        self._row_base = 0

    def _tgt_cum(self, i: int, a: int) -> np.ndarray:
        """Cumulative weight of the target units matched by source sentences [i-a, i), over the row's columns."""
        if self._row != (i, a):
            start = int(self.tgt_off[max(int(self.lo[i]) - self.max_b, 0)])
            end = int(self.tgt_off[min(int(self.hi[i]), self.m)])
            mask = np.zeros(end - start, dtype=bool)
            for s in range(i - a, i):
                ids = self.tgt_hit[s]
                mask[ids[(ids >= start) & (ids < end)] - start] = True
            self._row, self._row_base = (i, a), start
            self._row_cum = np.concatenate([[0.0], np.cumsum(self.tgt_w[start:end] * mask)])
        return self._row_cum

    def __call__(self, i: int, a: int, b: int, js: np.ndarray) -> LexicalMass:
        """The evidence of the beads [i-a, i) x [j-b, j) for each j in ``js``.

        ``js`` are consecutive columns of row ``i`` of the band (as the DP asks), so
        every index below stays inside the tables built for the band.
        """
        j0, k = int(js[0]), len(js)
        covered = np.zeros(k)
        for s in range(i - a, i):
            c, t0 = self.counts[s], int(self.t_lo[s])
            hit = c[:, j0 - t0 : j0 - t0 + k] - c[:, j0 - b - t0 : j0 - b - t0 + k]
            covered += self.src_w[s] @ (hit > 0)
        src_total = np.full(k, self.src_cum[self.src_off[i]] - self.src_cum[self.src_off[i - a]])
        cum = self._tgt_cum(i, a)
        ends, starts = self.tgt_off[j0 : j0 + k], self.tgt_off[j0 - b : j0 - b + k]
        tgt_hit = cum[ends - self._row_base] - cum[starts - self._row_base]
        tgt_total = self.tgt_cum[ends] - self.tgt_cum[starts]
        gap = np.abs((self.src_q[i] - self.src_q[i - a]) - (self.tgt_q[j0 : j0 + k] - self.tgt_q[j0 - b : j0 - b + k]))
        return LexicalMass(covered, src_total, tgt_hit, tgt_total, self.src_unit, self.tgt_unit, gap)
