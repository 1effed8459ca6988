package spirv

import (
	"github.com/geobacter-go/geobacter/internal/ir"
)

// A Workgroup variable has one type, and SPIR-V's compare-exchange works on integers only: a
// shared variable on whose floats the kernel does an atomic operation that needs a
// compare-exchange loop (min and max, and add without the target's atomic float add for shared
// memory) holds every float as the integer of its bits (its "ints" type), converted with
// OpBitcast at each load and store.

// sharedFloatCAS returns the shared variables (by OpShared's AuxInt) that need the ints type.
func sharedFloatCAS(f *ir.Func, t *Target) map[int64]bool {
	r := map[int64]bool{}
	for _, b := range f.Blocks {
		for _, v := range b.Instrs {
			if v.Op != ir.OpAtomic {
				continue
			}
			et, ok := v.Args[0].Type.(*ir.Pointer).Elem.(*ir.Basic)
			if !ok || !et.IsFloat() {
				continue
			}
			switch v.AtomicOp() {
			case ir.AtomicAdd:
				if et.Kind == ir.Float32 && t.AtomicFloat32AddShared || et.Kind == ir.Float64 && t.AtomicFloat64AddShared {
					continue
				}
			case ir.AtomicMin, ir.AtomicMax, ir.AtomicCAS:
			default:
				continue
			}
			if n, ok := sharedRoot(v.Args[0], map[*ir.Value]bool{}); ok {
				r[n] = true
			}
		}
	}
	return r
}

// sharedRoot returns the shared variable a pointer is derived from.
func sharedRoot(p *ir.Value, seen map[*ir.Value]bool) (int64, bool) {
	if seen[p] {
		return 0, false
	}
	seen[p] = true
	switch p.Op {
	case ir.OpShared:
		return p.AuxInt, true
	case ir.OpFieldAddr, ir.OpIndexAddr, ir.OpSlicePtr, ir.OpSlice, ir.OpSpaceCast:
		return sharedRoot(p.Args[0], seen)
	case ir.OpPhi:
		for _, a := range p.Args {
			if n, ok := sharedRoot(a, seen); ok {
				return n, true
			}
		}
	}
	return 0, false
}

// intsType is t with every float replaced by the unsigned integer of its width.
func (e *emitter) intsType(t ir.Type) uint32 {
	m := e.m
	switch t := t.(type) {
	case *ir.Basic:
		if t.IsFloat() {
			if t.Kind == ir.Float64 {
				e.scalar(t) // the capability check
			}
			return m.intType(t.Bits())
		}
		return e.valType(t)
	case *ir.Array:
		return m.typ(OpTypeArray, e.intsType(t.Elem), m.constU32(uint32(t.Len)))
	case *ir.Struct:
		var ms []uint32
		for _, f := range t.Fields {
			ms = append(ms, e.intsType(f.Type))
		}
		id, _ := m.typeOrConst("I"+t.String(), OpTypeStruct, ms...)
		return id
	}
	return e.valType(t)
}

func hasFloat(t ir.Type) bool {
	switch t := t.(type) {
	case *ir.Basic:
		return t.IsFloat()
	case *ir.Array:
		return hasFloat(t.Elem)
	case *ir.Struct:
		for _, f := range t.Fields {
			if hasFloat(f.Type) {
				return true
			}
		}
	}
	return false
}

// fromInts converts x of t's ints type to t's plain type; toInts the other way.
func (e *emitter) fromInts(t ir.Type, x uint32) uint32 { return e.convertInts(t, x, true) }
func (e *emitter) toInts(t ir.Type, x uint32) uint32   { return e.convertInts(t, x, false) }

func (e *emitter) convertInts(t ir.Type, x uint32, from bool) uint32 {
	if !hasFloat(t) {
		return x
	}
	fn := e.fn
	to := e.intsType(t)
	if from {
		to = e.valType(t)
	}
	src := func(t ir.Type) uint32 {
		if from {
			return e.intsType(t)
		}
		return e.valType(t)
	}
	var parts []uint32
	switch t := t.(type) {
	case *ir.Basic:
		return fn.op(OpBitcast, to, x)
	case *ir.Array:
		for i := range t.Len {
			parts = append(parts, e.convertInts(t.Elem, fn.op(OpCompositeExtract, src(t.Elem), x, uint32(i)), from))
		}
	case *ir.Struct:
		for i, f := range t.Fields {
			parts = append(parts, e.convertInts(f.Type, fn.op(OpCompositeExtract, src(f.Type), x, uint32(i)), from))
		}
	}
	return fn.op(OpCompositeConstruct, to, parts...)
}
