"""How many threads the engines and numpy's BLAS may use: the cores this process may run on, never more."""

from __future__ import annotations

import functools
import os

from threadpoolctl import ThreadpoolController

__all__ = ["available_cores", "cap_threads", "limit_blas"]


def available_cores() -> int:
    """CPU cores this process may run on (respects taskset/cgroup affinity)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def cap_threads(threads: int | None, default: int) -> int:
    """Clamp a thread request to what the machine has; never oversubscribe."""
    want = default if threads is None else int(threads)
    return max(1, min(want, available_cores()))


@functools.lru_cache(maxsize=1)
def _threadpools() -> ThreadpoolController:
    """BLAS libraries found once per process (threadpoolctl scans every loaded library)."""
    return ThreadpoolController()


def limit_blas(threads: int):
    """A context manager capping numpy's BLAS at ``threads`` threads.

    The aligner's DP and USE's head multiply many small matrices, where extra
    BLAS threads only add hand-off cost (several times slower on 2 cores).
    """
    return _threadpools().limit(limits=threads, user_api="blas")
