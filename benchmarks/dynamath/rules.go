package dynamath

import (
	"math"
	"strings"
)

// Stage names the judge stage in judge keys ("12-v3/format/0").
const stageFormat = "format"

// tolerance is the absolute tolerance of float answers in both profiles.
const tolerance = 0.001

// leaderboardRule is the rule part of VLMEvalKit's DynaMath_auxeval. It
// returns the preprocessed response (what the judge would see) and the
// parsed short answer when the rules found one.
func leaderboardRule(text, answerType string) (pred string, ans parsed, ok bool) {
	pred = Preprocess(text)
	if v, parsedJSON := looseJSON(pred); parsedJSON {
		if sa, has := shortAnswer(v); has {
			// A non-string short answer makes parse_answer raise for float
			// and multiple-choice items, which sends them to the fallback.
			if s, isString := sa.(string); isString {
				if ans, ok = parseAnswer(s, answerType); ok {
					return pred, ans, true
				}
			}
		}
	}
	ans, ok = parseAnswer(pred, answerType)
	return pred, ans, ok
}

// leaderboardHit is VLMEvalKit's correctness for a parsed short answer.
func leaderboardHit(p *Problem, ans parsed) bool {
	switch p.AnswerType {
	case TypeFloat:
		return math.Abs(ans.Num-p.gold) <= tolerance
	case TypeChoice:
		return ans.Text == p.Answer
	}
	// The prediction must be a substring of the gold answer (an empty
	// short answer always is).
	return strings.Contains(strings.ToLower(p.Answer), strings.ToLower(ans.Text))
}

// leaderboardUnparsedHit is VLMEvalKit's correctness when nothing parsed
// (rules and judge failed): a multiple-choice item is right when its letter
// occurs in the first 3 characters of the preprocessed response,
// upper-cased; any other item is wrong.
func leaderboardUnparsedHit(p *Problem, pred string) bool {
	return p.AnswerType == TypeChoice && strings.Contains(strings.ToUpper(firstRunes(pred, 3)), p.Answer)
}

// officialResult is what the official script decides for one response.
type officialResult struct {
	Extracted string
	Hit       bool
	Resolved  bool   // false: no JSON answer, or a float answer that is no number
	Reason    string // why unresolved
}

// official applies DynaMath's opensource_json_eval.py to a response.
func official(p *Problem, text string) officialResult {
	v, ok := looseJSON(preprocessOfficial(text))
	if !ok {
		return officialResult{Reason: "no JSON object in the response (the official script leaves it for a manual check)"}
	}
	sa, has := shortAnswer(v)
	if !has {
		return officialResult{Reason: `the JSON response has no "short answer"`}
	}
	answer := pyStr(sa)
	res := officialResult{Extracted: answer, Resolved: true}
	switch p.AnswerType {
	case TypeFloat:
		var x float64
		if pyIsDigit(answer) {
			x, ok = pyFloat(answer)
		} else {
			first, _, _ := strings.Cut(answer, " ")
			x, ok = transfer(first)
		}
		if !ok {
			return officialResult{Extracted: answer, Reason: "the short answer is not a number"}
		}
		res.Hit = math.Abs(x-p.gold) <= tolerance
	case TypeChoice:
		if len([]rune(answer)) == 1 {
			res.Hit = answer == p.Answer
		} else {
			res.Hit = strings.Contains(firstRunes(answer, 3), p.Answer)
		}
	default:
		// The gold answer must be a substring of the prediction.
		res.Hit = strings.Contains(answer, p.Answer)
	}
	return res
}
