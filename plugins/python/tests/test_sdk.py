"""Unit tests of the SDK's pieces, and end-to-end tests through the Python
test kit (harness_plugin.testing). The Go tests (plugins/python/*_test.go)
run the same plugins under the real Go host; `go test ./plugins/python/`
runs these too."""

import base64
import json
import os
import ssl
import subprocess
import sys
import tempfile
import unittest

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

import harness_plugin as hp  # noqa: E402
from harness_plugin import _convert, log, mtls  # noqa: E402
from harness_plugin.testing import PluginStartError, launch  # noqa: E402

TESTDATA = os.path.join(ROOT, "testdata")


class NegotiateTest(unittest.TestCase):
    def test_rule(self):
        for offered, supported, want in [
            ("1", [1], 1),
            ("1,2,3", [1, 2], 2),
            ("3, 2", [1, 2, 4], 2),
            ("2", [1], 1),  # nothing in common: our lowest, the host refuses it
            ("", [1, 2], 1),
            ("x,1", [1], 1),
        ]:
            self.assertEqual(hp.negotiate(offered, supported), want, (offered, supported))


class CheckpointTest(unittest.TestCase):
    def test_hash_formula(self):
        # The text hashed is spelled out in sdk.CheckpointHash (Go); this pins
        # the Python side to it byte for byte.
        import hashlib

        files = {"b.bin": "sha256:02", "a/x.json": "sha256:01", "B": "sha256:03"}
        text = ("harness.checkpoint.v1\nformat tinyvlm\nparent sha256:p\n"
                "file B sha256:03\nfile a/x.json sha256:01\nfile b.bin sha256:02\n")
        self.assertEqual(hp.checkpoint_hash("tinyvlm", "sha256:p", files),
                         "sha256:" + hashlib.sha256(text.encode()).hexdigest())

    def test_write_read_verify(self):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "sub"))
            for name, data in [("model.safetensors", b"w" * 100), ("sub/tokenizer.json", b"{}")]:
                with open(os.path.join(d, name), "wb") as f:
                    f.write(data)
            parent = hp.Checkpoint(hash="sha256:parent")
            ck = hp.write_checkpoint(d, "tinyvlm", parent)
            self.assertEqual(sorted(ck.files), ["model.safetensors", "sub/tokenizer.json"])
            self.assertEqual(ck.parent, "sha256:parent")
            again = hp.read_checkpoint(d)
            self.assertEqual(again, ck)
            with open(os.path.join(d, hp.MANIFEST_FILE)) as f:
                self.assertEqual(json.load(f)["schema"], "harness.checkpoint/v1")
            with open(os.path.join(d, "model.safetensors"), "ab") as f:
                f.write(b"x")
            with self.assertRaisesRegex(hp.Invalid, "model.safetensors has sha256:.*changed after it was written"):
                hp.read_checkpoint(d)

    def test_refuses(self):
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaisesRegex(hp.Internal, "has no files"):
                hp.write_checkpoint(d, "tinyvlm")
            with self.assertRaisesRegex(hp.Invalid, "empty format"):
                hp.write_checkpoint(d, "")
            with self.assertRaisesRegex(hp.Invalid, "no checkpoint.json"):
                hp.read_checkpoint(d)
            os.symlink("/etc/passwd", os.path.join(d, "link"))
            with self.assertRaisesRegex(hp.Internal, "links are not allowed"):
                hp.write_checkpoint(d, "tinyvlm")
        ck = hp.Checkpoint(dir="/tmp", format="f", files={"../etc/passwd": "sha256:00"})
        ck.hash = hp.checkpoint_hash(ck.format, "", ck.files)
        with self.assertRaisesRegex(hp.Invalid, "not a plain relative path"):
            hp.verify_checkpoint(ck)


class MTLSTest(unittest.TestCase):
    def test_certificate_and_handshake_field(self):
        cert, key = mtls.generate_certificate()
        self.assertIn(b"BEGIN CERTIFICATE", cert)
        self.assertIn(b"PRIVATE KEY", key)
        field = mtls.handshake_field(cert)
        self.assertNotIn("=", field)  # go-plugin decodes RawStdEncoding
        der = base64.b64decode(field + "=" * (-len(field) % 4))
        self.assertEqual(der, ssl.PEM_cert_to_DER_cert(cert.decode()))
        text = subprocess.run(["openssl", "x509", "-noout", "-text"], input=cert, capture_output=True,
                              check=True).stdout.decode()
        for want in ("DNS:localhost", "CA:TRUE", "TLS Web Server Authentication", "TLS Web Client Authentication"):
            self.assertIn(want, text)

    def test_no_openssl(self):
        with self.assertRaisesRegex(hp.Unavailable, "openssl"):
            mtls.generate_certificate(openssl="/nonexistent/openssl")


class ConvertTest(unittest.TestCase):
    def test_parts(self):
        parts = [hp.Part(text="a"), hp.Part(image=hp.Image(data=b"\x89PNG", mime="image/png")), "b"]
        back = _convert.parts_from_pb(_convert.parts_to_pb(parts))
        self.assertEqual(back, [hp.Part(text="a"), hp.Part(image=hp.Image(data=b"\x89PNG", mime="image/png")),
                                hp.Part(text="b")])

    def test_empty_checkpoint_is_none(self):
        from harness_plugin._pb.harness.v1 import plugin_pb2

        self.assertIsNone(_convert.checkpoint_from_pb(plugin_pb2.Checkpoint()))


class LogTest(unittest.TestCase):
    def test_hclog_json(self):
        import datetime
        import io

        buf = io.StringIO()
        log._set_output(buf)
        try:
            log.info("step", loss=0.5, name="x", obj=object())
        finally:
            log._set_output(sys.stderr)
        entry = json.loads(buf.getvalue())
        self.assertEqual((entry["@level"], entry["@message"], entry["loss"], entry["name"]), ("info", "step", 0.5, "x"))
        # go-plugin parses @timestamp with this exact layout, else drops the line's fields.
        datetime.datetime.strptime(entry["@timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
        self.assertTrue(entry["obj"].startswith("<object"))


class EndToEndTest(unittest.TestCase):
    """The plugins of testdata/ through the Python test kit."""

    def test_trainer(self):
        with tempfile.TemporaryDirectory() as out, launch(os.path.join(TESTDATA, "trainer.py")) as p:
            d = p.describe()
            self.assertEqual((d.name, d.kind, list(d.api_versions)), ("py-trainer", "trainer", [1]))
            self.assertEqual(p.ping(), 1)  # SERVING
            p.configure({"lr": 0.1})
            with self.assertRaises(grpc.RpcError) as cm:
                p.configure({"lr": 0})
            self.assertEqual(cm.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
            events = list(p.train(stage="sft", output_dir=out, params={"steps": 2}))
            kinds = [e.WhichOneof("event") for e in events]
            self.assertEqual(kinds, ["progress", "progress", "log", "checkpoint"])
            self.assertEqual(hp.read_checkpoint(out).hash, events[-1].checkpoint.hash)
            with self.assertRaises(grpc.RpcError) as cm:
                list(p.train(stage="raise", params={"steps": 3, "after": 1}))
            self.assertEqual(cm.exception.code(), grpc.StatusCode.INTERNAL)
            self.assertIn("ValueError: simulated bug at step 2", cm.exception.details())
            self.assertEqual(p.shutdown(), 0)

    def test_model_without_mtls(self):
        with launch(os.path.join(TESTDATA, "model.py"), mtls_on=False) as p:
            self.assertEqual(len(p.handshake), 5)
            got = p.generate([("a", "hi")], n=2)
            self.assertEqual([(g.prompt_id, g.sample, g.text) for g in got], [("a", 0, "echo: hi"), ("a", 1, "echo: hi")])

    def test_mtls_refuses_a_client_without_the_host_certificate(self):
        with launch(os.path.join(TESTDATA, "model.py")) as p:
            # A client presenting another certificate is refused by the plugin.
            cert, key = mtls.generate_certificate()
            der = base64.b64decode(p.handshake[5] + "=" * (-len(p.handshake[5]) % 4))
            creds = grpc.ssl_channel_credentials(root_certificates=ssl.DER_cert_to_PEM_cert(der).encode(),
                                                 private_key=key, certificate_chain=cert)
            ch = grpc.secure_channel(p.handshake[3], creds, options=[("grpc.ssl_target_name_override", "localhost")])
            from harness_plugin._rpc import Stub
            from harness_plugin._pb.harness.v1 import plugin_pb2

            stub = Stub(ch, plugin_pb2.DESCRIPTOR.services_by_name["Plugin"])
            with self.assertRaises(grpc.RpcError) as cm:
                stub.Describe(plugin_pb2.DescribeRequest(), timeout=5)
            self.assertEqual(cm.exception.code(), grpc.StatusCode.UNAVAILABLE)
            ch.close()
            self.assertEqual(p.describe().name, "py-model")

    def test_not_run_by_a_host(self):
        env = dict(os.environ, PYTHONPATH=ROOT)
        env.pop(hp.MAGIC_COOKIE_KEY, None)
        r = subprocess.run([sys.executable, os.path.join(TESTDATA, "model.py")], env=env, capture_output=True,
                           timeout=60)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, b"")
        self.assertIn(b"not meant to be executed directly", r.stderr)

    def test_garbage_before_handshake(self):
        with self.assertRaisesRegex(PluginStartError, "unrecognised handshake line 'Loading model weights"):
            launch(os.path.join(TESTDATA, "garbage.py"))


if __name__ == "__main__":
    unittest.main()
