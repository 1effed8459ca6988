// Package passes owns the optimisation pipeline between the frontend and the backends:
//
//	frontend ──▶ ir ──▶ passes ──▶ backend/llvm, backend/spirv
//
// The frontend lowers a kernel and every function it reaches to an ir.Module. Run takes that
// module and leaves, for each kernel, one self-contained function that the backends compile:
//
//   - inline: every call is inlined, recursively, and the functions that were only called are
//     dropped (devices such as Vulkan cannot call or recurse; recursion is a positioned error).
//   - specialize: loads of the argument struct's `geobacter:"const"` fields become constants.
//   - spaces: pointers and slices in the Generic space get the concrete space they point into.
//   - constfold: constants are folded with Go's exact semantics (ir.EvalBinary and friends), checks
//     that provably pass and branches on constants are removed.
//   - cse: an instruction that recomputes a pure value computed where it dominates is removed,
//     and constants are made once, in the entry block.
//   - checks: bounds, nil, divide and shift checks are removed when the launch asks for it
//     (Options.Unchecked), else those dominated by an identical check.
//   - dce: instructions whose results are unused and unreachable blocks are removed.
//   - cfg: straight-line chains of blocks are merged and empty jump blocks removed.
//   - access: each kernel's Func.Access says which of its buffers it reads and writes, so that a
//     device copies back only what a kernel writes.
//
// The pipeline is a declared table (see Passes) whose ordering constraints are checked when the
// package is initialised. With Options.Verify, or GEOBACTER_DEBUG=1 in the environment, the IR
// verifier runs after every pass and names the pass that broke the IR; with Options.Dump, or
// GEOBACTER_DUMP, the module's text is written before the first pass and after each one, as
// cmd/compile's GOSSAFUNC does.
//
// Every pass preserves the semantics of the IR as the interpreter (ir.Run) defines it, including
// which work-items panic, where and with what message, for IR in which each operation that can
// fail is guarded by its check, as the frontend makes it (a load, store or address of a pointer that
// may be nil after a checknil, an index after a checkbounds, a division after a checkdivide): the
// passes treat an unguarded failing operation as undefined, as the backends do, and may remove it
// when its result is unused. Only Options.Unchecked drops checks, and then a kernel that would
// have panicked has undefined behaviour.
package passes
