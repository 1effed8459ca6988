package passes

import (
	"fmt"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// specialize replaces each load of a kernel's `geobacter:"const"` field given a value in
// Options.Specialize,
//
//	%2 = fieldaddr %0, 1 : ptr<args, i64>
//	%3 = load %2 : i64
//
// (where %0 is the kernel's param) with the constant. The loads are left for dce. A value for a
// field that is not const, not scalar or does not exist, or for a kernel that is not in the module,
// is an error: the caller's bug. With Options.GroupSize, the kernels' LocalSize queries become
// constants too.
func specialize(s *state) error {
	byKernel := map[string]map[int]int64{}
	for _, c := range s.opts.Specialize {
		f := s.m.Func(c.Kernel)
		if f == nil || !f.Kernel {
			return fmt.Errorf("a value is given for a const field of %s, which is not a kernel of the module", c.Kernel)
		}
		args := f.ArgsType()
		if args == nil || c.Field < 0 || c.Field >= len(args.Fields) {
			return fmt.Errorf("a value is given for field %d of %s's arguments, which has no such field", c.Field, c.Kernel)
		}
		fd := args.Fields[c.Field]
		if !fd.Const {
			return fmt.Errorf("a value is given for field %s of %s's arguments, which is not tagged geobacter:\"const\"", fd.Name, c.Kernel)
		}
		if basic(fd.Type) == nil {
			return fmt.Errorf("a value is given for field %s of %s's arguments, of type %v: only scalars can be specialised", fd.Name, c.Kernel, fd.Type)
		}
		vals := byKernel[c.Kernel]
		if vals == nil {
			vals = map[int]int64{}
			byKernel[c.Kernel] = vals
		}
		if _, dup := vals[c.Field]; dup {
			return fmt.Errorf("two values are given for field %s of %s's arguments", fd.Name, c.Kernel)
		}
		vals[c.Field] = c.Bits
	}
	for _, f := range s.m.Kernels() {
		if vals := byKernel[f.Name]; len(vals) > 0 {
			specializeKernel(f, vals)
		}
	}
	if g := s.opts.GroupSize; g != [3]int64{} {
		for _, d := range g {
			if d < 1 {
				return fmt.Errorf("group size %v: each dimension must be at least 1", g)
			}
		}
		for _, f := range s.m.Kernels() {
			specializeGroup(f, g)
		}
	}
	return nil
}

// specializeGroup replaces kernel f's LocalSize queries in a constant dimension with the group
// size g.
func specializeGroup(f *ir.Func, g [3]int64) {
	cs := newConsts(f)
	r := replacer{}
	for _, b := range f.Blocks {
		for _, v := range b.Instrs {
			if v.Op == ir.OpIntrinsic && v.Intrinsic() == ir.LocalSize && v.Args[0].Op == ir.OpConst {
				if d := v.Args[0].AuxInt; d >= 0 && d < 3 {
					r[v] = cs.get(v.Type.(*ir.Basic), g[d])
				}
			}
		}
	}
	r.apply(f)
}

func specializeKernel(f *ir.Func, vals map[int]int64) {
	args := f.ArgsType()
	param := f.Params[0]
	cs := newConsts(f)
	r := replacer{}
	for _, b := range f.Blocks {
		for _, v := range b.Instrs {
			if v.Op != ir.OpLoad {
				continue
			}
			fa := v.Args[0]
			if fa.Op != ir.OpFieldAddr || fa.Args[0] != param {
				continue
			}
			bits, ok := vals[int(fa.AuxInt)]
			if !ok {
				continue
			}
			t := basic(args.Fields[fa.AuxInt].Type)
			if t == nil || !ir.Identical(t, v.Type) {
				panic(fmt.Sprintf("geobacter: BUG: passes: a load of field %d of %s has type %v", fa.AuxInt, f.Name, v.Type))
			}
			r[v] = cs.get(t, bits)
		}
	}
	r.apply(f)
}
