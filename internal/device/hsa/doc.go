// Package hsa is the `amdgpu` device: it compiles a kernel's IR to an AMDGPU code object through
// LLVM (internal/backend/llvm, AMDGPU: llc for the agent's gfx architecture, then ld.lld) and
// runs it on AMD GPUs through the HSA runtime of ROCm (libhsa-runtime64.so.1).
//
// It owns a hand-written binding of the part of the HSA runtime and its AMD extensions a compute
// runtime needs (api.go), opened at run time by its SONAME with purego's dlopen; the device
// kind's registration and probe (every GPU agent with its ISA name, compute units and limits,
// or one unusable entry saying why none can be used); a device per GPU agent with its memory
// pools, an AQL queue and its loaded executables; and launches.
//
// # Why hand-written
//
// The project builds with CGO_ENABLED=0, and the Go bindings of HSA that exist are cgo over
// hsa.h; no pure-Go binding exists. The HSA API takes integers, handles (structs of one
// uint64, passed as such) and pointers, and its iteration functions take C callbacks, which
// purego.NewCallback makes from Go functions (a few, made once per process). The AQL packet and
// the hsa_queue_t structure are laid out by hand as the HSA specification gives them.
//
// # Memory
//
// Alloc is fine-grained system memory (the CPU agent's fine-grained global pool) made
// accessible to the GPU agent: the host and the GPU use the same pointer, coherently. Staging
// buffers for other Go memory, and each launch's panic record, are coarse-grained memory of the
// GPU (its own VRAM), filled and read with hsa_memory_copy through a fine-grained bounce
// buffer. Kernel arguments go into memory of the kernarg pool.
//
// # Launches
//
// A kernel is compiled per kernel type, variant and agent on its first launch: the code object
// is loaded with a code object reader into an executable, frozen, and its kernel symbol
// (<kernel>.kd) gives the kernel object and the kernarg, group and private segment sizes. The
// code object's metadata (llvm.ReadCodeObject) lists its hidden arguments, which a launch fills
// by kind. A launch writes the parameter block (llvm's GPU ABI) and the hidden arguments into a
// kernarg buffer, reserves a packet slot in the device's queue, writes an AQL kernel dispatch
// packet (grid padded to whole groups; the kernel has uniform-work-group-size), publishes its
// header with an atomic release store and rings the doorbell; it waits on the packet's
// completion signal (polling, so that a cancelled context is noticed: the kernel still runs to
// its end before Launch returns the context's error), then reads the panic record back into a
// *device.Panic. A queue error (a memory violation in the kernel) is reported by the queue's
// callback and fails the launch.
package hsa
