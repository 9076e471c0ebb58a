"""Peak memory and time of every command on one enormous line (issue 10, item 2).

    python benchmarks/bounded_bench.py                          # 10 KB, 100 KB, 1 MB: every command
    python benchmarks/bounded_bench.py --sizes 10M              # the slow ones, run last
    python benchmarks/bounded_bench.py --commands retime,find-cue --sizes 10K,100K

Every input is ONE line of N bytes (UTF-8) with no line break, built from the
samples: the English review with its line breaks replaced by spaces, the
Chinese review with them removed, repeated and cut at N bytes.  Per command:

=============  ==================================================================
align          ``align EN ZH -o out.tsv``
quotes         ``quotes REVIEW samples/film.zh.srt``, REVIEW = one quotation “EN”
find-cue       ``find 法律 FILM``, FILM = one SRT cue holding ZH
find-phrase    ``find EN samples/film.zh.srt`` (the phrase given in-process: argv
               cannot hold an argument over 128 KB)
retime         ``retime EN samples/film.zh.srt -o out.srt``
dual           ``dual FILM samples/dual/film.en.srt -o out.srt``
glossary       ``glossary EN ZH -o out.tsv``
report         ``report EN --translation ZH --subs samples/film.zh.srt -o out.html``
=============  ==================================================================

Each run is a fresh process (``subalign.cli.main`` with the arguments, the
default model, a fresh embedding cache, so a cold run); peak RSS is that
child's ``ru_maxrss`` from ``os.wait4``.  A run over ``--timeout`` seconds is
killed and reported as such.  Linear means: RSS minus the ~constant start-up
grows at most in proportion to N, and so does the time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from machine import machine  # benchmarks/machine.py, beside this script

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLES = ROOT / "samples"
COMMANDS = ("align", "quotes", "find-cue", "find-phrase", "retime", "dual", "glossary", "report")
SIZES = {"10K": 10_000, "100K": 100_000, "1M": 1_000_000, "10M": 10_000_000}

# The child: run the CLI in-process with the given arguments; "@file" arguments
# are replaced by the file's text (for phrases longer than argv allows).
RUNNER = """
import json, sys
args = [open(a[1:], encoding="utf-8").read() if a.startswith("@") else a for a in json.loads(sys.argv[1])]
from subalign.cli import main
main(args)
"""


def one_line(path: Path, size: int, sep: str) -> str:
    """The text of *path* on one line (line breaks replaced by *sep*), repeated to *size* UTF-8 bytes."""
    base = sep.join(line.strip() for line in path.read_text(encoding="utf-8").split("\n") if line.strip()) + sep
    reps = size // len(base.encode("utf-8")) + 1
    return (base * reps).encode("utf-8")[:size].decode("utf-8", errors="ignore").strip()


def inputs(tmp: Path, size: int) -> dict[str, Path]:
    en = one_line(SAMPLES / "review.en.txt", size - 8, " ")
    zh = one_line(SAMPLES / "review.zh.txt", size - 64, "")
    files = {
        "en": en,
        "zh": zh,
        "review": f"“{en.replace('“', '').replace('”', '')}”",
        "film": f"1\n00:00:01,000 --> 00:59:00,000\n{zh}\n",
    }
    paths = {}
    for name, text in files.items():
        path = tmp / {"film": "film.srt"}.get(name, f"{name}.txt")
        path.write_text(text + "\n", encoding="utf-8")
        paths[name] = path
    return paths


def command_args(cmd: str, p: dict[str, Path], out: Path) -> list[str]:
    film = str(SAMPLES / "film.zh.srt")
    return {
        "align": ["align", str(p["en"]), str(p["zh"]), "-o", str(out / "a.tsv")],
        "quotes": ["quotes", str(p["review"]), film, "-o", str(out / "q.tsv")],
        "find-cue": ["find", "法律", str(p["film"])],
        "find-phrase": ["find", "@" + str(p["en"]), film],
        "retime": ["retime", str(p["en"]), film, "-o", str(out / "r.srt")],
        "dual": ["dual", str(p["film"]), str(SAMPLES / "dual" / "film.en.srt"), "-o", str(out / "d.srt")],
        "glossary": ["glossary", str(p["en"]), str(p["zh"]), "-o", str(out / "g.tsv")],
        "report": ["report", str(p["en"]), "--translation", str(p["zh"]), "--subs", film, "-o", str(out / "r.html")],
    }[cmd]


def measure(args: list[str], timeout: float, env: dict) -> dict:
    """Run the CLI with *args* in a child; its exit code, seconds and peak RSS (MB)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", RUNNER, json.dumps(args)], stdout=subprocess.DEVNULL, stderr=err, env=env
        )
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - t0
        err.seek(0)
        tail = err.read().decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    return {
        "rc": "timeout" if killed.is_set() else proc.returncode,
        "seconds": round(seconds, 1),
        "rss_mb": round(usage.ru_maxrss / 1024),  # ru_maxrss is in KiB on Linux
        "last_line": tail[0][:160],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10K,100K,1M", help="comma-separated: " + ",".join(SIZES))
    ap.add_argument("--commands", default=",".join(COMMANDS), help="comma-separated: " + ",".join(COMMANDS))
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds before a run is killed")
    ap.add_argument("--json", type=Path, help="also write the rows here")
    a = ap.parse_args()
    sizes = [s.strip().upper() for s in a.sizes.split(",") if s.strip()]
    cmds = [c.strip() for c in a.commands.split(",") if c.strip()]
    for bad in [s for s in sizes if s not in SIZES] + [c for c in cmds if c not in COMMANDS]:
        ap.error(f"unknown size or command {bad!r}")
    print(f"machine: {machine()}", flush=True)
    print("| command | input | exit | seconds | peak RSS MB |", flush=True)
    print("| --- | --- | --- | --- | --- |", flush=True)
    rows = []
    for size in sizes:
        for cmd in cmds:
            with tempfile.TemporaryDirectory(prefix="subalign-bounded-") as d:
                tmp = Path(d)
                (tmp / "cache").mkdir()
                env = dict(os.environ, SUBALIGN_CACHE_DIR=str(tmp / "cache"), HF_HUB_OFFLINE="1")
                row = {"command": cmd, "size": size}
                row.update(measure(command_args(cmd, inputs(tmp, SIZES[size]), tmp), a.timeout, env))
            rows.append(row)
            print(f"| {cmd} | {size} | {row['rc']} | {row['seconds']} | {row['rss_mb']} |", flush=True)
            if row["rc"] not in (0, "timeout"):
                print(f"  (stderr: {row['last_line']})", flush=True)
    if a.json:
        a.json.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
