package reward

import (
	"fmt"
	"strings"
)

// VerifierType names the verifier that scores a sample. The names digit, mcq
// and math are the ones the released VLAA-Thinking GRPO data carries in its
// verifier_type field; the authors never published the names of the IoU and
// open-ended types, so iou and open_ended are ours.
type VerifierType string

// The verifier types of the paper's mixed reward (Fig. 4).
const (
	Digit     VerifierType = "digit"      // counting answers (CLEVR-Math): exact integer match
	MCQ       VerifierType = "mcq"        // multiple choice (GeoQA170K, ArxivQA): option letter match
	Math      VerifierType = "math"       // math expressions (Math PUMA): equivalence
	IoU       VerifierType = "iou"        // grounding (LLaVA-CoT COCO/VG): box IoU, continuous
	OpenEnded VerifierType = "open_ended" // free-form answers (DocVQA, VizWiz, ALLaVA): reward model vs reference
)

// VerifierTypes lists every verifier type, in the paper's order.
var VerifierTypes = []VerifierType{Digit, MCQ, Math, IoU, OpenEnded}

// ParseVerifierType reads a verifier type name, ignoring case and surrounding
// blanks. An unknown name is an error that lists the known ones.
func ParseVerifierType(s string) (VerifierType, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	for _, v := range VerifierTypes {
		if name == string(v) {
			return v, nil
		}
	}
	return "", fmt.Errorf("unknown verifier_type %q: want one of %s", s, verifierNames())
}

func verifierNames() string {
	names := make([]string, len(VerifierTypes))
	for i, v := range VerifierTypes {
		names[i] = string(v)
	}
	return strings.Join(names, ", ")
}

// Known reports whether v is one of VerifierTypes (exact, lower-case name).
func (v VerifierType) Known() bool {
	for _, k := range VerifierTypes {
		if v == k {
			return true
		}
	}
	return false
}

// RuleBased reports whether v is scored by a rule (no reward model).
func (v VerifierType) RuleBased() bool { return v != OpenEnded }

// Sample is one rollout to reward.
type Sample struct {
	// Response is the model's generated text (without the prompt), expected in
	// the form <think>…</think><answer>…</answer>.
	Response string
	// Label is the ground truth: a count ("3"), an option letter ("B"), a math
	// expression ("\frac{1}{2}"), a box ("[0.1, 0.2, 0.7, 0.5]"), or a reference
	// answer for open-ended questions.
	Label        string
	VerifierType VerifierType
	// Query is the question, without the system prompt. Only the open-ended
	// verifier uses it: the reward model scores (question, answer) pairs.
	Query string
	// Images are paths or URLs of the sample's images, passed to the reward
	// model of the open-ended verifier.
	Images []string
	// ImageWidth and ImageHeight, in pixels, let the IoU verifier compare a
	// pixel box with a normalised one. Zero means unknown.
	ImageWidth, ImageHeight int
}

// Result is the reward of one sample and why.
type Result struct {
	// Reward is in [0, 1]; never NaN.
	Reward       float64
	VerifierType VerifierType
	// FormatOK is false when no answer could be extracted: the implicit format
	// reward then gates Reward to 0.
	FormatOK bool
	// Answer is the extracted answer (empty when FormatOK is false).
	Answer string
	// Reason says in a few words why the reward is what it is, for logs.
	Reason string
}
