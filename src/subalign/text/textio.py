"""Reading and writing text files.

:func:`read_text` decodes a file the way a person would expect (BOMs, UTF-8,
UTF-16/32 without BOM, legacy Chinese encodings) and normalises CRLF/CR line
ends to LF.  Every :class:`~subalign.types.Anchor` offset in subalign is an offset
into this *LF-normalised* text, not into the raw bytes of the file.

:func:`check_outputs` proves before any work that every output can be written;
:func:`atomic_write` writes one so that a crash or a full disk never leaves a
half-written file behind, an output never overwrites one of the inputs, and a
device or pipe named as the output is written to, never replaced.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import stat
import sys
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from subalign.errors import SubalignError
from subalign.text.encoding import (
    BIG5_FAMILY,
    MAX_CONTROL_RATIO,
    TEXT_CONTROLS,
    detect_legacy,
    plausible_text,
)

PathLike = str | os.PathLike

# Ordered longest first: the UTF-32 LE BOM starts with the UTF-16 LE BOM.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

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
            if plausible_text(text):
                return text, wide
        raise SubalignError(f"{name}: looks like a binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        utf8_error = e
    guess = detect_legacy(data)
    if guess is None:
        off = utf8_error.start
        raise SubalignError(
            f"{name}: cannot detect the encoding (not UTF-8: invalid byte 0x{data[off]:02x} "
            f"at byte offset {off}); pass the encoding explicitly"
        )
    if guess in BIG5_FAMILY:
        return _decode_big5(data, name)
    return _decode(data, guess, name), guess


def _decode_big5(data: bytes, name: str) -> tuple[str, str]:
    first_error: SubalignError | None = None
    for enc in BIG5_FAMILY:
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
    :func:`plausible_text`), which rejects binary data.
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


def _reject_binary_text(text: str, name: str) -> None:
    if "\x00" in text:
        raise SubalignError(f"{name}: looks like a binary file (contains NUL characters), not text")
    controls = sum(
        1 for ch in text if (ch < " " or "\x7f" <= ch < "\xa0") and ch not in TEXT_CONTROLS
    )
    if controls and controls > MAX_CONTROL_RATIO * len(text):
        raise SubalignError(
            f"{name}: looks like a binary file ({controls} control characters), not text"
        )


def allow_csv_fields(size: int) -> None:
    """Let :mod:`csv` read fields of *size* characters (its process-wide default is 128 KB).

    Our own TSV/CSV outputs (glossary contexts, manifests) can hold longer fields; the
    text is in memory already, so a limit of its length costs nothing.  Raised, never
    lowered back: another thread may be reading a big file at the same time.
    """
    if csv.field_size_limit() <= size:
        csv.field_size_limit(size + 1)


# --------------------------------------------------------------------------- writing outputs
#
# What happens to an output path depends on what is already there (symlinks followed):
# - nothing, or a regular file: the bytes go to a temporary file in the final
#   target's directory, which is then renamed over the target.  A crash or a full
#   disk never leaves a half-written file, and a symlink stays a symlink.
# - a character device (/dev/null, a terminal, /dev/full) or a FIFO (a named pipe,
#   a shell's >(...)): written through in place.  That is what naming one means, and
#   replacing the node with a file would break whatever uses it (run as root,
#   ``-o /dev/null`` would replace the system's /dev/null).
# - /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N: written to that open
#   descriptor, so the shell's redirection (``>>`` included) is honoured exactly.
# - a block device, a socket or a directory: refused.  Text written over a disk
#   destroys its file system, and a socket cannot be opened as a file.

_WRITE_THROUGH = (stat.S_IFCHR, stat.S_IFIFO)
_REFUSED = {stat.S_IFDIR: "a directory", stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}
_DESCRIPTOR_PATH = re.compile(r"/dev/std(?P<std>in|out|err)|/dev/fd/(?P<fd>\d+)|/proc/(?P<pid>self|\d+)/fd/(?P<pfd>\d+)")
_STD_FDS = {"in": 0, "out": 1, "err": 2}


def atomic_write(path: PathLike, data: str | bytes, *, inputs: Iterable[PathLike] = ()) -> None:
    """Write *data* to the output *path*, never over one of *inputs*.

    Text is written as UTF-8 with LF line ends (CRLF/CR are converted).  A new or
    regular file is replaced atomically (a symlink's final target, the link kept);
    a device, FIFO or open descriptor is written through in place (see above).
    Every failure, a full disk included, is a one-line :class:`SubalignError`,
    and an existing file is left as it was.
    """
    name = str(path)
    target = Path(path)
    _refuse_inputs(target, inputs, name)
    if isinstance(data, str):
        payload = data.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    else:
        payload = bytes(data)
    how, where = _plan(target, name)
    if how == "fd":
        _write_descriptor(where, payload, name)
    elif how == "through":
        _write_through(where, payload, name)
    else:
        _replace(where, payload, name)


def check_output(path: PathLike, inputs: Iterable[PathLike] = (), *, probed: set[str] | None = None) -> tuple[str, Any]:
    """Prove, before any long computation, that *path* can be written as an output.

    Not an input (also through symlinks and hard links), not a directory, block
    device or socket, and for a file its directory exists or can be created and is
    writable: checked by creating and removing a temporary file there, because
    ``os.access`` says yes to root on a read-only file system.  *probed* collects
    directories already probed, so many outputs in one directory cost one probe.
    Returns how the output will be written (:func:`_plan`).
    """
    name = str(path)
    target = Path(path)
    _refuse_inputs(target, inputs, name)
    how, where = _plan(target, name)
    if how == "fd":
        _check_descriptor(where, name)
    elif how == "through":
        if not os.access(where, os.W_OK):
            raise SubalignError(f"{name}: permission denied (cannot write)")
    else:
        _probe_directory(where.parent, name, probed)
    return how, where


def check_outputs(outputs: Iterable[PathLike | None], inputs: Iterable[PathLike] = ()) -> None:
    """:func:`check_output` for every output of one command; two naming the same file is an error too."""
    outs = [Path(o) for o in outputs if o is not None]
    inputs = list(inputs)
    probed: set[str] = set()
    seen: dict[object, Path] = {}
    for out in outs:
        how, where = check_output(out, inputs, probed=probed)
        if how != "replace":
            continue  # /dev/null twice, or a terminal twice, harms nothing
        key = _identity(where)
        if key in seen:
            raise SubalignError(f"{seen[key]} and {out} name the same file; give each output its own file")
        seen[key] = out


def check_output_dir(path: PathLike) -> None:
    """Prove that *path* is, or can be created as, a directory we can write in."""
    name = str(path)
    kind = _kind(Path(path), name)
    if kind is not None and kind != stat.S_IFDIR:
        raise SubalignError(f"{name}: exists and is not a directory")
    _probe_directory(Path(os.path.realpath(path)), name, None)


def writes_through(path: PathLike) -> bool:
    """True when *path* is written in place (a device, FIFO or open descriptor), not replaced."""
    try:
        return _plan(Path(path), str(path))[0] != "replace"
    except SubalignError:
        return False


def _plan(target: Path, name: str) -> tuple[str, Any]:
    """``("fd", n)``, ``("through", path)`` or ``("replace", final target)``, or refuse."""
    fd = _descriptor(target)
    if fd is not None:
        return "fd", fd
    kind = _kind(target, name)
    if kind in _REFUSED:
        raise SubalignError(f"{name}: is {_REFUSED[kind]}, cannot write the output there")
    if kind in _WRITE_THROUGH:
        return "through", target
    if kind not in (None, stat.S_IFREG):
        raise SubalignError(f"{name}: is not a regular file, cannot write the output there")
    return "replace", Path(os.path.realpath(target))


def _descriptor(target: Path) -> int | None:
    m = _DESCRIPTOR_PATH.fullmatch(os.path.abspath(target))
    if m is None:
        return None
    if m["std"]:
        return _STD_FDS[m["std"]]
    if m["fd"]:
        return int(m["fd"])
    if m["pid"] in ("self", str(os.getpid())):
        return int(m["pfd"])
    return None  # another process's descriptor: an ordinary path to us


def _kind(target: Path, name: str) -> int | None:
    """The file type *target* names (symlinks followed), or None if nothing is there yet."""
    try:
        return stat.S_IFMT(os.stat(target).st_mode)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise SubalignError(f"{name}: part of the path is a file, not a directory") from None
    except OSError as e:
        raise SubalignError(f"{name}: cannot use as an output ({e.strerror or e})") from None


def _refuse_inputs(target: Path, inputs: Iterable[PathLike], name: str) -> None:
    for inp in inputs:
        if _same_file(target, Path(inp)):
            raise SubalignError(f"{name}: refusing to overwrite the input file {inp}")


def _identity(where: Path) -> object:
    try:
        st = os.stat(where)
        return (st.st_dev, st.st_ino)
    except OSError:
        return os.path.normcase(str(where))


def _check_descriptor(fd: int, name: str) -> None:
    import fcntl  # lazy: POSIX only, like the /dev/fd paths that lead here

    try:
        mode = fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE
    except OSError:
        raise SubalignError(f"{name}: descriptor {fd} is not open") from None
    if mode not in (os.O_WRONLY, os.O_RDWR):
        raise SubalignError(f"{name}: descriptor {fd} is not open for writing")


def _probe_directory(directory: Path, name: str, probed: set[str] | None) -> None:
    """Create and remove a temporary file in *directory* (or its nearest existing ancestor)."""
    d = directory
    while not d.exists() and d != d.parent:
        d = d.parent
    if not d.is_dir():
        raise SubalignError(f"{name}: {d} is not a directory")
    key = str(d)
    if probed is not None and key in probed:
        return
    try:
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".subalign-probe.", suffix=".tmp")
        os.close(fd)
        os.unlink(tmp)
    except OSError as e:
        raise SubalignError(f"{name}: cannot write in {d} ({e.strerror or e})") from None
    if probed is not None:
        probed.add(key)


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view):]


def _write_descriptor(fd: int, payload: bytes, name: str) -> None:
    for stream in (sys.stdout, sys.stderr):  # keep what was printed before in order
        try:
            if stream is not None and stream.fileno() == fd:
                stream.flush()
        except (OSError, ValueError):
            pass
    try:
        _write_all(fd, payload)
    except OSError as e:
        raise SubalignError(f"{name}: cannot write ({e.strerror or e})") from None


def _write_through(target: Path, payload: bytes, name: str) -> None:
    try:
        fd = os.open(target, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            _write_all(fd, payload)
        finally:
            os.close(fd)
    except OSError as e:
        raise SubalignError(f"{name}: cannot write ({e.strerror or e})") from None


def _replace(real: Path, payload: bytes, name: str) -> None:
    """Temporary file beside the final target, fsync, rename over it; the old file is kept on any error."""
    parent = real.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SubalignError(f"{name}: cannot create directory {parent} ({e.strerror or e})") from None
    mode = _target_mode(real)
    try:
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{real.name}.", suffix=".tmp")
    except OSError as e:
        raise SubalignError(f"{name}: cannot write ({e.strerror or e})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, real)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise SubalignError(f"{name}: cannot write ({e.strerror or e})") from None
        raise


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
