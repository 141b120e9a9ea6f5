// Package sdktest is the test kit for plugin authors: run a plugin in
// process over go-plugin's test connection (Serve), or as the child process
// the harness would start (Launch), and check it against the plugin contract
// (Conformance). A plugin's own tests should do both:
//
//	func TestConformance(t *testing.T) {
//		r := sdktest.Serve(t, newServeConfig())
//		sdktest.Conformance(t, r, sdktest.Case{
//			Train: &sdk.TrainRequest{Stage: "sft", Data: []string{"testdata/sft.jsonl"}},
//		})
//	}
//
// Launch works for any executable, so a plugin written in Python or Rust is
// checked with the same Conformance call from a small Go test.
package sdktest

import (
	"context"
	"testing"

	"github.com/hashicorp/go-plugin"

	"github.com/vlmlab/harness/plugins/host"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Serve runs cfg in this process, behind a real gRPC connection (go-plugin's
// TestPluginGRPCConn), and returns the host's client for it, exactly as the
// harness would see the plugin after launching it. Everything is stopped
// when the test ends.
func Serve(t testing.TB, cfg *sdk.ServeConfig) *sdk.Remote {
	t.Helper()
	set := sdk.PluginSet(cfg)
	if len(set) != 1 {
		t.Fatalf("sdktest.Serve: set exactly one of Trainer, Benchmarks or Model in the ServeConfig of %q", cfg.Info.Name)
	}
	client, server := plugin.TestPluginGRPCConn(t, false, set)
	t.Cleanup(func() {
		// Stop the server before closing the client: Close would ask the
		// server to stop itself over gRPC, racing with a Stop here.
		server.Stop()
		client.Close()
	})
	for kind := range set {
		raw, err := client.Dispense(kind)
		if err != nil {
			t.Fatalf("sdktest.Serve: dispense %s: %v", kind, err)
		}
		r, ok := raw.(*sdk.Remote)
		if !ok {
			t.Fatalf("sdktest.Serve: unexpected client %T", raw)
		}
		r.Name = cfg.Info.Name
		return r
	}
	return nil
}

// Launch starts an executable plugin of a kind as the harness does (a child
// process, handshake, validation of what it declares) and returns its client.
// The process is stopped when the test ends. Set noMTLS for plugins whose SDK
// has no AutoMTLS (the Go and Python SDKs have it).
func Launch(t testing.TB, kind string, noMTLS bool, command ...string) *sdk.Remote {
	t.Helper()
	h := host.New(host.Options{})
	t.Cleanup(h.Close)
	p, err := h.Launch(context.Background(), host.Spec{Name: command[0], Kind: kind, Command: command, NoMTLS: noMTLS})
	if err != nil {
		t.Fatalf("sdktest.Launch: %v", err)
	}
	return p.Remote()
}
