"""Property-based tests (hypothesis) of every command's Python API on documents nobody wrote.

Generated inputs mix Chinese (Simplified and Traditional) and Latin text,
unbalanced quotes and brackets, capitalised stop-word runs ("We The"), emoji,
zero-width and bidi controls, empty paragraphs, 100 KB runs and subtitle cues
out of order.  What must hold for all of them:

* only :class:`SubalignError` escapes, with a one-line message;
* every output parses back (TMX/TBX with an XML parser, SRT with the ``srt``
  library, VTT/ASS with ``pysubs2``, TSV with a constant column count, JSON);
* every anchor slices its text out of the input exactly.

A hashing encoder (character n-grams into a unit vector, numpy only) stands in
for the model so that hundreds of documents take seconds; what is tested is
robustness, not alignment quality.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import unicodedata
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import numpy as np
import pysubs2
import pytest
import srt
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st

from subalign.api import align
from subalign.text.cjk import simplified_view
from subalign.text.documents import document_from_text
from subalign.text.segment import max_chars
from subalign.subs.cues import MAX_CUE_MS, MAX_TIME_MS, plain_text
from subalign.subs.read import parse_subtitles
from subalign.subs.write import write_srt, write_vtt
from subalign.types import Alignment, Cue, Document, SubalignError

# ----------------------------------------------------------------------------- settings

# No example database (the suite writes nothing outside temp dirs) and no per-example deadline
# (the first call of a path imports modules); sizes keep the whole file well under a minute.
# SUBALIGN_HYPOTHESIS_SCALE=10 runs ten times as many examples, for a deeper search by hand.
_SCALE = max(1, int(os.environ.get("SUBALIGN_HYPOTHESIS_SCALE", "1")))
_COMMON = dict(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _examples(n: int, **kw) -> settings:
    return settings(max_examples=n * _SCALE, **_COMMON, **kw)


MANY = _examples(150)
SOME = _examples(50)
FEW = _examples(20)
LONG = _examples(4)
# Composite inputs (several documents and a cue list) shrink for minutes when a property
# fails; these tests skip shrinking and carry the minimal failing case as an @example.
HEAVY = _examples(20, phases=[Phase.explicit, Phase.generate])


# ----------------------------------------------------------------------------- fake encoder


class NgramEncoder:
    """Character 1-3-grams hashed into 96 dims, unit length: deterministic and instant.

    Like subalign's own encoders it embeds the Simplified view of each text
    (:func:`subalign.text.cjk.simplified_view`), so the Traditional-script properties
    test that everything around the encoder is script-blind too.
    """

    name = "ngram-hash"
    id = "ngram-hash-96"
    dim = 96

    def encode(self, texts, batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            t = simplified_view(t)
            cp = np.frombuffer(f" {t} ".encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
            grams = (cp, cp[:-1] * 1_000_003 + cp[1:], (cp[:-2] * 1_000_003 + cp[1:-1]) * 1_000_003 + cp[2:])
            for k, g in enumerate(grams):
                out[i] += np.bincount(((g * 2_654_435_761 + k) % self.dim).astype(np.int64), minlength=self.dim)
        out[:, 0] += 1e-3  # no zero rows
        return out / np.linalg.norm(out, axis=1, keepdims=True)


ENC = NgramEncoder()
MS = timedelta(milliseconds=1)


# ----------------------------------------------------------------------------- generated text

LATIN = ["the", "workers", "strike", "film", "union", "factory", "said", "he", "she", "money", "law",
         "Houjie", "Lin Zhengxiong", "Chan Tai-man", "Chang Ching-kuo", "ACFTU", "QFMAC", "Mr.", "U.S.",
         "i.e.", "3.5", "2,300", "HK$38", "e.g.", "J.", "naïve", "café", "a\u0301", "Ａｂｃ１２"]
STOP_RUNS = ["We The", "The Of", "And The In", "A An The", "Of The And", "In The", "We", "The", "THE OF"]
HAN = ["工人", "罢工", "老板", "跑了", "工厂", "法律", "许春华", "鄭海生", "漁互社", "臺灣", "香港",
       "《胶水线》", "中华全国总工会（全总）", "农民工", "社会保险", "ＡＢＣ１２３", "𠀀𪚥", "〇"]
PUNCT = [".", "!", "?", "。", "！", "？", "……", "...", "…", ",", "，", "、", ";", "；", ":", "：", "—", "–", "-",
         "?!", "!!!", "。”", ".”", "?”"]
MARKS = ["“", "”", '"', "‘", "’", "'", "「", "」", "『", "』", "《", "》", "〈", "〉", "(", ")", "[", "]",
         "（", "）", "【", "】", "«", "»", "[…]", "[sic]", "[once]", "{", "}", "<", ">", "&", "<i>", "</i>"]
EMOJI = ["😀", "👨\u200d👩\u200d👧", "🇨🇳", "🏳️\u200d🌈", "❤️", "🤷🏽\u200d♀️", "🎬"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad", "\u034f"]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e",
        "\u200f", "\u061c"]
SPACE = [" ", " ", " ", "  ", "\t", "\n", "\n\n", "\n\n\n\n", " \n \n ", "\u3000", "\u00a0", "\r\n", "\u2028"]
# Any character except lone surrogates (no decoded file contains one).
ANY_CHAR = st.characters(exclude_categories=("Cs",))

token = st.one_of(
    st.sampled_from(LATIN),
    st.sampled_from(STOP_RUNS),
    st.sampled_from(HAN),
    st.sampled_from(PUNCT),
    st.sampled_from(MARKS),
    st.sampled_from(EMOJI),
    st.sampled_from(INVISIBLE),
    st.sampled_from(BIDI),
    st.sampled_from(SPACE),
    st.text(ANY_CHAR, min_size=1, max_size=4),
)
# Chaos: any sequence of tokens.
chaos = st.lists(token, max_size=60).map("".join)


@st.composite
def prose(draw, lang: str | None = None) -> str:
    """Paragraphs of sentences of words: the shape of a review, with hostile pieces inside."""
    words = {
        "en": st.one_of(st.sampled_from(LATIN), st.sampled_from(STOP_RUNS)),
        "zh": st.sampled_from(HAN),
        None: st.one_of(st.sampled_from(LATIN), st.sampled_from(STOP_RUNS), st.sampled_from(HAN)),
    }[lang]
    extra = st.one_of(st.sampled_from(MARKS), st.sampled_from(EMOJI), st.sampled_from(INVISIBLE),
                      st.sampled_from(BIDI))
    piece = st.one_of(words, words, words, extra)
    sep = "" if lang == "zh" else " "
    paras = []
    for _ in range(draw(st.integers(1, 5))):
        sentences = []
        for _ in range(draw(st.integers(0, 5))):
            body = sep.join(draw(st.lists(piece, min_size=1, max_size=12)))
            sentences.append(body + draw(st.sampled_from(PUNCT)))
        paras.append(sep.join(sentences))
    return draw(st.sampled_from(["\n\n", "\n\n\n\n", "\n \n", "\n"])).join(paras)


def document_text(lang: str | None = None):
    return st.one_of(prose(lang), prose(lang), chaos)


@st.composite
def cue_lists(draw, max_n: int = 20, lang: str | None = None, absurd: bool = False) -> list[Cue]:
    """Cues with hostile text, overlapping or out of order; ``absurd`` allows impossible times."""
    n = draw(st.integers(1, max_n))
    text = st.one_of(prose(lang), chaos, st.sampled_from(HAN), st.sampled_from(LATIN))
    cues = []
    for k in range(n):
        start = draw(st.integers(0, 3 * 3_600_000))
        dur = draw(st.integers(0, 12_000))
        if absurd and draw(st.integers(0, 9)) == 0:
            if draw(st.booleans()):
                start = draw(st.integers(MAX_TIME_MS + 3_600_000, 1_000_000 * 3_600_000))
            else:
                dur = draw(st.integers(MAX_CUE_MS + 60_000, 30 * 3_600_000))
        body = draw(text)
        cues.append(Cue(k + 1, k, start, start + dur, body, plain_text(body)))
    if draw(st.booleans()):
        cues.sort(key=lambda c: c.start_ms)
    return cues


# ----------------------------------------------------------------------------- checks


def only_subalign_errors(fn, *args, **kwargs):
    """Call *fn*; a SubalignError (one line) gives None, anything else fails the test."""
    try:
        out = fn(*args, **kwargs)
    except SubalignError as e:
        event(f"{fn.__name__}: SubalignError")
        msg = str(e)
        assert msg.strip() and "\n" not in msg.strip(), f"SubalignError message is not one line: {msg!r}"
        return None
    event(f"{fn.__name__}: ok")
    return out


def check_document(doc: Document, presplit: bool = False) -> None:
    """Every sentence is its anchor's slice, in order, not overlapping, numbered from 1."""
    prev_end, prev_para, prev_sno = 0, 0, 0
    for i, s in enumerate(doc.sentences):
        a = s.anchor
        assert s.index == i
        assert doc.text[a.start : a.end] == s.text, (a, s.text)
        assert s.text.strip(), "an empty sentence"
        assert a.start >= prev_end, "sentences overlap or go backwards"
        if a.paragraph == prev_para:
            assert a.sentence == prev_sno + 1
        else:
            assert a.paragraph == prev_para + 1 and a.sentence == 1
        if not presplit:
            assert len(s.text) <= max_chars(doc.lang), f"a {len(s.text)}-character sentence was not cut"
        prev_end, prev_para, prev_sno = a.end, a.paragraph, a.sentence


def check_links(al: Alignment) -> None:
    """Links are monotone and use every sentence of each side exactly once."""
    src = [i for lk in al.links for i in lk.src]
    tgt = [j for lk in al.links for j in lk.tgt]
    assert src == list(range(len(al.src))) and tgt == list(range(len(al.tgt)))
    assert all(lk.src or lk.tgt for lk in al.links)


def tsv_rows(text: str, columns: int) -> list[list[str]]:
    """Rows of a TSV output; every row (csv-parsed and naively split) has *columns* fields."""
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    assert rows, "no header"
    assert {len(r) for r in rows} == {columns}, {len(r) for r in rows}
    naive = [line.split("\t") for line in text.split("\n") if line]
    assert len(naive) == len(rows) and {len(r) for r in naive} == {columns}
    return rows


def parse_srt_back(text: str) -> list[srt.Subtitle]:
    return list(srt.parse(text)) if text.strip() else []


def visible(text: str) -> bool:
    return any(unicodedata.category(c)[0] in "LNPS" for c in text)


def doc(text: str, lang: str | None = None, presplit: bool = False) -> Document | None:
    return only_subalign_errors(document_from_text, text, lang=lang, presplit=presplit)


# ----------------------------------------------------------------------------- documents


@MANY
@given(text=document_text(), lang=st.sampled_from([None, "en", "zh"]), presplit=st.booleans())
def test_documents_anchor_every_sentence_exactly(text, lang, presplit):
    d = doc(text, lang, presplit)
    if d is not None:
        check_document(d, presplit)


@LONG
@given(
    unit=st.sampled_from(["a", "工", "word ", "工人 ", "😀", "a\u0301", "\u202e", "We The ", "“", "x, "]),
    lang=st.sampled_from(["en", "zh"]),
    size=st.integers(20_000, 100_000),
)
def test_documents_cut_100kb_runs(unit, lang, size):
    d = doc(unit * (size // len(unit)), lang)
    if d is not None:
        check_document(d)


# ----------------------------------------------------------------------------- align + formats


def check_alignment_outputs(al: Alignment) -> None:
    from subalign.aligner.formats import parse_ladder, to_json, to_ladder, to_tmx, to_tsv

    check_links(al)
    assert [(lk.src, lk.tgt) for lk in parse_ladder(to_ladder(al))] == [(lk.src, lk.tgt) for lk in al.links]
    root = ET.fromstring(to_tmx(al).encode("utf-8"))
    tus = root.findall("./body/tu")
    assert len(tus) == sum(bool(lk.src and lk.tgt) for lk in al.links)
    for tu in tus:  # every TU carries anchors of the sentences it holds
        props = {p.get("type"): p.text for p in tu.findall("prop")}
        assert props["x-src-anchor"] and props["x-tgt-anchor"]
    rows = tsv_rows(to_tsv(al), 6)  # src, tgt, score, src_anchor, tgt_anchor, confidence
    assert len(rows) == len(al.links) + 1
    links = json.loads(to_json(al))["links"]
    assert len(links) == len(al.links)
    for lk in links:  # the JSON's anchors slice the texts it shows out of the inputs
        for side, d in (("src", al.src), ("tgt", al.tgt)):
            pieces = [d.text[a["start"] : a["end"]] for a in lk[f"{side}_anchors"]]
            assert pieces == [d.sentences[i].text for i in lk[side]]


@SOME
@given(src=document_text("en"), tgt=document_text("zh"), detect=st.booleans())
def test_align_outputs_parse_back(src, tgt, detect):
    langs = {} if detect else {"src_lang": "en", "tgt_lang": "zh"}
    al = only_subalign_errors(align, src, tgt, encoder=ENC, **langs)
    if al is not None:
        check_document(al.src)
        check_document(al.tgt)
        check_alignment_outputs(al)


@LONG
@given(unit=st.sampled_from(["a", "word ", "“quote ", "We The "]), size=st.integers(30_000, 100_000))
def test_align_100kb_one_line(unit, size):
    src = unit * (size // len(unit))
    al = only_subalign_errors(align, src, "工人" * 2000, encoder=ENC, src_lang="en", tgt_lang="zh")
    if al is not None:
        check_alignment_outputs(al)


# ----------------------------------------------------------------------------- quotes


def check_quotes(d: Document, quotes) -> None:
    from subalign.quotes.extract import quote_for_matching

    starts = [(s.anchor.start, s.anchor.end) for s in d.sentences]
    for k, q in enumerate(quotes):
        assert q.index == k
        assert len(q.parts) == len(q.spans) >= 1
        for part, (a, b) in zip(q.parts, q.spans):
            assert d.text[a:b] == part, (part, d.text[a:b])
        assert (q.anchor.start, q.anchor.end) == (q.spans[0][0], q.spans[-1][1])
        # The carrying sentence(s): the anchor's sentence starts at or before the quote.
        first = next(s for s in d.sentences if s.anchor.id == q.anchor.id)
        assert first.anchor.start <= q.anchor.start
        assert any(a <= q.anchor.end <= b for a, b in starts), "the quote does not end inside a sentence"
        assert first.text in q.context
        quote_for_matching(q)


@MANY
@given(text=document_text(), lang=st.sampled_from([None, "en", "zh"]))
def test_quote_spans_slice_the_review(text, lang):
    from subalign.quotes.extract import extract_quotes

    d = doc(text, lang)
    if d is not None:
        check_quotes(d, only_subalign_errors(extract_quotes, d) or [])


@LONG
@given(opener=st.sampled_from(["“", '"', "「", "『"]), size=st.integers(20_000, 100_000))
def test_quotes_100kb_quotation(opener, size):
    from subalign.quotes.extract import extract_quotes

    closer = {"“": "”", '"': '"', "「": "」", "『": "』"}[opener]
    d = doc(f"He said, {opener}" + "so it goes " * (size // 11) + f"{closer} Then he left.", "en")
    if d is not None:
        check_quotes(d, extract_quotes(d))


# ----------------------------------------------------------------------------- subtitles


@SOME
@given(cues=cue_lists(absurd=True))
@example(cues=[Cue(1, 0, 0, 1000, "Hello.", "Hello."), Cue(2, 1, 2000, 3000, " \nthe end.", "the end.")])
def test_srt_written_parses_back_sorted(cues):
    text = write_srt(cues)
    written = [c for c in cues if c.text.strip()]
    back = parse_srt_back(text)
    assert [(s.start // MS, s.end // MS) for s in back] == [
        (c.start_ms, c.end_ms) for c in written
    ]
    absurd = [c for c in written if c.end_ms > MAX_TIME_MS or c.end_ms - c.start_ms > MAX_CUE_MS]
    if absurd:
        with pytest.raises(SubalignError) as err:
            parse_subtitles(text, "srt")
        assert "\n" not in str(err.value) and "cue" in str(err.value)
        return
    shown = sorted((c.start_ms, c.end_ms) for c in written if visible(plain_text(c.text)))
    parsed = only_subalign_errors(parse_subtitles, text, "srt")
    if parsed is None:
        assert not shown, "a file with visible cues was refused"
        return
    starts = [c.start_ms for c in parsed]
    assert starts == sorted(starts), "cues not in time order after reading"
    # Cues with letters, digits, punctuation or symbols all come back, with their times.
    assert sorted((c.start_ms, c.end_ms) for c in parsed if visible(c.plain)) == shown


@SOME
@given(cues=cue_lists())
def test_vtt_written_parses_back(cues):
    text = write_vtt(cues)
    pysubs2.SSAFile.from_string(text, format_="vtt")
    parsed = only_subalign_errors(parse_subtitles, text, "vtt")
    if parsed is not None:
        starts = [c.start_ms for c in parsed]
        assert starts == sorted(starts)


def _stamp(ms: int, style: int) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    sec, milli = divmod(rest, 1000)
    return [f"{h:02d}:{m:02d}:{sec:02d},{milli:03d}", f"{h}:{m}:{sec}.{milli // 100}", f"{m:02d}:{sec:02d}.{milli:03d}",
            f"{h:02d}：{m:02d}：{sec:02d}，{milli:03d}", f"{h:06d}:{m:02d}:{sec:02d},{milli:03d}"][style]


@st.composite
def damaged_srt(draw) -> str:
    """SRT-shaped text with real-world damage: no numbers, no blank lines, odd stamps, junk lines."""
    out = []
    for k in range(draw(st.integers(0, 12))):
        if draw(st.integers(0, 4)):
            out.append(str(draw(st.sampled_from([k + 1, k, 0, -1, 10**12]))))
        start = draw(st.integers(0, 4 * 3_600_000)) if draw(st.integers(0, 9)) else draw(st.integers(0, 10**12))
        end = start + (draw(st.integers(0, 10_000)) if draw(st.integers(0, 9)) else draw(st.integers(-5_000, 0)))
        arrow = draw(st.sampled_from([" --> ", "-->", " -> ", " --> ", " —> "]))
        out.append(_stamp(start, draw(st.integers(0, 4))) + arrow + _stamp(max(end, 0), draw(st.integers(0, 4))))
        out.extend(draw(st.lists(st.one_of(chaos, st.sampled_from(["-->", "1", "<i>", "{\\an8}", "WEBVTT"])),
                                 max_size=3)))
        if draw(st.integers(0, 3)):
            out.append("")
    return "\n".join(out)


@MANY
@given(text=st.one_of(damaged_srt(), damaged_srt(), chaos, st.lists(st.one_of(token, st.sampled_from([
    "1", "\n", "00:00:01,000 --> 00:00:02,000", "-->", "WEBVTT", "[Events]",
    "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,", "{\\i1}"])), max_size=40).map("".join)),
    fmt=st.sampled_from(["srt", "srt", "vtt", "ass", "ssa"]))
def test_damaged_subtitles_parse_or_refuse(text, fmt):
    cues = only_subalign_errors(parse_subtitles, text, fmt)
    for c in cues or []:
        assert 0 <= c.start_ms <= c.end_ms <= MAX_TIME_MS and c.end_ms - c.start_ms <= MAX_CUE_MS
    if cues:
        assert [c.start_ms for c in cues] == sorted(c.start_ms for c in cues)


# ----------------------------------------------------------------------------- quote finder


def check_quote_outputs(matches, cues) -> None:
    from subalign.quotes import formats as qfmt

    keys = {(c.number, c.start_ms, c.end_ms) for c in cues}
    for m in matches:
        assert m.status in ("found", "not_found")
        for c in m.cues:
            assert (c.number, c.start_ms, c.end_ms) in keys
    rows = tsv_rows(qfmt.to_tsv(matches), len(qfmt.TSV_COLUMNS) + 1)  # + note
    assert len(rows) == len(matches) + 1
    json.loads(qfmt.to_json(matches))
    clips, side = qfmt.to_srt(matches, cues, context=1)
    parse_srt_back(clips)
    json.loads(side)


@SOME
@given(review=document_text(), cues=cue_lists(lang="zh"))
def test_find_quotes_and_outputs(review, cues):
    from subalign.quotes import match as qf
    from subalign.quotes.extract import extract_quotes

    d = doc(review)
    quotes = extract_quotes(d) if d is not None else []
    quotes = quotes or ["We wrote letters for a year.", review]
    matches = only_subalign_errors(qf.find_quotes, quotes, cues, ENC)
    if matches is not None:
        check_quote_outputs(matches, cues)


@SOME
@given(phrase=chaos, cues=cue_lists(), top=st.integers(1, 6))
def test_search_hits_are_input_cues(phrase, cues, top):
    from subalign.quotes import match as qf

    hits = only_subalign_errors(qf.search, phrase, cues, ENC, top=top)
    keys = {(c.number, c.start_ms, c.end_ms) for c in cues}
    for h in hits or []:
        assert 1 <= len(h.cues) and all((c.number, c.start_ms, c.end_ms) in keys for c in h.cues)
        assert h.start_ms <= h.end_ms


@LONG
@given(unit=st.sampled_from(["工人罢工", "workers strike ", "😀", "a"]), size=st.integers(20_000, 100_000))
def test_find_quotes_100kb_cue(unit, size):
    from subalign.quotes import match as qf

    body = unit * (size // len(unit))
    cues = [Cue(1, 0, 1000, 5000, body, plain_text(body)), Cue(2, 1, 6000, 8000, "我不知道。", "我不知道。")]
    matches = only_subalign_errors(qf.find_quotes, ["Who pays for my twenty years?", body[:2000]], cues, ENC)
    if matches is not None:
        check_quote_outputs(matches, cues)


# ----------------------------------------------------------------------------- glossary


def check_glossary_outputs(entries, al: Alignment) -> None:
    from subalign.glossary import formats as gf

    for e in entries:
        assert e.en.strip() and e.zh.strip()
        assert e.zh in al.tgt.text, f"{e.zh!r} is not written so in the translation"
        for anchors, d in ((e.anchors, al.src), (e.zh_anchors, al.tgt)):
            for a in anchors:
                s = next(s for s in d.sentences if s.anchor.id == a.id)
                assert s.anchor.start <= a.start < a.end <= s.anchor.end, "a mention outside its sentence"
    rows = tsv_rows(gf.to_tsv(entries), len(gf.COLUMNS))
    assert len(rows) == len(entries) + 1
    rows = list(csv.reader(io.StringIO(gf.to_csv(entries))))
    assert {len(r) for r in rows} == {len(gf.COLUMNS)} and len(rows) == len(entries) + 1
    ET.fromstring(gf.to_tbx(entries).encode("utf-8"))
    assert len(json.loads(gf.to_json(entries))["entries"]) == len(entries)


@SOME
@given(en=document_text("en"), zh=document_text("zh"))
def test_glossary_build_and_outputs(en, zh):
    from subalign.glossary.pairing import build_glossary

    al = only_subalign_errors(align, en, zh, encoder=ENC, src_lang="en", tgt_lang="zh")
    if al is None:
        return
    entries = only_subalign_errors(build_glossary, al, ENC)
    if entries is not None:
        check_glossary_outputs(entries, al)


@FEW
@given(en=prose("en"), zh=prose("zh"), swap=st.booleans())
def test_glossary_files_any_languages(en, zh, swap, tmp_path_factory):
    """The command's path: files in, languages detected, a Chinese source refused."""
    from subalign.glossary.run import glossary_files

    d = tmp_path_factory.mktemp("gl")
    (d / "en.txt").write_text(en, encoding="utf-8")
    (d / "zh.txt").write_text(zh, encoding="utf-8")
    files = [d / "zh.txt", d / "en.txt"] if swap else [d / "en.txt", d / "zh.txt"]
    out = only_subalign_errors(glossary_files, *files, encoder=ENC)
    if out is not None:
        check_glossary_outputs(*out)


def test_glossary_capitalised_stop_word_run():
    """The issue's example: a name made only of stop words."""
    from subalign.glossary.pairing import build_glossary

    en = "The film was made by We The. Later We The said it again."
    al = align(en, "这部电影由我们拍摄。后来我们又说了一遍。", encoder=ENC, src_lang="en", tgt_lang="zh")
    check_glossary_outputs(build_glossary(al, ENC), al)


# ----------------------------------------------------------------------------- Traditional script


@functools.lru_cache(maxsize=1)
def _s2tw():
    import opencc

    return opencc.OpenCC("s2tw")


def traditional(text: str) -> str | None:
    """*text* in Traditional script when that changes it and folds back to the same Simplified view."""
    hant = _s2tw().convert(text)
    if hant == text or len(hant) != len(text) or simplified_view(hant) != simplified_view(text):
        return None
    return hant


@HEAVY
@given(en=prose("en"), zh=prose("zh"))
@example(en="the.", zh="工人.工人.工人.工人.工人罢工.")
def test_traditional_aligns_like_simplified(en, zh):
    """Issue 10 item 4: the encoder sees a Simplified view, so the script does not change the links."""
    hant = traditional(zh)
    if hant is None:
        return
    a = only_subalign_errors(align, en, zh, encoder=ENC, src_lang="en", tgt_lang="zh")
    b = only_subalign_errors(align, en, hant, encoder=ENC, src_lang="en", tgt_lang="zh")
    assert (a is None) == (b is None)
    if a is not None:
        check_document(b.tgt)
        assert b.tgt.text == hant  # outputs keep the text as written
        assert [(lk.src, lk.tgt) for lk in a.links] == [(lk.src, lk.tgt) for lk in b.links]


@HEAVY
@given(review=prose("en"), cues=cue_lists(max_n=12, lang="zh"))
@example(review="The factory closed.", cues=[Cue(1, 0, 0, 1500, "工厂", "工厂")])
def test_traditional_subtitles_give_the_same_quotes(review, cues):
    from subalign.quotes import match as qf
    from subalign.quotes.extract import extract_quotes

    hant = [traditional(c.text) for c in cues]
    if not any(hant):
        return
    cues_t = [Cue(c.number, c.position, c.start_ms, c.end_ms, h or c.text, plain_text(h or c.text))
              for c, h in zip(cues, hant)]
    d = doc(review, "en")
    quotes = (extract_quotes(d) if d is not None else []) or [review]
    a = only_subalign_errors(qf.find_quotes, quotes, cues, ENC)
    b = only_subalign_errors(qf.find_quotes, quotes, cues_t, ENC)
    assert (a is None) == (b is None)
    for ma, mb in zip(a or [], b or []):
        assert (ma.status, [c.number for c in ma.cues]) == (mb.status, [c.number for c in mb.cues])
        assert ma.score == pytest.approx(mb.score, abs=1e-5)
        assert all(c in cues_t for c in mb.cues)  # matched cues are shown as written


# ----------------------------------------------------------------------------- dual + retime


@HEAVY
@given(a=cue_lists(max_n=15, lang="zh"), b=cue_lists(max_n=15, lang="en"), top=st.sampled_from(["zh", "en"]),
       timing=st.sampled_from(["a", "b", "union"]))
def test_dual_links_cover_cues_and_outputs_parse(a, b, top, timing):
    from subalign.subs import dual as d

    res = only_subalign_errors(d.align_cues, a, b, ENC)
    if res is None:
        return
    assert [i for lk in res.links for i in lk.a] == list(range(len(a)))
    assert [j for lk in res.links for j in lk.b] == list(range(len(b)))
    assert np.isfinite(res.offset_ms) and np.isfinite(res.drift)
    json.loads(d.result_json(res))
    merged = d.merge_cues(res, top=top, timing=timing)
    assert len(merged) == len(res.links)
    for m in merged:
        assert 0 <= m.start_ms <= m.end_ms
    back = parse_srt_back(d.write_dual(merged, "srt"))
    assert len(back) == sum(bool("\n".join(m.top + m.bottom).strip()) for m in merged)
    pysubs2.SSAFile.from_string(d.write_dual(merged, "vtt"), format_="vtt")
    ass = pysubs2.SSAFile.from_string(d.write_dual(merged, "ass"), format_="ass")
    assert len(ass) == len(merged)


@SOME
@given(text=document_text("en"), cues=cue_lists(max_n=15, lang="zh"))
def test_retime_times_every_line(text, cues):
    from subalign.subs import retime as rt

    lines = rt.translation_lines(text)
    res = only_subalign_errors(rt.retime, lines, cues, ENC)
    if res is None:
        return
    kept = [ln for ln in lines if ln.strip()]
    assert [c.text for c in res.cues] == kept
    for c in res.cues:
        assert 0 <= c.start_ms <= c.end_ms
    json.loads(rt.result_json(res))
    back = parse_srt_back(write_srt(res.cues, renumber=True))
    assert len(back) == len(kept)
    pysubs2.SSAFile.from_string(write_vtt(res.cues), format_="vtt")


@LONG
@given(unit=st.sampled_from(["workers strike ", "a", "工人罢工"]), size=st.integers(20_000, 100_000))
def test_retime_100kb_line(unit, size):
    from subalign.subs import retime as rt

    texts = ["工人罢工了。", "老板跑了。", "我不知道。"]
    cues = [Cue(k + 1, k, k * 3000, k * 3000 + 2500, t, t) for k, t in enumerate(texts)]
    res = only_subalign_errors(rt.retime, [unit * (size // len(unit)), "The boss fled."], cues, ENC)
    if res is not None:
        assert len(res.cues) == 2


# ----------------------------------------------------------------------------- report

_ISOLATING = {"bdi", "script", "style"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class _BidiAudit(HTMLParser):
    """Text with a raw bidi control outside any isolating element (<bdi>, dir=...)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.leaks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in _VOID:
            self.stack.append(tag in _ISOLATING or any(k == "dir" for k, _ in attrs))

    def handle_endtag(self, tag):
        if tag not in _VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if _BIDI_CONTROLS & set(data) and not any(self.stack):
            self.leaks.append(data)


def check_report(page: str, al: Alignment | None, d: Document) -> None:
    audit = _BidiAudit()
    audit.feed(page)
    audit.close()
    assert not audit.leaks, f"raw bidi controls can reorder the page: {audit.leaks[:2]!r}"
    from subalign.report.page import TGT_PREFIX

    for s in d.sentences:  # every sentence of both sides is on the page, linkable by its anchor
        assert f'id="{s.anchor.id}"' in page
    for s in al.tgt.sentences if al is not None else []:
        assert f'id="{TGT_PREFIX}{s.anchor.id}"' in page


@HEAVY
@given(en=document_text("en"), zh=document_text("zh"), cues=cue_lists(max_n=10, lang="zh"))
@example(en="the.", zh="\u202a.", cues=[Cue(1, 0, 0, 0, "工人", "工人")])
def test_report_page(en, zh, cues):
    from subalign.quotes import match as qf
    from subalign.glossary.pairing import build_glossary
    from subalign.quotes.extract import extract_quotes
    from subalign.report.page import build_report

    al = only_subalign_errors(align, en, zh, encoder=ENC, src_lang="en", tgt_lang="zh")
    if al is None:
        return
    quotes = extract_quotes(al.src)
    matches = only_subalign_errors(qf.find_quotes, quotes, cues, ENC) if quotes else []
    entries = only_subalign_errors(build_glossary, al, ENC)
    page = only_subalign_errors(build_report, al, matches, entries)
    if page is not None:
        check_report(page, al, al.src)
    page = only_subalign_errors(build_report, al.src)
    if page is not None:
        check_report(page, None, al.src)


@HEAVY
@given(a_en=prose("en"), b_en=prose("en"), cues=cue_lists(max_n=8, lang="zh"))
@example(a_en="He said “Stop.”", b_en="She said “Go away now.”", cues=[Cue(1, 0, 0, 900, "走开", "走开")])
def test_report_refuses_quotes_saved_from_another_review(a_en, b_en, cues):
    """A saved quotes JSON is shown on a review only where its anchors hold its quotes."""
    from subalign.quotes import formats as qfmt
    from subalign.quotes import match as qf
    from subalign.quotes.extract import extract_quotes
    from subalign.report.page import build_report

    a, b = doc(a_en, "en"), doc(b_en, "en")
    if a is None or b is None or not extract_quotes(a):
        return
    saved = qfmt.to_json(qf.find_quotes(extract_quotes(a), cues, ENC))
    page = only_subalign_errors(build_report, b, saved)
    if page is None:
        return
    for q in json.loads(saved)["quotes"]:
        parts, anchor = q["quote"].split(" … "), q["anchor"]
        held = b.text[anchor["start"] : anchor["end"]]
        assert held.startswith(parts[0]) and held.endswith(parts[-1]), f"quote {q['quote']!r} shown on {held!r}"


@SOME
@given(
    en=prose("en"),
    zh=prose("zh"),
    links=st.lists(st.tuples(st.lists(st.integers(-3, 12), max_size=3), st.lists(st.integers(-3, 12), max_size=3))),
)
@example(en="One. Two.", zh="一。二。", links=[])
@example(en="One. Two.", zh="一。二。", links=[([-1], [0]), ([0], [1])])
@example(en="One. Two.", zh="一。二。", links=[([0], [0]), ([0], [0]), ([1], [1])])
def test_alignment_json_must_fit_the_texts(en, zh, links):
    """A saved (or hand-edited) alignment JSON gives a valid alignment of these texts or a SubalignError."""
    from subalign.report.views import alignment_from_json

    src, tgt = doc(en, "en"), doc(zh, "zh")
    if src is None or tgt is None:
        return
    data = {"links": [{"src": s, "tgt": t, "score": 0.5} for s, t in links]}
    al = only_subalign_errors(alignment_from_json, data, src, tgt)
    if al is not None:
        check_links(al)


def test_report_escapes_right_to_left_override():
    """U+202E in a sentence must not reorder the rest of the page (issue 10)."""
    from subalign.report.page import build_report

    al = align("He said \u202eevil. The boss fled.", "他说了\u202e坏话。老板跑了。", encoder=ENC,
               src_lang="en", tgt_lang="zh")
    check_report(build_report(al), al, al.src)
