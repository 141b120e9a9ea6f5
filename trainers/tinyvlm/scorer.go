package tinyvlm

import (
	"fmt"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"
)

// Scorer computes per-token log-probabilities and entropies of a model
// outside any gradient: the "old" policy's and the frozen reference's
// log-probabilities of rollouts in GRPO. It reads the model's current
// weights at each call.
type Scorer struct {
	model *Model
	exec  *Exec
}

// NewScorer compiles (lazily, per batch shape) TokenLogProbs for m.
func NewScorer(backend compute.Backend, m *Model) (*Scorer, error) {
	np := len(m.Config.ParamSpecs())
	exec, err := NewExec(backend, func(in []*Node) []*Node {
		lp, ent := NewWeights(m.Config, in[:np]).TokenLogProbs(in[np], in[np+1])
		return []*Node{lp, ent}
	})
	if err != nil {
		return nil, err
	}
	return &Scorer{model: m, exec: exec}, nil
}

// Score returns logp and entropy [B, S] for patches [B, P, PatchDim] and
// tokens [B, S] (as SFTBatch packs them): entry t is about tokens[t] given
// what precedes it; column 0 is 0.
func (s *Scorer) Score(patches, tokens *tensors.Tensor) (logp, entropy *tensors.Tensor, err error) {
	defer catch(&err)
	args := make([]any, 0, len(s.model.Params)+2)
	for _, p := range s.model.Params {
		args = append(args, p)
	}
	args = append(args, patches, tokens)
	out, err := s.exec.Call(args...)
	if err != nil {
		return nil, nil, fmt.Errorf("score: %w", err)
	}
	return out[0], out[1], nil
}
