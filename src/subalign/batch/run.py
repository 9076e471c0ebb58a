"""Running a batch: job keys and resume stamps, the per-worker encoder, the per-pair function,
the engines (local processes or a Ray cluster) and the batch report.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import subalign
from subalign.batch.manifest import (
    BatchRow,
    REPORT_NAME,
    RowError,
    STATE_DIR,
    claim_outputs,
    discover_pairs,
    parse_manifest,
)
from subalign.batch.tasks import run_task
from subalign.errors import SubalignError
from subalign.text.textio import atomic_write, check_output, check_output_dir, writes_through


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
    job = {"task": row.task, "options": row.options, "format": row.format, "model": model,
           "version": subalign.__version__, "src": ds[0], "tgt": ds[1]}
    if row.inputs[2:]:  # files named by options (quotes via): their bytes, too
        job["more"] = [file_digest_or_error(p) for p in row.inputs[2:]]
    blob = json.dumps(job, sort_keys=True)
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
        from subalign.encoders import load_encoder  # lazy: the encoders package stays out of subalign --help

        enc = load_encoder(model, cache=cache)
    _STATE.update(encoder=enc, ident=ident)
    _STATE["loads"] = _STATE.get("loads", 0) + 1
    return enc


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
        result = run_task(row, enc, job["model"])
        written = _write_outputs(outdir, row, key, result.files, inputs=row.inputs)
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
    info = {"key": key, "out": row.out, "task": row.task, "files": digests, "version": subalign.__version__,
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
        for p in row.inputs:
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
    import multiprocessing as mp  # lazy: ~30 ms, only for a process pool; keeps subalign --help fast
    from concurrent.futures import ProcessPoolExecutor, as_completed  # lazy: as above
    from concurrent.futures.process import BrokenProcessPool  # lazy: as above

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
        import ray  # lazy: optional and heavy; only for --engine ray
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
        return {"subalign": subalign.__version__, "manifest": self.manifest, "outdir": self.outdir, "engine": self.engine,
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
        atomic_write(out / REPORT_NAME, json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n")
    return report


def batch_summary(report: BatchReport) -> str:
    c = report.counts
    return f"{len(report.items)} pairs: {c['ok']} done, {c['skipped']} skipped (up to date), {c['failed']} failed"
