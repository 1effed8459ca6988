package passes

import (
	"math"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// constFold folds f's constants until nothing changes:
//
//   - an operation whose operands are constants becomes a constant, computed with Go's exact
//     semantics by ir.EvalBinary, EvalCompare, EvalUnary, EvalConvert and EvalIntrinsic; an integer
//     division by zero is never folded (its checkdivide panics first, and without checks it is
//     undefined, not a constant);
//   - algebraic identities that are exact for the type: x+0, x-0, x*1, x/1, x|0, x^0, x&-1, x<<0 and
//     x*0, x&0, x-x, x^x on integers; x&&true, x||false and their absorbing forms on bools; x*1,
//     x/1, x+(-0) and x-(+0) on floats (x+0 is not x for x = -0); x==x on integers and bools;
//     unsigned x>=0; double negations and complements; a conversion to the same type;
//   - len, cap, field and index of a zero value, and a spacecast of nil;
//   - checks that provably pass: checkbounds of constants in range (or of a constant 0 for a
//     slice bound), checkdivide of a non-zero constant, checkshift of a non-negative constant,
//     checknil of a pointer that cannot be nil (a local, a shared variable, the kernel's argument
//     pointer, or a field or array element of one);
//   - an if on a constant becomes a jump, and blocks left unreachable are removed with their
//     edges into the rest;
//   - a phi whose operands are all one value (or the phi itself) becomes that value.
//
// Folded values are changed into constants in place; replaced values and passing checks are
// removed.
func constFold(_ *state, f *ir.Func) error {
	removeUnreachable(f) // their phi operands would hide constants
	for {
		changed := false
		r := replacer{}
		dead := map[*ir.Value]bool{}
		edges := false
		for _, b := range f.Blocks {
			for _, v := range b.Instrs {
				for i, a := range v.Args {
					v.Args[i] = r.get(a)
				}
				op := v.Op
				switch w, keep := foldValue(v); {
				case w != nil:
					r[v] = w
					dead[v] = true
					changed = true
				case !keep:
					dead[v] = true
					changed = true
				case v.Op != op:
					changed = true
				}
			}
			for i, c := range b.Controls {
				b.Controls[i] = r.get(c)
			}
			if b.Kind == ir.BlockIf && isConst(b.Controls[0]) {
				taken := 0
				if b.Controls[0].AuxInt&1 == 0 {
					taken = 1
				}
				removeSucc(b, 1-taken)
				b.Kind, b.Controls = ir.BlockJump, nil
				edges, changed = true, true
			}
		}
		r.apply(f)
		removeInstrs(f, dead)
		if edges {
			removeUnreachable(f)
		}
		if !changed {
			return nil
		}
	}
}

// foldValue folds v. It changes v into a constant in place, or returns a value to replace it
// with, or keep = false for a check that cannot fail.
func foldValue(v *ir.Value) (w *ir.Value, keep bool) {
	switch {
	case v.Op.IsBinary():
		return foldBinary(v), true
	case v.Op.IsCompare():
		return foldCompare(v), true
	}
	switch v.Op {
	case ir.OpNeg, ir.OpNot, ir.OpCom:
		x := v.Args[0]
		if t := basic(v.Type); t != nil && isConst(x) {
			setConst(v, ir.EvalUnary(v.Op, t, x.AuxInt))
		} else if x.Op == v.Op {
			return x.Args[0], true // --x, !!x, ^^x
		}
	case ir.OpConvert:
		x := v.Args[0]
		from, to := basic(x.Type), basic(v.Type)
		switch {
		case from == nil || to == nil:
		case ir.Identical(from, to):
			return x, true
		case isConst(x):
			setConst(v, ir.EvalConvert(from, to, x.AuxInt))
		}
	case ir.OpIntrinsic:
		in := v.Intrinsic()
		if in.IsWorkItem() || in == ir.Barrier || len(v.Args) == 0 {
			break
		}
		t, rt := basic(v.Args[0].Type), basic(v.Type)
		if t == nil || rt == nil {
			break
		}
		bits := make([]int64, len(v.Args))
		for i, a := range v.Args {
			if !isConst(a) {
				return nil, true
			}
			bits[i] = a.AuxInt
		}
		if r, ok := ir.EvalIntrinsic(in, t, bits); ok {
			setConst(v, normBits(rt, r))
		}
	case ir.OpLen, ir.OpCap:
		if v.Args[0].Op == ir.OpZero {
			setConst(v, 0)
		}
	case ir.OpField, ir.OpIndex:
		if v.Args[0].Op == ir.OpZero {
			v.Op, v.Args, v.AuxInt, v.Pos = ir.OpZero, nil, 0, ir.Pos{}
			if t := basic(v.Type); t != nil {
				setConst(v, 0)
			}
		}
	case ir.OpSpaceCast:
		if v.Args[0].Op == ir.OpZero {
			v.Op, v.Args, v.Pos = ir.OpZero, nil, ir.Pos{} // nil in any space
		}
	case ir.OpPhi:
		return samePhi(v), true
	case ir.OpCheckBounds:
		x, y := v.Args[0], v.Args[1]
		k := v.BoundsKind()
		switch {
		case isConst(x) && isConst(y) && !k.Fails(x.AuxInt, y.AuxInt):
			return nil, false
		case k != ir.BoundsIndex && (x == y || isConst(x) && x.AuxInt == 0):
			return nil, false // 0 <= x <= x; 0 <= y as unsigned
		}
	case ir.OpCheckDivide:
		if x := v.Args[0]; isConst(x) && x.AuxInt != 0 {
			return nil, false
		}
	case ir.OpCheckShift:
		if x := v.Args[0]; isConst(x) {
			if t := basic(x.Type); t != nil && (!t.IsSigned() || ir.ConstBits(t, x.AuxInt) >= 0) {
				return nil, false
			}
		}
	case ir.OpCheckNil:
		if nonNil(v.Args[0]) {
			return nil, false
		}
	}
	return nil, true
}

// setConst makes v the constant of its type with the given bits.
func setConst(v *ir.Value, bits int64) {
	v.Op, v.Args, v.Aux, v.Pos = ir.OpConst, nil, nil, ir.Pos{}
	v.AuxInt = normBits(basic(v.Type), bits)
}

// samePhi returns the one value a phi merges, or nil.
func samePhi(v *ir.Value) *ir.Value {
	var same *ir.Value
	for _, a := range v.Args {
		if a == v || a == same {
			continue
		}
		if same != nil {
			return nil
		}
		same = a
	}
	return same
}

// nonNil reports whether a pointer cannot be nil.
func nonNil(p *ir.Value) bool {
	for {
		switch p.Op {
		case ir.OpLocal, ir.OpShared:
			return true
		case ir.OpParam:
			return p.Block.Func.Kernel // the argument struct
		case ir.OpFieldAddr, ir.OpSpaceCast:
			p = p.Args[0]
		case ir.OpIndexAddr:
			if _, ok := p.Args[0].Type.(*ir.Pointer); !ok {
				return false // an element of a slice: nil when the slice is, were it unchecked
			}
			p = p.Args[0]
		default:
			return false
		}
	}
}

func foldBinary(v *ir.Value) *ir.Value {
	t := basic(v.Type)
	if t == nil {
		return nil
	}
	x, y := v.Args[0], v.Args[1]
	if isConst(x) && isConst(y) {
		if r, ok := ir.EvalBinary(v.Op, t, x.AuxInt, y.AuxInt); ok {
			setConst(v, r)
		}
		return nil
	}
	op := v.Op
	// is reports whether a is the constant c of v's type.
	is := func(a *ir.Value, c int64) bool { return isConst(a) && a.AuxInt == normBits(t, c) }
	switch {
	case t.IsInteger():
		ones := int64(-1)
		switch {
		case op == ir.OpAdd && is(y, 0), op == ir.OpSub && is(y, 0), op == ir.OpMul && is(y, 1),
			op == ir.OpDiv && is(y, 1), op == ir.OpOr && is(y, 0), op == ir.OpXor && is(y, 0),
			op == ir.OpAnd && is(y, ones), op == ir.OpAndNot && is(y, 0),
			(op == ir.OpShl || op == ir.OpShr) && isConst(y) && y.AuxInt == 0,
			(op == ir.OpAnd || op == ir.OpOr || op == ir.OpMin || op == ir.OpMax) && x == y:
			return x
		case op == ir.OpAdd && is(x, 0), op == ir.OpMul && is(x, 1), op == ir.OpOr && is(x, 0),
			op == ir.OpXor && is(x, 0), op == ir.OpAnd && is(x, ones):
			return y
		case op == ir.OpMul && (is(x, 0) || is(y, 0)), op == ir.OpAnd && (is(x, 0) || is(y, 0)),
			(op == ir.OpSub || op == ir.OpXor || op == ir.OpAndNot) && x == y,
			op == ir.OpRem && is(y, 1), op == ir.OpAndNot && is(x, 0),
			(op == ir.OpShl || op == ir.OpShr) && is(x, 0):
			setConst(v, 0)
		case op == ir.OpOr && (is(x, ones) || is(y, ones)):
			setConst(v, ones)
		}
	case t.Kind == ir.Bool:
		switch {
		case op == ir.OpAnd && is(y, 1), op == ir.OpOr && is(y, 0), op == ir.OpXor && is(y, 0),
			(op == ir.OpAnd || op == ir.OpOr) && x == y:
			return x
		case op == ir.OpAnd && is(x, 1), op == ir.OpOr && is(x, 0), op == ir.OpXor && is(x, 0):
			return y
		case op == ir.OpAnd && (is(x, 0) || is(y, 0)), op == ir.OpXor && x == y:
			setConst(v, 0)
		case op == ir.OpOr && (is(x, 1) || is(y, 1)):
			setConst(v, 1)
		}
	case t.IsFloat():
		one, negZero, posZero := floatBits(t, 1), floatBits(t, math.Copysign(0, -1)), floatBits(t, 0)
		switch {
		case op == ir.OpMul && is(y, one), op == ir.OpDiv && is(y, one),
			op == ir.OpAdd && is(y, negZero), op == ir.OpSub && is(y, posZero):
			return x
		case op == ir.OpMul && is(x, one), op == ir.OpAdd && is(x, negZero):
			return y
		}
	}
	return nil
}

// floatBits returns the bits of f as a constant of float type t.
func floatBits(t *ir.Basic, f float64) int64 {
	if t.Kind == ir.Float32 {
		return int64(math.Float32bits(float32(f)))
	}
	return int64(math.Float64bits(f))
}

func foldCompare(v *ir.Value) *ir.Value {
	x, y := v.Args[0], v.Args[1]
	op := v.Op
	t := basic(x.Type)
	if t == nil {
		// Pointers: eq and ne.
		if op != ir.OpEq && op != ir.OpNe {
			return nil
		}
		var eq bool
		switch {
		case x == y, x.Op == ir.OpZero && y.Op == ir.OpZero:
			eq = true
		case x.Op == ir.OpZero && nonNil(y), y.Op == ir.OpZero && nonNil(x):
			eq = false
		default:
			return nil
		}
		setConst(v, b2i(eq == (op == ir.OpEq)))
		return nil
	}
	switch {
	case isConst(x) && isConst(y):
		setConst(v, b2i(ir.EvalCompare(op, t, x.AuxInt, y.AuxInt)))
	case x == y && !t.IsFloat(): // NaN != NaN
		setConst(v, b2i(op == ir.OpEq || op == ir.OpLe || op == ir.OpGe))
	case t.IsInteger() && !t.IsSigned():
		// Unsigned: x >= 0 and 0 <= x hold; x < 0 and 0 > x do not.
		switch {
		case op == ir.OpGe && isConst(y) && y.AuxInt == 0, op == ir.OpLe && isConst(x) && x.AuxInt == 0:
			setConst(v, 1)
		case op == ir.OpLt && isConst(y) && y.AuxInt == 0, op == ir.OpGt && isConst(x) && x.AuxInt == 0:
			setConst(v, 0)
		}
	}
	return nil
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
