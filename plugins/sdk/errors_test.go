package sdk_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/plugins/sdk/sdktest"
)

// failingTrainer fails its stage with the error named by the stage.
type failingTrainer struct{}

func (failingTrainer) Train(ctx context.Context, req sdk.TrainRequest, emit func(sdk.TrainEvent) error) (*sdk.Checkpoint, error) {
	switch req.Stage {
	case "invalid":
		return nil, sdk.Invalid("learning_rate must be positive, got %v", -1)
	case "unavailable":
		return nil, fmt.Errorf("reward server: %w", sdk.ErrUnavailable)
	case "internal":
		return nil, sdk.Internal("nan in the loss at step %d", 7)
	case "unclassified":
		return nil, errors.New("index out of range")
	case "wait":
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return nil, nil
}

// Each class crosses the process boundary as its own gRPC code and comes back
// as the same class on the host.
func TestErrorClassesCrossTheBoundary(t *testing.T) {
	r := sdktest.Serve(t, &sdk.ServeConfig{Info: sdk.Info{Name: "failing", Version: "1"}, Trainer: failingTrainer{}})
	tests := []struct {
		stage string
		class error
		msg   string
	}{
		{"invalid", sdk.ErrInvalid, "train invalid: learning_rate must be positive, got -1"},
		{"unavailable", sdk.ErrUnavailable, "train unavailable: reward server: unavailable dependency"},
		{"internal", sdk.ErrInternal, "train internal: nan in the loss at step 7"},
		// An error the plugin did not classify is its own failure.
		{"unclassified", sdk.ErrInternal, "train unclassified: index out of range"},
		{"none", sdk.ErrInternal, "returned no checkpoint"},
	}
	for _, tc := range tests {
		t.Run(tc.stage, func(t *testing.T) {
			_, err := r.Trainer().Train(context.Background(), sdk.TrainRequest{Stage: tc.stage, OutputDir: t.TempDir()}, func(sdk.TrainEvent) error { return nil })
			if !errors.Is(err, tc.class) || sdk.Class(err) != tc.class {
				t.Errorf("class of %v = %v, want %v", err, sdk.Class(err), tc.class)
			}
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("message %v, want it to contain %q", err, tc.msg)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Trainer().Train(ctx, sdk.TrainRequest{Stage: "wait"}, func(sdk.TrainEvent) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestClassHelpers(t *testing.T) {
	cause := errors.New("disk full")
	err := sdk.Internal("write: %w", cause)
	if !errors.Is(err, cause) || !errors.Is(err, sdk.ErrInternal) || errors.Is(err, sdk.ErrInvalid) {
		t.Errorf("Internal wraps its cause and has one class: %v", err)
	}
	if sdk.Class(errors.New("plain")) != nil {
		t.Error("a plain error has no class")
	}
}
