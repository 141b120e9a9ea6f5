"""Test double: a plugin that prints to stdout before the SDK can protect
it (before importing harness_plugin), which breaks the handshake."""

print("Loading model weights... done")

import harness_plugin as hp  # noqa: E402


class T:
    def describe(self):
        return {"name": "py-garbage", "version": "0.1.0"}

    def train(self, req):
        yield hp.Progress(1, 1)


hp.serve(T())
