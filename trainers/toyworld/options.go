package toyworld

import (
	"fmt"
	"strconv"
	"strings"
)

// Options say what Generate writes.
type Options struct {
	// Seed makes the output: the same seed gives byte-identical files.
	Seed uint64
	// Size is "tiny", "small", "full", or item counts such as
	// "sft=200,rl=200,pretrain=500,eval=20" (missing keys are 0).
	Size string
	// Traces is the SFT trace length: TracesFull (the default when empty)
	// or TracesShort.
	Traces string
	// Workers bounds the goroutines rendering images; 0 means GOMAXPROCS.
	// It never changes the output.
	Workers int
}

// Counts are how many items each part of the tree gets.
type Counts struct {
	// SFT is the number of SFT questions; each is written in both styles, so
	// sft.jsonl has twice as many records.
	SFT int `json:"sft"`
	// RL is the number of GRPO prompts.
	RL int `json:"rl"`
	// Pretrain is the number of answer-only items.
	Pretrain int `json:"pretrain"`
	// Eval sets the size of each evaluation suite: that many items for
	// MathVista, MathVision, MathVerse and LogicVista; Eval/5 seeds (at least
	// 2) with 10 variants each for DynaMath; Eval/3 problem groups (at least
	// 2) for WeMath. 0 writes no suites.
	Eval int `json:"eval"`
}

// Sizes are the named sizes. "full" renders about 10,000 images.
var sizes = map[string]Counts{
	"tiny":  {SFT: 20, RL: 20, Pretrain: 40, Eval: 10},
	"small": {SFT: 500, RL: 500, Pretrain: 2000, Eval: 100},
	"full":  {SFT: 2500, RL: 2500, Pretrain: 4000, Eval: 200},
}

// maxCount bounds one count so a typo cannot fill a disk.
const maxCount = 1_000_000

// ParseSize reads a size name or a list of counts.
func ParseSize(s string) (Counts, error) {
	s = strings.TrimSpace(s)
	if c, ok := sizes[s]; ok {
		return c, nil
	}
	if !strings.Contains(s, "=") {
		return Counts{}, fmt.Errorf("unknown size %q: want tiny, small, full, or counts like \"sft=200,rl=200,pretrain=500,eval=20\"", s)
	}
	var c Counts
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		key, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return Counts{}, fmt.Errorf("size %q: %q is not key=count", s, part)
		}
		key = strings.TrimSpace(key)
		n, err := strconv.Atoi(strings.TrimSpace(val))
		if err != nil || n < 0 || n > maxCount {
			return Counts{}, fmt.Errorf("size %q: count for %s must be a whole number from 0 to %d, got %q", s, key, maxCount, val)
		}
		if seen[key] {
			return Counts{}, fmt.Errorf("size %q: %s given twice", s, key)
		}
		seen[key] = true
		switch key {
		case "sft":
			c.SFT = n
		case "rl":
			c.RL = n
		case "pretrain":
			c.Pretrain = n
		case "eval":
			c.Eval = n
		default:
			return Counts{}, fmt.Errorf("size %q: unknown part %q: want sft, rl, pretrain or eval", s, key)
		}
	}
	return c, nil
}
