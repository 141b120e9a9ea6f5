package modelserve_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vlmlab/harness/harness/catalog"
	"github.com/vlmlab/harness/harness/evaluate"
	"github.com/vlmlab/harness/harness/modelserve"
	"github.com/vlmlab/harness/plugins/host"
	"github.com/vlmlab/harness/plugins/sdk"
)

// The test binary doubles as the model plugin these tests serve: with
// HARNESS_TEST_ROLE=model it serves testModel instead of running tests.
const roleEnv = "HARNESS_TEST_ROLE"

func TestMain(m *testing.M) {
	if os.Getenv(roleEnv) == "tinyvlm" {
		p, _ := catalog.LookupBuiltin("tinyvlm")
		sdk.Serve(p.Serve())
		os.Exit(0)
	}
	if os.Getenv(roleEnv) == "model" {
		sdk.Serve(&sdk.ServeConfig{
			Info:  sdk.Info{Name: "test-model", Version: "0.1.0"},
			Model: &testModel{},
			Configure: func(_ context.Context, _ int, cfg []byte) error {
				return nil
			},
		})
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testModel answers deterministically, so tests can check what reached it:
//
//	"<text of the prompt> | image WxH | sample S | seed X"
//
// cut at the first stop string and at max_tokens words (then truncated);
// tokens are words, of the answer and of that prompt text.
// A prompt holding "TOO-LONG" fails the whole call as invalid, as a model
// whose context it exceeds does; "BROKEN" fails it as an internal error;
// "ODD" gets a per-prompt error; "SLOW" waits 200ms first.
type testModel struct{}

func (testModel) Generate(ctx context.Context, _ *sdk.Checkpoint, prompts []sdk.Prompt, params sdk.GenerateParams, emit func(sdk.Generation) error) error {
	for _, p := range prompts {
		text := promptText(p)
		switch {
		case strings.Contains(text, "TOO-LONG"):
			return sdk.Invalid("prompt %s is 4096 tokens; the context holds 64", p.ID)
		case strings.Contains(text, "BROKEN"):
			return sdk.Internal("weights are corrupt")
		case strings.Contains(text, "SLOW"):
			select {
			case <-time.After(200 * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	for _, p := range prompts {
		text := promptText(p)
		for s := range max(1, params.N) {
			if strings.Contains(text, "ODD") {
				if err := emit(sdk.Generation{PromptID: p.ID, Sample: s, Error: "cannot read this prompt"}); err != nil {
					return err
				}
				continue
			}
			out := fmt.Sprintf("%s | sample %d", text, s)
			if params.Temperature > 0 {
				out += fmt.Sprintf(" | seed %d", params.Seed)
			}
			for _, st := range params.Stop {
				if i := strings.Index(out, st); i >= 0 {
					out = out[:i]
				}
			}
			words := strings.Fields(out)
			truncated := false
			if params.MaxTokens > 0 && len(words) > params.MaxTokens {
				words, truncated = words[:params.MaxTokens], true
				out = strings.Join(words, " ")
			}
			if err := emit(sdk.Generation{PromptID: p.ID, Sample: s, Text: out, Tokens: len(words), Truncated: truncated,
				PromptTokens: len(strings.Fields(text))}); err != nil {
				return err
			}
		}
	}
	return nil
}

func promptText(p sdk.Prompt) string {
	var parts []string
	if p.System != "" {
		parts = append(parts, "system: "+p.System)
	}
	for _, part := range p.Parts {
		if part.Image != nil {
			cfg, _, err := image.DecodeConfig(bytes.NewReader(part.Image.Data))
			if err != nil {
				parts = append(parts, "image ?")
			} else {
				parts = append(parts, fmt.Sprintf("image %dx%d %s", cfg.Width, cfg.Height, part.Image.MIME))
			}
			continue
		}
		parts = append(parts, part.Text)
	}
	return strings.Join(parts, " | ")
}

// served is a server on 127.0.0.1 in front of the test model plugin, run
// as a real child process.
type served struct {
	URL    string // base URL, ending in /v1
	Server *modelserve.Server
	PID    int

	host *host.Host
	done chan error
}

// serve starts the test model plugin and a server in front of it; cleanup
// stops both and checks that the plugin process is gone.
func serve(t testing.TB, cfg modelserve.Config) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := serveUntil(t, ctx, cfg)
	t.Cleanup(func() {
		cancel()
		s.wait(t)
	})
	return s
}

// serveUntil is serve with the server stopping when ctx ends; wait for it
// with s.wait.
func serveUntil(t testing.TB, ctx context.Context, cfg modelserve.Config) *served {
	t.Helper()
	return servePlugin(t, ctx, "model", nil, cfg)
}

// servePlugin serves the plugin this test binary plays in role ("model":
// testModel, "tinyvlm": the built-in) for checkpoint ck.
func servePlugin(t testing.TB, ctx context.Context, role string, ck *sdk.Checkpoint, cfg modelserve.Config) *served {
	t.Helper()
	h := host.New(host.Options{})
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p, err := h.Launch(ctx, host.Spec{Name: "test-model", Kind: sdk.KindModel, Command: []string{exe}, Env: []string{roleEnv + "=" + role}})
	if err != nil {
		h.Close()
		t.Fatal(err)
	}
	if cfg.Model == "" {
		cfg.Model = "test-model"
	}
	cfg.Generator = evaluate.Plugin(p.Model(), ck)
	cfg.Health = func() error {
		if p.Exited() {
			return errors.New("plugin exited")
		}
		return nil
	}
	srv, err := modelserve.New(cfg)
	if err != nil {
		h.Close()
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		h.Close()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	return &served{URL: "http://" + ln.Addr().String() + "/v1", Server: srv, PID: p.PID(), host: h, done: done}
}

// wait waits for the server to stop, stops the plugin and checks it is gone.
func (s *served) wait(t testing.TB) {
	t.Helper()
	if err := <-s.done; err != nil {
		t.Errorf("serve: %v", err)
	}
	s.host.Close()
	assertGone(t, s.PID)
}

// assertGone fails when process pid still exists (go-plugin reaps it, so
// a zombie would be a leak too).
func assertGone(t testing.TB, pid int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := syscall.Kill(pid, 0)
		if errors.Is(err, syscall.ESRCH) {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("plugin process %d still exists after the server stopped", pid)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// pngDataURL is a data URL of a w×h PNG.
func pngDataURL(t testing.TB, w, h int) string {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return "data:image/png;base64," + encodeBase64(b.Bytes())
}

func encodeBase64(b []byte) string {
	s, _ := json.Marshal(b) // []byte marshals as standard base64
	return strings.Trim(string(s), `"`)
}
