package llvm

import (
	"fmt"
	"strings"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// Hoisting checks out of the work-item loop.
//
// A check inside the work-item function is an early exit from the loop over a group's
// work-items, which keeps LLVM from vectorising that loop. Most checks of data-parallel kernels
// are on an index that is affine in the work-item's id (k.Y[it.GlobalID(0)], a[row*n+col]) against
// a length that is the same for the whole group (len(k.Y)); such a check passes for every
// work-item of a group exactly when it passes at the corners of the group's range of ids.
//
// So a kernel is lowered twice: the work-item function with every check, and a fast one
// without the checks that can be proved this way (Kernel.FastItem), with a guard function
// (Kernel.Guard) that proves them for one group: the group function runs the fast loop when
// the guard holds and the checked loop otherwise, which then fails at the right work-item with
// the right message. Nothing changes in what a kernel does, panics included: the fast loop runs
// only when none of the checks it leaves out can fail.
//
// What the guard can compute:
//
//   - uniform values, the same for every work-item of a group: constants, the argument struct and
//     what is loaded from it (args memory never changes during a launch), fields, lengths and
//     capacities of those, the group's id and the launch's sizes, and integer arithmetic without
//     division on them (so that computing them ahead of the work-items cannot fault). The guard
//     computes them exactly as the work-item function does.
//   - affine values: 64-bit integers built from the work-item's local or global id and uniform
//     values by +, -, × by a uniform value, and << by a constant. The guard evaluates them at the
//     corners of the group in 128- or 256-bit arithmetic, with the uniform values taken as exact
//     integers, bounded so that nothing overflows (affineBits): the exact value at a work-item
//     then lies between its values at the corners, and the 64-bit value the work-item computes
//     (the exact one modulo 2^64) equals the exact one whenever that is in [0, 2^63).
//
// A bounds check (0 ≤ x < y, or x ≤ y) whose operands are uniform or affine is proved by
// checking at each corner that x and y are in [0, 2^63) and x < y (x ≤ y): each is an affine
// inequality, true on the whole box when true at its corners. A check whose operands are all
// uniform (nil, divide, shift, bounds) is evaluated once, as the work-item would.

// exactWidth returns the integer width the guard computes a check's exact values in: 128 bits
// when its operands' bounds allow (as they nearly always do), else 256.
func exactWidth(bits int) int {
	if bits <= 120 {
		return 128
	}
	return 256
}

// affineBits bounds the magnitude of the exact value of an affine expression (as bits) so that
// its evaluation in 256-bit arithmetic cannot overflow (exactWidth picks 128 bits below 120).
const affineBits = 250

// hoist is the plan of one kernel's hoisted checks.
type hoist struct {
	f       *ir.Func
	checks  map[*ir.Value]bool // the checks the guard proves
	uniform map[*ir.Value]bool
	affine  map[*ir.Value]affineInfo
}

type affineInfo struct {
	ok   bool
	dims uint8 // the dimensions of the work-item id it depends on
	bits int   // a bound on the bits of its exact magnitude
}

// planHoist finds the checks of kernel f that its guard can prove.
func planHoist(f *ir.Func) *hoist {
	h := &hoist{f: f, checks: map[*ir.Value]bool{}, uniform: map[*ir.Value]bool{}, affine: map[*ir.Value]affineInfo{}}
	for _, blk := range f.Blocks {
		for _, v := range blk.Instrs {
			switch v.Op {
			case ir.OpCheckBounds:
				if h.aff(v.Args[0]).ok && h.aff(v.Args[1]).ok {
					h.checks[v] = true
				}
			case ir.OpCheckNil, ir.OpCheckDivide, ir.OpCheckShift:
				if h.isUniform(v.Args[0]) {
					h.checks[v] = true
				}
			}
		}
	}
	return h
}

func isInt(t ir.Type) bool {
	b, ok := t.(*ir.Basic)
	return ok && b.IsInteger()
}

func isInt64(t ir.Type) bool { return isInt(t) && t.Size() == 8 }

// isUniform reports whether v is the same for every work-item of a group and the guard can
// compute it without faulting.
func (h *hoist) isUniform(v *ir.Value) bool {
	if u, ok := h.uniform[v]; ok {
		return u
	}
	h.uniform[v] = false // no cycles through phis: a phi is not uniform here
	u := false
	a := v.Args
	switch v.Op {
	case ir.OpConst:
		u = true
	case ir.OpParam:
		u = len(h.f.Params) > 0 && v == h.f.Params[0]
	case ir.OpLoad:
		u = a[0].Type.(*ir.Pointer).Space == ir.Args && h.isUniform(a[0])
	case ir.OpFieldAddr:
		u = h.isUniform(a[0])
	case ir.OpIndexAddr:
		// Into an array of the argument struct, at a constant index (in bounds by its type).
		_, arr := a[0].Type.(*ir.Pointer)
		u = arr && a[1].Op == ir.OpConst && h.isUniform(a[0])
	case ir.OpField, ir.OpLen, ir.OpCap, ir.OpSlicePtr:
		u = h.isUniform(a[0])
	case ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpAnd, ir.OpOr, ir.OpXor, ir.OpAndNot, ir.OpShl, ir.OpShr:
		u = isInt(v.Type) && h.isUniform(a[0]) && h.isUniform(a[1])
	case ir.OpNeg, ir.OpCom:
		u = isInt(v.Type) && h.isUniform(a[0])
	case ir.OpConvert:
		u = isInt(v.Type) && isInt(a[0].Type) && h.isUniform(a[0])
	case ir.OpIntrinsic:
		switch v.Intrinsic() {
		case ir.GroupID, ir.LocalSize, ir.GlobalSize, ir.NumGroups:
			u = a[0].Op == ir.OpConst
		}
	}
	h.uniform[v] = u
	return u
}

// aff analyses v as an affine function of the work-item's id.
func (h *hoist) aff(v *ir.Value) affineInfo {
	if r, ok := h.affine[v]; ok {
		return r
	}
	r := h.analyse(v)
	if r.bits > affineBits {
		r = affineInfo{}
	}
	h.affine[v] = r
	return r
}

func (h *hoist) analyse(v *ir.Value) affineInfo {
	if h.isUniform(v) {
		if !isInt64(v.Type) {
			return affineInfo{}
		}
		bits := 64
		if v.Op == ir.OpConst {
			bits = constBits(v.AuxInt)
		}
		return affineInfo{ok: true, bits: bits}
	}
	if !isInt64(v.Type) {
		return affineInfo{}
	}
	a := v.Args
	switch v.Op {
	case ir.OpIntrinsic:
		in := v.Intrinsic()
		if (in == ir.LocalID || in == ir.GlobalID) && a[0].Op == ir.OpConst && a[0].AuxInt >= 0 && a[0].AuxInt < 3 {
			// Ids are below 2^32 (a grid has at most 2^31-1 work-items per dimension).
			return affineInfo{ok: true, dims: 1 << a[0].AuxInt, bits: 33}
		}
	case ir.OpAdd, ir.OpSub:
		x, y := h.aff(a[0]), h.aff(a[1])
		if x.ok && y.ok {
			return affineInfo{ok: true, dims: x.dims | y.dims, bits: max(x.bits, y.bits) + 1}
		}
	case ir.OpMul:
		x, y := h.aff(a[0]), h.aff(a[1])
		if x.ok && y.ok && (x.dims == 0 || y.dims == 0) {
			return affineInfo{ok: true, dims: x.dims | y.dims, bits: x.bits + y.bits}
		}
	case ir.OpShl:
		x := h.aff(a[0])
		if x.ok && a[1].Op == ir.OpConst && a[1].AuxInt >= 0 && a[1].AuxInt < 63 {
			return affineInfo{ok: true, dims: x.dims, bits: x.bits + int(a[1].AuxInt)}
		}
	case ir.OpConvert:
		if isInt64(a[0].Type) {
			return h.aff(a[0])
		}
	}
	return affineInfo{}
}

// constBits is the bits of c's magnitude as a signed number, plus one.
func constBits(c int64) int {
	n := 1
	for m := c; m != 0 && m != -1; m >>= 1 {
		n++
	}
	return n
}

// guard emits kernel f's guard function: the work-item function's parameters (its local ids
// unused) and the extent of the group in each dimension, returning true when every check in
// h.checks passes for every work-item of the group:
//
//	i1 @"<K>.guard"(<hidden>, ptr args, i64 nx, i64 ny, i64 nz)
func (e *emitter) guard(f *ir.Func, k *Kernel, h *hoist) {
	b := e.newFn(f, k)
	params := append([]string{}, e.t.Hidden...)
	for _, p := range f.Params {
		params = append(params, e.valType(p.Type)+" "+b.names[p])
	}
	params = append(params, "i64 %nx", "i64 %ny", "i64 %nz")

	// The uniform values the checks need, in the function's order (each after its operands).
	need := map[*ir.Value]bool{}
	var mark func(v *ir.Value)
	mark = func(v *ir.Value) {
		if need[v] {
			return
		}
		if h.isUniform(v) {
			need[v] = true
			for _, a := range v.Args {
				mark(a)
			}
			return
		}
		for _, a := range v.Args {
			mark(a)
		}
	}
	for c := range h.checks {
		for _, a := range c.Args {
			mark(a)
		}
	}
	for _, blk := range blockOrder(f) {
		for _, v := range blk.Instrs {
			if need[v] {
				b.instr(v)
			}
		}
	}

	ok := "true"
	and := func(c string) {
		r := b.Tmp()
		b.Line("%s = and i1 %s, %s", r, ok, c)
		ok = r
	}
	not := func(c string) string {
		r := b.Tmp()
		b.Line("%s = xor i1 %s, true", r, c)
		return r
	}
	last := [3]string{}
	for d, n := range []string{"%nx", "%ny", "%nz"} {
		last[d] = b.Tmp()
		b.Line("%s = sub nuw i64 %s, 1", last[d], n)
	}
	const maxExact = "9223372036854775807" // 2^63 - 1
	for _, blk := range blockOrder(f) {
		for _, c := range blk.Instrs {
			if !h.checks[c] {
				continue
			}
			dims := uint8(0)
			for _, a := range c.Args {
				dims |= h.aff(a).dims
			}
			if c.Op != ir.OpCheckBounds || dims == 0 {
				if cond, _, _, fails := b.checkFails(c); fails {
					and(not(cond))
				}
				continue
			}
			pred := "sle"
			if c.BoundsKind() == ir.BoundsIndex {
				pred = "slt"
			}
			// Every corner of the dimensions the operands depend on.
			for corner := uint8(0); corner < 8; corner++ {
				if corner&^dims != 0 {
					continue
				}
				var at [3]string
				for d := range 3 {
					at[d] = "0"
					if corner&(1<<d) != 0 {
						at[d] = last[d]
					}
				}
				memo := map[*ir.Value]string{}
				w := exactWidth(max(h.aff(c.Args[0]).bits, h.aff(c.Args[1]).bits))
				x := b.exact(h, c.Args[0], at, w, memo)
				y := b.exact(h, c.Args[1], at, w, memo)
				for _, cmp := range []struct{ p, l, r string }{
					{"sge", x, "0"}, {"sle", x, maxExact}, {"sge", y, "0"}, {"sle", y, maxExact}, {pred, x, y},
				} {
					r := b.Tmp()
					b.Line("%s = icmp %s i%d %s, %s", r, cmp.p, w, cmp.l, cmp.r)
					and(r)
				}
			}
		}
	}
	b.Line("ret i1 %s", ok)

	var s strings.Builder
	fmt.Fprintf(&s, "define internal i1 %s(%s) alwaysinline nounwind {\n", k.Guard, strings.Join(params, ", "))
	s.WriteString("entry:\n")
	s.WriteString(b.allocas.String())
	s.WriteString(b.body.String())
	s.WriteString("}\n")
	e.mb.Define(s.String())
}

// exact emits the exact value of affine v (planHoist) as an integer of w bits for the work-item
// at local id at (i64 operands) and returns its operand.
func (b *fn) exact(h *hoist, v *ir.Value, at [3]string, w int, memo map[*ir.Value]string) string {
	if r, ok := memo[v]; ok {
		return r
	}
	r := b.Tmp()
	a := v.Args
	switch {
	case h.isUniform(v):
		ext := "sext"
		if !v.Type.(*ir.Basic).IsSigned() {
			ext = "zext"
		}
		b.Line("%s = %s i64 %s to i%d", r, ext, b.op(v), w)
	case v.Op == ir.OpIntrinsic:
		d := int(a[0].AuxInt)
		id := at[d]
		if v.Intrinsic() == ir.GlobalID {
			base := b.Tmp()
			b.Line("%s = mul nuw nsw i64 %s, %s", base, b.e.t.WorkItem(b.Builder, ir.GroupID, d), b.e.t.WorkItem(b.Builder, ir.LocalSize, d))
			id = b.Tmp()
			b.Line("%s = add nuw nsw i64 %s, %s", id, base, at[d])
		}
		b.Line("%s = zext i64 %s to i%d", r, id, w)
	case v.Op == ir.OpAdd || v.Op == ir.OpSub || v.Op == ir.OpMul:
		x, y := b.exact(h, a[0], at, w, memo), b.exact(h, a[1], at, w, memo)
		b.Line("%s = %s nsw i%d %s, %s", r, map[ir.Op]string{ir.OpAdd: "add", ir.OpSub: "sub", ir.OpMul: "mul"}[v.Op], w, x, y)
	case v.Op == ir.OpShl:
		x := b.exact(h, a[0], at, w, memo)
		b.Line("%s = shl nsw i%d %s, %d", r, w, x, a[1].AuxInt)
	case v.Op == ir.OpConvert:
		return b.exact(h, a[0], at, w, memo)
	default:
		b.e.fail("%s: v%d (%v) is not affine in the work-item's id", b.f.Name, v.ID, v.Op)
	}
	memo[v] = r
	return r
}
