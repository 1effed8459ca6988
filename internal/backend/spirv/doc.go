// Package spirv lowers an optimised kernel (an ir.Func after internal/passes) to a SPIR-V module
// for Vulkan compute: the `vulkan` device's backend. Emit lowers one kernel for a Target (the
// device's push-constant space and optional features) to a Kernel: the module's words and what
// the device needs to run it. Disassemble turns a module back into text.
//
// The package writes SPIR-V itself: a small module builder (builder.go: ids, types and constants
// made once each, the sections in the order the specification requires, the binary encoding)
// over opcode and enumerant tables generated from the Khronos grammar (tables.go, written by
// internal/spvgen from spirv.core.grammar.json and extinst.glsl.std.450.grammar.json; `go
// generate` rewrites it and a test checks it is current). No Go library fits: the few that exist
// assemble text or target graphics shaders, and none knows PhysicalStorageBuffer64 pointers,
// structured control flow from an arbitrary CFG, or Go's semantics.
//
// # The Vulkan kernel ABI
//
// This is the contract between the modules this package emits and the `vulkan` device
// (internal/device/vulkan) that runs them. Everything here is little-endian and in bytes.
//
// A module is SPIR-V 1.5 (Vulkan 1.2 and newer) with one GLCompute entry point, Kernel.Entry. It
// uses no descriptor sets: every buffer is a PhysicalStorageBuffer64 pointer (buffer device
// address), and the launch's parameters are push constants, one Block struct:
//
//	offset  0  uint64     the device address of the launch's panic record (below)
//	offset  8  uint32[3]  the grid's size in work-items (x, y, z)            kernel.Item.GlobalSize
//	offset 20  uint32[3]  the grid's number of groups                         kernel.Item.NumGroups
//	offset 32  uint32[3]  the group size of the launch                        kernel.Item.LocalSize
//	offset 44  uint32[3]  the id of the dispatch's first group (its WorkgroupId 0)
//	offset 56  the argument struct                       when Kernel.ArgsInline
//	offset 56  uint64, the device address of a buffer holding the argument struct, otherwise
//
// The argument struct is the kernel's struct in Go's layout (amd64 sizes and alignments: int and
// uintptr are 8 bytes, a slice is {data, len, cap} of 8 bytes each), with every pointer, and
// every slice's data pointer, replaced by the device address it stands for (0 for nil). The
// emitter puts the struct inline when 56 + its size is at most Target.PushConstantBytes and the
// target can read the struct's 8- and 16-bit fields (bools are bytes) from push constants
// (Target.StoragePushConstant8 and StoragePushConstant16); Kernel.ArgsInline says which.
//
// The work-group size is three specialisation constants, SpecId 0, 1 and 2 (x, y, z; default 1),
// which size the entry point's workgroup. The device dispatches a grid in pieces of at most its
// maxComputeWorkGroupCount groups in each dimension (Vulkan bounds WorkgroupId by it, even with
// vkCmdDispatchBase), each piece with push constants of its own naming its first group, so a
// work-item's ids are
//
//	local  = LocalInvocationId
//	group  = WorkgroupId + push.groupBase
//	global = group * push.groupSize + local
//
// Work-items whose global id is outside the grid in some dimension (the padding of a partial last
// group) do not run the kernel. In a kernel without barriers they return at once. A kernel with
// barriers cannot leave a group's barrier to a subset of its invocations, so the device
// dispatches a partial last group (in each dimension) as a separate dispatch whose pipeline is
// specialised to the smaller size: the invocations that exist are exactly the work-items that
// run, while push.groupSize stays the launch's group size (as kernel.Item.LocalSize reports it).
//
// Shared memory (kernel.Shared) is Workgroup variables, Kernel.SharedSize bytes in all.
//
// # Panics
//
// The panic record is a host-visible buffer of at least PanicRecordSize bytes that the device
// zeroes before the launch:
//
//	offset  0  uint32     0; a work-item that fails sets it to 1 with an atomic compare-exchange
//	offset  4  uint32     1 + the index in Kernel.Sites of the failed check or panic
//	offset  8  int64      the check's first operand (a bounds check's index; a shift's count)
//	offset 16  int64      the check's second operand (a bounds check's length or capacity)
//	offset 24  uint32[3]  the failed work-item's global id
//
// Only the work-item whose compare-exchange succeeds writes the other fields; every failing
// work-item then stops (returns from the entry point). The device reads the record after the
// launch and turns it into a *device.Panic with ir.Site.Message. Work-items that did not fail
// may still run to completion: on a GPU there is no stopping the other groups.
//
// # What the device enables
//
// Every module declares the capabilities Shader, PhysicalStorageBufferAddresses and Int64 (Go's
// int and every address are 64-bit), and others only when the kernel needs them: Float64, Int8,
// Int16, StorageBuffer8BitAccess and StoragePushConstant8 (bools are bytes in memory),
// StorageBuffer16BitAccess and StoragePushConstant16, Int64Atomics, and AtomicFloat32AddEXT or
// AtomicFloat64AddEXT with the extension SPV_EXT_shader_atomic_float_add. The device enables the
// matching features (bufferDeviceAddress always) and declares a push-constant range of
// Kernel.PushSize bytes at offset 0 for the compute stage. A Target without a feature the kernel
// needs makes Emit fail with an error wrapping ErrNotSupported that names the feature and the
// position. Buffers' device addresses must be aligned as Go aligns their elements: every load and
// store through a PhysicalStorageBuffer pointer carries an Aligned operand of the Go alignment.
// Workgroup variables are zeroed by their OpConstantNull initializers when
// Target.ZeroInitializeWorkgroupMemory says the device has shaderZeroInitializeWorkgroupMemory
// (Vulkan 1.3); otherwise the group's first work-item zeroes them and all wait at a barrier,
// before the padded work-items return.
//
// # Values, types and memory
//
// Integers are OpTypeInt of their width with signedness 0 (each instruction says how it treats
// the sign); a bool is OpTypeBool as a value and a byte in memory. A pointer into global memory
// (and into the argument struct when it is passed by address) is its uint64 address: each load
// or store makes a PhysicalStorageBuffer pointer with OpConvertUToPtr, so that address
// arithmetic, nil, comparisons and phis of pointers are integer operations; a slice is
// {uint64 data, uint64 len, uint64 cap}. Types in memory the host shares (buffers, push
// constants) are explicit-layout types with Go's offsets and strides (Offset on every struct
// member, ArrayStride on every array); values and Function and Workgroup variables have plain
// types without layout decorations, and OpCopyLogical (member by member when a bool is inside)
// converts between the two. A pointer into private or shared memory, or into the argument struct
// in the push constants, is logical: SPIR-V cannot keep it in a variable, so it is kept as the
// recipe of an access chain (its variable and indices) and made again at each use; a slice of
// such memory is {element offset, len, cap} and its variable. A phi of logical pointers to
// different places, a logical pointer stored in memory, and a pointer left in the generic space
// are refused with the position. A private variable (OpLocal) is a Function variable, zeroed each
// time the OpLocal runs; a shared variable (OpShared) is a Workgroup variable.
//
// # Control flow
//
// The CFG becomes SPIR-V's structured control flow by Ramsey's translation of a reducible CFG
// along its dominator tree (see cfg.go): a merge node (a block with several forward in-edges)
// follows a selection headed by OpSwitch on a constant, so that the code inside can branch to it
// from any depth of if-selections; a loop header gets an OpLoopMerge loop whose continue block
// only branches back, and the blocks it dominates outside the loop (the code after it) follow the
// loop construct rather than sit inside it, so that every work-item has left the loop before it
// runs them (a barrier after a loop is outside the loop construct). An exit that must leave
// several constructs at once (a labelled break or continue, a break out of a loop to a block that
// does not follow it) sets the innermost construct's exit variable and leaves through its merge
// block, which dispatches on it. Phis are Function variables stored on each in-edge (all operands
// read before any store), and a value used in another block than its own is kept in a Function
// variable too, so that the synthesised edges, which change dominance, cannot invalidate a use;
// the driver's compiler promotes them to registers. Returns (and failed checks) are OpReturn
// wherever they are. An irreducible CFG (a goto into a loop) is refused with the position of the
// block entered.
//
// # Semantics
//
// As in package llvm and ir.EvalBinary, EvalConvert and EvalIntrinsic: integer arithmetic wraps;
// a shift by at least the width gives 0 (or the sign for >> of a signed value); a signed
// division by -1 is a negation and the remainder 0; a zero divisor (after a checkdivide) is made
// 1; float to integer conversions reproduce amd64's CVTTSD2SI (MinInt out of range and for NaN),
// computed in the source type; Go's float min and max are selects that give NaN when either
// operand is NaN and order -0 before +0; comparisons are ordered except !=. Float add, subtract,
// multiply, divide and conversions are IEEE (Vulkan rounds them correctly except division, which
// may be 2.5 ULP off on float32). Abs, floor, ceil, trunc and roundtoeven are GLSL.std.450's
// (exact); math.Round is trunc plus copysign(1, x) when the fraction is at least one half; copysign
// and the Float32bits family are bit operations; sqrt is GLSL Sqrt (Vulkan allows float32 sqrt
// about 3 ULP of error); math.FMA on float32 is a float64 product (exact) and sum rounded to
// float32, on float64 GLSL Fma (which Vulkan does not require to be fused); math.Mod is OpFRem. The
// transcendental functions on float32 (exp, exp2, log, log2, sin, cos, tan, asin, acos, atan,
// atan2, sinh, cosh, tanh, pow, and expm1, log1p, log10, cbrt, hypot built from them) use
// GLSL.std.450, within Vulkan's precision for float32, which is far from correctly rounded; a
// float64 function whose operands are converted float32s and whose result is only converted back
// is computed so too. The float64 transcendental functions are refused ("math.Sin on float64 is
// not supported on vulkan yet"): GLSL.std.450 has no 64-bit versions. The math/bits functions
// use OpBitCount, OpBitReverse, FindUMsb and FindILsb on 32-bit halves (Vulkan's bit
// instructions take 32-bit operands only) and shifts.
//
// Atomics have Device scope on buffers and Workgroup scope on shared memory, and relaxed memory
// semantics, as GLSL's atomics have: lavapipe turns an atomic with ordering semantics on a storage
// class into barriers that break loops in which work-items diverge, such as a compare-exchange
// loop. So an atomic orders no other memory access (Go's are sequentially consistent): a kernel
// that publishes data to other work-items through an atomic flag gets no guarantee beyond the
// barrier's. Integer atomics of 32 and 64 bits are native; float add is OpAtomicFAddEXT when the
// target has it for that memory and width, else a compare-exchange loop on the bits, as are float
// min and max (Go's min and max, leaving memory alone when it already holds the result). A shared
// variable such a loop works on holds its floats as integers of their bits (SPIR-V's
// compare-exchange is integer only, and a Workgroup variable has one type). Atomics on private
// memory are plain accesses. The barrier is OpControlBarrier with Workgroup execution and memory
// scope and AcquireRelease | WorkgroupMemory | UniformMemory semantics: kernel.Item.Barrier orders
// shared and global memory.
//
// # Checks and panics
//
// Each check and panic block is a Site (Kernel.Sites). A failed check claims the panic record with
// a compare-exchange and, when it wins, writes it as the ABI above says (in line, with the global
// id computed in the entry block), and the work-item returns from the entry point. The entry block
// loads the builtins and the push constants' sizes once for the whole kernel: lavapipe miscompiled
// a loop of a kernel with barriers whose never-taken failure branch loaded them.
//
// # Testing
//
// Every corpus kernel and example is emitted for several targets and validated with spirv-val
// (TestCorpus); testdata holds IR modules and the disassembly of their modules (TestGolden;
// -update rewrites it). With the build tag geobacter_vulkan_e2e, TestVulkanCorpus and
// TestVulkanEdges also run the checked corpus kernels and edge values on a Vulkan device through
// internal/device/vulkan/vk and compare the memory they leave with the interpreter's.
package spirv
