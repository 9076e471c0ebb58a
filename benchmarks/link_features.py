"""Per-link features and gold labels on MAC-Dev, for fitting link confidence.

Aligns each chapter of ../shared/bench/mac-dev (zh source, en target) with the
default model and options exactly as ``subalign align`` does, then for every
output link records what the aligner knew when it chose it (the terms of the
bead score, the bead type, its neighbours, and how far the runner-up bead at
its DP cell was behind) and whether the link is in the gold ladder (strict).
``fit_confidence.py`` reads the table this writes.

    python benchmarks/link_features.py                  # -> benchmarks/out/link_features.json
    python benchmarks/link_features.py --lexicon        # + lexical evidence columns (subalign.lexicon)

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

from subalign.aligner.band import coarse_path
from subalign.aligner.confidence import bead_terms, end_cell_gaps, link_features
from subalign.aligner.core import AlignOptions, align_windows
from subalign.aligner.dp import NEG, band_around
from subalign.aligner.formats import parse_ladder
from subalign.aligner.scoring import BeadScorer, Windows
from subalign.aligner.windows import embed_windows
from subalign.encoders import load_encoder
from subalign.text.documents import document_from_text, load_document

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "bench" / "mac-dev"


def chapters(data: Path) -> list[str]:
    names = sorted(p.name for p in (data / "zh").iterdir() if p.is_file())
    if not names:
        sys.exit(f"no chapters under {data / 'zh'}")
    return names


def chapter_docs(data: Path, name: str):
    """A MAC-Dev chapter as mac_dev.py reads it: zh source, en target, one sentence per line."""
    zh = (data / "zh" / name).read_text(encoding="utf-8")
    en = (data / "en" / name).read_text(encoding="utf-8")
    return document_from_text(zh, lang="zh", presplit=True), document_from_text(en, lang="en", presplit=True)


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


def chapter_rows(data: Path, name: str, model: str, options, lexicon: bool) -> list[dict]:
    """Feature rows (one per output link) of one MAC-Dev chapter."""
    src, tgt, sw, tw = chapter_windows(data, name, model, options)
    return link_rows(name, src, tgt, sw, tw, gold_beads(data, name), options, lexicon)


def link_rows(tag: str, src, tgt, sw, tw, gold: set, options, lexicon: bool) -> list[dict]:
    """Align as the aligner does; one row of features and the strict label per link."""
    links = align_windows(sw, tw, options)
    beads, i, j = [], 0, 0  # the links cover both sides in order, so they are the DP's beads
    for l in links:
        beads.append((i, i + len(l.src), j, j + len(l.tgt)))
        i, j = i + len(l.src), j + len(l.tgt)
    terms = bead_terms(sw, tw, options.score, beads)
    gaps = runner_up_gaps(sw, tw, options, beads)
    extra = lexical_columns(src, tgt, links) if lexicon else {}
    feats = link_features(terms, gaps, extra)
    rows = []
    for k, l in enumerate(links):
        row = {"chapter": tag, "kind": l.kind, "label": int((tuple(l.src), tuple(l.tgt)) in gold)}
        row.update({f: float(v[k]) for f, v in feats.items()})
        rows.append(row)
    return rows


def pair_rows(src_path: Path, tgt_path: Path, gold_path: Path, model: str, options, lexicon: bool) -> list[dict]:
    """Rows for any pre-split pair with a gold ladder (one sentence per line, blank line = paragraph)."""
    src, tgt = load_document(src_path, presplit=True), load_document(tgt_path, presplit=True)
    types = options.bead_types()
    encoder = load_encoder(model)
    sw = embed_windows(src, encoder, max(a for a, _ in types), options.exact_window)
    tw = embed_windows(tgt, encoder, max(b for _, b in types), options.exact_window)
    gold = {(tuple(l.src), tuple(l.tgt)) for l in parse_ladder(gold_path.read_text(encoding="utf-8"), gold_path)}
    return link_rows(src_path.name, src, tgt, sw, tw, gold, options, lexicon)


def forward_rows(n, m, lo, hi, bead_types, score_fn) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The forward table of :func:`subalign.aligner.dp.band_dp` (best path score
    into every band cell), re-derived here because band_dp keeps it private,
    and beside it the runner-up into every cell (best path through another bead
    type). Same recurrence as band_dp; the lines marked ``# +`` are all that
    band_dp would need to return the runner-up itself (see RESULTS.md)."""

    ins = next((t for t, ab in enumerate(bead_types) if ab == (0, 1)), None)
    best: list[np.ndarray] = []
    second: list[np.ndarray] = []
    for i in range(n + 1):
        width = int(hi[i] - lo[i] + 1)
        row = np.full(width, NEG)
        row2 = np.full(width, NEG)  # +
        if i == 0:
            row[0] = 0.0
        js_all = np.arange(lo[i], hi[i] + 1)
        for a, b in bead_types:
            p = i - a
            if a == 0 or p < 0:
                continue
            j_lo, j_hi = max(int(lo[i]), int(lo[p]) + b), min(int(hi[i]), int(hi[p]) + b)
            if j_hi < j_lo:
                continue
            js = js_all[j_lo - lo[i] : j_hi - lo[i] + 1]
            prev = best[p][js - b - lo[p]]
            cand = np.where(prev > NEG / 2, prev + score_fn(i, a, b, js), NEG)
            sl = slice(j_lo - lo[i], j_hi - lo[i] + 1)
            row2[sl] = np.maximum(row2[sl], np.minimum(row[sl], cand))  # +
            row[sl] = np.maximum(row[sl], cand)
        if ins is not None and width > 1:
            s = np.zeros(width)
            s[1:] = score_fn(i, 0, 1, js_all[1:])
            pre = np.cumsum(s)
            run = np.maximum.accumulate(row - pre) + pre
            moved = run > row + 1e-12
            chained = np.maximum(row, run)
            insert = np.concatenate([[NEG], chained[:-1] + s[1:]])  # + the 0-1 candidate of each cell
            row2 = np.where(moved, row, np.maximum(row2, np.minimum(insert, chained)))  # +
            row = chained
        best.append(row)
        second.append(row2)
    return best, second


def runner_up_gaps(sw, tw, options, beads) -> np.ndarray:
    """:func:`end_cell_gaps` over the band and forward table the aligner had."""
    n, m = sw.n, tw.n
    types = options.bead_types()
    pairs = (sw.emb[2], tw.emb[2]) if len(sw.emb) > 2 and len(tw.emb) > 2 else None
    path = coarse_path(sw.emb[1], tw.emb[1], sw.lens, tw.lens, pairs)
    lo, hi = band_around(path, n, m, options.band_width)
    scorer = BeadScorer(sw, tw, options.score)
    rows, second = forward_rows(n, m, lo, hi, types, scorer)
    total = sum(float(scorer(i1, i1 - i0, j1 - j0, np.array([j1]))[0]) for i0, i1, j0, j1 in beads)
    # The re-derived table must be the aligner's: its best score is the path's.
    assert abs(rows[n][m - lo[n]] - total) < 1e-6 * max(1.0, abs(total)), (rows[n][m - lo[n]], total)
    gaps = end_cell_gaps(rows, lo, types, scorer, beads)
    # The runner-up tracked inside the DP gives the same gaps with no extra scorer calls.
    tracked = np.array([rows[i1][j1 - lo[i1]] - second[i1][j1 - lo[i1]] for _, i1, _, j1 in beads])
    tracked[np.array([second[i1][j1 - lo[i1]] <= NEG / 2 for _, i1, _, j1 in beads])] = np.inf
    assert np.allclose(np.minimum(gaps, 9.0), np.minimum(tracked, 9.0), atol=1e-5), np.abs(gaps - tracked).max()
    return gaps


def lexical_columns(src, tgt, links) -> dict[str, np.ndarray]:
    """IDF-weighted lexical coverage of each link on each side (see ``subalign.lexicon``)."""
    from subalign import lexicon  # lazy: optional, built by another helper; only --lexicon needs it

    cov_src, cov_tgt = np.zeros(len(links)), np.zeros(len(links))
    zh_is_src = src.lang == "zh"
    for k, l in enumerate(links):
        if not (l.src and l.tgt):
            continue
        s_text = ("" if zh_is_src else " ").join(src.texts[i] for i in l.src)
        t_text = (" " if zh_is_src else "").join(tgt.texts[j] for j in l.tgt)
        en, zh = (t_text, s_text) if zh_is_src else (s_text, t_text)
        ev = lexicon.evidence(en, zh)
        cov_en, cov_zh = ev.en_coverage, ev.zh_coverage
        cov_src[k], cov_tgt[k] = (cov_zh, cov_en) if zh_is_src else (cov_en, cov_zh)
    return {"lex_src": cov_src, "lex_tgt": cov_tgt}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--model", default="use-m3")
    ap.add_argument("--max-align", type=int, default=5)
    ap.add_argument("--lexicon", action="store_true", help="add lexical evidence columns (needs subalign.lexicon)")
    ap.add_argument("--pair", type=Path, nargs=3, metavar=("SRC", "TGT", "GOLD"),
                    help="instead of MAC-Dev: one pre-split pair and its gold ladder (a calibration check)")
    ap.add_argument("--out", type=Path, default=HERE / "out" / "link_features.json")
    args = ap.parse_args()

    options = AlignOptions(max_align=args.max_align)
    t = time.perf_counter()
    if args.pair:
        parts = [pair_rows(*args.pair, args.model, options, args.lexicon)]
    else:
        if not (args.data / "gold").is_dir():
            sys.exit(f"MAC-Dev not found at {args.data} (expected zh/, en/, gold/)")
        parts = [chapter_rows(args.data, name, args.model, options, args.lexicon) for name in chapters(args.data)]
    rows = []
    for part in parts:
        name = part[0]["chapter"] if part else "?"
        rows += part
        acc = np.mean([r["label"] for r in part])
        print(f"{name}: {len(part)} links, strict precision {acc:.3f}", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"model": args.model, "max_align": args.max_align, "lexicon": args.lexicon}
    args.out.write_text(json.dumps({"meta": meta, "rows": rows}), encoding="utf-8")
    print(f"{len(rows)} links in {time.perf_counter() - t:.1f} s -> {args.out}")


if __name__ == "__main__":
    main()
