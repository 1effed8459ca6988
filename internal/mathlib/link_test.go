package mathlib_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/ir"
	"github.com/geobacter-go/geobacter/internal/mathlib"
	"github.com/geobacter-go/geobacter/internal/passes"
)

// goMath is each intrinsic's function in package math, the reference.
var goMath = map[ir.Intrinsic]func(x, y float64) float64{
	ir.Exp: fn1(math.Exp), ir.Exp2: fn1(math.Exp2), ir.Expm1: fn1(math.Expm1), ir.Log: fn1(math.Log),
	ir.Log2: fn1(math.Log2), ir.Log10: fn1(math.Log10), ir.Log1p: fn1(math.Log1p), ir.Sin: fn1(math.Sin),
	ir.Cos: fn1(math.Cos), ir.Tan: fn1(math.Tan), ir.Asin: fn1(math.Asin), ir.Acos: fn1(math.Acos),
	ir.Atan: fn1(math.Atan), ir.Atan2: math.Atan2, ir.Sinh: fn1(math.Sinh), ir.Cosh: fn1(math.Cosh),
	ir.Tanh: fn1(math.Tanh), ir.Pow: math.Pow, ir.Cbrt: fn1(math.Cbrt), ir.Hypot: math.Hypot, ir.Mod: math.Mod,
	ir.FMA: func(x, y float64) float64 { return math.FMA(x, y, x) },
}

func fn1(f func(float64) float64) func(x, y float64) float64 {
	return func(x, _ float64) float64 { return f(x) }
}

func binary(in ir.Intrinsic) bool {
	return in == ir.Atan2 || in == ir.Pow || in == ir.Hypot || in == ir.Mod
}

// intrinsics returns the library's intrinsics in a fixed order.
func intrinsics() []ir.Intrinsic {
	var ins []ir.Intrinsic
	for in := range mathlib.Funcs {
		ins = append(ins, in)
	}
	slices.Sort(ins)
	return ins
}

// kernelText is a kernel that computes every library function of X[i] (and Y[i]) on type ty
// (f64 or f32), storing function k's result in Out[i*n+k].
func kernelText(ty string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "type %%main.M = {X slice<global, %[1]s>, Y slice<global, %[1]s>, Out slice<global, %[1]s>}\n\n", ty)
	b.WriteString("kernel @\"(*main.M).Kernel\"(%k ptr<args, %main.M>) @m.go:1:1 {\nb0:\n")
	fmt.Fprintf(&b, "  %%c0 = const 0 : i64\n  %%n = const %d : i64\n  %%i = intrinsic global_id(%%c0) : i64\n", len(mathlib.Funcs))
	for f, name := range []string{"x", "y", "out"} {
		fmt.Fprintf(&b, "  %%f%[1]s = fieldaddr %%k, %[2]d : ptr<args, slice<global, %[3]s>>\n  %%%[1]s = load %%f%[1]s : slice<global, %[3]s>\n", name, f, ty)
	}
	fmt.Fprintf(&b, "  %%px = indexaddr %%x, %%i : ptr<global, %[1]s>\n  %%vx = load %%px : %[1]s\n", ty)
	fmt.Fprintf(&b, "  %%py = indexaddr %%y, %%i : ptr<global, %[1]s>\n  %%vy = load %%py : %[1]s\n", ty)
	b.WriteString("  %base = mul %i, %n : i64\n")
	for k, in := range intrinsics() {
		args := "%vx"
		if binary(in) {
			args = "%vx, %vy"
		} else if in == ir.FMA {
			args = "%vx, %vy, %vx"
		}
		fmt.Fprintf(&b, "  %%r%[1]d = intrinsic %[2]s(%[3]s) : %[4]s @m.go:%[5]d:1\n", k, in, args, ty, k+2)
		fmt.Fprintf(&b, "  %%k%[1]d = const %[1]d : i64\n  %%o%[1]d = add %%base, %%k%[1]d : i64\n", k)
		fmt.Fprintf(&b, "  %%p%[1]d = indexaddr %%out, %%o%[1]d : ptr<global, %[2]s>\n  store %%p%[1]d, %%r%[1]d\n", k, ty)
	}
	b.WriteString("  return\n}\n")
	return b.String()
}

// inputs are the special values of the functions, ordinary values, and huge ones (whose
// trigonometric reduction takes Payne-Hanek's table-driven path). Not subnormals, nor exp's
// last finite results: see TestHostAssembly.
func inputs() (x, y []float64) {
	x = []float64{0, math.Copysign(0, -1), 1, -1, 0.5, -0.5, 2, 3, 10, -10, 709, 710, -745, -746, 1e-300,
		2.5e-300, math.Inf(1), math.Inf(-1), math.NaN(), 1e300, -1e22, 1 << 30, 3.14159265358979, 1.5707963267948966,
		0.999, -0.999, 1e-8, 100, 22, -22, 0.7, -3.7}
	y = []float64{0, 2, 0.5, math.NaN(), -1, 3, 0, 1, 2, -2, 0.5, 0.5, -3.5, 10, 1.0 / 3, 7, -2, 0.25, 0, 1e-300,
		3, 1, 2, 0.5, math.Inf(1), math.Inf(-1), 1, -0.5, 4, 5, 1.5, -1.5}
	return x, y
}

// ulps is the distance between a and b in units in the last place; 0 when both are NaN.
func ulps(a, b float64) uint64 {
	if math.IsNaN(a) || math.IsNaN(b) {
		if math.IsNaN(a) && math.IsNaN(b) {
			return 0
		}
		return math.MaxUint64
	}
	key := func(f float64) int64 {
		u := int64(math.Float64bits(f))
		if u < 0 {
			u = math.MinInt64 - u
		}
		return u
	}
	d := key(a) - key(b)
	if d < 0 {
		d = -d
	}
	return uint64(d)
}

func all(*ir.Value) bool { return true }

// link parses text, links the library and runs the passes, checking that no call of a library
// intrinsic is left.
func link(t *testing.T, text string) *ir.Func {
	t.Helper()
	m, err := ir.Parse(text)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	if err := passes.Run(m, passes.Options{Verify: true, SoftMath: all}); err != nil {
		t.Fatal(err)
	}
	for _, f := range m.Funcs {
		for _, b := range f.Blocks {
			for _, v := range b.Instrs {
				if _, ok := mathlib.Funcs[v.Intrinsic()]; ok && v.Op == ir.OpIntrinsic {
					t.Fatalf("%s still calls intrinsic %s after linking", f.Name, v.Intrinsic())
				}
			}
		}
	}
	return m.Kernels()[0]
}

// TestLinked runs every library function, linked into a kernel, on the IR interpreter, and
// compares it with package math on the host: within 1 ULP (the host uses assembly for some, such
// as Exp and Log on amd64), and exactly at the special values.
func TestLinked(t *testing.T) {
	k := link(t, kernelText("f64"))
	x, y := inputs()
	ins := intrinsics()
	out := make([]float64, len(x)*len(ins))
	args := struct{ X, Y, Out []float64 }{x, y, out}
	if err := ir.Run(context.Background(), k, ir.Grid{Global: [3]int{len(x), 1, 1}, Local: [3]int{1, 1, 1}}, unsafe.Pointer(&args)); err != nil {
		t.Fatal(err)
	}
	for i := range x {
		for j, in := range ins {
			got, want := out[i*len(ins)+j], goMath[in](x[i], y[i])
			// FMA is exact; the others within 1 ULP, exact at infinities and zeros.
			if d := ulps(got, want); d > 1 || d == 1 && (math.IsInf(want, 0) || want == 0 || in == ir.FMA) {
				t.Errorf("%s(%v, %v) = %v, package math gives %v (%d ULP)", in, x[i], y[i], got, want, d)
			}
		}
	}
}

// TestHostAssembly checks the library where package math's amd64 assembly is wrong, against
// identities computed with the host's functions on arguments where they are right: Exp
// overflows to +Inf from about 709.7 where the result is still finite up to 709.78, and Log
// of a subnormal is off by the subnormal's missing exponent.
func TestHostAssembly(t *testing.T) {
	text := `type %main.H = {X slice<global, f64>, Out slice<global, f64>}

kernel @"(*main.H).Kernel"(%k ptr<args, %main.H>) @h.go:1:1 {
b0:
  %c0 = const 0 : i64
  %c1 = const 1 : i64
  %fx = fieldaddr %k, 0 : ptr<args, slice<global, f64>>
  %x = load %fx : slice<global, f64>
  %fo = fieldaddr %k, 1 : ptr<args, slice<global, f64>>
  %out = load %fo : slice<global, f64>
  %p0 = indexaddr %x, %c0 : ptr<global, f64>
  %x0 = load %p0 : f64
  %p1 = indexaddr %x, %c1 : ptr<global, f64>
  %x1 = load %p1 : f64
  %e = intrinsic exp(%x0) : f64 @h.go:2:1
  %l = intrinsic log(%x1) : f64 @h.go:3:1
  %o0 = indexaddr %out, %c0 : ptr<global, f64>
  store %o0, %e
  %o1 = indexaddr %out, %c1 : ptr<global, f64>
  store %o1, %l
  return
}
`
	k := link(t, text)
	x := []float64{709.7, 5e-324}
	out := make([]float64, 2)
	args := struct{ X, Out []float64 }{x, out}
	if err := ir.Run(context.Background(), k, ir.Grid{Global: [3]int{1, 1, 1}, Local: [3]int{1, 1, 1}}, unsafe.Pointer(&args)); err != nil {
		t.Fatal(err)
	}
	if want := math.Exp(x[0]-1) * math.E; ulps(out[0], want) > 2 {
		t.Errorf("exp(%v) = %v, want %v = exp(%v)·e", x[0], out[0], want, x[0]-1)
	}
	if want := math.Log(x[1]*0x1p64) - 64*math.Ln2; ulps(out[1], want) > 2 {
		t.Errorf("log(%v) = %v, want %v = log(%v·2⁶⁴) - 64·ln 2", x[1], out[1], want, x[1])
	}
}

// TestLinkedFloat32 checks that a float32 call is computed in float64 and rounded once.
func TestLinkedFloat32(t *testing.T) {
	k := link(t, kernelText("f32"))
	x64, y64 := inputs()
	x, y := make([]float32, len(x64)), make([]float32, len(y64))
	for i := range x64 {
		x[i], y[i] = float32(x64[i]), float32(y64[i])
	}
	ins := intrinsics()
	out := make([]float32, len(x)*len(ins))
	args := struct{ X, Y, Out []float32 }{x, y, out}
	if err := ir.Run(context.Background(), k, ir.Grid{Global: [3]int{len(x), 1, 1}, Local: [3]int{1, 1, 1}}, unsafe.Pointer(&args)); err != nil {
		t.Fatal(err)
	}
	for i := range x {
		for j, in := range ins {
			got, want := out[i*len(ins)+j], float32(goMath[in](float64(x[i]), float64(y[i])))
			// The float64 results may be 1 ULP apart, which rounds to float32 alike but near a tie.
			if d := ulps(float64(got), float64(want)); d > 1<<29 || d != 0 && (math.IsInf(float64(want), 0) || want == 0) {
				t.Errorf("%s(%v, %v) = %v, package math gives %v", in, x[i], y[i], got, want)
			}
		}
	}
}
