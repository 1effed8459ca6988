package frontend

import (
	"fmt"
	"go/types"
	"reflect"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// kernelPkg is the import path of package kernel.
const kernelPkg = "github.com/geobacter-go/geobacter/kernel"

// isItem reports whether t is kernel.Item, which has no IR representation: its methods are
// intrinsics, and values of it are dropped from parameter lists.
func isItem(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Name() == "Item" && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == kernelPkg
}

// typeOf maps a Go type to an IR type. Pointers and slices get the Generic space except in
// structs (buffers and the argument struct), where they are Global; the passes infer the rest.
// It returns an error string for types kernels cannot use.
func (c *compiler) typeOf(t types.Type) (ir.Type, error) {
	return c.typeIn(t, ir.Generic)
}

func (c *compiler) typeIn(t types.Type, space ir.Space) (ir.Type, error) {
	if it, ok := c.types[typeKey{t, space}]; ok {
		return it, nil
	}
	it, err := c.makeType(t, space)
	if err == nil {
		c.types[typeKey{t, space}] = it
	}
	return it, err
}

type typeKey struct {
	t     types.Type
	space ir.Space
}

func (c *compiler) makeType(t types.Type, space ir.Space) (ir.Type, error) {
	switch t := types.Unalias(t).(type) {
	case *types.Basic:
		switch t.Kind() {
		case types.Bool, types.UntypedBool:
			return ir.BoolType, nil
		case types.Int8:
			return ir.Int8Type, nil
		case types.Int16:
			return ir.Int16Type, nil
		case types.Int32, types.UntypedRune:
			return ir.Int32Type, nil
		case types.Int, types.Int64, types.UntypedInt:
			return ir.Int64Type, nil
		case types.Uint8:
			return ir.Uint8Type, nil
		case types.Uint16:
			return ir.Uint16Type, nil
		case types.Uint32:
			return ir.Uint32Type, nil
		case types.Uint, types.Uint64, types.Uintptr:
			return ir.Uint64Type, nil
		case types.Float32:
			return ir.Float32Type, nil
		case types.Float64, types.UntypedFloat:
			return ir.Float64Type, nil
		case types.String, types.UntypedString:
			return nil, fmt.Errorf(msgString)
		case types.Complex64, types.Complex128, types.UntypedComplex:
			return nil, fmt.Errorf(msgComplex)
		case types.UnsafePointer:
			return nil, fmt.Errorf(msgUnsafe)
		}
	case *types.Pointer:
		elem, err := c.typeIn(t.Elem(), space)
		if err != nil {
			return nil, err
		}
		return &ir.Pointer{Elem: elem, Space: space}, nil
	case *types.Slice:
		elem, err := c.typeIn(t.Elem(), space)
		if err != nil {
			return nil, err
		}
		return &ir.Slice{Elem: elem, Space: space}, nil
	case *types.Array:
		elem, err := c.typeIn(t.Elem(), space)
		if err != nil {
			return nil, err
		}
		if elem.Size() > 0 && t.Len() > maxTypeSize/elem.Size() {
			return nil, fmt.Errorf("the array type %s is too large for a kernel (more than %d bytes)", t, maxTypeSize)
		}
		return &ir.Array{Elem: elem, Len: t.Len()}, nil
	case *types.Named:
		if isItem(t) {
			return nil, fmt.Errorf(msgKernelItem)
		}
		if st, ok := t.Underlying().(*types.Struct); ok {
			return c.structType(types.TypeString(t, nil), st)
		}
		return c.typeIn(t.Underlying(), space)
	case *types.Struct:
		return c.structType("", t)
	case *types.Map:
		return nil, fmt.Errorf(msgMap)
	case *types.Chan:
		return nil, fmt.Errorf(msgChan)
	case *types.Interface:
		return nil, fmt.Errorf(msgInterface)
	case *types.Signature:
		return nil, fmt.Errorf(msgDynamicCall)
	case *types.Tuple:
		var elems []ir.Type
		for i := range t.Len() {
			e, err := c.typeIn(t.At(i).Type(), space)
			if err != nil {
				return nil, err
			}
			elems = append(elems, e)
		}
		return &ir.Tuple{Types: elems}, nil
	}
	return nil, fmt.Errorf(msgType, t)
}

// maxTypeSize bounds the size of a type kernels use, as the IR's verifier does.
const maxTypeSize = 1 << 40

// structType maps a struct; pointers and slices in it are Global (memory of buffers). A named
// struct is declared in the module once.
func (c *compiler) structType(name string, st *types.Struct) (ir.Type, error) {
	if name != "" {
		if old := c.mod.Type(name); old != nil {
			return old, nil
		}
		if c.making[name] {
			return nil, fmt.Errorf("type %s refers to itself (through a pointer or slice); kernels cannot use recursive types", name)
		}
		c.making[name] = true
		defer delete(c.making, name)
	}
	names := make([]string, st.NumFields())
	fields := make([]ir.Type, st.NumFields())
	for i := range st.NumFields() {
		f := st.Field(i)
		ft, err := c.typeIn(f.Type(), ir.Global)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name(), err)
		}
		names[i], fields[i] = f.Name(), ft
	}
	s := ir.NewStruct(name, names, fields)
	for i := range st.NumFields() {
		if constTag(st.Tag(i)) {
			s.Fields[i].Const = true
		}
	}
	// Check the layout against Go's own: the same bytes on host and device.
	sizes := types.SizesFor("gc", "amd64")
	offsets := sizes.Offsetsof(fieldVars(st))
	for i, f := range s.Fields {
		if f.Offset != offsets[i] {
			panic(fmt.Sprintf("geobacter: BUG: field %s of %s at offset %d, Go puts it at %d", f.Name, name, f.Offset, offsets[i]))
		}
	}
	if name != "" {
		c.mod.AddType(s)
	}
	return s, nil
}

func fieldVars(st *types.Struct) []*types.Var {
	vs := make([]*types.Var, st.NumFields())
	for i := range vs {
		vs[i] = st.Field(i)
	}
	return vs
}

// constTag reports whether a struct tag marks a specialisation field: geobacter:"const".
func constTag(tag string) bool {
	return reflect.StructTag(tag).Get("geobacter") == "const"
}
