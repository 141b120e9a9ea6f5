package leaderboard_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/vlmlab/harness/leaderboard"
)

func TestCompare(t *testing.T) {
	pub := entry("vlaa-thinker-qwen2.5vl-3b", "VLAA-Thinker-Qwen2.5VL-3B", "4B", "model", 61.0, 24.4, 36.4, 18.2, 33.8, 38.5)
	row := func(name, title string, p, m float64, hasM bool) leaderboard.Row {
		r := leaderboard.Row{Benchmark: name, Title: title, Published: p, HasPublished: true, Measured: m, HasMeasured: hasM}
		if hasM {
			r.Delta = m - p
		}
		return r
	}
	for _, tc := range []struct {
		name     string
		pub      leaderboard.Entry
		measured map[string]float64
		want     []leaderboard.Row
	}{
		{"all six", pub, map[string]float64{
			"mathvista": 60.0, "mathvision": 25.4, "mathverse": 36.4, "dynamath": 17.0, "wemath": 35.0, "logicvista": 40.0,
		}, []leaderboard.Row{
			row("mathvista", "MathVista", 61.0, 60.0, true),
			row("mathvision", "MathVision", 24.4, 25.4, true),
			row("mathverse", "MathVerse", 36.4, 36.4, true),
			row("dynamath", "DynaMath", 18.2, 17.0, true),
			row("wemath", "WeMath", 33.8, 35.0, true),
			row("logicvista", "LogicVista", 38.5, 40.0, true),
			// mean of measured 213.8/6, of published 212.3/6: delta 0.25
			row("average", "Average", 212.3/6, 213.8/6, true),
		}},
		{"two measured, unknown key ignored", pub, map[string]float64{"mathvista": 62.5, "wemath": 30.0, "MathVista": 1}, []leaderboard.Row{
			row("mathvista", "MathVista", 61.0, 62.5, true),
			row("mathvision", "MathVision", 24.4, 0, false),
			row("mathverse", "MathVerse", 36.4, 0, false),
			row("dynamath", "DynaMath", 18.2, 0, false),
			row("wemath", "WeMath", 33.8, 30.0, true),
			row("logicvista", "LogicVista", 38.5, 0, false),
			row("average", "Average", 212.3/6, 0, false),
		}},
		{"nothing measured", pub, nil, []leaderboard.Row{
			row("mathvista", "MathVista", 61.0, 0, false),
			row("mathvision", "MathVision", 24.4, 0, false),
			row("mathverse", "MathVerse", 36.4, 0, false),
			row("dynamath", "DynaMath", 18.2, 0, false),
			row("wemath", "WeMath", 33.8, 0, false),
			row("logicvista", "LogicVista", 38.5, 0, false),
			row("average", "Average", 212.3/6, 0, false),
		}},
		{"published entry missing a score", entry("x", "X", "4B", "model", 50), map[string]float64{"mathvista": 40, "mathvision": 10}, []leaderboard.Row{
			row("mathvista", "MathVista", 50, 40, true),
			{Benchmark: "mathvision", Title: "MathVision", Measured: 10, HasMeasured: true},
			{Benchmark: "mathverse", Title: "MathVerse"},
			{Benchmark: "dynamath", Title: "DynaMath"},
			{Benchmark: "wemath", Title: "WeMath"},
			{Benchmark: "logicvista", Title: "LogicVista"},
			{Benchmark: "average", Title: "Average"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := leaderboard.Compare(tc.pub, tc.measured)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	avg := leaderboard.Compare(pub, map[string]float64{
		"mathvista": 60.0, "mathvision": 25.4, "mathverse": 36.4, "dynamath": 17.0, "wemath": 35.0, "logicvista": 40.0,
	})[6]
	if !approx(avg.Delta, 0.25) {
		t.Errorf("average delta = %v, want 0.25", avg.Delta)
	}
}

func TestBenchmarks(t *testing.T) {
	bs := leaderboard.Benchmarks()
	bs[0].Name = "changed"
	if leaderboard.Benchmarks()[0].Name != "mathvista" {
		t.Error("Benchmarks shares its slice between callers")
	}
	if b, ok := leaderboard.BenchmarkByName("wemath"); !ok || b.Title != "WeMath" {
		t.Errorf("BenchmarkByName(wemath) = %v, %v", b, ok)
	}
	if _, ok := leaderboard.BenchmarkByName("WeMath"); ok {
		t.Error("BenchmarkByName matched a title")
	}
}
