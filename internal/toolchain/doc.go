// Package toolchain finds and runs LLVM's tools: it owns the step of the pipeline between the
// LLVM backend and a device's loader.
//
//	backend/llvm ──LLVM IR text──▶ toolchain: opt ──▶ llc ──▶ ld.lld ──▶ object, assembly or shared object
//
// The backends (internal/backend/llvm for the cpu, cuda and amdgpu devices) write LLVM IR as text
// and know nothing of the tools; this package turns that text into optimised code for a Target:
// Optimize runs opt at -O3 for the target's exact CPU and features (with Polly where this opt
// has it), Compile runs llc to an object file or assembly (PTX, for NVPTX), and LinkShared runs
// ld.lld to make a shared object (the cpu device's loadable module, AMDGPU's code object). Each
// returns its output with the command it ran and how long it took, so that devices can dump every
// stage and measure compile times. What they return is bytes; loading it is the device's business.
//
// Find locates LLVM 17 or newer once per process: opt, llc and ld.lld, all of one major version,
// in the directory named by GEOBACTER_LLVM when that is set, else on PATH under their plain names,
// then under version-suffixed names (opt-19, newest first, as Debian and Ubuntu install them), then
// in /usr/lib/llvm-N/bin. It probes each tool's version and which optional opt flags this build
// accepts, by running opt on a tiny module rather than trusting a list of flags (a hard-coded Polly
// flag list is what broke Geobacter on other LLVM versions), and it asks LLVM for the host's target
// (triple, data layout, CPU and features). The results are kept in the Toolchain, whose String is
// part of the kernel cache's keys. When no usable LLVM is found the error wraps ErrNotFound and
// says what to install.
//
// The package runs the tools as separate processes (no cgo and no LLVM library in this process):
// opt and llc read their input on stdin and write to stdout; ld.lld, which needs files, works in a
// private temporary directory removed afterwards. Every run respects its context: cancelling it
// kills the tool. llvm-as is not needed: opt and llc read IR text directly, and opt verifies it.
package toolchain
