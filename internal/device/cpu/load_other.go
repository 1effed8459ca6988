//go:build !(linux && amd64)

package cpu

import (
	"errors"
	"runtime"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/backend/llvm"
)

// loaderUsable reports why shared objects cannot be loaded in this process: the cpu device loads
// them on linux/amd64 only so far.
func loaderUsable() error {
	return errors.New("the cpu device runs on linux/amd64 only, not " + runtime.GOOS + "/" + runtime.GOARCH)
}

func load(path, sym string) (lib uintptr, fn uintptr, err error) { return 0, 0, loaderUsable() }

func call(fn uintptr, args unsafe.Pointer, ctx *[llvm.CtxSize / 8]uint64, first, end int64) {
	panic("geobacter: BUG: cpu device call on an unsupported platform")
}
