"""The extractive reader: picks answer spans out of passages with a QA model.

Scores are probabilities on one scale for every passage: a span scores
``p_start * p_end`` under the window's softmax, and the passage's no-answer
score is the same product at the [CLS] position, so spans from different
passages can be compared directly. When the model folder holds a ``calibration.json``
(see :mod:`qa.confidence`), each span also gets a calibrated ``confidence`` from its own
probability and its passage's no-answer score.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa.confidence import Calibration
from qa.config import PRECISIONS, default_reader_compile, default_reader_precision
from qa.errors import ConfigError, ModelLoadError
from qa.fileio import looks_like_path, quiet_model_loading
from qa.hardware import resolve_precision
from qa.hub import unreachable
from qa.spans import BLOCK_BREAK, crosses_cell, span_edges

logger = logging.getLogger(__name__)

DEFAULT_READER_PATH = Path(__file__).parent / "models" / "reader"
_ON, _OFF = ("1", "on", "true", "yes"), ("0", "off", "false", "no")
#: The tokens of a question that the reader reads (and training keeps); the rest is cut.
MAX_QUESTION_TOKENS = 64
#: What a BERT window spends beside the question and the passage: [CLS] q [SEP] p [SEP].
PAIR_SPECIAL_TOKENS = 3


def window_problem(max_length: int, stride: int,
                   max_question_tokens: int = MAX_QUESTION_TOKENS) -> str | None:
    """Why windows of ``max_length`` tokens cannot hold a question of up to
    ``max_question_tokens`` tokens and a passage part that overlaps the next by ``stride``
    tokens (the tokenizer panics on a stride not under the passage's room), else None."""
    if max_question_tokens >= max_length // 2:
        return (f"max_length {max_length} leaves too little room beside a question of "
                f"{max_question_tokens} tokens (max_question_tokens): raise max_length to "
                f"{2 * max_question_tokens + 2} or more")
    room = max_length - max_question_tokens - PAIR_SPECIAL_TOKENS
    if stride >= room:
        return (f"stride {stride} must be under the {room} passage tokens that a window of "
                f"max_length {max_length} holds beside a question of {max_question_tokens} "
                f"tokens (max_question_tokens): lower stride to {room - 1} or less, or raise "
                f"max_length to {stride + max_question_tokens + PAIR_SPECIAL_TOKENS + 1} or more")
    return None


def clip_questions(tokenizer: Any, questions: Sequence[str], max_tokens: int
                   ) -> list[tuple[str, int]]:
    """Each question cut to its first ``max_tokens`` tokens, with the tokens it keeps."""
    if not questions:
        return []
    enc = tokenizer(list(questions), add_special_tokens=False, return_offsets_mapping=True)
    out = []
    for question, offsets in zip(questions, enc["offset_mapping"]):
        if len(offsets) <= max_tokens:
            out.append((question, len(offsets)))
        else:  # counted again: the cut text is what the windows hold
            cut = question[: offsets[max_tokens - 1][1]]
            out.append((cut, len(tokenizer(cut, add_special_tokens=False)["input_ids"])))
    return out


def fitting_stride(tokenizer: Any, max_length: int, stride: int, question_tokens: int) -> int:
    """``stride``, or less where a question of ``question_tokens`` leaves the passage less
    room than that in a window (the tokenizer panics on a stride not under the room)."""
    room = max_length - tokenizer.num_special_tokens_to_add(pair=True) - question_tokens
    return max(0, min(stride, room - 1))


@dataclass(frozen=True)
class Span:
    """An answer candidate: ``passage[start:end] == text``.

    ``score`` is the span's probability; ``confidence`` the calibrated estimate of its F1
    (None when the reader has no calibration).
    """

    text: str
    start: int
    end: int
    score: float
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Reading:
    """What the reader found in one passage: best spans first, and the no-answer score."""

    spans: tuple[Span, ...]
    no_answer_score: float

    @property
    def best(self) -> Span | None:
        return self.spans[0] if self.spans else None

    def to_dict(self) -> dict[str, Any]:
        return {"spans": [s.to_dict() for s in self.spans], "no_answer_score": self.no_answer_score}


def _log_softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max()
    return x - np.log(np.exp(x).sum())


class ExtractiveReader:
    """A transformers question-answering model behind a small, batched API.

    ``model`` is a local directory or a hub id; by default the reader shipped in
    ``qa/models/reader``. The model loads on first use. ``precision`` (default
    ``$QA_READER_PRECISION``, else ``auto``) is ``fp32``, ``bf16``, or ``auto``: bf16 weights
    where the CPU computes bf16 natively (the same F1 on held-out SQuAD in half the time),
    else fp32.

    ``compile`` (default ``$QA_READER_COMPILE``, else off) runs the model through
    ``torch.compile``: 5-10% faster per question on CPUs, after a one-time compile
    of 10-40 s (C++ compiler needed; without one the reader warns and reads uncompiled).
    :meth:`warm_up` compiles up front, optionally in the background.
    """

    def __init__(
        self,
        model: str | Path | None = None,
        *,
        max_length: int = 256,
        stride: int = 128,
        max_answer_tokens: int = 30,
        max_question_tokens: int = MAX_QUESTION_TOKENS,
        batch_size: int = 32,
        top_n: int = 3,
        int8: bool = False,
        precision: str | None = None,
        compile: bool | None = None,
    ) -> None:
        if max_length < 64:
            raise ConfigError(f"reader max_length must be at least 64, got {max_length}")
        if not 0 < stride < max_length:
            raise ConfigError(f"reader stride must be in (0, max_length), got {stride}")
        problem = window_problem(max_length, stride, max_question_tokens)
        if problem:
            raise ConfigError(f"reader {problem}")
        if max_answer_tokens < 1 or batch_size < 1 or top_n < 1:
            raise ConfigError("reader max_answer_tokens, batch_size and top_n must be positive")
        precision = precision or default_reader_precision()
        if precision not in PRECISIONS:
            raise ConfigError(f"reader precision must be one of {', '.join(PRECISIONS)} "
                              f"(argument or $QA_READER_PRECISION), got {precision!r}")
        if compile is None:
            env = default_reader_compile().strip().lower()
            if env not in _ON + _OFF:
                raise ConfigError(f"$QA_READER_COMPILE must be on or off (1/0), got {env!r}")
            compile = env in _ON
        if compile and int8:
            raise ConfigError("the reader cannot be both int8-quantized and compiled: "
                              "choose one (unset $QA_READER_COMPILE for int8)")
        # Like the embedder, an empty name (an unset option) means the default model.
        self.model_name = str(model) if model else str(DEFAULT_READER_PATH)
        self.max_length = max_length
        self.stride = stride
        self.max_answer_tokens = max_answer_tokens
        self.max_question_tokens = max_question_tokens
        self.batch_size = batch_size
        self.top_n = top_n
        self.int8 = int8
        self.precision = precision
        self.compile = bool(compile)
        self._model: Any = None
        self._compiled: Any = None  # the torch.compile wrapper
        self._compiling_in: int | None = None  # the thread compiling it in the background
        self._tokenizer: Any = None
        self.calibration: Calibration | None = None
        # Loading happens once, whichever thread asks first; the tokenizer is shared state
        # (each call sets its truncation), so concurrent reads take turns at tokenizing.
        self._load_lock = threading.Lock()
        self._tokenizer_lock = threading.Lock()

    @classmethod
    def from_model(cls, model: Any, tokenizer: Any, **kwargs: Any) -> ExtractiveReader:
        """Wrap an already loaded model and tokenizer (used during training)."""
        reader = cls(getattr(model, "name_or_path", None) or "in-memory", **kwargs)
        reader._model, reader._tokenizer = model, tokenizer
        return reader

    def load(self) -> None:
        if self._model is not None:
            return
        with self._load_lock:
            if self._model is None:
                self._load()

    def _load(self) -> None:
        import torch  # imported lazily: importing qa stays cheap
        from transformers import AutoModelForQuestionAnswering, AutoTokenizer

        path = Path(self.model_name)
        if self.model_name == str(DEFAULT_READER_PATH) and not (path / "config.json").is_file():
            raise ModelLoadError(
                f"the shipped reader model is missing from {path}. Reinstall the package, "
                "or train one with `qa train-reader` and pass its folder as the reader model."
            )
        if looks_like_path(self.model_name) and not path.is_dir():
            raise ModelLoadError(
                f"no reader model folder at {path}: pass a folder with a question-answering "
                "model (config.json, tokenizer, weights), such as qa/models/reader."
            )
        if path.is_dir() and not (path / "config.json").is_file():
            raise ModelLoadError(
                f"{path} holds no model (no config.json): pass a folder with a "
                "question-answering model (config.json, tokenizer, weights), such as "
                "qa/models/reader."
            )
        offline = unreachable(self.model_name)
        if offline:
            raise ModelLoadError(
                f"cannot load the reader model '{self.model_name}': {offline}. Pass a local "
                "folder with a question-answering model, such as qa/models/reader, or connect "
                "to the internet.")
        try:
            with quiet_model_loading(logger):
                self._tokenizer = AutoTokenizer.from_pretrained(self.model_name)
                model = AutoModelForQuestionAnswering.from_pretrained(self.model_name)
        except (OSError, ValueError) as exc:
            raise ModelLoadError(
                f"cannot load the reader model '{self.model_name}': {str(exc).rstrip('.')}. "
                "Pass a local folder "
                "with a question-answering model (config.json, tokenizer, weights)."
            ) from exc
        model = model.float().eval()
        if self.dtype == "bf16":
            model = model.to(torch.bfloat16)
        elif self.int8:
            # Dynamic int8 quantization of the linear layers: faster on CPUs, same answers
            # on our checks (see docs/results.md, Benchmarks).
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = torch.ao.quantization.quantize_dynamic(
                    model, {torch.nn.Linear}, dtype=torch.qint8
                )
        if path.is_dir():
            self.calibration = Calibration.load(path)
        if self.compile:
            self._compiled = torch.compile(model, dynamic=True)
        self._model = model  # last: a reader with a model is ready to read
        logger.info("loaded reader %s (%s)", self.model_name, self.dtype)

    @property
    def dtype(self) -> str:
        """What the model computes in: 'int8', 'bf16' or 'fp32'."""
        if self.int8:
            return "int8"
        return resolve_precision(self.precision)

    def read(self, question: str, passages: Sequence[str]) -> list[Reading]:
        """Read ``passages`` for ``question``; one :class:`Reading` per passage."""
        return self.read_pairs([(question, p) for p in passages])

    def read_pairs(self, pairs: Sequence[tuple[str, str]]) -> list[Reading]:
        """Read (question, passage) pairs in batches; one :class:`Reading` per pair."""
        if not pairs:
            return []
        self.load()
        import torch

        tok = self._tokenizer
        contexts = [c for _, c in pairs]
        with self._tokenizer_lock:
            clipped = clip_questions(tok, [q for q, _ in pairs], self.max_question_tokens)
            # the checks at construction leave BERT's room; another tokenizer may need less
            stride = fitting_stride(tok, self.max_length, self.stride,
                                    max(n for _, n in clipped))
            enc = tok(
                [q for q, _ in clipped],
                contexts,
                truncation="only_second",
                max_length=self.max_length,
                stride=stride,
                return_overflowing_tokens=True,
                return_offsets_mapping=True,
                padding=False,
            )
        n_feat = len(enc["input_ids"])
        order = sorted(range(n_feat), key=lambda i: len(enc["input_ids"][i]))
        logits: list[tuple[np.ndarray, np.ndarray]] = [None] * n_feat  # type: ignore[list-item]
        pad_id = tok.pad_token_id or 0
        # DistilBERT and RoBERTa take no token types (their tokenizers give none)
        typed = "token_type_ids" in tok.model_input_names
        device = getattr(self._model, "device", None)  # a GPU while training reads
        with torch.inference_mode():
            for b in range(0, n_feat, self.batch_size):
                idx = order[b : b + self.batch_size]
                width = max(len(enc["input_ids"][i]) for i in idx)
                inputs = {"input_ids": torch.full((len(idx), width), pad_id, dtype=torch.long),
                          "attention_mask": torch.zeros((len(idx), width), dtype=torch.long)}
                if typed:
                    inputs["token_type_ids"] = torch.zeros((len(idx), width), dtype=torch.long)
                for row, i in enumerate(idx):
                    n = len(enc["input_ids"][i])
                    inputs["input_ids"][row, :n] = torch.tensor(enc["input_ids"][i])
                    inputs["attention_mask"][row, :n] = 1
                    if typed:
                        inputs["token_type_ids"][row, :n] = torch.tensor(enc["token_type_ids"][i])
                if device is not None and device.type != "cpu":
                    inputs = {k: v.to(device) for k, v in inputs.items()}
                out = self._forward(**inputs)
                start = out.start_logits.float().cpu().numpy()
                end = out.end_logits.float().cpu().numpy()
                for row, i in enumerate(idx):
                    n = len(enc["input_ids"][i])
                    logits[i] = (start[row, :n], end[row, :n])

        best: list[dict[tuple[int, int], float]] = [{} for _ in pairs]
        no_answer = [1.0] * len(pairs)
        for i in range(n_feat):
            sample = enc["overflow_to_sample_mapping"][i]
            seq_ids = enc.sequence_ids(i)
            offsets = enc["offset_mapping"][i]
            ls, le = (_log_softmax(x) for x in logits[i])
            no_answer[sample] = min(no_answer[sample], float(np.exp(ls[0] + le[0])))
            ctx = np.array([s == 1 for s in seq_ids])
            for (s, e), score in self._spans(ls, le, ctx):
                key = span_edges(contexts[sample], offsets[s][0], offsets[e][1])
                if BLOCK_BREAK.search(contexts[sample], *key) or crosses_cell(
                        contexts[sample], *key):
                    continue  # 'Armenia\n\nArmenia' (a heading and its paragraph), two rows,
                    # two cells of a row ('13,150 | 910')
                if score > best[sample].get(key, -1.0):
                    best[sample][key] = score
        readings = []
        for k, cands in enumerate(best):
            # a span that its edges trim to nothing ('(' alone) takes no place of top_n
            ranked = sorted(((ab, score) for ab, score in cands.items() if ab[1] > ab[0]),
                            key=lambda kv: -kv[1])[: self.top_n]
            cal = self.calibration
            spans = tuple(
                Span(contexts[k][a:b], a, b, score,
                     round(cal.confidence(score, no_answer[k]), 6) if cal else None)
                for (a, b), score in ranked
            )
            readings.append(Reading(spans, no_answer[k]))
        return readings

    def _forward(self, **inputs: Any) -> Any:
        """The model's output, compiled when asked and ready; uncompiled after a failure."""
        compiling = self._compiling_in
        if self._compiled is None or compiling is not None and compiling != threading.get_ident():
            return self._model(**inputs)
        try:
            return self._compiled(**inputs)
        except Exception as exc:  # noqa: BLE001 - any compile failure: read uncompiled
            self._compiled, self.compile = None, False
            logger.warning("torch.compile of the reader failed (%s: %s); reading without it. "
                           "Set QA_READER_COMPILE=0 (or leave out --compile) to skip the attempt.",
                           type(exc).__name__, str(exc).splitlines()[0][:200] if str(exc) else "")
            return self._model(**inputs)

    def warm_up(self, background: bool = False) -> threading.Thread | None:
        """Load the model and, when compiling, compile it for one and for several passages
        (the two graphs reading needs). With ``background``, compile in a daemon thread;
        reads meanwhile run uncompiled. Returns that thread, else None."""
        self.load()
        if self._compiled is None:
            return None
        if not background:
            self._compile_now()
            return None
        thread = threading.Thread(target=self._compile_now, name="reader-compile", daemon=True)
        self._compiling_in = -1  # until the thread runs, reads stay uncompiled
        thread.start()
        return thread

    def _compile_now(self) -> None:
        t0 = time.perf_counter()
        logger.info("compiling the reader (torch.compile; 10-40 s, once) …")
        if self._compiling_in is not None:
            self._compiling_in = threading.get_ident()
        try:
            for n in (2, 1):
                self.read_pairs([("Who wrote it?", "It was written by Ada Lovelace.")] * n)
        except Exception as exc:  # noqa: BLE001 - the reads of other threads report real errors
            logger.warning("warming up the reader failed: %s", exc)
        finally:
            self._compiling_in = None
        if self._compiled is not None:
            logger.info("reader compiled in %.1f s", time.perf_counter() - t0)

    def _spans(
        self, ls: np.ndarray, le: np.ndarray, ctx: np.ndarray
    ) -> list[tuple[tuple[int, int], float]]:
        if not ctx.any():
            return []
        k = 20
        s_masked = np.where(ctx, ls, -np.inf)
        e_masked = np.where(ctx, le, -np.inf)
        starts = np.argsort(-s_masked)[:k]
        ends = np.argsort(-e_masked)[:k]
        out = []
        for s in starts:
            if not ctx[s]:
                continue
            for e in ends:
                if ctx[e] and s <= e < s + self.max_answer_tokens:
                    out.append(((int(s), int(e)), float(np.exp(ls[s] + le[e]))))
        return out
