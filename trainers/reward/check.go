package reward

import (
	"fmt"
	"strings"
)

// CheckLabel reports whether the sample's verifier can read its label, so a
// GRPO data set can be checked before training rather than failing mid-run
// (Compute and Mixed.Score refuse the same labels, except that a math label
// mathexpr cannot parse is only compared as text there). The response is not
// looked at.
func CheckLabel(s Sample) error {
	var err error
	switch s.VerifierType {
	case Digit:
		_, err = digitLabel(s.Label)
	case MCQ:
		_, err = mcqLabel(s.Label)
	case Math:
		_, err = mathLabel(s.Label)
	case IoU:
		_, err = iouLabel(s.Label)
	case OpenEnded:
		if strings.TrimSpace(s.Label) == "" {
			err = fmt.Errorf("label is empty: the open-ended reward compares the answer with a reference answer")
		}
	default:
		return fmt.Errorf("unknown verifier_type %q: want one of %s", s.VerifierType, verifierNames())
	}
	if err != nil {
		return fmt.Errorf("%s verifier: %w", s.VerifierType, err)
	}
	return nil
}
