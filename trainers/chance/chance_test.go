package chance

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vlmlab/harness/plugins/sdk"
)

func TestOptions(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"Question: x?\nChoices:\n(A) 1\n(B) 2\n(C) 3", []string{"A", "B", "C"}},
		{"Options:\nA. 300\nB. 400\nC. 500\nD. 600\nE. No correct answer", []string{"A", "B", "C", "D", "E"}},
		{"Which figure comes next? Select from A-E.", []string{"A", "B", "C", "D", "E"}},
		{"What is the area? Give an integer.", nil},
		{"A. only one option", nil},
		{"from E-A is backwards", nil},
	} {
		if diff := cmp.Diff(tc.want, Options(tc.text)); diff != "" {
			t.Errorf("Options(%q) (-want +got):\n%s", tc.text, diff)
		}
	}
}

func TestGenerateIsDeterministicAndSpread(t *testing.T) {
	prompts := make([]sdk.Prompt, 200)
	for i := range prompts {
		prompts[i] = sdk.Prompt{ID: strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune('0'+i/26)), Parts: []sdk.Part{{Text: "Choices:\n(A) 1\n(B) 2\n(C) 3\n(D) 4"}}}
	}
	run := func(seed int64) []string {
		var out []string
		if err := (Model{Seed: seed}).Generate(context.Background(), nil, prompts, sdk.GenerateParams{N: 2}, func(g sdk.Generation) error {
			out = append(out, g.Text)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b, c := run(1), run(1), run(2)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed differs:\n%s", diff)
	}
	if cmp.Equal(a, c) {
		t.Error("different seeds give identical guesses")
	}
	counts := map[string]int{}
	for _, s := range a {
		counts[s]++
	}
	if len(a) != 400 || len(counts) != 4 {
		t.Fatalf("got %d generations over %d distinct answers, want 400 over 4", len(a), len(counts))
	}
	for ans, n := range counts {
		if n < 60 || n > 140 { // 100 expected; far tails of a fair die
			t.Errorf("answer %q drawn %d times of 400", ans, n)
		}
	}
}

func TestGenerateStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := (Model{}).Generate(ctx, nil, []sdk.Prompt{{ID: "a"}}, sdk.GenerateParams{}, func(sdk.Generation) error { return nil })
	if err != context.Canceled {
		t.Errorf("got %v", err)
	}
}
