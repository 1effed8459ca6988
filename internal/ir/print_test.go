package ir

import (
	"math"
	"testing"
)

// saxpy builds the IR of
//
//	func (k *Saxpy) Kernel(it kernel.Item) { i := it.GlobalID(0); k.Y[i] += k.A * k.X[i] }
func saxpy() *Module {
	m := &Module{}
	f32 := Float32Type
	buf := &Slice{Elem: f32, Space: Global}
	args := m.AddType(NewStruct("main.Saxpy", []string{"A", "X", "Y"}, []Type{f32, buf, buf}))
	f := m.NewFunc("(*main.Saxpy).Kernel", []Type{&Pointer{Elem: args, Space: Args}}, Void)
	f.Kernel = true
	f.Pos = Pos{"saxpy.go", 10, 1}
	b := f.Entry()
	k := f.Params[0]
	zero := b.Const(Int64Type, 0)
	i := b.NewValue(OpIntrinsic, Int64Type, zero)
	i.AuxInt = int64(GlobalID)
	field := func(n int) *Value {
		fa := b.NewValue(OpFieldAddr, &Pointer{Elem: args.Fields[n].Type, Space: Args}, k)
		fa.AuxInt = int64(n)
		return b.NewValue(OpLoad, args.Fields[n].Type, fa)
	}
	a, x, y := field(0), field(1), field(2)
	elem := func(s *Value) *Value {
		n := b.NewValue(OpLen, Int64Type, s)
		c := b.NewValue(OpCheckBounds, Void, i, n)
		c.AuxInt = int64(BoundsIndex) | BoundsSigned
		c.Pos = Pos{"saxpy.go", 12, 15}
		return b.NewValue(OpIndexAddr, &Pointer{Elem: f32, Space: Global}, s, i)
	}
	px := elem(x)
	xv := b.NewValue(OpLoad, f32, px)
	py := elem(y)
	yv := b.NewValue(OpLoad, f32, py)
	ax := b.NewValue(OpMul, f32, a, xv)
	sum := b.NewValue(OpAdd, f32, yv, ax)
	b.NewValue(OpStore, Void, py, sum)
	b.Return()
	return m
}

const saxpyText = `type %main.Saxpy = {A f32, X slice<global, f32>, Y slice<global, f32>}

kernel @"(*main.Saxpy).Kernel"(%0 ptr<args, %main.Saxpy>) @saxpy.go:10:1 {
b0:
  %1 = const 0 : i64
  %2 = intrinsic global_id(%1) : i64
  %3 = fieldaddr %0, 0 : ptr<args, f32>
  %4 = load %3 : f32
  %5 = fieldaddr %0, 1 : ptr<args, slice<global, f32>>
  %6 = load %5 : slice<global, f32>
  %7 = fieldaddr %0, 2 : ptr<args, slice<global, f32>>
  %8 = load %7 : slice<global, f32>
  %9 = len %6 : i64
  checkbounds index signed %2, %9 @saxpy.go:12:15
  %10 = indexaddr %6, %2 : ptr<global, f32>
  %11 = load %10 : f32
  %12 = len %8 : i64
  checkbounds index signed %2, %12 @saxpy.go:12:15
  %13 = indexaddr %8, %2 : ptr<global, f32>
  %14 = load %13 : f32
  %15 = mul %4, %11 : f32
  %16 = add %14, %15 : f32
  store %13, %16
  return
}
`

func TestPrint(t *testing.T) {
	if got := Print(saxpy()); got != saxpyText {
		t.Fatalf("Print =\n%s\nwant\n%s", got, saxpyText)
	}
}

func TestConstString(t *testing.T) {
	f32 := func(f float32) int64 { return int64(math.Float32bits(f)) }
	f64 := func(f float64) int64 { return int64(math.Float64bits(f)) }
	for _, tc := range []struct {
		t    Type
		bits int64
		want string
	}{
		{Int8Type, -128, "-128"},
		{Uint64Type, -1, "18446744073709551615"},
		{BoolType, 1, "true"},
		{Float64Type, f64(1), "1.0"},
		{Float64Type, f64(math.Copysign(0, -1)), "-0.0"},
		{Float64Type, f64(0.1), "0.1"},
		{Float64Type, f64(math.Inf(-1)), "-inf"},
		{Float64Type, int64(0x7ff8000000000001), "nan(0x7ff8000000000001)"},
		{Float32Type, f32(0.1), "0.1"},
		{Float32Type, f32(float32(math.Inf(1))), "+inf"},
		{Float32Type, f32(1e30), "1e+30"},
		{Float32Type, 0x7fc00001, "nan(0x7fc00001)"},
	} {
		if got := ConstString(tc.t, tc.bits); got != tc.want {
			t.Errorf("ConstString(%v, %#x) = %q, want %q", tc.t, tc.bits, got, tc.want)
		}
	}
}

func TestBoundsMessage(t *testing.T) {
	for _, tc := range []struct {
		k      BoundsKind
		x, y   int64
		signed bool
		want   string
	}{
		{BoundsIndex, 10, 10, true, "index out of range [10] with length 10"},
		{BoundsIndex, -1, 10, true, "index out of range [-1]"},
		{BoundsIndex, -1, 10, false, "index out of range [18446744073709551615] with length 10"},
		{BoundsSliceAcap, 42, 37, true, "slice bounds out of range [:42] with capacity 37"},
		{BoundsSliceB, 5, 3, true, "slice bounds out of range [5:3]"},
		{BoundsSlice3C, 4, 2, true, "slice bounds out of range [4:2:]"},
	} {
		if got := tc.k.Message(tc.x, tc.y, tc.signed); got != tc.want {
			t.Errorf("%v.Message(%d, %d) = %q, want %q", tc.k, tc.x, tc.y, got, tc.want)
		}
	}
}
