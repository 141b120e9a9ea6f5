package wemath

// Mark is one item's correctness in the four-dimensional metric. Missing
// stands for an item absent from the data (a NaN after VLMEvalKit's merge):
// it is neither right nor wrong, so a condition that asks about it fails.
type Mark int8

const (
	Missing Mark = iota
	Wrong
	Right
)

// GroupMarks is one problem group: the marks of its one-step sub-problems
// (index 0 is step 1) and of its composite problem.
type GroupMarks struct {
	Group string
	Subs  []Mark // 2 or 3
	Multi Mark
}

// FourDimensional holds the category counts over all groups (§6.4 of the
// reference, VLMEvalKit utils/wemath.py). IK and IG are the same in both
// settings; CM and RM differ.
type FourDimensional struct {
	IK       int // some sub wrong, composite wrong
	IG       int // all subs right, composite wrong
	CMStrict int // composite right, all subs right
	RMStrict int // composite right, some sub wrong
	CMLoose  int // composite right, some sub right
	RMLoose  int // composite right, all subs wrong
}

// Classify counts the groups into the four dimensions exactly as the pandas
// conditions do (== True / == False, so a Missing mark matches neither).
func Classify(groups []GroupMarks) FourDimensional {
	var f FourDimensional
	for _, g := range groups {
		all, any, allWrong, anyWrong := true, false, true, false
		for _, m := range g.Subs {
			all = all && m == Right
			any = any || m == Right
			allWrong = allWrong && m == Wrong
			anyWrong = anyWrong || m == Wrong
		}
		switch g.Multi {
		case Wrong:
			if all {
				f.IG++
			}
			if anyWrong {
				f.IK++
			}
		case Right:
			if all {
				f.CMStrict++
			}
			if anyWrong {
				f.RMStrict++
			}
			if any {
				f.CMLoose++
			}
			if allWrong {
				f.RMLoose++
			}
		}
	}
	return f
}

// Score is VLMEvalKit's final score in percent: (525 − 0.5·IG − RM − IK)/525
// with the hard-coded 525 groups. On the full file it equals
// (CM + 0.5·IG)/525; a group absent from a partial file falls in no category
// and therefore counts here as if it were mastered.
func score(ig, rm, ik int) float64 {
	return 100 * (Groups - 0.5*float64(ig) - float64(rm) - float64(ik)) / Groups
}

// ScoreStrict is Score (Strict), the leaderboard number, in percent.
func (f FourDimensional) ScoreStrict() float64 { return score(f.IG, f.RMStrict, f.IK) }

// ScoreLoose is Score (Loose) in percent.
func (f FourDimensional) ScoreLoose() float64 { return score(f.IG, f.RMLoose, f.IK) }

// rmRate is RM/(CM+RM) in percent, 0 when both are 0 (VLMEvalKit would
// divide by zero there).
func rmRate(cm, rm int) float64 {
	if cm+rm == 0 {
		return 0
	}
	return 100 * float64(rm) / float64(cm+rm)
}
