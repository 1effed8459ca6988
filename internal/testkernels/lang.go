package testkernels

import (
	"context"

	"github.com/geobacter-go/geobacter/kernel"
)

func langCases() []Case {
	return []Case{
		{Name: "lang/control-flow", Kernel: (*ControlFlow)(nil), Run: runControlFlow, Want: wantControlFlow},
		{Name: "lang/slices", Kernel: (*SliceOps)(nil), Run: runSliceOps, Want: wantSliceOps},
	}
}

// controlFlow is what ControlFlow computes for x: {the Collatz steps of x+1 (a loop whose trip
// count depends on the data, capped at 300), a switch with fallthrough, labelled break and
// continue in nested loops, an early return}.
func controlFlow(x uint32) [4]int32 {
	var steps int32
	for n := uint64(x) + 1; n != 1 && steps < 300; steps++ {
		if n%2 == 0 {
			n /= 2
		} else {
			n = 3*n + 1
		}
	}

	var class int32
	switch x % 6 {
	case 0:
		class += 1
		fallthrough
	case 1:
		class += 10
	case 2, 3:
		class += 100
	default:
		class = -1
	}

	var pairs int32
outer:
	for a := uint32(0); a < x%13; a++ {
		for b := uint32(0); b < 13; b++ {
			switch {
			case b > a:
				continue outer
			case a*b > 40:
				break outer
			}
			pairs++
		}
	}
	return [4]int32{steps, class, pairs, sign(int32(x))}
}

// sign returns -1, 0 or 1 through early returns.
func sign(v int32) int32 {
	if v < 0 {
		return -1
	}
	if v == 0 {
		return 0
	}
	return 1
}

// ControlFlow checks Go's control flow in a kernel: loops with data-dependent trip counts
// (divergent between work-items), switch with fallthrough, labelled break and continue, and
// early returns.
type ControlFlow struct {
	X   []uint32
	Out [][4]int32
}

func (k *ControlFlow) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = controlFlow(k.X[i])
}

func controlFlowIn() []uint32 {
	x := make([]uint32, 0, 300)
	for i := range 200 {
		x = append(x, uint32(i))
	}
	return append(x, intValues[uint32](701, 100)...)
}

func runControlFlow(ctx context.Context, t *Target) (Outputs, error) {
	x := controlFlowIn()
	k := &ControlFlow{X: upload(t, x), Out: alloc[[4]int32](t, len(x))}
	err := launch(ctx, t, shape1(len(x), 64).grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantControlFlow() Outputs { return Outputs{"out": mapSlice(controlFlowIn(), controlFlow)} }

// SliceOps checks slicing of buffers (two- and three-index), len and cap of the results, copy
// between buffers and range over a slice. Each work-item i copies In[i:i+4] to its 4 elements of
// Out, and records {the count copy returned, len(In[i:]), cap(In[i:i+2:i+3]), len(In[i:i+2:i+3])}
// and the sum of In[i:i+2:i+3] extended to its capacity.
type SliceOps struct {
	In   []int32
	Out  []int32
	Lens [][4]int
	Sums []int64
}

func (k *SliceOps) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	window := k.In[i : i+4]
	n := copy(k.Out[4*i:4*i+4], window)
	tail := k.In[i:]
	three := k.In[i : i+2 : i+3]
	k.Lens[i] = [4]int{n, len(tail), cap(three), len(three)}
	var s int64
	for _, v := range three[:cap(three)] {
		s += int64(v)
	}
	k.Sums[i] = s
}

// sliceItems is the number of work-items of SliceOps; In has 4 more elements.
const sliceItems = 100

func runSliceOps(ctx context.Context, t *Target) (Outputs, error) {
	in := intValues[int32](702, sliceItems+4)
	k := &SliceOps{In: upload(t, in), Out: alloc[int32](t, 4*sliceItems), Lens: alloc[[4]int](t, sliceItems), Sums: alloc[int64](t, sliceItems)}
	err := launch(ctx, t, shape1(sliceItems, 32).grid(), k)
	return Outputs{"out": k.Out, "lens": k.Lens, "sums": k.Sums}, err
}

func wantSliceOps() Outputs {
	in := intValues[int32](702, sliceItems+4)
	out := make([]int32, 0, 4*sliceItems)
	lens := make([][4]int, sliceItems)
	sums := make([]int64, sliceItems)
	for i := range sliceItems {
		out = append(out, in[i], in[i+1], in[i+2], in[i+3])
		lens[i] = [4]int{4, len(in) - i, 3, 2}
		sums[i] = int64(in[i]) + int64(in[i+1]) + int64(in[i+2])
	}
	return Outputs{"out": out, "lens": lens, "sums": sums}
}
