package ir

import (
	"fmt"
	"reflect"
	"unsafe"
)

// ival is an IR value while the interpreter runs: the one representation of every type, so that
// a frame is a []ival the garbage collector scans like any Go slice.
//
//   - A scalar: x holds its bits, as OpConst's AuxInt.
//   - A pointer: p. A pointer derived from nil by fieldaddr or indexaddr stays nil, with the
//     offset it would have in x, so that no invalid pointer is ever made; a load or store through
//     it is a nil dereference.
//   - A slice: p is its data pointer, x its length and y its capacity.
//   - A struct or array: p points to a Go allocation with the value's layout, never written after
//     it is made (values are immutable, so several values may share one, or point into another's).
//   - A tuple: p points to the first of x values.
type ival struct {
	p    unsafe.Pointer
	x, y int64
}

// tkind is how the interpreter handles a type.
type tkind uint8

const (
	kBasic tkind = iota + 1
	kPointer
	kSlice
	kAggregate // struct or array
	kTuple
	kVoid
)

// tinfo is what the interpreter knows of an IR type.
type tinfo struct {
	t     Type
	tkind tkind
	bt    *Basic       // kBasic
	gt    reflect.Type // a Go type with the same layout and the same pointers; not for kTuple, kVoid
	size  int64
	ptrs  bool           // holds pointers: copies must be typed, so that the collector sees them
	zero  unsafe.Pointer // kAggregate: a zero value, never written
	elem  *tinfo         // kPointer, kSlice: the element; kAggregate arrays: the element
	len   int64          // arrays: the length
}

var (
	unsafePointerType = reflect.TypeFor[unsafe.Pointer]()
	sliceHeaderType   = reflect.TypeFor[struct {
		Data     unsafe.Pointer
		Len, Cap int64
	}]()
)

// typeInfo returns the tinfo of t, making it (and those of the types it contains) on first use.
func (p *iprogram) typeInfo(t Type) (*tinfo, error) {
	if ti, ok := p.types[t]; ok {
		return ti, nil
	}
	ti := &tinfo{t: t}
	switch t := t.(type) {
	case *Basic:
		ti.tkind, ti.bt, ti.size = kBasic, t, t.Size()
		switch t.Kind {
		case Bool:
			ti.gt = reflect.TypeFor[bool]()
		case Int8:
			ti.gt = reflect.TypeFor[int8]()
		case Int16:
			ti.gt = reflect.TypeFor[int16]()
		case Int32:
			ti.gt = reflect.TypeFor[int32]()
		case Int64:
			ti.gt = reflect.TypeFor[int64]()
		case Uint8:
			ti.gt = reflect.TypeFor[uint8]()
		case Uint16:
			ti.gt = reflect.TypeFor[uint16]()
		case Uint32:
			ti.gt = reflect.TypeFor[uint32]()
		case Uint64:
			ti.gt = reflect.TypeFor[uint64]()
		case Float32:
			ti.gt = reflect.TypeFor[float32]()
		case Float64:
			ti.gt = reflect.TypeFor[float64]()
		default:
			return nil, fmt.Errorf("invalid basic type kind %d", t.Kind)
		}
	case *Pointer:
		// The element is looked up lazily (see elemInfo): a struct may point to itself.
		ti.tkind, ti.gt, ti.size, ti.ptrs = kPointer, unsafePointerType, 8, true
	case *Slice:
		ti.tkind, ti.gt, ti.size, ti.ptrs = kSlice, sliceHeaderType, 24, true
	case *Array:
		e, err := p.typeInfo(t.Elem)
		if err != nil {
			return nil, err
		}
		if e.gt == nil {
			return nil, fmt.Errorf("array of %v", t.Elem)
		}
		if t.Len < 0 || e.size > 0 && t.Len > (1<<40)/e.size {
			return nil, fmt.Errorf("array type %v too large", t)
		}
		ti.tkind, ti.elem, ti.len, ti.ptrs = kAggregate, e, t.Len, e.ptrs && t.Len > 0
		ti.gt = reflect.ArrayOf(int(t.Len), e.gt)
	case *Struct:
		fields := make([]reflect.StructField, len(t.Fields))
		for i, f := range t.Fields {
			e, err := p.typeInfo(f.Type)
			if err != nil {
				return nil, err
			}
			if e.gt == nil {
				return nil, fmt.Errorf("field %s of %v has type %v", f.Name, t, f.Type)
			}
			fields[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: e.gt}
			ti.ptrs = ti.ptrs || e.ptrs
		}
		ti.tkind = kAggregate
		ti.gt = reflect.StructOf(fields)
		for i, f := range t.Fields {
			if off := int64(ti.gt.Field(i).Offset); off != f.Offset {
				return nil, fmt.Errorf("field %s of %v is at offset %d, but Go's layout puts it at %d", f.Name, t, f.Offset, off)
			}
		}
	case *Tuple:
		ti.tkind = kTuple
		for _, e := range t.Types {
			if _, err := p.typeInfo(e); err != nil {
				return nil, err
			}
		}
	case voidType:
		ti.tkind = kVoid
	default:
		return nil, fmt.Errorf("unknown type %v", t)
	}
	if ti.gt != nil {
		ti.size = int64(ti.gt.Size())
		if ti.size != t.Size() || int64(ti.gt.Align()) != t.Align() {
			return nil, fmt.Errorf("type %v has size %d and alignment %d, but Go's layout gives %d and %d", t, t.Size(), t.Align(), ti.size, ti.gt.Align())
		}
	}
	if ti.tkind == kAggregate {
		ti.zero = reflect.New(ti.gt).UnsafePointer()
	}
	p.types[t] = ti
	return ti, nil
}

// elemInfo returns the tinfo of the element of a pointer or slice type.
func (p *iprogram) elemInfo(t Type) (*tinfo, error) {
	switch t := t.(type) {
	case *Pointer:
		return p.typeInfo(t.Elem)
	case *Slice:
		return p.typeInfo(t.Elem)
	}
	return nil, fmt.Errorf("%v is not a pointer or a slice", t)
}

// newVar returns a new zeroed Go allocation of type ti.
func newVar(ti *tinfo) unsafe.Pointer { return reflect.New(ti.gt).UnsafePointer() }

// loadScalar reads a scalar of type bt at a and returns its bits.
func loadScalar(bt *Basic, a unsafe.Pointer) int64 {
	switch bt.Kind {
	case Bool:
		if *(*uint8)(a) != 0 {
			return 1
		}
		return 0
	case Int8:
		return int64(*(*int8)(a))
	case Int16:
		return int64(*(*int16)(a))
	case Int32:
		return int64(*(*int32)(a))
	case Uint8:
		return int64(*(*uint8)(a))
	case Uint16:
		return int64(*(*uint16)(a))
	case Uint32, Float32:
		return int64(*(*uint32)(a))
	}
	return *(*int64)(a)
}

// storeScalar writes the bits x of a scalar of type bt at a.
func storeScalar(bt *Basic, a unsafe.Pointer, x int64) {
	switch bt.Kind {
	case Bool:
		*(*uint8)(a) = uint8(x & 1)
	case Int8, Uint8:
		*(*uint8)(a) = uint8(x)
	case Int16, Uint16:
		*(*uint16)(a) = uint16(x)
	case Int32, Uint32, Float32:
		*(*uint32)(a) = uint32(x)
	default:
		*(*int64)(a) = x
	}
}

// iload reads a value of type ti at a, which is not nil.
func iload(ti *tinfo, a unsafe.Pointer) ival {
	switch ti.tkind {
	case kBasic:
		return ival{x: loadScalar(ti.bt, a)}
	case kPointer:
		return ival{p: *(*unsafe.Pointer)(a)}
	case kSlice:
		return ival{p: *(*unsafe.Pointer)(a), x: *(*int64)(unsafe.Add(a, 8)), y: *(*int64)(unsafe.Add(a, 16))}
	}
	v := newVar(ti)
	copyVal(ti, v, a)
	return ival{p: v}
}

// istore writes v, of type ti, at a, which is not nil.
func istore(ti *tinfo, a unsafe.Pointer, v ival) {
	switch ti.tkind {
	case kBasic:
		storeScalar(ti.bt, a, v.x)
	case kPointer:
		*(*unsafe.Pointer)(a) = v.p // a typed write: the collector's write barrier sees it
	case kSlice:
		*(*unsafe.Pointer)(a) = v.p
		*(*int64)(unsafe.Add(a, 8)) = v.x
		*(*int64)(unsafe.Add(a, 16)) = v.y
	default:
		copyVal(ti, a, v.p)
	}
}

// copyVal copies one value of type ti from src to dst, which do not overlap.
func copyVal(ti *tinfo, dst, src unsafe.Pointer) {
	if ti.size == 0 || dst == src {
		return
	}
	if !ti.ptrs {
		copy(unsafe.Slice((*byte)(dst), ti.size), unsafe.Slice((*byte)(src), ti.size))
		return
	}
	reflect.NewAt(ti.gt, dst).Elem().Set(reflect.NewAt(ti.gt, src).Elem())
}

// moveElems copies n elements of type ti from src to dst as Go's copy does: as if through a
// temporary buffer when they overlap.
func moveElems(ti *tinfo, dst, src unsafe.Pointer, n int64) {
	if n <= 0 || ti.size == 0 || dst == src {
		return
	}
	if !ti.ptrs {
		b := n * ti.size
		copy(unsafe.Slice((*byte)(dst), b), unsafe.Slice((*byte)(src), b))
		return
	}
	reflect.Copy(reflect.SliceAt(ti.gt, dst, int(n)), reflect.SliceAt(ti.gt, src, int(n)))
}
