package server

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vlmlab/harness/leaderboard"
	"github.com/vlmlab/harness/leaderboard/store"
)

var funcs = template.FuncMap{
	"score": func(m map[string]float64, name string) string {
		if v, ok := m[name]; ok {
			return strconv.FormatFloat(v, 'f', 1, 64)
		}
		return "–"
	},
	"scoreValue": func(m map[string]float64, name string) string {
		if v, ok := m[name]; ok {
			return strconv.FormatFloat(v, 'f', 4, 64)
		}
		return ""
	},
	"f1": func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) },
	"f2": func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) },
	"f4": func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) },
	"params": func(p float64) string {
		if p <= 0 {
			return "–"
		}
		return strconv.FormatFloat(p, 'f', -1, 64)
	},
	"add":         func(a, b int) int { return a + b },
	"in":          func(list []string, s string) bool { return slices.Contains(list, s) },
	"bucketLabel": func(b string) string { return strings.ReplaceAll(b, "-", "–") },
	"join":        strings.Join,
}

func parseTemplates() (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	for _, name := range []string{"index", "entry", "items", "compare", "submissions", "error"} {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/base.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 rather than half a page.
func (s *Server) renderBytes(name string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&b, "base", data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return b.Bytes(), nil
}

func (s *Server) render(c *gin.Context, status int, name string, data any) {
	b, err := s.renderBytes(name, data)
	if err != nil {
		s.opts.Logger.Error("render", "page", name, "error", err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("internal error"))
		return
	}
	c.Data(status, "text/html; charset=utf-8", b)
}

func (s *Server) errorPage(c *gin.Context, status int, msg string) {
	s.render(c, status, "error", gin.H{"Title": http.StatusText(status), "Status": status, "Message": msg, "Version": s.opts.Version})
}

func (s *Server) notFound(c *gin.Context, msg string) {
	if strings.HasPrefix(c.Request.URL.Path, "/api/") {
		c.JSON(http.StatusNotFound, gin.H{"error": msg})
		return
	}
	s.errorPage(c, http.StatusNotFound, msg)
}

type column struct {
	Key, Title string
	// Num marks a numeric column (sorted high first by a click).
	Num bool
}

func columns() []column {
	cols := []column{{"rank", "Rank", true}, {"model", "Model", false}, {"organisation", "Organisation", false},
		{"params", "Params (B)", true}, {"type", "Type", false}}
	for _, b := range leaderboard.Benchmarks() {
		cols = append(cols, column{b.Name, b.Title, true})
	}
	return append(cols, column{"average", "Average", true})
}

// rowView is a ranking row with its cells formatted once and its fields
// flat: the template then makes no function calls and no embedded-field
// lookups per cell (both cost reflection, per row, per request).
type rowView struct {
	ID, Model, Organisation, Bucket, Type, Profile, Judge, EvalDate, Flag string
	Verified, Complete, Ablation                                          bool
	NScores                                                               int
	RankText, ParamsText, ParamsValue, AvgText, AvgValue, AvgPartial      string
	Cells                                                                 []cellView
}

type cellView struct{ Text, Value string }

func viewRows(rows []store.Row) []rowView {
	out := make([]rowView, len(rows))
	for k, r := range rows {
		v := rowView{ID: r.ID, Model: r.Model, Organisation: r.Organisation, Bucket: r.Bucket, Type: r.Type, Profile: r.Profile,
			Judge: r.Judge, EvalDate: r.EvalDate, Flag: r.Flag, Verified: r.Verified, Complete: r.Complete, Ablation: r.Kind == "ablation",
			NScores: len(r.Scores), RankText: "–", ParamsText: "–", Cells: make([]cellView, len(store.Benchmarks))}
		if r.Complete {
			v.RankText = strconv.Itoa(r.Rank)
			v.AvgText = strconv.FormatFloat(r.Average, 'f', 1, 64)
			v.AvgValue = strconv.FormatFloat(r.Average, 'f', 4, 64)
		} else {
			v.AvgPartial = strconv.FormatFloat(r.Average, 'f', 1, 64)
		}
		if r.ParamsB > 0 {
			v.ParamsText = strconv.FormatFloat(r.ParamsB, 'f', -1, 64)
			v.ParamsValue = v.ParamsText
		}
		for j, b := range store.Benchmarks {
			if x, ok := r.Scores[b]; ok {
				v.Cells[j] = cellView{Text: strconv.FormatFloat(x, 'f', 1, 64), Value: strconv.FormatFloat(x, 'f', 4, 64)}
			} else {
				v.Cells[j] = cellView{Text: "–"}
			}
		}
		out[k] = v
	}
	return out
}

type indexData struct {
	Title    string
	Version  string
	Query    store.Query
	Rows     []rowView
	Total    int
	Columns  []column
	Benches  []leaderboard.Benchmark
	Buckets  []string
	Types    []string
	SortURL  map[string]string
	Prev     string
	Next     string
	From, To int
	// Whole says every matching row is on this page, so the script may
	// sort and filter in place; otherwise it asks the server.
	Whole bool
	CSV   string
	// QueryString is the canonical query the page shows (tests wait on it).
	QueryString string
}

func (s *Server) pageIndex(c *gin.Context) {
	s.cachedRanking(c, "page", func(q store.Query, page store.Page[store.Row]) (string, []byte, error) {
		d := indexData{Title: "Open reasoning VLM leaderboard", Version: s.opts.Version, Query: q, Rows: viewRows(page.Rows), Total: page.Total,
			Columns: columns(), Benches: leaderboard.Benchmarks(), Buckets: store.Buckets[:5], Types: leaderboard.Types(),
			SortURL: map[string]string{}, Whole: q.Offset == 0 && page.Total <= len(page.Rows)}
		for _, col := range d.Columns {
			sq := q
			sq.Offset = 0
			sq.Sort, sq.Desc = col.Key, col.Num
			if col.Key == "rank" || col.Key == "average" {
				sq.Sort, sq.Desc = "", false
				if q.Sort == "" && !q.Desc {
					sq.Desc = true
				}
			} else if q.Sort == col.Key {
				sq.Desc = !q.Desc
			}
			d.SortURL[col.Key] = "/?" + encode(sq).Encode()
		}
		if len(page.Rows) > 0 {
			d.From, d.To = q.Offset+1, q.Offset+len(page.Rows)
		}
		if q.Offset > 0 {
			pq := q
			pq.Offset = max(0, q.Offset-q.Limit)
			d.Prev = "/?" + encode(pq).Encode()
		}
		if q.Offset+len(page.Rows) < page.Total {
			nq := q
			nq.Offset = q.Offset + q.Limit
			d.Next = "/?" + encode(nq).Encode()
		}
		cq := q
		cq.Offset, cq.Limit = 0, pageSize
		d.CSV = "/api/v1/entries.csv?" + encode(cq).Encode()
		d.QueryString = encode(q).Encode()
		b, err := s.renderBytes("index", d)
		return "text/html; charset=utf-8", b, err
	})
}

type benchView struct {
	store.BenchmarkDetail
	Title string
	// Highlights are the sub-metrics a reader looks for first.
	Highlights []store.Metric
}

func (s *Server) pageEntry(c *gin.Context) {
	e, err := s.visibleEntry(c, c.Param("id"))
	if err != nil {
		s.pageErr(c, err)
		return
	}
	var bs []benchView
	for _, b := range e.Detail.Benchmarks {
		v := benchView{BenchmarkDetail: b, Title: b.Name}
		if lb, ok := leaderboard.BenchmarkByName(b.Name); ok {
			v.Title = lb.Title
		}
		for _, m := range b.Metrics {
			if highlight(b.Name, m.Name) {
				v.Highlights = append(v.Highlights, m)
			}
		}
		bs = append(bs, v)
	}
	s.render(c, http.StatusOK, "entry", gin.H{"Title": e.Model, "Version": s.opts.Version, "E": e, "Benches": leaderboard.Benchmarks(), "Details": bs,
		"CompareWith": compareChoices(c, s, e.ID)})
}

// highlight picks the sub-metrics the entry page shows first: WeMath's
// four-dimensional metrics and loose/strict scores, DynaMath's average
// against worst case.
func highlight(bench, metric string) bool {
	m := strings.ToLower(metric)
	switch bench {
	case "wemath":
		for _, k := range []string{"ik", "ig", "cm", "rm", "loose", "strict"} {
			if strings.Contains(m, k) {
				return true
			}
		}
	case "dynamath":
		return strings.Contains(m, "worst") || strings.Contains(m, "average") || strings.Contains(m, "avg")
	}
	return false
}

// compareChoices lists entries with items, to compare this one against.
func compareChoices(c *gin.Context, s *Server, self string) []store.Row {
	page, err := s.st.List(c.Request.Context(), store.Query{VerifiedOnly: true, Limit: 100})
	if err != nil {
		return nil
	}
	var out []store.Row
	for _, r := range page.Rows {
		if r.ID != self {
			out = append(out, r)
		}
	}
	return out
}

func (s *Server) pageErr(c *gin.Context, err error) {
	var br badRequest
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.errorPage(c, http.StatusNotFound, err.Error())
	case errors.As(err, &br):
		s.errorPage(c, http.StatusBadRequest, err.Error())
	default:
		s.opts.Logger.Error("page failed", "path", c.Request.URL.Path, "error", err)
		s.errorPage(c, http.StatusInternalServerError, "internal error; the server log has the details")
	}
}

func pager(base url.Values, path string, offset, limit, n, total int) (prev, next string) {
	if offset > 0 {
		v := cloneValues(base)
		v.Set("offset", strconv.Itoa(max(0, offset-limit)))
		prev = path + "?" + v.Encode()
	}
	if offset+n < total {
		v := cloneValues(base)
		v.Set("offset", strconv.Itoa(offset+limit))
		next = path + "?" + v.Encode()
	}
	return prev, next
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		if k != "offset" {
			out[k] = slices.Clone(vs)
		}
	}
	return out
}

func (s *Server) pageItems(c *gin.Context) {
	e, err := s.visibleEntry(c, c.Param("id"))
	if err != nil {
		s.pageErr(c, err)
		return
	}
	q, err := parseItemQuery(c)
	if err != nil {
		s.pageErr(c, err)
		return
	}
	if q.Benchmark == "" && len(e.Detail.Benchmarks) > 0 {
		q.Benchmark = e.Detail.Benchmarks[0].Name
	}
	page, err := s.st.Items(c.Request.Context(), e.ID, q)
	if err != nil {
		s.pageErr(c, err)
		return
	}
	prev, next := pager(c.Request.URL.Query(), "/entry/"+url.PathEscape(e.ID)+"/items", q.Offset, q.Limit, len(page.Rows), page.Total)
	hit := ""
	if q.Hit != nil {
		hit = map[bool]string{true: "1", false: "0"}[*q.Hit]
	}
	s.render(c, http.StatusOK, "items", gin.H{"Title": e.Model + " items", "Version": s.opts.Version, "E": e, "Q": q, "Hit": hit, "Page": page,
		"Prev": prev, "Next": next, "From": q.Offset + min(1, len(page.Rows)), "To": q.Offset + len(page.Rows)})
}

func (s *Server) pageCompare(c *gin.Context) {
	v := c.Request.URL.Query()
	a, b, bench := v.Get("a"), v.Get("b"), v.Get("benchmark")
	if a == "" || b == "" {
		s.errorPage(c, http.StatusBadRequest, "give the two entries to compare: /compare?a=ID&b=ID")
		return
	}
	if bench != "" && !isBenchmark(bench) {
		s.errorPage(c, http.StatusBadRequest, fmt.Sprintf("benchmark %q is not one of %s", bench, strings.Join(store.Benchmarks, ", ")))
		return
	}
	ea, err := s.visibleEntry(c, a)
	if err != nil {
		s.pageErr(c, err)
		return
	}
	eb, err := s.visibleEntry(c, b)
	if err != nil {
		s.pageErr(c, err)
		return
	}
	offset, err := intParam(v, "offset", 0, 1<<30)
	if err != nil {
		s.pageErr(c, err)
		return
	}
	differ := v.Get("differ") != "0"
	page, err := s.st.Compare(c.Request.Context(), a, b, bench, differ, offset, 50)
	if err != nil {
		s.pageErr(c, err)
		return
	}
	prev, next := pager(v, "/compare", offset, 50, len(page.Rows), page.Total)
	type delta struct {
		Title  string
		A, B   string
		Change string
	}
	var deltas []delta
	for _, bm := range leaderboard.Benchmarks() {
		d := delta{Title: bm.Title, A: "–", B: "–", Change: ""}
		va, oka := ea.Scores[bm.Name]
		vb, okb := eb.Scores[bm.Name]
		if oka {
			d.A = strconv.FormatFloat(va, 'f', 1, 64)
		}
		if okb {
			d.B = strconv.FormatFloat(vb, 'f', 1, 64)
		}
		if oka && okb {
			d.Change = fmt.Sprintf("%+.1f", math.Round((vb-va)*10)/10)
		}
		deltas = append(deltas, d)
	}
	s.render(c, http.StatusOK, "compare", gin.H{"Title": "Compare", "Version": s.opts.Version, "A": ea, "B": eb, "Bench": bench, "Differ": differ,
		"Page": page, "Prev": prev, "Next": next, "Deltas": deltas, "Benches": leaderboard.Benchmarks()})
}

func (s *Server) pageSubmissions(c *gin.Context) {
	offset, err := intParam(c.Request.URL.Query(), "offset", 0, 1<<30)
	if err != nil {
		s.pageErr(c, err)
		return
	}
	page, err := s.st.Submissions(c.Request.Context(), offset, 50)
	if err != nil {
		s.pageErr(c, err)
		return
	}
	prev, next := pager(c.Request.URL.Query(), "/submissions", offset, 50, len(page.Rows), page.Total)
	s.render(c, http.StatusOK, "submissions", gin.H{"Title": "Submissions", "Version": s.opts.Version, "Page": page, "Prev": prev, "Next": next})
}
