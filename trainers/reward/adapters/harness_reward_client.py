"""Client of `harness reward serve` for Python training engines.

Standard library only, so it runs in any engine's environment without
installing anything. The engine adapters (verl_reward.py, easyr1_reward.py)
build on it; they sit in the same folder and find it there.

The server is found at, in order: the ``reward_url`` keyword (verl's
``custom_reward_function.reward_kwargs``, EasyR1's
``worker.reward.reward_function_kwargs``), the environment variable
HARNESS_REWARD_URL, or http://127.0.0.1:5000/get_reward.

A request carries the responses alone (the engines decode them without the
prompt): {"responses": [...], "labels": [...]}. Labels are described in
docs/verl-easyr1.md: a label object (or a JSON string holding one) with
"answer" (or "gt") and "verifier_type", or a plain answer together with a
verifier type given by the ``verifier_type`` keyword, the sample's
extra_info, or the server's --default-verifier.
"""

import json
import os
import random
import time
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:5000/get_reward"
URL_ENV = "HARNESS_REWARD_URL"
DEFAULT_TIMEOUT = 300.0  # seconds for one request: an open_ended batch waits on a reward model
DEFAULT_RETRIES = 5


class RewardServerError(RuntimeError):
    """The reward server refused a request or could not be reached."""


def server_url(kwargs):
    return kwargs.get("reward_url") or os.environ.get(URL_ENV) or DEFAULT_URL


def _plain(value):
    """Turns numpy scalars and arrays (what parquet columns give) into Python values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return value


def make_label(ground_truth, verifier_type=None):
    """The label to send for one sample.

    A dict is a label object and goes as is (verifier_type filled in when it
    has none); a string starting with "{" is a label object in JSON and goes
    as that string, which the server parses; anything else is the answer
    itself, wrapped with verifier_type when one is known and sent plain
    otherwise (scored with the server's --default-verifier).
    """
    gt = _plain(ground_truth)
    if gt is None:
        raise ValueError("ground truth is missing (None): the dataset's ground-truth column is empty for this sample")
    if isinstance(gt, dict):
        label = {k: _plain(v) for k, v in gt.items()}
        if verifier_type and label.get("verifier_type") is None:
            label["verifier_type"] = verifier_type
        return label
    if isinstance(gt, str) and gt.lstrip().startswith("{"):
        if verifier_type:
            try:
                obj = json.loads(gt)
            except ValueError as e:
                raise ValueError("ground truth %.80r looks like a JSON label object but is not valid JSON: %s" % (gt, e))
            if isinstance(obj, dict):
                return make_label(obj, verifier_type)
        return gt
    if verifier_type:
        return {"answer": gt, "verifier_type": verifier_type}
    return gt


def score(responses, labels, url, prompts=None, timeout=DEFAULT_TIMEOUT, retries=DEFAULT_RETRIES):
    """Scores responses; returns the server's reply (rewards, extra_logs, details).

    Busy (503), gateway (502) and connection failures are retried with
    backoff, honouring Retry-After; a refused request (400: a bad label) is
    not, and its message, which names the label, is raised.
    """
    body = {"responses": list(responses), "labels": list(labels)}
    if prompts is not None:
        body["prompts"] = list(prompts)
    data = json.dumps(body).encode("utf-8")
    last = None
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(last[1])
        req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                reply = json.loads(resp.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            message = _error_message(e)
            if e.code in (502, 503, 504):
                last = ("%s answered %d: %s" % (url, e.code, message), _wait(e.headers.get("Retry-After"), attempt))
                continue
            raise RewardServerError("%s answered %d: %s" % (url, e.code, message)) from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            last = ("cannot reach the reward server at %s: %s (start it with `harness reward serve`, or set %s)" % (url, reason, URL_ENV),
                    _wait(None, attempt))
            continue
        rewards = reply.get("rewards")
        if not isinstance(rewards, list) or len(rewards) != len(body["responses"]):
            raise RewardServerError("%s sent %d rewards for %d responses" % (url, len(rewards or []), len(body["responses"])))
        return reply
    raise RewardServerError("%s (after %d attempts)" % (last[0], retries + 1))


def _error_message(e):
    try:
        return json.loads(e.read().decode("utf-8")).get("error", "")
    except Exception:
        return e.reason


def _wait(retry_after, attempt):
    if retry_after:
        try:
            return min(float(retry_after), 60.0)
        except ValueError:
            pass
    return min(2.0 ** attempt, 30.0) * (0.5 + random.random() / 2)


def sample_details(reply, i):
    """One sample's reward and its verifier's details, all under fixed keys."""
    logs = reply.get("extra_logs") or {}
    detail = (reply.get("details") or [{}] * (i + 1))[i] or {}
    reward = float(reply["rewards"][i])
    return {
        "reward": reward,
        "format_ok": float((logs.get("format_ok") or [0.0] * (i + 1))[i]),
        "verifier_type": detail.get("verifier_type", ""),
        "answer": detail.get("answer", ""),
        "reason": detail.get("reason", ""),
    }


def options(kwargs):
    """The request options an adapter takes from the engine's keyword arguments."""
    return {
        "url": server_url(kwargs),
        "timeout": float(kwargs.get("timeout", DEFAULT_TIMEOUT)),
        "retries": int(kwargs.get("retries", DEFAULT_RETRIES)),
    }
