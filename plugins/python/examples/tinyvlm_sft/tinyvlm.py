"""The tinyvlm architecture (trainers/tinyvlm, Go/GoMLX) in PyTorch, reading
and writing the same checkpoint folder: config.json, tokenizer.json,
model.safetensors and the harness manifest checkpoint.json.

Everything here follows the Go code line for line, so a checkpoint moves
between the two with the same logits (tested from Go:
trainers/tinyvlm/pytorch_test.go):

  - tokenizer: greedy longest match over the vocabulary in UTF-8 bytes; ids
    0-16 are special and never produced from text, except the four tags;
  - image: decoded (PNG only: Debian has no Pillow in the allowed set, and the
    toy world writes PNG), area-averaged to image_size² from 16-bit channel
    values as Go's image.Color.RGBA() gives them (alpha premultiplied),
    turned into ink (1 - v, so white is 0 and black 1), cut into patches in
    row-major order, each flattened as (row, column, RGB); no image is a white
    one (all zeros);
  - model: patch embedding + position table for P image tokens, token and
    position embeddings for the text, pre-norm blocks (RMSNorm, fused QKV
    without bias, scaled dot-product attention, GELU-tanh MLP with biases),
    image tokens see each other and the text is causal, a final RMSNorm, and
    the output projection tied to embed.weight;
  - loss: mean negative log-likelihood of the response tokens;
  - optimiser: AdamW(0.9, 0.95, 1e-8) with decoupled weight decay on matrices
    only, global-norm clipping, warmup then cosine.
"""

from __future__ import annotations

import json
import math
import os
import struct
import zlib

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

CONFIG_FORMAT = "tinyvlm/2"
TOKENIZER_FORMAT = "tinyvlm-tokenizer/1"
FORMAT = "tinyvlm"
CONFIG_FILE, TOKENIZER_FILE, WEIGHTS_FILE = "config.json", "tokenizer.json", "model.safetensors"

PAD_ID, UNK_ID, EOS_ID, USER_ID, ASSISTANT_ID = 0, 1, 2, 3, 4
NUM_SYSTEM_TOKENS = 8
TAGS = ("<think>", "</think>", "<answer>", "</answer>")
N_SPECIAL = 5 + NUM_SYSTEM_TOKENS + len(TAGS)  # ids below are special; only the tags come from text


class FormatError(ValueError):
    """A checkpoint or data file that does not follow the format."""


# --- config ----------------------------------------------------------------

CONFIG_KEYS = ("format", "d_model", "layers", "heads", "ffn", "image_size", "patch_size", "max_text", "vocab",
               "norm_eps")


class Config:
    def __init__(self, d):
        missing = [k for k in CONFIG_KEYS if k not in d]
        if missing:
            raise FormatError(f"config.json lacks {missing}")
        if d["format"] != CONFIG_FORMAT:
            raise FormatError(f"config.json: format {d['format']!r}, this trainer reads {CONFIG_FORMAT!r}")
        self.raw = d
        self.d_model, self.layers, self.heads, self.ffn = d["d_model"], d["layers"], d["heads"], d["ffn"]
        self.image_size, self.patch_size, self.max_text = d["image_size"], d["patch_size"], d["max_text"]
        self.vocab, self.norm_eps = d["vocab"], float(d["norm_eps"])
        if self.d_model % self.heads or self.image_size % self.patch_size:
            raise FormatError("config.json: heads must divide d_model and patch_size image_size")

    @property
    def patches(self):
        n = self.image_size // self.patch_size
        return n * n

    @property
    def patch_dim(self):
        return self.patch_size * self.patch_size * 3

    def param_specs(self):
        """(name, shape, decay, vision) in the Go order (Config.ParamSpecs)."""
        d, f = self.d_model, self.ffn
        ps = [("vision.patch_embed.weight", (d, self.patch_dim), True, True),
              ("vision.patch_embed.bias", (d,), False, True),
              ("vision.pos_embed", (self.patches, d), False, True),
              ("embed.weight", (self.vocab, d), True, False),
              ("pos_embed", (self.max_text, d), False, False)]
        for i in range(self.layers):
            p = f"layers.{i}."
            ps += [(p + "attn_norm.weight", (d,), False, False),
                   (p + "attn.qkv.weight", (3 * d, d), True, False),
                   (p + "attn.out.weight", (d, d), True, False),
                   (p + "mlp_norm.weight", (d,), False, False),
                   (p + "mlp.up.weight", (f, d), True, False),
                   (p + "mlp.up.bias", (f,), False, False),
                   (p + "mlp.down.weight", (d, f), True, False),
                   (p + "mlp.down.bias", (d,), False, False)]
        ps.append(("final_norm.weight", (d,), False, False))
        return ps


# --- tokenizer -------------------------------------------------------------


class Tokenizer:
    def __init__(self, vocab, system_prompts):
        fixed = ["<pad>", "<unk>", "<eos>", "<user>", "<assistant>"]
        if vocab[:5] != fixed:
            raise FormatError("tokenizer.json: the first entries must be " + ", ".join(fixed))
        self.vocab = list(vocab)
        self.ids = {v: i for i, v in enumerate(vocab)}
        if len(self.ids) != len(vocab):
            raise FormatError("tokenizer.json: an entry appears twice")
        self.max_len = max(len(v.encode()) for v in vocab)
        self.systems = [" ".join(s.split()) for s in system_prompts or []]

    @classmethod
    def load(cls, path):
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        if d.get("format") != TOKENIZER_FORMAT:
            raise FormatError(f"{path}: format {d.get('format')!r}, want {TOKENIZER_FORMAT!r}")
        return cls(d["vocab"], d.get("system_prompts"))

    def system_id(self, prompt):
        p = " ".join(prompt.split())
        for i, s in enumerate(self.systems):
            if s == p:
                return self.ids[f"<system{i}>"]
        return None

    def encode(self, text):
        b = text.encode("utf-8")
        out, i, n = [], 0, len(b)
        while i < n:
            for ln in range(min(self.max_len, n - i), 0, -1):
                try:
                    piece = b[i:i + ln].decode("utf-8")
                except UnicodeDecodeError:
                    continue
                v = self.ids.get(piece)
                if v is None or (v < N_SPECIAL and piece not in TAGS):
                    continue
                out.append(v)
                i += ln
                break
            else:  # a character outside the vocabulary: one <unk>, skip the rune
                out.append(UNK_ID)
                c = b[i]
                i += 1 if c < 0x80 else 2 if c >> 5 == 0b110 else 3 if c >> 4 == 0b1110 else 4
        return out


def encode_prompt(tok, cfg, system, question):
    ids = []
    if system:
        sid = tok.system_id(system)
        ids += [sid] if sid is not None else tok.encode(system)
    ids += [USER_ID] + tok.encode(question) + [ASSISTANT_ID]
    if len(ids) >= cfg.max_text:
        raise ValueError(f"prompt of {len(ids)} tokens leaves no room in the text context of {cfg.max_text}")
    return ids


def encode_response(tok, response):
    return tok.encode(response) + [EOS_ID]


# --- images ----------------------------------------------------------------


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def decode_png(data):
    """RGBA as Go's color.RGBA() gives it: uint32 array [H, W, 4] of 16-bit
    values, alpha premultiplied."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise FormatError("not a PNG (the PyTorch trainer reads PNG images only)")
    pos, idat, plte, trns, ihdr = 8, [], None, None, None
    while pos + 8 <= len(data):
        ln, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + ln]
        pos += 12 + ln
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            plte = body
        elif kind == b"tRNS":
            trns = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if ihdr is None:
        raise FormatError("PNG without IHDR")
    w, h, depth, ctype, _, _, interlace = ihdr
    if interlace:
        raise FormatError("interlaced PNG is not supported")
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(ctype)
    if channels is None or depth not in (1, 2, 4, 8, 16) or (depth < 8 and ctype not in (0, 3)) or \
            (depth == 16 and ctype == 3):
        raise FormatError(f"PNG colour type {ctype} at depth {depth} is not supported")
    if trns is not None and ctype != 3:
        raise FormatError("PNG transparency (tRNS) on a grey or RGB image is not supported")
    raw = zlib.decompress(b"".join(idat))
    bpp = max(1, channels * depth // 8)
    stride = (w * channels * depth + 7) // 8
    rows = np.zeros((h, stride), dtype=np.uint8)
    prev = bytearray(stride)
    p = 0
    for y in range(h):
        ft, line = raw[p], bytearray(raw[p + 1:p + 1 + stride])
        p += 1 + stride
        if ft == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif ft == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 0xFF
        elif ft == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ft == 4:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                up_left = prev[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + _paeth(left, prev[i], up_left)) & 0xFF
        elif ft != 0:
            raise FormatError(f"PNG filter type {ft} on row {y}")
        rows[y] = np.frombuffer(bytes(line), dtype=np.uint8)
        prev = line
    if depth < 8:
        bits = np.unpackbits(rows, axis=1).reshape(h, -1)[:, :w * depth].reshape(h, w, depth)
        vals = np.zeros((h, w), dtype=np.uint32)
        for k in range(depth):
            vals = (vals << 1) | bits[:, :, k]
        samples = vals[:, :, None]
    elif depth == 8:
        samples = rows[:, :w * channels].reshape(h, w, channels).astype(np.uint32)
    else:
        samples = rows[:, :w * channels * 2].reshape(h, w, channels, 2).astype(np.uint32)
        samples = (samples[..., 0] << 8) | samples[..., 1]
    out = np.empty((h, w, 4), dtype=np.uint32)
    if ctype == 3:
        if plte is None:
            raise FormatError("paletted PNG without PLTE")
        pal = np.frombuffer(plte, dtype=np.uint8).reshape(-1, 3).astype(np.uint32)
        alpha = np.full(len(pal), 255, dtype=np.uint32)
        if trns is not None:
            t = np.frombuffer(trns, dtype=np.uint8)[:len(pal)].astype(np.uint32)
            alpha[:len(t)] = t
        idx = samples[:, :, 0]
        if idx.max(initial=0) >= len(pal):
            raise FormatError("PNG palette index out of range")
        rgb16, a8 = pal[idx] * 257, alpha[idx]
        # Go: an entry with tRNS is a color.NRGBA (premultiplied by RGBA());
        # one without stays an opaque color.RGBA.
        out[..., :3] = np.where(a8[..., None] == 255, rgb16, rgb16 * a8[..., None] // 255)
        out[..., 3] = a8 * 257
    elif depth < 8:  # grey 1, 2, 4 bits, scaled as Go's decoder does
        scale = {1: 0xFF, 2: 0x55, 4: 0x11}[depth]
        g = samples[:, :, 0] * scale * 257
        out[..., 0] = out[..., 1] = out[..., 2] = g
        out[..., 3] = 0xFFFF
    else:
        full = 257 if depth == 8 else 1
        c = samples * full
        if ctype == 0:
            out[..., :3] = c[..., :1]
            out[..., 3] = 0xFFFF
        elif ctype == 2:
            out[..., :3] = c
            out[..., 3] = 0xFFFF
        else:  # grey+alpha or RGBA: non-premultiplied in the file
            a = c[..., -1:]
            col = np.repeat(c[..., :1], 3, axis=2) if ctype == 4 else c[..., :3]
            out[..., :3] = col * a // 0xFFFF if depth == 16 else col * (samples[..., -1:]) // 255
            out[..., 3] = a[..., 0]
    return out


def image_patches(cfg, data):
    """The encoder's input, [patches, patch_dim] float32 (Config.ImagePatches)."""
    if data is None:
        return np.zeros((cfg.patches, cfg.patch_dim), dtype=np.float32)
    img = decode_png(data)
    h, w = img.shape[:2]
    if h == 0 or w == 0:
        raise FormatError("image has no pixels")
    n = cfg.image_size
    # Integral image of the 16-bit values (exact in float64).
    s = np.zeros((h + 1, w + 1, 3), dtype=np.float64)
    s[1:, 1:] = np.cumsum(np.cumsum(img[..., :3].astype(np.float64), axis=0), axis=1)
    t = np.arange(n)
    y0 = t * h // n
    y1 = np.maximum((t + 1) * h // n, y0 + 1)
    x0 = t * w // n
    x1 = np.maximum((t + 1) * w // n, x0 + 1)
    tot = (s[y1][:, x1] - s[y0][:, x1] - s[y1][:, x0] + s[y0][:, x0])
    cnt = ((y1 - y0)[:, None] * (x1 - x0)[None, :]).astype(np.float64)[..., None]
    pix = (1 - tot / cnt / 65535).astype(np.float32)  # ink: white 0, black 1 [n, n, 3]
    ps, side = cfg.patch_size, n // cfg.patch_size
    return np.ascontiguousarray(
        pix.reshape(side, ps, side, ps, 3).transpose(0, 2, 1, 3, 4).reshape(side * side, ps * ps * 3))


# --- safetensors -----------------------------------------------------------


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise FormatError(f"{path}: shorter than a safetensors header")
    (hlen,) = struct.unpack("<Q", blob[:8])
    if hlen == 0 or hlen > 100 << 20 or 8 + hlen > len(blob):
        raise FormatError(f"{path}: header length {hlen} does not fit the file")
    header = json.loads(blob[8:8 + hlen])
    data = memoryview(blob)[8 + hlen:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        if e.get("dtype") != "F32":
            raise FormatError(f"{path}: tensor {name} has dtype {e.get('dtype')!r}; tinyvlm stores F32 only")
        b, end = e["data_offsets"]
        shape = tuple(e["shape"])
        if end - b != 4 * math.prod(shape) or end > len(data):
            raise FormatError(f"{path}: tensor {name}: shape {shape} does not match its bytes")
        out[name] = np.frombuffer(data[b:end], dtype="<f4").reshape(shape)
    return out, header.get("__metadata__", {})


def write_safetensors(path, tensors, metadata=None):
    """F32 tensors sorted by name, packed, header padded with spaces to a
    multiple of 8 (what trainers/tinyvlm writes and reads)."""
    header, off, parts = {}, 0, []
    if metadata:
        header["__metadata__"] = metadata
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name], dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + a.nbytes]}
        off += a.nbytes
        parts.append(a.tobytes())
    hj = json.dumps(header, separators=(",", ":")).encode()
    hj += b" " * (-len(hj) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(hj)))
        f.write(hj)
        for p in parts:
            f.write(p)
    os.replace(tmp, path)


# --- model -----------------------------------------------------------------


class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x / torch.sqrt(x.square().mean(-1, keepdim=True) + self.eps) * self.weight


class Attention(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.qkv = nn.Linear(d, 3 * d, bias=False)
        self.out = nn.Linear(d, d, bias=False)


class MLP(nn.Module):
    def __init__(self, d, f):
        super().__init__()
        self.up = nn.Linear(d, f)
        self.down = nn.Linear(f, d)


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg.d_model
        self.attn_norm = RMSNorm(d, cfg.norm_eps)
        self.attn = Attention(d)
        self.mlp_norm = RMSNorm(d, cfg.norm_eps)
        self.mlp = MLP(d, cfg.ffn)


class Vision(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.patch_embed = nn.Linear(cfg.patch_dim, cfg.d_model)
        self.pos_embed = nn.Parameter(torch.zeros(cfg.patches, cfg.d_model))


class TinyVLM(nn.Module):
    """Parameter names are the safetensors names, so load_state_dict takes
    model.safetensors as it is."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.vision = Vision(cfg)
        self.embed = nn.Embedding(cfg.vocab, cfg.d_model)
        self.pos_embed = nn.Parameter(torch.zeros(cfg.max_text, cfg.d_model))
        self.layers = nn.ModuleList(Block(cfg) for _ in range(cfg.layers))
        self.final_norm = RMSNorm(cfg.d_model, cfg.norm_eps)

    def forward(self, patches, tokens):
        """Next-token logits [B, S, V] for every text position."""
        cfg = self.cfg
        b, s = tokens.shape
        p, t = cfg.patches, cfg.patches + s
        x = torch.cat([self.vision.patch_embed(patches) + self.vision.pos_embed,
                       self.embed(tokens) + self.pos_embed[:s]], dim=1)
        qi = torch.arange(t)[:, None]
        kj = torch.arange(t)[None, :]
        allowed = (kj <= qi) | ((qi < p) & (kj < p))
        bias = torch.where(allowed, torch.tensor(0.0), torch.tensor(-1e9))
        h, dh = cfg.heads, cfg.d_model // cfg.heads
        for blk in self.layers:
            qkv = blk.attn.qkv(blk.attn_norm(x)).view(b, t, 3, h, dh)
            q, k, v = qkv[:, :, 0], qkv[:, :, 1], qkv[:, :, 2]
            scores = torch.einsum("bqhd,bkhd->bhqk", q, k) * (1 / math.sqrt(dh)) + bias
            o = torch.einsum("bhqk,bkhd->bqhd", scores.softmax(-1), v).reshape(b, t, cfg.d_model)
            x = x + blk.attn.out(o)
            y = blk.mlp_norm(x)
            x = x + blk.mlp.down(F.gelu(blk.mlp.up(y), approximate="tanh"))
        return self.final_norm(x[:, p:]) @ self.embed.weight.T


def response_loss(logits, tokens, mask):
    """Mean NLL of the tokens whose mask is 1 (ResponseLoss), and their count."""
    lsm = logits[:, :-1].log_softmax(-1)
    lp = lsm.gather(-1, tokens[:, 1:, None])[..., 0]
    m = mask[:, 1:]
    n = m.sum()
    return -(lp * m).sum() / torch.clamp(n, min=1.0), n


def sft_batch(cfg, examples):
    """(patches [B,P,PD], tokens [B,S] right-padded, mask [B,S]) as
    Model.SFTBatch packs them; S is the longest rounded up to 8."""
    s = max(len(e[1]) + len(e[2]) for e in examples)
    if s > cfg.max_text:
        raise ValueError(f"an example has {s} tokens, max_text is {cfg.max_text}")
    s = min(cfg.max_text, (s + 7) // 8 * 8)
    tokens = torch.zeros((len(examples), s), dtype=torch.long)
    mask = torch.zeros((len(examples), s), dtype=torch.float32)
    for i, (_, prompt, resp) in enumerate(examples):
        tokens[i, :len(prompt)] = torch.tensor(prompt)
        tokens[i, len(prompt):len(prompt) + len(resp)] = torch.tensor(resp)
        mask[i, len(prompt):len(prompt) + len(resp)] = 1
    patches = torch.from_numpy(np.stack([e[0] for e in examples]))
    return patches, tokens, mask


def load(dir):
    """(Config, Tokenizer, TinyVLM) from a checkpoint folder; the manifest is
    verified first (harness_plugin.read_checkpoint)."""
    import harness_plugin as hp

    ck = hp.read_checkpoint(dir)
    if ck.format != FORMAT:
        raise FormatError(f"checkpoint {dir} has format {ck.format!r}; this trainer reads {FORMAT!r}")
    for f in (CONFIG_FILE, TOKENIZER_FILE, WEIGHTS_FILE):
        if f not in ck.files:
            raise FormatError(f"checkpoint {dir}: the manifest does not list {f}")
    with open(os.path.join(dir, CONFIG_FILE), encoding="utf-8") as f:
        cfg = Config(json.load(f))
    tok = Tokenizer.load(os.path.join(dir, TOKENIZER_FILE))
    if len(tok.vocab) != cfg.vocab:
        raise FormatError(f"checkpoint {dir}: tokenizer has {len(tok.vocab)} tokens, config says {cfg.vocab}")
    weights, _ = read_safetensors(os.path.join(dir, WEIGHTS_FILE))
    model = TinyVLM(cfg)
    want = {n: shape for n, shape, _, _ in cfg.param_specs()}
    if set(weights) != set(want):
        raise FormatError(f"checkpoint {dir}: tensors {sorted(set(weights) ^ set(want))} differ from the architecture")
    for n, shape in want.items():
        if tuple(weights[n].shape) != shape:
            raise FormatError(f"checkpoint {dir}: tensor {n} has shape {weights[n].shape}, config needs {shape}")
    model.load_state_dict({n: torch.from_numpy(weights[n].copy()) for n in want}, strict=True)
    return cfg, tok, model, ck


def save(dir, cfg, tok_path, model, parent):
    """Writes config.json, tokenizer.json (copied: SFT keeps the vocabulary),
    model.safetensors and the manifest; returns the harness Checkpoint."""
    import shutil

    import harness_plugin as hp

    os.makedirs(dir, exist_ok=True)
    with open(os.path.join(dir, CONFIG_FILE), "w", encoding="utf-8") as f:
        json.dump(cfg.raw, f, indent=2)
        f.write("\n")
    if os.path.abspath(tok_path) != os.path.abspath(os.path.join(dir, TOKENIZER_FILE)):
        shutil.copyfile(tok_path, os.path.join(dir, TOKENIZER_FILE))
    sd = model.state_dict()
    write_safetensors(os.path.join(dir, WEIGHTS_FILE), {n: sd[n].detach().cpu().numpy() for n, *_ in cfg.param_specs()},
                      {"format": CONFIG_FORMAT})
    return hp.write_checkpoint(dir, FORMAT, parent)
