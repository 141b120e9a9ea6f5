"""The harness.v1 services, calling into the author's plugin object."""

from __future__ import annotations

import inspect
import json
import os
import secrets
import threading
import traceback
from dataclasses import dataclass, field

import grpc

from . import _convert as cv
from . import log
from ._pb.harness.v1 import evaluator_pb2 as epb
from ._pb.harness.v1 import plugin_pb2 as ppb
from ._pb.harness.v1 import trainer_pb2 as tpb
from .errors import Internal, Invalid, PluginError
from .types import (EVALUATOR, BenchmarkInfo, Checkpoint, Dataset, DatasetInfo, Generation, JudgeAnswer,
                    JudgeRequest, Log, Progress, Report, Response, TrainRequest)

# Batches keep each streamed message well under gRPC's limits while
# amortising per-message cost (the Go SDK's numbers).
BATCH_ITEMS = 512
BATCH_BYTES = 2 << 20


@dataclass
class Info:
    """What a plugin says about itself in describe()."""

    name: str
    version: str
    kind: str = ""
    api_versions: list[int] = field(default_factory=lambda: [1])
    config_schema: object = None  # a JSON Schema, as a dict or JSON text
    description: str = ""
    provides: list[str] = field(default_factory=list)


def plugin_info(plugin):
    """Reads describe() (a dict or an Info) and fills the defaults."""
    d = plugin.describe()
    if isinstance(d, Info):
        info = d
    elif isinstance(d, dict):
        unknown = set(d) - set(Info.__dataclass_fields__)
        if unknown:
            raise TypeError(f"describe() returns unknown keys {sorted(unknown)}; "
                            f"known: {sorted(Info.__dataclass_fields__)}")
        if "name" not in d or "version" not in d:
            raise TypeError("describe() must give at least name and version")
        info = Info(**d)
    else:
        raise TypeError(f"describe() returns {type(d).__name__}; want a dict or harness_plugin.Info")
    info.api_versions = [int(v) for v in (info.api_versions or [1])]
    if info.config_schema is None or info.config_schema == "":
        info.config_schema = '{"type":"object"}'
    elif not isinstance(info.config_schema, str):
        info.config_schema = json.dumps(info.config_schema)
    return info


def _where(exc):
    """file:line of the innermost frame, for an error message."""
    tb = traceback.extract_tb(exc.__traceback__)
    if not tb:
        return ""
    f = tb[-1]
    return f" (at {os.path.basename(f.filename)}:{f.lineno})"


def _abort(context, exc, default, what):
    """Turns an exception from plugin code into the gRPC status of its class.
    Unclassed exceptions are logged with their traceback (the host quotes the
    log lines) and get the call's default class."""
    if isinstance(exc, PluginError):
        code, msg = exc.code, str(exc)
    else:
        code = default.code
        msg = f"{type(exc).__name__}: {exc}{_where(exc)}"
        log.error(f"{what}: {msg}", error="".join(traceback.format_exception(exc)).rstrip())
    context.abort(code, f"{what}: {msg}" if what else msg)


def _call_configure(fn, config, api_version):
    params = inspect.signature(fn).parameters
    if "api_version" in params or len(params) >= 2:
        return fn(config, api_version=api_version) if "api_version" in params else fn(config, api_version)
    return fn(config)


class PluginService:
    def __init__(self, plugin, info):
        self._plugin, self._info = plugin, info

    def Describe(self, request, context):
        i = self._info
        return ppb.DescribeResponse(name=i.name, kind=i.kind, version=i.version, api_versions=i.api_versions,
                                    config_schema=i.config_schema, description=i.description,
                                    provides=list(i.provides))

    def Configure(self, request, context):
        name = self._info.name
        if request.api_version not in self._info.api_versions:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                          f"plugin {name} speaks API versions {self._info.api_versions}, "
                          f"the host asked for {request.api_version}")
        raw = request.config_json
        empty = raw in (b"", b"null", b"{}")
        fn = getattr(self._plugin, "configure", None)
        if fn is None:
            if not empty:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                              f"plugin {name} takes no config block; remove it from harness.yaml")
            return ppb.ConfigureResponse()
        try:
            config = json.loads(raw) if raw else {}
        except ValueError as e:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"configure {name}: config is not JSON: {e}")
        try:
            _call_configure(fn, config if config is not None else {}, request.api_version)
        except Exception as e:  # noqa: BLE001 - every failure becomes a classed status
            _abort(context, e, Invalid, f"configure {name}")
        return ppb.ConfigureResponse()


class TrainerService:
    def __init__(self, plugin):
        self._plugin = plugin

    def Train(self, request, context):
        what = f"train {request.stage}"
        try:
            params = json.loads(request.params_json) if request.params_json else {}
        except ValueError as e:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"{what}: params are not JSON: {e}")
        req = TrainRequest(stage=request.stage, base=cv.checkpoint_from_pb(request.base) if request.HasField("base")
                           else None, output_dir=request.output_dir, data=list(request.data),
                           params=params if params is not None else {}, params_json=request.params_json,
                           seed=request.seed)
        checkpoint = None
        gen = None
        try:
            gen = self._plugin.train(req)
            if isinstance(gen, Checkpoint):  # a train() that is not a generator
                checkpoint, gen = gen, None
            while gen is not None:
                if not context.is_active():  # the host cancelled the stage
                    gen.close()
                    return
                try:
                    ev = next(gen)
                except StopIteration as stop:
                    if isinstance(stop.value, Checkpoint):
                        checkpoint = stop.value
                    break
                if isinstance(ev, Progress):
                    yield tpb.TrainEvent(progress=tpb.Progress(step=int(ev.step), total=int(ev.total),
                                                               metrics={k: float(v) for k, v in ev.metrics.items()}))
                elif isinstance(ev, Log):
                    yield tpb.TrainEvent(log=tpb.LogLine(level=ev.level, message=ev.message))
                elif isinstance(ev, Checkpoint):
                    checkpoint = ev
                    gen.close()
                    break
                elif ev is not None:
                    raise Internal(f"train() yielded a {type(ev).__name__}; yield Progress, Log or a final "
                                   "Checkpoint")
        except Exception as e:  # noqa: BLE001
            if gen is not None:
                gen.close()
            _abort(context, e, Internal, what)
        finally:
            # Also when gRPC stops iterating this handler because the host
            # cancelled: the plugin's generator is closed (its finally blocks
            # run) at once, not whenever it is garbage-collected.
            if gen is not None:
                gen.close()
        if checkpoint is None:
            context.abort(grpc.StatusCode.INTERNAL, f"{what}: the trainer returned no checkpoint "
                                                    "(yield or return the one write_checkpoint gives)")
        yield tpb.TrainEvent(checkpoint=cv.checkpoint_to_pb(checkpoint))


class ModelService:
    def __init__(self, plugin):
        self._plugin = plugin

    def Generate(self, request, context):
        from .types import Prompt

        prompts = [Prompt(id=p.id, system=p.system, parts=cv.parts_from_pb(p.parts)) for p in request.prompts]
        ckpt = cv.checkpoint_from_pb(request.checkpoint) if request.HasField("checkpoint") else None
        gen = None
        try:
            gen = iter(self._plugin.generate(ckpt, prompts, cv.params_from_pb(request.params)))
            for g in gen:
                if not context.is_active():
                    break
                if not isinstance(g, Generation):
                    raise Internal(f"generate() yielded a {type(g).__name__}; yield Generation")
                yield cv.generation_to_pb(g)
        except Exception as e:  # noqa: BLE001
            _abort(context, e, Internal, "generate")
        finally:
            if gen is not None and hasattr(gen, "close"):
                gen.close()


class _Session:
    def __init__(self, dataset):
        self.lock = threading.Lock()
        self.dataset = dataset
        self.known = {it.id for it in dataset.items}
        self.responses = []
        self.seen = set()
        self.answers = []
        self.answer_keys = set()


def _batches(messages, wrap):
    batch, size = [], 0
    for m in messages:
        batch.append(m)
        size += m.ByteSize()
        if len(batch) >= BATCH_ITEMS or size >= BATCH_BYTES:
            yield wrap(batch)
            batch, size = [], 0
    if batch:
        yield wrap(batch)


class EvaluatorService:
    """Sessions as the Go SDK keeps them: Open loads a file and streams its
    items; Submit collects responses (unknown and repeated items are errors);
    Score runs a round over everything collected so far; Close forgets."""

    def __init__(self, plugin, info):
        self._plugin = plugin
        self._info = info
        self._lock = threading.Lock()
        self._sessions = {}

    def _benchmarks(self):
        fn = getattr(self._plugin, "benchmarks", None)
        if fn is None:
            return [BenchmarkInfo(name=n) for n in self._info.provides]
        out = []
        for b in fn():
            out.append(b if isinstance(b, BenchmarkInfo) else BenchmarkInfo(**b))
        return out

    def Benchmarks(self, request, context):
        try:
            bs = self._benchmarks()
        except Exception as e:  # noqa: BLE001
            _abort(context, e, Internal, "benchmarks")
        return epb.BenchmarksResponse(benchmarks=[
            epb.BenchmarkInfo(name=b.name, title=b.title, items=b.items, primary=b.primary, description=b.description)
            for b in bs])

    def Open(self, request, context):
        names = [b.name for b in self._benchmarks()]
        if request.benchmark not in names:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                          f"this evaluator has no benchmark {request.benchmark!r} (it has {names})")
        try:
            ds = self._plugin.open(cv.open_request_from_pb(request))
            if not isinstance(ds, Dataset):
                raise Internal(f"open() returned a {type(ds).__name__}; return harness_plugin.Dataset")
            ds.items = list(ds.items)
            if not isinstance(ds.info, DatasetInfo):
                raise Internal("open() returned a Dataset whose info is not a DatasetInfo")
        except Exception as e:  # noqa: BLE001
            _abort(context, e, Invalid, "")
        session = secrets.token_hex(12)
        with self._lock:
            self._sessions[session] = _Session(ds)
        yield epb.OpenEvent(header=cv.dataset_info_to_pb(session, ds.info))
        for b in _batches((cv.item_to_pb(it) for it in ds.items), lambda xs: epb.OpenEvent(items=epb.ItemBatch(items=xs))):
            if not context.is_active():
                return
            yield b

    def _session(self, context, sid):
        with self._lock:
            s = self._sessions.get(sid)
        if s is None:
            context.abort(grpc.StatusCode.NOT_FOUND,
                          f"no scoring session {sid!r} (closed, or opened in another plugin process)")
        return s

    def Submit(self, request, context):
        s = self._session(context, request.session)
        with s.lock:
            for r in request.responses:
                if r.item_id not in s.known:
                    context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                                  f"response for item {r.item_id!r}, which the data file does not have")
                if r.item_id in s.seen:
                    context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"second response for item {r.item_id!r}")
                s.seen.add(r.item_id)
                s.responses.append(Response(item_id=r.item_id, text=r.text, failed=r.failed, error=r.error))
            return epb.SubmitResponse(received=len(s.responses))

    def Score(self, request, context):
        s = self._session(context, request.session)
        with s.lock:
            for a in request.answers:
                if a.key not in s.answer_keys:
                    s.answer_keys.add(a.key)
                    s.answers.append(JudgeAnswer(key=a.key, text=a.text, error=a.error))
            try:
                res = self._plugin.score(s.dataset, list(s.responses), list(s.answers))
            except Exception as e:  # noqa: BLE001
                _abort(context, e, Internal, "")
        if isinstance(res, Report):
            results = (cv.item_result_to_pb(r) for r in res.items)
            for b in _batches(results, lambda xs: epb.ScoreEvent(results=epb.ItemResultBatch(results=xs))):
                if not context.is_active():
                    return
                yield b
            yield epb.ScoreEvent(report=cv.report_to_pb("", res))
            return
        pending = list(res or [])
        if not pending or not all(isinstance(q, JudgeRequest) for q in pending):
            context.abort(grpc.StatusCode.INTERNAL,
                          "score() must return a Report, or a non-empty list of JudgeRequest still to answer")
        for i in range(0, len(pending), BATCH_ITEMS):
            yield epb.ScoreEvent(judge=epb.JudgeBatch(
                requests=[cv.judge_request_to_pb(q) for q in pending[i:i + BATCH_ITEMS]]))

    def Close(self, request, context):
        with self._lock:
            s = self._sessions.pop(request.session, None)
        close = getattr(self._plugin, "close", None)
        if s is not None and close is not None:
            try:
                close(s.dataset)
            except Exception as e:  # noqa: BLE001
                _abort(context, e, Internal, "close")
        return epb.CloseResponse()


__all__ = ["Info", "plugin_info", "PluginService", "TrainerService", "ModelService", "EvaluatorService", "EVALUATOR"]
