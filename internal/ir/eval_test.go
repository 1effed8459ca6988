package ir

import (
	"math"
	"math/bits"
	"runtime"
	"testing"
)

// The tests below compare each Eval function with Go's own operators on values of the Go type
// each IR type stands for, over edge values, then check a few results written out by hand.

type integer interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

type number interface {
	integer | ~float32 | ~float64
}

// intEdges are the interesting values of an integer type: 0, ±1, the extremes and their
// neighbours, powers of two around each width, and a few others, wrapped into T.
func intEdges[T integer]() []T {
	src := []int64{0, 1, -1, 2, -2, 3, 5, 7, -7, 8, 15, 16, 31, 32, 33, 63, 64, 65, 100, -100, 127, -128, 128, 255, 256,
		32767, -32768, 32768, 65535, 65536, math.MaxInt32, math.MinInt32, 1 << 31, 1<<32 - 1, 1 << 32,
		math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1, 0x123456789abcdef, -0x123456789abcdef}
	var out []T
	seen := map[T]bool{}
	var zero T
	minT := ^zero // -1 or MaxUint
	if minT < 0 {
		minT = 1
		for minT > 0 {
			minT <<= 1 // ends at MinInt
		}
	} else {
		minT = 0
	}
	src = append(src, int64(minT), int64(minT+1), int64(minT-1))
	for _, v := range src {
		x := T(v)
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func goIntBinary[T integer](op Op, x, y T) (T, bool) {
	switch op {
	case OpAdd:
		return x + y, true
	case OpSub:
		return x - y, true
	case OpMul:
		return x * y, true
	case OpDiv:
		if y == 0 {
			return 0, false
		}
		return x / y, true
	case OpRem:
		if y == 0 {
			return 0, false
		}
		return x % y, true
	case OpAnd:
		return x & y, true
	case OpOr:
		return x | y, true
	case OpXor:
		return x ^ y, true
	case OpAndNot:
		return x &^ y, true
	case OpMin:
		return min(x, y), true
	case OpMax:
		return max(x, y), true
	}
	panic("not an integer op")
}

func goCompare[T number](op Op, x, y T) bool {
	switch op {
	case OpEq:
		return x == y
	case OpNe:
		return x != y
	case OpLt:
		return x < y
	case OpLe:
		return x <= y
	case OpGt:
		return x > y
	case OpGe:
		return x >= y
	}
	panic("not a comparison")
}

var (
	intBinaryOps = []Op{OpAdd, OpSub, OpMul, OpDiv, OpRem, OpAnd, OpOr, OpXor, OpAndNot, OpMin, OpMax}
	compareOps   = []Op{OpEq, OpNe, OpLt, OpLe, OpGt, OpGe}
	shiftCounts  = []uint64{0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 200, 1 << 31, 1 << 32, 1 << 63, math.MaxUint64}
)

func testIntType[T integer](t *testing.T, bt *Basic) {
	vals := intEdges[T]()
	for _, x := range vals {
		xb := int64(x)
		for _, y := range vals {
			yb := int64(y)
			for _, op := range intBinaryOps {
				want, wantOK := goIntBinary(op, x, y)
				got, ok := EvalBinary(op, bt, xb, yb)
				if ok != wantOK || ok && got != int64(want) {
					t.Errorf("EvalBinary(%v, %v, %d, %d) = %d, %v; want %d, %v", op, bt, x, y, got, ok, want, wantOK)
				}
			}
			for _, op := range compareOps {
				if got, want := EvalCompare(op, bt, xb, yb), goCompare(op, x, y); got != want {
					t.Errorf("EvalCompare(%v, %v, %d, %d) = %v; want %v", op, bt, x, y, got, want)
				}
			}
		}
		for _, n := range shiftCounts {
			if got, ok := EvalBinary(OpShl, bt, xb, int64(n)); !ok || got != int64(x<<n) {
				t.Errorf("EvalBinary(shl, %v, %d, %d) = %d, %v; want %d", bt, x, n, got, ok, x<<n)
			}
			if got, ok := EvalBinary(OpShr, bt, xb, int64(n)); !ok || got != int64(x>>n) {
				t.Errorf("EvalBinary(shr, %v, %d, %d) = %d, %v; want %d", bt, x, n, got, ok, x>>n)
			}
		}
		if got, want := EvalUnary(OpNeg, bt, xb), int64(-x); got != want {
			t.Errorf("EvalUnary(neg, %v, %d) = %d; want %d", bt, x, got, want)
		}
		if got, want := EvalUnary(OpCom, bt, xb), int64(^x); got != want {
			t.Errorf("EvalUnary(com, %v, %d) = %d; want %d", bt, x, got, want)
		}
	}
}

func TestEvalIntegers(t *testing.T) {
	testIntType[int8](t, Int8Type)
	testIntType[int16](t, Int16Type)
	testIntType[int32](t, Int32Type)
	testIntType[int64](t, Int64Type)
	testIntType[uint8](t, Uint8Type)
	testIntType[uint16](t, Uint16Type)
	testIntType[uint32](t, Uint32Type)
	testIntType[uint64](t, Uint64Type)
}

func TestEvalIntegerCases(t *testing.T) {
	for _, tc := range []struct {
		op   Op
		t    *Basic
		x, y int64
		want int64
		ok   bool
	}{
		{OpAdd, Int8Type, 127, 1, -128, true},
		{OpAdd, Uint8Type, 255, 1, 0, true},
		{OpAdd, Uint8Type, -1, 1, 0, true}, // a narrow operand is read from its low bits
		{OpMul, Int32Type, 1 << 16, 1 << 16, 0, true},
		{OpSub, Uint32Type, 0, 1, 0xffffffff, true},
		{OpDiv, Int64Type, math.MinInt64, -1, math.MinInt64, true},
		{OpRem, Int64Type, math.MinInt64, -1, 0, true},
		{OpDiv, Int8Type, -128, -1, -128, true},
		{OpDiv, Int32Type, -7, 2, -3, true},
		{OpRem, Int32Type, -7, 2, -1, true},
		{OpDiv, Uint64Type, -1, 2, math.MaxInt64, true},
		{OpDiv, Int32Type, 1, 0, 0, false},
		{OpRem, Uint8Type, 1, 0, 0, false},
		{OpShl, Int8Type, 1, 7, -128, true},
		{OpShl, Int8Type, 1, 8, 0, true},
		{OpShr, Int8Type, -128, 7, -1, true},
		{OpShr, Int8Type, -128, 8, -1, true},
		{OpShr, Int64Type, -1, math.MinInt64, -1, true}, // a count of 1<<63 is huge, not negative
		{OpShl, Int64Type, 1, math.MinInt64, 0, true},
		{OpShr, Uint8Type, 0x80, 7, 1, true},
		{OpShr, Uint64Type, -1, 64, 0, true},
		{OpShr, Uint64Type, -1, 63, 1, true},
		{OpShl, Uint16Type, 0xffff, 0, 0xffff, true},
		{OpMin, Uint32Type, 0xffffffff, 1, 1, true},
		{OpMin, Int32Type, -1, 1, -1, true},
		{OpAndNot, Uint8Type, 0xff, 0x0f, 0xf0, true},
		{OpAnd, BoolType, 1, 0, 0, true},
		{OpOr, BoolType, 1, 0, 1, true},
		{OpXor, BoolType, 1, 1, 0, true},
		{OpAdd, BoolType, 1, 1, 0, false},
		{OpAndNot, BoolType, 1, 1, 0, false},
		{OpRem, Float64Type, 0, 0, 0, false},
		{OpShl, Float32Type, 0, 0, 0, false},
		{OpAnd, Float64Type, 0, 0, 0, false},
		{OpNeg, Int32Type, 0, 0, 0, false},
	} {
		got, ok := EvalBinary(tc.op, tc.t, tc.x, tc.y)
		if got != tc.want || ok != tc.ok {
			t.Errorf("EvalBinary(%v, %v, %d, %d) = %d, %v; want %d, %v", tc.op, tc.t, tc.x, tc.y, got, ok, tc.want, tc.ok)
		}
	}
	for _, tc := range []struct {
		op   Op
		t    *Basic
		x, y int64
		want bool
	}{
		{OpLt, Uint64Type, 1, -1, true},
		{OpLt, Int64Type, 1, -1, false},
		{OpGt, Uint8Type, 0xff, 1, true},
		{OpEq, BoolType, 1, 1, true},
		{OpNe, BoolType, 1, 0, true},
	} {
		if got := EvalCompare(tc.op, tc.t, tc.x, tc.y); got != tc.want {
			t.Errorf("EvalCompare(%v, %v, %d, %d) = %v; want %v", tc.op, tc.t, tc.x, tc.y, got, tc.want)
		}
	}
	if got := EvalUnary(OpNot, BoolType, 1); got != 0 {
		t.Errorf("not true = %d", got)
	}
	if got := EvalUnary(OpNot, BoolType, 0); got != 1 {
		t.Errorf("not false = %d", got)
	}
	if got := EvalUnary(OpNeg, Int16Type, -32768); got != -32768 {
		t.Errorf("neg i16 MinInt16 = %d", got)
	}
	if got := EvalUnary(OpCom, Uint8Type, 0); got != 0xff {
		t.Errorf("com u8 0 = %d", got)
	}
}

func TestEvalBool(t *testing.T) {
	for _, x := range []bool{false, true} {
		for _, y := range []bool{false, true} {
			for _, tc := range []struct {
				op   Op
				want bool
			}{{OpAnd, x && y}, {OpOr, x || y}, {OpXor, x != y}} {
				got, ok := EvalBinary(tc.op, BoolType, b2i(x), b2i(y))
				if !ok || got != b2i(tc.want) {
					t.Errorf("EvalBinary(%v, bool, %v, %v) = %d, %v", tc.op, x, y, got, ok)
				}
			}
		}
	}
}

var f64Edges = []float64{0, math.Copysign(0, -1), 1, -1, 0.1, -0.1, 0.5, 1.5, 2.5, -2.5, 3, 1.0 / 3, 1e300, -1e300,
	1 << 53, 1<<53 + 1, 1 << 63, 1 << 64, -(1 << 63), 2147483647.5, -2147483648.7, 300.7, -300.7,
	math.MaxFloat64, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 2.2250738585072009e-308, // subnormal
	math.MaxFloat32, math.SmallestNonzeroFloat32, 1e-40, // f32 subnormal
	math.Inf(1), math.Inf(-1), math.NaN(), math.Float64frombits(0x7ff8000000000001), math.Float64frombits(0xfff0000000000123),
	math.Pi, -math.E, 1e-300, 16777217, 0.7, 2, 10, -0.5}

func f32Edges() []float32 {
	out := []float32{math.Float32frombits(0x7fc00001), math.Float32frombits(0xff800123), math.Float32frombits(1), // NaNs, smallest subnormal
		math.Float32frombits(0x007fffff), math.MaxFloat32, math.SmallestNonzeroFloat32, 16777216, 16777217, 0.1}
	for _, f := range f64Edges {
		out = append(out, float32(f))
	}
	return out
}

func f64b(f float64) int64 { return int64(math.Float64bits(f)) }
func f32b(f float32) int64 { return int64(math.Float32bits(f)) }

func TestEvalFloats(t *testing.T) {
	f32s := f32Edges()
	for _, x := range f64Edges {
		for _, y := range f64Edges {
			for _, tc := range []struct {
				op   Op
				want float64
			}{{OpAdd, x + y}, {OpSub, x - y}, {OpMul, x * y}, {OpDiv, x / y}, {OpMin, min(x, y)}, {OpMax, max(x, y)}} {
				got, ok := EvalBinary(tc.op, Float64Type, f64b(x), f64b(y))
				if !ok || got != f64b(tc.want) {
					t.Errorf("EvalBinary(%v, f64, %v, %v) = %#x, %v; want %#x", tc.op, x, y, got, ok, f64b(tc.want))
				}
			}
			for _, op := range compareOps {
				if got, want := EvalCompare(op, Float64Type, f64b(x), f64b(y)), goCompare(op, x, y); got != want {
					t.Errorf("EvalCompare(%v, f64, %v, %v) = %v; want %v", op, x, y, got, want)
				}
			}
		}
		if got, want := EvalUnary(OpNeg, Float64Type, f64b(x)), f64b(-x); got != want {
			t.Errorf("EvalUnary(neg, f64, %v) = %#x; want %#x", x, got, want)
		}
	}
	for _, x := range f32s {
		for _, y := range f32s {
			for _, tc := range []struct {
				op   Op
				want float32
			}{{OpAdd, x + y}, {OpSub, x - y}, {OpMul, x * y}, {OpDiv, x / y}, {OpMin, min(x, y)}, {OpMax, max(x, y)}} {
				got, ok := EvalBinary(tc.op, Float32Type, f32b(x), f32b(y))
				if !ok || got != f32b(tc.want) {
					t.Errorf("EvalBinary(%v, f32, %v, %v) = %#x, %v; want %#x", tc.op, x, y, got, ok, f32b(tc.want))
				}
			}
			for _, op := range compareOps {
				if got, want := EvalCompare(op, Float32Type, f32b(x), f32b(y)), goCompare(op, x, y); got != want {
					t.Errorf("EvalCompare(%v, f32, %v, %v) = %v; want %v", op, x, y, got, want)
				}
			}
		}
		if got, want := EvalUnary(OpNeg, Float32Type, f32b(x)), f32b(-x); got != want {
			t.Errorf("EvalUnary(neg, f32, %v) = %#x; want %#x", x, got, want)
		}
	}
}

func TestEvalFloatCases(t *testing.T) {
	negZero64 := f64b(math.Copysign(0, -1))
	negZero32 := int64(0x80000000)
	nan := f64b(math.NaN())
	for _, tc := range []struct {
		op   Op
		t    *Basic
		x, y int64
		want int64
	}{
		// float32 rounds after each operation: 2^24 + 1 is 2^24.
		{OpAdd, Float32Type, f32b(16777216), f32b(1), f32b(16777216)},
		{OpAdd, Float32Type, f32b(0.1), f32b(0.2), 0x3e99999a},
		{OpAdd, Float64Type, f64b(0.1), f64b(0.2), 0x3fd3333333333334},
		{OpMul, Float32Type, f32b(math.MaxFloat32), f32b(2), 0x7f800000},
		{OpDiv, Float64Type, f64b(1), 0, f64b(math.Inf(1))},
		{OpDiv, Float64Type, f64b(1), negZero64, f64b(math.Inf(-1))},
		{OpMin, Float64Type, 0, negZero64, negZero64},
		{OpMin, Float64Type, negZero64, 0, negZero64},
		{OpMax, Float64Type, negZero64, 0, 0},
		{OpMin, Float32Type, 0, negZero32, negZero32},
		{OpMax, Float32Type, negZero32, 0, 0},
		{OpMul, Float32Type, f32b(math.SmallestNonzeroFloat32), f32b(0.5), 0}, // subnormal underflows to 0 (ties to even)
		{OpMul, Float32Type, 3, f32b(0.5), 2},                                 // 1.5 ulp of the smallest subnormal rounds to 2 ulp
	} {
		got, ok := EvalBinary(tc.op, tc.t, tc.x, tc.y)
		if !ok || got != tc.want {
			t.Errorf("EvalBinary(%v, %v, %#x, %#x) = %#x, %v; want %#x", tc.op, tc.t, tc.x, tc.y, got, ok, tc.want)
		}
	}
	for _, op := range []Op{OpMin, OpMax} {
		if got, _ := EvalBinary(op, Float64Type, f64b(1), nan); !math.IsNaN(math.Float64frombits(uint64(got))) {
			t.Errorf("%v(1, NaN) = %#x, want NaN", op, got)
		}
		if got, _ := EvalBinary(op, Float32Type, 0x7fc00000, f32b(1)); !math.IsNaN(float64(math.Float32frombits(uint32(got)))) {
			t.Errorf("%v(NaN, 1) f32 = %#x, want NaN", op, got)
		}
	}
	if !EvalCompare(OpEq, Float64Type, 0, negZero64) || EvalCompare(OpLt, Float64Type, negZero64, 0) {
		t.Error("-0 and +0 compare unequal")
	}
	if EvalCompare(OpEq, Float64Type, nan, nan) || !EvalCompare(OpNe, Float64Type, nan, nan) || EvalCompare(OpGe, Float32Type, 0x7fc00000, 0) {
		t.Error("NaN is ordered")
	}
	if got := EvalUnary(OpNeg, Float64Type, 0x7ff8000000000001); uint64(got) != 0xfff8000000000001 {
		t.Errorf("neg NaN = %#x: the sign bit was not flipped", got)
	}
	if got := EvalUnary(OpNeg, Float32Type, 0); got != negZero32 {
		t.Errorf("neg f32 +0 = %#x", got)
	}
}

// decode returns the Go value of bits of type t.
func decode(t *Basic, b int64) any {
	switch t.Kind {
	case Int8:
		return int8(b)
	case Int16:
		return int16(b)
	case Int32:
		return int32(b)
	case Int64:
		return b
	case Uint8:
		return uint8(b)
	case Uint16:
		return uint16(b)
	case Uint32:
		return uint32(b)
	case Uint64:
		return uint64(b)
	case Float32:
		return math.Float32frombits(uint32(b))
	case Float64:
		return math.Float64frombits(uint64(b))
	}
	panic("decode")
}

// encode returns the bits of a Go scalar.
func encode(x any) int64 {
	switch x := x.(type) {
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int64:
		return x
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return int64(x)
	case float32:
		return int64(math.Float32bits(x))
	case float64:
		return int64(math.Float64bits(x))
	}
	panic("encode")
}

// convTo is Go's conversion of x to T, done by gc-compiled code on this host.
//
//go:noinline
func convTo[T number](x any) T {
	switch v := x.(type) {
	case int8:
		return T(v)
	case int16:
		return T(v)
	case int32:
		return T(v)
	case int64:
		return T(v)
	case uint8:
		return T(v)
	case uint16:
		return T(v)
	case uint32:
		return T(v)
	case uint64:
		return T(v)
	case float32:
		return T(v)
	case float64:
		return T(v)
	}
	panic("convTo")
}

func goConvert(to *Basic, x any) int64 {
	switch to.Kind {
	case Int8:
		return encode(convTo[int8](x))
	case Int16:
		return encode(convTo[int16](x))
	case Int32:
		return encode(convTo[int32](x))
	case Int64:
		return encode(convTo[int64](x))
	case Uint8:
		return encode(convTo[uint8](x))
	case Uint16:
		return encode(convTo[uint16](x))
	case Uint32:
		return encode(convTo[uint32](x))
	case Uint64:
		return encode(convTo[uint64](x))
	case Float32:
		return encode(convTo[float32](x))
	case Float64:
		return encode(convTo[float64](x))
	}
	panic("goConvert")
}

var numericTypes = []*Basic{Int8Type, Int16Type, Int32Type, Int64Type, Uint8Type, Uint16Type, Uint32Type, Uint64Type, Float32Type, Float64Type}

// valuesOf returns the edge values of type t as bits.
func valuesOf(t *Basic) []int64 {
	var out []int64
	switch t.Kind {
	case Float32:
		for _, f := range f32Edges() {
			out = append(out, f32b(f))
		}
	case Float64:
		for _, f := range f64Edges {
			out = append(out, f64b(f))
		}
	default:
		for _, v := range intEdges[int64]() {
			out = append(out, ConstBits(t, v))
		}
	}
	return out
}

func TestEvalConvert(t *testing.T) {
	for _, from := range numericTypes {
		for _, to := range numericTypes {
			for _, x := range valuesOf(from) {
				got := EvalConvert(from, to, x)
				inRange := true
				if from.IsFloat() && to.IsInteger() {
					f := encodeFloat(from, x)
					lo, hi := intRange(to)
					inRange = f == f && math.Trunc(f) >= lo && math.Trunc(f) <= hi
				}
				if !inRange && runtime.GOARCH != "amd64" {
					continue // implementation-defined: EvalConvert gives amd64's result
				}
				if want := goConvert(to, decode(from, x)); got != want {
					t.Errorf("EvalConvert(%v, %v, %#x) = %#x; want %#x (in range: %v)", from, to, x, got, want, inRange)
				}
			}
		}
	}
	if got := EvalConvert(BoolType, BoolType, 1); got != 1 {
		t.Errorf("bool to bool = %d", got)
	}
}

func encodeFloat(t *Basic, x int64) float64 {
	if t.Kind == Float32 {
		return float64(math.Float32frombits(uint32(x)))
	}
	return math.Float64frombits(uint64(x))
}

func intRange(t *Basic) (lo, hi float64) {
	if t.IsSigned() {
		return -math.Ldexp(1, t.Bits()-1), math.Ldexp(1, t.Bits()-1) - 1
	}
	return 0, math.Ldexp(1, t.Bits()) - 1
}

func TestEvalConvertCases(t *testing.T) {
	nan := f64b(math.NaN())
	for _, tc := range []struct {
		from, to *Basic
		x, want  int64
	}{
		{Int32Type, Uint64Type, -1, -1},
		{Uint32Type, Int64Type, 0xffffffff, 0xffffffff},
		{Int64Type, Int8Type, 0x1ff, -1},
		{Uint64Type, Float64Type, -1, f64b(1 << 64)},
		{Int64Type, Float32Type, 1<<24 + 1, f32b(1 << 24)}, // ties to even
		{Int64Type, Float32Type, 1<<24 + 3, f32b(1<<24 + 4)},
		{Float64Type, Float32Type, f64b(0.1), f32b(0.1)},
		{Float64Type, Float32Type, f64b(1e300), f32b(float32(math.Inf(1)))},
		{Float32Type, Float64Type, f32b(0.1), f64b(float64(float32(0.1)))},
		{Float64Type, Int32Type, f64b(-2.9), -2},
		{Float64Type, Uint8Type, f64b(255.9), 255},
		// Out of range: amd64's results.
		{Float64Type, Int32Type, nan, math.MinInt32},
		{Float64Type, Int64Type, nan, math.MinInt64},
		{Float64Type, Uint64Type, nan, math.MinInt64},
		{Float64Type, Int8Type, nan, 0},
		{Float64Type, Uint32Type, nan, 0},
		{Float64Type, Uint8Type, f64b(-1), 0xff},
		{Float64Type, Uint8Type, f64b(300), 44},
		{Float64Type, Uint32Type, f64b(-5e9), 3589934592},
		{Float64Type, Uint64Type, f64b(-1), -1},
		{Float64Type, Uint64Type, f64b(1 << 63), math.MinInt64},
		{Float64Type, Uint64Type, f64b(1<<63 + 4096), math.MinInt64 + 4096},
		{Float64Type, Uint64Type, f64b(1 << 64), math.MinInt64},
		{Float32Type, Int16Type, f32b(1e10), 0},
		{Float32Type, Int64Type, f32b(float32(math.Inf(-1))), math.MinInt64},
	} {
		if got := EvalConvert(tc.from, tc.to, tc.x); got != tc.want {
			t.Errorf("EvalConvert(%v, %v, %#x) = %#x; want %#x", tc.from, tc.to, tc.x, got, tc.want)
		}
	}
}

var mathFuncs = map[Intrinsic]func(x, y, z float64) float64{
	Sqrt:        func(x, _, _ float64) float64 { return math.Sqrt(x) },
	Abs:         func(x, _, _ float64) float64 { return math.Abs(x) },
	Floor:       func(x, _, _ float64) float64 { return math.Floor(x) },
	Ceil:        func(x, _, _ float64) float64 { return math.Ceil(x) },
	Trunc:       func(x, _, _ float64) float64 { return math.Trunc(x) },
	Round:       func(x, _, _ float64) float64 { return math.Round(x) },
	RoundToEven: func(x, _, _ float64) float64 { return math.RoundToEven(x) },
	Copysign:    func(x, y, _ float64) float64 { return math.Copysign(x, y) },
	FMA:         func(x, y, z float64) float64 { return math.FMA(x, y, z) },
	Exp:         func(x, _, _ float64) float64 { return math.Exp(x) },
	Exp2:        func(x, _, _ float64) float64 { return math.Exp2(x) },
	Expm1:       func(x, _, _ float64) float64 { return math.Expm1(x) },
	Log:         func(x, _, _ float64) float64 { return math.Log(x) },
	Log2:        func(x, _, _ float64) float64 { return math.Log2(x) },
	Log10:       func(x, _, _ float64) float64 { return math.Log10(x) },
	Log1p:       func(x, _, _ float64) float64 { return math.Log1p(x) },
	Sin:         func(x, _, _ float64) float64 { return math.Sin(x) },
	Cos:         func(x, _, _ float64) float64 { return math.Cos(x) },
	Tan:         func(x, _, _ float64) float64 { return math.Tan(x) },
	Asin:        func(x, _, _ float64) float64 { return math.Asin(x) },
	Acos:        func(x, _, _ float64) float64 { return math.Acos(x) },
	Atan:        func(x, _, _ float64) float64 { return math.Atan(x) },
	Atan2:       func(x, y, _ float64) float64 { return math.Atan2(x, y) },
	Sinh:        func(x, _, _ float64) float64 { return math.Sinh(x) },
	Cosh:        func(x, _, _ float64) float64 { return math.Cosh(x) },
	Tanh:        func(x, _, _ float64) float64 { return math.Tanh(x) },
	Pow:         func(x, y, _ float64) float64 { return math.Pow(x, y) },
	Cbrt:        func(x, _, _ float64) float64 { return math.Cbrt(x) },
	Hypot:       func(x, y, _ float64) float64 { return math.Hypot(x, y) },
	Mod:         func(x, y, _ float64) float64 { return math.Mod(x, y) },
}

func TestEvalMathIntrinsics(t *testing.T) {
	if len(mathFuncs) != int(Float32bits-Sqrt) {
		t.Fatalf("mathFuncs has %d functions, want every one from sqrt to mod", len(mathFuncs))
	}
	few := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, -2.5, 3, 1e300, math.Inf(1), math.Inf(-1), math.NaN(), math.Pi, 1e-310}
	for in, f := range mathFuncs {
		n := intrinsicArity(in)
		var ys, zs = []float64{0}, []float64{0}
		if n >= 2 {
			ys = few
		}
		if n == 3 {
			zs = few
		}
		for _, x := range f64Edges {
			for _, y := range ys {
				for _, z := range zs {
					args := []int64{f64b(x), f64b(y), f64b(z)}[:n]
					want := f64b(f(x, y, z))
					if got, ok := EvalIntrinsic(in, Float64Type, args); !ok || !sameFloat(Float64Type, got, want) {
						t.Errorf("EvalIntrinsic(%v, f64, %v, %v, %v) = %#x, %v; want %#x", in, x, y, z, got, ok, want)
					}
					x32, y32, z32 := float32(x), float32(y), float32(z)
					args = []int64{f32b(x32), f32b(y32), f32b(z32)}[:n]
					want = f32b(float32(f(float64(x32), float64(y32), float64(z32))))
					if got, ok := EvalIntrinsic(in, Float32Type, args); !ok || !sameFloat(Float32Type, got, want) {
						t.Errorf("EvalIntrinsic(%v, f32, %v, %v, %v) = %#x, %v; want %#x", in, x32, y32, z32, got, ok, want)
					}
				}
			}
		}
	}
}

// sameFloat reports whether two floats of type t have the same bits, or are both NaNs: the
// payload of a NaN made by an operation depends on the instruction that made it (math.FMA called
// directly is a hardware FMA where the CPU has one, a software FMA when called through a func
// value).
func sameFloat(t *Basic, a, b int64) bool {
	if a == b {
		return true
	}
	fa, fb := encodeFloat(t, a), encodeFloat(t, b)
	return fa != fa && fb != fb
}

func TestEvalBitIntrinsics(t *testing.T) {
	type bitFuncs struct {
		t                         *Basic
		ones, lead, trail, length func(uint64) int
		reverse, reverseBytes     func(uint64) uint64
		rotate                    func(uint64, int) uint64
	}
	for _, bf := range []bitFuncs{
		{Uint8Type,
			func(x uint64) int { return bits.OnesCount8(uint8(x)) }, func(x uint64) int { return bits.LeadingZeros8(uint8(x)) },
			func(x uint64) int { return bits.TrailingZeros8(uint8(x)) }, func(x uint64) int { return bits.Len8(uint8(x)) },
			func(x uint64) uint64 { return uint64(bits.Reverse8(uint8(x))) }, func(x uint64) uint64 { return x },
			func(x uint64, k int) uint64 { return uint64(bits.RotateLeft8(uint8(x), k)) }},
		{Uint16Type,
			func(x uint64) int { return bits.OnesCount16(uint16(x)) }, func(x uint64) int { return bits.LeadingZeros16(uint16(x)) },
			func(x uint64) int { return bits.TrailingZeros16(uint16(x)) }, func(x uint64) int { return bits.Len16(uint16(x)) },
			func(x uint64) uint64 { return uint64(bits.Reverse16(uint16(x))) }, func(x uint64) uint64 { return uint64(bits.ReverseBytes16(uint16(x))) },
			func(x uint64, k int) uint64 { return uint64(bits.RotateLeft16(uint16(x), k)) }},
		{Uint32Type,
			func(x uint64) int { return bits.OnesCount32(uint32(x)) }, func(x uint64) int { return bits.LeadingZeros32(uint32(x)) },
			func(x uint64) int { return bits.TrailingZeros32(uint32(x)) }, func(x uint64) int { return bits.Len32(uint32(x)) },
			func(x uint64) uint64 { return uint64(bits.Reverse32(uint32(x))) }, func(x uint64) uint64 { return uint64(bits.ReverseBytes32(uint32(x))) },
			func(x uint64, k int) uint64 { return uint64(bits.RotateLeft32(uint32(x), k)) }},
		{Uint64Type, bits.OnesCount64, bits.LeadingZeros64, bits.TrailingZeros64, bits.Len64, bits.Reverse64, bits.ReverseBytes64, bits.RotateLeft64},
	} {
		for _, xb := range valuesOf(bf.t) {
			x := uint64(xb)
			for _, tc := range []struct {
				in   Intrinsic
				want int64
			}{
				{OnesCount, int64(bf.ones(x))}, {LeadingZeros, int64(bf.lead(x))}, {TrailingZeros, int64(bf.trail(x))},
				{Len, int64(bf.length(x))}, {Reverse, int64(bf.reverse(x))}, {ReverseBytes, int64(bf.reverseBytes(x))},
			} {
				if got, ok := EvalIntrinsic(tc.in, bf.t, []int64{xb}); !ok || got != tc.want {
					t.Errorf("EvalIntrinsic(%v, %v, %#x) = %#x, %v; want %#x", tc.in, bf.t, x, got, ok, tc.want)
				}
			}
			for _, k := range []int{0, 1, 3, 7, 8, 9, 15, 16, 31, 32, 63, 64, 65, -1, -3, -8, -64, -65, math.MaxInt64, math.MinInt64} {
				want := int64(bf.rotate(x, k))
				if got, ok := EvalIntrinsic(RotateLeft, bf.t, []int64{xb, int64(k)}); !ok || got != want {
					t.Errorf("EvalIntrinsic(rotateleft, %v, %#x, %d) = %#x, %v; want %#x", bf.t, x, k, got, ok, want)
				}
			}
		}
	}
}

func TestEvalIntrinsicCases(t *testing.T) {
	for _, tc := range []struct {
		in   Intrinsic
		t    *Basic
		args []int64
		want int64
		ok   bool
	}{
		{Sqrt, Float32Type, []int64{f32b(2)}, 0x3fb504f3, true},
		{Sqrt, Float64Type, []int64{f64b(-1)}, f64b(math.NaN()), true},
		{Abs, Float64Type, []int64{f64b(math.Copysign(0, -1))}, 0, true},
		{Round, Float32Type, []int64{f32b(-2.5)}, f32b(-3), true},
		{RoundToEven, Float32Type, []int64{f32b(-2.5)}, f32b(-2), true},
		{FMA, Float64Type, []int64{f64b(0.1), f64b(10), f64b(-1)}, f64b(math.FMA(0.1, 10, -1)), true},
		{Float32bits, Float32Type, []int64{f32b(1)}, 0x3f800000, true},
		{Float32frombits, Uint32Type, []int64{0x7f800001}, 0x7f800001, true}, // a signalling NaN keeps its bits
		{Float64bits, Float64Type, []int64{f64b(-1)}, f64b(-1), true},
		{Float64frombits, Uint64Type, []int64{0x7ff0000000000001}, 0x7ff0000000000001, true},
		{LeadingZeros, Uint8Type, []int64{1}, 7, true},
		{TrailingZeros, Uint16Type, []int64{0}, 16, true},
		{Len, Uint32Type, []int64{0}, 0, true},
		{OnesCount, Uint64Type, []int64{-1}, 64, true},
		{RotateLeft, Uint8Type, []int64{0x81, -1}, 0xc0, true},
		{ReverseBytes, Uint16Type, []int64{0x1234}, 0x3412, true},
		{Reverse, Uint8Type, []int64{1}, 0x80, true},
		{LeadingZeros, Int8Type, []int64{-1}, 0, true}, // a signed operand is read as its bits
		{GlobalID, Int64Type, []int64{0}, 0, false},
		{Barrier, Int64Type, nil, 0, false},
		{Sqrt, Int64Type, []int64{4}, 0, false},
		{OnesCount, Float64Type, []int64{4}, 0, false},
		{Float32bits, Float64Type, []int64{4}, 0, false},
		{Pow, Float64Type, []int64{4}, 0, false},
		{numIntrinsics, Float64Type, []int64{4}, 0, false},
	} {
		got, ok := EvalIntrinsic(tc.in, tc.t, tc.args)
		if ok != tc.ok || ok && got != tc.want && !(tc.t.IsFloat() && sameFloat(tc.t, got, tc.want)) {
			t.Errorf("EvalIntrinsic(%v, %v, %#x) = %#x, %v; want %#x, %v", tc.in, tc.t, tc.args, got, ok, tc.want, tc.ok)
		}
	}
}

func TestEvalPanicsOnBadOps(t *testing.T) {
	for name, f := range map[string]func(){
		"compare add":     func() { EvalCompare(OpAdd, Int32Type, 0, 0) },
		"lt on bool":      func() { EvalCompare(OpLt, BoolType, 0, 0) },
		"neg on bool":     func() { EvalUnary(OpNeg, BoolType, 0) },
		"not on int":      func() { EvalUnary(OpNot, Int32Type, 0) },
		"com on float":    func() { EvalUnary(OpCom, Float64Type, 0) },
		"int to bool":     func() { EvalConvert(Int32Type, BoolType, 0) },
		"bool to float32": func() { EvalConvert(BoolType, Float32Type, 0) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		}()
	}
}
