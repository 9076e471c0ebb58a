"""Glossary quality on a text nobody tuned on: samples/unseen/.

The review in samples/unseen/ was written after the glossary's rules and
weights were set, on a different subject, so its figures are the honest
out-of-sample estimate next to glossary_bench.py's in-sample ones.  It is
scored the same way (glossary_bench.prf, imported, not copied): a predicted
pair is correct when its (en, zh) is a gold row.  It runs twice, against the
Simplified translation and against the same translation in Traditional script;
the Traditional run is scored against the gold as written in Traditional
(the glossary must keep the script it was given) and, in the "script-blind"
line, after folding gold and predictions alike with cjk.simplified_view.

``--terms-gold full`` adds a term line scored as in glossary_bench.py against
samples/unseen/glossary.terms-full.tsv (key-term gold + a blind second annotation of
every term pair): precision against that list, recall still against the key gold.  The
list is in Simplified script, so the Traditional run is compared script-blind.

Do not tune on it (see samples/unseen/README.md).

Usage: .venv/bin/python benchmarks/unseen_glossary.py [--model use-m3] [--min-score 0.5] [--list-terms]
       [--terms-gold key|full]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNSEEN = ROOT / "samples" / "unseen"
sys.path.insert(0, str(ROOT / "benchmarks"))

import glossary_bench  # noqa: E402  (its scoring, reused)
from machine import machine  # noqa: E402

from subalign.api import align_files, get_encoder  # noqa: E402
from subalign.text.cjk import simplified_view  # noqa: E402
from subalign.glossary.pairing import build_glossary  # noqa: E402
from subalign.glossary.candidates import NAME_TYPES  # noqa: E402


def read_gold(name: str) -> list[dict]:
    text = (UNSEEN / name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines(), delimiter="\t"))


def score(gold_rows: list[dict], entries, fold=lambda z: z) -> dict:
    """Name and term P/R of ``entries`` against ``gold_rows``, zh keys passed through ``fold``."""
    gold_all = {(g["en"], fold(g["zh"])) for g in gold_rows}
    gold_names = {(g["en"], fold(g["zh"])) for g in gold_rows if g["type"] in NAME_TYPES}
    pred_all = {(e.en, fold(e.zh)) for e in entries}
    pred_names = {(e.en, fold(e.zh)) for e in entries if e.type in NAME_TYPES}
    glossary_bench.gold_all_pairs = gold_all  # prf's precision is against every gold pair
    return {
        "names": glossary_bench.prf(pred_names, gold_names, pred_all),
        "terms": glossary_bench.prf(pred_all - pred_names, gold_all - gold_names, pred_all),
        "missing": sorted(gold_all - pred_all),
        "wrong_names": sorted(pred_names - gold_all),
    }


def show(label: str, res: dict) -> None:
    for k in ("names", "terms"):
        p, r, tp, n_pred, n_gold = res[k]
        print(f"{label} {k}: precision {p:.3f} ({tp}/{n_pred}), recall {r:.3f} (of {n_gold} gold)")


def show_full(label: str, gold_rows: list[dict], entries, full: set, fold=lambda z: z) -> None:
    """Term line against the full term list (precision) and the key gold (recall), zh folded."""
    gold_all = {(g["en"], fold(g["zh"])) for g in gold_rows}
    gold_terms = {(g["en"], fold(g["zh"])) for g in gold_rows if g["type"] not in NAME_TYPES}
    pred_all = {(e.en, fold(e.zh)) for e in entries}
    pred_terms = {(e.en, fold(e.zh)) for e in entries if e.type not in NAME_TYPES}
    glossary_bench.gold_all_pairs = gold_all
    full = {(en, fold(zh)) for en, zh in full}
    print(glossary_bench.full_terms_line(f"{label} terms (full list)", pred_terms, gold_terms, full, pred_all))


def run(
    zh_file: str, gold_file: str, enc, model: str, min_score: float, list_terms: bool = False, full: set = frozenset()
) -> None:
    al = align_files(UNSEEN / "review.en.txt", UNSEEN / zh_file, encoder=enc, model=model)
    entries = [e for e in build_glossary(al, enc) if e.score >= min_score]
    res = score(read_gold(gold_file), entries)
    show(zh_file, res)
    if full:
        blind = zh_file != "review.zh.txt"
        fold = simplified_view if blind else (lambda z: z)
        show_full(f"{zh_file}{' script-blind' if blind else ''}", read_gold(gold_file), entries, full, fold)
    print(f"  term pairs by support: {glossary_bench.support_counts(entries)}")
    if list_terms:
        shown_full = full if zh_file == "review.zh.txt" else frozenset()  # the full list is Simplified
        glossary_bench.list_terms(entries, {(g["en"], g["zh"]) for g in read_gold(gold_file)}, shown_full)
    print(f"  missing gold pairs: {res['missing']}")
    print(f"  wrong name pairs: {res['wrong_names']}")
    if zh_file != "review.zh.txt":
        show(f"{zh_file} script-blind", score(read_gold(gold_file), entries, fold=simplified_view))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="use-m3")
    ap.add_argument("--min-score", type=float, default=0.5)
    ap.add_argument("--list-terms", action="store_true", help="print every term pair (OK = gold row, ok = full list only)")
    ap.add_argument(
        "--terms-gold",
        choices=("key", "full"),
        default="key",
        help="full: also score term precision against samples/unseen/glossary.terms-full.tsv (recall stays against the key gold)",
    )
    args = ap.parse_args()
    print(f"machine: {machine()}")
    full = glossary_bench.read_full_terms(UNSEEN / "glossary.terms-full.tsv") if args.terms_gold == "full" else set()
    enc = get_encoder(args.model)
    run("review.zh.txt", "glossary.gold.tsv", enc, args.model, args.min_score, args.list_terms, full)
    run("review.zh-hant.txt", "glossary.gold.zh-hant.tsv", enc, args.model, args.min_score, args.list_terms, full)


if __name__ == "__main__":
    main()
