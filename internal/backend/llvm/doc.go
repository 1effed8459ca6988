// Package llvm lowers optimised IR (internal/ir, after internal/passes) to LLVM IR text, for the
// devices that compile through LLVM: `cpu` (X86_64), `cuda` (NVPTX, nvptx.go) and `amdgpu`
// (AMDGPU, amdgpu.go; the GPU kernel ABI both share is in gpu.go). It owns the
// lowering of every IR instruction with Go's exact semantics, the layout of Go types as LLVM
// types, the table of panic sites, and the description of each target (Target). It runs no
// tools: internal/toolchain takes the text on to opt and llc.
//
// # Targets
//
// A Target gives the triple, the data layout, the LLVM address space of each ir.Space, the
// hidden parameters every lowered function takes, and hooks for what differs between targets:
// work-item queries, the shared-memory base, a failed check, the barrier, math functions
// without an LLVM intrinsic, and the kernel's entry points. The lowering of ordinary
// instructions reads nothing else, so NVPTX and AMDGPU are Target values too (in a GPU, with
// llc's CPU and features). X86_64 is the host (x86_64-unknown-linux-gnu).
//
// # Semantics
//
// Values are as in ir.EvalBinary, EvalConvert and EvalIntrinsic: integer arithmetic wraps;
// shifts select 0 (or an arithmetic shift by width-1 for >> of a signed value) when the count is
// at least the width; a signed division by -1 is a negation and a remainder by -1 is 0 (sdiv
// and srem leave MinInt/-1 undefined), and a zero divisor, undefined in the IR, is replaced by 1
// so that nothing traps (the checkdivide before it reports the panic); float to integer
// conversions reproduce amd64's CVTTSD2SI with compares and selects (fptosi alone is poison out
// of range); Go's float min and max are llvm.minimum and llvm.maximum (NaN wins, -0 < +0);
// sqrt, abs, floor, ceil, trunc, round, roundtoeven and copysign are LLVM intrinsics, FMA is
// llvm.fma.f64, and the other math functions are calls of external functions the runtime
// provides (Target.MathFunc: geobacter_exp, geobacter_sin, ..., each double(double) or
// double(double, double), declared without side effects); on f32 the operands are widened and
// the result rounded once, as the interpreter does. Bit functions are ctpop, ctlz, cttz,
// bitreverse, bswap and fshl. Atomics are seq_cst atomicrmw and cmpxchg; float add is
// atomicrmw fadd; float min and max are a cmpxchg loop around llvm.minimum/maximum, since
// atomicrmw fmin/fmax have IEEE minNum's semantics, not Go's.
//
// Types: a bool is i1 as a value and i8 in memory; a slice is { ptr, i64, i64 }; arrays and
// structs are LLVM aggregates with Go's layout (explicit padding where LLVM's natural layout
// would differ, packed where it would place a field later than Go); a call's several results
// are a literal struct. Loads through a pointer into the argument struct are !invariant.load
// (the arguments are read-only), so their slice headers are hoisted out of the work-item loop.
//
// A private variable (OpLocal) is an alloca in the entry block, zeroed each time the OpLocal
// runs. (A kernel that keeps the address of one iteration's variable into the next sees the
// same variable: Go would have made two.)
//
// # Checks and panics
//
// Each check and panic block is a Site (Output.Sites) with its kind, position and message.
// A failed check calls Target.Fail with the site and its operands, then returns from the
// function; after a call, the caller returns too when the callee failed. The runtime turns
// the record into the panic message with Site.Message.
//
// # The CPU kernel ABI
//
// Every kernel K gives these symbols (Kernel.Symbol is the prefix, "geobacter_" and the
// kernel's name made an identifier, such as geobacter_main_Saxpy_Kernel):
//
//	void <sym>_group(void *args, uint64_t *ctx)                      // the group ctx[9:12] names
//	void <sym>_run(void *args, uint64_t *ctx, int64 first, int64 end) // groups first..end-1
//
// args is the kernel's argument struct in Go's layout (slices as Go's slice headers). _run
// numbers the groups in grid order, x fastest, and stops after a group in which a work-item
// failed. Each runs a group as loops over its work-items, x innermost (so that LLVM vectorises
// across work-items), calling the kernel's work-item function, which LLVM inlines; the
// work-items of a padded last group beyond the grid do not run. A group stops at its first
// failing work-item, in the order of ir.Run.
//
// ctx is a launch context of CtxSize bytes, one per worker thread, as 8-byte words:
//
//	0..2    global size (x, y, z)                 read-only during the launch
//	3..5    group size                            read-only
//	6..8    groups per dimension                  read-only
//	9..11   the group _group runs                 (_run ignores it)
//	12      pointer to the worker's shared memory, Kernel.SharedSize bytes aligned to
//	        Kernel.SharedAlign; zeroed by the group function when the group starts
//	13      0, or 1 + the index in Output.Sites of the failure      written by a failure
//	14, 15  the failure's operands (a bounds check's index and length; a shift's count)
//	16..18  the global id of the work-item that failed
//	19      pointer to the worker's work-item frames, Kernel.FrameSize bytes for each work-item
//	        of a group (the product of words 3..5), aligned to 16; used by kernels with
//	        barriers only (Kernel.FrameSize > 0), whose group function initialises it
//
// The runtime sets words 0..8, 12 and 19 and clears word 13 before a launch, and after it reads
// 13..18. The work-item function of K is internal:
//
//	i1 @"<K>.item"(ptr ctx, i64 lx, i64 ly, i64 lz, i64 gx, i64 gy, i64 gz, ptr args)
//
// with the local ids and the group ids; it returns true when the work-item failed. Every other
// lowered function takes the same first seven parameters before its own.
//
// # Barriers on the CPU: loop fission
//
// A kernel with barriers (on a target with Fission, as the host) is lowered as a resumable
// work-item function, with three more parameters: the group's frames, the work-item's index in
// them and the point to resume at:
//
//	i1 @"<K>.item"(ptr ctx, i64 lx, ..., i64 gz, ptr args, ptr frames, i64 li, i32 resume)
//
// A work-item's frame (Kernel.FrameSize bytes, a multiple of 16) holds its state as an i32 at
// offset 0 (0: not started; k > 0: stopped at the k-th barrier of the lowering; -1: returned),
// the memory of its private variables (so an OpLocal is its address in the frame, still zeroed
// each time it runs), and a slot for every value live at a barrier (liveness over the IR's
// blocks: defined before the barrier on some path and used after it), stored once computed and
// loaded at each use. Values that live within one region between barriers stay SSA values; work-
// item queries and shared variables' addresses are remade at each use rather than kept (which
// keeps what LLVM knows of a local id's range). A phi that lives across a barrier, or has such
// an incoming value, goes through the frame too (each predecessor stores its incoming value,
// the phi's block loads it); any other phi is an LLVM phi. The frames of a group (ctx[19], Kernel.FrameSize bytes per
// work-item of a whole group) are laid out slot by slot: the slot at offset off of work-item
// li = (lz*Ly + ly)*Lx + lx (L the group size) is at frames + off*G + li*size, G = Lx*Ly*Lz, so
// that a loop over x reads and writes each slot contiguously. The function starts with a switch
// on resume; a barrier stores its number in the state and returns false, and its code goes on
// at the resume label the switch jumps to; a return stores -1.
//
// The group function sets every work-item's state to 0, then runs rounds until every work-item
// has returned. A round runs the loop nest over the group's work-items (x innermost; n the
// group's extent within the grid), each until its next barrier or its return. When every
// work-item stopped at the same barrier, as in a kernel that keeps the barrier rule, the round
// is the loop nest of that resume point (Kernel.Resumes + 1 of them, one per point), which
// passes it as a constant: once inlined, the switch folds away and the loop is the code of one
// region between barriers. Otherwise the round enters each work-item at its own state, a
// work-item that returned being left alone, so that a group whose work-items reach different
// numbers of barriers (undefined on compiled devices) still ends. So every work-item reaches a
// barrier before any goes past it, and a group stops at its first failing work-item in the order
// of ir.Run, round by round. A kernel without barriers is lowered as before: no frame, no
// state, one loop nest.
//
// A target without Fission and without a Barrier hook refuses kernels with barriers with
// ErrBarriers.
package llvm
