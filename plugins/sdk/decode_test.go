package sdk_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vlmlab/harness/plugins/sdk"
)

type stageParams struct {
	LearningRate float64  `json:"learning_rate"`
	Epochs       int      `json:"epochs"`
	Stop         []string `json:"stop"`
}

func TestDecode(t *testing.T) {
	defaults := stageParams{LearningRate: 1e-4, Epochs: 1}
	tests := []struct {
		name, in string
		want     stageParams
		err      string
	}{
		{name: "empty keeps defaults", in: "", want: defaults},
		{name: "null keeps defaults", in: " null ", want: defaults},
		{name: "empty object keeps defaults", in: "{}", want: defaults},
		{name: "overrides", in: `{"epochs": 3, "stop": ["</answer>"]}`, want: stageParams{LearningRate: 1e-4, Epochs: 3, Stop: []string{"</answer>"}}},
		{name: "unknown key", in: `{"epoch": 3}`, err: `unknown field "epoch"`},
		{name: "wrong type", in: `{"epochs": "3"}`, err: "field epochs: want an integer, got string"},
		{name: "fraction for an integer", in: `{"epochs": 1.5}`, err: "field epochs: want an integer, got number"},
		{name: "trailing data", in: `{"epochs": 3} {}`, err: "unexpected data after the JSON object"},
		{name: "malformed", in: `{"epochs": }`, err: "malformed JSON"},
		{name: "not an object", in: `[1]`, err: "want a JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := defaults
			err := sdk.Decode([]byte(tc.in), &got)
			if tc.err != "" {
				if !errors.Is(err, sdk.ErrInvalid) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Decode(%s) = %v, want an invalid-parameters error containing %q", tc.in, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
