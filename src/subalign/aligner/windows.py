"""Embeddings of windows of 1..k consecutive sentences, the aligner's raw material.

How a window is embedded depends on the encoder:

- an encoder with a window composer (:func:`subalign.encoders.common.window_composer`,
  see :class:`subalign.encoders.WindowComposer`; USE-m3's composes per-sentence
  pooled sums, :mod:`subalign.encoders.compose`): composed from per-sentence rows, exact
  up to the n-gram context at the joins, for the price of the sentences.
- anything else: the concatenated text is encoded for windows of up to
  ``exact`` sentences; longer windows (rare 1-3+ beads) use the
  length-weighted mean of their sentence vectors, since these models mean-pool
  token states too.
- ensembles (:func:`subalign.encoders.common.ensemble_members`): each member's
  windows, concatenated with weight 1/sqrt(k), so dot products are the mean of
  the members' cosines.

Only the public :class:`subalign.encoders.Encoder` interface is used: no encoder
is recognised by its class.
"""

from __future__ import annotations

import math

import numpy as np

from subalign.aligner.scoring import Windows
from subalign.encoders.common import ensemble_members, window_composer
from subalign.types import Document


def normalise(x: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.maximum(norm, 1e-12)).astype(np.float32)


def mean_windows(emb: np.ndarray, weights: np.ndarray, kmax: int) -> list[np.ndarray | None]:
    """``out[k][s]``: normalised weighted sum of sentence vectors s..s+k-1.

    Shifted float32 sums rather than a float64 prefix sum: windows are short,
    and a book-length side would otherwise hold several N x d float64 arrays.
    """
    n, d = emb.shape
    weighted = (emb * np.asarray(weights, dtype=np.float32)[:, None]).astype(np.float32, copy=False)
    out: list[np.ndarray | None] = [None]
    for k in range(1, kmax + 1):
        if k > n:
            out.append(np.zeros((0, d), np.float32))
            continue
        acc = weighted[: n - k + 1].copy()
        for j in range(1, k):
            acc += weighted[j : n - k + 1 + j]
        out.append(normalise(acc))
    return out


def window_texts(doc: Document, k: int) -> list[str]:
    sep = "" if doc.lang in ("zh", "ja") else " "
    texts = doc.texts
    return [sep.join(texts[s : s + k]) for s in range(len(texts) - k + 1)]


def sentence_lengths(doc: Document) -> np.ndarray:
    return np.array([len(t) for t in doc.texts], dtype=float)


def embed_windows(doc: Document, encoder, kmax: int, exact: int = 2) -> Windows:
    """Windows 1..kmax of ``doc`` with ``encoder`` (see the module docstring)."""
    paras = np.array([s.anchor.paragraph for s in doc.sentences], dtype=np.int64)
    return Windows(_window_vectors(doc, encoder, kmax, exact), sentence_lengths(doc), paras)


def _window_vectors(doc: Document, encoder, kmax: int, exact: int) -> list[np.ndarray | None]:
    members = ensemble_members(encoder)
    if members:
        parts = [_window_vectors(doc, m, kmax, exact) for m in members]
        scale = 1.0 / math.sqrt(len(members))
        return [None] + [np.hstack([p[k] for p in parts]).astype(np.float32) * scale for k in range(1, kmax + 1)]
    composer = window_composer(encoder)
    if composer is not None:
        return compose_windows(composer, doc.texts, kmax)
    exact = max(1, min(exact, kmax))
    batches = [window_texts(doc, k) for k in range(1, exact + 1)]
    flat = [t for b in batches for t in b]
    vecs = encoder.encode(flat) if flat else np.zeros((0, encoder.dim), np.float32)
    out = mean_windows(vecs[: len(doc)], sentence_lengths(doc), kmax)
    start = 0
    for k, b in enumerate(batches, start=1):
        out[k] = np.asarray(vecs[start : start + len(b)], dtype=np.float32)
        start += len(b)
    return out


def compose_windows(composer, texts: list[str], kmax: int, chunk: int = 8192) -> list[np.ndarray | None]:
    """Windows of ``texts``, rows made in chunks so a book never holds all its rows at once."""
    n, d = len(texts), None
    out: list[np.ndarray | None] = [None]
    for c in range(0, max(n, 1), chunk):
        rows = np.asarray(composer.encode(texts[c : c + chunk + kmax - 1]), dtype=np.float32)
        part = composer.windows(rows, kmax)
        if d is None:
            d = part[1].shape[1]
            out += [np.zeros((max(n - k + 1, 0), d), np.float32) for k in range(1, kmax + 1)]
        for k in range(1, kmax + 1):
            take = min(chunk, n - k + 1 - c)  # windows starting at c .. c+take-1
            if take > 0:
                out[k][c : c + take] = part[k][:take]
    return out
