package host

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/vlmlab/harness/plugins/sdk"
)

// CrashError is a plugin process that died during a call.
type CrashError struct {
	Plugin     string
	ExitStatus string // e.g. "exit status 3", "killed by signal killed"
	LastLogs   []string
	Err        error
}

func (e *CrashError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "plugin %s crashed", e.Plugin)
	if e.ExitStatus != "" {
		fmt.Fprintf(&b, " (%s)", e.ExitStatus)
	}
	fmt.Fprintf(&b, ": %s", status.Convert(e.Err).Message())
	if len(e.LastLogs) > 0 {
		b.WriteString("\nlast log lines:\n  ")
		b.WriteString(strings.Join(e.LastLogs, "\n  "))
	}
	return b.String()
}

func (e *CrashError) Unwrap() error { return e.Err }

// PluginError is an error a running plugin returned (bad input, a failed
// stage): its message is the plugin's own.
type PluginError struct {
	Plugin string
	Code   codes.Code
	Msg    string
}

func (e *PluginError) Error() string { return fmt.Sprintf("plugin %s: %s", e.Plugin, e.Msg) }

// Unwrap gives the error's class, so errors.Is(err, sdk.ErrInvalid) (or
// sdk.ErrUnavailable, sdk.ErrInternal) tells what kind of failure it was.
func (e *PluginError) Unwrap() error { return sdk.ClassOfCode(e.Code) }

// wrapErr classifies an error of a call. gRPC reports a dead plugin as
// Unavailable; the process waiter may lag behind the failed call, so the
// exit is awaited briefly before reading its status.
func (p *Plugin) wrapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	st, _ := status.FromError(err)
	switch st.Code() {
	case codes.Canceled:
		return context.Canceled
	case codes.DeadlineExceeded:
		return context.DeadlineExceeded
	}
	if st.Code() == codes.Unavailable || p.client.Exited() {
		return &CrashError{Plugin: p.Spec.Name, ExitStatus: p.waitExit(3 * time.Second), LastLogs: p.tail.Lines(), Err: err}
	}
	return &PluginError{Plugin: p.Spec.Name, Code: st.Code(), Msg: st.Message()}
}

// waitExit waits up to d for the process to end and describes how it ended.
// Reading ProcessState is safe once Exited reports true: go-plugin sets that
// flag under its lock after cmd.Wait returned.
func (p *Plugin) waitExit(d time.Duration) string {
	deadline := time.Now().Add(d)
	for !p.client.Exited() {
		if time.Now().After(deadline) {
			return ""
		}
		time.Sleep(10 * time.Millisecond)
	}
	ps := p.cmd.ProcessState
	if ps == nil {
		return ""
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return "killed by signal " + ws.Signal().String()
	}
	return fmt.Sprintf("exit status %d", ps.ExitCode())
}
