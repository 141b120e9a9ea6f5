package mathverse

import "strings"

// The two judge prompts of MathVerse (evaluation/prompts.py in the official
// repository; VLMEvalKit's vlmeval/dataset/utils/mathverse.py re-implements
// them). The instruction paragraphs are reproduced verbatim, typos included
// ("Judement", the double space before "Determine"), because the judge's
// behaviour and so the score depend on them. The in-context examples are
// written for this package: the same number of examples, of the same kinds
// and the same verdicts, in the same layout (model responses quoted with
// their line breaks written as \n, as the originals show them), but not the
// upstream text.

// failMsg is what VLMEvalKit's API wrapper returns when a call fails; an
// answer containing it is not a judge output.
const failMsg = "Failed to obtain answer via API."

const extractInstruction = "I am providing you a response from a model to a math problem, termed 'Model Response'. " +
	"You should extract the answer from the response as 'Extracted Answer'. " +
	"Directly output the extracted answer with no explanation."

// extractExamples are the six extraction demonstrations: an ordered pair, an
// option letter behind its option text, a two-part answer, no answer (null),
// a rounded number with units, and an equation. Like upstream, the last two
// say "Extracted answer" in lower case.
var extractExamples = []string{
	`1.
Model response: 'Rounding to one decimal place, the vertex of the parabola lies at:\n\n(3, -4)'
Extracted Answer: (3, -4)`,
	`2.
Model response: 'so the two angles are supplementary.\n\nHence the option that gives the measure of angle BOC is:\n\nB. 110°, because 180° - 70° = 110°.'
Extracted Answer: B`,
	`3.
Model response: ' so the function rises until x = 2 and falls after it (the vertex is the highest point), giving \((-\infty, 2]\) and \([2, \infty)\).\n\nFinal values:\nIncreasing: \((-\infty, 2]\)\nDecreasing: \([2, \infty)\)'
Extracted Answer: Increasing: \((-\infty, 2]\)\nDecreasing: \([2, \infty)\)`,
	`4.
Model response: 'The figure does not give the length of any side, so I cannot tell which option is correct for 'x'.'
Extracted Answer: null`,
	`5.
Model response: 'With r = 4.2 cm we substitute into the formula:\n\nA = π × 4.2^2\n\nTherefore, to one decimal place, the area of the circular lid is approximately 55.4 square centimetres.'
Extracted answer: 55.4`,
	`6.
Model response:  now know the slope and the intercept of the line:\n\( m = 3 \)\n\( b = -5 \)\n\nTherefore, the equation of the line through the two marked points is:\n\( y = 3x - 5 \)"'
Extracted answer: y = 3x - 5`,
}

const scoreInstruction = "Below are two answers to a math question. Question is [Question], [Standard Answer] is the standard answer to the question, " +
	"and [Model_answer] is the answer extracted from a model's output to this question.  Determine whether these two answers are consistent.\n" +
	"Please note that only when the [Model_answer] completely matches the [Standard Answer] means they are consistent. " +
	"For non-multiple-choice questions, if the meaning is expressed in the same way, it is also considered consistent, for example, 0.5m and 50cm.\n" +
	"If they are consistent, Judement is 1; if they are different, Judement is 0."

// Scoring demonstrations. VLMEvalKit's four are all judged 0 (an interval
// with the wrong bracket, the text of a wrong option, half of a two-part
// answer, null); the official four are two of those plus two judged 1 (the
// text of the right option, and the expression that is option A).
var (
	scoreIntervalWrong = `[Question]: Write the solution set of the inequality shown on the number line in interval notation.
[Standard Answer]: [-3,2)
[Model_answer] : Extracted Answer: \([-3, 2]\)
Judgement: 0`
	scoreWrongOption = `[Question]: As shown in the figure, AB is the diameter of circle O and angle ABC = 40.0, then the degree of angle BAC is ()\nChoices:\nA:40°\nB:50°\nC:60°\nD:80°
[Standard Answer]: B
[Model_answer] : A:40°
Judgement: 0`
	scoreHalfAnswer = `[Question]: State the intervals on which the function f is increasing and decreasing.
[Standard Answer]: increasing: (-∞, 2] and decreasing: [2, ∞)
[Model_answer] : Decreasing: \([2, \infty)\)
Judgement: 0`
	scoreNull = `[Question]: As shown in the figure, AB is the diameter of circle O and angle ABC = 40.0, then the degree of angle BAC is ()\nChoices:\nA:40°\nB:50°\nC:60°\nD:80°
[Standard Answer]: B
[Model_answer] : null
Judgement: 0`
	scoreOptionText = `[Question]: Use the vertical line test to decide whether the relation shown in the graph is a function.\nChoices:\nA:This is a function\nB:This is not a function
[Standard Answer]: A
[Model_answer] : This is a function
Judgement: 1`
	scoreOptionExpression = `[Question]: Given the circle centred at (2, -1) that passes through (5, -1), determine its equation.A. (x-2)^2 + (y+1)^2 = 9 B. Can not determine.\n
[Standard Answer]: A
[Model_answer] : (x-2)^2 + (y+1)^2 = 9
Judgement: 1`

	leaderboardScoreExamples = []string{scoreIntervalWrong, scoreWrongOption, scoreHalfAnswer, scoreNull}
	officialScoreExamples    = []string{scoreIntervalWrong, scoreHalfAnswer, scoreOptionText, scoreOptionExpression}
)

// LeaderboardExtractPrompt is VLMEvalKit's build_mathverse_gpt4_extract_prompt:
// the instruction, the six examples, then the response as example 7. The
// question is not shown.
func LeaderboardExtractPrompt(response string) string {
	var b strings.Builder
	b.WriteString("\n" + extractInstruction + "\n\n\n")
	for _, ex := range extractExamples {
		b.WriteString("\n" + ex + "\n\n\n")
	}
	b.WriteString("7.\nModel response: '" + response + "'\nExtracted Answer: ")
	return b.String()
}

// OfficialExtractPrompt is the official create_test_prompt of
// extract_answer_s1.py: the stripped demo prompt (ending "7."), a blank line,
// then the response.
func OfficialExtractPrompt(response string) string {
	return extractInstruction + "\n\n" + strings.Join(extractExamples, "\n\n") + "\n\n7." +
		"\n\nModel response: '" + response + "'\nExtracted Answer: "
}

// LeaderboardScorePrompt is VLMEvalKit's build_mathverse_gpt4_score_prompt,
// with its indented final block; question is question_for_eval.
func LeaderboardScorePrompt(question, standard, extract string) string {
	var b strings.Builder
	b.WriteString("\n" + scoreInstruction + "\n\n\n")
	for _, ex := range leaderboardScoreExamples {
		b.WriteString("\n" + ex + "\n\n\n")
	}
	b.WriteString("\n    [Question]: " + question +
		"\n    [Standard Answer]: " + standard +
		"\n    [Model_answer] : " + extract +
		"\n    Judgement:")
	return b.String()
}

// OfficialScorePrompt is the official demo_prompt_score of score_answer_s2.py
// after strip(); question is inst['question'], "" for Vision Only.
func OfficialScorePrompt(question, standard, extract string) string {
	return scoreInstruction + "\n\n" + strings.Join(officialScoreExamples, "\n\n") +
		"\n\n[Question]: " + question +
		"\n[Standard Answer]: " + standard +
		"\n[Model_answer] : " + extract +
		"\nJudgement:"
}
