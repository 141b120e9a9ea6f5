"""Test double: a Python trainer driven by the stage name.

  sft    Params.steps progress events, then a real checkpoint in output_dir
  raise  raises ValueError after Params.after events (a bug mid-stream)
  invalid raises harness_plugin.Invalid after Params.after events
  exit   exits the process with status 3 after Params.after events
  block  waits until the host cancels the stage, then records that it did
  print  prints to stdout (the host must get it over GRPCStdio, not as a
         broken handshake) and trains one step
"""

import logging
import os
import sys
import time
from dataclasses import dataclass

import harness_plugin as hp

log = logging.getLogger("test-trainer")


@dataclass
class Params:
    steps: int = 3
    after: int = 0
    marker: str = ""


@dataclass
class Config:
    lr: float = 1.0


class Trainer:
    def describe(self):
        return {"name": "py-trainer", "version": "0.1.0", "provides": ["sft"],
                "config_schema": {"type": "object", "properties": {"lr": {"type": "number"}},
                                  "additionalProperties": False},
                "description": "test trainer"}

    def configure(self, config, api_version):
        self.config = hp.decode(config, Config)
        if self.config.lr <= 0:
            raise hp.Invalid(f"lr must be positive, got {config['lr']}")

    def train(self, req):
        p = hp.decode(req.params, Params)
        steps, after = p.steps, p.after
        if req.stage == "block":
            marker = p.marker
            try:
                while True:
                    yield hp.Log("still waiting", level="debug")
                    time.sleep(0.05)
            finally:  # GeneratorExit when the host cancels the call
                with open(marker, "w") as f:
                    f.write("cancelled\n")
        if req.stage == "print":
            print("hello from print()")
            sys.stdout.write("second line\n")
            os.write(1, b"raw fd write\n")
        for i in range(1, steps + 1):
            if after and i > after:
                if req.stage == "raise":
                    raise ValueError(f"simulated bug at step {i}")
                if req.stage == "invalid":
                    raise hp.Invalid(f"data file {req.data[0]!r} line 3: no answer field")
                if req.stage == "exit":
                    log.error("about to exit with status 3")
                    os._exit(3)
            log.info("step done", extra={"kv": {"step": i, "loss": 1 / i}})
            yield hp.Progress(i, steps, {"loss": 1.0 / i})
        yield hp.Log(f"trained {steps} steps with seed {req.seed} on {len(req.data)} files")
        os.makedirs(req.output_dir, exist_ok=True)
        with open(os.path.join(req.output_dir, "weights.bin"), "wb") as f:
            f.write(bytes(range(256)) * steps)
        with open(os.path.join(req.output_dir, "config.json"), "w") as f:
            f.write('{"steps": %d}\n' % steps)
        return hp.write_checkpoint(req.output_dir, "test", req.base)


if __name__ == "__main__":
    hp.serve(Trainer())
