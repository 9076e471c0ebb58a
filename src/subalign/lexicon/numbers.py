"""Numbers on both sides as comparable keys: 31.5 million = 3150万, 2015 = 二〇一五年, 3.5% = 百分之三点五.

Hand-written: cn2an (the maintained Chinese-numeral converter) is not a dependency of ours
and is not installed here; what evidence needs is small (parse a numeral run both ways, plus
万/亿 scales, percentages, months), so it is done here with :class:`decimal.Decimal` (exact:
31.5 × 10⁶ is 31500000, not 31499999.999…).

Every number becomes one or more string *keys*: the value (``"31500000"``, ``"3.5"``), a
percentage (``"3.5%"``) or a month (``"m3"``: March = 三月). Two sides share a number when
they share a key. The value 1 (one, a; 一) is left out unless written in digits: 一 is part
of hundreds of words (一起, 统一, 一样) and "one" of as many phrases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = ["NumberSpan", "en_numbers", "zh_numbers", "parse_zh_numeral", "to_zh_numeral", "number_key"]


@dataclass(frozen=True, slots=True)
class NumberSpan:
    """A number found in a text: its characters and its keys."""

    start: int
    end: int
    keys: tuple[str, ...]


def number_key(value: Decimal, kind: str = "") -> str:
    """``Decimal('31.5E+6')`` -> ``"31500000"``; kind ``"%"`` appends it, ``"m"`` (month) prefixes it."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "m" + text if kind == "m" else text + kind


def _arabic(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


# --------------------------------------------------------------------------- Chinese

_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_SMALL_SCALES = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG_SCALES = {"万": 10**4, "亿": 10**8}
_DIGIT_CHARS = "零〇一二两三四五六七八九"
_SCALE_CHARS = "十百千万亿"
_ZH_NUMERAL = f"[{_DIGIT_CHARS}{_SCALE_CHARS}]+(?:点[{_DIGIT_CHARS}]+)?"
# Measure words and units after which a lone numeral (三个, 五年, 七月, 第九) is a number,
# not part of a word (三思, 万一, 十分).
_UNITS = frozenset(
    "个年月日号天次位名元块岁人倍层本张条辆家件双只口句遍趟间座所种样回章部项点秒周里米斤克吨亩尺寸丈步匹头杯碗封份道顿场届代世声下枚支首篇段行轮"
)
_ARABIC = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_ZH_RE = re.compile(
    rf"(?P<pct>百分之(?P<pnum>{_ZH_NUMERAL}|{_ARABIC}))"
    rf"|(?P<arabic>{_ARABIC})(?P<ascale>[万亿]+|[百千](?=[万亿]))*(?P<apct>[%％])?"
    rf"|(?P<ord>第)?(?P<num>{_ZH_NUMERAL})"
)


def _section(run: str) -> int | None:
    """Below 万: 三千二百一十五 -> 3215, 十二 -> 12; None for two digits in a row (not structured)."""
    total, digit = 0, None
    for ch in run:
        if ch in _ZH_DIGITS:
            if digit and _ZH_DIGITS[ch]:
                return None
            digit = _ZH_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _ZH_SMALL_SCALES[ch]
            digit = None
    return total + (digit or 0)


def parse_zh_numeral(run: str) -> Decimal | None:
    """A Chinese numeral as a number: 一千二百 -> 1200, 三千一百五十万 -> 31500000, 二〇一五 -> 2015, 三点五 -> 3.5.

    A run without 十/百/千/万/亿 is read digit by digit (years: 二〇一五). None if the run is
    not one numeral (万一, 千万 alone, a scale twice).
    """
    whole, _, frac = run.partition("点")
    if not whole or any(ch not in _ZH_DIGITS for ch in frac) or any(ch not in _ZH_DIGITS and ch not in _SCALE_CHARS for ch in whole):
        return None
    if not any(ch in _SCALE_CHARS for ch in whole):
        value = int("".join(str(_ZH_DIGITS[ch]) for ch in whole))
    else:
        if whole[0] not in _DIGIT_CHARS and whole[0] != "十":
            return None
        value, rest, last_big = 0, whole, None
        for big in ("亿", "万"):
            if big in rest:
                head, _, rest = rest.partition(big)
                part = _section(head) if head else None
                if part is None or big in rest:
                    return None
                value += part * _ZH_BIG_SCALES[big]
                last_big = big
        if rest:
            tail = _section(rest)
            if tail is None:
                return None
            if last_big and len(rest) == 1 and rest in _DIGIT_CHARS and rest not in "零〇":
                tail *= _ZH_BIG_SCALES[last_big] // 10  # 三万五 is 35000, as people say it
            value += tail
    if frac:
        return Decimal(f"{value}.{''.join(str(_ZH_DIGITS[ch]) for ch in frac)}")
    return Decimal(value)


def _zh_run_keys(run: str, ordinal: bool, after: str) -> tuple[str, ...]:
    has_scale = any(ch in _SCALE_CHARS for ch in run)
    if len(run) == 1:
        # a lone numeral counts before a measure word or after 第; 一 never (一起, 统一)
        if run == "一" or not (ordinal or after in _UNITS) or (run == "十" and after == "分"):
            return ()
    elif not has_scale and "点" not in run and len(run) == 2 and not set(run) & set("零〇"):
        # 七八个 is "seven or eight": both values, not 78
        if run[0] == run[1]:
            return ()
        return tuple(number_key(Decimal(_ZH_DIGITS[ch])) for ch in run if _ZH_DIGITS[ch] > 1)
    value = parse_zh_numeral(run)
    if value is None or value == 1:
        return ()
    if after == "月" and not ordinal and 1 <= value <= 12 and value == int(value):
        return (number_key(value, "m"),)
    return (number_key(value),)


def zh_numbers(text: str) -> list[NumberSpan]:
    """The numbers of a Chinese text (its Simplified view, full-width digits folded)."""
    out: list[NumberSpan] = []
    for m in _ZH_RE.finditer(text):
        start, end = m.span()
        after = text[end : end + 1]
        keys: tuple[str, ...] = ()
        if m["pct"]:
            p = m["pnum"]
            value = _arabic(p) if p[0].isdigit() else parse_zh_numeral(p)
            keys = (number_key(value, "%"),) if value is not None else ()
        elif m["arabic"]:
            value = _arabic(m["arabic"])
            if value is not None:
                for ch in m["ascale"] or "":
                    value *= {"万": 10**4, "亿": 10**8, "百": 100, "千": 1000}[ch]
                month = after == "月" and not m["ascale"] and 1 <= value <= 12
                keys = (number_key(value, "%" if m["apct"] else "m" if month else ""),)
        else:
            keys = _zh_run_keys(m["num"], bool(m["ord"]), after)
        if keys:
            out.append(NumberSpan(start, end, keys))
    return out


_DIGITS_OUT = "零一二三四五六七八九"


def _zh_section(n: int) -> str:
    """0 < n < 10000 -> 三千零五 (a zero inside is said once)."""
    s, zero = "", False
    for i, unit in ((3, "千"), (2, "百"), (1, "十"), (0, "")):
        d = n // 10**i % 10
        if d:
            s += ("零" if zero and s else "") + _DIGITS_OUT[d] + unit
            zero = False
        else:
            zero = True
    return s


def to_zh_numeral(value: int | Decimal) -> str:
    """1200 -> 一千二百, 31500000 -> 三千一百五十万, 3.5 -> 三点五, 10 -> 十, 10300 -> 一万零三百."""
    value = Decimal(value)
    sign, value = ("负" if value < 0 else ""), abs(value)
    whole = int(value)
    frac = number_key(value).partition(".")[2]
    if whole == 0:
        text = "零"
    else:
        groups = []  # 4-digit groups, lowest first
        n = whole
        while n:
            n, g = divmod(n, 10**4)
            groups.append(g)
        text, need_zero = "", False
        for i in range(len(groups) - 1, -1, -1):
            g = groups[i]
            if not g:
                need_zero = bool(text)
                continue
            if text and (need_zero or g < 1000):
                text += "零"
            text += _zh_section(g) + ("", "万", "亿", "万亿")[i]
            need_zero = False
        if text.startswith("一十"):
            text = text[1:]
    if frac:
        text += "点" + "".join(_DIGITS_OUT[int(d)] for d in frac)
    return sign + text


# --------------------------------------------------------------------------- English

_EN_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen".split()
    )
}
_EN_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i > 1}
_EN_ORDINALS = {
    "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
    "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40,
    "fiftieth": 50, "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100,
}  # first and second are left out: "at first", "a second"
_EN_SCALES = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        "January/Jan February/Feb March/Mar April/Apr May June/Jun July/Jul August/Aug "
        "September/Sept/Sep October/Oct November/Nov December/Dec".split()
    )
    for m in names.split("/")
}
_VERB_MONTHS = frozenset(["may", "march", "mar", "jan", "sep", "dec", "jun"])
_WORD = "|".join(sorted([*_EN_UNITS, *_EN_TENS, *_EN_ORDINALS, *_EN_SCALES], key=len, reverse=True))
_EN_RE = re.compile(
    rf"(?P<cur>[$£€¥])?(?<![\w.,])(?P<arabic>{_ARABIC})"
    r"(?:(?P<suffix>st|nd|rd|th|s)\b|\s?(?P<pct>%|percent\b|per cent\b)"
    r"|\s?(?P<scale>hundred|thousand|million|billion|trillion|bn|m)\b)?"
    rf"|\b(?P<words>(?:an?\s+)?(?:{_WORD})(?:(?:[\s-]+|\s+and\s+)(?:{_WORD}))*)\b(?:\s?(?P<wpct>percent\b|per cent\b))?"
    rf"|\b(?P<month>{'|'.join(sorted(_MONTHS, key=len, reverse=True))})\b",
    re.IGNORECASE,
)
_NEAR_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[a-z]+")
_TRIGGERS = frozenset([*_EN_UNITS, *_EN_TENS, *_EN_ORDINALS, *_EN_SCALES, *(m.lower() for m in _MONTHS)])


def _en_words_value(parts: list[str]) -> Decimal | None:
    """[twenty, five] -> 25, [two, hundred, and, fifty] -> 250, [a, million] -> 1000000, [third] -> 3."""
    total = current = 0
    for w in parts:
        if w in ("a", "an", "and"):
            continue
        if w in _EN_UNITS or w in _EN_TENS or w in _EN_ORDINALS:
            current += _EN_UNITS.get(w, 0) + _EN_TENS.get(w, 0) + _EN_ORDINALS.get(w, 0)
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in _EN_SCALES:
            total += (current or 1) * _EN_SCALES[w]
            current = 0
        else:
            return None
    return Decimal(total + current)


def en_numbers(text: str) -> list[NumberSpan]:
    """The numbers of an English text: digits (1,200; 3.5%; 31.5 million; 1990s), number words, months."""
    out: list[NumberSpan] = []
    if not _NEAR_DIGIT.search(text) and _TRIGGERS.isdisjoint(_LETTERS.findall(text.lower())):
        return out  # most sentences: no digit, no number word, no month (the full pattern is slower)
    for m in _EN_RE.finditer(text):
        start, end = m.span()
        keys: tuple[str, ...] = ()
        if m["arabic"]:
            value = _arabic(m["arabic"])
            scale = (m["scale"] or "").lower()
            if scale == "m" and not m["cur"]:
                end, scale = m.end("arabic"), ""  # 3m is three metres unless it is money
            if value is not None:
                value *= {"bn": 10**9, "m": 10**6}.get(scale) or _EN_SCALES.get(scale, 1)
                keys = (number_key(value, "%" if m["pct"] else ""),)
        elif m["words"]:
            parts = re.split(r"[\s-]+", m["words"].lower())
            # "one" alone is too common to be evidence; "a third" is a fraction
            if parts == ["one"] or (parts[0] in ("a", "an") and not _EN_SCALES.keys() & set(parts)):
                continue
            value = _en_words_value(parts)
            if value is not None and value != 1:
                keys = (number_key(value, "%" if m["wpct"] else ""),)
        else:
            name = m["month"]
            month = _MONTHS.get(name.capitalize())
            if not name[0].isupper() or month is None:
                continue
            # May and March are verbs too: a month only beside a day or a year
            if name.lower() in _VERB_MONTHS and not _NEAR_DIGIT.search(text[max(0, start - 6) : end + 6]):
                continue
            keys = (number_key(Decimal(month), "m"),)
        if keys:
            out.append(NumberSpan(start, end, keys))
    return out
