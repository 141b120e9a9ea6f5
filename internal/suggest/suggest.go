// Package suggest finds the name a user probably meant, for "did you mean"
// hints in error messages about configs and entries.
package suggest

import "sort"

// Distance is the Levenshtein distance over bytes: names and keys are ASCII.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			sub := prev[j-1]
			if a[i-1] != b[j-1] {
				sub++
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, sub)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Closest returns the candidate nearest to s within maxDist edits ("" if
// none); ties go to the one first in sort order, so hints are stable.
func Closest(s string, candidates []string, maxDist int) string {
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	best, bestD := "", maxDist+1
	for _, c := range sorted {
		if d := Distance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
