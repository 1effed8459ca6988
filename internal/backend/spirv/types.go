package spirv

import (
	"fmt"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// Types. Every integer is an OpTypeInt of its width with signedness 0 (the instructions say how
// to treat the sign); a bool is OpTypeBool as a value and a byte in memory. A value has its
// plain type (no layout decorations), which is also the type of Function and Workgroup
// variables; memory the kernel shares with the host (buffers through PhysicalStorageBuffer
// pointers, the push constants) has the explicit-layout type: Offset on every struct member
// and ArrayStride on every array, Go's layout. OpCopyLogical converts between the two (member
// by member when a bool is inside).
//
// A pointer into global memory, or into the argument struct when it is passed by address, is
// its uint64 address (OpConvertUToPtr makes a PhysicalStorageBuffer pointer at each access). A
// slice is a struct {uint64 ptr, uint64 len, uint64 cap}. Pointers into private and shared
// memory, and into the argument struct in the push constants, are logical: see lptr.

// scalar returns the SPIR-V type of a scalar type and requests its capabilities.
func (e *emitter) scalar(t *ir.Basic) uint32 {
	m := e.m
	switch t.Kind {
	case ir.Bool:
		return m.boolType()
	case ir.Float32:
		return m.floatType(32)
	case ir.Float64:
		e.need(e.t.Float64, "Float64 (shaderFloat64)", "float64")
		m.capability(CapabilityFloat64)
		return m.floatType(64)
	}
	switch t.Bits() {
	case 8:
		e.need(e.t.Int8, "Int8 (shaderInt8)", "an 8-bit integer")
		m.capability(CapabilityInt8)
	case 16:
		e.need(e.t.Int16, "Int16 (shaderInt16)", "a 16-bit integer")
		m.capability(CapabilityInt16)
	case 64:
		m.capability(CapabilityInt64)
	}
	return m.intType(t.Bits())
}

// isLogical reports whether a pointer or slice type is into logical storage.
func (e *emitter) isLogical(t ir.Type) bool {
	switch t := t.(type) {
	case *ir.Pointer:
		return t.Space == ir.Private || t.Space == ir.Shared || t.Space == ir.Args && e.argsInline || t.Space == ir.Generic
	case *ir.Slice:
		return t.Space == ir.Private || t.Space == ir.Shared || t.Space == ir.Args || t.Space == ir.Generic
	}
	return false
}

func (e *emitter) sliceType(tag string) uint32 {
	m := e.m
	u64 := m.intType(64)
	id, made := m.typeOrConst(tag, OpTypeStruct, u64, u64, u64)
	if made && tag != "" {
		for i := range 3 {
			m.memberDecorate(id, i, DecorationOffset, uint32(8*i))
		}
	}
	return id
}

// valType is the plain SPIR-V type of values of t.
func (e *emitter) valType(t ir.Type) uint32 {
	m := e.m
	switch t := t.(type) {
	case *ir.Basic:
		return e.scalar(t)
	case *ir.Pointer:
		if e.isLogical(t) {
			e.unsupported("a pointer into %v memory kept in a variable, struct or array is not supported on vulkan", t.Space)
		}
		return m.intType(64)
	case *ir.Slice:
		return e.sliceType("")
	}
	k := t.String()
	if id, ok := e.valTypes[k]; ok {
		return id
	}
	var id uint32
	switch t := t.(type) {
	case *ir.Array:
		if t.Len == 0 {
			e.unsupported("a zero-length array (%v) is not supported on vulkan", t)
		}
		id = m.typ(OpTypeArray, e.valType(t.Elem), m.constU32(uint32(t.Len)))
	case *ir.Struct:
		var ms []uint32
		for _, f := range t.Fields {
			ms = append(ms, e.valType(f.Type))
		}
		id, _ = m.typeOrConst("S"+k, OpTypeStruct, ms...)
		if t.Name != "" {
			m.name(id, t.Name)
		}
	default:
		e.fail("no SPIR-V type for %v", t)
	}
	e.valTypes[k] = id
	return id
}

// memType is the explicit-layout SPIR-V type of t in buffers and push constants.
func (e *emitter) memType(t ir.Type) uint32 {
	m := e.m
	switch t := t.(type) {
	case *ir.Basic:
		switch t.Bits() {
		case 1, 8:
			e.need(e.t.Int8, "Int8 (shaderInt8)", "a bool or 8-bit value in memory")
			m.capability(CapabilityInt8)
			e.need(e.t.StorageBuffer8BitAccess, "StorageBuffer8BitAccess", "a bool or 8-bit value in memory")
			m.capability(CapabilityStorageBuffer8BitAccess)
			if e.t.StoragePushConstant8 {
				m.capability(CapabilityStoragePushConstant8)
			}
			return m.intType(8)
		case 16:
			e.need(e.t.StorageBuffer16BitAccess, "StorageBuffer16BitAccess", "a 16-bit value in memory")
			m.capability(CapabilityStorageBuffer16BitAccess)
			if e.t.StoragePushConstant16 {
				m.capability(CapabilityStoragePushConstant16)
			}
		}
		return e.scalar(t)
	case *ir.Pointer:
		if e.isLogical(t) {
			e.unsupported("a pointer into %v memory stored in memory is not supported on vulkan", t.Space)
		}
		return m.intType(64)
	case *ir.Slice:
		return e.sliceType("L")
	}
	k := t.String()
	if id, ok := e.memTypes[k]; ok {
		return id
	}
	var id uint32
	switch t := t.(type) {
	case *ir.Array:
		if t.Len == 0 {
			e.unsupported("a zero-length array (%v) is not supported on vulkan", t)
		}
		var made bool
		id, made = m.typeOrConst(fmt.Sprintf("L%d", t.Elem.Size()), OpTypeArray, e.memType(t.Elem), m.constU32(uint32(t.Len)))
		if made {
			m.decorate(id, DecorationArrayStride, uint32(t.Elem.Size()))
		}
	case *ir.Struct:
		var ms []uint32
		for _, f := range t.Fields {
			ms = append(ms, e.memType(f.Type))
		}
		var made bool
		id, made = m.typeOrConst("L"+k, OpTypeStruct, ms...)
		if made {
			for i, f := range t.Fields {
				m.memberDecorate(id, i, DecorationOffset, uint32(f.Offset))
			}
			if t.Name != "" {
				m.name(id, t.Name)
			}
		}
	default:
		e.fail("no SPIR-V type for %v in memory", t)
	}
	e.memTypes[k] = id
	return id
}

// hasBool reports whether t is or holds a bool.
func hasBool(t ir.Type) bool {
	switch t := t.(type) {
	case *ir.Basic:
		return t.Kind == ir.Bool
	case *ir.Array:
		return hasBool(t.Elem)
	case *ir.Struct:
		for _, f := range t.Fields {
			if hasBool(f.Type) {
				return true
			}
		}
	}
	return false
}

func isAggregate(t ir.Type) bool {
	switch t.(type) {
	case *ir.Array, *ir.Struct, *ir.Slice:
		return true
	}
	return false
}

// fromMem converts x, a value of t's explicit-layout type, to its plain type.
func (e *emitter) fromMem(t ir.Type, x uint32) uint32 {
	return e.convertLayout(t, x, true)
}

// toMem converts x, a value of t's plain type, to its explicit-layout type.
func (e *emitter) toMem(t ir.Type, x uint32) uint32 {
	return e.convertLayout(t, x, false)
}

func (e *emitter) convertLayout(t ir.Type, x uint32, from bool) uint32 {
	m := e.m
	fn := e.fn
	to := e.memType(t)
	if from {
		to = e.valType(t)
	}
	switch t := t.(type) {
	case *ir.Basic:
		if t.Kind != ir.Bool {
			return x
		}
		if from {
			return fn.op(OpINotEqual, m.boolType(), x, m.constant(m.intType(8), 8, 0))
		}
		return fn.op(OpSelect, m.intType(8), x, m.constant(m.intType(8), 8, 1), m.constant(m.intType(8), 8, 0))
	case *ir.Pointer:
		return x
	}
	if !hasBool(t) {
		return fn.op(OpCopyLogical, to, x)
	}
	var parts []uint32
	switch t := t.(type) {
	case *ir.Array:
		et := e.valType(t.Elem)
		if !from {
			et = e.memType(t.Elem)
		}
		_ = et
		for i := range t.Len {
			src := e.valType(t.Elem)
			if from {
				src = e.memType(t.Elem)
			}
			el := fn.op(OpCompositeExtract, src, x, uint32(i))
			parts = append(parts, e.convertLayout(t.Elem, el, from))
		}
	case *ir.Struct:
		for i, f := range t.Fields {
			src := e.valType(f.Type)
			if from {
				src = e.memType(f.Type)
			}
			el := fn.op(OpCompositeExtract, src, x, uint32(i))
			parts = append(parts, e.convertLayout(f.Type, el, from))
		}
	}
	return fn.op(OpCompositeConstruct, to, parts...)
}
