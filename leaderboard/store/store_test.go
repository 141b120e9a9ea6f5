package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vlmlab/harness/leaderboard/store"
	"github.com/vlmlab/harness/leaderboard/store/storetest"
)

func six(a, b, c, d, e, f float64) map[string]float64 {
	return map[string]float64{"mathvista": a, "mathvision": b, "mathverse": c, "dynamath": d, "wemath": e, "logicvista": f}
}

func fixture() []store.Entry {
	partial := six(70, 30, 40, 20, 40, 50)
	delete(partial, "wemath")
	return []store.Entry{
		{ID: "a", Model: "Alpha 3B", Organisation: "Org_A", ParamsB: 3.75, Type: "RL", Kind: "model", Profile: "leaderboard", Scores: six(61, 24.4, 36.4, 18.2, 33.8, 38.5)},
		{ID: "b", Model: "Beta 3B", Organisation: "Org B", ParamsB: 3.75, Type: "base", Kind: "model", Profile: "leaderboard", Scores: six(62.7, 21.9, 32.2, 13, 30, 40.5)},
		{ID: "c", Model: "Gamma 7B", Organisation: "100% Labs", ParamsB: 8.29, Type: "RL", Kind: "model", Profile: "official", Verified: true, Scores: six(68, 26.4, 48.2, 22.4, 41.5, 48.5)},
		{ID: "d", Model: "Delta partial", Organisation: "Org B", ParamsB: 2, Type: "SFT", Kind: "model", Profile: "leaderboard", Scores: partial},
		{ID: "e", Model: "Epsilon ablation", Organisation: "Org A", Type: "SFT+RL", Kind: "ablation", Profile: "leaderboard", Scores: six(1, 1, 1, 1, 1, 1)},
		{ID: "f", Model: "Zeta tie", Organisation: "Org A", ParamsB: 3, Type: "RL", Kind: "model", Profile: "leaderboard", Scores: six(62.7, 21.9, 32.2, 13, 30, 40.5)},
	}
}

type listed struct {
	ID   string
	Rank int
}

func ids(p store.Page[store.Row]) []listed {
	var out []listed
	for _, r := range p.Rows {
		out = append(out, listed{r.ID, r.Rank})
	}
	return out
}

func TestStore(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			s, dsn := b.Open(t)
			ctx := context.Background()
			if err := s.PutEntries(ctx, fixture()); err != nil {
				t.Fatal(err)
			}
			t.Run("list", func(t *testing.T) { testList(t, s) })
			t.Run("entry", func(t *testing.T) { testEntry(t, s) })
			t.Run("items", func(t *testing.T) { testItems(t, s) })
			t.Run("tokens", func(t *testing.T) { testTokens(t, s) })
			t.Run("submissions", func(t *testing.T) { testSubmissions(t, s) })
			before, _ := s.List(ctx, store.Query{})
			// Reopening runs the migrations again: a no-op.
			s2, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatalf("reopen: %v", err)
			}
			defer s2.Close()
			p, err := s2.List(ctx, store.Query{})
			if err != nil || p.Total != before.Total {
				t.Fatalf("after reopen: %d rows, %v", p.Total, err)
			}
		})
	}
}

func testList(t *testing.T, s store.Store) {
	ctx := context.Background()
	cases := []struct {
		name  string
		q     store.Query
		want  []listed
		total int
	}{
		// b and f tie on the average: same rank, then by model name;
		// d lacks a benchmark and comes last, unranked; e is an ablation.
		{"default", store.Query{}, []listed{{"c", 1}, {"a", 2}, {"b", 3}, {"f", 3}, {"d", 0}}, 5},
		{"ablations", store.Query{Ablations: true}, []listed{{"c", 1}, {"a", 2}, {"b", 3}, {"f", 3}, {"e", 5}, {"d", 0}}, 6},
		{"<4B ranks within the bucket", store.Query{Buckets: []string{"<4B"}}, []listed{{"a", 1}, {"b", 2}, {"f", 2}, {"d", 0}}, 4},
		{"types", store.Query{Types: []string{"RL"}}, []listed{{"c", 1}, {"a", 2}, {"f", 3}}, 3},
		{"verified", store.Query{VerifiedOnly: true}, []listed{{"c", 1}}, 1},
		{"profile", store.Query{Profile: "official"}, []listed{{"c", 1}}, 1},
		{"worst first keeps incomplete last", store.Query{Desc: true}, []listed{{"f", 3}, {"b", 3}, {"a", 2}, {"c", 1}, {"d", 0}}, 5},
		{"by a benchmark", store.Query{Sort: "mathvista", Desc: true}, []listed{{"d", 0}, {"c", 1}, {"b", 3}, {"f", 3}, {"a", 2}}, 5},
		{"missing score sorts last", store.Query{Sort: "wemath", Desc: true}, []listed{{"c", 1}, {"a", 2}, {"b", 3}, {"f", 3}, {"d", 0}}, 5},
		{"by model", store.Query{Sort: "model"}, []listed{{"a", 2}, {"b", 3}, {"d", 0}, {"c", 1}, {"f", 3}}, 5},
		{"page 2", store.Query{Offset: 2, Limit: 2}, []listed{{"b", 3}, {"f", 3}}, 5},
		{"past the end", store.Query{Offset: 10, Limit: 2}, nil, 5},
		{"search is literal", store.Query{Search: "100%"}, []listed{{"c", 1}}, 1},
		{"search underscore", store.Query{Search: "org_"}, []listed{{"a", 1}}, 1},
		{"search case", store.Query{Search: "ALPHA"}, []listed{{"a", 1}}, 1},
	}
	for _, c := range cases {
		p, err := s.List(ctx, c.q)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if diff := cmp.Diff(c.want, ids(p)); diff != "" || p.Total != c.total {
			t.Errorf("%s: total %d (want %d) (-want +got):\n%s", c.name, p.Total, c.total, diff)
		}
	}
	if _, err := s.List(ctx, store.Query{Sort: "average; DROP TABLE entries"}); err == nil {
		t.Error("an unknown sort key was accepted")
	}
	if err := s.SetHidden(ctx, "c", true); err != nil {
		t.Fatal(err)
	}
	p, _ := s.List(ctx, store.Query{})
	if got := ids(p); len(got) != 4 || got[0] != (listed{"a", 1}) {
		t.Errorf("hidden entry still listed: %v", got)
	}
	s.SetHidden(ctx, "c", false)
	if err := s.SetHidden(ctx, "nope", true); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("hide unknown entry: %v", err)
	}
}

func testEntry(t *testing.T, s store.Store) {
	ctx := context.Background()
	avg := 35.4
	e := store.Entry{ID: "g", Model: `<script>alert(1)</script>`, Organisation: `"quoted"`, ParamsB: 45, Type: "API", Kind: "model",
		Profile: "leaderboard", Judge: "gpt-4o-mini", EvalDate: "2025-04-02", Scores: six(1, 2, 3, 4, 5, 6),
		Detail: store.Detail{Method: "m", ReportedAvg: &avg, Notes: []string{"n"}, Benchmarks: []store.BenchmarkDetail{{Name: "mathvista", Score: 1, Metrics: []store.Metric{{"acc", 1}}}}}}
	if err := s.PutEntry(ctx, e, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.Entry(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	if got.Bucket != ">40B" || !got.Complete || got.Average != 3.5 || got.Model != e.Model {
		t.Errorf("entry: %+v", got)
	}
	if diff := cmp.Diff(e.Detail, got.Detail); diff != "" {
		t.Errorf("detail (-put +got):\n%s", diff)
	}
	if err := s.SetFlag(ctx, "g", "suspected contamination"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Entry(ctx, "g"); got.Flag != "suspected contamination" {
		t.Errorf("flag: %q", got.Flag)
	}
	if _, err := s.Entry(ctx, "none"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown entry: %v", err)
	}
}

func testItems(t *testing.T, s store.Store) {
	ctx := context.Background()
	mk := func(hits ...bool) []store.Item {
		var out []store.Item
		for i, h := range hits {
			out = append(out, store.Item{Benchmark: "mathvista", Seq: i, ID: fmt.Sprint(i + 1), Question: fmt.Sprintf("question %d", i+1), Response: "resp 50%", Extracted: "A", Path: "rule", Hit: h})
		}
		return out
	}
	if err := s.PutEntry(ctx, store.Entry{ID: "a", Model: "Alpha 3B", Organisation: "Org_A", ParamsB: 3.75, Type: "RL", Kind: "model", Profile: "leaderboard", Scores: six(61, 24.4, 36.4, 18.2, 33.8, 38.5)}, mk(true, false, true)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutEntry(ctx, store.Entry{ID: "b", Model: "Beta 3B", Organisation: "Org B", ParamsB: 3.75, Type: "base", Kind: "model", Profile: "leaderboard", Scores: six(62.7, 21.9, 32.2, 13, 30, 40.5)}, mk(true, true)); err != nil {
		t.Fatal(err)
	}
	p, err := s.Items(ctx, "a", store.ItemQuery{Benchmark: "mathvista", Limit: 2})
	if err != nil || p.Total != 3 || len(p.Rows) != 2 || p.Rows[0].ID != "1" || !p.Rows[0].Hit {
		t.Fatalf("items: %+v %v", p, err)
	}
	miss := false
	if p, _ := s.Items(ctx, "a", store.ItemQuery{Hit: &miss}); p.Total != 1 || p.Rows[0].ID != "2" {
		t.Errorf("misses: %+v", p)
	}
	if p, _ := s.Items(ctx, "a", store.ItemQuery{Search: "QUESTION 3"}); p.Total != 1 {
		t.Errorf("search: %+v", p)
	}
	if p, _ := s.Items(ctx, "a", store.ItemQuery{Search: "_"}); p.Total != 0 {
		t.Errorf("search for _ matched %d items", p.Total)
	}
	// Item 2: a wrong, b right; item 3: only a has it.
	c, err := s.Compare(ctx, "a", "b", "mathvista", true, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if c.Total != 2 || c.Rows[0].ID != "2" || c.Rows[0].A.Hit || !c.Rows[0].B.Hit || c.Rows[1].ID != "3" || c.Rows[1].B != nil {
		t.Errorf("compare: %+v", c)
	}
	if all, _ := s.Compare(ctx, "a", "b", "", false, 0, 10); all.Total != 3 {
		t.Errorf("compare all: %d", all.Total)
	}
	// Replacing the items drops the old ones.
	s.PutEntry(ctx, store.Entry{ID: "b", Model: "Beta 3B", Organisation: "Org B", ParamsB: 3.75, Type: "base", Kind: "model", Profile: "leaderboard", Scores: six(62.7, 21.9, 32.2, 13, 30, 40.5)}, mk(false))
	if p, _ := s.Items(ctx, "b", store.ItemQuery{}); p.Total != 1 {
		t.Errorf("after replace: %d items", p.Total)
	}
}

func testTokens(t *testing.T, s store.Store) {
	ctx := context.Background()
	tok, err := s.AddToken(ctx, "alice", "", false)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Token(ctx, tok.Secret())
	if err != nil || got.Name != "alice" || got.Admin {
		t.Fatalf("token: %+v %v", got, err)
	}
	bad := tok.Secret()[:len(tok.Secret())-1] + "x"
	for _, secret := range []string{bad, "", "lb_", "lb_unknown_0123456789abcdef0123", "Bearer " + tok.Secret()} {
		if _, err := s.Token(ctx, secret); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token %q accepted: %v", secret, err)
		}
	}
	adm, err := s.AddToken(ctx, "admin", "lb_admin_0123456789abcdef0123", true)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Token(ctx, "lb_admin_0123456789abcdef0123"); err != nil || !got.Admin || got.ID != adm.ID {
		t.Errorf("admin token: %+v %v", got, err)
	}
}

func testSubmissions(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.Claim(ctx); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("claim on an empty queue: %v", err)
	}
	a, err := s.AddSubmission(ctx, store.Submission{TokenID: "t", Model: "m", Digest: "d1", Meta: `{"m":1}`, Payload: `{"p":1}`})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddSubmission(ctx, store.Submission{TokenID: "t", Model: "m", Digest: "d1", Meta: "{}", Payload: "{}"}); !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("duplicate accepted: %v", err)
	}
	b, _ := s.AddSubmission(ctx, store.Submission{TokenID: "t", Model: "m2", Digest: "d2", Meta: "{}", Payload: "{}"})
	got, err := s.Claim(ctx)
	if err != nil || got.ID != a.ID || got.Status != store.Running || got.Payload != `{"p":1}` || got.Meta != `{"m":1}` || got.Attempts != 1 {
		t.Fatalf("claim: %+v %v", got, err)
	}
	// A server killed now leaves a RUNNING row; the next start requeues it.
	if n, err := s.Requeue(ctx); n != 1 || err != nil {
		t.Fatalf("requeue: %d %v", n, err)
	}
	got, _ = s.Claim(ctx)
	if got.ID != a.ID || got.Attempts != 2 {
		t.Fatalf("claim after requeue: %+v", got)
	}
	e := store.Entry{ID: "sub-" + a.ID, Model: "m", Organisation: "o", Type: "RL", Kind: "model", Verified: true, Profile: "leaderboard", Scores: six(1, 1, 1, 1, 1, 1)}
	if err := s.Finish(ctx, a.ID, e, []store.Item{{Benchmark: "mathvista", ID: "1", Hit: true}}, "log"); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, a.ID, e, nil, "again"); err == nil {
		t.Error("finished a submission twice")
	}
	got2, _ := s.Claim(ctx)
	if got2.ID != b.ID {
		t.Fatalf("second claim: %+v", got2)
	}
	if err := s.Fail(ctx, b.ID, "unknown item ids: x", "log"); err != nil {
		t.Fatal(err)
	}
	sb, _ := s.Submission(ctx, b.ID)
	if sb.Status != store.Failed || sb.Reason != "unknown item ids: x" || sb.Finished.IsZero() {
		t.Errorf("failed submission: %+v", sb)
	}
	// A failed digest may be sent again.
	if _, err := s.AddSubmission(ctx, store.Submission{TokenID: "t", Model: "m2", Digest: "d2", Meta: "{}", Payload: "{}"}); err != nil {
		t.Errorf("resubmitting a failed digest: %v", err)
	}
	if err := s.Retry(ctx, b.ID); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("retry while the same digest is queued: %v", err)
	}
	if err := s.Retry(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if sa, _ := s.Submission(ctx, a.ID); sa.Status != store.Pending || sa.EntryID != "sub-"+a.ID {
		t.Errorf("retried: %+v", sa)
	}
	list, err := s.Submissions(ctx, 0, 10)
	if err != nil || list.Total != 3 {
		t.Errorf("list: %+v %v", list, err)
	}
	if got, err := s.Entry(ctx, "sub-"+a.ID); err != nil || !got.Verified {
		t.Errorf("finished entry: %+v %v", got, err)
	}
	// Concurrent claims hand each submission to one worker.
	for i := range 8 {
		s.AddSubmission(ctx, store.Submission{TokenID: "t", Model: "c", Digest: fmt.Sprint("c", i), Meta: "{}", Payload: "{}"})
	}
	var (
		mu   sync.Mutex
		seen = map[string]int{}
		wg   sync.WaitGroup
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for misses := 0; misses < 3; {
				c, err := s.Claim(ctx)
				if errors.Is(err, store.ErrNotFound) {
					misses++
					continue
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				seen[c.ID]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != 10 { // 8 new, the retried a, the resubmitted d2
		t.Errorf("claimed %d distinct submissions, want 10: %v", len(seen), seen)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("submission %s claimed %d times", id, n)
		}
	}
}
