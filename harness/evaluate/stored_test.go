package evaluate

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmlab/harness/plugins/sdk"
)

func TestStoredResults(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "output_bard.json")
	os.WriteFile(path, []byte(`{"1": {"response": "It is 3.", "extraction": "3", "true_false": true},
		"2": {"response": "", "extraction": null}}`), 0o644)
	rs, err := ReadPredictions(path)
	if err != nil || len(rs) != 2 || rs[0].ItemID != "1" || rs[0].Text != "It is 3." || rs[1].Text != "" {
		t.Fatalf("ReadPredictions = %+v, %v", rs, err)
	}
	ext, err := ReadStoredExtractions(path)
	if err != nil || len(ext) != 1 || ext["1"] != "3" {
		t.Fatalf("ReadStoredExtractions = %v, %v", ext, err)
	}
	j := StoredJudge{Extractions: ext}
	if a := j.Judge(context.Background(), sdk.JudgeRequest{Key: "k", ItemID: "1", Stage: "extract"}); a.Text != "3" || a.Error != "" {
		t.Errorf("extract 1 = %+v", a)
	}
	if a := j.Judge(context.Background(), sdk.JudgeRequest{Key: "k", ItemID: "2", Stage: "extract"}); a.Error == "" {
		t.Errorf("no stored extraction answered %+v", a)
	}
	if a := j.Judge(context.Background(), sdk.JudgeRequest{Key: "k", ItemID: "1", Stage: "score"}); a.Error == "" {
		t.Errorf("score stage answered %+v", a)
	}
	os.WriteFile(path, []byte(`{"1": {"response": "x"}, "2": {"extraction": "3"}}`), 0o644)
	if _, err := ReadPredictions(path); err == nil || !strings.Contains(err.Error(), `record "2": field response: missing`) {
		t.Errorf("record without response: %v", err)
	}
	os.WriteFile(path, []byte(`{"1": "A", "2": "B"}`), 0o644)
	if _, err := ReadStoredExtractions(path); err == nil {
		t.Error("an id -> response map read as a results file")
	}
}
