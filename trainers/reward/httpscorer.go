package reward

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
)

// HTTPScorer is a Scorer backed by a reward model behind a JSON endpoint.
//
// It speaks the protocol of OpenRLHF's reward-model server
// (openrlhf.cli.serve_rm): it POSTs
//
//	{"query": [text, …], "prompts": [question, …], "responses": [answer, …], "images": [[path, …], …]}
//
// and reads {"rewards": [score, …]} (or "scores" when "rewards" is absent),
// one score per text. "query" is the question and the answer joined by Join;
// serve_rm reads only that field, a custom server may use the structured ones.
type HTTPScorer struct {
	URL string
	// Client defaults to http.DefaultClient. Set its Timeout, or pass a
	// context with a deadline.
	Client *http.Client
	// Join makes the text a serve_rm-style server scores, typically the reward
	// model's chat template applied to (question, answer). The default joins
	// them with a blank line.
	Join func(query, response string) string
	// BatchSize caps the pairs sent in one request (default 64).
	BatchSize int
}

// maxScoreBody bounds the reward model's reply: a few numbers per pair.
const maxScoreBody = 8 << 20

type scoreRequestBody struct {
	Query     []string   `json:"query"`
	Prompts   []string   `json:"prompts"`
	Responses []string   `json:"responses"`
	Images    [][]string `json:"images"`
}

type scoreResponseBody struct {
	Rewards []float64 `json:"rewards"`
	Scores  []float64 `json:"scores"`
}

// Score implements Scorer.
func (h *HTTPScorer) Score(ctx context.Context, reqs []ScoreRequest) ([]float64, error) {
	if h.URL == "" {
		return nil, fmt.Errorf("reward model URL is empty")
	}
	batch := h.BatchSize
	if batch <= 0 {
		batch = 64
	}
	out := make([]float64, 0, len(reqs))
	for start := 0; start < len(reqs); start += batch {
		end := min(start+batch, len(reqs))
		scores, err := h.post(ctx, reqs[start:end])
		if err != nil {
			return nil, fmt.Errorf("score pairs %d..%d at %s: %w", start, end-1, h.URL, err)
		}
		out = append(out, scores...)
	}
	return out, nil
}

func (h *HTTPScorer) post(ctx context.Context, reqs []ScoreRequest) ([]float64, error) {
	join := h.Join
	if join == nil {
		join = func(q, r string) string { return q + "\n\n" + r }
	}
	body := scoreRequestBody{
		Query:     make([]string, len(reqs)),
		Prompts:   make([]string, len(reqs)),
		Responses: make([]string, len(reqs)),
		Images:    make([][]string, len(reqs)),
	}
	for i, r := range reqs {
		body.Query[i] = join(r.Query, r.Response)
		body.Prompts[i] = r.Query
		body.Responses[i] = r.Response
		body.Images[i] = r.Images
		if body.Images[i] == nil {
			body.Images[i] = []string{}
		}
	}
	payload, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	client := h.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxScoreBody+1))
	if err != nil {
		return nil, fmt.Errorf("read reply: %w", err)
	}
	if len(raw) > maxScoreBody {
		return nil, fmt.Errorf("reply larger than %d bytes", maxScoreBody)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d: %s", resp.StatusCode, clip(strings.TrimSpace(string(raw))))
	}
	var reply scoreResponseBody
	if err := json.Unmarshal(raw, &reply); err != nil {
		return nil, fmt.Errorf("decode reply %s: %w", clip(string(raw)), err)
	}
	scores := reply.Rewards
	if scores == nil {
		scores = reply.Scores
	}
	if scores == nil {
		return nil, fmt.Errorf("reply has neither \"rewards\" nor \"scores\": %s", clip(string(raw)))
	}
	if len(scores) != len(reqs) {
		return nil, fmt.Errorf("reply has %d scores for %d pairs", len(scores), len(reqs))
	}
	for i, v := range scores {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("score %d is not finite", i)
		}
	}
	return scores, nil
}
