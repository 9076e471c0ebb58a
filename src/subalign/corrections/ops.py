"""The corrections file: what a person changed in the report, as operations that can be replayed.

``{"subalign": "corrections", "version": 1, "name": "review.en", "inputs": {"review": "sha256:…", …},
"ops": [...]}``. Every operation names the sentences it is about by their anchor ids (``p3.s1``),
never by position alone, so it can be re-applied to outputs made again from an edited text and
an operation whose sentences are gone is noticed (``link`` is the link's number when the edit
was made, for a reader). The operations:

- ``{"op": "merge", "link": 12, "src": [...], "tgt": [...]}``: the link holding these sentences
  is merged with the next one; ``src``/``tgt`` are the merged link's sentences.
- ``{"op": "split", "link": 12, "src": [[...], [...]], "tgt": [[...], [...]]}``: the link holding
  exactly these sentences becomes two, the first part's and the second part's.
- ``{"op": "move", "link": 12, "side": "src", "sentence": "p3.s2", "to": "next"}``: a link's last
  (``next``) or first (``prev``) sentence of one side goes to the neighbouring link.
- ``{"op": "check", "link": 12, "src": [...], "tgt": [...]}``: the link was checked by a person.
- ``{"op": "quote", "quote": "p13.s3", "wording": "…", "cues": [49, 50, 51]}``: the quote is
  found at these cues (one of its candidates); ``"cues": []`` rejects it (not found).
- ``{"op": "term", "entry": 3, "en": "…", "zh": "…", "action": "accept" | "reject" | "edit",
  "to": {"en": "…", "zh": "…"}}``: a glossary row (its values before the change).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from subalign.errors import SubalignError

__all__ = ["FORMAT", "Corrections", "corrections_json", "parse_corrections"]

FORMAT = "corrections"
VERSION = 1
LINK_OPS = ("merge", "split", "move", "check")


@dataclass
class Corrections:
    """A parsed corrections file."""

    ops: list[dict[str, Any]]
    inputs: dict[str, str] = field(default_factory=dict)
    name: str | None = None


def _ids(x: Any, what: str) -> list[str]:
    if not isinstance(x, list) or not all(isinstance(i, str) for i in x):
        raise SubalignError(f"{what} must be a list of sentence ids")
    return x


def _check_link_op(op: dict, what: str) -> None:
    kind = op["op"]
    if "link" in op and (isinstance(op["link"], bool) or not isinstance(op["link"], int)):
        raise SubalignError(f"{what}: 'link' must be a number")
    if kind in ("merge", "check"):
        if not (_ids(op.get("src"), f"{what}: src") or _ids(op.get("tgt"), f"{what}: tgt")):
            raise SubalignError(f"{what}: names no sentence")
    elif kind == "split":
        parts = []
        for key in ("src", "tgt"):
            x = op.get(key)
            if not isinstance(x, list) or len(x) != 2:
                raise SubalignError(f"{what}: '{key}' must be two lists of sentence ids (first part, second part)")
            parts.append([_ids(p, f"{what}: {key}") for p in x])
        if not (parts[0][0] or parts[1][0]) or not (parts[0][1] or parts[1][1]):
            raise SubalignError(f"{what}: each part of a split needs a sentence")
    else:  # move
        if op.get("side") not in ("src", "tgt") or op.get("to") not in ("next", "prev"):
            raise SubalignError(f"{what}: needs 'side' (src or tgt) and 'to' (next or prev)")
        if not isinstance(op.get("sentence"), str):
            raise SubalignError(f"{what}: 'sentence' must be a sentence id")


def _check_op(op: Any, n: int) -> dict[str, Any]:
    what = f"operation {n}"
    if not isinstance(op, dict) or not isinstance(op.get("op"), str):
        raise SubalignError(f"{what} is not an object with an 'op'")
    kind = op["op"]
    if kind in LINK_OPS:
        _check_link_op(op, what)
    elif kind == "quote":
        if op.get("quote") is not None and not isinstance(op["quote"], str):
            raise SubalignError(f"{what}: 'quote' must be the quote's sentence id")
        if not isinstance(op.get("wording"), str):
            raise SubalignError(f"{what}: 'wording' must be the quote as written")
        cues = op.get("cues")
        if not isinstance(cues, list) or any(isinstance(c, bool) or not isinstance(c, int) for c in cues):
            raise SubalignError(f"{what}: 'cues' must be a list of cue numbers")
    elif kind == "term":
        entry = op.get("entry")
        if isinstance(entry, bool) or not isinstance(entry, int) or entry < 0:
            raise SubalignError(f"{what}: 'entry' must be a row number (0, 1, …)")
        if not isinstance(op.get("en"), str) or not isinstance(op.get("zh"), str):
            raise SubalignError(f"{what}: 'en' and 'zh' must be the row's values")
        if op.get("action") not in ("accept", "reject", "edit"):
            raise SubalignError(f"{what}: 'action' must be accept, reject or edit")
        to = op.get("to")
        if op["action"] == "edit" and not (
            isinstance(to, dict) and isinstance(to.get("en"), str) and isinstance(to.get("zh"), str)
        ):
            raise SubalignError(f"{what}: an edit needs 'to': {{'en': …, 'zh': …}}")
    else:
        raise SubalignError(f"{what}: unknown op {kind!r} (merge, split, move, check, quote or term)")
    return op


def parse_corrections(data: str | dict) -> Corrections:
    """A corrections file (text or parsed) checked for shape; one-line errors name the operation."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except (ValueError, RecursionError) as exc:
            raise SubalignError(f"not a corrections file ({type(exc).__name__}: {exc})") from None
    if not isinstance(data, dict) or data.get("subalign") != FORMAT:
        raise SubalignError('not a corrections file (no "subalign": "corrections")')
    if data.get("version") != VERSION:
        raise SubalignError(f"corrections version {data.get('version')!r} is not supported (expected {VERSION})")
    ops = data.get("ops")
    if not isinstance(ops, list):
        raise SubalignError("the corrections file has no 'ops' list")
    inputs = data.get("inputs") or {}
    if not isinstance(inputs, dict):
        raise SubalignError("the corrections file's 'inputs' must be an object")
    name = data.get("name")
    return Corrections([_check_op(op, n) for n, op in enumerate(ops, 1)],
                       {str(k): str(v) for k, v in inputs.items()}, name if isinstance(name, str) else None)


def corrections_json(c: Corrections) -> str:
    """The file the page's "Export corrections" writes (two-space JSON, one final newline)."""
    obj = {"subalign": FORMAT, "version": VERSION, "name": c.name, "inputs": c.inputs, "ops": c.ops}
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"
