//go:build !(linux && (amd64 || arm64))

package cuda

import (
	"errors"
	"runtime"
)

var errNoLibrary = errors.New("the cuda device supports linux/amd64 and linux/arm64 only, not " +
	runtime.GOOS + "/" + runtime.GOARCH)

func openLibrary() error { return errNoLibrary }
