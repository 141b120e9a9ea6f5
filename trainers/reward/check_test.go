package reward

import (
	"strings"
	"testing"
)

func TestCheckLabel(t *testing.T) {
	for _, c := range []struct {
		s       Sample
		wantErr string
	}{
		{Sample{VerifierType: Digit, Label: "3"}, ""},
		{Sample{VerifierType: Digit, Label: "three"}, ""},
		{Sample{VerifierType: Digit, Label: "3 balls"}, "digit verifier: label"},
		{Sample{VerifierType: MCQ, Label: "(C)"}, ""},
		{Sample{VerifierType: MCQ, Label: "C and D"}, "mcq verifier: label"},
		{Sample{VerifierType: IoU, Label: "[0, 0, 1, 1]"}, ""},
		{Sample{VerifierType: IoU, Label: "[1, 1, 0, 0]"}, "degenerate"},
		{Sample{VerifierType: IoU, Label: "left"}, "no box"},
		{Sample{VerifierType: OpenEnded, Label: "a red umbrella"}, ""},
		{Sample{VerifierType: OpenEnded, Label: " "}, "empty"},
		{Sample{VerifierType: "", Label: "3"}, "unknown verifier_type"},
	} {
		err := CheckLabel(c.s)
		if c.wantErr == "" && err != nil || c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
			t.Errorf("CheckLabel(%+v) = %v, want %q", c.s, err, c.wantErr)
		}
	}
}
