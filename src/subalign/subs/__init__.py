"""Subtitles: reading and repairing SRT/WebVTT/ASS, writing them, dual-language tracks, retiming.

Modules: ``cues`` (timestamps, cue text), ``repair`` (the SRT repair pass), ``read``,
``bilingual`` (split a two-language cue), ``write``, ``wrap`` (display widths, line
wrapping); ``units`` (cues as the aligner's sentences), ``cuealign`` (two tracks aligned by
meaning and time), ``dual`` (merging them into one track) and ``retime`` (an untimed
translation given the film's timing). The reading and writing
names are re-exported here: ``from subalign.subs import read_subtitles, write_srt``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# Each re-exported name and the module that defines it; loaded on first use, so the CLI's
# start-up (which reads the subtitle commands' request defaults) does not import the readers.
_HOME = {
    "cues_for_language": "bilingual", "split_bilingual": "bilingual",
    "format_timestamp": "cues", "parse_timestamp": "cues", "plain_text": "cues",
    "parse_subtitles": "read", "read_subtitles": "read", "sniff_format": "read",
    "repair_srt": "repair",
    "DUAL_STYLES": "write", "AssEvent": "write", "write_ass": "write", "write_srt": "write", "write_vtt": "write",
}
__all__ = sorted(_HOME)

if TYPE_CHECKING:  # pragma: no cover
    from subalign.subs.bilingual import cues_for_language, split_bilingual
    from subalign.subs.cues import format_timestamp, parse_timestamp, plain_text
    from subalign.subs.read import parse_subtitles, read_subtitles, sniff_format
    from subalign.subs.repair import repair_srt
    from subalign.subs.write import DUAL_STYLES, AssEvent, write_ass, write_srt, write_vtt


def __getattr__(name: str):
    if name in _HOME:
        return getattr(importlib.import_module(f"subalign.subs.{_HOME[name]}"), name)
    raise AttributeError(f"module 'subalign.subs' has no attribute {name!r}")
