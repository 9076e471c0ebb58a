"""Bead scores from window embeddings and, for English/Chinese, lexical evidence.

A bead (a source sentences, b target sentences) is scored by the cosine of the
embedding of its concatenated source window with that of its target window,
corrected for the neighbourhood (a margin: how much better this pairing is than
pairing with the adjacent sentences), weighted by how well the lengths match;
for an English/Chinese pair, plus the content the bilingual lexicon matches
between the two sides and minus their difference in quotation marks
(:mod:`subalign.aligner.lexical`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from subalign.aligner.lexical import LexicalMass

# lexical(i, a, b, js) -> the beads' LexicalMass: matched and total content weight
# of each side (see subalign.aligner.lexical.BandLexical).
LexicalFn = Callable[[int, int, int, np.ndarray], LexicalMass]


@dataclass
class Windows:
    """Embeddings of every window of 1..k consecutive sentences of one side.

    ``emb[k][s]`` is the L2-normalised embedding of sentences ``s..s+k-1``
    (k is 1-based, so ``emb[0]`` is unused); ``lens`` are sentence lengths in
    characters, used for the length term.
    """

    emb: list[np.ndarray | None]
    lens: np.ndarray
    # Paragraph number of each sentence, when the text has paragraphs.
    paras: np.ndarray | None = None

    @property
    def n(self) -> int:
        return len(self.lens)


@dataclass
class ScoreParams:
    """Bead score = (cos - neighbour cos) * log2(1 + length ratio) - Gale-Church cost + bonus
    (- paragraph penalty; + lexical evidence - quote gap for English/Chinese).

    Defaults were chosen on MAC-Dev (benchmarks/RESULTS.md). ``bead_bonus`` is
    paid per non-empty bead: without it the sum of bead scores favours merging
    a gold 1-1 into a 2-2 whenever cosines are modest, as USE-m3's are.
    """

    margin: bool = True
    length_weight: float = 1.0
    # Gale & Church's length cost: (lt - ls)^2 / (lt + ls), in target characters.
    gc_weight: float = 0.002
    skip: float = -0.1
    bead_bonus: float = 0.1
    # Paragraph breaks as soft constraints: a bead whose sentences come from
    # two paragraphs on either side pays this.
    paragraph_penalty: float = 0.1
    # English/Chinese pairs only (subalign.aligner.lexical): plus ``lexical_weight``
    # x the content the lexicon matches between the two sides (IDF-weighted, in
    # sentences' worth: additive over sentences, so it moves boundaries rather than
    # favouring small or large beads), minus ``quote_penalty`` x the difference of
    # the two sides' net quotation marks. Both chosen by grid search on strict F1 on
    # all six MAC-Dev chapters (benchmarks/fit_lexical.py); every leave-one-chapter-out
    # fold chose the same weight, and the held-out F1 is 0.907 (RESULTS.md "Aligner +
    # lexicon"). Other language pairs never use them.
    lexical_weight: float = 0.3
    quote_penalty: float = 0.05


@dataclass(frozen=True)
class BeadTerms:
    """The parts of one bead's score, for whatever learns from them (e.g. link confidence).

    ``margin`` is the embedding term before length weighting (cosine minus the
    neighbours' mean); ``length`` the factor it is multiplied by; ``gc`` the
    Gale-Church cost subtracted (weighted); ``paragraph`` whether the bead
    crosses a paragraph break; ``lexical_src``/``lexical_tgt`` each side's
    lexicon coverage, the matched share of its content (NaN: no lexicon, or no
    content words on that side); ``lexical`` the matched content in sentences'
    worth and ``quote_gap`` the quote difference, the two values the score used
    (0 without a lexicon); ``score`` the bead's total score.
    Skips (1-0, 0-1) have only ``score``.
    """

    cosine: float = 0.0
    margin: float = 0.0
    length: float = 0.0
    gc: float = 0.0
    paragraph: bool = False
    lexical_src: float = float("nan")
    lexical_tgt: float = float("nan")
    lexical: float = 0.0
    quote_gap: float = 0.0
    score: float = 0.0


class BeadScorer:
    """Callable for :func:`subalign.aligner.dp.band_dp`."""

    def __init__(self, src: Windows, tgt: Windows, params: ScoreParams, lexical: LexicalFn | None = None):
        self.src, self.tgt, self.p, self.lexical = src, tgt, params, lexical
        total_s, total_t = float(src.lens.sum()), float(tgt.lens.sum())
        ratio = total_t / total_s if total_s > 0 else 1.0
        # Cumulative lengths, source scaled to the target's units.
        self.cs = np.concatenate([[0.0], np.cumsum(src.lens * ratio)])
        self.ct = np.concatenate([[0.0], np.cumsum(tgt.lens.astype(float))])
        e1s, e1t = src.emb[1], tgt.emb[1]
        # Mean cosine of a sample of sentence pairs: what "no relation" scores.
        k = min(256, len(e1s) * len(e1t))
        rng = np.random.default_rng(0)
        self.background = float(np.mean(np.einsum("ij,ij->i", e1s[rng.integers(0, len(e1s), k)], e1t[rng.integers(0, len(e1t), k)]))) if k else 0.0

    def __call__(self, i: int, a: int, b: int, js: np.ndarray) -> np.ndarray:
        if a == 0 or b == 0:
            return np.full(len(js), self.p.skip)
        return self._parts(i, a, b, js, detail=False)["score"]

    def terms(self, i0: int, i1: int, j0: int, j1: int) -> BeadTerms:
        """The score of the bead source [i0, i1) x target [j0, j1), term by term.

        With lexical evidence the bead must lie inside the band it was computed for
        (every bead of the DP's path does).
        """
        a, b = i1 - i0, j1 - j0
        if a == 0 or b == 0:
            return BeadTerms(score=self.p.skip)
        parts = self._parts(i1, a, b, np.array([j1]), detail=True)
        values = {k: np.broadcast_to(v, (1,))[0] for k, v in parts.items()}
        return BeadTerms(**{k: (bool(v) if k == "paragraph" else float(v)) for k, v in values.items()})

    def _parts(self, i: int, a: int, b: int, js: np.ndarray, detail: bool) -> dict[str, np.ndarray]:
        """The score of beads [i-a, i) x [j-b, j), j in ``js``; with ``detail``, every term too."""
        sv = self.src.emb[a][i - a]
        tv = self.tgt.emb[b][js - b]
        sim = cosine = tv @ sv
        if self.p.margin:
            # Mean cosine with the other side's sentences just outside each
            # window (read in place: a book-length side is not copied).
            e1s, e1t, n_s, n_t = self.src.emb[1], self.tgt.emb[1], self.src.n, self.tgt.n
            if i - a > 0 and i < n_s and js[0] - b > 0 and js[-1] < n_t:  # away from the edges
                t_before, t_after = e1t[js - b - 1] @ sv, e1t[js] @ sv
                s_before, s_after = e1s[i - a - 1] @ tv.T, e1s[i] @ tv.T
                sim = sim - (t_before + t_after + s_before + s_after) / 4
            else:
                zero = np.zeros(len(js))
                t_before = np.where(js - b > 0, e1t[np.maximum(js - b - 1, 0)] @ sv, 0.0)
                t_after = np.where(js < n_t, e1t[np.minimum(js, n_t - 1)] @ sv, 0.0)
                s_before = e1s[i - a - 1] @ tv.T if i - a > 0 else zero
                s_after = e1s[i] @ tv.T if i < n_s else zero
                nb_t = self._neighbour_mean(t_before, t_after, js - b == 0, js == n_t)
                first, last = np.full(len(js), i - a == 0), np.full(len(js), i == n_s)
                nb_s = self._neighbour_mean(s_before, s_after, first, last)
                sim = sim - (nb_t + nb_s) / 2
        margin = sim
        ls = self.cs[i] - self.cs[i - a]
        lt = self.ct[js] - self.ct[js - b]
        length = gc = 0.0
        if self.p.length_weight:
            ratio = np.minimum(ls, lt) / np.maximum(np.maximum(ls, lt), 1e-9)
            length = np.log2(1 + ratio) ** self.p.length_weight
            sim = sim * length
        if self.p.gc_weight:
            gc = self.p.gc_weight * (lt - ls) ** 2 / (lt + ls + 1.0)
            sim = sim - gc
        crosses = False
        if self.p.paragraph_penalty or detail:
            if self.src.paras is not None and a > 1:
                crosses = crosses | (self.src.paras[i - a] != self.src.paras[i - 1])
            if self.tgt.paras is not None and b > 1:
                crosses = crosses | (self.tgt.paras[js - b] != self.tgt.paras[js - 1])
            sim = sim - self.p.paragraph_penalty * crosses
        lex_s = lex_t = np.nan
        lex = gap = 0.0
        if self.lexical is not None:
            mass = self.lexical(i, a, b, js)
            lex, gap = mass.matched(), mass.quote_gap
            sim = sim + self.p.lexical_weight * lex - self.p.quote_penalty * gap
            if detail:
                lex_s, lex_t = mass.coverage()
        parts = {"score": sim + self.p.bead_bonus}
        if detail:
            parts.update({
                "cosine": cosine, "margin": margin, "length": length, "gc": gc, "paragraph": crosses,
                "lexical_src": lex_s, "lexical_tgt": lex_t, "lexical": lex, "quote_gap": gap,
            })
        return parts

    def _neighbour_mean(self, left, right, no_left, no_right):
        """Mean over the neighbours that exist; the document's background
        cosine where there are none (a bead spanning a whole side would
        otherwise get no margin at all and swallow short texts)."""
        both = ~(no_left | no_right)
        one = np.where(both, (left + right) / 2, left + right)
        return np.where(no_left & no_right, self.background, one)

