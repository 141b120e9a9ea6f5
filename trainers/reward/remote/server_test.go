package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vlmlab/harness/trainers/reward"
)

const testPrompt = "<|im_start|>system\nAnswer in <think> </think><answer> </answer>.<|im_end|>\n<|im_start|>user\nQuestion?<|im_end|>\n<|im_start|>assistant\n"

// rollout is what OpenRLHF sends for one sample: the decoded query, the
// prompt and the label.
func rollout(answer string, label any) (string, string, any) {
	return testPrompt + "<think>working</think><answer>" + answer + "</answer><|im_end|>", testPrompt, label
}

func labelJSON(answer any, vt string) string {
	b, _ := json.Marshal(map[string]any{"answer": answer, "verifier_type": vt})
	return string(b)
}

// start serves opts on a loopback port until the test ends; it returns the
// base URL and a function that stops the server and returns Serve's error.
func start(t testing.TB, opts Options) (string, func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ServeListener(ctx, ln, opts) }()
	var once sync.Once
	var serveErr error
	stop := func() error {
		once.Do(func() { cancel(); serveErr = <-done })
		return serveErr
	}
	t.Cleanup(func() { stop() })
	return "http://" + ln.Addr().String(), stop
}

func post(t *testing.T, url string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, out
}

func request(samples ...[3]any) []byte {
	req := map[string][]any{"query": {}, "prompts": {}, "labels": {}}
	for _, s := range samples {
		req["query"] = append(req["query"], s[0])
		req["prompts"] = append(req["prompts"], s[1])
		req["labels"] = append(req["labels"], s[2])
	}
	b, _ := json.Marshal(req)
	return b
}

func sample(answer string, label any) [3]any {
	q, p, l := rollout(answer, label)
	return [3]any{q, p, l}
}

func TestServeRewards(t *testing.T) {
	url, _ := start(t, Options{})
	body := request(
		sample("3", labelJSON("3", "digit")),
		sample("three", labelJSON(3, "digit")),
		sample("(b)", labelJSON("B", "mcq")),
		sample("C", labelJSON("B", "mcq")),
		sample("[0, 0, 0.5, 1]", labelJSON([]float64{0, 0, 1, 1}, "iou")),
		[3]any{testPrompt + "3<|im_end|>", testPrompt, labelJSON("3", "digit")},          // no tags: format gate
		[3]any{"unrelated text <answer>3</answer>", testPrompt, labelJSON("3", "digit")}, // prompt not found
		sample("3", map[string]any{"gt": "3", "verifier_type": "digit"}),                 // label as a JSON object
	)
	for _, path := range []string{"/", "/get_reward"} {
		status, _, raw := post(t, url+path, body)
		if status != http.StatusOK {
			t.Fatalf("POST %s: %d %s", path, status, raw)
		}
		var resp Response
		if err := json.Unmarshal(raw, &resp); err != nil {
			t.Fatal(err)
		}
		want := []float64{1, 1, 1, 0, 0.5, 0, 0, 1}
		for i, w := range want {
			if math.Abs(float64(resp.Rewards[i])-w) > 1e-12 || resp.Scores[i] != resp.Rewards[i] {
				t.Errorf("%s sample %d: reward %v score %v, want %v (%+v)", path, i, resp.Rewards[i], resp.Scores[i], w, resp.Details[i])
			}
		}
		if got := fmt.Sprint(resp.ExtraLogs["format_ok"]); got != "[1 1 1 1 1 0 0 1]" {
			t.Errorf("format_ok = %s", got)
		}
		if got := fmt.Sprint(resp.ExtraLogs["response_found"]); got != "[1 1 1 1 1 1 0 1]" {
			t.Errorf("response_found = %s", got)
		}
		if d := resp.Details[2]; d.VerifierType != "mcq" || d.Answer != "(b)" || d.Reason == "" {
			t.Errorf("details[2] = %+v", d)
		}
		if !strings.Contains(resp.Details[6].Reason, "response not found") {
			t.Errorf("details[6] = %+v", resp.Details[6])
		}
	}
}

// TestServeExactBytes pins the reply's bytes: every number is a JSON float
// ("1.0", never "1"), because Python reads "1" as int and OpenRLHF's group
// normalisation fails on the int64 tensor a list of ints becomes.
func TestServeExactBytes(t *testing.T) {
	url, _ := start(t, Options{})
	body := request(
		sample("3", labelJSON("3", "digit")),
		sample("C", labelJSON("B", "mcq")),
		sample("[0, 0, 0.5, 1]", labelJSON([]float64{0, 0, 1, 1}, "iou")),
		[3]any{"unrelated", testPrompt, labelJSON("3", "digit")},
	)
	status, _, raw := post(t, url, body)
	if status != http.StatusOK {
		t.Fatalf("%d %s", status, raw)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"rewards":    `[1.0,0.0,0.5,0.0]`,
		"scores":     `[1.0,0.0,0.5,0.0]`,
		"extra_logs": `{"format_ok":[1.0,1.0,1.0,0.0],"response_found":[1.0,1.0,1.0,0.0]}`,
	} {
		if string(got[key]) != want {
			t.Errorf("%s = %s, want exactly %s", key, got[key], want)
		}
	}
}

func TestFloatJSON(t *testing.T) {
	tenth := 0.1 // a variable: constant arithmetic would be exact
	for _, c := range []struct {
		in   float64
		want string
	}{
		{0, "0.0"}, {1, "1.0"}, {0.5, "0.5"}, {-2, "-2.0"}, {1e-7, "1e-07"}, {tenth * 3, "0.30000000000000004"},
		{1e21, "1e+21"}, {math.NaN(), "0.0"}, {math.Inf(1), "0.0"},
	} {
		b, err := json.Marshal(Float(c.in))
		if err != nil || string(b) != c.want {
			t.Errorf("Float(%v) = %s, %v; want %s", c.in, b, err, c.want)
		}
		var back float64
		if err := json.Unmarshal(b, &back); err != nil || (!math.IsNaN(c.in) && !math.IsInf(c.in, 0) && back != c.in) {
			t.Errorf("Float(%v) does not read back: %v %v", c.in, back, err)
		}
	}
}

// TestServeDirectResponses is the request the verl and EasyR1 adapters send:
// the responses alone, no prompt to strip.
func TestServeDirectResponses(t *testing.T) {
	url, _ := start(t, Options{})
	body := `{"responses": ["<think>x</think><answer>3</answer>", "<think>y</think> <answer>(B)</answer>", "no tags"],
		"labels": [` + strconvQuote(labelJSON("3", "digit")) + `, {"gt": "B", "answer": null, "verifier_type": "mcq"}, ` + strconvQuote(labelJSON("3", "digit")) + `]}`
	status, _, raw := post(t, url+"/get_reward", []byte(body))
	if status != http.StatusOK {
		t.Fatalf("%d %s", status, raw)
	}
	var resp Response
	if err := json.Unmarshal(raw, &resp); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(resp.Rewards) != "[1 1 0]" || fmt.Sprint(resp.ExtraLogs["format_ok"]) != "[1 1 0]" || fmt.Sprint(resp.ExtraLogs["response_found"]) != "[1 1 1]" {
		t.Errorf("rewards %v format_ok %v found %v", resp.Rewards, resp.ExtraLogs["format_ok"], resp.ExtraLogs["response_found"])
	}
	if !strings.Contains(string(raw), `"rewards":[1.0,1.0,0.0]`) {
		t.Errorf("rewards not floats on the wire: %s", raw)
	}
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

func TestServeEmptyBatch(t *testing.T) {
	url, _ := start(t, Options{})
	status, _, raw := post(t, url+"/get_reward", []byte(`{"query": [], "prompts": [], "labels": []}`))
	if status != http.StatusOK || !strings.Contains(string(raw), `"rewards":[]`) {
		t.Fatalf("%d %s", status, raw)
	}
}

func TestServeDefaultVerifier(t *testing.T) {
	url, _ := start(t, Options{DefaultVerifier: reward.MCQ})
	status, _, raw := post(t, url, request(sample("B", "B"), sample("A", labelJSON("3", "digit"))))
	if status != http.StatusOK {
		t.Fatalf("%d %s", status, raw)
	}
	var resp Response
	json.Unmarshal(raw, &resp)
	if fmt.Sprint(resp.Rewards) != "[1 0]" {
		t.Errorf("rewards %v, want [1 0]", resp.Rewards)
	}
}

func TestServeBadRequests(t *testing.T) {
	url, _ := start(t, Options{MaxBodyBytes: 4096})
	ok := sample("3", labelJSON("3", "digit"))
	for _, c := range []struct {
		name   string
		method string
		path   string
		body   string
		status int
		want   string // substring of the JSON error
	}{
		{"not JSON", "POST", "/", `{"query": [`, 400, "not valid JSON"},
		{"JSON array", "POST", "/", `[1, 2]`, 400, "not valid JSON"},
		{"empty body", "POST", "/", ``, 400, "not valid JSON"},
		{"trailing data", "POST", "/", string(request(ok)) + `{}`, 400, "data after"},
		{"wrong field type", "POST", "/", `{"query": "one", "prompts": [], "labels": []}`, 400, "not valid JSON"},
		{"no query", "POST", "/", `{"prompts": [], "labels": []}`, 400, `no "query"`},
		{"query and responses", "POST", "/", `{"query": ["a"], "prompts": ["a"], "responses": ["a"], "labels": ["x"]}`, 400, `both "query" and "responses"`},
		{"responses without labels", "POST", "/", `{"responses": ["a"]}`, 400, `no "labels"`},
		{"responses length mismatch", "POST", "/", `{"responses": ["a", "b"], "labels": ["x"]}`, 400, "2 responses, 1 labels"},
		{"responses prompts mismatch", "POST", "/", `{"responses": ["a"], "prompts": [], "labels": ["x"]}`, 400, "1 responses, 0 prompts"},
		{"responses bad label names index", "POST", "/", `{"responses": ["a", "b"], "labels": [{"answer": "1", "verifier_type": "digit"}, {"answer": "1", "verfier_type": "digit"}]}`, 400, `labels[1]: label object has field "verfier_type": did you mean`},
		{"no prompts", "POST", "/", `{"query": ["x"], "labels": ["y"]}`, 400, `no "prompts"`},
		{"no labels", "POST", "/", `{"query": ["x"], "prompts": ["y"]}`, 400, `no "labels"`},
		{"length mismatch", "POST", "/", `{"query": ["a", "b"], "prompts": ["a"], "labels": ["x", "y"]}`, 400, "2 queries, 1 prompts, 2 labels"},
		{"unknown verifier names index", "POST", "/", string(request(ok, sample("3", labelJSON("3", "count")))), 400, `labels[1]: unknown verifier_type "count"`},
		{"plain label without default", "POST", "/", string(request(ok, ok, sample("B", "B"))), 400, "labels[2]"},
		{"unreadable label names index", "POST", "/", string(request(ok, sample("3", labelJSON("many", "digit")))), 400, "labels[1]: digit verifier: label"},
		{"open-ended without model", "POST", "/", string(request(sample("x", labelJSON("y", "open_ended")))), 400, "labels[0]: verifier_type open_ended needs a reward model"},
		{"null label", "POST", "/", `{"query": ["x"], "prompts": ["x"], "labels": [null]}`, 400, "labels[0]: label is missing"},
		{"oversize body", "POST", "/", `{"query": ["` + strings.Repeat("x", 5000) + `"], "prompts": [""], "labels": [""]}`, 413, "over 4096 bytes"},
		{"GET reward", "GET", "/get_reward", ``, 405, "use POST"},
		{"POST health", "POST", "/health", `{}`, 405, "use GET"},
		{"unknown path", "POST", "/v1/reward", `{}`, 404, "no route /v1/reward"},
	} {
		req, _ := http.NewRequest(c.method, url+c.path, strings.NewReader(c.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e ErrorBody
		if resp.StatusCode != c.status || json.Unmarshal(raw, &e) != nil || !strings.Contains(e.Error, c.want) {
			t.Errorf("%s: %d %s; want %d with error containing %q", c.name, resp.StatusCode, raw, c.status, c.want)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type %q", c.name, ct)
		}
	}
}

func TestServeHealth(t *testing.T) {
	url, _ := start(t, Options{MaxConcurrent: 3})
	resp, err := http.Get(url + "/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil || resp.StatusCode != 200 || h["status"] != "ok" || h["max_concurrent"] != 3.0 {
		t.Fatalf("health: %d %v %v", resp.StatusCode, h, err)
	}
}

// gateScorer blocks every Score call until released, so tests can hold
// scoring slots.
type gateScorer struct {
	entered chan struct{}
	release chan struct{}
}

func newGate() *gateScorer {
	return &gateScorer{entered: make(chan struct{}, 16), release: make(chan struct{})}
}

func (g *gateScorer) Score(ctx context.Context, reqs []reward.ScoreRequest) ([]float64, error) {
	g.entered <- struct{}{}
	select {
	case <-g.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	out := make([]float64, len(reqs))
	for i, r := range reqs {
		out[i] = float64(len(r.Response))
	}
	return out, nil
}

func openBody() []byte {
	return request(sample("a longer answer", labelJSON("short", "open_ended")))
}

func TestServeConcurrencyBound(t *testing.T) {
	gate := newGate()
	url, _ := start(t, Options{Reward: reward.Mixed{Open: gate}, MaxConcurrent: 1, QueueWait: 50 * time.Millisecond})

	first := make(chan int, 1)
	go func() {
		status, _, _ := post(t, url, openBody())
		first <- status
	}()
	<-gate.entered // the only slot is now taken

	status, hdr, raw := post(t, url, openBody())
	if status != http.StatusServiceUnavailable || hdr.Get("Retry-After") == "" || !strings.Contains(string(raw), "slots busy") {
		t.Errorf("second request while the slot is held: %d %q %s; want 503 with Retry-After", status, hdr.Get("Retry-After"), raw)
	}
	// Health answers while scoring is saturated, and shows the slot in use.
	resp, err := http.Get(url + "/health")
	if err != nil {
		t.Fatal(err)
	}
	var h map[string]any
	json.NewDecoder(resp.Body).Decode(&h)
	resp.Body.Close()
	if h["in_flight"] != 1.0 {
		t.Errorf("health in_flight = %v, want 1", h["in_flight"])
	}
	close(gate.release)
	if s := <-first; s != http.StatusOK {
		t.Errorf("first request: %d", s)
	}
	if status, _, raw := post(t, url, openBody()); status != http.StatusOK {
		t.Errorf("after release: %d %s", status, raw)
	}
}

func TestServeQueueWaits(t *testing.T) {
	gate := newGate()
	url, _ := start(t, Options{Reward: reward.Mixed{Open: gate}, MaxConcurrent: 1, QueueWait: 10 * time.Second})
	results := make(chan int, 2)
	for range 2 {
		go func() {
			status, _, _ := post(t, url, openBody())
			results <- status
		}()
	}
	<-gate.entered
	close(gate.release) // the queued request gets the slot when the first ends
	for range 2 {
		if s := <-results; s != http.StatusOK {
			t.Errorf("queued request: %d, want 200", s)
		}
	}
}

type failingScorer struct{}

func (failingScorer) Score(context.Context, []reward.ScoreRequest) ([]float64, error) {
	return nil, fmt.Errorf("connection refused")
}

func TestServeRewardModelDown(t *testing.T) {
	url, _ := start(t, Options{Reward: reward.Mixed{Open: failingScorer{}}})
	status, _, raw := post(t, url, openBody())
	if status != http.StatusBadGateway || !strings.Contains(string(raw), "connection refused") {
		t.Fatalf("%d %s; want 502 naming the cause", status, raw)
	}
}

func TestServeGracefulShutdown(t *testing.T) {
	gate := newGate()
	url, stop := start(t, Options{Reward: reward.Mixed{Open: gate}})
	inFlight := make(chan int, 1)
	go func() {
		status, _, _ := post(t, url, openBody())
		inFlight <- status
	}()
	<-gate.entered
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(50 * time.Millisecond) // let Shutdown close the listener
	if _, err := http.Post(url, "application/json", bytes.NewReader(openBody())); err == nil {
		t.Error("new request accepted after shutdown began")
	}
	close(gate.release)
	if s := <-inFlight; s != http.StatusOK {
		t.Errorf("request in flight during shutdown: %d, want 200", s)
	}
	if err := <-stopped; err != nil {
		t.Errorf("Serve returned %v, want nil", err)
	}
}

func TestServeAddrInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = Serve(context.Background(), ln.Addr().String(), Options{})
	if err == nil || !strings.Contains(err.Error(), "listen on") {
		t.Fatalf("Serve on a busy port: %v", err)
	}
}

// TestServeLoad sends a fixed number of OpenRLHF-sized batches from several
// clients at once and checks every reward.
func TestServeLoad(t *testing.T) {
	url, _ := start(t, Options{MaxConcurrent: 2})
	const clients, perClient, batch = 4, 10, 64
	var samples [][3]any
	var want []float64
	for i := range batch {
		got, label := i%4, i%3
		samples = append(samples, sample(fmt.Sprint(got), labelJSON(fmt.Sprint(label), "digit")))
		if got == label {
			want = append(want, 1)
		} else {
			want = append(want, 0)
		}
	}
	body := request(samples...)
	var wg sync.WaitGroup
	errs := make(chan error, clients*perClient)
	for range clients {
		wg.Go(func() {
			for range perClient {
				resp, err := http.Post(url+"/get_reward", "application/json", bytes.NewReader(body))
				if err != nil {
					errs <- err
					continue
				}
				var r Response
				err = json.NewDecoder(resp.Body).Decode(&r)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 || fmt.Sprint(r.Rewards) != fmt.Sprint(want) {
					errs <- fmt.Errorf("status %d, rewards %v, err %v", resp.StatusCode, r.Rewards, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
