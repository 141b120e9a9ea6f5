package remote

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vlmlab/harness/trainers/reward"
)

func TestParseLabel(t *testing.T) {
	for _, c := range []struct {
		name    string
		raw     string
		def     reward.VerifierType
		want    Label
		wantErr string
	}{
		{"object", `{"answer": "B", "verifier_type": "mcq"}`, "", Label{Answer: "B", VerifierType: reward.MCQ}, ""},
		{"object in a string", `"{\"answer\": \"3\", \"verifier_type\": \"digit\"}"`, "", Label{Answer: "3", VerifierType: reward.Digit}, ""},
		{"object in a string, blanks first", `" {\"answer\": \"3\", \"verifier_type\": \"digit\"}"`, "", Label{Answer: "3", VerifierType: reward.Digit}, ""},
		{"gt alias", `{"gt": 3, "verifier_type": "digit"}`, "", Label{Answer: "3", VerifierType: reward.Digit}, ""},
		{"number answer", `{"answer": 3, "verifier_type": "digit"}`, "", Label{Answer: "3", VerifierType: reward.Digit}, ""},
		{"box answer", `{"answer": [0.1, 0.2, 0.7, 0.5], "verifier_type": "iou", "image_size": [640, 480]}`, "",
			Label{Answer: "[0.1, 0.2, 0.7, 0.5]", VerifierType: reward.IoU, ImageWidth: 640, ImageHeight: 480}, ""},
		{"open-ended with question and images", `{"answer": "red", "verifier_type": "open_ended", "question": "Colour?", "images": ["a.jpg"]}`, "",
			Label{Answer: "red", VerifierType: reward.OpenEnded, Question: "Colour?", Images: []string{"a.jpg"}}, ""},
		{"verifier case", `{"answer": "x", "verifier_type": " Math "}`, "", Label{Answer: "x", VerifierType: reward.Math}, ""},
		{"plain string with default", `"B"`, reward.MCQ, Label{Answer: "B", VerifierType: reward.MCQ}, ""},
		{"plain number with default", `3`, reward.Digit, Label{Answer: "3", VerifierType: reward.Digit}, ""},
		{"plain string, no default", `"B"`, "", Label{}, "no default verifier"},
		{"empty string", `""`, reward.MCQ, Label{}, "label is empty"},
		{"null", `null`, reward.MCQ, Label{}, "missing"},
		{"array", `[1, 2, 3, 4]`, reward.IoU, Label{}, "JSON array"},
		{"no verifier_type", `{"answer": "B"}`, reward.MCQ, Label{}, `no "verifier_type"`},
		{"unknown verifier_type", `{"answer": "B", "verifier_type": "letter"}`, "", Label{}, `unknown verifier_type "letter"`},
		{"misspelt field", `{"answer": "B", "verfier_type": "mcq"}`, "", Label{}, `"verfier_type": did you mean "verifier_type"?`},
		{"misspelt answer", `{"answers": ["B"], "verifier_type": "mcq"}`, "", Label{}, `did you mean "answer"?`},
		{"wrong case is a near-miss", `{"Answer": "B", "verifier_type": "mcq"}`, "", Label{}, `did you mean "answer"?`},
		{"null gt is absent (Hugging Face datasets)", `{"answer": "3", "gt": null, "verifier_type": "digit", "question": null, "images": null, "image_size": null}`, "",
			Label{Answer: "3", VerifierType: reward.Digit}, ""},
		{"null answer, gt set", `{"answer": null, "gt": "B", "verifier_type": "mcq"}`, "", Label{Answer: "B", VerifierType: reward.MCQ}, ""},
		{"dataset keys ignored", `{"answer": "B", "verifier_type": "mcq", "data_source": "geoqa", "id": "x-1", "image": "a.png", "ability": "math", "extra_info": {"split": "train"}}`, "",
			Label{Answer: "B", VerifierType: reward.MCQ}, ""},
		{"near-miss beside its field is another field", `{"answer": "B", "answers": ["B", "b"], "verifier_type": "mcq"}`, "", Label{Answer: "B", VerifierType: reward.MCQ}, ""},
		{"far keys ignored", `{"answer": "B", "verifier_type": "mcq", "difficulty": 3, "subset": "arxivqa"}`, "", Label{Answer: "B", VerifierType: reward.MCQ}, ""},
		{"null verifier_type", `{"answer": "B", "verifier_type": null}`, "", Label{}, `no "verifier_type"`},
		{"both null", `{"answer": null, "gt": null, "verifier_type": "mcq"}`, "", Label{}, `no "answer"`},
		{"answer and gt", `{"answer": "B", "gt": "B", "verifier_type": "mcq"}`, "", Label{}, "both"},
		{"no answer", `{"verifier_type": "mcq"}`, "", Label{}, `no "answer"`},
		{"null answer", `{"answer": null, "verifier_type": "mcq"}`, "", Label{}, `no "answer"`},
		{"blank answer", `{"answer": "  ", "verifier_type": "mcq"}`, "", Label{}, "empty"},
		{"object answer", `{"answer": {"a": 1}, "verifier_type": "mcq"}`, "", Label{}, "is an object"},
		{"bad image_size", `{"answer": [0,0,1,1], "verifier_type": "iou", "image_size": [640]}`, "", Label{}, "image_size"},
		{"zero image_size", `{"answer": [0,0,1,1], "verifier_type": "iou", "image_size": [0, 480]}`, "", Label{}, "positive"},
		{"broken JSON in string", `"{\"answer\": \"B\""`, "", Label{}, "label object: unexpected EOF"},
		{"two objects in string", `"{\"answer\": \"B\", \"verifier_type\": \"mcq\"}{}"`, "", Label{}, "trailing data"},
		{"verifier_type not a string", `{"answer": "B", "verifier_type": 3}`, "", Label{}, "label object"},
	} {
		got, err := ParseLabel(json.RawMessage(c.raw), c.def)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%s: error %v, want one containing %q", c.name, err, c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got.Answer != c.want.Answer || got.VerifierType != c.want.VerifierType || got.Question != c.want.Question ||
			strings.Join(got.Images, ",") != strings.Join(c.want.Images, ",") || got.ImageWidth != c.want.ImageWidth || got.ImageHeight != c.want.ImageHeight {
			t.Errorf("%s: ParseLabel = %+v, want %+v", c.name, got, c.want)
		}
	}
}
