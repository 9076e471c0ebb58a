"""The sentence aligner: documents in, an :class:`Alignment` with anchors out.

Two passes, after Bertalign: a coarse path from sentence embeddings fixes a
narrow band (see :mod:`subalign.aligner.band`), then a DP over m-n beads inside the
band scores each bead with the embedding of its concatenated sentences.

The stages are public so the subtitle aligners reuse them: :func:`embed_pair`
(both sides' windows), :func:`align_windows` (the encoder-free core), and
:func:`subalign.aligner.band.align_beads` (the DP) under it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from subalign.aligner.band import align_beads, bead_cosine
from subalign.aligner.scoring import ScoreParams, Windows
from subalign.aligner.windows import embed_windows
from subalign.errors import SubalignError
from subalign.types import Alignment, Document, Link

__all__ = ["MAX_ALIGN_LIMIT", "AlignOptions", "align_documents", "align_windows", "bead_types", "embed_pair"]

MAX_ALIGN_LIMIT = 8


def bead_types(max_align: int) -> list[tuple[int, int]]:
    """The m-n beads with m + n <= ``max_align``, skips first.

    >>> bead_types(3)
    [(1, 0), (0, 1), (1, 1), (1, 2), (2, 1)]
    """
    if not 2 <= max_align <= MAX_ALIGN_LIMIT:
        raise SubalignError(f"--max-align must be between 2 and {MAX_ALIGN_LIMIT}, got {max_align}")
    ab = [(a, b) for a in range(1, max_align) for b in range(1, max_align) if a + b <= max_align]
    return [(1, 0), (0, 1)] + ab


@dataclass
class AlignOptions:
    """Knobs of the aligner; defaults are tuned on MAC-Dev (see benchmarks/RESULTS.md)."""

    max_align: int = 5
    # For encoders whose windows cannot be composed (all but USE-m3), windows
    # up to this many sentences are encoded as real concatenations; longer
    # ones (rare 1-3, 1-4 beads) use the mean of their sentences.
    exact_window: int = 2
    band_width: int = 6
    score: ScoreParams = field(default_factory=ScoreParams)

    def bead_types(self) -> list[tuple[int, int]]:
        return bead_types(self.max_align)


def embed_pair(src: Document, tgt: Document, encoder, options: AlignOptions) -> tuple[Windows, Windows]:
    """Both sides' window embeddings, as wide as the largest bead of ``options`` on each side."""
    types = options.bead_types()
    sw = embed_windows(src, encoder, max(a for a, _ in types), options.exact_window)
    tw = embed_windows(tgt, encoder, max(b for _, b in types), options.exact_window)
    return sw, tw


def align_windows(src: Windows, tgt: Windows, options: AlignOptions) -> list[Link]:
    """Align two sides given their window embeddings (the encoder-free core)."""
    n, m = src.n, tgt.n
    types = options.bead_types()
    if n == 0 or m == 0:
        return [Link((i,), ()) for i in range(n)] + [Link((), (j,)) for j in range(m)]
    beads = align_beads(src, tgt, types, params=options.score, width=options.band_width)
    return [Link(tuple(range(i0, i1)), tuple(range(j0, j1)), bead_cosine(src, tgt, (i0, i1, j0, j1))) for i0, i1, j0, j1 in beads]


def align_documents(src: Document, tgt: Document, encoder, options: AlignOptions | None = None) -> Alignment:
    """Align two segmented documents with ``encoder`` (any :class:`subalign.encoders.Encoder`)."""
    options = options or AlignOptions()
    sw, tw = embed_pair(src, tgt, encoder, options)
    links = align_windows(sw, tw, options)
    params = {"max_align": options.max_align, "exact_window": options.exact_window, "band_width": options.band_width}
    params.update(asdict(options.score))
    return Alignment(src=src, tgt=tgt, links=links, model=getattr(encoder, "name", str(encoder)), params=params)
