package remote

import (
	"math"
	"strconv"
)

// Float is a float64 that always encodes as a JSON float: 1 is written "1.0",
// never "1". encoding/json writes whole floats without a decimal point, and
// Python's json module then reads them as int; OpenRLHF turns a list of ints
// into an int64 tensor, and its group normalisation (mean/std over the group)
// fails on integer tensors. Every number the reward server returns is a Float.
type Float float64

// MarshalJSON writes f in the shortest form that reads back exactly, with
// ".0" added when that form has neither a decimal point nor an exponent.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		// Rewards are in [0, 1] and never NaN; a non-finite value here is a bug,
		// and JSON has no spelling for it. 0 keeps the batch trainable.
		v = 0
	}
	b := strconv.AppendFloat(nil, v, 'g', -1, 64)
	for _, c := range b {
		if c == '.' || c == 'e' {
			return b, nil
		}
	}
	return append(b, '.', '0'), nil
}
