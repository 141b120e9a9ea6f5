package grpo

import (
	"errors"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph-building code reads better unqualified

	"github.com/vlmlab/harness/trainers/tinyvlm"
)

// Loss inputs, in the order Trainer.Step receives them.
const (
	inPatches = iota // [B, P, PatchDim] float32
	inTokens         // [B, S] int32: prompt then response, right-padded
	inMask           // [B, S] float32: 1 on response tokens (eos included)
	inOldLogp        // [B, S] float32: log-probs under the rollout policy
	inRefLogp        // [B, S] float32: log-probs under the frozen reference
	inAdv            // [B] float32: the sequence's group-normalised advantage
	inBeta           // scalar float32: KL coefficient β
	numInputs
)

// Loss metrics, in the order of StepResult.Metrics.
const (
	metricClipFrac = iota
	metricKL
	metricEntropy
	metricRatio
)

// LossFunc is the GRPO loss on tinyvlm: for each sequence the mean over its
// response tokens of −(min(r·A, clip(r, 1−ε, 1+ε)·A) − β·KL), then the mean
// over sequences that have response tokens (the paper's 1/G Σ_i 1/|o_i| Σ_t;
// SequenceLoss is the same in plain Go). The log-ratio is masked before
// exp, so padding can never overflow into a NaN. Metrics: clip fraction,
// mean KL and entropy per response token, and the mean ratio.
func LossFunc(eps float64, est KLEstimator) tinyvlm.LossFunc {
	return func(w *tinyvlm.Weights, in []*Node) (*Node, []*Node) {
		if len(in) != numInputs {
			panic(errors.New("grpo loss takes patches, tokens, mask, old logp, ref logp, advantages and β"))
		}
		mask := in[inMask]
		logp, entropy := w.TokenLogProbs(in[inPatches], in[inTokens])
		logRatio := Mul(Sub(logp, in[inOldLogp]), mask)
		ratio := Exp(logRatio)
		adv := ExpandAxes(in[inAdv], -1) // [B, 1]
		surr1 := Mul(ratio, adv)
		surr2 := Mul(ClipScalar(ratio, 1-eps, 1+eps), adv)
		surr := Min(surr1, surr2)
		kl := tokenKLNode(est, Mul(Sub(logp, in[inRefLogp]), mask))
		tokLoss := Neg(Sub(surr, Mul(in[inBeta], kl)))

		perSeqN := ReduceSum(mask, -1) // [B]
		ones := OnesLike(perSeqN)
		seqMean := Div(ReduceSum(Mul(tokLoss, mask), -1), Max(perSeqN, ones))
		valid := ConvertDType(GreaterThan(perSeqN, ZerosLike(perSeqN)), perSeqN.DType())
		nSeq := ReduceAllSum(valid)
		loss := Div(ReduceAllSum(seqMean), Max(nSeq, OnesLike(nSeq)))

		nTok := ReduceAllSum(mask)
		nTok = Max(nTok, OnesLike(nTok))
		perTok := func(x *Node) *Node { return Div(ReduceAllSum(Mul(x, mask)), nTok) }
		clipped := ConvertDType(LessThan(surr2, surr1), mask.DType())
		return loss, []*Node{
			StopGradient(perTok(clipped)),
			StopGradient(perTok(kl)),
			StopGradient(perTok(entropy)),
			StopGradient(perTok(ratio)),
		}
	}
}

// tokenKLNode is KLEstimator.TokenKL on a tensor of log-ratios
// log π_θ − log π_ref.
func tokenKLNode(est KLEstimator, lr *Node) *Node {
	switch est {
	case K2:
		return MulScalar(Square(lr), 0.5)
	case K3:
		return Add(AddScalar(Exp(Neg(lr)), -1), lr)
	}
	return lr
}
