package mathvista

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// scriptedJudge answers attempt i of an item's extraction with script[id][i];
// "!error" makes the host report a failed call. It records every request.
type scriptedJudge struct {
	script   map[string][]string
	requests []sdk.JudgeRequest
}

func (j *scriptedJudge) answer(q sdk.JudgeRequest) sdk.JudgeAnswer {
	j.requests = append(j.requests, q)
	s := j.script[q.ItemID]
	if q.Attempt >= len(s) {
		return sdk.JudgeAnswer{Key: q.Key, Error: "script has no answer"}
	}
	if s[q.Attempt] == "!error" {
		return sdk.JudgeAnswer{Key: q.Key, Error: "rate limited"}
	}
	return sdk.JudgeAnswer{Key: q.Key, Text: s[q.Attempt]}
}

func loadMini(t *testing.T, profile, judge string) *Dataset {
	t.Helper()
	ds, err := Load(context.Background(), sdk.LoadRequest{Path: "testdata/mini", Profile: profile, Judge: judge, AllowPartial: true})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// want is the part of an item result a case checks.
type want struct {
	Extracted string
	Path      string
	Hit       bool
}

func runCases(t *testing.T, ds *Dataset, judge *scriptedJudge, responses map[string]string, wants map[string]want) *sdk.Report {
	t.Helper()
	var rs []sdk.Response
	for id, text := range responses {
		rs = append(rs, sdk.Response{ItemID: id, Text: text})
	}
	var jf bench.JudgeFunc
	if judge != nil {
		jf = judge.answer
	}
	rep, err := bench.Drive(context.Background(), ds, rs, jf)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]want{}
	for _, it := range rep.Items {
		if _, ok := wants[it.ID]; ok {
			got[it.ID] = want{it.Extracted, it.Path, it.Hit}
		}
	}
	if diff := cmp.Diff(wants, got); diff != "" {
		t.Errorf("item results (-want +got):\n%s", diff)
	}
	return rep
}

func TestLeaderboardRules(t *testing.T) {
	tests := []struct {
		name     string
		response map[string]string
		script   map[string][]string
		want     map[string]want
	}{{
		name:     "choice letter prefetched from the answer tag",
		response: map[string]string{"1": "<think>3 of 11 are white</think><answer>(B)</answer>"},
		want:     map[string]want{"1": {"B", sdk.PathRule, true}},
	}, {
		name:     "refusal prefetches Z and scores wrong without a judge call",
		response: map[string]string{"1": "Cannot determine the answer"},
		want:     map[string]want{"1": {"Z", sdk.PathRule, false}},
	}, {
		name:     "choice text goes to the judge when no letter is found",
		response: map[string]string{"1": "Eight of the eleven parts are blue, so that fraction is my answer to this"},
		script:   map[string][]string{"1": {"B"}},
		want:     map[string]want{"1": {"B", sdk.PathJudge, true}},
	}, {
		name:     "the judge's option text is matched by can_infer",
		response: map[string]string{"7": "It bends."},
		script:   map[string][]string{"7": {"no"}},
		want:     map[string]want{"7": {"no", sdk.PathJudge, true}},
	}, {
		name:     "whole-response integer equal to the answer is prefetched",
		response: map[string]string{"2": " 14\n"},
		want:     map[string]want{"2": {"14", sdk.PathRule, true}},
	}, {
		name:     "14.0 is not int: judge, whose 14.0 misses too",
		response: map[string]string{"2": "14.0"},
		script:   map[string][]string{"2": {"14.0"}},
		want:     map[string]want{"2": {"14.0", sdk.PathJudge, false}},
	}, {
		name:     "a wrong whole-response integer is not prefetched",
		response: map[string]string{"2": "13"},
		script:   map[string][]string{"2": {"13"}},
		want:     map[string]want{"2": {"13", sdk.PathJudge, false}},
	}, {
		name:     "zero never prefetches (Python's falsy 0)",
		response: map[string]string{"6": "0", "8": "0.0"},
		script:   map[string][]string{"6": {"0"}, "8": {"0"}},
		want:     map[string]want{"6": {"0", sdk.PathJudge, true}, "8": {"0", sdk.PathJudge, true}},
	}, {
		name:     "float prefetch compares values: 1.50 == 1.5",
		response: map[string]string{"3": "1.50"},
		want:     map[string]want{"3": {"1.5", sdk.PathRule, true}},
	}, {
		name:     "float hit is exact: 1.53 is not 1.5 although it rounds to it",
		response: map[string]string{"3": "AB is about 1.53"},
		script:   map[string][]string{"3": {"1.53"}},
		want:     map[string]want{"3": {"1.53", sdk.PathJudge, false}},
	}, {
		name:     "list answers never hit (str(None) bug)",
		response: map[string]string{"5": "[2014, 2016]"},
		script:   map[string][]string{"5": {"[2014, 2016]"}},
		want:     map[string]want{"5": {"[2014, 2016]", sdk.PathJudge, false}},
	}, {
		name:     "failed judge calls are retried; the FAIL message counts as failed",
		response: map[string]string{"2": "fourteen"},
		script:   map[string][]string{"2": {"!error", "Failed to obtain answer via API.", "14"}},
		want:     map[string]want{"2": {"14", sdk.PathJudge, true}},
	}, {
		name:     "five failed attempts leave the item unresolved",
		response: map[string]string{"2": "fourteen"},
		script:   map[string][]string{"2": {"!error", "!error", "!error", "!error", "!error"}},
		want:     map[string]want{"2": {"", sdk.PathJudgeFailed, false}},
	}, {
		// VLAA-Thinker's post-processing passes a reply with no answer
		// block whole: the judge reads it.
		name:     "cut off while thinking goes to the judge whole",
		response: map[string]string{"2": "<think>Let me count the cubes: 1, 2, 3"},
		script:   map[string][]string{"2": {"3"}},
		want:     map[string]want{"2": {"3", sdk.PathJudge, false}},
	}, {
		name:     "the answer block is the answer",
		response: map[string]string{"2": "<think>count</think> <answer> 14 </answer>"},
		want:     map[string]want{"2": {"14", sdk.PathRule, true}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			judge := &scriptedJudge{script: tt.script}
			ds := loadMini(t, sdk.ProfileLeaderboard, "gpt-4o-mini")
			runCases(t, ds, judge, tt.response, tt.want)
			for _, q := range judge.requests {
				if q.Temperature != 0.5*float64(q.Attempt) || q.MaxTokens != 128 || q.Stage != stageExtract {
					t.Errorf("request %s: temperature %v, max tokens %d, stage %q; want %v, 128, extract", q.Key, q.Temperature, q.MaxTokens, q.Stage, 0.5*float64(q.Attempt))
				}
				text, _ := bench.FinalText(ds.post, sdk.Response{Text: tt.response[q.ItemID]}, true)
				p, _ := ds.Problem(q.ItemID)
				if q.Prompt != LeaderboardPrompt(p.Query, text) {
					t.Errorf("request %s: prompt is not the leaderboard prompt of the item's query and final answer", q.Key)
				}
			}
		})
	}
}

func TestOfficialRules(t *testing.T) {
	tests := []struct {
		name     string
		response map[string]string
		script   map[string][]string
		want     map[string]want
	}{{
		name:     "a response that is exactly a choice needs no judge",
		response: map[string]string{"1": "8/11"},
		want:     map[string]want{"1": {"8/11", sdk.PathRule, true}},
	}, {
		name:     "a letter extraction maps to its option text",
		response: map[string]string{"1": "The correct answer is (B) 8/11."},
		script:   map[string][]string{"1": {"(B) 8/11"}},
		want:     map[string]want{"1": {"(B) 8/11", sdk.PathJudge, true}},
	}, {
		name:     "any other extraction takes the nearest option",
		response: map[string]string{"7": "It is not straight."},
		script:   map[string][]string{"7": {"Nope"}},
		want:     map[string]want{"7": {"Nope", sdk.PathJudge, true}},
	}, {
		// --quick_extract is off, as in the authors' run scripts (issue 10
		// item 4): the GPT extractor reads this response.
		name:     "no quick extract by default",
		response: map[string]string{"2": `I counted them. The answer is "14".`},
		script:   map[string][]string{"2": {"14"}},
		want:     map[string]want{"2": {"14", sdk.PathJudge, true}},
	}, {
		name:     "14.0 is read as int(float()) after extraction",
		response: map[string]string{"2": "14.0"},
		script:   map[string][]string{"2": {"14.0"}},
		want:     map[string]want{"2": {"14.0", sdk.PathJudge, true}},
	}, {
		name:     "float extraction is rounded to the precision",
		response: map[string]string{"3": "1.53", "4": "AB/CD = 0.2549"},
		script:   map[string][]string{"4": {"0.2549"}},
		want:     map[string]want{"3": {"1.53", sdk.PathRule, true}, "4": {"0.2549", sdk.PathJudge, true}},
	}, {
		name:     "list compared as text",
		response: map[string]string{"5": "The peak is between 2014 and 2016."},
		script:   map[string][]string{"5": {"[2014, 2016]"}},
		want:     map[string]want{"5": {"[2014, 2016]", sdk.PathJudge, true}},
	}, {
		name:     "zero is a number like any other",
		response: map[string]string{"6": "0", "8": "0"},
		want:     map[string]want{"6": {"0", sdk.PathRule, true}, "8": {"0.0", sdk.PathRule, true}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			judge := &scriptedJudge{script: tt.script}
			runCases(t, loadMini(t, sdk.ProfileOfficial, "gpt-4"), judge, tt.response, tt.want)
			for _, q := range judge.requests {
				if q.Temperature != 0 || q.MaxTokens != 1024 || q.Attempt != 0 {
					t.Errorf("request %s: temperature %v, max tokens %d; want one call at 0, 1024", q.Key, q.Temperature, q.MaxTokens)
				}
				if !strings.HasSuffix(q.Prompt, "\n\n"+tt.response[q.ItemID]+"\n\nExtracted answer: ") {
					t.Errorf("request %s: prompt does not end with the response", q.Key)
				}
			}
		})
	}
}

// Without a judge, items whose rules find nothing are wrong and unresolved,
// and the report comes in one round.
func TestNoJudge(t *testing.T) {
	for _, profile := range []string{sdk.ProfileLeaderboard, sdk.ProfileOfficial} {
		t.Run(profile, func(t *testing.T) {
			ds := loadMini(t, profile, "")
			res, err := ds.Score(context.Background(), []sdk.Response{
				{ItemID: "1", Text: "I think it is eight elevenths of the shape"},
				{ItemID: "2", Text: "14"},
				{ItemID: "3", Failed: true, Error: "timeout"},
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Report == nil {
				t.Fatalf("pending %d judge requests without a judge", len(res.Pending))
			}
			reasons := map[string]string{}
			for _, it := range res.Report.Items {
				if it.Hit != (it.ID == "2") {
					t.Errorf("item %s: hit %v", it.ID, it.Hit)
				}
				reasons[it.ID] = it.Reason
			}
			wantReasons := map[string]string{
				"1": "rules found no answer and no judge is configured",
				"2": "",
				"3": "model failed: timeout",
				"4": "no response", "5": "no response", "6": "no response", "7": "no response", "8": "no response",
			}
			if diff := cmp.Diff(wantReasons, reasons); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
			if r := res.Report; r.Rule != 1 || r.Unresolved != 7 || r.Score != 12.5 || r.Primary != PrimaryMetric || r.Profile != profile {
				t.Errorf("report: rule %d unresolved %d score %v primary %q profile %q", r.Rule, r.Unresolved, r.Score, r.Primary, r.Profile)
			}
		})
	}
}

func TestUnknownResponse(t *testing.T) {
	ds := loadMini(t, sdk.ProfileLeaderboard, "")
	_, err := ds.Score(context.Background(), []sdk.Response{{ItemID: "999", Text: "1"}}, nil)
	if err == nil || !strings.Contains(err.Error(), `[999]`) {
		t.Fatalf("want an error naming item 999, got %v", err)
	}
}

func TestJudgePromptsMatchUpstream(t *testing.T) {
	const query = "Hint: Please answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, at the end.\nQuestion: How many cubes?"
	const pred = "I count 14 cubes."
	for file, got := range map[string]string{
		"testdata/leaderboard_prompt.golden": LeaderboardPrompt(query, pred),
		"testdata/official_prompt.golden":    OfficialPrompt(query, pred),
	} {
		want := readFile(t, file)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-upstream +ours):\n%s", file, diff)
		}
	}
}

func TestScoreExtractions(t *testing.T) {
	tests := []struct {
		profile string
		want    map[string]bool
	}{
		// VLMEvalKit's stored res: "14.0" is no int, list never hits.
		{sdk.ProfileLeaderboard, map[string]bool{"1": true, "2": false, "3": true, "5": false}},
		// Official normalisation: int(float("14.0")), lists compared as text.
		{sdk.ProfileOfficial, map[string]bool{"1": true, "2": true, "3": true, "5": true}},
	}
	for _, tt := range tests {
		ds := loadMini(t, tt.profile, "")
		rep, err := ds.ScoreExtractions(map[string]string{"1": "B", "2": "14.0", "3": "1.5", "5": "[2014, 2016]"})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, it := range rep.Items {
			if _, ok := tt.want[it.ID]; ok {
				got[it.ID] = it.Hit
			} else if it.Path != sdk.PathUnresolved || it.Reason != "no extraction" {
				t.Errorf("%s: item %s without extraction: %+v", tt.profile, it.ID, it)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s hits (-want +got):\n%s", tt.profile, diff)
		}
		if _, err := ds.ScoreExtractions(map[string]string{"77": "1"}); err == nil || !strings.Contains(err.Error(), "[77]") {
			t.Errorf("unknown pid: %v", err)
		}
	}
}

// Issue 10 items 3 and 4: upstream extracts "" from an empty response
// without GPT, and a multiple-choice "" normalises to the shortest option
// (pid 7: "No", the gold, so it scores); zero-width spaces are not empty.
// The quick_extract option restores the `The answer is "…".` rule.
func TestOfficialEmptyAndQuickExtract(t *testing.T) {
	load := func(opts map[string]string) *Dataset {
		ds, err := Load(context.Background(), sdk.LoadRequest{Path: "testdata/mini", Profile: sdk.ProfileOfficial, Judge: "gpt-4",
			AllowPartial: true, Options: opts})
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}
	judge := &scriptedJudge{script: map[string][]string{"3": {"1.5"}}}
	runCases(t, load(nil), judge, map[string]string{"1": "", "7": "", "2": "", "3": "\u200b\u200b"}, map[string]want{
		"1": {"", sdk.PathQuirk, false}, "7": {"", sdk.PathQuirk, true}, "2": {"", sdk.PathQuirk, false},
		"3": {"1.5", sdk.PathJudge, true},
	})
	runCases(t, load(map[string]string{"quick_extract": "on"}), &scriptedJudge{}, map[string]string{"2": `The answer is "14".`},
		map[string]want{"2": {"14", sdk.PathRule, true}})
	for _, opts := range []map[string]string{{"quick_extract": "yes"}, {"quick": "on"}} {
		if _, err := Load(context.Background(), sdk.LoadRequest{Path: "testdata/mini", Profile: sdk.ProfileOfficial, AllowPartial: true, Options: opts}); err == nil {
			t.Errorf("options %v accepted", opts)
		}
	}
	if _, err := Load(context.Background(), sdk.LoadRequest{Path: "testdata/mini", Profile: sdk.ProfileLeaderboard, AllowPartial: true,
		Options: map[string]string{"quick_extract": "on"}}); err == nil || !strings.Contains(err.Error(), "official profile") {
		t.Errorf("quick_extract in the leaderboard profile: %v", err)
	}
}
