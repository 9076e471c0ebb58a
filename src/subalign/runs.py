"""What every command's run function shares: the result it returns, the warnings it collects,
and the option checks that name the command line's flags.

A command is one ``run_<command>(request) -> RunResult`` in the package that owns its data
(``aligner/commands.py``, ``quotes/commands.py`` …). The CLI and batch are its two callers:
the run function reads its inputs and returns texts; the callers write them (``-o``/stdout,
or OUTDIR). Light on purpose: the CLI imports the requests for their defaults at start-up.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from subalign.errors import SubalignError

#: The model a command uses when none is named; defined here, the lowest layer, so the CLI
#: reads it at start-up without loading the encoders package (which re-exports it).
DEFAULT_MODEL = "use-m3"

#: Roles of a run's output texts (see :class:`RunResult`).
MAIN = "main"
SIDECAR = "sidecar"
REPORT = "report"


@dataclass(kw_only=True)
class ModelRequest:
    """What every request that embeds text has: the model, and whether the embedding cache is used."""

    model: str = DEFAULT_MODEL
    cache: bool = True


@dataclass
class RunResult:
    """The texts a command made, by role, and what to tell the user about them.

    ``outputs``: ``main`` (the requested output), ``sidecar`` (the JSON map next to a
    quotes SRT), ``report`` (dual/retime ``--report``); ``align`` also keys every
    requested format's text by the format's name. ``summary``: one line.
    ``warnings``: in the order they arose. ``notes``: lines that come after the summary
    (unmatched cues, for instance); a note that is a warning starts with ``warning: ``.
    """

    outputs: dict[str, str]
    summary: str = ""
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Warnings:
    """A run's warnings, collected in order, and each shown at once through *live* if given
    (the CLI prints them as they arise; batch reads them from the result)."""

    def __init__(self, live: Callable[[str], None] | None = None) -> None:
        self.items: list[str] = []
        self._live = live

    def __call__(self, msg: str) -> None:
        self.items.append(msg)
        if self._live is not None:
            self._live(msg)


# --------------------------------------------------------------------------- option checks


def check_finite(flag: str, value: float | None) -> None:
    """Refuse NaN and inf: NaN compares false with everything, so a NaN threshold silently matches nothing."""
    if value is not None and not math.isfinite(value):
        raise SubalignError(f"{flag} must be a finite number, got {value}")


def check_language(flag: str, code: str | None) -> None:
    """Refuse an unknown language code up front, naming the flag."""
    from subalign.text.langid import normalize_lang  # lazy: light, but --help imports this module and needs none

    if code is None:
        return
    try:
        normalize_lang(code)
    except SubalignError as e:
        raise SubalignError(f"{flag}: {e}") from None


def count_kinds(kinds: Iterable[str]) -> str:
    """``1-1: 33, 2-1: 8, 1-2: 5``: how many links of each kind, the most frequent first."""
    counts: dict[str, int] = {}
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


def list_numbers(label: str, numbers: list[int], limit: int = 20) -> str:
    """``label: 1, 2, 3 … (+n)``: a long list of cue or line numbers, cut to *limit*."""
    shown = ", ".join(map(str, numbers[:limit]))
    more = f" … (+{len(numbers) - limit})" if len(numbers) > limit else ""
    return f"{label}: {shown}{more}"
