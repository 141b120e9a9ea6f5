package reward

import (
	"strings"

	"github.com/vlmlab/harness/benchmarks/answer"
)

// wrappers are the decorations models put around a short final answer.
var wrappers = [...][2]string{
	{`\[`, `\]`}, {`\(`, `\)`}, {"$$", "$$"}, {"$", "$"}, {"**", "**"},
	{`\text{`, "}"}, {`\textbf{`, "}"}, {`\mathrm{`, "}"}, {`\mathbf{`, "}"},
}

// unwrapFinal reduces the extracted answer to its core: the content of the
// last \boxed{…} when there is one (the VLAA-Thinking traces box two thirds
// of their answers), then without display or inline math delimiters, bold or
// \text wrappers, and a trailing period. Characters are folded by
// answer.Normalize.
func unwrapFinal(s string) string {
	s = answer.Normalize(s)
	if boxed, ok := answer.LastBoxed(s); ok {
		s = boxed
	}
	for {
		t := strings.TrimSpace(s)
		t = strings.TrimSuffix(t, ".")
		t = strings.TrimSpace(t)
		for _, w := range wrappers {
			if len(t) >= len(w[0])+len(w[1]) && strings.HasPrefix(t, w[0]) && strings.HasSuffix(t, w[1]) &&
				!(w[0][0] == '$' && strings.Contains(t[len(w[0]):len(t)-len(w[1])], "$")) { // "$1$ or $2$" is not one wrapper
				t = strings.TrimSpace(t[len(w[0]) : len(t)-len(w[1])])
				break
			}
		}
		if t == s {
			return s
		}
		s = t
	}
}
