"""gRPC service glue built from the service descriptors in the generated
*_pb2 modules, instead of grpc_tools' *_pb2_grpc modules: Debian's
python3-grpc-tools (1.14) is far older than its python3-grpcio (1.51), and a
descriptor cannot drift from the .proto it was generated from. A method added
to a .proto is served as UNIMPLEMENTED until the plugin implements it."""

from __future__ import annotations

import grpc
from google.protobuf import descriptor_pb2, symbol_database


def message_class(desc):
    """The generated class of a message descriptor."""
    try:  # protobuf >= 4.22
        from google.protobuf.message_factory import GetMessageClass

        return GetMessageClass(desc)
    except ImportError:
        return symbol_database.Default().GetSymbol(desc.full_name)


def _shape(method):
    p = descriptor_pb2.MethodDescriptorProto()
    method.CopyToProto(p)
    return p.client_streaming, p.server_streaming


def service_handler(service, impl):
    """A grpc.GenericRpcHandler serving `service` (a ServiceDescriptor) with the
    methods of `impl` named like the RPCs (Describe, Train, ...). Each method
    takes (request, context); server-streaming ones return an iterator."""
    handlers = {}
    for m in service.methods:
        fn = getattr(impl, m.name, None)
        if fn is None:
            continue
        req, res = message_class(m.input_type), message_class(m.output_type)
        client_streaming, server_streaming = _shape(m)
        if client_streaming:
            raise TypeError(f"{m.full_name}: client-streaming RPCs are not part of the harness protocol")
        make = grpc.unary_stream_rpc_method_handler if server_streaming else grpc.unary_unary_rpc_method_handler
        handlers[m.name] = make(fn, request_deserializer=req.FromString, response_serializer=res.SerializeToString)
    return grpc.method_handlers_generic_handler(service.full_name, handlers)


class Stub:
    """A client of `service` on `channel`: one attribute per RPC. Used by the
    SDK's test kit (harness_plugin.testing), which talks to a plugin the way
    the Go host does."""

    def __init__(self, channel, service):
        for m in service.methods:
            req, res = message_class(m.input_type), message_class(m.output_type)
            _, server_streaming = _shape(m)
            make = channel.unary_stream if server_streaming else channel.unary_unary
            path = f"/{service.full_name}/{m.name}"
            setattr(self, m.name, make(path, request_serializer=req.SerializeToString,
                                       response_deserializer=res.FromString))
