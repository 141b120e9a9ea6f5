package mathvision

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/vlmlab/harness/benchmarks/mathexpr"
)

// VLMEvalKit's MathVision scorer changed its LaTeX reader on 2026-04-09;
// the leaderboard profile reproduces either revision, chosen by name with
// the load option OptionVLMEvalKit.
const (
	// OptionVLMEvalKit names the VLMEvalKit revision of
	// vlmeval/dataset/utils/mathv.py the leaderboard profile follows.
	OptionVLMEvalKit = "vlmevalkit"
	// Revision2025 is mathv.py from a8101884 (2025-02-01) until a9343a1e:
	// is_equal with latex2sympy2 1.9.1 (OrangeX4), the revision behind the
	// published leaderboard numbers of early 2025. The default. Its
	// is_equal is the one of 1ec8c10b (2024-07-31); a8101884 only added a
	// 30-second timeout around it.
	Revision2025 = "2025-02-01"
	// Revision2026 is mathv.py from a9343a1e (2026-04-09, unchanged at
	// e8e78f05 of 2026-08-18): latex2sympy2_extended (02999f5 of
	// 2026-01-10), whose default normalisation pulls the contents of every
	// \boxed{} / \fbox{} out of the text first and whose grammar must read
	// the whole text (no partial parses).
	Revision2026 = "2026-04-09"
)

// revision is a parsed OptionVLMEvalKit.
type revision int

const (
	rev2025 revision = iota
	rev2026
)

func (r revision) String() string {
	if r == rev2026 {
		return Revision2026
	}
	return Revision2025
}

func parseRevision(v string) (revision, error) {
	switch v {
	case "", Revision2025:
		return rev2025, nil
	case Revision2026:
		return rev2026, nil
	}
	return 0, fmt.Errorf("option %s: unknown revision %q; use %s (latex2sympy2, the default) or %s (latex2sympy2_extended)",
		OptionVLMEvalKit, v, Revision2025, Revision2026)
}

// Quirks of VLMEvalKit's is_equal, named on the items they decide.
const (
	// QuirkEvalLocal: the answer "a" evaluates to is_equal's own local
	// variable a, which holds eval(gold), so it equals any gold Python can
	// evaluate.
	QuirkEvalLocal = "vlmevalkit-eval-local-a"
	// QuirkPythonEval: Python's eval decided where LaTeX would not:
	// digit underscores (44_6 is 446) or ^ as XOR.
	QuirkPythonEval = "vlmevalkit-python-eval"
	// QuirkPartialParse: latex2sympy2 read only a prefix of the text.
	QuirkPartialParse = "latex2sympy-partial-parse"
	// QuirkBoxed: latex2sympy2_extended compared the \boxed{} contents of a
	// whole response (Revision2026).
	QuirkBoxed = "latex2sympy2-extended-boxed"
)

// evalCommands are the LaTeX commands whose sympy translation still
// evaluates with Python's eval in mathv.py's namespace, which has no math
// functions: \sqrt, \pi, trigonometry and logarithms print as names (sqrt(2),
// pi) and raise NameError, which ends is_equal's sympy step.
var evalCommands = map[string]bool{
	"frac": true, "dfrac": true, "tfrac": true, "cdot": true, "times": true, "div": true,
	"left": true, "right": true, "displaystyle": true, "quad": true, "qquad": true,
}

// vlmevalkitEqual is VLMEvalKit's is_equal(answer, gold): the lower-cased,
// stripped strings equal; else Python's eval of both within 1e-6; else
// latex2sympy of both, evaluated, within 1e-6. quirk names the upstream
// quirk that made it true, if any.
func vlmevalkitEqual(answer, gold string, rev revision) (equal bool, quirk string) {
	a, g := pyStrip(strings.ToLower(answer)), pyStrip(strings.ToLower(gold))
	if a == g {
		return true, ""
	}
	if pyEvalEqual(g, a) {
		switch {
		case a == "a":
			return true, QuirkEvalLocal
		case strings.ContainsAny(a, "_^") || strings.ContainsAny(g, "_^"):
			return true, QuirkPythonEval
		}
		return true, ""
	}
	ga, gq, ok := latexValue(g, rev)
	if !ok {
		return false, ""
	}
	aa, aq, ok := latexValue(a, rev)
	if !ok || math.IsNaN(ga) || math.IsNaN(aa) || math.Abs(ga-aa) >= 1e-6 {
		return false, ""
	}
	if aq != "" {
		return true, aq
	}
	return true, gq
}

// latexValue is eval(str(latex2sympy(s))) of the revision: its number, and
// the quirk that shaped what was read.
func latexValue(s string, rev revision) (float64, string, bool) {
	var quirk string
	if rev == rev2026 {
		if b := boxedAll(s); b != s {
			s, quirk = b, QuirkBoxed
		}
		s = extendedBasic(s)
	} else {
		if p := latexPrefix(s); p != s {
			s, quirk = p, QuirkPartialParse
		}
		if badEscape(s) {
			return 0, "", false
		}
	}
	if strings.TrimSpace(s) == "" || braceless.MatchString(s) {
		return 0, "", false
	}
	e, ok := gatedValue(s, evalCommands, false)
	if !ok || e.Kind() == mathexpr.Tuple {
		return 0, "", false
	}
	v, err := e.Eval(nil)
	if err != nil || math.IsInf(v, 0) {
		return 0, "", false
	}
	return v, quirk, true
}

// boxedAll is latex2sympy2_extended's extract_boxed_content(mode="all"):
// scanning from the right, the contents of every \boxed{…} or \fbox{…}
// (braces balanced), consecutive duplicates dropped, joined by commas in
// text order; an unclosed last box gives the rest of the text from its
// brace; no box leaves the text unchanged.
func boxedAll(text string) string {
	var results []string
	cur, maxPos := len(text), len(text)
	for {
		bi := strings.LastIndex(text[:cur], `\boxed`)
		fi := strings.LastIndex(text[:cur], `\fbox`)
		if bi < 0 && fi < 0 {
			break
		}
		start, end := bi, bi+6
		if fi > bi {
			start, end = fi, fi+5
		}
		i := end
		for i < maxPos && isPySpace(text[i]) {
			i++
		}
		if i >= maxPos {
			break
		}
		if text[i] != '{' {
			if len(results) == 0 {
				results = append(results, text[i:])
			}
			break
		}
		depth, close := 1, -1
		for j := i + 1; j < maxPos; j++ {
			if text[j] == '{' {
				depth++
			} else if text[j] == '}' {
				if depth--; depth == 0 {
					close = j
					break
				}
			}
		}
		if close < 0 {
			if len(results) == 0 {
				results = append(results, text[i:])
			}
			break
		}
		content := pyStrip(text[i+1 : close])
		if len(results) == 0 || results[len(results)-1] != content {
			results = append(results, content)
		}
		maxPos, cur = start, start
	}
	if len(results) == 0 {
		return text
	}
	for l, r := 0, len(results)-1; l < r; l, r = l+1, r-1 {
		results[l], results[r] = results[r], results[l]
	}
	return strings.Join(results, ",")
}

func isPySpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// extendedRemove is the part of latex2sympy2_extended's basic_latex
// normalisation that changes what can evaluate: \mathrm{th}, \! with the
// spaces after it, empty \text{}, dollar signs, unescaped quotes and
// \displaystyle are removed.
var extendedRemove = regexp.MustCompile(`\\mathrm\{th\}|\\!\s*|\\text\s*\{\s*\}|\\\$|\$|["']|\\displaystyle`)

func extendedBasic(s string) string {
	s = extendedRemove.ReplaceAllString(s, "")
	return strings.NewReplacer("\n", " ", "\t", " ").Replace(s)
}

// pyStrip is Python's str.strip() for the ASCII whitespace that occurs in
// answers.
func pyStrip(s string) string { return strings.Trim(s, " \t\n\r\v\f") }
