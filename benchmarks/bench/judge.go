package bench

import (
	"fmt"
	"sort"

	"github.com/vlmlab/harness/plugins/sdk"
)

// Schedule is a benchmark's judge retry schedule: one temperature per attempt.
type Schedule struct {
	Temperatures []float64
	MaxTokens    int
}

// VLMEvalKitRetries is the schedule MathVista, MathVision, MathVerse and
// LogicVista use in VLMEvalKit: five tries at temperature 0.5*i, 128 tokens.
var VLMEvalKitRetries = Schedule{Temperatures: []float64{0, 0.5, 1, 1.5, 2}, MaxTokens: 128}

// Outcome is the state of one judged stage of one item.
type Outcome struct {
	// Value is the accepted judge output; valid only when OK.
	Value string
	OK    bool
	// Waiting is true when a request for this stage is pending this round.
	Waiting bool
	// NoJudge is true when no judge is configured, so the stage cannot run.
	NoJudge bool
	// Attempts counts the answers looked at (failed ones included).
	Attempts int
	// Last is the last raw judge text seen (for reports), accepted or not.
	Last string
}

// Rounds resolves judge calls across scoring rounds. A Dataset's Score builds
// one from the answers it was given, asks each item's stages through Ask, and
// returns Pending() when non-empty.
type Rounds struct {
	judge   string
	answers map[string]sdk.JudgeAnswer
	pending []sdk.JudgeRequest
}

// NewRounds starts a round with the judge model name ("" for none) and all
// judge answers collected so far.
func NewRounds(judge string, answers []sdk.JudgeAnswer) *Rounds {
	m := make(map[string]sdk.JudgeAnswer, len(answers))
	for _, a := range answers {
		m[a.Key] = a
	}
	return &Rounds{judge: judge, answers: m}
}

// HasJudge reports whether a judge is configured.
func (r *Rounds) HasJudge() bool { return r.judge != "" }

// Ask walks the attempts of one stage of one item. build returns the system
// and user prompt for an attempt; accept validates a judge output and returns
// the value to keep. The first attempt without an answer becomes a pending
// request. After the schedule runs out, the outcome is not OK.
func (r *Rounds) Ask(itemID, stage string, s Schedule, build func(attempt int) (system, prompt string), accept func(text string) (string, bool)) Outcome {
	if r.judge == "" {
		return Outcome{NoJudge: true}
	}
	var out Outcome
	for i, temp := range s.Temperatures {
		key := JudgeKey(itemID, stage, i)
		a, ok := r.answers[key]
		if !ok {
			system, prompt := build(i)
			r.pending = append(r.pending, sdk.JudgeRequest{
				Key: key, ItemID: itemID, Stage: stage, Attempt: i,
				System: system, Prompt: prompt, Temperature: temp, MaxTokens: s.MaxTokens,
			})
			out.Waiting = true
			return out
		}
		out.Attempts++
		if a.Error != "" {
			continue
		}
		out.Last = a.Text
		if v, ok := accept(a.Text); ok {
			out.Value, out.OK = v, true
			return out
		}
	}
	return out
}

// Pending returns the judge requests of this round in a stable order.
func (r *Rounds) Pending() []sdk.JudgeRequest {
	sort.SliceStable(r.pending, func(i, j int) bool { return r.pending[i].Key < r.pending[j].Key })
	return r.pending
}

// JudgeKey names one judge call of a scoring session.
func JudgeKey(itemID, stage string, attempt int) string {
	return fmt.Sprintf("%s/%s/%d", itemID, stage, attempt)
}
