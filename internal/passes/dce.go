package passes

import "github.com/geobacter-go/geobacter/internal/ir"

// dce removes f's unreachable blocks (and their edges into reachable ones, with the phi operands
// of those edges), then its dead stores to locals (stores into a local that is never read, nor its
// address used otherwise), then every instruction whose result is unused and that has no side
// effect. Params stay. The side effects are those of ir.Op.HasSideEffects, except that only the
// barrier among the intrinsics has one: the others compute a value and cannot panic.
func dce(_ *state, f *ir.Func) error {
	removeUnreachable(f)
	removeDeadLocals(f)
	live := map[*ir.Value]bool{}
	var work []*ir.Value
	mark := func(v *ir.Value) {
		if !live[v] {
			live[v] = true
			work = append(work, v)
		}
	}
	for _, b := range f.Blocks {
		for _, v := range b.Instrs {
			if v.Op == ir.OpParam || hasSideEffects(v) {
				mark(v)
			}
		}
		for _, c := range b.Controls {
			mark(c)
		}
	}
	for len(work) > 0 {
		v := work[len(work)-1]
		work = work[:len(work)-1]
		for _, a := range v.Args {
			mark(a)
		}
	}
	dead := map[*ir.Value]bool{}
	for _, b := range f.Blocks {
		for _, v := range b.Instrs {
			if !live[v] {
				dead[v] = true
			}
		}
	}
	removeInstrs(f, dead)
	return nil
}

// hasSideEffects reports whether v must stay even when its result is unused.
func hasSideEffects(v *ir.Value) bool {
	if v.Op == ir.OpIntrinsic {
		return v.Intrinsic() == ir.Barrier
	}
	return v.Op.HasSideEffects()
}

// removeDeadLocals removes the locals of f that are only written: each local whose address, and
// the addresses of its fields and elements, are used only as the address of a store or by a
// checknil, with those stores and checks.
func removeDeadLocals(f *ir.Func) {
	users := map[*ir.Value][]*ir.Value{}
	inControl := map[*ir.Value]bool{}
	var locals []*ir.Value
	for _, b := range f.Blocks {
		for _, v := range b.Instrs {
			if v.Op == ir.OpLocal {
				locals = append(locals, v)
			}
			for _, a := range v.Args {
				users[a] = append(users[a], v)
			}
		}
		for _, c := range b.Controls {
			inControl[c] = true
		}
	}
	dead := map[*ir.Value]bool{}
	for _, l := range locals {
		set := map[*ir.Value]bool{}
		if onlyWritten(l, users, inControl, set) {
			for v := range set {
				dead[v] = true
			}
		}
	}
	removeInstrs(f, dead)
}

// onlyWritten reports whether the address p is only stored through, and adds p and its users to
// set.
func onlyWritten(p *ir.Value, users map[*ir.Value][]*ir.Value, inControl map[*ir.Value]bool, set map[*ir.Value]bool) bool {
	if inControl[p] {
		return false
	}
	set[p] = true
	for _, u := range users[p] {
		switch {
		case set[u]:
			// A value that uses p twice.
		case u.Op == ir.OpStore && u.Args[0] == p && u.Args[1] != p:
			set[u] = true
		case u.Op == ir.OpCheckNil:
			set[u] = true
		case (u.Op == ir.OpFieldAddr || u.Op == ir.OpIndexAddr || u.Op == ir.OpSpaceCast) && u.Args[0] == p:
			if !onlyWritten(u, users, inControl, set) {
				return false
			}
		default:
			return false
		}
	}
	return true
}
