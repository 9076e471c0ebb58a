"""Subtitles: reading and repairing SRT/WebVTT/ASS, writing them, dual-language tracks, retiming.

Modules: ``cues`` (timestamps, cue text), ``repair`` (the SRT repair pass), ``read``,
``bilingual`` (split a two-language cue), ``write``, ``wrap`` (display widths, line
wrapping); ``units`` (cues as the aligner's sentences), ``cuealign`` (two tracks aligned by
meaning and time), ``dual`` (merging them into one track) and ``retime`` (an untimed
translation given the film's timing). The reading and writing
names are re-exported here: ``from subalign.subs import read_subtitles, write_srt``.
"""

from subalign.subs.bilingual import cues_for_language, split_bilingual
from subalign.subs.cues import format_timestamp, parse_timestamp, plain_text
from subalign.subs.read import parse_subtitles, read_subtitles, sniff_format
from subalign.subs.repair import repair_srt
from subalign.subs.write import DUAL_STYLES, AssEvent, write_ass, write_srt, write_vtt

__all__ = [
    "DUAL_STYLES",
    "AssEvent",
    "cues_for_language",
    "format_timestamp",
    "parse_subtitles",
    "parse_timestamp",
    "plain_text",
    "read_subtitles",
    "repair_srt",
    "sniff_format",
    "split_bilingual",
    "write_ass",
    "write_srt",
    "write_vtt",
]
