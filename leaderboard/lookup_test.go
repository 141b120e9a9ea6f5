package leaderboard_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vlmlab/harness/leaderboard"
)

// TestLookup writes the answer for each query to one golden file, so the
// did-you-mean wording is reviewed as a whole.
func TestLookup(t *testing.T) {
	es := committed(t)
	var b strings.Builder
	for _, tc := range []struct {
		entries []leaderboard.Entry
		id      string
	}{
		{es, "vlaa-thinker-qwen2.5vl-3b"},
		{es, "vlaa-thinker-qwen2.5-vl-3b"}, // typo
		{es, "vlaa-thinker-3b"},            // shortened
		{es, "VLAA-Thinker-Qwen2.5VL-3B"},  // model name case
		{es, "qwen2.5-vl-3b-sft"},          // prefix of several
		{es, "gpt-4o"},                     // nothing close
		{nil, "qwen2.5-vl-3b"},
	} {
		e, err := leaderboard.Lookup(tc.entries, tc.id)
		switch {
		case err != nil:
			fmt.Fprintf(&b, "%s (of %d) → error: %v\n", tc.id, len(tc.entries), err)
		case e.ID != tc.id:
			t.Errorf("Lookup(%q) returned %q", tc.id, e.ID)
		default:
			fmt.Fprintf(&b, "%s (of %d) → %s\n", tc.id, len(tc.entries), e.Model)
		}
	}
	checkGolden(t, "testdata/lookup.golden", b.String())
}
