package wemath

import (
	"strings"

	"github.com/vlmlab/harness/benchmarks/answer"
)

// FormatTemplate is the official answer-format instruction. VLMEvalKit's
// judge prompt (build_prompt_wemath) and InternVL's WeMath prompt both delete
// exactly this string from the TSV question, so the TSV questions are
// understood to end with it (inferred: the TSV could not be downloaded).
// testmini.json's questions lack it; Load appends it after a newline unless
// the format_template option is "off".
const FormatTemplate = "Regarding the format, please answer following the template below, and be sure to include two <> symbols:\n" +
	"<Thought process>: <<your thought process>> <Answer>: <<your option>>"

// Prompt is the text of VLMEvalKit's WeMath.build_prompt: an optional hint
// line, the question, and the options one per line.
func Prompt(hint, question string, choices answer.Choices) string {
	var b strings.Builder
	if hint != "" {
		b.WriteString("Hint: " + hint + "\n")
	}
	b.WriteString("Question: " + question + "\n")
	if len(choices) > 0 {
		b.WriteString("Options:\n")
		for _, c := range choices {
			b.WriteString(c.Letter + ". " + c.Text + "\n")
		}
	}
	return b.String()
}

// optionString is VLMEvalKit's build_option_str, the options as the judge
// sees them.
func optionString(choices answer.Choices) string {
	var b strings.Builder
	b.WriteString("There are several options: \n")
	for _, c := range choices {
		b.WriteString(c.Letter + ". " + c.Text + "\n")
	}
	return b.String()
}

// judgeHead is the fixed part of build_prompt_wemath (vlmeval/dataset/utils/
// multiple_choice.py), verbatim, typos included ("Your should output"); the
// task follows as "Example 3".
const judgeHead = "You are an AI assistant who will help me to match an answer with several options of a single-choice question. " +
	"You are provided with a question, several options, and an answer, and you need to find which option is most similar to the answer. " +
	"If the meaning of all options are significantly different from the answer, output Z. " +
	"Your should output a single uppercase character in A, B, C, D, E, F, G (if they are valid options), and Z. \n" +
	"Example 1: \n" +
	"Question: <start>\nWhat is the main object in image?\nOptions: A. teddy bear B. rabbit C. cat D. dog\n<end>\n" +
	"Answer: <start>\na cute teddy bear\n<end>\nYour output: A\n" +
	"Example 2: \n" +
	"Question: <start>\nWhat is the main object in image?\nOptions: A. teddy bear B. rabbit C. cat D. dog\n<end>\n" +
	"Answer: <start>\nSpider\n<end>\nYour output: Z\n" +
	"Example 3: \n"

// JudgePrompt is VLMEvalKit's build_prompt_wemath(question, options,
// prediction): the question without the format template, the option string
// and the prediction, each between <start> and <end>.
func JudgePrompt(question string, choices answer.Choices, prediction string) string {
	question = strings.ReplaceAll(question, FormatTemplate, "")
	return judgeHead + "Question: <start>\n" + question + "\nOptions: " + optionString(choices) +
		"\n<end>\nAnswer: <start>\n" + prediction + "\n<end>\nYour output: "
}
