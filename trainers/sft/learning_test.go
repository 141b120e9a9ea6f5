package sft

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vlmlab/harness/benchmarks/answer"
	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/trainers/reward"
	"github.com/vlmlab/harness/trainers/tinyvlm"
	"github.com/vlmlab/harness/trainers/toyworld"
)

// heldOut draws n fresh toy-world items from a stream no split uses.
func heldOut(t testing.TB, n int) []toyworld.Item {
	rng := rand.New(rand.NewPCG(0x6865_6c64, 0x6f7574))
	var items []toyworld.Item
	for i := range n {
		it, err := toyworld.NewItem(rng, toyworld.VerifierTypes()[i%5])
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, it)
	}
	return items
}

// evalStats is what a checkpoint does on held-out items, greedy.
type evalStats struct {
	Items int
	// Format is the share of responses <think>…</think><answer>…</answer>.
	Format float64
	// Accuracy is the mean rule-based reward (digit, mcq, math, iou items;
	// open-ended ones need a reward model and count for format only).
	Accuracy float64
	// Content is Accuracy with a bare answer (no <answer> tag) scored as if
	// tagged: what the answers say, apart from the format.
	Content float64
	Tokens  float64 // mean response length
	Example string
	// Rewards are the rule-scored items' rewards, in item order, for a
	// paired comparison of two checkpoints on the same items.
	Rewards []float64
	// Contents are the rule-scored items' format-blind rewards (Content).
	Contents []float64
	// Templates are the rule-scored items' question templates, aligned
	// with Rewards.
	Templates []string
}

func evaluate(t testing.TB, m *tinyvlm.Model, items []toyworld.Item, maxTokens int) evalStats {
	backend, err := tinyvlm.NewBackend()
	if err != nil {
		t.Fatal(err)
	}
	gen, err := tinyvlm.NewGenerator(backend, m)
	if err != nil {
		t.Fatal(err)
	}
	system := ""
	if sp := m.Tokenizer.SystemPrompts(); len(sp) > 0 {
		system = sp[0]
	}
	var reqs []tinyvlm.Request
	for _, it := range items {
		patches, err := m.Config.ImagePatchesOf(it.Scene.Image)
		if err != nil {
			t.Fatal(err)
		}
		ids, err := m.EncodePrompt(system, it.Posed.Question)
		if err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, tinyvlm.Request{Patches: patches, Prompt: ids})
	}
	var st evalStats
	var rewards, content, ruled float64
	for start := 0; start < len(reqs); start += 64 {
		end := min(len(reqs), start+64)
		out, err := gen.Generate(context.Background(), reqs[start:end], tinyvlm.Sampling{MaxTokens: maxTokens})
		if err != nil {
			t.Fatal(err)
		}
		for k, c := range out {
			it := items[start+k]
			st.Items++
			st.Tokens += float64(len(c.Tokens))
			if _, ok := answer.SplitStrict(c.Text); ok {
				st.Format++
			}
			if st.Example == "" {
				st.Example = fmt.Sprintf("%q -> %q", it.Posed.Question, c.Text)
			}
			vt := reward.VerifierType(it.Posed.Verifier)
			if vt == reward.OpenEnded {
				continue
			}
			strict, bare, err := score(it, c.Text)
			if err != nil {
				t.Fatal(err)
			}
			rewards += strict
			content += bare
			ruled++
			st.Rewards = append(st.Rewards, strict)
			st.Contents = append(st.Contents, bare)
			st.Templates = append(st.Templates, it.Question.Template)
		}
	}
	st.Format /= float64(st.Items)
	st.Tokens /= float64(st.Items)
	st.Accuracy = rewards / ruled
	st.Content = content / ruled
	return st
}

// score is a response's rule-based reward for a held-out item, strict (the
// reward as GRPO sees it: no <answer> tag scores 0) and format-blind (a
// response with no <answer> tag scored as if it were the tag's text).
func score(it toyworld.Item, response string) (strict, formatBlind float64, err error) {
	label := it.Posed.Answer
	var s string
	if json.Unmarshal(it.Posed.GT, &s) == nil {
		label = s
	} else if f, err := strconv.ParseFloat(string(it.Posed.GT), 64); err == nil {
		label = strconv.FormatFloat(f, 'f', -1, 64)
	}
	vt := reward.VerifierType(it.Posed.Verifier)
	of := func(text string) (float64, error) {
		res, err := reward.Compute(context.Background(), reward.Sample{Response: text, Label: label, VerifierType: vt, Query: it.Posed.Question})
		if err != nil {
			return 0, fmt.Errorf("reward of %q: %w", text, err)
		}
		return res.Reward, nil
	}
	if strict, err = of(response); err != nil {
		return 0, 0, err
	}
	if strings.Contains(response, tinyvlm.AnswerOpen) {
		return strict, strict, nil
	}
	formatBlind, err = of(inTags(response))
	return strict, formatBlind, err
}

// learningRun pre-trains a base model and fine-tunes it on traces,
// returning both checkpoints (and the answers-only control's, if asked for)
// and the stages' losses.
type learningRun struct {
	base, sft           *tinyvlm.Model
	control             *tinyvlm.Model // LEARN_CONTROL: answers only, else nil
	preFirst, preLast   float64
	sftFirst, sftLast   float64
	preSeconds, sftSecs float64
	preSkipped          bool // LEARN_BASE: no pre-training loss to check
}

// learn runs the stages; sftParams gives the SFT stage's params for a
// trace style ("" for the control, whose records have none).
func learn(t testing.TB, size, preParams string, sftParams func(style string) string) learningRun {
	ctx := context.Background()
	data := os.Getenv("LEARN_DIR") // kept, for `harness generate` on its checkpoints
	if data == "" {
		data = t.TempDir()
	}
	if _, err := toyworld.Generate(ctx, data, toyworld.Options{Seed: 7, Size: size, Traces: envOr("LEARN_TRACES", toyworld.TracesShort)}); err != nil {
		t.Fatal(err)
	}
	var run learningRun
	stage := func(name string, base *sdk.Checkpoint, file, params string, first, last *float64) *sdk.Checkpoint {
		var losses []float64
		t0 := time.Now()
		ck, err := Trainer{}.Train(ctx, sdk.TrainRequest{Stage: name, Base: base, OutputDir: filepath.Join(data, "ck-"+name),
			Data: []string{filepath.Join(data, file)}, Params: []byte(params), Seed: 1}, func(ev sdk.TrainEvent) error {
			if ev.Progress != nil {
				losses = append(losses, ev.Progress.Metrics["loss"])
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		k := max(1, len(losses)/10)
		*first, *last = mean(losses[:k]), mean(losses[len(losses)-k:])
		t.Logf("%s: %d steps in %.1fs, loss %.3f -> %.3f", name, len(losses), time.Since(t0).Seconds(), *first, *last)
		return ck
	}
	t0 := time.Now()
	var baseCk *sdk.Checkpoint
	if dir := os.Getenv("LEARN_BASE"); dir != "" {
		// An earlier run's base (LEARN_DIR/ck-pretrain), to try SFT settings
		// without pre-training again; its pre-training loss is not known.
		baseCk = &sdk.Checkpoint{Dir: dir, Format: tinyvlm.Format}
		run.preSkipped = true
		t.Logf("pretrain: skipped, base checkpoint %s", dir)
	} else {
		baseCk = stage("pretrain", nil, "pretrain.jsonl", preParams, &run.preFirst, &run.preLast)
	}
	run.preSeconds = time.Since(t0).Seconds()
	t0 = time.Now()
	style := envOr("LEARN_STYLE", toyworld.StyleDirect)
	sftCk := stage("sft", baseCk, "sft.jsonl", sftParams(style), &run.sftFirst, &run.sftLast)
	run.sftSecs = time.Since(t0).Seconds()
	var err error
	if os.Getenv("LEARN_CONTROL") != "" {
		// The same records, steps and settings with the trace cut away: is
		// a gain the traces' or only more training on more images?
		if err = answersOnly(filepath.Join(data, "sft.jsonl"), filepath.Join(data, "answers.jsonl"), style); err != nil {
			t.Fatal(err)
		}
		var first, last float64
		ck := stage("answers", baseCk, "answers.jsonl", sftParams(""), &first, &last)
		if run.control, err = tinyvlm.Load(ck.Dir); err != nil {
			t.Fatal(err)
		}
	}
	if run.base, err = tinyvlm.Load(baseCk.Dir); err != nil {
		t.Fatal(err)
	}
	if run.sft, err = tinyvlm.Load(sftCk.Dir); err != nil {
		t.Fatal(err)
	}
	return run
}

// answersOnly writes the SFT records of src in the trace style to dst with
// the answer alone (the <answer> tag's text, no trace), so the sft trainer
// teaches them as it teaches pre-training records (tag_share).
func answersOnly(src, dst, style string) error {
	recs, err := sdk.ReadJSONL[sdk.SFTRecord](src)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	for _, r := range recs {
		if r.Style != style {
			continue
		}
		_, after, ok := strings.Cut(r.Answer, tinyvlm.AnswerOpen)
		final, _, ok2 := strings.Cut(after, tinyvlm.AnswerClose)
		if !ok || !ok2 {
			return fmt.Errorf("%s: record %s: no <answer>…</answer> in %q", src, r.ID, r.Answer)
		}
		r.Answer, r.Style = final, ""
		line, err := json.Marshal(r)
		if err != nil {
			return err
		}
		out.Write(append(line, '\n'))
	}
	return os.WriteFile(dst, out.Bytes(), 0o644)
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// BenchmarkLearning is the learning check at the default study's sizes:
// pre-train the base model on the answer-only split, fine-tune it on the
// direct short traces, and score both on held-out items. It fails unless
// SFT reaches 95% format compliance, beats the base's accuracy on the
// same items by at least three standard errors of the paired gain, and is
// not worse format-blind (a gain of format alone does not pass).
// Run: go test ./trainers/sft -run XXX -bench Learning -benchtime 1x
func BenchmarkLearning(b *testing.B) {
	for range b.N {
		pre := `{"steps": ` + envOr("LEARN_PRE_STEPS", "150") + `, "batch_size": 32, "lr": 3e-3, "tag_share": 0.5, "loss_agg": "` + envOr("LEARN_LOSS_AGG", "token_mean") + `", "model": ` + envOr("LEARN_MODEL", "{}") + `}`
		sftp := func(style string) string {
			return `{"steps": ` + envOr("LEARN_SFT_STEPS", "80") + `, "batch_size": 32, "lr": ` + envOr("LEARN_SFT_LR", "2e-3") +
				`, "freeze_vision": ` + envOr("LEARN_FREEZE_VISION", "false") + `, "style": "` + style + `", "loss_agg": "` + envOr("LEARN_LOSS_AGG", "token_mean") + `"}`
		}
		run := learn(b, envOr("LEARN_SIZE", "sft=1000,rl=0,pretrain=4000,eval=0"), pre, sftp)
		n, err := strconv.Atoi(envOr("LEARN_ITEMS", "1000"))
		if err != nil || n < 2 {
			b.Fatalf("LEARN_ITEMS %q: want a number of held-out items, at least 2", os.Getenv("LEARN_ITEMS"))
		}
		items := heldOut(b, n)
		base := evaluate(b, run.base, items, 0)
		sft := evaluate(b, run.sft, items, 0)
		gain, se := pairedGain(base.Rewards, sft.Rewards)
		b.Logf("base: format %.1f%% accuracy %.1f%% (content %.1f%%) length %.1f; e.g. %s", 100*base.Format, 100*base.Accuracy, 100*base.Content, base.Tokens, base.Example)
		b.Logf("sft:  format %.1f%% accuracy %.1f%% (content %.1f%%) length %.1f; e.g. %s", 100*sft.Format, 100*sft.Accuracy, 100*sft.Content, sft.Tokens, sft.Example)
		logByTemplate(b, base.Templates, base.Rewards, sft.Rewards)
		cgain, cse := pairedGain(base.Contents, sft.Contents)
		b.Logf("accuracy gain %.1f points, standard error %.1f (paired, %d rule-scored items); content gain %.1f ± %.1f", 100*gain, 100*se, len(base.Rewards), 100*cgain, 100*cse)
		b.ReportMetric(run.preSeconds, "pretrain_s")
		b.ReportMetric(run.sftSecs, "sft_s")
		b.ReportMetric(100*base.Format, "base_format_%")
		b.ReportMetric(100*base.Accuracy, "base_acc_%")
		b.ReportMetric(100*sft.Format, "sft_format_%")
		b.ReportMetric(100*sft.Accuracy, "sft_acc_%")
		b.ReportMetric(100*base.Content, "base_content_%")
		b.ReportMetric(100*sft.Content, "sft_content_%")
		b.ReportMetric(100*gain, "gain_points")
		b.ReportMetric(100*se, "gain_se_points")
		b.ReportMetric(100*cgain, "content_gain_points")
		if run.control != nil {
			ctl := evaluate(b, run.control, items, 0)
			g, gse := pairedGain(ctl.Rewards, sft.Rewards)
			cg, cgse := pairedGain(ctl.Contents, sft.Contents)
			b.Logf("answers-only control: format %.1f%% accuracy %.1f%% (content %.1f%%); sft minus control: accuracy %.1f ± %.1f, content %.1f ± %.1f",
				100*ctl.Format, 100*ctl.Accuracy, 100*ctl.Content, 100*g, 100*gse, 100*cg, 100*cgse)
			b.Log("format-blind, per template, control (as base) against sft:")
			logByTemplate(b, ctl.Templates, ctl.Contents, sft.Contents)
			b.ReportMetric(100*cg, "content_vs_control_points")
		}
		// "Clearly above": the paired gain is at least three of its
		// standard errors, not a difference the draw of items could make;
		// and it is not only the format: read format-blind, SFT's answers
		// must not be worse than the base's.
		if sft.Format < 0.95 || gain < 3*se || gain <= 0 || cgain <= 0 || run.sftLast >= run.sftFirst || (!run.preSkipped && run.preLast >= run.preFirst) {
			b.Errorf("learning check failed: sft format %.1f%% (want ≥95%%), accuracy %.1f%% vs base %.1f%% (gain %.1f ± %.1f, want ≥ 3 standard errors), content gain %.1f (want > 0), losses pre %.3f->%.3f sft %.3f->%.3f",
				100*sft.Format, 100*sft.Accuracy, 100*base.Accuracy, 100*gain, 100*se, 100*cgain, run.preFirst, run.preLast, run.sftFirst, run.sftLast)
		}
	}
}

// logByTemplate logs two checkpoints' rewards (aligned with templates) per
// question template, to see where SFT gains and where it loses.
func logByTemplate(b testing.TB, templates []string, base, sft []float64) {
	type acc struct{ n, base, sft float64 }
	by := map[string]acc{}
	for i, tpl := range templates {
		a := by[tpl]
		by[tpl] = acc{a.n + 1, a.base + base[i], a.sft + sft[i]}
	}
	for _, tpl := range slices.Sorted(maps.Keys(by)) {
		a := by[tpl]
		b.Logf("  %-24s %4.0f items  base %5.1f%%  sft %5.1f%%", tpl, a.n, 100*a.base/a.n, 100*a.sft/a.n)
	}
}

// pairedGain is the mean of b[i]-a[i] and its standard error.
func pairedGain(a, b []float64) (mean, se float64) {
	n := float64(len(a))
	if len(a) < 2 || len(b) != len(a) {
		return 0, math.Inf(1)
	}
	var sum, sq float64
	for i := range a {
		sum += b[i] - a[i]
	}
	mean = sum / n
	for i := range a {
		d := b[i] - a[i] - mean
		sq += d * d
	}
	return mean, math.Sqrt(sq / (n - 1) / n)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// A bare right answer scores 0 strict and 1 format-blind; a tagged one 1
// both ways; a wrong one 0 both ways.
func TestScore(t *testing.T) {
	var it toyworld.Item
	for _, c := range heldOut(t, 40) {
		if c.Posed.Verifier == toyworld.VerifierDigit {
			it = c
			break
		}
	}
	if it.Posed.Answer == "" {
		t.Fatal("no digit item among the first 40 held-out items")
	}
	wrong := "1"
	if it.Posed.Answer == "1" {
		wrong = "2"
	}
	for _, c := range []struct {
		response      string
		strict, blind float64
	}{
		{"<think>counted</think><answer>" + it.Posed.Answer + "</answer>", 1, 1},
		{it.Posed.Answer, 0, 1},
		{"<think>counted</think><answer>" + wrong + "</answer>", 0, 0},
		{wrong, 0, 0},
	} {
		strict, blind, err := score(it, c.response)
		if err != nil || strict != c.strict || blind != c.blind {
			t.Errorf("score(%q) = %v, %v, %v; want %v, %v", c.response, strict, blind, err, c.strict, c.blind)
		}
	}
}

func TestPairedGain(t *testing.T) {
	for _, c := range []struct {
		a, b     []float64
		mean, se float64
	}{
		{[]float64{0, 0, 0, 0}, []float64{1, 1, 1, 1}, 1, 0},
		{[]float64{0, 1, 0, 1}, []float64{1, 0, 1, 0}, 0, math.Sqrt(4.0 / 3 / 4)},
		{[]float64{0, 0}, []float64{1, 0}, 0.5, 0.5},
		{[]float64{1}, []float64{0}, 0, math.Inf(1)},
	} {
		mean, se := pairedGain(c.a, c.b)
		if math.Abs(mean-c.mean) > 1e-12 || (math.IsInf(c.se, 1) != math.IsInf(se, 1)) || (!math.IsInf(se, 1) && math.Abs(se-c.se) > 1e-12) {
			t.Errorf("pairedGain(%v, %v) = %g ± %g, want %g ± %g", c.a, c.b, mean, se, c.mean, c.se)
		}
	}
}
