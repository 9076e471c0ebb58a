"""The results being corrected (links, quote choices, glossary rows) and the operations on them.

:class:`EditState` is what the report page's script also keeps; each operation is carried out
here exactly as the page carries it out, so replaying a corrections file gives the page's
result. An operation that does not fit (its sentences gone, its link changed) is returned as
a reason and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from subalign.glossary.pairing import GlossaryEntry
from subalign.quotes.units import Candidate, QuoteMatch
from subalign.types import Alignment, Link

__all__ = ["EditLink", "EditQuote", "EditState", "EditTerm"]


class Stale(Exception):
    """An operation that does not fit these results (its message says why)."""


@dataclass
class EditLink:
    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float
    checked: bool = False
    # The aligner's confidence; a merge keeps the lower of the two, a split or a move has none
    # (the model never scored the new links). The page's script does the same.
    confidence: float | None = None


@dataclass
class EditQuote:
    match: QuoteMatch
    candidates: list[Candidate]  # the best place first, then the runners-up
    status: str
    chosen: int = 0
    touched: bool = False

    @property
    def anchor_id(self) -> str | None:
        return self.match.anchor.id if self.match.anchor is not None else None

    def corrected(self) -> QuoteMatch:
        if not self.touched:
            return self.match
        if self.status == "not_found":
            return replace(self.match, status="not_found", best=self.match.best)
        best = self.candidates[self.chosen]
        return replace(self.match, status="found", best=best,
                       runner_up=[c for k, c in enumerate(self.candidates) if k != self.chosen])


@dataclass
class EditTerm:
    entry: GlossaryEntry
    status: str = ""  # "", "accepted" or "rejected"


@dataclass
class EditState:
    """Links of an alignment (or none), quote choices and glossary rows, with their corrections."""

    alignment: Alignment | None
    links: list[EditLink] = field(default_factory=list)
    quotes: list[EditQuote] = field(default_factory=list)
    terms: list[EditTerm] = field(default_factory=list)
    ids: dict[str, dict[str, int]] = field(default_factory=dict)  # side -> sentence id -> index
    has_quotes: bool = False  # a quotes section / a glossary was given (it may be empty)
    has_glossary: bool = False

    @classmethod
    def of(cls, alignment: Alignment | None, matches: list[QuoteMatch] | None = None,
           entries: list[GlossaryEntry] | None = None) -> EditState:
        return cls(
            alignment,
            [EditLink(lk.src, lk.tgt, lk.score, confidence=lk.confidence) for lk in alignment.links] if alignment is not None else [],
            [EditQuote(m, ([m.best] if m.best is not None else []) + list(m.runner_up), m.status) for m in matches or []],
            [EditTerm(e) for e in entries or []],
            {side: {s.anchor.id: s.index for s in doc.sentences}
             for side, doc in (("src", alignment.src), ("tgt", alignment.tgt))} if alignment is not None else {},
            matches is not None,
            entries is not None,
        )

    # ------------------------------------------------------------------ results

    def corrected_alignment(self) -> Alignment | None:
        a = self.alignment
        if a is None:
            return None
        return Alignment(a.src, a.tgt, [Link(lk.src, lk.tgt, lk.score, lk.confidence) for lk in self.links], a.model, a.params)

    def corrected_quotes(self) -> list[QuoteMatch]:
        return [q.corrected() for q in self.quotes]

    def corrected_glossary(self) -> list[GlossaryEntry]:
        return [t.entry for t in self.terms if t.status != "rejected"]

    # ------------------------------------------------------------------ operations

    def apply(self, op: dict[str, Any]) -> str | None:
        """Carry out one (shape-checked) operation; the reason it does not fit, or None."""
        try:
            getattr(self, f"_op_{op['op']}")(op)
        except Stale as exc:
            return str(exc)
        return None

    def _index(self, side: str, sid: str) -> int:
        if self.alignment is None:
            raise Stale("no alignment was given")
        ids = self.ids[side]
        if sid not in ids:
            raise Stale(f"{'review' if side == 'src' else 'translation'} sentence {sid} no longer exists")
        return ids[sid]

    def _sides(self, src: list[str], tgt: list[str]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return tuple(self._index("src", s) for s in src), tuple(self._index("tgt", t) for t in tgt)

    def _holding(self, side: str, i: int) -> int:
        return next(k for k, lk in enumerate(self.links) if i in getattr(lk, side))

    def _first(self, src: tuple[int, ...], tgt: tuple[int, ...]) -> int:
        """The position of the link holding the first named sentence."""
        return self._holding("src", src[0]) if src else self._holding("tgt", tgt[0])

    def _exact(self, src: tuple[int, ...], tgt: tuple[int, ...], ids: str) -> int:
        k = self._first(src, tgt)
        if (self.links[k].src, self.links[k].tgt) != (src, tgt):
            raise Stale(f"no link holds exactly {ids}")
        return k

    def _op_merge(self, op: dict) -> None:
        src, tgt = self._sides(op["src"], op["tgt"])
        first = self._first(src, tgt)
        for k in (first, first - 1):
            if 0 <= k < len(self.links) - 1:
                a, b = self.links[k], self.links[k + 1]
                if (a.src + b.src, a.tgt + b.tgt) == (src, tgt):
                    both = a.confidence is not None and b.confidence is not None
                    conf = min(a.confidence, b.confidence) if both else None  # type: ignore[type-var]
                    self.links[k : k + 2] = [EditLink(src, tgt, min(a.score, b.score), confidence=conf)]
                    return
        raise Stale(f"no two neighbouring links hold {_show(op)}")

    def _op_split(self, op: dict) -> None:
        (s1, s2), (t1, t2) = op["src"], op["tgt"]
        if not (s1 or t1) or not (s2 or t2):
            raise Stale("each part of a split needs a sentence")
        src, tgt = self._sides(s1 + s2, t1 + t2)
        k = self._exact(src, tgt, _show({"src": s1 + s2, "tgt": t1 + t2}))
        n, m = len(s1), len(t1)
        score = self.links[k].score
        self.links[k : k + 1] = [EditLink(src[:n], tgt[:m], score), EditLink(src[n:], tgt[m:], score)]

    def _op_move(self, op: dict) -> None:
        side, to = op["side"], op["to"]
        i = self._index(side, op["sentence"])
        k = self._holding(side, i)
        here = getattr(self.links[k], side)
        j = k + 1 if to == "next" else k - 1
        if not 0 <= j < len(self.links):
            raise Stale(f"sentence {op['sentence']} has no {to} link")
        if here[-1 if to == "next" else 0] != i:
            raise Stale(f"sentence {op['sentence']} is not at the {'end' if to == 'next' else 'start'} of its link")
        there = getattr(self.links[j], side)
        moved = {side: here[:-1] if to == "next" else here[1:]}
        a = replace(self.links[k], checked=False, confidence=None, **moved)
        b = replace(self.links[j], checked=False, confidence=None, **{side: (i, *there) if to == "next" else (*there, i)})
        lo = min(k, j)
        pair = [a, b] if to == "next" else [b, a]
        self.links[lo : lo + 2] = [lk for lk in pair if lk.src or lk.tgt]

    def _op_check(self, op: dict) -> None:
        src, tgt = self._sides(op["src"], op["tgt"])
        self.links[self._exact(src, tgt, _show(op))].checked = True

    def _op_quote(self, op: dict) -> None:
        if not self.has_quotes:
            raise Stale("no quotes were given")
        where = op.get("quote")  # the quote's sentence id; None for a quote read without anchors
        q = next((q for q in self.quotes if q.anchor_id == where and q.match.wording == op["wording"]), None)
        if q is None:
            raise Stale(f"no quote “{_clip(op['wording'])}” at {where}")
        if not op["cues"]:
            q.status, q.chosen, q.touched = "not_found", 0, True
            return
        k = next((k for k, c in enumerate(q.candidates) if c.numbers == op["cues"]), None)
        if k is None:
            raise Stale(f"quote at {op['quote']} has no candidate at cues {op['cues']}")
        q.status, q.chosen, q.touched = "found", k, True

    def _op_term(self, op: dict) -> None:
        if not self.has_glossary:
            raise Stale("no glossary was given")
        k = op["entry"]
        key = (op["en"], op["zh"])
        if not (k < len(self.terms) and (self.terms[k].entry.en, self.terms[k].entry.zh) == key):
            k = next((n for n, t in enumerate(self.terms) if (t.entry.en, t.entry.zh) == key), -1)
        if k < 0:
            raise Stale(f"no glossary row {op['en']!r} / {op['zh']!r}")
        t = self.terms[k]
        if op["action"] == "edit":
            en, zh = op["to"]["en"], op["to"]["zh"]
            changed = {"zh_hant": "", "pinyin": ""} if zh != t.entry.zh else {}
            t.entry = replace(t.entry, en=en, zh=zh, **changed)
        else:
            t.status = "accepted" if op["action"] == "accept" else "rejected"


def _clip(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _show(op: dict) -> str:
    return f"review {','.join(op['src']) or '-'} / translation {','.join(op['tgt']) or '-'}"
