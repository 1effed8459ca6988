package passes

import (
	"math/big"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// computeAccess sets f.Access for a kernel: for each field of its argument struct that refers to
// memory (a slice or a pointer, or an array or struct holding some), whether the kernel reads
// and whether it writes that memory. Other fields get AccessNone.
//
// A reference to a field's memory is a value loaded from the field (through fieldaddr and
// indexaddr of the argument pointer), and anything derived from one by fieldaddr, indexaddr,
// slice, sliceptr, field, index, spacecast and phi. Through such a reference, load is a read,
// store a write, an atomic load a read, an atomic store a write and any other atomic both; copy
// writes its destination and reads its source. A reference stored into memory, or loaded from a
// buffer, may refer to any memory: the analysis then assumes every memory field may be accessed
// so through it. It runs after inlining; a call left in the kernel reads and writes the memory
// of every reference passed to it.
func computeAccess(_ *state, f *ir.Func) error {
	if !f.Kernel {
		return nil
	}
	args := f.ArgsType()
	if args == nil {
		return nil
	}
	n := len(args.Fields)
	mem := new(big.Int) // the fields that hold memory
	for i, fd := range args.Fields {
		if holdsMemory(fd.Type) {
			mem.SetBit(mem, i, 1)
		}
	}
	read, write := new(big.Int), new(big.Int)

	// in: for pointers into the argument struct, the fields they point into; refs: for references,
	// the fields whose memory they may refer to. escaped: fields whose references went into memory,
	// where a load may find them again.
	in := map[*ir.Value]*big.Int{}
	refs := map[*ir.Value]*big.Int{}
	escaped := new(big.Int)
	get := func(m map[*ir.Value]*big.Int, v *ir.Value) *big.Int {
		if s, ok := m[v]; ok {
			return s
		}
		return new(big.Int)
	}
	// add adds s to m[v] and reports whether it grew.
	add := func(m map[*ir.Value]*big.Int, v *ir.Value, s *big.Int) bool {
		if s.Sign() == 0 {
			return false
		}
		old := get(m, v)
		u := new(big.Int).Or(old, s)
		if u.Cmp(old) == 0 {
			return false
		}
		m[v] = u
		return true
	}
	param := f.Params[0]
	for changed := true; changed; {
		changed = false
		grow := func(m map[*ir.Value]*big.Int, v *ir.Value, s *big.Int) {
			if add(m, v, s) {
				changed = true
			}
		}
		mark := func(set, s *big.Int) {
			u := new(big.Int).Or(set, s)
			if u.Cmp(set) != 0 {
				set.Set(u)
				changed = true
			}
		}
		for _, b := range f.Blocks {
			for _, v := range b.Instrs {
				switch v.Op {
				case ir.OpFieldAddr, ir.OpIndexAddr:
					base := v.Args[0]
					if v.Op == ir.OpFieldAddr && base == param {
						grow(in, v, new(big.Int).SetBit(new(big.Int), int(v.AuxInt), 1))
					} else {
						grow(in, v, get(in, base))
					}
					grow(refs, v, get(refs, base))
				case ir.OpSlice, ir.OpSlicePtr, ir.OpField, ir.OpIndex, ir.OpSpaceCast:
					grow(refs, v, get(refs, v.Args[0]))
					grow(in, v, get(in, v.Args[0]))
				case ir.OpPhi:
					for _, a := range v.Args {
						grow(refs, v, get(refs, a))
						grow(in, v, get(in, a))
					}
				case ir.OpLoad:
					p := v.Args[0]
					mark(read, get(refs, p))
					if holdsMemory(v.Type) {
						// Loaded from the argument struct: the fields it was in. Loaded from
						// memory: what was stored there, and from a buffer anything.
						grow(refs, v, get(in, p))
						if !isArgsPointer(p) {
							grow(refs, v, escaped)
							if get(refs, p).Sign() != 0 {
								grow(refs, v, mem)
							}
						}
					}
				case ir.OpStore:
					mark(write, get(refs, v.Args[0]))
					mark(escaped, get(refs, v.Args[1]))
				case ir.OpAtomic:
					p := get(refs, v.Args[0])
					switch v.AtomicOp() {
					case ir.AtomicLoad:
						mark(read, p)
					case ir.AtomicStore:
						mark(write, p)
					default:
						mark(read, p)
						mark(write, p)
					}
				case ir.OpCopy:
					mark(write, get(refs, v.Args[0]))
					mark(read, get(refs, v.Args[1]))
					if holdsMemory(v.Args[1].Type.(*ir.Slice).Elem) {
						mark(escaped, get(refs, v.Args[1]))
					}
				case ir.OpCall:
					for _, a := range v.Args {
						mark(read, get(refs, a))
						mark(write, get(refs, a))
						mark(escaped, get(refs, a))
					}
				}
			}
		}
	}
	f.Access = make([]ir.Access, n)
	for i := range n {
		if mem.Bit(i) == 0 {
			continue
		}
		if read.Bit(i) != 0 {
			f.Access[i] |= ir.AccessRead
		}
		if write.Bit(i) != 0 {
			f.Access[i] |= ir.AccessWrite
		}
	}
	return nil
}

// isArgsPointer reports whether p points into the argument struct.
func isArgsPointer(p *ir.Value) bool {
	s, _ := spaceOf(p.Type)
	return s == ir.Args
}

// holdsMemory reports whether values of type t refer to memory: pointers and slices, and arrays
// and structs with some inside.
func holdsMemory(t ir.Type) bool {
	switch t := t.(type) {
	case *ir.Pointer, *ir.Slice:
		return true
	case *ir.Array:
		return t.Len > 0 && holdsMemory(t.Elem)
	case *ir.Struct:
		for _, f := range t.Fields {
			if holdsMemory(f.Type) {
				return true
			}
		}
	}
	return false
}
