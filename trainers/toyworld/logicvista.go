package toyworld

import (
	"context"
	"fmt"
	"strings"

	"github.com/vlmlab/harness/benchmarks/registry"
)

// LogicVista dataset.json record (Yijia-Xiao/LogicVista data/dataset.json),
// keyed by item name. "liscenced" is spelled as in the official file.
type logicVistaRecord struct {
	ImageName          string   `json:"imagename"`
	Question           string   `json:"question"`
	Answer             string   `json:"answer"` // letters, several as "A, C"
	Reasoning          string   `json:"reasoning"`
	Skill              []string `json:"skill"`
	BroadCapability    []string `json:"broad_capability"`
	SpecificCapability []string `json:"specific_capability"`
	ImageSource        string   `json:"imagesource"`
	SourceLink         string   `json:"sourcelink"`
	Licensed           string   `json:"liscenced"`
}

// logicVistaQuestions are the puzzle questions, taken in turn; their
// options are drawn in the image, as LogicVista's are.
var logicVistaQuestions = []struct {
	kind            Kind
	template        string
	skill, specific string
}{
	{KindPanels, "panels_only_shape", "inductive", "rule based pattern"},
	{KindSequence, "sequence_next", "inductive", "sequence pattern"},
	{KindPanels, "panels_most", "numerical", "counting"},
}

// writeLogicVista writes eval/logicvista: dataset.json and images/.
func (g *generator) writeLogicVista(ctx context.Context, n int) (SuiteManifest, error) {
	const dir = "eval/logicvista"
	recs, err := parallel(ctx, g.workers, n, func(i int) (logicVistaRecord, error) {
		spec := logicVistaQuestions[i%len(logicVistaQuestions)]
		rng := itemRNG(g.seed, dir, i)
		scene, err := NewScene(rng, spec.kind)
		if err != nil {
			return logicVistaRecord{}, err
		}
		q, ok := scene.Question(spec.template)
		if !ok {
			return logicVistaRecord{}, fmt.Errorf("item %d: %s scene has no %s question", i+1, spec.kind, spec.template)
		}
		name := padID("synth", i, n) + ".png"
		if err := g.tree.image(dir+"/images/"+name, scene.Image); err != nil {
			return logicVistaRecord{}, err
		}
		return logicVistaRecord{
			ImageName: name, Question: q.Text, Answer: q.Answer, Reasoning: strings.Join(q.Steps, " "),
			Skill: []string{spec.skill}, BroadCapability: []string{"diagram"}, SpecificCapability: []string{spec.specific},
			ImageSource: syntheticSource, SourceLink: "", Licensed: "true",
		}, nil
	})
	if err != nil {
		return SuiteManifest{}, err
	}
	m := make(map[string]logicVistaRecord, n)
	for _, r := range recs {
		m[strings.TrimSuffix(r.ImageName, ".png")] = r
	}
	if err := g.tree.json(dir+"/dataset.json", m, n); err != nil {
		return SuiteManifest{}, err
	}
	return g.writeSuiteManifest(SuiteManifest{
		Benchmark: registry.LogicVista, Dir: dir, Items: n, Layout: "Yijia-Xiao/LogicVista data/dataset.json",
		Files: []string{"dataset.json"},
	})
}
