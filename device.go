package geobacter

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/device"
	_ "github.com/geobacter-go/geobacter/internal/device/cpu"      // registers the `cpu` device
	_ "github.com/geobacter-go/geobacter/internal/device/cuda"     // registers the `cuda` device
	_ "github.com/geobacter-go/geobacter/internal/device/godevice" // registers the `go` device
	_ "github.com/geobacter-go/geobacter/internal/device/hsa"      // registers the `amdgpu` device
	_ "github.com/geobacter-go/geobacter/internal/device/interp"   // registers the `interp` device
	_ "github.com/geobacter-go/geobacter/internal/device/vulkan"   // registers the `vulkan` device
)

// DeviceType is what kind of hardware a device is. Open(ctx, "") prefers, in order, a discrete
// GPU, an integrated GPU, the native cpu device and the go device; a software GPU (such as Mesa's
// lavapipe) is never chosen by default.
type DeviceType int

const (
	TypeOther         DeviceType = DeviceType(device.TypeOther)         // none of the below; never chosen by default
	TypeSoftware      DeviceType = DeviceType(device.TypeSoftware)      // a GPU API implemented in software
	TypeHost          DeviceType = DeviceType(device.TypeHost)          // the go device
	TypeCPU           DeviceType = DeviceType(device.TypeCPU)           // native code for the host CPU
	TypeIntegratedGPU DeviceType = DeviceType(device.TypeIntegratedGPU) // a GPU sharing the host's memory
	TypeDiscreteGPU   DeviceType = DeviceType(device.TypeDiscreteGPU)   // a GPU with its own memory
)

// String returns the type's name: "discrete-gpu", "integrated-gpu", "cpu", "host", "software" or
// "other".
func (t DeviceType) String() string { return device.Type(t).String() }

// DeviceInfo describes one device, usable or not.
type DeviceInfo struct {
	Kind   string // "go", "cpu", "vulkan", "cuda", "amdgpu"
	Index  int    // instance number within the kind: Open(ctx, "kind:Index")
	Name   string // the hardware's or driver's name
	Type   DeviceType
	Usable bool
	Reason string // why it is not usable
	Fix    string // what to do about it
}

// ID is the name that opens the device: "kind:index".
func (i DeviceInfo) ID() string { return i.Kind + ":" + strconv.Itoa(i.Index) }

func publicInfo(in device.Info) DeviceInfo {
	return DeviceInfo{Kind: in.Kind, Index: in.Index, Name: in.Name, Type: DeviceType(in.Type),
		Usable: in.Usable, Reason: in.Reason, Fix: in.Fix}
}

// Limits are a device's launch limits.
type Limits struct {
	MaxGroupSize      int    // work-items in one work-group
	MaxGroup          [3]int // work-items in one work-group, per dimension
	MaxGrid           [3]int // work-items in the grid, per dimension
	SharedMemoryBytes int    // shared memory (kernel.Shared) of one work-group, in bytes
	SubgroupSize      int    // work-items that run in lock step (1 on the go device)
}

// Devices lists every device of every kind this program knows, usable or not, with the reason
// and the fix for those that are not.
func Devices(ctx context.Context) ([]DeviceInfo, error) {
	var out []DeviceInfo
	for _, in := range probeAll(ctx) {
		out = append(out, publicInfo(in))
	}
	return out, ctx.Err()
}

func probeAll(ctx context.Context) []device.Info {
	var infos []device.Info
	for _, kind := range device.Kinds() {
		d, _ := device.Lookup(kind)
		infos = append(infos, d.Probe(ctx)...)
	}
	return infos
}

// Device is an open device. It is safe for concurrent use.
type Device struct {
	impl   device.Device
	info   DeviceInfo
	limits Limits
	closed atomic.Bool

	mu     sync.Mutex
	allocs map[unsafe.Pointer]int // live Alloc results: base address → bytes
}

// Open opens a device by name:
//
//   - "" opens the device named by the environment variable GEOBACTER_DEVICE if it is set, else the
//     best usable device (see DeviceType);
//   - "kind" opens the kind's first usable instance: "go", "cpu", "vulkan", "cuda", "amdgpu";
//   - "kind:N" opens instance N of the kind, as Devices lists it.
//
// An unknown kind is an error listing the known ones; a device that is not usable on this machine
// is an error wrapping ErrNotSupported that says why and what to install.
func Open(ctx context.Context, name string) (*Device, error) {
	if name == "" {
		if env := os.Getenv("GEOBACTER_DEVICE"); env != "" {
			d, err := open(ctx, env)
			if err != nil {
				return nil, fmt.Errorf("%w (the device was named by GEOBACTER_DEVICE=%s)", err, env)
			}
			return d, nil
		}
		best, ok := device.Best(probeAll(ctx))
		if !ok {
			return nil, fmt.Errorf("geobacter: no usable device: %w", ErrNotSupported)
		}
		return openInfo(ctx, best)
	}
	return open(ctx, name)
}

func open(ctx context.Context, name string) (*Device, error) {
	kind, idx, hasIdx := strings.Cut(name, ":")
	drv, ok := device.Lookup(kind)
	if !ok {
		return nil, fmt.Errorf("geobacter: unknown device %q; known kinds: %s (name a device as kind or kind:N)",
			name, strings.Join(device.Kinds(), ", "))
	}
	index := -1
	if hasIdx {
		n, err := strconv.Atoi(idx)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("geobacter: bad device name %q: the part after the colon must be an instance number such as %s:0", name, kind)
		}
		index = n
	}
	infos := drv.Probe(ctx)
	var reasons []string
	for _, in := range infos {
		if index >= 0 && in.Index != index {
			continue
		}
		if in.Usable {
			return openInfo(ctx, in)
		}
		reasons = append(reasons, unusable(in))
	}
	if len(reasons) == 0 {
		return nil, fmt.Errorf("geobacter: no device %s: %s has %d instance(s); `geobacter devices` lists them", name, kind, len(infos))
	}
	return nil, fmt.Errorf("geobacter: device %s is not usable: %s: %w", name, strings.Join(reasons, "; "), ErrNotSupported)
}

func unusable(in device.Info) string {
	s := in.Reason
	if in.Fix != "" {
		s += " (" + in.Fix + ")"
	}
	return s
}

func openInfo(ctx context.Context, in device.Info) (*Device, error) {
	drv, _ := device.Lookup(in.Kind)
	impl, err := drv.Open(ctx, in.Index)
	if err != nil {
		return nil, fmt.Errorf("geobacter: open %s:%d: %w", in.Kind, in.Index, err)
	}
	return &Device{impl: impl, info: publicInfo(impl.Info()), limits: Limits(impl.Limits())}, nil
}

// Kind returns the device's kind: "go", "cpu", "vulkan", "cuda" or "amdgpu".
func (d *Device) Kind() string { return d.info.Kind }

// Name returns the hardware's or driver's name for the device.
func (d *Device) Name() string { return d.info.Name }

// ID returns the name that opens this device: "kind:index".
func (d *Device) ID() string { return d.info.ID() }

// Info describes the device.
func (d *Device) Info() DeviceInfo { return d.info }

// Limits returns the device's launch limits.
func (d *Device) Limits() Limits { return d.limits }

// String returns "kind:index (name)".
func (d *Device) String() string { return d.ID() + " (" + d.info.Name + ")" }

// Close releases the device and the memory still allocated on it. Launches after Close return
// ErrClosed. Closing twice is not an error.
func (d *Device) Close() error {
	if d.closed.Swap(true) {
		return nil
	}
	d.mu.Lock()
	d.allocs = nil
	d.mu.Unlock()
	if err := d.impl.Close(); err != nil && !errors.Is(err, device.ErrClosed) {
		return fmt.Errorf("geobacter: close %s: %w", d.ID(), err)
	}
	return nil
}

// Allocated returns the number of allocations made with Alloc on d and not yet freed, and their
// size in bytes.
func (d *Device) Allocated() (count int, bytes int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, n := range d.allocs {
		count++
		bytes += int64(n)
	}
	return count, bytes
}
