"""Test double: a plugin built for another host (another magic cookie)."""

import harness_plugin as hp
import harness_plugin.server

harness_plugin.server.MAGIC_COOKIE_VALUE = "not-the-harness-cookie"


class T:
    def describe(self):
        return {"name": "py-wrong-cookie", "version": "0.1.0"}

    def train(self, req):
        yield hp.Progress(1, 1)


hp.serve(T())
