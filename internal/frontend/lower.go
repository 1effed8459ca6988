package frontend

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"math"
	"path/filepath"

	"golang.org/x/tools/go/ssa"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// fn lowers one go/ssa function to an ir.Func. The IR function has the same blocks in the same
// order; instructions that can panic get explicit checks before them.
type fn struct {
	c      *compiler
	sf     *ssa.Function
	f      *ir.Func
	kernel bool // the kernel method: its receiver is the argument struct

	blocks map[*ssa.BasicBlock]*ir.Block
	vals   map[ssa.Value]*ir.Value
	consts map[constKey]*ir.Value
	cur    *ir.Block
	live   map[*ssa.BasicBlock]bool // reachable, with branches on constants taken
	// argsPath records, for values derived from the kernel's receiver by fieldaddr and array
	// indexaddr only, the field they reach: a store through one writes the argument struct.
	argsPath map[ssa.Value]string
	phis     []phiFix
	lastPos  token.Pos
	badV     *ir.Value
	// fixingPhis is set while the operands of phis are lowered, after the blocks.
	fixingPhis bool
	// tuples are the parts of calls lowered to several values rather than an IR call (math.Sincos).
	tuples map[ssa.Value][]*ir.Value
}

type constKey struct {
	t    ir.Type
	bits int64
}

type phiFix struct {
	phi *ssa.Phi
	v   *ir.Value
}

// lowerFunc creates f's IR function and queues its body.
func (c *compiler) lowerFunc(sf *ssa.Function, kernel bool) *ir.Func {
	if f, ok := c.funcs[sf]; ok {
		return f
	}
	var params []ir.Type
	for _, fv := range boundVars(sf) {
		t, err := c.typeOf(fv.Type())
		if err != nil {
			c.errorf(fv.Pos(), sf.Pos(), "receiver %s: %v", fv.Name(), err)
			t = ir.Int64Type
		}
		params = append(params, t)
	}
	for _, p := range sf.Params {
		if isItem(p.Type()) {
			continue
		}
		var t ir.Type
		var err error
		if kernel && len(params) == 0 {
			t, err = c.argsType(p.Type())
		} else {
			t, err = c.typeOf(p.Type())
		}
		if err != nil {
			c.errorf(p.Pos(), sf.Pos(), "parameter %s: %v", p.Name(), err)
			t = ir.Int64Type
		}
		params = append(params, t)
	}
	result := ir.Void
	if res := sf.Signature.Results(); res.Len() == 1 {
		t, err := c.typeOf(res.At(0).Type())
		if err != nil {
			c.errorf(sf.Pos(), sf.Pos(), "result of %s: %v", sf.Name(), err)
			t = ir.Int64Type
		}
		result = t
	} else if res.Len() > 1 {
		t, err := c.typeOf(res)
		if err != nil {
			c.errorf(sf.Pos(), sf.Pos(), "results of %s: %v", sf.Name(), err)
			t = ir.Int64Type
		}
		result = t
	}
	f := c.mod.NewFunc(sf.String(), params, result)
	f.Kernel = kernel
	f.Pos = c.pos(sf.Pos())
	c.funcs[sf] = f
	c.queue = append(c.queue, &fn{c: c, sf: sf, f: f, kernel: kernel})
	return f
}

// argsType is the type of a kernel's receiver: a pointer in Args to its struct.
func (c *compiler) argsType(t types.Type) (ir.Type, error) {
	p, ok := t.Underlying().(*types.Pointer)
	if !ok {
		return nil, fmt.Errorf("a kernel's receiver must be a pointer to its argument struct")
	}
	elem, err := c.typeIn(p.Elem(), ir.Global)
	if err != nil {
		return nil, err
	}
	if _, ok := elem.(*ir.Struct); !ok {
		return nil, fmt.Errorf("a kernel's receiver must be a pointer to a struct")
	}
	return &ir.Pointer{Elem: elem, Space: ir.Args}, nil
}

func (l *fn) lower() {
	sf := l.sf
	if sf.Blocks == nil {
		l.c.errorf(sf.Pos(), sf.Pos(), msgNoBody, sf.String())
		l.f.Entry().Return()
		return
	}
	if len(sf.FreeVars) > 0 && !isBound(sf) {
		l.c.errorf(sf.Pos(), sf.Pos(), msgClosure)
	}
	l.blocks = map[*ssa.BasicBlock]*ir.Block{}
	l.vals = map[ssa.Value]*ir.Value{}
	l.consts = map[constKey]*ir.Value{}
	l.argsPath = map[ssa.Value]string{}
	l.lastPos = sf.Pos()
	l.findLive()
	l.initTables()

	// Params: a bound method's receiver first.
	i := 0
	for _, fv := range boundVars(sf) {
		l.vals[fv] = l.f.Params[i]
		i++
	}
	for _, p := range sf.Params {
		if isItem(p.Type()) {
			continue
		}
		l.vals[p] = l.f.Params[i]
		i++
	}
	if l.kernel && len(sf.Params) > 0 {
		l.argsPath[sf.Params[0]] = ""
	}
	// Blocks, in go/ssa's order; the entry is the IR function's entry.
	for _, b := range sf.Blocks {
		if !l.live[b] {
			continue
		}
		if b.Index == 0 {
			l.blocks[b] = l.f.Entry()
		} else {
			l.blocks[b] = l.f.NewBlock()
		}
	}
	for _, b := range sf.DomPreorder() {
		if !l.live[b] {
			continue
		}
		l.cur = l.blocks[b]
		for _, instr := range b.Instrs {
			if instr.Pos().IsValid() {
				l.lastPos = instr.Pos()
			}
			l.instr(instr)
		}
	}
	// Phi operands, now that every value exists; a cast of an operand goes at the end of the
	// predecessor it comes from.
	l.fixingPhis = true
	for _, p := range l.phis {
		for i, e := range p.phi.Edges {
			from := p.phi.Block().Preds[i]
			pred, ok := l.blocks[from]
			if !ok || !l.edgeLive(from, p.phi.Block()) {
				p.v.Args = append(p.v.Args, nil) // a dead edge: dropped with its pred below
				continue
			}
			l.cur = pred
			p.v.Args = append(p.v.Args, l.operand(e, p.v.Type))
		}
	}
	// Preds in go/ssa's order, which phi operands follow; drop dead preds and their operands.
	for _, b := range sf.Blocks {
		ib, ok := l.blocks[b]
		if !ok {
			continue
		}
		var preds []*ir.Block
		var keep []int
		for i, p := range b.Preds {
			if pb, ok := l.blocks[p]; ok && l.edgeLive(p, b) {
				preds = append(preds, pb)
				keep = append(keep, i)
			}
		}
		ib.Preds = preds
		for _, v := range ib.Instrs {
			if v.Op != ir.OpPhi || len(keep) == len(v.Args) {
				continue
			}
			args := make([]*ir.Value, len(keep))
			for j, i := range keep {
				args[j] = v.Args[i]
			}
			v.Args = args
		}
	}
}

// findLive marks the blocks reachable from the entry when a branch on a constant goes one way
// only: dead code such as `if haveArchFloor { return archFloor(x) }` is not lowered (and not
// reported).
func (l *fn) findLive() {
	l.live = map[*ssa.BasicBlock]bool{}
	var visit func(b *ssa.BasicBlock)
	visit = func(b *ssa.BasicBlock) {
		if l.live[b] {
			return
		}
		l.live[b] = true
		for _, s := range b.Succs {
			if l.edgeLive(b, s) {
				visit(s)
			}
		}
	}
	visit(l.sf.Blocks[0])
}

// edgeLive reports whether the edge from b to s can be taken.
func (l *fn) edgeLive(b, s *ssa.BasicBlock) bool {
	if len(b.Instrs) == 0 {
		return true
	}
	iff, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If)
	if !ok {
		return true
	}
	k, ok := iff.Cond.(*ssa.Const)
	if !ok || k.Value == nil || b.Succs[0] == b.Succs[1] {
		return true
	}
	taken := b.Succs[1]
	if constant.BoolVal(k.Value) {
		taken = b.Succs[0]
	}
	return s == taken
}

func (l *fn) pos(p token.Pos) ir.Pos {
	if !p.IsValid() {
		p = l.lastPos
	}
	return l.c.pos(p)
}

func (l *fn) errorf(p token.Pos, format string, args ...any) {
	l.c.errorf(p, l.lastPos, format, args...)
}

// add appends an instruction to the current block.
func (l *fn) add(op ir.Op, t ir.Type, p token.Pos, args ...*ir.Value) *ir.Value {
	v := l.cur.NewValue(op, t, args...)
	if p.IsValid() || op.IsCheck() || op == ir.OpCall || op == ir.OpAtomic {
		v.Pos = l.pos(p)
	}
	return v
}

// explain reports msg at p as a diagnostic that explains its line: the others the line gives rise to
// follow from it (the interface conversions of fmt.Println's arguments, the closures of a range
// over a function) and are dropped.
func (l *fn) explain(p token.Pos, msg string) {
	l.c.errorf(p, l.lastPos, "%s", msg)
	line := l.c.lineOf(p, l.lastPos)
	l.c.explained[line] = append(l.c.explained[line], msg)
}

// bad is the value of an instruction that could not be lowered: a diagnostic was reported, and
// the module will not be used. Instructions that take it report nothing more.
func (l *fn) bad() *ir.Value {
	if l.badV == nil {
		l.badV = l.f.Entry().InsertValue(len(l.f.Params), ir.OpZero, ir.Int64Type)
	}
	return l.badV
}

// constant returns a constant in the entry block, where it dominates every use.
func (l *fn) constant(t *ir.Basic, bits int64) *ir.Value {
	k := constKey{t, bits}
	if v, ok := l.consts[k]; ok {
		return v
	}
	entry := l.f.Entry()
	v := entry.InsertValue(len(l.f.Params), ir.OpConst, t)
	v.AuxInt = bits
	l.consts[k] = v
	return v
}

func (l *fn) i64(n int64) *ir.Value { return l.constant(ir.Int64Type, n) }

// value returns the IR value of a go/ssa value.
func (l *fn) value(v ssa.Value) *ir.Value {
	if iv, ok := l.vals[v]; ok {
		return iv
	}
	switch v := v.(type) {
	case *ssa.Const:
		iv := l.constValue(v)
		if iv == l.badV {
			l.vals[v] = iv // reported once
		}
		return iv
	case *ssa.Global:
		l.globalError(l.lastPos, v)
	case *ssa.Function:
		if !l.fixingPhis {
			l.errorf(l.lastPos, msgDynamicCall)
		} // else: a phi of functions, reported where it is called
	case *ssa.FreeVar:
		l.errorf(v.Pos(), msgClosure)
	case *ssa.Builtin:
		l.errorf(v.Pos(), msgBuiltin, v.Name())
	default:
		if isItem(v.Type()) {
			l.errorf(v.Pos(), msgKernelItem)
		} else {
			panic(fmt.Sprintf("geobacter: BUG: %s: value %s (%T) used before it is defined", l.sf, v.Name(), v))
		}
	}
	bad := l.bad()
	l.vals[v] = bad
	return bad
}

// operand returns v's IR value, cast to type want when only the space differs.
func (l *fn) operand(v ssa.Value, want ir.Type) *ir.Value {
	return l.cast(l.value(v), want)
}

// cast converts x to type want by a spacecast when they differ only in address spaces.
func (l *fn) cast(x *ir.Value, want ir.Type) *ir.Value {
	if want == nil || ir.Identical(x.Type, want) || !spaceOnly(x.Type, want) {
		return x
	}
	if x.Block == l.f.Entry() && x.Op == ir.OpParam {
		// Casts of params go at the top of the entry block, dominating every use.
		c := l.f.Entry().InsertValue(len(l.f.Params), ir.OpSpaceCast, want, x)
		return c
	}
	return l.add(ir.OpSpaceCast, want, token.NoPos, x)
}

// spaceOnly reports whether a and b are pointers or slices that differ only in their space.
func spaceOnly(a, b ir.Type) bool {
	switch a := a.(type) {
	case *ir.Pointer:
		b, ok := b.(*ir.Pointer)
		return ok && ir.Identical(a.Elem, b.Elem)
	case *ir.Slice:
		b, ok := b.(*ir.Slice)
		return ok && ir.Identical(a.Elem, b.Elem)
	}
	return false
}

func (l *fn) typeOf(t types.Type, p token.Pos) ir.Type {
	it, err := l.c.typeOf(t)
	if err != nil {
		l.errorf(p, "%v", err)
		return ir.Int64Type
	}
	return it
}

func (l *fn) constValue(k *ssa.Const) *ir.Value {
	t, err := l.c.typeOf(k.Type())
	if err != nil {
		l.errorf(k.Pos(), "%v", err)
		return l.bad()
	}
	if k.Value == nil {
		v := l.f.Entry().InsertValue(len(l.f.Params), ir.OpZero, t)
		return v
	}
	bt, ok := t.(*ir.Basic)
	if !ok {
		l.errorf(k.Pos(), msgType, k.Type())
		return l.bad()
	}
	switch {
	case bt.Kind == ir.Bool:
		return l.constant(bt, ir.ConstBits(bt, boolBits(constant.BoolVal(k.Value))))
	case bt.Kind == ir.Float32:
		f, _ := constant.Float32Val(k.Value)
		return l.constant(bt, int64(math.Float32bits(f)))
	case bt.Kind == ir.Float64:
		f, _ := constant.Float64Val(k.Value)
		return l.constant(bt, int64(math.Float64bits(f)))
	case bt.IsSigned():
		n, _ := constant.Int64Val(k.Value)
		return l.constant(bt, ir.ConstBits(bt, n))
	default:
		n, _ := constant.Uint64Val(k.Value)
		return l.constant(bt, ir.ConstBits(bt, int64(n)))
	}
}

func boolBits(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// instr lowers one instruction.
func (l *fn) instr(instr ssa.Instruction) {
	switch in := instr.(type) {
	case *ssa.DebugRef:
	case *ssa.Alloc:
		if isItem(in.Type().(*types.Pointer).Elem()) {
			// A kernel.Item variable captured by a closure: the closure is reported.
			l.vals[in] = l.bad()
			return
		}
		elem, err := l.c.typeOf(in.Type().(*types.Pointer).Elem())
		if err != nil {
			l.errorf(in.Pos(), "%v", err)
			l.vals[in] = l.bad()
			return
		}
		l.vals[in] = l.add(ir.OpLocal, &ir.Pointer{Elem: elem, Space: ir.Private}, in.Pos())
	case *ssa.Phi:
		t := l.typeOf(in.Type(), in.Pos())
		t = generalise(t)
		v := l.add(ir.OpPhi, t, token.NoPos)
		l.vals[in] = v
		l.phis = append(l.phis, phiFix{in, v})
		l.argsPhi(in)
	case *ssa.BinOp:
		l.vals[in] = l.binOp(in)
	case *ssa.UnOp:
		l.vals[in] = l.unOp(in)
	case *ssa.Convert:
		l.vals[in] = l.convert(in.X, in.Type(), in.Pos())
	case *ssa.MultiConvert:
		l.vals[in] = l.convert(in.X, in.Type(), in.Pos())
	case *ssa.ChangeType:
		x := l.value(in.X)
		pos := in.Pos()
		if mc, ok := in.X.(*ssa.MakeClosure); ok && !pos.IsValid() {
			pos = mc.Fn.Pos() // converting a function literal: report it there
		}
		t := l.typeOf(in.Type(), pos)
		l.vals[in] = l.cast(x, t)
		if p, ok := l.argsPath[in.X]; ok {
			l.argsPath[in] = p
		}
	case *ssa.FieldAddr:
		l.vals[in] = l.fieldAddr(in)
	case *ssa.Field:
		x := l.value(in.X)
		if x == l.badV {
			l.vals[in] = x
			return
		}
		v := l.add(ir.OpField, l.fieldType(x.Type, in.Field, in.Pos()), in.Pos(), x)
		v.AuxInt = int64(in.Field)
		l.vals[in] = v
	case *ssa.IndexAddr:
		l.vals[in] = l.indexAddr(in)
	case *ssa.Index:
		l.vals[in] = l.index(in)
	case *ssa.Slice:
		l.vals[in] = l.slice(in)
	case *ssa.Store:
		l.store(in)
	case *ssa.Call:
		l.call(in)
	case *ssa.Extract:
		if parts, ok := l.tuples[in.Tuple]; ok {
			l.vals[in] = parts[in.Index]
			return
		}
		tup := l.value(in.Tuple)
		t := ir.Type(ir.Int64Type)
		if tt, ok := tup.Type.(*ir.Tuple); ok && in.Index < len(tt.Types) {
			t = tt.Types[in.Index]
		}
		v := l.add(ir.OpExtract, t, in.Pos(), tup)
		v.AuxInt = int64(in.Index)
		l.vals[in] = v
	case *ssa.Jump:
		l.cur.Jump(l.blocks[in.Block().Succs[0]])
	case *ssa.If:
		b := in.Block()
		if !l.edgeLive(b, b.Succs[0]) {
			l.cur.Jump(l.blocks[b.Succs[1]])
		} else if !l.edgeLive(b, b.Succs[1]) {
			l.cur.Jump(l.blocks[b.Succs[0]])
		} else {
			l.cur.If(l.value(in.Cond), l.blocks[b.Succs[0]], l.blocks[b.Succs[1]])
		}
	case *ssa.Return:
		var vals []*ir.Value
		res := l.f.Result
		for i, r := range in.Results {
			want := res
			if tt, ok := res.(*ir.Tuple); ok && i < len(tt.Types) {
				want = tt.Types[i]
			}
			vals = append(vals, l.operand(r, want))
		}
		l.cur.Return(vals...)
		l.cur.Pos = l.pos(in.Pos())
	case *ssa.Panic:
		l.cur.Panic(l.panicMessage(in))
		l.cur.Pos = l.pos(in.Pos())
	case *ssa.MakeInterface:
		// Only a panic's argument may be an interface; panicMessage reads it from here.
		if !onlyPanics(in) {
			l.errorf(in.Pos(), msgInterface)
		}
		l.vals[in] = l.bad()
	case *ssa.Go:
		l.errorf(in.Pos(), msgGo)
	case *ssa.Defer:
		l.errorf(in.Pos(), msgDefer)
	case *ssa.RunDefers:
		// The defer itself is reported.
	case *ssa.Select:
		l.errorf(in.Pos(), msgSelect)
		l.vals[in] = l.bad()
	case *ssa.Send:
		l.errorf(in.Pos(), msgChan)
	case *ssa.MakeChan:
		l.errorf(in.Pos(), msgChan)
		l.vals[in] = l.bad()
	case *ssa.MakeMap, *ssa.MapUpdate, *ssa.Lookup:
		l.errorf(instr.Pos(), msgMap)
		if v, ok := instr.(ssa.Value); ok {
			l.vals[v] = l.bad()
		}
	case *ssa.MakeSlice:
		l.errorf(in.Pos(), msgMake, "make")
		l.vals[in] = l.bad()
	case *ssa.MakeClosure:
		fn := in.Fn.(*ssa.Function)
		switch {
		case isBound(fn) && onlyCalled(in):
			// A method value called where it is made: the calls call the method.
		case isRangeFunc(fn):
			// The body of a range-over-func loop: one diagnostic, at the range statement, for
			// everything that lowering it would report.
			l.explain(fn.Syntax().Pos(), msgRangeFunc)
		case len(in.Bindings) > 0:
			l.errorf(fn.Pos(), msgClosure)
		default:
			l.errorf(fn.Pos(), msgDynamicCall)
		}
		l.vals[in] = l.bad()
	case *ssa.TypeAssert:
		l.errorf(in.Pos(), msgTypeAssert)
		l.vals[in] = l.bad()
	case *ssa.ChangeInterface:
		if !onlyPanics(in) {
			l.errorf(in.Pos(), msgInterface)
		}
		l.vals[in] = l.bad()
	case *ssa.Range:
		if _, ok := in.X.Type().Underlying().(*types.Map); ok {
			l.errorf(in.Pos(), msgMap)
		} else {
			l.errorf(in.Pos(), msgString)
		}
		l.vals[in] = l.bad()
	case *ssa.Next:
		l.vals[in] = l.bad() // its Range is reported
	case *ssa.SliceToArrayPointer:
		l.errorf(in.Pos(), msgSliceArray)
		l.vals[in] = l.bad()
	default:
		l.errorf(instr.Pos(), "%T is not supported in kernels", instr)
		if v, ok := instr.(ssa.Value); ok {
			l.vals[v] = l.bad()
		}
	}
}

// boundVars are the free variables of a bound method wrapper, which become its first
// parameters; none for other functions.
func boundVars(f *ssa.Function) []*ssa.FreeVar {
	if isBound(f) {
		return f.FreeVars
	}
	return nil
}

// onlyCalled reports whether v is used only as the function its referrers call.
func onlyCalled(v ssa.Value) bool {
	refs := v.Referrers()
	if refs == nil {
		return true
	}
	for _, r := range *refs {
		switch r := r.(type) {
		case *ssa.Call:
			if r.Call.Value != v || r.Call.IsInvoke() {
				return false
			}
			for _, a := range r.Call.Args {
				if a == v {
					return false
				}
			}
		case *ssa.DebugRef:
		default:
			return false
		}
	}
	return true
}

// isRangeFunc reports whether f is the loop body of a range over a function.
func isRangeFunc(f *ssa.Function) bool {
	_, ok := f.Syntax().(*ast.RangeStmt)
	return ok
}

// generalise turns the spaces of a pointer or slice type into Generic (phis of pointers).
func generalise(t ir.Type) ir.Type {
	switch t := t.(type) {
	case *ir.Pointer:
		return &ir.Pointer{Elem: t.Elem, Space: ir.Generic}
	case *ir.Slice:
		return &ir.Slice{Elem: t.Elem, Space: ir.Generic}
	}
	return t
}

// onlyPanics reports whether v is used only as a panic's argument, perhaps through interface
// conversions.
func onlyPanics(v ssa.Value) bool {
	refs := v.Referrers()
	if refs == nil {
		return true
	}
	for _, r := range *refs {
		switch r := r.(type) {
		case *ssa.Panic, *ssa.DebugRef:
		case *ssa.MakeInterface:
			if !onlyPanics(r) {
				return false
			}
		case *ssa.ChangeInterface:
			if !onlyPanics(r) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// argsPhi makes a phi of values derived from the argument struct derived too.
func (l *fn) argsPhi(p *ssa.Phi) {
	for _, e := range p.Edges {
		if f, ok := l.argsPath[e]; ok {
			l.argsPath[p] = f
			return
		}
	}
}

func (l *fn) panicMessage(p *ssa.Panic) string {
	x := p.X
	for {
		if mi, ok := x.(*ssa.MakeInterface); ok {
			x = mi.X
		} else if ci, ok := x.(*ssa.ChangeInterface); ok {
			x = ci.X
		} else {
			break
		}
	}
	switch x := x.(type) {
	case *ssa.Const:
		if x.Value != nil && x.Value.Kind() == constant.String {
			return constant.StringVal(x.Value)
		}
	case *ssa.UnOp:
		if g, ok := x.X.(*ssa.Global); ok && x.Op == token.MUL && g.Pkg != nil {
			if msg, ok := knownPanics[g.Pkg.Pkg.Path()+"."+g.Name()]; ok {
				return msg
			}
		}
	}
	l.errorf(p.Pos(), msgPanicArg)
	return ""
}

var binOps = map[token.Token]ir.Op{
	token.ADD: ir.OpAdd, token.SUB: ir.OpSub, token.MUL: ir.OpMul, token.QUO: ir.OpDiv, token.REM: ir.OpRem,
	token.AND: ir.OpAnd, token.OR: ir.OpOr, token.XOR: ir.OpXor, token.AND_NOT: ir.OpAndNot,
	token.SHL: ir.OpShl, token.SHR: ir.OpShr,
	token.EQL: ir.OpEq, token.NEQ: ir.OpNe, token.LSS: ir.OpLt, token.LEQ: ir.OpLe, token.GTR: ir.OpGt, token.GEQ: ir.OpGe,
}

func (l *fn) binOp(in *ssa.BinOp) *ir.Value {
	op, ok := binOps[in.Op]
	if !ok {
		l.errorf(in.Pos(), "operator %s is not supported in kernels", in.Op)
		return l.bad()
	}
	if isItem(in.X.Type()) {
		l.errorf(in.Pos(), msgKernelItem)
		return l.bad()
	}
	x, y := l.value(in.X), l.value(in.Y)
	if x == l.badV || y == l.badV {
		return l.bad()
	}
	if op.IsCompare() {
		if _, ok := x.Type.(*ir.Basic); !ok {
			if _, isPtr := x.Type.(*ir.Pointer); !isPtr || (op != ir.OpEq && op != ir.OpNe) {
				l.errorf(in.Pos(), msgCompare, in.X.Type())
				return l.bad()
			}
			y = l.cast(y, x.Type)
		}
		return l.add(op, ir.BoolType, in.Pos(), x, y)
	}
	t, ok := x.Type.(*ir.Basic)
	if !ok {
		l.errorf(in.Pos(), msgType, in.X.Type())
		return l.bad()
	}
	switch op {
	case ir.OpShl, ir.OpShr:
		yt, ok := y.Type.(*ir.Basic)
		if !ok {
			return l.bad()
		}
		if yt.IsSigned() {
			if !isConst(in.Y) {
				l.add(ir.OpCheckShift, ir.Void, in.Pos(), y)
			}
			y = l.add(ir.OpConvert, unsignedOf(yt), token.NoPos, y)
		}
	case ir.OpDiv, ir.OpRem:
		if t.IsInteger() && !nonZeroConst(in.Y) {
			l.add(ir.OpCheckDivide, ir.Void, in.Pos(), y)
		}
	}
	return l.add(op, t, in.Pos(), x, y)
}

func isConst(v ssa.Value) bool { _, ok := v.(*ssa.Const); return ok }

func nonZeroConst(v ssa.Value) bool {
	k, ok := v.(*ssa.Const)
	return ok && k.Value != nil && constant.Sign(k.Value) != 0
}

func unsignedOf(t *ir.Basic) *ir.Basic {
	switch t.Kind {
	case ir.Int8:
		return ir.Uint8Type
	case ir.Int16:
		return ir.Uint16Type
	case ir.Int32:
		return ir.Uint32Type
	case ir.Int64:
		return ir.Uint64Type
	}
	return t
}

func (l *fn) unOp(in *ssa.UnOp) *ir.Value {
	switch in.Op {
	case token.SUB:
		x := l.value(in.X)
		return l.add(ir.OpNeg, x.Type, in.Pos(), x)
	case token.NOT:
		x := l.value(in.X)
		return l.add(ir.OpNot, x.Type, in.Pos(), x)
	case token.XOR:
		x := l.value(in.X)
		return l.add(ir.OpCom, x.Type, in.Pos(), x)
	case token.MUL:
		if g, ok := in.X.(*ssa.Global); ok {
			if tv, ok := l.vals[g]; ok {
				return l.add(ir.OpLoad, tv.Type.(*ir.Pointer).Elem, in.Pos(), tv) // a table
			}
			if _, known := knownPanics[g.Pkg.Pkg.Path()+"."+g.Name()]; !known || !onlyPanics(in) {
				l.globalError(in.Pos(), g)
			}
			return l.bad()
		}
		p := l.value(in.X)
		pt, ok := p.Type.(*ir.Pointer)
		if !ok {
			return l.bad()
		}
		l.checkNil(in.X, p, in.Pos())
		return l.add(ir.OpLoad, pt.Elem, in.Pos(), p)
	case token.ARROW:
		l.errorf(in.Pos(), msgChan)
		return l.bad()
	}
	l.errorf(in.Pos(), "operator %s is not supported in kernels", in.Op)
	return l.bad()
}

// checkNil puts a nil check before a dereference of p, unless p cannot be nil.
func (l *fn) checkNil(x ssa.Value, p *ir.Value, pos token.Pos) {
	switch x.(type) {
	case *ssa.Alloc, *ssa.FieldAddr, *ssa.IndexAddr:
		return
	}
	if _, ok := l.argsPath[x]; ok {
		return
	}
	l.add(ir.OpCheckNil, ir.Void, pos, p)
}

func (l *fn) convert(xv ssa.Value, to types.Type, pos token.Pos) *ir.Value {
	x := l.value(xv)
	t := l.typeOf(to, pos)
	from, ok1 := x.Type.(*ir.Basic)
	tb, ok2 := t.(*ir.Basic)
	if !ok1 || !ok2 || from.Kind == ir.Bool || tb.Kind == ir.Bool {
		l.errorf(pos, msgConvert, xv.Type(), to)
		return l.bad()
	}
	if from == tb {
		return x
	}
	return l.add(ir.OpConvert, tb, pos, x)
}

func (l *fn) fieldType(t ir.Type, i int, pos token.Pos) ir.Type {
	if s, ok := t.(*ir.Struct); ok && i < len(s.Fields) {
		return s.Fields[i].Type
	}
	l.errorf(pos, "field of a non-struct")
	return ir.Int64Type
}

func (l *fn) fieldAddr(in *ssa.FieldAddr) *ir.Value {
	p := l.value(in.X)
	if p == l.badV {
		return p
	}
	pt, ok := p.Type.(*ir.Pointer)
	if !ok {
		return l.bad()
	}
	l.checkNil(in.X, p, in.Pos())
	ft := l.fieldType(pt.Elem, in.Field, in.Pos())
	v := l.add(ir.OpFieldAddr, &ir.Pointer{Elem: ft, Space: pt.Space}, in.Pos(), p)
	v.AuxInt = int64(in.Field)
	if path, ok := l.argsPath[in.X]; ok {
		st := in.X.Type().Underlying().(*types.Pointer).Elem().Underlying().(*types.Struct)
		l.argsPath[in] = join(path, st.Field(in.Field).Name())
	}
	return v
}

// argsWhat names the part of the argument struct a path reaches: "field X.Y", or the whole struct.
func argsWhat(path string) string {
	if path == "" {
		return "the whole struct"
	}
	return "field " + path
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// index converts an index to i64 and reports whether it was signed.
func (l *fn) indexValue(v ssa.Value) (*ir.Value, bool) {
	x := l.value(v)
	t, ok := x.Type.(*ir.Basic)
	if !ok || !t.IsInteger() {
		l.errorf(v.Pos(), "index of type %s", v.Type())
		return l.bad(), true
	}
	signed := t.IsSigned()
	if t.Kind != ir.Int64 {
		x = l.add(ir.OpConvert, ir.Int64Type, token.NoPos, x)
	}
	return x, signed
}

func (l *fn) checkBounds(kind ir.BoundsKind, signed bool, x, y *ir.Value, pos token.Pos) {
	c := l.add(ir.OpCheckBounds, ir.Void, pos, x, y)
	c.AuxInt = int64(kind)
	if signed {
		c.AuxInt |= ir.BoundsSigned
	}
}

func (l *fn) indexAddr(in *ssa.IndexAddr) *ir.Value {
	base := l.value(in.X)
	idx, signed := l.indexValue(in.Index)
	var elem ir.Type
	var space ir.Space
	var length *ir.Value
	switch bt := base.Type.(type) {
	case *ir.Slice:
		elem, space = bt.Elem, bt.Space
		length = l.add(ir.OpLen, ir.Int64Type, token.NoPos, base)
		if path, ok := l.argsPath[in.X]; ok {
			l.argsPath[in] = path // a slice of an array field of the argument struct
		}
	case *ir.Pointer:
		at, ok := bt.Elem.(*ir.Array)
		if !ok {
			return l.bad()
		}
		l.checkNil(in.X, base, in.Pos())
		elem, space = at.Elem, bt.Space
		length = l.i64(at.Len)
		if path, ok := l.argsPath[in.X]; ok {
			l.argsPath[in] = path
		}
	default:
		return l.bad()
	}
	if !knownInRange(in.Index, length) {
		l.checkBounds(ir.BoundsIndex, signed, idx, length, in.Pos())
	}
	return l.add(ir.OpIndexAddr, &ir.Pointer{Elem: elem, Space: space}, in.Pos(), base, idx)
}

// knownInRange reports whether a constant index is within a constant length.
func knownInRange(idx ssa.Value, length *ir.Value) bool {
	k, ok := idx.(*ssa.Const)
	if !ok || k.Value == nil || length.Op != ir.OpConst {
		return false
	}
	n, exact := constant.Int64Val(k.Value)
	return exact && n >= 0 && n < length.AuxInt
}

func (l *fn) index(in *ssa.Index) *ir.Value {
	x := l.value(in.X)
	at, ok := x.Type.(*ir.Array)
	if !ok {
		if _, isStr := in.X.Type().Underlying().(*types.Basic); isStr {
			l.errorf(in.Pos(), msgString)
		}
		return l.bad()
	}
	idx, signed := l.indexValue(in.Index)
	length := l.i64(at.Len)
	if !knownInRange(in.Index, length) {
		l.checkBounds(ir.BoundsIndex, signed, idx, length, in.Pos())
	}
	return l.add(ir.OpIndex, at.Elem, in.Pos(), x, idx)
}

func (l *fn) slice(in *ssa.Slice) *ir.Value {
	base := l.value(in.X)
	if path, ok := l.argsPath[in.X]; ok {
		if _, isArray := in.X.Type().Underlying().(*types.Pointer); isArray {
			l.argsPath[in] = path
		}
	}
	var result *ir.Slice
	var capacity *ir.Value
	isArray := false
	switch bt := base.Type.(type) {
	case *ir.Slice:
		result = bt
		capacity = l.add(ir.OpCap, ir.Int64Type, token.NoPos, base)
	case *ir.Pointer:
		at, ok := bt.Elem.(*ir.Array)
		if !ok {
			return l.bad()
		}
		l.checkNil(in.X, base, in.Pos())
		result = &ir.Slice{Elem: at.Elem, Space: bt.Space}
		capacity = l.i64(at.Len)
		isArray = true
	default:
		if _, isStr := in.X.Type().Underlying().(*types.Basic); isStr {
			l.errorf(in.Pos(), msgString)
		}
		return l.bad()
	}
	lo, loSigned := l.i64(0), false
	if in.Low != nil {
		lo, loSigned = l.indexValue(in.Low)
	}
	var hi *ir.Value
	hiSigned := false
	if in.High != nil {
		hi, hiSigned = l.indexValue(in.High)
	}
	pos := in.Pos()
	if in.Max != nil {
		max, maxSigned := l.indexValue(in.Max)
		kind := ir.BoundsSlice3Acap
		if isArray {
			kind = ir.BoundsSlice3Alen
		}
		l.checkBounds(kind, maxSigned, max, capacity, pos)
		if hi == nil {
			hi = max
		}
		l.checkBounds(ir.BoundsSlice3B, hiSigned, hi, max, pos)
		l.checkBounds(ir.BoundsSlice3C, loSigned, lo, hi, pos)
		return l.add(ir.OpSlice, result, pos, base, lo, hi, max)
	}
	if hi == nil {
		if isArray {
			hi = capacity
		} else {
			hi = l.add(ir.OpLen, ir.Int64Type, token.NoPos, base)
		}
	} else {
		kind := ir.BoundsSliceAcap
		if isArray {
			kind = ir.BoundsSliceAlen
		}
		l.checkBounds(kind, hiSigned, hi, capacity, pos)
	}
	if in.Low != nil {
		l.checkBounds(ir.BoundsSliceB, loSigned, lo, hi, pos)
	}
	return l.add(ir.OpSlice, result, pos, base, lo, hi, capacity)
}

func (l *fn) store(in *ssa.Store) {
	if isItem(in.Val.Type()) {
		if _, ok := in.Addr.(*ssa.Alloc); ok {
			return // see the kernel.Item case of Alloc
		}
	}
	if g, ok := in.Addr.(*ssa.Global); ok {
		l.globalError(in.Pos(), g)
		return
	}
	if path, ok := l.argsPath[in.Addr]; ok {
		l.errorf(in.Pos(), msgArgsWrite, argsWhat(path))
		return
	}
	if hasPointers(in.Val.Type()) && !localAddr(in.Addr) {
		l.errorf(in.Pos(), msgPtrStore)
		return
	}
	p := l.value(in.Addr)
	pt, ok := p.Type.(*ir.Pointer)
	if !ok {
		return
	}
	l.checkNil(in.Addr, p, in.Pos())
	l.add(ir.OpStore, ir.Void, in.Pos(), p, l.operand(in.Val, pt.Elem))
}

// localAddr reports whether p points into a local variable of the function: a pointer or slice
// kept there stays in the work-item's private memory (a struct holding a slice of a buffer, a
// copy of the argument struct for a value receiver).
func localAddr(p ssa.Value) bool {
	for {
		switch x := p.(type) {
		case *ssa.Alloc:
			return true
		case *ssa.FieldAddr:
			p = x.X
		case *ssa.IndexAddr:
			if _, ok := x.X.Type().Underlying().(*types.Slice); ok {
				return false
			}
			p = x.X
		default:
			return false
		}
	}
}

// hasPointers reports whether values of t hold pointers or slices.
func hasPointers(t types.Type) bool {
	switch t := t.Underlying().(type) {
	case *types.Pointer, *types.Slice:
		return true
	case *types.Array:
		return hasPointers(t.Elem())
	case *types.Struct:
		for i := range t.NumFields() {
			if hasPointers(t.Field(i).Type()) {
				return true
			}
		}
	}
	return false
}

func (c *compiler) pos(p token.Pos) ir.Pos {
	if !p.IsValid() {
		return ir.Pos{}
	}
	pp := c.fset.Position(p)
	return ir.Pos{File: filepath.Base(pp.Filename), Line: int32(pp.Line), Col: int32(pp.Column)}
}
