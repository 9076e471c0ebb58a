"""The examples in the public API's docstrings run, as the ``srt`` library's do.

Each module's examples run with :func:`doctest.testmod` (ELLIPSIS and
NORMALIZE_WHITESPACE); a module whose examples were lost would pass silently,
so each one must also run at least the examples it has today.  The examples
that align or embed use the default model (USE-m3, offline from its pip
package) and the session's temporary embedding cache (conftest.py).
"""

from __future__ import annotations

import doctest
import importlib

import pytest

# module -> the least number of examples it must run
MODULES = {
    "subalign.api": 10,  # align, align_files (the default model)
    "subalign.types": 14,  # Anchor, Link, Alignment, Cue, Quote
    "subalign.aligner.core": 1,  # bead_types
    "subalign.aligner.formats": 17,  # ladder, TSV, JSON, TMX on a small alignment; parse_ladder
    "subalign.encoders.loading": 5,  # load_encoder
    "subalign.subs.read": 9,  # read_subtitles, parse_subtitles
    "subalign.subs.cues": 3,  # timestamps, plain text
    "subalign.subs.write": 2,  # write_srt
    "subalign.subs.dual": 7,  # align_cues, merge_cues, write_dual
    "subalign.text.segment": 5,  # segment
    "subalign.text.cjk": 3,  # simplified_view, join_cjk_aware
    "subalign.text.documents": 4,  # document_from_text
}

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.mark.parametrize("name", sorted(MODULES))
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=FLAGS, verbose=False, report=True)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (see the output above)"
    assert result.attempted >= MODULES[name], f"{name} ran {result.attempted} examples, expected at least {MODULES[name]}"


def test_the_public_api_has_examples():
    """The names users start from each show a runnable example."""
    import subalign
    from subalign.aligner import formats
    from subalign.subs import read
    from subalign.text import cjk, segment

    for obj in (subalign.align, subalign.align_files, formats.parse_ladder, read.parse_subtitles, read.read_subtitles,
                segment.segment, cjk.simplified_view):
        assert ">>> " in (obj.__doc__ or ""), obj.__qualname__
    assert all(f"to_{fmt}(" in formats.__doc__ for fmt in ("ladder", "tsv", "json", "tmx"))
