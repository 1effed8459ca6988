//go:build linux && (amd64 || arm64)

package cuda

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ebitengine/purego"
)

// errNoLibrary is the error when libcuda.so.1 cannot be opened: no NVIDIA driver.
var errNoLibrary = errors.New(libraryName + " not found: no NVIDIA driver")

// openLibrary opens the driver library and binds every function of api.
func openLibrary() error {
	h, err := purego.Dlopen(libraryName, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return fmt.Errorf("%w (%v)", errNoLibrary, err)
	}
	var missing []string
	for _, s := range symbols() {
		p, err := purego.Dlsym(h, s.name)
		if err != nil || p == 0 {
			missing = append(missing, s.name)
			continue
		}
		purego.RegisterFunc(s.fn, p)
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s lacks %s: the NVIDIA driver is too old (CUDA 11 or newer is needed)", libraryName, strings.Join(missing, ", "))
	}
	return nil
}
