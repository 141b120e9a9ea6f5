"""serve(): runs a plugin object as a go-plugin gRPC server, the way the Go
SDK's sdk.Serve does, so the harness host cannot tell the two apart.

What it does, in order (go-plugin's contract for non-Go plugins):
  1. checks the magic cookie and exits 1 with a message when it is missing;
  2. picks the protocol version from PLUGIN_PROTOCOL_VERSIONS;
  3. serves gRPC on 127.0.0.1 (within PLUGIN_MIN_PORT..PLUGIN_MAX_PORT), with
     AutoMTLS when the host sends PLUGIN_CLIENT_CERT;
  4. registers the plugin's services, grpc.health.v1.Health ("plugin" is
     SERVING), plugin.GRPCController (Shutdown) and plugin.GRPCStdio;
  5. prints the handshake line, the only thing it ever writes to stdout:
     what plugin code prints goes over GRPCStdio and the host logs it;
  6. logs hclog JSON lines on stderr;
  7. exits when the host calls Shutdown, or when the host process is gone.
"""

from __future__ import annotations

import concurrent.futures
import io
import os
import queue
import signal
import sys
import threading
import time

import grpc

from . import log
from . import mtls
from ._pb.grpc.health.v1 import health_pb2
from ._pb.harness.v1 import evaluator_pb2, model_pb2, plugin_pb2, trainer_pb2
from ._pb.plugin import grpc_controller_pb2, grpc_stdio_pb2
from ._rpc import service_handler
from ._services import EvaluatorService, ModelService, PluginService, TrainerService, plugin_info
from .types import EVALUATOR, MODEL, TRAINER

# go-plugin's handshake, as plugins/sdk/handshake.go defines it for the harness.
CORE_PROTOCOL_VERSION = 1
MAGIC_COOKIE_KEY = "HARNESS_PLUGIN"
MAGIC_COOKIE_VALUE = "b3b1c5a0-reasoning-vlm-harness"

# The protocol versions this SDK speaks (the proto package harness.v1).
API_VERSIONS = (1,)

# Same bound as the Go SDK (sdk.MaxMessageBytes).
MAX_MESSAGE_BYTES = 64 << 20

_NOT_A_PROGRAM = (
    "This program is a harness plugin: the harness starts it (declare it under plugins: in harness.yaml), "
    "it is not meant to be executed directly. To try it alone, see plugins/python/README.md "
    "(harness_plugin.testing)."
)


class _Stdout:
    """Keeps the real stdout for the handshake and turns fd 1 into a pipe whose
    contents the GRPCStdio service streams to the host."""

    def __init__(self):
        self.queue = queue.Queue(maxsize=1024)
        self.dropped = 0
        sys.stdout.flush()
        self.handshake_fd = os.dup(1)
        r, w = os.pipe()
        os.dup2(w, 1)
        os.close(w)
        try:
            sys.stdout.reconfigure(line_buffering=True)
        except (AttributeError, io.UnsupportedOperation):
            pass
        threading.Thread(target=self._pump, args=(r,), name="harness-stdout", daemon=True).start()

    def _pump(self, fd):
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            try:
                self.queue.put_nowait(chunk)
            except queue.Full:
                # Nobody is reading (the host has not opened the stream yet):
                # drop the oldest output rather than block the plugin.
                try:
                    self.queue.get_nowait()
                except queue.Empty:
                    pass
                self.dropped += 1
                self.queue.put_nowait(chunk)

    def handshake(self, line):
        os.write(self.handshake_fd, (line + "\n").encode("ascii"))


_stdout = None
_stdout_lock = threading.Lock()


def protect_stdout():
    """Makes stdout safe before the handshake: from here on, anything written
    to fd 1 goes to the host's log, never into the handshake. Importing
    harness_plugin under the host calls it; serve() calls it again (no-op)."""
    global _stdout
    with _stdout_lock:
        if _stdout is None:
            _stdout = _Stdout()
        return _stdout


class _Health:
    def Check(self, request, context):
        if request.service in ("", "plugin"):
            return health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)
        context.abort(grpc.StatusCode.NOT_FOUND, f"unknown service {request.service!r}")

    def Watch(self, request, context):
        st = (health_pb2.HealthCheckResponse.SERVING if request.service in ("", "plugin")
              else health_pb2.HealthCheckResponse.SERVICE_UNKNOWN)
        yield health_pb2.HealthCheckResponse(status=st)
        while context.is_active():
            time.sleep(0.5)


class _Controller:
    def __init__(self, stop):
        self._stop = stop

    def Shutdown(self, request, context):
        log.debug("host asked for shutdown")
        self._stop.set()
        return grpc_controller_pb2.Empty()


class _Stdio:
    def __init__(self, out, stop):
        self._out, self._stop = out, stop

    def StreamStdio(self, request, context):
        while context.is_active() and not self._stop.is_set():
            try:
                chunk = self._out.queue.get(timeout=0.2)
            except queue.Empty:
                continue
            yield grpc_stdio_pb2.StdioData(channel=grpc_stdio_pb2.StdioData.STDOUT, data=chunk)


def negotiate(offered, supported):
    """go-plugin's rule: the highest version both sides speak; when there is
    none, the plugin's lowest, which the host then refuses with a clear
    'incompatible API version' error."""
    versions = set()
    for v in (offered or "").split(","):
        v = v.strip()
        if v.isdigit():
            versions.add(int(v))
    for v in sorted(supported, reverse=True):
        if v in versions:
            return v
    return min(supported)


def _bind(server, credentials):
    """Binds 127.0.0.1 on a free port in the host's range (go-plugin's
    PLUGIN_MIN_PORT/PLUGIN_MAX_PORT), or an ephemeral one."""
    add = ((lambda a: server.add_secure_port(a, credentials)) if credentials is not None
           else server.add_insecure_port)
    lo, hi = os.environ.get("PLUGIN_MIN_PORT", ""), os.environ.get("PLUGIN_MAX_PORT", "")
    if lo.isdigit() and hi.isdigit() and 0 < int(lo) <= int(hi):
        lo, hi = int(lo), int(hi)
        start = lo + (os.getpid() % (hi - lo + 1))  # spread plugins started together
        for i in range(hi - lo + 1):
            port = lo + (start - lo + i) % (hi - lo + 1)
            try:
                if add(f"127.0.0.1:{port}") == port:
                    return port
            except RuntimeError:
                continue
        raise RuntimeError(f"no free port on 127.0.0.1 in {lo}..{hi} (PLUGIN_MIN_PORT..PLUGIN_MAX_PORT)")
    port = add("127.0.0.1:0")
    if not port:
        raise RuntimeError("could not listen on 127.0.0.1")
    return port


def _watch_parent(stop, every):
    """Exits when the host that started us is gone (re-parented), so a killed
    host leaves no orphan. The host also sets Pdeathsig; this poll is what
    makes the guarantee, as in the Go SDK."""
    parent = os.getppid()
    while not stop.wait(every):
        if os.getppid() != parent:
            log.error("host process is gone; exiting", parent=parent)
            os._exit(2)


def _kind_of(plugin, declared):
    found = []
    if callable(getattr(plugin, "train", None)):
        found.append(TRAINER)
    if callable(getattr(plugin, "open", None)) and callable(getattr(plugin, "score", None)):
        found.append(EVALUATOR)
    if callable(getattr(plugin, "generate", None)):
        found.append(MODEL)
    if declared:
        if declared not in (TRAINER, EVALUATOR, MODEL):
            raise TypeError(f"describe() gives kind {declared!r}; want trainer, evaluator or model")
        if declared not in found:
            need = {TRAINER: "train()", EVALUATOR: "open() and score()", MODEL: "generate()"}[declared]
            raise TypeError(f"describe() says kind {declared!r} but the plugin has no {need}")
        return declared
    if len(found) != 1:
        raise TypeError("give the plugin exactly one of train() (trainer), open()+score() (evaluator) or "
                        f"generate() (model), or name its kind in describe(); it has {found or 'none'}")
    return found[0]


def serve(plugin, *, max_workers=16, parent_poll=0.5):
    """Serves `plugin` until the host stops it; never returns.

    `plugin` is an object with describe() and one of: train(request) (a
    trainer), open(request) + score(dataset, responses, answers) (an
    evaluator), generate(checkpoint, prompts, params) (a model); configure()
    is optional. See plugins/python/README.md."""
    if os.environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        sys.stderr.write(_NOT_A_PROGRAM + "\n")
        sys.stderr.flush()
        sys.exit(1)
    out = protect_stdout()
    log._set_output(sys.stderr)
    log.install()
    sys.excepthook = lambda *exc: log.JSONHandler().handle(_record("uncaught exception", exc))
    threading.excepthook = lambda a: log.JSONHandler().handle(
        _record(f"uncaught exception in thread {a.thread.name if a.thread else '?'}",
                (a.exc_type, a.exc_value, a.exc_traceback)))
    try:
        import faulthandler

        faulthandler.enable(file=sys.stderr)  # a segfault in native code still leaves a trace
    except (ImportError, ValueError, io.UnsupportedOperation):
        pass

    # Ctrl-C in a terminal reaches the whole process group; the host decides
    # when its plugins stop (it calls Shutdown), as go-plugin's Serve does.
    interrupts = [0]

    def on_sigint(signum, frame):
        interrupts[0] += 1
        log.debug("ignoring interrupt; the host stops plugins", count=interrupts[0])

    signal.signal(signal.SIGINT, on_sigint)

    try:
        info = plugin_info(plugin)
        kind = _kind_of(plugin, info.kind)
        info.kind = kind
        if kind == EVALUATOR and not info.provides and callable(getattr(plugin, "benchmarks", None)):
            info.provides = [b.name if hasattr(b, "name") else b["name"] for b in plugin.benchmarks()]
        supported = [v for v in info.api_versions if v in API_VERSIONS] or list(info.api_versions)
        version = negotiate(os.environ.get("PLUGIN_PROTOCOL_VERSIONS"), supported)

        credentials, cert_field = None, ""
        client_cert = os.environ.get("PLUGIN_CLIENT_CERT")
        if client_cert:
            cert_pem, key_pem = mtls.generate_certificate()
            credentials = mtls.server_credentials(client_cert, cert_pem, key_pem)
            cert_field = mtls.handshake_field(cert_pem)

        stop = threading.Event()
        server = grpc.server(
            concurrent.futures.ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="harness-rpc"),
            options=[("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                     ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                     # gRPC turns SO_REUSEPORT on by default, which would let
                     # two plugins share a port.
                     ("grpc.so_reuseport", 0)])
        handlers = [
            service_handler(plugin_pb2.DESCRIPTOR.services_by_name["Plugin"], PluginService(plugin, info)),
            service_handler(health_pb2.DESCRIPTOR.services_by_name["Health"], _Health()),
            service_handler(grpc_controller_pb2.DESCRIPTOR.services_by_name["GRPCController"], _Controller(stop)),
            service_handler(grpc_stdio_pb2.DESCRIPTOR.services_by_name["GRPCStdio"], _Stdio(out, stop)),
        ]
        if kind == TRAINER:
            handlers.append(service_handler(trainer_pb2.DESCRIPTOR.services_by_name["Trainer"],
                                            TrainerService(plugin)))
        elif kind == EVALUATOR:
            handlers.append(service_handler(evaluator_pb2.DESCRIPTOR.services_by_name["Evaluator"],
                                            EvaluatorService(plugin, info)))
        else:
            handlers.append(service_handler(model_pb2.DESCRIPTOR.services_by_name["Model"], ModelService(plugin)))
        server.add_generic_rpc_handlers(handlers)
        port = _bind(server, credentials)
        server.start()
    except Exception as e:
        log.JSONHandler().handle(_record(f"plugin cannot start: {e}", sys.exc_info()))
        sys.stderr.flush()
        os._exit(1)

    threading.Thread(target=_watch_parent, args=(stop, parent_poll), name="harness-parent", daemon=True).start()
    fields = [str(CORE_PROTOCOL_VERSION), str(version), "tcp", f"127.0.0.1:{port}", "grpc"]
    if cert_field:
        fields.append(cert_field)
    out.handshake("|".join(fields))
    log.debug("plugin started", name=info.name, kind=kind, api_version=version, port=port, mtls=bool(cert_field))

    stop.wait()
    # Let the Shutdown reply leave; calls still running are cancelled (the
    # host force-kills a plugin that takes 2 s).
    server.stop(grace=0.1).wait(1)
    sys.stdout.flush()
    if out.dropped:
        log.warn("stdout output was dropped because the host did not read it", chunks=out.dropped)
    os._exit(0)


def _record(msg, exc_info):
    import logging

    return logging.LogRecord("harness_plugin", logging.ERROR, __file__, 0, msg, None, exc_info)
