"""decode(): a stage's params or a config block into a dataclass, strictly,
as the Go SDK's sdk.Decode does: an unknown key or a value of the wrong type
is an Invalid error naming it, so a typo in harness.yaml never silently
falls back to a default."""

from __future__ import annotations

import dataclasses
import typing

from .errors import Invalid


def _check(name, value, tp):
    origin = typing.get_origin(tp)
    if tp is typing.Any or tp is object:
        return value
    if origin is typing.Union:
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        for a in args:
            if a is type(None):
                continue
            try:
                return _check(name, value, a)
            except Invalid:
                pass
        raise Invalid(f"{name}: {value!r} is not a {tp}")
    if origin in (list, tuple):
        if not isinstance(value, list):
            raise Invalid(f"{name}: want a list, got {type(value).__name__} {value!r}")
        (arg,) = typing.get_args(tp)[:1] or (typing.Any,)
        return [_check(f"{name}[{i}]", v, arg) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise Invalid(f"{name}: want an object, got {type(value).__name__} {value!r}")
        return dict(value)
    if dataclasses.is_dataclass(tp):
        return decode(value, tp, prefix=name + ".")
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Invalid(f"{name}: want a number, got {type(value).__name__} {value!r}")
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, float) and value.is_integer())):
            raise Invalid(f"{name}: want an integer, got {type(value).__name__} {value!r}")
        return int(value)
    if tp is bool:
        if not isinstance(value, bool):
            raise Invalid(f"{name}: want true or false, got {value!r}")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise Invalid(f"{name}: want a string, got {type(value).__name__} {value!r}")
        return value
    return value


def decode(data, cls, prefix=""):
    """Returns cls(**data) after checking every key and value against the
    dataclass's fields and their annotations; missing keys keep defaults."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise Invalid(f"{prefix.rstrip('.') or 'params'}: want an object, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise Invalid(f"unknown key {prefix}{unknown[0]!r} (known: {', '.join(sorted(fields))})")
    kwargs = {k: _check(prefix + k, v, hints.get(k, typing.Any)) for k, v in data.items()}
    try:
        return cls(**kwargs)
    except TypeError as e:
        raise Invalid(f"{prefix.rstrip('.') or 'params'}: {e}") from None
