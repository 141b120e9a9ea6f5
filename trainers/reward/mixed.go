package reward

import (
	"context"
	"fmt"
	"runtime"

	"golang.org/x/sync/errgroup"
)

// Mixed is the paper's mixed reward: each sample is scored by the verifier its
// VerifierType names, and all open-ended samples of a batch go to the reward
// model in one call. There is no weighting across verifiers: every reward is
// already in [0, 1] (paper §4.1).
type Mixed struct {
	// Open scores open-ended answers; nil is fine for batches without
	// open_ended samples.
	Open Scorer
	// Beta is the smoothing β of OpenReward; 0 means DefaultBeta.
	Beta float64
	// Workers bounds the goroutines running rule-based verifiers; 0 means
	// GOMAXPROCS.
	Workers int
}

// SampleError is an error about one sample of a batch (unknown verifier
// type, unreadable label): the caller's data is wrong, not the reward model.
type SampleError struct {
	Index int
	Err   error
}

func (e *SampleError) Error() string { return fmt.Sprintf("sample %d: %v", e.Index, e.Err) }
func (e *SampleError) Unwrap() error { return e.Err }

// serialBelow is the batch size under which rule-based samples are scored on
// the calling goroutine: starting workers costs more than it saves.
const serialBelow = 64

// Score rewards a batch, one Result per sample, in order. The error names the
// first bad sample as a *SampleError (unknown verifier type, unreadable
// label), or says the reward model failed or ctx ended; it is never about a response, which at worst
// scores 0.
func (m Mixed) Score(ctx context.Context, samples []Sample) ([]Result, error) {
	out := make([]Result, len(samples))
	var openIdx []int
	var openAnswers []string
	var ruleIdx []int
	for i, s := range samples {
		if s.VerifierType != OpenEnded {
			ruleIdx = append(ruleIdx, i)
			continue
		}
		res, ok, err := extract(s)
		if err == nil {
			err = CheckLabel(s)
		}
		if err != nil {
			return nil, &SampleError{Index: i, Err: err}
		}
		out[i] = res
		if ok {
			openIdx = append(openIdx, i)
			openAnswers = append(openAnswers, res.Answer)
		}
	}
	if err := m.scoreRules(ctx, samples, ruleIdx, out); err != nil {
		return nil, err
	}
	beta := m.Beta
	if beta == 0 {
		beta = DefaultBeta
	}
	if beta < 0 {
		return nil, fmt.Errorf("open-ended reward: beta %v must be positive", m.Beta)
	}
	if err := scoreOpen(ctx, m.Open, beta, samples, openIdx, openAnswers, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Compute rewards one sample of any verifier type.
func (m Mixed) Compute(ctx context.Context, s Sample) (Result, error) {
	res, err := m.Score(ctx, []Sample{s})
	if err != nil {
		return Result{}, err
	}
	return res[0], nil
}

func (m Mixed) scoreRules(ctx context.Context, samples []Sample, idx []int, out []Result) error {
	one := func(i int) error {
		res, err := Compute(ctx, samples[i])
		if err != nil {
			if ctx.Err() != nil {
				return err // cancellation, not the sample's fault
			}
			return &SampleError{Index: i, Err: err}
		}
		out[i] = res
		return nil
	}
	workers := m.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers == 1 || len(idx) < serialBelow {
		for _, i := range idx {
			if err := one(i); err != nil {
				return err
			}
		}
		return nil
	}
	// Contiguous chunks: each goroutine writes its own part of out.
	g, gctx := errgroup.WithContext(ctx)
	chunk := (len(idx) + workers - 1) / workers
	for start := 0; start < len(idx); start += chunk {
		part := idx[start:min(start+chunk, len(idx))]
		g.Go(func() error {
			for _, i := range part {
				if err := gctx.Err(); err != nil {
					return err
				}
				if err := one(i); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return g.Wait()
}
