package llvm

import (
	"fmt"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// Loop fission on targets that run a group's work-items in turn (Target.Fission): a kernel
// with barriers is lowered as a resumable work-item function. Each work-item has a frame
// (Kernel.FrameSize bytes) that holds its resume state, the memory of its private variables,
// every value that may be live across a barrier (a value used in another block than its own,
// or after a barrier in its own) and the incoming values of every phi. A barrier stores the
// number of the point after it in the state and returns; the function starts with a switch on
// the state. See the package doc.

// Frame state values: 0 is the start, k > 0 resumes after the k-th barrier.
const stateDone = -1 // the work-item returned

// planFission lays out the frame of kernel f, lowered with barriers as a resumable function.
func (b *fn) planFission() {
	f := b.f
	b.spill = map[*ir.Value]int64{}
	b.phiin = map[*ir.Value]int64{}
	b.local = map[*ir.Value]int64{}
	off := int64(4) // the state, an i32
	slot := func(v *ir.Value, t ir.Type) int64 {
		if _, ok := t.(*ir.Tuple); ok {
			b.e.fail("%s: v%d: a tuple live across a barrier", f.Name, v.ID)
		}
		a := max(t.Align(), 1)
		off = (off + a - 1) / a * a
		o := off
		off += max(t.Size(), 1)
		return o
	}
	for _, blk := range f.Blocks {
		for _, v := range blk.Instrs {
			if v.Op == ir.OpLocal {
				b.local[v] = slot(v, v.Type.(*ir.Pointer).Elem)
			}
		}
	}
	cross := liveAcrossBarriers(f)
	// A phi that lives across a barrier goes through the frame (its incoming values stored by
	// the predecessors, loaded at its block, and kept); any other phi is an LLVM phi, whose
	// incoming values the predecessors compute or load at their ends (phiEdges).
	var need []*ir.Value
	for _, blk := range f.Blocks {
		for _, v := range blk.Instrs {
			if v.Op != ir.OpPhi {
				if cross[v] {
					need = append(need, v)
				}
				continue
			}
			if cross[v] {
				b.phiin[v] = slot(v, v.Type)
			}
			if cross[v] {
				need = append(need, v)
			}
		}
	}
	for _, v := range need {
		b.spill[v] = slot(v, v.Type)
	}
	b.kernel.FrameSize = (off + 15) / 16 * 16
}

// liveAcrossBarriers returns the values of f live at one of its barriers: defined before it on
// some path and used after it. Those must be kept in the work-item's frame; every other value
// lives within one region between barriers and stays an SSA value. Parameters, constants and
// private variables' addresses are not values of the frame (they are remade at each entry).
func liveAcrossBarriers(f *ir.Func) map[*ir.Value]bool {
	kept := func(v *ir.Value) bool {
		switch v.Op {
		case ir.OpParam, ir.OpConst, ir.OpZero, ir.OpLocal:
			return false
		}
		return !remat(v)
	}
	liveIn := map[*ir.Block]map[*ir.Value]bool{}
	liveOut := func(blk *ir.Block) map[*ir.Value]bool {
		out := map[*ir.Value]bool{}
		for _, s := range blk.Succs {
			for v := range liveIn[s] {
				out[v] = true
			}
			for i, p := range s.Preds {
				if p != blk {
					continue
				}
				for _, v := range s.Instrs {
					if v.Op == ir.OpPhi && kept(v.Args[i]) {
						out[v.Args[i]] = true
					}
				}
			}
		}
		return out
	}
	cross := map[*ir.Value]bool{}
	// walk computes the values live at the start of blk from those live at its end, noting those
	// live at each barrier when note is set.
	walk := func(blk *ir.Block, live map[*ir.Value]bool, note bool) map[*ir.Value]bool {
		for _, c := range blk.Controls {
			if kept(c) {
				live[c] = true
			}
		}
		for i := len(blk.Instrs) - 1; i >= 0; i-- {
			v := blk.Instrs[i]
			if note && v.Op == ir.OpIntrinsic && v.Intrinsic() == ir.Barrier {
				for x := range live {
					cross[x] = true
				}
			}
			delete(live, v)
			if v.Op == ir.OpPhi {
				continue // its operands are used at the ends of the predecessors
			}
			for _, a := range v.Args {
				if kept(a) {
					live[a] = true
				}
			}
		}
		return live
	}
	order := blockOrder(f)
	for changed := true; changed; {
		changed = false
		for i := len(order) - 1; i >= 0; i-- {
			blk := order[i]
			in := walk(blk, liveOut(blk), false)
			if len(in) != len(liveIn[blk]) {
				liveIn[blk] = in
				changed = true
				continue
			}
			for v := range in {
				if !liveIn[blk][v] {
					liveIn[blk] = in
					changed = true
					break
				}
			}
		}
	}
	for _, blk := range f.Blocks {
		walk(blk, liveOut(blk), true)
	}
	return cross
}

// remat reports whether v is remade at each use in a resumable function instead of being kept
// in the frame: a work-item query in a constant dimension and a shared variable's address cost
// an instruction or two to remake, and remade they keep what LLVM knows of them (a local id's
// range, above all), which a load from the frame loses.
// Addresses into shared memory made from those (a row of a shared array, a field of a shared
// struct) are remade too.
func remat(v *ir.Value) bool {
	switch v.Op {
	case ir.OpShared:
		return true
	case ir.OpIntrinsic:
		return v.Intrinsic().IsWorkItem() && v.Args[0].Op == ir.OpConst
	case ir.OpFieldAddr:
		return v.Args[0].Op == ir.OpShared
	case ir.OpIndexAddr:
		if _, ok := v.Args[0].Type.(*ir.Pointer); !ok {
			return false
		}
		i := v.Args[1]
		return (v.Args[0].Op == ir.OpShared || v.Args[0].Op == ir.OpFieldAddr && remat(v.Args[0])) &&
			(i.Op == ir.OpConst || remat(i) && i.Op == ir.OpIntrinsic)
	}
	return false
}

// rematerialize emits v (remat) again at the current point and returns its new name.
func (b *fn) rematerialize(v *ir.Value) string {
	e := b.e
	p := b.Tmp()
	switch v.Op {
	case ir.OpIntrinsic:
		return e.t.WorkItem(b.Builder, v.Intrinsic(), int(v.Args[0].AuxInt))
	case ir.OpShared:
		base := e.t.SharedBase(b.Builder)
		b.Line("%s = getelementptr inbounds i8, %s %s, i64 %d", p, e.ptrType(ir.Shared), base, b.kernel.SharedOffsets[v.AuxInt])
	case ir.OpFieldAddr:
		pt := v.Args[0].Type.(*ir.Pointer)
		st := pt.Elem.(*ir.Struct)
		b.Line("%s = getelementptr %s, %s %s, i32 0, i32 %d", p, e.memType(st), e.ptrType(pt.Space), b.op(v.Args[0]), e.fieldIndex(st, int(v.AuxInt)))
	case ir.OpIndexAddr:
		pt := v.Args[0].Type.(*ir.Pointer)
		b.Line("%s = getelementptr inbounds %s, %s %s, i64 0, i64 %s", p, e.memType(pt.Elem), e.ptrType(pt.Space), b.op(v.Args[0]), b.ext64(v.Args[1]))
	}
	return p
}

// framePtr returns a pointer to the work-item's slot of size bytes at offset off of the frame.
// The frames of a group are laid out slot by slot (struct of arrays): the slot at off of
// work-item li is at frames + off*G + li*size, G the group's size, so that the work-items of a
// loop over x reach a slot's values one after another.
func (b *fn) framePtr(off, size int64) string {
	base := b.Tmp()
	b.Line("%s = mul nuw nsw i64 %%G, %d", base, off)
	idx := b.Tmp()
	b.Line("%s = mul nuw nsw i64 %%li, %d", idx, max(size, 1))
	at := b.Tmp()
	b.Line("%s = add nuw nsw i64 %s, %s", at, base, idx)
	p := b.Tmp()
	b.Line("%s = getelementptr inbounds i8, ptr %%frames, i64 %s", p, at)
	return p
}

// storeSlot stores the operand x of type t into the frame at off.
func (b *fn) storeSlot(t ir.Type, x string, off int64) {
	x = b.toMem(t, x)
	p := b.framePtr(off, t.Size())
	b.Line("store %s %s, ptr %s, align %d", b.e.memType(t), x, p, max(t.Align(), 1))
}

// loadSlot loads a value of type t from the frame at off into the name d (a new one if empty)
// and returns it.
func (b *fn) loadSlot(t ir.Type, off int64, d string) string {
	if d == "" {
		d = b.Tmp()
	}
	p := b.framePtr(off, t.Size())
	if ir.IsBasic(t, ir.Bool) {
		x := b.Tmp()
		b.Line("%s = load i8, ptr %s, align 1", x, p)
		b.Line("%s = trunc i8 %s to i1", d, x)
		return d
	}
	b.Line("%s = load %s, ptr %s, align %d", d, b.e.memType(t), p, max(t.Align(), 1))
	return d
}

// setState stores the resume state s in the frame.
func (b *fn) setState(s int) {
	b.Line("store i32 %d, ptr %%statep, align 4", s)
}

// suspend lowers a barrier: the work-item stops here and resumes after it.
func (b *fn) suspend() {
	b.nresume++
	b.setState(b.nresume)
	b.Line("ret i1 false")
	l := fmt.Sprintf("resume%d", b.nresume)
	b.label(l)
	b.setEnd(l)
}

// phiEdges ends blk for the phis of its successors: it stores the incoming values of those kept
// in the frame, and computes (loading or remaking) those of LLVM phis, for the phis to name.
func (b *fn) phiEdges(blk *ir.Block) {
	seen := map[*ir.Block]bool{}
	for _, s := range blk.Succs {
		if seen[s] {
			continue
		}
		seen[s] = true
		j := -1
		for i, p := range s.Preds {
			if p == blk {
				j = i
				break
			}
		}
		for _, v := range s.Instrs {
			if v.Op != ir.OpPhi {
				continue
			}
			if off, ok := b.phiin[v]; ok {
				b.storeSlot(v.Type, b.op(v.Args[j]), off)
				continue
			}
			x := b.op(v.Args[j])
			for i, p := range s.Preds {
				if p == blk {
					b.edge[[2]int{v.ID, i}] = x
				}
			}
		}
	}
}

// fissionEntry is the start of a resumable work-item function: the group's size G, the
// addresses of the work-item's state and private variables in the frames, and the dispatch on
// the resume state it is entered with.
func (b *fn) fissionEntry(first int) string {
	s := ""
	g := &Builder{Module: b.Module, ntmp: b.ntmp}
	var ls [3]string
	for d := range 3 {
		ls[d] = b.e.t.WorkItem(g, ir.LocalSize, d)
	}
	g.Line("%%Gxy = mul nuw nsw i64 %s, %s", ls[0], ls[1])
	g.Line("%%G = mul nuw nsw i64 %%Gxy, %s", ls[2])
	g.Line("%%stateoff = mul nuw nsw i64 %%li, 4")
	g.Line("%%statep = getelementptr inbounds i8, ptr %%frames, i64 %%stateoff")
	s += g.body.String()
	b.ntmp = g.ntmp
	for _, blk := range b.f.Blocks {
		for _, v := range blk.Instrs {
			if v.Op == ir.OpLocal {
				elem := v.Type.(*ir.Pointer).Elem
				base, idx, at := b.Tmp(), b.Tmp(), b.Tmp()
				s += fmt.Sprintf("  %s = mul nuw nsw i64 %%G, %d\n", base, b.local[v])
				s += fmt.Sprintf("  %s = mul nuw nsw i64 %%li, %d\n", idx, max(elem.Size(), 1))
				s += fmt.Sprintf("  %s = add nuw nsw i64 %s, %s\n", at, base, idx)
				s += fmt.Sprintf("  %s = getelementptr inbounds i8, ptr %%frames, i64 %s\n", b.names[v], at)
			}
		}
	}
	s += fmt.Sprintf("  switch i32 %%resume, label %%b%d [ i32 %d, label %%finished", first, stateDone)
	for k := 1; k <= b.nresume; k++ {
		s += fmt.Sprintf(" i32 %d, label %%resume%d", k, k)
	}
	s += " ]\nfinished:\n  ret i1 false\n"
	return s
}

// plainAtomic lowers an atomic operation on shared memory as plain loads and stores when the
// target runs a group's work-items in turn on one thread (Target.Fission, the host): no other
// thread can touch the group's shared memory, so the operation is atomic as it is. It reports
// false for what it leaves to the atomic lowering (float min and max, other spaces, other
// targets).
func (b *fn) plainAtomic(v *ir.Value) bool {
	e := b.e
	a := v.Args
	pt := a[0].Type.(*ir.Pointer)
	if !e.t.Fission || pt.Space != ir.Shared {
		return false
	}
	t := pt.Elem.(*ir.Basic)
	op := v.AtomicOp()
	if t.Kind == ir.Bool || t.IsFloat() && (op == ir.AtomicMin || op == ir.AtomicMax) {
		return false
	}
	ty := e.scalarType(t)
	ptr := e.ptrType(pt.Space) + " " + b.op(a[0])
	al := t.Size()
	d := b.names[v]
	load := func() string {
		x := b.Tmp()
		b.Line("%s = load %s, %s, align %d", x, ty, ptr, al)
		return x
	}
	store := func(x string) { b.Line("store %s %s, %s, align %d", ty, x, ptr, al) }
	switch op {
	case ir.AtomicLoad:
		b.Line("%s = load %s, %s, align %d", d, ty, ptr, al)
	case ir.AtomicStore:
		store(b.op(a[1]))
	case ir.AtomicAdd:
		old := load()
		if t.IsFloat() {
			b.Line("%s = fadd %s %s, %s", d, ty, old, b.op(a[1]))
		} else {
			b.Line("%s = add %s %s, %s", d, ty, old, b.op(a[1]))
		}
		store(d)
	case ir.AtomicAnd, ir.AtomicOr:
		old := load()
		n := b.Tmp()
		b.Line("%s = %s %s %s, %s", n, map[ir.AtomicOp]string{ir.AtomicAnd: "and", ir.AtomicOr: "or"}[op], ty, old, b.op(a[1]))
		store(n)
		b.Line("%s = add %s %s, 0", d, ty, old)
	case ir.AtomicSwap:
		b.Line("%s = load %s, %s, align %d", d, ty, ptr, al)
		store(b.op(a[1]))
	case ir.AtomicCAS:
		old := load()
		n := b.Tmp()
		b.Line("%s = icmp eq %s %s, %s", d, ty, old, b.op(a[1]))
		b.Line("%s = select i1 %s, %s %s, %s %s", n, d, ty, b.op(a[2]), ty, old)
		store(n)
	case ir.AtomicMin, ir.AtomicMax:
		pred := map[bool]map[ir.AtomicOp]string{true: {ir.AtomicMin: "slt", ir.AtomicMax: "sgt"},
			false: {ir.AtomicMin: "ult", ir.AtomicMax: "ugt"}}[t.IsSigned()][op]
		old := load()
		c, n := b.Tmp(), b.Tmp()
		b.Line("%s = icmp %s %s %s, %s", c, pred, ty, b.op(a[1]), old)
		b.Line("%s = select i1 %s, %s %s, %s %s", n, c, ty, b.op(a[1]), ty, old)
		store(n)
		b.Line("%s = add %s %s, 0", d, ty, old)
	default:
		return false
	}
	return true
}
