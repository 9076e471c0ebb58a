"""Big-document scaling through the batch path: time and peak RSS per size.

A synthetic book-length pair is made by concatenating samples/review.en.txt and
samples/review.zh.txt until each side has at least N sentences (5k/20k/50k).
Each size runs in its own subprocess (one ``subalign.batch.core.run_batch`` job,
``jobs=1``, the normal model and on-disk embedding cache) so that
``resource.getrusage(RUSAGE_SELF).ru_maxrss`` is that size's peak.  A warm-up
run fills a private embedding cache first, so the numbers are alignment time
(segmentation, cache look-ups, banded DP, writing the TMX) plus the model load.

Usage: .venv/bin/python benchmarks/batch_bench.py [--sizes 5000,20000,50000] [--model use-m3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def make_pair(n: int, folder: Path) -> tuple[Path, Path, int, int]:
    en = (SAMPLES / "review.en.txt").read_text(encoding="utf-8").strip()
    zh = (SAMPLES / "review.zh.txt").read_text(encoding="utf-8").strip()
    en_n, zh_n = 54, 51  # sentences per copy (samples/README.md)
    reps = -(-n // min(en_n, zh_n))
    s, t = folder / f"book{n}.en.txt", folder / f"book{n}.zh.txt"
    s.write_text("\n\n".join([en] * reps) + "\n", encoding="utf-8")
    t.write_text("\n\n".join([zh] * reps) + "\n", encoding="utf-8")
    return s, t, reps * en_n, reps * zh_n


def child(n: int, model: str, folder: Path) -> None:
    import resource

    from subalign import batch as b

    s, t, ns, nt = make_pair(n, folder)
    row = b.BatchRow(1, "align", s, t, f"book{n}.tmx", {})
    t0 = time.perf_counter()
    rep = b.run_batch([row], folder / "out", model=model, jobs=1, resume=False)
    wall = time.perf_counter() - t0
    it = rep.items[0]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    print(json.dumps({"n": n, "src": ns, "tgt": nt, "status": it["status"], "error": it["error"],
                      "pair_s": it["seconds"], "wall_s": round(wall, 2), "peak_rss_mb": round(rss, 1),
                      "summary": it["summary"]}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="5000,20000,50000")
    ap.add_argument("--model", default="use-m3")
    ap.add_argument("--child", type=int)
    ap.add_argument("--folder")
    a = ap.parse_args()
    if a.child:
        child(a.child, a.model, Path(a.folder))
        return
    sizes = [int(x) for x in a.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SUBALIGN_CACHE_DIR": str(Path(tmp) / "cache")}
        run = lambda n: subprocess.run(
            [sys.executable, __file__, "--child", str(n), "--folder", tmp, "--model", a.model],
            env=env, capture_output=True, text=True, check=True,
        ).stdout.strip().splitlines()[-1]
        run(100)  # warm the embedding cache (the book repeats the samples)
        rows = [json.loads(run(n)) for n in sizes]
    base = rows[0]
    print("| target | sentences (en / zh) | pair s | s per 1k en | vs linear | peak RSS MB |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        ratio = (r["pair_s"] / base["pair_s"]) / (r["src"] / base["src"])
        print(f"| {r['n']:,} | {r['src']:,} / {r['tgt']:,} | {r['pair_s']:.1f} | {1000 * r['pair_s'] / r['src']:.2f} "
              f"| {ratio:.2f}× | {r['peak_rss_mb']:.0f} |")
    print(json.dumps(rows), file=sys.stderr)


if __name__ == "__main__":
    main()
