package bench

import "github.com/vlmlab/harness/plugins/sdk"

// Aliases so evaluator code reads naturally inside this package's helpers.
type (
	Breakdown = sdk.Breakdown
	Row       = sdk.Row
)
