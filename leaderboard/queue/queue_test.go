package queue_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vlmlab/harness/harness/result"
	"github.com/vlmlab/harness/leaderboard/queue"
	"github.com/vlmlab/harness/leaderboard/store"
	"github.com/vlmlab/harness/leaderboard/store/storetest"
	"github.com/vlmlab/harness/leaderboard/submission"
	"github.com/vlmlab/harness/plugins/sdk"
)

// exact is a scorer for the worker's unit tests: items "1".."4", and a
// response is right when it equals the id. The real plugins, through the
// evaluation session, are exercised by cmd/harness's
// TestLeaderboardSubmissions.
type exact struct{ block chan struct{} }

func (e exact) Score(ctx context.Context, bench, profile string, rs []sdk.Response, check queue.Check) (*queue.Scored, error) {
	info := sdk.DatasetInfo{Benchmark: bench, Path: "/data/" + bench, DataHash: "sha256:00", Count: 4, Expected: 4}
	var items []sdk.Item
	for _, id := range []string{"1", "2", "3", "4"} {
		items = append(items, sdk.Item{ID: id, Prompt: []sdk.Part{{Text: "what is " + id + "?"}, {Image: &sdk.Image{Path: "x.png"}}}})
	}
	if err := check(info, items, rs); err != nil {
		return nil, err
	}
	if e.block != nil {
		select {
		case <-e.block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	rep := &sdk.Report{Benchmark: bench, Primary: "acc", Dataset: info, Missing: 4 - len(rs)}
	hits := 0
	for _, r := range rs {
		hit := r.Text == r.ItemID
		if hit {
			hits++
		}
		rep.Items = append(rep.Items, sdk.ItemResult{ID: r.ItemID, Response: r.Text, Extracted: r.Text, Path: sdk.PathRule, Hit: hit})
	}
	rep.Score = 100 * float64(hits) / 4
	rep.Metrics = []sdk.Metric{{Name: "acc", Value: rep.Score}}
	o := result.Outcome{Benchmark: bench, Plugin: result.Plugin{Name: bench, Version: "test"}, Diagnostics: &result.Diagnostics{MeanResponseChars: 1, AhaRate: 0.5}}
	return &queue.Scored{Report: rep, Outcome: o, Items: items}, nil
}

func add(t *testing.T, st store.Store, preds map[string][]submission.Prediction) store.Submission {
	t.Helper()
	u := &submission.Upload{Model: submission.Model{Name: "Test <Model>", Organisation: "o", Type: "RL", ParamsB: 2}, Profile: "official", Partial: true, Benchmarks: preds}
	body, _ := submission.Encode(u)
	s, err := st.AddSubmission(context.Background(), store.Submission{TokenID: "t", Model: u.Model.Name, Digest: submission.Digest(u), Meta: "{}", Payload: string(body)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func wait(t *testing.T, st store.Store, id string, want string) store.Submission {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		s, err := st.Submission(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if s.Status == want {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("submission %s is %s, want %s (%s)", id, s.Status, want, s.Reason)
		}
	}
}

func TestWorker(t *testing.T) {
	st, _ := storetest.SQLite(t)
	ctx, cancel := context.WithCancel(context.Background())
	w := queue.New(st, exact{}, nil)
	w.Poll = 10 * time.Millisecond
	changed := make(chan struct{}, 10)
	w.Changed = func() { changed <- struct{}{} }
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	defer func() { cancel(); <-done }()

	good := add(t, st, map[string][]submission.Prediction{"mathvista": {{ID: "1", Response: "1"}, {ID: "2", Response: "x"}, {ID: "3", Response: "3"}}})
	w.Wake()
	s := wait(t, st, good.ID, store.Finished)
	e, err := st.Entry(context.Background(), s.EntryID)
	if err != nil {
		t.Fatal(err)
	}
	d := e.Detail.Benchmarks[0]
	if !e.Verified || e.Scores["mathvista"] != 50 || e.Complete || d.Missing != 1 || d.Items != 3 || e.Detail.Provenance.Plugins["mathvista"] != "mathvista test" || d.Diagnostics.AhaRate != 50 {
		t.Errorf("entry: %+v %+v", e, d)
	}
	if !strings.HasPrefix(e.ID, "test-model-") || !strings.Contains(s.Log, "mathvista: 3 items") {
		t.Errorf("id %q, log %q", e.ID, s.Log)
	}
	items, _ := st.Items(context.Background(), e.ID, store.ItemQuery{})
	if items.Total != 3 || items.Rows[0].Question != "what is 1?\n[image]" {
		t.Errorf("items: %+v", items)
	}
	select {
	case <-changed:
	default:
		t.Error("the server was not told about the new entry")
	}

	bad := add(t, st, map[string][]submission.Prediction{"wemath": {{ID: "1", Response: "1"}, {ID: "77", Response: "1"}, {ID: "x", Response: "1"}}})
	w.Wake()
	s = wait(t, st, bad.ID, store.Failed)
	if !strings.Contains(s.Reason, `wemath: 2 item id(s) are not in the benchmark data (/data/wemath, sha256:00): "77", "x"`) {
		t.Errorf("reason: %s", s.Reason)
	}
}

// A submission started MaxAttempts times without finishing (a server that
// died each time) fails instead of taking the server down forever.
func TestWorkerGivesUp(t *testing.T) {
	st, _ := storetest.SQLite(t)
	sub := add(t, st, map[string][]submission.Prediction{"mathvista": {{ID: "1", Response: "1"}}})
	ctx := context.Background()
	for range 3 {
		if _, err := st.Claim(ctx); err != nil {
			t.Fatal(err)
		}
		st.Requeue(ctx)
	}
	w := queue.New(st, exact{}, nil)
	w.Poll = 10 * time.Millisecond
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- w.Run(rctx) }()
	s := wait(t, st, sub.ID, store.Failed)
	cancel()
	<-done
	if !strings.Contains(s.Reason, "started 3 times without finishing") {
		t.Errorf("reason: %s", s.Reason)
	}
}

// Stopping the worker mid-scoring leaves the submission RUNNING for the next
// start to requeue; nothing is recorded half-done.
func TestWorkerStopsCleanly(t *testing.T) {
	st, _ := storetest.SQLite(t)
	block := make(chan struct{})
	w := queue.New(st, exact{block: block}, nil)
	w.Poll = 10 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	sub := add(t, st, map[string][]submission.Prediction{"mathvista": {{ID: "1", Response: "1"}}})
	w.Wake()
	wait(t, st, sub.ID, store.Running)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	s, _ := st.Submission(context.Background(), sub.ID)
	if s.Status != store.Running || s.EntryID != "" {
		t.Errorf("after stop: %+v", s)
	}
	if _, err := st.Entry(context.Background(), queue.EntryID("Test <Model>", sub.ID)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an entry was written for an unfinished submission: %v", err)
	}
}

func TestEntryID(t *testing.T) {
	for in, want := range map[string]string{
		"VLAA-Thinker Qwen2.5VL 3B": "vlaa-thinker-qwen2.5vl-3b-s1",
		"<script>":                  "script-s1",
		"../..":                     "model-s1",
		"Ünïcode":                   "n-code-s1",
	} {
		if got := queue.EntryID(in, "s1"); got != want {
			t.Errorf("EntryID(%q) = %q, want %q", in, got, want)
		}
	}
}
