package passes

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// The passes must not change what a kernel does. TestSemantics runs kernels on the interpreter
// (ir.Run) before and after the pipeline, on equal arguments, and compares every buffer bit for
// bit and every panic (message, position and work-item); then it runs them again without checks
// when they did not panic. Where a case has a reference in Go, the input's results must also be
// the reference's.

// reduceText sums groups of four through a helper's shared variable and a helper's barrier.
const reduceText = `type %main.R = {In slice<global, f32>, Out slice<global, f32>}

func @main.tile() ptr<generic, [4]f32> {
b0:
  %s = shared 0 : ptr<shared, [4]f32>
  %g = spacecast %s : ptr<generic, [4]f32>
  return %g
}

func @main.sync() {
b0:
  intrinsic barrier()
  return
}

kernel @"(*main.R).Kernel"(%k ptr<args, %main.R>) @r.go:1:1 {
b0:
  %c0 = const 0 : i64
  %c1 = const 1 : i64
  %c4 = const 4 : i64
  %t = call @main.tile() : ptr<generic, [4]f32> @r.go:2:7
  %gid = intrinsic global_id(%c0) : i64
  %lid = intrinsic local_id(%c0) : i64
  %grp = intrinsic group_id(%c0) : i64
  %fi = fieldaddr %k, 0 : ptr<args, slice<global, f32>>
  %in = load %fi : slice<global, f32>
  %n = len %in : i64
  checkbounds index signed %gid, %n @r.go:4:20
  %pi = indexaddr %in, %gid : ptr<global, f32>
  %x = load %pi : f32
  checkbounds index signed %lid, %c4 @r.go:4:5
  %pt = indexaddr %t, %lid : ptr<generic, f32>
  store %pt, %x
  call @main.sync() @r.go:5:9
  %first = eq %lid, %c0 : bool
  if %first, b1, b4
b1:
  %z = const 0.0 : f32
  jump b2
b2:
  %j = phi [%c0, b1], [%j1, b3] : i64
  %s = phi [%z, b1], [%s1, b3] : f32
  %more = lt %j, %c4 : bool
  if %more, b3, b5
b3:
  checkbounds index signed %j, %c4 @r.go:8:10
  %pj = indexaddr %t, %j : ptr<generic, f32>
  %v = load %pj : f32
  %s1 = add %s, %v : f32
  %j1 = add %j, %c1 : i64
  jump b2
b5:
  %fo = fieldaddr %k, 1 : ptr<args, slice<global, f32>>
  %out = load %fo : slice<global, f32>
  %on = len %out : i64
  checkbounds index signed %grp, %on @r.go:10:5
  %po = indexaddr %out, %grp : ptr<global, f32>
  store %po, %s
  jump b4
b4:
  return
}
`

// foldText computes what constfold folds, on constants and on loaded values, and stores the
// results' bits.
const foldText = `type %main.F = {I i64, F f64, G f32, Out slice<global, u64>}

func @main.put(%out slice<generic, u64>, %i i64, %v u64) {
b0:
  %n = len %out : i64
  checkbounds index signed %i, %n @f.go:2:5
  %p = indexaddr %out, %i : ptr<generic, u64>
  store %p, %v
  return
}

kernel @"(*main.F).Kernel"(%k ptr<args, %main.F>) @f.go:1:1 {
b0:
  %fi = fieldaddr %k, 0 : ptr<args, i64>
  %x = load %fi : i64
  %ff = fieldaddr %k, 1 : ptr<args, f64>
  %f = load %ff : f64
  %fg = fieldaddr %k, 2 : ptr<args, f32>
  %g = load %fg : f32
  %fo = fieldaddr %k, 3 : ptr<args, slice<global, u64>>
  %o = load %fo : slice<global, u64>
  %out = spacecast %o : slice<generic, u64>
  %c0 = const 0 : i64
  %c1 = const 1 : i64
  %c2 = const 2 : i64
  %c3 = const 3 : i64
  %c4 = const 4 : i64
  %c5 = const 5 : i64
  %c6 = const 6 : i64
  %c7 = const 7 : i64
  %c8 = const 8 : i64
  %c9 = const 9 : i64
  %i127 = const 127 : i8
  %i1 = const 1 : i8
  %wrap = add %i127, %i1 : i8
  %w64 = convert %wrap : u64
  call @main.put(%out, %c0, %w64) @f.go:10:2
  %p0 = const 0.0 : f64
  %n0 = const -0.0 : f64
  %one = const 1.0 : f64
  %fa = add %f, %p0 : f64
  %fab = intrinsic float64bits(%fa) : u64
  call @main.put(%out, %c1, %fab) @f.go:11:2
  %fb = add %f, %n0 : f64
  %fbb = intrinsic float64bits(%fb) : u64
  call @main.put(%out, %c2, %fbb) @f.go:12:2
  %fc = mul %f, %one : f64
  %fcb = intrinsic float64bits(%fc) : u64
  call @main.put(%out, %c3, %fcb) @f.go:13:2
  %fd = mul %f, %p0 : f64
  %fdb = intrinsic float64bits(%fd) : u64
  call @main.put(%out, %c4, %fdb) @f.go:14:2
  %tenth = const 0.1 : f32
  %t3 = mul %tenth, %tenth : f32
  %t4 = add %t3, %g : f32
  %t5 = convert %t4 : f64
  %t5b = intrinsic float64bits(%t5) : u64
  call @main.put(%out, %c5, %t5b) @f.go:15:2
  %xz = sub %x, %x : i64
  %xm = mul %x, %c1 : i64
  %xs = add %xz, %xm : i64
  %u40 = const 40 : u64
  %sh = shl %xs, %u40 : i64
  %shu = convert %sh : u64
  call @main.put(%out, %c6, %shu) @f.go:16:2
  %huge = const 1e+300 : f64
  %hi = convert %huge : i32
  %hu = convert %hi : u64
  call @main.put(%out, %c7, %hu) @f.go:17:2
  %sq = intrinsic sqrt(%f) : f64
  %sqb = intrinsic float64bits(%sq) : u64
  call @main.put(%out, %c8, %sqb) @f.go:18:2
  %u255 = const 255 : u64
  %lz = intrinsic leadingzeros(%u255) : i64
  %lzu = convert %lz : u64
  call @main.put(%out, %c9, %lzu) @f.go:19:2
  return
}
`

type semCase struct {
	name   string
	file   string // a testdata file whose input is the kernel, or
	text   string
	consts map[int]int64
	grid   ir.Grid
	args   func() any // a pointer to fresh arguments, equal on every call
	ref    func(any)  // if not nil, does to the arguments in Go what the kernel does
}

func grid1(global, local int) ir.Grid {
	return ir.Grid{Global: [3]int{global, 1, 1}, Local: [3]int{local, 1, 1}}
}

func ramp[T int64 | int32 | float32 | float64](n int, scale T) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = T(i)*scale - T(n/3)
	}
	return s
}

// foldArgs are the arguments of foldText.
type foldArgs struct {
	I   int64
	F   float64
	G   float32
	Out []uint64
}

func semCases() []semCase {
	type saxpy struct {
		A    float32
		X, Y []float32
	}
	type out struct{ Out []int64 }
	type reduce struct{ In, Out []float32 }
	type spaces struct {
		X, Y []float32
		C    bool
	}
	foldRef := func(a any) {
		k := a.(*foldArgs)
		wrap := int8(127)
		wrap++
		k.Out[0] = uint64(wrap)
		k.Out[1] = math.Float64bits(k.F + 0)
		k.Out[2] = math.Float64bits(k.F + math.Copysign(0, -1))
		k.Out[3] = math.Float64bits(k.F * 1)
		k.Out[4] = math.Float64bits(k.F * 0)
		tenth := float32(0.1)
		k.Out[5] = math.Float64bits(float64(float32(tenth*tenth) + k.G))
		k.Out[6] = uint64(k.I << 40)
		minInt32 := int64(math.MinInt32) // int32(1e300) as gc gives it on amd64 and ir.EvalConvert defines it
		k.Out[7] = uint64(minInt32)
		k.Out[8] = math.Float64bits(math.Sqrt(k.F))
		k.Out[9] = 56 // bits.LeadingZeros64(255)
	}
	return []semCase{
		{name: "saxpy", file: "testdata/pipeline/saxpy.ir", grid: grid1(100, 16), args: func() any {
			return &saxpy{A: 2.5, X: ramp[float32](100, 0.37), Y: ramp[float32](100, 1.1)}
		}, ref: func(a any) {
			k := a.(*saxpy)
			for i := range k.Y {
				k.Y[i] = float32(k.A*k.X[i]) + k.Y[i]
			}
		}},
		{name: "saxpy out of range", file: "testdata/pipeline/saxpy.ir", grid: grid1(110, 16), args: func() any {
			return &saxpy{A: 2.5, X: ramp[float32](100, 0.37), Y: ramp[float32](100, 1.1)}
		}},
		{name: "saxpy short x", file: "testdata/pipeline/saxpy.ir", grid: grid1(100, 16), args: func() any {
			return &saxpy{A: 2.5, X: ramp[float32](50, 0.37), Y: ramp[float32](100, 1.1)}
		}},
		{name: "loop bound", file: "testdata/pipeline/loopbound.ir", consts: map[int]int64{1: 64}, grid: grid1(4, 4), args: func() any {
			return &struct {
				X   []float32
				N   int64
				Out []float32
			}{X: ramp[float32](128, 0.5), N: 64, Out: make([]float32, 1)}
		}},
		{name: "loop bound too far", file: "testdata/pipeline/loopbound.ir", consts: map[int]int64{1: 64}, grid: grid1(4, 4), args: func() any {
			return &struct {
				X   []float32
				N   int64
				Out []float32
			}{X: ramp[float32](100, 0.5), N: 64, Out: make([]float32, 1)}
		}},
		{name: "branches", file: "testdata/inline/branches.ir", grid: grid1(8, 4), args: func() any {
			return &out{Out: make([]int64, 8)}
		}},
		{name: "tuple", file: "testdata/inline/tuple.ir", grid: grid1(30, 8), args: func() any {
			return &out{Out: make([]int64, 30)}
		}},
		{name: "never returns", file: "testdata/inline/panics.ir", grid: grid1(4, 2), args: func() any {
			return &out{Out: make([]int64, 4)}
		}},
		{name: "phis of spaces", file: "testdata/spaces/phis.ir", grid: grid1(3, 1), args: func() any {
			return &spaces{X: ramp[float32](2, 3), Y: ramp[float32](2, 5), C: true}
		}, ref: func(any) {}}, // with C, every pointer is &X[0], and X[0] is stored back into it
		{name: "access", file: "testdata/access/fields.ir", grid: grid1(1, 1), args: func() any {
			p := int64(5)
			return &struct {
				In, Out  []float32
				Acc      []int64
				Hist     []int32
				Dst, Src []int32
				Unused   []float32
				N        int64
				P        *int64
			}{In: ramp[float32](3, 2), Out: make([]float32, 3), Acc: ramp[int64](2, 3), Hist: ramp[int32](2, 7),
				Dst: make([]int32, 4), Src: ramp[int32](3, 9), Unused: make([]float32, 5), P: &p}
		}},
		{name: "shared reduction", text: reduceText, grid: grid1(16, 4), args: func() any {
			return &reduce{In: ramp[float32](16, 0.25), Out: make([]float32, 4)}
		}, ref: func(a any) {
			k := a.(*reduce)
			for g := range k.Out {
				var s float32
				for _, x := range k.In[4*g : 4*g+4] {
					s += x
				}
				k.Out[g] = s
			}
		}},
		{name: "folds", text: foldText, grid: grid1(1, 1), args: func() any {
			return &foldArgs{I: 12345, F: math.Copysign(0, -1), G: 0.3, Out: make([]uint64, 10)}
		}, ref: foldRef},
		{name: "folds nan", text: foldText, grid: grid1(1, 1), args: func() any {
			return &foldArgs{I: -7, F: math.Float64frombits(0x7ff8000000000123), G: -1e30, Out: make([]uint64, 10)}
		}, ref: foldRef},
	}
}

func TestSemantics(t *testing.T) {
	t.Setenv("GEOBACTER_DUMP", "")
	for _, c := range semCases() {
		t.Run(c.name, func(t *testing.T) {
			text := c.text
			if c.file != "" {
				text = readGolden(t, c.file).input
			}
			before := mustParse(t, text)
			wantErr, want := runKernel(t, before, c)
			if wantErr != nil && !isPanic(wantErr) {
				t.Fatalf("the input does not run: %v", wantErr)
			}
			if c.ref != nil {
				a := c.args()
				c.ref(a)
				var b strings.Builder
				dumpValue(&b, reflect.ValueOf(a).Elem())
				if wantErr != nil || b.String() != want {
					t.Fatalf("the reference gives:\n%s\nthe input on the interpreter: %v\n%s", b.String(), wantErr, want)
				}
			}
			for _, unchecked := range []bool{false, true} {
				if unchecked && wantErr != nil {
					continue // without checks, a panicking kernel is undefined
				}
				after := mustParse(t, text)
				opts := Options{Verify: true, Unchecked: unchecked}
				for field, bits := range c.consts {
					opts.Specialize = append(opts.Specialize, Const{Kernel: after.Kernels()[0].Name, Field: field, Bits: bits})
				}
				if err := Run(after, opts); err != nil {
					t.Fatal(err)
				}
				gotErr, got := runKernel(t, after, c)
				if gotErr != nil && !isPanic(gotErr) {
					t.Fatalf("unchecked=%v: the output does not run: %v", unchecked, gotErr)
				}
				if !samePanic(gotErr, wantErr) {
					t.Errorf("unchecked=%v: Run after the passes = %v, before %v\n%s", unchecked, gotErr, wantErr, ir.Print(after))
				}
				if got != want {
					t.Errorf("unchecked=%v: results after the passes:\n%s\nbefore:\n%s\n%s", unchecked, got, want, ir.Print(after))
				}
			}
		})
	}
}

func isPanic(err error) bool {
	var p *ir.PanicError
	return errors.As(err, &p)
}

func samePanic(a, b error) bool {
	var p, q *ir.PanicError
	switch {
	case a == nil || b == nil:
		return a == nil && b == nil
	case errors.As(a, &p) && errors.As(b, &q):
		return *p == *q
	}
	return false
}

// runKernel runs m's kernel over fresh arguments and returns its error and the arguments' memory
// afterwards, floats as bits.
func runKernel(t *testing.T, m *ir.Module, c semCase) (error, string) {
	t.Helper()
	args := c.args()
	v := reflect.ValueOf(args)
	k := m.Kernels()[0]
	if got, want := v.Elem().Type().Size(), uintptr(k.ArgsType().Size()); got != want {
		t.Fatalf("the Go arguments have size %d, the kernel's %d", got, want)
	}
	err := ir.Run(context.Background(), k, c.grid, v.UnsafePointer())
	var b strings.Builder
	dumpValue(&b, v.Elem())
	return err, b.String()
}

func dumpValue(b *strings.Builder, v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			fmt.Fprintf(b, "%s: ", v.Type().Field(i).Name)
			dumpValue(b, v.Field(i))
			b.WriteString("\n")
		}
	case reflect.Slice:
		b.WriteString("[")
		for i := range v.Len() {
			if i > 0 {
				b.WriteString(" ")
			}
			dumpValue(b, v.Index(i))
		}
		b.WriteString("]")
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
		} else {
			b.WriteString("&")
			dumpValue(b, v.Elem())
		}
	case reflect.Float32:
		fmt.Fprintf(b, "%v(%#x)", v.Float(), math.Float32bits(float32(v.Float())))
	case reflect.Float64:
		fmt.Fprintf(b, "%v(%#x)", v.Float(), math.Float64bits(v.Float()))
	default:
		fmt.Fprintf(b, "%v", v.Interface())
	}
}
