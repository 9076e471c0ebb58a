"""The ``subalign`` command line; ``subalign.cli:main`` is the console entry point.

The app lives in :mod:`subalign.cli.entry` (not ``cli/app.py``: a submodule named ``app``
would be shadowed by the ``app`` object re-exported here).
"""

from subalign.cli.entry import app, main

__all__ = ["app", "main"]
