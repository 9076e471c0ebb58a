"""Plain data that flows between subalign's modules.

Every record that comes from a text carries an :class:`Anchor`, so any output
(TMX, TSV, JSON, subtitles, glossary) can point back to the exact place in the
review it came from.

>>> text = "Workers went on strike. The boss fled."
>>> doc = Document(text, [Sentence(0, "Workers went on strike.", Anchor(1, 1, 0, 23)),
...                       Sentence(1, "The boss fled.", Anchor(1, 2, 24, 38))], lang="en")
>>> len(doc), doc.sentences[1].anchor.id, text[24:38]
(2, 'p1.s2', 'The boss fled.')
"""

from __future__ import annotations

from dataclasses import dataclass, field

from subalign.errors import SubalignError  # re-exported: ``from subalign.types import SubalignError`` keeps working

__all__ = ["SubalignError", "Anchor", "Sentence", "Document", "Link", "Alignment", "Cue", "Quote", "TermPair"]


@dataclass(frozen=True)
class Anchor:
    """Where a piece of text sits in its file.

    ``paragraph`` and ``sentence`` are 1-based (``p12.s3`` is the third sentence of the
    twelfth paragraph); ``start``/``end`` are character offsets into the decoded text
    of the file (``text[start:end]`` is the sentence exactly as written).
    """

    paragraph: int
    sentence: int
    start: int
    end: int

    @property
    def id(self) -> str:
        """``p12.s3``: paragraph and sentence, as TSV, JSON, TMX and the report show it.

        >>> Anchor(12, 3, 1040, 1093).id
        'p12.s3'
        """
        return f"p{self.paragraph}.s{self.sentence}"


@dataclass(frozen=True)
class Sentence:
    """One sentence; ``index`` is its 0-based position in the document."""

    index: int
    text: str
    anchor: Anchor


@dataclass
class Document:
    """A decoded, segmented text file."""

    text: str
    sentences: list[Sentence]
    lang: str  # "en", "zh", or another ISO 639-1 code
    script: str | None = None  # "Hans" / "Hant" for Chinese, else None
    encoding: str = "utf-8"
    path: str | None = None

    def __len__(self) -> int:
        return len(self.sentences)

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.sentences]


@dataclass(frozen=True)
class Link:
    """A bead of the alignment: source sentence indices ↔ target sentence indices.

    Either side may be empty (a 1-0 deletion or 0-1 insertion), never both.

    >>> Link((3, 4), (5,), 0.81).kind, Link((6,), ()).kind
    ('2-1', '1-0')
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float = 0.0
    # Calibrated probability that this link is exactly right (subalign.aligner.confidence);
    # None where nothing computed one (e.g. a ladder read back, a hand-made link).
    confidence: float | None = None

    @property
    def kind(self) -> str:
        return f"{len(self.src)}-{len(self.tgt)}"


@dataclass
class Alignment:
    """The result of aligning two documents: their sentences and the links between them.

    >>> from subalign.text.documents import document_from_text
    >>> src = document_from_text("Workers went on strike. The boss fled.", lang="en")
    >>> tgt = document_from_text("工人罢工了。老板跑了。", lang="zh")
    >>> a = Alignment(src, tgt, [Link((0, 1), (0, 1), 0.7)], model="use-m3")
    >>> a.src_text(a.links[0]), a.tgt_text(a.links[0])
    ('Workers went on strike. The boss fled.', '工人罢工了。老板跑了。')
    """

    src: Document
    tgt: Document
    links: list[Link]
    model: str
    params: dict = field(default_factory=dict)

    def src_text(self, link: Link, sep: str | None = None) -> str:
        return _join([self.src.sentences[i].text for i in link.src], self.src.lang, sep)

    def tgt_text(self, link: Link, sep: str | None = None) -> str:
        return _join([self.tgt.sentences[i].text for i in link.tgt], self.tgt.lang, sep)


def _join(parts: list[str], lang: str, sep: str | None) -> str:
    if sep is None:
        sep = "" if lang in ("zh", "ja") else " "
    return sep.join(parts)


@dataclass(frozen=True)
class Cue:
    """One subtitle cue.

    ``number`` is the cue number as written in the file (renumbered from 1 when
    the file has none), ``position`` its 0-based order after parsing. Times are
    integer milliseconds so timing arithmetic never drifts. ``text`` keeps the
    markup as written (lines joined by ``\\n``); ``plain`` is the text with tags
    stripped, used for matching.

    >>> cue = Cue(7, 6, 62_500, 64_000, "<i>Workers</i> went\\non strike.", "Workers went on strike.")
    >>> cue.end_ms - cue.start_ms
    1500
    """

    number: int
    position: int
    start_ms: int
    end_ms: int
    text: str
    plain: str


@dataclass(frozen=True)
class Quote:
    """A quotation found in a review.

    ``parts`` are the quoted pieces as written (one, or several when the quote
    is broken by an attribution), ``spans`` their character spans in the review
    text; ``anchor`` is the carrying sentence's anchor with its span narrowed to
    the quotation (first part's start to last part's end); ``context`` is the
    carrying sentence.

    >>> q = Quote(0, ("The law", "is useless"), ((10, 17), (30, 39)), Anchor(1, 1, 10, 39), "...")
    >>> q.text
    'The law … is useless'
    """

    index: int
    parts: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    anchor: Anchor
    context: str

    @property
    def text(self) -> str:
        return " … ".join(self.parts)


@dataclass(frozen=True)
class TermPair:
    """A glossary entry: an English term and its Chinese rendering, with evidence."""

    en: str
    zh: str
    type: str
    score: float
    count: int = 0
    anchors: tuple[Anchor, ...] = ()
    evidence: tuple[str, ...] = ()
