package sdk

import (
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// invalid is an error a plugin returns for bad input: the host shows its
// message as is.
func invalid(format string, args ...any) error {
	return status.Error(codes.InvalidArgument, fmt.Sprintf(format, args...))
}

// ErrorMessage returns the message of a plugin error without gRPC's
// "rpc error: code = ... desc =" wrapping.
func ErrorMessage(err error) string {
	if s, ok := status.FromError(err); ok {
		return s.Message()
	}
	return err.Error()
}
