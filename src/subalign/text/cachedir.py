"""Where subalign keeps what it can rebuild: embeddings, the lexicon index.

One folder for every cache, so ``$SUBALIGN_CACHE_DIR`` (or a caller's ``cache_dir``) moves them all;
it sits in ``text/`` (the lowest layer that owns files) because both ``lexicon/`` and
``encoders/`` use it.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir"]


def cache_dir(path: str | os.PathLike | None = None) -> Path:
    """``path``, else ``$SUBALIGN_CACHE_DIR``, else ``$XDG_CACHE_HOME/subalign`` (``~/.cache/subalign``)."""
    if path is None:
        path = os.environ.get("SUBALIGN_CACHE_DIR")
    if not path:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        path = os.path.join(base, "subalign")
    return Path(path).expanduser()
