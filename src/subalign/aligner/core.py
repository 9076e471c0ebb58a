"""The sentence aligner: documents in, an :class:`Alignment` with anchors out.

Two passes, after Bertalign: a coarse path from sentence embeddings fixes a
narrow band (see :mod:`subalign.aligner.band`), then a DP over m-n beads inside the
band scores each bead with the embedding of its concatenated sentences.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


from subalign.aligner.band import coarse_path
from subalign.aligner.dp import band_around, band_dp
from subalign.aligner.scoring import BeadScorer, ScoreParams, Windows
from subalign.errors import SubalignError
from subalign.types import Alignment, Document, Link
from subalign.aligner.windows import embed_windows

MAX_ALIGN_LIMIT = 8


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
        if not 2 <= self.max_align <= MAX_ALIGN_LIMIT:
            raise SubalignError(f"--max-align must be between 2 and {MAX_ALIGN_LIMIT}, got {self.max_align}")
        ab = [(a, b) for a in range(1, self.max_align) for b in range(1, self.max_align) if a + b <= self.max_align]
        return [(1, 0), (0, 1)] + ab


def align_windows(src: Windows, tgt: Windows, options: AlignOptions) -> list[Link]:
    """Align two sides given their window embeddings (the encoder-free core)."""
    n, m = src.n, tgt.n
    types = options.bead_types()
    if n == 0 or m == 0:
        return [Link((i,), ()) for i in range(n)] + [Link((), (j,)) for j in range(m)]
    from threadpoolctl import threadpool_limits

    # The DP multiplies many tiny matrices: extra BLAS threads only add hand-off
    # cost (several times slower on 2 cores), so run it single-threaded.
    with threadpool_limits(limits=1, user_api="blas"):
        pairs = (src.emb[2], tgt.emb[2]) if len(src.emb) > 2 and len(tgt.emb) > 2 else None
        path = coarse_path(src.emb[1], tgt.emb[1], src.lens, tgt.lens, pairs)
        lo, hi = band_around(path, n, m, options.band_width)
        beads = band_dp(n, m, lo, hi, types, BeadScorer(src, tgt, options.score))
    links = []
    for i0, i1, j0, j1 in beads:
        sim = 0.0
        if i1 > i0 and j1 > j0:
            sim = float(src.emb[i1 - i0][i0] @ tgt.emb[j1 - j0][j0])
        links.append(Link(tuple(range(i0, i1)), tuple(range(j0, j1)), round(max(sim, 0.0), 4)))
    return links


def align_documents(src: Document, tgt: Document, encoder, options: AlignOptions | None = None) -> Alignment:
    options = options or AlignOptions()
    types = options.bead_types()
    ks = max(a for a, _ in types)
    kt = max(b for _, b in types)
    sw = embed_windows(src, encoder, ks, options.exact_window)
    tw = embed_windows(tgt, encoder, kt, options.exact_window)
    links = align_windows(sw, tw, options)
    params = {"max_align": options.max_align, "exact_window": options.exact_window, "band_width": options.band_width}
    params.update(asdict(options.score))
    return Alignment(src=src, tgt=tgt, links=links, model=getattr(encoder, "name", str(encoder)), params=params)
