"""EasyR1 reward function backed by `harness reward serve` (the paper's mixed reward).

EasyR1 config (docs/verl-easyr1.md):

    worker.reward.reward_type=batch
    worker.reward.reward_function=/path/to/trainers/reward/adapters/easyr1_reward.py:compute_score
    worker.reward.reward_function_kwargs='{"reward_url": "http://REWARD_HOST:5000/get_reward"}'

EasyR1 calls compute_score with a list of {"response", "response_length",
"ground_truth"} (reward_type=batch; one request per batch) or with one such
dict (reward_type=sequential), and trains on "overall". Every value is a
float, as EasyR1 averages each key into its metrics.

"overall" is the mixed reward: accuracy with the paper's implicit format gate
(no answer in <think>…</think><answer>…</answer> form scores 0), and no
additive format term unless format_weight is given, which mixes
(1 - format_weight) · accuracy + format_weight · format like EasyR1's own
math reward.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness_reward_client as client  # noqa: E402


def compute_score(reward_inputs, **kwargs):
    single = isinstance(reward_inputs, dict)
    inputs = [reward_inputs] if single else list(reward_inputs)
    verifier = kwargs.get("verifier_type")
    weight = float(kwargs.get("format_weight", 0.0))
    if not 0.0 <= weight <= 1.0:
        raise ValueError("format_weight %r: want a number in [0, 1]" % weight)
    labels = [client.make_label(ri["ground_truth"], verifier) for ri in inputs]
    reply = client.score([ri["response"] for ri in inputs], labels, **client.options(kwargs))
    scores = []
    for i in range(len(inputs)):
        d = client.sample_details(reply, i)
        scores.append({
            "overall": (1.0 - weight) * d["reward"] + weight * d["format_ok"],
            "format": d["format_ok"],
            "accuracy": d["reward"],
        })
    return scores[0] if single else scores
