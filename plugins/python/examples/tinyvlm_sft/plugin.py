#!/usr/bin/python3
"""torch-sft: supervised fine-tuning of a tinyvlm checkpoint in PyTorch (CPU),
a trainer plugin written with harness_plugin.

It reads the checkpoint a Go stage wrote (config.json, tokenizer.json,
model.safetensors, checkpoint.json), fine-tunes it on SFT records
(VLAA-Thinking layout JSONL: id, image, question, answer) with the same loss,
optimiser and schedule as the Go `sft` trainer, and writes the same folder,
so the next Go stage (or `harness model serve tinyvlm`) loads it unchanged.
It fine-tunes only: the stage needs a base checkpoint (pre-train in Go first).

Declare it in harness.yaml (examples/pytorch-sft.yaml):

    plugins:
      - name: torch-sft
        kind: trainer
        command: [/usr/bin/python3, plugins/python/examples/tinyvlm_sft/plugin.py]
"""

import os
import random
import sys
import time
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))  # harness_plugin
sys.path.insert(0, HERE)

import harness_plugin as hp  # noqa: E402  (first: it makes stdout safe)

import json  # noqa: E402

import torch  # noqa: E402

import tinyvlm  # noqa: E402

SCHEMA = {
    "type": "object",
    "properties": {
        "threads": {"type": "integer", "minimum": 0,
                    "description": "torch CPU threads (0: torch's default, all cores)"},
    },
    "additionalProperties": False,
}


@dataclass
class Config:
    threads: int = 0


@dataclass
class Params:
    """The Go sft trainer's params that apply to fine-tuning, same defaults."""

    lr: float = 2e-3
    min_lr: float = -1.0  # default lr/10
    warmup_ratio: float = 0.05
    weight_decay: float = 0.01
    clip_norm: float = 1.0
    batch_size: int = 32
    steps: int = 0  # 0: epochs × batches per epoch
    epochs: int = 1
    freeze_vision: bool = False
    system_prompt: str = ""  # "" the first registered, "none" for none
    tag_share: float = 0.5
    log_every: int = 20


def check(p):
    if p.min_lr < 0:
        p.min_lr = p.lr / 10
    problems = [
        (not 0 < p.lr < 1, f"lr {p.lr}: want a positive number below 1"),
        (p.min_lr > p.lr, f"min_lr {p.min_lr}: want 0 to lr ({p.lr})"),
        (not 0 <= p.warmup_ratio <= 1, f"warmup_ratio {p.warmup_ratio}: want 0 to 1"),
        (p.weight_decay < 0 or p.clip_norm < 0, "weight_decay and clip_norm must not be negative"),
        (not 1 <= p.batch_size <= 4096, f"batch_size {p.batch_size}: want 1 to 4096"),
        (p.steps < 0 or p.epochs < 1, "steps must not be negative and epochs at least 1"),
        (not 0 <= p.tag_share <= 1, f"tag_share {p.tag_share}: want 0 to 1"),
        (p.log_every < 1, "log_every must be at least 1"),
    ]
    for bad, msg in problems:
        if bad:
            raise hp.Invalid("torch-sft params: " + msg)
    return p


def lr_at(step, peak, low, warmup, total):
    """tinyvlm.Schedule.At: linear warmup, then cosine to low at total."""
    if warmup > 0 and step <= warmup:
        return peak * step / warmup
    span = total - warmup
    if span <= 0:
        return peak
    frac = min(1.0, (step - warmup) / span)
    import math

    return low + (peak - low) * 0.5 * (1 + math.cos(math.pi * frac))


def read_records(path):
    out = []
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        raise hp.Invalid(f"open training data {path}: {e.strerror}") from None
    with f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
            except ValueError as e:
                raise hp.Invalid(f"{path}:{n}: not a JSON record: {e}") from None
            if not isinstance(r, dict) or not r.get("question"):
                raise hp.Invalid(f"{path}:{n}: field question: missing or empty")
            if not r.get("answer"):
                raise hp.Invalid(f"{path}:{n}: field answer: missing or empty (SFT needs a target response)")
            out.append(r)
    if not out:
        raise hp.Invalid(f"{path}: no records")
    return out


def image_path(data_file, image):
    """An image path relative to the data file's folder, never outside it."""
    if not image:
        return None
    root = os.path.realpath(os.path.dirname(data_file))
    p = os.path.realpath(os.path.join(root, image))
    if os.path.isabs(image) or os.path.commonpath([p, root]) != root:
        raise hp.Invalid(f"{data_file}: image {image!r} is not a relative path inside the data folder {root}")
    return p


def examples(cfg, tok, data_files, system, tag_share, rng):
    exs, skipped, total = [], 0, 0
    for path in data_files:
        for r in read_records(path):
            total += 1
            img = image_path(path, r.get("image", ""))
            try:
                blob = None
                if img:
                    with open(img, "rb") as f:
                        blob = f.read()
                patches = tinyvlm.image_patches(cfg, blob)
            except (OSError, tinyvlm.FormatError) as e:
                raise hp.Invalid(f"{path}: record {r.get('id')}: image {r.get('image')!r}: {e}") from None
            answer = r["answer"]
            if "<answer>" not in answer and rng.random() < tag_share:
                answer = "<think></think><answer>" + answer + "</answer>"
            try:
                prompt = tinyvlm.encode_prompt(tok, cfg, system, r["question"])
            except ValueError:
                skipped += 1
                continue
            resp = tinyvlm.encode_response(tok, answer)
            if len(prompt) + len(resp) > cfg.max_text:
                skipped += 1
                continue
            exs.append((patches, prompt, resp))
    return exs, skipped, total


class TorchSFT:
    def __init__(self):
        self.config = Config()

    def describe(self):
        return {"name": "torch-sft", "version": "0.1.0", "provides": ["sft"], "config_schema": SCHEMA,
                "description": "SFT of a tinyvlm checkpoint in PyTorch (CPU), same checkpoint folder as Go"}

    def configure(self, config, api_version):
        self.config = hp.decode(config, Config)

    def train(self, req):
        p = check(hp.decode(req.params, Params))
        if req.base is None or not req.base.dir:
            raise hp.Invalid("torch-sft fine-tunes a tinyvlm checkpoint: put a stage that makes one before it "
                             "(the Go sft trainer pre-trains from scratch)")
        if req.base.format != tinyvlm.FORMAT:
            raise hp.Invalid(f"base checkpoint {req.base.dir} has format {req.base.format!r}; "
                             f"torch-sft fine-tunes {tinyvlm.FORMAT!r} checkpoints")
        if not req.data:
            raise hp.Invalid("no training data: give the stage a data: list (e.g. [sft])")
        if not req.output_dir:
            raise hp.Invalid("no output folder")
        if self.config.threads:
            torch.set_num_threads(self.config.threads)
        torch.manual_seed(req.seed)
        rng = random.Random(req.seed)
        try:
            cfg, tok, model, base = tinyvlm.load(req.base.dir)
        except tinyvlm.FormatError as e:
            raise hp.Invalid(f"base: {e}") from None
        if base.hash != req.base.hash:
            raise hp.Invalid(f"base checkpoint {req.base.dir}: its manifest hash {base.hash} is not the one the "
                             f"host sent ({req.base.hash})")
        system = p.system_prompt
        if system == "":
            system = tok.systems[0] if tok.systems else ""
        elif system == "none":
            system = ""
        exs, skipped, total_recs = examples(cfg, tok, req.data, system, p.tag_share, rng)
        if not exs:
            raise hp.Invalid(f"none of the {total_recs} records fits the text context of {cfg.max_text} tokens")
        if skipped:
            yield hp.Log(f"skipped {skipped} of {total_recs} records longer than the text context of "
                         f"{cfg.max_text} tokens", level="warn")
        bs = min(p.batch_size, len(exs))
        per_epoch = (len(exs) + bs - 1) // bs
        total = p.steps or p.epochs * per_epoch
        warmup = round(p.warmup_ratio * total)

        specs = cfg.param_specs()
        named = dict(model.named_parameters())
        decay, no_decay = [], []
        for name, _, dec, vision in specs:
            param = named[name]
            if vision and p.freeze_vision:
                param.requires_grad_(False)
                continue
            (decay if dec else no_decay).append(param)
        trainable = decay + no_decay
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": p.weight_decay},
                                 {"params": no_decay, "weight_decay": 0.0}],
                                lr=p.lr, betas=(0.9, 0.95), eps=1e-8)
        yield hp.Log(f"fine-tuning {sum(x.numel() for x in model.parameters())} parameters on {len(exs)} "
                     f"examples: {total} steps of {bs} (torch {torch.__version__}, {torch.get_num_threads()} threads)")
        model.train()
        order, cursor = list(range(len(exs))), len(exs)
        start, seen = time.time(), 0
        for step in range(1, total + 1):
            batch = []
            while len(batch) < bs:
                if cursor == len(order):
                    rng.shuffle(order)
                    cursor = 0
                batch.append(exs[order[cursor]])
                cursor += 1
            patches, tokens, mask = tinyvlm.sft_batch(cfg, batch)
            t0 = time.time()
            lr = lr_at(step, p.lr, p.min_lr, warmup, total)
            for g in opt.param_groups:
                g["lr"] = lr
            loss, n = tinyvlm.response_loss(model(patches, tokens), tokens, mask)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            norm = torch.nn.utils.clip_grad_norm_(trainable, p.clip_norm if p.clip_norm > 0 else float("inf"))
            opt.step()
            dt = max(time.time() - t0, 1e-9)
            lv = float(loss)
            if lv != lv or lv in (float("inf"), float("-inf")):
                raise hp.Invalid(f"train step {step}: loss is {lv} (lower the learning rate)")
            ntok = sum(len(e[1]) + len(e[2]) for e in batch)
            seen += ntok
            yield hp.Progress(step, total, {"loss": lv, "lr": lr, "grad_norm": float(norm),
                                            "tokens_per_s": ntok / dt, "response_tokens": float(n),
                                            "epoch": (step - 1) / per_epoch})
            if step % p.log_every == 0 or step == total:
                yield hp.Log(f"step {step}/{total} loss {lv:.4f} lr {lr:.2e} grad_norm {float(norm):.3f}")
        el = time.time() - start
        yield hp.Log(f"trained {total} steps on {len(exs)} examples in {el:.1f}s ({seen / el:.0f} tokens/s)")
        return tinyvlm.save(req.output_dir, cfg, os.path.join(req.base.dir, tinyvlm.TOKENIZER_FILE), model, req.base)


if __name__ == "__main__":
    hp.serve(TorchSFT())
