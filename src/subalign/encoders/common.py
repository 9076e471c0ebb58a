"""What every encoder module shares: the model and folder constants, and the text views an encoder
embeds (the Simplified view of each text, :func:`embedding_views`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from subalign.runs import DEFAULT_MODEL
from subalign.text.cjk import simplified_view

if TYPE_CHECKING:
    import numpy as np

__all__ = ["DEFAULT_MODEL", "Encoder", "embedding_views", "encode_views", "ensemble_members", "window_composer"]

#: Written into every folder made by :func:`build_model`; marks it as safe to rebuild.
BUILD_MARKER = "subalign_build.json"
#: An engine module's settings in a model folder (the same name as in modules.py).
CONFIG_FILE = "subalign_module.json"


# ---------------------------------------------------------------------------
# Encoders
# ---------------------------------------------------------------------------
def embedding_views(texts: Sequence[str]) -> list[str]:
    """What the encoders embed for ``texts``: each one's Simplified view (same length, outputs never see it)."""
    return [simplified_view(t) for t in texts]


def encode_views(encoder: Any, views: list[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
    """Embed texts that are views already: ``encode_views`` when the encoder has it, else ``encode``."""
    fn = getattr(encoder, "encode_views", None) or encoder.encode
    return fn(views, batch_size=batch_size, show_progress=show_progress)


def window_composer(encoder: Any) -> Any | None:
    """The encoder's :class:`~subalign.encoders.WindowComposer`, or None when its windows must be encoded."""
    make = getattr(encoder, "window_composer", None)
    return make() if callable(make) else None


def ensemble_members(encoder: Any) -> list[Any]:
    """The member encoders of an ensemble (whose windows are embedded member by member), else ``[]``."""
    return list(getattr(encoder, "members", None) or [])


@runtime_checkable
class Encoder(Protocol):
    """What the aligner needs from a model: unit-length float32 rows, one per text.

    Optional capabilities, looked up with ``getattr``:

    - ``encode_views(views, ...)``: like ``encode`` for texts that already are
      :func:`embedding_views`, so wrappers (cache, ensemble) take the view once;
    - ``window_composer()``: a :class:`WindowComposer`, or None, for encoders whose
      embeddings of consecutive sentences joined can be composed from per-sentence rows
      (read it with :func:`window_composer`);
    - ``members``: the encoders of an ensemble, whose rows it concatenates, each
      scaled by 1/sqrt(k) (read it with :func:`ensemble_members`).
    """

    name: str  # the spec as the user typed it
    id: str  # stable identity of the embeddings, for caches
    dim: int

    def encode(self, texts: Sequence[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray: ...
