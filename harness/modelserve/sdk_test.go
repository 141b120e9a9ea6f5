package modelserve_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/vlmlab/harness/harness/modelserve"
)

// The official OpenAI Go SDK against the server and a real plugin process.

func sdkClient(s *served) openai.Client {
	return openai.NewClient(option.WithBaseURL(s.URL), option.WithAPIKey("unused"), option.WithMaxRetries(0))
}

func TestOpenAIGoSDK(t *testing.T) {
	s := serve(t, modelserve.Config{})
	c := sdkClient(s)
	ctx := context.Background()

	t.Run("models", func(t *testing.T) {
		page, err := c.Models.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Data) != 1 || page.Data[0].ID != "test-model" {
			t.Errorf("models: %+v", page.Data)
		}
	})

	t.Run("text", func(t *testing.T) {
		resp, err := c.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
			Model:       "test-model",
			Messages:    []openai.ChatCompletionMessageParamUnion{openai.SystemMessage("be brief"), openai.UserMessage("How many squares?")},
			Temperature: openai.Float(0),
		})
		if err != nil {
			t.Fatal(err)
		}
		want := "system: be brief | How many squares? | sample 0"
		if len(resp.Choices) != 1 || resp.Choices[0].Message.Content != want || resp.Choices[0].FinishReason != "stop" {
			t.Errorf("choices: %+v\nwant content %q", resp.Choices, want)
		}
		if resp.Usage.PromptTokens != 7 || resp.Usage.CompletionTokens != 10 || resp.Usage.TotalTokens != 17 {
			t.Errorf("usage: %+v", resp.Usage)
		}
		if resp.Model != "test-model" || !strings.HasPrefix(resp.ID, "chatcmpl-") {
			t.Errorf("model %q id %q", resp.Model, resp.ID)
		}
	})

	t.Run("image", func(t *testing.T) {
		resp, err := c.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
			Model: "test-model",
			Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage([]openai.ChatCompletionContentPartUnionParam{
				openai.ImageContentPart(openai.ChatCompletionContentPartImageImageURLParam{URL: pngDataURL(t, 32, 24)}),
				openai.TextContentPart("Count the squares."),
			})},
			Temperature: openai.Float(0),
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := resp.Choices[0].Message.Content, "image 32x24 image/png | Count the squares. | sample 0"; got != want {
			t.Errorf("content %q, want %q", got, want)
		}
	})

	t.Run("n, seed, stop, max tokens", func(t *testing.T) {
		params := openai.ChatCompletionNewParams{
			Model:       "test-model",
			Messages:    []openai.ChatCompletionMessageParamUnion{openai.UserMessage("one two three four five")},
			N:           openai.Int(3),
			Seed:        openai.Int(42),
			Temperature: openai.Float(0.8),
			TopP:        openai.Float(0.9),
		}
		resp, err := c.Chat.Completions.New(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Choices) != 3 {
			t.Fatalf("%d choices, want 3", len(resp.Choices))
		}
		for i, ch := range resp.Choices {
			if want := fmt.Sprintf("one two three four five | sample %d | seed 42", i); ch.Index != int64(i) || ch.Message.Content != want {
				t.Errorf("choice %d: index %d %q, want %q", i, ch.Index, ch.Message.Content, want)
			}
		}
		params.N = openai.Int(1)
		params.MaxCompletionTokens = openai.Int(3)
		resp, err = c.Chat.Completions.New(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		if ch := resp.Choices[0]; ch.Message.Content != "one two three" || ch.FinishReason != "length" || resp.Usage.CompletionTokens != 3 {
			t.Errorf("max tokens: %q finish %q usage %+v", ch.Message.Content, ch.FinishReason, resp.Usage)
		}
		params.MaxCompletionTokens = openai.Int(100)
		params.Stop = openai.ChatCompletionNewParamsStopUnion{OfStringArray: []string{"four", "zzz"}}
		resp, err = c.Chat.Completions.New(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		if ch := resp.Choices[0]; ch.Message.Content != "one two three " || ch.FinishReason != "stop" {
			t.Errorf("stop: %q finish %q", ch.Message.Content, ch.FinishReason)
		}
	})

	t.Run("streaming", func(t *testing.T) {
		stream := c.Chat.Completions.NewStreaming(ctx, openai.ChatCompletionNewParams{
			Model:         "test-model",
			Messages:      []openai.ChatCompletionMessageParamUnion{openai.UserMessage("stream me")},
			N:             openai.Int(2),
			Temperature:   openai.Float(0),
			StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
		})
		var acc openai.ChatCompletionAccumulator
		chunks := 0
		for stream.Next() {
			acc.AddChunk(stream.Current())
			chunks++
		}
		if err := stream.Err(); err != nil {
			t.Fatal(err)
		}
		if len(acc.Choices) != 2 || chunks < 4 {
			t.Fatalf("%d chunks, choices %+v", chunks, acc.Choices)
		}
		for i, ch := range acc.Choices {
			if want := fmt.Sprintf("stream me | sample %d", i); ch.Message.Content != want || ch.FinishReason != "stop" {
				t.Errorf("choice %d: %q finish %q, want %q", i, ch.Message.Content, ch.FinishReason, want)
			}
		}
		if acc.Usage.PromptTokens != 2 || acc.Usage.CompletionTokens != 10 || acc.Usage.TotalTokens != 12 {
			t.Errorf("usage %+v", acc.Usage)
		}
	})

	t.Run("bad requests", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			params openai.ChatCompletionNewParams
			status int
			param  string
			msg    string
		}{
			{"image that does not decode", openai.ChatCompletionNewParams{Model: "test-model", Messages: []openai.ChatCompletionMessageParamUnion{
				openai.UserMessage([]openai.ChatCompletionContentPartUnionParam{openai.ImageContentPart(openai.ChatCompletionContentPartImageImageURLParam{URL: "data:image/png;base64,iVBORw0KGgo="})})}},
				400, "messages[0].content[0].image_url", "image does not decode"},
			{"prompt longer than the context", openai.ChatCompletionNewParams{Model: "test-model", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("TOO-LONG")}},
				400, "", "the context holds 64"},
			{"unknown model", openai.ChatCompletionNewParams{Model: "gpt-4o", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hi")}},
				404, "model", `this server serves "test-model"`},
			{"temperature out of range", openai.ChatCompletionNewParams{Model: "test-model", Temperature: openai.Float(3), Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hi")}},
				400, "temperature", "want 0 to 2"},
			{"assistant turn", openai.ChatCompletionNewParams{Model: "test-model", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hi"), openai.AssistantMessage("hello"), openai.UserMessage("again")}},
				400, "messages[1].role", "one user turn"},
			{"model's internal error", openai.ChatCompletionNewParams{Model: "test-model", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("BROKEN")}},
				500, "", "weights are corrupt"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := c.Chat.Completions.New(ctx, tc.params)
				var apiErr *openai.Error
				if !errors.As(err, &apiErr) {
					t.Fatalf("error %v, want an API error", err)
				}
				if apiErr.StatusCode != tc.status || apiErr.Param != tc.param || !strings.Contains(apiErr.Message, tc.msg) {
					t.Errorf("got %d param %q message %q; want %d param %q message with %q", apiErr.StatusCode, apiErr.Param, apiErr.Message, tc.status, tc.param, tc.msg)
				}
			})
		}
		// The server keeps serving.
		if _, err := c.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "test-model", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("still there?")}}); err != nil {
			t.Errorf("after the bad requests: %v", err)
		}
	})
}

// TestBatchingAcrossCallers sends concurrent requests and checks that they
// shared Generate calls, and that a bad request in a batch fails alone.
func TestBatchingAcrossCallers(t *testing.T) {
	s := serve(t, modelserve.Config{MaxBatch: 64, BatchWindow: 20 * time.Millisecond})
	c := sdkClient(s)
	ctx := context.Background()
	// Occupy the model, so the next requests queue up behind it.
	slow := make(chan error, 1)
	go func() {
		_, err := c.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "test-model", Temperature: openai.Float(0), Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("SLOW")}})
		slow <- err
	}()
	time.Sleep(50 * time.Millisecond)
	const callers = 12
	var wg sync.WaitGroup
	errs := make([]error, callers)
	texts := make([]string, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			prompt := fmt.Sprintf("caller %d", i)
			if i == 5 {
				prompt = "TOO-LONG"
			}
			resp, err := c.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "test-model", Temperature: openai.Float(0), Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(prompt)}})
			errs[i] = err
			if err == nil {
				texts[i] = resp.Choices[0].Message.Content
			}
		}()
	}
	wg.Wait()
	if err := <-slow; err != nil {
		t.Fatal(err)
	}
	for i := range callers {
		var apiErr *openai.Error
		switch {
		case i == 5:
			if !errors.As(errs[i], &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
				t.Errorf("caller 5: %v, want 400", errs[i])
			}
		case errs[i] != nil:
			t.Errorf("caller %d: %v", i, errs[i])
		case texts[i] != fmt.Sprintf("caller %d | sample 0", i):
			t.Errorf("caller %d got %q", i, texts[i])
		}
	}
	st := s.Server.Stats()
	// 13 requests: the slow one, then (when the machine is not too loaded
	// to queue them in time) 12 in one call that fails for the bad one,
	// then halves of halves: 1+1+2·4 calls, and fewer calls than requests
	// however they were grouped.
	if st.Requests != callers+1 || st.MaxBatch < 4 || st.Calls >= st.Requests {
		t.Errorf("stats %+v: want %d requests in fewer calls, batches of 4 or more", st, callers+1)
	}
}
