package ir

import (
	"fmt"
	"strings"
)

// Type is the type of an IR value. Types are compared with Identical; Struct types with a name
// are compared by name.
type Type interface {
	// String is the type in the text form: i32, f64, ptr<global, i32>, [4]f32, %main.Vec3.
	String() string
	// Size and Align are in bytes, by Go's layout rules on a 64-bit target.
	Size() int64
	Align() int64
}

// BasicKind enumerates the scalar types. Go's int and uint are Int64 and Uint64, uintptr is
// Uint64: kernels see the 64-bit layout of the host.
type BasicKind uint8

const (
	Bool BasicKind = iota + 1
	Int8
	Int16
	Int32
	Int64
	Uint8
	Uint16
	Uint32
	Uint64
	Float32
	Float64
)

var basicNames = [...]string{Bool: "bool", Int8: "i8", Int16: "i16", Int32: "i32", Int64: "i64",
	Uint8: "u8", Uint16: "u16", Uint32: "u32", Uint64: "u64", Float32: "f32", Float64: "f64"}

// Basic is a scalar type: bool, a sized integer or a float.
type Basic struct{ Kind BasicKind }

// The scalar types, shared.
var (
	BoolType    = &Basic{Bool}
	Int8Type    = &Basic{Int8}
	Int16Type   = &Basic{Int16}
	Int32Type   = &Basic{Int32}
	Int64Type   = &Basic{Int64}
	Uint8Type   = &Basic{Uint8}
	Uint16Type  = &Basic{Uint16}
	Uint32Type  = &Basic{Uint32}
	Uint64Type  = &Basic{Uint64}
	Float32Type = &Basic{Float32}
	Float64Type = &Basic{Float64}
)

// BasicType returns the shared *Basic of a kind.
func BasicType(k BasicKind) *Basic {
	return [...]*Basic{Bool: BoolType, Int8: Int8Type, Int16: Int16Type, Int32: Int32Type, Int64: Int64Type,
		Uint8: Uint8Type, Uint16: Uint16Type, Uint32: Uint32Type, Uint64: Uint64Type,
		Float32: Float32Type, Float64: Float64Type}[k]
}

func (t *Basic) String() string { return basicNames[t.Kind] }

func (t *Basic) Size() int64 {
	switch t.Kind {
	case Bool, Int8, Uint8:
		return 1
	case Int16, Uint16:
		return 2
	case Int32, Uint32, Float32:
		return 4
	}
	return 8
}

func (t *Basic) Align() int64 { return t.Size() }

// IsInteger reports whether t is a signed or unsigned integer type.
func (t *Basic) IsInteger() bool { return t.Kind >= Int8 && t.Kind <= Uint64 }

// IsSigned reports whether t is a signed integer type.
func (t *Basic) IsSigned() bool { return t.Kind >= Int8 && t.Kind <= Int64 }

// IsFloat reports whether t is a float type.
func (t *Basic) IsFloat() bool { return t.Kind == Float32 || t.Kind == Float64 }

// Bits is the width of a scalar type in bits (1 for bool).
func (t *Basic) Bits() int {
	if t.Kind == Bool {
		return 1
	}
	return int(t.Size() * 8)
}

// Space is the address space a pointer or slice points into.
type Space uint8

const (
	// Generic is a pointer whose space is not known where it is made (a parameter of a function
	// that is not yet inlined). The space-inference pass replaces it after inlining; a pointer
	// that stays generic (a phi of pointers into two spaces) is accepted by devices with a flat
	// address space and rejected by Vulkan.
	Generic Space = iota
	Global        // buffers: memory shared by every work-item of the launch and the host
	Shared        // work-group shared memory (kernel.Shared)
	Private       // a work-item's own variables (address-taken locals)
	Args          // the kernel's argument struct: read-only
)

var spaceNames = [...]string{Generic: "generic", Global: "global", Shared: "shared", Private: "private", Args: "args"}

func (s Space) String() string {
	if int(s) < len(spaceNames) {
		return spaceNames[s]
	}
	return fmt.Sprintf("space%d", int(s))
}

// Pointer is a pointer to Elem in Space.
type Pointer struct {
	Elem  Type
	Space Space
}

func (t *Pointer) String() string { return "ptr<" + t.Space.String() + ", " + t.Elem.String() + ">" }
func (t *Pointer) Size() int64    { return 8 }
func (t *Pointer) Align() int64   { return 8 }

// Slice is a Go slice of Elem in Space: a pointer, a length and a capacity (24 bytes, as in Go).
// A kernel's buffers are slices in Global.
type Slice struct {
	Elem  Type
	Space Space
}

func (t *Slice) String() string { return "slice<" + t.Space.String() + ", " + t.Elem.String() + ">" }
func (t *Slice) Size() int64    { return 24 }
func (t *Slice) Align() int64   { return 8 }

// Array is [Len]Elem.
type Array struct {
	Elem Type
	Len  int64
}

func (t *Array) String() string { return fmt.Sprintf("[%d]%s", t.Len, t.Elem) }
func (t *Array) Size() int64    { return t.Len * t.Elem.Size() }
func (t *Array) Align() int64   { return t.Elem.Align() }

// Field is one field of a Struct, at Offset bytes from its start.
type Field struct {
	Name   string
	Type   Type
	Offset int64
	Const  bool // tagged geobacter:"const": a specialisation value baked into the compiled code
}

// Struct is a struct type with Go's layout. A named struct (a Go named type, such as a kernel's
// argument struct) is declared once in a Module and printed by name.
type Struct struct {
	Name   string // "" for an unnamed struct
	Fields []Field
	size   int64
	align  int64
}

// NewStruct makes a struct type from its fields' names and types, laying them out as Go does.
func NewStruct(name string, names []string, types []Type) *Struct {
	s := &Struct{Name: name, align: 1}
	var off int64
	for i, t := range types {
		a := t.Align()
		off = (off + a - 1) / a * a
		s.Fields = append(s.Fields, Field{Name: names[i], Type: t, Offset: off})
		off += t.Size()
		s.align = max(s.align, a)
	}
	// Go pads a struct whose last field has size zero, so a pointer to it stays inside the struct.
	if n := len(types); n > 0 && types[n-1].Size() == 0 && off > 0 {
		off++
	}
	s.size = (off + s.align - 1) / s.align * s.align
	return s
}

// String is the struct in the text form: %name for a named struct, else its fields:
// {A f32, X slice<global, f32>}.
func (t *Struct) String() string {
	if t.Name != "" {
		return "%" + quoteName(t.Name)
	}
	return structBody(t)
}

func (t *Struct) Size() int64  { return t.size }
func (t *Struct) Align() int64 { return t.align }

// Tuple is the type of a call to a function with several results; Extract takes them apart.
type Tuple struct{ Types []Type }

func (t *Tuple) String() string {
	s := make([]string, len(t.Types))
	for i, e := range t.Types {
		s[i] = e.String()
	}
	return "(" + strings.Join(s, ", ") + ")"
}
func (t *Tuple) Size() int64  { return 0 }
func (t *Tuple) Align() int64 { return 1 }

// Void is the type of instructions without a result (store, barrier, checks).
var Void Type = voidType{}

type voidType struct{}

func (voidType) String() string { return "void" }
func (voidType) Size() int64    { return 0 }
func (voidType) Align() int64   { return 1 }

// Identical reports whether two types are the same.
func Identical(a, b Type) bool {
	if a == b {
		return true
	}
	switch a := a.(type) {
	case *Basic:
		b, ok := b.(*Basic)
		return ok && a.Kind == b.Kind
	case *Pointer:
		b, ok := b.(*Pointer)
		return ok && a.Space == b.Space && Identical(a.Elem, b.Elem)
	case *Slice:
		b, ok := b.(*Slice)
		return ok && a.Space == b.Space && Identical(a.Elem, b.Elem)
	case *Array:
		b, ok := b.(*Array)
		return ok && a.Len == b.Len && Identical(a.Elem, b.Elem)
	case *Struct:
		b, ok := b.(*Struct)
		if !ok || a.Name != b.Name || len(a.Fields) != len(b.Fields) {
			return false
		}
		if a.Name != "" {
			return true
		}
		for i := range a.Fields {
			if a.Fields[i].Name != b.Fields[i].Name || !Identical(a.Fields[i].Type, b.Fields[i].Type) {
				return false
			}
		}
		return true
	case *Tuple:
		b, ok := b.(*Tuple)
		if !ok || len(a.Types) != len(b.Types) {
			return false
		}
		for i := range a.Types {
			if !Identical(a.Types[i], b.Types[i]) {
				return false
			}
		}
		return true
	case voidType:
		_, ok := b.(voidType)
		return ok
	}
	return false
}

// IsBasic returns t as a *Basic of kind k, or nil.
func IsBasic(t Type, k BasicKind) bool {
	b, ok := t.(*Basic)
	return ok && b.Kind == k
}
