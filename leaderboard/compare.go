package leaderboard

// Row is one line of a published-versus-measured comparison.
type Row struct {
	// Benchmark is a Benchmark.Name, or AverageName for the last row.
	Benchmark string
	// Title is how to show it ("MathVista", "Average").
	Title string
	// Published is the published score in percent points; for the average
	// row it is the mean of the six published scores, so that it compares
	// like with like with the measured mean (the printed average can
	// differ, see Entry.ReportedAvgMismatch).
	Published    float64
	HasPublished bool
	// Measured is the harness's score in percent points.
	Measured    float64
	HasMeasured bool
	// Delta is Measured − Published (positive: the reproduction scored
	// higher); zero unless both are present.
	Delta float64
}

// Compare lines up an entry's published scores with measured ones (percent
// points keyed by Benchmark.Name, as the evaluators name themselves), one
// row per benchmark in display order plus an average row. The average row
// has a measured value only when all six benchmarks were measured: a mean
// over fewer is not comparable. Keys of measured that are not benchmark
// names are ignored; use BenchmarkByName to reject them first.
func Compare(published Entry, measured map[string]float64) []Row {
	var rows []Row
	for _, b := range Benchmarks() {
		r := Row{Benchmark: b.Name, Title: b.Title}
		r.Published, r.HasPublished = published.Scores[b.Name]
		r.Measured, r.HasMeasured = measured[b.Name]
		rows = append(rows, r.withDelta())
	}
	avg := Row{Benchmark: AverageName, Title: "Average"}
	avg.Published, avg.HasPublished = published.Average()
	avg.Measured, avg.HasMeasured = mean(measured)
	return append(rows, avg.withDelta())
}

func (r Row) withDelta() Row {
	if r.HasPublished && r.HasMeasured {
		r.Delta = r.Measured - r.Published
	}
	return r
}
