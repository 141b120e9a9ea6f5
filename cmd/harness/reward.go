package main

import (
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/vlmlab/harness/trainers/reward"
	"github.com/vlmlab/harness/trainers/reward/remote"
)

func newRewardCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "reward", Short: "The paper's mixed reward (digit, mcq, math, iou, open_ended)"}
	var (
		addr, rmURL, defaultVerifier string
		beta                         float64
		maxConcurrent                int
		queueWait, rmTimeout         time.Duration
		maxBody, maxInFlight         int64
		readTimeout, idleTimeout     time.Duration
	)
	serve := &cobra.Command{
		Use:   "serve",
		Short: "Serve the mixed reward over HTTP in OpenRLHF's remote reward protocol (--remote_rm_url)",
		Long: `Serve the mixed reward over HTTP in OpenRLHF's remote reward protocol.

POST / or /get_reward with {"query": [...], "prompts": [...], "labels": [...]}
returns {"rewards": [...], "scores": [...], "extra_logs": {...}}. Each label is
a JSON object (or a JSON string holding one) such as
{"answer": "B", "verifier_type": "mcq"}. docs/openrlhf.md shows the OpenRLHF
command line that uses it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts := remote.Options{
				Reward:           reward.Mixed{Beta: beta},
				MaxBodyBytes:     maxBody,
				MaxInFlightBytes: maxInFlight,
				MaxConcurrent:    maxConcurrent,
				QueueWait:        queueWait,
				ReadTimeout:      readTimeout,
				IdleTimeout:      idleTimeout,
			}
			if rmURL != "" {
				opts.Reward.Open = &reward.HTTPScorer{URL: rmURL, Client: &http.Client{Timeout: rmTimeout}}
			}
			if defaultVerifier != "" {
				vt, err := reward.ParseVerifierType(defaultVerifier)
				if err != nil {
					return fmt.Errorf("--default-verifier: %w", err)
				}
				opts.DefaultVerifier = vt
			}
			fmt.Fprintf(os.Stderr, "harness: reward server on http://%s (POST /get_reward)\n", addr)
			return remote.Serve(cmd.Context(), addr, opts)
		},
	}
	f := serve.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:5000", "address to listen on (the server has no authentication: bind a non-loopback address only on a trusted network or behind a firewall)")
	f.StringVar(&rmURL, "reward-model-url", "", "reward-model endpoint for open_ended samples (OpenRLHF serve_rm protocol); empty: open_ended labels are refused")
	f.Float64Var(&beta, "beta", 0, "smoothing β of the open-ended reward 1-exp(-(S(ŷ)-S(y))·β) (default 1)")
	f.StringVar(&defaultVerifier, "default-verifier", "", "verifier type for plain-string labels (digit, mcq, math, iou, open_ended); empty refuses them")
	f.IntVar(&maxConcurrent, "max-concurrent", 0, "requests scored at once (default: number of CPUs)")
	f.DurationVar(&queueWait, "queue-wait", remote.DefaultQueueWait, "how long a request waits for a slot before 503")
	f.DurationVar(&rmTimeout, "reward-model-timeout", time.Minute, "timeout of one reward-model call")
	f.Int64Var(&maxBody, "max-body", remote.DefaultMaxBodyBytes, "largest request body in bytes (413 beyond)")
	f.Int64Var(&maxInFlight, "max-in-flight", remote.DefaultMaxInFlightBytes, "request body bytes read and scored at once, over all requests (503 + Retry-After beyond, after --queue-wait)")
	f.DurationVar(&readTimeout, "read-timeout", remote.DefaultReadTimeout, "time a client has to send one whole request")
	f.DurationVar(&idleTimeout, "idle-timeout", remote.DefaultIdleTimeout, "idle keep-alive connections are closed after this")
	cmd.AddCommand(serve)
	return cmd
}
