package geobacter

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
)

// ErrNotSupported is wrapped by the errors of things a device or this machine cannot do: a device
// kind that is not usable here, a feature a device lacks. The error's text says which and how to
// get it.
var ErrNotSupported = errors.New("not supported")

// ErrClosed is returned by a device after Close.
var ErrClosed = errors.New("geobacter: device is closed")

// KernelPanic is returned by Launch when a work-item panicked: index out of range, nil
// dereference, integer division by zero or an explicit panic. The launch stopped: groups that had
// not started did not run. The device stays usable.
//
// It is also returned, with a Msg saying so, when some work-items of a group returned or panicked
// while others waited at a barrier.
type KernelPanic struct {
	Kernel   string // the kernel's type, such as "main.Saxpy"
	Pos      string // "file.go:line" of the line that panicked
	Msg      string // the panic's message as Go prints it, such as "runtime error: index out of range [10] with length 10"
	WorkItem [3]int // the global id of the work-item that panicked

	cause error
}

// Error formats the panic as "geobacter: kernel K panicked at file.go:N in work-item (x,y,z): msg".
func (p *KernelPanic) Error() string {
	return fmt.Sprintf("geobacter: kernel %s panicked at %s in work-item (%d,%d,%d): %s",
		p.Kernel, p.Pos, p.WorkItem[0], p.WorkItem[1], p.WorkItem[2], p.Msg)
}

// Unwrap returns the panic's value when it was an error, such as the runtime.Error of an index out
// of range on the `go` device.
func (p *KernelPanic) Unwrap() error { return p.cause }

// GridError is returned by Launch when a launch's geometry is invalid or exceeds the device's
// limits. Nothing ran.
type GridError struct {
	Grid   Grid
	Device string // "kind:index"
	Reason string // what is wrong and what to do
}

// Error says which launch, on which device, and what is wrong with it.
func (e *GridError) Error() string {
	return fmt.Sprintf("geobacter: launch of %v on %s: %s", e.Grid, e.Device, e.Reason)
}

// InternalError is a bug in Geobacter, caught at the API instead of crashing the program. Please
// report it with its text.
type InternalError struct {
	Msg   string
	Stack string
}

// Error gives the bug's message, the version, and the stack where it was caught.
func (e *InternalError) Error() string {
	return fmt.Sprintf("%s (this is a bug in Geobacter %s, please report it with this message)\n%s", e.Msg, Version(), e.Stack)
}

// recoverBug turns a "geobacter: BUG: " panic into an *InternalError in *err; other panics go on.
func recoverBug(err *error) {
	r := recover()
	if r == nil {
		return
	}
	if s, ok := r.(string); ok && strings.HasPrefix(s, "geobacter: BUG: ") {
		*err = &InternalError{Msg: s, Stack: string(debug.Stack())}
		return
	}
	panic(r)
}

// Version is the version of Geobacter built into the program, from its build information:
// a module version, or "(devel)" when built from a work tree.
func Version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range append([]*debug.Module{&bi.Main}, bi.Deps...) {
			if m.Path == "github.com/geobacter-go/geobacter" && m.Version != "" {
				return m.Version
			}
		}
	}
	return "(devel)"
}
