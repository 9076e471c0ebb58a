from __future__ import annotations

import codecs
from datetime import timedelta
from pathlib import Path

import pysubs2
import pytest
import srt
from hypothesis import given, settings
from hypothesis import strategies as st

from subalign.subs.bilingual import cues_for_language, split_bilingual
from subalign.subs.cues import format_timestamp, parse_timestamp, plain_text
from subalign.subs.read import parse_subtitles, read_subtitles
from subalign.subs.repair import repair_srt
from subalign.subs.write import DUAL_STYLES, AssEvent, write_ass, write_srt, write_vtt
from subalign.types import Cue, SubalignError

# Self-written lines: a film about factory workers and a labour lawyer.
ZH = ["工厂的机器从来不停。", "我们已经三个月没拿到工资了。", "律师说这份合同是无效的。"]
EN = [
    "The machines in the factory never stop.",
    "We haven't been paid for three months.",
    "The lawyer says the contract is void.",
]
HANT = ["工廠的機器從來不停。", "我們已經三個月沒拿到工資了。", "律師說這份合同是無效的。"]

CLEAN = """1
00:00:01,000 --> 00:00:03,500
工厂的机器从来不停。
The machines in the factory never stop.

2
00:00:04,000 --> 00:00:06,250
我们已经三个月没拿到工资了。

3
00:01:02,500 --> 00:01:05,000
The lawyer says the contract is void.
"""
EXPECTED = [
    (1, 1000, 3500, f"{ZH[0]}\n{EN[0]}"),
    (2, 4000, 6250, ZH[1]),
    (3, 62500, 65000, EN[2]),
]


def srt_of(text: str) -> list[tuple[int, int, int, str]]:
    return [(c.number, c.start_ms, c.end_ms, c.text) for c in parse_subtitles(text, "srt", name="review.srt")]


def cue(text: str, number: int = 1, start: int = 0, end: int = 1000) -> Cue:
    return Cue(number, number - 1, start, end, text, plain_text(text))


# ----------------------------------------------------------------------------- timestamps


@pytest.mark.parametrize(
    ("raw", "ms"),
    [
        ("00:01:02,500", 62500),
        ("00:01:02.500", 62500),
        ("00：01：02，500", 62500),
        ("００：０１：０２，５００", 62500),
        ("00:01:02．500", 62500),
        ("00:01:02,5", 62500),
        ("00:01:02,05", 62050),
        ("00:01:02,50", 62500),
        ("01:02,500", 62500),
        ("1:02:03,004", 3723004),
        ("00:01:02", 62000),
        ("00:01:02:500", 62500),
        (" 123:00:00,001 ", 442800001),
    ],
)
def test_parse_timestamp_tolerant_forms(raw: str, ms: int) -> None:
    assert parse_timestamp(raw) == ms


@pytest.mark.parametrize(
    "raw", ["00:61:00,000", "00:00:60,000", "twelve", "-00:00:01,000", "1:2:3:4:5", "1:2:3:4,5"]
)
def test_parse_timestamp_rejects(raw: str) -> None:
    with pytest.raises(SubalignError, match="invalid timestamp"):
        parse_timestamp(raw)


def test_format_timestamp() -> None:
    assert format_timestamp(0) == "00:00:00,000"
    assert format_timestamp(62500) == "00:01:02,500"
    assert format_timestamp(99 * 3_600_000 + 59 * 60_000 + 59_999) == "99:59:59,999"
    assert format_timestamp(100 * 3_600_000) == "100:00:00,000"
    with pytest.raises(ValueError):
        format_timestamp(-1)


@given(st.integers(min_value=0, max_value=100 * 3_600_000 - 1))
def test_timestamp_round_trip(ms: int) -> None:
    assert parse_timestamp(format_timestamp(ms)) == ms


# ----------------------------------------------------------------------------- SRT repair


def test_clean_srt() -> None:
    cues = parse_subtitles(CLEAN, "srt")
    assert [(c.number, c.start_ms, c.end_ms, c.text) for c in cues] == EXPECTED
    assert [c.position for c in cues] == [0, 1, 2]
    assert cues[0].plain == f"{ZH[0]} {EN[0]}"


def test_missing_blank_lines_between_cues() -> None:
    assert srt_of(CLEAN.replace("\n\n", "\n")) == EXPECTED


@pytest.mark.parametrize("blanks", ["\n\n\n", "\n\n\n\n", "\n \n\t\n"])
def test_doubled_and_tripled_blank_lines(blanks: str) -> None:
    assert srt_of("\n\n" + CLEAN.replace("\n\n", blanks) + "\n\n\n") == EXPECTED


def test_blank_lines_inside_cue_text() -> None:
    damaged = CLEAN.replace(f"{ZH[0]}\n", f"{ZH[0]}\n\n\n").replace("2\n00:00:04", "2\n00:00:04")
    assert srt_of(damaged) == EXPECTED


def test_missing_numbers_are_assigned() -> None:
    damaged = "\n".join(line for line in CLEAN.split("\n") if line not in ("1", "2", "3"))
    assert srt_of(damaged) == EXPECTED


@pytest.mark.parametrize("bad", ["x2", "2a", "#2", "２.", "二"])
def test_bad_numbers_get_the_next_number(bad: str) -> None:
    assert srt_of(CLEAN.replace("\n2\n", f"\n{bad}\n")) == EXPECTED


def test_numbers_kept_as_written() -> None:
    damaged = CLEAN.replace("1\n00:00:01", "7\n00:00:01").replace("\n2\n", "\n12\n").replace("\n3\n", "\nlost\n")
    assert [n for n, *_ in srt_of(damaged)] == [7, 12, 13]


def test_full_width_number_is_an_integer() -> None:
    assert [n for n, *_ in srt_of(CLEAN.replace("\n2\n", "\n４２\n"))] == [1, 42, 3]


def test_number_separated_from_timing_by_blank_line() -> None:
    assert srt_of(CLEAN.replace("\n2\n", "\n2\n\n")) == EXPECTED


@pytest.mark.parametrize(
    ("timing", "start", "end"),
    [
        ("00：00：04，000 --> 00：00：06，250", 4000, 6250),
        ("00:00:04．000 --> 00:00:06．250", 4000, 6250),
        ("00:00:04.000 --> 00:00:06.250", 4000, 6250),
        ("00:00:04,0 --> 00:00:06,25", 4000, 6250),
        ("00:00:04,5 --> 00:00:06,05", 4500, 6050),
        ("00:04,000 --> 00:06,250", 4000, 6250),
        ("  00:00:04,000-->00:00:06,250  ", 4000, 6250),
        ("00:00:04,000   -->   00:00:06,250", 4000, 6250),
        ("00:00:04,000 -> 00:00:06,250", 4000, 6250),
        ("00:00:04,000 --> 00:00:06,250 X1:100 X2:600 Y1:20 Y2:80", 4000, 6250),
        ("００：００：０４，０００　－－＞　００：００：０６，２５０", 4000, 6250),
    ],
)
def test_damaged_timing_lines(timing: str, start: int, end: int) -> None:
    damaged = CLEAN.replace("00:00:04,000 --> 00:00:06,250", timing)
    got = srt_of(damaged)
    assert got[1] == (2, start, end, ZH[1])
    assert got[0] == EXPECTED[0] and got[2] == EXPECTED[2]


def test_bom_crlf_and_trailing_garbage() -> None:
    damaged = "\ufeff" + CLEAN + "\n\nSubtitles ripped by somebody\nwww.example.invalid\n4\n"
    assert srt_of(damaged.replace("\n", "\r\n")) == EXPECTED


def test_empty_and_tag_only_cues_are_skipped() -> None:
    damaged = CLEAN.replace("\n2\n", "\n2\n00:00:03,600 --> 00:00:03,900\n\n2b\n", 1)
    damaged += "\n4\n00:02:00,000 --> 00:02:01,000\n<i></i>\n\n5\n00:02:02,000 --> 00:02:03,000\n再见。\n"
    cues = parse_subtitles(damaged, "srt")
    assert [(c.number, c.text) for c in cues] == [(1, EXPECTED[0][3]), (3, ZH[1]), (3, EN[2]), (5, "再见。")]
    assert [c.position for c in cues] == [0, 1, 2, 3]


def test_markup_kept_in_text_stripped_in_plain() -> None:
    text = '1\n00:00:01,000 --> 00:00:02,000\n{\\an8}<i>律师</i> <font color="#ffff00">来了</font>\n<b>ＯＫ，２０１９年！</b> &amp; more\n'
    (c,) = parse_subtitles(text, "srt")
    assert c.text == '{\\an8}<i>律师</i> <font color="#ffff00">来了</font>\n<b>ＯＫ，２０１９年！</b> &amp; more'
    assert c.plain == "律师 来了 OK，2019年！ & more"


def test_cue_text_that_fools_srt_regex_is_kept() -> None:
    # srt.parse alone would take "3" + "2019.3.8" for the next cue's index and timestamp.
    text = "1\n00:00:01,000 --> 00:00:02,000\n宿舍\n3\n2019.3.8\n\n2\n00:00:03,000 --> 00:00:04,000\n罢工\n"
    assert srt_of(text) == [(1, 1000, 2000, "宿舍\n3\n2019.3.8"), (2, 3000, 4000, "罢工")]


def test_dos_eof_mark_ignored() -> None:
    assert srt_of(CLEAN + "\x1a") == EXPECTED


def test_repair_srt_gives_canonical_text_that_srt_parses() -> None:
    damaged = CLEAN.replace("\n\n", "\n\n\n").replace(",", ".").replace("\n2\n", "\n")
    fixed = repair_srt(damaged)
    parsed = list(srt.parse(fixed))
    assert [(s.index, s.start // timedelta(milliseconds=1), s.content) for s in parsed] == [
        (n, start, text) for n, start, _, text in EXPECTED
    ]


# ----------------------------------------------------------------------------- SRT errors


def _error(text: str) -> str:
    with pytest.raises(SubalignError) as info:
        parse_subtitles(text, "srt", name="film.zh.srt")
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith("film.zh.srt: ")
    return msg


def test_unreadable_timing_line_names_the_line() -> None:
    msg = _error(CLEAN.replace("00:00:04,000 --> 00:00:06,250", "00:00:04,000 --> 00:00:0x,250"))
    assert "line 7:" in msg and "timing line" in msg


def test_missing_end_time_names_the_line() -> None:
    assert "line 7:" in _error(CLEAN.replace("00:00:04,000 --> 00:00:06,250", "00:00:04,000 -->"))


def test_out_of_range_time_names_the_line() -> None:
    msg = _error(CLEAN.replace("00:01:02,500", "00:61:02,500"))
    assert "line 11:" in msg and "minutes 61" in msg


def test_end_before_start_names_the_cue() -> None:
    msg = _error(CLEAN.replace("00:00:04,000 --> 00:00:06,250", "00:00:06,250 --> 00:00:04,000"))
    assert "line 7:" in msg and "cue 2 ends before it starts" in msg


def test_text_before_first_cue() -> None:
    assert "line 1:" in _error("A film about a strike\n\n" + CLEAN)


def test_webvtt_read_as_srt_gets_a_hint() -> None:
    assert "WebVTT" in _error("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhi\n")


def test_no_timing_lines() -> None:
    assert "no SRT timing line" in _error("工人们在等工资。\nThey wait for their wages.\n")


def test_no_cue_with_text() -> None:
    assert "no subtitle cue" in _error("1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:03,000 --> 00:00:04,000\n")


# ----------------------------------------------------------------------------- order and absurd times


def _blocks(text: str) -> list[str]:
    return [b for b in text.strip("\n").split("\n\n") if b]


def test_cues_out_of_order_are_sorted_with_one_warning() -> None:
    blocks = _blocks(CLEAN)
    shuffled = "\n\n".join([blocks[2], blocks[0], blocks[1]]) + "\n"
    warnings: list[str] = []
    assert srt_of(CLEAN) == EXPECTED
    cues = parse_subtitles(shuffled, "srt", name="film.srt", warn=warnings.append)
    assert [(c.number, c.start_ms, c.end_ms, c.text) for c in cues] == EXPECTED
    assert [c.position for c in cues] == [0, 1, 2]
    assert len(warnings) == 1 and "\n" not in warnings[0]
    assert warnings[0].startswith("film.srt: cues are not in time order") and "cue 1 at 00:00:01,000" in warnings[0]


def test_cues_in_order_give_no_warning(caplog) -> None:
    warnings: list[str] = []
    parse_subtitles(CLEAN, "srt", warn=warnings.append)
    parse_subtitles(VTT, "vtt", warn=warnings.append)
    parse_subtitles(ASS, "ass", warn=warnings.append)  # ASS events are grouped by style: sorted silently
    assert warnings == [] and not caplog.records


def test_vtt_out_of_order_warns_through_the_logger_by_default(caplog, tmp_path: Path) -> None:
    late, early = "00:00:05.000 --> 00:00:06.000\n工资在哪里\n", "00:00:01.000 --> 00:00:02.000\n法律没用\n"
    path = _file(tmp_path, "film.vtt", f"WEBVTT\n\n{late}\n{early}".encode())
    with caplog.at_level("WARNING", logger="subalign.subs"):
        cues = read_subtitles(path)
    assert [c.text for c in cues] == ["法律没用", "工资在哪里"]
    assert len(caplog.records) == 1 and "not in time order" in caplog.records[0].getMessage()


def test_overlapping_cues_are_kept_in_file_order() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:05,000\n工人们在等工资。\n\n"
        "2\n00:00:02,000 --> 00:00:03,000\n[广播] 请安静。\n\n"
        "3\n00:00:02,000 --> 00:00:04,000\n老板跑了。\n"
    )
    warnings: list[str] = []
    cues = parse_subtitles(text, "srt", warn=warnings.append)
    assert [(c.number, c.start_ms, c.end_ms) for c in cues] == [(1, 1000, 5000), (2, 2000, 3000), (3, 2000, 4000)]
    assert warnings == []


@pytest.mark.parametrize(
    ("timing", "words"),
    [
        ("999999:00:00,000 --> 999999:00:01,000", ["cue 2", "999999:00:00,000", "past 48 hours"]),
        ("48:00:00,000 --> 48:00:00,001", ["cue 2", "48:00:00,001", "past 48 hours"]),
        ("00:00:04,000 --> 01:00:04,001", ["cue 2", "00:00:04,000 --> 01:00:04,001", "over an hour"]),
    ],
)
def test_absurd_times_are_a_one_line_error_naming_the_cue(timing: str, words: list[str]) -> None:
    msg = _error(CLEAN.replace("00:00:04,000 --> 00:00:06,250", timing))
    assert "line 7:" in msg and all(w in msg for w in words), msg


def test_long_but_possible_times_pass() -> None:
    got = srt_of(CLEAN.replace("00:00:04,000 --> 00:00:06,250", "47:59:00,000 --> 48:00:00,000"))
    assert got[2] == (2, 47 * 3_600_000 + 59 * 60_000, 48 * 3_600_000, ZH[1])  # sorted last
    got = srt_of(CLEAN.replace("00:00:04,000 --> 00:00:06,250", "00:00:04,000 --> 01:00:04,000"))
    assert got[1][1:3] == (4000, 3_604_000)


def test_absurd_times_in_vtt_and_ass() -> None:
    with pytest.raises(SubalignError, match=r"film\.vtt: line 3: cue 1 is past 48 hours \(999999:00:00,000"):
        parse_subtitles("WEBVTT\n\n999999:00:00.000 --> 999999:00:01.000\nhi\n", "vtt", "film.vtt")
    with pytest.raises(SubalignError, match=r"film\.ass: line 13: cue 2 lasts over an hour"):
        parse_subtitles(ASS.replace("0:00:01.00,0:00:03.50", "0:00:01.00,2:00:03.50"), "ass", "film.ass")


def test_plain_text_of_unclosed_ruby_tags() -> None:
    assert plain_text("<ruby>罢<rt>bà</rt></ruby>工吧") == "罢工吧"
    # Unclosed <rt> tags are dropped as tags; their text stays (and costs one scan).
    assert plain_text("<rt>工" * 20_000 + "资") == "工" * 20_000 + "资"


# ----------------------------------------------------------------------------- files and encodings


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _srt_lines(lines: list[str]) -> str:
    return "".join(f"{i}\n00:00:{i:02d},000 --> 00:00:{i:02d},900\n{line}\n\n" for i, line in enumerate(lines, 1))


@pytest.mark.parametrize(
    ("lines", "encode"),
    [
        (ZH, lambda s: s.encode("gb18030")),
        (HANT, lambda s: s.encode("big5")),
        (ZH + EN, lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le")),
        (ZH + EN, lambda s: codecs.BOM_UTF8 + s.replace("\n", "\r\n").encode("utf-8")),
    ],
    ids=["gb18030", "big5", "utf-16-le-bom", "utf-8-bom-crlf"],
)
def test_encodings(tmp_path: Path, lines: list[str], encode) -> None:
    path = _file(tmp_path, "film.srt", encode(_srt_lines(lines)))
    assert [c.text for c in read_subtitles(path)] == lines


def test_explicit_encoding(tmp_path: Path) -> None:
    path = _file(tmp_path, "film.srt", _srt_lines(HANT).encode("big5"))
    assert [c.text for c in read_subtitles(path, encoding="big5")] == HANT


def test_format_from_fmt_extension_or_content(tmp_path: Path) -> None:
    srt_txt = _file(tmp_path, "film.txt", CLEAN.encode())
    assert [c.text for c in read_subtitles(srt_txt)] == [e[3] for e in EXPECTED]
    vtt_txt = _file(tmp_path, "film2.txt", VTT.encode())
    assert len(read_subtitles(vtt_txt)) == 3
    ass_txt = _file(tmp_path, "film3.txt", ASS.encode())
    assert len(read_subtitles(ass_txt)) == 3
    assert len(read_subtitles(vtt_txt, fmt="vtt")) == 3
    with pytest.raises(SubalignError, match="cannot tell the subtitle format"):
        read_subtitles(_file(tmp_path, "notes.txt", "工人们在等工资。\n".encode()))
    with pytest.raises(SubalignError, match="unknown subtitle format"):
        read_subtitles(srt_txt, fmt="sub")


def test_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(SubalignError, match="no such file"):
        read_subtitles(tmp_path / "absent.srt")


# ----------------------------------------------------------------------------- WebVTT

VTT = """WEBVTT
Kind: captions

STYLE
::cue { color: white }

NOTE written for the strike scene
it spans two lines

intro
00:00:01.000 --> 00:00:04.000 align:start position:10%
<v Lawyer>The contract is <i>void</i> &amp; unfair.

NOTE between cues

7
00:05.500 --> 00:08.000
<c.yellow>工人们</c> <00:00:06.000>还在
<00:00:07.000>等 <00:00:07.500>工资

00:00:09.000 --> 00:00:11.000 line:0
<ruby>罢<rt>bà</rt></ruby>工吧 <lang en>Strike!</lang>
"""


def test_vtt_reading() -> None:
    cues = parse_subtitles(VTT, "vtt", name="film.vtt")
    assert [(c.number, c.start_ms, c.end_ms) for c in cues] == [(1, 1000, 4000), (7, 5500, 8000), (8, 9000, 11000)]
    assert cues[0].text == "<v Lawyer>The contract is <i>void</i> &amp; unfair."
    assert cues[0].plain == "The contract is void & unfair."
    assert cues[1].text == "<c.yellow>工人们</c> <00:00:06.000>还在\n<00:00:07.000>等 <00:00:07.500>工资"
    assert cues[1].plain == "工人们 还在 等 工资"
    assert cues[2].plain == "罢工吧 Strike!"


def test_vtt_tolerates_missing_header_and_srt_style_times() -> None:
    cues = parse_subtitles("00:00:01,5 --> 00:00:02,000\n律师来了。\n", "vtt")
    assert [(c.start_ms, c.end_ms, c.text) for c in cues] == [(1500, 2000, "律师来了。")]


def test_vtt_errors_name_the_line() -> None:
    timing = "00:00:01.000 --> 00:00:04.000"
    with pytest.raises(SubalignError, match=r"film\.vtt: line 11: cannot read the timing line"):
        parse_subtitles(VTT.replace(timing, "00:00:01.000 --> 00:0x:04.000"), "vtt", "film.vtt")
    with pytest.raises(SubalignError, match=r"film\.vtt: line 11: cue 1 ends before it starts"):
        parse_subtitles(VTT.replace(timing, "00:00:04.000 --> 00:00:01.000"), "vtt", "film.vtt")


# ----------------------------------------------------------------------------- ASS/SSA

ASS = r"""[Script Info]
ScriptType: v4.00+
PlayResX: 1920
PlayResY: 1080

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Arial,48,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,2,2,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:05.00,0:00:06.00,Default,,0,0,0,,Back to work, all of you.
Dialogue: 0,0:00:01.00,0:00:03.50,Default,,0,0,0,,{\an8}{\i1}法律没用{\i0}\N{\fs30}Laws are useless
Comment: 0,0:00:04.00,0:00:05.00,Default,,0,0,0,,translator's note
Dialogue: 0,0:00:06.00,0:00:07.00,Default,,0,0,0,,{\p1}m 0 0 l 100 0 100 100{\p0}
Dialogue: 0,0:00:08.00,0:00:09.00,Default,,0,0,0,,{\k20}工资\n{\k30}在哪\h里
"""


def test_ass_reading() -> None:
    cues = parse_subtitles(ASS, "ass", name="film.ass")
    # comment and vector drawing skipped; ordered by time; numbers are event rows
    assert [(c.number, c.position, c.start_ms, c.end_ms) for c in cues] == [
        (2, 0, 1000, 3500),
        (1, 1, 5000, 6000),
        (5, 2, 8000, 9000),
    ]
    assert cues[0].text == "{\\an8}{\\i1}法律没用{\\i0}\n{\\fs30}Laws are useless"
    assert cues[0].plain == "法律没用 Laws are useless"
    assert cues[1].text == "Back to work, all of you."
    assert cues[2].text == "{\\k20}工资\n{\\k30}在哪\\h里"
    assert cues[2].plain == "工资 在哪 里"


def test_ass_errors() -> None:
    with pytest.raises(SubalignError, match=r"film\.ass: line 12: cannot read as ASS"):
        parse_subtitles(ASS.replace("0:00:05.00", "0:00:xx.00"), "ass", "film.ass")
    with pytest.raises(SubalignError, match=r"film\.ass: line 13: cue 2 ends before it starts"):
        parse_subtitles(ASS.replace("0:00:01.00,0:00:03.50", "0:00:03.50,0:00:01.00"), "ass", "film.ass")


# ----------------------------------------------------------------------------- bilingual


def test_split_zh_first_and_en_first() -> None:
    assert split_bilingual(cue(f"{ZH[0]}\n{EN[0]}")) == {"zh": ZH[0], "en": EN[0]}
    assert split_bilingual(cue(f"<i>{EN[1]}</i>\n{{\\fs30}}{ZH[1]}")) == {"zh": ZH[1], "en": EN[1]}


def test_split_mixed_line() -> None:
    assert split_bilingual(cue("法律没用 Laws are useless")) == {"zh": "法律没用", "en": "Laws are useless"}
    assert split_bilingual(cue("Laws are useless. 法律没用。")) == {"zh": "法律没用。", "en": "Laws are useless."}
    assert split_bilingual(cue("法律没用，“Laws are useless”")) == {"zh": "法律没用，", "en": "“Laws are useless”"}
    assert split_bilingual(cue("- 你好 - Hello")) == {"zh": "- 你好", "en": "- Hello"}


def test_split_digits_stay_with_their_line() -> None:
    assert split_bilingual(cue("一天工作12小时\nTwelve hours a day")) == {"zh": "一天工作12小时", "en": "Twelve hours a day"}
    assert split_bilingual(cue("工作12小时 12 hours of work")) == {"zh": "工作12小时", "en": "12 hours of work"}
    assert split_bilingual(cue("1998\n那年冬天\nThat winter")) == {"zh": "1998 那年冬天", "en": "That winter"}


def test_split_monolingual_and_borrowed_words() -> None:
    assert split_bilingual(cue(ZH[2])) == {"zh": ZH[2]}
    assert split_bilingual(cue(EN[2])) == {"en": EN[2]}
    assert split_bilingual(cue("我用iPhone拍的")) == {"zh": "我用iPhone拍的"}
    assert split_bilingual(cue("工会找了 Lee 律师")) == {"zh": "工会找了 Lee 律师"}
    assert split_bilingual(cue("♪ ♪")) == {}


def test_cues_for_language() -> None:
    cues = parse_subtitles(CLEAN, "srt")
    zh = cues_for_language(cues, "zh-CN")
    assert [(c.number, c.plain) for c in zh] == [(1, ZH[0]), (2, ZH[1])]
    assert zh[0].text == cues[0].text and zh[0].start_ms == cues[0].start_ms
    en = cues_for_language(cues, "en")
    assert [(c.number, c.position, c.plain) for c in en] == [(1, 0, EN[0]), (3, 2, EN[2])]
    with pytest.raises(SubalignError):
        cues_for_language(cues, "fr")


# ----------------------------------------------------------------------------- writing


def test_write_srt_reread_by_srt_library() -> None:
    cues = parse_subtitles(CLEAN.replace("\n3\n", "\n30\n"), "srt")
    parsed = list(srt.parse(write_srt(cues)))
    ms = timedelta(milliseconds=1)
    assert [(s.index, s.start // ms, s.end // ms, s.content) for s in parsed] == [
        (c.number, c.start_ms, c.end_ms, c.text) for c in cues
    ]
    assert [s.index for s in srt.parse(write_srt(cues, renumber=True))] == [1, 2, 3]


def test_write_vtt_reread() -> None:
    cues = [cue("Tom & Jerry <i>work</i> --> overtime", 1, 0, 1500), cue("{\\i1}罢工{\\i0}\n第二行", 2, 2000, 3000)]
    out = write_vtt(cues)
    assert out.startswith("WEBVTT")
    back = parse_subtitles(out, "vtt")
    assert [(c.start_ms, c.end_ms) for c in back] == [(0, 1500), (2000, 3000)]
    assert back[0].text == "Tom &amp; Jerry <i>work</i> --&gt; overtime"
    assert back[0].plain == "Tom & Jerry work --> overtime"
    assert back[1].text == "<i>罢工</i>\n第二行"


def test_write_ass_two_styles() -> None:
    a = cue(f"{ZH[0]}\n{EN[0]}", 1, 1000, 3500)
    b = cue("<i>罢工！</i>", 2, 4000, 5000)
    c = cue(EN[1], 3, 4000, 5000)
    events = [AssEvent(a, "Primary", (None, "Secondary")), (b, "Primary"), (c, "Secondary")]
    out = write_ass(events, DUAL_STYLES, title="Strike")
    subs = pysubs2.SSAFile.from_string(out)
    assert set(subs.styles) == {"Primary", "Secondary"}
    assert subs.styles["Secondary"].fontsize < subs.styles["Primary"].fontsize
    assert [(e.style, e.start, e.end) for e in subs] == [
        ("Primary", 1000, 3500),
        ("Primary", 4000, 5000),
        ("Secondary", 4000, 5000),
    ]
    assert subs.info["Title"] == "Strike"
    assert subs[0].text == f"{ZH[0]}\\N{{\\rSecondary}}{EN[0]}"
    assert subs[1].text == "{\\i1}罢工！{\\i0}"
    back = parse_subtitles(out, "ass")
    assert [c.plain for c in back] == [f"{ZH[0]} {EN[0]}", "罢工！", EN[1]]


def test_write_ass_custom_styles_and_errors() -> None:
    styles = {"Top": {"alignment": 8, "primarycolor": "#FFFF00"}, "Bottom": {"alignment": 2, "fontsize": 50}}
    subs = pysubs2.SSAFile.from_string(write_ass([(cue("上面"), "Top"), (cue("Below"), "Bottom")], styles))
    assert subs.styles["Top"].alignment == 8 and subs.styles["Top"].primarycolor == pysubs2.Color(255, 255, 0, 0)
    with pytest.raises(ValueError, match="not defined"):
        write_ass([(cue("x"), "Nope")], styles)
    with pytest.raises(ValueError, match="unknown ASS style field"):
        write_ass([cue("x")], {"Default": {"colour": "#fff"}})


# ----------------------------------------------------------------------------- property

_ALPHABET = "abcxyzABCXYZ 0123456789,.!?'\"-工人律师法没用罢资，。！？、"
_line = st.text(_ALPHABET, min_size=1, max_size=25).map(str.strip).filter(bool)


@st.composite
def _cues(draw) -> list[Cue]:
    n = draw(st.integers(1, 8))
    cues = []
    for i in range(n):
        start = draw(st.integers(0, 47 * 3_600_000))
        end = start + draw(st.integers(0, 600_000))
        text = "\n".join(draw(st.lists(_line, min_size=1, max_size=3)))
        cues.append(Cue(draw(st.integers(0, 99_999)), i, start, end, text, plain_text(text)))
    return cues


@settings(max_examples=150, deadline=None)
@given(cues=_cues(), data=st.data())
def test_property_damaged_blank_lines_and_crlf(cues: list[Cue], data) -> None:
    blocks = write_srt(cues).rstrip("\n").split("\n\n")
    # Separators: missing, normal, doubled and tripled blank lines.
    sep = st.sampled_from(["\n", "\n\n", "\n\n\n", "\n\n\n\n"])
    seps = data.draw(st.lists(sep, min_size=len(blocks), max_size=len(blocks)))
    text = "".join(block + sep for block, sep in zip(blocks, seps))
    lines = text.split("\n")
    crlf = data.draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))
    text = "".join(line + ("\r\n" if c else "\n") for line, c in zip(lines, crlf))
    back = parse_subtitles(text, "srt", warn=lambda msg: None)
    # Read back in time order (stable: cues starting together keep the file order).
    in_time = sorted(cues, key=lambda c: c.start_ms)
    assert back == [Cue(c.number, k, c.start_ms, c.end_ms, c.text, c.plain) for k, c in enumerate(in_time)]
