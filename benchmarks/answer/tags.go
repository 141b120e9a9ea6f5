package answer

import "strings"

// The reasoning tags of the VLAA-Thinker system prompt. They are matched
// exactly (lower case, no attributes, no spaces inside the angle brackets).
const (
	ThinkOpen   = "<think>"
	ThinkClose  = "</think>"
	AnswerOpen  = "<answer>"
	AnswerClose = "</answer>"
)

// Status says how [Inspect] found (or failed to find) the final answer.
type Status int

const (
	// AnswerTag: exactly one <answer>…</answer> block after the reasoning.
	AnswerTag Status = iota
	// AfterThink: no answer tags; the text after </think> is the answer.
	AfterThink
	// Untagged: no tags at all; the whole (trimmed) response is the answer.
	Untagged
	// CutOffInThink: a <think> was opened and never closed, so the response
	// ended while reasoning. There is no answer.
	CutOffInThink
	// CutOffInAnswer: an <answer> was opened and never closed after the
	// reasoning; the answer may be truncated, so there is none.
	CutOffInAnswer
	// MultipleAnswers: two or more <answer> blocks. The model hedged; there is
	// no single answer (the authors' extract_answer_tag also gives none).
	MultipleAnswers
	// Empty: the answer (tag content or remaining text) is blank.
	Empty
)

var statusNames = [...]string{"answer-tag", "after-think", "untagged", "cut-off-in-think",
	"cut-off-in-answer", "multiple-answers", "empty"}

// String names the status for reports ("answer-tag", "cut-off-in-think", …).
func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return "unknown"
	}
	return statusNames[s]
}

// OK reports whether the status carries an answer.
func (s Status) OK() bool { return s == AnswerTag || s == AfterThink || s == Untagged }

// Tagged is what [Inspect] found in a response.
type Tagged struct {
	Final  string // the final answer, trimmed; "" unless Status.OK()
	Status Status
}

// Split returns the final answer of a reasoning response (see [Inspect]).
func Split(response string) (final string, ok bool) {
	t := Inspect(response)
	return t.Final, t.Status.OK()
}

// Inspect finds the final answer of a response, leniently, for evaluation:
//
//  1. If the last <think> comes after the last </think> (or there is a <think>
//     and no </think>), the response was cut off while reasoning: no answer.
//  2. The answer region is what follows the last </think>, or the whole
//     response when there is none.
//  3. In that region, exactly one <answer>…</answer> block gives its content;
//     two or more give no answer (also one block followed by a second,
//     unclosed <answer>); an <answer> never closed gives no answer;
//     no answer tags at all give the whole region (stray closing tags
//     removed). Tag content is taken up to the first </answer>, as the
//     non-greedy regex of the authors' extract_answer_tag does.
//
// The answer is trimmed and passed through [Normalize]; a blank answer is
// Status Empty.
func Inspect(response string) Tagged {
	lastOpen := strings.LastIndex(response, ThinkOpen)
	lastClose := strings.LastIndex(response, ThinkClose)
	if lastOpen > lastClose {
		return Tagged{Status: CutOffInThink}
	}
	region, status := response, Untagged
	if lastClose >= 0 {
		region, status = response[lastClose+len(ThinkClose):], AfterThink
	}
	blocks, open := answerBlocks(region)
	switch {
	case len(blocks) > 1 || len(blocks) == 1 && open: // a second answer was started
		return Tagged{Status: MultipleAnswers}
	case len(blocks) == 1:
		region, status = blocks[0], AnswerTag
	case open:
		return Tagged{Status: CutOffInAnswer}
	default:
		region = strings.ReplaceAll(region, AnswerClose, "")
	}
	final := strings.TrimSpace(Normalize(region))
	if final == "" {
		return Tagged{Status: Empty}
	}
	return Tagged{Final: final, Status: status}
}

// answerBlocks returns the contents of <answer>…</answer> blocks in s (each
// up to the first </answer> after its opening tag) and whether an <answer>
// is left open at the end. It stops counting at two: callers only need to
// tell one from many.
func answerBlocks(s string) (blocks []string, open bool) {
	for len(blocks) < 2 {
		i := strings.Index(s, AnswerOpen)
		if i < 0 {
			return blocks, false
		}
		s = s[i+len(AnswerOpen):]
		j := strings.Index(s, AnswerClose)
		if j < 0 {
			return blocks, true
		}
		blocks = append(blocks, s[:j])
		s = s[j+len(AnswerClose):]
	}
	return blocks, false
}

// SplitStrict is the implicit format rule of the GRPO reward: a response has
// an answer only when, after trimming surrounding whitespace, it is exactly
//
//	<think> reasoning </think> [whitespace] <answer> answer </answer>
//
// with no other tag anywhere (no second or nested <think> or <answer>, no
// text before <think> or after </answer>) and a non-blank answer. The
// reasoning may be empty. A trainer that pre-fills "<think>" in the prompt
// must prepend it to the generated text before calling SplitStrict. The
// returned answer is trimmed and passed through [Normalize].
func SplitStrict(response string) (final string, ok bool) {
	s := strings.TrimSpace(response)
	if !strings.HasPrefix(s, ThinkOpen) || !strings.HasSuffix(s, AnswerClose) {
		return "", false
	}
	s = s[len(ThinkOpen) : len(s)-len(AnswerClose)]
	end := strings.Index(s, ThinkClose)
	if end < 0 {
		return "", false
	}
	think, rest := s[:end], strings.TrimSpace(s[end+len(ThinkClose):])
	if !strings.HasPrefix(rest, AnswerOpen) {
		return "", false
	}
	ans := rest[len(AnswerOpen):]
	if hasTag(think) || hasTag(ans) {
		return "", false
	}
	final = strings.TrimSpace(Normalize(ans))
	return final, final != ""
}

// hasTag reports whether s contains any of the four reasoning tags.
func hasTag(s string) bool {
	return strings.Contains(s, ThinkOpen) || strings.Contains(s, ThinkClose) ||
		strings.Contains(s, AnswerOpen) || strings.Contains(s, AnswerClose)
}

// VLAAThinker is the post-processing VLMEvalKit applies to VLAA-Thinker
// outputs (extract_response_for_eval in vlmeval/vlm/vlaa_thinker.py, added by
// the paper's first author): the trimmed content of the <answer> block when
// there is exactly one, otherwise the raw response unchanged. Its </think>
// branch is unreachable upstream, so it is not reproduced.
func VLAAThinker(response string) string {
	blocks, _ := answerBlocks(response)
	if len(blocks) == 1 {
		return pyStrip(blocks[0])
	}
	return response
}
