// Package cuda is the `cuda` device: it compiles a kernel's IR to PTX through LLVM's NVPTX
// backend (internal/backend/llvm, NVPTX) and runs it on NVIDIA GPUs through the CUDA driver API
// (libcuda.so.1, which the NVIDIA driver installs).
//
// It owns a hand-written binding of the part of the driver API a compute runtime needs (api.go),
// opened at run time by its SONAME with purego's dlopen; the device kind's registration and
// probe (every GPU with compute capability, SM count and limits, or one unusable entry saying
// why none can be used); a device per GPU with its primary context; compiling and loading
// kernels; memory; and launches.
//
// # Why hand-written
//
// The project builds with CGO_ENABLED=0, and every Go binding of CUDA (over cuda.h) needs cgo;
// no pure-Go binding exists. The driver API is a C API whose functions take integers, handles
// and pointers only, so each is declared as a Go function value that purego.RegisterFunc binds
// to the library's symbol (api.go lists them, with the versioned names the header maps to, such
// as cuMemAlloc_v2). Nothing the driver keeps a pointer to is Go memory, and every pointer
// passed during a call is pinned (runtime.Pinner) or kept alive for the call.
//
// # Compiling
//
// A kernel is compiled per kernel type, variant (irsource.Variant: const fields, checks, the
// group size) and device, on its first launch: irsource gives its IR after the passes, the
// backend lowers it for the device's SM version (the newest LLVM 19 knows that is not newer
// than the GPU's compute capability, up to sm_90: the driver compiles PTX for newer GPUs) and a
// PTX ISA version the driver reads (llvm.PTXForDriver of cuDriverGetVersion), opt -O3 and llc
// make PTX, which the disk cache (internal/cache) keeps. cuModuleLoadDataEx JIT-compiles it;
// its error log is part of the error when that fails. The kernel ABI is llvm's GPU ABI.
//
// # Memory and launches
//
// Alloc is managed memory (cuMemAllocManaged, attached globally), addressed by the same pointer
// on the host and the device. A launch marshals the argument struct (internal/device/marshal):
// memory from Alloc is passed by address, other Go memory is staged into device memory
// (cuMemAlloc, cuMemcpyHtoD) and copied back when the kernel writes it. Each launch runs on a
// stream of its own (a blocking one, ordered after those synchronous copies), zeroes its panic
// record (device memory) on it, launches the grid padded
// to whole groups with cuLaunchKernel and records an event, which the launch waits on (polling
// it, so that a cancelled context is noticed; a kernel cannot be stopped once started, so
// Launch returns the context's error only after the kernel ends). The record is then read back
// into a *device.Panic.
package cuda
