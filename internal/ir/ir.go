// Package ir is Geobacter's intermediate representation of kernels: a typed SSA form in which
// every backend's input is expressed. A Module holds named struct types and functions; a Func is
// basic blocks of instructions (Values) ending in a terminator, with phis at block starts;
// pointers carry an address space (global, shared, private, args); bounds checks and panics are
// explicit instructions that carry a source position; atomics, barriers, work-item ids and math
// functions are instructions of one enumerated set each.
//
// The package also has the IR's one text form (Print and Parse, exact round trip), a verifier
// (Verify), a compact binary encoding for embedding in Go programs (Encode and Decode), and an
// interpreter that runs a kernel over a grid (Run), the oracle the compiled devices are tested
// against besides the `go` device.
//
// Instructions are one struct, Value, with an Op and operands, in the manner of cmd/compile's SSA:
// the printer, parser, encoder, verifier and interpreter are tables over the ops rather than a type
// per instruction. Each Op's doc comment shows its printed form.
package ir

import (
	"fmt"
	"strconv"
)

// Pos is a position in a kernel's source: the file's base name, line and column. The zero Pos is
// unknown.
type Pos struct {
	File      string
	Line, Col int32
}

// IsKnown reports whether p is a position.
func (p Pos) IsKnown() bool { return p.Line > 0 }

// String formats p as file.go:line:col.
func (p Pos) String() string {
	if !p.IsKnown() {
		return "unknown position"
	}
	return p.File + ":" + strconv.Itoa(int(p.Line)) + ":" + strconv.Itoa(int(p.Col))
}

// LineString formats p as file.go:line, the form of geobacter.KernelPanic.Pos.
func (p Pos) LineString() string {
	if !p.IsKnown() {
		return "unknown position"
	}
	return p.File + ":" + strconv.Itoa(int(p.Line))
}

// Module is a set of functions, some of them kernels, and the named struct types they use.
type Module struct {
	Types []*Struct // named struct types, each declared once
	Funcs []*Func
}

// Func returns the function named name, or nil.
func (m *Module) Func(name string) *Func {
	for _, f := range m.Funcs {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// Kernels returns the module's kernels.
func (m *Module) Kernels() []*Func {
	var ks []*Func
	for _, f := range m.Funcs {
		if f.Kernel {
			ks = append(ks, f)
		}
	}
	return ks
}

// Type returns the named struct type name, or nil.
func (m *Module) Type(name string) *Struct {
	for _, t := range m.Types {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// AddType declares a named struct type in m, once: it returns the type already declared under the
// same name, if any.
func (m *Module) AddType(t *Struct) *Struct {
	if old := m.Type(t.Name); old != nil {
		return old
	}
	m.Types = append(m.Types, t)
	return t
}

// NewFunc adds a function with the given parameter types and result type (Void, a type, or a
// *Tuple) and an entry block holding its params.
func (m *Module) NewFunc(name string, params []Type, result Type) *Func {
	f := &Func{Name: name, Result: result, Module: m}
	entry := f.NewBlock()
	for i, t := range params {
		p := entry.NewValue(OpParam, t)
		p.AuxInt = int64(i)
		f.Params = append(f.Params, p)
	}
	m.Funcs = append(m.Funcs, f)
	return f
}

// Access is how a kernel uses one field of its argument struct that holds memory (a slice or a
// pointer): the passes mark each, so that devices copy back only what a kernel writes.
type Access uint8

const (
	AccessNone  Access = 0
	AccessRead  Access = 1 << 0
	AccessWrite Access = 1 << 1
)

func (a Access) String() string {
	switch a {
	case AccessRead:
		return "read"
	case AccessWrite:
		return "write"
	case AccessRead | AccessWrite:
		return "readwrite"
	}
	return "none"
}

// Func is a function: its params are the first values of its entry block, Blocks[0].
type Func struct {
	Name   string // the Go function's full name, such as "(*main.Saxpy).Kernel" or "lib.Clamp[float32]"
	Kernel bool   // an entry point: one param, a pointer in Args to the kernel's argument struct
	Params []*Value
	Result Type // Void, a type, or a *Tuple
	Blocks []*Block
	Pos    Pos
	Module *Module

	// Access, for a kernel whose passes have run, has one entry per field of the argument struct:
	// how the kernel uses the memory the field refers to. Empty when not computed.
	Access []Access

	nextValue, nextBlock int
}

// Entry returns the entry block.
func (f *Func) Entry() *Block { return f.Blocks[0] }

// NewBlock appends an empty block.
func (f *Func) NewBlock() *Block {
	b := &Block{ID: f.nextBlock, Func: f}
	f.nextBlock++
	f.Blocks = append(f.Blocks, b)
	return b
}

// ArgsType returns a kernel's argument struct type.
func (f *Func) ArgsType() *Struct {
	if !f.Kernel || len(f.Params) != 1 {
		return nil
	}
	p, ok := f.Params[0].Type.(*Pointer)
	if !ok {
		return nil
	}
	s, _ := p.Elem.(*Struct)
	return s
}

// BlockKind is how a block ends.
type BlockKind uint8

const (
	BlockInvalid BlockKind = iota
	// BlockJump goes to Succs[0].
	//	jump b2
	BlockJump
	// BlockIf goes to Succs[0] when Controls[0] is true, else to Succs[1].
	//	if %3, b1, b2
	BlockIf
	// BlockReturn returns Controls (none, or one per result).
	//	return %4, %5
	BlockReturn
	// BlockPanic makes the work-item panic with the message Msg (panic("...") in Go) at Pos.
	//	panic "work-item gave up" @kernels.go:40:3
	BlockPanic
)

var blockKindNames = [...]string{"invalid", "jump", "if", "return", "panic"}

func (k BlockKind) String() string {
	if int(k) < len(blockKindNames) {
		return blockKindNames[k]
	}
	return "block?"
}

// Block is a basic block: instructions, then a terminator.
type Block struct {
	ID       int
	Func     *Func
	Instrs   []*Value // phis first
	Kind     BlockKind
	Controls []*Value
	Succs    []*Block
	Preds    []*Block
	Msg      string // BlockPanic's message
	Pos      Pos    // the terminator's position
}

// Value is an instruction and the value it computes. Instructions without a result (store,
// checks, barrier) have type Void.
type Value struct {
	ID     int
	Op     Op
	Type   Type
	Args   []*Value
	AuxInt int64 // op-specific: a constant's bits, a field or param index, an intrinsic, an atomic op
	Aux    any   // OpCall: the *Func called
	Block  *Block
	Pos    Pos
}

// Intrinsic returns an OpIntrinsic's intrinsic.
func (v *Value) Intrinsic() Intrinsic { return Intrinsic(v.AuxInt) }

// AtomicOp returns an OpAtomic's operation.
func (v *Value) AtomicOp() AtomicOp { return AtomicOp(v.AuxInt) }

// BoundsKind returns an OpCheckBounds' kind.
func (v *Value) BoundsKind() BoundsKind { return BoundsKind(v.AuxInt & 0xff) }

// Callee returns an OpCall's function.
func (v *Value) Callee() *Func { f, _ := v.Aux.(*Func); return f }

// NewValue appends an instruction to b.
func (b *Block) NewValue(op Op, t Type, args ...*Value) *Value {
	v := b.Func.newValue(op, t, args)
	v.Block = b
	b.Instrs = append(b.Instrs, v)
	return v
}

// InsertValue inserts an instruction into b before position i.
func (b *Block) InsertValue(i int, op Op, t Type, args ...*Value) *Value {
	v := b.Func.newValue(op, t, args)
	v.Block = b
	b.Instrs = append(b.Instrs, nil)
	copy(b.Instrs[i+1:], b.Instrs[i:])
	b.Instrs[i] = v
	return v
}

func (f *Func) newValue(op Op, t Type, args []*Value) *Value {
	if t == nil {
		t = Void
	}
	v := &Value{ID: f.nextValue, Op: op, Type: t, Args: args}
	f.nextValue++
	return v
}

// Const appends a scalar constant of type t with the given bits (see OpConst).
func (b *Block) Const(t *Basic, bits int64) *Value {
	v := b.NewValue(OpConst, t)
	v.AuxInt = bits
	return v
}

// Jump ends b with a jump to to.
func (b *Block) Jump(to *Block) {
	b.setEnd(BlockJump, nil, to)
}

// If ends b with a branch on cond.
func (b *Block) If(cond *Value, then, els *Block) {
	b.setEnd(BlockIf, []*Value{cond}, then, els)
}

// Return ends b with a return of vals.
func (b *Block) Return(vals ...*Value) {
	b.setEnd(BlockReturn, vals)
}

// Panic ends b with a panic with message msg.
func (b *Block) Panic(msg string) {
	b.setEnd(BlockPanic, nil)
	b.Msg = msg
}

func (b *Block) setEnd(kind BlockKind, controls []*Value, succs ...*Block) {
	if b.Kind != BlockInvalid {
		panic(fmt.Sprintf("geobacter: BUG: block b%d of %s ended twice", b.ID, b.Func.Name))
	}
	b.Kind, b.Controls, b.Succs = kind, controls, succs
	for _, s := range succs {
		s.Preds = append(s.Preds, b)
	}
}

// ConstBits returns the bits to store in an OpConst of type t for an integer value v: v truncated
// to t's width and sign- or zero-extended back, as Go's conversion does.
func ConstBits(t *Basic, v int64) int64 {
	switch t.Kind {
	case Bool:
		if v != 0 {
			return 1
		}
		return 0
	case Int8:
		return int64(int8(v))
	case Int16:
		return int64(int16(v))
	case Int32:
		return int64(int32(v))
	case Uint8:
		return int64(uint8(v))
	case Uint16:
		return int64(uint16(v))
	case Uint32:
		return int64(uint32(v))
	}
	return v
}
