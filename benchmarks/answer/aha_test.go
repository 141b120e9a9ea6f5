package answer

import "testing"

func TestHasAha(t *testing.T) {
	cases := []struct {
		text string
		want bool
	}{
		{"", false},
		{"<think>3 squares</think><answer>3</answer>", false},
		{"<think>Wait, maybe I'm wrong</think>", true},
		{"let me DOUBLE-CHECK", true},
		{"I checked it", true}, // "check" is a substring match, as the authors did
		{"Hmm.", true},
		{"I should confirm there is no error", true},
		{"alternatively B", true},
		{"try again", true},
		{"a mistake", true},
		{"waiting room", true}, // substring, not word: the paper's rule
		{"I should conf", false},
	}
	for _, c := range cases {
		if got := HasAha(c.text); got != c.want {
			t.Errorf("HasAha(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
