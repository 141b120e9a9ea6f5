package logicvista

import "strings"

// Judge prompts. The instruction sentences are reproduced verbatim, typos
// included ("a information extractor", "explaination"), because the judge's
// behaviour and so the score depend on them. The in-context examples of the
// leaderboard prompt and the format instructions of the official one are
// written for this package, in the upstream layout, not copied.

// failMsg is what VLMEvalKit's API wrapper returns when a call fails.
const failMsg = "Failed to obtain answer via API."

// leaderboardInstruction is the opening of VLMEvalKit's build_prompt_logicvista
// (adapted by VLMEvalKit from the official prompt).
const leaderboardInstruction = "You are a information extractor that extracts multiple choice letter answer choices " +
	"from a paragraph that contains the answer choice and sometimes explaination of why that " +
	"choice is correct to the given question.\n" +
	"What letter did the following answer choose? If the answer did not select a letter answer choice, " +
	"first try to infer the answer based off the given choices.\n" +
	"If it does not seem like the given answer corresponds to an answer choice OR if there is no selected answer, please just respond with Z.\n" +
	"Make sure you answer with ONLY the letters chosen.\n"

// leaderboardExamples mirror the four upstream demonstrations: an answer
// given by its option text, an answer matching no option (Z), a letter named
// inside a sentence, and several letters written as one word.
var leaderboardExamples = []struct{ question, answer, output string }{
	{"Which shape completes the pattern?\nOptions: A. square B. circle C. triangle D. star", "the missing shape is a circle", "B"},
	{"Which shape completes the pattern?\nOptions: A. square B. circle C. triangle D. star", "Hexagon", "Z"},
	{"Which net folds into the cube shown?", `The net labelled "C" folds into the cube, since the shaded faces end up opposite each other.`, "C"},
	{"Which of the figures belong to the first group? Select from A-E", "Figures A, C and E belong to the first group.", "ACE"},
}

// LeaderboardPrompt is VLMEvalKit's letter-extraction prompt: instruction,
// four examples, then the question and the response as example 5.
func LeaderboardPrompt(question, response string) string {
	var b strings.Builder
	b.WriteString(leaderboardInstruction)
	for i, ex := range leaderboardExamples {
		b.WriteString("Example " + string(rune('1'+i)) + ": \n")
		b.WriteString("Question: <start>\n" + ex.question + "\n<end>\n")
		b.WriteString("Answer: <start>\n" + ex.answer + "\n<end>\nYour output: " + ex.output + "\n")
	}
	b.WriteString("Example 5: \n")
	b.WriteString("Question: <start>\n" + question + "\n<end>\nAnswer: <start>\n" + response + "\n<end>\nYour output: ")
	return b.String()
}

// officialFormat stands in for the format instructions LangChain's
// PydanticOutputParser appends: the JSON schema of the official Answer model
// (its field description verbatim) and how to fill it.
const officialFormat = "Format the output as a JSON object that conforms to the JSON schema below.\n\n" +
	"For example, for the schema {\"properties\": {\"items\": {\"title\": \"Items\", \"type\": \"array\", \"items\": {\"type\": \"string\"}}}, \"required\": [\"items\"]}\n" +
	"the object {\"items\": [\"x\", \"y\"]} is well formatted, and the object {\"properties\": {\"items\": [\"x\", \"y\"]}} is not.\n\n" +
	"The output schema:\n```\n" +
	`{"properties": {"choices": {"description": "multiple choice answer of a list of letters or numbers chosen by the given text", "items": {"type": "string"}, "title": "Choices", "type": "array"}}, "required": ["choices"]}` +
	"\n```"

// OfficialPrompt is the template of the official eval/extract_accuracy.py,
// with its indentation; entry is the model's answer.
func OfficialPrompt(question, entry string) string {
	return "\n            You are a information extractor that extracts multiple choice letter answer choices\n" +
		"                from a paragraph that contains the answer choice and sometimes and explaination of why that choice is correct to the following question: \"" + question + "\"\n\n" +
		"                What letter did the following answer choose? If the answer did not select a letter answer choice, first try to infer the answer based off the given choices.\n" +
		"                If it does not seem like the given answer corresponds to an answer choice OR if there is no selected answer, please just respond with the string ZZZZZ.\n" +
		"                Make sure you answer with ONLY the letters chosen.\nHere is what I need you to extract from:\nThe answer is \"" + entry + "\"\n" +
		officialFormat + "\n            Helpful Answer:\n            "
}
