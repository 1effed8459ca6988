//go:build !(linux && (amd64 || arm64))

package vk

import (
	"errors"
	"runtime"
)

var errPlatform = errors.New("the Vulkan binding supports linux/amd64 and linux/arm64 only, not " +
	runtime.GOOS + "/" + runtime.GOARCH)

var libraryNames []string

func openLibrary() (lib, getInstanceProcAddr uintptr, err error) { return 0, 0, errPlatform }

func call(fn uintptr, args ...uintptr) uintptr {
	panic("geobacter: BUG: vk: call on an unsupported platform")
}

func mapPages(n int) ([]byte, error) { return nil, errPlatform }

func unmapPages(b []byte) {}

func newCallback(fn any) uintptr { return 0 }
