"""Glossary files: TSV/CSV/TBX/JSON writers, a reader for ``--check``, and the QA report.

TSV and CSV are what memoQ, Trados (MultiTerm Convert) and Phrase import as a term
base: UTF-8, one header row, one entry per row, the two language columns first.
TBX follows TBX-Basic in its widely imported v2 shape (``martif`` / ``termEntry`` /
``langSet`` / ``tig``); the reader also accepts TBX v3 (``conceptEntry`` / ``langSec`` /
``termSec``). Writers return ``str`` so the caller writes atomically.
"""

from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from subalign.aligner.formats import TsvDialect, xml_text, anchor_dict, flat
from subalign.glossary.check import CheckIssue
from subalign.glossary.entry import GlossaryEntry
from subalign.errors import SubalignError
from subalign.text.textio import allow_csv_fields, read_text

FORMATS = ("tsv", "csv", "tbx", "json")
COLUMNS = [
    "en",
    "zh",
    "type",
    "count",
    "score",
    "anchors",
    "zh_hant",
    "pinyin",
    "evidence",
    "context_en",
    "context_zh",
]
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _row(e: GlossaryEntry) -> list[str]:
    return [
        e.en,
        e.zh,
        e.type,
        str(e.count),
        f"{e.score:.3f}",
        ",".join(dict.fromkeys(a.id for a in e.anchors)),
        e.zh_hant,
        e.pinyin,
        "; ".join(e.evidence),
        flat(e.context_en),
        flat(e.context_zh),
    ]


def _delimited(entries: list[GlossaryEntry], dialect) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, dialect=dialect)
    w.writerow(COLUMNS)
    for e in entries:
        w.writerow(_row(e))
    return buf.getvalue()


def to_tsv(entries: list[GlossaryEntry]) -> str:
    return _delimited(entries, TsvDialect)


class _CsvDialect(csv.excel):
    lineterminator = "\n"


def to_csv(entries: list[GlossaryEntry]) -> str:
    """Comma-separated, for tools whose import wizard expects CSV (Phrase, memoQ)."""
    return _delimited(entries, _CsvDialect)


def _term_type(e: GlossaryEntry, lang: str) -> str:
    text = e.en if lang == "en" else e.zh
    if lang == "en" and text.isupper() and len(text) <= 8:
        return "acronym"
    if lang == "zh" and any(ev.startswith("definition:") and "（" in ev for ev in e.evidence):
        return "abbreviation"
    return "fullForm"


def to_tbx(entries: list[GlossaryEntry]) -> str:
    """TBX-Basic: one ``termEntry`` per glossary row, with type, part of speech, context and a note."""
    root = ET.Element("martif", {"type": "TBX-Basic", _XML_LANG: "en"})
    header = ET.SubElement(root, "martifHeader")
    fd = ET.SubElement(header, "fileDesc")
    sd = ET.SubElement(fd, "sourceDesc")
    ET.SubElement(sd, "p").text = "subalign glossary"
    enc = ET.SubElement(header, "encodingDesc")
    ET.SubElement(enc, "p", {"type": "XCSURI"}).text = "TBXBasicXCSV02.xcs"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for i, e in enumerate(entries, 1):
        te = ET.SubElement(body, "termEntry", {"id": f"c{i}"})
        ET.SubElement(te, "descrip", {"type": "subjectField"}).text = e.type
        ET.SubElement(te, "note").text = xml_text(
            f"score {e.score:.3f}; count {e.count}; anchors {','.join(a.id for a in e.anchors)}; evidence {'; '.join(e.evidence)}"
        )
        for lang, term, ctx in (
            ("en", e.en, e.context_en),
            ("zh-Hans", e.zh, e.context_zh),
        ):
            ls = ET.SubElement(te, "langSet", {_XML_LANG: lang})
            tig = ET.SubElement(ls, "tig")
            ET.SubElement(tig, "term").text = xml_text(term)
            ET.SubElement(tig, "termNote", {"type": "termType"}).text = _term_type(e, "en" if lang == "en" else "zh")
            ET.SubElement(tig, "termNote", {"type": "partOfSpeech"}).text = "properNoun" if e.type != "term" else "noun"
            if ctx:
                ET.SubElement(tig, "descrip", {"type": "context"}).text = xml_text(flat(ctx))
        if e.zh_hant and e.zh_hant != e.zh:
            ls = ET.SubElement(te, "langSet", {_XML_LANG: "zh-Hant"})
            tig = ET.SubElement(ls, "tig")
            ET.SubElement(tig, "term").text = xml_text(e.zh_hant)
            ET.SubElement(tig, "termNote", {"type": "termType"}).text = "variant"
    ET.indent(root, space=" ")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">\n'
        + ET.tostring(root, encoding="unicode")
        + "\n"
    )


def _entry_dict(e: GlossaryEntry) -> dict[str, Any]:
    return {
        "en": e.en,
        "zh": e.zh,
        "type": e.type,
        "count": e.count,
        "score": e.score,
        "anchors": [anchor_dict(a) for a in e.anchors],
        "zh_anchors": [anchor_dict(a) for a in e.zh_anchors],
        "zh_hant": e.zh_hant,
        "pinyin": e.pinyin,
        "evidence": list(e.evidence),
        "context_en": e.context_en,
        "context_zh": e.context_zh,
    }


def to_json(entries: list[GlossaryEntry], info: dict | None = None) -> str:
    obj = {"info": info or {}, "entries": [_entry_dict(e) for e in entries]}
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


WRITERS = {
    "tsv": to_tsv,
    "csv": to_csv,
    "tbx": to_tbx,
    "json": lambda entries: to_json(entries),
}


def format_from_path(path: str | os.PathLike | None) -> str | None:
    if path is None:
        return None
    ext = Path(path).suffix.lower().lstrip(".")
    return {
        "tsv": "tsv",
        "txt": "tsv",
        "csv": "csv",
        "tbx": "tbx",
        "xml": "tbx",
        "json": "json",
    }.get(ext)


# --------------------------------------------------------------------------- reading


def read_glossary(path: str | os.PathLike) -> list[tuple[str, str]]:
    """(en, zh) rows of a TSV/CSV (header naming ``en`` and ``zh``, else the first two columns), TBX or JSON glossary."""
    text, _ = read_text(path)
    fmt = format_from_path(path)
    stripped = text.lstrip("\ufeff \t\r\n")
    if fmt == "tbx" or stripped.startswith("<"):
        return parse_tbx(text, path)
    if fmt == "json" or stripped.startswith("{"):
        return _json_pairs(text, path)
    first = text.split("\n", 1)[0]
    delim = "\t" if "\t" in first or fmt == "tsv" else ","
    allow_csv_fields(len(text))
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delim))
    except csv.Error as exc:
        raise SubalignError(f"{path}: not a readable {'TSV' if delim == chr(9) else 'CSV'} glossary ({exc})") from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise SubalignError(f"{path}: the glossary is empty")
    head = [c.strip().lower() for c in rows[0]]
    if "en" in head and "zh" in head:
        ie, iz = head.index("en"), head.index("zh")
        rows = rows[1:]
    else:
        ie, iz = 0, 1
    out = []
    for n, r in enumerate(rows, 2):
        if len(r) <= max(ie, iz):
            raise SubalignError(f"{path}: line {n}: expected en and zh columns")
        out.append((r[ie].strip(), r[iz].strip()))
    return out


def _json_pairs(text: str, path) -> list[tuple[str, str]]:
    try:
        entries = json.loads(text)["entries"]
        pairs = [(r["en"], r["zh"]) for r in entries]
    except (ValueError, KeyError, TypeError, IndexError, RecursionError) as exc:
        raise SubalignError(f"{path}: not a subalign glossary JSON ({type(exc).__name__}: {exc})") from None
    for n, (en, zh) in enumerate(pairs, 1):
        if not isinstance(en, str) or not isinstance(zh, str):
            raise SubalignError(f"{path}: entry {n}: en and zh must be strings")
    return [(en.strip(), zh.strip()) for en, zh in pairs]


def parse_tbx(text: str, path: str | os.PathLike | None = None) -> list[tuple[str, str]]:
    """(en, zh) pairs from TBX v2 (termEntry/langSet/tig) or v3 (conceptEntry/langSec/termSec)."""
    try:
        root = ET.fromstring(text.lstrip("\ufeff").encode("utf-8"))
    except ET.ParseError as exc:
        raise SubalignError(f"{path or '<tbx>'}: not well-formed XML ({exc})") from None

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    out = []
    for entry in root.iter():
        if local(entry.tag) not in ("termEntry", "conceptEntry"):
            continue
        terms: dict[str, list[str]] = {"en": [], "zh": [], "zh-hant": []}
        for ls in entry:
            if local(ls.tag) not in ("langSet", "langSec"):
                continue
            lang = (ls.get(_XML_LANG) or ls.get("lang") or "").lower()
            key = (
                ("en" if lang.startswith("en") else None)
                if not lang.startswith("zh")
                else ("zh-hant" if any(x in lang for x in ("hant", "tw", "hk", "mo")) else "zh")
            )
            if key is None:
                continue
            for t in ls.iter():
                if local(t.tag) == "term" and t.text and t.text.strip():
                    terms[key].append(t.text.strip())
        zh_terms = terms["zh"] or terms["zh-hant"]  # traditional only when no simplified term is given
        for en in terms["en"]:
            for zh in zh_terms:
                out.append((en, zh))
    return out


# --------------------------------------------------------------------------- QA report

CHECK_COLUMNS = [
    "link",
    "en",
    "expected_zh",
    "src_anchors",
    "tgt_anchors",
    "src_text",
    "tgt_text",
]


def check_to_tsv(issues: list[CheckIssue]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, dialect=TsvDialect)
    w.writerow(CHECK_COLUMNS)
    for i in issues:
        w.writerow(
            [
                str(i.link),
                i.en,
                " | ".join(i.expected),
                ",".join(f"{a.id}:{a.start}-{a.end}" for a in i.src_anchors),
                ",".join(a.id for a in i.tgt_anchors),
                flat(i.src_text),
                flat(i.tgt_text),
            ]
        )
    return buf.getvalue()


def check_to_json(issues: list[CheckIssue], info: dict | None = None) -> str:
    obj = {
        "info": info or {},
        "issues": [
            {
                "link": i.link,
                "en": i.en,
                "expected_zh": list(i.expected),
                "src_anchors": [anchor_dict(a) for a in i.src_anchors],
                "tgt_anchors": [anchor_dict(a) for a in i.tgt_anchors],
                "src_text": i.src_text,
                "tgt_text": i.tgt_text,
            }
            for i in issues
        ],
    }
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"
