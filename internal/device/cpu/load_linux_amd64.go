//go:build linux && amd64

package cpu

import (
	"runtime"
	"unsafe"

	"github.com/ebitengine/purego"

	"github.com/geobacter-go/geobacter/internal/backend/llvm"
)

// loaderUsable reports why shared objects cannot be loaded in this process; nil: they can.
func loaderUsable() error { return nil }

// load opens the shared object at path and returns its handle and the address of sym.
func load(path, sym string) (lib uintptr, fn uintptr, err error) {
	lib, err = purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return 0, 0, err
	}
	fn, err = purego.Dlsym(lib, sym)
	if err != nil {
		purego.Dlclose(lib)
		return 0, 0, err
	}
	return lib, fn, nil
}

// call runs void fn(void *args, uint64_t *ctx, int64 first, int64 end).
func call(fn uintptr, args unsafe.Pointer, ctx *[llvm.CtxSize / 8]uint64, first, end int64) {
	purego.SyscallN(fn, uintptr(args), uintptr(unsafe.Pointer(ctx)), uintptr(first), uintptr(end))
	runtime.KeepAlive(args)
	runtime.KeepAlive(ctx)
}
