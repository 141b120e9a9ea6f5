#!/usr/bin/python3
"""Writes what the Go side needs to check the PyTorch model against GoMLX:

  crosscheck.py logits CHECKPOINT DATA.jsonl N OUT.safetensors
      the first N records of DATA as one batch (system prompt: the first
      registered one; answers as they are), and the PyTorch logits and loss
      of CHECKPOINT on it: tensors patches, tokens, mask (as F32) and logits,
      metadata loss;
  crosscheck.py step CHECKPOINT DATA.jsonl BATCH STEPS
      times STEPS SFT steps (forward, backward, clip, AdamW) on one batch of
      BATCH records after one warm-up step and prints "ms_per_step X";
  crosscheck.py patches CHECKPOINT OUT.safetensors IMAGE...
      the encoder input of each image (tensor "0", "1", ...);
  crosscheck.py encode CHECKPOINT
      reads a JSON list of strings on stdin, prints their token ids as JSON.

trainers/tinyvlm/pytorch_test.go runs both."""

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

import torch  # noqa: E402

import plugin  # noqa: E402
import tinyvlm  # noqa: E402


def batch_of(ckdir, data, n):
    cfg, tok, model, _ = tinyvlm.load(ckdir)
    system = tok.systems[0] if tok.systems else ""
    import random

    exs, _, _ = plugin.examples(cfg, tok, [data], system, 0.0, random.Random(0))
    if len(exs) < n:
        sys.exit(f"{data}: {len(exs)} usable records, asked for {n}")
    return cfg, model, tinyvlm.sft_batch(cfg, exs[:n])


def main():
    cmd, ckdir, data = sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else ""
    if cmd == "patches":
        import json

        with open(os.path.join(ckdir, tinyvlm.CONFIG_FILE)) as f:
            cfg = tinyvlm.Config(json.load(f))
        out = {}
        for i, path in enumerate(sys.argv[4:]):
            with open(path, "rb") as f:
                out[str(i)] = tinyvlm.image_patches(cfg, f.read())
        tinyvlm.write_safetensors(data, out)
        return
    if cmd == "encode":
        import json

        tok = tinyvlm.Tokenizer.load(os.path.join(ckdir, tinyvlm.TOKENIZER_FILE))
        print(json.dumps([tok.encode(s) for s in json.load(sys.stdin)]))
        return
    if cmd == "logits":
        n, out = int(sys.argv[4]), sys.argv[5]
        cfg, model, (patches, tokens, mask) = batch_of(ckdir, data, n)
        model.eval()
        with torch.no_grad():
            logits = model(patches, tokens)
            loss, _ = tinyvlm.response_loss(logits, tokens, mask)
        tinyvlm.write_safetensors(out, {"patches": patches.numpy(), "tokens": tokens.float().numpy(),
                                        "mask": mask.numpy(), "logits": logits.numpy()},
                                  {"loss": repr(float(loss))})
    elif cmd == "step":
        bsz, steps = int(sys.argv[4]), int(sys.argv[5])
        torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "0")) or torch.get_num_threads())
        cfg, model, (patches, tokens, mask) = batch_of(ckdir, data, bsz)
        decay = [dict(model.named_parameters())[n] for n, _, d, _ in cfg.param_specs() if d]
        rest = [dict(model.named_parameters())[n] for n, _, d, _ in cfg.param_specs() if not d]
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}],
                                lr=1e-3, betas=(0.9, 0.95), eps=1e-8)

        def step():
            loss, _ = tinyvlm.response_loss(model(patches, tokens), tokens, mask)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(decay + rest, 1.0)
            opt.step()

        step()
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        print(f"ms_per_step {(time.perf_counter() - t0) / steps * 1000:.3f} threads {torch.get_num_threads()}")
    else:
        sys.exit(f"unknown command {cmd!r}")


if __name__ == "__main__":
    main()
