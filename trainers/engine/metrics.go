package engine

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/vlmlab/harness/plugins/sdk"
)

// stepMetrics is one step's metrics as the engine logged them.
type stepMetrics struct {
	step    int
	metrics map[string]float64
}

// canonical maps the harness's metric names to the engines' names, first
// match wins: verl logs critic/score/mean (the reward function's score, before
// any KL-in-reward), EasyR1 reward/overall.
var canonical = []struct {
	name  string
	keys  []string
	scale float64
}{
	{sdk.MetricReward, []string{"critic/score/mean", "reward/overall", "reward/mean", "reward"}, 1},
	{sdk.MetricAccuracy, []string{"reward/accuracy", "critic/acc/mean", "acc"}, 1},
	{sdk.MetricLoss, []string{"actor/pg_loss", "actor/loss", "loss"}, 1},
	{sdk.MetricKL, []string{"actor/kl_loss", "critic/kl", "actor/ppo_kl", "kl"}, 1},
	{sdk.MetricResponseLength, []string{"response_length/mean", "response_length"}, 1},
	{sdk.MetricLearningRate, []string{"actor/lr", "learning_rate", "lr"}, 1},
}

// withCanonical adds the harness's names for the metrics it knows, keeping
// the engine's own names too (they are what its users look for).
func withCanonical(m map[string]float64) map[string]float64 {
	for _, c := range canonical {
		if _, ok := m[c.name]; ok {
			continue
		}
		for _, k := range c.keys {
			if v, ok := m[k]; ok {
				m[c.name] = v * c.scale
				break
			}
		}
	}
	return m
}

// rayPrefix is what Ray puts in front of a worker's lines: "(TaskRunner pid=12) ".
var rayPrefix = regexp.MustCompile(`^\([^()]*\)\s?`)

func stripRay(line string) string { return rayPrefix.ReplaceAllString(line, "") }

// numberValue reads a logged number: Python floats and ints, nan and inf,
// and numpy's repr (np.float64(0.5)).
var numpyRepr = regexp.MustCompile(`^(?:np|numpy)\.\w+\((.*)\)$`)

func numberValue(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if m := numpyRepr.FindStringSubmatch(s); m != nil {
		s = m[1]
	}
	switch s {
	case "True":
		return 1, true
	case "False":
		return 0, true
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false // NaN and Inf cannot cross the protocol as JSON numbers
	}
	return v, true
}

// verlLine reads verl's console logger line "step:N - key:value - …".
var verlStep = regexp.MustCompile(`(?:^|\s)step:(\d+) - (.*)$`)

func parseVerlLine(line string) (stepMetrics, bool) {
	m := verlStep.FindStringSubmatch(stripRay(line))
	if m == nil {
		return stepMetrics{}, false
	}
	step, err := strconv.Atoi(m[1])
	if err != nil {
		return stepMetrics{}, false
	}
	out := map[string]float64{}
	for _, kv := range strings.Split(m[2], " - ") {
		i := strings.LastIndex(kv, ":")
		if i <= 0 {
			continue
		}
		if v, ok := numberValue(kv[i+1:]); ok {
			out[strings.TrimSpace(kv[:i])] = v
		}
	}
	return stepMetrics{step: step, metrics: out}, true
}

var verlTotal = regexp.MustCompile(`Total training steps: (\d+)`)

// easyr1Block collects EasyR1's console logger output: a line "Step N" and
// then the metrics as an indented YAML mapping.
type easyr1Block struct {
	step  int
	lines []string
	open  bool
}

var easyr1Step = regexp.MustCompile(`^Step (\d+)\s*$`)
var yamlLine = regexp.MustCompile(`^\s*[^\s:#][^:]*:(\s.*)?$`)

// feed takes one line and returns a finished block, if this line ended one.
func (b *easyr1Block) feed(line string) (stepMetrics, bool) {
	line = stripRay(line)
	if m := easyr1Step.FindStringSubmatch(line); m != nil {
		done, ok := b.finish()
		b.step, _ = strconv.Atoi(m[1])
		b.lines, b.open = nil, true
		return done, ok
	}
	if b.open && yamlLine.MatchString(line) {
		b.lines = append(b.lines, line)
		return stepMetrics{}, false
	}
	return b.finish()
}

func (b *easyr1Block) finish() (stepMetrics, bool) {
	if !b.open {
		return stepMetrics{}, false
	}
	b.open = false
	var tree map[string]any
	if err := yaml.Unmarshal([]byte(strings.Join(b.lines, "\n")), &tree); err != nil || len(tree) == 0 {
		return stepMetrics{}, false
	}
	out := map[string]float64{}
	flatten("", tree, out)
	return stepMetrics{step: b.step, metrics: out}, true
}

// flatten joins nested keys with "/", as both engines name metrics.
func flatten(prefix string, v any, out map[string]float64) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			key := k
			if prefix != "" {
				key = prefix + "/" + k
			}
			flatten(key, e, out)
		}
	case float64:
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			out[prefix] = x
		}
	case int:
		out[prefix] = float64(x)
	case bool:
		if x {
			out[prefix] = 1
		} else {
			out[prefix] = 0
		}
	case string:
		if f, ok := numberValue(x); ok {
			out[prefix] = f
		}
	}
}

// parseJSONLLine reads one metrics record: {"step": N, "data": {...}} (verl's
// file logger) or {"step": N, "key": value, ...}.
func parseJSONLLine(line []byte) (stepMetrics, bool) {
	var rec map[string]any
	if err := json.Unmarshal(line, &rec); err != nil {
		return stepMetrics{}, false
	}
	s, ok := rec["step"].(float64)
	if !ok || s < 0 || s != math.Trunc(s) {
		return stepMetrics{}, false
	}
	delete(rec, "step")
	out := map[string]float64{}
	if data, ok := rec["data"].(map[string]any); ok && len(rec) == 1 {
		flatten("", data, out)
	} else {
		flatten("", rec, out)
	}
	return stepMetrics{step: int(s), metrics: out}, true
}
