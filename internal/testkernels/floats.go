package testkernels

import (
	"context"
	"math"

	"github.com/geobacter-go/geobacter/kernel"
)

func floatCases() []Case {
	return []Case{
		{Name: "float/arith64", Kernel: (*FloatArith64)(nil), Run: runFloatArith64, Want: wantFloatArith64},
		{Name: "float/arith32", Kernel: (*FloatArith32)(nil), Run: runFloatArith32, Want: wantFloatArith32},
		{Name: "float/compare", Kernel: (*FloatCompare)(nil), Run: runFloatCompare, Want: wantFloatCompare},
		{Name: "float/minmax", Kernel: (*FloatMinMax)(nil), Run: runFloatMinMax, Want: wantFloatMinMax},
		{Name: "float/convert", Kernel: (*FloatConvert)(nil), Run: runFloatConvert, Want: wantFloatConvert},
	}
}

// FloatArith64 checks float64 arithmetic on every pair of corner cases (NaN, ±0, ±Inf,
// subnormals, the largest finite values): Out[i] is {a+b, a-b, a*b, a/b, -a}. Division by zero is
// not a panic for floats.
type FloatArith64 struct {
	A, B []float64
	Out  [][5]float64
}

func (k *FloatArith64) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	a, b := k.A[i], k.B[i]
	k.Out[i] = [5]float64{a + b, a - b, a * b, a / b, -a}
}

// arithRef is {a+b, a-b, a*b, a/b, -a} for each pair.
func arithRef[T float32 | float64](a, b []T) [][5]T {
	out := make([][5]T, len(a))
	for i := range a {
		out[i] = [5]T{a[i] + b[i], a[i] - b[i], a[i] * b[i], a[i] / b[i], -a[i]}
	}
	return out
}

func runFloatArith64(ctx context.Context, t *Target) (Outputs, error) {
	a, b := floatPairs(float64Edges())
	k := &FloatArith64{A: upload(t, a), B: upload(t, b), Out: alloc[[5]float64](t, len(a))}
	err := launch(ctx, t, shape1(len(a), 64).grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantFloatArith64() Outputs {
	a, b := floatPairs(float64Edges())
	return Outputs{"out": arithRef(a, b)}
}

// FloatArith32 is FloatArith64 for float32.
type FloatArith32 struct {
	A, B []float32
	Out  [][5]float32
}

func (k *FloatArith32) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	a, b := k.A[i], k.B[i]
	k.Out[i] = [5]float32{a + b, a - b, a * b, a / b, -a}
}

func runFloatArith32(ctx context.Context, t *Target) (Outputs, error) {
	a, b := floatPairs(float32Edges())
	k := &FloatArith32{A: upload(t, a), B: upload(t, b), Out: alloc[[5]float32](t, len(a))}
	err := launch(ctx, t, shape1(len(a), 64).grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantFloatArith32() Outputs {
	a, b := floatPairs(float32Edges())
	return Outputs{"out": arithRef(a, b)}
}

// FloatCompare checks the comparison operators with NaN (every comparison is false except !=),
// -0 == +0 and infinities, in float64 and in float32 (the same pairs, converted): Out*[i] is
// {a < b, a <= b, a > b, a >= b, a == b, a != b}.
type FloatCompare struct {
	A, B  []float64
	Out64 [][6]bool
	Out32 [][6]bool
}

func (k *FloatCompare) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	a, b := k.A[i], k.B[i]
	k.Out64[i] = [6]bool{a < b, a <= b, a > b, a >= b, a == b, a != b}
	a32, b32 := float32(a), float32(b)
	k.Out32[i] = [6]bool{a32 < b32, a32 <= b32, a32 > b32, a32 >= b32, a32 == b32, a32 != b32}
}

func runFloatCompare(ctx context.Context, t *Target) (Outputs, error) {
	a, b := floatPairs(float64Edges())
	k := &FloatCompare{A: upload(t, a), B: upload(t, b), Out64: alloc[[6]bool](t, len(a)), Out32: alloc[[6]bool](t, len(a))}
	err := launch(ctx, t, shape1(len(a), 64).grid(), k)
	return Outputs{"out64": k.Out64, "out32": k.Out32}, err
}

func wantFloatCompare() Outputs {
	a, b := floatPairs(float64Edges())
	out64 := make([][6]bool, len(a))
	out32 := make([][6]bool, len(a))
	for i := range a {
		x, y := a[i], b[i]
		out64[i] = [6]bool{x < y, x <= y, x > y, x >= y, x == y, x != y}
		x32, y32 := float32(x), float32(y)
		out32[i] = [6]bool{x32 < y32, x32 <= y32, x32 > y32, x32 >= y32, x32 == y32, x32 != y32}
	}
	return Outputs{"out64": out64, "out32": out32}
}

// FloatMinMax checks the min and max builtins: a NaN argument gives NaN, min(-0, +0) is -0 and
// max(-0, +0) is +0 in either order, with two and three arguments: Out*[i] is {min(a, b),
// max(a, b), min(a, b, 1), max(a, b, -1)}.
type FloatMinMax struct {
	A, B  []float64
	Out64 [][4]float64
	Out32 [][4]float32
}

func (k *FloatMinMax) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	a, b := k.A[i], k.B[i]
	k.Out64[i] = [4]float64{min(a, b), max(a, b), min(a, b, 1), max(a, b, -1)}
	a32, b32 := float32(a), float32(b)
	k.Out32[i] = [4]float32{min(a32, b32), max(a32, b32), min(a32, b32, 1), max(a32, b32, -1)}
}

func runFloatMinMax(ctx context.Context, t *Target) (Outputs, error) {
	a, b := floatPairs(float64Edges())
	k := &FloatMinMax{A: upload(t, a), B: upload(t, b), Out64: alloc[[4]float64](t, len(a)), Out32: alloc[[4]float32](t, len(a))}
	err := launch(ctx, t, shape1(len(a), 64).grid(), k)
	return Outputs{"out64": k.Out64, "out32": k.Out32}, err
}

func wantFloatMinMax() Outputs {
	a, b := floatPairs(float64Edges())
	out64 := make([][4]float64, len(a))
	out32 := make([][4]float32, len(a))
	for i := range a {
		x, y := a[i], b[i]
		out64[i] = [4]float64{min(x, y), max(x, y), min(x, y, 1), max(x, y, -1)}
		x32, y32 := float32(x), float32(y)
		out32[i] = [4]float32{min(x32, y32), max(x32, y32), min(x32, y32, 1), max(x32, y32, -1)}
	}
	return Outputs{"out64": out64, "out32": out32}
}

// FloatConversion is what FloatConvert computes for one item.
type FloatConversion struct {
	Narrowed float32 // float32(F64): rounded to nearest even, to ±Inf above the range, to subnormals or ±0 below
	Widened  float64 // float64(float32(F64))
	Exact    float64 // float64(F32): exact
	Bits64   uint64  // math.Float64bits(F64)
	Bits32   uint32  // math.Float32bits(float32(F64)), with a NaN canonicalised to 0x7fc00000
	From32   float32 // math.Float32frombits(U32)
	From64   float64 // math.Float64frombits(U64)
	Round32  uint32  // math.Float32bits(math.Float32frombits(U32)): bits kept, NaN payloads too
	Round64  uint64  // math.Float64bits(math.Float64frombits(U64))
}

// convertFloat is what FloatConvert computes from one item's inputs. The payload of a NaN after
// a conversion between float types is not specified, so Bits32 canonicalises it; a NaN that is
// only moved keeps its bits.
func convertFloat(f64 float64, f32 float32, u32 uint32, u64 uint64) FloatConversion {
	n := float32(f64)
	bits32 := math.Float32bits(n)
	if n != n {
		bits32 = 0x7fc0_0000
	}
	return FloatConversion{
		Narrowed: n, Widened: float64(n), Exact: float64(f32),
		Bits64: math.Float64bits(f64), Bits32: bits32,
		From32: math.Float32frombits(u32), From64: math.Float64frombits(u64),
		Round32: math.Float32bits(math.Float32frombits(u32)), Round64: math.Float64bits(math.Float64frombits(u64)),
	}
}

// FloatConvert checks conversions between float32 and float64 (rounding to nearest even, overflow
// to infinity, underflow to subnormals and zero, NaN and -0) and math's bit conversions.
type FloatConvert struct {
	F64 []float64
	F32 []float32
	U32 []uint32
	U64 []uint64
	Out []FloatConversion
}

func (k *FloatConvert) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = convertFloat(k.F64[i], k.F32[i], k.U32[i], k.U64[i])
}

// floatConvertIn returns FloatConvert's inputs, all of one length.
func floatConvertIn() (f64 []float64, f32 []float32, u32 []uint32, u64 []uint64) {
	f64 = append(float64Edges(),
		1+0x1p-24,              // a tie: rounds to even, down to 1
		1+0x1p-24+0x1p-50,      // just above the tie: rounds up
		1+3*0x1p-24,            // a tie: rounds to even, up
		0x1.fffffefffffffp127,  // just below the midpoint to overflow: MaxFloat32
		0x1.ffffffp127,         // the midpoint to overflow: +Inf
		-1e39,                  // -Inf
		1e-45,                  // the smallest subnormal float32
		0x1p-150,               // a tie between 0 and the smallest subnormal: 0
		0x1.0000000000001p-150, // just above that tie: the smallest subnormal
		0x1.8p-149,             // a tie between two subnormals: rounds to even
		-1e-50,                 // -0
	)
	f32 = float32Edges()
	u32 = []uint32{0, 0x8000_0000, 1, 0x8000_0001, 0x007f_ffff, 0x0080_0000, 0x7f7f_ffff, 0x7f80_0000, 0xff80_0000,
		0x7fc0_0000, 0x7fc0_0001, 0xffc1_2345, 0x3f80_0000, 0x4049_0fdb}
	u64 = []uint64{0, 1 << 63, 1, 0x000f_ffff_ffff_ffff, 0x0010_0000_0000_0000, 0x7fef_ffff_ffff_ffff, 0x7ff0_0000_0000_0000,
		0xfff0_0000_0000_0000, 0x7ff8_0000_0000_0000, 0x7ff8_0000_0000_0001, 0xfff8_dead_beef_0000, 0x3ff0_0000_0000_0000}
	r := newRand(101)
	for len(f32) < len(f64) {
		f32 = append(f32, float32(r.NormFloat64()))
	}
	// Random bits, with the quiet bit set where they make a NaN: a signalling NaN may be quieted by
	// merely loading it on some hardware.
	for len(u32) < len(f64) {
		u := r.Uint32()
		if u&0x7f80_0000 == 0x7f80_0000 {
			u |= 0x0040_0000
		}
		u32 = append(u32, u)
	}
	for len(u64) < len(f64) {
		u := r.Uint64()
		if u&0x7ff0_0000_0000_0000 == 0x7ff0_0000_0000_0000 {
			u |= 0x0008_0000_0000_0000
		}
		u64 = append(u64, u)
	}
	return f64, f32, u32, u64
}

func runFloatConvert(ctx context.Context, t *Target) (Outputs, error) {
	f64, f32, u32, u64 := floatConvertIn()
	k := &FloatConvert{F64: upload(t, f64), F32: upload(t, f32), U32: upload(t, u32), U64: upload(t, u64),
		Out: alloc[FloatConversion](t, len(f64))}
	err := launch(ctx, t, shape1(len(f64), 8).grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantFloatConvert() Outputs {
	f64, f32, u32, u64 := floatConvertIn()
	out := make([]FloatConversion, len(f64))
	for i := range f64 {
		out[i] = convertFloat(f64[i], f32[i], u32[i], u64[i])
	}
	return Outputs{"out": out}
}
