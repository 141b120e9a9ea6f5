// Package sdk is what a Go plugin author imports: the types of the three
// plugin kinds (trainer, evaluator, model), Serve, which runs a plugin as a
// child process of the harness, and the helpers every trainer needs.
//
// # A trainer in five calls
//
//	func (t *trainer) Train(ctx context.Context, req sdk.TrainRequest, emit func(sdk.TrainEvent) error) (*sdk.Checkpoint, error) {
//		p := params{LearningRate: 1e-5, Epochs: 1}      // defaults
//		if err := sdk.Decode(req.Params, &p); err != nil { // strict: unknown keys are errors
//			return nil, err
//		}
//		recs, err := sdk.ReadJSONL[sdk.SFTRecord](req.Data[0]) // VLAA-Thinking layout
//		if err != nil {
//			return nil, err
//		}
//		rep := sdk.NewReporter(emit, steps)
//		for step := 1; step <= steps; step++ {
//			// ... one optimisation step; image paths via sdk.ResolveImage
//			if err := rep.Step(step, map[string]float64{sdk.MetricLoss: loss}); err != nil {
//				return nil, err
//			}
//		}
//		// write weights into req.OutputDir, then:
//		return sdk.WriteCheckpoint(req.OutputDir, "tinyvlm", req.Base)
//	}
//
//	func main() {
//		sdk.Serve(&sdk.ServeConfig{Info: sdk.Info{Name: "sft", Version: "1.0.0", ConfigSchema: schema}, Trainer: &trainer{}})
//	}
//
// plugins/examples/majority-trainer is the complete template.
//
// # Errors
//
// Return errors made with Invalid (the user's config, params or data are
// wrong), Unavailable (something the plugin depends on is missing) or
// Internal (the plugin failed), or wrap ErrInvalid, ErrUnavailable or
// ErrInternal with %w. The class crosses the process boundary as a gRPC code
// (see plugin.proto) and comes back on the host as the same class, so
// errors.Is(err, sdk.ErrInvalid) works there. An unclassified trainer or model
// error is ErrInternal; an unclassified evaluator error (a data file that does
// not load) is ErrInvalid. Decode, ReadJSONL and ResolveImage already return
// ErrInvalid errors that name the field or file:line.
//
// # Checkpoints
//
// A checkpoint is a folder of files (config.json, tokenizer.json, safetensors
// weights, ...) plus checkpoint.json, the manifest WriteCheckpoint writes: the
// format, the parent checkpoint's hash, the sha256 of every file, and the
// checkpoint's hash (CheckpointHash; the formula is in plugin.proto, so an SDK
// in any language computes the same). The host re-verifies every checkpoint a
// trainer returns (VerifyCheckpoint) and refuses one that does not match.
//
// # Testing a plugin
//
// Package sdktest runs a plugin in process over a real gRPC connection
// (sdktest.Serve) or as a child process (sdktest.Launch), and checks it with
// sdktest.Conformance: what it declares, how it takes config, that a stage
// completes with a verified checkpoint and that cancellation stops it.
package sdk
