package sdk

import pb "github.com/vlmlab/harness/plugins/proto/harness/v1"

func partsToPB(parts []Part) []*pb.Part {
	out := make([]*pb.Part, len(parts))
	for i, p := range parts {
		if p.Image != nil {
			out[i] = &pb.Part{Kind: &pb.Part_Image{Image: &pb.Image{Path: p.Image.Path, Data: p.Image.Data, Mime: p.Image.MIME}}}
		} else {
			out[i] = &pb.Part{Kind: &pb.Part_Text{Text: p.Text}}
		}
	}
	return out
}

func partsFromPB(parts []*pb.Part) []Part {
	out := make([]Part, len(parts))
	for i, p := range parts {
		if img := p.GetImage(); img != nil {
			out[i] = Part{Image: &Image{Path: img.GetPath(), Data: img.GetData(), MIME: img.GetMime()}}
		} else {
			out[i] = Part{Text: p.GetText()}
		}
	}
	return out
}

func checkpointToPB(c *Checkpoint) *pb.Checkpoint {
	if c == nil {
		return nil
	}
	return &pb.Checkpoint{Dir: c.Dir, Format: c.Format, Parent: c.Parent, Files: c.Files, Hash: c.Hash}
}

func checkpointFromPB(c *pb.Checkpoint) *Checkpoint {
	if c == nil {
		return nil
	}
	return &Checkpoint{Dir: c.GetDir(), Format: c.GetFormat(), Parent: c.GetParent(), Files: c.GetFiles(), Hash: c.GetHash()}
}

func datasetInfoToPB(session string, d DatasetInfo) *pb.DatasetInfo {
	return &pb.DatasetInfo{
		Session: session, Benchmark: d.Benchmark, Path: d.Path, DataHash: d.DataHash,
		Count: int32(d.Count), Expected: int32(d.Expected), Partial: d.Partial, Synthetic: d.Synthetic,
	}
}

func datasetInfoFromPB(d *pb.DatasetInfo) DatasetInfo {
	return DatasetInfo{
		Benchmark: d.GetBenchmark(), Path: d.GetPath(), DataHash: d.GetDataHash(),
		Count: int(d.GetCount()), Expected: int(d.GetExpected()), Partial: d.GetPartial(), Synthetic: d.GetSynthetic(),
	}
}

func judgeRequestToPB(q JudgeRequest) *pb.JudgeRequest {
	return &pb.JudgeRequest{Key: q.Key, ItemId: q.ItemID, Stage: q.Stage, Attempt: int32(q.Attempt),
		System: q.System, Prompt: q.Prompt, Temperature: q.Temperature, MaxTokens: int32(q.MaxTokens)}
}

func judgeRequestFromPB(q *pb.JudgeRequest) JudgeRequest {
	return JudgeRequest{Key: q.GetKey(), ItemID: q.GetItemId(), Stage: q.GetStage(), Attempt: int(q.GetAttempt()),
		System: q.GetSystem(), Prompt: q.GetPrompt(), Temperature: q.GetTemperature(), MaxTokens: int(q.GetMaxTokens())}
}

func reportToPB(r *Report) *pb.Report {
	out := &pb.Report{
		Benchmark: r.Benchmark, Profile: r.Profile, Judge: r.Judge, Postprocess: r.Postprocess, Dataset: datasetInfoToPB("", r.Dataset),
		Primary: r.Primary, Score: r.Score, Rule: int32(r.Rule), Judged: int32(r.Judged), Unresolved: int32(r.Unresolved), Quirks: quirksToPB(r.Quirks),
	}
	for _, m := range r.Metrics {
		out.Metrics = append(out.Metrics, &pb.Metric{Name: m.Name, Value: m.Value})
	}
	for _, b := range r.Breakdowns {
		pbb := &pb.Breakdown{Name: b.Name}
		for _, row := range b.Rows {
			pbb.Rows = append(pbb.Rows, &pb.Row{Key: row.Key, Total: int32(row.Total), Hit: row.Hit, Value: row.Value})
		}
		out.Breakdowns = append(out.Breakdowns, pbb)
	}
	return out
}

func reportFromPB(r *pb.Report, items []ItemResult) *Report {
	out := &Report{
		Benchmark: r.GetBenchmark(), Profile: r.GetProfile(), Judge: r.GetJudge(), Postprocess: r.GetPostprocess(), Dataset: datasetInfoFromPB(r.GetDataset()),
		Primary: r.GetPrimary(), Score: r.GetScore(), Items: items,
		Rule: int(r.GetRule()), Judged: int(r.GetJudged()), Unresolved: int(r.GetUnresolved()), Quirks: quirksFromPB(r.GetQuirks()),
	}
	for _, m := range r.GetMetrics() {
		out.Metrics = append(out.Metrics, Metric{Name: m.GetName(), Value: m.GetValue()})
	}
	for _, b := range r.GetBreakdowns() {
		bd := Breakdown{Name: b.GetName()}
		for _, row := range b.GetRows() {
			bd.Rows = append(bd.Rows, Row{Key: row.GetKey(), Total: int(row.GetTotal()), Hit: row.GetHit(), Value: row.GetValue()})
		}
		out.Breakdowns = append(out.Breakdowns, bd)
	}
	return out
}

func itemResultToPB(it ItemResult) *pb.ItemResult {
	return &pb.ItemResult{Id: it.ID, Response: it.Response, Extracted: it.Extracted, Path: it.Path, Hit: it.Hit, Reason: it.Reason, Quirk: it.Quirk}
}

func itemResultFromPB(it *pb.ItemResult) ItemResult {
	return ItemResult{ID: it.GetId(), Response: it.GetResponse(), Extracted: it.GetExtracted(), Path: it.GetPath(), Hit: it.GetHit(), Reason: it.GetReason(), Quirk: it.GetQuirk()}
}

func paramsToPB(p GenerateParams) *pb.GenerateParams {
	return &pb.GenerateParams{MaxTokens: int32(p.MaxTokens), Temperature: p.Temperature, TopP: p.TopP, TopK: int32(p.TopK), Seed: p.Seed, Stop: p.Stop, N: int32(p.N), RepetitionPenalty: p.RepetitionPenalty}
}

func paramsFromPB(p *pb.GenerateParams) GenerateParams {
	return GenerateParams{MaxTokens: int(p.GetMaxTokens()), Temperature: p.GetTemperature(), TopP: p.GetTopP(), TopK: int(p.GetTopK()), Seed: p.GetSeed(), Stop: p.GetStop(), N: int(p.GetN()), RepetitionPenalty: p.GetRepetitionPenalty()}
}

func quirksToPB(m map[string]int) map[string]int32 {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]int32, len(m))
	for k, v := range m {
		out[k] = int32(v)
	}
	return out
}

func quirksFromPB(m map[string]int32) map[string]int {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = int(v)
	}
	return out
}
