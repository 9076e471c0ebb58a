"""Running the CLI in-process from tests."""

from __future__ import annotations

from subalign.cli import main


def run(capsys, *args) -> tuple[int, str, str]:
    """Run ``subalign ARGS`` in-process; returns (exit code, stdout, stderr)."""
    code = 0
    try:
        main([str(a) for a in args])
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err
