package testkernels

import (
	"context"

	"github.com/geobacter-go/geobacter/internal/testkernels/lib"
	"github.com/geobacter-go/geobacter/kernel"
)

func genericCases() []Case {
	return []Case{
		scaleCase[float32]("generic/scale-float32"),
		scaleCase[float64]("generic/scale-float64"),
		scaleCase[int32]("generic/scale-int32"),
		groupSumCase[int32]("generic/group-sum-int32"),
		groupSumCase[float64]("generic/group-sum-float64"),
		{Name: "generic/helpers", Kernel: (*GenericHelpers)(nil), Run: runGenericHelpers, Want: wantGenericHelpers},
	}
}

// scalar is the element types of the generic kernels.
type scalar interface{ float32 | float64 | int32 }

// genericShape is the grid of the generic kernels: groups of 32, the last one partial.
var genericShape = shape1(300, 32)

// Scale is a generic kernel, instantiated at float32, float64 and int32: Y[i] = A·X[i] + B, the
// product rounded to T before the sum.
type Scale[T scalar] struct {
	A, B T
	X, Y []T
}

func (k *Scale[T]) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Y[i] = scale(k.A, k.X[i], k.B)
}

// scale is A·x + B with the product rounded to T, so that no compiler fuses it.
func scale[T scalar](a, x, b T) T { return T(a*x) + b }

// genericIn returns genericShape's inputs for T: halves of small integers (truncated for int32),
// which every T holds exactly.
func genericIn[T scalar](seed uint64) []T {
	r := newRand(seed)
	x := make([]T, genericShape.items())
	for i := range x {
		x[i] = T(r.IntN(2001)-1000) / 2
	}
	return x
}

func scaleCase[T scalar](name string) Case {
	const a, b = 3, -7
	return Case{
		Name:   name,
		Kernel: (*Scale[T])(nil),
		Run: func(ctx context.Context, t *Target) (Outputs, error) {
			x := genericIn[T](401)
			k := &Scale[T]{A: a, B: b, X: upload(t, x), Y: alloc[T](t, len(x))}
			err := launch(ctx, t, genericShape.grid(), k)
			return Outputs{"y": k.Y}, err
		},
		Want: func() Outputs {
			x := genericIn[T](401)
			y := make([]T, len(x))
			for i := range x {
				y[i] = T(a*x[i]) + b
			}
			return Outputs{"y": y}
		},
	}
}

// GroupSum is a generic kernel with generic shared memory: each group's first work-item sums the
// group's inputs in order from a Shared[[32]T] after a barrier. Sums[g] is group g's sum.
type GroupSum[T scalar] struct {
	In   []T
	Sums []T
}

func (k *GroupSum[T]) Kernel(it kernel.Item) {
	tile := kernel.Shared[[32]T](it)
	l := it.LocalID(0)
	tile[l] = k.In[it.GlobalID(0)]
	it.Barrier()
	if l == 0 {
		var s T
		for j := range groupItems(it) {
			s += tile[j]
		}
		k.Sums[it.GroupID(0)] = s
	}
}

func groupSumCase[T scalar](name string) Case {
	groups := chunks(genericShape.global[0], genericShape.local[0])
	return Case{
		Name:   name,
		Kernel: (*GroupSum[T])(nil),
		Run: func(ctx context.Context, t *Target) (Outputs, error) {
			k := &GroupSum[T]{In: upload(t, genericIn[T](402)), Sums: alloc[T](t, len(groups))}
			err := launch(ctx, t, genericShape.grid(), k)
			return Outputs{"sums": k.Sums}, err
		},
		Want: func() Outputs {
			in := genericIn[T](402)
			sums := make([]T, len(groups))
			for g, c := range groups {
				for _, v := range in[c[0]:c[1]] {
					sums[g] += v
				}
			}
			return Outputs{"sums": sums}
		},
	}
}

// Clamped is what GenericHelpers computes for one item.
type Clamped struct {
	I8   int8    // lib.Clamp[int8]
	F64  float64 // lib.Clamp[float64]
	U16  uint16  // lib.Sum[uint16] over a window of the buffer
	DotI int32   // dot[int32]
	DotF float32 // dot[float32]
}

// dot is the dot product of two arrays of any scalar type, summed in order with each product
// rounded to T.
func dot[T scalar](a, b [4]T) T {
	var s T
	for i := range a {
		s += T(a[i] * b[i])
	}
	return s
}

// GenericHelpers calls generic functions at several instantiations from one kernel: lib.Clamp and
// lib.Sum across the package boundary, and this package's dot.
type GenericHelpers struct {
	I8  []int8
	F64 []float64
	U16 []uint16
	VI  [][4]int32
	VF  [][4]float32
	Out []Clamped
}

func (k *GenericHelpers) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	n := len(k.VI)
	k.Out[i] = Clamped{
		I8:   lib.Clamp(k.I8[i], -100, 100),
		F64:  lib.Clamp(k.F64[i], -1, 1),
		U16:  lib.Sum(k.U16[i : i+3]),
		DotI: dot(k.VI[i], k.VI[(i+1)%n]),
		DotF: dot(k.VF[i], k.VF[(i+1)%n]),
	}
}

// genericHelperItems is the number of work-items of GenericHelpers.
const genericHelperItems = 64

type genericHelpersIn struct {
	i8  []int8
	f64 []float64
	u16 []uint16
	vi  [][4]int32
	vf  [][4]float32
}

func newGenericHelpersIn() (in genericHelpersIn) {
	n := genericHelperItems
	in.i8 = intValues[int8](403, n)
	in.f64 = append(float64Edges(), 1.5, -1.5, 0.25)
	r := newRand(404)
	for len(in.f64) < n {
		in.f64 = append(in.f64, r.NormFloat64())
	}
	in.u16 = intValues[uint16](405, n+2)
	for range n {
		var vi [4]int32
		var vf [4]float32
		for j := range 4 {
			vi[j] = int32(r.Uint32())
			vf[j] = float32(r.NormFloat64())
		}
		in.vi, in.vf = append(in.vi, vi), append(in.vf, vf)
	}
	return in
}

func runGenericHelpers(ctx context.Context, t *Target) (Outputs, error) {
	in := newGenericHelpersIn()
	k := &GenericHelpers{I8: upload(t, in.i8), F64: upload(t, in.f64), U16: upload(t, in.u16),
		VI: upload(t, in.vi), VF: upload(t, in.vf), Out: alloc[Clamped](t, genericHelperItems)}
	err := launch(ctx, t, shape1(genericHelperItems, 16).grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantGenericHelpers() Outputs {
	in := newGenericHelpersIn()
	n := genericHelperItems
	out := make([]Clamped, n)
	for i := range out {
		var dotI int32
		var dotF float32
		a, b := in.vi[i], in.vi[(i+1)%n]
		fa, fb := in.vf[i], in.vf[(i+1)%n]
		for j := range 4 {
			dotI += a[j] * b[j]
			dotF += float32(fa[j] * fb[j])
		}
		out[i] = Clamped{
			I8:   min(max(in.i8[i], -100), 100),
			F64:  min(max(in.f64[i], -1), 1),
			U16:  in.u16[i] + in.u16[i+1] + in.u16[i+2],
			DotI: dotI,
			DotF: dotF,
		}
	}
	return Outputs{"out": out}
}
