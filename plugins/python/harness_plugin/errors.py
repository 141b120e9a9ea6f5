"""The three classes of plugin error, as the Go SDK defines them.

Raise one of them to tell the host what kind of failure it is; the class
crosses the process boundary as a gRPC status code:

    class        gRPC code            the host says
    Invalid      INVALID_ARGUMENT     fix the config, params or data named
    Unavailable  FAILED_PRECONDITION  something the plugin needs is missing
    Internal     INTERNAL             the plugin itself failed

Any other exception escaping a plugin method gets the method's default class
(Invalid for configure and open, Internal for the rest) and its traceback is
logged on stderr, which the host forwards and quotes in its error.
"""

import grpc


class PluginError(Exception):
    """Base of the classed errors; use one of the subclasses."""

    code = grpc.StatusCode.INTERNAL


class Invalid(PluginError):
    """The request was wrong: a bad config value, parameter or data file.
    The message should name the field or file."""

    code = grpc.StatusCode.INVALID_ARGUMENT


class Unavailable(PluginError):
    """Something the plugin depends on is not there: a device, a server, a
    file it was promised."""

    code = grpc.StatusCode.FAILED_PRECONDITION


class Internal(PluginError):
    """The plugin failed in its own logic."""

    code = grpc.StatusCode.INTERNAL
