"""Scoring alignments against gold ladders, the way Bertalign/Vecalign do.

The definitions follow Vecalign's ``score.py`` (Bertalign's ``eval.py`` is a copy),
itself based on Sennrich & Volk's lax/strict measures, so numbers are comparable with
those papers:

* Beads are compared as sets: duplicates count once; beads empty on both sides are ignored.
* **Precision** is over every distinct test bead, 1-0 and 0-1 included.
  Strict: the identical bead (same ``src`` tuple, same ``tgt`` tuple) is in gold.
  Lax: strict, or some gold bead shares at least one source *and* one target sentence
  with it. A 1-0/0-1 test bead can therefore only be lax-correct by being strictly correct
  (it has no side to overlap on, and gold 1-0/0-1 beads pair no sentences).
* **Recall** is over gold beads with both sides non-empty, against test beads with both
  sides non-empty: Vecalign drops insertions/deletions from recall on both sides.
  Strict/lax as above with the roles swapped.
* F1 is the harmonic mean of P and R; any 0/0 is 0.0.
* Several files are micro-averaged: counts are summed over files (never pooling the
  beads themselves, whose indices are per file), then P/R/F1 computed once.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from subalign.aligner.formats import parse_ladder
from subalign.errors import SubalignError
from subalign.types import Link

__all__ = ["Counts", "Scores", "count_links", "evaluate_paths", "score_links"]

# Files in a directory that can hold a ladder (``001`` with no suffix included).
_LADDER_SUFFIXES = {".align", ".ladder", ".txt", ""}

_Bead = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class Scores:
    """Strict and lax precision/recall/F1; ``n_gold``/``n_test`` count distinct beads."""

    strict_p: float
    strict_r: float
    strict_f1: float
    lax_p: float
    lax_r: float
    lax_f1: float
    n_gold: int
    n_test: int


@dataclass(frozen=True)
class Counts:
    """The raw counts behind :class:`Scores`; summed (``+``) across files for micro-averaging."""

    p_strict: int = 0  # test beads strictly correct
    p_lax: int = 0  # test beads laxly correct
    p_total: int = 0  # distinct test beads
    r_strict: int = 0  # gold 1+-1+ beads strictly found
    r_lax: int = 0  # gold 1+-1+ beads laxly found
    r_total: int = 0  # distinct gold 1+-1+ beads
    n_gold: int = 0
    n_test: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(self._values(), other._values())))

    def _values(self) -> tuple[int, ...]:
        return (self.p_strict, self.p_lax, self.p_total, self.r_strict,
                self.r_lax, self.r_total, self.n_gold, self.n_test)

    def scores(self) -> Scores:
        sp, sr = _div(self.p_strict, self.p_total), _div(self.r_strict, self.r_total)
        lp, lr = _div(self.p_lax, self.p_total), _div(self.r_lax, self.r_total)
        return Scores(sp, sr, _f1(sp, sr), lp, lr, _f1(lp, lr), self.n_gold, self.n_test)


def _div(a: int, b: int) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _beads(links: Iterable[Link]) -> set[_Bead]:
    return {(tuple(link.src), tuple(link.tgt)) for link in links if link.src or link.tgt}


def _correct(reference: set[_Bead], hypothesis: set[_Bead]) -> tuple[int, int]:
    """(strict, lax) number of ``hypothesis`` beads that match ``reference``."""
    src_to_tgts: dict[int, set[int]] = defaultdict(set)
    for ref_src, ref_tgt in reference:
        for s in ref_src:
            src_to_tgts[s].update(ref_tgt)
    strict = lax = 0
    for bead in hypothesis:
        if bead in reference:
            strict += 1
            lax += 1
            continue
        src, tgt = bead
        linked: set[int] = set()
        for s in src:
            linked |= src_to_tgts.get(s, set())
        if linked.intersection(tgt):
            lax += 1
    return strict, lax


def count_links(gold: Iterable[Link], test: Iterable[Link]) -> Counts:
    g, t = _beads(gold), _beads(test)
    p_strict, p_lax = _correct(g, t)
    g_full = {b for b in g if b[0] and b[1]}
    t_full = {b for b in t if b[0] and b[1]}
    r_strict, r_lax = _correct(t_full, g_full)
    return Counts(p_strict, p_lax, len(t), r_strict, r_lax, len(g_full), len(g), len(t))


def score_links(gold: list[Link], test: list[Link]) -> Scores:
    """Strict/lax P/R/F1 of ``test`` beads against ``gold`` (see the module docstring)."""
    return count_links(gold, test).scores()


# --------------------------------------------------------------------------- files


def _read_ladder(path: Path) -> list[Link]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SubalignError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise SubalignError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return parse_ladder(text, path)


def _ladder_files(directory: Path) -> dict[str, Path]:
    """Ladder-like files in ``directory`` keyed by stem; two files with one stem is an error."""
    by_stem: dict[str, Path] = {}
    for p in sorted(directory.iterdir()):
        if p.name.startswith(".") or not p.is_file() or p.suffix.lower() not in _LADDER_SUFFIXES:
            continue
        if p.stem in by_stem:
            raise SubalignError(
                f"{directory}: both {by_stem[p.stem].name} and {p.name} could be the alignment "
                f"for {p.stem!r}; remove one"
            )
        by_stem[p.stem] = p
    return by_stem


def _pairs(gold: Path, test: Path) -> list[tuple[str, Path, Path]]:
    for p in (gold, test):
        if not p.exists():
            raise SubalignError(f"{p}: no such file or directory")
    if gold.is_file() and test.is_file():
        return [(gold.stem, gold, test)]
    if not (gold.is_dir() and test.is_dir()):
        raise SubalignError(
            f"gold {gold} and test {test} must both be files or both be directories"
        )
    gold_files = _ladder_files(gold)
    if not gold_files:
        raise SubalignError(
            f"{gold}: no alignment files (*.align, *.ladder, *.txt or no extension)"
        )
    test_files = _ladder_files(test)
    missing = [stem for stem in gold_files if stem not in test_files]
    if missing:
        shown = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
        raise SubalignError(
            f"{test}: no test alignment for {len(missing)} gold file(s): {shown}"
        )
    # Test files without gold are ignored: they cannot be scored, and gold decides
    # what the benchmark is.
    return [(stem, g, test_files[stem]) for stem, g in gold_files.items()]


def evaluate_paths(
    gold: str | os.PathLike[str], test: str | os.PathLike[str]
) -> tuple[Scores, dict[str, Scores]]:
    """Score a test ladder file (or directory of them) against gold.

    Directories are paired by file stem (gold ``001.align`` with test ``001.align``,
    ``001.ladder``, ``001.txt`` or ``001``). Returns the micro-averaged total and the
    scores per stem. Every gold file needs a test counterpart, since leaving one out
    would quietly inflate the total.
    """
    total = Counts()
    per_file: dict[str, Scores] = {}
    for stem, g, t in _pairs(Path(gold), Path(test)):
        counts = count_links(_read_ladder(g), _read_ladder(t))
        per_file[stem] = counts.scores()
        total = total + counts
    return total.scores(), per_file
