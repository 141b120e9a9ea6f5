package store

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/vlmlab/harness/benchmarks/registry"
)

// Ranking is a snapshot of every leaderboard row that answers Queries in
// memory: the ranking page is the hot path, and with ten thousand rows a
// filter, sort, rank and page in SQL costs tens of milliseconds, here tens
// of microseconds. Orders are sorted once per snapshot, on first use.
// A Ranking is safe for concurrent use and never changes its rows.
type Ranking struct {
	rows  []Entry
	lower []string // model + "\x00" + organisation, lower case, for Search

	mu     sync.Mutex
	orders map[string][]int // by sort key and direction: row indexes
}

// NewRanking takes ownership of rows.
func NewRanking(rows []Entry) *Ranking {
	r := &Ranking{rows: rows, lower: make([]string, len(rows)), orders: map[string][]int{}}
	for i, e := range rows {
		r.lower[i] = strings.ToLower(e.Model + "\x00" + e.Organisation)
	}
	return r
}

// Len is the number of rows in the snapshot, hidden and ablations included.
func (r *Ranking) Len() int { return len(r.rows) }

// SortKeys are the accepted Query.Sort values besides "" and "rank".
var SortKeys = append([]string{"average", "model", "organisation", "params", "type", "date"}, registry.Names()...)

// byRank is the leaderboard order: complete rows first, by average, then
// model and id so equal averages always list the same way. Incomplete rows
// are never ranked against complete ones.
func byRank(a, b *Entry) int {
	if a.Complete != b.Complete {
		if a.Complete {
			return -1
		}
		return 1
	}
	return cmp.Or(cmp.Compare(b.Average, a.Average), cmp.Compare(a.Model, b.Model), cmp.Compare(a.ID, b.ID))
}

func (r *Ranking) order(key string, desc bool) ([]int, error) {
	name := fmt.Sprint(key, desc)
	r.mu.Lock()
	defer r.mu.Unlock()
	if o, ok := r.orders[name]; ok {
		return o, nil
	}
	var less func(a, b *Entry) int
	switch key {
	case "", "rank", "average":
		less = byRank
		if desc {
			// Worst first, incomplete rows still last.
			less = func(a, b *Entry) int {
				if a.Complete != b.Complete {
					return byRank(a, b)
				}
				return -byRank(a, b)
			}
		}
	default:
		var val func(e *Entry) (any, bool)
		switch key {
		case "model":
			val = func(e *Entry) (any, bool) { return e.Model, true }
		case "organisation":
			val = func(e *Entry) (any, bool) { return e.Organisation, true }
		case "type":
			val = func(e *Entry) (any, bool) { return e.Type, true }
		case "date":
			val = func(e *Entry) (any, bool) { return e.EvalDate, e.EvalDate != "" }
		case "params":
			val = func(e *Entry) (any, bool) { return e.ParamsB, e.ParamsB > 0 }
		default:
			if !slices.Contains(Benchmarks, key) {
				return nil, fmt.Errorf("sort %q: use rank, %s", key, strings.Join(SortKeys, ", "))
			}
			val = func(e *Entry) (any, bool) { v, ok := e.Scores[key]; return v, ok }
		}
		less = func(a, b *Entry) int {
			va, oka := val(a)
			vb, okb := val(b)
			if oka != okb { // missing values last, either direction
				if oka {
					return -1
				}
				return 1
			}
			c := 0
			if oka {
				switch x := va.(type) {
				case string:
					c = cmp.Compare(x, vb.(string))
				case float64:
					c = cmp.Compare(x, vb.(float64))
				}
				if desc {
					c = -c
				}
			}
			return cmp.Or(c, byRank(a, b))
		}
	}
	o := make([]int, len(r.rows))
	for i := range o {
		o[i] = i
	}
	slices.SortStableFunc(o, func(i, j int) int { return less(&r.rows[i], &r.rows[j]) })
	r.orders[name] = o
	return o, nil
}

func (r *Ranking) keep(q *Query, i int, search string) bool {
	e := &r.rows[i]
	switch {
	case e.Hidden && !q.Hidden,
		e.Kind == "ablation" && !q.Ablations,
		len(q.Buckets) > 0 && !slices.Contains(q.Buckets, e.Bucket),
		len(q.Types) > 0 && !slices.Contains(q.Types, e.Type),
		q.VerifiedOnly && !e.Verified,
		q.Profile != "" && e.Profile != q.Profile,
		search != "" && !strings.Contains(r.lower[i], search):
		return false
	}
	return true
}

// Query filters, orders, ranks and pages the snapshot. Rank counts among the
// complete rows the filter keeps; ties share a rank.
func (r *Ranking) Query(q Query) (Page[Row], error) {
	o, err := r.order(q.Sort, q.Desc)
	if err != nil {
		return Page[Row]{}, err
	}
	limit := q.Limit
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	offset := max(q.Offset, 0)
	search := strings.ToLower(q.Search)
	page := Page[Row]{Rows: []Row{}}
	var pageIdx []int
	for _, i := range o {
		if !r.keep(&q, i, search) {
			continue
		}
		if page.Total >= offset && len(page.Rows) < limit {
			page.Rows = append(page.Rows, Row{Entry: r.rows[i]})
			pageIdx = append(pageIdx, i)
		}
		page.Total++
	}
	// Ranks: one pass in rank order over the kept complete rows.
	want := make(map[int]int, len(page.Rows)) // row index -> page position
	for k, i := range pageIdx {
		if page.Rows[k].Complete {
			want[i] = k
		}
	}
	if len(want) == 0 {
		return page, nil
	}
	ranked, _ := r.order("", false)
	n, rank, prev, found := 0, 0, 0.0, 0
	for _, i := range ranked {
		e := &r.rows[i]
		if !e.Complete {
			break
		}
		if !r.keep(&q, i, search) {
			continue
		}
		n++
		if n == 1 || e.Average != prev {
			rank, prev = n, e.Average
		}
		if k, ok := want[i]; ok {
			page.Rows[k].Rank = rank
			if found++; found == len(want) {
				break
			}
		}
	}
	return page, nil
}
