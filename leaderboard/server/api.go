package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vlmlab/harness/leaderboard/store"
	"github.com/vlmlab/harness/leaderboard/submission"
)

// apiRow is one leaderboard row in the API.
type apiRow struct {
	Rank         int                `json:"rank,omitempty"`
	ID           string             `json:"id"`
	Model        string             `json:"model"`
	Organisation string             `json:"organisation"`
	ParamsB      *float64           `json:"params_b"`
	Bucket       string             `json:"bucket"`
	Type         string             `json:"type"`
	Kind         string             `json:"kind"`
	Scores       map[string]float64 `json:"scores"`
	// Average is null for an incomplete row.
	Average  *float64 `json:"average"`
	Complete bool     `json:"complete"`
	Verified bool     `json:"verified"`
	Profile  string   `json:"profile"`
	Judge    string   `json:"judge,omitempty"`
	EvalDate string   `json:"eval_date,omitempty"`
	Flag     string   `json:"flag,omitempty"`
	Hidden   bool     `json:"hidden,omitempty"`
}

func toAPI(r store.Row) apiRow {
	a := apiRow{Rank: r.Rank, ID: r.ID, Model: r.Model, Organisation: r.Organisation, Bucket: r.Bucket, Type: r.Type, Kind: r.Kind,
		Scores: r.Scores, Complete: r.Complete, Verified: r.Verified, Profile: r.Profile, Judge: r.Judge, EvalDate: r.EvalDate, Flag: r.Flag, Hidden: r.Hidden}
	if r.ParamsB > 0 {
		p := r.ParamsB
		a.ParamsB = &p
	}
	if r.Complete {
		avg := r.Average
		a.Average = &avg
	}
	return a
}

// fail answers an error as JSON with the status its kind calls for.
func (s *Server) fail(c *gin.Context, err error) {
	var br badRequest
	var ps submission.Problems
	switch {
	case errors.As(err, &br):
		c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
	case errors.As(err, &ps):
		c.JSON(http.StatusUnprocessableEntity, gin.H{"error": "invalid submission", "problems": []string(ps)})
	case errors.Is(err, store.ErrNotFound):
		c.JSON(http.StatusNotFound, gin.H{"error": err.Error()})
	case errors.Is(err, store.ErrDuplicate):
		c.JSON(http.StatusConflict, gin.H{"error": err.Error()})
	default:
		s.opts.Logger.Error("request failed", "path", c.Request.URL.Path, "error", err)
		c.JSON(http.StatusInternalServerError, gin.H{"error": "internal error; the server log has the details"})
	}
}

// cachedRanking answers from the cache, or renders with fn and caches.
func (s *Server) cachedRanking(c *gin.Context, kind string, fn func(q store.Query, page store.Page[store.Row]) (string, []byte, error)) {
	q, err := parseQuery(c.Request.URL.Query())
	if err != nil {
		s.badQuery(c, kind, err)
		return
	}
	rk, gen, err := s.snap.get(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	key := kind + "?" + encode(q).Encode()
	if v, ok := s.cache.get(key, gen); ok {
		c.Data(http.StatusOK, v.ctype, v.body)
		return
	}
	page, err := rk.Query(q)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctype, body, err := fn(q, page)
	if err != nil {
		s.fail(c, err)
		return
	}
	if gen != 0 {
		s.cache.put(key, ctype, body, gen)
	}
	c.Data(http.StatusOK, ctype, body)
}

func (s *Server) badQuery(c *gin.Context, kind string, err error) {
	if kind == "page" {
		s.errorPage(c, http.StatusBadRequest, err.Error())
		return
	}
	s.fail(c, err)
}

func (s *Server) apiEntries(c *gin.Context) {
	s.cachedRanking(c, "api", func(q store.Query, page store.Page[store.Row]) (string, []byte, error) {
		rows := make([]apiRow, len(page.Rows))
		for i, r := range page.Rows {
			rows[i] = toAPI(r)
		}
		body, err := json.Marshal(gin.H{"rows": rows, "total": page.Total, "offset": q.Offset, "limit": q.Limit})
		return "application/json; charset=utf-8", body, err
	})
}

func (s *Server) apiCSV(c *gin.Context) {
	q, err := parseQuery(c.Request.URL.Query())
	if err != nil {
		s.fail(c, err)
		return
	}
	q.Offset, q.Limit = 0, 1000
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	head := []string{"rank", "id", "model", "organisation", "params_b", "type", "verified", "profile", "judge", "eval_date"}
	head = append(head, store.Benchmarks...)
	w.Write(append(head, "average", "complete"))
	for {
		page, err := s.st.List(c.Request.Context(), q)
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, r := range page.Rows {
			rec := []string{rankText(r.Rank), r.ID, csvSafe(r.Model), csvSafe(r.Organisation), paramsText(r.ParamsB), r.Type, strconv.FormatBool(r.Verified), r.Profile, csvSafe(r.Judge), r.EvalDate}
			for _, b := range store.Benchmarks {
				if v, ok := r.Scores[b]; ok {
					rec = append(rec, strconv.FormatFloat(v, 'f', -1, 64))
				} else {
					rec = append(rec, "")
				}
			}
			avg := ""
			if r.Complete {
				avg = strconv.FormatFloat(r.Average, 'f', 4, 64)
			}
			w.Write(append(rec, avg, strconv.FormatBool(r.Complete)))
		}
		q.Offset += len(page.Rows)
		if len(page.Rows) == 0 || q.Offset >= page.Total {
			break
		}
	}
	w.Flush()
	c.Header("Content-Disposition", `attachment; filename="leaderboard.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// csvSafe defuses spreadsheet formulas in user text (=, +, -, @ first).
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func rankText(r int) string {
	if r == 0 {
		return ""
	}
	return strconv.Itoa(r)
}

func paramsText(p float64) string {
	if p <= 0 {
		return ""
	}
	return strconv.FormatFloat(p, 'f', -1, 64)
}

func (s *Server) apiEntry(c *gin.Context) {
	e, err := s.st.Entry(c.Request.Context(), c.Param("id"))
	if err == nil && e.Hidden {
		err = fmt.Errorf("entry %q: %w", e.ID, store.ErrNotFound)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"entry": toAPI(store.Row{Entry: e}), "detail": e.Detail})
}

func parseItemQuery(c *gin.Context) (store.ItemQuery, error) {
	v := c.Request.URL.Query()
	q := store.ItemQuery{Benchmark: v.Get("benchmark"), Search: strings.TrimSpace(v.Get("q"))}
	if q.Benchmark != "" && !isBenchmark(q.Benchmark) {
		return q, badRequest{"benchmark", fmt.Sprintf("%q is not one of %s", q.Benchmark, strings.Join(store.Benchmarks, ", "))}
	}
	if len(q.Search) > 200 {
		return q, badRequest{"q", "longer than 200 characters"}
	}
	switch v.Get("hit") {
	case "":
	case "1", "true":
		t := true
		q.Hit = &t
	case "0", "false":
		f := false
		q.Hit = &f
	default:
		return q, badRequest{"hit", "use 1 or 0"}
	}
	var err error
	if q.Offset, err = intParam(v, "offset", 0, 1<<30); err != nil {
		return q, err
	}
	if q.Limit, err = intParam(v, "limit", 50, 500); err != nil {
		return q, err
	}
	return q, nil
}

func isBenchmark(name string) bool {
	for _, b := range store.Benchmarks {
		if b == name {
			return true
		}
	}
	return false
}

func (s *Server) visibleEntry(c *gin.Context, id string) (store.Entry, error) {
	e, err := s.st.Entry(c.Request.Context(), id)
	if err == nil && e.Hidden {
		err = fmt.Errorf("entry %q: %w", id, store.ErrNotFound)
	}
	return e, err
}

func (s *Server) apiItems(c *gin.Context) {
	q, err := parseItemQuery(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.visibleEntry(c, c.Param("id")); err != nil {
		s.fail(c, err)
		return
	}
	page, err := s.st.Items(c.Request.Context(), c.Param("id"), q)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

func (s *Server) apiCompare(c *gin.Context) {
	v := c.Request.URL.Query()
	a, b, bench := v.Get("a"), v.Get("b"), v.Get("benchmark")
	if a == "" || b == "" {
		s.fail(c, badRequest{"a, b", "give the ids of the two entries to compare"})
		return
	}
	if bench != "" && !isBenchmark(bench) {
		s.fail(c, badRequest{"benchmark", fmt.Sprintf("%q is not one of %s", bench, strings.Join(store.Benchmarks, ", "))})
		return
	}
	for _, id := range []string{a, b} {
		if _, err := s.visibleEntry(c, id); err != nil {
			s.fail(c, err)
			return
		}
	}
	offset, err := intParam(v, "offset", 0, 1<<30)
	if err != nil {
		s.fail(c, err)
		return
	}
	limit, err := intParam(v, "limit", 50, 500)
	if err != nil {
		s.fail(c, err)
		return
	}
	page, err := s.st.Compare(c.Request.Context(), a, b, bench, isTrue(v.Get("differ")), offset, limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

func (s *Server) apiSubmissions(c *gin.Context) {
	v := c.Request.URL.Query()
	offset, err := intParam(v, "offset", 0, 1<<30)
	if err != nil {
		s.fail(c, err)
		return
	}
	limit, err := intParam(v, "limit", 50, 500)
	if err != nil {
		s.fail(c, err)
		return
	}
	page, err := s.st.Submissions(c.Request.Context(), offset, limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

func (s *Server) apiSubmission(c *gin.Context) {
	sub, err := s.st.Submission(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sub)
}

// apiSubmit accepts an upload: size-limited, strictly decoded, validated,
// rate-limited per token, and queued PENDING. It answers 202 with the
// submission's id; GET /api/v1/submissions/ID follows it.
func (s *Server) apiSubmit(c *gin.Context) {
	tok := c.MustGet(tokenKey).(store.Token)
	if ok, wait := s.allow(tok.ID); !ok {
		c.Header("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
		s.metrics.rejected.WithLabelValues("rate").Inc()
		c.JSON(http.StatusTooManyRequests, gin.H{"error": fmt.Sprintf("too many submissions with this token; retry in %s", wait.Round(time.Second))})
		return
	}
	if ct := c.ContentType(); ct != "application/json" {
		s.metrics.rejected.WithLabelValues("content_type").Inc()
		c.JSON(http.StatusUnsupportedMediaType, gin.H{"error": fmt.Sprintf("Content-Type %q: send application/json (harness submit does)", ct)})
		return
	}
	body := http.MaxBytesReader(c.Writer, c.Request.Body, s.opts.MaxUpload)
	data, err := io.ReadAll(body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		s.metrics.rejected.WithLabelValues("size").Inc()
		c.JSON(http.StatusRequestEntityTooLarge, gin.H{"error": fmt.Sprintf("upload larger than the server's limit of %d bytes", s.opts.MaxUpload)})
		return
	}
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": "reading the upload: " + err.Error()})
		return
	}
	u, err := submission.Decode(bytes.NewReader(data))
	if err != nil {
		s.metrics.rejected.WithLabelValues("invalid").Inc()
		s.fail(c, err)
		return
	}
	meta, _ := json.Marshal(gin.H{"token": tok.Name})
	sub, err := s.st.AddSubmission(c.Request.Context(), store.Submission{TokenID: tok.ID, Model: u.Model.Name, Digest: submission.Digest(u), Meta: string(meta), Payload: string(data)})
	if err != nil {
		if errors.Is(err, store.ErrDuplicate) {
			s.metrics.rejected.WithLabelValues("duplicate").Inc()
		}
		s.fail(c, err)
		return
	}
	s.metrics.accepted.Inc()
	if s.opts.Queue != nil {
		s.opts.Queue.Wake()
	}
	c.Header("Location", "/api/v1/submissions/"+sub.ID)
	c.JSON(http.StatusAccepted, sub)
}

func (s *Server) apiHide(c *gin.Context) {
	var body struct {
		Hidden *bool `json:"hidden"`
	}
	if err := c.ShouldBindJSON(&body); err != nil || body.Hidden == nil {
		s.fail(c, badRequest{"hidden", `send {"hidden": true} or {"hidden": false}`})
		return
	}
	if err := s.st.SetHidden(c.Request.Context(), c.Param("id"), *body.Hidden); err != nil {
		s.fail(c, err)
		return
	}
	s.Changed()
	c.JSON(http.StatusOK, gin.H{"id": c.Param("id"), "hidden": *body.Hidden})
}

func (s *Server) apiFlag(c *gin.Context) {
	var body struct {
		Flag *string `json:"flag"`
	}
	if err := c.ShouldBindJSON(&body); err != nil || body.Flag == nil || len(*body.Flag) > 500 {
		s.fail(c, badRequest{"flag", `send {"flag": "why"} (at most 500 bytes; "" clears it)`})
		return
	}
	if err := s.st.SetFlag(c.Request.Context(), c.Param("id"), *body.Flag); err != nil {
		s.fail(c, err)
		return
	}
	s.Changed()
	c.JSON(http.StatusOK, gin.H{"id": c.Param("id"), "flag": *body.Flag})
}

func (s *Server) apiRerun(c *gin.Context) {
	if err := s.st.Retry(c.Request.Context(), c.Param("id")); err != nil {
		s.fail(c, err)
		return
	}
	if s.opts.Queue != nil {
		s.opts.Queue.Wake()
	}
	sub, err := s.st.Submission(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, sub)
}
