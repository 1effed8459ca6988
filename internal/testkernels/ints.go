package testkernels

import (
	"context"
	"math"
	"math/bits"
	"math/rand/v2"

	"github.com/geobacter-go/geobacter/kernel"
)

func intCases() []Case {
	return []Case{
		{Name: "int/wrap-signed", Kernel: (*WrapSigned)(nil), Run: runWrapSigned, Want: wantWrapSigned},
		{Name: "int/wrap-unsigned", Kernel: (*WrapUnsigned)(nil), Run: runWrapUnsigned, Want: wantWrapUnsigned},
		{Name: "int/shift", Kernel: (*Shift)(nil), Run: runShift, Want: wantShift},
		{Name: "int/shift-signed-count", Kernel: (*ShiftSignedCount)(nil), Run: runShiftSignedCount, Want: wantShiftSignedCount},
		{Name: "int/divmod", Kernel: (*DivMod)(nil), Run: runDivMod, Want: wantDivMod},
		{Name: "int/div-const", Kernel: (*DivConst)(nil), Run: runDivConst, Want: wantDivConst},
		{Name: "int/convert", Kernel: (*IntConvert)(nil), Run: runIntConvert, Want: wantIntConvert},
		{Name: "int/int-float", Kernel: (*IntFloat)(nil), Run: runIntFloat, Want: wantIntFloat},
		{Name: "int/bitops", Kernel: (*BitOps)(nil), Run: runBitOps, Want: wantBitOps},
		{Name: "int/compare", Kernel: (*IntCompare)(nil), Run: runIntCompare, Want: wantIntCompare},
		{Name: "int/bits", Kernel: (*Bits)(nil), Run: runBits, Want: wantBits},
		{Name: "int/bits-arith", Kernel: (*BitsArith)(nil), Run: runBitsArith, Want: wantBitsArith},
	}
}

// wrapPairs is the number of operand pairs of each width in the wrap, divmod, bitops and compare
// cases: every pair of intEdges (13×13) and random ones.
const wrapPairs = 256

// pairsOf returns wrapPairs operand pairs of T: every pair of its edges, then random ones.
func pairsOf[T integer](seed uint64) (a, b []T) {
	edges := len(intEdges[T]())
	return intPairs[T](seed, wrapPairs-edges*edges)
}

// wrapRef is the reference of WrapSigned and WrapUnsigned: a+b, a-b, a*b and -a.
func wrapRef[T integer](a, b []T) [][4]T {
	out := make([][4]T, len(a))
	for i := range a {
		out[i] = [4]T{a[i] + b[i], a[i] - b[i], a[i] * b[i], -a[i]}
	}
	return out
}

// WrapSigned checks that signed addition, subtraction, multiplication and negation wrap around at
// every width: Out*[i] is {a+b, a-b, a*b, -a}.
type WrapSigned struct {
	A8, B8   []int8
	A16, B16 []int16
	A32, B32 []int32
	A64, B64 []int64
	A, B     []int
	Out8     [][4]int8
	Out16    [][4]int16
	Out32    [][4]int32
	Out64    [][4]int64
	Out      [][4]int
}

func (k *WrapSigned) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	a8, b8 := k.A8[i], k.B8[i]
	k.Out8[i] = [4]int8{a8 + b8, a8 - b8, a8 * b8, -a8}
	a16, b16 := k.A16[i], k.B16[i]
	k.Out16[i] = [4]int16{a16 + b16, a16 - b16, a16 * b16, -a16}
	a32, b32 := k.A32[i], k.B32[i]
	k.Out32[i] = [4]int32{a32 + b32, a32 - b32, a32 * b32, -a32}
	a64, b64 := k.A64[i], k.B64[i]
	k.Out64[i] = [4]int64{a64 + b64, a64 - b64, a64 * b64, -a64}
	a, b := k.A[i], k.B[i]
	k.Out[i] = [4]int{a + b, a - b, a * b, -a}
}

type wrapSignedIn struct {
	a8, b8   []int8
	a16, b16 []int16
	a32, b32 []int32
	a64, b64 []int64
	a, b     []int
}

func newWrapSignedIn() (in wrapSignedIn) {
	in.a8, in.b8 = pairsOf[int8](1)
	in.a16, in.b16 = pairsOf[int16](2)
	in.a32, in.b32 = pairsOf[int32](3)
	in.a64, in.b64 = pairsOf[int64](4)
	in.a, in.b = pairsOf[int](5)
	return in
}

func runWrapSigned(ctx context.Context, t *Target) (Outputs, error) {
	in := newWrapSignedIn()
	k := &WrapSigned{
		A8: upload(t, in.a8), B8: upload(t, in.b8), A16: upload(t, in.a16), B16: upload(t, in.b16),
		A32: upload(t, in.a32), B32: upload(t, in.b32), A64: upload(t, in.a64), B64: upload(t, in.b64),
		A: upload(t, in.a), B: upload(t, in.b),
		Out8: alloc[[4]int8](t, wrapPairs), Out16: alloc[[4]int16](t, wrapPairs), Out32: alloc[[4]int32](t, wrapPairs),
		Out64: alloc[[4]int64](t, wrapPairs), Out: alloc[[4]int](t, wrapPairs),
	}
	err := launch(ctx, t, shape1(wrapPairs, 64).grid(), k)
	return Outputs{"out8": k.Out8, "out16": k.Out16, "out32": k.Out32, "out64": k.Out64, "out": k.Out}, err
}

func wantWrapSigned() Outputs {
	in := newWrapSignedIn()
	return Outputs{
		"out8": wrapRef(in.a8, in.b8), "out16": wrapRef(in.a16, in.b16), "out32": wrapRef(in.a32, in.b32),
		"out64": wrapRef(in.a64, in.b64), "out": wrapRef(in.a, in.b),
	}
}

// WrapUnsigned is WrapSigned for the unsigned types: Out*[i] is {a+b, a-b, a*b, -a}.
type WrapUnsigned struct {
	A8, B8   []uint8
	A16, B16 []uint16
	A32, B32 []uint32
	A64, B64 []uint64
	A, B     []uint
	Out8     [][4]uint8
	Out16    [][4]uint16
	Out32    [][4]uint32
	Out64    [][4]uint64
	Out      [][4]uint
}

func (k *WrapUnsigned) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	a8, b8 := k.A8[i], k.B8[i]
	k.Out8[i] = [4]uint8{a8 + b8, a8 - b8, a8 * b8, -a8}
	a16, b16 := k.A16[i], k.B16[i]
	k.Out16[i] = [4]uint16{a16 + b16, a16 - b16, a16 * b16, -a16}
	a32, b32 := k.A32[i], k.B32[i]
	k.Out32[i] = [4]uint32{a32 + b32, a32 - b32, a32 * b32, -a32}
	a64, b64 := k.A64[i], k.B64[i]
	k.Out64[i] = [4]uint64{a64 + b64, a64 - b64, a64 * b64, -a64}
	a, b := k.A[i], k.B[i]
	k.Out[i] = [4]uint{a + b, a - b, a * b, -a}
}

type wrapUnsignedIn struct {
	a8, b8   []uint8
	a16, b16 []uint16
	a32, b32 []uint32
	a64, b64 []uint64
	a, b     []uint
}

func newWrapUnsignedIn() (in wrapUnsignedIn) {
	in.a8, in.b8 = pairsOf[uint8](11)
	in.a16, in.b16 = pairsOf[uint16](12)
	in.a32, in.b32 = pairsOf[uint32](13)
	in.a64, in.b64 = pairsOf[uint64](14)
	in.a, in.b = pairsOf[uint](15)
	return in
}

func runWrapUnsigned(ctx context.Context, t *Target) (Outputs, error) {
	in := newWrapUnsignedIn()
	k := &WrapUnsigned{
		A8: upload(t, in.a8), B8: upload(t, in.b8), A16: upload(t, in.a16), B16: upload(t, in.b16),
		A32: upload(t, in.a32), B32: upload(t, in.b32), A64: upload(t, in.a64), B64: upload(t, in.b64),
		A: upload(t, in.a), B: upload(t, in.b),
		Out8: alloc[[4]uint8](t, wrapPairs), Out16: alloc[[4]uint16](t, wrapPairs), Out32: alloc[[4]uint32](t, wrapPairs),
		Out64: alloc[[4]uint64](t, wrapPairs), Out: alloc[[4]uint](t, wrapPairs),
	}
	err := launch(ctx, t, shape1(wrapPairs, 64).grid(), k)
	return Outputs{"out8": k.Out8, "out16": k.Out16, "out32": k.Out32, "out64": k.Out64, "out": k.Out}, err
}

func wantWrapUnsigned() Outputs {
	in := newWrapUnsignedIn()
	return Outputs{
		"out8": wrapRef(in.a8, in.b8), "out16": wrapRef(in.a16, in.b16), "out32": wrapRef(in.a32, in.b32),
		"out64": wrapRef(in.a64, in.b64), "out": wrapRef(in.a, in.b),
	}
}

// shiftCounts are the shift counts of Shift: below, at and beyond every width, and ones that do
// not fit in 32 bits.
var shiftCounts = []uint64{0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 255, 256, 1 << 32, 1<<40 + 1, math.MaxUint64}

// shiftOperands returns every edge of T against every count of counts, as parallel slices.
func shiftOperands[T integer, C integer](counts []C) (x []T, s []C) {
	for _, v := range intEdges[T]() {
		for _, c := range counts {
			x, s = append(x, v), append(s, c)
		}
	}
	return x, s
}

// shiftRef is {x << s, x >> s} for each pair.
func shiftRef[T integer, C integer](x []T, s []C) [][2]T {
	out := make([][2]T, len(x))
	for i := range x {
		out[i] = [2]T{x[i] << s[i], x[i] >> s[i]}
	}
	return out
}

// Shift checks shifts of every integer type by unsigned counts, including counts at and beyond
// the width (left shifts give 0, right shifts 0 or -1) and counts that do not fit in 32 bits:
// Out*[i] is {x << S[i], x >> S[i]}.
type Shift struct {
	S      []uint64
	I8     []int8
	I16    []int16
	I32    []int32
	I64    []int64
	U8     []uint8
	U16    []uint16
	U32    []uint32
	U64    []uint64
	OutI8  [][2]int8
	OutI16 [][2]int16
	OutI32 [][2]int32
	OutI64 [][2]int64
	OutU8  [][2]uint8
	OutU16 [][2]uint16
	OutU32 [][2]uint32
	OutU64 [][2]uint64
}

func (k *Shift) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	s := k.S[i]
	k.OutI8[i] = [2]int8{k.I8[i] << s, k.I8[i] >> s}
	k.OutI16[i] = [2]int16{k.I16[i] << s, k.I16[i] >> s}
	k.OutI32[i] = [2]int32{k.I32[i] << s, k.I32[i] >> s}
	k.OutI64[i] = [2]int64{k.I64[i] << s, k.I64[i] >> s}
	k.OutU8[i] = [2]uint8{k.U8[i] << s, k.U8[i] >> s}
	k.OutU16[i] = [2]uint16{k.U16[i] << s, k.U16[i] >> s}
	k.OutU32[i] = [2]uint32{k.U32[i] << s, k.U32[i] >> s}
	k.OutU64[i] = [2]uint64{k.U64[i] << s, k.U64[i] >> s}
}

type shiftIn struct {
	s   []uint64
	i8  []int8
	i16 []int16
	i32 []int32
	i64 []int64
	u8  []uint8
	u16 []uint16
	u32 []uint32
	u64 []uint64
}

func newShiftIn() (in shiftIn) {
	in.i8, in.s = shiftOperands[int8](shiftCounts)
	in.i16, _ = shiftOperands[int16](shiftCounts)
	in.i32, _ = shiftOperands[int32](shiftCounts)
	in.i64, _ = shiftOperands[int64](shiftCounts)
	in.u8, _ = shiftOperands[uint8](shiftCounts)
	in.u16, _ = shiftOperands[uint16](shiftCounts)
	in.u32, _ = shiftOperands[uint32](shiftCounts)
	in.u64, _ = shiftOperands[uint64](shiftCounts)
	return in
}

func runShift(ctx context.Context, t *Target) (Outputs, error) {
	in := newShiftIn()
	n := len(in.s)
	k := &Shift{
		S: upload(t, in.s), I8: upload(t, in.i8), I16: upload(t, in.i16), I32: upload(t, in.i32), I64: upload(t, in.i64),
		U8: upload(t, in.u8), U16: upload(t, in.u16), U32: upload(t, in.u32), U64: upload(t, in.u64),
		OutI8: alloc[[2]int8](t, n), OutI16: alloc[[2]int16](t, n), OutI32: alloc[[2]int32](t, n), OutI64: alloc[[2]int64](t, n),
		OutU8: alloc[[2]uint8](t, n), OutU16: alloc[[2]uint16](t, n), OutU32: alloc[[2]uint32](t, n), OutU64: alloc[[2]uint64](t, n),
	}
	err := launch(ctx, t, shape1(n, 64).grid(), k)
	return Outputs{
		"i8": k.OutI8, "i16": k.OutI16, "i32": k.OutI32, "i64": k.OutI64,
		"u8": k.OutU8, "u16": k.OutU16, "u32": k.OutU32, "u64": k.OutU64,
	}, err
}

func wantShift() Outputs {
	in := newShiftIn()
	return Outputs{
		"i8": shiftRef(in.i8, in.s), "i16": shiftRef(in.i16, in.s), "i32": shiftRef(in.i32, in.s), "i64": shiftRef(in.i64, in.s),
		"u8": shiftRef(in.u8, in.s), "u16": shiftRef(in.u16, in.s), "u32": shiftRef(in.u32, in.s), "u64": shiftRef(in.u64, in.s),
	}
}

// ShiftSignedCount checks shifts by counts of signed types (non-negative: a negative count
// panics, see PanicShift), narrow and wide: Out*[i] is {x << C8[i], x >> C8[i], x << C64[i],
// x >> C64[i]}.
type ShiftSignedCount struct {
	C8    []int8
	C64   []int64
	X32   []int32
	X16   []uint16
	Out32 [][4]int32
	Out16 [][4]uint16
}

func (k *ShiftSignedCount) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	c8, c64 := k.C8[i], k.C64[i]
	x32, x16 := k.X32[i], k.X16[i]
	k.Out32[i] = [4]int32{x32 << c8, x32 >> c8, x32 << c64, x32 >> c64}
	k.Out16[i] = [4]uint16{x16 << c8, x16 >> c8, x16 << c64, x16 >> c64}
}

type shiftSignedIn struct {
	c8  []int8
	c64 []int64
	x32 []int32
	x16 []uint16
}

func newShiftSignedIn() (in shiftSignedIn) {
	counts := []struct {
		narrow int8
		wide   int64
	}{
		{0, 0}, {1, 3}, {15, 16}, {16, 31}, {17, 32}, {31, 1 << 31}, {32, 1 << 32}, {33, 1<<33 + 5},
		{63, math.MaxInt64}, {64, 64}, {127, 100},
	}
	x32, x16 := intEdges[int32](), intEdges[uint16]() // as many of each: one list for every type
	for e := range x32 {
		for _, c := range counts {
			in.x32, in.x16 = append(in.x32, x32[e]), append(in.x16, x16[e])
			in.c8, in.c64 = append(in.c8, c.narrow), append(in.c64, c.wide)
		}
	}
	return in
}

func runShiftSignedCount(ctx context.Context, t *Target) (Outputs, error) {
	in := newShiftSignedIn()
	n := len(in.c8)
	k := &ShiftSignedCount{
		C8: upload(t, in.c8), C64: upload(t, in.c64), X32: upload(t, in.x32), X16: upload(t, in.x16),
		Out32: alloc[[4]int32](t, n), Out16: alloc[[4]uint16](t, n),
	}
	err := launch(ctx, t, shape1(n, 32).grid(), k)
	return Outputs{"out32": k.Out32, "out16": k.Out16}, err
}

func wantShiftSignedCount() Outputs {
	in := newShiftSignedIn()
	out32 := make([][4]int32, len(in.c8))
	out16 := make([][4]uint16, len(in.c8))
	for i := range in.c8 {
		c8, c64 := in.c8[i], in.c64[i]
		out32[i] = [4]int32{in.x32[i] << c8, in.x32[i] >> c8, in.x32[i] << c64, in.x32[i] >> c64}
		out16[i] = [4]uint16{in.x16[i] << c8, in.x16[i] >> c8, in.x16[i] << c64, in.x16[i] >> c64}
	}
	return Outputs{"out32": out32, "out16": out16}
}

// divPairs returns operand pairs for division: pairsOf, with every zero divisor replaced by -1 (or
// MaxUint), which adds MinInt / -1 (which wraps to MinInt, remainder 0, and does not panic).
func divPairs[T integer](seed uint64) (a, b []T) {
	a, b = pairsOf[T](seed)
	for i := range b {
		if b[i] == 0 {
			b[i] = ^T(0)
		}
	}
	return a, b
}

// divRef is {a / b, a % b} for each pair.
func divRef[T integer](a, b []T) [][2]T {
	out := make([][2]T, len(a))
	for i := range a {
		out[i] = [2]T{a[i] / b[i], a[i] % b[i]}
	}
	return out
}

// DivMod checks division and remainder at every width, with negative operands (the quotient
// truncates toward zero, the remainder has the dividend's sign) and MinInt / -1: Out*[i] is
// {a / b, a % b}.
type DivMod struct {
	A8, B8     []int8
	A16, B16   []int16
	A32, B32   []int32
	A64, B64   []int64
	AU8, BU8   []uint8
	AU32, BU32 []uint32
	AU64, BU64 []uint64
	Out8       [][2]int8
	Out16      [][2]int16
	Out32      [][2]int32
	Out64      [][2]int64
	OutU8      [][2]uint8
	OutU32     [][2]uint32
	OutU64     [][2]uint64
}

func (k *DivMod) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out8[i] = [2]int8{k.A8[i] / k.B8[i], k.A8[i] % k.B8[i]}
	k.Out16[i] = [2]int16{k.A16[i] / k.B16[i], k.A16[i] % k.B16[i]}
	k.Out32[i] = [2]int32{k.A32[i] / k.B32[i], k.A32[i] % k.B32[i]}
	k.Out64[i] = [2]int64{k.A64[i] / k.B64[i], k.A64[i] % k.B64[i]}
	k.OutU8[i] = [2]uint8{k.AU8[i] / k.BU8[i], k.AU8[i] % k.BU8[i]}
	k.OutU32[i] = [2]uint32{k.AU32[i] / k.BU32[i], k.AU32[i] % k.BU32[i]}
	k.OutU64[i] = [2]uint64{k.AU64[i] / k.BU64[i], k.AU64[i] % k.BU64[i]}
}

type divModIn struct {
	a8, b8     []int8
	a16, b16   []int16
	a32, b32   []int32
	a64, b64   []int64
	au8, bu8   []uint8
	au32, bu32 []uint32
	au64, bu64 []uint64
}

func newDivModIn() (in divModIn) {
	in.a8, in.b8 = divPairs[int8](21)
	in.a16, in.b16 = divPairs[int16](22)
	in.a32, in.b32 = divPairs[int32](23)
	in.a64, in.b64 = divPairs[int64](24)
	in.au8, in.bu8 = divPairs[uint8](25)
	in.au32, in.bu32 = divPairs[uint32](26)
	in.au64, in.bu64 = divPairs[uint64](27)
	return in
}

func runDivMod(ctx context.Context, t *Target) (Outputs, error) {
	in := newDivModIn()
	k := &DivMod{
		A8: upload(t, in.a8), B8: upload(t, in.b8), A16: upload(t, in.a16), B16: upload(t, in.b16),
		A32: upload(t, in.a32), B32: upload(t, in.b32), A64: upload(t, in.a64), B64: upload(t, in.b64),
		AU8: upload(t, in.au8), BU8: upload(t, in.bu8), AU32: upload(t, in.au32), BU32: upload(t, in.bu32),
		AU64: upload(t, in.au64), BU64: upload(t, in.bu64),
		Out8: alloc[[2]int8](t, wrapPairs), Out16: alloc[[2]int16](t, wrapPairs), Out32: alloc[[2]int32](t, wrapPairs),
		Out64: alloc[[2]int64](t, wrapPairs), OutU8: alloc[[2]uint8](t, wrapPairs), OutU32: alloc[[2]uint32](t, wrapPairs),
		OutU64: alloc[[2]uint64](t, wrapPairs),
	}
	err := launch(ctx, t, shape1(wrapPairs, 64).grid(), k)
	return Outputs{
		"i8": k.Out8, "i16": k.Out16, "i32": k.Out32, "i64": k.Out64,
		"u8": k.OutU8, "u32": k.OutU32, "u64": k.OutU64,
	}, err
}

func wantDivMod() Outputs {
	in := newDivModIn()
	return Outputs{
		"i8": divRef(in.a8, in.b8), "i16": divRef(in.a16, in.b16), "i32": divRef(in.a32, in.b32), "i64": divRef(in.a64, in.b64),
		"u8": divRef(in.au8, in.bu8), "u32": divRef(in.au32, in.bu32), "u64": divRef(in.au64, in.bu64),
	}
}

// DivConst checks division and remainder by constants, which compilers turn into multiplications
// and shifts: powers of two with negative dividends (rounding toward zero, not down), negative
// divisors, -1, and the largest unsigned divisors.
type DivConst struct {
	I32    []int32
	I64    []int64
	U32    []uint32
	U64    []uint64
	OutI32 [][10]int32
	OutI64 [][12]int64
	OutU32 [][8]uint32
	OutU64 [][8]uint64
}

func (k *DivConst) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.OutI32[i] = divConstInt32(k.I32[i])
	k.OutI64[i] = divConstInt64(k.I64[i])
	k.OutU32[i] = divConstUint32(k.U32[i])
	k.OutU64[i] = divConstUint64(k.U64[i])
}

func divConstInt32(x int32) [10]int32 {
	return [10]int32{x / 7, x % 7, x / -7, x % -7, x / 8, x % 8, x / -8, x % -8, x / -1, x % -1}
}

func divConstInt64(x int64) [12]int64 {
	return [12]int64{x / 7, x % 7, x / -7, x % -7, x / 8, x % 8, x / -8, x % -8, x / -1, x % -1, x / (1 << 40), x % (1 << 40)}
}

func divConstUint32(x uint32) [8]uint32 {
	return [8]uint32{x / 7, x % 7, x / 8, x % 8, x / 10, x % 10, x / math.MaxUint32, x % math.MaxUint32}
}

func divConstUint64(x uint64) [8]uint64 {
	return [8]uint64{x / 7, x % 7, x / 10, x % 10, x / (1 << 63), x % (1 << 63), x / math.MaxUint64, x % math.MaxUint64}
}

// intValues returns the edges of T followed by random values, n in all.
func intValues[T integer](seed uint64, n int) []T {
	v := intEdges[T]()
	r := newRand(seed)
	for len(v) < n {
		v = append(v, intRand[T](r))
	}
	return v
}

const divConstItems = 64

func runDivConst(ctx context.Context, t *Target) (Outputs, error) {
	n := divConstItems
	k := &DivConst{
		I32: upload(t, intValues[int32](31, n)), I64: upload(t, intValues[int64](32, n)),
		U32: upload(t, intValues[uint32](33, n)), U64: upload(t, intValues[uint64](34, n)),
		OutI32: alloc[[10]int32](t, n), OutI64: alloc[[12]int64](t, n), OutU32: alloc[[8]uint32](t, n), OutU64: alloc[[8]uint64](t, n),
	}
	err := launch(ctx, t, shape1(n, 16).grid(), k)
	return Outputs{"i32": k.OutI32, "i64": k.OutI64, "u32": k.OutU32, "u64": k.OutU64}, err
}

func wantDivConst() Outputs {
	n := divConstItems
	return Outputs{
		"i32": mapSlice(intValues[int32](31, n), divConstInt32),
		"i64": mapSlice(intValues[int64](32, n), divConstInt64),
		"u32": mapSlice(intValues[uint32](33, n), divConstUint32),
		"u64": mapSlice(intValues[uint64](34, n), divConstUint64),
	}
}

// mapSlice returns f of each element of s.
func mapSlice[T, U any](s []T, f func(T) U) []U {
	out := make([]U, len(s))
	for i, v := range s {
		out[i] = f(v)
	}
	return out
}

// IntConversions are the conversions of one int64 X between the integer types.
type IntConversions struct {
	I8  int8
	U8  uint8
	I16 int16
	U16 uint16
	I32 int32
	U32 uint32
	U64 uint64
	U   uint
	// Widened is X truncated to a narrow type and extended back: int64(int8(X)), int64(uint8(X)),
	// int64(int16(X)), int64(uint16(X)), int64(int32(X)), int64(uint32(X)).
	Widened [6]int64
	// SignExtended is uint64(int8(X)), uint64(int16(X)), uint64(int32(X)): sign extension into an
	// unsigned type.
	SignExtended [3]uint64
	// Chained is int32(uint8(int8(X))), int16(uint32(X)), int8(uint64(X) >> 56), uint16(int8(X)).
	Chained [4]int32
}

// convertInt is the conversions of x that IntConvert computes.
func convertInt(x int64) IntConversions {
	return IntConversions{
		I8: int8(x), U8: uint8(x), I16: int16(x), U16: uint16(x), I32: int32(x), U32: uint32(x), U64: uint64(x), U: uint(x),
		Widened:      [6]int64{int64(int8(x)), int64(uint8(x)), int64(int16(x)), int64(uint16(x)), int64(int32(x)), int64(uint32(x))},
		SignExtended: [3]uint64{uint64(int8(x)), uint64(int16(x)), uint64(int32(x))},
		Chained:      [4]int32{int32(uint8(int8(x))), int32(int16(uint32(x))), int32(int8(uint64(x) >> 56)), int32(uint16(int8(x)))},
	}
}

// IntConvert checks conversions between every integer size: truncation, sign and zero extension.
type IntConvert struct {
	X   []int64
	Out []IntConversions
}

func (k *IntConvert) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = convertInt(k.X[i])
}

// convertValues are int64s whose low 8, 16 and 32 bits sit on both sides of each sign bit.
func convertValues() []int64 {
	v := intValues[int64](41, 32)
	for _, x := range []int64{0x7f, 0x80, 0xff, 0x100, -0x80, -0x81, 0x7fff, 0x8000, 0xffff, -0x8001,
		0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 0x1_0000_0000, -0x8000_0001, 0x1234_5678_9abc_def0, -0x0123_4567_89ab_cdef} {
		v = append(v, x)
	}
	return v
}

func runIntConvert(ctx context.Context, t *Target) (Outputs, error) {
	x := convertValues()
	k := &IntConvert{X: upload(t, x), Out: alloc[IntConversions](t, len(x))}
	err := launch(ctx, t, shape1(len(x), 16).grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantIntConvert() Outputs { return Outputs{"out": mapSlice(convertValues(), convertInt)} }

// IntToFloat are conversions of integers to floats, rounded to nearest even.
type IntToFloat struct {
	F64FromI64 float64
	F32FromI64 float32
	F64FromU64 float64
	F32FromU64 float32
	F64FromI32 float64
	F32FromI32 float32
	F32FromU32 float32
	F32FromI8  float32
	F64FromU8  float64
}

// FloatToInt are conversions of in-range floats to integers, truncated toward zero.
type FloatToInt struct {
	I64   int64
	I32   int32
	I8    int8
	U8    uint8
	U32   uint32
	U64   uint64
	I32F  int32  // from float32
	U32F  uint32 // from float32
	U64F  uint64 // from float32
	Int   int
	Uint8 uint8 // from float32
}

// IntFloat checks conversions between integers and floats: rounding of integers that floats
// cannot hold exactly (including values where rounding through float64 first gives the wrong
// float32), unsigned values at and above 2⁶³, and truncation toward zero of in-range floats.
//
// Converting a float that does not fit the integer type is implementation-defined in Go (it
// differs between amd64 and arm64), so no input here is out of range after truncation.
type IntFloat struct {
	I64 []int64
	U64 []uint64
	I32 []int32
	U32 []uint32
	I8  []int8
	U8  []uint8
	// One input per target type, each within that type's range.
	FI64, FI32, FI8, FU8, FU32, FU64, FInt []float64
	FI32F, FU32F, FU64F, FU8F              []float32
	ToFloat                                []IntToFloat
	ToInt                                  []FloatToInt
}

func (k *IntFloat) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.ToFloat[i] = IntToFloat{
		F64FromI64: float64(k.I64[i]), F32FromI64: float32(k.I64[i]),
		F64FromU64: float64(k.U64[i]), F32FromU64: float32(k.U64[i]),
		F64FromI32: float64(k.I32[i]), F32FromI32: float32(k.I32[i]), F32FromU32: float32(k.U32[i]),
		F32FromI8: float32(k.I8[i]), F64FromU8: float64(k.U8[i]),
	}
	k.ToInt[i] = FloatToInt{
		I64: int64(k.FI64[i]), I32: int32(k.FI32[i]), I8: int8(k.FI8[i]), U8: uint8(k.FU8[i]),
		U32: uint32(k.FU32[i]), U64: uint64(k.FU64[i]), Int: int(k.FInt[i]),
		I32F: int32(k.FI32F[i]), U32F: uint32(k.FU32F[i]), U64F: uint64(k.FU64F[i]), Uint8: uint8(k.FU8F[i]),
	}
}

// intFloatItems is the number of work-items of IntFloat: each input table is filled up to it.
const intFloatItems = 24

type intFloatIn struct {
	i64                                    []int64
	u64                                    []uint64
	i32                                    []int32
	u32                                    []uint32
	i8                                     []int8
	u8                                     []uint8
	fi64, fi32, fi8, fu8, fu32, fu64, fint []float64
	fi32f, fu32f, fu64f, fu8f              []float32
}

// fill appends random values from gen to v until it has intFloatItems.
func fill[T any](v []T, r *rand.Rand, gen func(u float64) T) []T {
	for len(v) < intFloatItems {
		v = append(v, gen(r.Float64()))
	}
	return v
}

func newIntFloatIn() (in intFloatIn) {
	r := newRand(51)
	in.i64 = fill([]int64{0, -1, 1<<53 + 1, -(1<<53 + 1), math.MaxInt64, math.MinInt64, 1<<53 + 1<<29 + 1, 1<<62 + 1<<10 + 1, -(1<<40 + 3)},
		r, func(u float64) int64 { return int64((u - 0.5) * 0x1p63) })
	in.u64 = fill([]uint64{0, 1 << 63, math.MaxUint64, 1<<63 + 1<<11 + 1, 1<<63 + 1<<39 + 1, 1<<53 + 1, 1<<64 - 1<<10},
		r, func(u float64) uint64 { return uint64(u * 0x1p64) })
	in.i32 = fill([]int32{0, math.MinInt32, math.MaxInt32, 1<<24 + 1, -(1<<24 + 3)},
		r, func(u float64) int32 { return int32((u - 0.5) * 0x1p32) })
	in.u32 = fill([]uint32{0, math.MaxUint32, 1<<24 + 1, 1<<31 + 1<<7 + 1},
		r, func(u float64) uint32 { return uint32(u * 0x1p32) })
	in.i8 = fill([]int8{math.MinInt8, math.MaxInt8, -1}, r, func(u float64) int8 { return int8((u - 0.5) * 256) })
	in.u8 = fill([]uint8{0, math.MaxUint8}, r, func(u float64) uint8 { return uint8(u * 256) })

	in.fi64 = fill([]float64{0, math.Copysign(0, -1), -0.9, 0.9, -2.5, 2.5, 0x1p62, -0x1p63, 9.2e18, -9.2e18, 1<<53 + 2},
		r, func(u float64) float64 { return (u - 0.5) * 1e18 })
	in.fi32 = fill([]float64{-0.99, 2147483647.9, -2147483648.9, 1e9, -1e9},
		r, func(u float64) float64 { return (u - 0.5) * 4e9 })
	in.fi8 = fill([]float64{-128.9, 127.9, -0.5, 0.5}, r, func(u float64) float64 { return (u - 0.5) * 256 })
	in.fu8 = fill([]float64{255.9, 0.1, -0.9, 128}, r, func(u float64) float64 { return u * 255 })
	in.fu32 = fill([]float64{4294967295.9, 2147483648, 2147483648.5, -0.5}, r, func(u float64) float64 { return u * 4e9 })
	in.fu64 = fill([]float64{0x1p63, 0x1.fffffffffffffp63, 1e19, 0x1p63 - 1024, 0.75},
		r, func(u float64) float64 { return u * 1.8e19 })
	in.fint = fill([]float64{-0x1p63, 0x1p62}, r, func(u float64) float64 { return (u - 0.5) * 1e15 })
	in.fi32f = fill([]float32{-2147483648, 2147483520, -0.99}, r, func(u float64) float32 { return float32((u - 0.5) * 4e9) })
	in.fu32f = fill([]float32{4294967040, 0x1p31, 0.5}, r, func(u float64) float32 { return float32(u * 4e9) })
	in.fu64f = fill([]float32{0x1p63, 0x1.fffffep63, 1e19}, r, func(u float64) float32 { return float32(u * 1.8e19) })
	in.fu8f = fill([]float32{255.99, -0.99, 0}, r, func(u float64) float32 { return float32(u * 255) })
	return in
}

func runIntFloat(ctx context.Context, t *Target) (Outputs, error) {
	in := newIntFloatIn()
	n := intFloatItems
	k := &IntFloat{
		I64: upload(t, in.i64), U64: upload(t, in.u64), I32: upload(t, in.i32), U32: upload(t, in.u32),
		I8: upload(t, in.i8), U8: upload(t, in.u8),
		FI64: upload(t, in.fi64), FI32: upload(t, in.fi32), FI8: upload(t, in.fi8), FU8: upload(t, in.fu8),
		FU32: upload(t, in.fu32), FU64: upload(t, in.fu64), FInt: upload(t, in.fint),
		FI32F: upload(t, in.fi32f), FU32F: upload(t, in.fu32f), FU64F: upload(t, in.fu64f), FU8F: upload(t, in.fu8f),
		ToFloat: alloc[IntToFloat](t, n), ToInt: alloc[FloatToInt](t, n),
	}
	err := launch(ctx, t, shape1(n, 8).grid(), k)
	return Outputs{"to-float": k.ToFloat, "to-int": k.ToInt}, err
}

func wantIntFloat() Outputs {
	in := newIntFloatIn()
	toFloat := make([]IntToFloat, intFloatItems)
	toInt := make([]FloatToInt, intFloatItems)
	for i := range intFloatItems {
		toFloat[i] = IntToFloat{
			F64FromI64: float64(in.i64[i]), F32FromI64: float32(in.i64[i]),
			F64FromU64: float64(in.u64[i]), F32FromU64: float32(in.u64[i]),
			F64FromI32: float64(in.i32[i]), F32FromI32: float32(in.i32[i]), F32FromU32: float32(in.u32[i]),
			F32FromI8: float32(in.i8[i]), F64FromU8: float64(in.u8[i]),
		}
		toInt[i] = FloatToInt{
			I64: int64(in.fi64[i]), I32: int32(in.fi32[i]), I8: int8(in.fi8[i]), U8: uint8(in.fu8[i]),
			U32: uint32(in.fu32[i]), U64: uint64(in.fu64[i]), Int: int(in.fint[i]),
			I32F: int32(in.fi32f[i]), U32F: uint32(in.fu32f[i]), U64F: uint64(in.fu64f[i]), Uint8: uint8(in.fu8f[i]),
		}
	}
	return Outputs{"to-float": toFloat, "to-int": toInt}
}

// bitOpsRef is {a & b, a | b, a ^ b, a &^ b, ^a} for each pair.
func bitOpsRef[T integer](a, b []T) [][5]T {
	out := make([][5]T, len(a))
	for i := range a {
		out[i] = [5]T{a[i] & b[i], a[i] | b[i], a[i] ^ b[i], a[i] &^ b[i], ^a[i]}
	}
	return out
}

// BitOps checks the bitwise operators, including &^ and unary ^: Out*[i] is {a & b, a | b, a ^ b,
// a &^ b, ^a}.
type BitOps struct {
	A8, B8   []int8
	A16, B16 []uint16
	A32, B32 []int32
	A64, B64 []uint64
	Out8     [][5]int8
	Out16    [][5]uint16
	Out32    [][5]int32
	Out64    [][5]uint64
}

func (k *BitOps) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	a8, b8 := k.A8[i], k.B8[i]
	k.Out8[i] = [5]int8{a8 & b8, a8 | b8, a8 ^ b8, a8 &^ b8, ^a8}
	a16, b16 := k.A16[i], k.B16[i]
	k.Out16[i] = [5]uint16{a16 & b16, a16 | b16, a16 ^ b16, a16 &^ b16, ^a16}
	a32, b32 := k.A32[i], k.B32[i]
	k.Out32[i] = [5]int32{a32 & b32, a32 | b32, a32 ^ b32, a32 &^ b32, ^a32}
	a64, b64 := k.A64[i], k.B64[i]
	k.Out64[i] = [5]uint64{a64 & b64, a64 | b64, a64 ^ b64, a64 &^ b64, ^a64}
}

type bitOpsIn struct {
	a8, b8   []int8
	a16, b16 []uint16
	a32, b32 []int32
	a64, b64 []uint64
}

func newBitOpsIn() (in bitOpsIn) {
	in.a8, in.b8 = pairsOf[int8](61)
	in.a16, in.b16 = pairsOf[uint16](62)
	in.a32, in.b32 = pairsOf[int32](63)
	in.a64, in.b64 = pairsOf[uint64](64)
	return in
}

func runBitOps(ctx context.Context, t *Target) (Outputs, error) {
	in := newBitOpsIn()
	k := &BitOps{
		A8: upload(t, in.a8), B8: upload(t, in.b8), A16: upload(t, in.a16), B16: upload(t, in.b16),
		A32: upload(t, in.a32), B32: upload(t, in.b32), A64: upload(t, in.a64), B64: upload(t, in.b64),
		Out8: alloc[[5]int8](t, wrapPairs), Out16: alloc[[5]uint16](t, wrapPairs),
		Out32: alloc[[5]int32](t, wrapPairs), Out64: alloc[[5]uint64](t, wrapPairs),
	}
	err := launch(ctx, t, shape1(wrapPairs, 64).grid(), k)
	return Outputs{"i8": k.Out8, "u16": k.Out16, "i32": k.Out32, "u64": k.Out64}, err
}

func wantBitOps() Outputs {
	in := newBitOpsIn()
	return Outputs{
		"i8": bitOpsRef(in.a8, in.b8), "u16": bitOpsRef(in.a16, in.b16),
		"i32": bitOpsRef(in.a32, in.b32), "u64": bitOpsRef(in.a64, in.b64),
	}
}

// compareRef is {a < b, a <= b, a > b, a >= b, a == b, a != b} for each pair.
func compareRef[T integer](a, b []T) [][6]bool {
	out := make([][6]bool, len(a))
	for i := range a {
		out[i] = [6]bool{a[i] < b[i], a[i] <= b[i], a[i] > b[i], a[i] >= b[i], a[i] == b[i], a[i] != b[i]}
	}
	return out
}

// IntCompare checks the comparison operators on signed and unsigned types, whose orders differ
// where the highest bit is set: Out*[i] is {a < b, a <= b, a > b, a >= b, a == b, a != b}.
type IntCompare struct {
	A8, B8     []int8
	AU8, BU8   []uint8
	A32, B32   []int32
	AU32, BU32 []uint32
	A64, B64   []int64
	AU64, BU64 []uint64
	Out8       [][6]bool
	OutU8      [][6]bool
	Out32      [][6]bool
	OutU32     [][6]bool
	Out64      [][6]bool
	OutU64     [][6]bool
}

func (k *IntCompare) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	a8, b8 := k.A8[i], k.B8[i]
	k.Out8[i] = [6]bool{a8 < b8, a8 <= b8, a8 > b8, a8 >= b8, a8 == b8, a8 != b8}
	au8, bu8 := k.AU8[i], k.BU8[i]
	k.OutU8[i] = [6]bool{au8 < bu8, au8 <= bu8, au8 > bu8, au8 >= bu8, au8 == bu8, au8 != bu8}
	a32, b32 := k.A32[i], k.B32[i]
	k.Out32[i] = [6]bool{a32 < b32, a32 <= b32, a32 > b32, a32 >= b32, a32 == b32, a32 != b32}
	au32, bu32 := k.AU32[i], k.BU32[i]
	k.OutU32[i] = [6]bool{au32 < bu32, au32 <= bu32, au32 > bu32, au32 >= bu32, au32 == bu32, au32 != bu32}
	a64, b64 := k.A64[i], k.B64[i]
	k.Out64[i] = [6]bool{a64 < b64, a64 <= b64, a64 > b64, a64 >= b64, a64 == b64, a64 != b64}
	au64, bu64 := k.AU64[i], k.BU64[i]
	k.OutU64[i] = [6]bool{au64 < bu64, au64 <= bu64, au64 > bu64, au64 >= bu64, au64 == bu64, au64 != bu64}
}

type intCompareIn struct {
	a8, b8     []int8
	au8, bu8   []uint8
	a32, b32   []int32
	au32, bu32 []uint32
	a64, b64   []int64
	au64, bu64 []uint64
}

func newIntCompareIn() (in intCompareIn) {
	in.a8, in.b8 = pairsOf[int8](71)
	in.au8, in.bu8 = pairsOf[uint8](72)
	in.a32, in.b32 = pairsOf[int32](73)
	in.au32, in.bu32 = pairsOf[uint32](74)
	in.a64, in.b64 = pairsOf[int64](75)
	in.au64, in.bu64 = pairsOf[uint64](76)
	return in
}

func runIntCompare(ctx context.Context, t *Target) (Outputs, error) {
	in := newIntCompareIn()
	n := wrapPairs
	k := &IntCompare{
		A8: upload(t, in.a8), B8: upload(t, in.b8), AU8: upload(t, in.au8), BU8: upload(t, in.bu8),
		A32: upload(t, in.a32), B32: upload(t, in.b32), AU32: upload(t, in.au32), BU32: upload(t, in.bu32),
		A64: upload(t, in.a64), B64: upload(t, in.b64), AU64: upload(t, in.au64), BU64: upload(t, in.bu64),
		Out8: alloc[[6]bool](t, n), OutU8: alloc[[6]bool](t, n), Out32: alloc[[6]bool](t, n),
		OutU32: alloc[[6]bool](t, n), Out64: alloc[[6]bool](t, n), OutU64: alloc[[6]bool](t, n),
	}
	err := launch(ctx, t, shape1(n, 64).grid(), k)
	return Outputs{"i8": k.Out8, "u8": k.OutU8, "i32": k.Out32, "u32": k.OutU32, "i64": k.Out64, "u64": k.OutU64}, err
}

func wantIntCompare() Outputs {
	in := newIntCompareIn()
	return Outputs{
		"i8": compareRef(in.a8, in.b8), "u8": compareRef(in.au8, in.bu8), "i32": compareRef(in.a32, in.b32),
		"u32": compareRef(in.au32, in.bu32), "i64": compareRef(in.a64, in.b64), "u64": compareRef(in.au64, in.bu64),
	}
}

// BitCounts are the math/bits functions of one uint64 X (truncated to each width) and a rotation
// count K.
type BitCounts struct {
	Ones, Leading, Trailing, Len [5]int // 8, 16, 32, 64 bits and uint
	Rot8                         uint8  // RotateLeft8(uint8(X), K)
	Rot16                        uint16
	Rot32                        uint32
	Rot64                        uint64
	Rev8                         uint8 // Reverse8(uint8(X))
	Rev16                        uint16
	Rev32                        uint32
	Rev64                        uint64
	Bytes16                      uint16 // ReverseBytes16(uint16(X))
	Bytes32                      uint32
	Bytes64                      uint64
}

// bitCounts is what Bits computes for x and k.
func bitCounts(x uint64, k int) BitCounts {
	x8, x16, x32, xu := uint8(x), uint16(x), uint32(x), uint(x)
	return BitCounts{
		Ones:     [5]int{bits.OnesCount8(x8), bits.OnesCount16(x16), bits.OnesCount32(x32), bits.OnesCount64(x), bits.OnesCount(xu)},
		Leading:  [5]int{bits.LeadingZeros8(x8), bits.LeadingZeros16(x16), bits.LeadingZeros32(x32), bits.LeadingZeros64(x), bits.LeadingZeros(xu)},
		Trailing: [5]int{bits.TrailingZeros8(x8), bits.TrailingZeros16(x16), bits.TrailingZeros32(x32), bits.TrailingZeros64(x), bits.TrailingZeros(xu)},
		Len:      [5]int{bits.Len8(x8), bits.Len16(x16), bits.Len32(x32), bits.Len64(x), bits.Len(xu)},
		Rot8:     bits.RotateLeft8(x8, k), Rot16: bits.RotateLeft16(x16, k), Rot32: bits.RotateLeft32(x32, k), Rot64: bits.RotateLeft64(x, k),
		Rev8: bits.Reverse8(x8), Rev16: bits.Reverse16(x16), Rev32: bits.Reverse32(x32), Rev64: bits.Reverse64(x),
		Bytes16: bits.ReverseBytes16(x16), Bytes32: bits.ReverseBytes32(x32), Bytes64: bits.ReverseBytes64(x),
	}
}

// Bits checks math/bits: population count, leading and trailing zeros (of zero too), Len,
// rotations by negative and large counts, bit and byte reversal.
type Bits struct {
	X   []uint64
	K   []int32
	Out []BitCounts
}

func (k *Bits) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = bitCounts(k.X[i], int(k.K[i]))
}

func bitsIn() (x []uint64, k []int32) {
	x = intValues[uint64](81, 96)
	x = append(x, 1, 1<<7, 1<<8, 1<<15, 1<<16, 1<<31, 1<<32, 1<<63, 0xff00, 0x00ff_0000_0000_0000)
	r := newRand(82)
	for range x {
		k = append(k, int32(r.IntN(141)-70))
	}
	return x, k
}

func runBits(ctx context.Context, t *Target) (Outputs, error) {
	x, kk := bitsIn()
	k := &Bits{X: upload(t, x), K: upload(t, kk), Out: alloc[BitCounts](t, len(x))}
	err := launch(ctx, t, shape1(len(x), 32).grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantBits() Outputs {
	x, k := bitsIn()
	out := make([]BitCounts, len(x))
	for i := range x {
		out[i] = bitCounts(x[i], int(k[i]))
	}
	return Outputs{"out": out}
}

// bitsArith is what BitsArith computes for x, y and c (0 or 1): Mul64's hi and lo, Add64's sum and
// carry, Sub64's difference and borrow, Div64's quotient and remainder of the 128-bit
// (x mod d, y) by d = y|1, and Mul32's and Add32's results on the low halves.
func bitsArith(x, y, c uint64) [12]uint64 {
	hi, lo := bits.Mul64(x, y)
	sum, carry := bits.Add64(x, y, c)
	diff, borrow := bits.Sub64(x, y, c)
	d := y | 1 // a nonzero divisor
	q, r := bits.Div64(x%d, y, d)
	hi32, lo32 := bits.Mul32(uint32(x), uint32(y))
	sum32, carry32 := bits.Add32(uint32(x), uint32(y), uint32(c))
	return [12]uint64{hi, lo, sum, carry, diff, borrow, q, r, uint64(hi32), uint64(lo32), uint64(sum32), uint64(carry32)}
}

// BitsArith checks the multi-word arithmetic of math/bits: Mul64, Add64 and Sub64 with carries,
// Div64 (with a high word below the divisor, so it does not panic), Mul32 and Add32.
type BitsArith struct {
	X, Y []uint64
	Out  [][12]uint64
}

func (k *BitsArith) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = bitsArith(k.X[i], k.Y[i], uint64(i&1))
}

func runBitsArith(ctx context.Context, t *Target) (Outputs, error) {
	x, y := pairsOf[uint64](91)
	k := &BitsArith{X: upload(t, x), Y: upload(t, y), Out: alloc[[12]uint64](t, len(x))}
	err := launch(ctx, t, shape1(len(x), 64).grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantBitsArith() Outputs {
	x, y := pairsOf[uint64](91)
	out := make([][12]uint64, len(x))
	for i := range x {
		out[i] = bitsArith(x[i], y[i], uint64(i&1))
	}
	return Outputs{"out": out}
}
