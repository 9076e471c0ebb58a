"""Bilingual glossary: term candidates (terms), transliteration (translit), pairing, checking, output formats."""
