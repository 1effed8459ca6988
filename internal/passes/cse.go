package passes

import (
	"strconv"
	"strings"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// cse removes common subexpressions: an instruction that computes what an instruction dominating
// it computed already (the same op, type, aux fields and operands) is replaced by that one. Only
// pure instructions take part: those without side effects that give the same result wherever they
// run in a work-item (arithmetic, conversions, addresses, len, work-item ids, math intrinsics) and
// loads from the argument struct, which is read-only. Other loads, locals and shared variables
// (each a new variable) and phis do not.
//
// Constants are first moved to the entry block, so that each constant is made once: inlining
// leaves one copy per call site, and checks on equal constants only look identical to the checks
// pass when they are one value.
func cse(_ *state, f *ir.Func) error {
	hoistConsts(f)
	dom := dominators(f)
	avail := map[string]*ir.Value{}
	r := replacer{}
	dead := map[*ir.Value]bool{}
	var key strings.Builder
	var walk func(b *ir.Block)
	walk = func(b *ir.Block) {
		var added []string
		for _, v := range b.Instrs {
			for i, a := range v.Args {
				v.Args[i] = r.get(a)
			}
			if !pure(v) {
				continue
			}
			key.Reset()
			key.WriteString(v.Op.String())
			key.WriteString(" ")
			key.WriteString(v.Type.String())
			key.WriteString(" ")
			key.WriteString(strconv.FormatInt(v.AuxInt, 10))
			for _, a := range v.Args {
				key.WriteString(" ")
				key.WriteString(strconv.Itoa(a.ID))
			}
			k := key.String()
			if w, ok := avail[k]; ok {
				r[v] = w
				dead[v] = true
				continue
			}
			avail[k] = v
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
	r.apply(f)
	removeInstrs(f, dead)
	return nil
}

// pure reports whether v may be replaced by an equal instruction that dominates it.
func pure(v *ir.Value) bool {
	switch v.Op {
	case ir.OpParam, ir.OpPhi, ir.OpLocal, ir.OpShared, ir.OpCall, ir.OpExtract:
		return false
	case ir.OpLoad:
		return isArgsPointer(v.Args[0])
	case ir.OpIntrinsic:
		return v.Intrinsic() != ir.Barrier
	}
	return v.Type != ir.Void && !v.Op.HasSideEffects()
}

// hoistConsts moves f's constants to its entry block, after the params.
func hoistConsts(f *ir.Func) {
	var consts []*ir.Value
	for _, b := range f.Blocks {
		keep := b.Instrs[:0]
		for _, v := range b.Instrs {
			if v.Op == ir.OpConst {
				consts = append(consts, v)
				v.Block = f.Entry()
			} else {
				keep = append(keep, v)
			}
		}
		clear(b.Instrs[len(keep):])
		b.Instrs = keep
	}
	e := f.Entry()
	at := entryInsertPoint(f)
	e.Instrs = append(e.Instrs[:at], append(consts, e.Instrs[at:]...)...)
}
