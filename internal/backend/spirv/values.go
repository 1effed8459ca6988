package spirv

import (
	"github.com/geobacter-go/geobacter/internal/ir"
)

// lptr is a pointer into logical storage (a Function or Workgroup variable, or the push
// constants): SPIR-V's logical addressing cannot keep such a pointer in a variable, so it is
// kept as the recipe of an access chain and made again, with OpAccessChain, at each use.
type lptr struct {
	base     uint32 // the variable
	sc       StorageClass
	explicit bool    // the variable has explicit-layout types (the push constants)
	ints     bool    // the variable holds floats as integers of their width (sharedFloatCAS)
	elem     ir.Type // the type pointed to
	path     []step
}

// step is one index of an access chain.
type step struct {
	field int       // a struct member, when idx and slice are nil
	idx   *ir.Value // a dynamic index
	slice *ir.Value // a logical slice whose offset (field 0) is added to idx
}

func (p *lptr) with(s step, elem ir.Type) *lptr {
	q := *p
	q.path = append(p.path[:len(p.path):len(p.path)], s)
	q.elem = elem
	return &q
}

func (p *lptr) equal(q *lptr) bool {
	if p.base != q.base || len(p.path) != len(q.path) {
		return false
	}
	for i := range p.path {
		if p.path[i] != q.path[i] {
			return false
		}
	}
	return true
}

// planValues gives a Function variable to each phi and to each value used in another block
// than its own.
func (e *emitter) planValues() {
	m := e.m
	used := map[*ir.Value]bool{}
	var mark func(a *ir.Value, b *ir.Block, seen map[*ir.Value]bool)
	mark = func(a *ir.Value, b *ir.Block, seen map[*ir.Value]bool) {
		switch a.Op {
		case ir.OpConst, ir.OpZero:
			return
		}
		if e.isLogical(a.Type) {
			// A recipe: the values it is made of are used where it is made again.
			if seen[a] {
				return
			}
			seen[a] = true
			for _, x := range a.Args {
				mark(x, b, seen)
			}
			if _, ok := a.Type.(*ir.Slice); !ok {
				return
			}
		}
		if a.Block != b && a.Op != ir.OpPhi {
			used[a] = true
		}
	}
	e.uses = map[*ir.Value][]*ir.Value{}
	for _, b := range e.cfg.order {
		for _, v := range b.Instrs {
			for _, a := range v.Args {
				e.uses[a] = append(e.uses[a], v)
			}
		}
		for _, c := range b.Controls {
			e.uses[c] = append(e.uses[c], nil)
		}
	}
	for _, b := range e.cfg.order {
		for _, v := range b.Instrs {
			for i, a := range v.Args {
				if v.Op == ir.OpPhi {
					mark(a, b.Preds[i], map[*ir.Value]bool{})
				} else {
					mark(a, b, map[*ir.Value]bool{})
				}
			}
		}
		for _, c := range b.Controls {
			mark(c, b, map[*ir.Value]bool{})
		}
	}
	for _, b := range e.cfg.order {
		for _, v := range b.Instrs {
			e.pos = v.Pos
			if v.Op == ir.OpPhi {
				if pt, ok := v.Type.(*ir.Pointer); ok && e.isLogical(pt) {
					continue
				}
				e.phiVar[v] = e.fn.variable(m.ptrType(StorageClassFunction, e.valType(v.Type)))
				continue
			}
			if used[v] {
				e.spill[v] = e.fn.variable(m.ptrType(StorageClassFunction, e.valType(v.Type)))
			}
		}
	}
}

// operand returns the id of v's value where it is used: its own id in its block, else a load
// of its variable.
func (e *emitter) operand(v *ir.Value) uint32 {
	switch v.Op {
	case ir.OpConst:
		return e.constant(v.Type.(*ir.Basic), v.AuxInt)
	case ir.OpZero:
		return e.zero(v.Type)
	}
	if pt, ok := v.Type.(*ir.Pointer); ok && e.isLogical(pt) {
		e.fail("BUG: operand of a logical pointer v%d", v.ID)
	}
	if v.Block == e.curBlk {
		if id, ok := e.ids[v]; ok {
			return id
		}
	}
	if id, ok := e.loaded[v]; ok && !e.noCache {
		return id
	}
	vr := e.spill[v]
	if v.Op == ir.OpPhi {
		vr = e.phiVar[v]
	}
	if vr == 0 {
		e.fail("BUG: v%d (%v) has no value in b%d", v.ID, v.Op, e.curBlk.ID)
	}
	id := e.fn.op(OpLoad, e.valType(v.Type), vr)
	if !e.noCache {
		e.loaded[v] = id
	}
	return id
}

// set gives v the value id, and stores it in v's variable when it has one.
func (e *emitter) set(v *ir.Value, id uint32) {
	e.ids[v] = id
	if vr := e.spill[v]; vr != 0 {
		e.fn.emit(OpStore, vr, id)
	}
}

// phiStores stores, on the edge from x to its successor i, the incoming values of the
// successor's phis: all operands first, then all stores.
func (e *emitter) phiStores(x *ir.Block, i int) {
	y := x.Succs[i]
	j := -1
	for k, p := range y.Preds {
		if p == x {
			j = k
			break
		}
	}
	save, saveNC := e.curBlk, e.noCache
	e.curBlk, e.noCache = x, true
	type st struct{ vr, id uint32 }
	var sts []st
	for _, v := range y.Instrs {
		if v.Op != ir.OpPhi {
			break
		}
		e.pos = v.Pos
		a := v.Args[j]
		if pt, ok := v.Type.(*ir.Pointer); ok && e.isLogical(pt) {
			continue
		}
		sts = append(sts, st{e.phiVar[v], e.operand(a)})
	}
	for _, s := range sts {
		e.fn.emit(OpStore, s.vr, s.id)
	}
	e.curBlk, e.noCache = save, saveNC
}

// blockBody translates the instructions and the terminator of x.
func (e *emitter) blockBody(x *ir.Block, ctx []*frame) {
	e.curBlk = x
	e.loaded = map[*ir.Value]uint32{}
	for _, v := range x.Instrs {
		e.pos = v.Pos
		e.instr(v)
	}
	e.pos = x.Pos
	switch x.Kind {
	case ir.BlockJump:
		e.edge(x, 0, ctx)
	case ir.BlockIf:
		if x.Succs[0] == x.Succs[1] {
			e.edge(x, 0, ctx)
			return
		}
		c := e.operand(x.Controls[0])
		e.condBranch(c, e.edgeArm(x, 0, ctx), e.edgeArm(x, 1, ctx))
	case ir.BlockReturn:
		e.fn.emit(OpReturn)
	case ir.BlockPanic:
		site := e.addSite(ir.Site{Kind: ir.SitePanic, Pos: x.Pos, Msg: x.Msg})
		z := e.m.constU64(0)
		e.failWith(site, z, z)
	default:
		e.fail("block b%d has no terminator", x.ID)
	}
}
