"""The batch manifest: rows (task, src, tgt, out, options) read from CSV/TSV/JSON Lines or found
by pairing files in folders, each checked before anything runs; the option and output-format
tables of every task.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from subalign.errors import SubalignError
from subalign.subs.commands import TIMINGS, TOP_LANGUAGES
from subalign.text.langid import normalize_lang
from subalign.text.textio import allow_csv_fields, read_text

REPORT_NAME = "batch-report.json"
STATE_DIR = ".subalign-batch"
COLUMNS = ("task", "src", "tgt", "out")


# --------------------------------------------------------------------------- options per task

def _bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    s = str(v).strip().lower()
    if s in ("1", "true", "yes", "y", "on"):
        return True
    if s in ("0", "false", "no", "n", "off"):
        return False
    raise ValueError(f"not a boolean: {v!r}")


def _str(v: Any) -> str:
    return str(v)


def _float(v: Any) -> float:
    """A finite float: NaN would silently match nothing, inf lift every limit."""
    x = float(v)
    if not math.isfinite(x):
        raise ValueError(f"not a finite number: {v!r}")
    return x


def _lang(v: Any) -> str:
    return normalize_lang(str(v))


def _path(v: Any) -> str:
    """A file path, kept as text (the job key hashes the options); resolved against the manifest's folder."""
    s = str(v).strip()
    if not s:
        raise ValueError("empty path")
    return s


# The options a row may set, with their types: each is a field of the task's request
# (``<package>/commands.py``), whose defaults apply to what a row leaves out.
_COMMON = {"encoding": _str}
ROW_OPTIONS: dict[str, dict[str, Callable[[Any], Any]]] = {
    "align": {**_COMMON, "max_align": int, "presplit": _bool, "src_lang": _lang, "tgt_lang": _lang,
              "src_encoding": _str, "tgt_encoding": _str, "allow_same_lang": _bool,
              "min_confidence": _float},
    "quotes": {**_COMMON, "max_cues": int, "max_gap": _float, "threshold": _float, "context": int,
               "lang": _lang, "subs_encoding": _str, "via": _path, "min_confidence": _float,
               "order": _bool},
    "glossary": {**_COMMON, "min_score": _float, "src_lang": _lang, "tgt_lang": _lang},
    "dual": {"max_align": int, "time_weight": _float, "top": _str, "timing": _str, "max_width_zh": int,
             "max_width_en": int, "a_lang": _lang, "b_lang": _lang, "a_encoding": _str, "b_encoding": _str},
    "retime": {"max_align": int, "lang": _lang, "encoding": _str, "subs_encoding": _str},
}
#: Output extension -> format, per task: the one table, read by batch and by the CLI's -o/--format.
OUTPUT_FORMATS: dict[str, dict[str, str]] = {
    "align": {".align": "ladder", ".ladder": "ladder", ".txt": "ladder", ".tsv": "tsv", ".json": "json", ".tmx": "tmx"},
    "quotes": {".tsv": "tsv", ".txt": "tsv", ".json": "json", ".srt": "srt"},
    "glossary": {".tsv": "tsv", ".txt": "tsv", ".csv": "csv", ".tbx": "tbx", ".xml": "tbx", ".json": "json"},
    "dual": {".srt": "srt", ".ass": "ass", ".ssa": "ass", ".vtt": "vtt", ".webvtt": "vtt", ".json": "json"},
    "retime": {".srt": "srt", ".vtt": "vtt", ".json": "json"},
}
_CHOICES = {("dual", "top"): TOP_LANGUAGES, ("dual", "timing"): TIMINGS}
#: Options that name an input file: resolved like src/tgt, read (and hashed) like them.
PATH_OPTIONS = frozenset({"via"})


def output_format(task: str, out: str | os.PathLike) -> str:
    """The output format of *task* implied by *out*'s extension (SubalignError if none)."""
    ext = Path(out).suffix.lower()
    form = OUTPUT_FORMATS[task].get(ext)
    if form is None:
        known = ", ".join(sorted(OUTPUT_FORMATS[task]))
        raise SubalignError(f"{task}: cannot tell the output format from '{out}' (use {known})")
    return form


def _coerce_options(task: str, raw: dict[str, Any]) -> dict[str, Any]:
    spec = ROW_OPTIONS[task]
    opts: dict[str, Any] = {}
    for k, v in raw.items():
        key = str(k).strip().lower().replace("-", "_")
        if v is None or (isinstance(v, str) and not v.strip()):
            continue  # empty CSV cell: not set
        if key not in spec:
            raise SubalignError(f"option '{k}' does not apply to task {task} (known: {', '.join(sorted(spec))})")
        try:
            val = spec[key](v.strip() if isinstance(v, str) else v)
        except (ValueError, TypeError, SubalignError) as e:
            raise SubalignError(f"option {key}={v!r}: {e}") from None
        allowed = _CHOICES.get((task, key))
        if allowed and val not in allowed:
            raise SubalignError(f"option {key}={v!r}: use one of {', '.join(allowed)}")
        opts[key] = val
    return opts


# --------------------------------------------------------------------------- manifest

@dataclass(frozen=True)
class BatchRow:
    """One job: *task* on ``src``/``tgt`` writing ``OUTDIR/out``; *line* is its manifest line."""

    line: int
    task: str
    src: Path
    tgt: Path
    out: str
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def format(self) -> str:
        return output_format(self.task, self.out)

    @property
    def inputs(self) -> list[Path]:
        """Every file the row reads: ``src``, ``tgt`` and the files its options name (quotes ``via``)."""
        return [self.src, self.tgt] + [Path(self.options[k]) for k in sorted(PATH_OPTIONS) if k in self.options]

    @property
    def outputs(self) -> list[str]:
        """Every file the row writes, relative to OUTDIR: ``out``, and a quotes SRT's sidecar JSON."""
        if self.task == "quotes" and Path(self.out).suffix.lower() == ".srt":
            return [self.out, sidecar_name(self.out)]
        return [self.out]


def sidecar_path(out: Path) -> Path:
    """Where the JSON map of a quotes SRT goes: next to it, ``x.srt`` -> ``x.json``
    (``x.json.map.json`` for an SRT written to a name ending in .json)."""
    return out.with_suffix(".json") if out.suffix.lower() != ".json" else out.with_name(out.name + ".map.json")


def sidecar_name(out: str) -> str:
    """:func:`sidecar_path` of an OUTDIR-relative ``out``."""
    return sidecar_path(Path(out)).as_posix()


@dataclass(frozen=True)
class RowError:
    line: int
    message: str
    out: str | None = None

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def _check_out(out: str) -> str:
    out = out.strip().replace("\\", "/")
    if not out:
        raise SubalignError("empty 'out'")
    p = Path(out)
    if p.is_absolute() or ".." in p.parts:
        raise SubalignError(f"'out' must be a path inside OUTDIR, got '{out}'")
    if p.as_posix() == REPORT_NAME or p.parts[0] == STATE_DIR:
        raise SubalignError(f"'out' cannot be '{p.as_posix()}': subalign batch keeps its report and state there")
    return p.as_posix()


def claim_outputs(rows: Iterable[BatchRow]) -> tuple[list[BatchRow], list[RowError]]:
    """Rows in order, each keeping its outputs only if no earlier row writes one of them (sidecars included)."""
    owner: dict[str, int] = {}
    kept: list[BatchRow] = []
    errors: list[RowError] = []
    for row in rows:
        taken = next((rel for rel in row.outputs if rel in owner), None)
        if taken is not None:
            what = f"'{row.out}'" if taken == row.out else f"'{row.out}': its sidecar '{taken}'"
            errors.append(RowError(row.line, f"{what} is already written by line {owner[taken]}", row.out))
            continue
        for rel in row.outputs:
            owner[rel] = row.line
        kept.append(row)
    return kept, errors


def _make_row(line: int, rec: dict[str, Any], base: Path) -> BatchRow:
    missing = [c for c in COLUMNS if not str(rec.get(c) or "").strip()]
    if missing:
        raise SubalignError(f"missing {', '.join(missing)}")
    task = str(rec["task"]).strip().lower()
    if task not in ROW_OPTIONS:
        raise SubalignError(f"unknown task '{rec['task']}' (use {', '.join(ROW_OPTIONS)})")
    out = _check_out(str(rec["out"]))
    output_format(task, out)
    raw = {k: v for k, v in rec.items() if k not in COLUMNS and k != "options"}
    extra = rec.get("options")
    if extra is not None:
        if isinstance(extra, str):
            try:
                extra = json.loads(extra) if extra.strip() else {}
            except json.JSONDecodeError as e:
                raise SubalignError(f"'options' is not a JSON object ({e.msg})") from None
        if not isinstance(extra, dict):
            raise SubalignError("'options' must be a JSON object")
        raw.update(extra)
    opts = _coerce_options(task, raw)

    def resolve(p: Any) -> Path:
        q = Path(str(p).strip()).expanduser()
        return q if q.is_absolute() else base / q

    for k in PATH_OPTIONS & set(opts):
        opts[k] = str(resolve(opts[k]))
    return BatchRow(line, task, resolve(rec["src"]), resolve(rec["tgt"]), out, opts)


def parse_manifest(path: str | os.PathLike, *, base_dir: str | os.PathLike | None = None) -> tuple[list[BatchRow], list[RowError]]:
    """Rows and row errors of a CSV/TSV/JSONL manifest; relative paths are against its folder.

    A manifest that cannot be read at all (no file, no header, missing columns)
    raises :class:`SubalignError`; a bad row is a :class:`RowError` with its 1-based
    line number, and the other rows still run.  Two rows writing one ``out`` are an error.
    """
    p = Path(path)
    base = Path(base_dir) if base_dir is not None else p.parent
    text, _ = read_text(p)
    name = p.name.lower()
    rows: list[BatchRow] = []
    errors: list[RowError] = []
    records: list[tuple[int, dict | None, str | None]] = []
    if name.endswith((".jsonl", ".ndjson", ".json")):
        for n, line in enumerate(text.split("\n"), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                records.append((n, None, f"not valid JSON ({e.msg})"))
                continue
            if not isinstance(rec, dict):
                records.append((n, None, "a JSONL row must be an object"))
                continue
            records.append((n, rec, None))
    else:
        first = text.split("\n", 1)[0]
        delim = "\t" if (name.endswith(".tsv") or ("\t" in first and "," not in first)) else ","
        reader = csv.reader(io.StringIO(text), delimiter=delim)
        header = _read_csv_records(reader, path, records, limit=len(text))
        if header is None:
            raise SubalignError(f"{path}: the manifest has no header row")
    for n, rec, err in records:
        if err is None:
            try:
                rows.append(_make_row(n, rec, base))
                continue
            except SubalignError as e:
                err = str(e)
        out = str(rec.get("out")) if isinstance(rec, dict) and rec.get("out") else None
        errors.append(RowError(n, err, out))
    rows, clashes = claim_outputs(rows)
    return rows, errors + clashes


def _read_csv_records(reader, path, records: list, *, limit: int) -> list[str] | None:
    """Fill *records* with ``(line, row dict, error)`` from a CSV reader; returns the header."""
    header: list[str] | None = None
    allow_csv_fields(limit)
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return header
        except csv.Error as e:
            raise SubalignError(f"{path}: line {reader.line_num}: cannot read the CSV ({e})") from None
        n = reader.line_num
        if not any(f.strip() for f in fields) or fields[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = [h.strip().lower().replace("-", "_") for h in fields]
            lacking = [c for c in COLUMNS if c not in header]
            if lacking:
                raise SubalignError(f"{path}: line {n}: the header lacks {', '.join(lacking)} (need task,src,tgt,out)")
            continue
        if len(fields) > len(header):
            records.append((n, None, f"{len(fields)} fields but the header has {len(header)}"))
            continue
        records.append((n, dict(zip(header, fields)), None))


_TEXT_EXT = (".txt", ".md", ".text")
_SUB_EXT = (".srt", ".vtt", ".ass", ".ssa")


def discover_pairs(src_dir: str | os.PathLike, tgt_dir: str | os.PathLike | None = None, *,
                   src_lang: str = "en", tgt_lang: str = "zh", task: str | None = None,
                   out_ext: str | None = None) -> tuple[list[BatchRow], list[RowError]]:
    """Pairs from a directory pair matched by file name, or from one directory of ``x.en.*``/``x.zh.*``.

    ``en/x.txt`` <-> ``zh/x.txt``; ``dir/x.en.srt`` <-> ``dir/x.zh.srt``.  Task by
    default: two subtitle files -> dual, else align; output ``x.<ext>`` (tmx for
    align, srt for dual).  Unmatched files are errors (line 0).
    """
    a = Path(src_dir)
    if not a.is_dir():
        raise SubalignError(f"{a}: not a directory")
    pairs: list[tuple[str, Path, Path]] = []
    errors: list[RowError] = []
    if tgt_dir is not None:
        b = Path(tgt_dir)
        if not b.is_dir():
            raise SubalignError(f"{b}: not a directory")
        left = {f.name: f for f in sorted(a.iterdir()) if f.is_file() and not f.name.startswith(".")}
        right = {f.name: f for f in sorted(b.iterdir()) if f.is_file() and not f.name.startswith(".")}
        for nm in sorted(left.keys() | right.keys()):
            if nm in left and nm in right:
                pairs.append((Path(nm).stem, left[nm], right[nm]))
            else:
                errors.append(RowError(0, f"{(left.get(nm) or right.get(nm))}: no file of that name in {b if nm in left else a}"))
    else:
        groups: dict[tuple[str, str], dict[str, Path]] = {}
        for f in sorted(a.iterdir()):
            parts = f.name.split(".")
            if f.is_file() and len(parts) >= 3 and parts[-2].lower() in (src_lang, tgt_lang):
                groups.setdefault((".".join(parts[:-2]), parts[-1].lower()), {})[parts[-2].lower()] = f
        for (stem, _ext), g in sorted(groups.items()):
            if src_lang in g and tgt_lang in g:
                pairs.append((stem, g[src_lang], g[tgt_lang]))
            else:
                errors.append(RowError(0, f"{next(iter(g.values()))}: no matching .{tgt_lang if src_lang in g else src_lang} file"))
    rows = []
    for k, (stem, s, t) in enumerate(pairs, 1):
        is_sub = s.suffix.lower() in _SUB_EXT and t.suffix.lower() in _SUB_EXT
        tk = task or ("dual" if is_sub else "align")
        ext = out_ext or {"align": ".tmx", "dual": ".srt", "retime": ".srt", "quotes": ".tsv", "glossary": ".tsv"}[tk]
        out = stem + (ext if ext.startswith(".") else "." + ext)
        if any(r.out == out for r in rows):
            out = f"{stem}{s.suffix}{ext}"
        try:
            output_format(tk, out)
        except SubalignError as e:
            errors.append(RowError(k, str(e), out))
            continue
        rows.append(BatchRow(k, tk, s, t, out, {}))
    return rows, errors
