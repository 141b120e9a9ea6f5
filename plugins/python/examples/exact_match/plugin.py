#!/usr/bin/python3
"""exact-match: a small evaluator plugin in Python, the template for a
benchmark scorer written with harness_plugin.

Data: a JSONL file, one item per line:

    {"id": "q1", "question": "How many red circles?", "answer": "3", "image": "images/q1.png"}

("image" is optional and relative to the file's folder; a path that leaves
that folder is refused). The model is asked the question (and shown the
image); the answer is what it puts in <answer>...</answer>, else its last
non-empty line. A hit is an exact match after trimming, lower-casing and
dropping a final period. When no answer can be read and a judge is
configured, the judge is asked to extract it (two attempts, at temperature 0
then 0.5); without a judge such items are unresolved and wrong.

Declare it in harness.yaml:

    plugins:
      - name: exact-match
        kind: evaluator
        command: [/usr/bin/python3, plugins/python/examples/exact_match/plugin.py]
    benchmarks:
      - {name: exact-match, evaluator: exact-match, data: my_questions.jsonl}
"""

import hashlib
import json
import mimetypes
import os
import re
import sys

# The SDK is two folders up; a plugin living elsewhere sets PYTHONPATH instead.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

import harness_plugin as hp  # noqa: E402

BENCHMARK = "exact-match"
JUDGE_TEMPERATURES = (0.0, 0.5)
JUDGE_PROMPT = ("Extract the final answer from the response below. Reply with the answer only, "
                "or with NONE if the response gives no answer.\n\nQuestion: {question}\n\nResponse: {response}")
UNRESOLVED = (hp.PATH_UNRESOLVED, hp.PATH_NO_JUDGE, hp.PATH_JUDGE_FAILED)
_ANSWER = re.compile(r"<answer>(.*?)</answer>", re.S | re.I)


def normalize(s):
    s = " ".join(s.strip().lower().split())
    return s[:-1] if s.endswith(".") else s


def extract(response):
    """The answer by rule: the last <answer> tag, else the last non-empty line."""
    tags = _ANSWER.findall(response)
    if tags:
        return tags[-1].strip()
    lines = [line.strip() for line in response.splitlines() if line.strip()]
    return lines[-1] if lines else ""


class ExactMatch:
    def describe(self):
        return {"name": "exact-match", "version": "0.1.0", "provides": [BENCHMARK],
                "description": "exact match against a JSONL answer key (example Python evaluator)"}

    def benchmarks(self):
        return [hp.BenchmarkInfo(name=BENCHMARK, title="Exact match (JSONL)", primary="Overall acc",
                                 description="items from a JSONL file; exact match after normalisation")]

    def open(self, req):
        path = os.path.abspath(req.path)
        try:
            with open(path, "rb") as f:
                blob = f.read()
        except OSError as e:
            raise hp.Invalid(f"{BENCHMARK}: cannot read data file {req.path}: {e.strerror}") from None
        root = os.path.dirname(path)
        items, answers, questions, seen = [], {}, {}, set()
        for n, line in enumerate(blob.decode("utf-8", errors="strict").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as e:
                raise hp.Invalid(f"{req.path}:{n}: not JSON: {e}") from None
            for key in ("id", "question", "answer"):
                if not isinstance(rec.get(key), (str, int, float)) or str(rec[key]) == "":
                    raise hp.Invalid(f"{req.path}:{n}: field {key!r} is missing or empty")
            iid = str(rec["id"])
            if iid in seen:
                raise hp.Invalid(f"{req.path}:{n}: id {iid!r} appears twice")
            seen.add(iid)
            prompt = []
            if rec.get("image"):
                img = os.path.realpath(os.path.join(root, str(rec["image"])))
                if os.path.commonpath([img, os.path.realpath(root)]) != os.path.realpath(root):
                    raise hp.Invalid(f"{req.path}:{n}: image {rec['image']!r} is outside the data file's folder")
                if not os.path.isfile(img):
                    raise hp.Invalid(f"{req.path}:{n}: image {rec['image']!r} does not exist")
                prompt.append(hp.Part(image=hp.Image(path=img, mime=mimetypes.guess_type(img)[0] or "")))
            prompt.append(hp.Part(text=str(rec["question"])))
            items.append(hp.Item(id=iid, prompt=prompt))
            answers[iid], questions[iid] = str(rec["answer"]), str(rec["question"])
        if not items:
            raise hp.Invalid(f"{req.path}: no items")
        info = hp.DatasetInfo(benchmark=BENCHMARK, path=path, data_hash="sha256:" + hashlib.sha256(blob).hexdigest(),
                              count=len(items), expected=len(items))
        return hp.Dataset(info=info, items=items, state={"req": req, "answers": answers, "questions": questions})

    def score(self, ds, responses, answers):
        st = ds.state
        req = st["req"]
        by_id = {r.item_id: r for r in responses}
        judged = {a.key: a for a in answers}
        pending, results = [], []
        for it in ds.items:
            r = by_id.get(it.id)
            res = hp.ItemResult(id=it.id, response=r.text if r else "")
            if r is None or r.failed:
                res.path, res.reason = hp.PATH_UNRESOLVED, (r.error if r else "no response") or "model failed"
                results.append(res)
                continue
            got = extract(r.text)
            if got:
                res.extracted, res.hit = got, normalize(got) == normalize(st["answers"][it.id])
            elif not req.judge:
                res.path, res.reason = hp.PATH_NO_JUDGE, "no answer in the response and no judge"
            else:
                for attempt, temp in enumerate(JUDGE_TEMPERATURES):
                    key = f"{it.id}/extract/{attempt}"
                    a = judged.get(key)
                    if a is None:
                        pending.append(hp.JudgeRequest(
                            key=key, item_id=it.id, stage="extract", attempt=attempt, temperature=temp,
                            max_tokens=64, prompt=JUDGE_PROMPT.format(question=st["questions"][it.id], response=r.text)))
                        break
                    if not a.error and a.text.strip() and a.text.strip().upper() != "NONE":
                        res.path, res.extracted = hp.PATH_JUDGE, a.text.strip()
                        res.hit = normalize(res.extracted) == normalize(st["answers"][it.id])
                        break
                else:
                    res.path, res.reason = hp.PATH_JUDGE_FAILED, "the judge found no answer"
            results.append(res)
        if pending:
            return pending
        hits = sum(r.hit for r in results)
        score = 100.0 * hits / len(results)
        return hp.Report(benchmark=BENCHMARK, profile=req.profile, judge=req.judge, dataset=ds.info,
                         primary="Overall acc", score=score, metrics=[hp.Metric("Overall acc", score)],
                         items=results, rule=sum(r.path == hp.PATH_RULE for r in results),
                         judged=sum(r.path == hp.PATH_JUDGE for r in results),
                         unresolved=sum(r.path in UNRESOLVED for r in results), postprocess="none")


if __name__ == "__main__":
    hp.serve(ExactMatch())
