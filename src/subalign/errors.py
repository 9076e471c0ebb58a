"""The one exception of subalign's user-facing errors (re-exported by :mod:`subalign.types`)."""

from __future__ import annotations


class SubalignError(Exception):
    """An error caused by the user's input; the CLI prints it as one line and exits 2."""
