"""Serialising an :class:`Alignment` to the formats people feed into other tools.

Every writer is a pure function returning ``str`` so the caller can write the file
atomically (and encode it as UTF-8, which the TMX declaration promises).

- ``ladder``: Bertalign/Vecalign's ``[0, 1]:[2]:0.812`` lines, for their scorers.
- ``tsv``: one bead per row for spreadsheets and pandas.
- ``json``: everything, including anchors back into the source files.
- ``tmx``: TMX 1.4b for CAT tools (memoQ, Trados, OmegaT...).

A two-bead alignment (as :func:`subalign.align` returns, here built by hand):

>>> from subalign.text.documents import document_from_text
>>> from subalign.types import Alignment, Link
>>> src = document_from_text("Workers went on strike. The boss fled.", lang="en")
>>> tgt = document_from_text("工人罢工了。老板跑了。", lang="zh")
>>> alignment = Alignment(src, tgt, [Link((0,), (0,), 0.78), Link((1,), (1,), 0.61)], model="use-m3")
>>> print(to_ladder(alignment), end="")
[0]:[0]:0.780
[1]:[1]:0.610
>>> print(to_tsv(alignment), end="")  # tab-separated
src                      tgt          score  src_anchor  tgt_anchor  confidence
Workers went on strike.  工人罢工了。  0.780  p1.s1       p1.s1
The boss fled.           老板跑了。    0.610  p1.s2       p1.s2
>>> import json
>>> first = json.loads(to_json(alignment))["links"][0]
>>> first["tgt_text"], first["src_anchors"][0]
('工人罢工了。', {'id': 'p1.s1', 'paragraph': 1, 'sentence': 1, 'start': 0, 'end': 23})
>>> print(to_tmx(alignment))  # doctest: +ELLIPSIS
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="subalign" ... />
  <body>
    <tu>
      <prop type="x-score">0.780</prop>
      <prop type="x-src-anchor">p1.s1</prop>
      <prop type="x-tgt-anchor">p1.s1</prop>
      <tuv xml:lang="en">
        <seg>Workers went on strike.</seg>
      </tuv>
      <tuv xml:lang="zh-CN">
        <seg>工人罢工了。</seg>
      </tuv>
    </tu>
    ...
  </body>
</tmx>
>>> FORMATS[format_from_path("review.tmx")] is to_tmx
True
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import subalign
from subalign.errors import SubalignError
from subalign.types import Alignment, Anchor, Document, Link

__all__ = [
    "FORMATS",
    "TsvDialect",
    "anchor_dict",
    "confidence_text",
    "flat",
    "format_from_path",
    "parse_ladder",
    "tmx_kept",
    "tmx_lang",
    "to_json",
    "to_ladder",
    "to_tmx",
    "to_tsv",
    "xml_text",
]

# --------------------------------------------------------------------------- ladder


def _indices(idx: Sequence[int]) -> str:
    return "[" + ", ".join(str(i) for i in idx) + "]"


def to_ladder(alignment: Alignment) -> str:
    """One bead per line, ``[3, 4]:[5]:0.812``: the format Bertalign/Vecalign read and score."""
    return "".join(
        f"{_indices(link.src)}:{_indices(link.tgt)}:{link.score:.3f}\n" for link in alignment.links
    )


_LADDER_RE = re.compile(
    r"""^\s*\[(?P<src>[^\]]*)\]\s*:\s*\[(?P<tgt>[^\]]*)\]\s*   # [0, 1]:[2]
        (?::\s*(?P<score>[^:\s]+)\s*)?$                       # optional :0.812""",
    re.VERBOSE,
)
_INDEX_RE = re.compile(r"\s*([0-9]+)\s*")


def _parse_indices(body: str) -> tuple[int, ...] | None:
    """``"0, 1"`` -> ``(0, 1)``; ``""`` -> ``()``; ``None`` if anything else is in there."""
    if not body.strip():
        return ()
    out = []
    for part in body.split(","):
        m = _INDEX_RE.fullmatch(part)
        if m is None:
            return None
        out.append(int(m.group(1)))
    return tuple(out)


def parse_ladder(text: str, path: str | os.PathLike[str] | None = None) -> list[Link]:
    """Read ladder lines (with or without the score, as in gold files; score defaults to 0.0).

    Blank lines and extra spaces are ignored. A line that is not a bead, or a bead empty
    on both sides, raises :class:`SubalignError` naming the file and line, because a
    silently skipped line would shift every score computed from the file.

    >>> parse_ladder("[0, 1]:[2]:0.812\\n[2]:[]\\n")
    [Link(src=(0, 1), tgt=(2,), score=0.812, confidence=None), Link(src=(2,), tgt=(), score=0.0, confidence=None)]
    """
    where = str(path) if path is not None else "<ladder>"
    links: list[Link] = []
    for lineno, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        m = _LADDER_RE.match(line)
        src = _parse_indices(m.group("src")) if m else None
        tgt = _parse_indices(m.group("tgt")) if m else None
        score = 0.0
        ok = m is not None and src is not None and tgt is not None and bool(src or tgt)
        if ok and m.group("score") is not None:
            try:
                score = float(m.group("score"))
            except ValueError:
                ok = False
        if not ok:
            shown = line.strip()
            if len(shown) > 60:
                shown = shown[:57] + "..."
            raise SubalignError(
                f"{where}:{lineno}: not an alignment line: {shown!r} "
                "(expected e.g. '[0, 1]:[2]:0.812' or '[0]:[]')"
            )
        links.append(Link(src, tgt, score))  # type: ignore[arg-type]
    return links


# --------------------------------------------------------------------------- TSV

# Runs of characters that a line-based reader could treat as a field or row break.
_BREAKS_RE = re.compile(r"[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+")


class TsvDialect(csv.excel_tab):
    lineterminator = "\n"  # plain Unix TSV; csv readers accept it as well as \r\n


def flat(text: str) -> str:
    return _BREAKS_RE.sub(" ", text)


def _anchor_ids(doc: Document, idx: Sequence[int]) -> str:
    return ",".join(doc.sentences[i].anchor.id for i in idx)


def confidence_text(c: float | None) -> str:
    """A link's confidence as the files write it (3 places), ``""`` when it has none."""
    return f"{c:.3f}" if c is not None and math.isfinite(c) else ""


def to_tsv(alignment: Alignment) -> str:
    """Header ``src tgt score src_anchor tgt_anchor confidence`` then one row per bead.

    ``confidence`` (last, so the older columns keep their places) is empty for a link
    without one.

    Line breaks and tabs inside text become spaces so each bead stays one row even for
    naive ``split('\\t')`` readers; quotes are still csv-quoted so ``csv.reader``
    round-trips every field.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, dialect=TsvDialect)
    writer.writerow(["src", "tgt", "score", "src_anchor", "tgt_anchor", "confidence"])
    for link in alignment.links:
        writer.writerow(
            [
                flat(alignment.src_text(link)),
                flat(alignment.tgt_text(link)),
                f"{link.score:.3f}",
                _anchor_ids(alignment.src, link.src),
                _anchor_ids(alignment.tgt, link.tgt),
                confidence_text(link.confidence),
            ]
        )
    return buf.getvalue()


# --------------------------------------------------------------------------- JSON


def _doc_info(doc: Document) -> dict[str, Any]:
    return {
        "path": doc.path,
        "lang": doc.lang,
        "script": doc.script,
        "encoding": doc.encoding,
        "n_sentences": len(doc.sentences),
    }


def anchor_dict(anchor: Anchor) -> dict[str, Any]:
    return {
        "id": anchor.id,
        "paragraph": anchor.paragraph,
        "sentence": anchor.sentence,
        "start": anchor.start,
        "end": anchor.end,
    }


def _json_default(obj: Any) -> Any:
    """Make common non-JSON param values (numpy scalars, paths, sets) serialisable."""
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalar / 0-d array
        return obj.item()
    if hasattr(obj, "tolist") and callable(obj.tolist):  # numpy array
        return obj.tolist()
    if isinstance(obj, (set, frozenset)):
        return sorted(obj, key=str)
    return str(obj)


def _json_score(score: float) -> float | None:
    return score if math.isfinite(score) else None  # NaN/inf are not valid JSON


def to_json(alignment: Alignment) -> str:
    """The whole alignment, with texts and anchors, for programs that post-process it."""
    src, tgt = alignment.src, alignment.tgt
    links = [
        {
            "src": list(link.src),
            "tgt": list(link.tgt),
            "score": _json_score(link.score),
            "confidence": _json_score(link.confidence) if link.confidence is not None else None,
            "src_text": alignment.src_text(link),
            "tgt_text": alignment.tgt_text(link),
            "src_anchors": [anchor_dict(src.sentences[i].anchor) for i in link.src],
            "tgt_anchors": [anchor_dict(tgt.sentences[i].anchor) for i in link.tgt],
        }
        for link in alignment.links
    ]
    obj = {
        "src": _doc_info(src),
        "tgt": _doc_info(tgt),
        "model": alignment.model,
        "params": alignment.params,
        "links": links,
    }
    return json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default, allow_nan=False) + "\n"


# --------------------------------------------------------------------------- TMX

# XML 1.0 Char production: everything else (most C0 controls, lone surrogates,
# U+FFFE/U+FFFF) makes the file unparseable, so it is dropped.
_XML_ILLEGAL_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (most C0 controls, lone surrogates).

    >>> xml_text("tab\\tstays, bell\\x07 goes")
    'tab\\tstays, bell goes'
    """
    return _XML_ILLEGAL_RE.sub("", text)


def tmx_lang(doc: Document) -> str:
    """The ``xml:lang`` tag for a document.

    Chinese needs the region because CAT tools keep Simplified and Traditional apart as
    zh-CN / zh-TW (memoQ's "Chinese (PRC)" / "Chinese (Taiwan)"); an unknown script is
    taken as Simplified, the common case. Other languages get the bare ISO 639-1 code:
    the TMX spec allows it, memoQ maps TMX languages to the TM's languages in its import
    dialog, and Trados Studio only rejects a differing sub-language when "check matching
    sub-languages" is switched on, so inventing a region (en-US for a British text)
    would be worse than leaving it out.

    >>> from subalign.types import Document
    >>> tmx_lang(Document("", [], "zh", script="Hant")), tmx_lang(Document("", [], "en"))
    ('zh-TW', 'en')
    """
    lang = (doc.lang or "").strip().lower()
    if lang == "zh":
        return "zh-TW" if doc.script == "Hant" else "zh-CN"
    return lang or "und"


def tmx_kept(link: Link, min_confidence: float | None = None) -> bool:
    """Whether a link becomes a TMX ``<tu>``: text on both sides and, with ``min_confidence``,
    a confidence of at least that (a link without a confidence is kept)."""
    if not link.src or not link.tgt:
        return False
    return min_confidence is None or link.confidence is None or link.confidence >= min_confidence


def to_tmx(alignment: Alignment, min_confidence: float | None = None) -> str:
    """TMX 1.4b, one ``<tu>`` per bead with text on both sides (1-0/0-1 beads are no TUs).

    Score, confidence (when the link has one) and anchors go into ``x-`` props (the
    TMX convention for tool-defined properties) so a TM entry can be traced back to
    the review it came from. With ``min_confidence``, links less likely right than
    that are left out (see :func:`tmx_kept`): a translation memory is reused blindly.
    """
    src_lang, tgt_lang = tmx_lang(alignment.src), tmx_lang(alignment.tgt)
    root = ET.Element("tmx", {"version": "1.4"})
    ET.SubElement(
        root,
        "header",
        {
            "creationtool": "subalign",
            "creationtoolversion": str(getattr(subalign, "__version__", "0")),
            "datatype": "plaintext",
            "segtype": "sentence",
            "adminlang": "en",
            "srclang": src_lang,
            "o-tmf": "subalign",
        },
    )
    body = ET.SubElement(root, "body")
    for link in alignment.links:
        if not tmx_kept(link, min_confidence):
            continue
        tu = ET.SubElement(body, "tu")
        conf = confidence_text(link.confidence)
        props = (
            ("x-score", f"{link.score:.3f}"),
            *((("x-confidence", conf),) if conf else ()),
            ("x-src-anchor", _anchor_ids(alignment.src, link.src)),
            ("x-tgt-anchor", _anchor_ids(alignment.tgt, link.tgt)),
        )
        for kind, value in props:
            ET.SubElement(tu, "prop", {"type": kind}).text = value
        for lang, text in ((src_lang, alignment.src_text(link)), (tgt_lang, alignment.tgt_text(link))):
            tuv = ET.SubElement(tu, "tuv", {_XML_LANG: lang})
            ET.SubElement(tuv, "seg").text = xml_text(text)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --------------------------------------------------------------------------- registry

FORMATS: dict[str, Callable[[Alignment], str]] = {
    "ladder": to_ladder,
    "tsv": to_tsv,
    "json": to_json,
    "tmx": to_tmx,
}

_EXTENSIONS = {
    ".align": "ladder",
    ".ladder": "ladder",
    ".txt": "ladder",
    ".tsv": "tsv",
    ".json": "json",
    ".tmx": "tmx",
}


def format_from_path(path: str | os.PathLike[str]) -> str | None:
    """The format implied by a file's extension (case-insensitive), or ``None`` if unknown.

    >>> format_from_path("out/review.TMX"), format_from_path("review.align"), format_from_path("notes.pdf")
    ('tmx', 'ladder', None)
    """
    return _EXTENSIONS.get(Path(path).suffix.lower())
