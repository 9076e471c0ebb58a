"""Quotation marks a sentence opens minus those it closes: dialogue structure both sides share.

In fiction most boundary errors sit in dialogue: "'No, ma'am." given to the previous
speaker's bead. Both languages mark speech, so a bead whose Chinese side closes a quote
(“等奶奶的示下。”) should close one on the English side too. The aligner's lexical term
penalises a bead by the difference of the two sides' net quote counts.

Curly marks say their direction; straight ones (' and ") are read from their
neighbours: after a space (or at the start) and before a non-space they open, after a
non-space and before a space or punctuation they close, between letters they are
apostrophes (don't), and a ' after an s before a space (the workers' pension) is left
out as ambiguous. The conventions are English and Chinese ones (German „…“ would read
backwards), which is why the aligner uses this only for that pair.
"""

from __future__ import annotations

__all__ = ["quote_delta"]

_OPEN = frozenset("“‘「『")
_CLOSE = frozenset("”’」』")
_STRAIGHT = frozenset("'\"")
_BEFORE_OPEN = frozenset("([{—–-:")


def quote_delta(text: str) -> int:
    """Quotes opened minus quotes closed in ``text``.

    >>> quote_delta("'It's easy,' said Gou-er, 'but what do you expect me to do?")
    1
    >>> quote_delta("狗儿听了道：“你老只会混说，难道叫我打劫去不成？”"), quote_delta("Go out and rob?'")
    (0, -1)
    """
    d = 0
    n = len(text)
    for k, ch in enumerate(text):
        if ch in _OPEN:
            d += 1
            continue
        if ch not in _CLOSE and ch not in _STRAIGHT:
            continue
        prev = text[k - 1] if k > 0 else " "
        nxt = text[k + 1] if k + 1 < n else " "
        if prev.isalnum() and nxt.isalnum() and ch in "'’":
            continue  # an apostrophe: don't, it’s
        if ch in _CLOSE:
            d -= 1
        elif (prev.isspace() or prev in _BEFORE_OPEN) and not nxt.isspace():
            d += 1
        elif not prev.isspace() and (nxt.isspace() or not nxt.isalnum()):
            if ch == "'" and prev in "sS" and nxt.isspace():
                continue  # the workers' pension, or a closing quote: ambiguous
            d -= 1
    return d
