"""Bilingual glossary: term candidates (terms), pairing, checking, output formats; transliteration is lexicon.translit."""
