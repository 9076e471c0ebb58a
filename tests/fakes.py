"""Stand-in encoders shared by the tests."""

from __future__ import annotations

import zlib

import numpy as np


class RecordingEncoder:
    """A stand-in encoder that records every text it is asked to embed.

    Vectors are hashed character bigrams, so similar texts are similar; the
    tests that use it only look at what reached the encoder.
    """

    dim = 64

    def __init__(self):
        self.texts: list[str] = []

    def encode(self, texts, batch_size: int = 64, show_progress: bool = False):
        texts = list(texts)
        self.texts += texts
        out = np.full((len(texts), self.dim), 1e-3, dtype=np.float32)
        for i, t in enumerate(texts):
            for a, b in zip(t, t[1:]):
                out[i, zlib.crc32((a + b).encode()) % self.dim] += 1.0
        return out / np.linalg.norm(out, axis=1, keepdims=True)
