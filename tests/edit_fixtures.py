"""Small, hostile results to correct: an alignment with every bead shape, quotes with runners-up,
a glossary with every column filled in odd ways. Shared by test_apply and test_report_edit."""

from __future__ import annotations

import json
from pathlib import Path

from subalign.aligner import formats
from subalign.glossary import formats as glossary_formats
from subalign.glossary.pairing import GlossaryEntry
from subalign.quotes import formats as quote_formats
from subalign.quotes.extract import extract_quotes
from subalign.quotes.units import Candidate, QuoteMatch
from subalign.text.documents import document_from_text
from subalign.types import Alignment, Anchor, Cue, Link

EN = (
    "Title <script>alert(1)</script> & Co. He said “we want our pay & <more>” and left.\n\n"
    "Tom & Jerry's \"fight\" ended. Then “no more\tlies”, she said, “ever”. The CPC met.\n\n"
    "The union says “harmonious labour relations” matter. It's &amp; <!-- x --> ]]> done. "
    "Open report\u202efdp.exe\u202c now.\n\n"
    "Short one. Another short one. A third."
)
ZH = (
    "标题<script>alert(1)</script>&公司。他说“我们要工资&<更多>”然后走了。\n\n"
    "汤姆&杰瑞的“打架”结束了。然后她说“不再撒谎”，“永远”。中共开会了。\n\n"
    "工会说“和谐劳动关系”很重要。&amp;<!-- x -->完。现在打开报告\u202efdp.exe\u202c。\n\n"
    "短的。另一个短的。第三个。额外一句。"
)


def documents():
    src = document_from_text(EN, lang="en", path="texts/review.en.txt")
    tgt = document_from_text(ZH, lang="zh", path="texts/review.zh.txt")
    return src, tgt


def alignment() -> Alignment:
    src, tgt = documents()
    assert (len(src), len(tgt)) == (10, 12), (len(src), len(tgt))
    links = [
        Link((0,), (0, 1), 0.9),
        Link((1,), (2,), 0.0625),  # a tie at three decimals: Python writes 0.062
        Link((2,), (3,), 0.4445),
        Link((3,), (4,), 0.41),
        Link((4,), (5,), 0.73),
        Link((5,), (), 0.0),
        Link((), (6,), 0.0),
        Link((6,), (7,), 0.35),
        Link((7, 8), (8, 9), 0.55),
        Link((9,), (10, 11), 0.95),
    ]
    return Alignment(src, tgt, links, "test-model", {"band": 8})


def _cue(n: int, start: int, text: str) -> Cue:
    return Cue(n, n - 1, start, start + 1500, text, text.replace("<i>", "").replace("</i>", ""))


def quote_matches(src) -> list[QuoteMatch]:
    qs = extract_quotes(src)
    assert len(qs) >= 4, qs
    cues = [_cue(n, n * 2000, t) for n, t in enumerate(
        ["我们要工资", "<i>不再</i>撒谎", "永远\t不", "和谐 / 劳动", '"关系"', "别的", "还有别的", "最后"], 1)]
    out = []
    for k, q in enumerate(qs):
        best = Candidate((cues[k], cues[k + 1]), 0.31 + k / 10, 0.5, "m")
        runners = [Candidate((cues[k + 2],), 0.1125, 0.3, "r1"), Candidate((cues[k + 3], cues[k + 4]), -0.05, 0.2, "r2")]
        status = "found" if k % 2 == 0 else "not_found"
        out.append(QuoteMatch(q.text, status, best if k != 3 else None, runners if k != 3 else [], 0.2, q,
                              "note <i>x</i>" if k == 1 else ""))
    return out


def _anchors(doc, term: str) -> tuple[Anchor, ...]:
    out = []
    for s in doc.sentences:
        at = s.text.find(term)
        if at >= 0:
            out.append(Anchor(s.anchor.paragraph, s.anchor.sentence, s.anchor.start + at, s.anchor.start + at + len(term)))
    return tuple(out)


def glossary_entries(src, tgt) -> list[GlossaryEntry]:
    def entry(en, zh, type_, score, **kw):
        return GlossaryEntry(en, zh, type_, score, len(_anchors(src, en)), _anchors(src, en), _anchors(tgt, zh), **kw)

    return [
        entry("Tom & Jerry", "汤姆&杰瑞", "name", 0.8125, zh_hant="湯姆&傑瑞", pinyin="tāngmǔ",
              evidence=("translit", "definition:（见上）"), context_en='He said "x"\tand\nleft', context_zh="汤姆\n"),
        entry("CPC", "中共", "org", 0.5, evidence=("acronym",)),
        entry("union", "工会", "term", 0.6667, zh_hant="工會", context_en="The union"),
        entry("report", "报告", "", 0.0),
        entry("Title", "标题", "term", 0.25, evidence=('quote "x"',)),
    ]


def saved(tmp: Path) -> dict[str, Path]:
    """The three results saved as the commands save them, and the two texts."""
    a = alignment()
    paths = {k: tmp / n for k, n in (("alignment", "a.json"), ("quotes", "q.json"), ("glossary", "g.json"),
                                      ("review", "review.en.txt"), ("translation", "review.zh.txt"))}
    paths["alignment"].write_text(formats.to_json(a), encoding="utf-8")
    paths["quotes"].write_text(quote_formats.to_json(quote_matches(a.src)), encoding="utf-8")
    paths["glossary"].write_text(glossary_formats.to_json(glossary_entries(a.src, a.tgt)), encoding="utf-8")
    paths["review"].write_text(EN, encoding="utf-8")
    paths["translation"].write_text(ZH, encoding="utf-8")
    return paths


def load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))
