package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vlmlab/harness/leaderboard"
	"github.com/vlmlab/harness/leaderboard/server"
	"github.com/vlmlab/harness/leaderboard/store"
	"github.com/vlmlab/harness/leaderboard/store/storetest"
	"github.com/vlmlab/harness/leaderboard/submission"
	"github.com/vlmlab/harness/submissions"
)

const adminSecret = "lb_admin_0123456789abcdef0123456789"

type fixture struct {
	s     *server.Server
	srv   *httptest.Server
	st    store.Store
	user  string // a submitter's token
	woken chan struct{}
}

type wake chan struct{}

func (w wake) Wake() {
	select {
	case w <- struct{}{}:
	default:
	}
}

// start serves a store holding the published entries on 127.0.0.1.
func start(t *testing.T, open func(testing.TB) (store.Store, string), opts server.Options) *fixture {
	t.Helper()
	st, _ := open(t)
	ctx := context.Background()
	entries, err := leaderboard.LoadFS(submissions.FS)
	if err != nil {
		t.Fatal(err)
	}
	if err := server.SeedPublished(ctx, st, entries); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddToken(ctx, "admin", adminSecret, true); err != nil {
		t.Fatal(err)
	}
	tok, err := st.AddToken(ctx, "alice", "", false)
	if err != nil {
		t.Fatal(err)
	}
	w := make(wake, 1)
	if opts.Queue == nil {
		opts.Queue = w
	}
	opts.Version = "test"
	s, err := server.New(st, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &fixture{s: s, srv: srv, st: st, user: tok.Secret(), woken: w}
}

func (f *fixture) get(t *testing.T, path string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(f.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func (f *fixture) post(t *testing.T, path, token, ctype string, body []byte, hdr map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+path, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", ctype)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

type entriesResp struct {
	Rows []struct {
		Rank     int      `json:"rank"`
		ID       string   `json:"id"`
		Model    string   `json:"model"`
		Average  *float64 `json:"average"`
		Bucket   string   `json:"bucket"`
		Type     string   `json:"type"`
		Verified bool     `json:"verified"`
	} `json:"rows"`
	Total int `json:"total"`
}

func TestServer(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			f := start(t, b.Open, server.Options{SubmitEvery: time.Hour, SubmitBurst: 9, MaxUpload: 1 << 20})
			t.Run("api", func(t *testing.T) { testAPI(t, f) })
			t.Run("pages", func(t *testing.T) { testPages(t, f) })
			t.Run("escaping", func(t *testing.T) { testEscaping(t, f) })
			t.Run("submit", func(t *testing.T) { testSubmit(t, f) })
			t.Run("admin", func(t *testing.T) { testAdmin(t, f) })
		})
	}
}

func testAPI(t *testing.T, f *fixture) {
	var r entriesResp
	code, _, body := f.get(t, "/api/v1/entries?bucket="+url.QueryEscape("<4B"))
	if code != 200 || json.Unmarshal([]byte(body), &r) != nil {
		t.Fatalf("%d %s", code, body)
	}
	if len(r.Rows) == 0 || r.Rows[0].Model != "VLAA-Thinker-Qwen2.5VL-3B" || r.Rows[0].Rank != 1 || fmt.Sprintf("%.1f", *r.Rows[0].Average) != "35.4" {
		t.Fatalf("first <4B row: %+v", r.Rows)
	}
	if r.Rows[1].Model != "VLM-R1-3B-Math-0305" || r.Rows[1].Rank != 2 {
		t.Errorf("second <4B row: %+v", r.Rows[1])
	}
	for _, row := range r.Rows {
		if row.Bucket != "<4B" {
			t.Errorf("row %s in bucket %s", row.ID, row.Bucket)
		}
	}
	// Published models only by default; the paper's ablations on request.
	var all, withAbl entriesResp
	_, _, body = f.get(t, "/api/v1/entries")
	json.Unmarshal([]byte(body), &all)
	_, _, body = f.get(t, "/api/v1/entries?ablations=1&limit=100")
	json.Unmarshal([]byte(body), &withAbl)
	if all.Total != 19 || withAbl.Total != 26 {
		t.Errorf("totals: %d models, %d with ablations; want 19 and 26", all.Total, withAbl.Total)
	}
	if all.Rows[0].Model != "VLAA-Thinker-Qwen2.5VL-7B" {
		t.Errorf("overall first: %s", all.Rows[0].Model)
	}
	// Pagination and sorting.
	var p2 entriesResp
	_, _, body = f.get(t, "/api/v1/entries?limit=5&offset=5")
	json.Unmarshal([]byte(body), &p2)
	if len(p2.Rows) != 5 || p2.Rows[0].ID != all.Rows[5].ID || p2.Total != 19 {
		t.Errorf("page 2: %+v", p2)
	}
	var byMV entriesResp
	_, _, body = f.get(t, "/api/v1/entries?sort=mathvista&desc=1&limit=1")
	json.Unmarshal([]byte(body), &byMV)
	if byMV.Rows[0].Model != "MUG-U-7B" { // 74.8, the highest MathVista
		t.Errorf("top MathVista: %+v", byMV.Rows)
	}
	var rl entriesResp
	_, _, body = f.get(t, "/api/v1/entries?type=RL&type=API")
	json.Unmarshal([]byte(body), &rl)
	for _, row := range rl.Rows {
		if row.Type != "RL" && row.Type != "API" {
			t.Errorf("type filter let %s (%s) through", row.ID, row.Type)
		}
	}
	for _, bad := range []string{"bucket=huge", "sort=drop", "limit=-1", "offset=x", "profile=mine", "type=GRPO"} {
		code, _, body := f.get(t, "/api/v1/entries?"+bad)
		if code != 400 || !strings.Contains(body, "parameter") {
			t.Errorf("%s: %d %s", bad, code, body)
		}
	}
	code, _, body = f.get(t, "/api/v1/entries/vlaa-thinker-qwen2.5vl-3b")
	if code != 200 || !strings.Contains(body, `"reported_avg":35.4`) || !strings.Contains(body, `"verified":false`) {
		t.Errorf("entry: %d %s", code, body)
	}
	if code, _, _ := f.get(t, "/api/v1/entries/nope"); code != 404 {
		t.Errorf("unknown entry: %d", code)
	}
	code, hdr, body := f.get(t, "/api/v1/entries.csv?bucket="+url.QueryEscape("<4B"))
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if code != 200 || err != nil || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") || len(recs) < 2 || recs[1][2] != "VLAA-Thinker-Qwen2.5VL-3B" || recs[0][0] != "rank" {
		t.Errorf("csv: %d %v %q", code, err, body)
	}
	if code, _, body := f.get(t, "/healthz"); code != 200 || !strings.Contains(body, `"ok"`) {
		t.Errorf("healthz: %d %s", code, body)
	}
	if code, _, body := f.get(t, "/metrics"); code != 200 || !strings.Contains(body, `leaderboard_http_requests_total{code="200",route="/api/v1/entries"}`) {
		t.Errorf("metrics: %d %s", code, body)
	}
}

func testPages(t *testing.T, f *fixture) {
	code, hdr, body := f.get(t, "/?bucket="+url.QueryEscape("<4B"))
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"} {
		if hdr.Get(h) == "" {
			t.Errorf("header %s missing", h)
		}
	}
	csp := hdr.Get("Content-Security-Policy")
	if strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP: %s", csp)
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, "style=") || strings.Contains(body, " on") && strings.Contains(body, "onclick") {
		t.Error("the page carries inline script or style")
	}
	if strings.Contains(body, "http://") || strings.Contains(body, "https://") {
		t.Error("the ranking page references another host")
	}
	first := strings.Index(body, `<tr data-id=`)
	if first < 0 || !strings.Contains(body[first:first+600], "VLAA-Thinker-Qwen2.5VL-3B") || !strings.Contains(body[first:first+1800], ">35.4<") {
		t.Errorf("first row of the <4B page is not VLAA-Thinker-Qwen2.5VL-3B with 35.4:\n%.1800s", body[max(first, 0):])
	}
	code, _, body = f.get(t, "/entry/vlaa-thinker-qwen2.5vl-3b")
	if code != 200 || !strings.Contains(body, "reported") || !strings.Contains(body, "Table 4") || !strings.Contains(body, "harness eval") {
		t.Errorf("entry page: %d", code)
	}
	if code, _, body := f.get(t, "/entry/nope"); code != 404 || !strings.Contains(body, "not found") {
		t.Errorf("unknown entry page: %d", code)
	}
	if code, _, _ := f.get(t, "/?sort=bogus"); code != 400 {
		t.Errorf("bad sort page: %d", code)
	}
	if code, _, _ := f.get(t, "/static/table.js"); code != 200 {
		t.Errorf("script: %d", code)
	}
	if code, _, _ := f.get(t, "/submissions"); code != 200 {
		t.Errorf("submissions page: %d", code)
	}
}

func testEscaping(t *testing.T, f *fixture) {
	ctx := context.Background()
	evil := `<script>alert(1)</script>`
	quoted := `x" onmouseover="alert(2)`
	e := store.Entry{ID: "evil", Model: evil, Organisation: quoted, ParamsB: 1, Type: "RL", Kind: "model", Profile: "leaderboard", Verified: true,
		Judge: `"><img src=x>`, Scores: map[string]float64{"mathvista": 1}, Flag: `</span><script>alert(3)</script>`,
		Detail: store.Detail{Notes: []string{evil}, Benchmarks: []store.BenchmarkDetail{{Name: "mathvista", Primary: evil}}}}
	items := []store.Item{{Benchmark: "mathvista", ID: quoted, Question: evil, Response: evil, Extracted: quoted, Path: "rule"}}
	if err := f.st.PutEntry(ctx, e, items); err != nil {
		t.Fatal(err)
	}
	// Written behind the server's back: tell it, as the queue does.
	f.s.Changed()
	for _, path := range []string{"/?bucket=" + url.QueryEscape("<4B") + "&q=alert", "/entry/evil", "/entry/evil/items", "/compare?a=evil&b=evil"} {
		code, _, body := f.get(t, path)
		if code != 200 {
			t.Fatalf("%s: %d %s", path, code, body)
		}
		for _, raw := range []string{"<script>alert", `" onmouseover=`, `"><img`} {
			if strings.Contains(body, raw) {
				t.Errorf("%s: unescaped %q in the page", path, raw)
			}
		}
		if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s: the model name is not shown escaped", path)
		}
	}
}

func upload(name string, partial bool, benches map[string][]submission.Prediction) []byte {
	b, _ := submission.Encode(&submission.Upload{Model: submission.Model{Name: name, Organisation: "Org", ParamsB: 3, Type: "RL"}, Profile: "leaderboard", Partial: partial, Benchmarks: benches})
	return b
}

func testSubmit(t *testing.T, f *fixture) {
	good := upload("m1", true, map[string][]submission.Prediction{"mathvista": {{ID: "1", Response: "A"}}})
	cases := []struct {
		name, token, ctype string
		body               []byte
		hdr                map[string]string
		code               int
		want               string
	}{
		{"no token", "", "application/json", good, nil, 401, "missing token"},
		{"bad token", f.user + "x", "application/json", good, nil, 401, "unknown"},
		{"cross-site", f.user, "application/json", good, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "cross-site"},
		{"foreign origin", f.user, "application/json", good, map[string]string{"Origin": "https://evil.example"}, 403, "cross-origin"},
		{"form post", f.user, "application/x-www-form-urlencoded", good, nil, 415, "application/json"},
		{"too big", f.user, "application/json", bytes.Repeat([]byte(" "), 2<<20), nil, 413, "limit"},
		{"not json", f.user, "application/json", []byte("{"), nil, 422, "invalid"},
		{"unknown field", f.user, "application/json", []byte(`{"model":{},"scores":{}}`), nil, 422, "unknown field"},
		{"path in a name", f.user, "application/json", upload("m", true, map[string][]submission.Prediction{"../../etc/passwd": {{ID: "1"}}}), nil, 422, `\"../../etc/passwd\" is not one of the six`},
		{"duplicate ids", f.user, "application/json", upload("m", true, map[string][]submission.Prediction{"mathvista": {{ID: "1"}, {ID: "1"}}}), nil, 422, "already given"},
		{"not all six", f.user, "application/json", upload("m", false, map[string][]submission.Prediction{"mathvista": {{ID: "1"}}}), nil, 422, "set partial"},
		{"accepted", f.user, "application/json", good, nil, 202, `"status":"PENDING"`},
		{"duplicate", f.user, "application/json", good, nil, 409, "already submitted"},
		{"rate limited", f.user, "application/json", upload("m2", true, map[string][]submission.Prediction{"wemath": {{ID: "1"}}}), nil, 429, "too many"},
	}
	for _, c := range cases {
		code, body := f.post(t, "/api/v1/submissions", c.token, c.ctype, c.body, c.hdr)
		if code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s; want %d with %q", c.name, code, body, c.code, c.want)
		}
	}
	select {
	case <-f.woken:
	default:
		t.Error("the queue was not woken by an accepted submission")
	}
	var list store.Page[store.Submission]
	_, _, body := f.get(t, "/api/v1/submissions")
	json.Unmarshal([]byte(body), &list)
	if list.Total != 1 || list.Rows[0].Status != store.Pending || list.Rows[0].Model != "m1" {
		t.Errorf("submissions: %s", body)
	}
	if strings.Contains(body, "payload") || strings.Contains(body, f.user) {
		t.Errorf("the submission list leaks the upload or the token: %s", body)
	}
}

func testAdmin(t *testing.T, f *fixture) {
	id := "vlm-r1-3b-math-0305"
	if code, body := f.post(t, "/api/v1/admin/entries/"+id+"/hide", f.user, "application/json", []byte(`{"hidden":true}`), nil); code != 403 {
		t.Errorf("a submitter's token hid an entry: %d %s", code, body)
	}
	if code, body := f.post(t, "/api/v1/admin/entries/"+id+"/hide", adminSecret, "application/json", []byte(`{"hidden":true}`), nil); code != 200 {
		t.Fatalf("hide: %d %s", code, body)
	}
	var r entriesResp
	_, _, body := f.get(t, "/api/v1/entries?bucket="+url.QueryEscape("<4B"))
	json.Unmarshal([]byte(body), &r)
	if r.Rows[1].ID == id {
		t.Error("a hidden entry is still listed (stale cache?)")
	}
	if code, _, _ := f.get(t, "/entry/"+id); code != 404 {
		t.Errorf("hidden entry page: %d", code)
	}
	f.post(t, "/api/v1/admin/entries/"+id+"/hide", adminSecret, "application/json", []byte(`{"hidden":false}`), nil)
	if code, body := f.post(t, "/api/v1/admin/entries/"+id+"/flag", adminSecret, "application/json", []byte(`{"flag":"numbers under review"}`), nil); code != 200 {
		t.Fatalf("flag: %d %s", code, body)
	}
	if _, _, body := f.get(t, "/entry/"+id); !strings.Contains(body, "numbers under review") {
		t.Error("the flag is not shown on the entry page")
	}
	if code, _ := f.post(t, "/api/v1/admin/entries/"+id+"/hide", adminSecret, "application/json", []byte(`{}`), nil); code != 400 {
		t.Errorf("hide without a value: %d", code)
	}
	if code, _ := f.post(t, "/api/v1/admin/submissions/nope/rerun", adminSecret, "application/json", nil, nil); code != 404 {
		t.Errorf("rerun unknown: %d", code)
	}
}
