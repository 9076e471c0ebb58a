"""``--via``: find quotes through a second subtitle track in the review's language.

Editors usually have the film's subtitles in the review's language as well as
the track they work on.  Then a quote is first found in the same-language track
(:func:`subalign.quotes.match.find_quotes` with the rapidfuzz blend and the
same-language decision: tolerant of the reviewer's wording, an ellipsis or a
dropped "um"), and its cues are carried over to the main track through the
``dual`` alignment of the two tracks (:func:`subalign.subs.cuealign.align_cues`,
meaning and time, offsets and frame-rate drift included).  A same-language
cue that the alignment left without a counterpart is carried over by time
instead: the main-track cues it overlaps on the fitted clock.

Each :class:`~subalign.quotes.units.QuoteMatch` then has ``best`` (and
``cues``) in the main track and ``via`` (and ``via_cues``) in the second
track; score and confidence are those of the same-language match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from subalign.quotes.film import Film, prepare_film
from subalign.quotes.match import find_quotes, search
from subalign.quotes.units import DEFAULT_MAX_CUES, DEFAULT_MAX_GAP_S, Candidate, QuoteMatch
from subalign.subs.cuealign import DualOptions, DualResult, align_cues
from subalign.types import Cue, Quote

__all__ = ["Via", "find_quotes_via", "prepare_via", "search_via"]


@dataclass
class Via:
    """The main track, the second track prepared for matching, and their cue alignment.

    ``dual.a`` is the main track and ``dual.b`` the second one, both in time
    order; ``_to_main`` maps a second-track cue (by number and times) to the
    positions in ``dual.a`` of the main-track cues it is linked to.
    """

    film: Film
    dual: DualResult
    _to_main: dict[tuple[int, int, int], tuple[int, ...]]

    @property
    def main(self) -> list[Cue]:
        return self.dual.a

    def main_cues(self, cues: Sequence[Cue]) -> tuple[Cue, ...]:
        """The main-track cues carrying the same lines as second-track *cues*, in time order."""
        found: set[int] = set()
        for c in cues:
            linked = self._to_main.get(_key(c))
            found.update(linked if linked else self._by_time(c))
        return tuple(self.dual.a[i] for i in sorted(found))

    def _by_time(self, c: Cue) -> list[int]:
        """Main-track cues overlapping *c* once mapped onto the main track's clock."""
        start, end = self.dual.to_a_clock(c.start_ms), self.dual.to_a_clock(c.end_ms)
        return [i for i, a in enumerate(self.dual.a) if a.start_ms < end and a.end_ms > start]


def _key(c: Cue) -> tuple[int, int, int]:
    return c.number, c.start_ms, c.end_ms


def prepare_via(
    main: Sequence[Cue],
    second: Sequence[Cue],
    encoder,
    *,
    max_cues: int = DEFAULT_MAX_CUES,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
    options: DualOptions | None = None,
) -> Via:
    """Align *main* (the track quotes are reported in) with *second* (the review's
    language) and prepare *second* for matching; reuse the result for many quotes."""
    dual = align_cues(main, second, encoder, options)
    to_main: dict[tuple[int, int, int], tuple[int, ...]] = {}
    for link in dual.links:
        for j in link.b:
            to_main[_key(dual.b[j])] = link.a
    film = prepare_film(dual.b, encoder, max_cues=max_cues, max_gap_s=max_gap_s)
    return Via(film, dual, to_main)


def _carried(via: Via, c: Candidate) -> Candidate:
    """*c* (a place in the second track) as the place in the main track that says the same."""
    cues = via.main_cues(c.cues)
    text = " / ".join(x.plain for x in cues)
    return Candidate(cues=cues, score=c.score, similarity=c.similarity, text=text, confidence=c.confidence)


def find_quotes_via(
    quotes: Sequence[Quote | str],
    via: Via,
    *,
    threshold: float | None = None,
    min_confidence: float | None = None,
    runner_ups: int = 3,
    order: bool = True,
    checker="auto",
) -> list[QuoteMatch]:
    """Find every quote in ``via``'s second track and report it in both tracks (see the module doc).

    *threshold*, *min_confidence*, *order* and *checker* are those of
    :func:`~subalign.quotes.match.find_quotes` (the order pass applies only when
    the second track is in another language than the quotes).
    """
    matches = find_quotes(
        quotes, via.film, via.film.encoder, threshold=threshold, min_confidence=min_confidence, runner_ups=runner_ups,
        order=order, checker=checker,
    )
    out = []
    for m in matches:
        if m.best is None:
            out.append(m)
            continue
        best = _carried(via, m.best)
        status = m.status if best.cues else "not_found"
        note = m.note if best.cues else "; ".join(filter(None, [m.note, "no cue of the main track at that time"]))
        # A place that carries over to no cue of the main track is no place there: it stays
        # only as the second track's place (``via``).
        carried = [c for c in (_carried(via, r) for r in m.runner_up) if c.cues]
        out.append(replace(m, status=status, best=best if best.cues else None, via=m.best, note=note,
                           runner_up=carried))
    return out


def search_via(text: str, via: Via, top: int = 5, checker="auto") -> list[tuple[Candidate, Candidate]]:
    """``find --via``: the *top* places that say *text*, each as (main-track place, second-track place)."""
    return [(_carried(via, h), h) for h in search(text, via.film, via.film.encoder, top=top, checker=checker)]
