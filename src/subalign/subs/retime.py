"""Time an untimed translation against the film's subtitles in the other language.

The translation (one sentence or line per line) and the cues are aligned with
the sentence aligner (m-n beads over embeddings).  Then each translation line
gets a time:

- a 1-1 link takes the cue's timing;
- a line linked to several cues spans them (first start to last end);
- several lines sharing one cue (or several cues) split that span in proportion
  to their display width (Chinese characters count 2), back to back; an n-n
  link gives the k-th line the k-th cue;
- a line linked to no cue is never dropped: it is put in the pause between its
  neighbours when there is room (at most about as long as it takes to read),
  else it shares the time of the previous link (the next one at the start);
  every such line is reported.

Output cues are in translation order, never overlap and never have negative
times (a source track whose cues overlap is clipped so each cue starts no
earlier than the previous one ends).  The cues are used in time order, and a
line or cue longer than the aligner's long-sentence limit is matched by its
pieces (see :func:`retime`), so the cost is linear whatever the line lengths.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from subalign.aligner.core import AlignOptions, align_documents
from subalign.errors import SubalignError
from subalign.subs.cues import format_timestamp, plain_text
from subalign.subs.units import cue_document, cut_cues, merge_unit_links, split_span, track_language
from subalign.subs.wrap import display_width
from subalign.text.langid import normalize_lang
from subalign.types import Cue

__all__ = ["RetimeResult", "retime", "split_span", "time_lines", "translation_lines"]

#: A line without a cue goes into a pause only if the pause is at least this long.
MIN_GAP_MS = 500
#: Reading-time estimate for lines placed in a pause: base + per display column.
BASE_MS, PER_COLUMN_MS = 700, 60


def translation_lines(text: str) -> list[str]:
    """The non-empty lines of a translation file, stripped."""
    return [ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if ln.strip()]


@dataclass
class RetimeResult:
    lines: list[str]
    source: list[Cue]
    links: list[tuple[tuple[int, ...], tuple[int, ...], float]]  # (line indices, cue positions, score)
    cues: list[Cue]  # the timed translation, one cue per line, numbered from 1
    unlinked_lines: list[int] = field(default_factory=list)  # 0-based line indices
    untranslated_cues: list[int] = field(default_factory=list)  # cue positions


def _weight(line: str) -> float:
    return float(max(1, display_width(line)))


def time_lines(
    lines: Sequence[str],
    cues: Sequence[Cue],
    links: Sequence[tuple[Sequence[int], Sequence[int]]],
) -> tuple[list[tuple[int, int]], list[int]]:
    """``(times per line, unlinked line indices)`` from monotone *links* (line indices, cue positions).

    Stages: group the lines by the cue span they share (:func:`_link_groups`),
    give the unlinked ones a pause or a neighbour's span (:func:`_place_unlinked`),
    split each span among its lines by width, then keep the times in order.
    """
    groups, unlinked = _link_groups(cues, links)
    if not any(span is not None for _, span in groups):
        raise SubalignError("no translation line could be linked to a cue: are these the same film?")
    times: dict[int, tuple[int, int]] = {}
    for ls, (s, e) in _place_unlinked(lines, groups):
        for i, piece in zip(ls, split_span(int(s), int(e), [_weight(lines[i]) for i in ls])):
            times[i] = piece
    return _in_order([times[i] for i in range(len(lines))]), sorted(unlinked)


def _link_groups(
    cues: Sequence[Cue], links: Sequence[tuple[Sequence[int], Sequence[int]]]
) -> tuple[list[list], list[int]]:
    """``[lines, cue span or None]`` per group of lines sharing a span, and the unlinked lines."""
    groups: list[list] = []
    unlinked: list[int] = []
    for ls, cs in links:
        if not ls:
            continue
        if cs and len(ls) == len(cs) > 1:
            # An n-n link (the aligner merged two 1-1s): each line takes its own cue.
            for i, c in zip(ls, cs):
                groups.append([[i], (cues[c].start_ms, cues[c].end_ms)])
        elif cs:
            groups.append([list(ls), (cues[cs[0]].start_ms, max(cues[c].end_ms for c in cs))])
        else:
            unlinked.extend(ls)
            groups.append([list(ls), None])
    return groups, unlinked


def _place_unlinked(lines: Sequence[str], groups: list[list]) -> list[list]:
    """Every group with a span: unlinked lines go into the pause between their neighbours
    when it is long enough, else they share the previous link's span (the next one's at the start)."""
    # The span of the next linked group after each group (one backward pass, so
    # thousands of unlinked pieces of one long line stay linear).
    next_span: list[tuple[int, int] | None] = [None] * len(groups)
    following = None
    for k in range(len(groups) - 1, -1, -1):
        next_span[k] = following
        if groups[k][1] is not None:
            following = groups[k][1]
    resolved: list[list] = []
    lead: list[int] = []  # unlinked lines before the first link, with no pause to hold them
    for k, (ls, span) in enumerate(groups):
        if span is not None:
            resolved.append([lead + ls if lead else ls, span])
            lead = []
            continue
        prev_end = resolved[-1][1][1] if resolved else 0
        nxt = next_span[k]
        next_start = nxt[0] if nxt is not None else prev_end + 10 * BASE_MS
        gap = next_start - prev_end
        if gap >= MIN_GAP_MS:
            want = sum(BASE_MS + PER_COLUMN_MS * _weight(lines[i]) for i in ls)
            pad = min(100, gap // 10)
            s = prev_end + pad
            resolved.append([ls, (s, min(next_start - pad, s + int(want)))])
        elif resolved:
            resolved[-1][0].extend(ls)  # share the previous link's time
        else:
            lead.extend(ls)  # at the very start: share the next linked group's time
    return resolved


def _in_order(times: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Times in line order, never overlapping, never negative, never empty."""
    out: list[tuple[int, int]] = []
    prev_end = 0
    for s, e in times:
        s = max(s, prev_end, 0)
        e = max(e, s + 1)
        out.append((s, e))
        prev_end = e
    return out


def retime(
    lines: Sequence[str],
    cues: Sequence[Cue],
    encoder,
    *,
    max_align: int = 5,
    lang: str | None = None,
) -> RetimeResult:
    """Align translation *lines* to *cues* and time them (see the module docstring).

    A line (or cue) longer than the aligner's long-sentence limit is matched
    by its pieces (:func:`subalign.subs.units.cut_cues`): the pieces are aligned and
    timed like lines, and the line's cue runs from its first piece's start to
    its last piece's end, with its text as written.
    """
    lines = [ln for ln in lines if ln.strip()]
    cues = sorted(cues, key=lambda c: c.start_ms)  # time order, whatever the caller passed
    if not lines or not cues:
        raise SubalignError("retime needs at least one translation line and one cue")
    # No lexicon term: its weights were fitted on prose (MAC-Dev), and on the real subtitle
    # pair it moved nothing (95.3 % of starts within 0.5 s with and without it,
    # benchmarks/RESULTS.md); dual does without it too, so both subtitle paths score alike.
    opts = AlignOptions(max_align=max_align, lexicon=False)
    opts.bead_types()  # validate before any work
    line_cues = [Cue(k + 1, k, 0, 0, ln, plain_text(ln) or ln) for k, ln in enumerate(lines)]
    lang_l = normalize_lang(lang) if lang else track_language(line_cues)
    lang_c = track_language(cues)
    units, own_l = cut_cues(line_cues, lang_l)
    cue_units, own_c = cut_cues(cues, lang_c)
    # One paragraph per side (cue_document), so the paragraph term never applies.
    aligned = align_documents(cue_document(units, lang_l), cue_document(cue_units, lang_c), encoder, opts)
    raw = [(lk.src, lk.tgt, lk.score) for lk in aligned.links]
    unit_times, unlinked_units = time_lines([u.text for u in units], cue_units, [(s, t) for s, t, _ in raw])
    # A line runs from its first piece's start to its last piece's end; it is
    # unlinked when none of its pieces is linked.
    starts: list[int | None] = [None] * len(lines)
    ends = [0] * len(lines)
    pieces = [0] * len(lines)
    for k, (start, end) in zip(own_l, unit_times):
        starts[k] = start if starts[k] is None else starts[k]
        ends[k] = end
        pieces[k] += 1
    for u in unlinked_units:
        pieces[own_l[u]] -= 1
    unlinked = [k for k in range(len(lines)) if pieces[k] == 0]
    links = merge_unit_links(raw, own_l, own_c)
    timed = [Cue(k + 1, k, starts[k], ends[k], lines[k], plain_text(lines[k])) for k in range(len(lines))]
    untranslated = [j for s, t, _ in links if not s for j in t]
    return RetimeResult(list(lines), cues, links, timed, unlinked, untranslated)


def result_json(result: RetimeResult, extra: dict | None = None) -> str:
    """The review file: links with line and cue numbers, the timed lines, what stayed unmatched."""
    doc = {
        "links": [
            {
                "lines": [i + 1 for i in s],
                "cues": [result.source[j].number for j in t],
                "score": sc,
            }
            for s, t, sc in result.links
        ],
        "cues": [
            {"line": c.number, "start": format_timestamp(c.start_ms), "end": format_timestamp(c.end_ms), "text": c.text}
            for c in result.cues
        ],
        "unlinked_lines": [i + 1 for i in result.unlinked_lines],
        "untranslated_cues": [result.source[j].number for j in result.untranslated_cues],
    }
    if extra:
        doc.update(extra)
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def summary(result: RetimeResult) -> str:
    kinds: dict[str, int] = {}
    for s, t, _ in result.links:
        k = f"{len(s)}-{len(t)}"
        kinds[k] = kinds.get(k, 0) + 1
    ks = ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]))
    return (
        f"{len(result.lines)} lines timed against {len(result.source)} cues ({ks}); "
        f"{len(result.unlinked_lines)} line(s) without a cue, {len(result.untranslated_cues)} cue(s) without a line"
    )


def same_language(lines: list[str], cues: list, lang: str | None) -> str | None:
    """The language both sides of a retime seem to be in, or None when they differ."""
    line_cues = [Cue(k + 1, k, 0, 0, ln, plain_text(ln) or ln) for k, ln in enumerate(lines[:400])]
    ours = normalize_lang(lang) if lang else track_language(line_cues)
    theirs = track_language(cues)
    return ours if ours == theirs else None
