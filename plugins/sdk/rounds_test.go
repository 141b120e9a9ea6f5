package sdk_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vlmlab/harness/plugins/sdk"
)

// roundsDataset asks the judge about every item in each of its first
// `rounds` rounds (or forever when rounds < 0), then reports how many
// answers it was given.
type roundsDataset struct {
	items  int
	rounds int
	calls  int
}

func (d *roundsDataset) Info() sdk.DatasetInfo { return sdk.DatasetInfo{Benchmark: "rounds"} }
func (d *roundsDataset) Items() []sdk.Item     { return nil }
func (d *roundsDataset) Score(_ context.Context, _ []sdk.Response, answers []sdk.JudgeAnswer) (*sdk.ScoreResult, error) {
	d.calls++
	if d.rounds >= 0 && d.calls > d.rounds {
		return &sdk.ScoreResult{Report: &sdk.Report{Benchmark: "rounds", Judged: len(answers)}}, nil
	}
	var pending []sdk.JudgeRequest
	for i := range d.items {
		pending = append(pending, sdk.JudgeRequest{Key: fmt.Sprintf("%d/%d", d.calls, i)})
	}
	return &sdk.ScoreResult{Pending: pending}, nil
}

func TestScoreRounds(t *testing.T) {
	echo := func(_ context.Context, q sdk.JudgeRequest) sdk.JudgeAnswer { return sdk.JudgeAnswer{Text: q.Key} }
	for _, c := range []struct {
		name        string
		ds          *roundsDataset
		judge       sdk.JudgeFunc
		wantAnswers int
		wantErr     string
	}{
		{"no judge needed", &roundsDataset{items: 3, rounds: 0}, nil, 0, ""},
		{"two rounds", &roundsDataset{items: 5, rounds: 2}, echo, 10, ""},
		{"judge needed, none configured", &roundsDataset{items: 2, rounds: 1}, nil, 0, "asked for 2 judge calls but no judge is configured"},
		{"never done", &roundsDataset{items: 1, rounds: -1}, echo, 0, "no report after 32 scoring rounds"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep, err := sdk.ScoreRounds(context.Background(), c.ds, nil, c.judge, sdk.RoundOptions{Concurrency: 2})
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rep.Judged != c.wantAnswers {
				t.Errorf("evaluator saw %d answers, want %d", rep.Judged, c.wantAnswers)
			}
		})
	}
}

func TestScoreRoundsBoundsConcurrencyAndReportsProgress(t *testing.T) {
	var inFlight, peak atomic.Int32
	judge := func(_ context.Context, q sdk.JudgeRequest) sdk.JudgeAnswer {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		defer inFlight.Add(-1)
		return sdk.JudgeAnswer{Key: "overwritten by the loop", Text: q.Key}
	}
	var last [2]int
	rep, err := sdk.ScoreRounds(context.Background(), &roundsDataset{items: 40, rounds: 1}, nil, judge, sdk.RoundOptions{
		Concurrency: 3,
		Progress:    func(round, done, _ int) { last = [2]int{round, done} },
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p > 3 {
		t.Errorf("%d judge calls in flight, want at most 3", p)
	}
	if last != [2]int{1, 40} || rep.Judged != 40 {
		t.Errorf("last progress %v, judged %d; want [1 40] and 40", last, rep.Judged)
	}
}

func TestScoreRoundsStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	judge := func(context.Context, sdk.JudgeRequest) sdk.JudgeAnswer { cancel(); return sdk.JudgeAnswer{} }
	_, err := sdk.ScoreRounds(ctx, &roundsDataset{items: 4, rounds: -1}, nil, judge, sdk.RoundOptions{})
	if err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
