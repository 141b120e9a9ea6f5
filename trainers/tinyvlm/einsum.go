package tinyvlm

import (
	"fmt"
	"strings"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
)

// smallDotFlops is where the Go backend (compute v0.1.2) switches from its
// "small" non-SIMD matmul kernels to the "large" one. The small kernels turn
// stored uintptrs back into pointers, which breaks the unsafe.Pointer rules:
// under `go test -race` (checkptr) every call aborts the process with
// "checkptr: pointer arithmetic result points to invalid allocation", and
// the `no_unsafe` tag meant to avoid them does not build. So in a race build
// (checkptrOn) a product below this size is computed as a broadcast multiply
// and a sum instead (3-5x slower); products at or above it, and every
// product in a normal build, go to DotGeneral.
const smallDotFlops = 4 * 1024 * 1024

// einsum is graph.Einsum for equations of single-letter axes with an
// explicit output ("bqhd,bkhd->bhqk"), avoiding the small matmul kernels.
func einsum(eq string, lhs, rhs *Node) *Node {
	ins, out, ok := strings.Cut(eq, "->")
	a, b, ok2 := strings.Cut(ins, ",")
	if !ok || !ok2 || len(a) != lhs.Rank() || len(b) != rhs.Rank() {
		panic(fmt.Sprintf("tinyvlm einsum %q: does not match operands of rank %d and %d", eq, lhs.Rank(), rhs.Rank()))
	}
	dims := map[byte]int{}
	for i := range a {
		dims[a[i]] = lhs.Shape().Dimensions[i]
	}
	for i := range b {
		dims[b[i]] = rhs.Shape().Dimensions[i]
	}
	flops := 1
	for _, d := range dims {
		flops *= d
	}
	if !checkptrOn || flops >= smallDotFlops {
		return Einsum(eq, lhs, rhs)
	}
	return broadcastEinsum(eq, a, b, out, dims, lhs, rhs)
}

// broadcastEinsum computes einsum as a broadcast multiply and a sum.
func broadcastEinsum(eq, a, b, out string, dims map[byte]int, lhs, rhs *Node) *Node {
	// All axes in order: the output's, then the contracted ones.
	all := out
	for _, s := range []string{a, b} {
		for i := range s {
			if !strings.Contains(all, s[i:i+1]) {
				all += s[i : i+1]
			}
		}
	}
	full := make([]int, len(all))
	for i := range all {
		full[i] = dims[all[i]]
	}
	spread := func(x *Node, labels string) *Node {
		// Transpose x to the order of all, then insert the missing axes.
		var perm []int
		var shape []int
		for i := range all {
			if j := strings.IndexByte(labels, all[i]); j >= 0 {
				perm = append(perm, j)
				shape = append(shape, dims[all[i]])
			} else {
				shape = append(shape, 1)
			}
		}
		x = TransposeAllAxes(x, perm...)
		return BroadcastToDims(Reshape(x, shape...), full...)
	}
	prod := Mul(spread(lhs, a), spread(rhs, b))
	var red []int
	for i := len(out); i < len(all); i++ {
		red = append(red, i)
	}
	if len(red) == 0 {
		return prod
	}
	return ReduceSum(prod, red...)
}
