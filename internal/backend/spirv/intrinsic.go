package spirv

import (
	"github.com/geobacter-go/geobacter/internal/ir"
)

// ext emits a GLSL.std.450 instruction.
func (e *emitter) ext(t uint32, in GLSLInst, args ...uint32) uint32 {
	return e.fn.op(OpExtInst, t, append([]uint32{e.m.glslSet(), uint32(in)}, args...)...)
}

// workItem is the uint64 value of a work-item query in dimension d.
func (e *emitter) workItem(q ir.Intrinsic, d int) uint32 {
	fn := e.fn
	u64 := e.u64()
	var x uint32
	switch q {
	case ir.LocalID:
		x = e.builtinU32(BuiltInLocalInvocationId, d)
	case ir.GroupID:
		x = e.groupU32(d)
	case ir.GlobalSize:
		x = e.pushU32(pushGridSize, d)
	case ir.LocalSize:
		x = e.pushU32(pushGroupSize, d)
	case ir.NumGroups:
		x = e.pushU32(pushNumGroups, d)
	default: // GlobalID: group * groupSize + local, in 64 bits
		g := fn.op(OpUConvert, u64, e.groupU32(d))
		s := fn.op(OpUConvert, u64, e.pushU32(pushGroupSize, d))
		l := fn.op(OpUConvert, u64, e.builtinU32(BuiltInLocalInvocationId, d))
		return fn.op(OpIAdd, u64, fn.op(OpIMul, u64, g, s), l)
	}
	return fn.op(OpUConvert, u64, x)
}

// The math functions GLSL.std.450 has for 32-bit floats only.
var glsl32 = map[ir.Intrinsic]GLSLInst{
	ir.Exp: GLSLExp, ir.Exp2: GLSLExp2, ir.Log: GLSLLog, ir.Log2: GLSLLog2, ir.Sin: GLSLSin,
	ir.Cos: GLSLCos, ir.Tan: GLSLTan, ir.Asin: GLSLAsin, ir.Acos: GLSLAcos, ir.Atan: GLSLAtan,
	ir.Atan2: GLSLAtan2, ir.Sinh: GLSLSinh, ir.Cosh: GLSLCosh, ir.Tanh: GLSLTanh, ir.Pow: GLSLPow,
}

func (e *emitter) intrinsic(v *ir.Value) {
	fn := e.fn
	m := e.m
	in := v.Intrinsic()
	a := v.Args
	switch {
	case in.IsWorkItem():
		if a[0].Op == ir.OpConst {
			e.set(v, e.workItem(in, int(a[0].AuxInt)))
			return
		}
		var r [3]uint32
		for d := range 3 {
			r[d] = e.workItem(in, d)
		}
		dim := e.operand(a[0])
		is0 := fn.op(OpIEqual, e.bool_(), dim, m.constU64(0))
		is1 := fn.op(OpIEqual, e.bool_(), dim, m.constU64(1))
		s := fn.op(OpSelect, e.u64(), is1, r[1], r[2])
		e.set(v, fn.op(OpSelect, e.u64(), is0, r[0], s))
		return
	case in == ir.Barrier:
		e.barrier()
		return
	case in == ir.Float32bits, in == ir.Float32frombits, in == ir.Float64bits, in == ir.Float64frombits:
		e.set(v, fn.op(OpBitcast, e.valType(v.Type), e.operand(a[0])))
		return
	case in >= ir.OnesCount:
		e.set(v, e.bits(v))
		return
	}
	t := e.basic(a[0].Type)
	ty := e.scalar(t)
	var ops []uint32
	for _, x := range a {
		ops = append(ops, e.operand(x))
	}
	x := ops[0]
	switch in {
	case ir.Sqrt:
		e.set(v, e.ext(ty, GLSLSqrt, x))
	case ir.Abs:
		e.set(v, e.ext(ty, GLSLFAbs, x))
	case ir.Floor:
		e.set(v, e.ext(ty, GLSLFloor, x))
	case ir.Ceil:
		e.set(v, e.ext(ty, GLSLCeil, x))
	case ir.Trunc:
		e.set(v, e.ext(ty, GLSLTrunc, x))
	case ir.RoundToEven:
		e.set(v, e.ext(ty, GLSLRoundEven, x))
	case ir.Round:
		// Half away from zero: trunc(x), plus copysign(1, x) when |x - trunc(x)| >= 0.5.
		tr := e.ext(ty, GLSLTrunc, x)
		frac := e.ext(ty, GLSLFAbs, fn.op(OpFSub, ty, x, tr))
		up := fn.op(OpFOrdGreaterThanEqual, e.bool_(), frac, e.fconst(t, 0.5))
		one := e.copysign(t, e.fconst(t, 1), x)
		r := fn.op(OpSelect, ty, up, fn.op(OpFAdd, ty, tr, one), tr)
		// Keep NaN, infinities and the sign of zero as they are.
		e.set(v, r)
	case ir.Copysign:
		e.set(v, e.copysign(t, x, ops[1]))
	case ir.FMA:
		if t.Kind == ir.Float32 {
			// The product of two float32s is exact in float64: one rounding for the sum,
			// one to float32.
			e.need(e.t.Float64, "Float64 (shaderFloat64)", "math.FMA on float32")
			f64 := e.scalar(ir.Float64Type)
			w := func(y uint32) uint32 { return fn.op(OpFConvert, f64, y) }
			p := fn.op(OpFMul, f64, w(ops[0]), w(ops[1]))
			e.set(v, fn.op(OpFConvert, ty, fn.op(OpFAdd, f64, p, w(ops[2]))))
			return
		}
		e.set(v, e.ext(ty, GLSLFma, ops[0], ops[1], ops[2]))
	case ir.Mod:
		// math.Mod has the sign of x, as OpFRem.
		e.set(v, fn.op(OpFRem, ty, ops[0], ops[1]))
	default:
		if t.Kind == ir.Float64 && e.narrowable(v) {
			// float32(math.F(float64(x))): computed on float32, as precisely as the device's
			// float32 function.
			f32 := e.scalar(ir.Float32Type)
			for i, x := range a {
				if x.Op == ir.OpConvert {
					ops[i] = e.operand(x.Args[0])
				} else {
					ops[i] = fn.op(OpFConvert, f32, ops[i])
				}
			}
			r := e.math32(in, ir.Float32Type, f32, ops)
			e.set(v, fn.op(OpFConvert, ty, r))
			return
		}
		if t.Kind != ir.Float32 {
			e.unsupported("%s on float64 is not supported on vulkan yet", goName(in))
		}
		e.set(v, e.math32(in, t, ty, ops))
	}
}

// math32 computes a math function on float32 operands with GLSL.std.450.
func (e *emitter) math32(in ir.Intrinsic, t *ir.Basic, ty uint32, ops []uint32) uint32 {
	fn := e.fn
	x := ops[0]
	if g, ok := glsl32[in]; ok {
		return e.ext(ty, g, ops...)
	}
	one := e.fconst(t, 1)
	switch in {
	case ir.Expm1:
		return fn.op(OpFSub, ty, e.ext(ty, GLSLExp, x), one)
	case ir.Log1p:
		return e.ext(ty, GLSLLog, fn.op(OpFAdd, ty, x, one))
	case ir.Log10:
		return fn.op(OpFMul, ty, e.ext(ty, GLSLLog2, x), e.fconst(t, 0.30102999566398119521))
	case ir.Cbrt:
		r := e.ext(ty, GLSLPow, e.ext(ty, GLSLFAbs, x), e.fconst(t, 1.0/3))
		return e.copysign(t, r, x)
	case ir.Hypot:
		y := ops[1]
		return e.ext(ty, GLSLSqrt, fn.op(OpFAdd, ty, fn.op(OpFMul, ty, x, x), fn.op(OpFMul, ty, y, y)))
	}
	e.unsupported("%s is not supported on vulkan yet", goName(in))
	return 0
}

// narrowable reports whether a float64 math function's operands are all float32 values
// converted (or constants) and its result is only converted to float32.
func (e *emitter) narrowable(v *ir.Value) bool { return narrowable(v, e.uses[v]) }

// narrowable reports whether math function v, whose uses (nil for a block's control) are us, is
// float32(math.F(float64(x), ...)).
func narrowable(v *ir.Value, us []*ir.Value) bool {
	for _, x := range v.Args {
		switch {
		case x.Op == ir.OpConvert && ir.IsBasic(x.Args[0].Type, ir.Float32):
		case x.Op == ir.OpConst:
		default:
			return false
		}
	}
	if len(us) == 0 {
		return false
	}
	for _, u := range us {
		if u == nil || u.Op != ir.OpConvert || !ir.IsBasic(u.Type, ir.Float32) {
			return false
		}
	}
	return true
}

// SoftMath is the passes' SoftMath for Vulkan (passes.Options.SoftMath): GLSL.std.450's math
// functions are float32 only, and its Fma need not be fused, so a float64 math function is a call
// of package math's own implementation (internal/mathlib), and so is math.FMA on float64. A
// float64 function of float32 values rounded to float32, float32(math.Exp(float64(x))), is left
// to the backend, which computes it with GLSL's float32 function (fast, but as precise as the
// device's, which Vulkan lets be a few ULP off).
func SoftMath(v *ir.Value) bool {
	if !ir.IsBasic(v.Type, ir.Float64) {
		return false
	}
	if v.Intrinsic() == ir.FMA {
		return true
	}
	var us []*ir.Value
	for _, b := range v.Block.Func.Blocks {
		for _, u := range b.Instrs {
			for _, a := range u.Args {
				if a == v {
					us = append(us, u)
				}
			}
		}
		for _, c := range b.Controls {
			if c == v {
				us = append(us, nil)
			}
		}
	}
	return !narrowable(v, us)
}

// copysign is x with the sign of y, by their bits.
func (e *emitter) copysign(t *ir.Basic, x, y uint32) uint32 {
	fn := e.fn
	m := e.m
	it := m.intType(t.Bits())
	sign := uint64(1) << (t.Bits() - 1)
	xb := fn.op(OpBitwiseAnd, it, fn.op(OpBitcast, it, x), m.constant(it, t.Bits(), sign-1))
	yb := fn.op(OpBitwiseAnd, it, fn.op(OpBitcast, it, y), m.constant(it, t.Bits(), sign))
	return fn.op(OpBitcast, e.scalar(t), fn.op(OpBitwiseOr, it, xb, yb))
}

// bits lowers the math/bits intrinsics; Vulkan's bit instructions take 32-bit operands only, so
// narrower values are widened and 64-bit ones split in halves.
func (e *emitter) bits(v *ir.Value) uint32 {
	fn := e.fn
	m := e.m
	t := e.basic(v.Args[0].Type)
	w := t.Bits()
	ty := e.scalar(t)
	x := e.operand(v.Args[0])
	u32, u64 := e.u32(), e.u64()
	b := e.bool_()
	widen := func(y uint32) uint32 {
		if w == 32 {
			return y
		}
		return fn.op(OpUConvert, u32, y)
	}
	halves := func() (lo, hi uint32) {
		lo = fn.op(OpUConvert, u32, x)
		hi = fn.op(OpUConvert, u32, fn.op(OpShiftRightLogical, u64, x, m.constU64(32)))
		return
	}
	to64 := func(y uint32) uint32 { return fn.op(OpUConvert, u64, y) }
	// lz32 is the leading zeros of a 32-bit value: 31 - FindUMsb (which is -1 for 0).
	lz32 := func(y uint32) uint32 {
		return fn.op(OpISub, u32, m.constU32(31), e.ext(u32, GLSLFindUMsb, y))
	}
	// tz32 is the trailing zeros of a 32-bit value: FindILsb, or 32 for 0.
	tz32 := func(y uint32) uint32 {
		z := fn.op(OpIEqual, b, y, m.constU32(0))
		return fn.op(OpSelect, u32, z, m.constU32(32), e.ext(u32, GLSLFindILsb, y))
	}
	leading := func() uint32 {
		if w == 64 {
			lo, hi := halves()
			hz := fn.op(OpIEqual, b, hi, m.constU32(0))
			r := fn.op(OpSelect, u32, hz, fn.op(OpIAdd, u32, m.constU32(32), lz32(lo)), lz32(hi))
			return to64(r)
		}
		return to64(fn.op(OpISub, u32, lz32(widen(x)), m.constU32(uint32(32-w))))
	}
	switch v.Intrinsic() {
	case ir.OnesCount:
		if w == 64 {
			lo, hi := halves()
			return to64(fn.op(OpIAdd, u32, fn.op(OpBitCount, u32, lo), fn.op(OpBitCount, u32, hi)))
		}
		return to64(fn.op(OpBitCount, u32, widen(x)))
	case ir.LeadingZeros:
		return leading()
	case ir.Len:
		return fn.op(OpISub, u64, m.constU64(uint64(w)), leading())
	case ir.TrailingZeros:
		if w == 64 {
			lo, hi := halves()
			lz := fn.op(OpIEqual, b, lo, m.constU32(0))
			return to64(fn.op(OpSelect, u32, lz, fn.op(OpIAdd, u32, m.constU32(32), tz32(hi)), tz32(lo)))
		}
		r := tz32(widen(x))
		if w < 32 {
			r = fn.op(OpSelect, u32, fn.op(OpIEqual, b, r, m.constU32(32)), m.constU32(uint32(w)), r)
		}
		return to64(r)
	case ir.Reverse:
		if w == 64 {
			lo, hi := halves()
			rl := to64(fn.op(OpBitReverse, u32, lo))
			rh := to64(fn.op(OpBitReverse, u32, hi))
			return fn.op(OpBitwiseOr, u64, fn.op(OpShiftLeftLogical, u64, rl, m.constU64(32)), rh)
		}
		r := fn.op(OpBitReverse, u32, widen(x))
		if w < 32 {
			r = fn.op(OpUConvert, ty, fn.op(OpShiftRightLogical, u32, r, m.constU32(uint32(32-w))))
		}
		return r
	case ir.ReverseBytes:
		if w == 8 {
			return x
		}
		var r uint32
		n := w / 8
		for i := range n {
			byt := fn.op(OpBitwiseAnd, ty, fn.op(OpShiftRightLogical, ty, x, m.constant(ty, w, uint64(8*i))), m.constant(ty, w, 0xff))
			sh := fn.op(OpShiftLeftLogical, ty, byt, m.constant(ty, w, uint64(8*(n-1-i))))
			if r == 0 {
				r = sh
			} else {
				r = fn.op(OpBitwiseOr, ty, r, sh)
			}
		}
		return r
	case ir.RotateLeft:
		// s = k mod w; (x << s) | (x >> ((w - s) mod w)).
		k := e.operand(v.Args[1])
		kt := e.basic(v.Args[1].Type)
		k = e.extend(kt, k, w)
		mask := m.constant(ty, w, uint64(w-1))
		s := fn.op(OpBitwiseAnd, ty, k, mask)
		r := fn.op(OpBitwiseAnd, ty, fn.op(OpISub, ty, m.constant(ty, w, uint64(w)), s), mask)
		return fn.op(OpBitwiseOr, ty, fn.op(OpShiftLeftLogical, ty, x, s), fn.op(OpShiftRightLogical, ty, x, r))
	}
	e.fail("cannot lower intrinsic %v", v.Intrinsic())
	return 0
}

// atomicPtr returns the pointer an atomic operates on, its scope and its storage semantics; a
// pointer into private memory gives 0 (its operations need no atomicity).
// ints says the pointer is to the integer of a float's bits (see sharedFloatCAS).
func (e *emitter) atomicPtr(p *ir.Value, t ir.Type) (ptr, scope, storage uint32, shared, ints bool) {
	m := e.m
	pt := p.Type.(*ir.Pointer)
	switch {
	case pt.Space == ir.Private:
		return 0, 0, 0, false, false
	case e.isLogical(pt):
		if pt.Space != ir.Shared {
			e.fail("an atomic operation on the argument struct (which is read-only)")
		}
		r := e.recipe(p)
		ac, _ := e.chain(r)
		return ac, m.constU32(uint32(ScopeWorkgroup)), uint32(MemorySemanticsWorkgroupMemory), true, r.ints
	}
	ptr, _ = e.physPtr(e.operand(p), t)
	return ptr, m.constU32(uint32(ScopeDevice)), uint32(MemorySemanticsUniformMemory), false, false
}

// atomic lowers an atomic operation (relaxed: see the package doc).
func (e *emitter) atomic(v *ir.Value) {
	fn := e.fn
	m := e.m
	a := v.Args
	t := a[0].Type.(*ir.Pointer).Elem.(*ir.Basic)
	ty := e.scalar(t)
	op := v.AtomicOp()
	if t.IsInteger() && t.Bits() < 32 || t.Kind == ir.Bool {
		e.unsupported("atomic %v on %v is not supported on vulkan (atomics are 32 and 64 bits)", op, t)
	}
	if t.Bits() == 64 && t.IsInteger() {
		e.need(e.t.Int64Atomics, "Int64Atomics (shaderBufferInt64Atomics)", "a 64-bit atomic")
		m.capability(CapabilityInt64Atomics)
	}
	ptr, scope, _, shared, ints := e.atomicPtr(a[0], t)
	if ptr == 0 {
		e.privateAtomic(v, t)
		return
	}
	// Relaxed, as GLSL's atomics are: lavapipe turns an atomic with ordering semantics on a
	// storage class into barriers that break loops of divergent work-items.
	relaxed := m.constU32(uint32(MemorySemanticsRelaxed))
	acqrel, acq, rel := relaxed, relaxed, relaxed
	operand := func(i int) uint32 { return e.operand(a[i]) }
	if t.IsFloat() {
		e.floatAtomic(v, t, ptr, scope, acqrel, acq, rel, shared, ints)
		return
	}
	switch op {
	case ir.AtomicLoad:
		e.set(v, fn.op(OpAtomicLoad, ty, ptr, scope, acq))
	case ir.AtomicStore:
		fn.emit(OpAtomicStore, ptr, scope, rel, operand(1))
	case ir.AtomicAdd:
		x := operand(1)
		old := fn.op(OpAtomicIAdd, ty, ptr, scope, acqrel, x)
		e.set(v, fn.op(OpIAdd, ty, old, x))
	case ir.AtomicAnd:
		e.set(v, fn.op(OpAtomicAnd, ty, ptr, scope, acqrel, operand(1)))
	case ir.AtomicOr:
		e.set(v, fn.op(OpAtomicOr, ty, ptr, scope, acqrel, operand(1)))
	case ir.AtomicSwap:
		e.set(v, fn.op(OpAtomicExchange, ty, ptr, scope, acqrel, operand(1)))
	case ir.AtomicCAS:
		old := operand(1)
		got := fn.op(OpAtomicCompareExchange, ty, ptr, scope, acqrel, acq, operand(2), old)
		e.set(v, fn.op(OpIEqual, e.bool_(), got, old))
	case ir.AtomicMin, ir.AtomicMax:
		var o Op
		switch {
		case op == ir.AtomicMin && t.IsSigned():
			o = OpAtomicSMin
		case op == ir.AtomicMin:
			o = OpAtomicUMin
		case t.IsSigned():
			o = OpAtomicSMax
		default:
			o = OpAtomicUMax
		}
		e.set(v, fn.op(o, ty, ptr, scope, acqrel, operand(1)))
	default:
		e.fail("cannot lower atomic %v", op)
	}
}

// floatAtomic lowers an atomic operation on a float: on its bits, through a pointer to the
// integer of its width (a buffer's memory can be viewed as either); add natively with
// SPV_EXT_shader_atomic_float_add when the target has it, else (and min, max) a compare-exchange
// loop.
func (e *emitter) floatAtomic(v *ir.Value, t *ir.Basic, ptr, scope, acqrel, acq, rel uint32, shared, ints bool) {
	fn := e.fn
	m := e.m
	a := v.Args
	ty := e.scalar(t)
	w := t.Bits()
	op := v.AtomicOp()
	if op == ir.AtomicAdd && !ints {
		have := map[[2]bool]bool{
			{false, false}: e.t.AtomicFloat32AddBuffer, {false, true}: e.t.AtomicFloat64AddBuffer,
			{true, false}: e.t.AtomicFloat32AddShared, {true, true}: e.t.AtomicFloat64AddShared,
		}[[2]bool{shared, w == 64}]
		if have {
			m.extension("SPV_EXT_shader_atomic_float_add")
			if w == 64 {
				m.capability(CapabilityAtomicFloat64AddEXT)
			} else {
				m.capability(CapabilityAtomicFloat32AddEXT)
			}
			x := e.operand(a[1])
			old := fn.op(OpAtomicFAddEXT, ty, ptr, scope, acqrel, x)
			e.set(v, fn.op(OpFAdd, ty, old, x))
			return
		}
	}
	if shared && !ints {
		// A Workgroup variable has one type: its float cannot be viewed as an integer.
		switch op {
		case ir.AtomicLoad:
			e.set(v, fn.op(OpAtomicLoad, ty, ptr, scope, acq))
			return
		case ir.AtomicStore:
			fn.emit(OpAtomicStore, ptr, scope, rel, e.operand(a[1]))
			return
		case ir.AtomicSwap:
			e.set(v, fn.op(OpAtomicExchange, ty, ptr, scope, acqrel, e.operand(a[1])))
			return
		}
		e.unsupported("atomic %v on a %v in shared memory is not supported on vulkan (no atomic float add feature for shared memory on this target)", op, t)
	}
	if w == 64 {
		e.need(e.t.Int64Atomics, "Int64Atomics (shaderBufferInt64Atomics)", "a 64-bit atomic")
		m.capability(CapabilityInt64Atomics)
	}
	it := m.intType(w)
	ip := ptr
	if !shared {
		ip, _ = e.physPtr(e.operand(a[0]), &ir.Basic{Kind: map[int]ir.BasicKind{32: ir.Uint32, 64: ir.Uint64}[w]})
	}
	bits := func(x uint32) uint32 { return fn.op(OpBitcast, it, x) }
	switch op {
	case ir.AtomicLoad:
		e.set(v, fn.op(OpBitcast, ty, fn.op(OpAtomicLoad, it, ip, scope, acq)))
		return
	case ir.AtomicStore:
		fn.emit(OpAtomicStore, ip, scope, rel, bits(e.operand(a[1])))
		return
	case ir.AtomicSwap:
		e.set(v, fn.op(OpBitcast, ty, fn.op(OpAtomicExchange, it, ip, scope, acqrel, bits(e.operand(a[1])))))
		return
	case ir.AtomicCAS:
		old := bits(e.operand(a[1]))
		got := fn.op(OpAtomicCompareExchange, it, ip, scope, acqrel, acq, bits(e.operand(a[2])), old)
		e.set(v, fn.op(OpIEqual, e.bool_(), got, old))
		return
	}
	// add, min, max: a compare-exchange loop; min and max leave memory alone when it already
	// holds the result. The result: the new value for add, the old one for min and max.
	x := e.operand(a[1])
	res := fn.variable(m.ptrType(StorageClassFunction, ty))
	head, body, try, cont, merge := m.id(), m.id(), m.id(), m.id(), m.id()
	fn.emit(OpBranch, head)
	fn.label(head)
	fn.emit(OpLoopMerge, merge, cont, uint32(LoopControlNone))
	fn.emit(OpBranch, body)
	fn.label(body)
	oldBits := fn.op(OpAtomicLoad, it, ip, scope, acq)
	old := fn.op(OpBitcast, ty, oldBits)
	var nw uint32
	switch op {
	case ir.AtomicAdd:
		nw = fn.op(OpFAdd, ty, old, x)
		fn.emit(OpStore, res, nw)
	case ir.AtomicMin, ir.AtomicMax:
		nw = e.fminmax(t, op == ir.AtomicMin, old, x)
		fn.emit(OpStore, res, old)
	default:
		e.fail("cannot lower atomic %v on %v", op, t)
	}
	nb := bits(nw)
	same := fn.op(OpIEqual, e.bool_(), nb, oldBits)
	if op == ir.AtomicAdd {
		same = m.constBool(false)
	}
	fn.emit(OpBranchConditional, same, merge, try)
	fn.label(try)
	got := fn.op(OpAtomicCompareExchange, it, ip, scope, acqrel, acq, nb, oldBits)
	ok := fn.op(OpIEqual, e.bool_(), got, oldBits)
	fn.emit(OpBranchConditional, ok, merge, cont)
	fn.label(cont)
	fn.emit(OpBranch, head)
	fn.label(merge)
	e.set(v, fn.op(OpLoad, ty, res))
}

// privateAtomic lowers an atomic operation on a work-item's own variable as plain accesses.
func (e *emitter) privateAtomic(v *ir.Value, t *ir.Basic) {
	fn := e.fn
	a := v.Args
	ty := e.scalar(t)
	r := e.recipe(a[0])
	ac, _ := e.chain(r)
	old := fn.op(OpLoad, ty, ac)
	var nw, res uint32
	switch v.AtomicOp() {
	case ir.AtomicLoad:
		e.set(v, old)
		return
	case ir.AtomicStore:
		fn.emit(OpStore, ac, e.operand(a[1]))
		return
	case ir.AtomicAdd:
		op := OpIAdd
		if t.IsFloat() {
			op = OpFAdd
		}
		nw = fn.op(op, ty, old, e.operand(a[1]))
		res = nw
	case ir.AtomicAnd:
		nw, res = fn.op(OpBitwiseAnd, ty, old, e.operand(a[1])), old
	case ir.AtomicOr:
		nw, res = fn.op(OpBitwiseOr, ty, old, e.operand(a[1])), old
	case ir.AtomicSwap:
		nw, res = e.operand(a[1]), old
	case ir.AtomicCAS:
		var eq uint32
		if t.IsFloat() {
			it := e.m.intType(t.Bits())
			eq = fn.op(OpIEqual, e.bool_(), fn.op(OpBitcast, it, old), fn.op(OpBitcast, it, e.operand(a[1])))
		} else {
			eq = fn.op(OpIEqual, e.bool_(), old, e.operand(a[1]))
		}
		fn.emit(OpStore, ac, fn.op(OpSelect, ty, eq, e.operand(a[2]), old))
		e.set(v, eq)
		return
	case ir.AtomicMin, ir.AtomicMax:
		isMin := v.AtomicOp() == ir.AtomicMin
		if t.IsFloat() {
			nw = e.fminmax(t, isMin, old, e.operand(a[1]))
		} else {
			lt := OpULessThan
			if t.IsSigned() {
				lt = OpSLessThan
			}
			x := e.operand(a[1])
			c := fn.op(lt, e.bool_(), old, x)
			if isMin {
				nw = fn.op(OpSelect, ty, c, old, x)
			} else {
				nw = fn.op(OpSelect, ty, c, x, old)
			}
		}
		res = old
	}
	fn.emit(OpStore, ac, nw)
	e.set(v, res)
}
