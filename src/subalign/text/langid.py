"""Language (and Chinese script) identification.

langdetect is probabilistic; it is seeded on every call so the same text always
gets the same answer, and it only sees a bounded sample because a few thousand
characters are plenty to tell English from Chinese and detection time grows
with the input.
"""

from __future__ import annotations

import functools
import html
import importlib.resources
import re

from subalign.text.cjk import HAN_RE, fold_width
from subalign.errors import SubalignError

SAMPLE_CHARS = 5000
SCRIPT_SAMPLE_CHARS = 50_000

# Frequent characters whose simplified and traditional forms differ, pairwise.
# Counting them is more reliable than langdetect's zh-cn/zh-tw split, which is
# trained on n-gram statistics and often flips on short or mixed texts; a
# traditional text practically never contains the left-hand forms and vice
# versa.  Characters that are valid in *both* standards with another meaning
# (后, 里, 干, 只, 着, 于, 台, 面, 系, 么 ...) are deliberately left out.
_SIMPLIFIED = "这个们来时为说国会对没过发学样还进动长经现实问题关开见听电话门间东车书马让认识论应该头无与从当点种边观众义权劳厂钱亲爱华语读写记买卖级组织纪红线结给终处办场产业区岁难虽师带张网军农历胜饭钟"
_TRADITIONAL = "這個們來時為說國會對沒過發學樣還進動長經現實問題關開見聽電話門間東車書馬讓認識論應該頭無與從當點種邊觀眾義權勞廠錢親愛華語讀寫記買賣級組織紀紅線結給終處辦場產業區歲難雖師帶張網軍農歷勝飯鐘"
assert len(_SIMPLIFIED) == len(_TRADITIONAL)
_SIMP_SET = frozenset(_SIMPLIFIED)
_TRAD_SET = frozenset(_TRADITIONAL)

_ALIASES = {
    "zh": "zh", "zh-cn": "zh", "zh-tw": "zh", "zh-hk": "zh", "zh-sg": "zh", "zh-mo": "zh",
    "zh-hans": "zh", "zh-hant": "zh", "cmn": "zh", "chi": "zh", "zho": "zh", "chinese": "zh",
    "en": "en", "eng": "en", "english": "en",
    "fra": "fr", "fre": "fr", "deu": "de", "ger": "de", "spa": "es", "jpn": "ja",
    "kor": "ko", "rus": "ru", "ita": "it", "por": "pt",
}
_HANT_CODES = {"zh-tw", "zh-hk", "zh-mo", "zh-hant"}
_HANS_CODES = {"zh-cn", "zh-sg", "zh-hans"}


ACCEPTED = "en or zh (also zh-CN, zh-TW, zh-HK, zh-Hans, zh-Hant, cmn, eng, ...), or another language code langdetect knows, such as fr or de"


def normalize_lang(code: str) -> str:
    """Map a user's language override ("zh-CN", "zh_TW", "cmn", "ENG" ...) to "zh"/"en".

    Other codes are reduced to their primary subtag and accepted when langdetect
    knows the language (so an override is always a code detection could give);
    anything else ("klingon") is a :class:`SubalignError` saying what is accepted.
    """
    key = _key(code)
    if not key:
        raise SubalignError(f"empty language code {code!r}")
    if key in _ALIASES:
        return _ALIASES[key]
    primary = key.split("-", 1)[0]
    lang = _ALIASES.get(primary, primary)
    if lang not in _known_languages():
        raise SubalignError(f"unknown language {code.strip()!r}: use {ACCEPTED}")
    return lang


@functools.lru_cache(maxsize=1)
def _known_languages() -> frozenset[str]:
    """Primary codes of langdetect's language profiles, read from its package's files."""
    names = {p.name for p in importlib.resources.files("langdetect").joinpath("profiles").iterdir()}
    return frozenset(n.split("-", 1)[0] for n in names)


def script_hint(code: str) -> str | None:
    """The script implied by an override code: "zh-TW" → "Hant", "zh-CN" → "Hans", else None."""
    key = _key(code)
    if key in _HANT_CODES:
        return "Hant"
    if key in _HANS_CODES:
        return "Hans"
    return None


def _key(code: str) -> str:
    return code.strip().lower().replace("_", "-")


def chinese_script(text: str, fallback: str | None = None) -> str | None:
    """Return "Hans" or "Hant" from counts of distinctively simplified/traditional characters.

    With no distinctive character (or a tie) return *fallback*.
    """
    sample = text[:SCRIPT_SAMPLE_CHARS]
    simp = sum(1 for ch in sample if ch in _SIMP_SET)
    trad = sum(1 for ch in sample if ch in _TRAD_SET)
    if simp > trad:
        return "Hans"
    if trad > simp:
        return "Hant"
    return fallback


# Probability at which English wins over langdetect's top guess for Latin text.
ENGLISH_CLOSE_CALL = 0.2


# Markup is stripped from this much of the text before sampling, so a page that is
# mostly tags still leaves SAMPLE_CHARS of words.
MARKUP_CHARS = 200_000


def detect_language(text: str) -> tuple[str, str | None]:
    """Return ``(lang, script)``: ("zh", "Hans"/"Hant") for Chinese, (code, None) otherwise.

    Detection looks at the words only: HTML/XML tags and comments are dropped
    and entities decoded first (tag names are Latin letters, and Chinese
    full of ``<p class=...>`` otherwise reads as Catalan).  Han-dominated text is
    Chinese whatever langdetect says.
    """
    head = text[:MARKUP_CHARS]
    if "<" in head or "&" in head:
        text = visible_text(head)
    # Full-width Latin (ＡＢＣ１２３) is typed in Chinese text; langdetect reads it as Korean.
    text = fold_width(text[:MARKUP_CHARS])
    start = next((i for i, ch in enumerate(text) if ch.isalpha()), None)
    if start is None:
        raise SubalignError("cannot detect the language: the text has no letters")
    sample = text[start:start + SAMPLE_CHARS]
    from langdetect import DetectorFactory, detect_langs  # lazy: its profiles load on import; --help needs none
    from langdetect.lang_detect_exception import LangDetectException  # lazy: with langdetect

    DetectorFactory.seed = 0
    try:
        ranked = detect_langs(sample)
        code = ranked[0].lang.lower()
    except LangDetectException:
        ranked, code = [], "unknown"
    # subalign's texts are English and Chinese: on short Latin text langdetect
    # often prefers a neighbour ("Workers struck." -> da); keep English when it
    # is a close candidate.
    english = next((r.prob for r in ranked if r.lang == "en"), 0.0)
    kana_hangul = _has_kana_or_hangul(sample)
    han = len(HAN_RE.findall(sample))
    # Han-dominated text without kana or hangul is Chinese, whatever langdetect said
    # (it calls short Chinese texts "ko" or "ja"); Japanese and Korean prose always
    # have kana or hangul, so with Han characters and neither, ja/ko means Chinese.
    mostly_han = not kana_hangul and han > 0 and han >= 0.5 * sum(ch.isalpha() for ch in sample)
    if code != "en" and english >= ENGLISH_CLOSE_CALL and not mostly_han:
        code = "en"
    if code.startswith("zh") or mostly_han or (code in ("ja", "ko") and han and not kana_hangul):
        fallback = "Hant" if code == "zh-tw" else "Hans"
        return "zh", chinese_script(text, fallback)
    if code == "unknown":
        raise SubalignError("cannot detect the language (subalign reads English and Chinese text)")
    return code, None


# A tag, comment, doctype or processing instruction with no "<" or ">" inside.
# Written by hand because html.parser, the stdlib's only HTML reader, is quadratic
# on unterminated tags (200 KB of "<a" took 69 s); detection needs only the words,
# and this pattern never scans past the next "<", so it is linear.
_MARKUP = re.compile(r"<[A-Za-z!/?][^<>]*>")


def visible_text(text: str) -> str:
    """*text* without HTML/XML tags and comments, entities decoded (for detection only)."""
    return html.unescape(_MARKUP.sub(" ", text))


_KANA_HANGUL = re.compile("[\u3040-\u30ff\uac00-\ud7af\u1100-\u11ff]")


def _has_kana_or_hangul(sample: str) -> bool:
    """A kana or hangul letter (the katakana middle dot ・, used in Chinese names, is no letter)."""
    return any(ch.isalpha() for ch in _KANA_HANGUL.findall(sample))
