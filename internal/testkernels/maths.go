package testkernels

import (
	"context"
	"math"

	"github.com/geobacter-go/geobacter/kernel"
)

// transcendentalULP is the error allowed to devices other than go on exp, log, sin, cos and pow:
// Go's own are within 1 ULP of the exact result; device libraries are within a few ULP.
const transcendentalULP = 4

func mathCases() []Case {
	return []Case{
		{Name: "math/exact64", Kernel: (*MathExact64)(nil), Run: runMathExact64, Want: wantMathExact64},
		{Name: "math/exact32", Kernel: (*MathExact32)(nil), Run: runMathExact32, Want: wantMathExact32},
		{Name: "math/transcendental64", Kernel: (*MathTranscendental64)(nil), ULP: transcendentalULP, Run: runMathTranscendental64, Want: wantMathTranscendental64},
		{Name: "math/transcendental32", Kernel: (*MathTranscendental32)(nil), ULP: transcendentalULP, Run: runMathTranscendental32, Want: wantMathTranscendental32},
		{Name: "math/tables", Kernel: (*MathTables)(nil), ULP: tablesULP, Run: runMathTables, Want: wantMathTables},
		{Name: "math/bessel", Kernel: (*MathBessel)(nil), ULP: tablesULP, Run: runMathBessel, Want: wantMathBessel},
	}
}

// mathIn returns x, y and z for the math cases: every float64 edge against a rotation of them,
// then ordinary values, halves (for rounding) and values beyond 2⁵² (already integers).
func mathIn() (x, y, z []float64) {
	edges := float64Edges()
	extra := []float64{2.5, -2.5, 0.5, -0.5, 1.5, -1.49999, 0x1p52 + 1, -0x1p53, 1e16 + 2, 7.25, -1e-310, 4, 100}
	x = append(edges, extra...)
	r := newRand(801)
	for len(x) < 64 {
		x = append(x, r.NormFloat64()*100)
	}
	for i := range x {
		y = append(y, x[(i*7+3)%len(x)])
		z = append(z, x[(i*5+11)%len(x)])
	}
	return x, y, z
}

// exact64 is what MathExact64 computes: the functions of package math that IEEE 754 defines
// exactly (correctly rounded, or exact), so every device must agree bit for bit.
func exact64(x, y, z float64) ([12]float64, [4]bool) {
	sign := 1
	if math.Signbit(y) {
		sign = -1
	}
	values := [12]float64{
		math.Sqrt(x), math.Abs(x), math.Floor(x), math.Ceil(x), math.Trunc(x), math.FMA(x, y, z),
		math.Copysign(x, y), math.Max(x, y), math.Min(x, y), math.Inf(sign), math.NaN(), math.Round(x),
	}
	flags := [4]bool{math.IsNaN(x), math.IsInf(x, 0), math.IsInf(x, -1), math.Signbit(x)}
	return values, flags
}

// MathExact64 checks package math's exactly defined float64 functions on corner cases: Sqrt,
// Abs, Floor, Ceil, Trunc, FMA, Copysign, Max and Min (with NaN and ±0), Inf, NaN, Round, IsNaN,
// IsInf and Signbit.
type MathExact64 struct {
	X, Y, Z []float64
	Out     [][12]float64
	Flags   [][4]bool
}

func (k *MathExact64) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i], k.Flags[i] = exact64(k.X[i], k.Y[i], k.Z[i])
}

func runMathExact64(ctx context.Context, t *Target) (Outputs, error) {
	x, y, z := mathIn()
	k := &MathExact64{X: upload(t, x), Y: upload(t, y), Z: upload(t, z), Out: alloc[[12]float64](t, len(x)), Flags: alloc[[4]bool](t, len(x))}
	err := launch(ctx, t, shape1(len(x), 16).grid(), k)
	return Outputs{"out": k.Out, "flags": k.Flags}, err
}

func wantMathExact64() Outputs {
	x, y, z := mathIn()
	out := make([][12]float64, len(x))
	flags := make([][4]bool, len(x))
	for i := range x {
		out[i], flags[i] = exact64(x[i], y[i], z[i])
	}
	return Outputs{"out": out, "flags": flags}
}

// exact32 is what MathExact32 computes: package math's exact functions applied to float32 values
// through float64, rounded back to float32 (exact, as the float64 result of each is a float32 or,
// for Sqrt, rounds correctly).
func exact32(x, y float32) [8]float32 {
	fx, fy := float64(x), float64(y)
	return [8]float32{
		float32(math.Sqrt(fx)), float32(math.Abs(fx)), float32(math.Floor(fx)), float32(math.Ceil(fx)),
		float32(math.Trunc(fx)), float32(math.Copysign(fx, fy)), float32(math.Max(fx, fy)), float32(math.Min(fx, fy)),
	}
}

// MathExact32 is MathExact64 for float32 values, through float64 conversions.
type MathExact32 struct {
	X, Y []float32
	Out  [][8]float32
}

func (k *MathExact32) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = exact32(k.X[i], k.Y[i])
}

// toFloat32 converts each value to float32.
func toFloat32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, f := range v {
		out[i] = float32(f)
	}
	return out
}

func runMathExact32(ctx context.Context, t *Target) (Outputs, error) {
	x, y, _ := mathIn()
	k := &MathExact32{X: upload(t, toFloat32(x)), Y: upload(t, toFloat32(y)), Out: alloc[[8]float32](t, len(x))}
	err := launch(ctx, t, shape1(len(x), 16).grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantMathExact32() Outputs {
	x, y, _ := mathIn()
	x32, y32 := toFloat32(x), toFloat32(y)
	out := make([][8]float32, len(x))
	for i := range x {
		out[i] = exact32(x32[i], y32[i])
	}
	return Outputs{"out": out}
}

// transcendentalIn returns x and y for the transcendental cases: special values (where the
// results are exact: 0, ±Inf, NaN, overflow), then ordinary ones, |x| ≤ 30 for Sin and Cos.
func transcendentalIn() (x, y []float64) {
	x = []float64{0, math.Copysign(0, -1), 1, -1, math.Inf(1), math.Inf(-1), math.NaN(), 709, 710, -745, -746, 1e-300, 0.5, 2, 3}
	y = []float64{0, 2, 0.5, math.NaN(), -1, 3, 0, 1, 2, -2, 0.5, 0.5, -3.5, 10, 1.0 / 3}
	r := newRand(802)
	for len(x) < 128 {
		x = append(x, (r.Float64()-0.5)*60)
		y = append(y, (r.Float64()-0.5)*8)
	}
	return x, y
}

// transcendental64 is what MathTranscendental64 computes.
func transcendental64(x, y float64) [6]float64 {
	return [6]float64{math.Exp(x), math.Log(x), math.Sin(x), math.Cos(x), math.Pow(x, y), math.Pow(math.Abs(x), y)}
}

// MathTranscendental64 checks Exp, Log, Sin, Cos and Pow on float64, with special cases (Log of a
// negative is NaN, Log(0) is -Inf, Exp overflows to +Inf and underflows to 0, Pow(x, 0) is 1 even
// for NaN). Devices other than go may differ by Case.ULP.
type MathTranscendental64 struct {
	X, Y []float64
	Out  [][6]float64
}

func (k *MathTranscendental64) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = transcendental64(k.X[i], k.Y[i])
}

func runMathTranscendental64(ctx context.Context, t *Target) (Outputs, error) {
	x, y := transcendentalIn()
	k := &MathTranscendental64{X: upload(t, x), Y: upload(t, y), Out: alloc[[6]float64](t, len(x))}
	err := launch(ctx, t, shape1(len(x), 32).grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantMathTranscendental64() Outputs {
	x, y := transcendentalIn()
	out := make([][6]float64, len(x))
	for i := range x {
		out[i] = transcendental64(x[i], y[i])
	}
	return Outputs{"out": out}
}

// transcendental32 is what MathTranscendental32 computes: float64 functions on float32 values,
// rounded back to float32.
func transcendental32(x, y float32) [5]float32 {
	fx, fy := float64(x), float64(y)
	return [5]float32{
		float32(math.Exp(fx)), float32(math.Log(fx)), float32(math.Sin(fx)), float32(math.Cos(fx)), float32(math.Pow(fx, fy)),
	}
}

// MathTranscendental32 is MathTranscendental64 for float32 values through float64 conversions,
// the way Go code uses package math on float32.
type MathTranscendental32 struct {
	X, Y []float32
	Out  [][5]float32
}

func (k *MathTranscendental32) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = transcendental32(k.X[i], k.Y[i])
}

func runMathTranscendental32(ctx context.Context, t *Target) (Outputs, error) {
	x, y := transcendentalIn()
	k := &MathTranscendental32{X: upload(t, toFloat32(x)), Y: upload(t, toFloat32(y)), Out: alloc[[5]float32](t, len(x))}
	err := launch(ctx, t, shape1(len(x), 32).grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantMathTranscendental32() Outputs {
	x, y := transcendentalIn()
	x32, y32 := toFloat32(x), toFloat32(y)
	out := make([][5]float32, len(x))
	for i := range x {
		out[i] = transcendental32(x32[i], y32[i])
	}
	return Outputs{"out": out}
}

// tablesULP is the error allowed to devices other than go on MathTables and MathBessel: J0 and
// Lgamma combine a few transcendental results.
const tablesULP = 8

// mathTablesIn returns x for MathTables and MathBessel: Gamma's rational range and Stirling's,
// J0 at its extrema (away from its zeros, where a relative error means nothing), Lgamma away from
// its zeros at 1 and 2.
func mathTablesIn() []float64 {
	return []float64{0.5, 1.5, 2.5, 3.8317, 5.25, 7.0156, 10.1735, 13.3237, 16.4706, 19.6159, 25.5, 34.5, 40.25, 3, 4, 9.5}
}

// mathTables is what MathTables computes: package math functions that read package math's
// read-only tables (Gamma's _gamP..., Lgamma's _lgamA..., Pow10's pow10tab...).
func mathTables(x float64) [4]float64 {
	lg, sign := math.Lgamma(x)
	return [4]float64{math.Gamma(x), lg, float64(sign), math.Pow10(int(x*3) - 40)}
}

// MathTables runs package math functions that read tables in package variables.
type MathTables struct {
	X   []float64
	Out [][4]float64
}

func (k *MathTables) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = mathTables(k.X[i])
}

func runMathTables(ctx context.Context, t *Target) (Outputs, error) {
	x := mathTablesIn()
	k := &MathTables{X: upload(t, x), Out: alloc[[4]float64](t, len(x))}
	err := launch(ctx, t, shape1(len(x), 8).grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantMathTables() Outputs {
	x := mathTablesIn()
	out := make([][4]float64, len(x))
	for i := range x {
		out[i] = mathTables(x[i])
	}
	return Outputs{"out": out}
}

// MathBessel runs math.J0, which picks one of several read-only tables through a pointer.
type MathBessel struct {
	X, Out []float64
}

func (k *MathBessel) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = math.J0(k.X[i])
}

func runMathBessel(ctx context.Context, t *Target) (Outputs, error) {
	x := mathTablesIn()
	k := &MathBessel{X: upload(t, x), Out: alloc[float64](t, len(x))}
	err := launch(ctx, t, shape1(len(x), 8).grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantMathBessel() Outputs {
	x := mathTablesIn()
	out := make([]float64, len(x))
	for i := range x {
		out[i] = math.J0(x[i])
	}
	return Outputs{"out": out}
}
