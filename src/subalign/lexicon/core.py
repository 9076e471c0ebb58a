"""The lexicon: one object over the tables, the Chinese tokenizer and the evidence between two texts.

    lex = load()                                # the cached index (built on first use)
    en, zh = lex.prepare_en(english_sentence), lex.prepare_zh(chinese_sentence)
    lex.evidence(en, zh)                        # Evidence: matches, en/zh coverage

Prepare each sentence once and compare the prepared sides as often as needed.
"""

from __future__ import annotations

import os
import re
import threading
from functools import lru_cache

from subalign.lexicon import chinese, english
from subalign.lexicon.matching import Evidence, PreparedText, coverage, evidence
from subalign.lexicon.index import Tables, index_path, load_tables, unpack
from subalign.lexicon.numbers import en_numbers, zh_numbers
from subalign.lexicon.translit import char_readings, norm_word, syllable_splits
from subalign.text.cjk import HAN_RE, simplified_view

__all__ = ["LexiconIndex", "load", "NUMBER_WEIGHT"]

# Weight of a number on either side: about that of a specific word (工会 8.4, union 8.3).
NUMBER_WEIGHT = 8.0
# What may stand between a sentence's end and its first word; what ends a sentence.
_OPENERS = " \t\"'“‘([—–-"
_ENDS = ".!?…:;\n"
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9'’.&+-]*")
_ALNUM = re.compile(r"[A-Za-z0-9]")


class _Builder:
    """Units and keys of one side as they are found (a type counted once)."""

    def __init__(self) -> None:
        self.units: list[str] = []
        self.weights: list[float] = []
        self.key_units: dict = {}
        self.index: dict[str, int] = {}

    def add(self, ident: str, surface: str, weight: float, keys) -> int:
        i = self.index.get(ident)
        if i is None:
            i = self.index[ident] = len(self.units)
            self.units.append(surface)
            self.weights.append(weight)
        for k in keys:
            have = self.key_units.get(k)
            if have is None:
                self.key_units[k] = (i,)
            elif i not in have:
                self.key_units[k] = have + (i,)
        return i


class LexiconIndex:
    """CC-CEDICT both ways, English inflections, Chinese words, names and numbers (see the package doc)."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self._tokenizer = None
        self._lock = threading.Lock()
        self._reverse: dict[int, tuple[str, ...]] | None = None
        self._splits = lru_cache(maxsize=65536)(self._name_splits)

    # -- look-ups ---------------------------------------------------------------
    def lemma_ids(self, word: str) -> tuple[int, ...]:
        """CC-CEDICT lemma ids an English word form can stand for (unions -> union's)."""
        packed = self.tables.en_forms.get(word.lower().replace("’", "'"))
        return unpack(packed)[1] if packed else ()

    def translations(self, zh_word: str) -> tuple[str, ...]:
        """English lemmas of a Chinese word's glosses, Simplified or Traditional (工會 -> labor, trade, union)."""
        t = self.tables
        simplified = t.zh_traditional.get(zh_word) or simplified_view(zh_word, "t2s")
        packed = t.zh_words.get(zh_word) or t.zh_words.get(simplified)
        return tuple(t.lemmas[i] for i in unpack(packed)[1]) if packed else ()

    def words_for(self, en_word: str) -> tuple[str, ...]:
        """Chinese words (Simplified) whose glosses hold the word's lemma: the reverse index (unions -> 工会, …)."""
        if self._reverse is None:
            reverse: dict[int, list[str]] = {}
            for w, packed in self.tables.zh_words.items():
                for i in unpack(packed)[1]:
                    reverse.setdefault(i, []).append(w)
            self._reverse = {i: tuple(sorted(ws, key=lambda w: (len(w), w))) for i, ws in reverse.items()}
        out: dict[str, None] = {}
        for i in self.lemma_ids(en_word):
            out.update(dict.fromkeys(self._reverse.get(i, ())))
        return tuple(out)

    @property
    def tokenizer(self):
        """The lexicon's own jieba Tokenizer (loaded on first use; the global jieba.dt is untouched)."""
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    self._tokenizer = chinese.make_tokenizer(self.tables.jieba_freq, self.tables.jieba_total)
        return self._tokenizer

    def zh_words(self, text: str) -> list[tuple[str, int, int]]:
        """jieba's words of the Simplified view of ``text`` as (word in the view, start, end)."""
        return list(self.tokenizer.tokenize(simplified_view(text)))

    # -- preparing a side -------------------------------------------------------
    def _name_splits(self, word: str) -> tuple[tuple[str, ...], ...]:
        return syllable_splits(norm_word(word), self.tables.syllables)

    @staticmethod
    def _name_like(text: str, m: re.Match) -> bool:
        """A capitalised dictionary word may be a name inside a sentence, or first before a capital (Huang Wenhai)."""
        i = m.start() - 1
        while i >= 0 and text[i] in _OPENERS:
            i -= 1
        if i >= 0 and text[i] not in _ENDS:
            return True
        nxt = english.TOKEN_RE.search(text, m.end())
        return bool(nxt) and nxt.group()[0].isupper() and text[m.end() : nxt.start()].isspace()

    def _backoff(self, word: str) -> tuple[int, ...]:
        """Lemma ids of a word CC-CEDICT lacks, from its longest dictionary pieces (工会主席 = 工会 + 主席).

        Single characters count only inside words of three or more: a two-character word
        jieba found by itself is mostly a name (文海), whose characters are not its meaning.
        """
        words, ids, i, n = self.tables.zh_words, set(), 0, len(word)
        while i < n:
            for j in range(min(n, i + 6), i, -1):
                packed = words.get(word[i:j])
                if packed and (j - i > 1 or n > 2):
                    ids.update(unpack(packed)[1])
                    i = j
                    break
            else:
                i += 1
        return tuple(ids)

    def prepare_en(self, text: str) -> PreparedText:
        """English content words (lemma ids via their inflections), numbers and pinyin-like names."""
        t = self.tables
        b = _Builder()
        names: dict[int, tuple[tuple[str, ...], ...]] = {}
        taken = bytearray(len(text))
        for span in en_numbers(text):
            b.add("#" + "|".join(span.keys), text[span.start : span.end], NUMBER_WEIGHT, span.keys)
            taken[span.start : span.end] = b"\x01" * (span.end - span.start)
        for m in english.TOKEN_RE.finditer(text):
            if taken[m.start()]:
                continue
            word = m.group()
            low = word.lower().replace("’", "'")
            head, _, clitic = low.rpartition("'")
            if head and clitic in english.CLITICS:
                low = head
            if len(low) < 2 or low in english.STOP:
                continue
            packed = t.en_forms.get(low)
            entry = unpack(packed) if packed else None
            if entry is None and "-" in low:  # small-minded: its parts
                parts = [unpack(t.en_forms[p]) for p in low.split("-") if p in t.en_forms]
                if parts:
                    entry = (max(p[0] for p in parts), tuple(sorted({i for p in parts for i in p[1]})))
            weight, ids = entry if entry else (t.en_unknown, ())
            i = b.add(low, word, weight, (*ids, "=" + low))
            if word[0].isupper() and i not in names and (entry is None or self._name_like(text, m)):
                splits = self._splits(word)
                if splits:
                    names[i] = splits
        return PreparedText("en", text, tuple(b.units), tuple(b.weights), b.key_units, names=tuple(names.items()))

    def prepare_zh(self, text: str) -> PreparedText:
        """Chinese content words (jieba on the Simplified view), numbers, and each character's readings."""
        t = self.tables
        view = simplified_view(text)
        b = _Builder()
        char_unit = [-1] * len(view)
        for span in zh_numbers(view):
            i = b.add("#" + "|".join(span.keys), text[span.start : span.end], NUMBER_WEIGHT, span.keys)
            char_unit[span.start : span.end] = [i] * (span.end - span.start)
        for word, start, end in self.tokenizer.tokenize(view):
            if word in chinese.STOP or any(char_unit[c] >= 0 for c in range(start, end)):
                continue
            if HAN_RE.search(word):
                packed = t.zh_words.get(word)
                weight, ids = unpack(packed) if packed else (t.zh_unknown, ())
                if not ids and len(word) > 1:
                    ids = self._backoff(word)
                i = b.add(word, text[start:end], weight, ids)
            elif _ALNUM.search(word):
                latin = {"=" + w.lower().strip(".'’-") for w in _LATIN.findall(word)}
                i = b.add(word, text[start:end], t.zh_unknown, latin)
            else:
                continue
            char_unit[start:end] = [i] * (end - start)
        # every BMP Han character is in the table; others (Extension B on) ask pypinyin
        readings = tuple(t.readings.get(ch) or (tuple(char_readings(ch)) if ch > "\uffff" else ()) for ch in view)
        return PreparedText(
            "zh", text, tuple(b.units), tuple(b.weights), b.key_units,
            view=view, readings=readings, char_unit=tuple(char_unit),
        )

    def prepare(self, text: str, lang: str) -> PreparedText:
        """``prepare_en`` or ``prepare_zh`` by language code ("en", "zh")."""
        return self.prepare_zh(text) if lang.lower().startswith("zh") else self.prepare_en(text)

    # -- evidence ---------------------------------------------------------------
    def evidence(self, en: str | PreparedText, zh: str | PreparedText) -> Evidence:
        """Evidence between an English and a Chinese text (raw or prepared)."""
        return evidence(self._en(en), self._zh(zh))

    def coverage(self, en: str | PreparedText, zh: str | PreparedText) -> tuple[float, float]:
        """Only the (English, Chinese) coverage shares: the fast path for scoring many pairs."""
        return coverage(self._en(en), self._zh(zh))

    def _en(self, side: str | PreparedText) -> PreparedText:
        return side if isinstance(side, PreparedText) else self.prepare_en(side)

    def _zh(self, side: str | PreparedText) -> PreparedText:
        return side if isinstance(side, PreparedText) else self.prepare_zh(side)


_loaded: dict[str, LexiconIndex] = {}
_load_lock = threading.Lock()


def load(cache_dir: str | os.PathLike | None = None) -> LexiconIndex:
    """The lexicon index, read from the cache folder (built there on first use); one per folder per process."""
    key = str(index_path(cache_dir))
    with _load_lock:
        lex = _loaded.get(key)
        if lex is None:
            lex = _loaded[key] = LexiconIndex(load_tables(cache_dir))
        return lex
