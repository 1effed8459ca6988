package ir

// Op is what an instruction does. Each constant's comment shows the instruction's printed form;
// unless it says otherwise, the operands and the result have one type. Integer operations wrap as
// Go's do, and their signedness is the type's.
type Op uint8

const (
	OpInvalid Op = iota

	// OpParam is the function's AuxInt'th parameter; params come first in the entry block.
	//	%0 = param 0 : ptr<args, %main.Saxpy>
	OpParam
	// OpConst is a scalar constant. AuxInt holds its bits: an integer sign- or zero-extended to 64
	// bits by its type, a float's IEEE bits (float32 in the low 32), a bool as 0 or 1.
	//	%1 = const 42 : i32
	//	%2 = const -0 : f64
	//	%3 = const nan(0x7ff8000000000001) : f64
	OpConst
	// OpZero is the zero value of any type.
	//	%4 = zero : %lib.Vec3
	OpZero

	// Arithmetic. Div and Rem on integers have Go's semantics for a non-zero divisor (truncated;
	// MinInt / -1 == MinInt and MinInt % -1 == 0); a zero divisor is undefined here, so the
	// frontend puts a checkdivide before them. On floats they are IEEE (Rem is not defined on
	// floats).
	//	%5 = add %1, %2 : i32
	OpAdd
	OpSub
	OpMul
	OpDiv
	OpRem
	// Bitwise operations on integers (and, or, xor also on bool). andnot is Go's &^.
	//	%6 = andnot %1, %2 : u64
	OpAnd
	OpOr
	OpXor
	OpAndNot
	// Shifts: the count is any unsigned integer; a count at least the width gives 0, or for >> of a
	// negative signed value -1, as in Go. The result has the first operand's type.
	//	%7 = shl %1, %2 : i32
	OpShl
	OpShr
	// Unary: neg is arithmetic negation (integers wrap, floats flip the sign bit), not is the
	// negation of a bool, com is Go's ^x.
	//	%8 = neg %1 : f32
	OpNeg
	OpNot
	OpCom
	// Go's min and max builtins: on floats a NaN operand gives NaN and -0 < +0.
	//	%9 = min %1, %2 : f64
	OpMin
	OpMax
	// Comparisons of scalars (eq and ne also of pointers) with Go's semantics (NaN is unordered);
	// the result is bool.
	//	%10 = lt %1, %2 : bool
	OpEq
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
	// OpConvert converts between scalar types as Go does: integers truncate or extend by the
	// source's signedness, integer to float rounds to nearest even, float to integer truncates
	// toward zero (undefined when out of range, as in Go), float to float rounds.
	//	%11 = convert %1 : f32
	OpConvert

	// OpLocal makes a new zeroed variable of the pointee type in private memory, each time it is
	// executed (a Go local whose address is taken, or a composite value built field by field).
	//	%12 = local : ptr<private, [4]f32>
	OpLocal
	// OpShared is work-group shared memory: every work-item of a group gets the same pointer from
	// one OpShared, zeroed when the group starts. AuxInt numbers the kernel's shared variables.
	//	%13 = shared 0 : ptr<shared, [256]f32>
	OpShared
	// OpLoad reads the value a pointer points to.
	//	%14 = load %12 : [4]f32
	OpLoad
	// OpStore writes the second operand to where the first points. It has no result.
	//	store %12, %14
	OpStore
	// OpFieldAddr is a pointer to field AuxInt of the struct a pointer points to.
	//	%15 = fieldaddr %0, 1 : ptr<args, slice<global, f32>>
	OpFieldAddr
	// OpIndexAddr is a pointer to element i of the array a pointer points to, or of a slice. The
	// index is not checked here (see checkbounds).
	//	%16 = indexaddr %15, %1 : ptr<global, f32>
	OpIndexAddr
	// OpField is field AuxInt of a struct value.
	//	%17 = field %14, 1 : f32
	OpField
	// OpIndex is element i of an array value; the index is not checked here.
	//	%18 = index %14, %1 : f32
	OpIndex
	// Slices: length, capacity (i64) and the pointer to element 0.
	//	%19 = len %15 : i64
	//	%20 = cap %15 : i64
	//	%21 = sliceptr %15 : ptr<global, f32>
	OpLen
	OpCap
	OpSlicePtr
	// OpSlice is s[lo:hi:max] of a slice or of a pointer to an array; the bounds are not checked
	// here.
	//	%22 = slice %15, %1, %2, %3 : slice<global, f32>
	OpSlice
	// OpCopy is Go's copy(dst, src): it copies min(len(dst), len(src)) elements as if through a
	// temporary buffer and returns the count.
	//	%23 = copy %22, %15 : i64
	OpCopy

	// Checks have no result: each does nothing, or makes the work-item panic with Go's run-time
	// error at the instruction's position.
	//
	// OpCheckBounds checks operands x and y (i64) as Go's bounds check of kind AuxInt&0xff does
	// (see BoundsKind); AuxInt&BoundsSigned says x came from a signed integer.
	//	checkbounds index %1, %19 @saxpy.go:12:8
	OpCheckBounds
	// OpCheckNil panics with a nil dereference when the pointer is nil.
	//	checknil %12 @saxpy.go:12:8
	OpCheckNil
	// OpCheckDivide panics with "integer divide by zero" when the integer is zero.
	//	checkdivide %2 @saxpy.go:12:8
	OpCheckDivide
	// OpCheckShift panics with "negative shift amount" when the signed count is negative.
	//	checkshift %2 @saxpy.go:12:8
	OpCheckShift

	// OpCall calls Aux (a *Func). Its type is the function's result type: Void, one type, or a
	// *Tuple that OpExtract takes apart.
	//	%24 = call @lib.Clamp[float32](%1, %2, %3) : f32
	OpCall
	// OpExtract is element AuxInt of a tuple.
	//	%25 = extract %24, 1 : i64
	OpExtract
	// OpIntrinsic is one of the intrinsics enumerated by Intrinsic (AuxInt): work-item ids,
	// barriers, math and bit functions.
	//	%26 = intrinsic global_id(%c0) : i64
	//	intrinsic barrier()
	//	%27 = intrinsic sqrt(%1) : f64
	OpIntrinsic
	// OpAtomic is one of the atomic operations enumerated by AtomicOp (AuxInt) on the memory the
	// first operand points to; sequentially consistent, as sync/atomic's.
	//	%28 = atomic add %16, %1 : i64
	//	%29 = atomic cas %16, %1, %2 : bool
	OpAtomic

	// OpSpaceCast changes the address space of a pointer or slice without changing the address:
	// into Generic where a value flows into a function parameter, a result or a phi of pointers
	// from different spaces, and back to a concrete space where the space-inference pass knows it.
	//	%31 = spacecast %12 : ptr<generic, [4]f32>
	OpSpaceCast

	// OpPhi picks the operand for the predecessor the block was entered from: operand i goes with
	// Block.Preds[i]. Phis come first in a block.
	//	%30 = phi [%1, b1], [%2, b3] : i32
	OpPhi

	numOps
)

var opNames = [...]string{
	OpInvalid: "invalid", OpParam: "param", OpConst: "const", OpZero: "zero",
	OpAdd: "add", OpSub: "sub", OpMul: "mul", OpDiv: "div", OpRem: "rem",
	OpAnd: "and", OpOr: "or", OpXor: "xor", OpAndNot: "andnot", OpShl: "shl", OpShr: "shr",
	OpNeg: "neg", OpNot: "not", OpCom: "com", OpMin: "min", OpMax: "max",
	OpEq: "eq", OpNe: "ne", OpLt: "lt", OpLe: "le", OpGt: "gt", OpGe: "ge", OpConvert: "convert",
	OpLocal: "local", OpShared: "shared", OpLoad: "load", OpStore: "store",
	OpFieldAddr: "fieldaddr", OpIndexAddr: "indexaddr", OpField: "field", OpIndex: "index",
	OpLen: "len", OpCap: "cap", OpSlicePtr: "sliceptr", OpSlice: "slice", OpCopy: "copy",
	OpCheckBounds: "checkbounds", OpCheckNil: "checknil", OpCheckDivide: "checkdivide", OpCheckShift: "checkshift",
	OpCall: "call", OpExtract: "extract", OpIntrinsic: "intrinsic", OpAtomic: "atomic", OpPhi: "phi",
	OpSpaceCast: "spacecast",
}

func (op Op) String() string {
	if int(op) < len(opNames) && opNames[op] != "" {
		return opNames[op]
	}
	return "op?"
}

// IsBinary reports whether op takes two operands of one type and returns that type.
func (op Op) IsBinary() bool {
	return op >= OpAdd && op <= OpShr || op == OpMin || op == OpMax
}

// IsCompare reports whether op is a comparison.
func (op Op) IsCompare() bool { return op >= OpEq && op <= OpGe }

// IsCheck reports whether op is a check that may panic.
func (op Op) IsCheck() bool { return op >= OpCheckBounds && op <= OpCheckShift }

// HasSideEffects reports whether an instruction with op must be kept even when its result is
// unused: stores, checks, calls, barriers and atomics.
func (op Op) HasSideEffects() bool {
	switch op {
	case OpStore, OpCopy, OpCall, OpIntrinsic, OpAtomic:
		return true
	}
	return op.IsCheck()
}

// BoundsKind is the kind of a Go bounds check, as the runtime's boundsError has them; it decides
// the condition and the message.
type BoundsKind uint8

const (
	BoundsIndex      BoundsKind = iota // 0 <= x < y: "index out of range [x] with length y"
	BoundsSliceAlen                    // 0 <= x <= y: "slice bounds out of range [:x] with length y"
	BoundsSliceAcap                    // 0 <= x <= y: "slice bounds out of range [:x] with capacity y"
	BoundsSliceB                       // 0 <= x <= y: "slice bounds out of range [x:y]"
	BoundsSlice3Alen                   // 0 <= x <= y: "slice bounds out of range [::x] with length y"
	BoundsSlice3Acap                   // 0 <= x <= y: "slice bounds out of range [::x] with capacity y"
	BoundsSlice3B                      // 0 <= x <= y: "slice bounds out of range [:x:y]"
	BoundsSlice3C                      // 0 <= x <= y: "slice bounds out of range [x:y:]"
	numBoundsKinds
)

// BoundsSigned is set in a checkbounds' AuxInt when x came from a signed integer, so that a
// negative x is printed as Go prints it.
const BoundsSigned = 1 << 8

var boundsNames = [...]string{"index", "slicealen", "sliceacap", "sliceb", "slice3alen", "slice3acap", "slice3b", "slice3c"}

func (k BoundsKind) String() string {
	if int(k) < len(boundsNames) {
		return boundsNames[k]
	}
	return "bounds?"
}

// Fails reports whether the check of kind k fails for x and y.
func (k BoundsKind) Fails(x, y int64) bool {
	if k == BoundsIndex {
		return uint64(x) >= uint64(y)
	}
	return uint64(x) > uint64(y)
}

// Message is Go's run-time error message for a failed bounds check of kind k (without the
// "runtime error: " prefix), as runtime.boundsError formats it.
func (k BoundsKind) Message(x, y int64, signed bool) string {
	xs := uitoa(uint64(x))
	if signed && x < 0 {
		xs = "-" + uitoa(uint64(-x))
		// Go reports only the negative index, without the length.
		switch k {
		case BoundsIndex:
			return "index out of range [" + xs + "]"
		case BoundsSliceAlen, BoundsSliceAcap:
			return "slice bounds out of range [:" + xs + "]"
		case BoundsSliceB:
			return "slice bounds out of range [" + xs + ":]"
		case BoundsSlice3Alen, BoundsSlice3Acap:
			return "slice bounds out of range [::" + xs + "]"
		case BoundsSlice3B:
			return "slice bounds out of range [:" + xs + ":]"
		case BoundsSlice3C:
			return "slice bounds out of range [" + xs + "::]"
		}
	}
	ys := uitoa(uint64(y))
	switch k {
	case BoundsIndex:
		return "index out of range [" + xs + "] with length " + ys
	case BoundsSliceAlen:
		return "slice bounds out of range [:" + xs + "] with length " + ys
	case BoundsSliceAcap:
		return "slice bounds out of range [:" + xs + "] with capacity " + ys
	case BoundsSliceB:
		return "slice bounds out of range [" + xs + ":" + ys + "]"
	case BoundsSlice3Alen:
		return "slice bounds out of range [::" + xs + "] with length " + ys
	case BoundsSlice3Acap:
		return "slice bounds out of range [::" + xs + "] with capacity " + ys
	case BoundsSlice3B:
		return "slice bounds out of range [:" + xs + ":" + ys + "]"
	case BoundsSlice3C:
		return "slice bounds out of range [" + xs + ":" + ys + ":]"
	}
	return "bounds check failed"
}

func uitoa(v uint64) string {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return string(buf[i:])
		}
	}
}

// The messages of the other checks, without the "runtime error: " prefix, as Go gives them.
const (
	NilMessage    = "invalid memory address or nil pointer dereference"
	DivideMessage = "integer divide by zero"
	ShiftMessage  = "negative shift amount"
)

// AtomicOp is an atomic operation, with sync/atomic's semantics for integers and package kernel's
// for floats.
type AtomicOp uint8

const (
	AtomicLoad  AtomicOp = iota // load p                → the value
	AtomicStore                 // store p, v            → void
	AtomicAdd                   // add p, v              → the new value
	AtomicAnd                   // and p, v              → the old value
	AtomicOr                    // or p, v               → the old value
	AtomicSwap                  // swap p, v             → the old value
	AtomicCAS                   // cas p, old, new       → bool: swapped
	AtomicMin                   // min p, v (floats)     → the old value
	AtomicMax                   // max p, v (floats)     → the old value
	numAtomicOps
)

var atomicNames = [...]string{"load", "store", "add", "and", "or", "swap", "cas", "min", "max"}

func (a AtomicOp) String() string {
	if int(a) < len(atomicNames) {
		return atomicNames[a]
	}
	return "atomic?"
}

// Intrinsic is a function every device provides: work-item ids, the barrier, and the math and
// bit functions that have no Go body to compile (or whose body is only a fallback for an
// assembly version). Each behaves as the Go function it stands for.
type Intrinsic uint8

const (
	// Work-item ids and sizes: the operand is the dimension (i64), 0, 1 or 2 — a constant, or a
	// value a checkbounds before it has checked; the result is i64.
	GlobalID Intrinsic = iota
	LocalID
	GroupID
	GlobalSize
	LocalSize
	NumGroups
	// Barrier is kernel.Item.Barrier: no operands, no result.
	Barrier

	// Float functions of package math, each on f64 (and, where a kernel converts, f32): the
	// result is the operand's type.
	Sqrt
	Abs
	Floor
	Ceil
	Trunc
	Round
	RoundToEven
	Copysign // (x, y)
	FMA      // (x, y, z): x*y+z rounded once
	Exp
	Exp2
	Expm1
	Log
	Log2
	Log10
	Log1p
	Sin
	Cos
	Tan
	Asin
	Acos
	Atan
	Atan2 // (y, x)
	Sinh
	Cosh
	Tanh
	Pow // (x, y)
	Cbrt
	Hypot // (x, y)
	Mod   // (x, y): math.Mod
	Float32bits
	Float32frombits
	Float64bits
	Float64frombits

	// Bit functions of package math/bits on unsigned integers of the operand's width; the
	// results of the counts are i64 (Go's int).
	OnesCount
	LeadingZeros
	TrailingZeros
	Len
	Reverse
	ReverseBytes
	RotateLeft // (x, k): k is i64, negative rotates right

	numIntrinsics
)

var intrinsicNames = [...]string{
	GlobalID: "global_id", LocalID: "local_id", GroupID: "group_id", GlobalSize: "global_size",
	LocalSize: "local_size", NumGroups: "num_groups", Barrier: "barrier",
	Sqrt: "sqrt", Abs: "abs", Floor: "floor", Ceil: "ceil", Trunc: "trunc", Round: "round",
	RoundToEven: "roundtoeven", Copysign: "copysign", FMA: "fma", Exp: "exp", Exp2: "exp2",
	Expm1: "expm1", Log: "log", Log2: "log2", Log10: "log10", Log1p: "log1p", Sin: "sin", Cos: "cos",
	Tan: "tan", Asin: "asin", Acos: "acos", Atan: "atan", Atan2: "atan2", Sinh: "sinh", Cosh: "cosh",
	Tanh: "tanh", Pow: "pow", Cbrt: "cbrt", Hypot: "hypot", Mod: "mod",
	Float32bits: "float32bits", Float32frombits: "float32frombits", Float64bits: "float64bits",
	Float64frombits: "float64frombits",
	OnesCount:       "onescount", LeadingZeros: "leadingzeros", TrailingZeros: "trailingzeros", Len: "bitlen",
	Reverse: "reverse", ReverseBytes: "reversebytes", RotateLeft: "rotateleft",
}

func (in Intrinsic) String() string {
	if int(in) < len(intrinsicNames) && intrinsicNames[in] != "" {
		return intrinsicNames[in]
	}
	return "intrinsic?"
}

// IsWorkItem reports whether in is one of the work-item id and size queries.
func (in Intrinsic) IsWorkItem() bool { return in <= NumGroups }
