"""Corrections made by a person in the report page, as a file of operations replayed on saved results.

``ops`` (the file and its operations), ``state`` (the results being corrected), ``saved``
(results read back from their saved files), ``exports`` (the corrected files, and what the
page needs to write them identically), ``replay`` (the operations on the results) and
``commands`` (``run_apply``, what ``subalign apply`` runs).
"""
