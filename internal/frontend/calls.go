package frontend

import (
	"fmt"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// fullName is the name the intrinsic tables use for a function: its generic origin's
// types.Func.FullName, such as "math.Sqrt" or "(github.com/.../kernel.Item).GlobalID".
func fullName(f *ssa.Function) string {
	if o := f.Origin(); o != nil {
		f = o
	}
	if obj, ok := f.Object().(*types.Func); ok {
		return obj.FullName()
	}
	return f.String()
}

func (l *fn) call(in *ssa.Call) {
	common := in.Common()
	if common.IsInvoke() {
		l.errorf(in.Pos(), msgInvoke)
		l.vals[in] = l.bad()
		return
	}
	switch callee := common.Value.(type) {
	case *ssa.Builtin:
		l.vals[in] = l.builtin(in, callee)
	case *ssa.Function:
		l.vals[in] = l.staticCall(in, callee)
	case *ssa.MakeClosure:
		fn := callee.Fn.(*ssa.Function)
		if isBound(fn) {
			// A method value called where it is made: a call of the method on the bound receiver.
			l.vals[in] = l.staticCall(in, fn)
			return
		}
		if len(callee.Bindings) > 0 {
			l.errorf(in.Pos(), msgClosure)
			l.vals[in] = l.bad()
			return
		}
		l.vals[in] = l.staticCall(in, fn)
	default:
		l.errorf(in.Pos(), msgDynamicCall)
		l.vals[in] = l.bad()
	}
}

// isBound reports whether f is the wrapper go/ssa makes for a method value x.m: a closure whose
// one free variable is the receiver.
func isBound(f *ssa.Function) bool {
	return strings.HasPrefix(f.Synthetic, "bound method wrapper") && len(f.FreeVars) == 1
}

func (l *fn) staticCall(in *ssa.Call, callee *ssa.Function) *ir.Value {
	args := in.Common().Args
	if mc, ok := in.Common().Value.(*ssa.MakeClosure); ok && isBound(callee) {
		// The bound receiver is the wrapper's first parameter (see lowerFunc).
		args = append(append([]ssa.Value(nil), mc.Bindings...), args...)
	}
	name := fullName(callee)
	pos := in.Pos()
	if in, ok := workItemFuncs[name]; ok {
		return l.workItem(in, args, pos, name)
	}
	if name == sharedFunc {
		return l.shared(in, callee)
	}
	if name == "math.Sincos" {
		x := l.value(args[0])
		if l.tuples == nil {
			l.tuples = map[ssa.Value][]*ir.Value{}
		}
		l.tuples[in] = []*ir.Value{l.intrinsic(ir.Sin, ir.Float64Type, pos, x), l.intrinsic(ir.Cos, ir.Float64Type, pos, x)}
		return l.bad() // used only through its extracts
	}
	if in, ok := mathFuncs[name]; ok {
		vs := l.values(args)
		return l.intrinsic(in, l.typeOf(callee.Signature.Results().At(0).Type(), pos), pos, vs...)
	}
	if portable, ok := portableFuncs[name]; ok && callee.Pkg != nil {
		if f := callee.Pkg.Func(portable); f != nil {
			callee = f
		}
	}
	if in, ok := bitsFuncs[name]; ok {
		return l.bits(in, callee, args, pos)
	}
	if op, ok := atomicFuncs[name]; ok {
		return l.atomic(op, callee, args, pos)
	}
	if callee.Pkg != nil && ioPackages[callee.Pkg.Pkg.Path()] {
		l.explain(pos, fmt.Sprintf(msgIO, name))
		return l.bad()
	}
	if callee.Pkg != nil && callee.Pkg.Pkg.Path() == "unsafe" {
		l.errorf(pos, msgUnsafe)
		return l.bad()
	}
	if body(callee).Blocks == nil {
		if p := pkgOf(callee); p != nil && l.c.bodilessPkg(p) {
			l.errorf(pos, msgStdlib, name, p.Pkg.Path())
		} else {
			l.errorf(pos, msgNoBody, name)
		}
		return l.bad()
	}
	target := l.c.lowerFunc(callee, false)
	var vs []*ir.Value
	var paths []string // per argument: the field of the argument struct it points into, or ""
	for _, a := range args {
		if isItem(a.Type()) {
			continue
		}
		path, ok := l.argsPath[a]
		if ok {
			path = argsWhat(path)
		}
		paths = append(paths, path)
		want := ir.Type(nil)
		if i := len(vs); i < len(target.Params) {
			want = target.Params[i].Type
		}
		vs = append(vs, l.operand(a, want))
	}
	v := l.add(ir.OpCall, target.Result, pos, vs...)
	v.Aux = target
	l.c.calls = append(l.c.calls, callSite{v: v, fn: l, block: in.Block(), pos: pos, argsPaths: paths})
	return v
}

// callSite is a call in the IR, remembered to check where functions that use shared memory are
// called from.
type callSite struct {
	v         *ir.Value
	fn        *fn
	block     *ssa.BasicBlock
	pos       token.Pos
	argsPaths []string // per argument: the field of the argument struct it points into, or ""
}

// checkArgsWrites reports calls that pass a pointer into the kernel's argument struct to a
// function that writes through it (a method with a pointer receiver that sets a field, a helper
// that stores through its pointer parameter).
func (c *compiler) checkArgsWrites() {
	written := map[*ir.Func][]bool{}
	for _, f := range c.mod.Funcs {
		written[f] = make([]bool, len(f.Params))
	}
	for changed := true; changed; {
		changed = false
		for _, f := range c.mod.Funcs {
			for i, p := range f.Params {
				if !written[f][i] && writesThrough(f, p, written) {
					written[f][i] = true
					changed = true
				}
			}
		}
	}
	for _, cs := range c.calls {
		w := written[cs.v.Callee()]
		for i, path := range cs.argsPaths {
			if path != "" && i < len(w) && w[i] {
				c.errorf(cs.pos, cs.fn.lastPos, msgArgsWrite, path)
			}
		}
	}
}

// writesThrough reports whether f writes to memory through param p: a store, an atomic that
// writes, or a copy into a pointer or slice derived from p, or a call that passes one to a
// parameter written[callee] says is written.
func writesThrough(f *ir.Func, p *ir.Value, written map[*ir.Func][]bool) bool {
	derived := map[*ir.Value]bool{p: true}
	for changed := true; changed; {
		changed = false
		for _, b := range f.Blocks {
			for _, v := range b.Instrs {
				if derived[v] {
					continue
				}
				switch v.Op {
				case ir.OpFieldAddr, ir.OpIndexAddr, ir.OpSlice, ir.OpSlicePtr, ir.OpSpaceCast:
					if derived[v.Args[0]] {
						derived[v] = true
						changed = true
					}
				case ir.OpPhi:
					for _, a := range v.Args {
						if derived[a] {
							derived[v] = true
							changed = true
							break
						}
					}
				}
			}
		}
	}
	for _, b := range f.Blocks {
		for _, v := range b.Instrs {
			switch {
			case v.Op == ir.OpStore, v.Op == ir.OpCopy, v.Op == ir.OpAtomic && v.AtomicOp() != ir.AtomicLoad:
				if derived[v.Args[0]] {
					return true
				}
			case v.Op == ir.OpCall:
				w := written[v.Callee()]
				for i, a := range v.Args {
					if derived[a] && i < len(w) && w[i] {
						return true
					}
				}
			}
		}
	}
	return false
}

// checkSharedCalls reports calls, in a loop or under a condition, of functions that call
// kernel.Shared themselves or through their callees: every work-item must make the same Shared
// calls, once each.
func (c *compiler) checkSharedCalls() {
	uses := map[*ir.Func]bool{}
	for _, f := range c.mod.Funcs {
		for _, b := range f.Blocks {
			for _, v := range b.Instrs {
				if v.Op == ir.OpShared {
					uses[f] = true
				}
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, cs := range c.calls {
			if callee := cs.v.Callee(); uses[callee] && !uses[cs.fn.f] {
				uses[cs.fn.f] = true
				changed = true
			}
		}
	}
	for _, cs := range c.calls {
		if uses[cs.v.Callee()] && !cs.fn.unconditional(cs.block) {
			c.errorf(cs.pos, cs.fn.lastPos, msgSharedPlace)
		}
	}
}

func (l *fn) values(args []ssa.Value) []*ir.Value {
	vs := make([]*ir.Value, len(args))
	for i, a := range args {
		vs[i] = l.value(a)
	}
	return vs
}

func (l *fn) intrinsic(in ir.Intrinsic, t ir.Type, pos token.Pos, args ...*ir.Value) *ir.Value {
	v := l.add(ir.OpIntrinsic, t, pos, args...)
	v.AuxInt = int64(in)
	return v
}

// workItem lowers a kernel.Item method: args[0] is the Item, args[1] the dimension.
func (l *fn) workItem(in ir.Intrinsic, args []ssa.Value, pos token.Pos, name string) *ir.Value {
	if in == ir.Barrier {
		return l.intrinsic(ir.Barrier, ir.Void, pos)
	}
	if k, ok := args[1].(*ssa.Const); ok {
		d, exact := constant.Int64Val(k.Value)
		if !exact || d < 0 || d > 2 {
			l.errorf(pos, msgDimension, "kernel.Item."+name[len("("+kernelPkg+".Item)."):])
			return l.bad()
		}
		return l.intrinsic(in, ir.Int64Type, pos, l.i64(d))
	}
	// A dimension known only at run time: checked like an index into the three dimensions.
	d, signed := l.indexValue(args[1])
	l.checkBounds(ir.BoundsIndex, signed, d, l.i64(3), pos)
	return l.intrinsic(in, ir.Int64Type, pos, d)
}

// shared lowers kernel.Shared[T](it): a shared variable of type T, one per call site.
func (l *fn) shared(in *ssa.Call, callee *ssa.Function) *ir.Value {
	targs := callee.TypeArgs()
	if len(targs) != 1 {
		l.errorf(in.Pos(), "kernel.Shared needs its type argument")
		return l.bad()
	}
	if !l.unconditional(in.Block()) {
		l.errorf(in.Pos(), msgSharedPlace)
	}
	elem := l.typeOf(targs[0], in.Pos())
	v := l.add(ir.OpShared, &ir.Pointer{Elem: elem, Space: ir.Shared}, in.Pos())
	v.AuxInt = int64(l.c.sharedSlots)
	l.c.sharedSlots++
	return v
}

// unconditional reports whether block b runs exactly once in every call of its function that
// returns: it is in no loop and dominates every return.
func (l *fn) unconditional(b *ssa.BasicBlock) bool {
	seen := map[*ssa.BasicBlock]bool{}
	var reaches func(x *ssa.BasicBlock) bool
	reaches = func(x *ssa.BasicBlock) bool {
		for _, s := range x.Succs {
			if s == b {
				return true
			}
			if !seen[s] {
				seen[s] = true
				if reaches(s) {
					return true
				}
			}
		}
		return false
	}
	if reaches(b) {
		return false
	}
	for _, x := range l.sf.Blocks {
		if len(x.Instrs) == 0 || !l.live[x] {
			continue
		}
		if _, ok := x.Instrs[len(x.Instrs)-1].(*ssa.Return); ok && !b.Dominates(x) {
			return false
		}
	}
	return true
}

// bits lowers a math/bits intrinsic: the counts return int, the others the operand's type.
func (l *fn) bits(in ir.Intrinsic, callee *ssa.Function, args []ssa.Value, pos token.Pos) *ir.Value {
	vs := l.values(args)
	if in == ir.RotateLeft && len(vs) == 2 && vs[1].Type != ir.Int64Type {
		vs[1] = l.add(ir.OpConvert, ir.Int64Type, token.NoPos, vs[1])
	}
	return l.intrinsic(in, l.typeOf(callee.Signature.Results().At(0).Type(), pos), pos, vs...)
}

// atomic lowers a sync/atomic function or a kernel float atomic: args[0] is the pointer.
func (l *fn) atomic(op ir.AtomicOp, callee *ssa.Function, args []ssa.Value, pos token.Pos) *ir.Value {
	if path, ok := l.argsPath[args[0]]; ok && op != ir.AtomicLoad {
		l.errorf(pos, msgArgsWrite, argsWhat(path))
		return l.bad()
	}
	vs := l.values(args)
	l.checkNil(args[0], vs[0], pos)
	t := ir.Void
	if res := callee.Signature.Results(); res.Len() == 1 {
		t = l.typeOf(res.At(0).Type(), pos)
	}
	v := l.add(ir.OpAtomic, t, pos, vs...)
	v.AuxInt = int64(op)
	return v
}

func (l *fn) builtin(in *ssa.Call, b *ssa.Builtin) *ir.Value {
	args := in.Common().Args
	pos := in.Pos()
	if b.Name() == "ssa:wrapnilchk" {
		// The nil check of a method wrapper: (*T).M calling the value method T.M.
		x := l.value(args[0])
		l.add(ir.OpCheckNil, ir.Void, pos, x)
		return x
	}
	for _, a := range args {
		if l.value(a) == l.badV {
			return l.bad() // reported already
		}
	}
	switch b.Name() {
	case "len", "cap":
		x := l.value(args[0])
		switch t := x.Type.(type) {
		case *ir.Slice:
			op := ir.OpLen
			if b.Name() == "cap" {
				op = ir.OpCap
			}
			return l.add(op, ir.Int64Type, pos, x)
		case *ir.Pointer:
			if at, ok := t.Elem.(*ir.Array); ok {
				return l.i64(at.Len)
			}
		case *ir.Array:
			return l.i64(t.Len)
		}
		l.errorf(pos, msgString)
		return l.bad()
	case "min", "max":
		op := ir.OpMin
		if b.Name() == "max" {
			op = ir.OpMax
		}
		vs := l.values(args)
		acc := vs[0]
		for _, v := range vs[1:] {
			acc = l.add(op, acc.Type, pos, acc, v)
		}
		return acc
	case "copy":
		if path, ok := l.argsPath[args[0]]; ok {
			l.errorf(pos, msgArgsWrite, argsWhat(path))
			return l.bad()
		}
		dst, src := l.value(args[0]), l.value(args[1])
		if _, ok := src.Type.(*ir.Slice); !ok {
			l.errorf(pos, msgString)
			return l.bad()
		}
		return l.add(ir.OpCopy, ir.Int64Type, pos, dst, src)
	case "append":
		l.errorf(pos, msgMake, "append")
	case "print", "println":
		l.errorf(pos, msgIO, b.Name())
	case "recover":
		l.errorf(pos, msgRecover)
	case "real", "imag", "complex":
		l.errorf(pos, msgComplex)
	case "Slice", "SliceData", "String", "StringData", "Add", "Sizeof", "Offsetof", "Alignof":
		l.errorf(pos, msgUnsafe)
	default:
		l.errorf(pos, msgBuiltin, b.Name())
	}
	return l.bad()
}
