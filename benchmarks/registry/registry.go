// Package registry declares the six benchmarks of the paper once: the name
// every config, run record, published entry and evaluator plugin uses, the
// title and column of the public leaderboard, and the VLMEvalKit datasets
// (with their MD5s) the data commands fetch. Everything that lists the
// benchmarks (data fetch and import, the synthetic toy world, the leaderboard,
// the matrix runner's column order, the built-in evaluators) reads this table
// instead of keeping its own list, so adding or correcting a benchmark is one
// edit here.
//
// It holds plain data and imports nothing of the project: any package,
// the evaluators themselves included, may import it without a cycle. The
// code that belongs to a benchmark (its evaluator, importer and synthetic
// writer) stays where it is implemented, in a table keyed by Name that its
// package's tests check against this one with Covers.
package registry

import (
	"fmt"
	"slices"
	"strings"
)

// The benchmark names: the keys in harness.yaml, run records, the
// leaderboard's YAML entries and the evaluator plugins' names.
const (
	MathVista  = "mathvista"
	MathVision = "mathvision"
	MathVerse  = "mathverse"
	DynaMath   = "dynamath"
	WeMath     = "wemath"
	LogicVista = "logicvista"
)

// Benchmark is one benchmark's declaration.
type Benchmark struct {
	Name string
	// Title heads the benchmark's published column: the paper's Table 4 and
	// the Open LMM Reasoning Leaderboard spell it so.
	Title string
	// Order is the column's place in the leaderboard, 0 first; reports and
	// the matrix list the benchmarks in it too.
	Order int
	// Source is the VLMEvalKit dataset the leaderboard scores.
	Source Source
	// Variants are VLMEvalKit's other datasets of the benchmark, each scored
	// by its evaluator with the leaderboard dataset's rules and the options
	// it names.
	Variants []Source
}

// Source is where one VLMEvalKit TSV is published.
type Source struct {
	Dataset string // VLMEvalKit's dataset name, e.g. "MathVista_MINI"
	URL     string
	MD5     string // hex, lower case
	Rows    int    // data rows (items) the file holds
	// Option and Value are the benchmark option (harness.yaml
	// benchmarks[].options) that scores a variant as VLMEvalKit does; empty
	// for the dataset the leaderboard scores.
	Option, Value string
}

const vlmeval = "https://opencompass.openxlab.space/utils/VLMEval/"

// mathverseFiles is the folder MathVerse's TSVs live in: a different one
// from the other benchmarks', on the same host.
const mathverseFiles = "https://opencompass.openxlab.space/utils/benchmarks/MathVerse/"

// declared is the table. Its sources and variants follow VLMEvalKit's
// vlmeval/dataset/image_vqa.py and image_mcq.py at e8e78f05 (2026-08-18).
// The _cot datasets and WeMath_COT share their base dataset's file: only the
// prompt differs. The MathVerse versions hold 788 rows each and 3940 for all
// five (MathVerse testmini). An array, so nothing can append to it; the
// functions below hand out copies.
var declared = [...]Benchmark{
	{
		Name: MathVista, Title: "MathVista", Order: 0,
		Source: Source{Dataset: "MathVista_MINI", URL: vlmeval + "MathVista_MINI.tsv", MD5: "f199b98e178e5a2a20e7048f5dcb0464", Rows: 1000},
	},
	{
		Name: MathVision, Title: "MathVision", Order: 1,
		Source: Source{Dataset: "MathVision", URL: vlmeval + "MathVision.tsv", MD5: "93f6de14f7916e598aa1b7165589831e", Rows: 3040},
		Variants: []Source{
			{Dataset: "MathVision_MINI", URL: vlmeval + "MathVision_MINI.tsv", MD5: "060fe4fa5d868987ce179307bd5f8a33", Rows: 304, Option: "subset", Value: "mini"},
		},
	},
	{
		// The registered dataset name differs from its file's name.
		Name: MathVerse, Title: "MathVerse", Order: 2,
		Source: Source{Dataset: "MathVerse_MINI_Vision_Only", URL: mathverseFiles + "MathVerse_MINIVOnly.tsv", MD5: "68a11d4680014ac881fa37adeadea3a4", Rows: 788},
		Variants: []Source{
			{Dataset: "MathVerse_MINI", URL: mathverseFiles + "MathVerse_MINIV.tsv", MD5: "5017caca32b7fa110c350a1bea861b65", Rows: 3940, Option: "version", Value: "all"},
			{Dataset: "MathVerse_MINI_Vision_Only_cot", URL: mathverseFiles + "MathVerse_MINIVOnly.tsv", MD5: "68a11d4680014ac881fa37adeadea3a4", Rows: 788, Option: "prompt", Value: "cot"},
			{Dataset: "MathVerse_MINI_Vision_Dominant", URL: mathverseFiles + "MathVerse_MINIVDom.tsv", MD5: "b8fb63852d261ab2aaefba29cc2414d3", Rows: 788, Option: "version", Value: "vision-dominant"},
			{Dataset: "MathVerse_MINI_Vision_Intensive", URL: mathverseFiles + "MathVerse_MINIVInt.tsv", MD5: "01cbd35be202bb0c4873a4186a63bc19", Rows: 788, Option: "version", Value: "vision-intensive"},
			{Dataset: "MathVerse_MINI_Text_Lite", URL: mathverseFiles + "MathVerse_MINITLite.tsv", MD5: "19e4b13bdd30b89a03b2e358bcfefa04", Rows: 788, Option: "version", Value: "text-lite"},
			{Dataset: "MathVerse_MINI_Text_Dominant", URL: mathverseFiles + "MathVerse_MINITDom.tsv", MD5: "4f5cd2fa6630ea00bb11d6fde1f6fe6a", Rows: 788, Option: "version", Value: "text-dominant"},
		},
	},
	{
		Name: DynaMath, Title: "DynaMath", Order: 3,
		Source: Source{Dataset: "DynaMath", URL: vlmeval + "DynaMath.tsv", MD5: "b8425ad9a7114571fc9366e013699494", Rows: 5010},
	},
	{
		Name: WeMath, Title: "WeMath", Order: 4,
		Source: Source{Dataset: "WeMath", URL: vlmeval + "WeMath.tsv", MD5: "b5e969a075f01290a542411fb7766388", Rows: 1740},
		Variants: []Source{
			{Dataset: "WeMath_COT", URL: vlmeval + "WeMath.tsv", MD5: "b5e969a075f01290a542411fb7766388", Rows: 1740, Option: "prompt", Value: "cot"},
		},
	},
	{
		Name: LogicVista, Title: "LogicVista", Order: 5,
		Source: Source{Dataset: "LogicVista", URL: vlmeval + "LogicVista.tsv", MD5: "41c5d33adf33765c399e0e6ae588c061", Rows: 448},
	},
}

// All returns the benchmarks in leaderboard order. The slice and the
// variants in it are fresh copies: no caller can change them for another.
func All() []Benchmark {
	out := make([]Benchmark, len(declared))
	for i, b := range declared {
		b.Variants = slices.Clone(b.Variants)
		out[i] = b
	}
	slices.SortStableFunc(out, func(a, b Benchmark) int { return a.Order - b.Order })
	return out
}

// Names returns the benchmark names in leaderboard order.
func Names() []string {
	all := All()
	names := make([]string, len(all))
	for i, b := range all {
		names[i] = b.Name
	}
	return names
}

// Lookup finds a benchmark by its name (exact: names are lower case).
func Lookup(name string) (Benchmark, bool) {
	for _, b := range All() {
		if b.Name == name {
			return b, true
		}
	}
	return Benchmark{}, false
}

// Order returns a benchmark's leaderboard column. Any other name gets the
// column after the last, so that sorting by Order lists it after the six.
func Order(name string) int {
	if b, ok := Lookup(name); ok {
		return b.Order
	}
	return len(declared)
}

// Covers checks that a table keyed by benchmark name (a package's importers,
// synthetic writers or evaluators) has exactly the declared benchmarks:
// what says what the table holds, for the error.
func Covers[V any](what string, table map[string]V) error {
	var missing, unknown []string
	for _, n := range Names() {
		if _, ok := table[n]; !ok {
			missing = append(missing, n)
		}
	}
	for n := range table {
		if _, ok := Lookup(n); !ok {
			unknown = append(unknown, n)
		}
	}
	slices.Sort(unknown)
	var problems []string
	if len(missing) > 0 {
		problems = append(problems, "no entry for "+strings.Join(missing, ", "))
	}
	if len(unknown) > 0 {
		problems = append(problems, "entries for undeclared "+strings.Join(unknown, ", "))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %s (the benchmarks are declared in benchmarks/registry)", what, strings.Join(problems, "; "))
	}
	return nil
}
