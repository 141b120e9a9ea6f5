package toyworld

import (
	"context"
	"fmt"

	"github.com/vlmlab/harness/benchmarks/registry"
)

// MathVista testmini.json record (lupantech/MathVista data/testmini.json),
// fields in the official order.
type mathVistaRecord struct {
	Question     string        `json:"question"`
	Image        string        `json:"image"`
	Choices      []string      `json:"choices"` // null for free_form
	Unit         *string       `json:"unit"`
	Precision    *int          `json:"precision"` // 1 or 2 for float answers, else null
	Answer       string        `json:"answer"`    // the option text for multi_choice
	QuestionType string        `json:"question_type"`
	AnswerType   string        `json:"answer_type"`
	PID          string        `json:"pid"`
	Metadata     mathVistaMeta `json:"metadata"`
}

type mathVistaMeta struct {
	Split     string   `json:"split"`
	Language  string   `json:"language"`
	ImgWidth  int      `json:"img_width"`
	ImgHeight int      `json:"img_height"`
	Source    string   `json:"source"`
	Category  string   `json:"category"`
	Task      string   `json:"task"`
	Context   string   `json:"context"`
	Grade     string   `json:"grade"`
	Skills    []string `json:"skills"`
}

// The hint lines of MathVista's query.json, one per answer form.
const (
	mathVistaHintChoice  = "Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end."
	mathVistaHintInteger = "Hint: Please answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, at the end."
	mathVistaHintFloat1  = "Hint: Please answer the question requiring a floating-point number with one decimal place and provide the final value, e.g., 1.2, 1.3, 1.4, at the end."
	mathVistaHintFloat2  = "Hint: Please answer the question requiring a floating-point number with two decimal places and provide the final value, e.g., 1.23, 1.34, 1.45, at the end."
)

// mathVistaForms cycles the answer forms in about testmini's proportions:
// half multiple choice, 40% integer, 10% float.
var mathVistaForms = []string{"choice", "integer", "choice", "integer", "choice", "float", "choice", "integer", "choice", "integer"}

var mathVistaKinds = []Kind{KindShapes, KindLocate, KindBars, KindTriangle, KindRightTriangle, KindRectangle}

// mathVistaQuery is the query.json prompt of q in an answer form (choice,
// integer or float); opts are the options of a choice question.
func mathVistaQuery(form string, q Question, opts []string) string {
	var query string
	switch form {
	case "choice":
		return mathVistaHintChoice + "\nQuestion: " + q.Text + "\nChoices:\n" + LetterList(opts, "(%s) %s", "\n")
	case "integer":
		query = mathVistaHintInteger + "\nQuestion: " + q.Text
	case "float":
		hint := mathVistaHintFloat1
		if q.Precision == 2 {
			hint = mathVistaHintFloat2
		}
		query = hint + "\nQuestion: " + q.Text
	}
	if mathVistaHasUnit(q) {
		query += " (Unit: " + q.Unit + ")"
	}
	return query
}

// mathVistaHasUnit says whether a free-form answer to q carries a unit in
// the record and the query (degrees are part of the question's wording).
func mathVistaHasUnit(q Question) bool { return q.Unit != "" && q.Unit != "°" }

// writeMathVista writes eval/mathvista: testmini.json (pid -> record),
// query.json (pid -> prompt) and images/.
func (g *generator) writeMathVista(ctx context.Context, n int) (SuiteManifest, error) {
	const dir = "eval/mathvista"
	type item struct {
		rec   mathVistaRecord
		query string
	}
	items, err := parallel(ctx, g.workers, n, func(i int) (item, error) {
		rng := itemRNG(g.seed, dir, i)
		form := mathVistaForms[i%len(mathVistaForms)]
		accept := map[string]func(Question) bool{
			"choice":  func(q Question) bool { return q.Verifier == VerifierMCQ && isChoice(q, 2) },
			"integer": func(q Question) bool { return isInteger(q) && q.Verifier != VerifierMCQ },
			"float": func(q Question) bool {
				return q.Numeric && (q.Precision == 1 || q.Precision == 2) && !isInteger(q) && q.Verifier == VerifierMath
			},
		}[form]
		kinds := mathVistaKinds
		if form == "float" {
			kinds = []Kind{KindBars, KindRightTriangle}
		}
		scene, q, err := findQuestion(rng, kinds, accept)
		if err != nil {
			return item{}, fmt.Errorf("item %d: %w", i+1, err)
		}
		m, err := meta(q)
		if err != nil {
			return item{}, err
		}
		pid := padID("synth", i+1, n)
		rec := mathVistaRecord{
			Question: q.Text, Image: "images/" + pid + ".png", PID: pid,
			Metadata: mathVistaMeta{
				Split: "testmini", Language: "english",
				ImgWidth: scene.Image.Rect.Dx(), ImgHeight: scene.Image.Rect.Dy(),
				Source: syntheticSource, Category: m.category, Task: m.task, Context: m.context, Grade: m.grade, Skills: m.skills,
			},
		}
		var opts []string
		switch form {
		case "choice":
			var correct int
			if opts, correct, err = Choices(rng, q, intRange(rng, 2, 5)); err != nil {
				return item{}, err
			}
			rec.Choices, rec.Answer = opts, opts[correct]
			rec.QuestionType, rec.AnswerType = "multi_choice", "text"
		case "integer":
			rec.Answer = q.Answer
			rec.QuestionType, rec.AnswerType = "free_form", "integer"
		case "float":
			rec.Answer = formatFloat(q.Value, q.Precision)
			rec.Precision = ptr(q.Precision)
			rec.QuestionType, rec.AnswerType = "free_form", "float"
		}
		if mathVistaHasUnit(q) && rec.QuestionType == "free_form" {
			rec.Unit = ptr(q.Unit)
		}
		query := mathVistaQuery(form, q, opts)
		if err := g.tree.image(dir+"/"+rec.Image, scene.Image); err != nil {
			return item{}, err
		}
		return item{rec, query}, nil
	})
	if err != nil {
		return SuiteManifest{}, err
	}
	// Zero-padded pids make Go's sorted map keys the item order.
	testmini := make(map[string]mathVistaRecord, n)
	queries := make(map[string]string, n)
	for _, it := range items {
		testmini[it.rec.PID] = it.rec
		queries[it.rec.PID] = it.query
	}
	if err := g.tree.json(dir+"/testmini.json", testmini, n); err != nil {
		return SuiteManifest{}, err
	}
	if err := g.tree.json(dir+"/query.json", queries, n); err != nil {
		return SuiteManifest{}, err
	}
	return g.writeSuiteManifest(SuiteManifest{
		Benchmark: registry.MathVista, Dir: dir, Items: n, Layout: "lupantech/MathVista data/testmini.json + data/query.json",
		Files: []string{"testmini.json", "query.json"},
	})
}
