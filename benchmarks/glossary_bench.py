"""Glossary quality and speed.

Quality: samples/review.en.txt + review.zh.txt against samples/glossary.gold.tsv.
A predicted pair is correct when its (en, zh) is a gold row (type not required);
name precision counts predicted pairs typed person/place/org/work, name recall counts
gold rows of those types found with any type; terms likewise. English term keys are
lemmatised (singular), as is the gold.

Speed: the sample pair repeated to >= 5,000 English sentences, end to end
(segmentation, alignment, extraction, pairing), embedding cache off.

Term pairs need lexical support (issue 12): the "support" line counts the term pairs by
the evidence that let them in (dict, number, translit, embedding+cooc); ``--list-terms``
prints every term pair, marked OK when it is a gold row, for judging the others by hand.

``--terms-gold full`` also scores term precision against samples/glossary.terms-full.tsv
(the key-term gold rows plus a blind second annotation of every term pair in the text,
see its header): a predicted term pair counts as correct when it is a row of either file.
Term recall stays against the key-term gold; recall of the full list is printed as a
separate line for information.

Usage: .venv/bin/python benchmarks/glossary_bench.py [--no-speed] [--model use-m3] [--list-terms]
       [--terms-gold key|full]
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import machine

from subalign.api import align_files, get_encoder
from subalign.glossary.pairing import build_glossary
from subalign.glossary.candidates import NAME_TYPES

gold_all_pairs: set = set()

FULL_TERMS = ROOT / "samples" / "glossary.terms-full.tsv"


def read_full_terms(path: Path) -> set:
    """(en, zh) pairs of a glossary.terms-full.tsv (``#`` lines are its header notes)."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return {(r["en"], r["zh"]) for r in csv.DictReader(lines, delimiter="\t")}


def full_terms_line(label: str, pred_terms: set, key_gold: set, full: set, pred_all: set) -> str:
    """Term precision against key gold + full list; recall against the key gold and the full list."""
    correct = full | gold_all_pairs
    tp = len(pred_terms & correct)
    p = tp / len(pred_terms) if pred_terms else 1.0
    r_key = len(key_gold & pred_all) / len(key_gold) if key_gold else 1.0
    r_full = len(full & pred_all) / len(full) if full else 1.0
    return (
        f"{label}: precision {p:.3f} ({tp}/{len(pred_terms)}), recall {r_key:.3f} (of {len(key_gold)} key gold); "
        f"recall of the full list {r_full:.3f} ({len(full & pred_all)}/{len(full)}, for information)"
    )


def prf(pred: set, gold: set, pred_all: set) -> tuple[float, float, int, int, int]:
    """Precision of ``pred`` against every gold pair; recall of ``gold`` among all predictions."""
    tp_p = len(pred & gold_all_pairs)
    p = tp_p / len(pred) if pred else 1.0
    r = len(gold & pred_all) / len(gold) if gold else 1.0
    return p, r, tp_p, len(pred), len(gold)


def quality(model: str, min_score: float) -> tuple[dict, list]:
    global gold_all_pairs
    gold_rows = list(csv.DictReader((ROOT / "samples/glossary.gold.tsv").read_text(encoding="utf-8").splitlines(), delimiter="\t"))
    gold_all_pairs = {(g["en"], g["zh"]) for g in gold_rows}
    gold_names = {(g["en"], g["zh"]) for g in gold_rows if g["type"] in NAME_TYPES}
    gold_terms = gold_all_pairs - gold_names
    enc = get_encoder(model)
    t0 = time.perf_counter()
    al = align_files(
        ROOT / "samples/review.en.txt",
        ROOT / "samples/review.zh.txt",
        encoder=enc,
        model=model,
    )
    entries = build_glossary(al, enc)
    entries = [e for e in entries if e.score >= min_score]
    secs = time.perf_counter() - t0
    pred_all = {(e.en, e.zh) for e in entries}
    pred_names = {(e.en, e.zh) for e in entries if e.type in NAME_TYPES}
    pred_terms = pred_all - pred_names
    types_ok = sum(
        1
        for e in entries
        if (e.en, e.zh) in gold_all_pairs and {(g["en"], g["zh"]): g["type"] for g in gold_rows}[(e.en, e.zh)] == e.type
    )
    res = {
        "names": prf(pred_names, gold_names, pred_all),
        "terms": prf(pred_terms, gold_terms, pred_all),
        "types_correct": (types_ok, len(pred_all & gold_all_pairs)),
        "seconds": secs,
        "pred_terms": pred_terms,
        "pred_all": pred_all,
        "gold_terms": gold_terms,
        "missing": sorted(gold_all_pairs - pred_all),
        "wrong_names": sorted(pred_names - gold_all_pairs),
    }
    return res, entries


def speed(model: str, target: int = 5000) -> tuple[int, int, float, float, int]:
    en = (ROOT / "samples/review.en.txt").read_text(encoding="utf-8").strip()
    zh = (ROOT / "samples/review.zh.txt").read_text(encoding="utf-8").strip()
    n_en = len(get_doc_sentences(en))
    reps = -(-target // n_en)
    with tempfile.TemporaryDirectory() as d:
        src, tgt = Path(d, "big.en.txt"), Path(d, "big.zh.txt")
        src.write_text("\n\n".join([en] * reps) + "\n", encoding="utf-8")
        tgt.write_text("\n\n".join([zh] * reps) + "\n", encoding="utf-8")
        enc = get_encoder(model, cache=False)
        t0 = time.perf_counter()
        al = align_files(src, tgt, encoder=enc, model=model, cache=False)
        t1 = time.perf_counter()
        entries = build_glossary(al, enc)
        t2 = time.perf_counter()
    return len(al.src), len(al.tgt), t1 - t0, t2 - t1, len(entries)


def support_counts(entries) -> str:
    """Term pairs by the support that admitted them ("support=dict", …, in the evidence)."""
    counts: Counter = Counter()
    for e in entries:
        if e.type == "term":
            kinds = [ev.split("=", 1)[1] for ev in e.evidence if ev.startswith("support=")]
            counts[kinds[0] if kinds else "none"] += 1
    return ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))


def list_terms(entries, gold: set, full: set = frozenset()) -> None:
    """One line per term pair: OK = key gold row, ok = only in the full term list, -- = neither."""
    for e in entries:
        if e.type == "term":
            mark = "OK" if (e.en, e.zh) in gold else "ok" if (e.en, e.zh) in full else "--"
            print(f"  {mark} {e.score:.3f} {e.en} = {e.zh}  [{'; '.join(e.evidence)}]")


def get_doc_sentences(text: str):
    from subalign.text.documents import document_from_text

    return document_from_text(text).sentences


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="use-m3")
    ap.add_argument("--min-score", type=float, default=0.5)
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--list-terms", action="store_true", help="print every term pair (OK = gold row, ok = full list only)")
    ap.add_argument(
        "--terms-gold",
        choices=("key", "full"),
        default="key",
        help="full: also score term precision against samples/glossary.terms-full.tsv (recall stays against the key gold)",
    )
    args = ap.parse_args()
    print(f"machine: {machine()}")
    res, entries = quality(args.model, args.min_score)
    full = read_full_terms(FULL_TERMS) if args.terms_gold == "full" else set()
    for k in ("names", "terms"):
        p, r, tp, n_pred, n_gold = res[k]
        print(f"{k}: precision {p:.3f} ({tp}/{n_pred}), recall {r:.3f} (of {n_gold} gold)")
    if full:
        print(full_terms_line("terms (full list)", res["pred_terms"], res["gold_terms"], full, res["pred_all"]))
    print(f"types correct on correct pairs: {res['types_correct'][0]}/{res['types_correct'][1]}")
    print(f"term pairs by support: {support_counts(entries)}")
    if args.list_terms:
        list_terms(entries, gold_all_pairs, full)
    n_gold = res["terms"][4]
    for cut in (0.5, 0.6, 0.7, 0.8, 0.9):
        kept = {(e.en, e.zh) for e in entries if e.type == "term" and e.score >= cut}
        tp = len(kept & gold_all_pairs)
        line = f"  terms at --min-score {cut}: precision {tp / max(1, len(kept)):.3f} ({tp}/{len(kept)}), recall {tp / n_gold:.3f}"
        if full:
            tpf = len(kept & (full | gold_all_pairs))
            line += f"; full-list precision {tpf / max(1, len(kept)):.3f} ({tpf}/{len(kept)})"
        print(line)
    print(f"sample end to end: {res['seconds']:.1f} s")
    print(f"missing gold pairs: {res['missing']}")
    print(f"wrong name pairs: {res['wrong_names']}")
    if not args.no_speed:
        ns, nt, ta, tg, ne = speed(args.model)
        print(
            f"speed: {ns} en / {nt} zh sentences: align {ta:.1f} s + glossary {tg:.1f} s = {ta + tg:.1f} s ({ne} entries)"
        )
    print(f"threads: torch default, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}")


if __name__ == "__main__":
    main()
