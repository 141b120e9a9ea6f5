//go:build !race

package tinyvlm

// checkptrOn: the race detector turns on checkptr (see smallDotFlops).
const checkptrOn = false
