package wemath

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/vlmlab/harness/benchmarks/answer"
	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Problem is one item: a one-step sub-problem or the composite problem of a
// group.
type Problem struct {
	ID       string // item id
	Group    string // the record's ID, e.g. "2steps_17", shared by a group
	Key      string // role in the group: "2steps_1", "2steps_2", "2steps_multi", "3steps_1"…"3steps_multi"
	Steps    int    // 2 or 3: the group's size in sub-problems
	Step     int    // 1..Steps for a sub-problem, 0 for the composite
	Question string // as the model sees it (with the format template when added)
	Hint     string
	Choices  answer.Choices
	Answer   string // option letter
	Concept  string // knowledge concept
	Images   []sdk.Part
	// Requirement is the TSV's requirement column, appended to the prompt
	// after a blank line for VLMEvalKit's WeMath_COT (option prompt=cot).
	Requirement string
}

// Composite reports whether p is the group's multi-step problem.
func (p *Problem) Composite() bool { return p.Step == 0 }

var keySyntax = regexp.MustCompile(`^([23])steps_(1|2|3|multi)$`)

// parseKey reads a role key such as "3steps_2" or "2steps_multi".
func parseKey(key string) (steps, step int, err error) {
	m := keySyntax.FindStringSubmatch(key)
	if m == nil {
		return 0, 0, fmt.Errorf("field key: %q is not a role such as 2steps_1, 2steps_multi or 3steps_3", key)
	}
	steps, _ = strconv.Atoi(m[1])
	if m[2] != "multi" {
		step, _ = strconv.Atoi(m[2])
	}
	if step > steps {
		return 0, 0, fmt.Errorf("field key: %q names step %d of a %d-step group", key, step, steps)
	}
	return steps, step, nil
}

// roleSuffix is the part of a key after the step count: "1", "2", "multi".
func roleSuffix(key string) string {
	_, s, _ := strings.Cut(key, "_")
	return s
}

// validate checks the fields scoring depends on.
func (p *Problem) validate(where string) error {
	if p.Group == "" {
		return fmt.Errorf("%s: field ID: empty; expected the problem group such as 2steps_1", where)
	}
	var err error
	if p.Steps, p.Step, err = parseKey(p.Key); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	if err := p.Choices.Validate(); err != nil {
		return fmt.Errorf("%s: options: %w", where, err)
	}
	found := false
	for _, c := range p.Choices {
		found = found || c.Letter == p.Answer
	}
	if !found {
		letters := make([]string, len(p.Choices))
		for i, c := range p.Choices {
			letters[i] = c.Letter
		}
		return fmt.Errorf("%s: field answer: %q is not one of the options %s", where, p.Answer, strings.Join(letters, ", "))
	}
	if strings.TrimSpace(p.Question) == "" {
		return fmt.Errorf("%s: field question: empty", where)
	}
	return nil
}

// item is the prompt of a problem: its image(s), then the text.
func (p *Problem) item() sdk.Item {
	parts := make([]sdk.Part, 0, len(p.Images)+1)
	parts = append(parts, p.Images...)
	text := Prompt(p.Hint, p.Question, p.Choices)
	if p.Requirement != "" {
		text += "\n" + p.Requirement
	}
	parts = append(parts, sdk.Part{Text: text})
	return sdk.Item{
		ID:     p.ID,
		Prompt: parts,
		Meta:   map[string]string{"ID": p.Group, "key": p.Key, "knowledge concept": p.Concept},
	}
}

// checkGroups refuses duplicate roles, groups that mix two- and three-step
// roles and, unless partial data is allowed, groups missing a member.
func checkGroups(path string, problems []Problem, allowPartial bool) error {
	type group struct {
		steps int
		roles map[string]string // key → item id
	}
	groups := map[string]*group{}
	var order []string
	for _, p := range problems {
		g, ok := groups[p.Group]
		if !ok {
			g = &group{steps: p.Steps, roles: map[string]string{}}
			groups[p.Group] = g
			order = append(order, p.Group)
		}
		if g.steps != p.Steps {
			return fmt.Errorf("%s: group %s mixes %d-step and %d-step roles (item %s has key %s)", path, p.Group, g.steps, p.Steps, p.ID, p.Key)
		}
		if prev, dup := g.roles[p.Key]; dup {
			return fmt.Errorf("%s: group %s has two %s items (%s and %s)", path, p.Group, p.Key, prev, p.ID)
		}
		g.roles[p.Key] = p.ID
	}
	if allowPartial {
		return nil
	}
	for _, id := range order {
		g := groups[id]
		var missing []string
		for step := 1; step <= g.steps; step++ {
			if k := fmt.Sprintf("%dsteps_%d", g.steps, step); g.roles[k] == "" {
				missing = append(missing, k)
			}
		}
		if k := fmt.Sprintf("%dsteps_multi", g.steps); g.roles[k] == "" {
			missing = append(missing, k+" (the composite problem)")
		}
		if len(missing) > 0 {
			return fmt.Errorf("%s: group %s lacks %s; the four-dimensional metric needs every member (pass --allow-partial to score it as VLMEvalKit would)", path, id, strings.Join(missing, ", "))
		}
	}
	return nil
}

func newDataset(req sdk.LoadRequest, path string, problems []Problem, nodes []Node, nodesPath string) (*Dataset, error) {
	profile := req.Profile
	if profile == "" {
		profile = sdk.ProfileLeaderboard
	}
	partial, err := bench.CheckCount(Name, path, len(problems), Items, req.AllowPartial)
	if err != nil {
		return nil, fmt.Errorf("wemath: %w", err)
	}
	if err := checkGroups(path, problems, req.AllowPartial); err != nil {
		return nil, fmt.Errorf("wemath: %w", err)
	}
	files := []string{path}
	if nodesPath != "" {
		files = append(files, nodesPath) // it shapes the report's domain rows
	}
	hash, err := bench.HashFiles(files...)
	if err != nil {
		return nil, fmt.Errorf("wemath: %w", err)
	}
	d := &Dataset{
		profile:  profile,
		judge:    req.Judge,
		problems: problems,
		nodes:    nodes,
		items:    make([]sdk.Item, len(problems)),
		info: sdk.DatasetInfo{
			Benchmark: Name, Path: path, DataHash: hash,
			Count: len(problems), Expected: Items, Partial: partial, Synthetic: bench.Synthetic(path),
		},
	}
	for i := range problems {
		d.items[i] = problems[i].item()
	}
	return d, nil
}
