package spirv

import (
	"math"

	"github.com/geobacter-go/geobacter/internal/ir"
)

func (e *emitter) basic(t ir.Type) *ir.Basic {
	b, ok := t.(*ir.Basic)
	if !ok {
		e.fail("%v: want a scalar", t)
	}
	return b
}

// constant is the id of a scalar constant with the bits of an OpConst.
func (e *emitter) constant(t *ir.Basic, bits int64) uint32 {
	st := e.scalar(t)
	if t.Kind == ir.Bool {
		return e.m.constBool(bits&1 != 0)
	}
	return e.m.constant(st, t.Bits(), uint64(bits))
}

// zero is the id of the zero value of t.
func (e *emitter) zero(t ir.Type) uint32 {
	if b, ok := t.(*ir.Basic); ok {
		return e.constant(b, 0)
	}
	return e.m.constNull(e.valType(t))
}

func (e *emitter) u64() uint32   { return e.m.intType(64) }
func (e *emitter) u32() uint32   { return e.m.intType(32) }
func (e *emitter) bool_() uint32 { return e.m.boolType() }

// ext64 extends an integer value to 64 bits by its type's signedness.
func (e *emitter) ext64(v *ir.Value) uint32 {
	t := e.basic(v.Type)
	x := e.operand(v)
	return e.extend(t, x, 64)
}

// extend converts integer x of type t to bits wide (truncating or extending by t's sign).
func (e *emitter) extend(t *ir.Basic, x uint32, bits int) uint32 {
	if t.Bits() == bits {
		return x
	}
	op := OpUConvert
	if t.IsSigned() && t.Bits() < bits {
		op = OpSConvert
	}
	return e.fn.op(op, e.m.intType(bits), x)
}

func (e *emitter) instr(v *ir.Value) {
	fn := e.fn
	m := e.m
	a := v.Args
	switch v.Op {
	case ir.OpConst, ir.OpZero:
		// Constants are module-level ids (see operand).
	case ir.OpParam:
		if e.argsInline {
			e.lptr[v] = &lptr{base: e.pushVar, sc: StorageClassPushConstant, explicit: true, elem: e.args,
				path: []step{{field: pushArgs}}}
			return
		}
		p := fn.op(OpAccessChain, m.ptrType(StorageClassPushConstant, e.u64()), e.pushVar, m.constU32(pushArgs))
		e.set(v, fn.op(OpLoad, e.u64(), p))
	case ir.OpPhi:
		if pt, ok := v.Type.(*ir.Pointer); ok && e.isLogical(pt) {
			var r *lptr
			for _, x := range a {
				if xr := e.lptr[x]; xr != nil {
					if r != nil && !r.equal(xr) {
						e.unsupported("a phi of pointers into different %v variables or elements is not supported on vulkan", pt.Space)
					}
					r = xr
				}
			}
			if r == nil {
				e.fail("BUG: phi v%d of logical pointers without a recipe", v.ID)
			}
			e.lptr[v] = r
			e.logicalPhis = append(e.logicalPhis, v)
			return
		}
		if st, ok := v.Type.(*ir.Slice); ok && e.isLogical(st) {
			for _, x := range a {
				if xr := e.lptr[x]; xr != nil {
					e.lptr[v] = xr
				}
			}
			e.logicalPhis = append(e.logicalPhis, v)
		}
		e.ids[v] = fn.op(OpLoad, e.valType(v.Type), e.phiVar[v])
	case ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpDiv, ir.OpRem, ir.OpAnd, ir.OpOr, ir.OpXor, ir.OpAndNot,
		ir.OpShl, ir.OpShr, ir.OpMin, ir.OpMax:
		e.set(v, e.binary(v))
	case ir.OpNeg:
		t := e.basic(v.Type)
		op := OpSNegate
		if t.IsFloat() {
			op = OpFNegate
		}
		e.set(v, fn.op(op, e.scalar(t), e.operand(a[0])))
	case ir.OpNot:
		e.set(v, fn.op(OpLogicalNot, e.bool_(), e.operand(a[0])))
	case ir.OpCom:
		e.set(v, fn.op(OpNot, e.scalar(e.basic(v.Type)), e.operand(a[0])))
	case ir.OpEq, ir.OpNe, ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe:
		e.set(v, e.compare(v))
	case ir.OpConvert:
		e.set(v, e.convert(e.basic(a[0].Type), e.basic(v.Type), e.operand(a[0])))
	case ir.OpLocal:
		elem := v.Type.(*ir.Pointer).Elem
		vt := e.valType(elem)
		vr := fn.variable(m.ptrType(StorageClassFunction, vt))
		fn.emit(OpStore, vr, m.constNull(vt))
		e.lptr[v] = &lptr{base: vr, sc: StorageClassFunction, elem: elem}
	case ir.OpShared:
		vr, ok := e.shared[v.AuxInt]
		if !ok {
			e.fail("BUG: shared variable %d not declared", v.AuxInt)
		}
		e.lptr[v] = &lptr{base: vr, sc: StorageClassWorkgroup, elem: v.Type.(*ir.Pointer).Elem, ints: e.sharedInts[v.AuxInt]}
	case ir.OpLoad:
		e.set(v, e.load(a[0], v.Type))
	case ir.OpStore:
		e.store(a[0], a[1].Type, e.operand(a[1]))
	case ir.OpFieldAddr:
		pt := a[0].Type.(*ir.Pointer)
		s := pt.Elem.(*ir.Struct)
		f := s.Fields[v.AuxInt]
		if e.isLogical(pt) {
			e.lptr[v] = e.recipe(a[0]).with(step{field: int(v.AuxInt)}, f.Type)
			return
		}
		p := e.operand(a[0])
		if f.Offset != 0 {
			p = fn.op(OpIAdd, e.u64(), p, m.constU64(uint64(f.Offset)))
		}
		e.set(v, p)
	case ir.OpIndexAddr:
		e.indexAddr(v)
	case ir.OpField:
		s := a[0].Type.(*ir.Struct)
		e.set(v, fn.op(OpCompositeExtract, e.valType(s.Fields[v.AuxInt].Type), e.operand(a[0]), uint32(v.AuxInt)))
	case ir.OpIndex:
		at := a[0].Type.(*ir.Array)
		if a[1].Op == ir.OpConst {
			e.set(v, fn.op(OpCompositeExtract, e.valType(at.Elem), e.operand(a[0]), uint32(a[1].AuxInt)))
			return
		}
		// A variable index: through a copy of the array in a variable.
		vt := e.valType(at)
		tmp := fn.variable(m.ptrType(StorageClassFunction, vt))
		fn.emit(OpStore, tmp, e.operand(a[0]))
		i := fn.op(OpUConvert, e.u32(), e.ext64(a[1]))
		p := fn.op(OpAccessChain, m.ptrType(StorageClassFunction, e.valType(at.Elem)), tmp, i)
		e.set(v, fn.op(OpLoad, e.valType(at.Elem), p))
	case ir.OpLen, ir.OpCap, ir.OpSlicePtr:
		st := a[0].Type.(*ir.Slice)
		if v.Op == ir.OpSlicePtr && e.isLogical(st) {
			e.lptr[v] = e.recipe(a[0]).with(step{slice: a[0]}, st.Elem)
			return
		}
		i := map[ir.Op]uint32{ir.OpSlicePtr: 0, ir.OpLen: 1, ir.OpCap: 2}[v.Op]
		e.set(v, fn.op(OpCompositeExtract, e.u64(), e.operand(a[0]), i))
	case ir.OpSlice:
		e.slice(v)
	case ir.OpCopy:
		e.copy(v)
	case ir.OpCheckBounds:
		x, y := e.operand(a[0]), e.operand(a[1])
		op := OpUGreaterThan
		if v.BoundsKind() == ir.BoundsIndex {
			op = OpUGreaterThanEqual
		}
		c := fn.op(op, e.bool_(), x, y)
		site := e.addSite(ir.Site{Kind: ir.SiteBounds, Pos: v.Pos, Bounds: v.BoundsKind(), Signed: v.AuxInt&ir.BoundsSigned != 0})
		e.check(c, site, x, y)
	case ir.OpCheckNil:
		if e.isLogical(a[0].Type) {
			return // a variable's address is never nil
		}
		var p uint32
		if _, ok := a[0].Type.(*ir.Slice); ok {
			p = fn.op(OpCompositeExtract, e.u64(), e.operand(a[0]), 0)
		} else {
			p = e.operand(a[0])
		}
		c := fn.op(OpIEqual, e.bool_(), p, m.constU64(0))
		e.check(c, e.addSite(ir.Site{Kind: ir.SiteNil, Pos: v.Pos}), m.constU64(0), m.constU64(0))
	case ir.OpCheckDivide:
		t := e.basic(a[0].Type)
		c := fn.op(OpIEqual, e.bool_(), e.operand(a[0]), e.constant(t, 0))
		e.check(c, e.addSite(ir.Site{Kind: ir.SiteDivide, Pos: v.Pos}), m.constU64(0), m.constU64(0))
	case ir.OpCheckShift:
		t := e.basic(a[0].Type)
		if !t.IsSigned() {
			return
		}
		c := fn.op(OpSLessThan, e.bool_(), e.operand(a[0]), e.constant(t, 0))
		e.check(c, e.addSite(ir.Site{Kind: ir.SiteShift, Pos: v.Pos}), e.ext64(a[0]), m.constU64(0))
	case ir.OpIntrinsic:
		e.intrinsic(v)
	case ir.OpAtomic:
		e.atomic(v)
	case ir.OpSpaceCast:
		from, to := spaceOf(a[0].Type), spaceOf(v.Type)
		if from == to {
			if e.isLogical(v.Type) {
				e.lptr[v] = e.lptr[a[0]]
			}
			if _, ok := v.Type.(*ir.Slice); ok || !e.isLogical(v.Type) {
				e.set(v, e.operand(a[0]))
			}
			return
		}
		e.unsupported("a pointer in the %v address space (from %v) is not supported on vulkan: the passes could not tell which memory it points to", to, from)
	case ir.OpCall, ir.OpExtract:
		e.fail("%v is left after the passes (run passes.Run first)", v.Op)
	default:
		e.fail("cannot lower %v", v.Op)
	}
}

func spaceOf(t ir.Type) ir.Space {
	switch t := t.(type) {
	case *ir.Pointer:
		return t.Space
	case *ir.Slice:
		return t.Space
	}
	return ir.Generic
}

// check branches to a failure of site with operands x, y (uint64) when c is true.
func (e *emitter) check(c, site, x, y uint32) {
	m := e.m
	fail, ok := m.id(), m.id()
	e.fn.emit(OpSelectionMerge, ok, uint32(SelectionControlNone))
	e.fn.emit(OpBranchConditional, c, fail, ok, 1, 1048575)
	e.fn.label(fail)
	e.failWith(site, x, y)
	e.fn.label(ok)
}

// recipe returns the logical pointer (or logical slice's base) v.
func (e *emitter) recipe(v *ir.Value) *lptr {
	r := e.lptr[v]
	if r == nil {
		e.fail("BUG: v%d (%v) has no logical pointer", v.ID, v.Op)
	}
	return r
}

// chain makes the access chain of a logical pointer and returns it with the SPIR-V type of
// what it points to.
func (e *emitter) chain(p *lptr) (uint32, uint32) {
	m := e.m
	et := e.valType(p.elem)
	if p.explicit {
		et = e.memType(p.elem)
	}
	if p.ints {
		et = e.intsType(p.elem)
	}
	if len(p.path) == 0 {
		return p.base, et
	}
	var idx []uint32
	for _, s := range p.path {
		switch {
		case s.idx == nil && s.slice == nil:
			idx = append(idx, m.constU32(uint32(s.field)))
		default:
			var i uint32
			if s.idx != nil {
				i = e.ext64(s.idx)
			}
			if s.slice != nil {
				off := e.fn.op(OpCompositeExtract, e.u64(), e.operand(s.slice), 0)
				if i == 0 {
					i = off
				} else {
					i = e.fn.op(OpIAdd, e.u64(), off, i)
				}
			}
			idx = append(idx, e.fn.op(OpUConvert, e.u32(), i))
		}
	}
	return e.fn.op(OpAccessChain, m.ptrType(p.sc, et), append([]uint32{p.base}, idx...)...), et
}

// physPtr converts a global address to a PhysicalStorageBuffer pointer to t's memory type.
func (e *emitter) physPtr(addr uint32, t ir.Type) (uint32, uint32) {
	mt := e.memType(t)
	return e.fn.op(OpConvertUToPtr, e.m.ptrType(StorageClassPhysicalStorageBuffer, mt), addr), mt
}

func align(t ir.Type) uint32 { return uint32(max(t.Align(), 1)) }

// load reads a value of type t through pointer p.
func (e *emitter) load(p *ir.Value, t ir.Type) uint32 {
	if e.isLogical(p.Type) {
		r := e.recipe(p)
		ac, et := e.chain(r)
		x := e.fn.op(OpLoad, et, ac)
		if r.explicit {
			return e.fromMem(t, x)
		}
		if r.ints {
			return e.fromInts(t, x)
		}
		return x
	}
	ptr, mt := e.physPtr(e.operand(p), t)
	x := e.fn.op(OpLoad, mt, ptr, uint32(MemoryAccessAligned), align(t))
	return e.fromMem(t, x)
}

// store writes x, a value of type t, through pointer p.
func (e *emitter) store(p *ir.Value, t ir.Type, x uint32) {
	if e.isLogical(p.Type) {
		r := e.recipe(p)
		if r.explicit {
			e.fail("a store into the argument struct (which is read-only)")
		}
		ac, _ := e.chain(r)
		if r.ints {
			x = e.toInts(t, x)
		}
		e.fn.emit(OpStore, ac, x)
		return
	}
	ptr, _ := e.physPtr(e.operand(p), t)
	e.fn.emit(OpStore, ptr, e.toMem(t, x), uint32(MemoryAccessAligned), align(t))
}

func (e *emitter) indexAddr(v *ir.Value) {
	fn := e.fn
	m := e.m
	a := v.Args
	switch t := a[0].Type.(type) {
	case *ir.Slice:
		if e.isLogical(t) {
			e.lptr[v] = e.recipe(a[0]).with(step{idx: a[1], slice: a[0]}, t.Elem)
			return
		}
		p := fn.op(OpCompositeExtract, e.u64(), e.operand(a[0]), 0)
		off := fn.op(OpIMul, e.u64(), e.ext64(a[1]), m.constU64(uint64(t.Elem.Size())))
		e.set(v, fn.op(OpIAdd, e.u64(), p, off))
	case *ir.Pointer:
		at := t.Elem.(*ir.Array)
		if e.isLogical(t) {
			e.lptr[v] = e.recipe(a[0]).with(step{idx: a[1]}, at.Elem)
			return
		}
		off := fn.op(OpIMul, e.u64(), e.ext64(a[1]), m.constU64(uint64(at.Elem.Size())))
		e.set(v, fn.op(OpIAdd, e.u64(), e.operand(a[0]), off))
	}
}

// slice lowers s[lo:hi:max]: a global slice's pointer moves by lo elements (unless no capacity
// is left, as Go does); a logical slice's offset does.
func (e *emitter) slice(v *ir.Value) {
	fn := e.fn
	m := e.m
	a := v.Args
	u64 := e.u64()
	lo, hi, mx := e.ext64(a[1]), e.ext64(a[2]), e.ext64(a[3])
	n := fn.op(OpISub, u64, hi, lo)
	c := fn.op(OpISub, u64, mx, lo)
	st := v.Type.(*ir.Slice)
	if e.isLogical(st) {
		var off uint32
		switch t := a[0].Type.(type) {
		case *ir.Slice:
			e.lptr[v] = e.recipe(a[0])
			old := fn.op(OpCompositeExtract, u64, e.operand(a[0]), 0)
			off = fn.op(OpIAdd, u64, old, lo)
		case *ir.Pointer:
			_ = t
			e.lptr[v] = e.recipe(a[0])
			off = lo
		}
		e.set(v, fn.op(OpCompositeConstruct, e.valType(st), off, n, c))
		return
	}
	var p uint32
	switch a[0].Type.(type) {
	case *ir.Slice:
		p = fn.op(OpCompositeExtract, u64, e.operand(a[0]), 0)
	case *ir.Pointer:
		p = e.operand(a[0])
	}
	moved := fn.op(OpIAdd, u64, p, fn.op(OpIMul, u64, lo, m.constU64(uint64(st.Elem.Size()))))
	has := fn.op(OpSGreaterThan, e.bool_(), c, m.constU64(0))
	np := fn.op(OpSelect, u64, has, moved, p)
	e.set(v, fn.op(OpCompositeConstruct, e.valType(st), np, n, c))
}

// copy lowers Go's copy(dst, src): min(len) elements, forwards or backwards so that
// overlapping slices copy as through a temporary.
func (e *emitter) copy(v *ir.Value) {
	fn := e.fn
	m := e.m
	a := v.Args
	dt, stt := a[0].Type.(*ir.Slice), a[1].Type.(*ir.Slice)
	u64 := e.u64()
	d, s := e.operand(a[0]), e.operand(a[1])
	dl := fn.op(OpCompositeExtract, u64, d, 1)
	sl := fn.op(OpCompositeExtract, u64, s, 1)
	n := fn.op(OpSelect, u64, fn.op(OpSLessThan, e.bool_(), dl, sl), dl, sl)
	e.set(v, n)
	dp := fn.op(OpCompositeExtract, u64, d, 0)
	sp := fn.op(OpCompositeExtract, u64, s, 0)
	// Backwards when the destination starts after the source (in one variable or buffer).
	back := m.constBool(false)
	if e.isLogical(dt) == e.isLogical(stt) && (!e.isLogical(dt) || e.recipe(a[0]).base == e.recipe(a[1]).base) {
		back = fn.op(OpUGreaterThan, e.bool_(), dp, sp)
	}
	elem := dt.Elem
	size := uint64(elem.Size())
	at := func(sv *ir.Value, sl *ir.Slice, base, i uint32) (load func() uint32, store func(x uint32)) {
		if e.isLogical(sl) {
			r := e.recipe(sv)
			return func() uint32 {
					ac, et := e.chainAt(r, fn.op(OpIAdd, u64, base, i))
					return fn.op(OpLoad, et, ac)
				}, func(x uint32) {
					ac, _ := e.chainAt(r, fn.op(OpIAdd, u64, base, i))
					fn.emit(OpStore, ac, x)
				}
		}
		addr := fn.op(OpIAdd, u64, base, fn.op(OpIMul, u64, i, m.constU64(size)))
		return func() uint32 {
				p, mt := e.physPtr(addr, elem)
				return e.fromMem(elem, fn.op(OpLoad, mt, p, uint32(MemoryAccessAligned), align(elem)))
			}, func(x uint32) {
				p, _ := e.physPtr(addr, elem)
				fn.emit(OpStore, p, e.toMem(elem, x), uint32(MemoryAccessAligned), align(elem))
			}
	}
	e.countedLoop(n, func(k uint32) {
		// k counts up; the index is k, or n-1-k backwards.
		rk := fn.op(OpISub, u64, fn.op(OpISub, u64, n, m.constU64(1)), k)
		i := fn.op(OpSelect, u64, back, rk, k)
		ld, _ := at(a[1], stt, sp, i)
		_, st := at(a[0], dt, dp, i)
		st(ld())
	})
}

// chainAt is the access chain to element i (uint64) of the array a logical slice's recipe r
// points to.
func (e *emitter) chainAt(r *lptr, i uint32) (uint32, uint32) {
	m := e.m
	ac, _ := e.chain(r)
	at := r.elem.(*ir.Array)
	et := e.valType(at.Elem)
	if r.explicit {
		et = e.memType(at.Elem)
	}
	if r.ints {
		et = e.intsType(at.Elem)
	}
	return e.fn.op(OpAccessChain, m.ptrType(r.sc, et), ac, e.fn.op(OpUConvert, e.u32(), i)), et
}

// countedLoop emits a loop construct running body(k) for k = 0 .. n-1 (uint64 ids); the
// current block goes on after it.
func (e *emitter) countedLoop(n uint32, body func(k uint32)) {
	fn := e.fn
	m := e.m
	u64 := e.u64()
	// Values loaded inside the loop are not available after it.
	saved := make(map[*ir.Value]uint32, len(e.loaded))
	for k, v := range e.loaded {
		saved[k] = v
	}
	defer func() { e.loaded = saved }()
	kv := fn.variable(m.ptrType(StorageClassFunction, u64))
	fn.emit(OpStore, kv, m.constU64(0))
	head, check, bodyL, cont, merge := m.id(), m.id(), m.id(), m.id(), m.id()
	fn.emit(OpBranch, head)
	fn.label(head)
	fn.emit(OpLoopMerge, merge, cont, uint32(LoopControlNone))
	fn.emit(OpBranch, check)
	fn.label(check)
	k := fn.op(OpLoad, u64, kv)
	more := fn.op(OpULessThan, e.bool_(), k, n)
	fn.emit(OpBranchConditional, more, bodyL, merge)
	fn.label(bodyL)
	body(k)
	fn.emit(OpStore, kv, fn.op(OpIAdd, u64, k, m.constU64(1)))
	fn.emit(OpBranch, cont)
	fn.label(cont)
	fn.emit(OpBranch, head)
	fn.label(merge)
}

// binary lowers the arithmetic, bitwise and shift operations with Go's semantics.
func (e *emitter) binary(v *ir.Value) uint32 {
	fn := e.fn
	m := e.m
	t := e.basic(v.Type)
	ty := e.scalar(t)
	x, y := e.operand(v.Args[0]), e.operand(v.Args[1])
	if t.Kind == ir.Bool {
		switch v.Op {
		case ir.OpAnd:
			return fn.op(OpLogicalAnd, ty, x, y)
		case ir.OpOr:
			return fn.op(OpLogicalOr, ty, x, y)
		case ir.OpXor:
			return fn.op(OpLogicalNotEqual, ty, x, y)
		case ir.OpAndNot:
			return fn.op(OpLogicalAnd, ty, x, fn.op(OpLogicalNot, ty, y))
		}
		e.fail("%v of bool", v.Op)
	}
	if t.IsFloat() {
		switch v.Op {
		case ir.OpAdd:
			return fn.op(OpFAdd, ty, x, y)
		case ir.OpSub:
			return fn.op(OpFSub, ty, x, y)
		case ir.OpMul:
			return fn.op(OpFMul, ty, x, y)
		case ir.OpDiv:
			return fn.op(OpFDiv, ty, x, y)
		case ir.OpMin, ir.OpMax:
			return e.fminmax(t, v.Op == ir.OpMin, x, y)
		}
		e.fail("%v of %v", v.Op, t)
	}
	signed := t.IsSigned()
	switch v.Op {
	case ir.OpAdd:
		return fn.op(OpIAdd, ty, x, y)
	case ir.OpSub:
		return fn.op(OpISub, ty, x, y)
	case ir.OpMul:
		return fn.op(OpIMul, ty, x, y)
	case ir.OpAnd:
		return fn.op(OpBitwiseAnd, ty, x, y)
	case ir.OpOr:
		return fn.op(OpBitwiseOr, ty, x, y)
	case ir.OpXor:
		return fn.op(OpBitwiseXor, ty, x, y)
	case ir.OpAndNot:
		return fn.op(OpBitwiseAnd, ty, x, fn.op(OpNot, ty, y))
	case ir.OpDiv, ir.OpRem:
		// A zero divisor (undefined in the IR: a checkdivide comes first) is made 1; a signed
		// division by -1 is a negation and the remainder 0 (MinInt / -1 == MinInt).
		one := e.constant(t, 1)
		z := fn.op(OpIEqual, e.bool_(), y, e.constant(t, 0))
		if !signed {
			yy := fn.op(OpSelect, ty, z, one, y)
			if v.Op == ir.OpDiv {
				return fn.op(OpUDiv, ty, x, yy)
			}
			return fn.op(OpUMod, ty, x, yy)
		}
		m1 := fn.op(OpIEqual, e.bool_(), y, e.constant(t, -1))
		bad := fn.op(OpLogicalOr, e.bool_(), z, m1)
		yy := fn.op(OpSelect, ty, bad, one, y)
		if v.Op == ir.OpDiv {
			q := fn.op(OpSDiv, ty, x, yy)
			return fn.op(OpSelect, ty, m1, fn.op(OpSNegate, ty, x), q)
		}
		r := fn.op(OpSRem, ty, x, yy)
		return fn.op(OpSelect, ty, m1, e.constant(t, 0), r)
	case ir.OpShl, ir.OpShr:
		// A count of at least the width gives 0, or -1 for >> of a negative signed value.
		ct := e.basic(v.Args[1].Type)
		w := t.Bits()
		big := fn.op(OpUGreaterThanEqual, e.bool_(), y, m.constant(e.scalar(ct), ct.Bits(), uint64(w)))
		c := y
		if ct.Bits() != w {
			c = fn.op(OpUConvert, ty, y)
		}
		if v.Op == ir.OpShr && signed {
			cc := fn.op(OpSelect, ty, big, e.constant(t, int64(w-1)), c)
			return fn.op(OpShiftRightArithmetic, ty, x, cc)
		}
		safe := fn.op(OpSelect, ty, big, e.constant(t, 0), c)
		op := OpShiftLeftLogical
		if v.Op == ir.OpShr {
			op = OpShiftRightLogical
		}
		r := fn.op(op, ty, x, safe)
		return fn.op(OpSelect, ty, big, e.constant(t, 0), r)
	case ir.OpMin, ir.OpMax:
		lt := OpULessThan
		if signed {
			lt = OpSLessThan
		}
		c := fn.op(lt, e.bool_(), x, y)
		if v.Op == ir.OpMin {
			return fn.op(OpSelect, ty, c, x, y)
		}
		return fn.op(OpSelect, ty, c, y, x)
	}
	e.fail("%v of %v", v.Op, t)
	return 0
}

// fminmax is Go's float min or max: NaN if either operand is, and -0 < +0.
func (e *emitter) fminmax(t *ir.Basic, isMin bool, x, y uint32) uint32 {
	fn := e.fn
	ty := e.scalar(t)
	it := e.m.intType(t.Bits())
	b := e.bool_()
	lt := fn.op(OpFOrdLessThan, b, x, y)
	var r uint32
	if isMin {
		r = fn.op(OpSelect, ty, lt, x, y)
	} else {
		r = fn.op(OpSelect, ty, lt, y, x)
	}
	// Equal operands (+0 and -0 among them): the sign bits combined.
	eq := fn.op(OpFOrdEqual, b, x, y)
	xb, yb := fn.op(OpBitcast, it, x), fn.op(OpBitcast, it, y)
	var comb uint32
	if isMin {
		comb = fn.op(OpBitwiseOr, it, xb, yb)
	} else {
		comb = fn.op(OpBitwiseAnd, it, xb, yb)
	}
	r = fn.op(OpSelect, ty, eq, fn.op(OpBitcast, ty, comb), r)
	r = fn.op(OpSelect, ty, fn.op(OpIsNan, b, y), y, r)
	return fn.op(OpSelect, ty, fn.op(OpIsNan, b, x), x, r)
}

func (e *emitter) compare(v *ir.Value) uint32 {
	fn := e.fn
	b := e.bool_()
	x, y := v.Args[0], v.Args[1]
	at := x.Type
	t, ok := at.(*ir.Basic)
	if !ok {
		if e.isLogical(at) {
			rx, ry := e.recipe(x), e.recipe(y)
			if rx.equal(ry) {
				return e.m.constBool(v.Op == ir.OpEq)
			}
			e.unsupported("comparing pointers into %v memory is not supported on vulkan", spaceOf(at))
		}
		switch v.Op {
		case ir.OpEq:
			return fn.op(OpIEqual, b, e.operand(x), e.operand(y))
		case ir.OpNe:
			return fn.op(OpINotEqual, b, e.operand(x), e.operand(y))
		}
		e.fail("%v of %v", v.Op, at)
	}
	xi, yi := e.operand(x), e.operand(y)
	if t.Kind == ir.Bool {
		if v.Op == ir.OpEq {
			return fn.op(OpLogicalEqual, b, xi, yi)
		}
		return fn.op(OpLogicalNotEqual, b, xi, yi)
	}
	var op Op
	switch {
	case t.IsFloat():
		op = map[ir.Op]Op{ir.OpEq: OpFOrdEqual, ir.OpNe: OpFUnordNotEqual, ir.OpLt: OpFOrdLessThan,
			ir.OpLe: OpFOrdLessThanEqual, ir.OpGt: OpFOrdGreaterThan, ir.OpGe: OpFOrdGreaterThanEqual}[v.Op]
	case t.IsSigned():
		op = map[ir.Op]Op{ir.OpEq: OpIEqual, ir.OpNe: OpINotEqual, ir.OpLt: OpSLessThan,
			ir.OpLe: OpSLessThanEqual, ir.OpGt: OpSGreaterThan, ir.OpGe: OpSGreaterThanEqual}[v.Op]
	default:
		op = map[ir.Op]Op{ir.OpEq: OpIEqual, ir.OpNe: OpINotEqual, ir.OpLt: OpULessThan,
			ir.OpLe: OpULessThanEqual, ir.OpGt: OpUGreaterThan, ir.OpGe: OpUGreaterThanEqual}[v.Op]
	}
	return fn.op(op, b, xi, yi)
}

// convert converts x from one scalar type to another as ir.EvalConvert does; float to integer
// as amd64's CVTTSD2SI: the value truncated, MinInt of 32 or 64 bits when it does not fit.
func (e *emitter) convert(from, to *ir.Basic, x uint32) uint32 {
	fn := e.fn
	m := e.m
	tty := e.scalar(to)
	switch {
	case from.Kind == to.Kind || from.IsInteger() && to.IsInteger() && from.Bits() == to.Bits() || from.Kind == ir.Bool:
		return x
	case from.IsInteger() && to.IsInteger():
		return e.extend(from, x, to.Bits())
	case from.IsInteger():
		if from.IsSigned() {
			return fn.op(OpConvertSToF, tty, x)
		}
		return fn.op(OpConvertUToF, tty, x)
	case to.IsFloat():
		return fn.op(OpFConvert, tty, x)
	}
	var r uint32
	var rt *ir.Basic
	switch to.Kind {
	case ir.Int8, ir.Int16, ir.Int32, ir.Uint8, ir.Uint16:
		r, rt = e.cvtt(from, x, 32), ir.Int32Type
	case ir.Int64, ir.Uint32:
		r, rt = e.cvtt(from, x, 64), ir.Int64Type
	default: // u64: values from 2^63 on are converted less 2^63, with the top bit set
		fty := e.scalar(from)
		two63 := e.fconst(from, 9223372036854775808.0)
		lt := fn.op(OpFOrdLessThan, e.bool_(), x, two63)
		g := fn.op(OpSelect, fty, lt, x, fn.op(OpFSub, fty, x, two63))
		c := e.cvtt(from, g, 64)
		hi := fn.op(OpBitwiseOr, m.intType(64), c, m.constU64(1<<63))
		return fn.op(OpSelect, m.intType(64), lt, c, hi)
	}
	return e.extend(rt, r, to.Bits())
}

// fconst is a float constant of type t.
func (e *emitter) fconst(t *ir.Basic, f float64) uint32 {
	if t.Kind == ir.Float32 {
		return e.m.constant(e.scalar(t), 32, uint64(math.Float32bits(float32(f))))
	}
	return e.m.constant(e.scalar(t), 64, math.Float64bits(f))
}

// cvtt is CVTTSD2SI into an int of bits 32 or 64: x truncated, or MinInt when it does not fit
// (NaN included).
func (e *emitter) cvtt(from *ir.Basic, x uint32, bits int) uint32 {
	fn := e.fn
	m := e.m
	b := e.bool_()
	var okLo uint32
	if bits == 32 {
		if from.Kind == ir.Float64 {
			okLo = fn.op(OpFOrdGreaterThan, b, x, e.fconst(from, -2147483649.0))
		} else {
			okLo = fn.op(OpFOrdGreaterThanEqual, b, x, e.fconst(from, -2147483648.0))
		}
	} else {
		okLo = fn.op(OpFOrdGreaterThanEqual, b, x, e.fconst(from, -9223372036854775808.0))
	}
	hi := 2147483648.0
	if bits == 64 {
		hi = 9223372036854775808.0
	}
	okHi := fn.op(OpFOrdLessThan, b, x, e.fconst(from, hi))
	ok := fn.op(OpLogicalAnd, b, okLo, okHi)
	it := m.intType(bits)
	c := fn.op(OpConvertFToS, it, x)
	min := uint64(1) << (bits - 1)
	return fn.op(OpSelect, it, ok, c, m.constant(it, bits, min))
}
