"""Reading and writing text files.

:func:`read_text` decodes a file the way a person would expect (BOMs, UTF-8,
UTF-16/32 without BOM, legacy Chinese encodings) and normalises CRLF/CR line
ends to LF.  Every :class:`~subalign.types.Anchor` offset in subalign is an offset
into this *LF-normalised* text, not into the raw bytes of the file.

:func:`atomic_write` writes outputs so that a crash never leaves a half-written
file behind and an output can never overwrite one of the inputs.
"""

from __future__ import annotations

import codecs
import os
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from .types import SubalignError

PathLike = str | os.PathLike

# Ordered longest first: the UTF-32 LE BOM starts with the UTF-16 LE BOM.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# GB2312 and GBK are subsets of GB18030; decoding with the superset never loses a
# character that a guessed subset would have decoded, and rescues the rest.
_GB_FAMILY = {"gb2312", "gbk", "gb18030"}  # canonical codec names (cp936 → gbk, euc_cn → gb2312)
# Plain Big5 first; its vendor supersets only if plain Big5 cannot decode the bytes.
_BIG5_FAMILY = ("big5", "cp950", "big5hkscs")

# C0 controls that real text files do contain.
_TEXT_CONTROLS = set("\t\n\r\f\v\x1b")
# Above this share of other control characters a "text" file is taken as binary.
_MAX_CONTROL_RATIO = 0.01


def read_text(path: PathLike, encoding: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)`` for *path*, with LF line ends and no BOM.

    *encoding* overrides detection.  Every failure is a one-line
    :class:`SubalignError` naming the file.
    """
    name = str(path)
    data = _read_bytes(Path(path), name)
    if not data.strip(b" \t\r\n\f\v"):
        raise SubalignError(f"{name}: the file is empty")
    if encoding is not None:
        enc = _canonical_codec(encoding, name)
        text = _decode(data, enc, name)
    else:
        text, enc = _detect_and_decode(data, name)
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SubalignError(f"{name}: the file is empty (only whitespace)")
    _reject_binary_text(text, name)
    return text, enc


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        if path.is_dir():
            raise IsADirectoryError
        return path.read_bytes()
    except FileNotFoundError:
        raise SubalignError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise SubalignError(f"{name}: is a directory, not a text file") from None
    except PermissionError:
        raise SubalignError(f"{name}: permission denied (cannot read the file)") from None
    except OSError as e:
        raise SubalignError(f"{name}: cannot read the file ({e.strerror or e})") from None


def _canonical_codec(encoding: str, name: str) -> str:
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        info = None
    # bytes.decode() refuses bytes-to-bytes codecs such as "base64" or "zlib".
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise SubalignError(f"{name}: unknown encoding {encoding!r}")
    return info.name


def _decode(data: bytes, enc: str, name: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as e:
        raise SubalignError(
            f"{name}: cannot decode as {enc}: invalid byte 0x{data[e.start]:02x} at byte offset {e.start}"
        ) from None


def _detect_and_decode(data: bytes, name: str) -> tuple[str, str]:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _decode(data[len(bom):], enc, name), enc
    if b"\x00" in data:
        # NUL bytes are valid UTF-8 but never occur in text: BOM-less UTF-16/32 or binary.
        for wide in _guess_utf16_32(data):
            try:
                text = data.decode(wide)
            except UnicodeDecodeError:
                continue
            if _plausible_text(text):
                return text, wide
        raise SubalignError(f"{name}: looks like a binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        utf8_error = e
    from charset_normalizer import from_bytes

    guess = None
    for match in from_bytes(data):  # best first
        enc = codecs.lookup(match.encoding).name
        # Random bytes often "decode" as UTF-16: take such a guess only if it reads as text.
        if not enc.startswith("utf-") or _plausible_text(str(match)):
            guess = enc
            break
    if guess is None:
        off = utf8_error.start
        raise SubalignError(
            f"{name}: cannot detect the encoding (not UTF-8: invalid byte 0x{data[off]:02x} "
            f"at byte offset {off}); pass the encoding explicitly"
        )
    if guess in _GB_FAMILY:
        return _decode(data, "gb18030", name), "gb18030"
    if guess in _BIG5_FAMILY:
        return _decode_big5(data, name)
    return _decode(data, guess, name), guess


def _decode_big5(data: bytes, name: str) -> tuple[str, str]:
    first_error: SubalignError | None = None
    for enc in _BIG5_FAMILY:
        try:
            return _decode(data, enc, name), enc
        except SubalignError as e:
            first_error = first_error or e
    assert first_error is not None
    raise first_error


def _guess_utf16_32(data: bytes) -> list[str]:
    """Candidate BOM-less UTF-16/32 codecs, judged by where the NUL bytes fall.

    ASCII characters (letters, spaces, line breaks) in UTF-16LE put their NUL in
    odd positions (mirrored for BE); only the few CJK characters U+xx00 put one
    in the other.  UTF-32 has at least two NULs in every four bytes.  A candidate
    is only accepted if it decodes strictly to plausible text (see
    :func:`_plausible_text`), which rejects binary data.
    """
    n = len(data)
    out: list[str] = []
    if n % 4 == 0:
        le = be = 0
        for i in range(0, n, 4):
            le += data[i + 2] == 0 and data[i + 3] == 0
            be += data[i] == 0 and data[i + 1] == 0
        if le == n // 4:
            out.append("utf-32-le")
        elif be == n // 4:
            out.append("utf-32-be")
    if n % 2 == 0:
        even = data[0::2].count(0)
        odd = data[1::2].count(0)
        if odd > even:
            out.append("utf-16-le")
        elif even > odd:
            out.append("utf-16-be")
    return out


def _plausible_text(text: str) -> bool:
    """Is a BOM-less UTF-16/32 decoding really text?

    Real text has whitespace (spaces or line breaks: the very characters that
    gave us the NUL bytes), no C0/C1 controls besides whitespace, and next to
    no unassigned or private-use code points; random binary data fails this.
    """
    if not any(ch in " \n\t\u3000" for ch in text):
        return False
    if any((ch < " " and ch not in _TEXT_CONTROLS) or "\x7f" <= ch < "\xa0" for ch in text):
        return False
    odd = sum(1 for ch in text if unicodedata.category(ch) in ("Cn", "Co", "Cs"))
    return odd <= _MAX_CONTROL_RATIO * len(text)


def _reject_binary_text(text: str, name: str) -> None:
    if "\x00" in text:
        raise SubalignError(f"{name}: looks like a binary file (contains NUL characters), not text")
    controls = sum(
        1 for ch in text if (ch < " " or "\x7f" <= ch < "\xa0") and ch not in _TEXT_CONTROLS
    )
    if controls and controls > _MAX_CONTROL_RATIO * len(text):
        raise SubalignError(
            f"{name}: looks like a binary file ({controls} control characters), not text"
        )


def atomic_write(path: PathLike, data: str | bytes, *, inputs: Iterable[PathLike] = ()) -> None:
    """Write *data* to *path* via a temporary file in the same directory and ``os.replace``.

    Text is written as UTF-8 with LF line ends (CRLF/CR are converted).  Refuses
    to write over any of *inputs* (same file after resolving symlinks, or a hard
    link to it), so a mistyped output name can never destroy a source text.
    """
    target = Path(path)
    name = str(path)
    check_output(target, inputs)
    if isinstance(data, str):
        payload = data.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    else:
        payload = bytes(data)
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SubalignError(f"{name}: cannot create directory {parent} ({e.strerror or e})") from None
    mode = _target_mode(target)
    try:
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as e:
        raise SubalignError(f"{name}: cannot write ({e.strerror or e})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise SubalignError(f"{name}: cannot write ({e.strerror or e})") from None
        raise


def check_output(path: PathLike, inputs: Iterable[PathLike] = ()) -> None:
    """Fail early (before any long computation) if *path* cannot be an output."""
    target = Path(path)
    for inp in inputs:
        if _same_file(target, Path(inp)):
            raise SubalignError(f"{path}: refusing to overwrite the input file {inp}")
    if target.is_dir():
        raise SubalignError(f"{path}: is a directory, cannot write the output there")


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _target_mode(target: Path) -> int:
    """Keep an existing file's mode; a new file gets 0o666 minus the umask (mkstemp uses 0o600)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
