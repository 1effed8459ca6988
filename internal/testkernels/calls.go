package testkernels

import (
	"context"

	"github.com/geobacter-go/geobacter/internal/testkernels/lib"
	"github.com/geobacter-go/geobacter/kernel"
)

func callCases() []Case {
	return []Case{
		{Name: "call/nested", Kernel: (*NestedCalls)(nil), Run: runNestedCalls, Want: wantNestedCalls},
	}
}

// CallResults is what NestedCalls computes for one item.
type CallResults struct {
	Poly  float64 // lib.Poly: three levels of calls
	Norm  float32 // lib.Norm2: a function calling a method
	Hash  uint32  // lib.Hash32: three levels, into math/bits
	Acc   lib.Acc // lib.Acc.Add on a local through a pointer receiver
	Q, R  int32   // lib.DivMod: two results
	Clamp int32   // lib.Clamp[int32]
}

// callItem is what NestedCalls computes from one item's inputs.
func callItem(x float64, v lib.Vec3, h uint32, vals [4]int32) CallResults {
	var acc lib.Acc
	for _, w := range vals {
		acc.Add(w)
	}
	d := vals[1] | 1 // never zero
	q, r := lib.DivMod(vals[0], d)
	return CallResults{
		Poly:  lib.Poly(x, [4]float64{1, -0.5, 0.25, 3}),
		Norm:  lib.Norm2(v),
		Hash:  lib.Hash32(h),
		Acc:   acc,
		Q:     q,
		R:     r,
		Clamp: lib.Clamp(vals[2], -1000, 1000),
	}
}

// NestedCalls calls helpers in package lib: chains of calls several levels deep, value and
// pointer methods, a function with two results and a generic function.
type NestedCalls struct {
	X    []float64
	V    []lib.Vec3
	H    []uint32
	Vals [][4]int32
	Out  []CallResults
}

func (k *NestedCalls) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = callItem(k.X[i], k.V[i], k.H[i], k.Vals[i])
}

type nestedIn struct {
	x    []float64
	v    []lib.Vec3
	h    []uint32
	vals [][4]int32
}

func newNestedIn() (in nestedIn) {
	const n = 128
	r := newRand(601)
	in.h = intValues[uint32](602, n)
	for range n {
		in.x = append(in.x, r.NormFloat64()*4)
		in.v = append(in.v, lib.Vec3{X: float32(r.NormFloat64()), Y: float32(r.NormFloat64()), Z: float32(r.NormFloat64())})
		in.vals = append(in.vals, [4]int32{int32(r.Uint32()), int32(r.IntN(100) - 50), int32(r.IntN(4001) - 2000), int32(r.Uint32())})
	}
	return in
}

func runNestedCalls(ctx context.Context, t *Target) (Outputs, error) {
	in := newNestedIn()
	k := &NestedCalls{X: upload(t, in.x), V: upload(t, in.v), H: upload(t, in.h), Vals: upload(t, in.vals),
		Out: alloc[CallResults](t, len(in.x))}
	err := launch(ctx, t, shape1(len(in.x), 32).grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantNestedCalls() Outputs {
	in := newNestedIn()
	out := make([]CallResults, len(in.x))
	for i := range out {
		out[i] = callItem(in.x[i], in.v[i], in.h[i], in.vals[i])
	}
	return Outputs{"out": out}
}
