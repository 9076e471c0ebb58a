"""Aligner behaviour: constructed English/Chinese bitexts with the real use-m3 encoder,
the review samples against their gold ladder, and a long synthetic document that
exercises the coarse-to-fine band without any encoder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from subalign.aligner import band as band_mod
from subalign.aligner.core import MAX_ALIGN_LIMIT, AlignOptions, align_documents, align_windows
from subalign.api import align, align_files
from subalign.text.documents import document_from_text
from subalign.encoders import load_encoder
from subalign.aligner.evaluate import score_links
from subalign.aligner.formats import parse_ladder
from subalign.aligner.scoring import Windows
from subalign.types import Alignment, Document, Link, SubalignError
from subalign.aligner.windows import mean_windows
from subalign.lexicon import load as load_lexicon
from subalign.lexicon.index import index_path

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

# An original 1-1 parallel text: factory workers, a strike, a labour lawyer, a documentary.
EN = [
    "The factory in Dongguan employed almost two thousand workers, most of them women from Sichuan.",
    "In the spring of 2015 the owner announced that the plant would move to Cambodia.",
    "Nobody had paid into the workers' pension accounts for eleven years.",
    "On a rainy Monday morning the night shift refused to leave the production line.",
    "Within two days the strike had spread to every workshop.",
    "A labour lawyer from Guangzhou offered to represent the strikers for free.",
    "The police detained her for questioning on the third night.",
    "The documentary follows the workers until the last shoe leaves the factory gate.",
]
ZH = [
    "这家位于东莞的工厂雇用了近两千名工人，其中大多数是来自四川的女工。",
    "2015年春天，老板宣布工厂将搬迁到柬埔寨。",
    "十一年来，从来没有人为工人们缴纳过养老保险。",
    "一个下雨的星期一早上，夜班工人拒绝离开生产线。",
    "两天之内，罢工蔓延到了每一个车间。",
    "一位来自广州的劳工律师提出免费代理罢工工人。",
    "第三天晚上，警察把她带走问话。",
    "这部纪录片一直跟拍工人们，直到最后一双鞋离开厂门。",
]
# EN 3 + EN 4 translated as one Chinese sentence (2-1).
ZH_MERGED_3_4 = "一个下雨的星期一早上，夜班工人拒绝离开生产线，两天之内罢工就蔓延到了每一个车间。"
# EN 0 + EN 1 as one sentence, EN 6 + EN 7 as one sentence.
ZH_MERGED_0_1 = "这家位于东莞的工厂雇用了近两千名工人，其中大多数是来自四川的女工；2015年春天，老板宣布工厂将搬迁到柬埔寨。"
ZH_MERGED_6_7 = "第三天晚上警察把她带走问话，而这部纪录片一直跟拍工人们，直到最后一双鞋离开厂门。"
# EN 5 split into two Chinese sentences (1-2); EN 1 and EN 7 likewise.
ZH_SPLIT_5 = ["一位律师来自广州，专门处理劳动纠纷。", "她提出免费代理罢工工人。"]
ZH_SPLIT_1 = ["2015年春天，老板作出了一个宣布。", "他说工厂将搬迁到柬埔寨。"]
ZH_SPLIT_7 = ["这部纪录片一直跟拍工人们。", "直到最后一双鞋离开厂门，镜头才停下来。"]
# A translator's note about something the English never mentions.
NOTE = "（译注：人民币与美元的汇率在这一时期约为六比一。）"


def lexicon_index_path() -> Path:
    """The lexicon index in the current cache folder (built there first if missing)."""
    load_lexicon()
    return index_path()


def en_text(sents: list[str]) -> str:
    return " ".join(sents)


def zh_text(sents: list[str]) -> str:
    return "".join(sents)


def pairs(alignment: Alignment) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(link.src, link.tgt) for link in alignment.links]


def diagonal(k: int) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [((i,), (i,)) for i in range(k)]


def assert_complete_and_monotone(links: list[Link], n_src: int, n_tgt: int) -> None:
    """Every sentence of both sides in exactly one link, links in order, none empty."""
    src = [i for link in links for i in link.src]
    tgt = [j for link in links for j in link.tgt]
    assert src == list(range(n_src)), [(link.src, link.tgt) for link in links]
    assert tgt == list(range(n_tgt)), [(link.src, link.tgt) for link in links]
    for link in links:
        assert link.src or link.tgt, link
        assert 0.0 <= link.score <= 1.0, link
        if not link.src or not link.tgt:
            assert link.score == 0.0, link


def assert_alignment_ok(a: Alignment) -> None:
    assert_complete_and_monotone(a.links, len(a.src), len(a.tgt))
    for link in a.links:
        for doc, idx in ((a.src, link.src), (a.tgt, link.tgt)):
            for k in idx:
                s = doc.sentences[k]
                assert s.index == k
                assert doc.text[s.anchor.start : s.anchor.end] == s.text
    # Anchors advance through each text in link order.
    for doc, side in ((a.src, "src"), (a.tgt, "tgt")):
        starts = [doc.sentences[k].anchor.start for link in a.links for k in getattr(link, side)]
        assert starts == sorted(starts)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def _isolated(monkeypatch):
    """Nothing goes to the user's cache directory (the session's temporary one, from
    conftest.py, where the lexicon index is built once), nothing to the network."""
    assert os.environ["SUBALIGN_CACHE_DIR"]
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def enc(tmp_path_factory):
    return load_encoder("use-m3", cache=True, cache_dir=str(tmp_path_factory.mktemp("use-cache")))


# --------------------------------------------------------------------------- constructed bitexts


def test_parallel_text_is_aligned_one_to_one(enc):
    a = align(en_text(EN), zh_text(ZH), encoder=enc)
    assert a.src.lang == "en" and a.tgt.lang == "zh"
    assert a.src.texts == EN and a.tgt.texts == ZH
    assert pairs(a) == diagonal(8)
    assert all(link.score > 0.3 for link in a.links)
    assert a.model == "use-m3"
    assert a.params["max_align"] == 5
    assert_alignment_ok(a)


def test_align_by_model_name_uses_the_configured_cache_dir(tmp_path, monkeypatch):
    lexicon_index = lexicon_index_path()  # in the module's cache: copied, not built again
    monkeypatch.setenv("SUBALIGN_CACHE_DIR", str(tmp_path / "cache"))
    copy = index_path()
    copy.parent.mkdir(parents=True)
    shutil.copyfile(lexicon_index, copy)
    a = align(en_text(EN[:3]), zh_text(ZH[:3]), model="use-m3")
    assert pairs(a) == diagonal(3)
    assert (tmp_path / "cache" / "embeddings.sqlite3").is_file()


def test_align_documents_directly(enc):
    src = document_from_text(en_text(EN), lang="en")
    tgt = document_from_text(zh_text(ZH), lang="zh")
    a = align_documents(src, tgt, enc, AlignOptions(max_align=3))
    assert pairs(a) == diagonal(8)
    assert a.params["max_align"] == 3
    assert_alignment_ok(a)


@pytest.mark.parametrize(
    "zh,expected",
    [
        (ZH[:3] + [ZH_MERGED_3_4] + ZH[5:], ((3, 4), (3,))),
        ([ZH_MERGED_0_1] + ZH[2:], ((0, 1), (0,))),
        (ZH[:6] + [ZH_MERGED_6_7], ((6, 7), (6,))),
    ],
    ids=["middle", "start", "end"],
)
def test_two_to_one_merge_is_recovered(enc, zh, expected):
    a = align(en_text(EN), zh_text(zh), encoder=enc)
    assert_alignment_ok(a)
    assert expected in pairs(a)
    assert [p for p in pairs(a) if len(p[0]) != 1 or len(p[1]) != 1] == [expected]


@pytest.mark.parametrize(
    "zh,expected",
    [
        (ZH[:5] + ZH_SPLIT_5 + ZH[6:], ((5,), (5, 6))),
        (ZH[:1] + ZH_SPLIT_1 + ZH[2:], ((1,), (1, 2))),
        (ZH[:7] + ZH_SPLIT_7, ((7,), (7, 8))),
    ],
    ids=["middle", "second", "end"],
)
def test_one_to_two_split_is_recovered(enc, zh, expected):
    a = align(en_text(EN), zh_text(zh), encoder=enc)
    assert_alignment_ok(a)
    assert [p for p in pairs(a) if len(p[0]) != 1 or len(p[1]) != 1] == [expected]


@pytest.mark.parametrize("pos", [0, 4, 8])
def test_translators_note_is_an_insertion(enc, pos):
    zh = ZH[:pos] + [NOTE] + ZH[pos:]
    a = align(en_text(EN), zh_text(zh), encoder=enc)
    assert_alignment_ok(a)
    assert a.tgt.texts[pos] == NOTE
    note_links = [link for link in a.links if pos in link.tgt]
    assert len(note_links) == 1 and note_links[0].src == () and note_links[0].tgt == (pos,)
    # Everything else stays 1-1, shifted past the note.
    assert [p for p in pairs(a) if p[1] != (pos,)] == [((i,), (i if i < pos else i + 1,)) for i in range(8)]


def test_merge_split_and_insertion_together(enc):
    zh = ZH[:2] + [NOTE, ZH[2], ZH_MERGED_3_4] + ZH_SPLIT_5 + ZH[6:]
    a = align(en_text(EN), zh_text(zh), encoder=enc)
    assert_alignment_ok(a)
    assert pairs(a) == [
        ((0,), (0,)),
        ((1,), (1,)),
        ((), (2,)),
        ((2,), (3,)),
        ((3, 4), (4,)),
        ((5,), (5, 6)),
        ((6,), (7,)),
        ((7,), (8,)),
    ]
    # max_align=2 allows only 1-1, 1-0 and 0-1 beads; links stay complete.
    a2 = align(en_text(EN), zh_text(zh), encoder=enc, max_align=2)
    assert_alignment_ok(a2)
    assert all(len(link.src) <= 1 and len(link.tgt) <= 1 for link in a2.links)
    assert a2.params["max_align"] == 2


# --------------------------------------------------------------------------- options and edge cases


class ExplodingEncoder:
    """Fails the test if anything tries to encode."""

    name = id = "exploding"
    dim = 8

    def encode(self, *args, **kwargs):  # pragma: no cover - must not be reached
        raise AssertionError("the encoder was used although the options are invalid")


@pytest.mark.parametrize("max_align", [-1, 0, 1, MAX_ALIGN_LIMIT + 1, 99])
def test_max_align_out_of_range_raises(max_align):
    with pytest.raises(SubalignError, match="max-align"):
        align(en_text(EN), zh_text(ZH), encoder=ExplodingEncoder(), max_align=max_align)
    src = document_from_text(en_text(EN), lang="en")
    tgt = document_from_text(zh_text(ZH), lang="zh")
    with pytest.raises(SubalignError, match="max-align"):
        align_documents(src, tgt, ExplodingEncoder(), AlignOptions(max_align=max_align))
    with pytest.raises(SubalignError):
        AlignOptions(max_align=max_align).bead_types()


def test_max_align_limits_are_inclusive(enc):
    for k in (2, MAX_ALIGN_LIMIT):
        types = AlignOptions(max_align=k).bead_types()
        assert (1, 0) in types and (0, 1) in types and (1, 1) in types
        assert max(a + b for a, b in types) == k
    a = align(en_text(EN), zh_text(ZH), encoder=enc, max_align=MAX_ALIGN_LIMIT)
    assert pairs(a) == diagonal(8)


def test_empty_text_is_a_user_error(enc):
    with pytest.raises(SubalignError, match="empty"):
        align("", zh_text(ZH), encoder=enc)
    with pytest.raises(SubalignError, match="empty"):
        align(en_text(EN), "  \n ", encoder=enc)


def empty_windows(d: int, kmax: int) -> Windows:
    return Windows(mean_windows(np.zeros((0, d), np.float32), np.zeros(0), kmax), np.zeros(0))


def unit_windows(n: int, d: int, kmax: int, seed: int) -> Windows:
    emb = np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)
    lens = np.full(n, 30.0)
    return Windows(mean_windows(emb, lens, kmax), lens)


def test_align_windows_with_an_empty_side():
    opts = AlignOptions()
    src, empty = unit_windows(5, 16, 4, 0), empty_windows(16, 4)
    assert empty.n == 0
    # Nothing else was possible: every forced skip is certain.
    assert align_windows(src, empty, opts) == [Link((i,), (), confidence=1.0) for i in range(5)]
    assert align_windows(empty, src, opts) == [Link((), (j,), confidence=1.0) for j in range(5)]
    assert align_windows(empty, empty, opts) == []
    with pytest.raises(SubalignError):
        align_windows(src, empty, AlignOptions(max_align=1))


def test_align_documents_with_an_empty_document(enc):
    empty = Document(text="", sentences=[], lang="en")
    tgt = document_from_text(zh_text(ZH), lang="zh")
    a = align_documents(empty, tgt, enc)
    assert pairs(a) == [((), (j,)) for j in range(8)]
    assert_alignment_ok(a)
    src = document_from_text(en_text(EN), lang="en")
    a = align_documents(src, Document(text="", sentences=[], lang="zh"), enc)
    assert pairs(a) == [((i,), ()) for i in range(8)]
    assert_alignment_ok(a)


def test_single_sentence_each_side(enc):
    a = align(EN[4], ZH[4], encoder=enc)
    assert pairs(a) == [((0,), (0,))]
    assert a.links[0].score > 0.3


# --------------------------------------------------------------------------- the review samples


def test_review_sample_against_gold(enc):
    gold = parse_ladder((SAMPLES / "review.gold.align").read_text(encoding="utf-8"))
    warnings: list[str] = []
    a = align_files(SAMPLES / "review.en.txt", SAMPLES / "review.zh.txt", encoder=enc, warn=warnings.append)
    assert warnings == []
    assert (len(a.src), len(a.tgt)) == (54, 51)
    assert_complete_and_monotone(gold, 54, 51)  # the gold is a complete ladder too
    assert_alignment_ok(a)
    s = score_links(gold, a.links)
    assert s.strict_f1 >= 0.9, s
    assert s.lax_f1 >= 0.95, s


def test_presplit_review_sample_against_gold(enc):
    gold = parse_ladder((SAMPLES / "review.gold.align").read_text(encoding="utf-8"))
    a = align_files(SAMPLES / "review.en.sentences.txt", SAMPLES / "review.zh.sentences.txt", presplit=True, encoder=enc)
    assert (len(a.src), len(a.tgt)) == (54, 51)
    assert_alignment_ok(a)
    assert score_links(gold, a.links).strict_f1 >= 0.9


# --------------------------------------------------------------------------- long synthetic document


def synthetic_bitext(n: int, d: int, split_rate: float, noise: float, seed: int):
    """Random unit "sentences": each source one is translated 1-1, or split 1-2.

    A split source vector is the normalised sum of its two targets' clean vectors,
    so the target 2-window (the sum of the two) matches it while each half alone
    matches only partly. Every target gets independent noise.
    """
    rng = np.random.default_rng(seed)

    def unit(v):
        return v / np.linalg.norm(v, axis=-1, keepdims=True)

    src, tgt, slen, tlen, gold = [], [], [], [], []
    for i in range(n):
        length = rng.uniform(20, 150)
        slen.append(length)
        j = len(tgt)
        if rng.random() < split_rate:
            u, v = unit(rng.standard_normal((2, d)))
            src.append(unit(u + v))
            tgt += [u, v]
            f = rng.uniform(0.3, 0.7)
            tlen += [length * f * 0.6, length * (1 - f) * 0.6]
            gold.append(Link((i,), (j, j + 1)))
        else:
            s = unit(rng.standard_normal(d))
            src.append(s)
            tgt.append(s)
            tlen.append(length * rng.uniform(0.45, 0.75))
            gold.append(Link((i,), (j,)))
    tgt = unit(np.array(tgt) + noise * unit(rng.standard_normal((len(tgt), d))))
    return (
        np.array(src, np.float32),
        tgt.astype(np.float32),
        np.array(slen),
        np.array(tlen),
        gold,
    )


def test_long_synthetic_document_coarse_to_fine(monkeypatch):
    n = 3000
    src, tgt, slen, tlen, gold = synthetic_bitext(n, d=64, split_rate=0.15, noise=0.5, seed=42)
    m = len(tgt)
    assert (n + 1) * (m + 1) > band_mod.FULL_CELLS  # too big for a full lattice: bands are used

    # Spy on the machinery: the coarse levels must halve, and no DP may see the whole lattice.
    halvings: list[int] = []
    real_halve = band_mod._halve

    def spy_halve(emb, lens):
        halvings.append(len(emb))
        return real_halve(emb, lens)

    opts = AlignOptions()
    band_cells: list[tuple[int, int, int]] = []
    real_dp = band_mod.band_dp_gaps

    def spy_dp(nn, mm, lo, hi, types, score_fn):
        if list(types) == opts.bead_types():  # the final DP, not a coarse level's
            band_cells.append((nn, mm, int((np.asarray(hi) - np.asarray(lo) + 1).sum())))
        return real_dp(nn, mm, lo, hi, types, score_fn)

    monkeypatch.setattr(band_mod, "_halve", spy_halve)
    monkeypatch.setattr(band_mod, "band_dp_gaps", spy_dp)

    ks = max(a for a, _ in opts.bead_types())
    sw = Windows(mean_windows(src, slen, ks), slen)
    tw = Windows(mean_windows(tgt, tlen, ks), tlen)
    links = align_windows(sw, tw, opts)

    assert_complete_and_monotone(links, n, m)
    s = score_links(gold, links)
    assert s.strict_f1 >= 0.95, s
    # Coarse-to-fine really happened: both sides were halved at least once.
    assert n in halvings and m in halvings
    # The final DP ran in a band linear in the document length, not over n * m cells.
    assert len(band_cells) == 1
    nn, mm, cells = band_cells[0]
    assert (nn, mm) == (n, m)
    assert cells <= 50 * (n + m) < (n + 1) * (m + 1) // 10


def test_package_level_align_stays_callable():
    """``subalign.align`` is the function, also after the aligner module is imported."""
    import subalign
    import subalign.aligner  # noqa: F401  (must not shadow the function)

    first = subalign.align("The workers went on strike. The boss fled to Hong Kong.", "工人们罢工了。老板逃到了香港。")
    second = subalign.align("The workers went on strike. The boss fled to Hong Kong.", "工人们罢工了。老板逃到了香港。")
    assert [(l.src, l.tgt) for l in first.links] == [(l.src, l.tgt) for l in second.links]
