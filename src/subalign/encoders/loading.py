"""Loading an encoder from a name: a builtin model, an ensemble ``a+b``, a model folder or a cached
Hugging Face hub name (offline unless a download is allowed), with the embedding cache.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from subalign.encoders.base import (
    BUILTIN_MODELS,
    BuiltinModel,
    EngineEncoder,
    EnsembleEncoder,
    SentenceTransformerEncoder,
)
from subalign.encoders.common import CONFIG_FILE, DEFAULT_MODEL, Encoder
from subalign.encoders.folders import OWN_MODULES, engine_builtin, folder_fingerprint, foreign_module, read_json, read_modules_json
from subalign.errors import SubalignError

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*(/[\w.\-]+)?$")


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

    >>> encoder = load_encoder("use-m3")
    >>> vectors = encoder.encode(["Workers went on strike.", "工人罢工了。"])
    >>> vectors.shape, vectors.dtype.name, encoder.dim
    ((2, 512), 'float32', 512)
    >>> bool(vectors[0] @ vectors[1] > 0.5)  # unit rows: the dot product is the cosine
    True
    >>> load_encoder("./no/such/model")
    Traceback (most recent call last):
    ...
    subalign.errors.SubalignError: model folder './no/such/model' does not exist
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
    from subalign.encoders.cache import CachedEncoder, default_cache_path  # lazy: numpy; this package loads for --help

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
        import huggingface_hub.constants as hub_constants  # lazy: comes with sentence-transformers (torch); only its models need it
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
        from transformers.utils import logging as hf_logging  # lazy: comes with sentence-transformers (torch)
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


def _load_st_model(spec: str, folder: str, *, offline: bool = True, hint: str = "") -> tuple[Any, list[dict] | None]:
    """SentenceTransformer from a local folder; every failure becomes a one-line SubalignError."""
    try:
        modules = read_modules_json(folder)
    except (OSError, ValueError) as exc:
        raise SubalignError(f"model folder '{spec}' has an unreadable modules.json: {exc}") from None
    if modules is None and not os.path.isfile(os.path.join(folder, "config.json")):
        raise SubalignError(
            f"'{spec}' is a folder but not a sentence-transformers model (no modules.json or config.json in {folder})"
        )
    foreign = modules and foreign_module(modules)
    if foreign:
        raise SubalignError(
            f"model '{spec}' needs custom code ({foreign}); subalign only runs sentence-transformers' "
            "own modules and its builtin engines"
        )
    # Our own module classes live outside ST's namespace, which ST >= 6 gates
    # behind trust_remote_code even for local folders. The dotted class path
    # can only resolve to the installed subalign package, never to code in the folder.
    trust = bool(modules) and any(str(m["type"]).startswith(OWN_MODULES) for m in modules)
    from sentence_transformers import SentenceTransformer  # lazy: sentence-transformers imports torch (~5 s)

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
    from subalign.encoders.engines import ENGINES  # lazy: numpy; this package loads for --help

    try:
        modules = read_modules_json(folder)
    except (OSError, ValueError):
        return None  # the sentence-transformers path reports it
    builtin = engine_builtin(modules)
    st_config = read_json(os.path.join(folder, "config_sentence_transformers.json"))
    if builtin is None or (isinstance(st_config, dict) and st_config.get("default_prompt_name")):
        return None
    reason = builtin.missing_reason()
    if reason:
        raise SubalignError(f"model '{spec}' runs builtin '{builtin.name}', which is not usable: {reason}")
    cls = ENGINES[builtin.engine_class]
    config_path = os.path.join(folder, str(modules[0].get("path") or ""), CONFIG_FILE)
    config = read_json(config_path) if os.path.exists(config_path) else {}
    if not isinstance(config, dict):
        raise SubalignError(f"model folder '{spec}' has an unreadable {CONFIG_FILE}")
    try:
        return cls(**{k: v for k, v in config.items() if k in cls.config_keys})
    except (TypeError, ValueError) as exc:
        raise SubalignError(f"model folder '{spec}' has a bad {CONFIG_FILE}: {exc}") from None


def _min_batch_size(model: Any) -> int:
    return max([getattr(m, "min_batch_size", 1) for m in model.children()] or [1])


def _load_folder(spec: str, path: str) -> Encoder:
    if not os.path.isdir(path):
        raise SubalignError(f"model '{spec}' is a file; pass a sentence-transformers model folder")
    folder = os.path.realpath(path)
    engine = _folder_engine(spec, folder)
    if engine is not None:
        return EngineEncoder(spec, f"folder:{folder}#{folder_fingerprint(folder)}+{engine.engine_id}", engine)
    model, _ = _load_st_model(spec, folder)
    engines = sorted(m.engine_id for m in model.children() if hasattr(m, "engine_id"))
    ident = f"folder:{folder}#{folder_fingerprint(folder)}" + "".join(f"+{e}" for e in engines)
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
        from huggingface_hub.constants import HF_HUB_CACHE  # lazy: comes with sentence-transformers (torch)
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
    from sentence_transformers import SentenceTransformer  # lazy: sentence-transformers imports torch (~5 s)

    repo = repos[0]
    try:
        model = SentenceTransformer(repo)
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SubalignError(f"could not download or load model '{repo}': {first}") from None
    snapshot = _hub_snapshot(repo)
    ident = f"hf:{repo}@{os.path.basename(snapshot) if snapshot else 'unknown'}"
    return SentenceTransformerEncoder(spec, ident, model, min_batch_size=_min_batch_size(model))
