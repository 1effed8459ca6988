//go:build !(linux && (amd64 || arm64))

package hsa

import (
	"errors"
	"runtime"
)

var errNoLibrary = errors.New("the amdgpu device supports linux/amd64 and linux/arm64 only, not " +
	runtime.GOOS + "/" + runtime.GOARCH)

var iterCallback, queueCallback uintptr

func openLibrary() error { return errNoLibrary }

func forEach(iter func(cb, data uintptr) status, name string, f func(uint64) bool) error {
	return errNoLibrary
}
