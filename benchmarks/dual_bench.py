"""Dual-subtitle benchmark: link quality on samples/dual and speed on a 1,500+-cue pair.

    python benchmarks/dual_bench.py              # quality and speed, prints a Markdown report
    python benchmarks/dual_bench.py --quality    # quality only
    python benchmarks/dual_bench.py --speed

Quality: links of ``align_cues`` (film.zh.srt = A, film.en.srt = B) against
samples/dual/gold.json as exact sets (a link counts only if both its cue sets
equal the gold ones); "all" counts unmatched cues (links with an empty side)
too, "matched" only links with both sides.  Also shows the recovered offset and
drift, and two baselines: meaning only (no time term) and time overlap only
(no offset correction, cues joined when they overlap by >= 30 % of the shorter
one), which is what merging tools do.  A second pair regenerated from the
sample builder with a larger shift (offset -11.5 s, drift -0.4 %, i.e. 25 vs
24.9 fps) shows the clock fit on a harder case.

Speed: the sample's units repeated 16 times with shifted times (1,680 Chinese
and 1,536 English cues, ~2.5 h of film), offset 3.2 s, drift 0.1 %.  Each run
is a fresh process (model loading counts); "cold" uses an empty embedding
cache, "warm" reuses it.  ``dual`` = read both files, align, merge, write SRT.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import machine  # benchmarks/machine.py, beside this script

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = ROOT / "samples" / "dual"


def _builder():
    spec = importlib.util.spec_from_file_location("dual_sample_build", SAMPLE / "build.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _prf(test: set, gold: set) -> tuple[float, float, float]:
    tp = len(test & gold)
    p = tp / len(test) if test else 0.0
    r = tp / len(gold) if gold else 0.0
    return p, r, (2 * p * r / (p + r) if tp else 0.0)


def _sets(links) -> tuple[set, set]:
    full = set(links)
    return full, {lk for lk in full if lk[0] and lk[1]}


def _overlap_baseline(a, b) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Time overlap only, no offset correction: connected components of overlapping cues."""
    parent = {("a", c.number): ("a", c.number) for c in a} | {("b", c.number): ("b", c.number) for c in b}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    j0 = 0
    for ca in a:
        while j0 < len(b) and b[j0].end_ms <= ca.start_ms:
            j0 += 1
        j = j0
        while j < len(b) and b[j].start_ms < ca.end_ms:
            cb = b[j]
            inter = min(ca.end_ms, cb.end_ms) - max(ca.start_ms, cb.start_ms)
            shorter = min(ca.end_ms - ca.start_ms, cb.end_ms - cb.start_ms)
            if inter > 0 and inter >= 0.3 * shorter:
                parent[find(("a", ca.number))] = find(("b", cb.number))
            j += 1
    groups: dict = {}
    for key in parent:
        groups.setdefault(find(key), []).append(key)
    out = []
    for members in groups.values():
        out.append((tuple(sorted(n for s, n in members if s == "a")), tuple(sorted(n for s, n in members if s == "b"))))
    return out


def _cues(rows):
    from subalign.types import Cue

    return [Cue(k + 1, k, s, e, t, " ".join(t.split())) for k, (s, e, t) in enumerate(rows)]


def quality() -> list[str]:
    from subalign.subs.cuealign import DualOptions, align_cues
    from subalign.encoders import load_encoder
    from subalign.subs.read import read_subtitles

    enc = load_encoder("use-m3")
    gold_doc = json.loads((SAMPLE / "gold.json").read_text(encoding="utf-8"))
    cases = [
        ("samples/dual (offset +2.35 s, drift +0.12 %)", read_subtitles(SAMPLE / "film.zh.srt"),
         read_subtitles(SAMPLE / "film.en.srt"), gold_doc["links"], gold_doc["offset"], gold_doc["drift"]),
    ]
    zh, en, gold = _builder().build(offset=-11.5, drift=-0.004, start_ms=30_000)
    cases.append(("regenerated (offset -11.5 s, drift -0.4 %)", _cues(zh), _cues(en), gold, -11.5, -0.004))
    rows = [
        "| pair | method | links | P (all) | R (all) | F1 (all) | F1 (matched) | offset s (gold) | drift % (gold) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, a, b, gold_links, g_off, g_drift in cases:
        g_all, g_matched = _sets((tuple(g["a"]), tuple(g["b"])) for g in gold_links)
        for method, opts in (("meaning + time (default)", DualOptions()), ("meaning only", DualOptions(time_weight=0.0, gap_penalty=0.0))):
            r = align_cues(a, b, enc, opts, lang_a="zh", lang_b="en")
            links = [(tuple(r.a[i].number for i in lk.a), tuple(r.b[j].number for j in lk.b)) for lk in r.links]
            t_all, t_m = _sets(links)
            p, rc, f = _prf(t_all, g_all)
            fm = _prf(t_m, g_matched)[2]
            rows.append(
                f"| {name} | {method} | {len(links)} | {p:.3f} | {rc:.3f} | {f:.3f} | {fm:.3f} | "
                f"{r.offset_ms / 1000:+.3f} ({g_off:+.3f}) | {r.drift * 100:+.4f} ({g_drift * 100:+.4f}) |"
            )
        import dataclasses

        def unshift(c, g_off=g_off, g_drift=g_drift):
            return dataclasses.replace(
                c, start_ms=int((c.start_ms - g_off * 1000) / (1 + g_drift)), end_ms=int((c.end_ms - g_off * 1000) / (1 + g_drift))
            )

        for method, bb in (("time overlap only", b), ("time overlap, gold clock correction", [unshift(c) for c in b])):
            links = _overlap_baseline(a, bb)
            t_all, t_m = _sets(links)
            p, rc, f = _prf(t_all, g_all)
            rows.append(
                f"| {name} | {method} | {len(links)} | {p:.3f} | {rc:.3f} | {f:.3f} | {_prf(t_m, g_matched)[2]:.3f} | - | - |"
            )
    kinds: dict[str, int] = {}
    for g in gold_doc["links"]:
        k = f"{len(g['a'])}-{len(g['b'])}"
        kinds[k] = kinds.get(k, 0) + 1
    rows.append("")
    rows.append(f"Gold links of samples/dual: {len(gold_doc['links'])} ({', '.join(f'{k}: {v}' for k, v in sorted(kinds.items()))}).")
    return rows


_RUN = r"""
import sys, time
t0 = time.perf_counter()
from typer.testing import CliRunner
import typer
from subalign.cli.subs import dual
app = typer.Typer(); app.command("dual")(dual); app.command("x")(lambda: None)
res = CliRunner().invoke(app, ["dual", sys.argv[1], sys.argv[2], "-o", sys.argv[3], "--report", sys.argv[4]])
assert res.exit_code == 0, res.output
print(time.perf_counter() - t0)
print(res.output.strip().splitlines()[-3] if res.output else "")
"""


def speed(runs: int = 1) -> list[str]:
    mod = _builder()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        zh, en, gold = mod.build(offset=3.2, drift=0.001, repeat=16)
        (tmpd / "a.srt").write_text(mod._srt(zh), encoding="utf-8")
        (tmpd / "b.srt").write_text(mod._srt(en), encoding="utf-8")
        env = dict(os.environ, SUBALIGN_CACHE_DIR=str(tmpd / "cache"))
        times = {}
        for label in ["cold"] + ["warm"] * runs:
            cmd = [sys.executable, "-c", _RUN, str(tmpd / "a.srt"), str(tmpd / "b.srt"), str(tmpd / "out.srt"), str(tmpd / "rep.json")]
            t = time.perf_counter()
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
            wall = time.perf_counter() - t
            times.setdefault(label, []).append(wall)
        os.environ["SUBALIGN_CACHE_DIR"] = str(tmpd / "cache")
        from subalign.subs.cuealign import align_cues
        from subalign.encoders import load_encoder

        enc = load_encoder("use-m3")
        t = time.perf_counter()
        align_cues(_cues(zh), _cues(en), enc)
        in_process = time.perf_counter() - t
        rep = json.loads((tmpd / "rep.json").read_text(encoding="utf-8"))
        test = {(tuple(x["a"]), tuple(x["b"])) for x in rep["links"]}
        g = {(tuple(x["a"]), tuple(x["b"])) for x in gold}
        f = _prf(test, g)[2]
        rows.append(f"- pair: {len(zh)} zh cues / {len(en)} en cues, {len(gold)} gold links")
        rows.append(f"- dual, cold cache (fresh process, model load + encoding + align + write): {min(times['cold']):.1f} s")
        rows.append(f"- dual, warm cache: {min(times['warm']):.1f} s")
        rows.append(f"- align_cues alone, model loaded, warm cache (language detection, windows, 3 DP passes, fits): {in_process:.1f} s")
        rows.append(f"- link F1 on this pair: {f:.3f}; offset {rep['offset']:+.3f} s (gold +3.200), drift {rep['drift'] * 100:+.4f} % (gold +0.1000)")
        rows.append(f"- last stderr line: `{proc.stdout.strip().splitlines()[-1]}`")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quality", action="store_true")
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    both = not (args.quality or args.speed)
    print(f"Machine: {machine()}\n")
    if args.quality or both:
        print("\n".join(quality()))
        print()
    if args.speed or both:
        print("\n".join(speed(args.runs)))


if __name__ == "__main__":
    main()
