// Command harness trains and evaluates reasoning vision-language models: it
// runs trainer, evaluator and model plugins as child processes and the whole
// train-then-evaluate matrix of harness.yaml.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/vlmlab/harness/harness/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	if err != nil {
		var ps config.Problems
		if errors.As(err, &ps) {
			fmt.Fprintln(os.Stderr, ps.Error())
			fmt.Fprintf(os.Stderr, "harness: %d problem(s) in the config\n", len(ps))
		} else {
			fmt.Fprintln(os.Stderr, "harness:", err)
		}
		var ec exitCode
		if errors.As(err, &ec) {
			os.Exit(int(ec))
		}
		os.Exit(1)
	}
}

// exitCode lets a command choose its exit status.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
