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
	// N is the number of groups scored, the denominator of the scores and
	// rates: 525 on the full file, as VLMEvalKit hard-codes. On a partial
	// file it is the groups present, not 525: VLMEvalKit's formula would
	// credit every absent group as mastered (an empty file scores 100).
	N int
}

// Classify counts the groups into the four dimensions exactly as the pandas
// conditions do (== True / == False, so a Missing mark matches neither).
func Classify(groups []GroupMarks) FourDimensional {
	f := FourDimensional{N: len(groups)}
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

// score is VLMEvalKit's final score in percent, (N − 0.5·IG − RM − IK)/N,
// which on the full file (N = 525) equals (CM + 0.5·IG)/525. A group left in
// no category (a member missing from a partial file) still counts in N as
// neither lost nor won, as in VLMEvalKit.
func score(n, ig, rm, ik int) float64 {
	if n == 0 {
		return 0
	}
	return 100 * (float64(n) - 0.5*float64(ig) - float64(rm) - float64(ik)) / float64(n)
}

// ScoreStrict is Score (Strict), the leaderboard number, in percent.
func (f FourDimensional) ScoreStrict() float64 { return score(f.N, f.IG, f.RMStrict, f.IK) }

// ScoreLoose is Score (Loose) in percent.
func (f FourDimensional) ScoreLoose() float64 { return score(f.N, f.IG, f.RMLoose, f.IK) }

// rmRate is RM/(CM+RM) in percent, 0 when both are 0 (VLMEvalKit would
// divide by zero there).
func rmRate(cm, rm int) float64 {
	if cm+rm == 0 {
		return 0
	}
	return 100 * float64(rm) / float64(cm+rm)
}
