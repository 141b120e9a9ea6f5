package datafetch

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// Source is where one benchmark's VLMEvalKit TSV is published.
type Source struct {
	Benchmark string // harness benchmark name, e.g. "mathvista"
	Dataset   string // VLMEvalKit dataset name, e.g. "MathVista_MINI"
	URL       string
	MD5       string // hex, lower case
	Rows      int    // data rows the file holds
	// Option and Value are the benchmark option (harness.yaml
	// benchmarks[].options) that scores this dataset as VLMEvalKit does;
	// empty for the six the leaderboard scores.
	Option, Value string
}

// Options returns Option and Value as benchmark options (nil when none).
func (s Source) Options() map[string]string {
	if s.Option == "" {
		return nil
	}
	return map[string]string{s.Option: s.Value}
}

// File is the local file name: the URL's last element, as VLMEvalKit names
// it under $LMUData.
func (s Source) File() string { return path.Base(s.URL) }

// sources is VLMEvalKit's table for the six benchmarks of the paper. MathVerse
// lives under a different folder of the same host, and its registered dataset
// name differs from its file name.
var sources = []Source{
	{"mathvista", "MathVista_MINI", "https://opencompass.openxlab.space/utils/VLMEval/MathVista_MINI.tsv", "f199b98e178e5a2a20e7048f5dcb0464", 1000, "", ""},
	{"mathvision", "MathVision", "https://opencompass.openxlab.space/utils/VLMEval/MathVision.tsv", "93f6de14f7916e598aa1b7165589831e", 3040, "", ""},
	{"mathverse", "MathVerse_MINI_Vision_Only", "https://opencompass.openxlab.space/utils/benchmarks/MathVerse/MathVerse_MINIVOnly.tsv", "68a11d4680014ac881fa37adeadea3a4", 788, "", ""},
	{"dynamath", "DynaMath", "https://opencompass.openxlab.space/utils/VLMEval/DynaMath.tsv", "b8425ad9a7114571fc9366e013699494", 5010, "", ""},
	{"wemath", "WeMath", "https://opencompass.openxlab.space/utils/VLMEval/WeMath.tsv", "b5e969a075f01290a542411fb7766388", 1740, "", ""},
	{"logicvista", "LogicVista", "https://opencompass.openxlab.space/utils/VLMEval/LogicVista.tsv", "41c5d33adf33765c399e0e6ae588c061", 448, "", ""},
}

// variants are VLMEvalKit's other datasets of the same benchmarks (its
// vlmeval/dataset/image_vqa.py and image_mcq.py at e8e78f05, 2026-08-18),
// each scored by the benchmark's evaluator with the rules of the leaderboard
// dataset and the Options given. The _cot datasets and WeMath_COT share their
// base dataset's file: only the prompt differs. Rows of the MathVerse
// versions are 788 each and 3940 for all five (MathVerse testmini); they were
// not downloaded here.
var variants = []Source{
	{"mathverse", "MathVerse_MINI", "https://opencompass.openxlab.space/utils/benchmarks/MathVerse/MathVerse_MINIV.tsv", "5017caca32b7fa110c350a1bea861b65", 3940, "version", "all"},
	{"mathverse", "MathVerse_MINI_Vision_Only_cot", "https://opencompass.openxlab.space/utils/benchmarks/MathVerse/MathVerse_MINIVOnly.tsv", "68a11d4680014ac881fa37adeadea3a4", 788, "prompt", "cot"},
	{"mathverse", "MathVerse_MINI_Vision_Dominant", "https://opencompass.openxlab.space/utils/benchmarks/MathVerse/MathVerse_MINIVDom.tsv", "b8fb63852d261ab2aaefba29cc2414d3", 788, "version", "vision-dominant"},
	{"mathverse", "MathVerse_MINI_Vision_Intensive", "https://opencompass.openxlab.space/utils/benchmarks/MathVerse/MathVerse_MINIVInt.tsv", "01cbd35be202bb0c4873a4186a63bc19", 788, "version", "vision-intensive"},
	{"mathverse", "MathVerse_MINI_Text_Lite", "https://opencompass.openxlab.space/utils/benchmarks/MathVerse/MathVerse_MINITLite.tsv", "19e4b13bdd30b89a03b2e358bcfefa04", 788, "version", "text-lite"},
	{"mathverse", "MathVerse_MINI_Text_Dominant", "https://opencompass.openxlab.space/utils/benchmarks/MathVerse/MathVerse_MINITDom.tsv", "4f5cd2fa6630ea00bb11d6fde1f6fe6a", 788, "version", "text-dominant"},
	{"mathvision", "MathVision_MINI", "https://opencompass.openxlab.space/utils/VLMEval/MathVision_MINI.tsv", "060fe4fa5d868987ce179307bd5f8a33", 304, "subset", "mini"},
	{"wemath", "WeMath_COT", "https://opencompass.openxlab.space/utils/VLMEval/WeMath.tsv", "b5e969a075f01290a542411fb7766388", 1740, "prompt", "cot"},
}

// Sources returns the table, one entry per benchmark.
func Sources() []Source { return append([]Source(nil), sources...) }

// Variants returns VLMEvalKit's other datasets of the benchmarks, which
// Fetch and Lookup take by dataset name.
func Variants() []Source { return append([]Source(nil), variants...) }

// Lookup finds a benchmark by harness name or VLMEvalKit dataset name,
// ignoring case.
func Lookup(name string) (Source, error) {
	for _, s := range sources {
		if strings.EqualFold(name, s.Benchmark) || strings.EqualFold(name, s.Dataset) {
			return s, nil
		}
	}
	for _, s := range variants {
		if strings.EqualFold(name, s.Dataset) {
			return s, nil
		}
	}
	var names []string
	for _, s := range sources {
		names = append(names, s.Benchmark)
	}
	sort.Strings(names)
	for _, s := range variants {
		names = append(names, s.Dataset)
	}
	return Source{}, fmt.Errorf("unknown benchmark %q: want one of %s (or a VLMEvalKit dataset name)", name, strings.Join(names, ", "))
}
