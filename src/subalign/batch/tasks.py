"""The batch tasks: one function per command (align, quotes, glossary, dual, retime), registered in
:data:`TASKS`; each takes a manifest row and a loaded encoder and returns the files to write.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from subalign.batch.manifest import BatchRow, sidecar_name
from subalign.errors import SubalignError


# --------------------------------------------------------------------------- tasks

@dataclass
class TaskOutput:
    files: dict[str, str]  # relative out path -> text
    summary: str = ""
    warnings: list[str] = field(default_factory=list)


def _task_align(row: BatchRow, enc, model: str, warn) -> TaskOutput:
    from subalign.api import align_files
    from subalign.aligner.formats import FORMATS

    o = row.options
    msgs: list[str] = []
    a = align_files(
        row.src, row.tgt,
        src_encoding=o.get("src_encoding") or o.get("encoding"),
        tgt_encoding=o.get("tgt_encoding") or o.get("encoding"),
        src_lang=o.get("src_lang"), tgt_lang=o.get("tgt_lang"),
        presplit=o.get("presplit", False), warn=msgs.append,
        encoder=enc, model=model, max_align=o.get("max_align", 5),
    )
    if msgs and not o.get("allow_same_lang"):
        raise SubalignError(msgs[0])
    return TaskOutput({row.out: FORMATS[row.format](a)},
                      f"{len(a.src)} {a.src.lang} / {len(a.tgt)} {a.tgt.lang} sentences, {len(a.links)} links", msgs)


def _task_quotes(row: BatchRow, enc, model: str, warn) -> TaskOutput:
    from subalign.quotes import formats as qfmt
    from subalign.quotes import match as qf
    from subalign.text.documents import load_document
    from subalign.quotes.extract import extract_quotes
    from subalign.subs.read import read_subtitles

    o = row.options
    max_cues, max_gap, context = o.get("max_cues", 4), o.get("max_gap", 5.0), o.get("context", 0)
    if max_cues < 1 or not max_gap >= 0 or context < 0:
        raise SubalignError("max_cues must be >= 1, max_gap and context >= 0")
    doc = load_document(row.src, lang=o.get("lang"), encoding=o.get("encoding"))
    notes: list[str] = []
    cues = read_subtitles(row.tgt, encoding=o.get("subs_encoding"), warn=notes.append)
    found = extract_quotes(doc)
    warnings = notes + ([] if found else [f"{row.src}: no quotations found in the review"])
    threshold = o.get("threshold")
    if threshold is None:
        threshold = qf.default_threshold(enc)
    matches = qf.find_quotes(found, cues, enc, max_cues=max_cues, max_gap_s=max_gap, threshold=threshold) if found else []
    if row.format == "tsv":
        files = {row.out: qfmt.to_tsv(matches)}
    elif row.format == "json":
        info = {"review": str(row.src), "subtitles": str(row.tgt), "model": model, "threshold": threshold,
                "max_cues": max_cues, "max_gap_s": max_gap}
        files = {row.out: qfmt.to_json(matches, info=info)}
    else:
        side = sidecar_name(row.out)
        srt_text, side_text = qfmt.to_srt(matches, cues, context=context, srt_name=Path(row.out).name)
        files = {row.out: srt_text, side: side_text}
    return TaskOutput(files, qf.summary(matches), warnings)


def _task_glossary(row: BatchRow, enc, model: str, warn) -> TaskOutput:
    from subalign.glossary.pairing import GlossaryOptions
    from subalign.glossary.run import glossary_files
    from subalign.glossary import formats as gf

    o = row.options
    min_score = o.get("min_score", 0.5)
    if not 0.0 <= min_score <= 1.0:
        raise SubalignError(f"min_score must be between 0 and 1, got {min_score}")
    msgs: list[str] = []
    entries, _ = glossary_files(row.src, row.tgt, model=model, encoder=enc,
                                   options=GlossaryOptions(min_score=min_score), warn=msgs.append,
                                   src_lang=o.get("src_lang"), tgt_lang=o.get("tgt_lang"),
                                   src_encoding=o.get("encoding"), tgt_encoding=o.get("encoding"))
    info = {"src": str(row.src), "tgt": str(row.tgt), "model": model, "min_score": min_score}
    text = gf.to_json(entries, info) if row.format == "json" else gf.WRITERS[row.format](entries)
    names = sum(e.type != "term" for e in entries)
    return TaskOutput({row.out: text}, f"{len(entries)} glossary entries ({names} names)", msgs)


def _task_dual(row: BatchRow, enc, model: str, warn) -> TaskOutput:
    from subalign.subs import dual as d
    from subalign.subs.read import read_subtitles

    o = row.options
    notes: list[str] = []
    cues_a = read_subtitles(row.src, encoding=o.get("a_encoding"), warn=notes.append)
    cues_b = read_subtitles(row.tgt, encoding=o.get("b_encoding"), warn=notes.append)
    opts = d.DualOptions(max_align=o.get("max_align", 4), time_weight=o.get("time_weight", 0.6))
    opts.bead_types()
    result = d.align_cues(cues_a, cues_b, enc, opts, lang_a=o.get("a_lang"), lang_b=o.get("b_lang"))
    if result.lang_a == result.lang_b:
        raise SubalignError(f"{row.src} and {row.tgt} both look like {result.lang_a}; expected two languages "
                            "(set a_lang/b_lang)")
    info = {"a": str(row.src), "b": str(row.tgt), "model": model}
    if row.format == "json":
        text = d.result_json(result, info)
    else:
        top = o.get("top", "zh")
        merged = d.merge_cues(result, top=top, timing=o.get("timing", "a"),
                              max_width={"zh": o.get("max_width_zh", 32), "en": o.get("max_width_en", 42)})
        text = d.write_dual(merged, row.format, top_lang=top)
    return TaskOutput({row.out: text}, d.summary(result), notes)


def _task_retime(row: BatchRow, enc, model: str, warn) -> TaskOutput:
    from subalign.subs import retime as rt
    from subalign.subs.read import read_subtitles
    from subalign.subs.write import write_srt, write_vtt
    from subalign.text.textio import read_text

    o = row.options
    body, _ = read_text(row.src, o.get("encoding"))
    lines = rt.translation_lines(body)
    if not lines:
        raise SubalignError(f"{row.src}: the translation has no lines")
    notes: list[str] = []
    cues = read_subtitles(row.tgt, encoding=o.get("subs_encoding"), warn=notes.append)
    from subalign.subs.retime import same_language

    same = same_language(lines, cues, o.get("lang"))
    if same:
        notes.append(f"{row.src} and {row.tgt} both look like {same}; expected a translation in the other language")
    warnings = notes
    result = rt.retime(lines, cues, enc, max_align=o.get("max_align", 5), lang=o.get("lang"))
    if row.format == "json":
        text = rt.result_json(result, {"text": str(row.src), "subtitles": str(row.tgt), "model": model})
    elif row.format == "srt":
        text = write_srt(result.cues, renumber=True)
    else:
        text = write_vtt(result.cues)
    return TaskOutput({row.out: text}, rt.summary(result), warnings)


TASKS: dict[str, Callable[[BatchRow, Any, str, Any], TaskOutput]] = {
    "align": _task_align,
    "quotes": _task_quotes,
    "glossary": _task_glossary,
    "dual": _task_dual,
    "retime": _task_retime,
}
