"""On-disk embedding cache, so re-aligning a text never re-embeds its sentences.

One SQLite file (stdlib ``sqlite3``) holds every encoder's vectors, keyed by the
encoder's stable ``id`` and the SHA-1 of the text's view (what is embedded, see
:func:`subalign.encoders.embedding_views`), so a sentence in Traditional and in
Simplified script share one entry. WAL mode and a busy timeout
let several subalign processes share it. The cache is an optimisation only: if
the file is corrupt, locked for too long or unwritable, a warning goes to stderr
and encoding carries on without it.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from subalign.encoders.common import embedding_views, encode_views, window_composer
from subalign.text.cachedir import cache_dir as resolve_cache_dir

__all__ = ["CachedEncoder", "default_cache_path", "CACHE_FILE"]

CACHE_FILE = "embeddings.sqlite3"
# SQLite builds before 3.32 allow at most 999 bound variables per statement.
_CHUNK = 900
_BUSY_TIMEOUT_S = 30.0


def _transient(exc: sqlite3.Error) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED (primary codes 5, 6), by code where Python gives it."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (5, 6)
    return "locked" in str(exc) or "busy" in str(exc)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS encoders (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    dim  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS vectors (
    encoder INTEGER NOT NULL,
    hash    BLOB NOT NULL,
    vec     BLOB NOT NULL,
    PRIMARY KEY (encoder, hash)
) WITHOUT ROWID;
"""


def default_cache_path(cache_dir: str | os.PathLike | None = None) -> Path:
    """``cache_dir``, else ``$SUBALIGN_CACHE_DIR``, else ``$XDG_CACHE_HOME/subalign`` (``~/.cache/subalign``)."""
    return resolve_cache_dir(cache_dir) / CACHE_FILE


def text_key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()


class CachedEncoder:
    """Wraps any Encoder; only texts never seen with this encoder reach it.

    Same ``name``/``id``/``dim``/``encode`` interface as the wrapped encoder,
    and its window composer too, with its rows cached alike.
    """

    def __init__(self, encoder, path: str | os.PathLike) -> None:
        self.encoder = encoder
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._encoder_row: int | None = None
        self._disabled = False
        self._lock = threading.Lock()  # one connection, usable from any thread

    @property
    def name(self) -> str:
        return self.encoder.name

    @property
    def id(self) -> str:
        return self.encoder.id

    @property
    def dim(self) -> int:
        return self.encoder.dim

    def __repr__(self) -> str:
        return f"CachedEncoder({self.encoder!r}, path={str(self.path)!r})"

    # -- public API -------------------------------------------------------
    def encode(self, texts: Sequence[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        return self.encode_views(embedding_views(texts), batch_size=batch_size, show_progress=show_progress)

    def encode_views(self, texts: list[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        """``encode`` for texts that are views already: they are the keys."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        keys = [text_key(t) for t in texts]
        with self._lock:
            found = self._lookup(set(keys))

        missing: dict[bytes, str] = {}  # dedupe: each distinct text is embedded once
        for i, k in enumerate(keys):
            vec = found.get(k)
            if vec is None:
                missing.setdefault(k, texts[i])
            else:
                out[i] = vec
        if missing:
            miss_keys = list(missing)
            vecs = np.asarray(
                encode_views(self.encoder, list(missing.values()), batch_size, show_progress), dtype=np.float32
            )
            fresh = dict(zip(miss_keys, vecs))
            for i, k in enumerate(keys):
                if k in fresh:
                    out[i] = fresh[k]
            with self._lock:
                self._store(miss_keys, vecs)
        return out

    def window_composer(self):
        """The wrapped encoder's composer, its per-sentence rows cached in the same file."""
        composer = window_composer(self.encoder)
        return None if composer is None else _CachedComposer(composer, self.path)

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass
            self._conn = None

    def __del__(self) -> None:
        self.close()

    # -- SQLite -----------------------------------------------------------
    def _warn(self, action: str, exc: BaseException) -> None:
        """Disable the cache for this encoder's lifetime and say so once."""
        if not self._disabled:
            print(
                f"subalign: warning: embedding cache {self.path} could not be {action} ({exc}); "
                "continuing without it",
                file=sys.stderr,
            )
        self._disabled = True
        self.close()

    def _connect(self) -> sqlite3.Connection | None:
        if self._disabled:
            return None
        if self._conn is not None:
            return self._conn
        deadline = time.monotonic() + _BUSY_TIMEOUT_S
        while True:
            try:
                conn = self._open()
                break
            except sqlite3.OperationalError as exc:
                # Switching a new file to WAL, or creating its tables, while another process
                # does the same can fail at once with SQLITE_BUSY/LOCKED: SQLite does not always
                # call its busy handler there.  Opening again after a moment succeeds.
                if _transient(exc) and time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                self._warn("opened", exc)
                return None
            except (sqlite3.Error, OSError) as exc:
                self._warn("opened", exc)
                return None
        self._conn = conn
        return conn

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.executescript(_SCHEMA)
            self._encoder_row = self._encoder_id(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _encoder_id(self, conn: sqlite3.Connection) -> int:
        """Row id of this encoder (vectors refer to it instead of repeating the id string)."""
        try:
            conn.execute("INSERT OR IGNORE INTO encoders (name, dim) VALUES (?, ?)", (self.id, self.dim))
        except sqlite3.OperationalError:  # read-only cache: reads may still hit
            pass
        row = conn.execute("SELECT id, dim FROM encoders WHERE name = ?", (self.id,)).fetchone()
        if row is None:
            raise sqlite3.OperationalError("cannot register the encoder (read-only?)")
        row_id, dim = row
        if dim != self.dim:  # same id, different width: stale rows from a changed model
            conn.execute("DELETE FROM vectors WHERE encoder = ?", (row_id,))
            conn.execute("UPDATE encoders SET dim = ? WHERE id = ?", (self.dim, row_id))
        return row_id

    def _lookup(self, keys: set[bytes]) -> dict[bytes, np.ndarray]:
        conn = self._connect()
        if conn is None:
            return {}
        nbytes = self.dim * 4
        found: dict[bytes, np.ndarray] = {}
        keys_list = list(keys)
        try:
            for start in range(0, len(keys_list), _CHUNK):
                chunk = keys_list[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT hash, vec FROM vectors WHERE encoder = ? AND hash IN ({marks})",
                    (self._encoder_row, *chunk),
                )
                for key, blob in rows:
                    if len(blob) == nbytes:  # a truncated row is a miss, not a crash
                        found[key] = np.frombuffer(blob, dtype=np.float32)
        except sqlite3.Error as exc:
            self._warn("read", exc)
            return {}
        return found

    def _store(self, keys: list[bytes], vecs: np.ndarray) -> None:
        conn = self._connect()
        if conn is None:
            return
        rows = [(self._encoder_row, k, np.ascontiguousarray(v, dtype=np.float32).tobytes()) for k, v in zip(keys, vecs)]
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany("INSERT OR REPLACE INTO vectors (encoder, hash, vec) VALUES (?, ?, ?)", rows)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            self._warn("written", exc)


class _CachedComposer(CachedEncoder):
    """A :class:`~subalign.encoders.WindowComposer` whose rows come through the cache."""

    def windows(self, rows: np.ndarray, kmax: int) -> list[np.ndarray | None]:
        return self.encoder.windows(rows, kmax)

    def window_composer(self):
        return None
