package sdk

import (
	"encoding/json"
	"testing"
)

// TestGenerateParamsJSON (issue 11 item 14): written snake_case like the
// rest of a report; read from snake_case and from the Go field names that
// eval.json files written before the tags hold.
func TestGenerateParamsJSON(t *testing.T) {
	p := GenerateParams{MaxTokens: 800, Temperature: 0.5, TopP: 0.9, Stop: []string{"</answer>"}}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"max_tokens":800,"temperature":0.5,"top_p":0.9,"stop":["\u003c/answer\u003e"]}`; string(b) != want {
		t.Errorf("marshal: %s, want %s", b, want)
	}
	for _, in := range []string{string(b), `{"MaxTokens":800,"Temperature":0.5,"TopP":0.9,"TopK":0,"Seed":0,"Stop":["</answer>"],"N":0}`} {
		var got GenerateParams
		if err := json.Unmarshal([]byte(in), &got); err != nil || got.MaxTokens != 800 || got.TopP != 0.9 || got.Temperature != 0.5 || len(got.Stop) != 1 {
			t.Errorf("unmarshal %s: %+v %v", in, got, err)
		}
	}
}
