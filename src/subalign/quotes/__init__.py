"""Quotations: extracted from a review (extract), matched against subtitle cues (match, scoring, film),
found or not (decide, negation), through a second track in the review's language (via), written out (formats)."""
