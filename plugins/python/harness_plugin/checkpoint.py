"""Checkpoint folders as every SDK writes them: the files, and a manifest
(checkpoint.json) with the sha256 of each and the checkpoint's hash, computed
by the formula the Go SDK documents (sdk.CheckpointHash), so the host verifies
a Python trainer's checkpoint exactly like a Go one's."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile

from .errors import Internal, Invalid
from .types import Checkpoint

MANIFEST_FILE = "checkpoint.json"
MANIFEST_SCHEMA = "harness.checkpoint/v1"


def file_digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return "sha256:" + h.hexdigest()


def checkpoint_hash(format, parent, files):
    """The identity of a checkpoint (see sdk.CheckpointHash): sha256 of
    "harness.checkpoint.v1\\nformat F\\nparent P\\n" and one
    "file NAME DIGEST\\n" per file, names in byte order."""
    h = hashlib.sha256()
    h.update(f"harness.checkpoint.v1\nformat {format}\nparent {parent}\n".encode())
    for name in sorted(files, key=lambda n: n.encode()):
        h.update(f"file {name} {files[name]}\n".encode())
    return "sha256:" + h.hexdigest()


def _hash_files(root):
    files = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in filenames:
            path = os.path.join(dirpath, fn)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            if rel == MANIFEST_FILE or fn.startswith(".tmp-"):
                continue
            if os.path.islink(path) or not os.path.isfile(path):
                raise Internal(f"{path} is not a regular file (links are not allowed in a checkpoint)")
            files[rel] = file_digest(path)
    return files


def _write_atomic(path, data):
    fd, tmp = tempfile.mkstemp(prefix=".tmp-" + os.path.basename(path) + "-", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_checkpoint(dir, format, parent=None):
    """Finishes a checkpoint folder: hashes every file under dir, writes the
    manifest and returns the Checkpoint a trainer yields last. parent is the
    checkpoint the stage started from (TrainRequest.base), None for a model
    trained from scratch. Call it after every weight file is written."""
    if not format:
        raise Invalid(f"write checkpoint {dir}: empty format (name the layout, e.g. \"tinyvlm\" or \"hf\")")
    root = os.path.abspath(dir)
    files = _hash_files(root)
    if not files:
        raise Internal(f"write checkpoint {root}: the folder has no files")
    ck = Checkpoint(dir=root, format=format, parent=parent.hash if parent else "", files=files)
    ck.hash = checkpoint_hash(ck.format, ck.parent, ck.files)
    manifest = {"schema": MANIFEST_SCHEMA, "format": ck.format, "files": ck.files, "hash": ck.hash}
    if ck.parent:
        manifest["parent"] = ck.parent
    _write_atomic(os.path.join(root, MANIFEST_FILE), (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    return ck


def read_checkpoint(dir):
    """Reads and verifies a checkpoint folder written by any SDK."""
    root = os.path.abspath(dir)
    path = os.path.join(root, MANIFEST_FILE)
    try:
        with open(path, "rb") as f:
            m = json.load(f)
    except FileNotFoundError:
        raise Invalid(f"read checkpoint {root}: no {MANIFEST_FILE} (is it a folder a trainer wrote?)") from None
    except ValueError as e:
        raise Invalid(f"read checkpoint {root}: {MANIFEST_FILE}: {e}") from None
    if m.get("schema") != MANIFEST_SCHEMA:
        raise Invalid(f"read checkpoint {root}: {MANIFEST_FILE} has schema {m.get('schema')!r}, "
                      f"this SDK reads {MANIFEST_SCHEMA!r}")
    ck = Checkpoint(dir=root, format=m.get("format", ""), parent=m.get("parent", ""), files=m.get("files") or {},
                    hash=m.get("hash", ""))
    verify_checkpoint(ck)
    return ck


def verify_checkpoint(ck):
    """Checks that the files exist with their digests and the hash follows the
    formula; raises Invalid naming what differs."""
    if not ck.files:
        raise Invalid(f"checkpoint {ck.dir} lists no files")
    want = checkpoint_hash(ck.format, ck.parent, ck.files)
    if ck.hash != want:
        raise Invalid(f"checkpoint {ck.dir}: hash {ck.hash!r} does not follow the formula (want {want})")
    for name, digest in ck.files.items():
        parts = name.split("/")
        if name.startswith("/") or ".." in parts or "" in parts or name == MANIFEST_FILE:
            raise Invalid(f"checkpoint {ck.dir}: file name {name!r} is not a plain relative path")
        got = file_digest(os.path.join(ck.dir, *parts))
        if got != digest:
            raise Invalid(f"checkpoint {ck.dir}: {name} has {got}, the manifest says {digest} "
                          "(changed after it was written?)")
