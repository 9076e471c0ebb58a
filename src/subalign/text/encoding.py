"""Choosing the codec of a legacy (not UTF-8) text file.

charset-normalizer judges a codec by how the decoded text reads, which needs
more text than a subtitle with one or two cues holds: six bytes of GB18030
(``你好。``) come back as Big5 (``斕疑﹝``), and a line of Latin-1 English as
cp1250 or cp1006.  subalign reads English and Chinese, so two cheap checks run
first and charset-normalizer only decides what they leave open:

* a Chinese codec (GB18030, then Big5) that decodes the bytes strictly into
  text whose non-ASCII characters are mostly common Chinese characters and
  punctuation *of that codec* (GB2312's hanzi, Big5's level-1 hanzi).  A text
  read with the wrong one of the two lands in the other's rare characters,
  symbols or private-use area, and Latin-1 bytes read as either give rare
  hanzi glued to ASCII letters;
* cp1252 (Windows' superset of Latin-1) when it reads the bytes as mostly-ASCII
  Western text: every non-ASCII character a Latin letter or common typographic
  mark, and under a third of the letters non-ASCII (Cyrillic or Greek read as
  cp1252 would be all accented letters).

Known limit: EUC-KR Korean reads as valid common GB2312 hanzi, so a legacy
Korean file is taken as GB18030 (pass ``encoding=``).
"""

from __future__ import annotations

import codecs
import unicodedata

# GB2312 and GBK are subsets of GB18030; decoding with the superset never loses a
# character that a guessed subset would have decoded, and rescues the rest.
GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030"})  # canonical names (cp936 → gbk, euc_cn → gb2312)
# Plain Big5 first; its vendor supersets only if plain Big5 cannot decode the bytes.
BIG5_FAMILY = ("big5", "cp950", "big5hkscs")

# C0 controls that real text files do contain.
TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1b")
# Above this share of other control characters a "text" file is taken as binary.
MAX_CONTROL_RATIO = 0.01

# Share of a Chinese decoding's non-ASCII characters that must be common ones.
MIN_COMMON_CJK = 0.8
# Enough characters to judge a codec by; a large file is not scored whole.
_SCORE_CHARS = 20_000
# Punctuation and subtitle symbols common in Chinese text (beside the hanzi).
_CJK_MARKS = frozenset("、。，：；？！“”‘’《》〈〉（）「」『』【】〔〕…—―－·～﹏　"
                       "♪♫●○◎★☆■□◆◇▲△※→←↑↓")
# Non-letters a Western cp1252 text may hold.
_WESTERN_MARKS = frozenset("“”‘’‚„–—…«»‹›¿¡°€£¥¢©®™§¶·•†‡×÷±½¼¾¨´¸¯\u00a0")
MAX_NON_ASCII_LETTERS = 1 / 3


def detect_legacy(data: bytes) -> str | None:
    """The codec for *data* (not UTF-8, no NUL bytes), or None when nothing fits.

    A Big5-family answer names plain Big5 even when only a superset decodes
    every byte; the caller tries :data:`BIG5_FAMILY` in order.
    """
    return chinese_codec(data) or western_codec(data) or _normalizer_guess(data)


def chinese_codec(data: bytes) -> str | None:
    """GB18030 or a Big5 codec if one reads *data* as common Chinese text."""
    best: tuple[float, str] | None = None
    for codec, common in (("gb18030", _is_common_gb), ("big5", _is_common_big5)):
        text = _strict(data, BIG5_FAMILY if codec == "big5" else (codec,))
        if text is None:
            continue
        wide = [ch for ch in text[:_SCORE_CHARS] if ord(ch) > 0x7F]
        if not wide:
            continue
        score = sum(1 for ch in wide if ch in _CJK_MARKS or common(ch)) / len(wide)
        if score >= MIN_COMMON_CJK and (best is None or score > best[0]):
            best = (score, codec)
    return best[1] if best else None


def western_codec(data: bytes) -> str | None:
    """cp1252 if it reads *data* as mostly-ASCII Western European text."""
    text = _strict(data, ("cp1252",))
    if text is None:
        return None
    letters = non_ascii = 0
    for ch in text[:_SCORE_CHARS]:
        if ch.isalpha():
            letters += 1
        if ord(ch) <= 0x7F:
            continue
        if (ch.isalpha() and ch <= "\u00ff") or ch in "ŠšŽžŒœŸƒ":
            non_ascii += 1
        elif ch not in _WESTERN_MARKS:
            return None
    return "cp1252" if letters and non_ascii <= MAX_NON_ASCII_LETTERS * letters else None


def plausible_text(text: str) -> bool:
    """Does a decoding read as text (whitespace, no stray controls, few odd code points)?

    Random bytes often "decode" as BOM-less UTF-16/32; real text has whitespace
    (the very characters that give UTF-16 its NUL bytes), no C0/C1 controls
    besides whitespace, and next to no unassigned or private-use code points.
    """
    if not any(ch in " \n\t\u3000" for ch in text):
        return False
    if any((ch < " " and ch not in TEXT_CONTROLS) or "\x7f" <= ch < "\xa0" for ch in text):
        return False
    odd = sum(1 for ch in text if unicodedata.category(ch) in ("Cn", "Co", "Cs"))
    return odd <= MAX_CONTROL_RATIO * len(text)


def _normalizer_guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes  # lazy: only a file that is not UTF-8 needs it; --help needs none

    for match in from_bytes(data):  # best first
        enc = codecs.lookup(match.encoding).name
        # Random bytes often "decode" as UTF-16: take such a guess only if it reads as text.
        if not enc.startswith("utf-") or plausible_text(str(match)):
            return "gb18030" if enc in GB_FAMILY else "big5" if enc in BIG5_FAMILY else enc
    return None


def _strict(data: bytes, codecs_in_order: tuple[str, ...]) -> str | None:
    for codec in codecs_in_order:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return None


def _is_common_gb(ch: str) -> bool:
    """A GB2312 hanzi (rows 0xB0–0xF7: the 6,763 characters of everyday Simplified text)."""
    try:
        b = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and b[0] >= 0xB0


def _is_common_big5(ch: str) -> bool:
    """A Big5 level-1 hanzi (0xA440–0xC67E: the 5,401 frequent Traditional characters)."""
    try:
        b = ch.encode("big5")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and 0xA440 <= (b[0] << 8 | b[1]) <= 0xC67E
