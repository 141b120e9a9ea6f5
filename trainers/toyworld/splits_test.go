package toyworld_test

import (
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vlmlab/harness/trainers/toyworld"
)

var traceRE = regexp.MustCompile(`(?s)^<think>(.+)</think><answer>([^<]+)</answer>$`)

// checkGT checks a record's ground truth has the JSON shape its verifier
// type promises and agrees with the short answer (unless answer is "").
func checkGT(t *testing.T, id, verifier string, gt json.RawMessage, answer string) {
	t.Helper()
	switch verifier {
	case toyworld.VerifierDigit:
		var n int
		if err := json.Unmarshal(gt, &n); err != nil || n < 0 || n > 9 || (answer != "" && answer != strconv.Itoa(n)) {
			t.Errorf("%s: digit gt %s, answer %q", id, gt, answer)
		}
	case toyworld.VerifierMCQ:
		var s string
		if err := json.Unmarshal(gt, &s); err != nil || !regexp.MustCompile(`^[A-E]$`).MatchString(s) || (answer != "" && s != answer) {
			t.Errorf("%s: mcq gt %s, answer %q", id, gt, answer)
		}
	case toyworld.VerifierMath, toyworld.VerifierOpenEnded:
		var s string
		if err := json.Unmarshal(gt, &s); err != nil || s == "" || (answer != "" && s != answer) {
			t.Errorf("%s: %s gt %s, answer %q", id, verifier, gt, answer)
		}
	case toyworld.VerifierIoU:
		var b []float64
		if err := json.Unmarshal(gt, &b); err != nil || len(b) != 4 || !(0 <= b[0] && b[0] < b[2] && b[2] <= 1 && 0 <= b[1] && b[1] < b[3] && b[3] <= 1) {
			t.Errorf("%s: iou gt %s is not a normalised box", id, gt)
		}
	default:
		t.Errorf("%s: unknown verifier type %q", id, verifier)
	}
}

func TestSFTRecords(t *testing.T) {
	recs := readJSONL[toyworld.SFTRecord](t, filepath.Join(tinyDir, "sft.jsonl"))
	styles := map[string]int{}
	verifiers := map[string]int{}
	for i, r := range recs {
		if !strings.HasPrefix(r.ID, "synth-sft-") || !strings.HasSuffix(r.ID, "-"+r.Style) {
			t.Errorf("line %d: id %q", i+1, r.ID)
		}
		if r.Question == "" || r.Image == "" || len(r.GT) == 0 {
			t.Errorf("%s: empty field in %+v", r.ID, r)
		}
		decodePNG(t, filepath.Join(tinyDir, r.Image))
		m := traceRE.FindStringSubmatch(r.Answer)
		if m == nil {
			t.Errorf("%s: answer is not <think>…</think><answer>…</answer>: %q", r.ID, r.Answer)
			continue
		}
		checkGT(t, r.ID, r.VerifierType, r.GT, m[2])
		styles[r.Style]++
		verifiers[r.VerifierType]++
	}
	// Each question is written in both styles, next to each other, on one image.
	for i := 0; i+1 < len(recs); i += 2 {
		a, b := recs[i], recs[i+1]
		if a.Style != toyworld.StyleDirect || b.Style != toyworld.StylePseudo || a.Image != b.Image || a.Question != b.Question {
			t.Errorf("records %d and %d are not a direct/pseudo pair of one question", i+1, i+2)
		}
	}
	if styles[toyworld.StyleDirect] != styles[toyworld.StylePseudo] || styles[toyworld.StyleDirect] == 0 {
		t.Errorf("styles %v", styles)
	}
	for _, v := range toyworld.VerifierTypes() {
		if verifiers[v] == 0 {
			t.Errorf("no SFT record with verifier type %s", v)
		}
	}
}

func TestRLAndPretrainRecords(t *testing.T) {
	rl := readJSONL[toyworld.RLRecord](t, filepath.Join(tinyDir, "rl.jsonl"))
	seen := map[string]int{}
	for _, r := range rl {
		if !strings.HasPrefix(r.ID, "synth-rl-") || r.Question == "" {
			t.Errorf("bad record %+v", r)
		}
		decodePNG(t, filepath.Join(tinyDir, r.Image))
		checkGT(t, r.ID, r.VerifierType, r.GT, "")
		seen[r.VerifierType]++
	}
	// The verifier types take turns, so a split of 20 has exactly 4 of each.
	for _, v := range toyworld.VerifierTypes() {
		if seen[v] != len(rl)/5 {
			t.Errorf("%d RL records of %s, want %d", seen[v], v, len(rl)/5)
		}
	}
	pre := readJSONL[toyworld.PretrainRecord](t, filepath.Join(tinyDir, "pretrain.jsonl"))
	for _, r := range pre {
		if !strings.HasPrefix(r.ID, "synth-pretrain-") || r.Answer == "" || strings.Contains(r.Answer, "<think>") {
			t.Errorf("bad pretrain record %+v", r)
		}
		decodePNG(t, filepath.Join(tinyDir, r.Image))
	}
}

// The paper's aha words (App. A.2) mark pseudo reasoning: every pseudo trace
// has some, no direct trace has any. Checked over many fresh items so every
// template and both branches of the pseudo style show up.
func TestAhaWordsSeparateTheStyles(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	wrongStep := 0
	for i := 0; i < 3000; i++ {
		v := toyworld.VerifierTypes()[i%5]
		it, err := toyworld.NewItem(rng, v)
		if err != nil {
			t.Fatal(err)
		}
		direct, err := toyworld.Trace(rng, it.Question, it.Posed, toyworld.StyleDirect)
		if err != nil {
			t.Fatal(err)
		}
		pseudo, err := toyworld.Trace(rng, it.Question, it.Posed, toyworld.StylePseudo)
		if err != nil {
			t.Fatal(err)
		}
		if found := toyworld.AhaFound(direct); len(found) > 0 {
			t.Fatalf("direct trace of %s has aha words %v: %s", it.Question.Template, found, direct)
		}
		if found := toyworld.AhaFound(pseudo); len(found) < 2 {
			t.Fatalf("pseudo trace of %s has aha words %v, want at least 2: %s", it.Question.Template, found, pseudo)
		}
		if len(pseudo) <= len(direct) {
			t.Errorf("pseudo trace of %s is not longer than the direct one", it.Question.Template)
		}
		if strings.Contains(pseudo, "I made a mistake") {
			wrongStep++
		}
		for _, tr := range []string{direct, pseudo} {
			m := traceRE.FindStringSubmatch(tr)
			if m == nil || m[2] != it.Posed.Answer {
				t.Fatalf("trace does not end with <answer>%s</answer>: %s", it.Posed.Answer, tr)
			}
		}
	}
	if wrongStep < 500 {
		t.Errorf("only %d of 3000 pseudo traces take back a wrong step", wrongStep)
	}
	// The files hold both styles too.
	for _, r := range readJSONL[toyworld.SFTRecord](t, filepath.Join(tinyDir, "sft.jsonl")) {
		has := len(toyworld.AhaFound(r.Answer)) > 0
		if has != (r.Style == toyworld.StylePseudo) {
			t.Errorf("%s (%s): aha words %v", r.ID, r.Style, toyworld.AhaFound(r.Answer))
		}
	}
}

func TestAhaFound(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"So the answer is 3.", nil},
		{"Wait, let me Double-Check.", []string{"wait", "double-check", "check"}},
		{"HMM. I Should Confirm.", []string{"hmm", "i should confirm"}},
		{"Alternatively, try again; that was a mistake.", []string{"again", "mistake", "alternatively"}},
	}
	for _, tt := range tests {
		if got := toyworld.AhaFound(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("AhaFound(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestTraceRefusesUnknownStyle(t *testing.T) {
	it, err := toyworld.NewItem(rand.New(rand.NewPCG(1, 2)), toyworld.VerifierDigit)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := toyworld.Trace(rand.New(rand.NewPCG(1, 2)), it.Question, it.Posed, "verbose"); err == nil || !strings.Contains(err.Error(), `unknown style "verbose"`) {
		t.Errorf("err = %v", err)
	}
	if _, err := toyworld.NewItem(rand.New(rand.NewPCG(1, 2)), "ocr"); err == nil || !strings.Contains(err.Error(), `unknown verifier type "ocr"`) {
		t.Errorf("err = %v", err)
	}
}
