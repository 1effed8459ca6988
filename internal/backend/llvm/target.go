package llvm

import (
	"fmt"
	"strings"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// Target describes what the lowering needs to know of one LLVM target: its triple and data
// layout, the LLVM address space of each IR space, and hooks for what differs between targets
// (work-item queries, the barrier, a failed check, math functions without an LLVM intrinsic,
// and the entry points of a kernel). The lowering of ordinary instructions never looks at
// anything else, so that NVPTX and AMDGPU are new Target values, not new lowerings.
type Target struct {
	// Name names the target in errors: "x86-64".
	Name string
	// Triple and DataLayout are the module's target triple and datalayout strings. The lowering
	// lays aggregates out by Go's rules, assuming (as for every target here) that the data
	// layout gives each scalar and pointer an ABI alignment equal to its size; a struct whose
	// natural LLVM layout would differ from Go's is emitted packed, with explicit padding.
	Triple, DataLayout string
	// Spaces is the LLVM address space of each ir.Space, indexed by it.
	Spaces [5]int
	// AllocaSpace is the address space of allocas (the data layout's "A"); 0 on the host.
	AllocaSpace int

	// Hidden are the parameters every lowered function takes before its own, in LLVM syntax
	// with their names ("ptr noalias %ctx"); HiddenArgs passes them on to a callee
	// ("ptr %ctx"). The hooks below may use the names.
	Hidden     []string
	HiddenArgs string

	// WorkItem lowers a work-item query q (ir.GlobalID … ir.NumGroups) in dimension dim (0, 1
	// or 2) and returns its i64 operand.
	WorkItem func(b *Builder, q ir.Intrinsic, dim int) string
	// SharedBase returns a pointer operand (in Spaces[ir.Shared]) to the start of the
	// work-group's shared memory block, which the lowering lays out (Kernel.SharedSize).
	SharedBase func(b *Builder) string
	// Fail records the failure of the check or panic numbered site (an index into
	// Output.Sites) with its i64 operands x and y. The lowering then returns from the function.
	Fail func(b *Builder, site int, x, y string)
	// Barrier lowers a work-group barrier; nil when the target does not support barriers yet
	// (Emit then fails with ErrBarriers for a kernel that has one).
	Barrier func(b *Builder)
	// Fission says that the target runs a group's work-items in turn, so that a kernel with
	// barriers is lowered by loop fission: as a resumable work-item function with a frame per
	// work-item (Kernel.FrameSize), which the Entry hook runs in rounds. Barrier is then unused.
	Fission bool
	// GroupSize, when not zero, is the work-group size of every launch of the code: the Entry
	// hook may use it as a constant (the passes made the kernel's LocalSize queries constants
	// with passes.Options.GroupSize).
	GroupSize [3]int64
	// Hoist says that the Entry hook runs a group through Kernel.FastItem when Kernel.Guard
	// holds (see hoist.go), so that the lowering emits them for kernels without barriers.
	Hoist bool
	// MathFunc is the name of the external function that computes the math intrinsic in (one
	// without an LLVM intrinsic of the same semantics: exp, log, sin, ..., math.Mod) on f64;
	// f32 operands are widened and the result rounded, as ir.EvalIntrinsic defines it.
	MathFunc func(in ir.Intrinsic) string
	// AtomicFence, when not nil, makes every atomic operation on memory of space s monotonic,
	// between two sequentially consistent fences it emits: for a target whose code generator
	// neither selects seq_cst atomic loads and stores nor honours seq_cst on the others (NVPTX).
	AtomicFence func(b *Builder, s ir.Space)
	// Entry emits the entry points of kernel k, whose per-work-item function is named item
	// (an LLVM global name with its @) and has the signature described in the package doc.
	Entry func(mb *ModuleBuilder, k *Kernel, item string)
}

// CPU ABI: the launch context's layout, in 8-byte words.
const (
	ctxGlobalSize = 0  // [3]i64: the grid's global size
	ctxLocalSize  = 3  // [3]i64: the group size
	ctxNumGroups  = 6  // [3]i64: groups per dimension
	ctxGroupID    = 9  // [3]i64: the group _group runs
	ctxShared     = 12 // ptr: the worker's shared-memory block, Kernel.SharedSize bytes
	ctxSite       = 13 // i64: 0, or 1 + the index in Output.Sites of the failure
	ctxX          = 14 // i64: the failure's first operand
	ctxY          = 15 // i64: the failure's second operand
	ctxItem       = 16 // [3]i64: the global id of the work-item that failed
	ctxFrames     = 19 // ptr: the worker's work-item frames, Kernel.FrameSize × group size bytes

	// CtxSize is the size in bytes of the CPU launch context.
	CtxSize = 20 * 8
)

// X86_64 is the x86-64 Linux host: the `cpu` device's target.
var X86_64 = &Target{
	Name:       "x86-64",
	Triple:     "x86_64-unknown-linux-gnu",
	DataLayout: "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128",
	Hidden: []string{"ptr noalias %ctx", "i64 %lx", "i64 %ly", "i64 %lz",
		"i64 %grx", "i64 %gry", "i64 %grz"},
	HiddenArgs: "ptr %ctx, i64 %lx, i64 %ly, i64 %lz, i64 %grx, i64 %gry, i64 %grz",
	WorkItem:   cpuWorkItem,
	SharedBase: func(b *Builder) string {
		p := b.Tmp()
		b.Line("%s = getelementptr inbounds i64, ptr %%ctx, i64 %d", p, ctxShared)
		s := b.Tmp()
		b.Line("%s = load ptr, ptr %s, align 8, !invariant.load !0", s, p)
		return s
	},
	Fail:     cpuFail,
	Fission:  true,
	Hoist:    true,
	MathFunc: func(in ir.Intrinsic) string { return "geobacter_" + in.String() },
	Entry:    cpuEntry,
}

// ctxWord loads word w of the launch context, which does not change during a launch.
func ctxWord(b *Builder, w int) string {
	p := b.Tmp()
	b.Line("%s = getelementptr inbounds i64, ptr %%ctx, i64 %d", p, w)
	x := b.Tmp()
	b.Line("%s = load i64, ptr %s, align 8, !invariant.load !0", x, p)
	return x
}

func cpuWorkItem(b *Builder, q ir.Intrinsic, d int) string {
	lid := [3]string{"%lx", "%ly", "%lz"}[d]
	gid := [3]string{"%grx", "%gry", "%grz"}[d]
	switch q {
	case ir.LocalID:
		return lid
	case ir.GroupID:
		return gid
	case ir.GlobalSize:
		return ctxWord(b, ctxGlobalSize+d)
	case ir.LocalSize:
		return ctxWord(b, ctxLocalSize+d)
	case ir.NumGroups:
		return ctxWord(b, ctxNumGroups+d)
	}
	// GlobalID: the group's base plus the local id, neither of which wraps.
	ls := ctxWord(b, ctxLocalSize+d)
	base := b.Tmp()
	b.Line("%s = mul nuw nsw i64 %s, %s", base, gid, ls)
	r := b.Tmp()
	b.Line("%s = add nuw nsw i64 %s, %s", r, base, lid)
	return r
}

func cpuFail(b *Builder, site int, x, y string) {
	store := func(w int, v string) {
		p := b.Tmp()
		b.Line("%s = getelementptr inbounds i64, ptr %%ctx, i64 %d", p, w)
		b.Line("store i64 %s, ptr %s, align 8", v, p)
	}
	store(ctxSite, fmt.Sprint(site+1))
	store(ctxX, x)
	store(ctxY, y)
	for d := range 3 {
		store(ctxItem+d, cpuWorkItem(b, ir.GlobalID, d))
	}
}

// cpuEntry emits a kernel's two entry points on the host:
//
//	void @<sym>_group(ptr args, ptr ctx)                 // the group ctx names
//	void @<sym>_run(ptr args, ptr ctx, i64 first, i64 end) // groups first..end-1 in grid order
//
// and the internal work-group function both call, whose loops over the group's work-items
// (x innermost) call the work-item function.
func cpuEntry(mb *ModuleBuilder, k *Kernel, item string) {
	wg := llvmGlobal(k.Symbol + ".workgroup")
	var s strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&s, format+"\n", args...) }
	w("define internal void %s(ptr noalias %%args, ptr noalias %%ctx, i64 %%grx, i64 %%gry, i64 %%grz) alwaysinline nounwind {", wg)
	w("entry:")
	for d, n := range []string{"x", "y", "z"} {
		w("  %%gsp%s = getelementptr inbounds i64, ptr %%ctx, i64 %d", n, ctxGlobalSize+d)
		w("  %%gs%s = load i64, ptr %%gsp%s, align 8, !invariant.load !0", n, n)
		if k.GroupSize[d] > 0 {
			w("  %%ls%s = add i64 0, %d", n, k.GroupSize[d])
		} else {
			w("  %%lsp%s = getelementptr inbounds i64, ptr %%ctx, i64 %d", n, ctxLocalSize+d)
			w("  %%ls%s = load i64, ptr %%lsp%s, align 8, !invariant.load !0", n, n)
		}
		w("  %%base%s = mul nuw nsw i64 %%gr%s, %%ls%s", n, n, n)
		w("  %%left%s = sub nuw nsw i64 %%gs%s, %%base%s", n, n, n)
		w("  %%n%s = call i64 @llvm.umin.i64(i64 %%ls%s, i64 %%left%s)", n, n, n)
	}
	mb.Declare("declare i64 @llvm.umin.i64(i64, i64)")
	if k.SharedSize > 0 || k.FrameSize > 0 {
		mb.Declare("declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)")
	}
	if k.SharedSize > 0 {
		w("  %%shp = getelementptr inbounds i64, ptr %%ctx, i64 %d", ctxShared)
		w("  %%sh = load ptr, ptr %%shp, align 8, !invariant.load !0")
		w("  call void @llvm.memset.p0.i64(ptr align %d %%sh, i8 0, i64 %d, i1 false)", k.SharedAlign, k.SharedSize)
	}
	w("  %%emptyz = icmp eq i64 %%nz, 0")
	w("  %%emptyy = icmp eq i64 %%ny, 0")
	w("  %%emptyx = icmp eq i64 %%nx, 0")
	w("  %%empty0 = or i1 %%emptyz, %%emptyy")
	w("  %%empty = or i1 %%empty0, %%emptyx")
	switch {
	case k.FrameSize > 0:
		cpuFissionLoops(w, k, item)
	case k.Guard != "":
		// The checks the guard proves for the whole group are left out of the fast loop.
		w("  br i1 %%empty, label %%done, label %%pick")
		w("pick:")
		w("  %%fast = call i1 %s(ptr %%ctx, i64 0, i64 0, i64 0, i64 %%grx, i64 %%gry, i64 %%grz, ptr %%args, i64 %%nx, i64 %%ny, i64 %%nz)", k.Guard)
		w("  br i1 %%fast, label %%fast.loopz, label %%loopz")
		cpuLoops(w, k.FastItem, "fast.", "pick")
		cpuLoops(w, item, "", "pick")
	default:
		w("  br i1 %%empty, label %%done, label %%loopz")
		cpuLoops(w, item, "", "entry")
	}
	w("done:")
	w("  ret void")
	w("}")
	w("")
	w("define void @%s_group(ptr noalias %%args, ptr noalias %%ctx) nounwind {", k.Symbol)
	w("entry:")
	for d, n := range []string{"x", "y", "z"} {
		w("  %%gp%s = getelementptr inbounds i64, ptr %%ctx, i64 %d", n, ctxGroupID+d)
		w("  %%g%s = load i64, ptr %%gp%s, align 8", n, n)
	}
	w("  call void %s(ptr %%args, ptr %%ctx, i64 %%gx, i64 %%gy, i64 %%gz)", wg)
	w("  ret void")
	w("}")
	w("")
	w("define void @%s_run(ptr noalias %%args, ptr noalias %%ctx, i64 %%first, i64 %%end) nounwind {", k.Symbol)
	w("entry:")
	w("  %%ngp0 = getelementptr inbounds i64, ptr %%ctx, i64 %d", ctxNumGroups)
	w("  %%ng0 = load i64, ptr %%ngp0, align 8, !invariant.load !0")
	w("  %%ngp1 = getelementptr inbounds i64, ptr %%ctx, i64 %d", ctxNumGroups+1)
	w("  %%ng1 = load i64, ptr %%ngp1, align 8, !invariant.load !0")
	w("  %%ng01 = mul nuw i64 %%ng0, %%ng1")
	w("  %%sitep = getelementptr inbounds i64, ptr %%ctx, i64 %d", ctxSite)
	w("  %%any = icmp ult i64 %%first, %%end")
	w("  br i1 %%any, label %%loop, label %%done")
	w("loop:")
	w("  %%g = phi i64 [ %%first, %%entry ], [ %%g1, %%next ]")
	w("  %%gx = urem i64 %%g, %%ng0")
	w("  %%gq = udiv i64 %%g, %%ng0")
	w("  %%gy = urem i64 %%gq, %%ng1")
	w("  %%gz = udiv i64 %%g, %%ng01")
	w("  call void %s(ptr %%args, ptr %%ctx, i64 %%gx, i64 %%gy, i64 %%gz)", wg)
	w("  %%site = load i64, ptr %%sitep, align 8")
	w("  %%failed = icmp ne i64 %%site, 0")
	w("  br i1 %%failed, label %%done, label %%next, !prof !1")
	w("next:")
	w("  %%g1 = add nuw i64 %%g, 1")
	w("  %%more = icmp ult i64 %%g1, %%end")
	w("  br i1 %%more, label %%loop, label %%done")
	w("done:")
	w("  ret void")
	w("}")
	mb.Define(s.String())
}

// cpuLoops runs the work-items of a group without barriers: one loop nest, x innermost, each
// work-item through the function item. The loops' labels start with p; they are entered from
// the block from and leave to %done.
func cpuLoops(w func(string, ...any), item, p, from string) {
	w("%sloopz:", p)
	w("  %%%slz = phi i64 [ 0, %%%s ], [ %%%slz1, %%%slatchz ]", p, from, p, p)
	w("  br label %%%sloopy", p)
	w("%sloopy:", p)
	w("  %%%sly = phi i64 [ 0, %%%sloopz ], [ %%%sly1, %%%slatchy ]", p, p, p, p)
	w("  br label %%%sloopx", p)
	w("%sloopx:", p)
	w("  %%%slx = phi i64 [ 0, %%%sloopy ], [ %%%slx1, %%%slatchx ]", p, p, p, p)
	w("  %%%sfailed = call i1 %s(ptr %%ctx, i64 %%%slx, i64 %%%sly, i64 %%%slz, i64 %%grx, i64 %%gry, i64 %%grz, ptr %%args)", p, item, p, p, p)
	w("  br i1 %%%sfailed, label %%done, label %%%slatchx, !prof !1", p, p)
	w("%slatchx:", p)
	w("  %%%slx1 = add nuw nsw i64 %%%slx, 1", p, p)
	w("  %%%smorex = icmp ult i64 %%%slx1, %%nx", p, p)
	w("  br i1 %%%smorex, label %%%sloopx, label %%%slatchy", p, p, p)
	w("%slatchy:", p)
	w("  %%%sly1 = add nuw nsw i64 %%%sly, 1", p, p)
	w("  %%%smorey = icmp ult i64 %%%sly1, %%ny", p, p)
	w("  br i1 %%%smorey, label %%%sloopy, label %%%slatchz", p, p, p)
	w("%slatchz:", p)
	w("  %%%slz1 = add nuw nsw i64 %%%slz, 1", p, p)
	w("  %%%smorez = icmp ult i64 %%%slz1, %%nz", p, p)
	w("  br i1 %%%smorez, label %%%sloopz, label %%done", p, p)
}

// cpuFissionLoops runs the work-items of a group of a kernel with barriers (loop fission). The
// group's frames (ctx[19], struct of arrays, see framePtr) start with every work-item's state
// 0; then the group runs in rounds until every work-item has returned. Before each round but the
// first, a scan of the states finds whether all work-items stopped at the same barrier, as they
// do in a kernel whose work-items all reach every barrier: then the round is the loop nest
// for that resume point, which enters the work-item function at it with a constant (so that,
// once LLVM inlines the function, each such loop is the code of one region between barriers,
// which it can vectorise). Otherwise (a kernel breaking the barrier rule, undefined on compiled
// devices) the round enters each work-item at its own state, and a work-item that returned is
// left alone; such a group still ends. A failing work-item ends the group at once.
func cpuFissionLoops(w func(string, ...any), k *Kernel, item string) {
	w("  %%frp = getelementptr inbounds i64, ptr %%ctx, i64 %d", ctxFrames)
	w("  %%frames = load ptr, ptr %%frp, align 8, !invariant.load !0")
	w("  %%Gxy = mul nuw nsw i64 %%lsx, %%lsy")
	w("  %%G = mul nuw nsw i64 %%Gxy, %%lsz")
	w("  %%same = alloca i1, align 1")
	w("  %%live = alloca i1, align 1")
	w("  br i1 %%empty, label %%done, label %%init")
	w("init:")
	w("  %%stbytes = mul nuw nsw i64 %%G, 4")
	w("  call void @llvm.memset.p0.i64(ptr align 16 %%frames, i8 0, i64 %%stbytes, i1 false)")
	w("  br label %%u0.pre")
	// nest writes a loop nest over the group's work-items labelled p: body gets %<p>.li, the
	// work-item's index in the frames, and must end by branching to %<p>.latchx.
	nest := func(p string, body func(), exit string) {
		w("%s.pre:", p)
		w("  br label %%%s.loopz", p)
		w("%s.loopz:", p)
		w("  %%%s.lz = phi i64 [ 0, %%%s.pre ], [ %%%s.lz1, %%%s.latchz ]", p, p, p, p)
		w("  br label %%%s.loopy", p)
		w("%s.loopy:", p)
		w("  %%%s.ly = phi i64 [ 0, %%%s.loopz ], [ %%%s.ly1, %%%s.latchy ]", p, p, p, p)
		w("  %%%s.rowz = mul nuw nsw i64 %%%s.lz, %%lsy", p, p)
		w("  %%%s.row = add nuw nsw i64 %%%s.rowz, %%%s.ly", p, p, p)
		w("  %%%s.rowi = mul nuw nsw i64 %%%s.row, %%lsx", p, p)
		w("  br label %%%s.loopx", p)
		w("%s.loopx:", p)
		w("  %%%s.lx = phi i64 [ 0, %%%s.loopy ], [ %%%s.lx1, %%%s.latchx ]", p, p, p, p)
		w("  %%%s.li = add nuw nsw i64 %%%s.rowi, %%%s.lx", p, p, p)
		body()
		w("%s.latchx:", p)
		w("  %%%s.lx1 = add nuw nsw i64 %%%s.lx, 1", p, p)
		w("  %%%s.morex = icmp ult i64 %%%s.lx1, %%nx", p, p)
		w("  br i1 %%%s.morex, label %%%s.loopx, label %%%s.latchy", p, p, p)
		w("%s.latchy:", p)
		w("  %%%s.ly1 = add nuw nsw i64 %%%s.ly, 1", p, p)
		w("  %%%s.morey = icmp ult i64 %%%s.ly1, %%ny", p, p)
		w("  br i1 %%%s.morey, label %%%s.loopy, label %%%s.latchz", p, p, p)
		w("%s.latchz:", p)
		w("  %%%s.lz1 = add nuw nsw i64 %%%s.lz, 1", p, p)
		w("  %%%s.morez = icmp ult i64 %%%s.lz1, %%nz", p, p)
		w("  br i1 %%%s.morez, label %%%s.loopz, label %%%s", p, p, exit)
	}
	call := func(p, entry string) {
		w("  %%%s.failed = call i1 %s(ptr %%ctx, i64 %%%s.lx, i64 %%%s.ly, i64 %%%s.lz, i64 %%grx, i64 %%gry, i64 %%grz, ptr %%args, ptr %%frames, i64 %%%s.li, i32 %s)",
			p, item, p, p, p, p, entry)
		w("  br i1 %%%s.failed, label %%done, label %%%s.latchx, !prof !1", p, p)
	}
	// One loop nest per resume point, entering every work-item there.
	for r := 0; r <= k.Resumes; r++ {
		p := fmt.Sprintf("u%d", r)
		nest(p, func() { call(p, fmt.Sprint(r)) }, "scan")
	}
	// The scan: are all work-items at one state, and has any not returned?
	w("scan:")
	w("  %%K = load i32, ptr %%frames, align 16")
	w("  store i1 true, ptr %%same, align 1")
	w("  store i1 false, ptr %%live, align 1")
	w("  br label %%s.pre")
	nest("s", func() {
		w("  %%s.off = mul nuw nsw i64 %%s.li, 4")
		w("  %%s.p = getelementptr inbounds i8, ptr %%frames, i64 %%s.off")
		w("  %%s.st = load i32, ptr %%s.p, align 4")
		w("  %%s.eq = icmp eq i32 %%s.st, %%K")
		w("  %%s.same0 = load i1, ptr %%same, align 1")
		w("  %%s.same1 = and i1 %%s.same0, %%s.eq")
		w("  store i1 %%s.same1, ptr %%same, align 1")
		w("  %%s.on = icmp ne i32 %%s.st, %d", stateDone)
		w("  %%s.live0 = load i1, ptr %%live, align 1")
		w("  %%s.live1 = or i1 %%s.live0, %%s.on")
		w("  store i1 %%s.live1, ptr %%live, align 1")
		w("  br label %%s.latchx")
	}, "scanned")
	w("scanned:")
	w("  %%anylive = load i1, ptr %%live, align 1")
	w("  br i1 %%anylive, label %%pick, label %%done")
	w("pick:")
	w("  %%allsame = load i1, ptr %%same, align 1")
	w("  br i1 %%allsame, label %%uniform, label %%g.pre")
	w("uniform:")
	var cases []string
	for r := 0; r <= k.Resumes; r++ {
		cases = append(cases, fmt.Sprintf("i32 %d, label %%u%d.pre", r, r))
	}
	w("  switch i32 %%K, label %%g.pre [ %s ]", strings.Join(cases, " "))
	// The general round: each work-item entered at its own state.
	nest("g", func() {
		w("  %%g.off = mul nuw nsw i64 %%g.li, 4")
		w("  %%g.p = getelementptr inbounds i8, ptr %%frames, i64 %%g.off")
		w("  %%g.st = load i32, ptr %%g.p, align 4")
		call("g", "%g.st")
	}, "scan")
}
