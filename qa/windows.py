"""SQuAD examples as training windows: sliding windows of question + context with the
answer's token positions ([CLS] when the window lacks it), bucketed by length and padded
to multiples of 32 so that a CPU sees few distinct shapes."""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from qa.reader import MAX_QUESTION_TOKENS, clip_questions, fitting_stride
from qa.squad import QAExample

logger = logging.getLogger(__name__)

PAD_MULTIPLE = 32


@dataclass
class Features:
    input_ids: list[np.ndarray]
    token_type_ids: list[np.ndarray] | None  # None: the tokenizer gives none (DistilBERT)
    starts: np.ndarray
    ends: np.ndarray

    def __len__(self) -> int:
        return len(self.input_ids)


def featurize(
    examples: list[QAExample], tokenizer: Any, max_length: int, stride: int, chunk: int = 2000,
    max_question_tokens: int = MAX_QUESTION_TOKENS,
) -> Features:
    """Tokenize into sliding windows with start/end token labels ([CLS]=0 if absent).

    Questions are cut to ``max_question_tokens`` tokens, as the reader cuts them; a window
    whose question leaves the passage no more room than ``stride`` overlaps by less."""
    ids: list[np.ndarray] = []
    types: list[np.ndarray] | None = (
        [] if "token_type_ids" in tokenizer.model_input_names else None)
    starts: list[int] = []
    ends: list[int] = []
    disable = not logger.isEnabledFor(logging.INFO)
    for b in tqdm(range(0, len(examples), chunk), desc="tokenize", disable=disable):
        batch = examples[b : b + chunk]
        questions = clip_questions(tokenizer, [ex.question for ex in batch], max_question_tokens)
        strides = [fitting_stride(tokenizer, max_length, stride, n) for _, n in questions]
        windows: list[list[tuple[list[int], list[int] | None, int, int]]] = [[] for _ in batch]
        for fit in sorted(set(strides), reverse=True):  # one call for the usual stride
            members = [k for k, x in enumerate(strides) if x == fit]
            enc = tokenizer(
                [questions[k][0] for k in members],
                [batch[k].context for k in members],
                truncation="only_second",
                max_length=max_length,
                stride=fit,
                return_overflowing_tokens=True,
                return_offsets_mapping=True,
                padding=False,
            )
            for i, input_ids in enumerate(enc["input_ids"]):
                k = members[enc["overflow_to_sample_mapping"][i]]
                s, e = label_window(batch[k], enc.sequence_ids(i), enc["offset_mapping"][i])
                typed = enc["token_type_ids"][i] if types is not None else None
                windows[k].append((input_ids, typed, s, e))
        for example_windows in windows:  # in the order of the examples
            for input_ids, typed, s, e in example_windows:
                ids.append(np.asarray(input_ids, dtype=np.int32))
                if types is not None:
                    types.append(np.asarray(typed, dtype=np.int8))
                starts.append(s)
                ends.append(e)
    return Features(ids, types, np.asarray(starts), np.asarray(ends))


def label_window(
    ex: QAExample, seq_ids: list[int | None], offsets: list[tuple[int, int]]
) -> tuple[int, int]:
    """Token (start, end) of the answer inside one window, or (0, 0) when it is not all there."""
    if ex.answer_start is None or ex.answer_text is None:
        return 0, 0
    char_s = ex.answer_start
    char_e = char_s + len(ex.answer_text)
    # 'Ada Lovelace ' or ' Ada Lovelace': no token holds the space, so its neighbour would
    # be labelled ('ada lovelace in', 'by ada lovelace')
    while char_s < char_e and ex.context[char_s].isspace():
        char_s += 1
    while char_e > char_s and ex.context[char_e - 1].isspace():
        char_e -= 1
    if char_s == char_e:
        return 0, 0
    ctx = [i for i, s in enumerate(seq_ids) if s == 1]
    if not ctx:
        return 0, 0
    first, last = ctx[0], ctx[-1]
    if offsets[first][0] > char_s or offsets[last][1] < char_e:
        return 0, 0
    s = first
    while s <= last and offsets[s][0] <= char_s:
        s += 1
    e = last
    while e >= first and offsets[e][1] >= char_e:
        e -= 1
    return s - 1, e + 1


def make_batches(lengths: np.ndarray, batch_size: int, seed: int) -> list[np.ndarray]:
    """Batches of windows of similar length (bucketed to multiples of 32), shuffled."""
    rng = np.random.default_rng(seed)
    buckets: dict[int, list[int]] = defaultdict(list)
    for i, n in enumerate(lengths):
        buckets[int(math.ceil(n / PAD_MULTIPLE) * PAD_MULTIPLE)].append(i)
    batches = []
    for _, idx in sorted(buckets.items()):
        perm = rng.permutation(np.asarray(idx))
        if len(perm) % batch_size and len(perm) > batch_size:
            # Top the last batch up with windows of the same bucket: one shape per bucket.
            perm = np.concatenate([perm, perm[: batch_size - len(perm) % batch_size]])
        batches += [perm[k : k + batch_size] for k in range(0, len(perm), batch_size)]
    return [batches[o] for o in rng.permutation(len(batches))]


def collate(feats: Features, idx: np.ndarray, pad_id: int) -> dict[str, Any]:
    import torch

    width = max(len(feats.input_ids[i]) for i in idx)
    width = int(math.ceil(width / PAD_MULTIPLE) * PAD_MULTIPLE)
    ids = torch.full((len(idx), width), pad_id, dtype=torch.long)
    # DistilBERT and RoBERTa take no token types (their tokenizers give none)
    types = None if feats.token_type_ids is None else torch.zeros((len(idx), width),
                                                                   dtype=torch.long)
    mask = torch.zeros((len(idx), width), dtype=torch.long)
    for row, i in enumerate(idx):
        n = len(feats.input_ids[i])
        ids[row, :n] = torch.from_numpy(feats.input_ids[i].astype(np.int64))
        if types is not None and feats.token_type_ids is not None:
            types[row, :n] = torch.from_numpy(feats.token_type_ids[i].astype(np.int64))
        mask[row, :n] = 1
    batch = {
        "input_ids": ids,
        "attention_mask": mask,
        "start_positions": torch.from_numpy(feats.starts[idx].astype(np.int64)),
        "end_positions": torch.from_numpy(feats.ends[idx].astype(np.int64)),
    }
    if types is not None:
        batch["token_type_ids"] = types
    return batch
