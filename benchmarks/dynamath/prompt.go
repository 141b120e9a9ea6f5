package dynamath

// The prompt and judge texts below are VLMEvalKit's (vlmeval/dataset/
// dynamath.py), reproduced verbatim, typos included ("corresponing"): the
// model's answer format and the judge's output depend on them.

// guide is Dynamath.GUIDE with {INST} split out; Python's backslash line
// continuations are joined.
const (
	guideHead = "\n## Answer Instruction Please provide an answer to the question outlined above. " +
		"Your response should adhere to the following JSON format, which includes two keys: " +
		"'solution' and 'short answer'. The 'solution' key can contain detailed steps needed to solve " +
		"the question, and the 'short answer' key should provide a concise response. "
	guideTail = "\n\nExample of expected JSON response format:\n\n"
	// textExample is json.dumps(EXAMPLE, indent=4).
	textExample = "{\n    \"solution\": \"[Detailed step-by-step explanation]\",\n    \"short answer\": \"[Concise Answer]\"\n}"
)

// promptInst is the answer-type instruction of the model prompt.
func promptInst(answerType string) string {
	switch answerType {
	case TypeChoice:
		return "Provide the corresponing choice option in the 'short answer' key, such as 'A', 'B', 'C', or 'D'."
	case TypeFloat:
		return "Format the answer as a three-digit floating-point number and provide it in the 'short answer' key."
	}
	return "Float numbers in the answer should be formatted as three-digit floating-point numbers."
}

// Prompt is the text VLMEvalKit sends after the image for a DynaMath item.
func Prompt(question, answerType string) string {
	return "## Question\n " + question + guideHead + promptInst(answerType) + guideTail + textExample
}

// JudgeSystem is the system prompt of the formatting judge (a Python
// triple-quoted string that ends with a newline).
const JudgeSystem = "You are a helpful assistant that helps me to format free-form answers into a short answer according to the instruction.\n"

// judgeInst is the answer-type instruction of the formatting judge.
func judgeInst(answerType string) string {
	switch answerType {
	case TypeChoice:
		return "Output the corresponing choice option, such as 'A', 'B', 'C', 'D', in a single line."
	case TypeFloat:
		return "Output a three-digit floating-point number in a single line."
	}
	return "Output a short answer in a single line. Any float numbers in the answer should be formatted as three-digit floating-point numbers."
}

// JudgePrompt is the user prompt of the formatting judge; pred is the
// preprocessed response (see Preprocess).
func JudgePrompt(pred, answerType string) string {
	return "Free-form answer: " + pred + "\nInstruction: " + judgeInst(answerType)
}
