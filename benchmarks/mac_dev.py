"""MAC-Dev benchmark: quality, time and memory of the sentence aligner.

Aligns the six chapters of ../shared/bench/mac-dev (zh source, en target, one
sentence per line) with each model, writes ladders to benchmarks/out/, scores
them with subalign's own scorer (Vecalign/Bertalign-compatible strict and lax
P/R/F1), and reports embedding seconds, alignment seconds and peak RSS. Each
model runs in its own process with a fresh embedding cache (cold), so the
numbers include model loading and every encoding. The lexicon's index (built
once per installation) is read from the usual cache folder; its load and the
preparing of every sentence are timed as ``lexicon_s``.

    python benchmarks/mac_dev.py                      # use-m3, e5-small, ensemble
    python benchmarks/mac_dev.py --models use-m3 --max-align 7
    python benchmarks/mac_dev.py --scaling            # alignment time at 1x, 4x, 16x
    python benchmarks/mac_dev.py --no-lexicon         # embeddings only, as before issue 12

The data is read in place and never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import machine  # benchmarks/machine.py, beside this script

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "bench" / "mac-dev"


def chapters(data: Path) -> list[str]:
    """The chapter file names of MAC-Dev (shared by the other MAC-Dev scripts)."""
    names = sorted(p.name for p in (data / "zh").iterdir() if p.is_file())
    if not names:
        sys.exit(f"no chapters under {data / 'zh'}")
    return names


def chapter_docs(data: Path, name: str):
    """A chapter as every MAC-Dev script reads it: zh source, en target, one sentence per line."""
    from subalign.text.documents import document_from_text  # lazy: the parent process never aligns

    zh = (data / "zh" / name).read_text(encoding="utf-8")
    en = (data / "en" / name).read_text(encoding="utf-8")
    return document_from_text(zh, lang="zh", presplit=True), document_from_text(en, lang="en", presplit=True)


def run_model(model: str, data: Path, max_align: int, out_dir: Path, lexicon_dir: str | None = None) -> dict:
    """Align every chapter with one model (in this process) and score it; ``lexicon_dir`` None: no lexicon."""
    from subalign.aligner.core import AlignOptions, align_windows
    from subalign.aligner.lexical import lexical_sides
    from subalign.lexicon import load
    from subalign.encoders import load_encoder
    from subalign.aligner.evaluate import evaluate_paths
    from subalign.aligner.formats import to_ladder
    from subalign.types import Alignment
    from subalign.aligner.windows import embed_windows

    t0, c0 = time.perf_counter(), time.process_time()
    encoder = load_encoder(model)
    load_s = time.perf_counter() - t0
    t = time.perf_counter()
    lex = load(lexicon_dir) if lexicon_dir is not None else None
    lexicon_s = time.perf_counter() - t
    options = AlignOptions(max_align=max_align, lexicon=lex is not None)
    types = options.bead_types()
    ks, kt = max(a for a, _ in types), max(b for _, b in types)
    embed_s = align_s = 0.0
    tag = f"{model.replace('/', '_')}.ma{max_align}" + ("" if lex is not None else ".nolex")
    test_dir = out_dir / tag
    test_dir.mkdir(parents=True, exist_ok=True)
    n_src = n_tgt = 0
    for name in chapters(data):
        src, tgt = chapter_docs(data, name)
        n_src += len(src)
        n_tgt += len(tgt)
        t = time.perf_counter()
        sw = embed_windows(src, encoder, ks, options.exact_window)
        tw = embed_windows(tgt, encoder, kt, options.exact_window)
        embed_s += time.perf_counter() - t
        t = time.perf_counter()
        sides = lexical_sides(src, tgt, lex) if lex is not None else None
        lexicon_s += time.perf_counter() - t
        t = time.perf_counter()
        links = align_windows(sw, tw, options, sides)
        align_s += time.perf_counter() - t
        (test_dir / f"{name}.align").write_text(to_ladder(Alignment(src, tgt, links, model)), encoding="utf-8")
    total, _ = evaluate_paths(data / "gold", test_dir)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu_s = time.process_time() - c0
    return {
        "model": model,
        "max_align": max_align,
        "lexicon": lex is not None,
        "sentences": [n_src, n_tgt],
        "strict": [round(total.strict_p, 4), round(total.strict_r, 4), round(total.strict_f1, 4)],
        "lax": [round(total.lax_p, 4), round(total.lax_r, 4), round(total.lax_f1, 4)],
        "load_s": round(load_s, 2),
        "embed_s": round(embed_s, 2),
        "lexicon_s": round(lexicon_s, 2),
        "align_s": round(align_s, 2),
        "total_s": round(load_s + embed_s + lexicon_s + align_s, 2),
        "cpu_s": round(cpu_s, 2),
        "peak_rss_mb": round(peak_mb),
    }


def run_scaling(data: Path, factors: list[int], max_align: int, lexicon: bool = True) -> list[dict]:
    """Alignment time (embedding excluded) for the dev set repeated 1x, 4x, 16x.

    With the lexicon, preparing the sentences is timed apart (``prepare_s``: linear by
    construction, one call per sentence) and ``align_s`` includes the sentence-pair
    comparisons inside the band and both passes. CPU seconds are reported beside wall
    seconds: on a shared 2-core machine they are the steadier measure of growth.
    """
    from subalign.aligner.core import AlignOptions, align_windows
    from subalign.aligner.lexical import lexical_sides
    from subalign.lexicon import load
    from subalign.text.documents import document_from_text
    from subalign.encoders import load_encoder
    from subalign.aligner.windows import embed_windows

    encoder = load_encoder("use-m3")
    names = chapters(data)
    zh = "".join((data / "zh" / n).read_text(encoding="utf-8") for n in names)
    en = "".join((data / "en" / n).read_text(encoding="utf-8") for n in names)
    options = AlignOptions(max_align=max_align, lexicon=lexicon)
    types = options.bead_types()
    ks, kt = max(a for a, _ in types), max(b for _, b in types)
    lex = load() if lexicon else None
    rows = []
    for f in factors:
        src = document_from_text(zh * f, lang="zh", presplit=True)
        tgt = document_from_text(en * f, lang="en", presplit=True)
        sw = embed_windows(src, encoder, ks)  # cached after the first factor
        tw = embed_windows(tgt, encoder, kt)
        t, c = time.perf_counter(), time.process_time()
        sides = lexical_sides(src, tgt, lex) if lex is not None else None
        prep, prep_cpu = time.perf_counter() - t, time.process_time() - c
        t, c = time.perf_counter(), time.process_time()
        align_windows(sw, tw, options, sides)
        secs, cpu = time.perf_counter() - t, time.process_time() - c
        rows.append({
            "factor": f, "sentences": [len(src), len(tgt)], "lexicon": lexicon,
            "prepare_s": round(prep, 2), "prepare_cpu_s": round(prep_cpu, 2),
            "align_s": round(secs, 2), "align_cpu_s": round(cpu, 2),
        })
        print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--models", nargs="+", default=["use-m3", "e5-small", "use-m3+e5-small"])
    ap.add_argument("--max-align", type=int, nargs="+", default=[5])
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--scaling", action="store_true", help="measure alignment time at 1x, 4x, 16x instead")
    ap.add_argument("--no-lexicon", action="store_true", help="embeddings only (the aligner before issue 12)")
    ap.add_argument("--factors", type=int, nargs="+", default=[1, 4, 16], help="with --scaling")
    ap.add_argument("--lexicon-dir", help=argparse.SUPPRESS)  # internal: where the parent's lexicon index is
    ap.add_argument("--single", help=argparse.SUPPRESS)  # internal: one model in this process
    args = ap.parse_args()
    if not (args.data / "gold").is_dir():
        sys.exit(f"MAC-Dev not found at {args.data} (expected zh/, en/, gold/)")
    if args.single:
        print(json.dumps(run_model(args.single, args.data, args.max_align[0], args.out, args.lexicon_dir)))
        return
    if args.scaling:
        run_scaling(args.data, args.factors, args.max_align[0], not args.no_lexicon)
        return
    lexicon_dir = None
    if not args.no_lexicon:
        from subalign.lexicon import load
        from subalign.text.cachedir import cache_dir

        lexicon_dir = str(cache_dir())
        load(lexicon_dir)  # built once per installation, outside the timed runs
    print(f"machine: {machine()}")
    for model in args.models:
        for ma in args.max_align:
            with tempfile.TemporaryDirectory() as cache:  # cold cache per run
                env = dict(os.environ, SUBALIGN_CACHE_DIR=cache)
                cmd = [sys.executable, __file__, "--data", str(args.data), "--out", str(args.out), "--single", model, "--max-align", str(ma)]
                if lexicon_dir is not None:
                    cmd += ["--lexicon-dir", lexicon_dir]
                res = subprocess.run(cmd, env=env, capture_output=True, text=True)
            if res.returncode:
                print(f"{model}: failed: {res.stderr.strip().splitlines()[-1:]}")
                continue
            print(res.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
