"""Sentence encoders: turn a model spec into something that embeds text offline.

A spec is a builtin name (``use-m3``, ``e5-small``), an ensemble ``a+b``, a
local sentence-transformers model folder, or a Hugging Face model id that is
already in the local cache.

The builtins are not torch models, so they run directly
(:mod:`subalign.encoders.engines`: numpy, a C library), and so does a folder
written by :func:`build_model`; importing torch and sentence-transformers would
cost more than a short command's work. Every other model runs through
sentence-transformers, which loads only then. A built folder also loads in
``SentenceTransformer(folder)`` and gives the same vectors.

Every encoder here embeds :func:`subalign.text.cjk.simplified_view` of each text,
not the text as written: the models learned mostly Simplified Chinese, and a
Traditional sentence and its Simplified form must match alike. The view is
taken once, by the outermost encoder, so the embedding cache keys on it too.

Importing this package stays cheap (no numpy, torch, sentence-transformers or
engine imports) because the CLI imports it for ``--help``; the heavy imports
happen inside :func:`load_encoder` and :func:`build_model`.
"""

from __future__ import annotations

from typing import Any

from subalign.encoders.base import (
    BUILTIN_MODELS,
    BuiltinModel,
    EngineEncoder,
    EnsembleEncoder,
    PooledComposer,
    SentenceTransformerEncoder,
    WindowComposer,
)
from subalign.encoders.build import build_model, models_status
from subalign.encoders.common import DEFAULT_MODEL, Encoder, embedding_views, encode_views
from subalign.encoders.loading import load_encoder

__all__ = [
    "BUILTIN_MODELS",
    "DEFAULT_MODEL",
    "BuiltinModel",
    "Encoder",
    "WindowComposer",
    "EngineEncoder",
    "SentenceTransformerEncoder",
    "EnsembleEncoder",
    "CachedEncoder",
    "load_encoder",
    "models_status",
    "build_model",
    "embedding_views",
]


def __getattr__(name: str) -> Any:  # lazy export: the cache module imports numpy
    if name == "CachedEncoder":
        from subalign.encoders.cache import CachedEncoder  # lazy: numpy; this package loads for --help

        return CachedEncoder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
