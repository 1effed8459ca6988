package cuda

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/device"
	"github.com/geobacter-go/geobacter/internal/toolchain"
)

// Kind is the device kind's name.
const Kind = "cuda"

// fixDriver is what to do when the driver is missing.
const fixDriver = "install the NVIDIA driver with its CUDA driver library (Debian: apt-get install nvidia-driver libcuda1; " +
	"other systems: the driver from nvidia.com), on a machine with an NVIDIA GPU of compute capability 7.0 or newer"

// fixLLVM is what to do when LLVM is missing.
const fixLLVM = "apt-get install llvm-19 lld-19 (LLVM with the NVPTX target)"

func init() { device.Register(driver{}) }

type driver struct{}

func (driver) Kind() string { return Kind }

// gpu is what Probe learns of one GPU.
type gpu struct {
	dev        int32
	name       string
	sm         int // compute capability, major*10+minor
	sms        int // multiprocessors
	integrated bool
	managed    bool // supports managed memory
	limits     device.Limits
	memory     uintptr
}

// probe lists the GPUs, or says why there are none.
func probe() ([]gpu, error) {
	if err := load(); err != nil {
		return nil, err
	}
	var n int32
	if err := check("cuDeviceGetCount", api.cuDeviceGetCount(&n)); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, errors.New("the NVIDIA driver reports no CUDA device")
	}
	var gpus []gpu
	for i := range n {
		var g gpu
		if err := check("cuDeviceGet", api.cuDeviceGet(&g.dev, i)); err != nil {
			return nil, err
		}
		name := make([]byte, 256)
		if err := check("cuDeviceGetName", api.cuDeviceGetName(&name[0], int32(len(name)), g.dev)); err != nil {
			return nil, err
		}
		g.name = cString(&name[0])
		attr := func(a int32) int {
			var v int32
			if api.cuDeviceGetAttribute(&v, a, g.dev) != success {
				return 0
			}
			return int(v)
		}
		g.sm = attr(attrComputeCapabilityMajor)*10 + attr(attrComputeCapabilityMinor)
		g.sms = attr(attrMultiprocessorCount)
		g.integrated = attr(attrIntegrated) != 0
		g.managed = attr(attrManagedMemory) != 0 && attr(attrUnifiedAddressing) != 0
		g.limits = device.Limits{
			MaxGroupSize:      attr(attrMaxThreadsPerBlock),
			SharedMemoryBytes: attr(attrMaxSharedMemoryPerBlock),
			SubgroupSize:      attr(attrWarpSize),
		}
		for d := range 3 {
			g.limits.MaxGroup[d] = attr(attrMaxBlockDimX + int32(d))
			grid := int64(attr(attrMaxGridDimX+int32(d))) * int64(g.limits.MaxGroup[d])
			g.limits.MaxGrid[d] = int(min(grid, 1<<31-1))
		}
		api.cuDeviceTotalMem(&g.memory, g.dev)
		gpus = append(gpus, g)
	}
	return gpus, nil
}

// usable says why a GPU cannot run kernels, or "".
func (g *gpu) usable() (reason, fix string) {
	switch {
	case g.sm < 70:
		return fmt.Sprintf("compute capability %d.%d: the cuda device needs 7.0 (Volta) or newer", g.sm/10, g.sm%10),
			"use a newer NVIDIA GPU, or the vulkan device"
	case !g.managed:
		return "the GPU has no managed memory with unified addressing", "use a 64-bit Linux driver, or the vulkan device"
	}
	return "", ""
}

func (driver) Probe(ctx context.Context) []device.Info {
	gpus, err := probe()
	if err != nil {
		in := device.Info{Kind: Kind, Name: "NVIDIA GPU (CUDA driver API)", Type: device.TypeDiscreteGPU, Reason: err.Error(), Fix: fixDriver}
		var ce *Error
		if errors.As(err, &ce) && ce.Code == int32(errNoDevice) {
			in.Reason = "the NVIDIA driver is installed but finds no CUDA device (" + err.Error() + ")"
			in.Fix = "check that the GPU is present and the kernel module loaded (nvidia-smi)"
		}
		return []device.Info{in}
	}
	_, tcErr := toolchain.Find(ctx)
	infos := make([]device.Info, len(gpus))
	for i, g := range gpus {
		in := device.Info{Kind: Kind, Index: i, Type: device.TypeDiscreteGPU,
			Name: fmt.Sprintf("%s (sm_%d, %d SMs, %d MiB)", g.name, g.sm, g.sms, g.memory>>20)}
		if g.integrated {
			in.Type = device.TypeIntegratedGPU
		}
		in.Reason, in.Fix = g.usable()
		if in.Reason == "" && tcErr != nil {
			in.Reason, in.Fix = "kernels are compiled with LLVM: "+tcErr.Error(), fixLLVM
		}
		in.Usable = in.Reason == ""
		infos[i] = in
	}
	return infos
}

func (d driver) Open(ctx context.Context, index int) (device.Device, error) {
	infos := d.Probe(ctx)
	if index < 0 || index >= len(infos) || infos[index].Index != index {
		return nil, fmt.Errorf("there is no cuda:%d (%d NVIDIA device(s))", index, len(infos))
	}
	in := infos[index]
	if !in.Usable {
		return nil, fmt.Errorf("cuda:%d is not usable: %s (fix: %s)", index, in.Reason, in.Fix)
	}
	gpus, err := probe()
	if err != nil {
		return nil, err
	}
	g := gpus[index]
	dev := &Device{info: in, gpu: g, allocs: map[uintptr]allocation{}}
	if err := check("cuDevicePrimaryCtxRetain", api.cuDevicePrimaryCtxRetain(&dev.ctx, g.dev)); err != nil {
		return nil, err
	}
	return dev, nil
}

// Device is an open NVIDIA GPU: its primary context, its allocations and its compiled kernels.
type Device struct {
	info device.Info
	gpu  gpu
	ctx  uintptr // the primary context

	mu     sync.Mutex
	closed bool
	allocs map[uintptr]allocation // by host (= device) address
	sorted []uintptr              // the keys of allocs, sorted, for Address
}

// allocation is one block of managed memory.
type allocation struct {
	base uint64 // what cuMemAllocManaged returned
	size uintptr
}

func (d *Device) Info() device.Info            { return d.info }
func (d *Device) Limits() device.Limits        { return d.gpu.limits }
func (d *Device) DefaultGroup(dims int) [3]int { return device.DefaultGroup(dims) }
func (d *Device) computeCapability() (sm int)  { return d.gpu.sm }
func (d *Device) deviceIndex() int             { return d.info.Index }
func (d *Device) contextHandle() (ctx uintptr) { return d.ctx }
func (d *Device) String() string               { return fmt.Sprintf("cuda:%d", d.info.Index) }
func (d *Device) checkOpen() error             { d.mu.Lock(); defer d.mu.Unlock(); return d.closedErr() }
func (d *Device) closedErr() error {
	if d.closed {
		return device.ErrClosed
	}
	return nil
}

// with runs f with the device's context current on this OS thread.
func (d *Device) with(f func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check("cuCtxPushCurrent", api.cuCtxPushCurrent(d.ctx)); err != nil {
		return err
	}
	err := f()
	var old uintptr
	if perr := check("cuCtxPopCurrent", api.cuCtxPopCurrent(&old)); err == nil {
		err = perr
	}
	return err
}

// Close releases the device's memory, modules and context. Memory from Alloc is freed: the
// slices made over it must not be used any more.
func (d *Device) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	allocs := d.allocs
	d.allocs, d.sorted = nil, nil
	d.mu.Unlock()
	err := d.with(func() error {
		var first error
		for _, a := range allocs {
			if err := check("cuMemFree", api.cuMemFree(a.base)); err != nil && first == nil {
				first = err
			}
		}
		if err := unloadModules(d); err != nil && first == nil {
			first = err
		}
		return first
	})
	if rerr := check("cuDevicePrimaryCtxRelease", api.cuDevicePrimaryCtxRelease(d.gpu.dev)); err == nil {
		err = rerr
	}
	return err
}

// Alloc returns n zeroed bytes of managed memory aligned to align: memory the host and the GPU
// address by the same pointer.
func (d *Device) Alloc(n, align int) (unsafe.Pointer, error) {
	if n <= 0 {
		n = 1
	}
	align = max(align, 1)
	if align&(align-1) != 0 {
		return nil, fmt.Errorf("cuda: alignment %d is not a power of two", align)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.closedErr(); err != nil {
		return nil, err
	}
	// cuMemAllocManaged aligns to at least 256 bytes; larger alignments are made by padding.
	extra := uintptr(0)
	if align > 256 {
		extra = uintptr(align)
	}
	var base uint64
	size := uintptr(n) + extra
	err := d.with(func() error {
		if err := check("cuMemAllocManaged", api.cuMemAllocManaged(&base, size, memAttachGlobal)); err != nil {
			return err
		}
		if err := check("cuMemsetD8", api.cuMemsetD8(base, 0, size)); err != nil {
			api.cuMemFree(base)
			return err
		}
		return check("cuCtxSynchronize", api.cuCtxSynchronize())
	})
	if err != nil {
		return nil, err
	}
	p := (uintptr(base) + uintptr(align) - 1) &^ (uintptr(align) - 1)
	d.allocs[p] = allocation{base: base, size: uintptr(n)}
	i := sort.Search(len(d.sorted), func(i int) bool { return d.sorted[i] >= p })
	d.sorted = append(d.sorted, 0)
	copy(d.sorted[i+1:], d.sorted[i:])
	d.sorted[i] = p
	// The memory is the driver's, not Go's: the pointer is made from the address it returned.
	return unsafe.Add(unsafe.Pointer(nil), p), nil
}

// Free releases memory Alloc returned.
func (d *Device) Free(ptr unsafe.Pointer) error {
	p := uintptr(ptr)
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.closedErr(); err != nil {
		return err
	}
	a, ok := d.allocs[p]
	if !ok {
		return fmt.Errorf("cuda: Free of %#x, which Alloc did not return", p)
	}
	delete(d.allocs, p)
	i := sort.Search(len(d.sorted), func(i int) bool { return d.sorted[i] >= p })
	d.sorted = append(d.sorted[:i], d.sorted[i+1:]...)
	return d.with(func() error { return check("cuMemFree", api.cuMemFree(a.base)) })
}

// address returns the device address of host memory [p, p+n) when it is inside one
// allocation: under unified addressing, p itself.
func (d *Device) address(p, n uintptr) (uint64, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	i := sort.Search(len(d.sorted), func(i int) bool { return d.sorted[i] > p }) - 1
	if i < 0 {
		return 0, false
	}
	start := d.sorted[i]
	if a := d.allocs[start]; p+n <= start+a.size {
		return uint64(p), true
	}
	return 0, false
}
