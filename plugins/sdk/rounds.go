package sdk

import (
	"context"
	"fmt"
	"sync"
)

// MaxScoreRounds bounds the scoring rounds of one dataset; every benchmark
// needs far fewer (one round of judge calls, or two where a benchmark asks
// the judge again about what it answered first).
const MaxScoreRounds = 32

// JudgeFunc answers one judge request. A failed call is an answer with
// Error set, not a Go error: the evaluator scores that item unresolved.
type JudgeFunc func(ctx context.Context, q JudgeRequest) JudgeAnswer

// RoundOptions tune ScoreRounds.
type RoundOptions struct {
	// Concurrency bounds judge calls in flight (default 16; 1 calls the
	// judge from one goroutine at a time, for judges that are not safe for
	// concurrent use).
	Concurrency int
	// Progress is told, during each round that needs the judge, how many of
	// that round's calls are answered (round counts from 1). Calls are
	// serialized.
	Progress func(round, done, total int)
}

// ScoreRounds drives the scoring protocol of Dataset.Score: it scores, answers
// the judge requests of that round, and scores again with every answer so
// far, until the evaluator returns its report. A nil judge is an error only
// if the evaluator asks for one. Hosts, tests and the conformance kit all
// score through this one loop.
func ScoreRounds(ctx context.Context, ds Dataset, responses []Response, judge JudgeFunc, opts RoundOptions) (*Report, error) {
	concurrency := opts.Concurrency
	if concurrency <= 0 {
		concurrency = 16
	}
	var answers []JudgeAnswer
	for round := 0; round < MaxScoreRounds; round++ {
		res, err := ds.Score(ctx, responses, answers)
		if err != nil {
			return nil, err
		}
		if res.Report != nil {
			return res.Report, nil
		}
		if judge == nil {
			return nil, fmt.Errorf("the evaluator asked for %d judge calls but no judge is configured", len(res.Pending))
		}
		got := make([]JudgeAnswer, len(res.Pending))
		sem := make(chan struct{}, concurrency)
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			answered int
		)
		for i, q := range res.Pending {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				got[i] = judge(ctx, q)
				got[i].Key = q.Key
				if opts.Progress != nil {
					mu.Lock()
					answered++
					opts.Progress(round+1, answered, len(res.Pending))
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		answers = append(answers, got...)
	}
	return nil, fmt.Errorf("no report after %d scoring rounds", MaxScoreRounds)
}
