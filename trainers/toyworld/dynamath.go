package toyworld

import (
	"context"
	"fmt"
	"image"
	"math/rand/v2"
	"strconv"

	"github.com/vlmlab/harness/benchmarks/registry"
)

// DynaMath record (DynaMath/DynaMath dataset/dataset.json and the
// per-variant trial files), keyed by qid.
type dynaMathRecord struct {
	Question   string `json:"question"`
	Answer     string `json:"answer"`
	Image      string `json:"image"`
	AnswerType string `json:"answer_type"` // "float", "multiple choice" or "text"
	Subject    string `json:"subject"`
	Level      string `json:"level"`
}

// dynaMathVariants is the number of concrete variants per seed question.
const dynaMathVariants = 10

// dynaMathSeeds are the seed questions: a scene kind and a question
// template, asked of a fresh scene in every variant, as DynaMath's seed
// programs are.
var dynaMathSeeds = []struct {
	kind       Kind
	template   string
	answerType string
}{
	{KindBars, "bar_mean", "float"},
	{KindRightTriangle, "hypotenuse", "float"},
	{KindBars, "bar_max", "multiple choice"},
	{KindShapes, "shape_of_colour", "text"},
	{KindTriangle, "triangle_angle", "float"},
	{KindShapes, "count_total", "float"},
	{KindTriangle, "triangle_type", "multiple choice"},
	{KindRectangle, "rectangle_area", "float"},
	{KindLocate, "quadrant", "multiple choice"},
	{KindBars, "bar_min", "text"},
	{KindShapes, "fraction_shape", "float"},
	{KindSequence, "sequence_next", "multiple choice"},
}

// dynaMathSeedCount is how many seed questions a suite of size n gets.
func dynaMathSeedCount(n int) int { return max(2, n/5) }

// writeDynaMath writes eval/dynamath: seeds.json (one instance per seed),
// variant1.json … variant10.json (qid -> record), and the images. As in
// the official repository, every record's image is "image/image<qid>.png",
// relative to its variant's folder (variant<k>/, the official trial<k>/;
// the suite folder itself for seeds.json).
//
// The qids are plain numbers, unlike the "synth-" ids of the other suites:
// DynaMath's scoring matches variants to seeds by numeric qid (VLMEvalKit
// needs index == qid), and the evaluator refuses anything else.
func (g *generator) writeDynaMath(ctx context.Context, n int) (SuiteManifest, error) {
	const dir = "eval/dynamath"
	seeds := dynaMathSeedCount(n)
	// Instance 0 of a seed goes to seeds.json, instances 1-10 to the variants.
	const instances = dynaMathVariants + 1
	recs, err := parallel(ctx, g.workers, seeds*instances, func(j int) (dynaMathRecord, error) {
		seed, k := j/instances, j%instances
		rec, img, err := g.dynaMathInstance(seed, k)
		if err != nil {
			return dynaMathRecord{}, fmt.Errorf("seed %d variant %d: %w", seed+1, k, err)
		}
		rec.Image = "image/image" + strconv.Itoa(seed+1) + ".png"
		folder := dir
		if k > 0 {
			folder += "/variant" + strconv.Itoa(k)
		}
		if err := g.tree.image(folder+"/"+rec.Image, img); err != nil {
			return dynaMathRecord{}, err
		}
		return rec, nil
	})
	if err != nil {
		return SuiteManifest{}, err
	}
	files := []string{"seeds.json"}
	for k := 0; k < instances; k++ {
		var m orderedObject // qids in numeric order, as in the official files
		for s := 0; s < seeds; s++ {
			m.add(strconv.Itoa(s+1), recs[s*instances+k])
		}
		name := "seeds.json"
		if k > 0 {
			name = "variant" + strconv.Itoa(k) + ".json"
			files = append(files, name)
		}
		if err := g.tree.json(dir+"/"+name, m, seeds); err != nil {
			return SuiteManifest{}, err
		}
	}
	return g.writeSuiteManifest(SuiteManifest{
		Benchmark: registry.DynaMath, Dir: dir, Items: seeds * dynaMathVariants,
		Layout: "DynaMath/DynaMath dataset/dataset.json (seeds.json) + samples and result/10trials/trial<k>/dataset.json (variant<k>.json, images under variant<k>/image/)",
		Files:  files,
		Note: "Synthetic toy-world items in the benchmark's official record layout; not the benchmark. " +
			"qids are plain numbers because DynaMath scoring needs them; this file and the folder say the suite is synthetic. Score with allow-partial.",
	})
}

// dynaMathInstance draws instance k of seed question s.
func (g *generator) dynaMathInstance(s, k int) (dynaMathRecord, *image.Paletted, error) {
	spec := dynaMathSeeds[s%len(dynaMathSeeds)]
	rng := itemRNG(g.seed, fmt.Sprintf("eval/dynamath/%d", s), k)
	scene, err := NewScene(rng, spec.kind)
	if err != nil {
		return dynaMathRecord{}, nil, err
	}
	q, ok := scene.Question(spec.template)
	if !ok {
		return dynaMathRecord{}, nil, fmt.Errorf("%s scene has no %s question", spec.kind, spec.template)
	}
	m, err := meta(q)
	if err != nil {
		return dynaMathRecord{}, nil, err
	}
	rec := dynaMathRecord{AnswerType: spec.answerType, Subject: m.dynaSubject, Level: m.dynaLevel}
	if rec.Question, rec.Answer, err = dynaMathQuestion(rng, q, spec.answerType); err != nil {
		return dynaMathRecord{}, nil, err
	}
	return rec, scene.Image, nil
}

// dynaMathQuestion writes q as a DynaMath question of an answer type, with
// its answer in the form DynaMath scores.
func dynaMathQuestion(rng *rand.Rand, q Question, answerType string) (question, answer string, err error) {
	switch answerType {
	case "float":
		// DynaMath scores floats within 0.001, so write the exact value to
		// three decimals rather than the rounded or LaTeX form.
		return q.Text + " Answer the question with a floating-point number.", formatNumber(q.Value, 3), nil
	case "multiple choice":
		if q.Letters {
			return q.Text, q.Answer, nil
		}
		opts, correct, err := Choices(rng, q, 4)
		if err != nil {
			return "", "", err
		}
		return q.Text + " Choices: " + LetterList(opts, "(%s) %s", " "), optionLetters[correct], nil
	case "text":
		return q.Text, q.Answer, nil
	}
	return "", "", fmt.Errorf("unknown DynaMath answer type %q", answerType)
}
