package tinyvlm

import (
	"fmt"
	"math/rand/v2"

	"github.com/vlmlab/harness/trainers/toyworld"
)

// benchmarkPhrases are the answer-format instructions the six benchmarks'
// prompts add around a question, so their words get vocabulary entries.
var benchmarkPhrases = []string{
	"Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.",
	"Hint: Please answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, at the end.",
	"Hint: Please answer the question requiring a floating-point number with one decimal place and provide the final value, e.g., 1.2, 1.3, 1.4, at the end.",
	"Hint: Please answer the question requiring a floating-point number with two decimal places and provide the final value, e.g., 1.23, 1.34, 1.45, at the end.",
	"Question: Choices: Options: Answer the question using a single word or phrase.",
	"Please first conduct reasoning, and then answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.",
	"Please directly answer the question and provide the correct option letter, e.g., A, B, C, D.",
	"Please directly answer the question and provide the final value, e.g., 1, 2.5, 300.",
	"Answer with the option's letter from the given choices directly. Solve the problem and output the answer in the format of The answer is: multiple choice free form",
}

// ToyCorpus samples n toy-world items in memory (questions, also posed as
// each benchmark poses them, both trace styles at both lengths, answers)
// plus the benchmarks' instruction phrases:
// the text a tinyvlm vocabulary is built from.
func ToyCorpus(n int, seed uint64) ([]string, error) {
	rng := rand.New(rand.NewPCG(seed, 0x636f72707573))
	corpus := append([]string(nil), benchmarkPhrases...)
	vts := toyworld.VerifierTypes()
	for i := range n {
		it, err := toyworld.NewItem(rng, vts[i%len(vts)])
		if err != nil {
			return nil, fmt.Errorf("toy corpus: %w", err)
		}
		corpus = append(corpus, it.Posed.Question, it.Posed.Answer)
		// The same item as each benchmark poses it: their fixed instruction
		// lines recur, so they become phrase entries (see Tokenizer).
		for _, b := range toyworld.PromptStyles() {
			p, ok, err := toyworld.PoseAs(rng, it.Question, b)
			if err != nil {
				return nil, fmt.Errorf("toy corpus: %w", err)
			}
			if ok {
				corpus = append(corpus, p.Question)
			}
		}
		for _, style := range toyworld.Styles() {
			for _, l := range toyworld.TraceLengths() {
				tr, err := toyworld.TraceWithLength(rng, it.Question, it.Posed, style, l)
				if err != nil {
					return nil, fmt.Errorf("toy corpus: %w", err)
				}
				corpus = append(corpus, tr)
			}
		}
	}
	return corpus, nil
}
