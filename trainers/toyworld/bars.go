package toyworld

import (
	"fmt"
	"image"
	"math/rand/v2"
	"slices"
	"strings"
)

// Bar is one bar of a bar chart.
type Bar struct {
	Label string
	Value int // 1-9, distinct within a chart
}

// barLabels are three letters wide so each fits under its bar in the 7-pixel font.
var barLabels = []string{"ant", "bee", "cat", "cow", "dog", "elk", "fox", "hen", "owl", "pig", "rat", "yak"}

// newBarsScene draws 3-5 bars with distinct values 1-9, each value printed
// above its bar, so the largest and smallest are unique.
func newBarsScene(rng *rand.Rand) *Scene {
	const w, h, base, unit, margin = 160, 128, 108, 9, 8
	k := intRange(rng, 3, 5)
	labelIdx := rng.Perm(len(barLabels))[:k]
	slices.Sort(labelIdx) // alphabetical order reads naturally
	values := rng.Perm(9)[:k]
	bars := make([]Bar, k)
	c := newCanvas(w, h)
	c.line(image.Pt(margin-2, 10), image.Pt(margin-2, base), gray, 1)
	c.line(image.Pt(margin-2, base), image.Pt(w-margin, base), gray, 1)
	slot := (w - 2*margin) / k
	colour := pick(rng, Colours).index
	for i := range bars {
		bars[i] = Bar{Label: barLabels[labelIdx[i]], Value: values[i] + 1}
		x0 := margin + i*slot + 4
		top := base - bars[i].Value*unit
		c.fillRect(image.Rect(x0, top, x0+slot-8, base), colour)
		mid := x0 + (slot-8)/2
		v := itoa(bars[i].Value)
		c.text(mid-textWidth(v)/2, top-lineHeight-1, v, black)
		c.text(mid-textWidth(bars[i].Label)/2, base+2, bars[i].Label, black)
	}
	s := &Scene{Kind: KindBars, Image: c.img, Bars: bars}
	s.Questions = barsQuestions(rng, bars)
	return s
}

func barsQuestions(rng *rand.Rand, bars []Bar) []Question {
	var readings []string
	sum, hi, lo := 0, bars[0], bars[0]
	for _, b := range bars {
		readings = append(readings, fmt.Sprintf("%s = %d", b.Label, b.Value))
		sum += b.Value
		if b.Value > hi.Value {
			hi = b
		}
		if b.Value < lo.Value {
			lo = b
		}
	}
	read := "The chart shows " + joinAnd(readings) + "."
	k := len(bars)
	byValue := slices.Clone(bars)
	slices.SortFunc(byValue, func(a, b Bar) int { return b.Value - a.Value })
	labelsBy := func(bs []Bar) []string {
		var out []string
		for _, b := range bs {
			out = append(out, b.Label)
		}
		return out
	}

	b := pick(rng, bars)
	// Two decimals when the mean of 3 or 4 values needs them, one for 5 values.
	prec := 2
	if k == 5 {
		prec = 1
	}
	mean := float64(sum) / float64(k)
	places := map[int]string{1: "one decimal place", 2: "two decimal places"}[prec]
	return []Question{
		{
			Template: "bar_value", Verifier: VerifierDigit, Topic: "statistics",
			Text:   fmt.Sprintf("What is the value of the %s bar?", b.Label),
			Answer: itoa(b.Value), Numeric: true, Value: float64(b.Value),
			Distractors: nearInts(b.Value, 1, 9),
			Steps:       []string{fmt.Sprintf("The number printed above the %s bar is %d.", b.Label, b.Value)},
		},
		{
			Template: "bar_max", Verifier: VerifierMCQ, Topic: "statistics",
			Text:        "Which category has the largest value in the bar chart?",
			Answer:      hi.Label,
			Distractors: labelsBy(byValue[1:]),
			Steps:       []string{read, fmt.Sprintf("The largest value is %d, for %s.", hi.Value, hi.Label)},
		},
		{
			Template: "bar_min", Verifier: VerifierMCQ, Topic: "statistics",
			Text:        "Which category has the smallest value in the bar chart?",
			Answer:      lo.Label,
			Distractors: reversed(labelsBy(byValue[:k-1])),
			Steps:       []string{read, fmt.Sprintf("The smallest value is %d, for %s.", lo.Value, lo.Label)},
		},
		{
			Template: "bar_sum", Verifier: VerifierMath, Topic: "statistics",
			Text:   "What is the sum of all the values in the bar chart?",
			Answer: itoa(sum), Numeric: true, Value: float64(sum),
			Distractors: nearInts(sum, 0, 60),
			Steps:       []string{read, fmt.Sprintf("Their sum is %s = %d.", joinPlus(bars), sum)},
		},
		{
			Template: "bar_diff", Verifier: VerifierMath, Topic: "statistics",
			Text:   "What is the difference between the largest and the smallest value in the bar chart?",
			Answer: itoa(hi.Value - lo.Value), Numeric: true, Value: float64(hi.Value - lo.Value),
			Distractors: nearInts(hi.Value-lo.Value, 0, 9),
			Steps:       []string{read, fmt.Sprintf("The largest is %d and the smallest is %d, so the difference is %d.", hi.Value, lo.Value, hi.Value-lo.Value)},
		},
		{
			Template: "bar_mean", Verifier: VerifierMath, Topic: "statistics",
			Text:   "What is the mean of the values in the bar chart?",
			Hint:   fmt.Sprintf("Give the answer to %s.", places),
			Answer: formatFloat(mean, prec), Numeric: true, Value: mean, Precision: prec,
			Distractors: nearValues(mean, 0.5, prec, 8, true, formatFloat),
			Steps: []string{read, fmt.Sprintf("The sum is %d and there are %d bars, so the mean is %d / %d = %s.",
				sum, k, sum, k, formatFloat(mean, prec))},
		},
		{
			Template: "describe", Verifier: VerifierOpenEnded, Topic: "statistics",
			Text: "Describe the bar chart.",
			Answer: fmt.Sprintf("The bar chart has %d bars: %s. The largest is %s and the smallest is %s.",
				k, joinAnd(readings), hi.Label, lo.Label),
			Steps: []string{read},
		},
	}
}

func joinPlus(bars []Bar) string {
	var parts []string
	for _, b := range bars {
		parts = append(parts, itoa(b.Value))
	}
	return strings.Join(parts, " + ")
}

func reversed(xs []string) []string {
	out := slices.Clone(xs)
	slices.Reverse(out)
	return out
}
