package passes

import (
	"fmt"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// The IR has no use lists: a pass that replaces values collects the replacements in a map and
// rewrites every operand and block control of the function once.

// replacer maps values to the values that replace them.
type replacer map[*ir.Value]*ir.Value

// get returns what v is replaced by, following chains.
func (r replacer) get(v *ir.Value) *ir.Value {
	for {
		w, ok := r[v]
		if !ok || w == v {
			return v
		}
		v = w
	}
}

// apply rewrites every operand and control of f through r.
func (r replacer) apply(f *ir.Func) {
	if len(r) == 0 {
		return
	}
	for _, b := range f.Blocks {
		for _, v := range b.Instrs {
			for i, a := range v.Args {
				v.Args[i] = r.get(a)
			}
		}
		for i, c := range b.Controls {
			b.Controls[i] = r.get(c)
		}
	}
}

// removeInstrs removes the instructions in dead from their blocks.
func removeInstrs(f *ir.Func, dead map[*ir.Value]bool) {
	if len(dead) == 0 {
		return
	}
	for _, b := range f.Blocks {
		keep := b.Instrs[:0]
		for _, v := range b.Instrs {
			if !dead[v] {
				keep = append(keep, v)
			}
		}
		clear(b.Instrs[len(keep):])
		b.Instrs = keep
	}
}

// phis returns the phis at the start of b.
func phis(b *ir.Block) []*ir.Value {
	n := 0
	for n < len(b.Instrs) && b.Instrs[n].Op == ir.OpPhi {
		n++
	}
	return b.Instrs[:n]
}

// predIndex returns the index in b.Succs[k].Preds of the edge from b to its k-th successor. Several
// edges from b to one successor (if %c, b2, b2) are in the successor's Preds in the order of b's
// Succs.
func predIndex(b *ir.Block, k int) int {
	s := b.Succs[k]
	nth := 0
	for i := range k {
		if b.Succs[i] == s {
			nth++
		}
	}
	for i, p := range s.Preds {
		if p == b {
			if nth == 0 {
				return i
			}
			nth--
		}
	}
	panic(fmt.Sprintf("geobacter: BUG: passes: b%d of %s is not a predecessor of its successor b%d", b.ID, b.Func.Name, s.ID))
}

// removePred removes b.Preds[i] and the matching operand of each of b's phis.
func removePred(b *ir.Block, i int) {
	b.Preds = append(b.Preds[:i:i], b.Preds[i+1:]...)
	for _, p := range phis(b) {
		p.Args = append(p.Args[:i:i], p.Args[i+1:]...)
	}
}

// removeSucc removes the edge from b to b.Succs[k], on both ends.
func removeSucc(b *ir.Block, k int) {
	removePred(b.Succs[k], predIndex(b, k))
	b.Succs = append(b.Succs[:k:k], b.Succs[k+1:]...)
}

// replacePreds makes every edge from old to b come from new.
func replacePreds(b, old, new *ir.Block) {
	for i, p := range b.Preds {
		if p == old {
			b.Preds[i] = new
		}
	}
}

// reachable returns the blocks reachable from f's entry.
func reachable(f *ir.Func) map[*ir.Block]bool {
	seen := map[*ir.Block]bool{f.Entry(): true}
	stack := []*ir.Block{f.Entry()}
	for len(stack) > 0 {
		b := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, s := range b.Succs {
			if !seen[s] {
				seen[s] = true
				stack = append(stack, s)
			}
		}
	}
	return seen
}

// removeUnreachable removes the blocks that cannot be reached from f's entry, and their edges into
// the blocks that can. It reports whether it removed any.
func removeUnreachable(f *ir.Func) bool {
	live := reachable(f)
	if len(live) == len(f.Blocks) {
		return false
	}
	for _, b := range f.Blocks {
		if live[b] {
			continue
		}
		for k := len(b.Succs) - 1; k >= 0; k-- {
			if live[b.Succs[k]] {
				removeSucc(b, k)
			}
		}
	}
	keep := f.Blocks[:0]
	for _, b := range f.Blocks {
		if live[b] {
			keep = append(keep, b)
		}
	}
	clear(f.Blocks[len(keep):])
	f.Blocks = keep
	return true
}

// postorder returns f's reachable blocks in postorder.
func postorder(f *ir.Func) []*ir.Block {
	var order []*ir.Block
	seen := map[*ir.Block]bool{}
	type frame struct {
		b *ir.Block
		i int
	}
	stack := []frame{{f.Entry(), 0}}
	seen[f.Entry()] = true
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.i < len(top.b.Succs) {
			s := top.b.Succs[top.i]
			top.i++
			if !seen[s] {
				seen[s] = true
				stack = append(stack, frame{s, 0})
			}
			continue
		}
		order = append(order, top.b)
		stack = stack[:len(stack)-1]
	}
	return order
}

// domTree is the dominator tree of a function's reachable blocks.
type domTree struct {
	idom     map[*ir.Block]*ir.Block // the entry's is nil
	children map[*ir.Block][]*ir.Block
}

// dominators computes f's dominator tree with the iterative algorithm of Cooper, Harvey and
// Kennedy, "A simple, fast dominance algorithm" (2001).
func dominators(f *ir.Func) *domTree {
	po := postorder(f)
	num := make(map[*ir.Block]int, len(po)) // postorder number
	for i, b := range po {
		num[b] = i
	}
	idom := make(map[*ir.Block]*ir.Block, len(po))
	entry := f.Entry()
	idom[entry] = entry
	intersect := func(a, b *ir.Block) *ir.Block {
		for a != b {
			for num[a] < num[b] {
				a = idom[a]
			}
			for num[b] < num[a] {
				b = idom[b]
			}
		}
		return a
	}
	for changed := true; changed; {
		changed = false
		for i := len(po) - 1; i >= 0; i-- {
			b := po[i]
			if b == entry {
				continue
			}
			var d *ir.Block
			for _, p := range b.Preds {
				if _, ok := idom[p]; !ok {
					continue // not yet processed, or unreachable
				}
				if d == nil {
					d = p
				} else {
					d = intersect(p, d)
				}
			}
			if d != nil && idom[b] != d {
				idom[b] = d
				changed = true
			}
		}
	}
	t := &domTree{idom: idom, children: map[*ir.Block][]*ir.Block{}}
	for i := len(po) - 1; i >= 0; i-- {
		b := po[i]
		if b != entry {
			t.children[idom[b]] = append(t.children[idom[b]], b)
		}
	}
	idom[entry] = nil
	return t
}

// spaceOf returns the space of a pointer or slice type.
func spaceOf(t ir.Type) (ir.Space, bool) {
	switch t := t.(type) {
	case *ir.Pointer:
		return t.Space, true
	case *ir.Slice:
		return t.Space, true
	}
	return 0, false
}

// withSpace returns a pointer or slice type t with its space set to s.
func withSpace(t ir.Type, s ir.Space) ir.Type {
	switch t := t.(type) {
	case *ir.Pointer:
		if t.Space == s {
			return t
		}
		return &ir.Pointer{Elem: t.Elem, Space: s}
	case *ir.Slice:
		if t.Space == s {
			return t
		}
		return &ir.Slice{Elem: t.Elem, Space: s}
	}
	panic(fmt.Sprintf("geobacter: BUG: passes: withSpace(%v)", t))
}

// isConst reports whether v is a scalar constant.
func isConst(v *ir.Value) bool { return v.Op == ir.OpConst }

// basic returns t as a *ir.Basic, or nil.
func basic(t ir.Type) *ir.Basic {
	b, _ := t.(*ir.Basic)
	return b
}

// entryInsertPoint is the index in the entry block after its params, where constants made by a
// pass go.
func entryInsertPoint(f *ir.Func) int {
	b := f.Entry()
	i := 0
	for i < len(b.Instrs) && b.Instrs[i].Op == ir.OpParam {
		i++
	}
	return i
}

// consts makes constants in a function's entry block, one per type and value.
type consts struct {
	f    *ir.Func
	made map[constKey]*ir.Value
	n    int // values made so far, placed in order after the params
}

type constKey struct {
	kind ir.BasicKind
	bits int64
}

func newConsts(f *ir.Func) *consts { return &consts{f: f, made: map[constKey]*ir.Value{}} }

// get returns a constant of type t with the given bits (normalised for t), in the entry block.
func (c *consts) get(t *ir.Basic, bits int64) *ir.Value {
	bits = normBits(t, bits)
	k := constKey{t.Kind, bits}
	if v, ok := c.made[k]; ok {
		return v
	}
	v := c.insert(ir.OpConst, t)
	v.AuxInt = bits
	c.made[k] = v
	return v
}

func (c *consts) insert(op ir.Op, t ir.Type) *ir.Value {
	e := c.f.Entry()
	v := e.InsertValue(min(entryInsertPoint(c.f)+c.n, len(e.Instrs)), op, t)
	c.n++
	return v
}

// zero returns an OpZero of type t in the entry block.
func (c *consts) zero(t ir.Type) *ir.Value {
	return c.insert(ir.OpZero, t)
}

// normBits puts bits in the canonical form of an OpConst of type t.
func normBits(t *ir.Basic, bits int64) int64 {
	switch t.Kind {
	case ir.Float32:
		return int64(uint32(bits))
	case ir.Float64:
		return bits
	}
	return ir.ConstBits(t, bits)
}
