package ir

import (
	"fmt"
	"math"
	"math/bits"
)

// The scalar semantics of the IR, shared by constant folding, the interpreter and the tests of
// the backends. Values are held as int64 bits exactly as OpConst's AuxInt: an integer sign- or
// zero-extended to 64 bits by its type, a float32's IEEE bits in the low 32 bits (the high 32
// zero), a float64's IEEE bits, a bool as 0 or 1. Inputs are read by the same rule (only the low
// bits of a narrow value are looked at); results are always in that canonical form.
//
// Float arithmetic is Go's own, done in the operand's precision (a float32 operation rounds to
// float32 after each step, as Go does), so NaN payloads come out as the host's floating-point
// unit makes them.

// EvalBinary evaluates a binary operation (OpAdd through OpShr, OpMin, OpMax) of type t with Go's
// semantics. Integers wrap at t's width and are re-extended; Div and Rem truncate, MinInt / -1 is
// MinInt and MinInt % -1 is 0. For a shift, y is the count's bits, read as a uint64 whatever the
// count's type (so a count of 1<<63 is a huge count, never a negative one); a count of at least the
// width gives 0, or -1 for >> of a negative signed value. And, or and xor also apply to bool. ok is
// false for an integer division or remainder by zero and for an op that t does not have (Rem, a
// shift or a bitwise op on floats; arithmetic on bool).
func EvalBinary(op Op, t *Basic, x, y int64) (r int64, ok bool) {
	switch {
	case t.Kind == Bool:
		x, y = x&1, y&1
		switch op {
		case OpAnd:
			return x & y, true
		case OpOr:
			return x | y, true
		case OpXor:
			return x ^ y, true
		}
		return 0, false
	case t.Kind == Float32:
		a, b := math.Float32frombits(uint32(x)), math.Float32frombits(uint32(y))
		var c float32
		switch op {
		case OpAdd:
			c = a + b
		case OpSub:
			c = a - b
		case OpMul:
			c = a * b
		case OpDiv:
			c = a / b
		case OpMin:
			c = min(a, b)
		case OpMax:
			c = max(a, b)
		default:
			return 0, false
		}
		return f32bits(c), true
	case t.Kind == Float64:
		a, b := math.Float64frombits(uint64(x)), math.Float64frombits(uint64(y))
		var c float64
		switch op {
		case OpAdd:
			c = a + b
		case OpSub:
			c = a - b
		case OpMul:
			c = a * b
		case OpDiv:
			c = a / b
		case OpMin:
			c = min(a, b)
		case OpMax:
			c = max(a, b)
		default:
			return 0, false
		}
		return int64(math.Float64bits(c)), true
	case t.IsInteger():
		x = ConstBits(t, x)
		signed := t.IsSigned()
		if op == OpShl || op == OpShr {
			n := uint64(y)
			if n >= uint64(t.Bits()) {
				if op == OpShr && signed && x < 0 {
					return -1, true
				}
				return 0, true
			}
			if op == OpShl {
				return ConstBits(t, x<<n), true
			}
			if signed {
				return x >> n, true // x is sign-extended: the 64-bit shift is the narrow one
			}
			return int64(uint64(x) >> n), true // x is zero-extended
		}
		y = ConstBits(t, y)
		var r int64
		switch op {
		case OpAdd:
			r = x + y
		case OpSub:
			r = x - y
		case OpMul:
			r = x * y
		case OpDiv, OpRem:
			if y == 0 {
				return 0, false
			}
			switch {
			case !signed:
				if op == OpDiv {
					r = int64(uint64(x) / uint64(y))
				} else {
					r = int64(uint64(x) % uint64(y))
				}
			case y == -1:
				// Go defines MinInt / -1 == MinInt and MinInt % -1 == 0; spell it out rather than
				// rely on the host's division instruction.
				if op == OpDiv {
					r = -x
				} else {
					r = 0
				}
			case op == OpDiv:
				r = x / y
			default:
				r = x % y
			}
		case OpAnd:
			r = x & y
		case OpOr:
			r = x | y
		case OpXor:
			r = x ^ y
		case OpAndNot:
			r = x &^ y
		case OpMin:
			if signed {
				r = min(x, y)
			} else {
				r = int64(min(uint64(x), uint64(y)))
			}
		case OpMax:
			if signed {
				r = max(x, y)
			} else {
				r = int64(max(uint64(x), uint64(y)))
			}
		default:
			return 0, false
		}
		return ConstBits(t, r), true
	}
	return 0, false
}

// EvalCompare evaluates a comparison (OpEq through OpGe) of two scalars of type t with Go's
// semantics: a NaN is unordered (every comparison with it is false but ne), -0 equals +0, and
// unsigned types compare unsigned. Bools compare only with eq and ne. It panics when op is not a
// comparison or t does not have it.
func EvalCompare(op Op, t *Basic, x, y int64) bool {
	var c int // -1, 0, 1; or 2 for unordered
	switch {
	case t.Kind == Bool:
		x, y = x&1, y&1
		switch op {
		case OpEq:
			return x == y
		case OpNe:
			return x != y
		}
		panic(fmt.Sprintf("geobacter: BUG: ir.EvalCompare(%v) on bool", op))
	case t.Kind == Float32:
		c = cmpFloat(float64(math.Float32frombits(uint32(x))), float64(math.Float32frombits(uint32(y))))
	case t.Kind == Float64:
		c = cmpFloat(math.Float64frombits(uint64(x)), math.Float64frombits(uint64(y)))
	case t.IsSigned():
		x, y = ConstBits(t, x), ConstBits(t, y)
		c = cmpOrdered(x, y)
	case t.IsInteger():
		x, y = ConstBits(t, x), ConstBits(t, y)
		c = cmpOrdered(uint64(x), uint64(y))
	default:
		panic(fmt.Sprintf("geobacter: BUG: ir.EvalCompare on %v", t))
	}
	switch op {
	case OpEq:
		return c == 0
	case OpNe:
		return c != 0
	case OpLt:
		return c == -1
	case OpLe:
		return c == -1 || c == 0
	case OpGt:
		return c == 1
	case OpGe:
		return c == 1 || c == 0
	}
	panic(fmt.Sprintf("geobacter: BUG: ir.EvalCompare(%v): not a comparison", op))
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	}
	return 2
}

func cmpOrdered[T int64 | uint64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// EvalUnary evaluates a unary operation of type t: OpNeg (integers wrap; floats flip the sign bit,
// NaNs included), OpNot (bool) and OpCom (Go's ^x on integers). It panics when op is not one of
// them or t does not have it.
func EvalUnary(op Op, t *Basic, x int64) int64 {
	switch {
	case op == OpNot && t.Kind == Bool:
		return 1 - x&1
	case op == OpNeg && t.Kind == Float32:
		return int64(uint32(x) ^ 1<<31)
	case op == OpNeg && t.Kind == Float64:
		return x ^ math.MinInt64
	case op == OpNeg && t.IsInteger():
		return ConstBits(t, -x)
	case op == OpCom && t.IsInteger():
		return ConstBits(t, ^x)
	}
	panic(fmt.Sprintf("geobacter: BUG: ir.EvalUnary(%v) on %v", op, t))
}

// EvalConvert converts x of type from to type to as Go does (OpConvert): an integer is truncated
// or extended by from's signedness; an integer becomes the nearest float (ties to even); a float
// becomes a float by rounding to nearest even; a float becomes an integer by truncating toward
// zero. Bool converts only to bool.
//
// A float to integer conversion whose truncated value does not fit the integer type is
// implementation-defined in Go. EvalConvert gives, on every host, what gc-compiled Go gives on
// amd64 (the corpus never depends on it): the conversion is done by CVTTSD2SI into int32 for the
// targets i8, i16, i32, u8 and u16, and into int64 for i64 and u32, then truncated to the
// target's width; CVTTSx2SI gives MinInt32 or MinInt64 (the "integer indefinite") for a NaN or an
// out-of-range value. To u64 a value below 2^63 converts as to i64, and any other value (NaN
// included) as int64(x-2^63) with the top bit set. So float64(-1) becomes 0xffffffffffffffff as
// u64, 0xff as u8, and NaN becomes 0 as i8, u8, i16, u16 and u32, MinInt32 as i32, and MinInt64 as
// i64 and u64.
func EvalConvert(from, to *Basic, x int64) int64 {
	switch {
	case from.Kind == Bool || to.Kind == Bool:
		if from.Kind == Bool && to.Kind == Bool {
			return x & 1
		}
	case from.IsInteger():
		x = ConstBits(from, x)
		switch {
		case to.IsInteger():
			return ConstBits(to, x)
		case to.Kind == Float32:
			if from.IsSigned() {
				return f32bits(float32(x))
			}
			return f32bits(float32(uint64(x)))
		case to.Kind == Float64:
			if from.IsSigned() {
				return int64(math.Float64bits(float64(x)))
			}
			return int64(math.Float64bits(float64(uint64(x))))
		}
	case from.IsFloat():
		var f float64
		if from.Kind == Float32 {
			f = float64(math.Float32frombits(uint32(x)))
		} else {
			f = math.Float64frombits(uint64(x))
		}
		switch to.Kind {
		case Float32:
			if from.Kind == Float32 {
				return int64(uint32(x))
			}
			return f32bits(float32(f))
		case Float64:
			return int64(math.Float64bits(f))
		case Int8, Int16, Int32, Uint8, Uint16:
			return ConstBits(to, int64(cvtt32(f)))
		case Int64, Uint32:
			return ConstBits(to, cvtt64(f))
		case Uint64:
			if f < 1<<63 {
				return cvtt64(f)
			}
			return cvtt64(f-(1<<63)) | math.MinInt64
		}
	}
	panic(fmt.Sprintf("geobacter: BUG: ir.EvalConvert from %v to %v", from, to))
}

// cvtt32 is amd64's CVTTSD2SL: f truncated to an int32, or MinInt32 when it does not fit.
func cvtt32(f float64) int32 {
	if f > -(1<<31)-1 && f < 1<<31 {
		return int32(f)
	}
	return math.MinInt32
}

// cvtt64 is amd64's CVTTSD2SQ: f truncated to an int64, or MinInt64 when it does not fit.
func cvtt64(f float64) int64 {
	if f >= -(1<<63) && f < 1<<63 {
		return int64(f)
	}
	return math.MinInt64
}

func f32bits(f float32) int64 { return int64(math.Float32bits(f)) }

// zext is x's low t.Bits() bits, zero-extended.
func zext(t *Basic, x int64) uint64 {
	if w := t.Bits(); w < 64 {
		return uint64(x) & (1<<w - 1)
	}
	return uint64(x)
}

// EvalIntrinsic evaluates a math or bit intrinsic (Sqrt through RotateLeft) whose first operand
// has type t, each exactly as the Go function of package math or math/bits it stands for:
//
//   - The float functions on f64 are math's. On f32 they are what a kernel computes with them:
//     float32(math.F(float64(x), ...)), the operands widened exactly and the result rounded once
//     to float32. (For Sqrt that is the correctly rounded float32 square root; for FMA it is
//     math.FMA in float64 rounded to float32, which can differ in the last bit from a float32
//     fused multiply-add.)
//   - Float32bits (t f32) and Float64bits (t f64) give the bits as u32 and u64; Float32frombits
//     (t u32) and Float64frombits (t u64) give them back as floats. In this package's encoding
//     all four keep the bits as they are.
//   - The bit functions take an unsigned integer of t's width (a signed t is read as the unsigned
//     type of its width) and are bits.F8, F16, F32 or F64 by that width; OnesCount, LeadingZeros,
//     TrailingZeros and Len (bitlen) give an i64, Reverse, ReverseBytes and RotateLeft a value of
//     t. ReverseBytes of a u8 is the value itself (math/bits has no ReverseBytes8). RotateLeft's
//     second operand is an i64 count; negative rotates right.
//
// ok is false for a work-item intrinsic, the barrier, the wrong number of operands or an operand
// type the intrinsic does not take.
func EvalIntrinsic(in Intrinsic, t *Basic, args []int64) (int64, bool) {
	if in < Sqrt || in >= numIntrinsics || len(args) != intrinsicArity(in) {
		return 0, false
	}
	switch in {
	case Float32bits:
		return int64(uint32(args[0])), t.Kind == Float32
	case Float32frombits:
		return int64(uint32(args[0])), t.Kind == Uint32
	case Float64bits:
		return args[0], t.Kind == Float64
	case Float64frombits:
		return args[0], t.Kind == Uint64
	}
	if in >= OnesCount {
		if !t.IsInteger() {
			return 0, false
		}
		return evalBits(in, t, zext(t, args[0]), args)
	}
	var fs [3]float64
	switch t.Kind {
	case Float32:
		for i, a := range args {
			fs[i] = float64(math.Float32frombits(uint32(a)))
		}
	case Float64:
		for i, a := range args {
			fs[i] = math.Float64frombits(uint64(a))
		}
	default:
		return 0, false
	}
	r := evalMath(in, fs[0], fs[1], fs[2])
	if t.Kind == Float32 {
		return f32bits(float32(r)), true
	}
	return int64(math.Float64bits(r)), true
}

// intrinsicArity is the number of operands of a math or bit intrinsic.
func intrinsicArity(in Intrinsic) int {
	switch in {
	case Copysign, Atan2, Pow, Hypot, Mod, RotateLeft:
		return 2
	case FMA:
		return 3
	}
	return 1
}

func evalMath(in Intrinsic, x, y, z float64) float64 {
	switch in {
	case Sqrt:
		return math.Sqrt(x)
	case Abs:
		return math.Abs(x)
	case Floor:
		return math.Floor(x)
	case Ceil:
		return math.Ceil(x)
	case Trunc:
		return math.Trunc(x)
	case Round:
		return math.Round(x)
	case RoundToEven:
		return math.RoundToEven(x)
	case Copysign:
		return math.Copysign(x, y)
	case FMA:
		return math.FMA(x, y, z)
	case Exp:
		return math.Exp(x)
	case Exp2:
		return math.Exp2(x)
	case Expm1:
		return math.Expm1(x)
	case Log:
		return math.Log(x)
	case Log2:
		return math.Log2(x)
	case Log10:
		return math.Log10(x)
	case Log1p:
		return math.Log1p(x)
	case Sin:
		return math.Sin(x)
	case Cos:
		return math.Cos(x)
	case Tan:
		return math.Tan(x)
	case Asin:
		return math.Asin(x)
	case Acos:
		return math.Acos(x)
	case Atan:
		return math.Atan(x)
	case Atan2:
		return math.Atan2(x, y)
	case Sinh:
		return math.Sinh(x)
	case Cosh:
		return math.Cosh(x)
	case Tanh:
		return math.Tanh(x)
	case Pow:
		return math.Pow(x, y)
	case Cbrt:
		return math.Cbrt(x)
	case Hypot:
		return math.Hypot(x, y)
	case Mod:
		return math.Mod(x, y)
	}
	panic(fmt.Sprintf("geobacter: BUG: ir.evalMath(%v)", in))
}

// evalBits evaluates a math/bits intrinsic on u, the operand's bits zero-extended from t's width.
func evalBits(in Intrinsic, t *Basic, u uint64, args []int64) (int64, bool) {
	w := t.Bits()
	switch in {
	case OnesCount:
		return int64(bits.OnesCount64(u)), true
	case LeadingZeros:
		return int64(bits.LeadingZeros64(u) - (64 - w)), true
	case TrailingZeros:
		if u == 0 {
			return int64(w), true
		}
		return int64(bits.TrailingZeros64(u)), true
	case Len:
		return int64(bits.Len64(u)), true
	}
	var r uint64
	switch in {
	case Reverse:
		r = bits.Reverse64(u) >> (64 - w)
	case ReverseBytes:
		r = bits.ReverseBytes64(u) >> (64 - w)
	case RotateLeft:
		s := uint(args[1]) & uint(w-1)
		r = u<<s | u>>(uint(w)-s)
	default:
		return 0, false
	}
	return ConstBits(t, int64(r)), true
}
