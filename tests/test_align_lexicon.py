"""The aligner's lexical term: word evidence, quotation marks and learned pairs decide
boundaries that sentence vectors alone get wrong.

Embeddings here are hand-made vectors (no encoder), so each test states what the
vectors say and checks that the lexicon overrules them only where it should.
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from subalign import lexicon
from subalign.aligner import lexical as lexical_mod
from subalign.aligner import quotemarks
from subalign.aligner.band import plan_band
from subalign.aligner.core import AlignOptions, align_documents, align_scored, align_windows, align_windows_scored
from subalign.aligner.doclex import learn_pairs, with_pairs
from subalign.aligner.lexical import LexicalSides, lexical_sides, uses_lexicon
from subalign.aligner.quotemarks import quote_delta
from subalign.aligner.scoring import ScoreParams, Windows
from subalign.aligner.windows import mean_windows
from subalign.lexicon.matching import hits
from subalign.text.documents import document_from_text
from subalign.types import Document

from fakes import RecordingEncoder


@pytest.fixture(scope="module")
def lex():
    return lexicon.load()


def unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def windows(vectors: list[np.ndarray], texts: list[str], kmax: int = 4) -> Windows:
    lens = np.array([len(t) for t in texts], dtype=float)
    return Windows(mean_windows(np.array(vectors, dtype=np.float32), lens, kmax), lens)


def docs(src: list[str], src_lang: str, tgt: list[str], tgt_lang: str) -> tuple[Document, Document]:
    return (
        document_from_text("\n".join(src), lang=src_lang, presplit=True),
        document_from_text("\n".join(tgt), lang=tgt_lang, presplit=True),
    )


def pairs(links) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(link.src, link.tgt) for link in links]


C = np.eye(8)

# "said Wang Wei." belongs to the first Chinese sentence (王伟说…), but its vector leans
# towards the second: the embeddings alone give it to the wrong neighbour.
ATTRIBUTION_EN = [
    "The compensation came to 31.5 million yuan,",
    "said Wang Wei.",
    "Then the workers left the factory and went home to Sichuan.",
]
ATTRIBUTION_ZH = ["王伟说，赔偿金额是三千一百五十万元。", "工人们随后离开了工厂，回到了四川。"]
ATTRIBUTION_VECTORS = ([unit(C[0]), unit(0.3 * C[0] + 0.7 * C[1]), unit(C[1])], [unit(C[0]), unit(C[1])])


def test_a_name_and_a_word_move_an_attribution_to_its_sentence(lex):
    src, tgt = docs(ATTRIBUTION_EN, "en", ATTRIBUTION_ZH, "zh")
    sw, tw = windows(ATTRIBUTION_VECTORS[0], ATTRIBUTION_EN), windows(ATTRIBUTION_VECTORS[1], ATTRIBUTION_ZH)
    opts = AlignOptions()
    assert pairs(align_windows(sw, tw, opts)) == [((0,), (0,)), ((1, 2), (1,))]  # embeddings alone: wrong
    sides = lexical_sides(src, tgt, lex)
    assert pairs(align_windows(sw, tw, opts, sides)) == [((0, 1), (0,)), ((2,), (1,))]


def test_either_direction_chinese_source_too(lex):
    src, tgt = docs(ATTRIBUTION_ZH, "zh", ATTRIBUTION_EN, "en")
    sw, tw = windows(ATTRIBUTION_VECTORS[1], ATTRIBUTION_ZH), windows(ATTRIBUTION_VECTORS[0], ATTRIBUTION_EN)
    opts = AlignOptions()
    assert pairs(align_windows(sw, tw, opts)) == [((0,), (0,)), ((1,), (1, 2))]
    assert pairs(align_windows(sw, tw, opts, lexical_sides(src, tgt, lex))) == [((0,), (0, 1)), ((1,), (2,))]


def test_a_sum_of_money_decides_the_boundary(lex):
    en = ["The strike lasted 41 days.", "The owners paid 3.5 million dollars.", "Then the workers went home."]
    zh = ["罢工持续了四十一天，老板们支付了三百五十万美元。", "随后工人们回家了。"]
    # The middle sentence's vector leans to the second Chinese sentence.
    sw = windows([unit(C[0]), unit(0.15 * C[0] + 0.85 * C[1]), unit(C[1])], en)
    tw = windows([unit(C[0]), unit(C[1])], zh)
    src, tgt = docs(en, "en", zh, "zh")
    ev = lex.evidence(en[1], zh[0])
    assert {(m.en, m.zh, m.kind) for m in ev.matches} >= {("3.5 million", "三百五十万", "number"), ("dollars", "美元", "dict")}
    assert pairs(align_windows(sw, tw, AlignOptions())) == [((0,), (0,)), ((1, 2), (1,))]
    assert pairs(align_windows(sw, tw, AlignOptions(), lexical_sides(src, tgt, lex))) == [((0, 1), (0,)), ((2,), (1,))]


def test_closing_quotes_decide_who_said_what(lex):
    # The second English sentence closes the quote the first Chinese sentence closes;
    # its vector leans to the second Chinese sentence. Words are left out (weight 0).
    en = ["'Come here at once.", "Right now!'", "He walked away slowly."]
    zh = ["“马上过来。就现在！”", "他慢慢地走开了。"]
    sw = windows([unit(C[0]), unit(0.2 * C[0] + 0.8 * C[1]), unit(C[1])], en)
    tw = windows([unit(C[0]), unit(C[1])], zh)
    src, tgt = docs(en, "en", zh, "zh")
    sides = lexical_sides(src, tgt, lex)
    only_quotes = AlignOptions(score=ScoreParams(lexical_weight=0.0, quote_penalty=0.2), learn_pairs=False)
    without = AlignOptions(score=ScoreParams(lexical_weight=0.0, quote_penalty=0.0), learn_pairs=False)
    assert pairs(align_windows(sw, tw, without, sides)) == [((0,), (0,)), ((1, 2), (1,))]
    assert pairs(align_windows(sw, tw, only_quotes, sides)) == [((0, 1), (0,)), ((2,), (1,))]


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("'It's easy,' said Gou-er, 'but what do you expect me to do?", 1),
        ("Go out and rob?'", -1),
        ("He said nothing.", 0),
        ("“你好。”", 0),
        ("狗儿道：“你老只会混说", 1),
        ("我们走吧。」", -1),
        ('"Yes," she said, "of course."', 0),
        ("The workers' pension was gone.", 0),
        ("‘Don’t,’ he said.", 0),
    ],
)
def test_quote_delta(text, delta):
    assert quote_delta(text) == delta


def test_quotemarks_examples_run():
    result = doctest.testmod(quotemarks, verbose=False)
    assert result.failed == 0 and result.attempted >= 2


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("en", "zh", True), ("zh", "en", True), ("zh-Hant", "en", True), ("en", "fr", False), ("de", "zh", False), ("en", "en", False)],
)
def test_only_english_chinese_pairs_use_the_lexicon(a, b, expected):
    assert uses_lexicon(a, b) is expected


def test_other_languages_never_load_the_lexicon(monkeypatch):
    def no_lexicon(*_a, **_k):
        raise AssertionError("the lexicon was loaded for a non English/Chinese pair")

    monkeypatch.setattr(lexical_mod, "load", no_lexicon)
    src, tgt = docs(["Die Arbeiter streikten.", "Der Chef floh."], "de", ["The workers went on strike.", "The boss fled."], "en")
    enc = RecordingEncoder()
    a = align_documents(src, tgt, enc)
    b = align_documents(src, tgt, enc, AlignOptions(lexicon=False))
    assert a.links == b.links
    assert a.params["lexicon"] is False


def test_band_evidence_is_the_union_of_sentence_pair_hits(lex):
    """Every bead's matched weight, read from cumulative counts, equals a direct union over its sentence pairs."""
    en = [
        "The union met in Dongguan.", "Workers wanted their pensions.", "The boss fled to Hong Kong.",
        "Police detained the lawyer.", "In 2015 the plant moved.", "Wang Wei said nothing.",
    ]
    zh = ["工会在东莞开会。", "工人们要求养老金。", "老板逃到了香港。", "警察拘留了律师。", "2015年工厂搬走了。", "王伟什么也没说。"]
    src, tgt = docs(en, "en", zh, "zh")
    sides = lexical_sides(src, tgt, lex)
    n, m = len(en), len(zh)
    lo, hi = np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64)
    band = sides.in_band(lo, hi, 3, 3)
    for i in range(1, n + 1):
        for a in range(1, min(3, i) + 1):
            for b in range(1, 4):
                js = np.arange(max(b, int(lo[i])), m + 1)
                if not len(js):
                    continue
                mass = band(i, a, b, js)
                for k, j in enumerate(js):
                    src_hit = tgt_hit = 0.0
                    for s in range(i - a, i):
                        units = set().union(*(hits(sides.src[s], sides.tgt[t])[0] for t in range(j - b, j)))
                        src_hit += sum(sides.src[s].weights[u] for u in units)
                    for t in range(j - b, j):
                        units = set().union(*(hits(sides.src[s], sides.tgt[t])[1] for s in range(i - a, i)))
                        tgt_hit += sum(sides.tgt[t].weights[u] for u in units)
                    assert mass.src_hit[k] == pytest.approx(src_hit)
                    assert mass.tgt_hit[k] == pytest.approx(tgt_hit)
    one = band(1, 1, 1, np.array([1]))
    assert one.coverage()[0][0] == pytest.approx(lex.coverage(en[0], zh[0])[0])


def test_evidence_is_computed_only_inside_the_band(lex, monkeypatch):
    """Sentence pairs compared grow with the band, not with n x m: the alignment stays linear."""
    base_en = ["The workers went on strike.", "The boss fled to Hong Kong.", "A lawyer came from Guangzhou.", "The police came at night."]
    base_zh = ["工人们罢工了。", "老板逃到了香港。", "一位律师从广州来了。", "警察晚上来了。"]
    en, zh = base_en * 40, base_zh * 40
    n = len(en)
    rng = np.random.default_rng(0)
    vectors = [unit(rng.standard_normal(16)) for _ in range(n)]
    sw, tw = windows(vectors, en, 4), windows(vectors, zh, 4)
    src, tgt = docs(en, "en", zh, "zh")
    sides = lexical_sides(src, tgt, lex)
    compared = []
    real = LexicalSides.pair_hits
    monkeypatch.setattr(LexicalSides, "pair_hits", lambda self, s, t: compared.append((s, t)) or real(self, s, t))
    links = align_windows(sw, tw, AlignOptions(), sides)
    assert pairs(links) == [((k,), (k,)) for k in range(n)]
    assert 0 < len(compared) <= 50 * n < n * n // 3
    lo, hi = plan_band(sw, tw, AlignOptions().band_width).band
    assert all(int(lo[s + 1]) - 4 <= t <= int(hi[min(s + 4, n)]) for s, t in compared)


def test_learned_pairs_link_a_renamed_character(lex):
    # 韦小宝 is "Trinket" in the English: no dictionary has that, the document does.
    en = ["Trinket laughed.", "The eunuch coughed.", "Trinket ran off.", "The boy slept.", "Trinket won again.", "Rain fell."]
    zh = ["韦小宝笑了。", "太监咳嗽了一声。", "韦小宝跑了。", "男孩睡着了。", "韦小宝又赢了。", "下雨了。"]
    src, tgt = docs(en, "en", zh, "zh")
    sides = lexical_sides(src, tgt, lex)

    def matched(s, t, side):
        return {side.src[s].units[u] for u in hits(side.src[s], side.tgt[t])[0]}

    assert "Trinket" not in matched(0, 0, sides)  # the lexicon alone does not know him
    beads = [(k, k + 1, k, k + 1) for k in range(len(en))]
    learned = learn_pairs(sides, beads)
    assert ("trinket", "韦小宝") in learned
    assert len({e for e, _ in learned}) == len(learned) == len({z for _, z in learned})  # one-to-one
    after = with_pairs(sides, learned)
    assert "Trinket" in matched(0, 0, after) and "Trinket" in matched(4, 2, after)
    assert "Trinket" not in matched(0, 1, after)
    assert "Trinket" not in matched(0, 0, sides)  # the original is untouched


def test_link_terms_carry_each_part_of_the_score(lex):
    src, tgt = docs(ATTRIBUTION_EN, "en", ATTRIBUTION_ZH, "zh")
    sw, tw = windows(ATTRIBUTION_VECTORS[0], ATTRIBUTION_EN), windows(ATTRIBUTION_VECTORS[1], ATTRIBUTION_ZH)
    links, terms = align_windows_scored(sw, tw, AlignOptions(), lexical_sides(src, tgt, lex))
    assert len(terms) == len(links) == 2
    for t in terms:
        assert 0 < t.lexical_src <= 1 and 0 < t.lexical_tgt <= 1 and t.lexical > 0
        assert t.quote_gap == 0 and t.paragraph is False
        assert t.score > 0 and -1 <= t.margin <= 1 and 0 < t.length <= 1
    _, plain = align_windows_scored(sw, tw, AlignOptions())
    assert all(np.isnan(t.lexical_src) and t.lexical == 0 for t in plain)


def test_align_scored_on_documents(lex):
    src, tgt = docs(ATTRIBUTION_EN, "en", ATTRIBUTION_ZH, "zh")
    alignment, terms = align_scored(src, tgt, RecordingEncoder())
    assert alignment.params["lexicon"] is True and alignment.params["lexical_weight"] > 0
    assert len(terms) == len(alignment.links)
    assert [t.lexical for t in terms if t.lexical]  # the lexicon took part
