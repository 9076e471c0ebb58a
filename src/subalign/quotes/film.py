"""The film side of quote matching: cues cut into phrases, embedded once, and the candidate windows
(runs of phrases over at most ``max_cues`` cues with no long pause) scored against quotes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from subalign.aligner.windows import embed_windows
from subalign.errors import SubalignError
from subalign.quotes.units import (
    DEFAULT_MAX_CUES,
    DEFAULT_MAX_GAP_S,
    MAX_PHRASES,
    MIN_REFERENCE,
    REFERENCE_LINES,
    lexical_key,
    cue_phrases,
    script_of,
    window_max_chars,
)
from subalign.types import Anchor, Cue, Document, Sentence


# ----------------------------------------------------------------------------- the film


@dataclass
class Film:
    """Subtitles prepared for matching: phrases, candidate windows and their embeddings.

    Build it once with :func:`prepare_film` and pass it to :func:`search` and
    :func:`find_quotes` as often as needed.  Only *valid* windows (at most
    ``max_cues`` cues, no long pause) are kept: ``win_emb[i]`` is the
    embedding of the window of ``win_len[i]`` phrases starting at phrase
    ``win_start[i]``; windows are grouped by length, ``slices[k]`` selecting
    those of length k.
    """

    cues: list[Cue]
    lang: str
    phrases: list[str]
    owner: np.ndarray  # phrase index -> index into ``cues``
    win_start: np.ndarray
    win_len: np.ndarray
    win_emb: np.ndarray
    slices: list[slice]
    max_cues: int
    max_gap_s: float
    encoder: Any
    ref_texts: list[str] = field(default_factory=list)  # the centring reference (see MIN_REFERENCE)
    ref_emb: np.ndarray | None = None
    _keys: list[str] | None = None
    _ref_keys: list[str] | None = None
    #: What other scorers derive from the phrases once per film (e.g. the lexicon's prepared phrases).
    derived: dict[str, Any] = field(default_factory=dict)

    @property
    def max_phrases(self) -> int:
        return len(self.slices) - 1

    def span_text(self, a: int, length: int) -> str:
        """The phrases a..a+length-1 for display: `` / `` between cues, else a space
        (none after Chinese punctuation)."""
        out = self.phrases[a]
        for p in range(a + 1, a + length):
            if self.owner[p] != self.owner[p - 1]:
                out += " / "
            elif not (self.lang == "zh" and out[-1] in "，。！？；：…⋯”’」』）"):
                out += " "
            out += self.phrases[p]
        return out

    def ref_keys(self) -> list[str]:
        """Lexical keys of the centring reference (computed once)."""
        if self._ref_keys is None:
            self._ref_keys = [lexical_key(t) for t in self.ref_texts]
        return self._ref_keys

    def window_keys(self) -> list[str]:
        """Lexical keys of every valid window, in ``win_*`` order (computed once)."""
        if self._keys is None:
            keys = [lexical_key(p) for p in self.phrases]
            sep = "" if self.lang == "zh" else " "
            self._keys = [sep.join(keys[a : a + k]) for a, k in zip(self.win_start.tolist(), self.win_len.tolist())]
        return self._keys


def prepare_film(
    cues: Sequence[Cue],
    encoder,
    *,
    max_cues: int = DEFAULT_MAX_CUES,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
    lang: str | None = None,
) -> Film:
    """Cut *cues* into phrases and embed every candidate window (see the module doc).

    *lang* (``zh``/``en``) is only used to join phrases for display and
    lexical matching; by default it is read from the script of the cues.
    """
    if not cues:
        raise SubalignError("the subtitles have no cues to search")
    if max_cues < 1:
        raise SubalignError(f"max cues per match must be at least 1, got {max_cues}")
    if not max_gap_s >= 0:
        raise SubalignError(f"the maximum gap must be a non-negative number of seconds, got {max_gap_s}")
    cues = sorted(cues, key=lambda c: c.start_ms)  # windows are runs of cues in time order
    lang = lang or script_of(" ".join(c.plain[:200] for c in cues[:2000]))
    phrases: list[str] = []
    owner: list[int] = []
    for i, cue in enumerate(cues):
        for p in cue_phrases(cue.plain, lang):
            phrases.append(p)
            owner.append(i)
    own = np.asarray(owner, dtype=np.int64)
    n_phr = len(phrases)
    chars = np.zeros(n_phr + 1, dtype=np.int64)
    np.cumsum([len(p) for p in phrases], out=chars[1:])
    max_chars_k = window_max_chars(lang)

    # Blocks of cues separated by pauses longer than max_gap_s; a window stays in one block.
    gap_ms = max_gap_s * 1000.0
    block = np.zeros(len(cues), dtype=np.int64)
    for i in range(1, len(cues)):
        block[i] = block[i - 1] + (cues[i].start_ms - cues[i - 1].end_ms > gap_ms)
    valid: list[np.ndarray] = [np.zeros(0, dtype=bool)]
    for k in range(1, min(MAX_PHRASES, n_phr) + 1):
        a = np.arange(n_phr - k + 1)
        first, last = own[a], own[a + k - 1]
        ok = ((last - first + 1) <= max_cues) & (block[first] == block[last]) & (chars[a + k] - chars[a] <= max_chars_k)
        if not ok.any():  # no valid window this long, hence none longer
            break
        valid.append(ok)
    max_phr = len(valid) - 1

    sentences = [Sentence(i, p, Anchor(1, i + 1, 0, len(p))) for i, p in enumerate(phrases)]
    doc = Document(text="\n".join(phrases), sentences=sentences, lang=lang)
    emb = embed_windows(doc, encoder, max_phr).emb
    starts, lens, vecs, slices = [], [], [], [slice(0, 0)]
    offset = 0
    for k in range(1, max_phr + 1):
        idx = np.flatnonzero(valid[k])
        starts.append(idx)
        lens.append(np.full(len(idx), k, dtype=np.int64))
        vecs.append(np.asarray(emb[k], dtype=np.float32)[idx])
        slices.append(slice(offset, offset + len(idx)))
        offset += len(idx)
    ref_texts = list(phrases)
    ref_emb = np.asarray(emb[1], dtype=np.float32)
    if len(ref_texts) < MIN_REFERENCE:
        extra = list(REFERENCE_LINES[: MIN_REFERENCE - len(ref_texts)])
        ref_texts += extra
        ref_emb = np.vstack([ref_emb, np.asarray(encoder.encode(extra), dtype=np.float32)])
    return Film(
        cues=cues,
        lang=lang,
        phrases=phrases,
        owner=own,
        win_start=np.concatenate(starts),
        win_len=np.concatenate(lens),
        win_emb=np.ascontiguousarray(np.vstack(vecs)),
        slices=slices,
        max_cues=max_cues,
        max_gap_s=max_gap_s,
        encoder=encoder,
        ref_texts=ref_texts,
        ref_emb=ref_emb,
    )
