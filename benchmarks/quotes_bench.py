"""Quote finder benchmark: quality on samples/ and speed on a synthetic 2,000-cue film.

    python benchmarks/quotes_bench.py                 # everything, writes nothing
    python benchmarks/quotes_bench.py --quality       # samples only
    python benchmarks/quotes_bench.py --speed --runs 2

Quality: precision and recall of the cue sets of samples/quotes.gold.tsv, as
exact sets (a quote counts only if its cue set is exactly the gold one) and by
overlap (cue-level: matched cues that are gold cues / gold cues matched).

Speed: a synthetic film of 2,050 cues (the 82 sample cues kept in place, in the
middle, among 1,968 distractor cues built from the other sample cues and the
Chinese review's non-quoting sentences: the first part of one phrase joined
to the last part of another, with a one- or two-character change so that no
distractor is repeated) and 200 English quotes (the 15 sample quotes plus sentences and
clauses of the English review). Cold runs use a fresh embedding cache; warm
runs reuse it. Each timing runs in a fresh process, so model loading counts.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from machine import machine  # benchmarks/machine.py, beside this script

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLES = ROOT / "samples"


# ----------------------------------------------------------------------------- quality


def read_gold(path: Path = SAMPLES / "quotes.gold.tsv") -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    for r in rows:
        r["cue_set"] = frozenset(int(x) for x in r["cues"].split(",") if x.strip())
    return rows


def score_matches(gold: list[dict], predicted: dict[str, frozenset]) -> dict:
    """Exact-set and overlap precision/recall; *predicted* maps quote -> cue set (empty = not found)."""
    n_gold_found = sum(1 for g in gold if g["status"] == "found")
    n_pred_found = sum(1 for g in gold if predicted.get(g["quote"]))
    exact = sum(1 for g in gold if g["status"] == "found" and predicted.get(g["quote"]) == g["cue_set"])
    gold_cues = sum(len(g["cue_set"]) for g in gold)
    pred_cues = sum(len(predicted.get(g["quote"], ())) for g in gold)
    hit_cues = sum(len(predicted.get(g["quote"], frozenset()) & g["cue_set"]) for g in gold)
    false_found = sum(1 for g in gold if g["status"] == "not_found" and predicted.get(g["quote"]))
    return {
        "quotes": len(gold),
        "gold_found": n_gold_found,
        "pred_found": n_pred_found,
        "exact_correct": exact,
        "exact_precision": exact / n_pred_found if n_pred_found else 1.0,
        "exact_recall": exact / n_gold_found if n_gold_found else 1.0,
        "overlap_precision": hit_cues / pred_cues if pred_cues else 1.0,
        "overlap_recall": hit_cues / gold_cues if gold_cues else 1.0,
        "false_found": false_found,
        "missed": sum(1 for g in gold if g["status"] == "found" and not predicted.get(g["quote"])),
    }


def run_quality(model: str, film_path: Path = SAMPLES / "film.zh.srt") -> tuple[dict, list]:
    from subalign.text.documents import load_document
    from subalign.encoders import load_encoder
    from subalign.quotes.match import find_quotes
    from subalign.quotes.extract import extract_quotes
    from subalign.subs.read import read_subtitles

    enc = load_encoder(model)
    cues = read_subtitles(film_path)
    quotes = extract_quotes(load_document(SAMPLES / "review.en.txt"))
    matches = find_quotes(quotes, cues, enc)
    gold = read_gold()
    predicted = {m.wording: frozenset(c.number for c in m.cues) for m in matches}
    rows = []
    gold_by_quote = {g["quote"]: g for g in gold}
    for m in matches:
        g = gold_by_quote.get(m.wording)
        rows.append(
            {
                "quote": m.wording,
                "gold": ",".join(map(str, sorted(g["cue_set"]))) if g else "?",
                "status": m.status,
                "cues": ",".join(str(c.number) for c in m.cues),
                "score": m.score,
                "best": ",".join(map(str, m.best.numbers)) if m.best else "",
                "runner_up": m.runner_up[0].score if m.runner_up else None,
            }
        )
    return score_matches(gold, predicted), rows


# ----------------------------------------------------------------------------- synthetic film

_HAN_SWAPS = "的了是在有我他她你们这那就也都要会能说去来看想做还把被给对到和与很太更最又再才已"


def synthetic_film(n_cues: int = 2050, seed: int = 7) -> tuple[str, int]:
    """SRT text of a long film (the sample film in the middle of unique distractor
    cues) and the offset to add to a sample cue number to get its number there."""
    from subalign.quotes.units import split_phrases
    from subalign.subs.cues import format_timestamp
    from subalign.subs.read import read_subtitles

    rng = random.Random(seed)
    cues = read_subtitles(SAMPLES / "film.zh.srt")
    gold_cues = set().union(*(g["cue_set"] for g in read_gold()))
    pool = [p for c in cues if c.number not in gold_cues for p in split_phrases(c.plain)]
    review = (SAMPLES / "review.zh.txt").read_text(encoding="utf-8")
    for sent in re.split(r"(?<=[。！？])", review):
        if "“" in sent or "「" in sent or not sent.strip():
            continue
        pool.extend(p for p in re.split(r"[，。；：！？、（）()“”]+", sent) if 4 <= len(p) <= 18)
    pool = [p for p in pool if sum("\u4e00" <= ch <= "\u9fff" for ch in p) >= 3]
    seen: set[str] = set()

    def unique(text: str) -> str:
        while True:
            chars = list(text)
            han = [i for i, ch in enumerate(chars) if "\u4e00" <= ch <= "\u9fff"]
            for i in rng.sample(han, min(len(han), rng.choice((1, 1, 2)))):
                chars[i] = rng.choice(_HAN_SWAPS)
            out = "".join(chars)
            if out not in seen:
                seen.add(out)
                return out

    def splice(a: str, b: str) -> str:
        """The start of one phrase and the end of another: fluent locally, new as a whole."""
        cut_a = rng.randint(max(1, len(a) // 3), max(1, 2 * len(a) // 3))
        cut_b = rng.randint(max(1, len(b) // 3), max(1, 2 * len(b) // 3))
        return a[:cut_a] + b[cut_b:]

    n_fill = n_cues - len(cues)
    before = n_fill // 2
    out: list[tuple[int, int, str]] = []
    t = 60_000
    for i in range(n_fill + len(cues)):
        k = i - before
        if 0 <= k < len(cues):  # the sample film, with its own relative timing
            c = cues[k]
            base = cues[0].start_ms
            if k == 0:
                offset = t - base
            out.append((c.start_ms + offset, c.end_ms + offset, c.text))
            if k == len(cues) - 1:
                t = c.end_ms + offset + 3_000
            continue
        lines = [unique(splice(rng.choice(pool), rng.choice(pool))) for _ in range(rng.choice((1, 1, 2)))]
        dur = 1_500 + 180 * sum(len(x) for x in lines)
        out.append((t, t + dur, "\n".join(lines)))
        t += dur + rng.choice((400, 600, 900, 1_500, 2_500, 7_000))
    text = "".join(
        f"{n}\n{format_timestamp(s)} --> {format_timestamp(e)}\n{text}\n\n" for n, (s, e, text) in enumerate(out, 1)
    )
    return text, before


def synthetic_quotes(n: int = 200) -> list[str]:
    """The 15 sample quotes, then sentences, sentence pairs and clauses of the English review."""
    from subalign.text.documents import load_document
    from subalign.quotes.extract import extract_quotes, quote_for_matching

    doc = load_document(SAMPLES / "review.en.txt")
    quotes = [quote_for_matching(q) for q in extract_quotes(doc)]
    sents = [s.text for s in doc.sentences if "“" not in s.text and len(s.text.split()) >= 4]
    extra: list[str] = list(sents)
    extra += [f"{a} {b}" for a, b in zip(sents, sents[1:])]
    extra += [c.strip() for s in sents for c in re.split(r"[,;:]", s) if len(c.split()) >= 4]
    for s in sents:  # each half of a longer sentence
        words = s.split()
        if len(words) >= 10:
            extra += [" ".join(words[: len(words) // 2]), " ".join(words[len(words) // 2 :])]
    out = quotes + [e for e in dict.fromkeys(extra) if e not in quotes]
    return out[:n]


# ----------------------------------------------------------------------------- speed

_TIMED = r"""
import json, sys, time
t0 = time.perf_counter()
from subalign.encoders import load_encoder
from subalign.quotes.film import prepare_film
from subalign.quotes.match import find_quotes
from subalign.subs.read import read_subtitles
enc = load_encoder(sys.argv[1])
enc.encode(["warm up"])
t1 = time.perf_counter()
cues = read_subtitles(sys.argv[2])
quotes = json.load(open(sys.argv[3], encoding="utf-8"))
film = prepare_film(cues, enc)
t2 = time.perf_counter()
matches = find_quotes(quotes, film, enc)
t3 = time.perf_counter()
found = sum(m.found for m in matches)
print(json.dumps({"load": t1 - t0, "film": t2 - t1, "match": t3 - t2, "total": t3 - t0,
                  "found": found, "cues": len(cues), "phrases": len(film.phrases), "quotes": len(quotes),
                  "sample": [[m.status, [c.number for c in m.cues], m.score] for m in matches[:15]]}))
"""


def run_speed(model: str, runs: int, work: Path) -> dict:
    film = work / "synthetic.zh.srt"
    film_text, offset = synthetic_film()
    film.write_text(film_text, encoding="utf-8")
    qpath = work / "quotes.json"
    qpath.write_text(json.dumps(synthetic_quotes(), ensure_ascii=False), encoding="utf-8")
    review = work / "review.txt"
    review.write_text("\n\n".join(f"He said: “{q}”" for q in synthetic_quotes()) + "\n", encoding="utf-8")
    results: dict[str, Any] = {"cold": [], "warm": [], "cli_cold": [], "cli_warm": [], "offset": offset}
    for r in range(runs):
        cache = work / f"cache-{r}"
        env = dict(os.environ, SUBALIGN_CACHE_DIR=str(cache))
        for kind in ("cold", "warm"):
            out = subprocess.run([sys.executable, "-c", _TIMED, model, str(film), str(qpath)],
                                 env=env, capture_output=True, text=True, check=True)
            results[kind].append(json.loads(out.stdout.strip().splitlines()[-1]))
        cache2 = work / f"cli-cache-{r}"
        env2 = dict(os.environ, SUBALIGN_CACHE_DIR=str(cache2))
        for kind in ("cli_cold", "cli_warm"):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "subalign.cli", "quotes", str(review), str(film),
                            "-o", str(work / "out.tsv"), "--model", model],
                           env=env2, capture_output=True, text=True, check=True)
            results[kind].append({"total": time.perf_counter() - t})
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="use-m3")
    ap.add_argument("--quality", action="store_true")
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    both = not (args.quality or args.speed)
    print(f"machine: {machine()}")
    if args.quality or both:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ.setdefault("SUBALIGN_CACHE_DIR", tmp)
            metrics, rows = run_quality(args.model)
        print(f"\n## quality ({args.model}, samples/)")
        for r in rows:
            print(f"  {r['status']:<9} {r['score']:.3f}  cues={r['cues'] or '-':<7} gold={r['gold'] or '-':<7} {r['quote']}")
        print(json.dumps(metrics, indent=2))
    if args.speed or both:
        with tempfile.TemporaryDirectory() as tmp:
            res = run_speed(args.model, args.runs, Path(tmp))
        print(f"\n## speed ({args.model}, synthetic film, 200 quotes)")
        for kind, rows in res.items():
            if kind == "offset":
                continue
            for r in rows:
                print(f"  {kind:<9} " + "  ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}"
                                                 for k, v in r.items() if k != "sample"))
        sample = res["cold"][0]["sample"]
        gold = read_gold()
        off = res["offset"]
        pred = {g["quote"]: frozenset(n - off for n in s[1]) for g, s in zip(gold, sample)}
        print("  the 15 sample quotes inside the synthetic film (cue numbers shifted back):")
        for g, (status, numbers, score) in zip(gold, sample):
            print(f"    {status:<9} {score:.3f}  cues={','.join(str(n - off) for n in numbers) or '-':<7} "
                  f"gold={g['cues'] or '-':<7} {g['quote']}")
        print("  " + json.dumps(score_matches(gold, pred)))
        print(f"  the other 185 quotes (review sentences, no gold): {res['cold'][0]['found'] - len([s for s in sample if s[0] == 'found'])} found")


if __name__ == "__main__":
    main()
