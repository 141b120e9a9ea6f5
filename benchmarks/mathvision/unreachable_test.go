package mathvision

// Items a correct answer cannot win without a judge, and why.
var (
	// leaderboardUnreachable: id 2830's gold answer is "\x0crac{36}{13}" (the
	// "\f" of \frac became a form feed), which equals no written answer.
	leaderboardUnreachable = []string{"2830"}
	// officialUnreachable: MATH-V's is_equal compares values only when
	// latex2sympy can evaluate the gold, so these golds match no answer a
	// model writes (its answer goes through find_math_answer, which strips
	// $, \boxed, spaces and ^{\circ}):
	//   - 2804 "$\frac{90}{23}^{\circ}$": \circ is a sympy symbol;
	//   - 2828, 2833, 2875, 2877 "$\boxed{…}$": \boxed is not in the grammar;
	//   - 2830: the corrupted \frac above;
	//   - 2866 "$\pi-\tan ^{-1}\left(\frac{1}{d}\right)$": the variable d
	//     has no value, and the text changes under find_math_answer.
	officialUnreachable = []string{"2804", "2828", "2830", "2833", "2866", "2875", "2877"}
)
