"""Glossary candidates: names, acronyms, titles and term-like phrases in English and Chinese.

Extraction is deliberately generous: the pairing step (:mod:`subalign.glossary.pairing`) is
what decides, with transliteration, co-occurrence and embeddings as evidence. What
must be right here is *where* each mention is (offsets into the document text, for
anchors) and the few things only the monolingual text can tell: which capitalised
word is just a sentence start, which acronym a bracket defines, which span is a title.

English has no POS tagger among our dependencies, so English candidates come from
orthography (capitals, brackets, italics, quotes) and stop-word-delimited runs; Chinese
candidates come from jieba's part-of-speech tags plus 《》, ·, （） and quotes.
"""

from __future__ import annotations

from subalign.glossary.candidates import Candidates, dedupe
from subalign.glossary.terms_en import extract_en
from subalign.glossary.terms_zh import extract_zh
from subalign.types import Document


def extract(doc: Document) -> Candidates:
    """Candidates for a document in either language."""
    if doc.lang == "zh":
        return extract_zh(doc)
    return dedupe(extract_en(doc))
