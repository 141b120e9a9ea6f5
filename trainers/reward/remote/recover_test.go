package remote

import (
	"strings"
	"testing"
)

func TestRecoverResponse(t *testing.T) {
	const sys = "<|im_start|>system\nYou are VL-Thinking. <think> reasoning process here </think> <answer> answer here </answer><|im_end|>\n"
	prompt := sys + "<|im_start|>user\nHow many balls?<|im_end|>\n<|im_start|>assistant\n"
	vlPrompt := sys + "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>How many balls?<|im_end|>\n<|im_start|>assistant\n"
	vlQuery := strings.Replace(vlPrompt, "<|image_pad|>", strings.Repeat("<|image_pad|>", 64), 1)
	const resp = "<think>two and one</think><answer>3</answer>"
	for _, c := range []struct {
		name          string
		query, prompt string
		rc            Recovery
		want          string
		wantErr       bool
	}{
		{"prefix", prompt + resp, prompt, Recovery{}, resp, false},
		{"prefix with EOS", prompt + resp + "<|im_end|>", prompt, Recovery{}, resp, false},
		{"left and right padding", "<|endoftext|><|endoftext|>" + prompt + resp + "<|im_end|><|endoftext|><|endoftext|>", prompt, Recovery{}, resp, false},
		{"EOS then newline then pad", prompt + resp + "<|im_end|>\n<|endoftext|>", prompt, Recovery{}, resp, false},
		{"llama BOS in both", "<|begin_of_text|>" + "Q: 1+2?\nA: " + resp + "<|eot_id|>", "<|begin_of_text|>Q: 1+2?\nA: ", Recovery{}, resp, false},
		{"unknown BOS before prompt", "<bos>" + prompt + resp, prompt, Recovery{}, resp, false},
		{"expanded image tokens", vlQuery + resp + "<|im_end|>", vlPrompt, Recovery{}, resp, false},
		{"expanded image tokens, padded", "<|endoftext|>" + vlQuery + resp, vlPrompt, Recovery{}, resp, false},
		{"empty response", prompt, prompt, Recovery{}, "", false},
		{"response repeats the prompt's tail", prompt + "<|im_start|>assistant\n" + resp, prompt, Recovery{}, "<|im_start|>assistant\n" + resp, false},
		{"custom special tokens", "[PAD]" + prompt + resp + "[EOS]", prompt, Recovery{SpecialTokens: []string{"[PAD]", "[EOS]"}}, resp, false},
		{"custom tokens replace defaults", prompt + resp + "<|im_end|>", prompt, Recovery{SpecialTokens: []string{"[EOS]"}}, resp + "<|im_end|>", false},
		{"empty prompt", resp, "", Recovery{}, "", true},
		{"prompt of only special tokens", resp, "<|endoftext|>", Recovery{}, "", true},
		{"prompt not in query", "something else entirely" + resp, prompt, Recovery{}, "", true},
		{"query is a different prompt", strings.Replace(prompt, "balls", "cubes", 1) + resp, prompt, Recovery{}, "", true},
		{"image prompt, tail missing", vlQuery[:len(vlQuery)-30] + resp, vlPrompt, Recovery{}, "", true},
	} {
		got, err := c.rc.RecoverResponse(c.query, c.prompt)
		if (err != nil) != c.wantErr || got != c.want {
			t.Errorf("%s: RecoverResponse = %q, %v; want %q, error=%v", c.name, got, err, c.want, c.wantErr)
		}
	}
}
