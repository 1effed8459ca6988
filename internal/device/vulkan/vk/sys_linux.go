//go:build linux && (amd64 || arm64)

package vk

import (
	"errors"
	"syscall"

	"github.com/ebitengine/purego"
)

// libraryNames are the names the Vulkan loader is opened by: the SONAME first, then the
// development symlink.
var libraryNames = []string{"libvulkan.so.1", "libvulkan.so"}

// openLibrary opens the Vulkan loader and returns its handle and vkGetInstanceProcAddr.
func openLibrary() (lib, getInstanceProcAddr uintptr, err error) {
	var errs []error
	for _, name := range libraryNames {
		h, err := purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_LOCAL)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fn, err := purego.Dlsym(h, "vkGetInstanceProcAddr")
		if err != nil {
			purego.Dlclose(h)
			errs = append(errs, err)
			continue
		}
		return h, fn, nil
	}
	return 0, 0, errors.Join(errs...)
}

// call calls the C function fn with integer and pointer arguments and returns its integer
// result. No argument may be the address of Go memory: the package passes handles, integers and
// addresses of C memory (arena) only.
func call(fn uintptr, args ...uintptr) uintptr {
	r, _, _ := purego.SyscallN(fn, args...)
	return r
}

// mapPages returns n bytes of zeroed memory outside the Go heap.
func mapPages(n int) ([]byte, error) {
	return syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
}

// unmapPages releases memory from mapPages.
func unmapPages(b []byte) { syscall.Munmap(b) }

// newCallback returns a C function pointer that calls fn.
func newCallback(fn any) uintptr { return purego.NewCallback(fn) }
