package toyworld

import (
	"context"
	"fmt"
	"strings"

	"github.com/vlmlab/harness/benchmarks/registry"
)

// MATH-V test.jsonl record (mathllm/MATH-V data/test.jsonl).
type mathVisionRecord struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Options  []string `json:"options"` // [] for free-form, 5 texts for multiple choice
	Answer   string   `json:"answer"`  // a letter for multiple choice
	Solution *string  `json:"solution"`
	Level    int      `json:"level"`
	Subject  string   `json:"subject"`
	Image    string   `json:"image"`
}

var mathVisionKinds = []Kind{KindShapes, KindLocate, KindBars, KindTriangle, KindRightTriangle, KindRectangle, KindSequence}

// writeMathVision writes eval/mathvision: test.jsonl and images/. Even items
// are multiple choice with five options A-E, odd items free-form.
func (g *generator) writeMathVision(ctx context.Context, n int) (SuiteManifest, error) {
	const dir = "eval/mathvision"
	recs, err := parallel(ctx, g.workers, n, func(i int) (mathVisionRecord, error) {
		rng := itemRNG(g.seed, dir, i)
		choice := i%2 == 0
		accept := func(q Question) bool {
			if choice {
				return isChoice(q, 5)
			}
			return q.Numeric && (q.Verifier == VerifierDigit || q.Verifier == VerifierMath) && q.Precision == 0
		}
		scene, q, err := findQuestion(rng, mathVisionKinds, accept)
		if err != nil {
			return mathVisionRecord{}, fmt.Errorf("item %d: %w", i+1, err)
		}
		m, err := meta(q)
		if err != nil {
			return mathVisionRecord{}, err
		}
		id := padID("synth", i+1, n)
		rec := mathVisionRecord{
			ID: id, Question: withHint(q) + "\n<image1>", Options: []string{}, Answer: q.Answer,
			Solution: ptr(strings.Join(q.Steps, " ")), Level: m.level, Subject: m.subject, Image: "images/" + id + ".png",
		}
		if choice {
			opts, correct, err := Choices(rng, q, 5)
			if err != nil {
				return mathVisionRecord{}, err
			}
			rec.Options, rec.Answer = opts, optionLetters[correct]
			rec.Level = min(5, rec.Level+1)
		}
		if err := g.tree.image(dir+"/"+rec.Image, scene.Image); err != nil {
			return mathVisionRecord{}, err
		}
		return rec, nil
	})
	if err != nil {
		return SuiteManifest{}, err
	}
	if err := jsonl(g.tree, dir+"/test.jsonl", recs); err != nil {
		return SuiteManifest{}, err
	}
	return g.writeSuiteManifest(SuiteManifest{
		Benchmark: registry.MathVision, Dir: dir, Items: n, Layout: "mathllm/MATH-V data/test.jsonl",
		Files: []string{"test.jsonl"},
	})
}
