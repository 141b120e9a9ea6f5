// Package postprocess is the named response post-processing step applied to
// every model response before a benchmark scores it. VLMEvalKit's matchers
// never strip reasoning tags themselves; what reaches them depends on how
// the run was configured, so the step is chosen by name, applied in one
// place (every evaluator calls [Step.Apply] first) and recorded in every
// report (sdk.Report.Postprocess).
//
// An evaluator reads the step from its load options:
//
//	step, err := postprocess.FromOptions(req.Options) // key "postprocess"
//	text := step.Apply(response.Text)
//
// Hosts only pass the option through (benchmarks[].options.postprocess in
// harness.yaml, --option postprocess=NAME on the command line).
package postprocess

import (
	"fmt"
	"strings"

	"github.com/vlmlab/harness/benchmarks/answer"
)

// Option is the sdk.LoadRequest.Options key that names the step.
const Option = "postprocess"

// Step is one named post-processing rule.
type Step string

const (
	// None scores the response exactly as the model wrote it.
	None Step = "none"
	// SplitThink is VLMEvalKit's SPLIT_THINK=True (vlmeval/inference.py,
	// added in 9cc14cd0 of 2025-09-12, unchanged at e8e78f05 of 2026-08-18):
	// when the response contains </think>, only the text after the last
	// </think> is kept, stripped; otherwise the response is unchanged.
	SplitThink Step = "split-think"
	// VLAAThinker is the post_process=True of VLMEvalKit's VLAAThinkerChat
	// (extract_response_for_eval in vlmeval/vlm/vlaa_thinker.py, 1774d8cd of
	// 2025-04-01, the setting VLMEvalKit's config gives both VLAA-Thinker
	// models): the stripped content of the <answer>…</answer> block when
	// there is exactly one, otherwise the whole response unchanged.
	VLAAThinker Step = "vlaa-thinker"
)

// Default is the step used when none is named: VLAA-Thinker's, what
// VLMEvalKit ran the paper's models with. It leaves a response without
// exactly one <answer> block untouched, so untagged models score as with
// None.
const Default = VLAAThinker

// Steps lists every step, in the order the docs name them.
func Steps() []Step { return []Step{None, SplitThink, VLAAThinker} }

// Parse returns the step of a name; "" is [Default].
func Parse(name string) (Step, error) {
	if name == "" {
		return Default, nil
	}
	for _, s := range Steps() {
		if string(s) == name {
			return s, nil
		}
	}
	names := make([]string, 0, 3)
	for _, s := range Steps() {
		names = append(names, string(s))
	}
	return "", fmt.Errorf("option %s: unknown step %q; use one of %s", Option, name, strings.Join(names, ", "))
}

// FromOptions reads the step from load options (key [Option]).
func FromOptions(opts map[string]string) (Step, error) { return Parse(opts[Option]) }

// Apply post-processes one response.
func (s Step) Apply(response string) string {
	switch s {
	case SplitThink:
		return splitThink(response)
	case VLAAThinker:
		return answer.VLAAThinker(response)
	}
	return response
}

// String is the step's name.
func (s Step) String() string { return string(s) }

// splitThink is VLMEvalKit's split_thinking: the text after the last
// </think>, stripped as Python's str.strip() does.
func splitThink(s string) string {
	i := strings.LastIndex(s, answer.ThinkClose)
	if i < 0 {
		return s
	}
	return answer.PyStrip(s[i+len(answer.ThinkClose):])
}

// Take reads the step from load options and returns the options left for
// the evaluator to validate, so every evaluator accepts the key without
// knowing about it. opts is not modified.
func Take(opts map[string]string) (Step, map[string]string, error) {
	v, ok := opts[Option]
	if !ok {
		return Default, opts, nil
	}
	s, err := Parse(v)
	if err != nil {
		return "", nil, err
	}
	rest := make(map[string]string, len(opts)-1)
	for k, x := range opts {
		if k != Option {
			rest[k] = x
		}
	}
	return s, rest, nil
}
