"""Warm wall time of short CLI commands, and which heavy packages they import.

    python benchmarks/startup_bench.py            # 5 timed runs per command (after one warm-up)
    python benchmarks/startup_bench.py --runs 9
    python benchmarks/startup_bench.py --pythonpath /tmp/old/src   # another checkout's code, e.g.
                                                  # git archive HEAD src | tar -x -C /tmp/old

"Warm" means the OS file cache and subalign's embedding cache are filled by an
untimed first run (the cache lives in a temporary directory, so the user's is
untouched), so the numbers are what a user waits for when re-running a command:
interpreter start, imports, model load, and the work itself. "find NEW" searches
a phrase never searched before in each run (the film's windows are cached, the
phrase is not), so the model has to load. Target from issue 10:
``subalign find PHRASE film.srt`` in at most 1.5 s on 2 cores.

Prints a Markdown table for benchmarks/RESULTS.md with the machine line and the
1-minute load average before and after: on a shared machine wall times swell
with the load, CPU seconds (user + system) much less.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
HEAVY = ("torch", "transformers", "sentence_transformers")

FILM = str(SAMPLES / "film.zh.srt")
COMMANDS = {
    "--help": ["--help"],
    "find PHRASE film.zh.srt": ["find", "a settlement of 31.5 million yuan", FILM],
    "find NEW film.zh.srt": ["find", "{new}", FILM],
    "align review.en.txt review.zh.txt": ["align", str(SAMPLES / "review.en.txt"), str(SAMPLES / "review.zh.txt")],
}
# One unseen phrase per run of "find NEW" (and one for its warm-up).
NEW_PHRASES = [
    "the workers refused to leave the canteen", "a lawyer came from Guangzhou", "nobody believed the manager",
    "the factory owner disappeared overnight", "they had not been paid for months", "the police arrived at dawn",
    "an old worker read the contract aloud", "the union promised to help", "the money was already spent",
    "she filmed everything on her phone", "the strike lasted eleven days", "the court date was postponed",
]

# Runs the CLI in-process and reports the heavy packages it left in sys.modules.
_PROBE = """
import sys
from subalign.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("HEAVY=" + ",".join(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
"""


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("subalign")
    return [str(script)] if script.exists() else [sys.executable, "-m", "subalign.cli"]


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (KB) of one run."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4, not by Popen
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(argv)} failed: {err.read().decode(errors='replace').strip()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def _heavy_imports(args: list[str], env: dict[str, str]) -> str:
    code = _PROBE.format(heavy=HEAVY)
    err = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True).stderr
    line = [ln for ln in err.splitlines() if ln.startswith("HEAVY=")]
    return (line[-1][6:] or "none") if line else "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="timed runs per command (median reported)")
    ap.add_argument("--pythonpath", help="put this source tree first on PYTHONPATH (measure other code)")
    args = ap.parse_args()
    if args.runs + 1 > len(NEW_PHRASES):
        ap.error(f"--runs is at most {len(NEW_PHRASES) - 1}")
    load_before = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, SUBALIGN_CACHE_DIR=cache)
        if args.pythonpath:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [args.pythonpath, env.get("PYTHONPATH")]))
        for label, cmd in COMMANDS.items():
            argvs = [_cli() + [a.format(new=phrase) for a in cmd] for phrase in NEW_PHRASES[: args.runs + 1]]
            _run(argvs[0], env)  # warm-up: file cache, embedding cache
            runs = [_run(argv, env) for argv in argvs[1:]]
            walls, cpus = [w for w, _, _ in runs], [c for _, c, _ in runs]
            rss = max(r for _, _, r in runs) / 1024
            heavy = _heavy_imports(argvs[0][len(_cli()):], env)
            rows.append((label, statistics.median(walls), min(walls), max(walls), statistics.median(cpus), rss, heavy))
            print(f"{label}: median {statistics.median(walls):.2f} s", file=sys.stderr)
    load_after = os.getloadavg()[0]
    code = f"code on PYTHONPATH {args.pythonpath}" if args.pythonpath else "installed code"
    print(f"Machine: {machine()}; {code}; load average (1 min) {load_before:.2f} before, {load_after:.2f} after.\n")
    print(f"| `subalign` command (warm) | median wall s ({args.runs} runs) | min s | max s | median CPU s | peak RSS | heavy imports |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for label, med, lo, hi, cpu, rss, heavy in rows:
        print(f"| `{label}` | **{med:.2f}** | {lo:.2f} | {hi:.2f} | {cpu:.2f} | {rss:.0f} MB | {heavy} |")


if __name__ == "__main__":
    main()
