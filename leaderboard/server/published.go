package server

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vlmlab/harness/leaderboard"
	"github.com/vlmlab/harness/leaderboard/store"
)

// Published turns a published entry (a YAML file of submissions/) into a
// leaderboard row marked reported: its numbers were copied from the source,
// not scored here.
func Published(e leaderboard.Entry) store.Entry {
	params, _ := strconv.ParseFloat(strings.TrimSuffix(e.Params, "B"), 64)
	bucket := store.BucketOf(params)
	if params == 0 {
		// The source printed no count; its size filter still places it.
		switch e.Scale {
		case "4B":
			bucket = "<4B"
		case "7B":
			bucket = "4-10B"
		}
	}
	scores := make(map[string]float64, len(e.Scores))
	for k, v := range e.Scores {
		scores[k] = v
	}
	avg := e.ReportedAvg
	d := store.Detail{Method: e.Method, BaseModel: e.BaseModel, LLM: e.LLM, Vision: e.VisionEncoder, Notes: e.Notes, ReportedAvg: &avg,
		Reproduce: "harness eval --endpoint URL --model NAME --data-dir DIR --compare " + e.ID}
	for _, s := range e.Sources {
		d.Sources = append(d.Sources, store.Source{Ref: s.Ref, URL: s.URL, Date: s.Date})
	}
	typ := e.Type
	if typ == "" {
		typ = "unknown"
	}
	return store.Entry{ID: e.ID, Model: e.Model, Organisation: e.Organisation, ParamsB: params, Bucket: bucket,
		Type: typ, Kind: e.Kind, Profile: e.Profile, EvalDate: e.EvalDate, Scores: scores, Detail: d}
}

// SeedPublished writes every published entry into st (replacing the rows of
// the same ids, keeping any admin's hide or flag).
func SeedPublished(ctx context.Context, st store.Store, entries []leaderboard.Entry) error {
	rows := make([]store.Entry, len(entries))
	now := time.Now()
	for i, e := range entries {
		rows[i] = Published(e)
		rows[i].Updated = now
	}
	if err := st.PutEntries(ctx, rows); err != nil {
		return fmt.Errorf("load the published entries: %w", err)
	}
	return nil
}
