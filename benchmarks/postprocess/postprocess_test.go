package postprocess

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestApply(t *testing.T) {
	tests := []struct {
		in                     string
		none, splitThink, vlaa string
	}{
		{"<think>r</think> <answer> B </answer>", "<think>r</think> <answer> B </answer>", "<answer> B </answer>", "B"},
		{"no tags", "no tags", "no tags", "no tags"},
		// SPLIT_THINK keeps what follows the last </think>.
		{"a</think>b</think>\n c \n", "a</think>b</think>\n c \n", "c", "a</think>b</think>\n c \n"},
		// Cut off inside <think>: both VLMEvalKit steps pass it whole.
		{"<think>still going", "<think>still going", "<think>still going", "<think>still going"},
		// Two answer blocks: VLAA-Thinker passes the whole response.
		{"<answer>A</answer><answer>B</answer>", "<answer>A</answer><answer>B</answer>", "<answer>A</answer><answer>B</answer>", "<answer>A</answer><answer>B</answer>"},
		// The answer tag without </think>: VLAA-Thinker keeps the block, the
		// regex is non-greedy and spans lines.
		{"x <answer>\n12\n</answer> y", "x <answer>\n12\n</answer> y", "x <answer>\n12\n</answer> y", "12"},
		{"<think>t</think>", "<think>t</think>", "", "<think>t</think>"},
	}
	for _, tt := range tests {
		got := []string{None.Apply(tt.in), SplitThink.Apply(tt.in), VLAAThinker.Apply(tt.in)}
		if diff := cmp.Diff([]string{tt.none, tt.splitThink, tt.vlaa}, got); diff != "" {
			t.Errorf("Apply(%q) none/split-think/vlaa-thinker (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestTake(t *testing.T) {
	s, rest, err := Take(map[string]string{"postprocess": "split-think", "trunk_response": "30"})
	if err != nil || s != SplitThink || !cmp.Equal(rest, map[string]string{"trunk_response": "30"}) {
		t.Errorf("Take = %v %v %v", s, rest, err)
	}
	if s, rest, err := Take(nil); err != nil || s != Default || len(rest) != 0 {
		t.Errorf("Take(nil) = %v %v %v", s, rest, err)
	}
	if _, _, err := Take(map[string]string{"postprocess": "think"}); err == nil || !strings.Contains(err.Error(), "none, split-think, vlaa-thinker") {
		t.Errorf("bad name: %v", err)
	}
	if s, err := Parse(""); err != nil || s != VLAAThinker {
		t.Errorf("Parse(\"\") = %v %v", s, err)
	}
}
