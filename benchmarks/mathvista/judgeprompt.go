package mathvista

import "strings"

// The answer-extraction prompts. The judge's output decides the score, so the
// text is reproduced character for character, typos and odd line breaks
// included; tests pin it in testdata/*.golden.

// vlmevalkitExamples are the five in-context examples of VLMEvalKit's
// build_mathvista_gpt4_prompt (vlmeval/dataset/utils/mathvista.py,
// get_gpt4_ICE): integer, 1-decimal float, 2-decimal float, Python list and
// multiple choice. Each is a Python triple-quoted string, so it starts and
// ends with a newline, and the hint is wrapped onto a second line.
var vlmevalkitExamples = [...]string{
	"\nHint: Please answer the question requiring an integer answer and provide the final value,\n" +
		"e.g., 1, 2, 3, at the end.\n\n" +
		"Question: Which number is missing?\n\n" +
		"Model response: The number missing in the sequence is 14.\n\n" +
		"Extracted answer: 14\n",
	"\nHint: Please answer the question requiring a floating-point number with one decimal place and provide the final value,\n" +
		"e.g., 1.2, 1.3, 1.4, at the end.\n\n" +
		"Question: What is the fraction of females facing the camera?\n\n" +
		"Model response: The fraction of females facing the camera is 0.6,\n" +
		"which means that six out of ten females in the group are facing the camera.\n\n" +
		"Extracted answer: 0.6\n",
	"\nHint: Please answer the question requiring a floating-point number with two decimal places and provide the final value,\n" +
		"e.g., 1.23, 1.34, 1.45, at the end.\n\n" +
		"Question: How much money does Luca need to buy a sour apple candy and a butter-scotch candy? (Unit: $)\n\n" +
		"Model response: Luca needs $1.45 to buy a sour apple candy and a butterscotch candy.\n\n" +
		"Extracted answer: 1.45\n",
	"\nHint: Please answer the question requiring a Python list as an answer and provide the final list,\n" +
		"e.g., [1, 2, 3], [1.2, 1.3, 1.4], at the end.\n\n" +
		"Question: Between which two years does the line graph saw its maximum peak?\n\n" +
		"Model response: The line graph saw its maximum peak between 2007 and 2008.\n\n" +
		"Extracted answer: [2007, 2008]\n",
	"\nHint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.\n\n" +
		"Question: What fraction of the shape is blue?\n\n" +
		"Choices: (A) 3/11 (B) 8/11 (C) 6/11 (D) 3/5\n\n" +
		"Model response: The correct answer is (B) 8/11.\n\n" +
		"Extracted answer: B\n",
}

// vlmevalkitTask is the task description that opens VLMEvalKit's prompt.
const vlmevalkitTask = "\nPlease read the following example.\nThen extract the answer from the model response and type it at the end of the prompt.\n\n"

// LeaderboardPrompt is VLMEvalKit's extraction prompt for one item: task
// description, the five examples (each followed by a blank line), the query,
// then "Model respone: " (sic) and the prediction, with no line break before
// "Extracted answer:".
func LeaderboardPrompt(query, prediction string) string {
	var b strings.Builder
	b.WriteString(vlmevalkitTask)
	for _, ex := range vlmevalkitExamples {
		b.WriteString(ex)
		b.WriteString("\n")
	}
	b.WriteString(query)
	b.WriteString("\n")
	b.WriteString("Model respone: ")
	b.WriteString(prediction)
	b.WriteString("Extracted answer:")
	return b.String()
}

// officialDemo is demo_prompt of lupantech/MathVista
// evaluation/prompts/ext_ans.py after .strip() (examples from pids 852, 104,
// 824, 506 and 540). Unlike VLMEvalKit's copy, each hint is on one line, the
// candy is "butterscotch", the list question has a double space and the
// choices are one per line.
const officialDemo = `Please read the following example. Then extract the answer from the model response and type it at the end of the prompt.

Hint: Please answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, at the end.
Question: Which number is missing?

Model response: The number missing in the sequence is 14.

Extracted answer: 14

Hint: Please answer the question requiring a floating-point number with one decimal place and provide the final value, e.g., 1.2, 1.3, 1.4, at the end.
Question: What is the fraction of females facing the camera?

Model response: The fraction of females facing the camera is 0.6, which means that six out of ten females in the group are facing the camera.

Extracted answer: 0.6

Hint: Please answer the question requiring a floating-point number with two decimal places and provide the final value, e.g., 1.23, 1.34, 1.45, at the end.
Question: How much money does Luca need to buy a sour apple candy and a butterscotch candy? (Unit: $)

Model response: Luca needs $1.45 to buy a sour apple candy and a butterscotch candy.

Extracted answer: 1.45

Hint: Please answer the question requiring a Python list as an answer and provide the final list, e.g., [1, 2, 3], [1.2, 1.3, 1.4], at the end.
Question: Between which two years does the line  graph saw its maximum peak?

Model response: The line graph saw its maximum peak between 2007 and 2008.

Extracted answer: [2007, 2008]

Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.
Question: What fraction of the shape is blue?
Choices:
(A) 3/11
(B) 8/11
(C) 6/11
(D) 3/5

Model response: The correct answer is (B) 8/11.

Extracted answer: B`

// OfficialPrompt is the official extraction prompt (create_test_prompt in
// evaluation/extract_answer.py): the demo, the query, the raw response (with
// no "Model response:" label) and "Extracted answer: " with a trailing space.
func OfficialPrompt(query, response string) string {
	return officialDemo + "\n\n" + query + "\n\n" + response + "\n\nExtracted answer: "
}
