package ir

import (
	"fmt"
	"unsafe"
)

// iprogram is a kernel and the functions it calls, compiled for the interpreter.
type iprogram struct {
	kernel *ifunc
	name   string // the kernel's name in PanicErrors
	funcs  map[*Func]*ifunc
	types  map[Type]*tinfo
	shared []*tinfo // by shared slot: the type of the variable
}

// ifunc is a compiled function.
type ifunc struct {
	f      *Func
	islots int       // values with a result, params first
	params []int32   // the slot of each param
	blocks []*iblock // f.Blocks' order; blocks[0] is the entry
	tuple  int       // the number of results when the result is a tuple, else 0
}

// iblock is a compiled block.
type iblock struct {
	b    *Block
	phis []int32   // the slot of each phi
	in   [][]int32 // per predecessor: the slot of each phi's operand from it
	body []*iinstr // the instructions after the phis, params left out
	term BlockKind // how the block ends
	ctrl []int32   // the slots of the controls
	succ []*iblock
	edge []int // per successor: the index of this block among its predecessors
}

// iinstr is a compiled instruction.
type iinstr struct {
	v      *Value
	op     Op
	dst    int32   // the result's slot, or -1
	a      []int32 // the operands' slots
	t      *tinfo  // the result's type
	at     *tinfo  // the first operand's type
	elem   *tinfo  // the element of the first operand's pointer or slice type, or of an array value
	bt     *Basic  // the scalar type an arithmetic, comparison, conversion or check works on
	off    int64   // fieldaddr, field: the field's offset
	callee *ifunc
}

// compileKernel compiles kernel f and every function it calls.
func compileKernel(f *Func) (*iprogram, error) {
	p := &iprogram{name: kernelName(f), funcs: map[*Func]*ifunc{}, types: map[Type]*tinfo{}}
	k, err := p.compileFunc(f)
	if err != nil {
		return nil, fmt.Errorf("ir.Run: %w", err)
	}
	p.kernel = k
	return p, nil
}

func (p *iprogram) compileFunc(f *Func) (*ifunc, error) {
	if c, ok := p.funcs[f]; ok {
		return c, nil
	}
	if len(f.Blocks) == 0 {
		return nil, fmt.Errorf("function %s has no body", f.Name)
	}
	c := &ifunc{f: f}
	p.funcs[f] = c // before compiling the body: recursion
	slot := map[*Value]int32{}
	for _, v := range f.Params {
		slot[v] = int32(c.islots)
		c.params = append(c.params, int32(c.islots))
		c.islots++
	}
	blocks := map[*Block]*iblock{}
	for _, b := range f.Blocks {
		if b.Func != f {
			return nil, fmt.Errorf("%s: block b%d belongs to %s", f.Name, b.ID, b.Func.Name)
		}
		blocks[b] = &iblock{b: b, term: b.Kind}
		for _, v := range b.Instrs {
			if v.Op != OpParam && v.Type != Void {
				if _, dup := slot[v]; dup {
					return nil, fmt.Errorf("%s: value v%d appears twice", f.Name, v.ID)
				}
				slot[v] = int32(c.islots)
				c.islots++
			}
		}
	}
	if t, ok := f.Result.(*Tuple); ok {
		c.tuple = len(t.Types)
	}
	for _, b := range f.Blocks {
		cb := blocks[b]
		c.blocks = append(c.blocks, cb)
		if err := p.compileBlock(c, cb, slot, blocks); err != nil {
			return nil, fmt.Errorf("%s: b%d: %w", f.Name, b.ID, err)
		}
	}
	return c, nil
}

func (p *iprogram) compileBlock(c *ifunc, cb *iblock, slot map[*Value]int32, blocks map[*Block]*iblock) error {
	b := cb.b
	ref := func(v *Value) (int32, error) {
		s, ok := slot[v]
		if !ok {
			return 0, fmt.Errorf("operand v%d is not a value of this function", v.ID)
		}
		return s, nil
	}
	cb.in = make([][]int32, len(b.Preds))
	phisDone := false
	for _, v := range b.Instrs {
		switch {
		case v.Op == OpParam:
			if b != c.f.Blocks[0] || v.AuxInt < 0 || int(v.AuxInt) >= len(c.f.Params) || c.f.Params[v.AuxInt] != v {
				return fmt.Errorf("v%d: param %d is not one of the function's params", v.ID, v.AuxInt)
			}
			continue
		case v.Op == OpPhi:
			if phisDone {
				return fmt.Errorf("v%d: a phi after other instructions", v.ID)
			}
			if len(v.Args) != len(b.Preds) {
				return fmt.Errorf("v%d: a phi with %d operands in a block with %d predecessors", v.ID, len(v.Args), len(b.Preds))
			}
			if _, err := p.typeInfo(v.Type); err != nil {
				return fmt.Errorf("v%d: %w", v.ID, err)
			}
			cb.phis = append(cb.phis, slot[v])
			for i, a := range v.Args {
				s, err := ref(a)
				if err != nil {
					return fmt.Errorf("v%d: %w", v.ID, err)
				}
				if !Identical(a.Type, v.Type) {
					return fmt.Errorf("v%d: a phi of %v with an operand of %v", v.ID, v.Type, a.Type)
				}
				cb.in[i] = append(cb.in[i], s)
			}
			continue
		}
		phisDone = true
		in := &iinstr{v: v, op: v.Op, dst: -1}
		if v.Type != Void {
			in.dst = slot[v]
		}
		for _, a := range v.Args {
			s, err := ref(a)
			if err != nil {
				return fmt.Errorf("v%d (%v): %w", v.ID, v.Op, err)
			}
			in.a = append(in.a, s)
		}
		if err := p.compileIns(in); err != nil {
			return fmt.Errorf("v%d (%v): %w", v.ID, v.Op, err)
		}
		cb.body = append(cb.body, in)
	}
	for _, v := range b.Controls {
		s, err := ref(v)
		if err != nil {
			return fmt.Errorf("control: %w", err)
		}
		cb.ctrl = append(cb.ctrl, s)
	}
	switch b.Kind {
	case BlockJump:
		if len(b.Succs) != 1 || len(b.Controls) != 0 {
			return fmt.Errorf("jump with %d successors and %d controls", len(b.Succs), len(b.Controls))
		}
	case BlockIf:
		if len(b.Succs) != 2 || len(b.Controls) != 1 || !IsBasic(b.Controls[0].Type, Bool) {
			return fmt.Errorf("if needs one bool control and two successors")
		}
	case BlockReturn:
		var want []Type
		switch t := c.f.Result.(type) {
		case nil, voidType:
		case *Tuple:
			want = t.Types
		default:
			want = []Type{t}
		}
		if len(b.Controls) != len(want) || len(b.Succs) != 0 {
			return fmt.Errorf("return of %d values from a function with %d results", len(b.Controls), len(want))
		}
		for i, v := range b.Controls {
			if !Identical(v.Type, want[i]) {
				return fmt.Errorf("return of %v as result %d, of type %v", v.Type, i, want[i])
			}
		}
	case BlockPanic:
		if len(b.Succs) != 0 {
			return fmt.Errorf("panic with successors")
		}
	default:
		return fmt.Errorf("block without a terminator (kind %v)", b.Kind)
	}
	// The k-th edge from b to a block s is the k-th occurrence of b among s's predecessors.
	for i, s := range b.Succs {
		cs, ok := blocks[s]
		if !ok {
			return fmt.Errorf("successor b%d is not a block of the function", s.ID)
		}
		nth := 0
		for _, t := range b.Succs[:i] {
			if t == s {
				nth++
			}
		}
		edge := -1
		for j, pred := range s.Preds {
			if pred == b {
				if nth == 0 {
					edge = j
					break
				}
				nth--
			}
		}
		if edge < 0 {
			return fmt.Errorf("b%d is a successor whose predecessors do not include this block", s.ID)
		}
		cb.succ = append(cb.succ, cs)
		cb.edge = append(cb.edge, edge)
	}
	return nil
}

// nargs returns an error unless in has n operands.
func nargs(in *iinstr, n int) error {
	if len(in.a) != n {
		return fmt.Errorf("%d operands, want %d", len(in.a), n)
	}
	return nil
}

// basicOf returns t as a *Basic, or an error.
func basicOf(t Type) (*Basic, error) {
	if b, ok := t.(*Basic); ok {
		return b, nil
	}
	return nil, fmt.Errorf("type %v is not a scalar", t)
}

func (p *iprogram) compileIns(in *iinstr) error {
	v := in.v
	var err error
	if in.t, err = p.typeInfo(v.Type); err != nil {
		return err
	}
	if len(v.Args) > 0 {
		if in.at, err = p.typeInfo(v.Args[0].Type); err != nil {
			return err
		}
	}
	switch op := v.Op; {
	case op == OpConst:
		in.bt, err = basicOf(v.Type)
	case op == OpZero:
		if in.t.tkind == kTuple || in.t.tkind == kVoid {
			err = fmt.Errorf("zero of %v", v.Type)
		}
	case op.IsBinary():
		if err = nargs(in, 2); err != nil {
			return err
		}
		if in.bt, err = basicOf(v.Type); err != nil {
			return err
		}
		if _, ok := EvalBinary(op, in.bt, 1, 1); !ok {
			return fmt.Errorf("%v of %v", op, in.bt)
		}
		if _, err := basicOf(v.Args[1].Type); err != nil {
			return err
		}
	case op.IsCompare():
		if err = nargs(in, 2); err != nil {
			return err
		}
		switch t := v.Args[0].Type.(type) {
		case *Basic:
			in.bt = t
			if t.Kind == Bool && op != OpEq && op != OpNe {
				return fmt.Errorf("%v of bool", op)
			}
		case *Pointer:
			if op != OpEq && op != OpNe {
				return fmt.Errorf("%v of pointers", op)
			}
		default:
			return fmt.Errorf("%v of %v", op, t)
		}
	case op == OpNeg || op == OpNot || op == OpCom:
		if err = nargs(in, 1); err != nil {
			return err
		}
		if in.bt, err = basicOf(v.Type); err != nil {
			return err
		}
		if !unaryOK(op, in.bt) {
			return fmt.Errorf("%v of %v", op, in.bt)
		}
	case op == OpConvert:
		if err = nargs(in, 1); err != nil {
			return err
		}
		if in.bt, err = basicOf(v.Args[0].Type); err != nil {
			return err
		}
		to, err := basicOf(v.Type)
		if err != nil {
			return err
		}
		if (in.bt.Kind == Bool) != (to.Kind == Bool) {
			return fmt.Errorf("conversion from %v to %v", in.bt, to)
		}
	case op == OpLocal || op == OpShared:
		if in.elem, err = p.elemInfo(v.Type); err != nil {
			return err
		}
		if in.elem.gt == nil {
			return fmt.Errorf("a variable of type %v", in.elem.t)
		}
		if op == OpShared {
			n := v.AuxInt
			if n < 0 || n >= 1<<20 {
				return fmt.Errorf("shared slot %d", n)
			}
			for int64(len(p.shared)) <= n {
				p.shared = append(p.shared, nil)
			}
			if old := p.shared[n]; old != nil && !Identical(old.t, in.elem.t) {
				return fmt.Errorf("shared slot %d has type %v here and %v elsewhere", n, in.elem.t, old.t)
			}
			p.shared[n] = in.elem
		}
	case op == OpLoad:
		if err = nargs(in, 1); err != nil {
			return err
		}
		if in.elem, err = p.elemInfo(v.Args[0].Type); err != nil {
			return err
		}
		if in.at.tkind != kPointer || !Identical(in.elem.t, v.Type) || in.t.gt == nil {
			return fmt.Errorf("load of %v from %v", v.Type, v.Args[0].Type)
		}
	case op == OpStore:
		if err = nargs(in, 2); err != nil {
			return err
		}
		if in.elem, err = p.elemInfo(v.Args[0].Type); err != nil {
			return err
		}
		if in.at.tkind != kPointer || !Identical(in.elem.t, v.Args[1].Type) || in.elem.gt == nil {
			return fmt.Errorf("store of %v to %v", v.Args[1].Type, v.Args[0].Type)
		}
	case op == OpFieldAddr || op == OpField:
		if err = nargs(in, 1); err != nil {
			return err
		}
		st := v.Args[0].Type
		if op == OpFieldAddr {
			pt, ok := st.(*Pointer)
			if !ok {
				return fmt.Errorf("fieldaddr of %v", st)
			}
			st = pt.Elem
		}
		s, ok := st.(*Struct)
		if !ok || v.AuxInt < 0 || v.AuxInt >= int64(len(s.Fields)) {
			return fmt.Errorf("field %d of %v", v.AuxInt, st)
		}
		if _, err := p.typeInfo(s); err != nil { // checks the layout
			return err
		}
		ft := s.Fields[v.AuxInt].Type
		if op == OpFieldAddr {
			rt, ok := v.Type.(*Pointer)
			if !ok || !Identical(rt.Elem, ft) {
				return fmt.Errorf("fieldaddr of field %d (%v) of type %v", v.AuxInt, ft, v.Type)
			}
		} else if !Identical(v.Type, ft) {
			return fmt.Errorf("field %d (%v) of type %v", v.AuxInt, ft, v.Type)
		}
		in.off = s.Fields[v.AuxInt].Offset
	case op == OpIndexAddr || op == OpIndex:
		if err = nargs(in, 2); err != nil {
			return err
		}
		if _, err := basicOf(v.Args[1].Type); err != nil {
			return err
		}
		at := v.Args[0].Type
		if op == OpIndexAddr {
			if pt, ok := at.(*Pointer); ok {
				at = pt.Elem
			} else if _, ok := at.(*Slice); !ok {
				return fmt.Errorf("indexaddr of %v", at)
			}
		}
		var et Type
		switch t := at.(type) {
		case *Array:
			et = t.Elem
		case *Slice:
			if op == OpIndex {
				return fmt.Errorf("index of %v", at)
			}
			et = t.Elem
		default:
			return fmt.Errorf("%v of %v", op, at)
		}
		rt := v.Type
		if op == OpIndexAddr {
			if pt, ok := rt.(*Pointer); ok {
				rt = pt.Elem
			} else {
				return fmt.Errorf("indexaddr of type %v", v.Type)
			}
		}
		if !Identical(rt, et) {
			return fmt.Errorf("%v of an element of %v as %v", op, et, v.Type)
		}
		in.elem, err = p.typeInfo(et)
	case op == OpLen || op == OpCap || op == OpSlicePtr:
		if err = nargs(in, 1); err != nil {
			return err
		}
		st, ok := v.Args[0].Type.(*Slice)
		if !ok {
			return fmt.Errorf("%v of %v", op, v.Args[0].Type)
		}
		if op == OpSlicePtr {
			if pt, ok := v.Type.(*Pointer); !ok || !Identical(pt.Elem, st.Elem) {
				return fmt.Errorf("sliceptr of %v as %v", st, v.Type)
			}
		}
	case op == OpSlice:
		if err = nargs(in, 4); err != nil {
			return err
		}
		if in.t.tkind != kSlice {
			return fmt.Errorf("slice of type %v", v.Type)
		}
		if in.elem, err = p.elemInfo(v.Type); err != nil {
			return err
		}
		var et Type
		switch t := v.Args[0].Type.(type) {
		case *Slice:
			et = t.Elem
		case *Pointer:
			if a, ok := t.Elem.(*Array); ok {
				et = a.Elem
			}
		}
		if et == nil || !Identical(et, in.elem.t) {
			return fmt.Errorf("slice of %v as %v", v.Args[0].Type, v.Type)
		}
	case op == OpCopy:
		if err = nargs(in, 2); err != nil {
			return err
		}
		if in.elem, err = p.elemInfo(v.Args[0].Type); err != nil {
			return err
		}
		src, ok := v.Args[1].Type.(*Slice)
		if in.at.tkind != kSlice || !ok || !Identical(src.Elem, in.elem.t) {
			return fmt.Errorf("copy from %v to %v", v.Args[1].Type, v.Args[0].Type)
		}
	case op == OpCheckBounds:
		if err = nargs(in, 2); err != nil {
			return err
		}
		if v.BoundsKind() >= numBoundsKinds {
			return fmt.Errorf("bounds kind %d", v.BoundsKind())
		}
	case op == OpCheckNil:
		if err = nargs(in, 1); err != nil {
			return err
		}
		if in.at.tkind != kPointer {
			return fmt.Errorf("checknil of %v", v.Args[0].Type)
		}
	case op == OpCheckDivide || op == OpCheckShift:
		if err = nargs(in, 1); err != nil {
			return err
		}
		in.bt, err = basicOf(v.Args[0].Type)
	case op == OpCall:
		f := v.Callee()
		if f == nil {
			return fmt.Errorf("call without a callee")
		}
		if len(v.Args) != len(f.Params) {
			return fmt.Errorf("call of %s with %d arguments, want %d", f.Name, len(v.Args), len(f.Params))
		}
		for i, a := range v.Args {
			if !Identical(a.Type, f.Params[i].Type) {
				return fmt.Errorf("argument %d of %s is %v, want %v", i, f.Name, a.Type, f.Params[i].Type)
			}
		}
		res := f.Result
		if res == nil {
			res = Void
		}
		if !Identical(v.Type, res) {
			return fmt.Errorf("call of %s as %v, want %v", f.Name, v.Type, res)
		}
		in.callee, err = p.compileFunc(f)
	case op == OpExtract:
		if err = nargs(in, 1); err != nil {
			return err
		}
		tt, ok := v.Args[0].Type.(*Tuple)
		if !ok || v.AuxInt < 0 || v.AuxInt >= int64(len(tt.Types)) || !Identical(tt.Types[v.AuxInt], v.Type) {
			return fmt.Errorf("extract %d of %v as %v", v.AuxInt, v.Args[0].Type, v.Type)
		}
	case op == OpSpaceCast:
		if err = nargs(in, 1); err != nil {
			return err
		}
		ok := false
		switch from := v.Args[0].Type.(type) {
		case *Pointer:
			to, isPtr := v.Type.(*Pointer)
			ok = isPtr && Identical(from.Elem, to.Elem)
		case *Slice:
			to, isSlice := v.Type.(*Slice)
			ok = isSlice && Identical(from.Elem, to.Elem)
		}
		if !ok {
			return fmt.Errorf("spacecast from %v to %v", v.Args[0].Type, v.Type)
		}
	case op == OpIntrinsic:
		err = p.compileIntrinsic(in)
	case op == OpAtomic:
		err = p.compileAtomic(in)
	default:
		err = fmt.Errorf("the interpreter does not run %v", op)
	}
	return err
}

// arrayLen returns the length of an array type or of the array a pointer type points to, or -1.
func arrayLen(t Type) int64 {
	if p, ok := t.(*Pointer); ok {
		t = p.Elem
	}
	if a, ok := t.(*Array); ok {
		return a.Len
	}
	return -1
}

func unaryOK(op Op, t *Basic) bool {
	switch op {
	case OpNeg:
		return t.Kind != Bool
	case OpNot:
		return t.Kind == Bool
	case OpCom:
		return t.IsInteger()
	}
	return false
}

func (p *iprogram) compileIntrinsic(in *iinstr) error {
	v := in.v
	k := v.Intrinsic()
	switch {
	case k.IsWorkItem():
		return nargs(in, 1)
	case k == Barrier:
		return nargs(in, 0)
	case k < numIntrinsics:
		if len(in.a) != intrinsicArity(k) {
			return fmt.Errorf("%v with %d operands", k, len(in.a))
		}
		bt, err := basicOf(v.Args[0].Type)
		if err != nil {
			return err
		}
		if _, err := basicOf(v.Type); err != nil {
			return err
		}
		args := []int64{0, 0, 0}[:len(in.a)]
		if _, ok := EvalIntrinsic(k, bt, args); !ok {
			return fmt.Errorf("%v of %v", k, bt)
		}
		in.bt = bt
		return nil
	}
	return fmt.Errorf("intrinsic %d", k)
}

func (p *iprogram) compileAtomic(in *iinstr) error {
	v := in.v
	op := v.AtomicOp()
	want := map[AtomicOp]int{AtomicLoad: 1, AtomicCAS: 3}[op]
	if want == 0 {
		want = 2
	}
	if op >= numAtomicOps {
		return fmt.Errorf("atomic op %d", op)
	}
	if err := nargs(in, want); err != nil {
		return err
	}
	if in.at.tkind != kPointer {
		return fmt.Errorf("atomic %v on %v", op, v.Args[0].Type)
	}
	var err error
	if in.elem, err = p.elemInfo(v.Args[0].Type); err != nil {
		return err
	}
	e := in.elem
	if e.tkind == kPointer {
		switch op {
		case AtomicLoad, AtomicStore, AtomicSwap, AtomicCAS:
			return nil
		}
		return fmt.Errorf("atomic %v on a pointer", op)
	}
	if e.tkind != kBasic {
		return fmt.Errorf("atomic %v on %v", op, e.t)
	}
	in.bt = e.bt
	switch e.bt.Kind {
	case Int32, Uint32, Int64, Uint64:
		return nil
	case Float32, Float64:
		if op != AtomicAnd && op != AtomicOr {
			return nil
		}
	}
	return fmt.Errorf("atomic %v on %v", op, e.bt)
}

// tupleOf returns the values of a tuple value.
func tupleOf(v ival) []ival {
	if v.x == 0 {
		return nil
	}
	return unsafe.Slice((*ival)(v.p), v.x)
}
