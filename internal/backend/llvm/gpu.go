package llvm

import (
	"errors"
	"fmt"
	"strings"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// The GPU kernel ABI, shared by the NVPTX and AMDGPU targets (the `cuda` and `amdgpu` devices).
//
// A kernel K is one entry point named Kernel.Symbol, run once per work-item of a padded grid
// (whole groups in every dimension), with four parameters:
//
//	0  args   the argument struct, by value: Kernel.ArgsSize bytes (at least 1) aligned to
//	          Kernel.ArgsAlign; the struct in Go's layout with every pointer and every slice's
//	          data pointer replaced by the device address it stands for (0 for nil), as for the
//	          Vulkan ABI (internal/backend/spirv). NVPTX: a byval parameter, `.param .align A
//	          .b8 K_param_0[N]`; AMDGPU: byref, the struct's bytes at offset 0 of the kernarg
//	          segment.
//	1  rec    u64: the device address of the launch's panic record (below)
//	2  gs     3 × u64 at the next offsets: the grid's size in work-items (x, y, z), that is
//	          kernel.Item.GlobalSize, which differs from the padded grid the device launches
//
// So the parameter block is: args at 0, rec at roundup(ArgsSize, 8), the three sizes after it;
// GPUParamSize gives its size. The group's ids and size, and the number of groups, come from the
// hardware (NVPTX: %tid, %ctaid, %ntid, %nctaid; AMDGPU: the work-item and work-group id
// registers and the dispatch packet's workgroup_size and grid_size). A work-item whose global id
// is outside the grid in some dimension does not run the kernel: it returns after the group's
// shared memory is zeroed (every work-item of the group helps, then all meet at a barrier), so
// that a kernel's own barriers count only the work-items that run it; a GPU counts a work-item
// that returned as arrived at a barrier.
//
// Shared memory (kernel.Shared) is one static group-shared array per kernel, named Symbol +
// "_shared", Kernel.SharedSize bytes rounded up to 4, zeroed at the start of each group.
//
// # Panics
//
// The panic record is the Vulkan device's (GPUPanicRecordSize bytes, zeroed by the device before
// the launch):
//
//	offset  0  u32     0; a failing work-item sets it to 1 with an atomic compare-exchange
//	offset  4  u32     1 + the index in Output.Sites of the failed check or panic
//	offset  8  i64     the check's first operand (a bounds check's index; a shift's count)
//	offset 16  i64     the check's second operand (a bounds check's length or capacity)
//	offset 24  u32[3]  the failed work-item's global id
//
// Only the work-item whose compare-exchange succeeds writes the other fields; every failing
// work-item returns from the entry point. Work-items that did not fail run to completion. Within
// a work-item, a failure is also noted in a private word (the lowered functions' hidden %ctx
// points to a private array whose word 13 is the CPU ABI's failure word), so that a caller
// returns when its callee failed, as on the host.
//
// # Hidden parameters
//
// Every lowered function takes, before its own parameters:
//
//	ptr %ctx, ptr addrspace(1) %rec, i64 %gsx, i64 %gsy, i64 %gsz
//
// # Math
//
// Square root, fabs, floor, ceil, trunc, round, roundeven, copysign and fma are LLVM intrinsics,
// which both targets lower to instructions. The other math functions (exp, log, sin, ...,
// math.Mod) would need a device math library (NVIDIA's libdevice, AMD's ocml), which the backend
// does not link: the devices run the passes with passes.Options.SoftMath set, so that those calls
// are calls of package math's own Go implementations (internal/mathlib) by the time the module
// reaches the backend. A call left (passes run without it) is refused with an error wrapping
// ErrNoMathLibrary that names the function and the target.

// GPUPanicRecordSize is the size in bytes of the GPU targets' panic record.
const GPUPanicRecordSize = 40

// Offsets in the GPU panic record.
const (
	GPURecordState = 0  // u32: 0, then 1 once a work-item claimed the record
	GPURecordSite  = 4  // u32: 1 + the site's index
	GPURecordX     = 8  // i64
	GPURecordY     = 16 // i64
	GPURecordItem  = 24 // u32[3]
)

// ErrNoMathLibrary is wrapped by the error of Emit for a kernel that calls a math function the GPU
// target has no implementation of.
var ErrNoMathLibrary = errors.New("no device math library")

// GPUParamOffsets returns the offsets of the GPU ABI's parameters for an argument struct of
// argsSize bytes: the panic record's address and the grid's size (x; y and z follow at +8, +16),
// and the size of the whole parameter block.
func GPUParamOffsets(argsSize int64) (rec, gs, size int64) {
	rec = (max(argsSize, 1) + 7) / 8 * 8
	return rec, rec + 8, rec + 32
}

// GPU is an LLVM target for a GPU: the Target the lowering reads and what llc needs besides it.
type GPU struct {
	Target
	// CPU and Features are llc's -mcpu and -mattr: "sm_90" and "+ptx78"; "gfx90a" and
	// "+sramecc,-xnack".
	CPU, Features string
}

// gpuHidden are the hidden parameters of every lowered function on a GPU target.
var gpuHidden = []string{"ptr noalias %ctx", "ptr addrspace(1) %rec", "i64 %gsx", "i64 %gsy", "i64 %gsz"}

const gpuHiddenArgs = "ptr %ctx, ptr addrspace(1) %rec, i64 %gsx, i64 %gsy, i64 %gsz"

// sharedPlaceholder is the name SharedBase gives the group's shared array while the kernel is
// lowered; the kernel's entry renames it to the kernel's own array (gpuShared).
const sharedPlaceholder = "@geobacter.shared.placeholder"

func gpuShared(k *Kernel) string { return "@" + k.Symbol + "_shared" }

// gpuGlobalSize is the grid's size in dimension d: a hidden parameter.
func gpuGlobalSize(d int) string { return [3]string{"%gsx", "%gsy", "%gsz"}[d] }

// gpuFail returns the Fail hook of a GPU target: the failure is noted in the work-item's private
// word and, when the work-item is the first to claim the panic record (scope is the
// compare-exchange's syncscope clause, "" for the system), written there.
func gpuFail(workItem func(b *Builder, q ir.Intrinsic, d int) string, scope string) func(b *Builder, site int, x, y string) {
	return func(b *Builder, site int, x, y string) {
		p := b.Tmp()
		b.Line("%s = getelementptr inbounds i64, ptr %%ctx, i64 %d", p, ctxSite)
		b.Line("store i64 %d, ptr %s, align 8", site+1, p)
		pair, won := b.Tmp(), b.Tmp()
		b.Line("%s = cmpxchg ptr addrspace(1) %%rec, i32 0, i32 1 %smonotonic monotonic, align 4", pair, scope)
		b.Line("%s = extractvalue { i32, i1 } %s, 1", won, pair)
		claim, done := b.Tmp()[1:]+".claim", b.Tmp()[1:]+".claimed"
		b.Line("br i1 %s, label %%%s, label %%%s", won, claim, done)
		b.Line("%s:", claim)
		field := func(off int64, ty, v string) {
			q := b.Tmp()
			b.Line("%s = getelementptr inbounds i8, ptr addrspace(1) %%rec, i64 %d", q, off)
			b.Line("store %s %s, ptr addrspace(1) %s, align %d", ty, v, q, map[string]int{"i32": 4, "i64": 8}[ty])
		}
		field(GPURecordSite, "i32", fmt.Sprint(site+1))
		field(GPURecordX, "i64", x)
		field(GPURecordY, "i64", y)
		for d := range 3 {
			g := workItem(b, ir.GlobalID, d)
			t := b.Tmp()
			b.Line("%s = trunc i64 %s to i32", t, g)
			field(GPURecordItem+4*int64(d), "i32", t)
		}
		b.Line("br label %%%s", done)
		b.Line("%s:", done)
	}
}

// gpuMathFunc refuses the math functions without an LLVM intrinsic: the lowering's recover turns
// the panic into Emit's error.
func gpuMathFunc(target string) func(in ir.Intrinsic) string {
	return func(in ir.Intrinsic) string {
		panic(lowerError{fmt.Errorf("llvm: %s: math function %s: %w (neither libdevice nor ocml is linked); "+
			"run the passes with SoftMath: mathlib.Transcendental, as the cuda and amdgpu devices do", target, in, ErrNoMathLibrary)})
	}
}

// gpuEntry holds what differs between the GPU targets' entry points.
type gpuEntry struct {
	// define is the entry's define line up to its parameter list's "(": "define void @K(".
	define func(k *Kernel) string
	// args is the by-value parameter of the argument struct of n bytes aligned to a, named %args.
	args func(n, a int64) string
	// attrs follow the parameter list (with a leading space, or empty).
	attrs func(k *Kernel) string
	// allocaSpace is the address space of allocas (the private failure words are one, cast to a
	// generic pointer).
	allocaSpace int
	// argsType is the type of %args where the work-item function takes it.
	argsType string
	// annotate adds what marks the function as a kernel, when that is not its calling convention.
	annotate func(mb *ModuleBuilder, k *Kernel)
	workItem func(b *Builder, q ir.Intrinsic, d int) string
	barrier  func(b *Builder)
}

// entry emits kernel k's entry point: zero the shared memory, skip the padded work-items, run the
// work-item function.
func (g *gpuEntry) entry(mb *ModuleBuilder, k *Kernel, item string) {
	// Rename the shared-memory placeholder in the kernel's functions (lowered just now) and
	// define the kernel's shared array.
	words := (k.SharedSize + 3) / 4
	for i, d := range mb.defs {
		if strings.Contains(d, sharedPlaceholder) {
			mb.defs[i] = strings.ReplaceAll(d, sharedPlaceholder, gpuShared(k))
		}
	}
	if k.SharedSize > 0 {
		mb.Define(fmt.Sprintf("%s = internal addrspace(3) global [%d x i32] undef, align %d",
			gpuShared(k), words, max(k.SharedAlign, 4)))
	}

	b := &Builder{Module: mb}
	if g.allocaSpace != 0 {
		b.Line("%%ctxw = alloca [%d x i64], align 8, addrspace(%d)", ctxSite+1, g.allocaSpace)
		b.Line("%%ctx = addrspacecast ptr addrspace(%d) %%ctxw to ptr", g.allocaSpace)
	} else {
		b.Line("%%ctx = alloca [%d x i64], align 8", ctxSite+1)
	}
	b.Line("%%sitep = getelementptr inbounds i64, ptr %%ctx, i64 %d", ctxSite)
	b.Line("store i64 0, ptr %%sitep, align 8")
	if k.SharedSize > 0 {
		var lid, ls [3]string
		for d := range 3 {
			lid[d] = g.workItem(b, ir.LocalID, d)
			ls[d] = g.workItem(b, ir.LocalSize, d)
		}
		b.Line("%%li0 = mul nuw nsw i64 %s, %s", lid[2], ls[1])
		b.Line("%%li1 = add nuw nsw i64 %%li0, %s", lid[1])
		b.Line("%%li2 = mul nuw nsw i64 %%li1, %s", ls[0])
		b.Line("%%li = add nuw nsw i64 %%li2, %s", lid[0])
		b.Line("%%gn0 = mul nuw nsw i64 %s, %s", ls[0], ls[1])
		b.Line("%%gn = mul nuw nsw i64 %%gn0, %s", ls[2])
		b.Line("br label %%zero")
		b.Line("zero:")
		b.Line("%%zi = phi i64 [ %%li, %%entry ], [ %%zi1, %%zero.body ]")
		b.Line("%%zmore = icmp ult i64 %%zi, %d", words)
		b.Line("br i1 %%zmore, label %%zero.body, label %%zero.done")
		b.Line("zero.body:")
		b.Line("%%zp = getelementptr inbounds i32, ptr addrspace(3) %s, i64 %%zi", gpuShared(k))
		b.Line("store i32 0, ptr addrspace(3) %%zp, align 4")
		b.Line("%%zi1 = add nuw i64 %%zi, %%gn")
		b.Line("br label %%zero")
		b.Line("zero.done:")
		g.barrier(b)
	}
	in := "true"
	for d := range 3 {
		gid := g.workItem(b, ir.GlobalID, d)
		c, a := b.Tmp(), b.Tmp()
		b.Line("%s = icmp ult i64 %s, %s", c, gid, gpuGlobalSize(d))
		b.Line("%s = and i1 %s, %s", a, in, c)
		in = a
	}
	b.Line("br i1 %s, label %%run, label %%done", in)
	b.Line("run:")
	b.Line("%%failed = call i1 %s(%s, %s %%args)", item, gpuHiddenArgs, g.argsType)
	b.Line("br label %%done")
	b.Line("done:")
	b.Line("ret void")

	n, a := max(k.ArgsSize, 1), max(k.ArgsAlign, 1)
	var s strings.Builder
	fmt.Fprintf(&s, "%s%s, ptr addrspace(1) %%rec, i64 %%gsx, i64 %%gsy, i64 %%gsz)%s {\n",
		g.define(k), g.args(n, a), g.attrs(k))
	s.WriteString("entry:\n")
	s.WriteString(b.body.String())
	s.WriteString("}\n")
	mb.Define(s.String())
	if g.annotate != nil {
		g.annotate(mb, k)
	}
}

// namedMetadata appends the node !{body} to the module's named metadata name (creating it), as a
// new numbered node. Numbers start at 1000, clear of the lowering's !0 and !1.
func (mb *ModuleBuilder) namedMetadata(name, body string) {
	n := 1000
	for _, d := range mb.defs {
		if strings.HasPrefix(d, "!") && !strings.HasPrefix(d, "!"+name+" ") {
			n++
		}
	}
	mb.Define(fmt.Sprintf("!%d = !{%s}", n, body))
	prefix := "!" + name + " = !{"
	for i, d := range mb.defs {
		if rest, ok := strings.CutPrefix(d, prefix); ok {
			mb.defs[i] = prefix + strings.TrimSuffix(rest, "}") + fmt.Sprintf(", !%d}", n)
			return
		}
	}
	mb.Define(fmt.Sprintf("%s!%d}", prefix, n))
}

// gpuSharedBase is the SharedBase hook of the GPU targets.
func gpuSharedBase(b *Builder) string { return sharedPlaceholder }

// zext64 widens the i32 result of an id intrinsic.
func zext64(b *Builder, x string) string {
	r := b.Tmp()
	b.Line("%s = zext i32 %s to i64", r, x)
	return r
}
