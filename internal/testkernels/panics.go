package testkernels

import (
	"context"
	"fmt"

	"github.com/geobacter-go/geobacter/internal/testkernels/lib"
	"github.com/geobacter-go/geobacter/kernel"
)

// panicShape is the grid of the 1D panic cases: 4 groups of 16.
var panicShape = shape1(64, 16)

// panicItem is the work-item that panics in the 1D panic cases: not the first of its group.
const panicItem = 37

// indexError is Go's message for an index out of range.
func indexError(index, length int) string {
	return fmt.Sprintf("runtime error: index out of range [%d] with length %d", index, length)
}

func panicCases() []Case {
	n := panicShape.items()
	item := [3]int{panicItem, 0, 0}
	return []Case{
		{
			Name: "panic/index", Kernel: (*PanicIndex)(nil), Run: runPanicIndex,
			Panic: &PanicWant{Kernel: "testkernels.PanicIndex", Pos: panicAt(".", "PanicIndex.Kernel"),
				Msg: exactly(indexError(n+6, n)), WorkItem: item},
		},
		{
			Name: "panic/slice", Kernel: (*PanicSlice)(nil), Run: runPanicSlice,
			Panic: &PanicWant{Kernel: "testkernels.PanicSlice", Pos: panicAt(".", "PanicSlice.Kernel"),
				Msg: exactly(fmt.Sprintf("runtime error: slice bounds out of range [:%d] with capacity %d", n+6, n)), WorkItem: item},
		},
		{
			Name: "panic/nil", Kernel: (*PanicNil)(nil), Run: runPanicNil,
			Panic: &PanicWant{Kernel: "testkernels.PanicNil", Pos: panicAt(".", "PanicNil.Kernel"),
				Msg: exactly("runtime error: invalid memory address or nil pointer dereference"), WorkItem: item},
		},
		{
			Name: "panic/divide", Kernel: (*PanicDivide)(nil), Run: runPanicDivide,
			Panic: &PanicWant{Kernel: "testkernels.PanicDivide", Pos: panicAt(".", "PanicDivide.Kernel"),
				Msg: exactly("runtime error: integer divide by zero"), WorkItem: divideItem},
		},
		{
			Name: "panic/modulo", Kernel: (*PanicModulo)(nil), Run: runPanicModulo,
			Panic: &PanicWant{Kernel: "testkernels.PanicModulo", Pos: panicAt(".", "PanicModulo.Kernel"),
				Msg: exactly("runtime error: integer divide by zero"), WorkItem: item},
		},
		{
			Name: "panic/explicit", Kernel: (*PanicExplicit)(nil), Run: runPanicExplicit,
			Panic: &PanicWant{Kernel: "testkernels.PanicExplicit", Pos: panicAt(".", "PanicExplicit.Kernel"),
				Msg: exactly(explicitPanic), WorkItem: item},
		},
		{
			Name: "panic/helper", Kernel: (*PanicHelper)(nil), Run: runPanicHelper,
			Panic: &PanicWant{Kernel: "testkernels.PanicHelper", Pos: panicAt("lib", "element"),
				Msg: exactly(indexError(n, n)), WorkItem: item},
		},
		{
			Name: "panic/shift", Kernel: (*PanicShift)(nil), Run: runPanicShift,
			Panic: &PanicWant{Kernel: "testkernels.PanicShift", Pos: panicAt(".", "PanicShift.Kernel"),
				Msg: exactly("runtime error: negative shift amount"), WorkItem: item},
		},
		{
			Name: "panic/array", Kernel: (*PanicArray)(nil), Run: runPanicArray,
			Panic: &PanicWant{Kernel: "testkernels.PanicArray", Pos: panicAt(".", "PanicArray.Kernel"),
				Msg: exactly(indexError(privateLen, privateLen)), WorkItem: item},
		},
		{
			Name: "panic/affine-index", Kernel: (*PanicAffine)(nil), Run: runPanicAffine,
			Panic: &PanicWant{Kernel: "testkernels.PanicAffine", Pos: panicAt(".", "PanicAffine.Kernel"),
				Msg: exactly(indexError(affineItem, affineItem)), WorkItem: [3]int{affineItem, 0, 0}},
		},
		afterBarrierCase("panic/after-barrier", panicItem),
		afterBarrierCase("panic/after-barrier-leader", 2*panicShape.local[0]),
	}
}

// counting returns first, first+1, ..., first+n-1, except value at index bad.
func counting(n int, first int32, bad int, value int32) []int32 {
	v := make([]int32, n)
	for i := range v {
		v[i] = first + int32(i)
	}
	v[bad] = value
	return v
}

// PanicIndex indexes a buffer with an index from a buffer: out of range in work-item 37.
type PanicIndex struct {
	Idx, Out []int32
}

func (k *PanicIndex) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[k.Idx[i]] = int32(i) // want panic
}

func runPanicIndex(ctx context.Context, t *Target) (Outputs, error) {
	n := panicShape.items()
	k := &PanicIndex{Idx: upload(t, counting(n, 0, panicItem, int32(n+6))), Out: alloc[int32](t, n)}
	return nil, launch(ctx, t, panicShape.grid(), k)
}

// PanicSlice slices a buffer up to a bound from a buffer: beyond its capacity in work-item 37.
type PanicSlice struct {
	In, Hi, Out []int32
}

func (k *PanicSlice) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	s := k.In[i:k.Hi[i]] // want panic
	k.Out[i] = int32(len(s))
}

func runPanicSlice(ctx context.Context, t *Target) (Outputs, error) {
	n := panicShape.items()
	hi := counting(n, 1, panicItem, int32(n+6))
	k := &PanicSlice{In: alloc[int32](t, n), Hi: upload(t, hi), Out: alloc[int32](t, n)}
	return nil, launch(ctx, t, panicShape.grid(), k)
}

// Node is a buffer element reached through a pointer that may be nil.
type Node struct {
	Value int32
	Next  int32
}

// find returns &nodes[j], or nil for a negative j.
func find(nodes []Node, j int32) *Node {
	if j < 0 {
		return nil
	}
	return &nodes[j]
}

// PanicNil dereferences a pointer that a helper returns: nil in work-item 37.
type PanicNil struct {
	Nodes []Node
	Idx   []int32
	Out   []int32
}

func (k *PanicNil) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	p := find(k.Nodes, k.Idx[i])
	k.Out[i] = p.Value // want panic
}

func runPanicNil(ctx context.Context, t *Target) (Outputs, error) {
	n := panicShape.items()
	k := &PanicNil{Nodes: alloc[Node](t, n), Idx: upload(t, counting(n, 0, panicItem, -1)), Out: alloc[int32](t, n)}
	return nil, launch(ctx, t, panicShape.grid(), k)
}

// divideShape is PanicDivide's 2D grid, and divideItem the work-item that divides by zero.
var (
	divideShape = shape2(16, 8, 4, 4)
	divideItem  = [3]int{3, 5, 0}
)

// PanicDivide divides by a divisor from a buffer in a 2D grid: zero in work-item (3, 5).
type PanicDivide struct {
	A, B, Out []int32
}

func (k *PanicDivide) Kernel(it kernel.Item) {
	i := it.GlobalID(1)*it.GlobalSize(0) + it.GlobalID(0)
	k.Out[i] = k.A[i] / k.B[i] // want panic
}

func runPanicDivide(ctx context.Context, t *Target) (Outputs, error) {
	n := divideShape.items()
	b := counting(n, 1, linear(divideItem[0], divideItem[1], 0, divideShape.global), 0)
	k := &PanicDivide{A: upload(t, intValues[int32](901, n)), B: upload(t, b), Out: alloc[int32](t, n)}
	return nil, launch(ctx, t, divideShape.grid(), k)
}

// PanicModulo takes an int64 remainder by a divisor from a buffer: zero in work-item 37.
type PanicModulo struct {
	A, B, Out []int64
}

func (k *PanicModulo) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = k.A[i] % k.B[i] // want panic
}

func runPanicModulo(ctx context.Context, t *Target) (Outputs, error) {
	n := panicShape.items()
	b := make([]int64, n)
	for i := range b {
		b[i] = int64(i) + 1
	}
	b[panicItem] = 0
	k := &PanicModulo{A: upload(t, intValues[int64](902, n)), B: upload(t, b), Out: alloc[int64](t, n)}
	return nil, launch(ctx, t, panicShape.grid(), k)
}

// explicitPanic is PanicExplicit's panic value.
const explicitPanic = "testkernels: negative input"

// PanicExplicit calls panic with a string constant: for a negative input, in work-item 37.
type PanicExplicit struct {
	In, Out []int32
}

func (k *PanicExplicit) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	if k.In[i] < 0 {
		panic(explicitPanic) // want panic
	}
	k.Out[i] = k.In[i] * 2
}

func runPanicExplicit(ctx context.Context, t *Target) (Outputs, error) {
	n := panicShape.items()
	k := &PanicExplicit{In: upload(t, counting(n, 0, panicItem, -5)), Out: alloc[int32](t, n)}
	return nil, launch(ctx, t, panicShape.grid(), k)
}

// PanicHelper indexes through lib.Gather, which panics two calls down in package lib: the
// position is lib's line.
type PanicHelper struct {
	In, Idx, Out []int32
}

func (k *PanicHelper) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = lib.Gather(k.In, k.Idx, i)
}

func runPanicHelper(ctx context.Context, t *Target) (Outputs, error) {
	n := panicShape.items()
	k := &PanicHelper{In: alloc[int32](t, n), Idx: upload(t, counting(n, 0, panicItem, int32(n))), Out: alloc[int32](t, n)}
	return nil, launch(ctx, t, panicShape.grid(), k)
}

// PanicShift shifts by a signed count from a buffer: negative in work-item 37.
type PanicShift struct {
	In, Count, Out []int32
}

func (k *PanicShift) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = k.In[i] << k.Count[i] // want panic
}

func runPanicShift(ctx context.Context, t *Target) (Outputs, error) {
	n := panicShape.items()
	k := &PanicShift{In: upload(t, intValues[int32](903, n)), Count: upload(t, counting(n, 0, panicItem, -1)), Out: alloc[int32](t, n)}
	return nil, launch(ctx, t, panicShape.grid(), k)
}

// privateLen is the length of PanicArray's private array.
const privateLen = 8

// PanicArray indexes a private (local) array with an index from a buffer: out of range in
// work-item 37.
type PanicArray struct {
	Idx, Out []int32
}

func (k *PanicArray) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	var a [privateLen]int32
	for j := range a {
		a[j] = int32(i * j)
	}
	k.Out[i] = a[k.Idx[i]] // want panic
}

func runPanicArray(ctx context.Context, t *Target) (Outputs, error) {
	n := panicShape.items()
	idx := counting(n, 0, panicItem, privateLen)
	for i := range idx {
		if i != panicItem {
			idx[i] %= privateLen
		}
	}
	k := &PanicArray{Idx: upload(t, idx), Out: alloc[int32](t, n)}
	return nil, launch(ctx, t, panicShape.grid(), k)
}

// PanicAfterBarrier indexes a shared array after a barrier, out of range in one work-item: a
// follower of its group (work-item 37) or a group's first work-item (32), while the others of its
// group are past the barrier.
type PanicAfterBarrier struct {
	Idx, Out []int32
}

func (k *PanicAfterBarrier) Kernel(it kernel.Item) {
	tile := kernel.Shared[[16]int32](it)
	i, l := it.GlobalID(0), it.LocalID(0)
	tile[l] = int32(i)
	it.Barrier()
	k.Out[i] = tile[k.Idx[i]] // want panic
}

func afterBarrierCase(name string, bad int) Case {
	return Case{
		Name:   name,
		Kernel: (*PanicAfterBarrier)(nil),
		Run: func(ctx context.Context, t *Target) (Outputs, error) {
			n, size := panicShape.items(), panicShape.local[0]
			idx := make([]int32, n)
			for i := range idx {
				idx[i] = int32((i + 1) % size)
			}
			idx[bad] = int32(size)
			k := &PanicAfterBarrier{Idx: upload(t, idx), Out: alloc[int32](t, n)}
			return nil, launch(ctx, t, panicShape.grid(), k)
		},
		Panic: &PanicWant{Kernel: "testkernels.PanicAfterBarrier", Pos: panicAt(".", "PanicAfterBarrier.Kernel"),
			Msg: exactly(indexError(panicShape.local[0], panicShape.local[0])), WorkItem: [3]int{bad, 0, 0}},
	}
}

// affineItem is the work-item of PanicAffine that indexes out of range: the last of a grid of
// 38 in groups of 16, so that it is in a partial group where the others are in range.
const affineItem = 37

// PanicAffine indexes Out, one element too short, at an index affine in the work-item's id
// (Stride 1, Off 0 from the arguments): only the grid's last work-item is out of range.
type PanicAffine struct {
	Stride, Off int
	Out         []int32
}

func (k *PanicAffine) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i*k.Stride+k.Off] = int32(i) // want panic
}

func runPanicAffine(ctx context.Context, t *Target) (Outputs, error) {
	k := &PanicAffine{Stride: 1, Out: alloc[int32](t, affineItem)}
	return nil, launch(ctx, t, shape1(affineItem+1, 16).grid(), k)
}
