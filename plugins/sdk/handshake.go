package sdk

import (
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// Handshake is shared by the host and every plugin. The cookie is a UX guard
// (it stops a plugin binary run by hand from hanging), not a security measure.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  APIVersion,
	MagicCookieKey:   "HARNESS_PLUGIN",
	MagicCookieValue: "b3b1c5a0-reasoning-vlm-harness",
}

// MaxMessageBytes bounds one gRPC message. Item batches and result batches stay
// far below it; the limit exists for inline TSV images.
const MaxMessageBytes = 64 << 20

// GRPCOptions are the server options plugins use.
func grpcServerOptions(opts []grpc.ServerOption) []grpc.ServerOption {
	return append(opts, grpc.MaxRecvMsgSize(MaxMessageBytes), grpc.MaxSendMsgSize(MaxMessageBytes))
}

// GRPCDialOptions are the client options the host uses.
func GRPCDialOptions() []grpc.DialOption {
	return []grpc.DialOption{grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(MaxMessageBytes), grpc.MaxCallSendMsgSize(MaxMessageBytes))}
}

// PluginSets returns the versioned plugin sets for a host: the same kinds under
// every protocol version it speaks.
func PluginSets() map[int]plugin.PluginSet {
	return map[int]plugin.PluginSet{
		APIVersion: {
			KindTrainer:   &grpcPlugin{kind: KindTrainer},
			KindEvaluator: &grpcPlugin{kind: KindEvaluator},
			KindModel:     &grpcPlugin{kind: KindModel},
		},
	}
}
