package reward

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestOpenReward(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, c := range []struct {
		name              string
		answer, ref, beta float64
		want              float64
	}{
		{"better by 1, beta 1", 2, 1, 1, 1 - math.Exp(-1)},
		{"better by 1, beta 0.5", 2, 1, 0.5, 1 - math.Exp(-0.5)},
		{"better by 3, beta 2", 0, -3, 2, 1 - math.Exp(-6)},
		{"tiny margin", 1 + 1e-12, 1, 1, 1e-12},
		{"equal", 1, 1, 1, 0},
		{"worse", 0.5, 1, 1, 0},
		{"much worse", -100, 100, 1, 0},
		{"huge margin", 1e300, -1e300, 1, 1},
		{"zero beta", 2, 1, 0, 0},
		{"negative beta", 2, 1, -1, 0},
		{"NaN answer", nan, 1, 1, 0},
		{"NaN reference", 1, nan, 1, 0},
		{"NaN beta", 2, 1, nan, 0},
		{"Inf answer", inf, 1, 1, 0},
		{"Inf beta", 2, 1, inf, 0},
	} {
		got := OpenReward(c.answer, c.ref, c.beta)
		if math.IsNaN(got) || got < 0 || got > 1 || math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%s: OpenReward(%v, %v, %v) = %v, want %v", c.name, c.answer, c.ref, c.beta, got, c.want)
		}
	}
}

// lengthScorer scores an answer by its length: a real Scorer, deterministic.
type lengthScorer struct {
	calls atomic.Int32
	fail  error
	short bool // return one score too few
}

func (l *lengthScorer) Score(ctx context.Context, reqs []ScoreRequest) ([]float64, error) {
	l.calls.Add(1)
	if l.fail != nil {
		return nil, l.fail
	}
	out := make([]float64, len(reqs))
	for i, r := range reqs {
		out[i] = float64(len(r.Response))
	}
	if l.short {
		out = out[1:]
	}
	return out, nil
}

func TestMixedBatch(t *testing.T) {
	scorer := &lengthScorer{}
	m := Mixed{Open: scorer, Beta: 0.5}
	samples := []Sample{
		digit(r("3"), "3"),
		{Response: r("a long detailed answer"), Label: "short", VerifierType: OpenEnded, Query: "q"},
		mcq(r("C"), "B"),
		{Response: r("no"), Label: "a longer reference", VerifierType: OpenEnded},
		{Response: "no tags", Label: "x", VerifierType: OpenEnded},
		iou(r("[0, 0, 0.5, 1]"), "[0, 0, 1, 1]"),
	}
	got, err := m.Score(context.Background(), samples)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1, 1 - math.Exp(-0.5*float64(len("a long detailed answer")-len("short"))), 0, 0, 0, 0.5}
	for i := range want {
		if math.Abs(got[i].Reward-want[i]) > 1e-12 {
			t.Errorf("sample %d: reward %v, want %v (%s)", i, got[i].Reward, want[i], got[i].Reason)
		}
	}
	if got[4].FormatOK || !got[1].FormatOK {
		t.Errorf("format gate: %+v, %+v", got[4], got[1])
	}
	if n := scorer.calls.Load(); n != 1 {
		t.Errorf("scorer called %d times, want 1 batched call", n)
	}
}

func TestMixedErrors(t *testing.T) {
	open := Sample{Response: r("x"), Label: "y", VerifierType: OpenEnded}
	for _, c := range []struct {
		name       string
		m          Mixed
		samples    []Sample
		wantIndex  int // -1: not a SampleError
		wantSubstr string
	}{
		{"no scorer", Mixed{}, []Sample{digit(r("3"), "3"), open}, 1, "reward model"},
		{"scorer fails", Mixed{Open: &lengthScorer{fail: errors.New("GPU on fire")}}, []Sample{open}, -1, "GPU on fire"},
		{"scorer short", Mixed{Open: &lengthScorer{short: true}}, []Sample{open}, -1, "1 scores for 2"},
		{"negative beta", Mixed{Open: &lengthScorer{}, Beta: -1}, []Sample{open}, -1, "beta"},
		{"bad label", Mixed{}, []Sample{digit(r("3"), "3"), digit(r("3"), "x")}, 1, "not a count"},
		{"unknown type", Mixed{}, []Sample{{Response: r("3"), Label: "3", VerifierType: "x"}}, 0, "unknown verifier_type"},
	} {
		_, err := c.m.Score(context.Background(), c.samples)
		if err == nil || !strings.Contains(err.Error(), c.wantSubstr) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.wantSubstr)
			continue
		}
		var se *SampleError
		isSample := errors.As(err, &se)
		if isSample != (c.wantIndex >= 0) || isSample && se.Index != c.wantIndex {
			t.Errorf("%s: SampleError=%v (%v), want index %d", c.name, isSample, se, c.wantIndex)
		}
	}
}

// TestMixedParallel checks that the worker pool gives the serial results.
func TestMixedParallel(t *testing.T) {
	var samples []Sample
	for i := range 500 {
		samples = append(samples, digit(r(fmt.Sprint(i%7)), fmt.Sprint(i%5)))
	}
	serial, err := Mixed{Workers: 1}.Score(context.Background(), samples)
	if err != nil {
		t.Fatal(err)
	}
	parallel, err := Mixed{Workers: 4}.Score(context.Background(), samples)
	if err != nil {
		t.Fatal(err)
	}
	for i := range serial {
		if serial[i] != parallel[i] {
			t.Fatalf("sample %d: serial %+v, parallel %+v", i, serial[i], parallel[i])
		}
	}
	samples[321].Label = "not a number"
	_, err = Mixed{Workers: 4}.Score(context.Background(), samples)
	var se *SampleError
	if !errors.As(err, &se) || se.Index != 321 {
		t.Fatalf("bad sample in parallel batch: %v, want SampleError at 321", err)
	}
}

// rmServer is a loopback reward-model server in OpenRLHF serve_rm's
// protocol: it scores each query by its length, and records what it got.
func rmServer(t *testing.T, handle func(w http.ResponseWriter, body scoreRequestBody)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body scoreRequestBody
		raw, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(raw, &body) != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		handle(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestHTTPScorer(t *testing.T) {
	var requests atomic.Int32
	srv := rmServer(t, func(w http.ResponseWriter, body scoreRequestBody) {
		requests.Add(1)
		scores := make([]float64, len(body.Query))
		for i, q := range body.Query {
			if !strings.HasPrefix(q, body.Prompts[i]) || !strings.HasSuffix(q, body.Responses[i]) {
				http.Error(w, "query is not prompt+response", http.StatusBadRequest)
				return
			}
			scores[i] = float64(len(body.Responses[i])) + float64(len(body.Images[i]))
		}
		json.NewEncoder(w).Encode(map[string]any{"rewards": scores, "scores": scores})
	})
	h := &HTTPScorer{URL: srv.URL, BatchSize: 2}
	reqs := []ScoreRequest{{Query: "q", Response: "abc"}, {Query: "q", Response: "a", Images: []string{"x.png"}}, {Query: "q2", Response: "abcdef"}}
	got, err := h.Score(context.Background(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{3, 2, 6}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("scores %v, want %v", got, want)
	}
	if n := requests.Load(); n != 2 {
		t.Errorf("%d requests for 3 pairs in batches of 2, want 2", n)
	}

	// Through Mixed, end to end: the answer (not the reasoning) is scored.
	m := Mixed{Open: &HTTPScorer{URL: srv.URL}, Beta: 1}
	res, err := m.Score(context.Background(), []Sample{{Response: "<think>" + strings.Repeat("x", 1000) + "</think><answer>abcd</answer>", Label: "ab", VerifierType: OpenEnded, Query: "q"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 - math.Exp(-2); math.Abs(res[0].Reward-want) > 1e-12 {
		t.Errorf("end-to-end reward %v, want %v", res[0].Reward, want)
	}
}

func TestHTTPScorerFailures(t *testing.T) {
	reply := func(status int, body string) *httptest.Server {
		return rmServer(t, func(w http.ResponseWriter, _ scoreRequestBody) {
			w.WriteHeader(status)
			io.WriteString(w, body)
		})
	}
	one := []ScoreRequest{{Query: "q", Response: "a"}}
	for _, c := range []struct {
		name string
		url  string
		want string
	}{
		{"HTTP 500", reply(500, "model crashed").URL, "HTTP 500"},
		{"not JSON", reply(200, "<html>").URL, "decode reply"},
		{"no scores", reply(200, `{"other": [1]}`).URL, `neither "rewards" nor "scores"`},
		{"scores fallback ok", reply(200, `{"scores": [1.5]}`).URL, ""},
		{"wrong count", reply(200, `{"rewards": [1, 2]}`).URL, "2 scores for 1"},
		{"NaN literal", reply(200, `{"rewards": [NaN]}`).URL, "decode reply"},
		{"string score", reply(200, `{"rewards": ["1"]}`).URL, "decode reply"},
		{"no server", "http://127.0.0.1:1/", "score pairs"},
		{"empty URL", "", "URL is empty"},
	} {
		_, err := (&HTTPScorer{URL: c.url}).Score(context.Background(), one)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestHTTPScorerCancel(t *testing.T) {
	release := make(chan struct{})
	srv := rmServer(t, func(w http.ResponseWriter, _ scoreRequestBody) { <-release })
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := (&HTTPScorer{URL: srv.URL}).Score(ctx, []ScoreRequest{{Query: "q", Response: "a"}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want deadline exceeded", err)
	}
}
