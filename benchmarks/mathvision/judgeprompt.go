package mathvision

import "strings"

// The extraction prompt of VLMEvalKit's MathVision evaluation
// (build_mathv_gpt4_prompt in vlmeval/dataset/utils/mathv.py): MathVista's
// layout, but every free-form example carries the hint MathVision's
// free-form questions have. The judge's output decides the score, so the text
// is reproduced character for character ("respone" and the missing line
// break before "Extracted answer:" included); testdata pins it.

var examples = [...]string{
	"\nHint: Please answer the question and provide the final answer at the end.\n\n" +
		"Question: Which number is missing?\n\n" +
		"Model response: The number missing in the sequence is 14.\n\n" +
		"Extracted answer: 14\n",
	"\nHint: Please answer the question and provide the final answer at the end.\n\n" +
		"Question: What is the fraction of females facing the camera?\n\n" +
		"Model response: The fraction of females facing the camera is 0.6,\n" +
		"which means that six out of ten females in the group are facing the camera.\n\n" +
		"Extracted answer: 0.6\n",
	"\nHint: Please answer the question and provide the final answer at the end.\n\n" +
		"Question: How much money does Luca need to buy a sour apple candy and a butter-scotch candy? (Unit: $)\n\n" +
		"Model response: Luca needs $1.45 to buy a sour apple candy and a butterscotch candy.\n\n" +
		"Extracted answer: 1.45\n",
	"\nHint: Please answer the question and provide the final answer at the end.\n\n" +
		"Question: Between which two years does the line graph saw its maximum peak?\n\n" +
		"Model response: The line graph saw its maximum peak between 2007 and 2008.\n\n" +
		"Extracted answer: [2007, 2008]\n",
	"\nHint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.\n\n" +
		"Question: What fraction of the shape is blue?\n\n" +
		"Choices: (A) 3/11 (B) 8/11 (C) 6/11 (D) 3/5\n\n" +
		"Model response: The correct answer is (B) 8/11.\n\n" +
		"Extracted answer: B\n",
}

const task = "\nPlease read the following example.\nThen extract the answer from the model response and type it at the end of the prompt.\n\n"

// LeaderboardPrompt is VLMEvalKit's MathVision extraction prompt for a query
// (the question with its hint) and a prediction.
func LeaderboardPrompt(query, prediction string) string {
	var b strings.Builder
	b.WriteString(task)
	for _, ex := range examples {
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
