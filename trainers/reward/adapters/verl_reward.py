"""verl reward function backed by `harness reward serve` (the paper's mixed reward).

verl config (docs/verl-easyr1.md):

    custom_reward_function.path=/path/to/trainers/reward/adapters/verl_reward.py
    custom_reward_function.name=compute_score
    +custom_reward_function.reward_kwargs.reward_url=http://REWARD_HOST:5000/get_reward

verl decodes each response without the prompt and without special tokens
and calls compute_score once per sample (the naive reward manager), or
compute_score_batch once per batch with reward_model.reward_manager=batch
and custom_reward_function.name=compute_score_batch.

The returned dict has "score" (what verl trains on) and, under the same keys
for every sample so verl can gather them per batch: "acc" (equal to score:
the paper's format gate is inside it), "format_ok", "pred" (the extracted
answer; verl's validation metrics vote on it), "verifier_type" and "reason".
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness_reward_client as client  # noqa: E402


def _verifier(extra_info, kwargs):
    if isinstance(extra_info, dict) and extra_info.get("verifier_type"):
        return extra_info["verifier_type"]
    return kwargs.get("verifier_type")


def _result(reply, i):
    d = client.sample_details(reply, i)
    return {
        "score": d["reward"],
        "acc": d["reward"],
        "format_ok": d["format_ok"],
        "pred": d["answer"],
        "verifier_type": d["verifier_type"],
        "reason": d["reason"],
    }


def compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    """verl's per-sample reward function."""
    label = client.make_label(ground_truth, _verifier(extra_info, kwargs))
    reply = client.score([solution_str], [label], **client.options(kwargs))
    return _result(reply, 0)


def compute_score_batch(data_sources, solution_strs, ground_truths, extra_infos=None, **kwargs):
    """verl's batch reward function (reward_model.reward_manager=batch): one request per batch."""
    if extra_infos is None:
        extra_infos = [None] * len(solution_strs)
    labels = [client.make_label(gt, _verifier(ei, kwargs)) for gt, ei in zip(ground_truths, extra_infos)]
    reply = client.score(list(solution_strs), labels, **client.options(kwargs))
    return [_result(reply, i) for i in range(len(labels))]
