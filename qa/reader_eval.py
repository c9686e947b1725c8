"""Reader-only evaluation on SQuAD-format examples: EM/F1 and no-answer accuracy."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from tqdm.auto import tqdm

from qa.metrics import best_over_golds
from qa.reader import ExtractiveReader
from qa.squad import QAExample

logger = logging.getLogger(__name__)


def evaluate_reader(
    reader: ExtractiveReader, examples: Sequence[QAExample], batch_pairs: int = 64
) -> dict[str, Any]:
    """Score ``reader`` on ``examples``.

    Answerable examples give EM and F1 of the best span (the SQuAD v1.1 protocol:
    no abstaining), plus the share where the no-answer score would have won.
    Examples without an answer give the no-answer accuracy: the share where the
    no-answer score beats the best span.
    """
    em_sum = f1_sum = 0.0
    n_ans = n_null = null_right = ans_abstained = 0
    disable = not logger.isEnabledFor(logging.INFO)
    for b in tqdm(range(0, len(examples), batch_pairs), desc="eval", unit="batch", disable=disable):
        batch = examples[b : b + batch_pairs]
        readings = reader.read_pairs([(ex.question, ex.context) for ex in batch])
        for ex, reading in zip(batch, readings):
            best = reading.best
            abstains = best is None or reading.no_answer_score > best.score
            if ex.answer_start is None:
                n_null += 1
                null_right += abstains
                continue
            n_ans += 1
            ans_abstained += abstains
            em, f1 = best_over_golds(best.text if best else None, ex.answers)
            em_sum += em
            f1_sum += f1
    out: dict[str, Any] = {"answerable": n_ans, "no_answer": n_null}
    if n_ans:
        out["exact_match"] = round(100 * em_sum / n_ans, 2)
        out["f1"] = round(100 * f1_sum / n_ans, 2)
        out["answerable_abstained"] = round(100 * ans_abstained / n_ans, 2)
    if n_null:
        out["no_answer_accuracy"] = round(100 * null_right / n_null, 2)
    return out
