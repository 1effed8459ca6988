//go:build linux && (amd64 || arm64)

package hsa

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/ebitengine/purego"
)

// errNoLibrary is the error when the HSA runtime cannot be opened: no ROCm.
var errNoLibrary = errors.New(libraryName + " not found: no ROCm runtime")

// openLibrary opens the runtime, binds every function of api and makes the callbacks.
func openLibrary() error {
	h, err := purego.Dlopen(libraryName, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return fmt.Errorf("%w (%v)", errNoLibrary, err)
	}
	var missing []string
	for _, s := range symbols() {
		var p uintptr
		for _, n := range s.names {
			if p, err = purego.Dlsym(h, n); err == nil && p != 0 {
				break
			}
		}
		if p == 0 {
			missing = append(missing, s.names[0])
			continue
		}
		purego.RegisterFunc(s.fn, p)
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s lacks %s: ROCm is too old (5.0 or newer is needed)", libraryName, strings.Join(missing, ", "))
	}
	iterCallback = purego.NewCallback(func(handle uint64, data uintptr) uintptr { return uintptr(iterate(handle, data)) })
	queueCallback = purego.NewCallback(func(s uintptr, q uintptr, data uintptr) { queueError(status(s), data) })
	return nil
}

// The C callbacks: iterCallback serves hsa_iterate_agents, hsa_agent_iterate_isas and
// hsa_amd_agent_iterate_memory_pools (each passes a handle and the data word), calling the Go
// function registered under the data word; queueCallback reports a queue's error.
var (
	iterCallback, queueCallback uintptr

	iterMu    sync.Mutex
	iterFuncs = map[uintptr]func(uint64) bool{}
	iterNext  uintptr
)

// forEach calls f on each handle an iteration function gives (through iterCallback) until f
// returns false.
func forEach(iter func(cb, data uintptr) status, name string, f func(uint64) bool) error {
	iterMu.Lock()
	iterNext++
	id := iterNext
	iterFuncs[id] = f
	iterMu.Unlock()
	defer func() {
		iterMu.Lock()
		delete(iterFuncs, id)
		iterMu.Unlock()
	}()
	return check(name, iter(iterCallback, id))
}

func iterate(handle uint64, data uintptr) status {
	iterMu.Lock()
	f := iterFuncs[data]
	iterMu.Unlock()
	if f == nil || !f(handle) {
		return statusInfoBreak
	}
	return statusSuccess
}
