// Package spirv lowers an optimised kernel (an ir.Func after internal/passes) to a SPIR-V module
// for Vulkan compute: the `vulkan` device's backend.
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
//	offset 44  uint32     zero (padding)
//	offset 48  the argument struct                       when Kernel.ArgsInline
//	offset 48  uint64, the device address of a buffer holding the argument struct, otherwise
//
// The argument struct is the kernel's struct in Go's layout (amd64 sizes and alignments: int and
// uintptr are 8 bytes, a slice is {data, len, cap} of 8 bytes each), with every pointer, and
// every slice's data pointer, replaced by the device address it stands for (0 for nil). The
// emitter puts the struct inline when 48 + its size is at most Target.PushConstantBytes.
//
// The work-group size is three specialisation constants, SpecId 0, 1 and 2 (x, y, z; default 1),
// which size the entry point's workgroup. The device dispatches groups with vkCmdDispatchBase
// (the pipeline is created with VK_PIPELINE_CREATE_DISPATCH_BASE_BIT), possibly in several pieces
// when the grid has more groups than the device's maxComputeWorkGroupCount, so the WorkgroupId
// builtin is always the group's id in the whole grid. A work-item's ids are
//
//	local  = LocalInvocationId
//	group  = WorkgroupId
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
package spirv
