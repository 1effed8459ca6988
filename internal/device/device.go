// Package device is the one interface every device kind implements and the registry the root
// package opens devices from. A kind (go, cpu, vulkan, cuda, amdgpu) is a Driver that lists its
// instances, usable or not and why, and opens one as a Device. The root package geobacter turns
// the types here into its public ones; nothing else in the module depends on a concrete device.
package device

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"unsafe"

	"github.com/geobacter-go/geobacter/kernel"
)

// Type is what kind of hardware a device instance is; it orders the default choice.
type Type int

const (
	TypeOther         Type = iota // never chosen by default
	TypeSoftware                  // a software implementation of a GPU API (lavapipe); never the default
	TypeHost                      // the `go` device: the kernel's own Go code on the host
	TypeCPU                       // native code for the host CPU
	TypeIntegratedGPU             // a GPU sharing memory with the host
	TypeDiscreteGPU               // a GPU with its own memory
)

var typeNames = [...]string{"other", "software", "host", "cpu", "integrated-gpu", "discrete-gpu"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// Info describes one instance of a device kind, usable or not.
type Info struct {
	Kind   string // "go", "cpu", "vulkan", ...
	Index  int    // instance number within the kind
	Name   string // the hardware's or driver's name
	Type   Type
	Usable bool
	Reason string // why it is not usable (empty when usable)
	Fix    string // what to do to make it usable
}

// Limits are a device's launch limits.
type Limits struct {
	MaxGroupSize      int    // work-items in one work-group
	MaxGroup          [3]int // work-items in one work-group per dimension
	MaxGrid           [3]int // work-items in the grid per dimension
	SharedMemoryBytes int    // shared memory of one work-group
	SubgroupSize      int    // work-items that run in lock step
}

// PortableLimits are the launch limits a kernel can count on from GPUs: 1024 work-items a group
// (64 in z), grids of up to 2^31-1 work-items per dimension, 64 KiB of shared memory. The devices
// that no hardware bounds (go, interp) have these, so that a kernel that runs there runs on GPUs.
var PortableLimits = Limits{
	MaxGroupSize:      1024,
	MaxGroup:          [3]int{1024, 1024, 64},
	MaxGrid:           [3]int{1<<31 - 1, 1<<31 - 1, 1<<31 - 1},
	SharedMemoryBytes: 64 << 10,
	SubgroupSize:      1,
}

// DefaultGroup is the group size a device without a better choice uses for a grid of dims
// dimensions: 256 work-items, 16×16, 8×8×4.
func DefaultGroup(dims int) [3]int {
	switch dims {
	case 1:
		return [3]int{256, 1, 1}
	case 2:
		return [3]int{16, 16, 1}
	}
	return [3]int{8, 8, 4}
}

// Driver is one device kind.
type Driver interface {
	// Kind is the kind's name, as used in "kind:N".
	Kind() string
	// Probe lists the kind's instances, usable or not; a kind that cannot run at all on this machine
	// returns one unusable Info saying why. It does not fail.
	Probe(ctx context.Context) []Info
	// Open opens instance index, which Probe reported usable.
	Open(ctx context.Context, index int) (Device, error)
}

// Device is one open device.
type Device interface {
	Info() Info
	Limits() Limits
	// DefaultGroup is the group size the device uses for a grid of the given dimensions when the
	// launch names none, before it is clamped to the grid.
	DefaultGroup(dims int) [3]int
	// Launch runs one kernel over a grid and returns when no work-item runs any more.
	Launch(ctx context.Context, l *Launch) error
	Close() error
}

// Allocator is implemented by a device whose kernels need memory of the device's own for
// geobacter.Alloc (a GPU's host-visible memory); on other devices Alloc returns Go memory.
type Allocator interface {
	// Alloc returns n zeroed bytes aligned to at least align, mapped into the host's address
	// space for as long as they are allocated.
	Alloc(n, align int) (unsafe.Pointer, error)
	// Free releases memory Alloc returned.
	Free(p unsafe.Pointer) error
}

// Launch is one validated launch.
type Launch struct {
	Kernel kernel.Kernel
	Name   string // the kernel's type, such as "main.Saxpy"
	Global [3]int // work-items per dimension, each ≥ 1
	Local  [3]int // work-group size per dimension, each ≥ 1, within the device's limits
	// Unchecked asks a compiling device to remove the kernel's bounds, nil, divide and shift
	// checks (geobacter.Unchecked); a device that runs the kernel's Go code keeps them.
	Unchecked bool
}

// Panic is a work-item's panic reported by a device; the root package turns it into a
// *geobacter.KernelPanic.
type Panic struct {
	Kernel, Pos, Msg string
	WorkItem         [3]int
	Cause            error
}

func (p *Panic) Error() string {
	return fmt.Sprintf("kernel %s panicked at %s in work-item (%d,%d,%d): %s",
		p.Kernel, p.Pos, p.WorkItem[0], p.WorkItem[1], p.WorkItem[2], p.Msg)
}

// ErrClosed is returned by a closed device.
var ErrClosed = errors.New("device is closed")

var (
	mu      sync.Mutex
	drivers = map[string]Driver{}
	order   []string
)

// Register adds a device kind. It panics when the kind is registered twice.
func Register(d Driver) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := drivers[d.Kind()]; dup {
		panic("geobacter: BUG: device kind " + d.Kind() + " registered twice")
	}
	drivers[d.Kind()] = d
	order = append(order, d.Kind())
}

// Lookup returns the driver of a kind.
func Lookup(kind string) (Driver, bool) {
	mu.Lock()
	defer mu.Unlock()
	d, ok := drivers[kind]
	return d, ok
}

// Kinds returns the registered kinds in registration order.
func Kinds() []string {
	mu.Lock()
	defer mu.Unlock()
	return append([]string(nil), order...)
}

// Best returns the usable instance to open by default: the highest Type, then registration order,
// then index. TypeSoftware and TypeOther are never chosen.
func Best(infos []Info) (Info, bool) {
	var cands []Info
	for _, in := range infos {
		if in.Usable && in.Type > TypeSoftware {
			cands = append(cands, in)
		}
	}
	if len(cands) == 0 {
		return Info{}, false
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].Type > cands[j].Type })
	return cands[0], true
}

// CheckPlain checks that values of type t hold no pointers, so that their bytes mean the same on
// every device: numbers, bools, and arrays and structs of them. Memory of a device's own
// (Allocator) is not Go memory, so the garbage collector would not see a Go pointer stored
// there, and a kernel could not follow one. path names the value in the error ("[]T", "In[i]").
func CheckPlain(t reflect.Type, path string) error {
	switch t.Kind() {
	case reflect.Slice, reflect.Pointer, reflect.String, reflect.Map, reflect.Chan, reflect.Func,
		reflect.Interface, reflect.UnsafePointer:
		return fmt.Errorf("%s is a %v, which holds a pointer; device memory holds numbers, bools, and arrays and structs of them", path, t)
	case reflect.Array:
		return CheckPlain(t.Elem(), path+"[i]")
	case reflect.Struct:
		for i := range t.NumField() {
			if err := CheckPlain(t.Field(i).Type, path+"."+t.Field(i).Name); err != nil {
				return err
			}
		}
	}
	return nil
}
