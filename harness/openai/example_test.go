package openai_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vlmlab/harness/harness/cache"
	"github.com/vlmlab/harness/harness/openai"
	"github.com/vlmlab/harness/harness/openai/openaitest"
	"github.com/vlmlab/harness/plugins/sdk"
)

// A model backend with the paper's settings and an answer cache, as
// `harness eval` wires it: a second run of the same prompts makes no calls.
func Example() {
	srv := openaitest.New(openaitest.Config{Answers: map[string]string{"What is 2+2?": "<think>2+2=4</think> 4"}})
	defer srv.Close()
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)

	for run := 1; run <= 2; run++ {
		store, err := cache.Open(filepath.Join(dir, "predictions.jsonl"))
		if err != nil {
			fmt.Println(err)
			return
		}
		model, err := openai.New(openai.Config{
			BaseURL:   srv.URL(), // or $OPENAI_BASE_URL
			Model:     "vlaa-thinker-3b",
			MaxPixels: openai.PaperMaxPixels,
			Cache:     store,
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		prompts := []sdk.Prompt{{ID: "q1", Parts: []sdk.Part{{Text: "What is 2+2?"}}}}
		err = model.Generate(context.Background(), prompts, sdk.GenerateParams{MaxTokens: openai.PaperMaxTokens}, func(g sdk.Generation) error {
			fmt.Printf("run %d: %s -> %q (error %q)\n", run, g.PromptID, g.Text, g.Error)
			return nil
		})
		if err != nil {
			fmt.Println(err)
		}
		fmt.Printf("run %d: %d model calls so far, %d cache hits\n", run, srv.Calls(), model.Usage().CacheHits)
		model.Close()
		store.Close()
	}
	// Output:
	// run 1: q1 -> "<think>2+2=4</think> 4" (error "")
	// run 1: 1 model calls so far, 0 cache hits
	// run 2: q1 -> "<think>2+2=4</think> 4" (error "")
	// run 2: 1 model calls so far, 1 cache hits
}
