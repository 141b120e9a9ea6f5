// Package tinyvlm is the harness's own small vision-language model, built on
// GoMLX (github.com/gomlx/gomlx v0.28.2) with the pure-Go backend
// (github.com/gomlx/compute/gobackend), so the harness binary still builds
// with CGO_ENABLED=0.
//
// # Architecture
//
// An image is resized to ImageSize×ImageSize (64) and cut into PatchSize
// (16) patches; a linear patch embedding plus learned patch positions makes
// 16 image tokens, which prefix the text tokens of a pre-norm causal
// decoder (RMSNorm, multi-head attention, GELU MLP, learned positions,
// output projection tied to the token embedding). Image tokens attend to
// each other; text is causal. Defaults (DefaultConfig): d_model 64, 2
// layers, 4 heads, MLP 256, 128 text tokens, ~0.2M parameters.
//
// The Tokenizer (tokenizer.json) has whole words and word pieces of the toy
// world, single digits, characters, the tags <think> </think> <answer>
// </answer>, <unk>, and reserved tokens: <pad>=0 <unk>=1 <eos>=2 <user>=3
// <assistant>=4 and <system0>…<system7>, each registered system prompt
// mapping to one of them (the paper's ~70-word prompt would not fit the
// context). A prompt is laid out as [system token] <user> question
// <assistant>, then the response, then <eos>.
//
// # Checkpoints
//
// A checkpoint is a folder: config.json (Config), tokenizer.json,
// model.safetensors and checkpoint.json (format "tinyvlm", parent hash,
// sha256 of each file). model.safetensors holds one F32 tensor per
// ParamSpec, named as in PyTorch state dicts; linear weights are [out, in]
// like torch.nn.Linear:
//
//	vision.patch_embed.weight [d, 3·patch²]  (patch flattened as row, column, RGB; pixels as ink in [0, 1], white 0)
//	vision.patch_embed.bias   [d]
//	vision.pos_embed          [patches, d]
//	embed.weight              [vocab, d]     (also the output projection)
//	pos_embed                 [max_text, d]
//	layers.N.attn_norm.weight [d]            (RMSNorm gain)
//	layers.N.attn.qkv.weight  [3d, d]        (q, k, v stacked; heads split d)
//	layers.N.attn.out.weight  [d, d]
//	layers.N.mlp_norm.weight  [d]
//	layers.N.mlp.up.weight    [ffn, d], layers.N.mlp.up.bias [ffn]
//	layers.N.mlp.down.weight  [d, ffn], layers.N.mlp.down.bias [d]
//	final_norm.weight         [d]
//
// # Reuse from another trainer
//
// A trainer (GRPO, say) loads a checkpoint, samples rollouts, scores them
// and updates the weights with its own loss; Save records the parent:
//
//	backend, _ := tinyvlm.NewBackend()
//	policy, _ := tinyvlm.Load(req.Base.Dir)
//	ref, _ := policy.Clone()                          // frozen reference
//	gen, _ := tinyvlm.NewGenerator(backend, policy)   // follows policy's weights
//	refScore, _ := tinyvlm.NewScorer(backend, ref)
//
//	patches, _ := policy.Config.ReadImagePatches(imagePath)
//	prompt, _ := policy.EncodePrompt(systemPrompt, question)
//	var reqs []tinyvlm.Request
//	for k := range 4 {
//		reqs = append(reqs, tinyvlm.Request{Patches: patches, Prompt: prompt, Key: tinyvlm.SampleKey(prompt, patches, k)})
//	}
//	outs, _ := gen.Generate(ctx, reqs, tinyvlm.Sampling{MaxTokens: 48, Temperature: 0.8, Seed: seed})
//	// outs[k].Text goes to the reward; outs[k].Tokens are the response ids.
//
//	var exs []tinyvlm.Example
//	for k, o := range outs {
//		exs = append(exs, tinyvlm.Example{Patches: reqs[k].Patches, Prompt: reqs[k].Prompt, Response: o.Tokens})
//	}
//	pt, tk, mask, _ := policy.SFTBatch(exs)           // mask: 1 on response tokens
//	refLogp, _, _ := refScore.Score(pt, tk)
//
//	loss := func(w *tinyvlm.Weights, in []*graph.Node) (*graph.Node, []*graph.Node) {
//		logp, entropy := w.TokenLogProbs(in[0], in[1]) // [B, S], differentiable
//		// ... clipped ratio against in[3] (old logp), KL to in[4] (ref logp),
//		// advantages in[5], averaged over response tokens in[2] ...
//	}
//	tr, _ := tinyvlm.NewTrainer(backend, policy, tinyvlm.DefaultOptimizer(), loss)
//	res, _ := tr.Step(lr, pt, tk, mask, oldLogp, refLogp, adv)
//	ck, _ := policy.Save(req.OutputDir, req.Base)
//
// # Backend
//
// NewBackend configures the Go backend with "ops_sequential" (see
// BackendConfig for why). Products below smallDotFlops avoid the backend's
// small matmul kernels, which abort under the race detector (see einsum.go).
package tinyvlm
