"""``subalign batch``: run many align/quotes/glossary/dual/retime jobs from a manifest.

Pieces, each usable on its own:

* :func:`parse_manifest` reads a CSV/TSV (header row) or JSONL manifest into typed
  :class:`BatchRow` s; bad rows become :class:`RowError` s carrying their line number.
* :func:`discover_pairs` matches a directory pair by file name
  (``en/x.txt`` <-> ``zh/x.txt``) or one directory of ``x.en.srt`` <-> ``x.zh.srt``.
* :func:`job_key` hashes the input bytes, task, options, model and subalign version;
  a finished output carries a stamp (``OUTDIR/.subalign-batch/``) with that key, so a
  re-run skips it (:func:`is_done`).
* :func:`run_pair` is the one per-pair worker function (local processes and Ray
  tasks both call it).  It never raises: it returns a plain ``dict`` record.
  Outputs are written with :func:`subalign.textio.atomic_write`.
* :func:`run_batch` drives the ``local`` engine (``ProcessPoolExecutor`` whose
  initializer loads the model once per worker; ``jobs=1`` runs in-process) or the
  ``ray`` engine, and writes ``OUTDIR/batch-report.json``.

Every task goes through :data:`TASKS`, a registry of small functions calling the
same Python API the single-pair commands use.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from subalign.types import SubalignError

REPORT_NAME = "batch-report.json"
STATE_DIR = ".subalign-batch"
COLUMNS = ("task", "src", "tgt", "out")


def _version() -> str:
    from subalign import __version__

    return __version__


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
    from subalign.langid import normalize_lang

    return normalize_lang(str(v))


_COMMON = {"encoding": _str}
_OPTIONS: dict[str, dict[str, Callable[[Any], Any]]] = {
    "align": {**_COMMON, "max_align": int, "presplit": _bool, "src_lang": _lang, "tgt_lang": _lang,
              "src_encoding": _str, "tgt_encoding": _str, "allow_same_lang": _bool},
    "quotes": {**_COMMON, "max_cues": int, "max_gap": _float, "threshold": _float, "context": int,
               "lang": _lang, "subs_encoding": _str},
    "glossary": {**_COMMON, "min_score": _float, "src_lang": _lang, "tgt_lang": _lang},
    "dual": {"max_align": int, "time_weight": _float, "top": _str, "timing": _str, "max_width_zh": int,
             "max_width_en": int, "a_lang": _lang, "b_lang": _lang, "a_encoding": _str, "b_encoding": _str},
    "retime": {"max_align": int, "lang": _lang, "encoding": _str, "subs_encoding": _str},
}
#: Output extension -> format, per task; the single-pair commands use it too.
OUTPUT_FORMATS: dict[str, dict[str, str]] = {
    "align": {".align": "ladder", ".ladder": "ladder", ".txt": "ladder", ".tsv": "tsv", ".json": "json", ".tmx": "tmx"},
    "quotes": {".tsv": "tsv", ".txt": "tsv", ".json": "json", ".srt": "srt"},
    "glossary": {".tsv": "tsv", ".txt": "tsv", ".csv": "csv", ".tbx": "tbx", ".xml": "tbx", ".json": "json"},
    "dual": {".srt": "srt", ".ass": "ass", ".ssa": "ass", ".vtt": "vtt", ".webvtt": "vtt", ".json": "json"},
    "retime": {".srt": "srt", ".vtt": "vtt", ".json": "json"},
}
_FORMATS = OUTPUT_FORMATS
_CHOICES = {("dual", "top"): ("zh", "en"), ("dual", "timing"): ("a", "b", "union")}


def output_format(task: str, out: str | os.PathLike) -> str:
    """The output format of *task* implied by *out*'s extension (SubalignError if none)."""
    ext = Path(out).suffix.lower()
    form = _FORMATS[task].get(ext)
    if form is None:
        known = ", ".join(sorted(_FORMATS[task]))
        raise SubalignError(f"{task}: cannot tell the output format from '{out}' (use {known})")
    return form


def _coerce_options(task: str, raw: dict[str, Any]) -> dict[str, Any]:
    spec = _OPTIONS[task]
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
    def outputs(self) -> list[str]:
        """Every file the row writes, relative to OUTDIR: ``out``, and a quotes SRT's sidecar JSON."""
        if self.task == "quotes" and Path(self.out).suffix.lower() == ".srt":
            return [self.out, sidecar_name(self.out)]
        return [self.out]


def sidecar_name(out: str) -> str:
    return Path(out).with_suffix(".json").as_posix()


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
    if task not in _OPTIONS:
        raise SubalignError(f"unknown task '{rec['task']}' (use {', '.join(_OPTIONS)})")
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

    return BatchRow(line, task, resolve(rec["src"]), resolve(rec["tgt"]), out, opts)


def parse_manifest(path: str | os.PathLike, *, base_dir: str | os.PathLike | None = None) -> tuple[list[BatchRow], list[RowError]]:
    """Rows and row errors of a CSV/TSV/JSONL manifest; relative paths are against its folder.

    A manifest that cannot be read at all (no file, no header, missing columns)
    raises :class:`SubalignError`; a bad row is a :class:`RowError` with its 1-based
    line number, and the other rows still run.  Two rows writing one ``out`` are an error.
    """
    from subalign.textio import read_text

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


@contextmanager
def _csv_field_limit(limit: int):
    """Let a field be as long as the whole manifest (csv's default limit, 128 KB, is per field)."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, limit))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _read_csv_records(reader, path, records: list, *, limit: int) -> list[str] | None:
    """Fill *records* with ``(line, row dict, error)`` from a CSV reader; returns the header."""
    header: list[str] | None = None
    with _csv_field_limit(limit):
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


# --------------------------------------------------------------------------- job keys and resume

def file_digest(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def job_key(row: BatchRow, model: str, *, digests: tuple[str, str] | None = None) -> str:
    """sha256 of input bytes + task + options + output format + model + subalign version."""
    ds = digests or (file_digest(row.src), file_digest(row.tgt))
    blob = json.dumps(
        {"task": row.task, "options": row.options, "format": row.format, "model": model,
         "version": _version(), "src": ds[0], "tgt": ds[1]},
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def _stamp_path(outdir: Path, out: str) -> Path:
    return outdir / STATE_DIR / (hashlib.sha256(out.encode()).hexdigest()[:32] + ".json")


def is_done(outdir: str | os.PathLike, row: BatchRow, key: str) -> bool:
    """True if ``out`` exists, its stamp has *key*, and its bytes are the ones stamped."""
    outdir = Path(outdir)
    stamp = _stamp_path(outdir, row.out)
    try:
        info = json.loads(stamp.read_text(encoding="utf-8"))
        if info.get("key") != key or info.get("out") != row.out:
            return False
        files = info.get("files") or {}
        if not files:
            return False
        return all(file_digest(outdir / rel) == dg for rel, dg in files.items())
    except (OSError, ValueError):
        return False


# --------------------------------------------------------------------------- worker state

_STATE: dict[str, Any] = {}


def init_worker(model: str, cache: bool = True, encoder_factory: Callable[[str], Any] | None = None,
                cache_dir: str | None = None, threads: int | None = None) -> None:
    """Process-pool initializer: remember the settings and load the model once."""
    if cache_dir:
        os.environ["SUBALIGN_CACHE_DIR"] = cache_dir
    _STATE.update(model=model, cache=cache, factory=encoder_factory, encoder=None, error=None)
    try:
        get_worker_encoder(model, cache, encoder_factory)
    except Exception as e:  # reported per pair, so the batch still goes on
        _STATE["error"] = e
    # Only models that run through sentence-transformers load torch; the
    # builtin numpy/C encoders must not pay 5 s per worker for importing it.
    torch = sys.modules.get("torch")
    if threads and torch is not None:
        try:
            torch.set_num_threads(threads)
        except RuntimeError:  # already started its thread pool: not fatal
            pass


def get_worker_encoder(model: str, cache: bool = True, encoder_factory: Callable[[str], Any] | None = None):
    """The worker's encoder, loaded at most once per process for a given (model, cache, factory)."""
    ident = (model, cache, encoder_factory)
    if _STATE.get("encoder") is not None and _STATE.get("ident") == ident:
        return _STATE["encoder"]
    if encoder_factory is not None:
        enc = encoder_factory(model)
    else:
        from subalign.encoders import load_encoder

        enc = load_encoder(model, cache=cache)
    _STATE.update(encoder=enc, ident=ident)
    _STATE["loads"] = _STATE.get("loads", 0) + 1
    return enc


# --------------------------------------------------------------------------- tasks

@dataclass
class TaskOutput:
    files: dict[str, str]  # relative out path -> text
    summary: str = ""
    warnings: list[str] = field(default_factory=list)


def _task_align(row: BatchRow, enc, model: str, warn) -> TaskOutput:
    from subalign.api import align_files
    from subalign.formats import FORMATS

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
    from subalign import quote_formats as qfmt
    from subalign import quotefinder as qf
    from subalign.documents import load_document
    from subalign.quotes import extract_quotes
    from subalign.subtitles import read_subtitles

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
    from subalign import glossary as gl
    from subalign import glossary_formats as gf

    o = row.options
    min_score = o.get("min_score", 0.5)
    if not 0.0 <= min_score <= 1.0:
        raise SubalignError(f"min_score must be between 0 and 1, got {min_score}")
    msgs: list[str] = []
    entries, _ = gl.glossary_files(row.src, row.tgt, model=model, encoder=enc,
                                   options=gl.GlossaryOptions(min_score=min_score), warn=msgs.append,
                                   src_lang=o.get("src_lang"), tgt_lang=o.get("tgt_lang"),
                                   src_encoding=o.get("encoding"), tgt_encoding=o.get("encoding"))
    info = {"src": str(row.src), "tgt": str(row.tgt), "model": model, "min_score": min_score}
    text = gf.to_json(entries, info) if row.format == "json" else gf.WRITERS[row.format](entries)
    names = sum(e.type != "term" for e in entries)
    return TaskOutput({row.out: text}, f"{len(entries)} glossary entries ({names} names)", msgs)


def _task_dual(row: BatchRow, enc, model: str, warn) -> TaskOutput:
    from subalign import dual as d
    from subalign.subtitles import read_subtitles

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
    from subalign import retime as rt
    from subalign.subtitles import read_subtitles, write_srt, write_vtt
    from subalign.textio import read_text

    o = row.options
    body, _ = read_text(row.src, o.get("encoding"))
    lines = rt.translation_lines(body)
    if not lines:
        raise SubalignError(f"{row.src}: the translation has no lines")
    notes: list[str] = []
    cues = read_subtitles(row.tgt, encoding=o.get("subs_encoding"), warn=notes.append)
    from subalign.dual_cli import same_language

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


# --------------------------------------------------------------------------- the per-pair function

def run_pair(job: dict[str, Any]) -> dict[str, Any]:
    """Run one job (a plain dict, see :func:`make_job`); always returns a plain record, never raises."""
    row: BatchRow = job["row"]
    outdir = Path(job["outdir"])
    rec: dict[str, Any] = {
        "line": row.line, "task": row.task, "src": str(row.src), "tgt": str(row.tgt), "out": row.out,
        "status": "failed", "error": None, "key": None, "seconds": 0.0, "summary": "", "warnings": [],
        "worker": os.getpid(),
    }
    t0 = time.perf_counter()
    try:
        digests = (file_digest_or_error(row.src), file_digest_or_error(row.tgt))
        key = job_key(row, job["model"], digests=digests)
        rec["key"] = key
        if job.get("resume", True) and is_done(outdir, row, key):
            rec["status"] = "skipped"
            return rec
        if _STATE.get("error") is not None:
            raise _STATE["error"]
        enc = get_worker_encoder(job["model"], job.get("cache", True), job.get("encoder_factory"))
        result = TASKS[row.task](row, enc, job["model"], None)
        written = _write_outputs(outdir, row, key, result.files, inputs=[row.src, row.tgt])
        rec.update(status="ok", summary=result.summary, warnings=result.warnings, files=written)
    except SubalignError as e:
        rec["error"] = str(e)
    except MemoryError:
        rec["error"] = "out of memory"
    except Exception as e:  # a bug or an unexpected input: isolated to this pair
        rec["error"] = f"{type(e).__name__}: {e}"
    finally:
        rec["seconds"] = round(time.perf_counter() - t0, 3)
    return rec


def file_digest_or_error(path: Path) -> str:
    try:
        if path.is_dir():
            raise SubalignError(f"{path}: is a directory, not a file")
        return file_digest(path)
    except FileNotFoundError:
        raise SubalignError(f"{path}: no such file") from None
    except PermissionError:
        raise SubalignError(f"{path}: permission denied (cannot read the file)") from None


def _write_outputs(outdir: Path, row: BatchRow, key: str, files: dict[str, str], inputs) -> dict[str, str]:
    """Write every output atomically, then the stamp (last: no stamp means not done)."""
    from subalign.textio import atomic_write, check_output

    stamp = _stamp_path(outdir, row.out)
    try:
        stamp.unlink()  # an interrupted rewrite must not look finished
    except OSError:
        pass
    for rel in files:
        check_output(inside_outdir(outdir, rel), inputs)
    digests = {}
    for rel, text in files.items():
        data = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
        atomic_write(inside_outdir(outdir, rel), data, inputs=inputs)
        digests[rel] = hashlib.sha256(data).hexdigest()
    info = {"key": key, "out": row.out, "task": row.task, "files": digests, "version": _version(),
            "src": str(row.src), "tgt": str(row.tgt)}
    atomic_write(stamp, json.dumps(info, indent=1, sort_keys=True) + "\n")
    return digests


def inside_outdir(outdir: Path, rel: str) -> Path:
    """``OUTDIR/rel``, refused when a symlink inside OUTDIR leads it out of OUTDIR."""
    path = Path(outdir) / rel
    root = os.path.realpath(outdir)
    real = os.path.realpath(path)
    if os.path.commonpath([root, real]) != root:
        raise SubalignError(f"'{rel}' leads out of OUTDIR through a symbolic link (to {real})")
    return path


def check_row_outputs(rows: Iterable[BatchRow], outdir: Path) -> tuple[list[BatchRow], list[tuple[BatchRow, SubalignError]]]:
    """Before any work: each row's outputs stay in OUTDIR, are regular files we can write, and are
    neither an input of any row nor (through symlinks) another row's output."""
    rows = list(rows)
    inputs: dict[tuple[int, int], Path] = {}
    for row in rows:
        for p in (row.src, row.tgt):
            try:
                st = os.stat(p)
                inputs[(st.st_dev, st.st_ino)] = p
            except OSError:
                pass  # a missing input fails its own row later
    probed: set[str] = set()
    owner: dict[str, int] = {}
    ok: list[BatchRow] = []
    bad: list[tuple[BatchRow, SubalignError]] = []
    for row in rows:
        try:
            reals = [_check_row_output(outdir, rel, inputs, owner, probed) for rel in row.outputs]
        except SubalignError as e:
            bad.append((row, e))
            continue
        owner.update((r, row.line) for r in reals)
        ok.append(row)
    return ok, bad


def _check_row_output(outdir: Path, rel: str, inputs: dict, owner: dict[str, int], probed: set[str]) -> str:
    from subalign.textio import check_output, writes_through

    path = inside_outdir(outdir, rel)
    if writes_through(path):
        raise SubalignError(f"'{rel}' is not a regular file; batch outputs must be files")
    check_output(path, probed=probed)
    try:
        st = os.stat(path)
    except OSError:
        st = None
    if st is not None and (st.st_dev, st.st_ino) in inputs:
        raise SubalignError(f"'{rel}': refusing to overwrite the input file {inputs[(st.st_dev, st.st_ino)]}")
    real = os.path.realpath(path)
    if real in owner:
        raise SubalignError(f"'{rel}' is the same file as an output of line {owner[real]}")
    return real


def make_job(row: BatchRow, outdir: Path, model: str, *, cache: bool = True, resume: bool = True,
             encoder_factory: Callable[[str], Any] | None = None) -> dict[str, Any]:
    return {"row": row, "outdir": str(outdir), "model": model, "cache": cache, "resume": resume,
            "encoder_factory": encoder_factory}


# --------------------------------------------------------------------------- engines

def _run_local(jobs: list[dict], n: int, model: str, cache: bool, factory, on_result) -> list[dict]:
    if n <= 1 or len(jobs) <= 1:
        if _STATE.get("encoder") is None or _STATE.get("ident") != (model, cache, factory):
            init_worker(model, cache, factory)
        else:
            _STATE["error"] = None
        out = []
        for j in jobs:
            r = run_pair(j)
            on_result(r)
            out.append(r)
        return out
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    threads = max(1, (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1) // n)
    ctx = mp.get_context("spawn")  # no fork after torch/OpenMP threads started in the parent
    results: dict[int, dict] = {}
    pending = list(range(len(jobs)))
    crashes: dict[int, int] = {}
    while pending:
        with ProcessPoolExecutor(max_workers=min(n, len(pending)), mp_context=ctx, initializer=init_worker,
                                 initargs=(model, cache, factory, os.environ.get("SUBALIGN_CACHE_DIR"), threads)) as pool:
            futs = {pool.submit(run_pair, jobs[i]): i for i in pending}
            broken: list[int] = []
            for fut in as_completed(futs):
                i = futs[fut]
                try:
                    r = fut.result()
                except BrokenProcessPool:
                    broken.append(i)
                    continue
                except Exception as e:  # pickling problems and the like
                    r = _failed(jobs[i], f"{type(e).__name__}: {e}")
                results[i] = r
                on_result(r)
        pending = []
        for i in broken:
            crashes[i] = crashes.get(i, 0) + 1
            if crashes[i] >= 2 or len(broken) == 1:
                r = _failed(jobs[i], "the worker process died (crash or out of memory)")
                results[i] = r
                on_result(r)
            else:
                pending.append(i)
    return [results[i] for i in range(len(jobs))]


def _failed(job: dict, error: str) -> dict:
    row = job["row"]
    return {"line": row.line, "task": row.task, "src": str(row.src), "tgt": str(row.tgt), "out": row.out,
            "status": "failed", "error": error, "key": None, "seconds": 0.0, "summary": "", "warnings": []}


def _ray_run_pair(job: dict) -> dict:
    # Ray reuses worker processes, so the module-level encoder is loaded once per worker.
    return run_pair(job)


def _run_ray(jobs: list[dict], n: int, address: str | None, on_result) -> list[dict]:
    try:
        import ray
    except ImportError:
        raise SubalignError("--engine ray needs Ray: pip install 'subalign[ray]'") from None
    started = False
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"ignore_reinit_error": True, "log_to_driver": False}
        env = {k: os.environ[k] for k in ("SUBALIGN_CACHE_DIR", "HF_HUB_OFFLINE") if k in os.environ}
        if env:
            kwargs["runtime_env"] = {"env_vars": env}
        if address:
            kwargs["address"] = address
        else:
            kwargs["num_cpus"] = max(1, n)
        try:
            ray.init(**kwargs)
        except Exception as e:
            raise SubalignError(f"cannot connect to Ray{' at ' + address if address else ''}: {e}") from None
        started = True
    try:
        remote = ray.remote(num_cpus=1, max_retries=1)(_ray_run_pair)
        # at most n tasks in flight, so --jobs bounds the share of a shared cluster
        queue = list(range(len(jobs)))
        refs: dict[Any, int] = {}
        results: dict[int, dict] = {}
        waiting: list = []
        while queue or waiting:
            while queue and len(waiting) < max(1, n):
                i = queue.pop(0)
                ref = remote.remote(jobs[i])
                refs[ref] = i
                waiting.append(ref)
            done, waiting = ray.wait(waiting, num_returns=1)
            for ref in done:
                i = refs[ref]
                try:
                    r = ray.get(ref)
                except Exception as e:  # worker died, task error outside run_pair
                    r = _failed(jobs[i], f"ray: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
                results[i] = r
                on_result(r)
        return [results[i] for i in range(len(jobs))]
    finally:
        if started:
            ray.shutdown()  # stops the local instance we started, or disconnects from the cluster


# --------------------------------------------------------------------------- the batch

@dataclass
class BatchReport:
    items: list[dict]
    outdir: str
    engine: str
    jobs: int
    model: str
    started: float
    finished: float
    manifest: str | None = None

    @property
    def counts(self) -> dict[str, int]:
        c = {"ok": 0, "skipped": 0, "failed": 0}
        for it in self.items:
            c[it["status"]] = c.get(it["status"], 0) + 1
        return c

    @property
    def failed(self) -> list[dict]:
        return [it for it in self.items if it["status"] == "failed"]

    def to_dict(self) -> dict[str, Any]:
        return {"subalign": _version(), "manifest": self.manifest, "outdir": self.outdir, "engine": self.engine,
                "jobs": self.jobs, "model": self.model, "started": self.started, "finished": self.finished,
                "seconds": round(self.finished - self.started, 3), "counts": self.counts, "items": self.items}


def load_rows(source: str | os.PathLike, tgt_dir: str | os.PathLike | None = None) -> tuple[list[BatchRow], list[RowError]]:
    """A manifest file, or a directory (with optional second directory) of pairs."""
    p = Path(source)
    if p.is_dir():
        return discover_pairs(p, tgt_dir)
    if tgt_dir is not None:
        raise SubalignError("a second directory is only for a directory pair (src_dir tgt_dir)")
    if not p.exists():
        raise SubalignError(f"{p}: no such manifest")
    return parse_manifest(p)


def run_batch(
    rows: Iterable[BatchRow],
    outdir: str | os.PathLike,
    *,
    model: str = "use-m3",
    jobs: int = 1,
    engine: str = "local",
    ray_address: str | None = None,
    cache: bool = True,
    resume: bool = True,
    row_errors: Iterable[RowError] = (),
    manifest: str | None = None,
    encoder_factory: Callable[[str], Any] | None = None,
    on_result: Callable[[dict], None] | None = None,
    write_report: bool = True,
) -> BatchReport:
    """Run every row; failed rows are recorded, never raised. Writes ``OUTDIR/batch-report.json``.

    *encoder_factory* (a picklable top-level callable ``model -> Encoder``) replaces
    :func:`subalign.encoders.load_encoder`, for tests and custom models.
    """
    rows = list(rows)
    if jobs < 1:
        raise SubalignError(f"--jobs must be at least 1, got {jobs}")
    if engine not in ("local", "ray"):
        raise SubalignError(f"unknown engine '{engine}' (use local or ray)")
    out = Path(outdir)
    from subalign.textio import check_output, check_output_dir

    check_output_dir(out)
    if write_report:
        check_output(out / REPORT_NAME)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SubalignError(f"{out}: cannot create the output directory ({e.strerror or e})") from None
    started = time.time()
    items: list[dict] = []
    rows, clashes = claim_outputs(rows)
    rows, unwritable = check_row_outputs(rows, out)
    for err in [*row_errors, *clashes]:
        items.append({"line": err.line, "task": None, "src": None, "tgt": None, "out": err.out,
                      "status": "failed", "error": str(err), "key": None, "seconds": 0.0, "summary": "", "warnings": []})
    items.extend(_failed(make_job(row, out, model), str(err)) for row, err in unwritable)
    cb = on_result or (lambda r: None)
    for it in items:
        cb(it)
    job_list = [make_job(r, out, model, cache=cache, resume=resume, encoder_factory=encoder_factory) for r in rows]
    if job_list:
        if engine == "ray":
            results = _run_ray(job_list, jobs, ray_address, cb)
        else:
            results = _run_local(job_list, jobs, model, cache, encoder_factory, cb)
        items.extend(results)
    items.sort(key=lambda r: (r["line"], r["out"] or ""))
    report = BatchReport(items, str(out), engine, jobs, model, started, time.time(), manifest)
    if write_report:
        from subalign.textio import atomic_write

        atomic_write(out / REPORT_NAME, json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n")
    return report


def batch_summary(report: BatchReport) -> str:
    c = report.counts
    return f"{len(report.items)} pairs: {c['ok']} done, {c['skipped']} skipped (up to date), {c['failed']} failed"
