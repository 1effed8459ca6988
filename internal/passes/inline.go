package passes

import (
	"fmt"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// inline inlines every call reachable from a kernel, recursively, then drops every function that
// is not a kernel: afterwards no kernel calls anything. Recursion, direct or through other
// functions, is an error at each call that closes a cycle; a call to a function without a body is
// an error at the call.
//
// Callees are inlined bottom-up, each function's own calls first, so each call site receives a
// call-free body. A call
//
//	b0: ...; %r = call @g(%a, %b); rest
//
// becomes b0 ending in a jump to a copy of g's blocks (fresh values and blocks; g's params replaced
// by the arguments), whose returns jump to a continuation block holding rest, with a phi per result
// when g returns in several places. The results of a call returning a tuple replace its extracts.
// A shared variable gets a new number (OpShared's AuxInt) in every copy: in the IR one number is
// one variable, and a function that calls kernel.Shared makes a new variable at each of its calls,
// as on the `go` device, which matches Shared calls by their order. (The frontend makes sure such
// functions are called unconditionally, outside loops.)
func inline(s *state) error {
	m := s.m
	s.nextShared = 0
	for _, f := range m.Funcs {
		for _, b := range f.Blocks {
			for _, v := range b.Instrs {
				if v.Op == ir.OpShared {
					s.nextShared = max(s.nextShared, v.AuxInt+1)
				}
			}
		}
	}
	kernels := m.Kernels()
	if errs := findRecursion(kernels); len(errs) > 0 {
		return errs
	}
	done := map[*ir.Func]bool{}
	var expand func(f *ir.Func)
	expand = func(f *ir.Func) {
		if done[f] {
			return
		}
		done[f] = true
		for _, b := range f.Blocks {
			for _, v := range b.Instrs {
				if v.Op == ir.OpCall {
					expand(v.Callee())
				}
			}
		}
		inlineCalls(s, f)
	}
	for _, k := range kernels {
		expand(k)
	}
	m.Funcs = kernels
	return nil
}

// findRecursion reports every call, in the functions reachable from the kernels, that closes a
// cycle of calls, and every call to a function without a body.
func findRecursion(kernels []*ir.Func) ErrorList {
	const (
		unseen = iota
		active // on the current path of calls
		done
	)
	state := map[*ir.Func]int{}
	var errs ErrorList
	var visit func(f *ir.Func)
	visit = func(f *ir.Func) {
		state[f] = active
		for _, b := range f.Blocks {
			for _, v := range b.Instrs {
				if v.Op != ir.OpCall {
					continue
				}
				g := v.Callee()
				switch {
				case g == nil:
					panic(fmt.Sprintf("geobacter: BUG: passes: a call in %s has no callee", f.Name))
				case len(g.Blocks) == 0:
					errs = append(errs, &Error{Pos: v.Pos, Msg: fmt.Sprintf(
						"call to %s, which has no body: kernels can only call functions with a Go body", g.Name)})
				case state[g] == active:
					errs = append(errs, &Error{Pos: v.Pos, Msg: fmt.Sprintf(
						"recursive call to %s: kernels cannot recurse on every device; rewrite it as a loop", g.Name)})
				case state[g] == unseen:
					visit(g)
				}
			}
		}
		state[f] = done
	}
	for _, k := range kernels {
		if state[k] == unseen {
			visit(k)
		}
	}
	errs.sort()
	return errs
}

// inlineCalls inlines every call in f, whose callees have no calls left.
func inlineCalls(s *state, f *ir.Func) {
	inlined := false
	for bi := 0; bi < len(f.Blocks); bi++ {
		b := f.Blocks[bi]
		for i := 0; i < len(b.Instrs); i++ {
			if v := b.Instrs[i]; v.Op == ir.OpCall {
				inlineCall(s, f, bi, i)
				inlined = true
				break // b now ends at the call; its rest is in the continuation, a later block
			}
		}
	}
	if inlined {
		// A callee that never returns leaves its continuation unreachable.
		removeUnreachable(f)
	}
}

// inlineCall inlines the call f.Blocks[bi].Instrs[i].
func inlineCall(s *state, f *ir.Func, bi, i int) {
	b := f.Blocks[bi]
	call := b.Instrs[i]
	g := call.Callee()
	if len(call.Args) != len(g.Params) {
		panic(fmt.Sprintf("geobacter: BUG: passes: call to %s in %s has %d arguments for %d params",
			g.Name, f.Name, len(call.Args), len(g.Params)))
	}
	firstNew := len(f.Blocks)

	// Copy g's blocks and values. Operands are set once every value exists: a phi can use a value
	// defined in a later block.
	bmap := make(map[*ir.Block]*ir.Block, len(g.Blocks))
	vmap := make(map[*ir.Value]*ir.Value)
	for j, p := range g.Params {
		vmap[p] = call.Args[j]
	}
	for _, gb := range g.Blocks {
		bmap[gb] = f.NewBlock()
	}
	for _, gb := range g.Blocks {
		nb := bmap[gb]
		for _, v := range gb.Instrs {
			if v.Op == ir.OpParam {
				continue
			}
			nv := nb.NewValue(v.Op, v.Type)
			nv.AuxInt, nv.Aux, nv.Pos = v.AuxInt, v.Aux, v.Pos
			if v.Op == ir.OpShared {
				nv.AuxInt = s.nextShared
				s.nextShared++
			}
			vmap[v] = nv
		}
	}
	mapValue := func(v *ir.Value) *ir.Value {
		w, ok := vmap[v]
		if !ok {
			panic(fmt.Sprintf("geobacter: BUG: passes: %s uses a value that is not its own", g.Name))
		}
		return w
	}
	mapValues := func(vs []*ir.Value) []*ir.Value {
		if len(vs) == 0 {
			return nil
		}
		out := make([]*ir.Value, len(vs))
		for k, v := range vs {
			out[k] = mapValue(v)
		}
		return out
	}
	for _, gb := range g.Blocks {
		nb := bmap[gb]
		for _, v := range gb.Instrs {
			if v.Op != ir.OpParam {
				vmap[v].Args = mapValues(v.Args)
			}
		}
		nb.Kind, nb.Controls, nb.Msg, nb.Pos = gb.Kind, mapValues(gb.Controls), gb.Msg, gb.Pos
		for _, s := range gb.Succs {
			nb.Succs = append(nb.Succs, bmap[s])
		}
		for _, p := range gb.Preds {
			nb.Preds = append(nb.Preds, bmap[p])
		}
	}

	// The continuation takes what follows the call, and b's terminator.
	cont := f.NewBlock()
	cont.Instrs = append(cont.Instrs, b.Instrs[i+1:]...)
	for _, v := range cont.Instrs {
		v.Block = cont
	}
	clear(b.Instrs[i:])
	b.Instrs = b.Instrs[:i]
	cont.Kind, cont.Controls, cont.Succs, cont.Msg, cont.Pos = b.Kind, b.Controls, b.Succs, b.Msg, b.Pos
	for _, s := range cont.Succs {
		replacePreds(s, b, cont)
	}
	b.Kind, b.Controls, b.Succs, b.Msg = ir.BlockInvalid, nil, nil, ""
	b.Jump(bmap[g.Entry()])

	// Returns jump to the continuation; their values become the call's results.
	var rets [][]*ir.Value
	for _, gb := range g.Blocks {
		nb := bmap[gb]
		if nb.Kind != ir.BlockReturn {
			continue
		}
		rets = append(rets, nb.Controls)
		nb.Kind, nb.Controls, nb.Succs = ir.BlockJump, nil, []*ir.Block{cont}
		cont.Preds = append(cont.Preds, nb)
	}
	var types []ir.Type
	switch t := g.Result.(type) {
	case nil:
	case *ir.Tuple:
		types = t.Types
	default:
		if t != ir.Void {
			types = []ir.Type{t}
		}
	}
	results := make([]*ir.Value, len(types))
	for k, t := range types {
		switch len(rets) {
		case 0: // g never returns: cont is unreachable and goes away
			results[k] = cont.InsertValue(k, ir.OpZero, t)
		case 1:
			results[k] = rets[0][k]
		default:
			phi := cont.InsertValue(k, ir.OpPhi, t)
			for _, r := range rets {
				phi.Args = append(phi.Args, r[k])
			}
			results[k] = phi
		}
	}

	// The call's uses take the results.
	r := replacer{}
	if _, ok := g.Result.(*ir.Tuple); ok {
		dead := map[*ir.Value]bool{}
		for _, blk := range f.Blocks {
			for _, v := range blk.Instrs {
				for _, a := range v.Args {
					if a != call {
						continue
					}
					if v.Op != ir.OpExtract || v.AuxInt < 0 || int(v.AuxInt) >= len(results) {
						panic(fmt.Sprintf("geobacter: BUG: passes: the tuple of a call to %s is used by %v", g.Name, v.Op))
					}
					r[v] = results[v.AuxInt]
					dead[v] = true
				}
			}
		}
		removeInstrs(f, dead)
	} else if len(results) == 1 {
		r[call] = results[0]
	}
	r.apply(f)

	// Lay the new blocks out after b: the callee's, then the continuation.
	added := append([]*ir.Block(nil), f.Blocks[firstNew:]...)
	rest := append([]*ir.Block(nil), f.Blocks[bi+1:firstNew]...)
	f.Blocks = append(append(f.Blocks[:bi+1], added...), rest...)
}
