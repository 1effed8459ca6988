package llvm

import (
	"fmt"
	"strings"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// Types. A scalar value is iN, float or double; a bool is i1 as a value and i8 in memory (and
// inside aggregates, which are memory images). A pointer is a ptr in its space's address space; a
// slice {ptr, i64, i64}; an array [N x T]; a struct an LLVM struct with Go's layout; a tuple (a
// call's several results) a literal struct of the results' value types.

// layout is how a Go struct is laid out as an LLVM struct.
type layout struct {
	body  string // the LLVM type's body: { ... } or <{ ... }>
	index []int  // the LLVM field index of each Go field
}

// structLayout lays s out: Go's fields in order, with explicit [n x i8] padding where LLVM's
// natural layout (each member at a multiple of its alignment, which here equals Go's) would
// put a field before its Go offset, and at the end up to Go's size; packed when LLVM's natural
// layout would put a field after its Go offset.
func (e *emitter) structLayout(s *ir.Struct) *layout {
	if l, ok := e.layouts[s]; ok {
		return l
	}
	build := func(packed bool) (*layout, bool) {
		l := &layout{}
		var members []string
		var off int64
		for _, f := range s.Fields {
			a := f.Type.Align()
			nat := off
			if !packed {
				nat = (off + a - 1) / a * a
			}
			if nat > f.Offset {
				return nil, false
			}
			if nat < f.Offset {
				members = append(members, fmt.Sprintf("[%d x i8]", f.Offset-off))
				off = f.Offset
			}
			l.index = append(l.index, len(members))
			members = append(members, e.memType(f.Type))
			off = f.Offset + f.Type.Size()
		}
		end := off
		if !packed {
			end = (off + s.Align() - 1) / s.Align() * s.Align()
		}
		if end != s.Size() {
			if !packed && end > s.Size() {
				return nil, false
			}
			if s.Size() > off {
				members = append(members, fmt.Sprintf("[%d x i8]", s.Size()-off))
			}
		}
		if packed {
			l.body = "<{ " + strings.Join(members, ", ") + " }>"
		} else {
			l.body = "{ " + strings.Join(members, ", ") + " }"
		}
		if len(members) == 0 {
			l.body = strings.ReplaceAll(strings.ReplaceAll(l.body, "{  }", "{}"), "<{  }>", "<{}>")
		}
		return l, true
	}
	l, ok := build(false)
	if !ok {
		l, _ = build(true)
	}
	e.layouts[s] = l
	return l
}

// memType is t's LLVM type in memory (and as an aggregate value).
func (e *emitter) memType(t ir.Type) string {
	switch t := t.(type) {
	case *ir.Basic:
		if t.Kind == ir.Bool {
			return "i8"
		}
		return e.scalarType(t)
	case *ir.Pointer:
		return e.ptrType(t.Space)
	case *ir.Slice:
		return "{ " + e.ptrType(t.Space) + ", i64, i64 }"
	case *ir.Array:
		return fmt.Sprintf("[%d x %s]", t.Len, e.memType(t.Elem))
	case *ir.Struct:
		if t.Name != "" {
			e.declareStruct(t)
			return llvmLocalName("T." + t.Name)
		}
		return e.structLayout(t).body
	case *ir.Tuple:
		s := make([]string, len(t.Types))
		for i, x := range t.Types {
			s[i] = e.valType(x)
		}
		return "{ " + strings.Join(s, ", ") + " }"
	}
	if ir.Identical(t, ir.Void) {
		return "void"
	}
	panic(fmt.Sprintf("geobacter: BUG: llvm: no LLVM type for %v", t))
}

// valType is t's LLVM type as an SSA value: memType but i1 for a bool.
func (e *emitter) valType(t ir.Type) string {
	if ir.IsBasic(t, ir.Bool) {
		return "i1"
	}
	return e.memType(t)
}

func (e *emitter) scalarType(t *ir.Basic) string {
	switch t.Kind {
	case ir.Bool:
		return "i1"
	case ir.Float32:
		return "float"
	case ir.Float64:
		return "double"
	}
	return fmt.Sprintf("i%d", t.Bits())
}

func (e *emitter) ptrType(s ir.Space) string {
	if as := e.t.Spaces[s]; as != 0 {
		return fmt.Sprintf("ptr addrspace(%d)", as)
	}
	return "ptr"
}

// ptrSuffix is the overload suffix of a pointer in space s in an intrinsic's name: p0, p1, ...
func (e *emitter) ptrSuffix(s ir.Space) string { return fmt.Sprintf("p%d", e.t.Spaces[s]) }

func (e *emitter) declareStruct(t *ir.Struct) {
	if e.declared[t.Name] {
		return
	}
	e.declared[t.Name] = true
	l := e.structLayout(t)
	e.typeDefs = append(e.typeDefs, llvmLocalName("T."+t.Name)+" = type "+l.body)
}

// fieldIndex is the LLVM member index of Go field i of s.
func (e *emitter) fieldIndex(s *ir.Struct, i int) int { return e.structLayout(s).index[i] }

// llvmGlobal is name as an LLVM global identifier: @name, quoted when it is not a plain one.
func llvmGlobal(name string) string { return "@" + llvmIdent(name) }

// llvmLocalName is name as an LLVM local identifier (used for named types).
func llvmLocalName(name string) string { return "%" + llvmIdent(name) }

func llvmIdent(name string) string {
	plain := name != ""
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '$') ||
			i == 0 && c >= '0' && c <= '9' {
			plain = false
			break
		}
	}
	if plain {
		return name
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '"' || c == '\\' || c < 0x20 || c >= 0x7f {
			fmt.Fprintf(&b, "\\%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// symbolName is a C identifier for a kernel's entry points, made from its function name:
// "(*example.com/p.Saxpy).Kernel" becomes "p_Saxpy_Kernel" (the last path element on), each
// run of other characters one underscore.
func symbolName(fn string) string {
	s := strings.TrimPrefix(fn, "(*")
	if i := strings.LastIndexByte(strings.SplitN(s, "[", 2)[0], '/'); i >= 0 {
		s = s[i+1:]
	}
	var b strings.Builder
	b.WriteString("geobacter_")
	under := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
			under = false
		} else if !under {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}
