package passes

import "github.com/geobacter-go/geobacter/internal/ir"

// checks removes every check (checkbounds, checknil, checkdivide, checkshift) with
// Options.Unchecked. Otherwise it removes each check dominated by one that checks the same thing:
// the same op on the same operands, where for checkbounds all the slice kinds (0 <= x <= y) are
// one condition, implied also by an index check (0 <= x < y) of the same operands. A dominating
// check that passed means the dominated one passes; one that failed stopped the work-item.
func checks(s *state, f *ir.Func) error {
	dead := map[*ir.Value]bool{}
	if s.opts.Unchecked {
		for _, b := range f.Blocks {
			for _, v := range b.Instrs {
				if v.Op.IsCheck() {
					dead[v] = true
				}
			}
		}
		removeInstrs(f, dead)
		return nil
	}
	type key struct {
		op    ir.Op
		slice bool // checkbounds of a slice kind: x <= y
		x, y  *ir.Value
	}
	keyOf := func(v *ir.Value) key {
		k := key{op: v.Op, x: v.Args[0]}
		if v.Op == ir.OpCheckBounds {
			k.y = v.Args[1]
			k.slice = v.BoundsKind() != ir.BoundsIndex
		}
		return k
	}
	avail := map[key]bool{}
	dom := dominators(f)
	var walk func(b *ir.Block)
	walk = func(b *ir.Block) {
		var added []key
		for _, v := range b.Instrs {
			if !v.Op.IsCheck() {
				continue
			}
			k := keyOf(v)
			implied := avail[k]
			if k.slice {
				index := k
				index.slice = false
				implied = implied || avail[index]
			}
			if implied {
				dead[v] = true
				continue
			}
			avail[k] = true
			added = append(added, k)
		}
		for _, c := range dom.children[b] {
			walk(c)
		}
		for _, k := range added {
			delete(avail, k)
		}
	}
	walk(f.Entry())
	removeInstrs(f, dead)
	return nil
}
