package toyworld

import (
	"context"
	"fmt"
	"image"
	"strconv"
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
// variant1.json … variant10.json (qid -> record), and the images. Every
// variant file's images live in their own folder, variant<k>/image/, as
// the official trial<k>/image/ folders do; the record's image path is
// relative to the suite folder, so it names that folder.
func (g *generator) writeDynaMath(ctx context.Context, n int) (SuiteManifest, error) {
	const dir = "eval/dynamath"
	seeds := dynaMathSeedCount(n)
	// Instance 0 of a seed goes to seeds.json, instances 1-10 to the variants.
	const instances = dynaMathVariants + 1
	recs, err := parallel(ctx, g.workers, seeds*instances, func(j int) (dynaMathRecord, error) {
		seed, k := j/instances, j%instances
		qid := padID("synth", seed+1, seeds)
		rec, img, err := g.dynaMathInstance(seed, k)
		if err != nil {
			return dynaMathRecord{}, fmt.Errorf("seed %s variant %d: %w", qid, k, err)
		}
		rec.Image = "image/" + qid + ".png"
		if k > 0 {
			rec.Image = "variant" + strconv.Itoa(k) + "/" + rec.Image
		}
		if err := g.tree.image(dir+"/"+rec.Image, img); err != nil {
			return dynaMathRecord{}, err
		}
		return rec, nil
	})
	if err != nil {
		return SuiteManifest{}, err
	}
	files := []string{"seeds.json"}
	for k := 0; k < instances; k++ {
		m := make(map[string]dynaMathRecord, seeds)
		for s := 0; s < seeds; s++ {
			m[padID("synth", s+1, seeds)] = recs[s*instances+k]
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
		Benchmark: "dynamath", Dir: dir, Items: seeds * dynaMathVariants,
		Layout: "DynaMath/DynaMath dataset/dataset.json (seeds.json) + samples and result/10trials/trial<k>/dataset.json (variant<k>.json); images under variant<k>/image/",
		Files:  files,
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
	switch spec.answerType {
	case "float":
		// DynaMath scores floats within 0.001, so write the exact value to
		// three decimals rather than the rounded or LaTeX form.
		rec.Question = q.Text + " Answer the question with a floating-point number."
		rec.Answer = formatNumber(q.Value, 3)
	case "multiple choice":
		if q.Letters {
			rec.Question, rec.Answer = q.Text, q.Answer
			break
		}
		opts, correct, err := Choices(rng, q, 4)
		if err != nil {
			return dynaMathRecord{}, nil, err
		}
		rec.Question = q.Text + " Choices: " + LetterList(opts, "(%s) %s", " ")
		rec.Answer = optionLetters[correct]
	case "text":
		rec.Question, rec.Answer = q.Text, q.Answer
	default:
		return dynaMathRecord{}, nil, fmt.Errorf("unknown DynaMath answer type %q", spec.answerType)
	}
	return rec, scene.Image, nil
}
