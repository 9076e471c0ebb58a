from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from subalign.aligner.evaluate import Scores, evaluate_paths, score_links
from subalign.aligner.formats import parse_ladder
from subalign.types import Link, SubalignError


def L(text: str) -> list[Link]:
    """Links from ladder text, ``;``-separated for brevity."""
    return parse_ladder("\n".join(text.split(";")))


def check(s: Scores, strict: tuple[float, float, float], lax: tuple[float, float, float]) -> None:
    assert (s.strict_p, s.strict_r, s.strict_f1) == pytest.approx(strict)
    assert (s.lax_p, s.lax_r, s.lax_f1) == pytest.approx(lax)


def test_perfect():
    gold = L("[0]:[0];[1]:[];[]:[1];[2,3]:[2]")
    s = score_links(gold, list(gold))
    check(s, (1, 1, 1), (1, 1, 1))
    assert (s.n_gold, s.n_test) == (4, 4)


def test_one_merge_error_lax_differs_from_strict():
    gold = L("[0]:[0];[1]:[1];[2]:[2]")
    test = L("[0]:[0];[1,2]:[1,2]")
    # P: 1 of 2 test beads exact; the merged one overlaps gold on both sides -> lax 2/2
    # R: 1 of 3 gold beads exact; both [1]:[1] and [2]:[2] overlap the merge -> lax 3/3
    s = score_links(gold, test)
    check(s, (0.5, 1 / 3, 0.4), (1, 1, 1))
    assert (s.n_gold, s.n_test) == (3, 2)


def test_gold_deletion_absorbed_into_a_merge():
    gold = L("[0]:[0];[1]:[];[2]:[1]")
    test = L("[0]:[0];[1,2]:[1]")
    # R ignores the gold 1-0 bead: 2 gold 1-1 beads, [0]:[0] exact, [2]:[1] overlaps
    check(score_links(gold, test), (0.5, 0.5, 0.5), (1, 1, 1))


def test_spurious_deletions_are_never_lax_correct():
    gold = L("[0]:[0];[1]:[1]")
    test = L("[0]:[0];[1]:[];[]:[1]")
    # P: 3 test beads, only [0]:[0] right, strict or lax (1-0/0-1 have no side to overlap)
    # R: the test's 1-0/0-1 are dropped, so gold [1]:[1] is not found at all
    s = score_links(gold, test)
    check(s, (1 / 3, 0.5, 0.4), (1 / 3, 0.5, 0.4))
    assert (s.n_gold, s.n_test) == (2, 3)


def test_deletion_found_counts_for_precision_only():
    gold = L("[0]:[0];[1]:[]")
    check(score_links(gold, L("[0]:[0];[1]:[]")), (1, 1, 1), (1, 1, 1))
    # missing the deletion (merging it) costs strict P and R, but lax forgives it
    check(score_links(gold, L("[0,1]:[0]")), (0, 0, 0), (1, 1, 1))


def test_crossing_bead_is_not_lax_correct():
    gold = L("[0]:[0];[1]:[1]")
    test = L("[0]:[1];[1]:[0]")
    check(score_links(gold, test), (0, 0, 0), (0, 0, 0))


def test_lax_needs_one_gold_bead_overlapping_on_both_sides():
    gold = L("[0]:[0];[1]:[1]")
    # src 0 is in gold [0]:[0], tgt 1 is in gold [1]:[1], but no single gold bead has both
    s = score_links(gold, L("[0]:[1]"))
    assert s.lax_p == 0


def test_duplicates_count_once_and_empty_inputs():
    gold = L("[0]:[0]")
    s = score_links(gold, L("[0]:[0];[0]:[0]"))
    check(s, (1, 1, 1), (1, 1, 1))
    assert s.n_test == 1
    check(score_links([], []), (0, 0, 0), (0, 0, 0))
    check(score_links(gold, []), (0, 0, 0), (0, 0, 0))
    # empty-on-both-sides beads (invalid, but constructible) are ignored as Vecalign does
    check(score_links(gold, [Link((0,), (0,)), Link((), ())]), (1, 1, 1), (1, 1, 1))


beads = st.lists(
    st.tuples(
        st.frozensets(st.integers(0, 6), max_size=3), st.frozensets(st.integers(0, 6), max_size=3)
    ).filter(lambda b: b[0] or b[1]),
    max_size=8,
)


@settings(max_examples=100, deadline=None)
@given(beads, beads)
def test_matches_definition(gold_raw, test_raw):
    """The mapping-based implementation equals the plain definition of lax/strict."""
    gold = {(tuple(sorted(s)), tuple(sorted(t))) for s, t in gold_raw}
    test = {(tuple(sorted(s)), tuple(sorted(t))) for s, t in test_raw}

    def lax(bead, ref):
        return bead in ref or any(set(bead[0]) & set(r[0]) and set(bead[1]) & set(r[1]) for r in ref)

    full = lambda bs: {b for b in bs if b[0] and b[1]}  # noqa: E731
    div = lambda a, b: a / b if b else 0.0  # noqa: E731
    s = score_links([Link(*b) for b in gold], [Link(*b) for b in test])
    assert s.strict_p == pytest.approx(div(len(test & gold), len(test)))
    assert s.lax_p == pytest.approx(div(sum(lax(b, gold) for b in test), len(test)))
    assert s.strict_r == pytest.approx(div(len(full(gold) & full(test)), len(full(gold))))
    assert s.lax_r == pytest.approx(div(sum(lax(b, full(test)) for b in full(gold)), len(full(gold))))


# --------------------------------------------------------------------------- paths


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace(";", "\n") + "\n", encoding="utf-8")
    return path


def test_single_files(tmp_path):
    g = write(tmp_path / "g.align", "[0]:[0];[1]:[1];[2]:[2]")
    t = write(tmp_path / "t.ladder", "[0]:[0]:0.9;[1, 2]:[1, 2]:0.7")
    total, per_file = evaluate_paths(g, t)
    check(total, (0.5, 1 / 3, 0.4), (1, 1, 1))
    assert per_file == {"g": total}


def test_directories_micro_average(tmp_path):
    write(tmp_path / "gold/001.align", "[0]:[0];[1]:[1]")
    write(tmp_path / "gold/002.align", "[0]:[0];[1]:[1];[2]:[2]")
    write(tmp_path / "test/001.align", "[0]:[0]:0.9;[1]:[1]:0.8")  # perfect
    write(tmp_path / "test/002.ladder", "[0]:[0]:0.9;[1,2]:[1,2]:0.5")  # one merge
    write(tmp_path / "test/003.align", "[0]:[0]")  # no gold: ignored
    write(tmp_path / "test/002.tsv", "src\ttgt")  # other formats are not ladders
    write(tmp_path / "gold/.hidden", "garbage")
    total, per_file = evaluate_paths(str(tmp_path / "gold"), str(tmp_path / "test"))
    assert sorted(per_file) == ["001", "002"]
    check(per_file["001"], (1, 1, 1), (1, 1, 1))
    check(per_file["002"], (0.5, 1 / 3, 0.4), (1, 1, 1))
    # micro: P strict (2+1)/(2+2), R strict (2+1)/(2+3); not the mean of per-file scores
    check(total, (0.75, 0.6, 2 * 0.75 * 0.6 / 1.35), (1, 1, 1))
    assert (total.n_gold, total.n_test) == (5, 4)


def test_test_file_without_suffix(tmp_path):
    write(tmp_path / "gold/a.align", "[0]:[0]")
    write(tmp_path / "test/a", "[0]:[0]:1.0")
    total, per_file = evaluate_paths(tmp_path / "gold", tmp_path / "test")
    assert list(per_file) == ["a"] and total.strict_f1 == 1


def test_missing_counterpart(tmp_path):
    write(tmp_path / "gold/001.align", "[0]:[0]")
    write(tmp_path / "gold/002.align", "[0]:[0]")
    write(tmp_path / "test/001.align", "[0]:[0]")
    with pytest.raises(SubalignError, match="002"):
        evaluate_paths(tmp_path / "gold", tmp_path / "test")


def test_empty_gold_directory(tmp_path):
    (tmp_path / "gold").mkdir()
    write(tmp_path / "test/001.align", "[0]:[0]")
    with pytest.raises(SubalignError, match="no alignment files"):
        evaluate_paths(tmp_path / "gold", tmp_path / "test")


def test_ambiguous_test_stem(tmp_path):
    write(tmp_path / "gold/001.align", "[0]:[0]")
    write(tmp_path / "test/001.align", "[0]:[0]")
    write(tmp_path / "test/001.txt", "[0]:[0]")
    with pytest.raises(SubalignError, match="001"):
        evaluate_paths(tmp_path / "gold", tmp_path / "test")


def test_file_and_directory_mixed_or_missing(tmp_path):
    g = write(tmp_path / "gold/001.align", "[0]:[0]")
    (tmp_path / "test").mkdir()
    with pytest.raises(SubalignError, match="both be files or both be directories"):
        evaluate_paths(g, tmp_path / "test")
    with pytest.raises(SubalignError, match="no such file"):
        evaluate_paths(g, tmp_path / "nope.align")


def test_malformed_file_names_file_and_line(tmp_path):
    g = write(tmp_path / "gold/001.align", "[0]:[0];[1]:[1]")
    t = write(tmp_path / "test/001.align", "[0]:[0];oops")
    with pytest.raises(SubalignError, match=r"001\.align:2: "):
        evaluate_paths(g, t)


def test_undecodable_file(tmp_path):
    g = write(tmp_path / "g.align", "[0]:[0]")
    t = tmp_path / "t.align"
    t.write_bytes(b"[0]:[0]\n\xff\xfe\n")
    with pytest.raises(SubalignError, match="not UTF-8"):
        evaluate_paths(g, t)
