package leaderboard

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/vlmlab/harness/internal/suggest"
)

// Lookup finds the entry with the given id. When there is none the error
// names the closest ids (a typo, or a shortened name such as
// "vlaa-thinker-3b"), or lists every id when nothing is close.
func Lookup(entries []Entry, id string) (Entry, error) {
	ids := make([]string, len(entries))
	for i, e := range entries {
		if e.ID == id {
			return e, nil
		}
		ids[i] = e.ID
	}
	if len(entries) == 0 {
		return Entry{}, fmt.Errorf("no published entry with id %q: no entries are loaded", id)
	}
	if near := closest(id, ids); len(near) > 0 {
		return Entry{}, fmt.Errorf("no published entry with id %q; did you mean %s? (ids are the file names in submissions/)", id, quoteOr(near))
	}
	slices.Sort(ids)
	return Entry{}, fmt.Errorf("no published entry with id %q; known ids: %s", id, strings.Join(ids, ", "))
}

func quoteOr(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// maxSuggestions bounds a did-you-mean list: more is a listing, not a hint.
const maxSuggestions = 3

// closest returns the candidates near s, nearest first: within an edit
// distance of a third of s's length (at least 2), or containing every
// "-"/"."/"_"-separated part of s; only those at most one edit farther than
// the nearest, and at most maxSuggestions. Comparison ignores case, so a
// name differing only in case is the one suggestion.
func closest(s string, candidates []string) []string {
	type scored struct {
		c string
		d int
	}
	ls := strings.ToLower(s)
	limit := max(2, len(ls)/3)
	parts := strings.FieldsFunc(ls, isSeparator)
	var near []scored
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := suggest.Distance(ls, lc)
		if d <= limit || containsParts(lc, parts) {
			near = append(near, scored{c, d})
		}
	}
	slices.SortFunc(near, func(a, b scored) int { return cmp.Or(cmp.Compare(a.d, b.d), cmp.Compare(a.c, b.c)) })
	var out []string
	for _, n := range near {
		// Past the nearest, one more edit is still a plausible slip; more
		// would bury the answer in a list.
		if len(out) == maxSuggestions || n.d > near[0].d+1 || near[0].d == 0 && n.d > 0 {
			break
		}
		out = append(out, n.c)
	}
	return out
}

func isSeparator(r rune) bool { return r == '-' || r == '.' || r == '_' }

func containsParts(c string, parts []string) bool {
	if len(parts) < 2 {
		return false // one part is a plain substring test: too loose for short keys
	}
	have := strings.FieldsFunc(c, isSeparator)
	for _, p := range parts {
		if !slices.Contains(have, p) {
			return false
		}
	}
	return true
}
