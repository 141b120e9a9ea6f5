package sdk

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// The three classes of plugin error. A plugin wraps its error in one of them
// (with Invalid, Unavailable or Internal, or fmt.Errorf("...: %w", ErrInvalid))
// and the class crosses the process boundary as a gRPC code, so the host can
// tell a user's mistake from a missing service from a bug:
//
//	class          gRPC code             the host says
//	ErrInvalid     InvalidArgument (3)   fix the config, params or data named
//	ErrUnavailable FailedPrecondition (9) something the plugin needs is missing
//	ErrInternal    Internal (13)         the plugin itself failed
//
// Unavailable (14) is not used for ErrUnavailable: gRPC reserves it for a dead
// connection, which the host reports as a plugin crash.
var (
	ErrInvalid     = errors.New("invalid parameters")
	ErrUnavailable = errors.New("unavailable dependency")
	ErrInternal    = errors.New("internal failure")
)

// classError is an error with a class, as Invalid and friends make it and as
// the host receives it.
type classError struct {
	class error
	msg   string
	err   error // the wrapped cause, when made by the plugin
}

func (e *classError) Error() string { return e.msg }

// Is makes errors.Is(err, ErrInvalid) true for an error of that class.
func (e *classError) Is(target error) bool { return target == e.class }

func (e *classError) Unwrap() error { return e.err }

// Invalid says the request was wrong: a bad config value, a bad parameter, a
// data file that does not parse. Its message should name the field or file.
func Invalid(format string, args ...any) error { return classed(ErrInvalid, format, args...) }

// Unavailable says something the plugin depends on is not there: a server it
// calls, a device, a file it was promised.
func Unavailable(format string, args ...any) error { return classed(ErrUnavailable, format, args...) }

// Internal says the plugin failed in its own logic.
func Internal(format string, args ...any) error { return classed(ErrInternal, format, args...) }

func classed(class error, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &classError{class: class, msg: err.Error(), err: errors.Unwrap(err)}
}

// Class returns ErrInvalid, ErrUnavailable or ErrInternal for an error that
// has a class, and nil for one that has none.
func Class(err error) error {
	for _, c := range []error{ErrInvalid, ErrUnavailable, ErrInternal} {
		if errors.Is(err, c) {
			return c
		}
	}
	return nil
}

// toStatus is the plugin side: an error becomes a gRPC status of its class;
// an error without a class gets class def. Cancellation stays cancellation.
func toStatus(err error, def error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return status.Error(codes.Canceled, err.Error())
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return status.Error(codes.DeadlineExceeded, err.Error())
	}
	class := Class(err)
	if class == nil {
		class = def
	}
	msg := err.Error()
	if format != "" {
		msg = fmt.Sprintf(format, args...) + ": " + msg
	}
	return status.Error(codeOf(class), msg)
}

func codeOf(class error) codes.Code {
	switch class {
	case ErrInvalid:
		return codes.InvalidArgument
	case ErrUnavailable:
		return codes.FailedPrecondition
	default:
		return codes.Internal
	}
}

// ClassOfCode is the host side: the class a gRPC code stands for, nil for a
// code that is not one of the three (Unavailable is a crash, Canceled a
// cancellation; a plugin in another language that sends Unknown is treated as
// an internal failure).
func ClassOfCode(c codes.Code) error {
	switch c {
	case codes.InvalidArgument, codes.NotFound, codes.OutOfRange, codes.AlreadyExists:
		return ErrInvalid
	case codes.FailedPrecondition, codes.ResourceExhausted:
		return ErrUnavailable
	case codes.Internal, codes.Unknown, codes.Unimplemented, codes.DataLoss:
		return ErrInternal
	}
	return nil
}

// FromStatus turns an error received from a plugin into one of its class, so
// errors.Is(err, ErrInvalid) works on the host, and a cancelled call into
// context.Canceled. Errors that are not gRPC statuses come back unchanged.
func FromStatus(err error) error {
	st, ok := status.FromError(err)
	if !ok || err == nil {
		return err
	}
	switch st.Code() {
	case codes.Canceled:
		return context.Canceled
	case codes.DeadlineExceeded:
		return context.DeadlineExceeded
	}
	class := ClassOfCode(st.Code())
	if class == nil {
		return err
	}
	return &classError{class: class, msg: st.Message()}
}

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
