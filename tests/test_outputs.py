"""Writing outputs: regular files replaced atomically, devices and pipes written through,
sockets and block devices refused, symlinks kept, write errors one line with the old file
intact, and every command proving its outputs writable before any work.

Real files, FIFOs, sockets and device nodes throughout; no mocks except to stand in for
a model that must not be loaded, and for EIO, which no file system gives on demand.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cli_helpers import run
from subalign.text import textio as textio
from subalign.text.textio import atomic_write, check_output, check_output_dir, check_outputs, writes_through
from subalign.types import SubalignError

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SHORT_EN = "The factory employed two thousand workers. The owner moved the plant to Cambodia.\n"
SHORT_ZH = "这家工厂雇用了两千名工人。老板把工厂搬到了柬埔寨。\n"


def _leftovers(*dirs: Path) -> list[str]:
    return sorted(p.name for d in dirs for p in d.iterdir() if p.name.endswith(".tmp"))


def _mknod(path: Path, kind: int, device: int) -> None:
    try:
        os.mknod(path, kind | 0o666, device)
    except PermissionError:
        pytest.skip("mknod is not permitted here")


@pytest.fixture
def null_device(tmp_path) -> Path:
    """A character device of our own with /dev/null's numbers (1, 3)."""
    dev = tmp_path / "nulldev"
    _mknod(dev, stat.S_IFCHR, os.makedev(1, 3))
    return dev


def one_error_line(code: int, err: str) -> str:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("subalign: error: "), err
    return lines[0]


# --------------------------------------------------------------------------- kinds of targets


def test_regular_file_is_replaced_atomically_keeping_its_mode(tmp_path):
    out = tmp_path / "out.tsv"
    out.write_text("old")
    out.chmod(0o640)
    inode = out.stat().st_ino
    atomic_write(out, "new\n")
    assert out.read_text() == "new\n"
    assert out.stat().st_mode & 0o777 == 0o640
    assert out.stat().st_ino != inode  # a new file renamed over the old one, not rewritten in place
    assert _leftovers(tmp_path) == []


def test_character_device_is_written_through_never_replaced(null_device):
    check_output(null_device)
    assert writes_through(null_device)
    atomic_write(null_device, "discarded\n")
    assert stat.S_ISCHR(null_device.stat().st_mode)
    assert null_device.stat().st_rdev == os.makedev(1, 3)
    assert _leftovers(null_device.parent) == []


def test_fifo_is_written_through_to_its_reader(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    atomic_write(fifo, "第一行\r\nsecond\n")
    reader.join(timeout=10)
    assert received == ["第一行\nsecond\n".encode("utf-8")]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_socket_is_refused(tmp_path):
    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        for call in (lambda: check_output(path), lambda: atomic_write(path, "x")):
            with pytest.raises(SubalignError, match="is a socket"):
                call()
        assert stat.S_ISSOCK(path.stat().st_mode)


def test_block_device_is_refused(tmp_path):
    dev = tmp_path / "disk"
    _mknod(dev, stat.S_IFBLK, os.makedev(7, 0))
    with pytest.raises(SubalignError, match="is a block device"):
        check_output(dev)
    with pytest.raises(SubalignError, match="is a block device"):
        atomic_write(dev, "x")
    assert stat.S_ISBLK(dev.stat().st_mode)


def test_directory_is_refused(tmp_path):
    with pytest.raises(SubalignError, match="is a directory"):
        check_output(tmp_path)


def test_symlink_target_is_replaced_and_the_link_kept(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "real.tsv"
    target.write_text("old")
    here = tmp_path / "here"
    here.mkdir()
    link = here / "out.tsv"
    link.symlink_to(target)
    check_output(link)
    atomic_write(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new"
    assert _leftovers(here, elsewhere) == []


def test_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "out.tsv"
    link.symlink_to(tmp_path / "made" / "there.tsv")
    check_output(link)
    atomic_write(link, "x")
    assert link.is_symlink() and (tmp_path / "made" / "there.tsv").read_text() == "x"


def test_symlink_loop_is_one_error(tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with pytest.raises(SubalignError, match="symbolic links"):
        check_output(loop)


# --------------------------------------------------------------------------- write errors


def test_dev_full_is_an_error():
    check_output("/dev/full")  # it can be opened; the disk is "full" only when written
    with pytest.raises(SubalignError, match=r"^/dev/full: cannot write \(No space left on device\)$"):
        atomic_write("/dev/full", "x")


def test_file_too_large_leaves_the_old_file(tmp_path):
    """A real write error on a regular file: RLIMIT_FSIZE makes write() fail with EFBIG."""
    out = tmp_path / "out.txt"
    out.write_text("keep me")
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "from subalign.text.textio import atomic_write\n"
        "from subalign.types import SubalignError\n"
        "try:\n"
        "    atomic_write(sys.argv[1], 'x' * 100_000)\n"
        "except SubalignError as e:\n"
        "    print(e)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(out)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"{out}: cannot write (File too large)"
    assert out.read_text() == "keep me"
    assert _leftovers(tmp_path) == []


def test_eio_on_fsync_leaves_the_old_file(tmp_path, monkeypatch):
    out = tmp_path / "out.txt"
    out.write_text("keep me")

    def eio(fd):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(textio.os, "fsync", eio)
    with pytest.raises(SubalignError, match=r"cannot write \(Input/output error\)"):
        atomic_write(out, "new")
    assert out.read_text() == "keep me"
    assert _leftovers(tmp_path) == []


def test_dev_stdout_keeps_the_shells_append_redirection(tmp_path):
    """/dev/stdout is the open descriptor: ``>> log`` appends, nothing is replaced."""
    log = tmp_path / "log.txt"
    log.write_text("before\n")
    code = "from subalign.text.textio import atomic_write\natomic_write('/dev/stdout', 'after\\n')\n"
    with open(log, "a") as fh:
        proc = subprocess.run([sys.executable, "-c", code], stdout=fh, stderr=subprocess.PIPE, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert log.read_text() == "before\nafter\n"
    assert _leftovers(tmp_path) == []


# --------------------------------------------------------------------------- checks before any work


def test_check_output_refuses_inputs_through_links(tmp_path):
    src = tmp_path / "review.txt"
    src.write_text("original")
    sym = tmp_path / "sym.txt"
    sym.symlink_to(src)
    hard = tmp_path / "hard.txt"
    os.link(src, hard)
    for out in (src, sym, hard, tmp_path / "x" / ".." / "review.txt"):
        with pytest.raises(SubalignError, match="refusing to overwrite the input"):
            check_output(out, [src])
    assert src.read_text() == "original"


def test_check_output_creates_nothing(tmp_path):
    out = tmp_path / "new" / "deeper" / "out.tsv"
    check_output(out)
    assert list(tmp_path.iterdir()) == []


def test_check_output_parent_is_a_file(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(SubalignError, match="not a directory"):
        check_output(tmp_path / "file" / "out.tsv")


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs Linux /proc")
def test_check_output_probes_the_directory_even_as_root():
    """os.access says yes to root everywhere; creating a file in /proc fails for everyone."""
    with pytest.raises(SubalignError, match=r"cannot write in /proc"):
        check_output("/proc/subalign-test/out.tsv")
    with pytest.raises(SubalignError, match=r"cannot write in /proc"):
        check_output_dir("/proc/subalign-test")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in a read-only directory")
def test_check_output_unwritable_directory(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(SubalignError, match="cannot write in"):
            check_output(ro / "out.tsv")
    finally:
        ro.chmod(0o755)


def test_two_outputs_naming_one_file(tmp_path):
    real = tmp_path / "a.tsv"
    link = tmp_path / "b.tsv"
    link.symlink_to(real)
    for pair in ([real, tmp_path / "." / "a.tsv"], [real, link]):
        with pytest.raises(SubalignError, match="name the same file"):
            check_outputs(pair)
    check_outputs([tmp_path / "a.tsv", tmp_path / "c.tsv", "/dev/null", "/dev/null"])


def test_check_output_dir(tmp_path):
    check_output_dir(tmp_path / "new" / "models")
    (tmp_path / "file").write_text("x")
    with pytest.raises(SubalignError, match="not a directory"):
        check_output_dir(tmp_path / "file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


# --------------------------------------------------------------------------- the commands


@pytest.fixture
def texts(tmp_path):
    en, zh = tmp_path / "en.txt", tmp_path / "zh.txt"
    en.write_text(SHORT_EN, encoding="utf-8")
    zh.write_text(SHORT_ZH, encoding="utf-8")
    shutil.copy(SAMPLES / "film.zh.srt", tmp_path / "film.zh.srt")
    shutil.copy(SAMPLES / "dual" / "film.en.srt", tmp_path / "film.en.srt")
    shutil.copy(SAMPLES / "review.en.txt", tmp_path / "review.en.txt")
    return tmp_path


@pytest.fixture
def no_model(monkeypatch):
    """Any model load fails the test: the output checks must come first."""
    import subalign.api
    import subalign.encoders

    def refuse(*args, **kwargs):
        raise AssertionError("the model was loaded before the outputs were checked")

    monkeypatch.setattr(subalign.encoders, "load_encoder", refuse)
    monkeypatch.setattr(subalign.api, "get_encoder", refuse)


def _commands(d: Path, out: str, *extra: str) -> list[list[str]]:
    return [
        ["align", d / "en.txt", d / "zh.txt", "-o", out, *extra],
        ["quotes", d / "review.en.txt", d / "film.zh.srt", "-o", out, *extra],
        ["dual", d / "film.zh.srt", d / "film.en.srt", "-o", out, *extra],
        ["retime", d / "zh.txt", d / "film.en.srt", "-o", out, *extra],
    ]


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs Linux /proc")
def test_every_command_checks_its_output_before_any_work(capsys, texts, no_model):
    for args in _commands(texts, "/proc/subalign-test/out.json"):
        line = one_error_line(*run(capsys, *args)[::2])
        assert "cannot write in /proc" in line, args


def test_every_command_checks_its_report_before_any_work(capsys, texts, no_model):
    (texts / "taken.json").mkdir()
    for cmd in ("dual", "retime"):
        args = _commands(texts, str(texts / "out.srt"), "--report", str(texts / "taken.json"))[2 if cmd == "dual" else 3]
        line = one_error_line(*run(capsys, *args)[::2])
        assert "taken.json: is a directory" in line
    assert not (texts / "out.srt").exists()


def test_output_and_report_naming_one_file(capsys, texts, no_model):
    same = texts / "x.json"
    for args in (
        ["retime", texts / "zh.txt", texts / "film.en.srt", "-o", same, "--report", same],
        ["dual", texts / "film.zh.srt", texts / "film.en.srt", "-o", same, "--report", texts / "." / "x.json"],
        ["align", texts / "en.txt", texts / "zh.txt", "-o", same, "-o", same],
    ):
        line = one_error_line(*run(capsys, *args)[::2])
        assert "name the same file" in line, args
    assert not same.exists()


def test_quotes_sidecar_is_checked_before_any_work(capsys, texts, no_model):
    (texts / "clips.json").mkdir()
    code, _, err = run(capsys, "quotes", texts / "review.en.txt", texts / "film.zh.srt", "-o", texts / "clips.srt")
    assert "clips.json: is a directory" in one_error_line(code, err)
    code, _, err = run(capsys, "quotes", texts / "review.en.txt", texts / "film.zh.srt", "-o", "/dev/null", "--format", "srt")
    assert "sidecar" in one_error_line(code, err)


def test_socket_output_is_refused_by_the_cli(capsys, texts, no_model):
    path = texts / "sock"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        line = one_error_line(*run(capsys, "align", texts / "en.txt", texts / "zh.txt", "-o", path)[::2])
    assert "is a socket" in line and stat.S_ISSOCK(path.stat().st_mode)


def test_align_to_a_device_writes_through(capsys, texts, null_device):
    code, out, err = run(capsys, "align", texts / "en.txt", texts / "zh.txt", "-o", null_device)
    assert code == 0, err
    assert stat.S_ISCHR(null_device.stat().st_mode) and out == ""


def test_align_to_dev_full_is_exit_2(capsys, texts):
    code, _, err = run(capsys, "align", texts / "en.txt", texts / "zh.txt", "-o", "/dev/full")
    assert "/dev/full: cannot write (No space left on device)" in one_error_line(code, err)


def test_models_build_into_an_impossible_folder(capsys, tmp_path):
    (tmp_path / "file").write_text("x")
    code, _, err = run(capsys, "models", "build", "use-m3", "--dest", tmp_path / "file")
    assert "not a directory" in one_error_line(code, err)
    if Path("/proc/self").exists():
        code, _, err = run(capsys, "models", "build", "use-m3", "--dest", "/proc/x")
        assert "cannot write in /proc" in one_error_line(code, err)


def test_stdout_on_a_full_disk_is_one_line(tmp_path):
    gold = SAMPLES / "review.gold.align"
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "subalign.cli", "eval", str(gold), str(gold)],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=120, cwd=tmp_path,
        )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == "subalign: error: stdout: cannot write (No space left on device)"
