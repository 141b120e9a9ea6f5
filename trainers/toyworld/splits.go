package toyworld

import (
	"context"
	"fmt"

	"github.com/vlmlab/harness/plugins/sdk"
)

// The training splits use the SDK's record types, so a trainer plugin reads
// them with sdk.ReadJSONL and never imports the toy world.
type (
	// SFTRecord is one line of sft.jsonl: the VLAA-Thinking SFT layout (id,
	// image, question, gt, answer with <think>/<answer>) plus the trace style,
	// the verifier type and where the item came from.
	SFTRecord = sdk.SFTRecord
	// RLRecord is one line of rl.jsonl: the VLAA-Thinking GRPO layout.
	RLRecord = sdk.RLRecord
	// PretrainRecord is one line of pretrain.jsonl: a question and its short
	// answer, with no reasoning, for pre-training the tiny model.
	PretrainRecord = sdk.PretrainRecord
)

// splitItem makes item i of a training split: the verifier types take turns
// so every split holds all five in equal shares, a share of the items is
// posed like a benchmark (styleItem), and the image is written.
func (g *generator) splitItem(split string, i, n int) (Item, string, string, error) {
	rng := itemRNG(g.seed, split, i)
	verifiers := VerifierTypes()
	it, err := NewItem(rng, verifiers[i%len(verifiers)])
	if err != nil {
		return Item{}, "", "", fmt.Errorf("%s item %d: %w", split, i+1, err)
	}
	if it.PosedAs, err = styleItem(itemRNG(g.seed, split+"/style", i), &it); err != nil {
		return Item{}, "", "", fmt.Errorf("%s item %d: %w", split, i+1, err)
	}
	id := padID("synth-"+split, i+1, n)
	img := "images/" + split + "/" + id + ".png"
	if err := g.tree.image(img, it.Scene.Image); err != nil {
		return Item{}, "", "", err
	}
	return it, id, img, nil
}

func (g *generator) writeSFT(ctx context.Context, n int) error {
	type pair [2]SFTRecord
	recs, err := parallel(ctx, g.workers, n, func(i int) (pair, error) {
		it, id, img, err := g.splitItem("sft", i, n)
		if err != nil {
			return pair{}, err
		}
		rng := itemRNG(g.seed, "sft/trace", i)
		var out pair
		for k, style := range Styles() {
			ans, err := TraceWithLength(rng, it.Question, it.Posed, style, g.traces)
			if err != nil {
				return pair{}, fmt.Errorf("sft item %d: %w", i+1, err)
			}
			out[k] = SFTRecord{
				ID: id + "-" + style, Image: img, Question: it.Posed.Question, GT: it.Posed.GT, Answer: ans,
				Style: style, VerifierType: it.Posed.Verifier, Scene: string(it.Scene.Kind), Template: it.Question.Template, PosedAs: it.PosedAs,
			}
		}
		return out, nil
	})
	if err != nil {
		return err
	}
	flat := make([]SFTRecord, 0, 2*n)
	for _, p := range recs {
		flat = append(flat, p[0], p[1])
	}
	return jsonl(g.tree, "sft.jsonl", flat)
}

func (g *generator) writeRL(ctx context.Context, n int) error {
	recs, err := parallel(ctx, g.workers, n, func(i int) (RLRecord, error) {
		it, id, img, err := g.splitItem("rl", i, n)
		if err != nil {
			return RLRecord{}, err
		}
		return RLRecord{
			ID: id, Image: img, Question: it.Posed.Question, GT: it.Posed.GT,
			VerifierType: it.Posed.Verifier, Scene: string(it.Scene.Kind), Template: it.Question.Template, PosedAs: it.PosedAs,
		}, nil
	})
	if err != nil {
		return err
	}
	return jsonl(g.tree, "rl.jsonl", recs)
}

func (g *generator) writePretrain(ctx context.Context, n int) error {
	recs, err := parallel(ctx, g.workers, n, func(i int) (PretrainRecord, error) {
		it, id, img, err := g.splitItem("pretrain", i, n)
		if err != nil {
			return PretrainRecord{}, err
		}
		return PretrainRecord{
			ID: id, Image: img, Question: it.Posed.Question, Answer: it.Posed.Answer,
			VerifierType: it.Posed.Verifier, Scene: string(it.Scene.Kind), Template: it.Question.Template, PosedAs: it.PosedAs,
		}, nil
	})
	if err != nil {
		return err
	}
	return jsonl(g.tree, "pretrain.jsonl", recs)
}
