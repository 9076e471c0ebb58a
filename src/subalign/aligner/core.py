"""The sentence aligner: documents in, an :class:`Alignment` with anchors out.

Two passes, after Bertalign: a coarse path from sentence embeddings fixes a
narrow band (see :mod:`subalign.aligner.band`), then a DP over m-n beads inside the
band scores each bead with the embedding of its concatenated sentences and, for an
English/Chinese pair, the bilingual lexicon's coverage of its words
(:mod:`subalign.aligner.lexical`).

The stages are public so the subtitle aligners reuse them: :func:`embed_pair`
(both sides' windows), :func:`align_windows` (the encoder-free core), and
:func:`subalign.aligner.band.align_beads` (the DP) under it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from subalign.aligner.band import BandPlan, BeadPath, bead_cosine, best_path, plan_band
from subalign.aligner.confidence import bead_confidences
from subalign.aligner.doclex import learned_sides
from subalign.aligner.lexical import LexicalSides, lexical_sides
from subalign.aligner.scoring import BeadTerms, ScoreParams, Windows
from subalign.aligner.windows import embed_windows
from subalign.errors import SubalignError
from subalign.types import Alignment, Document, Link

__all__ = [
    "MAX_ALIGN_LIMIT", "AlignOptions", "align_documents", "align_scored", "align_windows", "align_windows_scored",
    "bead_types", "embed_pair",
]

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
    # Add the bilingual lexicon's evidence to the bead score when one side is
    # English and the other Chinese (other pairs never use it).
    lexicon: bool = True
    # With the lexicon: add the document's own word pairs, learned from the coarse
    # path the DP's band is drawn around (subalign.aligner.doclex).
    learn_pairs: bool = True

    def bead_types(self) -> list[tuple[int, int]]:
        return bead_types(self.max_align)


def embed_pair(src: Document, tgt: Document, encoder, options: AlignOptions) -> tuple[Windows, Windows]:
    """Both sides' window embeddings, as wide as the largest bead of ``options`` on each side."""
    types = options.bead_types()
    sw = embed_windows(src, encoder, max(a for a, _ in types), options.exact_window)
    tw = embed_windows(tgt, encoder, max(b for _, b in types), options.exact_window)
    return sw, tw


def align_windows(src: Windows, tgt: Windows, options: AlignOptions, lexical: LexicalSides | None = None) -> list[Link]:
    """Align two sides given their window embeddings (the encoder-free core); ``lexical`` adds word evidence.

    Every link carries its calibrated confidence (:mod:`subalign.aligner.confidence`).
    """
    return align_windows_scored(src, tgt, options, lexical, terms=False)[0]


def align_windows_scored(
    src: Windows, tgt: Windows, options: AlignOptions, lexical: LexicalSides | None = None, terms: bool = True
) -> tuple[list[Link], list[BeadTerms]]:
    """:func:`align_windows` and each link's score term by term (embedding, lexical, length, paragraph; empty unless ``terms``)."""
    n, m = src.n, tgt.n
    options.bead_types()  # a bad --max-align fails even with nothing to align
    if n == 0 or m == 0:
        # One side is empty: every sentence of the other is unaligned, and nothing else was possible.
        links = [Link((i,), (), confidence=1.0) for i in range(n)] + [Link((), (j,), confidence=1.0) for j in range(m)]
        return links, [BeadTerms(score=options.score.skip) for _ in links] if terms else []
    path = align_path(src, tgt, options, lexical)
    parts = path.terms()
    conf = bead_confidences(path.beads, parts, path.gaps)
    links = [
        Link(tuple(range(i0, i1)), tuple(range(j0, j1)), bead_cosine(src, tgt, (i0, i1, j0, j1)), round(float(p), 4))
        for (i0, i1, j0, j1), p in zip(path.beads, conf)
    ]
    return links, parts if terms else []


def align_path(
    src: Windows, tgt: Windows, options: AlignOptions, lexical: LexicalSides | None = None, plan: BandPlan | None = None
) -> BeadPath:
    """The best path of beads, with ``lexical`` evidence when given.

    With ``options.learn_pairs``, the document's own word pairs are learned from the
    coarse path the band is drawn around (``plan``: pass one to reuse it) and added
    to ``lexical`` first.
    """
    types = options.bead_types()
    if lexical is None or not options.learn_pairs:
        band = plan.band if plan is not None else None
        return best_path(src, tgt, types, params=options.score, width=options.band_width, band=band, lexical=lexical)
    plan = plan or plan_band(src, tgt, options.band_width)
    return best_path(src, tgt, types, params=options.score, band=plan.band, lexical=learned_sides(lexical, plan.coarse))


def align_documents(src: Document, tgt: Document, encoder, options: AlignOptions | None = None) -> Alignment:
    """Align two segmented documents with ``encoder`` (any :class:`subalign.encoders.Encoder`).

    For an English/Chinese pair the bilingual lexicon takes part (``options.lexicon``).
    """
    return align_scored(src, tgt, encoder, options, terms=False)[0]


def align_scored(
    src: Document, tgt: Document, encoder, options: AlignOptions | None = None, terms: bool = True
) -> tuple[Alignment, list[BeadTerms]]:
    """:func:`align_documents` and, for each of its links, the bead's score term by term (unless not ``terms``)."""
    options = options or AlignOptions()
    sw, tw = embed_pair(src, tgt, encoder, options)
    lexical = lexical_sides(src, tgt) if options.lexicon and len(src) and len(tgt) else None
    links, parts = align_windows_scored(sw, tw, options, lexical, terms)
    params = {"max_align": options.max_align, "exact_window": options.exact_window, "band_width": options.band_width}
    params.update(asdict(options.score))
    params["lexicon"] = lexical is not None
    params["learn_pairs"] = lexical is not None and options.learn_pairs
    return Alignment(src=src, tgt=tgt, links=links, model=getattr(encoder, "name", str(encoder)), params=params), parts
