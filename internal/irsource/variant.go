package irsource

import (
	"reflect"
	"strings"
	"sync"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/passes"
)

// Variant is one compiled form of a kernel type: a compiled device compiles a kernel once per
// Variant, and keys its in-process cache of programs by it (a comparable value whose making costs
// no hashing of IR). A kernel's `geobacter:"const"` fields are baked into the compiled code, so
// each distinct set of their values is a Variant of its own.
type Variant struct {
	Type      reflect.Type // the kernel's pointer type, such as *main.Saxpy
	Unchecked bool         // compiled without bounds, nil, divide and shift checks
	Consts    string       // the bytes of the const fields in field order; "" for a kernel without any
	// Group, when not zero, is the work-group size the code is specialised for
	// (passes.Options.GroupSize): set by a device that compiles per group size.
	Group [3]int64
}

// VariantOf returns the Variant of a launch of kernel k, a non-nil pointer to its argument struct.
func VariantOf(k any, unchecked bool) Variant {
	t := reflect.TypeOf(k)
	v := Variant{Type: t, Unchecked: unchecked}
	fields := constFieldsOf(t)
	if len(fields) == 0 {
		return v
	}
	p := reflect.ValueOf(k).UnsafePointer()
	var b strings.Builder
	for _, f := range fields {
		b.Write(unsafe.Slice((*byte)(unsafe.Add(p, f.offset)), f.size))
	}
	v.Consts = b.String()
	return v
}

// WithGroup returns v for code specialised to work-groups of size local, as a launch gives it.
func (v Variant) WithGroup(local [3]int) Variant {
	v.Group = [3]int64{int64(local[0]), int64(local[1]), int64(local[2])}
	return v
}

// Options returns the options of the passes that compile v: its checks and the values of its
// const fields.
func (v Variant) Options() passes.Options {
	opts := passes.Options{Unchecked: v.Unchecked, GroupSize: v.Group}
	symbol := Symbol(v.Type)
	consts := v.Consts
	for _, f := range constFieldsOf(v.Type) {
		raw := consts[:f.size]
		consts = consts[f.size:]
		var u uint64
		for i := len(raw) - 1; i >= 0; i-- {
			u = u<<8 | uint64(raw[i])
		}
		opts.Specialize = append(opts.Specialize, passes.Const{Kernel: symbol, Field: f.index, Bits: constBits(f.kind, u)})
	}
	return opts
}

// constBits encodes the little-endian bytes u of a field of kind k as an ir.OpConst of its type
// encodes it: integers sign- or zero-extended, floats as their IEEE bits, bools as 0 or 1.
func constBits(k reflect.Kind, u uint64) int64 {
	switch k {
	case reflect.Int8:
		return int64(int8(u))
	case reflect.Int16:
		return int64(int16(u))
	case reflect.Int32:
		return int64(int32(u))
	case reflect.Float32:
		return int64(uint32(u))
	case reflect.Bool:
		if u != 0 {
			return 1
		}
	}
	return int64(u)
}

// constField is one `geobacter:"const"` field of an argument struct.
type constField struct {
	index  int
	offset uintptr
	size   int
	kind   reflect.Kind
}

var constFields sync.Map // reflect.Type → []constField

// constFieldsOf returns the const fields of kernel type t, found once per type. A const field
// that is not a scalar is listed too, with its whole size, so that the specialize pass reports
// it.
func constFieldsOf(t reflect.Type) []constField {
	if f, ok := constFields.Load(t); ok {
		return f.([]constField)
	}
	var fields []constField
	if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct {
		st := t.Elem()
		for i := range st.NumField() {
			sf := st.Field(i)
			if sf.Tag.Get("geobacter") != "const" { // as the frontend reads the tag

				continue
			}
			fields = append(fields, constField{index: i, offset: sf.Offset, size: int(sf.Type.Size()), kind: sf.Type.Kind()})
		}
	}
	f, _ := constFields.LoadOrStore(t, fields)
	return f.([]constField)
}
