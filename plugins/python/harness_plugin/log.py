"""Logging as hclog JSON lines on stderr, which the host re-emits through its
own logger tagged with the plugin's name, keeping level and fields.

Use the standard library: logging.getLogger(__name__).info("step", extra={"kv":
{"loss": 0.3}}) or the shorthand harness_plugin.log.info("step", loss=0.3).
serve() installs the handler on the root logger, so libraries' log records
(torch's warnings included) reach the host too."""

from __future__ import annotations

import datetime
import json
import logging
import os
import sys
import threading
import traceback

_LEVELS = {
    logging.DEBUG: "debug",
    logging.INFO: "info",
    logging.WARNING: "warn",
    logging.ERROR: "error",
    logging.CRITICAL: "error",
}

# The stream JSON lines go to: the process's stderr as it was at start-up.
_out = sys.stderr
_out_lock = threading.Lock()


def _set_output(stream):
    global _out
    _out = stream


def _level_name(levelno):
    if levelno < logging.DEBUG:
        return "trace"
    for lvl in (logging.ERROR, logging.WARNING, logging.INFO, logging.DEBUG):
        if levelno >= lvl:
            return _LEVELS[lvl]
    return "debug"


def _jsonable(v):
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    try:
        return float(v)  # numpy and torch scalars
    except (TypeError, ValueError):
        return str(v)


def emit(level, message, **fields):
    """Writes one hclog JSON line."""
    entry = {
        "@level": level,
        "@message": str(message),
        "@timestamp": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }
    for k, v in fields.items():
        if not k.startswith("@"):
            entry[k] = _jsonable(v)
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    with _out_lock:
        try:
            _out.write(line)
            _out.flush()
        except (OSError, ValueError):
            pass  # the host closed our stderr: nowhere left to say it


class JSONHandler(logging.Handler):
    """A logging.Handler writing hclog JSON lines. Fields come from
    extra={"kv": {...}}; an exception's traceback goes in field "error"."""

    def emit(self, record):
        try:
            fields = dict(getattr(record, "kv", None) or {})
            if record.name and record.name != "root":
                fields["logger"] = record.name
            if record.exc_info:
                fields["error"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
            emit(_level_name(record.levelno), record.getMessage(), **fields)
        except Exception:  # a broken record must not break the plugin
            self.handleError(record)


def _log(level, message, **fields):
    emit(level, message, **fields)


def debug(message, **fields):
    _log("debug", message, **fields)


def info(message, **fields):
    _log("info", message, **fields)


def warn(message, **fields):
    _log("warn", message, **fields)


def error(message, **fields):
    _log("error", message, **fields)


def install(level=None):
    """Routes the root logger to hclog JSON on stderr (serve() calls it)."""
    root = logging.getLogger()
    if not any(isinstance(h, JSONHandler) for h in root.handlers):
        root.addHandler(JSONHandler())
    if level is None:
        level = os.environ.get("HARNESS_PLUGIN_LOG_LEVEL", "info")
    root.setLevel({"trace": 5, "debug": logging.DEBUG, "info": logging.INFO, "warn": logging.WARNING,
                   "error": logging.ERROR}.get(str(level).lower(), logging.INFO))
