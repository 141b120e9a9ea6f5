package toyworld

import (
	"context"
	"fmt"

	"github.com/vlmlab/harness/benchmarks/registry"
)

// MathVerse testmini record (ZrrSkywalker/MathVerse data/testmini.json and
// data/testmini_text_only.json; the Vision Only form as in
// output_templates/output_testmini.json, without model_answer).
type mathVerseRecord struct {
	SampleIndex    string        `json:"sample_index"`
	ProblemIndex   string        `json:"problem_index"`
	ProblemVersion string        `json:"problem_version"`
	Question       string        `json:"question"`
	Image          string        `json:"image"`
	Answer         string        `json:"answer"`
	QuestionType   string        `json:"question_type"`
	Metadata       mathVerseMeta `json:"metadata"`
	QueryWO        string        `json:"query_wo"`
	QueryCoT       string        `json:"query_cot"`
}

type mathVerseMeta struct {
	Split    string `json:"split"`
	Source   string `json:"source"`
	Subject  string `json:"subject"`
	Subfield string `json:"subfield"`
}

// MathVerse instruction sentences. The Text Only and the free-form Vision
// Only sentences are quoted from the official files; the multiple-choice
// Vision Only ones are not in the files at hand and are built the same way
// (the Vision Only prefix plus the multiple-choice ending).
const (
	mathVerseWOFree     = "Please directly answer the question and provide the final value, e.g., 1, 2.5, 300."
	mathVerseWOChoice   = "Please directly answer the question and provide the correct option letter, e.g., A, B, C, D."
	mathVerseCoTFree    = "Please first conduct reasoning, and then answer the question and provide the final value, e.g., 1, 2.5, 300, at the end."
	mathVerseCoTChoice  = "Please first conduct reasoning, and then answer the question and provide the correct option letter, e.g., A, B, C, D, at the end."
	mathVerseVisionOnly = "According to the question shown in the image,"
)

var mathVerseKinds = []Kind{KindTriangle, KindRightTriangle, KindRectangle}

// writeMathVerse writes eval/mathverse: testmini.json with the Vision Only
// records (the question is printed in the image, images_version_6/), and
// testmini_text_only.json with the same problems as text, which is where
// an evaluator finds the question for the judge.
func (g *generator) writeMathVerse(ctx context.Context, n int) (SuiteManifest, error) {
	const dir = "eval/mathverse"
	type pair struct{ vision, text mathVerseRecord }
	pairs, err := parallel(ctx, g.workers, n, func(i int) (pair, error) {
		rng := itemRNG(g.seed, dir, i)
		choice := i%2 == 0
		accept := func(q Question) bool {
			if choice {
				return q.Verifier == VerifierMCQ && isChoice(q, 3)
			}
			return q.Numeric && q.Verifier == VerifierMath
		}
		scene, q, err := findQuestion(rng, mathVerseKinds, accept)
		if err != nil {
			return pair{}, fmt.Errorf("item %d: %w", i+1, err)
		}
		m, err := meta(q)
		if err != nil {
			return pair{}, err
		}
		text, answer, qtype := withHint(q), q.Answer, "free-form"
		wo, cot := mathVerseWOFree, mathVerseCoTFree
		if choice {
			opts, correct, err := Choices(rng, q, 4)
			if err != nil {
				return pair{}, err
			}
			text += "\nChoices:\n" + LetterList(opts, "%s:%s", "\n")
			answer, qtype = optionLetters[correct], "multi-choice"
			wo, cot = mathVerseWOChoice, mathVerseCoTChoice
		}
		// sample_index = 5*(problem_index-1) + version, as in the official
		// file (Vision Only is version 5, Text Only stands alone).
		p := i + 1
		problem := padID("synth", p, n)
		base := mathVerseRecord{
			ProblemIndex: problem, Answer: answer, QuestionType: qtype,
			Metadata: mathVerseMeta{Split: "testmini", Source: syntheticSource, Subject: "Plane Geometry", Subfield: m.subfield},
		}
		vision := base
		vision.SampleIndex = padID("synth", 5*(p-1)+5, 5*n)
		vision.ProblemVersion = "Vision Only"
		vision.Image = "images_version_6/image_" + problem + ".png"
		vision.QueryWO = mathVerseVisionOnly + " " + lowerFirst(wo)
		vision.QueryCoT = mathVerseVisionOnly + " " + lowerFirst(cot)
		textOnly := base
		textOnly.SampleIndex = problem
		textOnly.ProblemVersion = "Text Only"
		textOnly.Question = text
		textOnly.QueryWO = wo + "\nQuestion: " + text
		textOnly.QueryCoT = cot + "\nQuestion: " + text
		if err := g.tree.image(dir+"/"+vision.Image, withCaption(scene.Image, text)); err != nil {
			return pair{}, err
		}
		return pair{vision, textOnly}, nil
	})
	if err != nil {
		return SuiteManifest{}, err
	}
	vision := make([]mathVerseRecord, n)
	text := make([]mathVerseRecord, n)
	for i, p := range pairs {
		vision[i], text[i] = p.vision, p.text
	}
	if err := g.tree.json(dir+"/testmini.json", vision, n); err != nil {
		return SuiteManifest{}, err
	}
	if err := g.tree.json(dir+"/testmini_text_only.json", text, n); err != nil {
		return SuiteManifest{}, err
	}
	return g.writeSuiteManifest(SuiteManifest{
		Benchmark: registry.MathVerse, Dir: dir, Items: n,
		Layout: "ZrrSkywalker/MathVerse data/testmini.json (Vision Only records only) + data/testmini_text_only.json",
		Files:  []string{"testmini.json", "testmini_text_only.json"},
	})
}
