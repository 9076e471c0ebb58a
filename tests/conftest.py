"""Suite-wide settings: no network, and no writes outside pytest's temp dirs."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _isolated_environment(tmp_path_factory):
    """Embedding cache in a temp dir (shared by the session, so models encode once)."""
    saved = {k: os.environ.get(k) for k in ("SUBALIGN_CACHE_DIR", "HF_HUB_OFFLINE")}
    os.environ["SUBALIGN_CACHE_DIR"] = str(tmp_path_factory.mktemp("subalign-cache"))
    os.environ["HF_HUB_OFFLINE"] = "1"
    yield
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
