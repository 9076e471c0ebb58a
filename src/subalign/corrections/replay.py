"""Replaying a corrections file on saved results: ``subalign apply``'s Python side."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from subalign.corrections.exports import export_files, input_hashes
from subalign.corrections.ops import Corrections
from subalign.corrections.state import EditState
from subalign.glossary.pairing import GlossaryEntry
from subalign.quotes.units import QuoteMatch
from subalign.types import Alignment

__all__ = ["Replay", "apply_corrections", "replay"]


@dataclass
class Replay:
    """What a replay did: how many operations it carried out, which it skipped and why, and
    which inputs differ from those the corrections were made on."""

    applied: int = 0
    skipped: list[tuple[int, dict[str, Any], str]] = field(default_factory=list)  # (number, op, reason)
    changed_inputs: list[str] = field(default_factory=list)


def replay(corrections: Corrections, state: EditState) -> Replay:
    """Carry out the operations in order on *state*; one that does not fit is skipped and listed."""
    mine = input_hashes(state)
    out = Replay(changed_inputs=[k for k, v in corrections.inputs.items() if k in mine and mine[k] != v])
    for n, op in enumerate(corrections.ops, 1):
        reason = state.apply(op)
        if reason is None:
            out.applied += 1
        else:
            out.skipped.append((n, op, reason))
    return out


def apply_corrections(
    corrections: Corrections,
    alignment: Alignment | None = None,
    quotes: list[QuoteMatch] | None = None,
    glossary: list[GlossaryEntry] | None = None,
    *,
    name: str = "review",
) -> tuple[dict[str, str], Replay]:
    """The corrected files (name → text, the names the page downloads) and the replay's account."""
    state = EditState.of(alignment, quotes, glossary)
    result = replay(corrections, state)
    return export_files(state, name), result
