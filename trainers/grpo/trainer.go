package grpo

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/vlmlab/harness/benchmarks/answer"
	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/trainers/tinyvlm"
)

// Trainer is the `grpo` trainer plugin.
type Trainer struct{}

// Train runs one GRPO stage from req.Base.
func (Trainer) Train(ctx context.Context, req sdk.TrainRequest, emit func(sdk.TrainEvent) error) (*sdk.Checkpoint, error) {
	p, err := ParseParams(req.Params)
	if err != nil {
		return nil, err
	}
	switch {
	case req.Base == nil || req.Base.Dir == "":
		return nil, sdk.Invalid("grpo: no base checkpoint: a GRPO stage starts from a trained model (put a pre-training or sft stage before it)")
	case req.Base.Format != tinyvlm.Format:
		return nil, sdk.Invalid("grpo: base checkpoint %s has format %q; the grpo trainer trains %q checkpoints", req.Base.Dir, req.Base.Format, tinyvlm.Format)
	case len(req.Data) == 0:
		return nil, sdk.Invalid("grpo: no training data: give the stage a data: list (e.g. [rl])")
	case req.OutputDir == "":
		return nil, sdk.Invalid("grpo: no output folder")
	}
	policy, err := tinyvlm.Load(req.Base.Dir)
	if err != nil {
		return nil, sdk.Invalid("grpo: base: %v", err)
	}
	system := p.SystemPrompt
	switch system {
	case "":
		if sp := policy.Tokenizer.SystemPrompts(); len(sp) > 0 {
			system = sp[0]
		}
	case "none":
		system = ""
	}
	prompts, warnings, err := loadPrompts(policy, req.Data, system, p.RewardURL != "")
	if err != nil {
		return nil, err
	}
	rep := sdk.NewReporter(emit, p.Steps)
	for _, w := range warnings {
		if err := rep.Warnf("%s", w); err != nil {
			return nil, err
		}
	}
	var rw Rewarder = LocalReward{}
	if p.RewardURL != "" {
		rw = NewRemoteReward(p.RewardURL, time.Duration(p.RewardTimeout))
	}
	run, err := newRun(policy, p, req.Seed, rw)
	if err != nil {
		return nil, err
	}
	if err := rep.Logf("grpo: %d prompts, %d steps of %d prompts × %d samples, %d updates each; KL %s", len(prompts), p.Steps, p.RolloutBatch, p.GroupSize, run.updatesPerStep, run.kl); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(uint64(req.Seed), 0x6772706f))
	order, cursor := rng.Perm(len(prompts)), 0
	for step := 1; step <= p.Steps; step++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		batch := make([]prompt, 0, p.RolloutBatch)
		for len(batch) < p.RolloutBatch {
			if cursor == len(order) {
				order, cursor = rng.Perm(len(prompts)), 0
			}
			batch = append(batch, prompts[order[cursor]])
			cursor++
		}
		m, err := run.step(ctx, step, batch, rng)
		if err != nil {
			return nil, fmt.Errorf("grpo step %d: %w", step, err)
		}
		if err := rep.Step(step, m); err != nil {
			return nil, err
		}
		if step%p.LogEvery == 0 || step == p.Steps {
			if err := rep.Logf("step %d/%d reward %.3f format %.2f kl %.2e len %.1f", step, p.Steps, m[sdk.MetricReward], m["format_ok"], m[sdk.MetricKL], m[sdk.MetricResponseLength]); err != nil {
				return nil, err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return policy.Save(req.OutputDir, req.Base)
}

// run holds one stage's compiled graphs and state.
type run struct {
	p              Params
	seed           int64
	policy         *tinyvlm.Model
	gen            *tinyvlm.Generator
	old, ref       *tinyvlm.Scorer
	trainer        *tinyvlm.Trainer
	kl             KLController
	est            KLEstimator
	sched          tinyvlm.Schedule
	reward         Rewarder
	updatesPerStep int
	updates        int
}

func newRun(policy *tinyvlm.Model, p Params, seed int64, rw Rewarder) (*run, error) {
	backend, err := tinyvlm.NewBackend()
	if err != nil {
		return nil, err
	}
	refModel, err := policy.Clone()
	if err != nil {
		return nil, err
	}
	r := &run{p: p, seed: seed, policy: policy, kl: p.Controller(), reward: rw}
	r.est, _ = ParseKLEstimator(p.KL.Estimator)
	r.updatesPerStep = p.RolloutBatch * p.GroupSize / p.TrainBatch
	total := p.Steps * r.updatesPerStep
	r.sched = tinyvlm.Schedule{Peak: p.LR, Min: p.MinLR, Warmup: int(math.Round(p.WarmupRatio * float64(total))), Total: total}
	if r.gen, err = tinyvlm.NewGenerator(backend, policy); err != nil {
		return nil, err
	}
	if r.old, err = tinyvlm.NewScorer(backend, policy); err != nil {
		return nil, err
	}
	if r.ref, err = tinyvlm.NewScorer(backend, refModel); err != nil {
		return nil, err
	}
	opt := tinyvlm.DefaultOptimizer()
	opt.WeightDecay, opt.ClipNorm, opt.FreezeVision = p.WeightDecay, p.ClipNorm, p.FreezeVision
	if r.trainer, err = tinyvlm.NewTrainer(backend, policy, opt, LossFunc(p.EpsClip, r.est)); err != nil {
		return nil, err
	}
	return r, nil
}

// minibatch is one optimiser update's inputs.
type minibatch struct {
	patches, tokens, mask, old, ref, adv *tensors.Tensor
}

// step does one rollout step: sample, reward, normalise, then the updates.
func (r *run) step(ctx context.Context, step int, batch []prompt, rng *rand.Rand) (map[string]float64, error) {
	p := r.p
	g := p.GroupSize
	t0 := time.Now()
	reqs := make([]tinyvlm.Request, 0, len(batch)*g)
	for i, pr := range batch {
		for k := range g {
			// The sample index counts every rollout of the stage, so two
			// copies of one prompt in a batch (real data has them) and the
			// same prompt at another step draw different samples.
			n := ((step-1)*len(batch)+i)*g + k
			reqs = append(reqs, tinyvlm.Request{Patches: pr.patches, Prompt: pr.tokens, Key: tinyvlm.SampleKey(pr.tokens, pr.patches, n)})
		}
	}
	outs, err := r.gen.Generate(ctx, reqs, tinyvlm.Sampling{MaxTokens: p.MaxTokens, Temperature: p.Temperature, TopP: p.TopP, TopK: p.TopK, Seed: r.seed})
	if err != nil {
		return nil, fmt.Errorf("rollout: %w", err)
	}
	rolloutS := time.Since(t0).Seconds()

	t1 := time.Now()
	responses := make([]string, len(outs))
	questions := make([]string, len(outs))
	labels := make([]json.RawMessage, len(outs))
	for j, o := range outs {
		pr := batch[j/g]
		responses[j], questions[j], labels[j] = o.Text, pr.question, pr.label
	}
	scored, err := r.reward.Score(ctx, responses, questions, labels)
	if err != nil {
		return nil, fmt.Errorf("reward: %w", err)
	}
	rewards := make([]float64, len(scored))
	for j, s := range scored {
		rewards[j] = s.Reward
	}
	adv, err := GroupAdvantages(rewards, g)
	if err != nil {
		return nil, err
	}
	rewardS := time.Since(t1).Seconds()

	t2 := time.Now()
	exs := make([]tinyvlm.Example, len(outs))
	for j, o := range outs {
		exs[j] = tinyvlm.Example{Patches: reqs[j].Patches, Prompt: reqs[j].Prompt, Response: o.Tokens}
	}
	// Old and reference log-probs of every minibatch come before any
	// update: "old" is the policy that sampled the rollouts.
	perm := rng.Perm(len(exs))
	var mbs []minibatch
	var klSum, klTokens float64
	for u := range r.updatesPerStep {
		idx := perm[u*p.TrainBatch : (u+1)*p.TrainBatch]
		sub := make([]tinyvlm.Example, len(idx))
		a := make([]float32, len(idx))
		for k, j := range idx {
			sub[k], a[k] = exs[j], float32(adv[j])
		}
		pt, tk, mk, err := r.policy.SFTBatch(sub)
		if err != nil {
			return nil, err
		}
		old, _, err := r.old.Score(pt, tk)
		if err != nil {
			return nil, err
		}
		ref, _, err := r.ref.Score(pt, tk)
		if err != nil {
			return nil, err
		}
		s, n, err := r.maskedKL(old, ref, mk)
		if err != nil {
			return nil, err
		}
		klSum, klTokens = klSum+s, klTokens+n
		mbs = append(mbs, minibatch{pt, tk, mk, old, ref, tensors.FromFlatDataAndDimensions(a, len(a))})
	}
	beta := r.kl.Value()
	var lossSum, clipSum, entSum float64
	lr := 0.0
	for _, mb := range mbs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r.updates++
		lr = r.sched.At(r.updates)
		res, err := r.trainer.Step(lr, mb.patches, mb.tokens, mb.mask, mb.old, mb.ref, mb.adv, tensors.FromScalar(float32(beta)))
		if err != nil {
			return nil, err
		}
		lossSum += res.Loss
		clipSum += res.Metrics[metricClipFrac]
		entSum += res.Metrics[metricEntropy]
	}
	updateS := time.Since(t2).Seconds()
	rolloutKL := 0.0
	if klTokens > 0 {
		rolloutKL = klSum / klTokens
	}
	r.kl.Update(rolloutKL, len(outs))

	m := rolloutMetrics(outs, scored, rewards, g)
	nu := float64(len(mbs))
	m[sdk.MetricLoss] = lossSum / nu
	m["clip_frac"] = clipSum / nu
	m["entropy"] = entSum / nu
	m[sdk.MetricKL] = rolloutKL
	m["kl_coef"] = beta
	m[sdk.MetricLearningRate] = lr
	m["rollout_s"], m["reward_s"], m["update_s"] = rolloutS, rewardS, updateS
	gen := 0
	for _, o := range outs {
		gen += len(o.Tokens)
	}
	m["rollout_tokens_per_s"] = float64(gen) / math.Max(rolloutS, 1e-9)
	return m, nil
}

// maskedKL sums the KL estimator of old against ref over response tokens.
func (r *run) maskedKL(old, ref, mask *tensors.Tensor) (sum, n float64, err error) {
	o, err := tensors.CopyFlatData[float32](old)
	if err != nil {
		return 0, 0, err
	}
	f, err := tensors.CopyFlatData[float32](ref)
	if err != nil {
		return 0, 0, err
	}
	mk, err := tensors.CopyFlatData[float32](mask)
	if err != nil {
		return 0, 0, err
	}
	for i := range mk {
		if mk[i] != 0 {
			sum += r.est.TokenKL(float64(o[i]), float64(f[i]))
			n++
		}
	}
	return sum, n, nil
}

// rolloutMetrics summarises a rollout batch: reward mean and spread, reward
// per verifier type, share of zero-variance groups, format compliance,
// response length, aha-word rate and truncation.
func rolloutMetrics(outs []tinyvlm.Completion, scored []Scored, rewards []float64, g int) map[string]float64 {
	m := map[string]float64{}
	n := float64(len(outs))
	perType := map[string][2]float64{}
	var sum, format, length, aha, trunc float64
	for j, s := range scored {
		sum += s.Reward
		if s.FormatOK {
			format++
		}
		t := perType[s.VerifierType]
		perType[s.VerifierType] = [2]float64{t[0] + s.Reward, t[1] + 1}
		length += float64(len(outs[j].Tokens))
		if answer.HasAha(outs[j].Text) {
			aha++
		}
		if outs[j].Truncated {
			trunc++
		}
	}
	mean := sum / n
	var ss float64
	for _, r := range rewards {
		ss += (r - mean) * (r - mean)
	}
	m[sdk.MetricReward] = mean
	m["reward_std"] = math.Sqrt(ss / n)
	for vt, t := range perType {
		if vt != "" {
			m["reward/"+vt] = t[0] / t[1]
		}
	}
	m["zero_adv_groups"] = float64(ZeroVarianceGroups(rewards, g)) / (n / float64(g))
	m["format_ok"] = format / n
	m[sdk.MetricResponseLength] = length / n
	m[sdk.MetricAhaRate] = aha / n
	m["truncated"] = trunc / n
	return m
}
