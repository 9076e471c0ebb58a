"""Quotations: extracted from a review (extract), matched against subtitle cues (match), written out (formats)."""
