package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vlmlab/harness/plugins/sdk"
)

// The two VLAA-Thinker profiles hold exactly the settings their comments
// name: the paper's App. B.2, and VLMEvalKit's model entry.
func TestVLAAThinkerProfiles(t *testing.T) {
	load := func(name string) *Config {
		t.Helper()
		path := filepath.Join("..", "..", "examples", name)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := Parse(path, data, testCatalog, env(nil))
		if err != nil {
			t.Fatal(err)
		}
		if len(cfg.Models) != 1 || len(cfg.Benchmarks) != 6 {
			t.Fatalf("%s: %d models, %d benchmarks", name, len(cfg.Models), len(cfg.Benchmarks))
		}
		return cfg
	}
	// Paper Fig. 12 / the repository's inference.py.
	paperPrompt := "You are VL-Thinking🤔, a helpful assistant with excellent reasoning ability." +
		" A user asks you a question, and you should try to solve it." +
		" You should first think about the reasoning process in the mind and then provides the user with the answer." +
		" The reasoning process and answer are enclosed within <think> </think> and" +
		" <answer> </answer> tags, respectively, i.e., <think> reasoning process here </think>" +
		" <answer> answer here </answer>"
	// VLMEvalKit's config.py: two of the joins lack their space.
	vlmevalkitPrompt := "You are VL-Thinking🤔, a helpful assistant with excellent reasoning ability." +
		" A user asks you a question, and you should try to solve it." +
		" You should first think about the reasoning process in the mind and then provides the user with the answer." +
		" The reasoning process and answer are enclosed within <think> </think> and" +
		"<answer> </answer> tags, respectively, i.e., <think> reasoning process here </think>" +
		"<answer> answer here </answer>"

	paper := load("vlaa-thinker-3b.yaml")
	if got := paper.Models[0].SystemPrompt; got != paperPrompt {
		t.Errorf("paper profile system prompt:\n%q\nwant\n%q", got, paperPrompt)
	}
	if diff := cmp.Diff(sdk.GenerateParams{MaxTokens: 800}, paper.Models[0].Generation.Params()); diff != "" || paper.Models[0].Generation.MaxPixels != 256*32*32 {
		t.Errorf("paper profile generation (-want +got):\n%s max_pixels %d", diff, paper.Models[0].Generation.MaxPixels)
	}

	vk := load("vlaa-thinker-3b-vlmevalkit.yaml")
	if got := vk.Models[0].SystemPrompt; got != vlmevalkitPrompt {
		t.Errorf("VLMEvalKit profile system prompt:\n%q\nwant\n%q", got, vlmevalkitPrompt)
	}
	want := sdk.GenerateParams{MaxTokens: 2048, Temperature: 0.01, TopP: 0.001, TopK: 1, RepetitionPenalty: 1.0}
	if diff := cmp.Diff(want, vk.Models[0].Generation.Params()); diff != "" || vk.Models[0].Generation.MaxPixels != 16384*28*28 {
		t.Errorf("VLMEvalKit profile generation (-want +got):\n%s max_pixels %d", diff, vk.Models[0].Generation.MaxPixels)
	}
	if kw := vk.Models[0].Generation.MMProcessorKwargs; len(kw) != 2 || kw["min_pixels"] != 1280*28*28 || kw["max_pixels"] != 16384*28*28 {
		t.Errorf("VLMEvalKit profile mm_processor_kwargs %v (%T), want min_pixels 1280·28·28 and max_pixels 16384·28·28", kw, kw["min_pixels"])
	}
	for _, b := range vk.Benchmarks {
		if b.Options["postprocess"] != "vlaa-thinker" || b.Profile != "leaderboard" {
			t.Errorf("%s: options %v profile %s, want postprocess vlaa-thinker on the leaderboard profile", b.Name, b.Options, b.Profile)
		}
	}
}
