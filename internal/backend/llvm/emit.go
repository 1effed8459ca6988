package llvm

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// ErrBarriers is the error of Emit for a kernel that has barriers on a target with neither a
// Barrier hook nor Fission (the host target has Fission).
var ErrBarriers = errors.New("kernels with barriers are not supported on this target")

// Output is a module lowered to LLVM IR text, with what a runtime needs to call it.
type Output struct {
	Text    string
	Kernels []*Kernel
	// Sites are the module's failed-check and panic sites: a failure records 1 + its index.
	Sites []Site
}

// Kernel is one kernel's entry points and shared memory.
type Kernel struct {
	Name   string // the IR function's name: "(*main.Saxpy).Kernel"
	Symbol string // the C prefix of its entry points: "geobacter_main_Saxpy_Kernel"
	// SharedSize and SharedAlign are the bytes and alignment of the work-group's shared memory
	// block (every shared variable at SharedOffsets[AuxInt of its OpShared]).
	SharedSize, SharedAlign int64
	SharedOffsets           map[int64]int64
	// FrameSize is, for a kernel with barriers lowered by loop fission, the bytes of one
	// work-item's frame (a multiple of 16); 0 for a kernel without barriers.
	FrameSize int64
}

// SiteKind is what fails at a Site.
type SiteKind uint8

const (
	SiteBounds SiteKind = iota + 1 // checkbounds: x and y are its operands
	SiteNil                        // checknil
	SiteDivide                     // checkdivide
	SiteShift                      // checkshift: x is the count
	SitePanic                      // a panic block: Msg
)

// Site is one place where a work-item can panic.
type Site struct {
	Kind   SiteKind
	Pos    ir.Pos
	Bounds ir.BoundsKind // SiteBounds
	Signed bool          // SiteBounds: x came from a signed integer
	Msg    string        // SitePanic
}

// Message is the panic message of a failure at s with operands x and y, as Go and ir.Run give
// it ("runtime error: index out of range [5] with length 3").
func (s Site) Message(x, y int64) string {
	switch s.Kind {
	case SiteBounds:
		return "runtime error: " + s.Bounds.Message(x, y, s.Signed)
	case SiteNil:
		return "runtime error: " + ir.NilMessage
	case SiteDivide:
		return "runtime error: " + ir.DivideMessage
	case SiteShift:
		return "runtime error: " + ir.ShiftMessage
	}
	return s.Msg
}

// ModuleBuilder collects a module's declarations and definitions; a Target's Entry hook adds to
// it.
type ModuleBuilder struct {
	decls map[string]bool
	defs  []string
}

// Declare adds a declaration line (of an intrinsic or external function), once.
func (mb *ModuleBuilder) Declare(line string) { mb.decls[line] = true }

// Define adds a definition (a function's text).
func (mb *ModuleBuilder) Define(text string) { mb.defs = append(mb.defs, text) }

// Builder writes one function's instructions; a Target's hooks write through it.
type Builder struct {
	Module *ModuleBuilder
	body   strings.Builder
	ntmp   int
}

// Tmp returns a new local value name.
func (b *Builder) Tmp() string {
	b.ntmp++
	return "%t" + strconv.Itoa(b.ntmp)
}

// Line writes one instruction or label line (formatted as fmt.Sprintf does, indented).
func (b *Builder) Line(format string, args ...any) {
	b.body.WriteString("  ")
	fmt.Fprintf(&b.body, format, args...)
	b.body.WriteByte('\n')
}

// Emit lowers every function of m to an LLVM module for target t and returns its text. See
// EmitModule.
func Emit(m *ir.Module, t *Target) (string, error) {
	out, err := EmitModule(m, t)
	if err != nil {
		return "", err
	}
	return out.Text, nil
}

// EmitModule lowers every function of m to an LLVM module for target t: each kernel to its
// work-item function and the target's entry points, every other function to an internal
// function. It fails with an error wrapping ErrBarriers for a kernel with barriers when the
// target has neither a barrier lowering nor Fission, and with an error for IR it cannot lower.
func EmitModule(m *ir.Module, t *Target) (out *Output, err error) {
	e := &emitter{t: t, m: m, layouts: map[*ir.Struct]*layout{}, declared: map[string]bool{},
		mb: &ModuleBuilder{decls: map[string]bool{}}, out: &Output{}}
	defer func() {
		if r := recover(); r != nil {
			if le, ok := r.(lowerError); ok {
				out, err = nil, le.err
				return
			}
			panic(r)
		}
	}()
	for _, s := range m.Types {
		e.declareStruct(s)
	}
	syms := map[string]bool{}
	for _, f := range m.Funcs {
		if f.Kernel {
			if t.Barrier == nil && !t.Fission && hasBarrier(f, map[*ir.Func]bool{}) {
				return nil, fmt.Errorf("%s: %w", f.Name, ErrBarriers)
			}
			sym := symbolName(f.Name)
			for n := 2; syms[sym]; n++ {
				sym = symbolName(f.Name) + "_" + strconv.Itoa(n)
			}
			syms[sym] = true
			e.out.Kernels = append(e.out.Kernels, &Kernel{Name: f.Name, Symbol: sym})
		}
	}
	ki := 0
	for _, f := range m.Funcs {
		var k *Kernel
		if f.Kernel {
			k = e.out.Kernels[ki]
			ki++
			e.layoutShared(f, k)
		}
		e.function(f, k)
		if k != nil {
			t.Entry(e.mb, k, e.itemName(f))
		}
	}

	var s strings.Builder
	s.WriteString("; generated by geobacter for " + t.Name + "\n")
	fmt.Fprintf(&s, "target datalayout = %q\n", t.DataLayout)
	fmt.Fprintf(&s, "target triple = %q\n\n", t.Triple)
	for _, d := range e.typeDefs {
		s.WriteString(d + "\n")
	}
	if len(e.typeDefs) > 0 {
		s.WriteString("\n")
	}
	for _, d := range e.mb.defs {
		s.WriteString(d + "\n")
	}
	decls := make([]string, 0, len(e.mb.decls))
	for d := range e.mb.decls {
		decls = append(decls, d)
	}
	sort.Strings(decls)
	for _, d := range decls {
		s.WriteString(d + "\n")
	}
	s.WriteString("\nattributes #0 = { nounwind willreturn memory(none) }\n\n")
	s.WriteString("!0 = !{}\n")
	s.WriteString("!1 = !{!\"branch_weights\", i32 1, i32 1048575}\n")
	e.out.Text = s.String()
	return e.out, nil
}

// lowerError carries an error out of the lowering's recursion.
type lowerError struct{ err error }

func (e *emitter) fail(format string, args ...any) {
	panic(lowerError{fmt.Errorf("llvm: "+format, args...)})
}

type emitter struct {
	t        *Target
	m        *ir.Module
	mb       *ModuleBuilder
	out      *Output
	layouts  map[*ir.Struct]*layout
	declared map[string]bool
	typeDefs []string
}

func hasBarrier(f *ir.Func, seen map[*ir.Func]bool) bool {
	if seen[f] {
		return false
	}
	seen[f] = true
	for _, b := range f.Blocks {
		for _, v := range b.Instrs {
			if v.Op == ir.OpIntrinsic && v.Intrinsic() == ir.Barrier {
				return true
			}
			if v.Op == ir.OpCall && v.Callee() != nil && hasBarrier(v.Callee(), seen) {
				return true
			}
		}
	}
	return false
}

// layoutShared gives each shared variable of kernel f (and of the functions it calls) its
// offset in the group's shared block.
func (e *emitter) layoutShared(f *ir.Func, k *Kernel) {
	k.SharedOffsets = map[int64]int64{}
	k.SharedAlign = 1
	types := map[int64]ir.Type{}
	var visit func(f *ir.Func, seen map[*ir.Func]bool)
	visit = func(f *ir.Func, seen map[*ir.Func]bool) {
		if seen[f] {
			return
		}
		seen[f] = true
		for _, b := range f.Blocks {
			for _, v := range b.Instrs {
				switch v.Op {
				case ir.OpShared:
					if _, ok := types[v.AuxInt]; !ok {
						types[v.AuxInt] = v.Type.(*ir.Pointer).Elem
					}
				case ir.OpCall:
					visit(v.Callee(), seen)
				}
			}
		}
	}
	visit(f, map[*ir.Func]bool{})
	slots := make([]int64, 0, len(types))
	for n := range types {
		slots = append(slots, n)
	}
	sort.Slice(slots, func(i, j int) bool { return slots[i] < slots[j] })
	var off int64
	for _, n := range slots {
		t := types[n]
		a := max(t.Align(), 1)
		off = (off + a - 1) / a * a
		k.SharedOffsets[n] = off
		off += t.Size()
		k.SharedAlign = max(k.SharedAlign, a)
	}
	k.SharedSize = off
}

func (e *emitter) itemName(f *ir.Func) string {
	if f.Kernel {
		return llvmGlobal(f.Name + ".item")
	}
	return llvmGlobal(f.Name)
}

func (e *emitter) addSite(s Site) int {
	e.out.Sites = append(e.out.Sites, s)
	return len(e.out.Sites) - 1
}

// fn is the lowering of one function.
type fn struct {
	*Builder
	e       *emitter
	f       *ir.Func
	kernel  *Kernel
	allocas strings.Builder
	names   map[*ir.Value]string
	end     map[*ir.Block]string // the LLVM block each IR block's terminator is in
	phis    []*ir.Value
	cur     *ir.Block // the block being lowered

	// Loop fission (a kernel with barriers on a Target.Fission target): the frame offsets of
	// the values kept across barriers, of the phis' incoming values and of the private
	// variables, and the number of resume points so far.
	fission bool
	spill   map[*ir.Value]int64
	phiin   map[*ir.Value]int64
	local   map[*ir.Value]int64
	nresume int
}

// function lowers f: a kernel to its work-item function, anything else to an internal function.
func (e *emitter) function(f *ir.Func, k *Kernel) {
	b := &fn{Builder: &Builder{Module: e.mb}, e: e, f: f, kernel: k,
		names: map[*ir.Value]string{}, end: map[*ir.Block]string{}}
	for _, blk := range f.Blocks {
		for _, v := range blk.Instrs {
			if v.Type != ir.Void {
				b.names[v] = "%v" + strconv.Itoa(v.ID)
			}
		}
	}
	params := append([]string{}, e.t.Hidden...)
	for i, p := range f.Params {
		attr := ""
		if f.Kernel && i == 0 {
			attr = " noalias"
		}
		params = append(params, e.valType(p.Type)+attr+" "+b.names[p])
	}
	if e.t.Fission && hasBarrier(f, map[*ir.Func]bool{}) {
		if !f.Kernel {
			e.fail("%s: a barrier in a function that is not a kernel (the passes inline every call)", f.Name)
		}
		b.fission = true
		b.planFission()
		params = append(params, "ptr noalias %frame")
	}
	ret := "i1"
	linkage := "internal"
	attrs := "alwaysinline nounwind"
	if !f.Kernel {
		ret = e.valType(f.Result)
		attrs = "nounwind"
	}
	for _, blk := range blockOrder(f) {
		b.block(blk)
	}
	// Phis last, once every block's end label is known.
	text := b.body.String()
	var r []string
	for _, v := range b.phis {
		var in []string
		for i, a := range v.Args {
			in = append(in, fmt.Sprintf("[ %s, %%%s ]", b.op(a), b.end[v.Block.Preds[i]]))
		}
		r = append(r, "\x00phi"+strconv.Itoa(v.ID)+"\x00", strings.Join(in, ", "))
	}
	text = strings.NewReplacer(r...).Replace(text)

	var s strings.Builder
	fmt.Fprintf(&s, "define %s %s %s(%s) %s {\n", linkage, ret, e.itemName(f), strings.Join(params, ", "), attrs)
	s.WriteString("entry:\n")
	s.WriteString(b.allocas.String())
	if b.fission {
		s.WriteString(b.fissionEntry(f.Blocks[0].ID))
	} else {
		fmt.Fprintf(&s, "  br label %%b%d\n", f.Blocks[0].ID)
	}
	s.WriteString(text)
	s.WriteString("}\n")
	e.mb.Define(s.String())
}

// label starts a new LLVM block.
func (b *fn) label(l string) {
	b.body.WriteString(l + ":\n")
}

func (b *fn) block(blk *ir.Block) {
	b.cur = blk
	b.label("b" + strconv.Itoa(blk.ID))
	b.end[blk] = "b" + strconv.Itoa(blk.ID)
	for _, v := range blk.Instrs {
		b.instr(v)
		if off, ok := b.spill[v]; ok {
			b.storeSlot(v.Type, b.names[v], off)
		}
	}
	if b.fission {
		b.phiStores(blk)
	}
	switch blk.Kind {
	case ir.BlockJump:
		b.Line("br label %%b%d", blk.Succs[0].ID)
	case ir.BlockIf:
		b.Line("br i1 %s, label %%b%d, label %%b%d", b.op(blk.Controls[0]), blk.Succs[0].ID, blk.Succs[1].ID)
	case ir.BlockReturn:
		switch {
		case b.f.Kernel:
			if b.fission {
				b.setState(stateDone)
			}
			b.Line("ret i1 false")
		case len(blk.Controls) == 0:
			b.Line("ret void")
		case len(blk.Controls) == 1:
			b.Line("ret %s %s", b.e.valType(b.f.Result), b.op(blk.Controls[0]))
		default:
			tt := b.e.valType(b.f.Result)
			agg := "poison"
			for i, c := range blk.Controls {
				x := b.Tmp()
				b.Line("%s = insertvalue %s %s, %s %s, %d", x, tt, agg, b.e.valType(c.Type), b.op(c), i)
				agg = x
			}
			b.Line("ret %s %s", tt, agg)
		}
	case ir.BlockPanic:
		site := b.e.addSite(Site{Kind: SitePanic, Pos: blk.Pos, Msg: blk.Msg})
		b.e.t.Fail(b.Builder, site, "0", "0")
		b.failReturn()
	default:
		b.e.fail("%s: block b%d has no terminator", b.f.Name, blk.ID)
	}
}

// failReturn returns from the function after a failure was recorded.
func (b *fn) failReturn() {
	switch {
	case b.f.Kernel:
		b.Line("ret i1 true")
	case b.f.Result == ir.Void || ir.Identical(b.f.Result, ir.Void):
		b.Line("ret void")
	default:
		b.Line("ret %s poison", b.e.valType(b.f.Result))
	}
}

// check branches to a failure of site with operands x, y when cond (an i1) is true.
func (b *fn) check(cond string, site int, x, y string) {
	fail, cont := b.Tmp()[1:]+".fail", b.Tmp()[1:]+".ok"
	b.Line("br i1 %s, label %%%s, label %%%s, !prof !1", cond, fail, cont)
	b.label(fail)
	b.e.t.Fail(b.Builder, site, x, y)
	b.failReturn()
	b.label(cont)
	b.setEnd(cont)
}

// setEnd notes that the IR block being lowered now continues in LLVM block l.
func (b *fn) setEnd(l string) { b.end[b.cur] = l }

// op is v's operand: its value name, or a constant.
func (b *fn) op(v *ir.Value) string {
	switch v.Op {
	case ir.OpConst:
		return constant(v.Type.(*ir.Basic), v.AuxInt)
	case ir.OpZero:
		return b.zero(v.Type)
	}
	if off, ok := b.spill[v]; ok {
		return b.loadSlot(v.Type, off, "")
	}
	if n, ok := b.names[v]; ok {
		return n
	}
	b.e.fail("%s: v%d (%v) has no value", b.f.Name, v.ID, v.Op)
	return ""
}

func (b *fn) zero(t ir.Type) string {
	switch t := t.(type) {
	case *ir.Basic:
		return constant(t, 0)
	case *ir.Pointer:
		return "null"
	}
	return "zeroinitializer"
}

// constant is the LLVM literal of a scalar constant's bits.
func constant(t *ir.Basic, bits int64) string {
	switch t.Kind {
	case ir.Bool:
		if bits&1 != 0 {
			return "true"
		}
		return "false"
	case ir.Float64:
		return fmt.Sprintf("0x%016X", uint64(bits))
	case ir.Float32:
		return f32hex(uint32(bits))
	case ir.Int8, ir.Uint8:
		return strconv.Itoa(int(int8(bits)))
	case ir.Int16, ir.Uint16:
		return strconv.Itoa(int(int16(bits)))
	case ir.Int32, ir.Uint32:
		return strconv.Itoa(int(int32(bits)))
	}
	return strconv.FormatInt(bits, 10)
}

// f32hex is a float constant as LLVM writes it: the double of the same value, in hex; a NaN's
// payload moved as it is (not quietened).
func f32hex(u uint32) string {
	f := math.Float32frombits(u)
	if f == f {
		return fmt.Sprintf("0x%016X", math.Float64bits(float64(f)))
	}
	d := uint64(u>>31)<<63 | 0x7ff<<52 | uint64(u&0x7fffff)<<29
	return fmt.Sprintf("0x%016X", d)
}

// blockOrder is f's blocks in reverse postorder from the entry (so that each value is lowered
// before its uses other than phis), then any unreachable ones.
func blockOrder(f *ir.Func) []*ir.Block {
	seen := map[*ir.Block]bool{}
	var post []*ir.Block
	var visit func(b *ir.Block)
	visit = func(b *ir.Block) {
		seen[b] = true
		for _, s := range b.Succs {
			if !seen[s] {
				visit(s)
			}
		}
		post = append(post, b)
	}
	visit(f.Blocks[0])
	order := make([]*ir.Block, 0, len(f.Blocks))
	for i := len(post) - 1; i >= 0; i-- {
		order = append(order, post[i])
	}
	for _, b := range f.Blocks {
		if !seen[b] {
			order = append(order, b)
		}
	}
	return order
}
