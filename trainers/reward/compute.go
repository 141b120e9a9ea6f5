package reward

import (
	"context"
	"fmt"

	"github.com/vlmlab/harness/benchmarks/answer"
)

// Compute rewards one sample with a rule-based verifier (digit, mcq, math or
// iou). An open_ended sample needs a reward model: use Mixed.
//
// The error is for bad samples only — an unknown verifier type or a label the
// verifier cannot read — never for a bad response: a response that cannot be
// parsed scores 0 with a Reason.
func Compute(ctx context.Context, s Sample) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	if s.VerifierType == OpenEnded {
		return Result{}, fmt.Errorf("verifier_type open_ended needs a reward model: use Mixed with a Scorer")
	}
	res, ok, err := extract(s)
	if err != nil || !ok {
		return res, err
	}
	var score func(Sample, string) (float64, string, error)
	switch s.VerifierType {
	case Digit:
		score = scoreDigit
	case MCQ:
		score = scoreMCQ
	case Math:
		score = scoreMath
	case IoU:
		score = scoreIoU
	}
	r, reason, err := score(s, res.Answer)
	if err != nil {
		return Result{}, fmt.Errorf("%s verifier: %w", s.VerifierType, err)
	}
	res.Reward, res.Reason = r, reason
	return res, nil
}

// extract applies the implicit format reward: it checks the verifier type,
// then pulls the answer out of the response with answer.SplitStrict. ok is
// false when the format gate already decided the result (reward 0).
func extract(s Sample) (res Result, ok bool, err error) {
	if !s.VerifierType.Known() {
		return Result{}, false, fmt.Errorf("unknown verifier_type %q: want one of %s", s.VerifierType, verifierNames())
	}
	res = Result{VerifierType: s.VerifierType}
	final, found := answer.SplitStrict(s.Response)
	if !found {
		res.Reason = formatReason(s.Response)
		return res, false, nil
	}
	res.FormatOK, res.Answer = true, final
	return res, true, nil
}

// formatReason says why no answer could be extracted, using the lenient
// inspection for the common cases (cut off, several answers).
func formatReason(response string) string {
	switch answer.Inspect(response).Status {
	case answer.CutOffInThink:
		return "format: cut off inside <think>"
	case answer.CutOffInAnswer:
		return "format: <answer> never closed"
	case answer.MultipleAnswers:
		return "format: more than one <answer>"
	case answer.Empty:
		return "format: empty answer"
	}
	return "format: not <think>…</think><answer>…</answer>"
}
