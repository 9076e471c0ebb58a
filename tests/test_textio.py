from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from subalign.text import textio as textio
from subalign.subs.read import read_subtitles
from subalign.text.textio import atomic_write, read_text
from subalign.types import SubalignError

EN = (
    "The film follows three factory workers through one winter.\n"
    "Their overtime is unpaid, and the labour activists who help them are watched.\n"
)
ZH_HANS = (
    "这部电影讲述了三名工厂工人度过的一个冬天。\n"
    "他们的加班费没有发，帮助他们的劳工活动人士也受到监视。\n\n"
    "导演用冷静的镜头记录了宿舍、车间和工资单。\n"
)
ZH_HANT = (
    "這部電影講述了三名工廠工人度過的一個冬天。\n"
    "他們的加班費沒有發，幫助他們的勞工活動人士也受到監視。\n"
)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_plain_utf8(tmp_path):
    p = _write(tmp_path, "a.txt", ZH_HANS.encode("utf-8"))
    assert read_text(p) == (ZH_HANS, "utf-8")


def test_utf8_bom_is_stripped(tmp_path):
    p = _write(tmp_path, "a.txt", codecs.BOM_UTF8 + EN.encode("utf-8"))
    text, enc = read_text(p)
    assert text == EN
    assert enc == "utf-8-sig"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_32_with_bom(tmp_path, codec):
    p = _write(tmp_path, "a.txt", ("\ufeff" + ZH_HANS).encode(codec))
    assert read_text(p) == (ZH_HANS, codec)


def test_utf16_le_and_be_via_python_codec(tmp_path):
    # Python's "utf-16" writes a BOM in native order; also check explicit BE with BOM.
    p = _write(tmp_path, "le.txt", codecs.BOM_UTF16_LE + EN.encode("utf-16-le"))
    q = _write(tmp_path, "be.txt", codecs.BOM_UTF16_BE + EN.encode("utf-16-be"))
    assert read_text(p)[0] == EN
    assert read_text(q)[0] == EN


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(tmp_path, codec):
    p = _write(tmp_path, "a.txt", EN.encode(codec))
    assert read_text(p) == (EN, codec)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_chinese_utf16_32_without_bom(tmp_path, codec):
    # Only the line breaks and the ASCII digits carry NUL bytes.
    text = ZH_HANS + "2024年，工人们罢工了3次。\n"
    p = _write(tmp_path, "a.txt", text.encode(codec))
    assert read_text(p) == (text, codec)


def test_gb18030(tmp_path):
    text = ZH_HANS + "罕见字：㐀䶵\n"  # characters outside GBK, only in GB18030
    p = _write(tmp_path, "a.txt", text.encode("gb18030"))
    assert read_text(p) == (text, "gb18030")


def test_gbk_range_text_is_read_as_gb18030(tmp_path):
    p = _write(tmp_path, "a.txt", ZH_HANS.encode("gbk"))
    assert read_text(p) == (ZH_HANS, "gb18030")


def test_big5_traditional(tmp_path):
    p = _write(tmp_path, "a.txt", ZH_HANT.encode("big5"))
    text, enc = read_text(p)
    assert text == ZH_HANT
    assert enc in ("big5", "cp950", "big5hkscs")


# Short legacy files: too little text for charset-normalizer's statistics, which
# read six GB18030 bytes (你好。) as Big5 (斕疑﹝) and Latin-1 English as cp1250/cp1006.
SHORT_SRT = (
    "1\n00:00:01,000 --> 00:00:02,000\n你好。\n\n"
    "2\n00:00:03,000 --> 00:00:04,500\n法律有什么用？\n"
)


@pytest.mark.parametrize("text", ["你好。\n", "法律有什么用？\n", "我们走吧。厂里很冷，宿舍也冷。\n"])
def test_short_gb18030(tmp_path, text):
    p = _write(tmp_path, "a.txt", text.encode("gb18030"))
    assert read_text(p) == (text, "gb18030")


@pytest.mark.parametrize("text", ["你好。\n", "法律有什麼用？\n", "我們走吧。廠裡很冷，宿舍也冷。\n"])
def test_short_big5(tmp_path, text):
    p = _write(tmp_path, "a.txt", text.encode("big5"))
    assert read_text(p) == (text, "big5")


def test_short_traditional_text_in_gb18030_stays_gb18030(tmp_path):
    text = "我們走吧。\n"
    p = _write(tmp_path, "a.txt", text.encode("gb18030"))
    assert read_text(p) == (text, "gb18030")


def test_short_gb18030_srt_reads_without_encoding(tmp_path):
    # Regression: the first cue came back as 斕疑﹝.
    p = _write(tmp_path, "film.zh.srt", SHORT_SRT.encode("gb18030"))
    cues = read_subtitles(p)
    assert [(c.start_ms, c.text) for c in cues] == [(1000, "你好。"), (3000, "法律有什么用？")]
    one = _write(tmp_path, "one.srt", "1\n00:00:01,000 --> 00:00:02,000\n工人罢工了。\n".encode("gb18030"))
    assert [c.text for c in read_subtitles(one)] == ["工人罢工了。"]


def test_short_big5_srt_reads_without_encoding(tmp_path):
    text = SHORT_SRT.replace("什么", "什麼")
    p = _write(tmp_path, "film.zh-hant.srt", text.encode("big5"))
    assert [c.text for c in read_subtitles(p)] == ["你好。", "法律有什麼用？"]


@pytest.mark.parametrize(
    "text", ["naïve café\n", "The café was closed.\n", "Señor, ¿qué tal? Déjà vu.\n", "Straße über alles\n"]
)
@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_short_latin1_english_stays_western(tmp_path, text, codec):
    p = _write(tmp_path, "a.txt", text.encode(codec))
    decoded, enc = read_text(p)
    assert decoded == text
    assert enc in ("cp1252", "iso8859-1")


def test_cp1252_smart_quotes(tmp_path):
    text = "“Hello,” she said – naïve…\n"
    p = _write(tmp_path, "a.txt", text.encode("cp1252"))
    assert read_text(p) == (text, "cp1252")


def test_longer_latin1_english_is_not_read_as_a_baltic_codec(tmp_path):
    # charset-normalizer alone calls this cp1257 (é → ē).
    text = EN.replace("overtime", "café overtime").replace("labour", "naïve labour") * 3
    p = _write(tmp_path, "a.txt", text.encode("latin-1"))
    assert read_text(p) == (text, "cp1252")


@pytest.mark.parametrize(
    ("text", "codec"),
    [("Привет, как дела? Это короткий текст.\n", "cp1251"), ("Zażółć gęślą jaźń. Łódź jest duża.\n", "cp1250")],
)
def test_other_single_byte_codecs_are_left_to_the_detector(tmp_path, text, codec):
    # Not Western-looking under cp1252 (all-accented words, ¹/³ for ą/ł): not taken as cp1252.
    p = _write(tmp_path, "a.txt", text.encode(codec))
    assert read_text(p) == (text, codec)


def test_crlf_and_cr_become_lf(tmp_path):
    original = "Line one.\nLine two.\n\nA new paragraph.\n"
    p = _write(tmp_path, "crlf.txt", original.replace("\n", "\r\n").encode("utf-8"))
    q = _write(tmp_path, "cr.txt", original.replace("\n", "\r").encode("utf-16"))
    assert read_text(p)[0] == original
    assert read_text(q)[0] == original


def test_text_kept_exactly(tmp_path):
    original = "  Indented line\twith tab.\u3000Ideographic space.\n\n\n  Trailing spaces   \n"
    p = _write(tmp_path, "a.txt", original.encode("utf-8"))
    assert read_text(p)[0] == original


def test_encoding_override(tmp_path):
    p = _write(tmp_path, "a.txt", "naïve café".encode("latin-1"))
    assert read_text(p, encoding="latin-1") == ("naïve café", "iso8859-1")
    q = _write(tmp_path, "b.txt", codecs.BOM_UTF8 + b"hello there")
    assert read_text(q, encoding="utf-8")[0] == "hello there"


def test_unknown_codec_override(tmp_path):
    p = _write(tmp_path, "a.txt", b"hello")
    with pytest.raises(SubalignError, match=r"a\.txt.*unknown encoding 'klingon-8'"):
        read_text(p, encoding="klingon-8")
    with pytest.raises(SubalignError, match="unknown encoding 'base64'"):
        read_text(p, encoding="base64")


def test_undecodable_with_given_encoding_names_offset(tmp_path):
    p = _write(tmp_path, "a.txt", b"good text \xff\xfe more")
    with pytest.raises(SubalignError, match=r"a\.txt: cannot decode as utf-8.*byte offset 10"):
        read_text(p, encoding="utf-8")


def test_missing_file(tmp_path):
    with pytest.raises(SubalignError, match=r"nope\.txt: no such file"):
        read_text(tmp_path / "nope.txt")


def test_directory(tmp_path):
    with pytest.raises(SubalignError, match="is a directory"):
        read_text(tmp_path)


def test_unreadable(tmp_path, monkeypatch):
    p = _write(tmp_path, "secret.txt", b"hello")

    def deny(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(SubalignError, match=r"secret\.txt: permission denied"):
        read_text(p)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_real_permissions(tmp_path):
    p = _write(tmp_path, "secret.txt", b"hello")
    p.chmod(0)
    try:
        with pytest.raises(SubalignError, match="permission denied"):
            read_text(p)
    finally:
        p.chmod(0o644)


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t ", "\u3000\n".encode("utf-8"), "\ufeff  \n".encode("utf-16")])
def test_empty_or_whitespace(tmp_path, data):
    p = _write(tmp_path, "empty.txt", data)
    with pytest.raises(SubalignError, match=r"empty\.txt: the file is empty"):
        read_text(p)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        bytes(range(256)) * 4,
        b"text\x01\x02\x03\x04\x05\x06\x07\x08 more",
    ],
)
def test_binary(tmp_path, data):
    p = _write(tmp_path, "blob.bin", data)
    with pytest.raises(SubalignError, match=r"blob\.bin: looks like a binary file"):
        read_text(p)


def test_error_messages_are_one_line(tmp_path):
    p = _write(tmp_path, "blob.bin", bytes(range(256)))
    with pytest.raises(SubalignError) as e:
        read_text(p)
    assert "\n" not in str(e.value)


# --- atomic_write --------------------------------------------------------------------


def _leftovers(directory: Path) -> list[str]:
    return sorted(x.name for x in directory.iterdir() if x.name.endswith(".tmp"))


def test_atomic_write_text_creates_parents_and_uses_lf(tmp_path):
    out = tmp_path / "new" / "dir" / "out.txt"
    atomic_write(out, "第一行\r\nsecond line\rthird\n")
    assert out.read_bytes() == "第一行\nsecond line\nthird\n".encode("utf-8")
    assert _leftovers(out.parent) == []


def test_atomic_write_bytes_and_overwrite(tmp_path):
    out = tmp_path / "out.bin"
    out.write_bytes(b"old")
    out.chmod(0o640)
    atomic_write(out, b"new\r\n")
    assert out.read_bytes() == b"new\r\n"
    assert out.stat().st_mode & 0o777 == 0o640
    assert _leftovers(tmp_path) == []


def test_atomic_write_refuses_input(tmp_path):
    src = _write(tmp_path, "review.txt", b"original")
    with pytest.raises(SubalignError, match="refusing to overwrite the input"):
        atomic_write(src, "clobbered", inputs=[tmp_path / "other.txt", src])
    # Through a different spelling of the same path, a symlink and a hard link.
    with pytest.raises(SubalignError):
        atomic_write(tmp_path / "sub" / ".." / "review.txt", "x", inputs=[str(src)])
    link = tmp_path / "link.txt"
    link.symlink_to(src)
    with pytest.raises(SubalignError):
        atomic_write(link, "x", inputs=[src])
    hard = tmp_path / "hard.txt"
    os.link(src, hard)
    with pytest.raises(SubalignError):
        atomic_write(hard, "x", inputs=[src])
    assert src.read_bytes() == b"original"
    assert _leftovers(tmp_path) == []


def test_atomic_write_failure_leaves_no_temp(tmp_path, monkeypatch):
    out = tmp_path / "out.txt"
    out.write_text("keep me")

    def boom(a, b):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(textio.os, "replace", boom)
    with pytest.raises(SubalignError, match=r"out\.txt: cannot write \(No space left on device\)"):
        atomic_write(out, "new content")
    assert out.read_text() == "keep me"
    assert _leftovers(tmp_path) == []


def test_atomic_write_to_directory(tmp_path):
    with pytest.raises(SubalignError, match="is a directory"):
        atomic_write(tmp_path, "x")


def test_undecodable_guess_names_offset(tmp_path):
    good = "这部电影讲述了三名工厂工人度过的一个冬天。他们的加班费没有发。".encode("utf-8")
    p = _write(tmp_path, "broken.txt", good[:10] + good[11:])  # a truncated UTF-8 sequence
    with pytest.raises(SubalignError, match=r"broken\.txt: cannot detect the encoding.*byte offset 9"):
        read_text(p)
