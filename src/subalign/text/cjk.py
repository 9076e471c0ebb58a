"""Chinese characters: one set of named ranges, and the Simplified view models see.

The encoders (USE-m3 above all) learned mostly Simplified Chinese: a
Traditional track embedded as written loses about half of its quote matches.
Matching therefore works on :func:`simplified_view` of the text, which is the
same length as the text (offset *i* of the view is offset *i* of the text), so
every span found in the view slices the text as written; outputs never show
the view.
"""

from __future__ import annotations

import functools
import re

# Han ideographs: CJK Unified Ideographs, Extension A, Compatibility
# Ideographs, and Extensions B-H in the supplementary planes.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# CJK punctuation (、。「」《》 ...) and full-width/half-width forms (，：！ ...).
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef"
# Han plus CJK punctuation: characters between which no space is written.
CJK = HAN + CJK_PUNCT

HAN_RE = re.compile(f"[{HAN}]")
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{CJK}])[ \t]+(?=[{CJK}])")


def is_han(ch: str) -> bool:
    """True for a Han ideograph (any block)."""
    return HAN_RE.match(ch) is not None


def join_cjk_aware(parts: list[str]) -> str:
    """Join text pieces with a space, except between two CJK characters.

    >>> join_cjk_aware(["工人", "罢工了", "in May"])
    '工人罢工了 in May'
    """
    return _SPACE_BETWEEN_CJK.sub("", " ".join(p for p in parts if p))


# Full-width ASCII letters and digits (ＡＢＣ１２３) and the ideographic space
# fold to their ASCII forms; full-width punctuation (，。：！) is left alone
# because it is ordinary Chinese punctuation that the encoders saw in training.
_WIDTH_TABLE = {cp: cp - 0xFEE0 for cp in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}
_WIDTH_TABLE[0x3000] = 0x20

# Characters whose choice tells Hong Kong from Taiwan Traditional usage.
_HK_MARKS = frozenset("裏着綫衞麪羣峯啓")
_TW_MARKS = frozenset("裡著線衛麵群峰啟")


def traditional_variant(text: str) -> str:
    """OpenCC's conversion for *text*: "hk2s", "tw2s" or plain "t2s"."""
    sample = text[:50_000]
    hk = sum(ch in _HK_MARKS for ch in sample)
    tw = sum(ch in _TW_MARKS for ch in sample)
    if hk > tw:
        return "hk2s"
    if tw > hk:
        return "tw2s"
    return "t2s"


def fold_width(text: str) -> str:
    """Full-width letters and digits and the ideographic space as ASCII; same length."""
    return text.translate(_WIDTH_TABLE)


@functools.lru_cache(maxsize=4)
def _converter(config: str):
    import opencc  # lazy: C++ extension and dictionaries; only matching paths need it

    return opencc.OpenCC(config)


def simplified_view(text: str, config: str | None = None) -> str:
    """*text* in Simplified script with full-width letters/digits folded; same length.

    *config* is an OpenCC conversion ("t2s", "tw2s", "hk2s"); by default it is
    chosen from the text.  Text with no Han character is only width-folded.

    The encoders embed this view, so a Traditional sentence and its Simplified
    form match alike, while every output keeps the text as written:

    >>> simplified_view("鞋廠的工人已經三個月沒拿到工資了。")
    '鞋厂的工人已经三个月没拿到工资了。'
    >>> simplified_view("ＡＢＣ１２３，裡面")  # full-width letters and digits fold; Chinese punctuation stays
    'ABC123，里面'
    """
    folded = fold_width(text)
    if not HAN_RE.search(folded):
        return folded
    conv = _converter(config or traditional_variant(folded))
    out = conv.convert(folded)
    if len(out) == len(folded):
        return out
    # A phrase rule changed the length: convert character by character so
    # offsets still map one to one (rare; OpenCC's t2s rules are 1:1 in practice).
    return "".join(c if len(c := conv.convert(ch)) == 1 else ch for ch in folded)
