package llvm

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// alloca makes a variable of LLVM type mt in the function's entry block and returns its pointer.
func (b *fn) alloca(mt string, align int64) string {
	p := b.Tmp()
	as := ""
	if b.e.t.AllocaSpace != 0 {
		as = fmt.Sprintf(", addrspace(%d)", b.e.t.AllocaSpace)
	}
	fmt.Fprintf(&b.allocas, "  %s = alloca %s, align %d%s\n", p, mt, max(align, 1), as)
	return p
}

// declare declares an intrinsic or external function, once, and returns its @name.
func (b *fn) declare(ret, name string, params ...string) string {
	b.Module.Declare(fmt.Sprintf("declare %s @%s(%s)", ret, name, strings.Join(params, ", ")))
	return "@" + name
}

// intrinsicCall calls the LLVM function name with the given operand types and operands, and
// returns its result, of type ret.
func (b *fn) intrinsicCall(ret, name string, types []string, args []string) string {
	fnName := b.declare(ret, name, types...)
	var as []string
	for i, a := range args {
		as = append(as, types[i]+" "+a)
	}
	r := b.Tmp()
	b.Line("%s = call %s %s(%s)", r, ret, fnName, strings.Join(as, ", "))
	return r
}

func (b *fn) basic(v *ir.Value) *ir.Basic {
	t, ok := v.Type.(*ir.Basic)
	if !ok {
		b.e.fail("%s: v%d (%v) of type %v: want a scalar", b.f.Name, v.ID, v.Op, v.Type)
	}
	return t
}

// set gives v the operand s instead of its own name (for a value that is another's).
func (b *fn) set(v *ir.Value, s string) { b.names[v] = s }

// fromMem gives v the value x, extracted in memory form (i8 for a bool).
func (b *fn) fromMem(v *ir.Value, x string) {
	if ir.IsBasic(v.Type, ir.Bool) {
		b.Line("%s = trunc i8 %s to i1", b.names[v], x)
	} else {
		b.set(v, x)
	}
}

// toMem turns a value into its memory form.
func (b *fn) toMem(t ir.Type, x string) string {
	if ir.IsBasic(t, ir.Bool) {
		r := b.Tmp()
		b.Line("%s = zext i1 %s to i8", r, x)
		return r
	}
	return x
}

// ext64 extends an integer operand to i64 by its signedness.
func (b *fn) ext64(v *ir.Value) string {
	t := b.basic(v)
	if t.Bits() == 64 {
		return b.op(v)
	}
	r := b.Tmp()
	ext := "zext"
	if t.IsSigned() {
		ext = "sext"
	}
	b.Line("%s = %s %s %s to i64", r, ext, b.e.scalarType(t), b.op(v))
	return r
}

func (b *fn) instr(v *ir.Value) {
	e := b.e
	d := b.names[v]
	a := v.Args
	switch v.Op {
	case ir.OpParam, ir.OpConst, ir.OpZero:
		// Params are named in the signature, constants are literals.
	case ir.OpPhi:
		if off, ok := b.phiin[v]; ok {
			b.loadSlot(v.Type, off, d)
			break
		}
		b.phis = append(b.phis, v)
		b.Line("%s = phi %s \x00phi%d\x00", d, e.valType(v.Type), v.ID)
	case ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpDiv, ir.OpRem, ir.OpAnd, ir.OpOr, ir.OpXor, ir.OpAndNot,
		ir.OpShl, ir.OpShr, ir.OpMin, ir.OpMax:
		b.binary(v)
	case ir.OpNeg:
		t := b.basic(v)
		if t.IsFloat() {
			b.Line("%s = fneg %s %s", d, e.scalarType(t), b.op(a[0]))
		} else {
			b.Line("%s = sub %s 0, %s", d, e.scalarType(t), b.op(a[0]))
		}
	case ir.OpNot:
		b.Line("%s = xor i1 %s, true", d, b.op(a[0]))
	case ir.OpCom:
		b.Line("%s = xor %s %s, -1", d, e.scalarType(b.basic(v)), b.op(a[0]))
	case ir.OpEq, ir.OpNe, ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe:
		b.compare(v)
	case ir.OpConvert:
		b.convert(v)
	case ir.OpLocal:
		elem := v.Type.(*ir.Pointer).Elem
		var p string
		if b.fission {
			p = d // its address in the frame, computed in the entry block
		} else {
			p = b.alloca(e.memType(elem), elem.Align())
			b.set(v, p)
		}
		b.memset(ir.Private, p, elem.Size(), elem.Align())
	case ir.OpShared:
		if b.kernel == nil {
			e.fail("%s: shared variable in a function that is not a kernel (the passes inline every call)", b.f.Name)
		}
		base := e.t.SharedBase(b.Builder)
		b.Line("%s = getelementptr inbounds i8, %s %s, i64 %d", d, e.ptrType(ir.Shared), base, b.kernel.SharedOffsets[v.AuxInt])
	case ir.OpLoad:
		pt := a[0].Type.(*ir.Pointer)
		md := ""
		if pt.Space == ir.Args {
			md = ", !invariant.load !0"
		}
		mt := e.memType(v.Type)
		if ir.IsBasic(v.Type, ir.Bool) {
			x := b.Tmp()
			b.Line("%s = load i8, %s %s, align 1%s", x, e.ptrType(pt.Space), b.op(a[0]), md)
			b.Line("%s = trunc i8 %s to i1", d, x)
		} else {
			b.Line("%s = load %s, %s %s, align %d%s", d, mt, e.ptrType(pt.Space), b.op(a[0]), max(v.Type.Align(), 1), md)
		}
	case ir.OpStore:
		pt := a[0].Type.(*ir.Pointer)
		x := b.toMem(a[1].Type, b.op(a[1]))
		b.Line("store %s %s, %s %s, align %d", e.memType(a[1].Type), x, e.ptrType(pt.Space), b.op(a[0]), max(a[1].Type.Align(), 1))
	case ir.OpFieldAddr:
		pt := a[0].Type.(*ir.Pointer)
		s := pt.Elem.(*ir.Struct)
		b.Line("%s = getelementptr %s, %s %s, i32 0, i32 %d", d, e.memType(s), e.ptrType(pt.Space), b.op(a[0]), e.fieldIndex(s, int(v.AuxInt)))
	case ir.OpIndexAddr:
		i := b.ext64(a[1])
		switch t := a[0].Type.(type) {
		case *ir.Slice:
			p := b.Tmp()
			b.Line("%s = extractvalue %s %s, 0", p, e.memType(t), b.op(a[0]))
			b.Line("%s = getelementptr inbounds %s, %s %s, i64 %s", d, e.memType(t.Elem), e.ptrType(t.Space), p, i)
		case *ir.Pointer:
			b.Line("%s = getelementptr inbounds %s, %s %s, i64 0, i64 %s", d, e.memType(t.Elem), e.ptrType(t.Space), b.op(a[0]), i)
		}
	case ir.OpField:
		s := a[0].Type.(*ir.Struct)
		x := b.Tmp()
		b.Line("%s = extractvalue %s %s, %d", x, e.memType(s), b.op(a[0]), e.fieldIndex(s, int(v.AuxInt)))
		b.fromMem(v, x)
	case ir.OpIndex:
		at := a[0].Type.(*ir.Array)
		if a[1].Op == ir.OpConst {
			x := b.Tmp()
			b.Line("%s = extractvalue %s %s, %d", x, e.memType(at), b.op(a[0]), a[1].AuxInt)
			b.fromMem(v, x)
			break
		}
		// A variable index: through a copy of the array in memory.
		tmp := b.alloca(e.memType(at), at.Align())
		b.Line("store %s %s, %s %s, align %d", e.memType(at), b.op(a[0]), e.allocaPtr(), tmp, max(at.Align(), 1))
		p := b.Tmp()
		b.Line("%s = getelementptr inbounds %s, %s %s, i64 0, i64 %s", p, e.memType(at), e.allocaPtr(), tmp, b.ext64(a[1]))
		x := b.Tmp()
		b.Line("%s = load %s, %s %s, align %d", x, e.memType(at.Elem), e.allocaPtr(), p, max(at.Elem.Align(), 1))
		b.fromMem(v, x)
	case ir.OpLen, ir.OpCap, ir.OpSlicePtr:
		i := map[ir.Op]int{ir.OpSlicePtr: 0, ir.OpLen: 1, ir.OpCap: 2}[v.Op]
		b.Line("%s = extractvalue %s %s, %d", d, e.memType(a[0].Type), b.op(a[0]), i)
	case ir.OpSlice:
		b.slice(v)
	case ir.OpCopy:
		st := a[0].Type.(*ir.Slice)
		src := a[1].Type.(*ir.Slice)
		dl, sl, dp, sp := b.Tmp(), b.Tmp(), b.Tmp(), b.Tmp()
		b.Line("%s = extractvalue %s %s, 1", dl, e.memType(st), b.op(a[0]))
		b.Line("%s = extractvalue %s %s, 1", sl, e.memType(src), b.op(a[1]))
		b.Line("%s = extractvalue %s %s, 0", dp, e.memType(st), b.op(a[0]))
		b.Line("%s = extractvalue %s %s, 0", sp, e.memType(src), b.op(a[1]))
		n := b.intrinsicCall("i64", "llvm.smin.i64", []string{"i64", "i64"}, []string{dl, sl})
		b.set(v, n)
		bytes := b.Tmp()
		b.Line("%s = mul i64 %s, %d", bytes, n, st.Elem.Size())
		name := fmt.Sprintf("llvm.memmove.%s.%s.i64", e.ptrSuffix(st.Space), e.ptrSuffix(src.Space))
		fnName := b.declare("void", name, e.ptrType(st.Space), e.ptrType(src.Space), "i64", "i1")
		b.Line("call void %s(%s align %d %s, %s align %d %s, i64 %s, i1 false)", fnName,
			e.ptrType(st.Space), max(st.Elem.Align(), 1), dp, e.ptrType(src.Space), max(st.Elem.Align(), 1), sp, bytes)
	case ir.OpCheckBounds, ir.OpCheckNil, ir.OpCheckDivide, ir.OpCheckShift:
		if b.omit[v] {
			break // the group's guard proved it passes (hoist.go)
		}
		if c, x, y, ok := b.checkFails(v); ok {
			b.check(c, b.e.siteOf(v), x, y)
		}
	case ir.OpCall:
		b.call(v)
	case ir.OpExtract:
		tt := a[0].Type.(*ir.Tuple)
		b.Line("%s = extractvalue %s %s, %d", d, e.memType(tt), b.op(a[0]), v.AuxInt)
	case ir.OpIntrinsic:
		b.intrinsic(v)
	case ir.OpAtomic:
		if !b.plainAtomic(v) {
			b.atomic(v)
		}
	case ir.OpSpaceCast:
		b.spaceCast(v)
	default:
		e.fail("%s: cannot lower %v", b.f.Name, v.Op)
	}
}

// checkFails emits the condition (an i1) under which check v fails, and the operands its failure
// records; ok is false for a check that cannot fail (checkshift of an unsigned count).
func (b *fn) checkFails(v *ir.Value) (cond, x, y string, ok bool) {
	e, a := b.e, v.Args
	c := b.Tmp()
	switch v.Op {
	case ir.OpCheckBounds:
		pred := "ugt"
		if v.BoundsKind() == ir.BoundsIndex {
			pred = "uge"
		}
		b.Line("%s = icmp %s i64 %s, %s", c, pred, b.op(a[0]), b.op(a[1]))
		return c, b.op(a[0]), b.op(a[1]), true
	case ir.OpCheckNil:
		b.Line("%s = icmp eq %s %s, null", c, e.memType(a[0].Type), b.op(a[0]))
	case ir.OpCheckDivide:
		b.Line("%s = icmp eq %s %s, 0", c, e.scalarType(b.basic(a[0])), b.op(a[0]))
	case ir.OpCheckShift:
		t := b.basic(a[0])
		if !t.IsSigned() {
			return "", "", "", false
		}
		b.Line("%s = icmp slt %s %s, 0", c, e.scalarType(t), b.op(a[0]))
		return c, b.ext64(a[0]), "0", true
	}
	return c, "0", "0", true
}

func (e *emitter) allocaPtr() string {
	if e.t.AllocaSpace != 0 {
		return fmt.Sprintf("ptr addrspace(%d)", e.t.AllocaSpace)
	}
	return "ptr"
}

// memset zeroes size bytes at p in space s.
func (b *fn) memset(s ir.Space, p string, size, align int64) {
	if size == 0 {
		return
	}
	e := b.e
	name := "llvm.memset." + e.ptrSuffix(s) + ".i64"
	fnName := b.declare("void", name, e.ptrType(s), "i8", "i64", "i1")
	b.Line("call void %s(%s align %d %s, i8 0, i64 %d, i1 false)", fnName, e.ptrType(s), max(align, 1), p, size)
}

func (b *fn) spaceCast(v *ir.Value) {
	e := b.e
	var from, to ir.Space
	switch t := v.Args[0].Type.(type) {
	case *ir.Pointer:
		from, to = t.Space, v.Type.(*ir.Pointer).Space
	case *ir.Slice:
		from, to = t.Space, v.Type.(*ir.Slice).Space
	}
	if e.t.Spaces[from] == e.t.Spaces[to] {
		b.set(v, b.op(v.Args[0]))
		return
	}
	d := b.names[v]
	if _, ok := v.Type.(*ir.Pointer); ok {
		b.Line("%s = addrspacecast %s %s to %s", d, e.ptrType(from), b.op(v.Args[0]), e.ptrType(to))
		return
	}
	p, q := b.Tmp(), b.Tmp()
	b.Line("%s = extractvalue %s %s, 0", p, e.memType(v.Args[0].Type), b.op(v.Args[0]))
	b.Line("%s = addrspacecast %s %s to %s", q, e.ptrType(from), p, e.ptrType(to))
	n, c, r1, r2 := b.Tmp(), b.Tmp(), b.Tmp(), b.Tmp()
	b.Line("%s = extractvalue %s %s, 1", n, e.memType(v.Args[0].Type), b.op(v.Args[0]))
	b.Line("%s = extractvalue %s %s, 2", c, e.memType(v.Args[0].Type), b.op(v.Args[0]))
	b.Line("%s = insertvalue %s poison, %s %s, 0", r1, e.memType(v.Type), e.ptrType(to), q)
	b.Line("%s = insertvalue %s %s, i64 %s, 1", r2, e.memType(v.Type), r1, n)
	b.Line("%s = insertvalue %s %s, i64 %s, 2", b.names[v], e.memType(v.Type), r2, c)
}

func (b *fn) binary(v *ir.Value) {
	e := b.e
	t := b.basic(v)
	ty := e.scalarType(t)
	d := b.names[v]
	x, y := b.op(v.Args[0]), b.op(v.Args[1])
	if t.IsFloat() {
		switch v.Op {
		case ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpDiv:
			b.Line("%s = f%s %s %s, %s", d, v.Op, ty, x, y)
		case ir.OpMin, ir.OpMax:
			// llvm.minimum/maximum: NaN if either is, -0 < +0: Go's min and max.
			name := map[ir.Op]string{ir.OpMin: "minimum", ir.OpMax: "maximum"}[v.Op]
			r := b.intrinsicCall(ty, "llvm."+name+"."+llvmSuffix(t), []string{ty, ty}, []string{x, y})
			b.set(v, r)
		default:
			b.e.fail("%s: %v of %v", b.f.Name, v.Op, t)
		}
		return
	}
	signed := t.IsSigned()
	switch v.Op {
	case ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpAnd, ir.OpOr, ir.OpXor:
		b.Line("%s = %s %s %s, %s", d, v.Op, ty, x, y)
	case ir.OpAndNot:
		n := b.Tmp()
		b.Line("%s = xor %s %s, -1", n, ty, y)
		b.Line("%s = and %s %s, %s", d, ty, x, n)
	case ir.OpDiv, ir.OpRem:
		// A zero divisor is undefined in the IR (a checkdivide comes first); it is made 1 so
		// that it does not trap. A signed division by -1 is a negation (MinInt / -1 == MinInt,
		// MinInt % -1 == 0), which LLVM's sdiv and srem leave undefined.
		z := b.Tmp()
		b.Line("%s = icmp eq %s %s, 0", z, ty, y)
		if !signed {
			yy := b.Tmp()
			b.Line("%s = select i1 %s, %s 1, %s %s", yy, z, ty, ty, y)
			op := map[ir.Op]string{ir.OpDiv: "udiv", ir.OpRem: "urem"}[v.Op]
			b.Line("%s = %s %s %s, %s", d, op, ty, x, yy)
			return
		}
		m1, bad, yy, q := b.Tmp(), b.Tmp(), b.Tmp(), b.Tmp()
		b.Line("%s = icmp eq %s %s, -1", m1, ty, y)
		b.Line("%s = or i1 %s, %s", bad, z, m1)
		b.Line("%s = select i1 %s, %s 1, %s %s", yy, bad, ty, ty, y)
		if v.Op == ir.OpDiv {
			neg := b.Tmp()
			b.Line("%s = sdiv %s %s, %s", q, ty, x, yy)
			b.Line("%s = sub %s 0, %s", neg, ty, x)
			b.Line("%s = select i1 %s, %s %s, %s %s", d, m1, ty, neg, ty, q)
		} else {
			b.Line("%s = srem %s %s, %s", q, ty, x, yy)
			b.Line("%s = select i1 %s, %s 0, %s %s", d, m1, ty, ty, q)
		}
	case ir.OpShl, ir.OpShr:
		// The count is unsigned, of any width; a count of at least the width gives 0, or -1 for
		// >> of a negative signed value (an arithmetic shift by width-1).
		ct := b.basic(v.Args[1])
		cty := e.scalarType(ct)
		w := t.Bits()
		big := b.Tmp()
		b.Line("%s = icmp uge %s %s, %d", big, cty, y, w)
		c := y
		switch {
		case ct.Bits() > w:
			c = b.Tmp()
			b.Line("%s = trunc %s %s to %s", c, cty, y, ty)
		case ct.Bits() < w:
			c = b.Tmp()
			b.Line("%s = zext %s %s to %s", c, cty, y, ty)
		}
		if v.Op == ir.OpShr && signed {
			cc := b.Tmp()
			b.Line("%s = select i1 %s, %s %d, %s %s", cc, big, ty, w-1, ty, c)
			b.Line("%s = ashr %s %s, %s", d, ty, x, cc)
			return
		}
		op := "shl"
		if v.Op == ir.OpShr {
			op = "lshr"
		}
		r := b.Tmp()
		b.Line("%s = %s %s %s, %s", r, op, ty, x, c)
		b.Line("%s = select i1 %s, %s 0, %s %s", d, big, ty, ty, r)
	case ir.OpMin, ir.OpMax:
		name := map[bool]map[ir.Op]string{true: {ir.OpMin: "smin", ir.OpMax: "smax"},
			false: {ir.OpMin: "umin", ir.OpMax: "umax"}}[signed][v.Op]
		if t.Kind == ir.Bool {
			b.e.fail("%s: %v of bool", b.f.Name, v.Op)
		}
		b.set(v, b.intrinsicCall(ty, "llvm."+name+"."+ty, []string{ty, ty}, []string{x, y}))
	default:
		b.e.fail("%s: %v of %v", b.f.Name, v.Op, t)
	}
}

// llvmSuffix is a float type's overload suffix: f32 or f64.
func llvmSuffix(t *ir.Basic) string {
	if t.Kind == ir.Float32 {
		return "f32"
	}
	return "f64"
}

func (b *fn) compare(v *ir.Value) {
	e := b.e
	d := b.names[v]
	x, y := b.op(v.Args[0]), b.op(v.Args[1])
	at := v.Args[0].Type
	t, ok := at.(*ir.Basic)
	if !ok {
		pred := map[ir.Op]string{ir.OpEq: "eq", ir.OpNe: "ne"}[v.Op]
		if pred == "" {
			e.fail("%s: %v of %v", b.f.Name, v.Op, at)
		}
		b.Line("%s = icmp %s %s %s, %s", d, pred, e.memType(at), x, y)
		return
	}
	ty := e.scalarType(t)
	if t.IsFloat() {
		pred := map[ir.Op]string{ir.OpEq: "oeq", ir.OpNe: "une", ir.OpLt: "olt", ir.OpLe: "ole", ir.OpGt: "ogt", ir.OpGe: "oge"}[v.Op]
		b.Line("%s = fcmp %s %s %s, %s", d, pred, ty, x, y)
		return
	}
	var pred string
	switch v.Op {
	case ir.OpEq:
		pred = "eq"
	case ir.OpNe:
		pred = "ne"
	default:
		pred = map[ir.Op]string{ir.OpLt: "lt", ir.OpLe: "le", ir.OpGt: "gt", ir.OpGe: "ge"}[v.Op]
		if t.IsSigned() {
			pred = "s" + pred
		} else {
			pred = "u" + pred
		}
	}
	b.Line("%s = icmp %s %s %s, %s", d, pred, ty, x, y)
}

// convert lowers a conversion as ir.EvalConvert defines it, float to integer included: what
// CVTTSD2SI gives on amd64, spelled out with compares and selects (fptosi alone is poison out
// of range), so that every target computes the same.
func (b *fn) convert(v *ir.Value) {
	e := b.e
	from, to := b.basic(v.Args[0]), b.basic(v)
	x := b.op(v.Args[0])
	d := b.names[v]
	fty, tty := e.scalarType(from), e.scalarType(to)
	switch {
	case from.Kind == to.Kind || from.IsInteger() && to.IsInteger() && from.Bits() == to.Bits() || from.Kind == ir.Bool:
		b.set(v, x)
	case from.IsInteger() && to.IsInteger():
		switch {
		case from.Bits() > to.Bits():
			b.Line("%s = trunc %s %s to %s", d, fty, x, tty)
		case from.IsSigned():
			b.Line("%s = sext %s %s to %s", d, fty, x, tty)
		default:
			b.Line("%s = zext %s %s to %s", d, fty, x, tty)
		}
	case from.IsInteger():
		op := "uitofp"
		if from.IsSigned() {
			op = "sitofp"
		}
		b.Line("%s = %s %s %s to %s", d, op, fty, x, tty)
	case to.IsFloat():
		if from.Kind == ir.Float32 {
			b.Line("%s = fpext float %s to double", d, x)
		} else {
			b.Line("%s = fptrunc double %s to float", d, x)
		}
	default:
		f := x
		if from.Kind == ir.Float32 {
			f = b.Tmp()
			b.Line("%s = fpext float %s to double", f, x)
		}
		var r, rty string
		switch to.Kind {
		case ir.Int8, ir.Int16, ir.Int32, ir.Uint8, ir.Uint16:
			r, rty = b.cvtt(f, 32), "i32"
		case ir.Int64, ir.Uint32:
			r, rty = b.cvtt(f, 64), "i64"
		default: // u64
			lt, g, c, hi := b.Tmp(), b.Tmp(), "", b.Tmp()
			b.Line("%s = fcmp olt double %s, 0x43E0000000000000", lt, f)
			sub := b.Tmp()
			b.Line("%s = fsub double %s, 0x43E0000000000000", sub, f)
			b.Line("%s = select i1 %s, double %s, double %s", g, lt, f, sub)
			c = b.cvtt(g, 64)
			b.Line("%s = or i64 %s, -9223372036854775808", hi, c)
			b.Line("%s = select i1 %s, i64 %s, i64 %s", d, lt, c, hi)
			return
		}
		if rty == tty {
			b.set(v, r)
		} else {
			b.Line("%s = trunc %s %s to %s", d, rty, r, tty)
		}
	}
}

// cvtt is CVTTSD2SI into an int of bits 32 or 64: the double f truncated, or MinInt when it
// does not fit (NaN included).
func (b *fn) cvtt(f string, bits int) string {
	lo, hi := "0xC1E0000000200000", "0x41E0000000000000" // > -2^31-1, < 2^31
	cmpLo := "ogt"
	if bits == 64 {
		lo, hi, cmpLo = "0xC3E0000000000000", "0x43E0000000000000", "oge" // >= -2^63, < 2^63
	}
	ty := "i" + strconv.Itoa(bits)
	okLo, okHi, ok, c, r := b.Tmp(), b.Tmp(), b.Tmp(), b.Tmp(), b.Tmp()
	b.Line("%s = fcmp %s double %s, %s", okLo, cmpLo, f, lo)
	b.Line("%s = fcmp olt double %s, %s", okHi, f, hi)
	b.Line("%s = and i1 %s, %s", ok, okLo, okHi)
	b.Line("%s = fptosi double %s to %s", c, f, ty)
	min := "-2147483648"
	if bits == 64 {
		min = "-9223372036854775808"
	}
	b.Line("%s = select i1 %s, %s %s, %s %s", r, ok, ty, c, ty, min)
	return r
}

func (b *fn) slice(v *ir.Value) {
	e := b.e
	a := v.Args
	lo, hi, mx := b.ext64(a[1]), b.ext64(a[2]), b.ext64(a[3])
	var p, space string
	var elem ir.Type
	switch t := a[0].Type.(type) {
	case *ir.Slice:
		p = b.Tmp()
		b.Line("%s = extractvalue %s %s, 0", p, e.memType(t), b.op(a[0]))
		space, elem = e.ptrType(t.Space), t.Elem
	case *ir.Pointer:
		p = b.op(a[0])
		space, elem = e.ptrType(t.Space), t.Elem.(*ir.Array).Elem
	}
	// As Go does, a slice with no capacity left keeps the base pointer.
	n, c, moved, has, np := b.Tmp(), b.Tmp(), b.Tmp(), b.Tmp(), b.Tmp()
	b.Line("%s = sub i64 %s, %s", n, hi, lo)
	b.Line("%s = sub i64 %s, %s", c, mx, lo)
	b.Line("%s = getelementptr inbounds %s, %s %s, i64 %s", moved, e.memType(elem), space, p, lo)
	b.Line("%s = icmp sgt i64 %s, 0", has, c)
	b.Line("%s = select i1 %s, %s %s, %s %s", np, has, space, moved, space, p)
	st := e.memType(v.Type)
	s1, s2 := b.Tmp(), b.Tmp()
	b.Line("%s = insertvalue %s poison, %s %s, 0", s1, st, space, np)
	b.Line("%s = insertvalue %s %s, i64 %s, 1", s2, st, s1, n)
	b.Line("%s = insertvalue %s %s, i64 %s, 2", b.names[v], st, s2, c)
}

func (b *fn) call(v *ir.Value) {
	e := b.e
	callee := v.Callee()
	if callee == nil || callee.Kernel {
		e.fail("%s: call of a kernel or of nothing", b.f.Name)
	}
	args := []string{e.t.HiddenArgs}
	for _, a := range v.Args {
		args = append(args, e.valType(a.Type)+" "+b.op(a))
	}
	rt := e.valType(callee.Result)
	if rt == "void" {
		b.Line("call void %s(%s)", e.itemName(callee), strings.Join(args, ", "))
	} else {
		b.Line("%s = call %s %s(%s)", b.names[v], rt, e.itemName(callee), strings.Join(args, ", "))
	}
	// A failure in the callee returns from it with the record set: pass it on.
	b.propagate()
}

// propagate returns from the function when a callee recorded a failure (on the host: the
// launch context's site word is set).
func (b *fn) propagate() {
	p, s, c := b.Tmp(), b.Tmp(), b.Tmp()
	b.Line("%s = getelementptr inbounds i64, ptr %%ctx, i64 %d", p, ctxSite)
	b.Line("%s = load i64, ptr %s, align 8", s, p)
	b.Line("%s = icmp ne i64 %s, 0", c, s)
	fail, cont := b.Tmp()[1:]+".failed", b.Tmp()[1:]+".ok"
	b.Line("br i1 %s, label %%%s, label %%%s, !prof !1", c, fail, cont)
	b.label(fail)
	b.failReturn()
	b.label(cont)
	b.setEnd(cont)
}

func (b *fn) intrinsic(v *ir.Value) {
	e := b.e
	in := v.Intrinsic()
	d := b.names[v]
	a := v.Args
	switch {
	case in.IsWorkItem():
		if a[0].Op == ir.OpConst {
			b.set(v, e.t.WorkItem(b.Builder, in, int(a[0].AuxInt)))
			return
		}
		// A dimension known at run time, in range (a checkbounds before it checked it).
		var r [3]string
		for dim := range 3 {
			r[dim] = e.t.WorkItem(b.Builder, in, dim)
		}
		is0, is1, s := b.Tmp(), b.Tmp(), b.Tmp()
		b.Line("%s = icmp eq i64 %s, 0", is0, b.op(a[0]))
		b.Line("%s = icmp eq i64 %s, 1", is1, b.op(a[0]))
		b.Line("%s = select i1 %s, i64 %s, i64 %s", s, is1, r[1], r[2])
		b.Line("%s = select i1 %s, i64 %s, i64 %s", d, is0, r[0], s)
		return
	case in == ir.Barrier:
		if b.fission {
			b.suspend()
			return
		}
		if e.t.Barrier == nil {
			e.fail("%s: %w", b.f.Name, ErrBarriers)
		}
		e.t.Barrier(b.Builder)
		return
	case in == ir.Float32bits:
		b.Line("%s = bitcast float %s to i32", d, b.op(a[0]))
		return
	case in == ir.Float32frombits:
		b.Line("%s = bitcast i32 %s to float", d, b.op(a[0]))
		return
	case in == ir.Float64bits:
		b.Line("%s = bitcast double %s to i64", d, b.op(a[0]))
		return
	case in == ir.Float64frombits:
		b.Line("%s = bitcast i64 %s to double", d, b.op(a[0]))
		return
	case in >= ir.OnesCount:
		b.bits(v)
		return
	}
	t := b.basic(a[0])
	ty := e.scalarType(t)
	var ops []string
	for _, x := range a {
		ops = append(ops, b.op(x))
	}
	llvmName := map[ir.Intrinsic]string{ir.Sqrt: "sqrt", ir.Abs: "fabs", ir.Floor: "floor", ir.Ceil: "ceil",
		ir.Trunc: "trunc", ir.Round: "round", ir.RoundToEven: "roundeven", ir.Copysign: "copysign"}[in]
	if llvmName != "" {
		// Exact on f32 as on f64: the f32 result of each is the f64 one rounded.
		types := make([]string, len(ops))
		for i := range types {
			types[i] = ty
		}
		b.set(v, b.intrinsicCall(ty, "llvm."+llvmName+"."+llvmSuffix(t), types, ops))
		return
	}
	// The rest is computed in f64 and rounded once (ir.EvalIntrinsic): FMA with llvm.fma.f64,
	// the others by the target's math functions.
	if t.Kind == ir.Float32 {
		for i, o := range ops {
			w := b.Tmp()
			b.Line("%s = fpext float %s to double", w, o)
			ops[i] = w
		}
	}
	types := make([]string, len(ops))
	for i := range types {
		types[i] = "double"
	}
	var r string
	if in == ir.FMA {
		r = b.intrinsicCall("double", "llvm.fma.f64", types, ops)
	} else {
		name := e.t.MathFunc(in)
		b.Module.Declare(fmt.Sprintf("declare double @%s(%s) #0", name, strings.Join(types, ", ")))
		var as []string
		for _, o := range ops {
			as = append(as, "double "+o)
		}
		r = b.Tmp()
		b.Line("%s = call double @%s(%s) #0", r, name, strings.Join(as, ", "))
	}
	if t.Kind == ir.Float32 {
		b.Line("%s = fptrunc double %s to float", d, r)
	} else {
		b.set(v, r)
	}
}

// bits lowers the math/bits intrinsics with LLVM's bit intrinsics.
func (b *fn) bits(v *ir.Value) {
	e := b.e
	t := b.basic(v.Args[0])
	ty := e.scalarType(t)
	x := b.op(v.Args[0])
	d := b.names[v]
	count := func(name string, extra ...string) string {
		types, args := []string{ty}, []string{x}
		if len(extra) > 0 {
			types, args = append(types, "i1"), append(args, extra...)
		}
		r := b.intrinsicCall(ty, "llvm."+name+"."+ty, types, args)
		if t.Bits() == 64 {
			return r
		}
		z := b.Tmp()
		b.Line("%s = zext %s %s to i64", z, ty, r)
		return z
	}
	switch v.Intrinsic() {
	case ir.OnesCount:
		b.set(v, count("ctpop"))
	case ir.LeadingZeros:
		b.set(v, count("ctlz", "false"))
	case ir.TrailingZeros:
		b.set(v, count("cttz", "false"))
	case ir.Len:
		lz := count("ctlz", "false")
		b.Line("%s = sub i64 %d, %s", d, t.Bits(), lz)
	case ir.Reverse:
		b.set(v, b.intrinsicCall(ty, "llvm.bitreverse."+ty, []string{ty}, []string{x}))
	case ir.ReverseBytes:
		if t.Bits() == 8 {
			b.set(v, x)
			return
		}
		b.set(v, b.intrinsicCall(ty, "llvm.bswap."+ty, []string{ty}, []string{x}))
	case ir.RotateLeft:
		// fshl takes the count modulo the width, which is k & (width-1) for any k.
		k := b.op(v.Args[1])
		if t.Bits() < 64 {
			k = b.Tmp()
			b.Line("%s = trunc i64 %s to %s", k, b.op(v.Args[1]), ty)
		}
		b.set(v, b.intrinsicCall(ty, "llvm.fshl."+ty, []string{ty, ty, ty}, []string{x, x, k}))
	default:
		e.fail("%s: cannot lower intrinsic %v", b.f.Name, v.Intrinsic())
	}
}

// atomic lowers an atomic operation, sequentially consistent.
func (b *fn) atomic(v *ir.Value) {
	e := b.e
	a := v.Args
	pt := a[0].Type.(*ir.Pointer)
	t := pt.Elem.(*ir.Basic)
	ty := e.scalarType(t)
	ptr := e.ptrType(pt.Space) + " " + b.op(a[0])
	al := t.Size()
	d := b.names[v]
	ord := "seq_cst"
	if e.t.AtomicFence != nil {
		ord = "monotonic"
		e.t.AtomicFence(b.Builder, pt.Space)
		defer e.t.AtomicFence(b.Builder, pt.Space)
	}
	switch op := v.AtomicOp(); op {
	case ir.AtomicLoad:
		b.Line("%s = load atomic %s, %s "+ord+", align %d", d, ty, ptr, al)
	case ir.AtomicStore:
		b.Line("store atomic %s %s, %s "+ord+", align %d", ty, b.op(a[1]), ptr, al)
	case ir.AtomicAdd:
		old := b.Tmp()
		if t.IsFloat() {
			b.Line("%s = atomicrmw fadd %s, %s %s "+ord+", align %d", old, ptr, ty, b.op(a[1]), al)
			b.Line("%s = fadd %s %s, %s", d, ty, old, b.op(a[1]))
		} else {
			b.Line("%s = atomicrmw add %s, %s %s "+ord+", align %d", old, ptr, ty, b.op(a[1]), al)
			b.Line("%s = add %s %s, %s", d, ty, old, b.op(a[1]))
		}
	case ir.AtomicAnd, ir.AtomicOr, ir.AtomicSwap:
		name := map[ir.AtomicOp]string{ir.AtomicAnd: "and", ir.AtomicOr: "or", ir.AtomicSwap: "xchg"}[op]
		b.Line("%s = atomicrmw %s %s, %s %s "+ord+", align %d", d, name, ptr, ty, b.op(a[1]), al)
	case ir.AtomicCAS:
		pair := b.Tmp()
		b.Line("%s = cmpxchg %s, %s %s, %s %s "+ord+" "+ord+", align %d", pair, ptr, ty, b.op(a[1]), ty, b.op(a[2]), al)
		b.Line("%s = extractvalue { %s, i1 } %s, 1", d, ty, pair)
	case ir.AtomicMin, ir.AtomicMax:
		if !t.IsFloat() {
			name := map[bool]map[ir.AtomicOp]string{true: {ir.AtomicMin: "min", ir.AtomicMax: "max"},
				false: {ir.AtomicMin: "umin", ir.AtomicMax: "umax"}}[t.IsSigned()][op]
			b.Line("%s = atomicrmw %s %s, %s %s "+ord+", align %d", d, name, ptr, ty, b.op(a[1]), al)
			return
		}
		// Go's min and max (NaN wins, -0 < +0) differ from atomicrmw fmin/fmax (IEEE minNum):
		// a compare-and-swap loop on the bits, which leaves memory alone when it already holds
		// the result, as package kernel's does.
		ity := fmt.Sprintf("i%d", t.Bits())
		fname := map[ir.AtomicOp]string{ir.AtomicMin: "minimum", ir.AtomicMax: "maximum"}[op]
		mm := b.declare(ty, "llvm."+fname+"."+llvmSuffix(t), ty, ty)
		first, old, of, r, rb, same, pair, seen, ok := b.Tmp(), b.Tmp(), b.Tmp(), b.Tmp(), b.Tmp(), b.Tmp(), b.Tmp(), b.Tmp(), b.Tmp()
		entry := b.end[b.cur]
		loop, try, done := b.Tmp()[1:]+".loop", b.Tmp()[1:]+".try", b.Tmp()[1:]+".done"
		b.Line("%s = load atomic %s, %s "+ord+", align %d", first, ity, ptr, al)
		b.Line("br label %%%s", loop)
		b.label(loop)
		b.Line("%s = phi %s [ %s, %%%s ], [ %s, %%%s ]", old, ity, first, entry, seen, try)
		b.Line("%s = bitcast %s %s to %s", of, ity, old, ty)
		b.Line("%s = call %s %s(%s %s, %s %s)", r, ty, mm, ty, of, ty, b.op(a[1]))
		b.Line("%s = bitcast %s %s to %s", rb, ty, r, ity)
		b.Line("%s = icmp eq %s %s, %s", same, ity, rb, old)
		b.Line("br i1 %s, label %%%s, label %%%s", same, done, try)
		b.label(try)
		b.Line("%s = cmpxchg %s, %s %s, %s %s "+ord+" "+ord+", align %d", pair, ptr, ity, old, ity, rb, al)
		b.Line("%s = extractvalue { %s, i1 } %s, 0", seen, ity, pair)
		b.Line("%s = extractvalue { %s, i1 } %s, 1", ok, ity, pair)
		b.Line("br i1 %s, label %%%s, label %%%s", ok, done, loop)
		b.label(done)
		b.setEnd(done)
		b.Line("%s = bitcast %s %s to %s", d, ity, old, ty)
	default:
		e.fail("%s: cannot lower atomic %v", b.f.Name, op)
	}
}
