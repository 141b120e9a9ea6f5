package grpo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/trainers/reward"
	"github.com/vlmlab/harness/trainers/reward/remote"
)

// Scored is the reward of one rollout.
type Scored struct {
	Reward       float64
	FormatOK     bool
	VerifierType string
}

// Rewarder scores rollouts: responses[i] under labels[i] (the label JSON of
// the reward server's protocol), prompts[i] the question.
type Rewarder interface {
	Score(ctx context.Context, responses, prompts []string, labels []json.RawMessage) ([]Scored, error)
}

// LocalReward is the mixed reward in process. It builds each sample with
// remote.ParseLabel and Label.Sample, exactly as `harness reward serve`
// does, so a response earns the same reward here and from the server.
type LocalReward struct{ Reward reward.Mixed }

func (l LocalReward) Score(ctx context.Context, responses, prompts []string, labels []json.RawMessage) ([]Scored, error) {
	samples := make([]reward.Sample, len(responses))
	for i := range responses {
		lab, err := remote.ParseLabel(labels[i], "")
		if err != nil {
			return nil, sdk.Invalid("label of rollout %d: %v", i, err)
		}
		samples[i] = lab.Sample(responses[i], prompts[i])
	}
	res, err := l.Reward.Score(ctx, samples)
	if err != nil {
		return nil, fmt.Errorf("mixed reward: %w", err)
	}
	out := make([]Scored, len(res))
	for i, r := range res {
		out[i] = Scored{Reward: r.Reward, FormatOK: r.FormatOK, VerifierType: string(r.VerifierType)}
	}
	return out, nil
}

// RemoteReward posts rollouts to a reward server in the direct form of its
// protocol ({"responses", "prompts", "labels"}): `harness reward serve`, or
// any server that speaks it (one with a reward model for open_ended).
type RemoteReward struct {
	URL    string
	Client *http.Client
}

// NewRemoteReward returns a RemoteReward whose calls time out after timeout.
func NewRemoteReward(url string, timeout time.Duration) *RemoteReward {
	return &RemoteReward{URL: url, Client: &http.Client{Timeout: timeout}}
}

func (r *RemoteReward) Score(ctx context.Context, responses, prompts []string, labels []json.RawMessage) ([]Scored, error) {
	body, err := json.Marshal(remote.Request{Responses: responses, Prompts: prompts, Labels: labels})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(body))
	if err != nil {
		return nil, sdk.Invalid("reward_url %q: %v", r.URL, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.Client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, sdk.Unavailable("reward server %s: %v", r.URL, err)
	}
	defer resp.Body.Close()
	blob, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, sdk.Unavailable("reward server %s: reading the reply: %v", r.URL, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, sdk.Unavailable("reward server %s answered %s: %s", r.URL, resp.Status, cut(string(blob), 300))
	}
	var rr remote.Response
	if err := json.Unmarshal(blob, &rr); err != nil {
		return nil, sdk.Unavailable("reward server %s: reply is not the reward protocol's JSON: %v", r.URL, err)
	}
	if len(rr.Rewards) != len(responses) {
		return nil, sdk.Unavailable("reward server %s returned %d rewards for %d responses", r.URL, len(rr.Rewards), len(responses))
	}
	out := make([]Scored, len(responses))
	for i, v := range rr.Rewards {
		out[i].Reward = float64(v)
		if f := rr.ExtraLogs["format_ok"]; i < len(f) {
			out[i].FormatOK = f[i] == 1
		}
		if i < len(rr.Details) {
			out[i].VerifierType = rr.Details[i].VerifierType
		}
	}
	return out, nil
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
