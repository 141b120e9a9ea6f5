package bench

import (
	"sort"

	"github.com/vlmlab/harness/plugins/sdk"
)

// Tally counts hits per category value for breakdown tables, keeping the order
// in which categories and keys were first seen unless sorted.
type Tally struct {
	names []string
	cats  map[string]*category
}

type category struct {
	keys  []string
	total map[string]int
	hit   map[string]float64
}

// NewTally returns an empty tally.
func NewTally() *Tally { return &Tally{cats: map[string]*category{}} }

// Add counts one item with score hit (0..1) under category name, key value.
func (t *Tally) Add(name, key string, hit float64) {
	c, ok := t.cats[name]
	if !ok {
		c = &category{total: map[string]int{}, hit: map[string]float64{}}
		t.cats[name] = c
		t.names = append(t.names, name)
	}
	if _, ok := c.total[key]; !ok {
		c.keys = append(c.keys, key)
	}
	c.total[key]++
	c.hit[key] += hit
}

// AddBool is Add with a boolean hit.
func (t *Tally) AddBool(name, key string, hit bool) {
	h := 0.0
	if hit {
		h = 1
	}
	t.Add(name, key, h)
}

// Breakdowns returns one table per category, rows sorted by key when sorted
// is true, in first-seen order otherwise. Values are percentages.
func (t *Tally) Breakdowns(sorted bool) []Breakdown {
	out := make([]Breakdown, 0, len(t.names))
	for _, name := range t.names {
		c := t.cats[name]
		keys := append([]string(nil), c.keys...)
		if sorted {
			sort.Strings(keys)
		}
		b := Breakdown{Name: name}
		for _, k := range keys {
			b.Rows = append(b.Rows, Row{Key: k, Total: c.total[k], Hit: c.hit[k], Value: Percent(c.hit[k], c.total[k])})
		}
		out = append(out, b)
	}
	return out
}

// Percent returns 100*hit/total, 0 for an empty total.
func Percent(hit float64, total int) float64 {
	if total == 0 {
		return 0
	}
	return 100 * hit / float64(total)
}

// CountPaths sets a report's Rule, Judged and Unresolved counts from its
// items' extraction paths (quirk-decided items count as rule; no-judge and
// judge-failed as unresolved), and Quirks from their quirk names.
func CountPaths(rep *sdk.Report) {
	rep.Rule, rep.Judged, rep.Unresolved, rep.Quirks = 0, 0, 0, nil
	for _, it := range rep.Items {
		if it.Quirk != "" {
			if rep.Quirks == nil {
				rep.Quirks = map[string]int{}
			}
			rep.Quirks[it.Quirk]++
		}
		switch it.Path {
		case sdk.PathRule, sdk.PathQuirk:
			rep.Rule++
		case sdk.PathJudge:
			rep.Judged++
		default:
			rep.Unresolved++
		}
	}
}
