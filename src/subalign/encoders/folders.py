"""Reading a sentence-transformers model folder's files without loading it: its module list,
whether it needs third-party code, which builtin engine it runs, and a fingerprint for caches.
Shared by loading (:mod:`subalign.encoders.loading`) and ``models list`` (:mod:`subalign.encoders.build`).
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from subalign.encoders.base import BUILTIN_MODELS, BuiltinModel

__all__ = ["OWN_MODULES", "ST_MODULES", "engine_builtin", "folder_fingerprint", "foreign_module", "read_json", "read_modules_json"]

#: Module classes a model folder may reference without running third-party code.
OWN_MODULES = "subalign.encoders.modules."
ST_MODULES = "sentence_transformers."


def read_json(path: str) -> Any:
    """Parsed JSON file, or None when it is missing or not JSON."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def read_modules_json(folder: str) -> list[dict] | None:
    """The folder's ``modules.json`` (None when there is none); ValueError when it is malformed."""
    path = os.path.join(folder, "modules.json")
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        modules = json.load(f)
    if not isinstance(modules, list) or not all(isinstance(m, dict) and "type" in m for m in modules):
        raise ValueError("modules.json is not a list of modules")
    return modules


def foreign_module(modules: list[dict]) -> str | None:
    """First module class that is neither sentence-transformers' nor subalign's own."""
    for m in modules:
        if not str(m["type"]).startswith((ST_MODULES, OWN_MODULES)):
            return str(m["type"])
    return None


def engine_builtin(modules: list[dict] | None) -> BuiltinModel | None:
    """The builtin whose engine a folder's modules.json consists of (one subalign module), else None."""
    if not modules or len(modules) != 1:
        return None
    for builtin in BUILTIN_MODELS.values():
        if str(modules[0]["type"]) == OWN_MODULES + builtin.module_class:
            return builtin
    return None


def folder_fingerprint(folder: str) -> str:
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
