"""Lexicon benchmark: load time, evidence speed, the lemmatiser choice, and evidence on MAC-Dev.

    python benchmarks/lexicon_bench.py                    # load (cold/warm) + speed
    python benchmarks/lexicon_bench.py --lemmatisers      # simplemma vs lemminflect on a hand list
    python benchmarks/lexicon_bench.py --mac-dev [DIR]    # how well coverage alone tells right pairs from wrong

Each load is measured in a fresh process (cold: empty cache folder; warm: the folder the
cold run filled), wall and CPU seconds: on a shared machine CPU is the steadier number.
MAC-Dev (../shared/bench/mac-dev: zh source, en target, gold ladders) is read in place,
never copied. Its numbers are in-sample: the lexicon's rules were looked at on it.
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

from machine import machine  # benchmarks/machine.py, beside this script

HERE = Path(__file__).resolve().parent
DEFAULT_MAC_DEV = HERE.parent.parent / "shared" / "bench" / "mac-dev"

# (inflected word, acceptable lemmas): irregular verbs and plurals, -ing/-ed spelling
# changes, comparatives, words that are their own lemma, and ambiguous forms.
HAND_LIST = [
    ("went", {"go"}), ("was", {"be"}), ("were", {"be"}), ("gone", {"go"}), ("taken", {"take"}),
    ("written", {"write"}), ("sung", {"sing"}), ("swam", {"swim"}), ("fled", {"flee"}), ("bought", {"buy"}),
    ("caught", {"catch"}), ("thought", {"think"}), ("brought", {"bring"}), ("ran", {"run"}), ("ate", {"eat"}),
    ("drove", {"drive"}), ("struck", {"strike"}), ("forgot", {"forget"}), ("hid", {"hide"}), ("knelt", {"kneel"}),
    ("children", {"child"}), ("mice", {"mouse"}), ("women", {"woman"}), ("feet", {"foot"}), ("teeth", {"tooth"}),
    ("geese", {"goose"}), ("wolves", {"wolf"}), ("knives", {"knife"}), ("thieves", {"thief"}), ("lives", {"life", "live"}),
    ("leaves", {"leaf", "leave"}), ("analyses", {"analysis", "analyse"}), ("criteria", {"criterion"}),
    ("phenomena", {"phenomenon"}), ("crises", {"crisis"}), ("ladies", {"lady"}), ("boxes", {"box"}),
    ("studies", {"study"}), ("unions", {"union"}), ("workers", {"worker"}), ("factories", {"factory"}),
    ("running", {"run"}), ("stopped", {"stop"}), ("lying", {"lie"}), ("dying", {"die"}), ("making", {"make"}),
    ("hoping", {"hope"}), ("planned", {"plan"}), ("tried", {"try"}), ("carried", {"carry"}), ("married", {"marry"}),
    ("peeped", {"peep"}), ("tricked", {"trick"}), ("treated", {"treat"}), ("admitted", {"admit"}),
    ("happier", {"happy"}), ("bigger", {"big"}), ("worse", {"bad"}), ("best", {"good", "well"}),
    ("better", {"good", "well"}), ("quickly", {"quickly"}), ("news", {"news"}), ("series", {"series"}),
    ("species", {"species"}), ("glasses", {"glass", "glasses"}), ("arrival", {"arrival"}),
    ("friendship", {"friendship"}), ("has", {"have"}), ("did", {"do"}), ("says", {"say"}), ("said", {"say"}),
    ("strikes", {"strike"}), ("earned", {"earn"}), ("wages", {"wage"}), ("boots", {"boot"}), ("seemed", {"seem"}),
    ("grannies", {"granny", "grannie"}), ("sheep", {"sheep"}), ("oxen", {"ox"}), ("people", {"people", "person"}),
]

_LEMMATISER_SCRIPT = r"""
import json, sys, time
which, words = sys.argv[1], json.loads(sys.argv[2])
t = time.perf_counter(); c = time.process_time()
if which == "simplemma":
    import simplemma
    def lemmas(w): return {simplemma.lemmatize(w, lang="en")}
else:
    import lemminflect
    def lemmas(w):
        found = {l for ls in lemminflect.getAllLemmas(w).values() for l in ls}
        return found or {w}
first = lemmas(words[0])
load_s, load_cpu = time.perf_counter() - t, time.process_time() - c
out = [sorted(lemmas(w)) for w in words]
t = time.perf_counter()
for _ in range(20):
    for w in words: lemmas(w)
per_word_us = (time.perf_counter() - t) / (20 * len(words)) * 1e6
print(json.dumps({"load_s": load_s, "load_cpu_s": load_cpu, "per_word_us": per_word_us, "out": out}))
"""


def compare_lemmatisers() -> None:
    words = [w for w, _ in HAND_LIST]
    for which in ("simplemma", "lemminflect"):
        res = subprocess.run([sys.executable, "-c", _LEMMATISER_SCRIPT, which, json.dumps(words)], capture_output=True, text=True)
        if res.returncode:
            print(f"{which}: failed: {res.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(res.stdout)
        right = sum(bool(set(got) & want) for got, (_, want) in zip(r["out"], HAND_LIST))
        exact = sum(set(got) <= want for got, (_, want) in zip(r["out"], HAND_LIST))
        misses = [f"{w}->{'/'.join(got)}" for got, (w, want) in zip(r["out"], HAND_LIST) if not set(got) & want]
        print(
            f"| {which} | {right}/{len(HAND_LIST)} | {exact}/{len(HAND_LIST)} | {r['load_s']:.2f} ({r['load_cpu_s']:.2f}) "
            f"| {r['per_word_us']:.1f} | {', '.join(misses)} |"
        )


_LOAD_SCRIPT = r"""
import json, time
t = time.perf_counter(); c = time.process_time()
from subalign import lexicon
imp = (time.perf_counter() - t, time.process_time() - c)
t = time.perf_counter(); c = time.process_time()
lex = lexicon.load()
load = (time.perf_counter() - t, time.process_time() - c)
t = time.perf_counter(); c = time.process_time()
lex.tokenizer
tok = (time.perf_counter() - t, time.process_time() - c)
t = time.perf_counter(); c = time.process_time()
lex.prepare_en("Huang Wenhai, chairman of the union."); lex.prepare_zh("工会主席黄文海。")
first = (time.perf_counter() - t, time.process_time() - c)
print(json.dumps({"import": imp, "load": load, "tokenizer": tok, "first_prepare": first}))
"""


def measure_load() -> None:
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, SUBALIGN_CACHE_DIR=cache)
        for label in ("cold (builds the cache)", "warm", "warm"):
            res = subprocess.run([sys.executable, "-c", _LOAD_SCRIPT], env=env, capture_output=True, text=True)
            if res.returncode:
                print(f"{label}: failed: {res.stderr.strip().splitlines()[-1:]}")
                return
            r = json.loads(res.stdout)
            cells = " | ".join(f"{r[k][0]:.2f} ({r[k][1]:.2f})" for k in ("import", "load", "tokenizer", "first_prepare"))
            print(f"| {label} | {cells} |")


def _mac_dev_pairs(data: Path):
    from subalign.aligner.formats import parse_ladder

    for name in sorted(p.name for p in (data / "zh").iterdir() if p.is_file()):
        zh = (data / "zh" / name).read_text(encoding="utf-8").splitlines()
        en = (data / "en" / name).read_text(encoding="utf-8").splitlines()
        gold = parse_ladder((data / "gold" / f"{name}.align").read_text(encoding="utf-8"))
        yield name, zh, en, gold


def _auc(pos: list[float], neg: list[float]) -> float:
    """P(a right pair scores above a wrong one), ties counting half (Mann-Whitney)."""
    ranked = sorted([(s, 1) for s in pos] + [(s, 0) for s in neg])
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mid = (i + j + 1) / 2  # 1-based average rank of the tie group
        rank_sum += mid * sum(1 for k in range(i, j) if ranked[k][1])
        i = j
    n_pos, n_neg = len(pos), len(neg)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def mac_dev(data: Path) -> None:
    from subalign import lexicon
    from subalign.lexicon.matching import coverage, evidence

    lex = lexicon.load()
    scores: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in ("mean", "en", "zh", "min")}
    kinds = {"dict": 0, "name": 0, "number": 0}
    any_pos = any_neg = n_pos = n_neg = 0
    t_prep = t_eval = 0.0
    n_eval = 0
    sides = []
    for _name, zh, en, gold in _mac_dev_pairs(data):
        t = time.perf_counter()
        pz = [lex.prepare_zh(s) for s in zh]
        pe = [lex.prepare_en(s) for s in en]
        t_prep += time.perf_counter() - t
        for link in gold:
            if len(link.src) != 1 or len(link.tgt) != 1:
                continue
            i, j = link.src[0], link.tgt[0]
            for jj, positive in ((j, True), (j - 1, False), (j + 1, False)):
                if not 0 <= jj < len(en):
                    continue
                sides.append((pe[jj], pz[i]))
                t = time.perf_counter()
                ev = evidence(pe[jj], pz[i])
                t_eval += time.perf_counter() - t
                n_eval += 1
                low = min(ev.en_coverage, ev.zh_coverage)
                values = {"mean": ev.coverage, "en": ev.en_coverage, "zh": ev.zh_coverage, "min": low}
                for k, v in values.items():
                    scores[k][0 if positive else 1].append(v)
                if positive:
                    n_pos += 1
                    any_pos += bool(ev.matches)
                    for kind in ev.kinds:
                        kinds[kind] += 1
                else:
                    n_neg += 1
                    any_neg += bool(ev.matches)
    print(f"machine: {machine()}")
    print(f"gold 1-1 links: {n_pos}; neighbour-shifted wrong pairs: {n_neg}")
    for k, (pos, neg) in scores.items():
        mean_pos, mean_neg = sum(pos) / len(pos), sum(neg) / len(neg)
        print(f"AUC coverage[{k}]: {_auc(pos, neg):.3f}   mean right {mean_pos:.3f}, wrong {mean_neg:.3f}")
    print(f"pairs with any match: right {any_pos / n_pos:.3f}, wrong {any_neg / n_neg:.3f}")
    print("right pairs with a match of each kind: " + ", ".join(f"{k} {v / n_pos:.3f}" for k, v in kinds.items()))
    t = time.perf_counter()
    for a, b in sides:
        coverage(a, b)
    t_cov = time.perf_counter() - t
    print(
        f"prepare: {t_prep:.2f} s for {sum(len(zh) + len(en) for _, zh, en, _ in _mac_dev_pairs(data))} sentences; "
        f"evidence(): {n_eval / t_eval:,.0f} pairs/s (first calls build each side's reading map); "
        f"coverage() afterwards: {len(sides) / t_cov:,.0f} pairs/s"
    )


def speed() -> None:
    from subalign import lexicon
    from subalign.lexicon.matching import coverage, evidence

    lex = lexicon.load()
    en = [
        "Huang Wenhai, chairman of the union, earned 31.5 million yuan in 2015.",
        "The workers went on strike because their wages had not been paid for three months.",
        "She admitted that she'd been wrong to slap me, and that she hadn't treated me well.",
        "Trinket peeped out from behind the table-cloth.",
    ] * 25
    zh = [
        "工会主席黄文海在二〇一五年赚了3150万元。",
        "工人们因为三个月没有拿到工资而罢工。",
        "她承认打我耳光是不对的，也承认待我不好。",
        "韦小宝从桌布后面偷偷往外看。",
    ] * 25
    t = time.perf_counter()
    pe = [lex.prepare_en(s) for s in en]
    pz = [lex.prepare_zh(s) for s in zh]
    prep = (time.perf_counter() - t) / (len(en) + len(zh))
    for fn in (coverage, evidence):
        t = time.perf_counter()
        n = 0
        while time.perf_counter() - t < 2.0:
            for a in pe:
                for b in pz:
                    fn(a, b)
            n += len(pe) * len(pz)
        rate = n / (time.perf_counter() - t)
        print(f"| {fn.__name__}() on prepared sides | {rate:,.0f} pairs/s |")
    print(f"| prepare (en and zh, mean) | {1e6 * prep:,.0f} µs per sentence |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lemmatisers", action="store_true", help="compare simplemma and lemminflect")
    ap.add_argument("--mac-dev", nargs="?", const=DEFAULT_MAC_DEV, type=Path, help="AUC of coverage on MAC-Dev")
    args = ap.parse_args()
    if args.lemmatisers:
        print(f"machine: {machine()}")
        print("| lemmatiser | right lemma among its answers | only right lemmas | load s (CPU) | µs/word | misses |")
        compare_lemmatisers()
        return
    if args.mac_dev:
        if not (args.mac_dev / "gold").is_dir():
            sys.exit(f"MAC-Dev not found at {args.mac_dev} (expected zh/, en/, gold/)")
        mac_dev(args.mac_dev)
        return
    print(f"machine: {machine()}")
    print("| run | import subalign.lexicon s (CPU) | load() s (CPU) | jieba tokenizer s (CPU) | first prepare s (CPU) |")
    measure_load()
    speed()


if __name__ == "__main__":
    main()
