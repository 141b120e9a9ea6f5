"""Conversions between the SDK's dataclasses and the protocol messages."""

from __future__ import annotations

from ._pb.harness.v1 import evaluator_pb2 as epb
from ._pb.harness.v1 import model_pb2 as mpb
from ._pb.harness.v1 import plugin_pb2 as ppb
from . import types as t


def parts_to_pb(parts):
    out = []
    for p in parts:
        if isinstance(p, str):
            p = t.Part(text=p)
        if p.image is not None:
            out.append(ppb.Part(image=ppb.Image(path=p.image.path, data=p.image.data, mime=p.image.mime)))
        else:
            out.append(ppb.Part(text=p.text))
    return out


def parts_from_pb(parts):
    out = []
    for p in parts:
        if p.WhichOneof("kind") == "image":
            out.append(t.Part(image=t.Image(path=p.image.path, data=p.image.data, mime=p.image.mime)))
        else:
            out.append(t.Part(text=p.text))
    return out


def checkpoint_to_pb(c):
    if c is None:
        return None
    return ppb.Checkpoint(dir=c.dir, format=c.format, parent=c.parent, files=dict(c.files), hash=c.hash)


def checkpoint_from_pb(c):
    if c is None or (not c.dir and not c.format and not c.hash and not c.files):
        return None
    return t.Checkpoint(dir=c.dir, format=c.format, parent=c.parent, files=dict(c.files), hash=c.hash)


def params_from_pb(p):
    return t.GenerateParams(max_tokens=p.max_tokens, temperature=p.temperature, top_p=p.top_p, top_k=p.top_k,
                            seed=p.seed, stop=list(p.stop), n=p.n, repetition_penalty=p.repetition_penalty)


def generation_to_pb(g):
    return mpb.Generation(prompt_id=g.prompt_id, sample=g.sample, text=g.text, tokens=g.tokens,
                          truncated=g.truncated, error=g.error, prompt_tokens=g.prompt_tokens)


def open_request_from_pb(r):
    return t.OpenRequest(benchmark=r.benchmark, path=r.path, profile=r.profile, allow_partial=r.allow_partial,
                         system_prompt=r.system_prompt, judge=r.judge, options=dict(r.options))


def dataset_info_to_pb(session, d):
    return epb.DatasetInfo(session=session, benchmark=d.benchmark, path=d.path, data_hash=d.data_hash,
                           count=d.count, expected=d.expected, partial=d.partial, synthetic=d.synthetic)


def item_to_pb(it):
    return epb.Item(id=it.id, prompt=parts_to_pb(it.prompt), meta=dict(it.meta))


def judge_request_to_pb(q):
    return epb.JudgeRequest(key=q.key, item_id=q.item_id, stage=q.stage, attempt=q.attempt, system=q.system,
                            prompt=q.prompt, temperature=q.temperature, max_tokens=q.max_tokens)


def item_result_to_pb(r):
    return epb.ItemResult(id=r.id, response=r.response, extracted=r.extracted, path=r.path, hit=r.hit,
                          reason=r.reason, quirk=r.quirk)


def report_to_pb(session, r):
    return epb.Report(
        benchmark=r.benchmark, profile=r.profile, judge=r.judge,
        dataset=dataset_info_to_pb(session, r.dataset) if r.dataset is not None else None,
        primary=r.primary, score=r.score,
        metrics=[epb.Metric(name=m.name, value=m.value) for m in r.metrics],
        breakdowns=[epb.Breakdown(name=b.name, rows=[epb.Row(key=x.key, total=x.total, hit=x.hit, value=x.value)
                                                     for x in b.rows]) for b in r.breakdowns],
        rule=r.rule, judged=r.judged, unresolved=r.unresolved, postprocess=r.postprocess, quirks=dict(r.quirks))
