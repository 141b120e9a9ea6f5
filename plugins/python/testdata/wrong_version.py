"""Test double: a plugin that only speaks a protocol version the host does
not (harness.v2)."""

import harness_plugin as hp
import harness_plugin.server

harness_plugin.server.API_VERSIONS = (2,)


class T:
    def describe(self):
        return {"name": "py-v2", "version": "0.1.0", "api_versions": [2]}

    def train(self, req):
        yield hp.Progress(1, 1)


hp.serve(T())
