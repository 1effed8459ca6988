package spirv

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// ErrNotSupported is wrapped by the errors of Emit for a kernel that needs something the target
// lacks (a device feature, or a function this backend does not lower yet).
var ErrNotSupported = errors.New("not supported")

// Target describes the Vulkan device a kernel is compiled for: its push-constant space and the
// optional features the emitted module may use. A kernel that needs a feature the target lacks
// is refused with an error naming the feature and the instruction's position.
type Target struct {
	// Name names the target in errors ("vulkan").
	Name string
	// PushConstantBytes is the device's maxPushConstantsSize (at least 128).
	PushConstantBytes int

	Int8    bool // shaderInt8: 8-bit integer arithmetic (Capability Int8)
	Int16   bool // shaderInt16
	Int64   bool // shaderInt64: Go's int, uintptr and every address; needed by nearly every kernel
	Float64 bool // shaderFloat64

	// Access to 8- and 16-bit values (and bools, which are bytes in memory) in buffers and push
	// constants: storageBuffer8BitAccess, storagePushConstant8, storageBuffer16BitAccess,
	// storagePushConstant16.
	StorageBuffer8BitAccess, StoragePushConstant8   bool
	StorageBuffer16BitAccess, StoragePushConstant16 bool

	Int64Atomics bool // shaderBufferInt64Atomics and shaderSharedInt64Atomics

	// VK_EXT_shader_atomic_float: atomic float add in buffers and in shared memory; without it
	// float atomic add is a compare-exchange loop on the bits.
	AtomicFloat32AddBuffer, AtomicFloat64AddBuffer bool
	AtomicFloat32AddShared, AtomicFloat64AddShared bool

	// ZeroInitializeWorkgroupMemory (shaderZeroInitializeWorkgroupMemory, Vulkan 1.3): shared
	// variables are zeroed by their initializers; without it the first work-item of the group
	// zeroes them, followed by a barrier.
	ZeroInitializeWorkgroupMemory bool
}

// Lavapipe is a target with the features of Mesa's lavapipe (llvmpipe Vulkan) and 128 bytes of
// push constants, as the tests use it.
var Lavapipe = &Target{
	Name: "vulkan", PushConstantBytes: 128,
	Int8: true, Int16: true, Int64: true, Float64: true,
	StorageBuffer8BitAccess: true, StoragePushConstant8: true,
	StorageBuffer16BitAccess: true, StoragePushConstant16: true,
	Int64Atomics: true, AtomicFloat32AddBuffer: true, AtomicFloat64AddBuffer: true,
	AtomicFloat32AddShared: true, AtomicFloat64AddShared: true,
}

// PanicRecordSize is the size in bytes of the panic record (see the package doc).
const PanicRecordSize = 36

// Push-constant layout (see the package doc).
const (
	pushPanic     = 0  // uint64: the panic record's address
	pushGridSize  = 1  // uint32[3]
	pushNumGroups = 2  // uint32[3]
	pushGroupSize = 3  // uint32[3]
	pushGroupBase = 4  // uint32[3]: the id of the dispatch's first group
	pushArgs      = 5  // the argument struct, or its address
	pushArgsOff   = 56 // the byte offset of member pushArgs
)

// PushArgsOffset is the byte offset in the push constants of the argument struct (or its
// address), and PushGroupBaseOffset that of the dispatch's first group (see the package doc).
const (
	PushArgsOffset      = pushArgsOff
	PushGroupBaseOffset = 44
)

// Kernel is a kernel compiled to a SPIR-V module.
type Kernel struct {
	Name  string   // the IR function's name
	Words []uint32 // the module
	Entry string   // the GLCompute entry point's name
	// ArgsInline says the argument struct is in the push constants at offset 56 (PushArgsOffset); otherwise
	// offset 56 holds its device address. ArgsSize is its size in Go's layout, PushSize the
	// size of the push-constant range the pipeline layout declares (a multiple of 4).
	ArgsInline bool
	ArgsSize   int64
	PushSize   int64
	// SharedSize is the bytes of shared memory (Workgroup variables) the kernel uses.
	SharedSize int64
	// HasBarriers says the kernel has barriers: the device dispatches a partial last group
	// separately (see the package doc).
	HasBarriers bool
	// Sites are the kernel's failed-check and panic sites: a failure records 1 + its index.
	Sites []ir.Site
}

// EntryName is the entry point's name in every module.
const EntryName = "main"

// posError is an error at a position in the kernel's source.
type posError struct {
	pos ir.Pos
	msg string
	err error
}

func (e *posError) Error() string {
	if e.pos.IsKnown() {
		return e.pos.String() + ": " + e.msg
	}
	return e.msg
}

func (e *posError) Unwrap() error { return e.err }

// lowerError carries an error out of the lowering's recursion.
type lowerError struct{ err error }

// Emit lowers kernel (a function of m after passes.Run: one function, no calls) to a SPIR-V
// module for target t.
func Emit(m *ir.Module, kernel *ir.Func, t *Target) (k *Kernel, err error) {
	if t == nil {
		t = Lavapipe
	}
	if kernel == nil || !kernel.Kernel {
		return nil, fmt.Errorf("spirv: %v is not a kernel", kernel)
	}
	e := newEmitter(kernel, t)
	defer func() {
		if r := recover(); r != nil {
			if le, ok := r.(lowerError); ok {
				k, err = nil, le.err
				return
			}
			panic(r)
		}
	}()
	e.run()
	return e.k, nil
}

// emitter is the lowering of one kernel.
type emitter struct {
	t   *Target
	f   *ir.Func
	k   *Kernel
	m   *module
	fn  *function
	pos ir.Pos // the position of the instruction being lowered, for errors

	valTypes map[string]uint32 // plain types of IR types, by their String
	memTypes map[string]uint32 // explicit-layout types

	args       *ir.Struct
	argsInline bool
	pushVar    uint32
	builtins   map[BuiltIn]uint32
	interfaces []uint32
	shared     map[int64]uint32

	// The lowering of values.
	ids         map[*ir.Value]uint32 // SSA ids (in the value's own block)
	spill       map[*ir.Value]uint32 // Function variables of values used in other blocks
	phiVar      map[*ir.Value]uint32 // Function variables of phis
	lptr        map[*ir.Value]*lptr  // pointers (and slices' bases) in logical storage
	loaded      map[*ir.Value]uint32 // spilled values loaded in the current IR block
	curBlk      *ir.Block
	entry       map[*ir.Block]uint32
	cfg         *cfg
	noCache     bool
	logicalPhis []*ir.Value
	uses        map[*ir.Value][]*ir.Value
	sharedInts  map[int64]bool
	gid32       [3]uint32
	pre         map[[2]int]uint32 // values loaded in the prologue
	panicAddr   uint32
	sitePos     map[int]ir.Pos
}

func newEmitter(f *ir.Func, t *Target) *emitter {
	return &emitter{t: t, f: f, k: &Kernel{Name: f.Name, Entry: EntryName}, m: newModule(),
		valTypes: map[string]uint32{}, memTypes: map[string]uint32{}, builtins: map[BuiltIn]uint32{},
		shared: map[int64]uint32{}, pre: map[[2]int]uint32{}, ids: map[*ir.Value]uint32{}, spill: map[*ir.Value]uint32{},
		phiVar: map[*ir.Value]uint32{}, lptr: map[*ir.Value]*lptr{}, loaded: map[*ir.Value]uint32{},
		entry: map[*ir.Block]uint32{}}
}

// fail stops the lowering with an error at the current position.
func (e *emitter) fail(format string, args ...any) {
	panic(lowerError{&posError{pos: e.pos, msg: fmt.Sprintf("spirv: "+format, args...)}})
}

// unsupported stops the lowering with an error wrapping ErrNotSupported.
func (e *emitter) unsupported(format string, args ...any) {
	panic(lowerError{&posError{pos: e.pos, msg: fmt.Sprintf("spirv: "+format, args...), err: ErrNotSupported}})
}

// need requires a target feature for what is being lowered.
func (e *emitter) need(have bool, feature, what string) {
	if !have {
		e.unsupported("%s needs the %s feature, which the %s target lacks: %v", what, feature, e.targetName(), ErrNotSupported)
	}
}

func (e *emitter) targetName() string {
	if e.t.Name != "" {
		return e.t.Name
	}
	return "vulkan"
}

func (e *emitter) run() {
	f := e.f
	e.pos = f.Pos
	e.args = f.ArgsType()
	if e.args == nil {
		e.fail("%s: a kernel's parameter must be a pointer to its argument struct", f.Name)
	}
	if err := checkOneFunc(f); err != nil {
		e.fail("%s: %v", f.Name, err)
	}
	m := e.m
	m.capability(CapabilityShader)
	m.capability(CapabilityPhysicalStorageBufferAddresses)
	e.need(e.t.Int64, "Int64 (shaderInt64)", "a kernel (Go's int and every address are 64-bit)")
	m.capability(CapabilityInt64)
	e.k.ArgsSize = e.args.Size()
	// Inline when the struct fits and the target can read its 8- and 16-bit fields (and bools)
	// from push constants.
	small := scalarWidths(e.args)
	e.argsInline = pushArgsOff+e.args.Size() <= int64(e.t.PushConstantBytes) &&
		(!small[8] || e.t.StoragePushConstant8) && (!small[16] || e.t.StoragePushConstant16)
	e.k.ArgsInline = e.argsInline
	e.declarePush()

	e.cfg = buildCFG(f)
	if b := e.cfg.irreducible; b != nil {
		e.pos = blockPos(b)
		e.fail("%s: irreducible control flow (a goto into a loop) is not supported on vulkan", f.Name)
	}
	e.k.HasBarriers = hasBarrier(f)

	fnID := m.id()
	e.fn = &function{m: m}
	first := m.id()
	e.fn.label(first)
	e.prologue()
	e.planValues()
	for _, b := range e.cfg.order {
		e.entry[b] = m.id()
	}
	e.fn.emit(OpBranch, e.entry[f.Entry()])
	e.fn.label(e.entry[f.Entry()])
	e.doTree(f.Entry(), nil)
	for _, v := range e.logicalPhis {
		e.pos = v.Pos
		for _, x := range v.Args {
			if r := e.lptr[x]; r == nil || !r.equal(e.lptr[v]) {
				e.unsupported("a phi of pointers or slices into different %v variables or elements is not supported on vulkan", spaceOf(v.Type))
			}
		}
	}
	e.fn.finish(fnID, m.voidType(), m.funcType(m.voidType()), nil)

	// The entry point and its execution modes.
	ep := []uint32{uint32(ExecutionModelGLCompute), fnID}
	ep = append(ep, str(EntryName)...)
	ep = append(ep, e.interfaces...)
	m.entries = append(m.entries, inst(OpEntryPoint, ep...)...)
	m.modes = append(m.modes, inst(OpExecutionMode, fnID, uint32(ExecutionModeLocalSize), 1, 1, 1)...)
	m.name(fnID, EntryName)
	e.k.Words = m.words()
}

// checkOneFunc checks that f has no calls left.
func checkOneFunc(f *ir.Func) error {
	for _, b := range f.Blocks {
		for _, v := range b.Instrs {
			if v.Op == ir.OpCall {
				return fmt.Errorf("%v: a call is left after the passes (run passes.Run first)", v.Pos)
			}
		}
	}
	return nil
}

func hasBarrier(f *ir.Func) bool {
	for _, b := range f.Blocks {
		for _, v := range b.Instrs {
			if v.Op == ir.OpIntrinsic && v.Intrinsic() == ir.Barrier {
				return true
			}
		}
	}
	return false
}

func blockPos(b *ir.Block) ir.Pos {
	for _, v := range b.Instrs {
		if v.Pos.IsKnown() {
			return v.Pos
		}
	}
	return b.Pos
}

// declarePush declares the push-constant block (see the package doc).
func (e *emitter) declarePush() {
	m := e.m
	u64 := m.intType(64)
	arr := e.memType(&ir.Array{Elem: ir.Uint32Type, Len: 3})
	members := []uint32{u64, arr, arr, arr, arr}
	offsets := []uint32{0, 8, 20, 32, 44}
	size := int64(pushArgsOff)
	if e.argsInline {
		if e.args.Size() > 0 {
			members = append(members, e.memType(e.args))
			offsets = append(offsets, pushArgsOff)
		}
		size += e.args.Size()
	} else {
		members = append(members, u64)
		offsets = append(offsets, pushArgsOff)
		size += 8
	}
	e.k.PushSize = (size + 3) &^ 3 // Vulkan's push-constant ranges are whole words
	if e.k.PushSize > int64(e.t.PushConstantBytes) {
		e.unsupported("%s: the launch parameters need %d bytes of push constants; the %s target has %d",
			e.f.Name, e.k.PushSize, e.targetName(), e.t.PushConstantBytes)
	}
	st, _ := m.typeOrConst("push", OpTypeStruct, members...)
	m.decorate(st, DecorationBlock)
	for i, o := range offsets {
		m.memberDecorate(st, i, DecorationOffset, o)
	}
	m.name(st, "Push")
	e.pushVar = m.global(m.ptrType(StorageClassPushConstant, st), StorageClassPushConstant)
	m.name(e.pushVar, "push")
	e.interfaces = append(e.interfaces, e.pushVar)
}

// builtin returns the Input variable of a uvec3 builtin.
func (e *emitter) builtin(b BuiltIn) uint32 {
	if id, ok := e.builtins[b]; ok {
		return id
	}
	m := e.m
	v3 := m.typ(OpTypeVector, m.intType(32), 3)
	id := m.global(m.ptrType(StorageClassInput, v3), StorageClassInput)
	m.decorate(id, DecorationBuiltIn, uint32(b))
	e.builtins[b] = id
	e.interfaces = append(e.interfaces, id)
	return id
}

// builtinU32 is component d of a uvec3 builtin, loaded once in the prologue (whose block
// dominates every other).
func (e *emitter) builtinU32(b BuiltIn, d int) uint32 {
	k := [2]int{int(b), d}
	if id, ok := e.pre[k]; ok {
		return id
	}
	m := e.m
	v3 := m.typ(OpTypeVector, m.intType(32), 3)
	v := e.fn.op(OpLoad, v3, e.builtin(b))
	for i := range 3 {
		e.pre[[2]int{int(b), i}] = e.fn.op(OpCompositeExtract, m.intType(32), v, uint32(i))
	}
	return e.pre[k]
}

// pushU32 is element d of the push constants' uint32[3] member i, loaded once in the prologue.
func (e *emitter) pushU32(i, d int) uint32 {
	k := [2]int{-i, d}
	if id, ok := e.pre[k]; ok {
		return id
	}
	m := e.m
	u32 := m.intType(32)
	p := e.fn.op(OpAccessChain, m.ptrType(StorageClassPushConstant, u32), e.pushVar, m.constU32(uint32(i)), m.constU32(uint32(d)))
	e.pre[k] = e.fn.op(OpLoad, u32, p)
	return e.pre[k]
}

// groupU32 is the work-item's group id in dimension d, as a uint32: the WorkgroupId of the
// dispatch plus the dispatch's first group (push.groupBase), computed once in the prologue.
func (e *emitter) groupU32(d int) uint32 {
	k := [2]int{-100, d}
	if id, ok := e.pre[k]; ok {
		return id
	}
	e.pre[k] = e.fn.op(OpIAdd, e.m.intType(32), e.builtinU32(BuiltInWorkgroupId, d), e.pushU32(pushGroupBase, d))
	return e.pre[k]
}

// globalIDU32 is the work-item's global id in dimension d, as a uint32.
func (e *emitter) globalIDU32(d int) uint32 {
	u32 := e.m.intType(32)
	g := e.groupU32(d)
	l := e.builtinU32(BuiltInLocalInvocationId, d)
	s := e.pushU32(pushGroupSize, d)
	return e.fn.op(OpIAdd, u32, e.fn.op(OpIMul, u32, g, s), l)
}

// prologue emits the start of the entry function: the work-group size, shared memory, and the
// return of padded work-items.
func (e *emitter) prologue() {
	m := e.m
	fn := e.fn
	u32 := m.intType(32)
	// The work-group size: spec constants 0, 1, 2.
	var ids [3]uint32
	for d := range 3 {
		id, _ := m.typeOrConst(fmt.Sprintf("spec%d", d), OpSpecConstant, u32, 1)
		m.decorate(id, DecorationSpecId, uint32(d))
		ids[d] = id
	}
	v3 := m.typ(OpTypeVector, u32, 3)
	wg, _ := m.typeOrConst("wgsize", OpSpecConstantComposite, v3, ids[0], ids[1], ids[2])
	m.decorate(wg, DecorationBuiltIn, uint32(BuiltInWorkgroupSize))

	// Shared memory, in the order of the kernel's shared variables.
	types := map[int64]ir.Type{}
	for _, b := range e.f.Blocks {
		for _, v := range b.Instrs {
			if v.Op == ir.OpShared {
				if _, ok := types[v.AuxInt]; !ok {
					types[v.AuxInt] = v.Type.(*ir.Pointer).Elem
				}
			}
		}
	}
	e.sharedInts = sharedFloatCAS(e.f, e.t)
	var slots []int64
	for n := range types {
		slots = append(slots, n)
	}
	sort.Slice(slots, func(i, j int) bool { return slots[i] < slots[j] })
	var off int64
	for _, n := range slots {
		t := types[n]
		e.pos = e.f.Pos
		vt := e.valType(t)
		if e.sharedInts[n] {
			vt = e.intsType(t)
		}
		pt := m.ptrType(StorageClassWorkgroup, vt)
		var id uint32
		if e.t.ZeroInitializeWorkgroupMemory {
			id = m.global(pt, StorageClassWorkgroup, m.constNull(vt))
		} else {
			id = m.global(pt, StorageClassWorkgroup)
		}
		m.name(id, fmt.Sprintf("shared%d", n))
		e.shared[n] = id
		e.interfaces = append(e.interfaces, id)
		a := max(t.Align(), 1)
		off = (off+a-1)/a*a + t.Size()
	}
	e.k.SharedSize = off
	if len(slots) > 0 && !e.t.ZeroInitializeWorkgroupMemory {
		// The group's first work-item zeroes shared memory; the others wait at a barrier.
		var first uint32
		for d := range 3 {
			z := fn.op(OpIEqual, m.boolType(), e.builtinU32(BuiltInLocalInvocationId, d), m.constU32(0))
			if first == 0 {
				first = z
			} else {
				first = fn.op(OpLogicalAnd, m.boolType(), first, z)
			}
		}
		zero, cont := m.id(), m.id()
		fn.emit(OpSelectionMerge, cont, uint32(SelectionControlNone))
		fn.emit(OpBranchConditional, first, zero, cont)
		fn.label(zero)
		for _, n := range slots {
			vt := e.valType(types[n])
			if e.sharedInts[n] {
				vt = e.intsType(types[n])
			}
			fn.emit(OpStore, e.shared[n], m.constNull(vt))
		}
		fn.emit(OpBranch, cont)
		fn.label(cont)
		e.barrier()
	}

	// The work-item's ids and the launch's sizes, and the panic record's address, are loaded
	// here once: lavapipe mistranslates a loop of a kernel with barriers that loads builtins in
	// a branch, even one never taken.
	for d := range 3 {
		for _, b := range []BuiltIn{BuiltInWorkgroupId, BuiltInLocalInvocationId} {
			e.builtinU32(b, d)
		}
		for _, i := range []int{pushGridSize, pushNumGroups, pushGroupSize, pushGroupBase} {
			e.pushU32(i, d)
		}
		e.groupU32(d)
	}
	for d := range 3 {
		e.gid32[d] = e.globalIDU32(d)
	}
	e.panicAddr = fn.op(OpLoad, m.intType(64), fn.op(OpAccessChain, m.ptrType(StorageClassPushConstant, m.intType(64)), e.pushVar, m.constU32(pushPanic)))

	// Padded work-items (beyond the grid) return at once.
	var out uint32
	for d := range 3 {
		size := fn.op(OpUConvert, m.intType(64), e.pushU32(pushGridSize, d))
		gid := fn.op(OpUConvert, m.intType(64), e.gid32[d])
		o := fn.op(OpUGreaterThanEqual, m.boolType(), gid, size)
		if out == 0 {
			out = o
		} else {
			out = fn.op(OpLogicalOr, m.boolType(), out, o)
		}
	}
	ret, cont := m.id(), m.id()
	fn.emit(OpSelectionMerge, cont, uint32(SelectionControlNone))
	fn.emit(OpBranchConditional, out, ret, cont)
	fn.label(ret)
	fn.emit(OpReturn)
	fn.label(cont)
}

// barrier emits a work-group barrier that also orders shared and buffer memory.
func (e *emitter) barrier() {
	m := e.m
	sem := uint32(MemorySemanticsAcquireRelease | MemorySemanticsWorkgroupMemory | MemorySemanticsUniformMemory)
	e.fn.emit(OpControlBarrier, m.constU32(uint32(ScopeWorkgroup)), m.constU32(uint32(ScopeWorkgroup)), m.constU32(sem))
}

// addSite records a panic site and returns its number.
func (e *emitter) addSite(s ir.Site) uint32 {
	e.k.Sites = append(e.k.Sites, s)
	return uint32(len(e.k.Sites))
}

// failWith records a failure of site number site (1 + its index) with operands x, y (uint64
// ids), then returns from the entry point. It ends the current block.
func (e *emitter) failWith(site, x, y uint32) {
	e.writeRecord(e.m.constU32(site), x, y)
	e.fn.emit(OpReturn)
}

// writeRecord claims the panic record with a compare-exchange and, when it wins, writes the
// site, the operands and the work-item's global id (computed in the prologue). It is emitted in
// line at each failure.
func (e *emitter) writeRecord(site, x, y uint32) {
	m := e.m
	fn := e.fn
	u32, u64 := m.intType(32), m.intType(64)
	base := e.panicAddr
	at := func(off uint64, t uint32) uint32 {
		a := base
		if off != 0 {
			a = fn.op(OpIAdd, u64, base, m.constU64(off))
		}
		return fn.op(OpConvertUToPtr, m.ptrType(StorageClassPhysicalStorageBuffer, t), a)
	}
	relaxed := m.constU32(uint32(MemorySemanticsRelaxed))
	old := fn.op(OpAtomicCompareExchange, u32, at(0, u32), m.constU32(uint32(ScopeDevice)), relaxed, relaxed, m.constU32(1), m.constU32(0))
	won := fn.op(OpIEqual, m.boolType(), old, m.constU32(0))
	write, done := m.id(), m.id()
	fn.emit(OpSelectionMerge, done, uint32(SelectionControlNone))
	fn.emit(OpBranchConditional, won, write, done)
	fn.label(write)
	store := func(off uint64, t uint32, v uint32, align uint32) {
		fn.emit(OpStore, at(off, t), v, uint32(MemoryAccessAligned), align)
	}
	store(4, u32, site, 4)
	store(8, u64, x, 8)
	store(16, u64, y, 8)
	for d := range 3 {
		store(24+4*uint64(d), u32, e.gid32[d], 4)
	}
	fn.emit(OpBranch, done)
	fn.label(done)
}

// goName is the Go function an intrinsic stands for, for errors.
func goName(in ir.Intrinsic) string {
	s := in.String()
	switch in {
	case ir.Expm1, ir.Log1p, ir.Log10, ir.Log2, ir.Exp2, ir.Atan2:
		return "math." + strings.ToUpper(s[:1]) + s[1:]
	case ir.FMA:
		return "math.FMA"
	}
	return "math." + strings.ToUpper(s[:1]) + s[1:]
}

// scalarWidths returns the widths in bits of the scalars in t as it is laid out in memory (a
// bool is 8 bits; a pointer or slice is 64-bit words).
func scalarWidths(t ir.Type) map[int]bool {
	w := map[int]bool{}
	var walk func(t ir.Type)
	walk = func(t ir.Type) {
		switch t := t.(type) {
		case *ir.Basic:
			w[max(t.Bits(), 8)] = true
		case *ir.Array:
			walk(t.Elem)
		case *ir.Struct:
			for _, f := range t.Fields {
				walk(f.Type)
			}
		default:
			w[64] = true
		}
	}
	walk(t)
	return w
}
