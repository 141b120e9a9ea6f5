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
}

// File is the local file name: the URL's last element, as VLMEvalKit names
// it under $LMUData.
func (s Source) File() string { return path.Base(s.URL) }

// sources is VLMEvalKit's table for the six benchmarks of the paper. MathVerse
// lives under a different folder of the same host, and its registered dataset
// name differs from its file name.
var sources = []Source{
	{"mathvista", "MathVista_MINI", "https://opencompass.openxlab.space/utils/VLMEval/MathVista_MINI.tsv", "f199b98e178e5a2a20e7048f5dcb0464", 1000},
	{"mathvision", "MathVision", "https://opencompass.openxlab.space/utils/VLMEval/MathVision.tsv", "93f6de14f7916e598aa1b7165589831e", 3040},
	{"mathverse", "MathVerse_MINI_Vision_Only", "http://opencompass.openxlab.space/utils/benchmarks/MathVerse/MathVerse_MINIVOnly.tsv", "68a11d4680014ac881fa37adeadea3a4", 788},
	{"dynamath", "DynaMath", "https://opencompass.openxlab.space/utils/VLMEval/DynaMath.tsv", "b8425ad9a7114571fc9366e013699494", 5010},
	{"wemath", "WeMath", "https://opencompass.openxlab.space/utils/VLMEval/WeMath.tsv", "b5e969a075f01290a542411fb7766388", 1740},
	{"logicvista", "LogicVista", "https://opencompass.openxlab.space/utils/VLMEval/LogicVista.tsv", "41c5d33adf33765c399e0e6ae588c061", 448},
}

// Sources returns the table, one entry per benchmark.
func Sources() []Source { return append([]Source(nil), sources...) }

// Lookup finds a benchmark by harness name or VLMEvalKit dataset name,
// ignoring case.
func Lookup(name string) (Source, error) {
	for _, s := range sources {
		if strings.EqualFold(name, s.Benchmark) || strings.EqualFold(name, s.Dataset) {
			return s, nil
		}
	}
	var names []string
	for _, s := range sources {
		names = append(names, s.Benchmark)
	}
	sort.Strings(names)
	return Source{}, fmt.Errorf("unknown benchmark %q: want one of %s (or a VLMEvalKit dataset name)", name, strings.Join(names, ", "))
}
