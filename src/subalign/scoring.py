"""Bead scores from window embeddings.

A bead (a source sentences, b target sentences) is scored by the cosine of the
embedding of its concatenated source window with that of its target window,
corrected for the neighbourhood (a margin: how much better this pairing is than
pairing with the adjacent sentences), weighted by how well the lengths match.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Windows:
    """Embeddings of every window of 1..k consecutive sentences of one side.

    ``emb[k][s]`` is the L2-normalised embedding of sentences ``s..s+k-1``
    (k is 1-based, so ``emb[0]`` is unused); ``lens`` are sentence lengths in
    characters, used for the length term.
    """

    emb: list[np.ndarray | None]
    lens: np.ndarray

    @property
    def n(self) -> int:
        return len(self.lens)


@dataclass
class ScoreParams:
    margin: bool = True
    length_weight: float = 1.0
    skip: float = -0.1
    bead_bonus: float = 0.0
    merge_penalty: float = 0.0
    # Weight of a Gale-Church style penalty on the squared log length ratio.
    log_ratio_weight: float = 0.0
    # Weight of Gale & Church's length cost: (lt - ls)^2 / (lt + ls), in target characters.
    gc_weight: float = 0.0
    # Bead scores scaled by ((a + b) / 2) ** size_power: larger beads carry more text.
    size_power: float = 0.0


class BeadScorer:
    """Callable for :func:`subalign.dp.band_dp`."""

    def __init__(self, src: Windows, tgt: Windows, params: ScoreParams):
        self.src, self.tgt, self.p = src, tgt, params
        total_s, total_t = float(src.lens.sum()), float(tgt.lens.sum())
        ratio = total_t / total_s if total_s > 0 else 1.0
        # Cumulative lengths, source scaled to the target's units.
        self.cs = np.concatenate([[0.0], np.cumsum(src.lens * ratio)])
        self.ct = np.concatenate([[0.0], np.cumsum(tgt.lens.astype(float))])
        e1s, e1t = src.emb[1], tgt.emb[1]
        d = e1s.shape[1]
        # Sentence embeddings padded with a zero row on each end, so the
        # neighbour of the first/last sentence has similarity 0.
        self.pad_s = np.vstack([np.zeros((1, d)), e1s, np.zeros((1, d))]).astype(np.float32)
        self.pad_t = np.vstack([np.zeros((1, d)), e1t, np.zeros((1, d))]).astype(np.float32)

    def __call__(self, i: int, a: int, b: int, js: np.ndarray) -> np.ndarray:
        if a == 0 or b == 0:
            return np.full(len(js), self.p.skip)
        sv = self.src.emb[a][i - a]
        tv = self.tgt.emb[b][js - b]
        sim = tv @ sv
        if self.p.margin:
            # Other side's sentences just outside each window (padded indices).
            n_t = self.tgt.n
            left_t, right_t = js - b, js + 1
            nb_t = self._neighbour_mean(self.pad_t[left_t] @ sv, self.pad_t[right_t] @ sv, js - b == 0, js == n_t)
            n_s = self.src.n
            ls, rs = i - a, i + 1
            s_left = self.pad_s[ls] @ tv.T
            s_right = self.pad_s[rs] @ tv.T
            nb_s = self._neighbour_mean(s_left, s_right, np.full(len(js), i - a == 0), np.full(len(js), i == n_s))
            sim = sim - (nb_t + nb_s) / 2
        if self.p.length_weight:
            ls_ = self.cs[i] - self.cs[i - a]
            lt = self.ct[js] - self.ct[js - b]
            r = np.minimum(ls_, lt) / np.maximum(np.maximum(ls_, lt), 1e-9)
            pen = np.log2(1 + r)
            sim = sim * pen ** self.p.length_weight
        if self.p.log_ratio_weight:
            ls_ = self.cs[i] - self.cs[i - a]
            lt = self.ct[js] - self.ct[js - b]
            sim = sim - self.p.log_ratio_weight * np.log((lt + 1.0) / (ls_ + 1.0)) ** 2
        if self.p.gc_weight:
            ls_ = self.cs[i] - self.cs[i - a]
            lt = self.ct[js] - self.ct[js - b]
            sim = sim - self.p.gc_weight * (lt - ls_) ** 2 / (lt + ls_ + 1.0)
        if self.p.size_power:
            sim = sim * ((a + b) / 2) ** self.p.size_power
        return sim + (self.p.bead_bonus - self.p.merge_penalty * (a + b - 2))

    @staticmethod
    def _neighbour_mean(left, right, no_left, no_right):
        both = ~(no_left | no_right)
        return np.where(both, (left + right) / 2, left + right)
