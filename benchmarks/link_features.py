"""Per-link features and gold labels on MAC-Dev, for fitting link confidence.

Aligns each chapter of ../shared/bench/mac-dev (zh source, en target) with the
default model and options exactly as ``subalign align`` does, then for every
output link records what the aligner knew when it chose it (the terms of the
bead score including the lexical and quote-mark terms, the bead type, its
neighbours, and how far the runner-up bead at its DP cell was behind, which the
DP returns with the path) and whether the link is in the gold ladder (strict).
``fit_confidence.py`` reads the table this writes.

    python benchmarks/link_features.py                  # -> benchmarks/out/link_features.json
    python benchmarks/link_features.py --no-lexicon     # the aligner without its lexical term

Window embeddings are cached in benchmarks/out/windows/ (git-ignored), so a
second run only re-aligns. The data is read in place, never copied.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from functools import cache
from pathlib import Path

import numpy as np

from subalign.aligner.confidence import link_features
from subalign.aligner.core import AlignOptions, align_path, align_windows
from subalign.aligner.formats import parse_ladder
from subalign.aligner.lexical import lexical_sides
from subalign.aligner.scoring import Windows
from subalign.aligner.windows import embed_windows
from subalign.encoders import load_encoder
from subalign.text.documents import load_document

from mac_dev import DEFAULT_DATA, HERE, chapter_docs, chapters  # beside this script


def cached_windows(doc, get_encoder, kmax: int, exact: int, path: Path):
    """``embed_windows`` with the result kept in an .npz; the encoder is loaded only on a miss."""
    if path.exists():
        z = np.load(path)
        if int(z["kmax"]) >= kmax and int(z["n"]) == len(doc):
            return Windows([None] + [z[f"e{k}"] for k in range(1, kmax + 1)], z["lens"], z["paras"])
    w = embed_windows(doc, get_encoder(), kmax, exact)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, kmax=kmax, n=len(doc), lens=w.lens, paras=w.paras, **{f"e{k}": w.emb[k] for k in range(1, kmax + 1)})
    return w


def chapter_windows(data: Path, name: str, model: str, options):
    types = options.bead_types()
    ks, kt = max(a for a, _ in types), max(b for _, b in types)
    src, tgt = chapter_docs(data, name)
    folder = HERE / "out" / "windows"
    get_encoder = cache(lambda: load_encoder(model))
    sw = cached_windows(src, get_encoder, ks, options.exact_window, folder / f"{model}.{name}.zh.npz")
    tw = cached_windows(tgt, get_encoder, kt, options.exact_window, folder / f"{model}.{name}.en.npz")
    return src, tgt, sw, tw


def gold_beads(data: Path, name: str) -> set[tuple[tuple[int, ...], tuple[int, ...]]]:
    path = data / "gold" / f"{name}.align"
    return {(tuple(l.src), tuple(l.tgt)) for l in parse_ladder(path.read_text(encoding="utf-8"), path)}


def chapter_rows(data: Path, name: str, model: str, options) -> list[dict]:
    """Feature rows (one per output link) of one MAC-Dev chapter."""
    src, tgt, sw, tw = chapter_windows(data, name, model, options)
    return link_rows(name, src, tgt, sw, tw, gold_beads(data, name), options)


def link_rows(tag: str, src, tgt, sw, tw, gold: set, options) -> list[dict]:
    """Align as the aligner does; one row of features and the strict label per link.

    The path, its score terms and the runner-up gaps come from the aligner's own
    DP (``align_path``), so the features are exactly those ``subalign align`` uses.
    """
    lexical = lexical_sides(src, tgt) if options.lexicon else None
    path = align_path(sw, tw, options, lexical)
    links = align_windows(sw, tw, options, lexical)
    assert [(l.src, l.tgt) for l in links] == [(tuple(range(i0, i1)), tuple(range(j0, j1))) for i0, i1, j0, j1 in path.beads]
    feats = link_features(path.beads, path.terms(), path.gaps)
    rows = []
    for k, l in enumerate(links):
        row = {"chapter": tag, "kind": l.kind, "label": int((tuple(l.src), tuple(l.tgt)) in gold)}
        row.update({f: float(v[k]) for f, v in feats.items()})
        rows.append(row)
    return rows


def pair_rows(src_path: Path, tgt_path: Path, gold_path: Path, model: str, options) -> list[dict]:
    """Rows for any pre-split pair with a gold ladder (one sentence per line, blank line = paragraph)."""
    src, tgt = load_document(src_path, presplit=True), load_document(tgt_path, presplit=True)
    types = options.bead_types()
    encoder = load_encoder(model)
    sw = embed_windows(src, encoder, max(a for a, _ in types), options.exact_window)
    tw = embed_windows(tgt, encoder, max(b for _, b in types), options.exact_window)
    gold = {(tuple(l.src), tuple(l.tgt)) for l in parse_ladder(gold_path.read_text(encoding="utf-8"), gold_path)}
    return link_rows(src_path.name, src, tgt, sw, tw, gold, options)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--model", default="use-m3")
    ap.add_argument("--max-align", type=int, default=5)
    ap.add_argument("--no-lexicon", action="store_true", help="align without the lexical term (AlignOptions.lexicon)")
    ap.add_argument("--pair", type=Path, nargs=3, metavar=("SRC", "TGT", "GOLD"),
                    help="instead of MAC-Dev: one pre-split pair and its gold ladder (a calibration check)")
    ap.add_argument("--out", type=Path, default=HERE / "out" / "link_features.json")
    args = ap.parse_args()

    options = AlignOptions(max_align=args.max_align, lexicon=not args.no_lexicon)
    t = time.perf_counter()
    if args.pair:
        parts = [pair_rows(*args.pair, args.model, options)]
    else:
        if not (args.data / "gold").is_dir():
            sys.exit(f"MAC-Dev not found at {args.data} (expected zh/, en/, gold/)")
        parts = [chapter_rows(args.data, name, args.model, options) for name in chapters(args.data)]
    rows = []
    for part in parts:
        name = part[0]["chapter"] if part else "?"
        rows += part
        acc = np.mean([r["label"] for r in part])
        print(f"{name}: {len(part)} links, strict precision {acc:.3f}", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"model": args.model, "max_align": args.max_align, "lexicon": not args.no_lexicon}
    args.out.write_text(json.dumps({"meta": meta, "rows": rows}), encoding="utf-8")
    print(f"{len(rows)} links in {time.perf_counter() - t:.1f} s -> {args.out}")


if __name__ == "__main__":
    main()
