package passes

import (
	"fmt"
	"strings"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// inferSpaces gives pointers and slices in the Generic space the concrete space they point into,
// where every way they are made agrees on one. The frontend makes values Generic where they flow
// into a function's params and results and into phis of pointers from different spaces, with a
// spacecast; after inlining most of them come from one place:
//
//	%5 = load %4 : slice<global, f32>
//	%6 = spacecast %5 : slice<generic, f32>
//	%7 = indexaddr %6, %2 : ptr<generic, f32>
//
// becomes %7 = indexaddr %5, %2 : ptr<global, f32>, the cast gone. The space of a Generic value is
// its operand's for spacecast, fieldaddr, indexaddr, slice and sliceptr, the one space of its
// operands for a phi (a phi of two spaces stays Generic), any for a zero (nil), and Generic for
// anything else (a load of a pointer held in Generic memory). Locals are Private and shared
// variables Shared by their types already, as the argument struct is Args and the buffers it holds
// Global.
//
// Where a value whose type became concrete flows somewhere that still wants the Generic type (a
// phi that stays Generic, a store into Generic memory, a comparison with a Generic pointer), a
// spacecast to Generic is put back; a nil flowing there is replaced by a nil of the wanted type.
func inferSpaces(_ *state, f *ir.Func) error {
	const (
		top     = ir.Space(0xff) // not known yet, or a nil pointer: compatible with every space
		generic = ir.Generic
	)
	meet := func(a, b ir.Space) ir.Space {
		switch {
		case a == top:
			return b
		case b == top, a == b:
			return a
		}
		return generic
	}

	// The values to infer: those of Generic pointer or slice type. The rest have their type's space.
	space := map[*ir.Value]ir.Space{}
	var infer []*ir.Value
	for _, b := range f.Blocks {
		for _, v := range b.Instrs {
			if s, ok := spaceOf(v.Type); ok && s == generic {
				space[v] = top
				infer = append(infer, v)
			}
		}
	}
	if len(infer) == 0 {
		return nil
	}
	spaceOfValue := func(v *ir.Value) ir.Space {
		if s, ok := space[v]; ok {
			return s
		}
		s, _ := spaceOf(v.Type)
		return s
	}
	for changed := true; changed; {
		changed = false
		for _, v := range infer {
			var s ir.Space
			switch v.Op {
			case ir.OpSpaceCast, ir.OpFieldAddr, ir.OpIndexAddr, ir.OpSlice, ir.OpSlicePtr:
				s = spaceOfValue(v.Args[0])
			case ir.OpPhi:
				s = top
				for _, a := range v.Args {
					s = meet(s, spaceOfValue(a))
				}
			case ir.OpZero:
				s = top
			default:
				s = generic
			}
			if s != space[v] {
				space[v] = s
				changed = true
			}
		}
	}

	// Retype.
	retyped := false
	for _, v := range infer {
		if s := space[v]; s != top && s != generic {
			if v.Op == ir.OpZero {
				continue // a nil takes the type each use wants, below
			}
			v.Type = withSpace(v.Type, s)
			retyped = true
		}
	}
	if !retyped {
		return nil
	}

	// Casts that now cast to their operand's own type go; where a use still wants a Generic type,
	// cast back.
	r := replacer{}
	for _, b := range f.Blocks {
		for _, v := range b.Instrs {
			if v.Op == ir.OpSpaceCast && ir.Identical(v.Type, v.Args[0].Type) {
				r[v] = v.Args[0]
			}
		}
	}
	r.apply(f)
	removeInstrs(f, deadKeys(r))
	fixSpaceUses(f)
	return argsWrites(f)
}

// argsField names the part of the argument struct a pointer into it points to, as the frontend
// does: "field X.Y", or "the whole struct".
func argsField(p *ir.Value) string {
	var path []string
	for {
		switch p.Op {
		case ir.OpSpaceCast, ir.OpIndexAddr:
			p = p.Args[0]
			continue
		case ir.OpFieldAddr:
			if st, ok := p.Args[0].Type.(*ir.Pointer); ok {
				if s, ok := st.Elem.(*ir.Struct); ok && int(p.AuxInt) < len(s.Fields) {
					path = append([]string{s.Fields[p.AuxInt].Name}, path...)
				}
			}
			p = p.Args[0]
			continue
		}
		break
	}
	if len(path) == 0 {
		return "the whole struct"
	}
	return "field " + strings.Join(path, ".")
}

// argsWrites reports the writes through pointers into the kernel's argument struct that inference
// uncovered: a helper or method that writes to a field of the struct it was given. (The frontend
// reports those it sees in the kernel method itself.)
func argsWrites(f *ir.Func) error {
	var errs ErrorList
	inArgs := func(v *ir.Value) bool {
		s, ok := spaceOf(v.Type)
		return ok && s == ir.Args
	}
	for _, b := range f.Blocks {
		for _, v := range b.Instrs {
			write := v.Op == ir.OpStore || v.Op == ir.OpAtomic && v.AtomicOp() != ir.AtomicLoad
			if write && inArgs(v.Args[0]) {
				errs = append(errs, &Error{Pos: v.Pos, Msg: "the kernel writes to its argument struct (" + argsField(v.Args[0]) +
					"); arguments are read-only, write through a slice instead"})
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	errs.sort()
	return errs
}

func deadKeys(r replacer) map[*ir.Value]bool {
	dead := make(map[*ir.Value]bool, len(r))
	for v := range r {
		dead[v] = true
	}
	return dead
}

// fixSpaceUses puts a spacecast (or a nil of the wanted type) wherever a value of a pointer or
// slice type flows where a type differing only in space is wanted.
func fixSpaceUses(f *ir.Func) {
	cs := newConsts(f)
	zeros := map[string]*ir.Value{}
	// fix returns x as a value of type want, made before instruction index at of block b.
	fix := func(x *ir.Value, want ir.Type, b *ir.Block, at int) (*ir.Value, bool) {
		if ir.Identical(x.Type, want) {
			return x, false
		}
		if _, ok := spaceOf(want); !ok {
			panic(fmt.Sprintf("geobacter: BUG: passes: %s: a %v flows where %v is wanted", f.Name, x.Type, want))
		}
		if x.Op == ir.OpZero {
			z := zeros[want.String()]
			if z == nil {
				z = cs.zero(want)
				zeros[want.String()] = z
			}
			return z, true
		}
		c := b.InsertValue(at, ir.OpSpaceCast, want, x)
		return c, true
	}
	for _, b := range f.Blocks {
		for i := 0; i < len(b.Instrs); i++ {
			v := b.Instrs[i]
			switch v.Op {
			case ir.OpPhi:
				for k, a := range v.Args {
					p := b.Preds[k]
					if w, ok := fix(a, v.Type, p, len(p.Instrs)); ok {
						v.Args[k] = w
					}
				}
			case ir.OpStore:
				elem := v.Args[0].Type.(*ir.Pointer).Elem
				if w, ok := fix(v.Args[1], elem, b, i); ok {
					v.Args[1] = w
					i = indexOf(b, v)
				}
			case ir.OpEq, ir.OpNe:
				x, y := v.Args[0], v.Args[1]
				if ir.Identical(x.Type, y.Type) {
					break
				}
				var want ir.Type
				switch {
				case x.Op == ir.OpZero:
					want = y.Type
				case y.Op == ir.OpZero:
					want = x.Type
				default:
					want = withSpace(x.Type, ir.Generic)
				}
				for k := range v.Args {
					if w, ok := fix(v.Args[k], want, b, i); ok {
						v.Args[k] = w
						i = indexOf(b, v)
					}
				}
			case ir.OpCall:
				for k, a := range v.Args {
					if w, ok := fix(a, v.Callee().Params[k].Type, b, i); ok {
						v.Args[k] = w
						i = indexOf(b, v)
					}
				}
			}
		}
		if b.Kind == ir.BlockReturn {
			want := []ir.Type{f.Result}
			if t, ok := f.Result.(*ir.Tuple); ok {
				want = t.Types
			}
			for k, c := range b.Controls {
				if w, ok := fix(c, want[k], b, len(b.Instrs)); ok {
					b.Controls[k] = w
				}
			}
		}
	}
}

// indexOf returns the index of v in its block.
func indexOf(b *ir.Block, v *ir.Value) int {
	for i, w := range b.Instrs {
		if w == v {
			return i
		}
	}
	panic("geobacter: BUG: passes: a value is not in its block")
}
