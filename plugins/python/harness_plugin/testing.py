"""Test a plugin alone, from Python: launch() starts a plugin script as a
child process exactly as the Go host does (cookie, offered versions, AutoMTLS
with a one-time client certificate, the handshake line on stdout) and gives
a client with one method per call.

    from harness_plugin.testing import launch

    with launch(["plugin.py"]) as p:
        assert p.describe().kind == "trainer"
        events = list(p.train(stage="sft", output_dir=tmp, params={"steps": 3}))
        assert events[-1].WhichOneof("event") == "checkpoint"

The client returns the protocol messages themselves (harness_plugin._pb),
so a test sees what the host would see. For the host's own checks (launch
validation, conformance) run the Go kit against the same script: see
plugins/python/README.md."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading

import grpc

from . import mtls
from ._pb.grpc.health.v1 import health_pb2
from ._pb.harness.v1 import evaluator_pb2 as epb
from ._pb.harness.v1 import model_pb2 as mpb
from ._pb.harness.v1 import plugin_pb2 as ppb
from ._pb.harness.v1 import trainer_pb2 as tpb
from ._pb.plugin import grpc_controller_pb2
from ._rpc import Stub
from .server import API_VERSIONS, CORE_PROTOCOL_VERSION, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE


class PluginStartError(RuntimeError):
    """The plugin did not complete the handshake."""


class Plugin:
    """A running plugin process and a gRPC client of it."""

    def __init__(self, proc, channel, handshake, stderr_lines):
        self.proc = proc
        self.channel = channel
        self.handshake = handshake
        self.api_version = int(handshake[1])
        self.stderr = stderr_lines  # every stderr line, as the host would log them
        self._plugin = Stub(channel, ppb.DESCRIPTOR.services_by_name["Plugin"])
        self.trainer = Stub(channel, tpb.DESCRIPTOR.services_by_name["Trainer"])
        self.evaluator = Stub(channel, epb.DESCRIPTOR.services_by_name["Evaluator"])
        self.model = Stub(channel, mpb.DESCRIPTOR.services_by_name["Model"])
        self._health = Stub(channel, health_pb2.DESCRIPTOR.services_by_name["Health"])
        self._controller = Stub(channel, grpc_controller_pb2.DESCRIPTOR.services_by_name["GRPCController"])

    def describe(self):
        return self._plugin.Describe(ppb.DescribeRequest(), timeout=30)

    def configure(self, config=None):
        blob = json.dumps(config).encode() if config is not None else b""
        return self._plugin.Configure(ppb.ConfigureRequest(api_version=self.api_version, config_json=blob), timeout=30)

    def ping(self):
        """go-plugin's Ping: the health check of service "plugin"."""
        return self._health.Check(health_pb2.HealthCheckRequest(service="plugin"), timeout=10).status

    def train(self, stage="", output_dir="", params=None, data=(), seed=0, base=None, timeout=None):
        """Streams the TrainEvents of one stage."""
        req = tpb.TrainRequest(stage=stage, output_dir=output_dir, data=list(data), seed=seed,
                               params_json=json.dumps(params or {}).encode(), base=base)
        return self.trainer.Train(req, timeout=timeout)

    def generate(self, prompts, timeout=None, **params):
        """prompts: [(id, text)]; params: GenerateParams fields."""
        req = mpb.GenerateRequest(prompts=[mpb.Prompt(id=i, parts=[ppb.Part(text=t)]) for i, t in prompts],
                                  params=mpb.GenerateParams(**params))
        return list(self.model.Generate(req, timeout=timeout))

    def shutdown(self, timeout=5):
        """What the host's Kill does: Shutdown, then SIGKILL if the process
        has not exited in time. Returns the exit status."""
        try:
            self._controller.Shutdown(grpc_controller_pb2.Empty(), timeout=timeout)
        except grpc.RpcError:
            pass
        self.channel.close()
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()
        finally:
            self._close_pipes()

    def _close_pipes(self):
        for f in (self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except (OSError, ValueError):
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.shutdown()
        else:
            self.channel.close()
            self._close_pipes()


def launch(command, env=None, mtls_on=True, versions=API_VERSIONS, timeout=60):
    """Starts command (a script path or an argv list; a .py file runs under
    this interpreter; any go-plugin executable works, Go ones included) as the
    host would and returns a connected Plugin."""
    if isinstance(command, str):
        command = [command]
    command = list(command)
    if command[0].endswith(".py"):
        command = [sys.executable] + command
    e = dict(os.environ)
    e.update(env or {})
    e[MAGIC_COOKIE_KEY] = MAGIC_COOKIE_VALUE
    e["PLUGIN_PROTOCOL_VERSIONS"] = ",".join(str(v) for v in versions)
    e.setdefault("PYTHONPATH", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    cert_pem = key_pem = None
    if mtls_on:
        cert_pem, key_pem = mtls.generate_certificate()
        e["PLUGIN_CLIENT_CERT"] = cert_pem.decode()
    else:
        e.pop("PLUGIN_CLIENT_CERT", None)
    proc = subprocess.Popen(command, env=e, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    stderr_lines = []

    def pump():
        for line in proc.stderr:
            stderr_lines.append(line.decode(errors="replace").rstrip("\n"))

    threading.Thread(target=pump, daemon=True).start()
    result = {}

    def read_handshake():
        result["line"] = proc.stdout.readline().decode(errors="replace").strip()

    t = threading.Thread(target=read_handshake, daemon=True)
    t.start()
    t.join(timeout)
    line = result.get("line")
    def fail(msg):
        proc.kill()
        proc.wait()
        t.join(1)
        for f in (proc.stdout, proc.stderr):
            try:
                f.close()
            except (OSError, ValueError):
                pass
        raise PluginStartError(msg)

    if line is None or not line:
        fail(f"{command}: no handshake line (exit {proc.poll()}); stderr:\n" + "\n".join(stderr_lines[-20:]))
    parts = line.split("|")
    if len(parts) < 5 or parts[0] != str(CORE_PROTOCOL_VERSION) or parts[2] not in ("tcp", "unix") or parts[4] != "grpc":
        fail(f"{command}: unrecognised handshake line {line!r}")
    target = parts[3] if parts[2] == "tcp" else "unix:" + parts[3]  # Go plugins listen on a Unix socket
    if mtls_on:
        if len(parts) < 6:
            fail(f"{command}: AutoMTLS asked for and no certificate in the handshake {line!r}")
        der = base64.b64decode(parts[5] + "=" * (-len(parts[5]) % 4))
        import ssl

        server_pem = ssl.DER_cert_to_PEM_cert(der).encode()
        creds = grpc.ssl_channel_credentials(root_certificates=server_pem, private_key=key_pem,
                                             certificate_chain=cert_pem)
        channel = grpc.secure_channel(target, creds, options=[("grpc.ssl_target_name_override", "localhost")])
    else:
        channel = grpc.insecure_channel(target)
    grpc.channel_ready_future(channel).result(timeout=timeout)
    # Keep draining stdout after the handshake, as the host does.
    threading.Thread(target=lambda: proc.stdout.read(), daemon=True).start()
    return Plugin(proc, channel, parts, stderr_lines)
