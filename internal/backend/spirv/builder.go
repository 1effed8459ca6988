package spirv

import (
	"math"
	"strconv"
)

// The module builder: ids, the module's sections in the order the specification requires
// (capabilities, extensions, extended instruction imports, the memory model, entry points,
// execution modes, debug names, annotations, types/constants/global variables, functions),
// types and constants made once each, and the binary encoding.

// magic is the SPIR-V magic number; version15 is the header's version word for SPIR-V 1.5.
const (
	magic     = 0x07230203
	version15 = 0x00010500
	// generatorID is the header's generator word: 0 is "unregistered", in the high 16 bits.
	generatorID = 0
)

// inst encodes one instruction: the word count and opcode, then the operands.
func inst(op Op, operands ...uint32) []uint32 {
	w := make([]uint32, 0, len(operands)+1)
	w = append(w, uint32(len(operands)+1)<<16|uint32(op))
	return append(w, operands...)
}

// str encodes a literal string: UTF-8, NUL-terminated, padded with NULs to a whole word.
func str(s string) []uint32 {
	b := append([]byte(s), 0)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	w := make([]uint32, len(b)/4)
	for i := range w {
		w[i] = uint32(b[4*i]) | uint32(b[4*i+1])<<8 | uint32(b[4*i+2])<<16 | uint32(b[4*i+3])<<24
	}
	return w
}

// module accumulates a SPIR-V module.
type module struct {
	bound uint32 // the next id

	caps      []Capability
	hasCap    map[Capability]bool
	exts      []string
	hasExt    map[string]bool
	glsl      uint32 // the GLSL.std.450 import's id, 0 until used
	entries   []uint32
	modes     []uint32
	debug     []uint32
	annots    []uint32
	globals   []uint32 // types, constants and global variables
	functions []uint32

	cache map[string]uint32 // types and constants by their encoding
}

func newModule() *module {
	return &module{bound: 1, hasCap: map[Capability]bool{}, hasExt: map[string]bool{}, cache: map[string]uint32{}}
}

// id allocates a new result id.
func (m *module) id() uint32 {
	r := m.bound
	m.bound++
	return r
}

func (m *module) capability(c Capability) {
	if !m.hasCap[c] {
		m.hasCap[c] = true
		m.caps = append(m.caps, c)
	}
}

func (m *module) extension(name string) {
	if !m.hasExt[name] {
		m.hasExt[name] = true
		m.exts = append(m.exts, name)
	}
}

// glslSet returns the id of the GLSL.std.450 import.
func (m *module) glslSet() uint32 {
	if m.glsl == 0 {
		m.glsl = m.id()
	}
	return m.glsl
}

func (m *module) name(id uint32, s string) {
	m.debug = append(m.debug, inst(OpName, append([]uint32{id}, str(s)...)...)...)
}

func (m *module) decorate(id uint32, d Decoration, args ...uint32) {
	m.annots = append(m.annots, inst(OpDecorate, append([]uint32{id, uint32(d)}, args...)...)...)
}

func (m *module) memberDecorate(id uint32, member int, d Decoration, args ...uint32) {
	m.annots = append(m.annots, inst(OpMemberDecorate, append([]uint32{id, uint32(member), uint32(d)}, args...)...)...)
}

// key is the cache key of a type or constant: a tag (to tell apart types that differ only in
// their decorations) and the instruction's words without its result id.
func key(tag string, op Op, operands []uint32) string {
	b := make([]byte, 0, len(tag)+4+4*len(operands))
	b = append(b, tag...)
	b = append(b, 0, byte(op), byte(op>>8))
	for _, w := range operands {
		b = append(b, byte(w), byte(w>>8), byte(w>>16), byte(w>>24))
	}
	return string(b)
}

// typeOrConst returns the id of the type or constant op with the given operands (after the
// result id), making it once. A type with decorations that other types of the same operands do
// not have passes a distinct tag; made reports whether it is new (to decorate it).
func (m *module) typeOrConst(tag string, op Op, operands ...uint32) (id uint32, made bool) {
	k := key(tag, op, operands)
	if id, ok := m.cache[k]; ok {
		return id, false
	}
	id = m.id()
	m.cache[k] = id
	if hasResultType(op) {
		// A constant: its type, then its id.
		m.globals = append(m.globals, inst(op, append([]uint32{operands[0], id}, operands[1:]...)...)...)
	} else {
		m.globals = append(m.globals, inst(op, append([]uint32{id}, operands...)...)...)
	}
	return id, true
}

func (m *module) typ(op Op, operands ...uint32) uint32 {
	id, _ := m.typeOrConst("", op, operands...)
	return id
}

func (m *module) voidType() uint32 { return m.typ(OpTypeVoid) }
func (m *module) boolType() uint32 { return m.typ(OpTypeBool) }
func (m *module) intType(bits int) uint32 {
	return m.typ(OpTypeInt, uint32(bits), 0)
}
func (m *module) floatType(bits int) uint32 { return m.typ(OpTypeFloat, uint32(bits)) }
func (m *module) ptrType(sc StorageClass, elem uint32) uint32 {
	return m.typ(OpTypePointer, uint32(sc), elem)
}
func (m *module) funcType(ret uint32, params ...uint32) uint32 {
	return m.typ(OpTypeFunction, append([]uint32{ret}, params...)...)
}

// constant returns the id of a scalar constant of type t (an int or float type of bits width)
// with the given bits.
func (m *module) constant(t uint32, bits int, v uint64) uint32 {
	if bits == 64 {
		id, _ := m.typeOrConst("", OpConstant, t, uint32(v), uint32(v>>32))
		return id
	}
	if bits < 32 {
		v &= 1<<bits - 1 // narrow types: the value in the low bits, the rest zero (unsigned type)
	}
	id, _ := m.typeOrConst("", OpConstant, t, uint32(v))
	return id
}

func (m *module) constBool(b bool) uint32 {
	if b {
		return m.typ(OpConstantTrue, m.boolType())
	}
	return m.typ(OpConstantFalse, m.boolType())
}

func (m *module) constU32(v uint32) uint32 { return m.constant(m.intType(32), 32, uint64(v)) }
func (m *module) constU64(v uint64) uint32 { return m.constant(m.intType(64), 64, v) }
func (m *module) constF64(f float64) uint32 {
	return m.constant(m.floatType(64), 64, math.Float64bits(f))
}
func (m *module) constNull(t uint32) uint32 { return m.typ(OpConstantNull, t) }

// global adds a global variable of pointer type ptr in storage class sc.
func (m *module) global(ptr uint32, sc StorageClass, init ...uint32) uint32 {
	id := m.id()
	m.globals = append(m.globals, inst(OpVariable, append([]uint32{ptr, id, uint32(sc)}, init...)...)...)
	return id
}

// words assembles the module.
func (m *module) words() []uint32 {
	w := []uint32{magic, version15, generatorID, m.bound, 0}
	for _, c := range m.caps {
		w = append(w, inst(OpCapability, uint32(c))...)
	}
	for _, e := range m.exts {
		w = append(w, inst(OpExtension, str(e)...)...)
	}
	if m.glsl != 0 {
		w = append(w, inst(OpExtInstImport, append([]uint32{m.glsl}, str("GLSL.std.450")...)...)...)
	}
	w = append(w, inst(OpMemoryModel, uint32(AddressingModelPhysicalStorageBuffer64), uint32(MemoryModelGLSL450))...)
	w = append(w, m.entries...)
	w = append(w, m.modes...)
	w = append(w, m.debug...)
	w = append(w, m.annots...)
	w = append(w, m.globals...)
	w = append(w, m.functions...)
	return w
}

// block is one basic block of a function being built.
type block struct {
	label uint32
	body  []uint32
	done  bool // ended by a terminator
}

// function builds one function: blocks in order, with the Function variables in the first.
type function struct {
	m      *module
	vars   []uint32
	blocks []*block
	cur    *block
}

// label starts the block with id l.
func (f *function) label(l uint32) {
	if f.cur != nil && !f.cur.done {
		panic("geobacter: BUG: spirv: block " + strconv.Itoa(int(f.cur.label)) + " not terminated")
	}
	f.cur = &block{label: l}
	f.blocks = append(f.blocks, f.cur)
}

// emit appends an instruction to the current block; a terminator ends the block.
func (f *function) emit(op Op, operands ...uint32) {
	if f.cur == nil || f.cur.done {
		panic("geobacter: BUG: spirv: instruction " + opName(op) + " outside a block")
	}
	f.cur.body = append(f.cur.body, inst(op, operands...)...)
	switch op {
	case OpBranch, OpBranchConditional, OpSwitch, OpReturn, OpReturnValue, OpUnreachable, OpKill:
		f.cur.done = true
	}
}

// op emits an instruction with a result of type t and returns the result's id.
func (f *function) op(op Op, t uint32, operands ...uint32) uint32 {
	id := f.m.id()
	f.emit(op, append([]uint32{t, id}, operands...)...)
	return id
}

// variable adds a Function variable of pointer type ptr.
func (f *function) variable(ptr uint32) uint32 {
	id := f.m.id()
	f.vars = append(f.vars, inst(OpVariable, ptr, id, uint32(StorageClassFunction))...)
	return id
}

// finish appends the function to the module: OpFunction, its blocks, OpFunctionEnd.
func (f *function) finish(id, ret, ftype uint32, params []uint32) {
	m := f.m
	m.functions = append(m.functions, inst(OpFunction, ret, id, uint32(FunctionControlNone), ftype)...)
	m.functions = append(m.functions, params...)
	for i, b := range f.blocks {
		if !b.done {
			panic("geobacter: BUG: spirv: block " + strconv.Itoa(int(b.label)) + " not terminated")
		}
		m.functions = append(m.functions, inst(OpLabel, b.label)...)
		if i == 0 {
			m.functions = append(m.functions, f.vars...)
		}
		m.functions = append(m.functions, b.body...)
	}
	m.functions = append(m.functions, inst(OpFunctionEnd)...)
}

func opName(op Op) string {
	if d, ok := opTable[op]; ok {
		return d.name
	}
	return "Op" + strconv.Itoa(int(op))
}

// hasResultType reports whether op's first operand is a result type.
func hasResultType(op Op) bool {
	d, ok := opTable[op]
	return ok && len(d.operands) > 0 && d.operands[0].kind == kindIdResultType
}
