"""harness_plugin: write harness plugins (trainers, evaluators, models) in Python.

    import harness_plugin as hp

    class MyTrainer:
        def describe(self):
            return {"name": "my-sft", "version": "0.1.0", "provides": ["sft"]}

        def train(self, request):           # a generator of events
            for step in range(1, 11):
                yield hp.Progress(step, 10, {"loss": 1 / step})
            ...                              # write the weights into request.output_dir
            return hp.write_checkpoint(request.output_dir, "my-format", request.base)

    if __name__ == "__main__":
        hp.serve(MyTrainer())

Python 3.11 with the standard library and Debian's python3-grpcio and
python3-protobuf only. Guide: plugins/python/README.md.

Importing this package inside the host (the handshake cookie is set) turns
stdout into a pipe to the host's log at once, so nothing printed after the
import can corrupt the handshake line.
"""

import os as _os

from . import log
from .checkpoint import MANIFEST_FILE, checkpoint_hash, read_checkpoint, verify_checkpoint, write_checkpoint
from .errors import Internal, Invalid, PluginError, Unavailable
from .params import decode
from ._services import Info
from .server import API_VERSIONS, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, negotiate, protect_stdout, serve
from .types import *  # noqa: F401,F403 - the data types are the public API
from . import types as _types

__version__ = "0.1.0"

if _os.environ.get(MAGIC_COOKIE_KEY) == MAGIC_COOKIE_VALUE:
    protect_stdout()

__all__ = [
    "serve", "Info", "log", "decode", "write_checkpoint", "read_checkpoint", "verify_checkpoint", "checkpoint_hash",
    "MANIFEST_FILE", "PluginError", "Invalid", "Unavailable", "Internal", "API_VERSIONS", "negotiate",
    "protect_stdout",
] + [n for n in vars(_types) if n[0].isupper() and n != "Optional"]
