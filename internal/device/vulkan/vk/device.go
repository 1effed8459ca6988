package vk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// DeviceOptions say how to create a Device.
type DeviceOptions struct {
	// Features to enable. NewDevice fails with a *FeatureError naming every one the physical
	// device lacks. BufferDeviceAddress is always enabled: the allocator needs it.
	Features Features
	// Extensions are device extensions to enable beyond those the features need
	// (VK_EXT_shader_atomic_float{,2}) and VK_KHR_portability_subset, which is enabled when the
	// device has it, as the specification requires.
	Extensions []string
	// PipelineCache is the initial content of the device's pipeline cache, as PipelineCacheData
	// returned it earlier (possibly on another run); the driver ignores data it does not accept.
	PipelineCache []byte
	// BlockSize is the size of the allocator's blocks; 0 means DefaultBlockSize.
	BlockSize uint64
	// SpinWait is how long Job.Wait polls a fence before it blocks in the driver: a blocking
	// wait costs a thread wake-up, tens of microseconds, on top of a short launch. 0 means
	// DefaultSpinWait; a negative value never polls.
	SpinWait time.Duration
}

// Device is a VkDevice with one compute queue, a pipeline cache, the memory allocator and a
// pool of command contexts. Its methods are safe for concurrent use.
type Device struct {
	Physical    *PhysicalDevice
	Features    Features // the features enabled
	Extensions  []string // the extensions enabled
	QueueFamily int

	handle   uintptr
	fn       deviceFuncs
	queue    uintptr
	queueMu  sync.Mutex // vkQueueSubmit needs the queue externally synchronized
	cache    uintptr    // VkPipelineCache
	memory   [numKinds]*heap
	align    uint64 // allocation alignment
	maxGroup [3]uint32
	spinWait time.Duration

	use       sync.RWMutex // read-held by calls that use the device's handle; Close write-holds it
	mu        sync.Mutex
	closed    bool
	layouts   map[uint32]uintptr // VkPipelineLayout by push-constant size
	modules   map[*ShaderModule]struct{}
	pipelines map[*Pipeline]struct{}
	idle      []*cmdContext     // command contexts ready for reuse
	jobs      map[*Job]struct{} // submitted and not finished

	live struct{ allocations, modules, pipelines, contexts atomic.Int64 }
}

// NewDevice creates a logical device on p with one queue of ComputeQueueFamily, the features
// and extensions opts asks for, a pipeline cache and an allocator. The device must be Vulkan
// 1.2 or newer through the instance.
func NewDevice(p *PhysicalDevice, opts DeviceOptions) (*Device, error) {
	if p.Version < MakeVersion(1, 2, 0) {
		return nil, fmt.Errorf("vulkan: device %q supports Vulkan %v; 1.2 or newer is needed", p.Name, p.Version)
	}
	family, ok := p.ComputeQueueFamily()
	if !ok {
		return nil, fmt.Errorf("vulkan: device %q has no compute queue", p.Name)
	}
	want := opts.Features
	want.BufferDeviceAddress = true
	if missing := want.Missing(p.Features); len(missing) > 0 {
		return nil, &FeatureError{Device: p.Name, Missing: missing}
	}
	exts := slices.Clone(opts.Extensions)
	for in := inAtomicFloat; in <= inAtomicFloat2; in++ {
		if want.uses(in) {
			exts = append(exts, featureStructExt[in])
		}
	}
	if p.HasExtension("VK_KHR_portability_subset") {
		exts = append(exts, "VK_KHR_portability_subset")
	}
	slices.Sort(exts)
	exts = slices.Compact(exts)
	for _, e := range exts {
		if !p.HasExtension(e) {
			return nil, fmt.Errorf("vulkan: device %q does not provide extension %s", p.Name, e)
		}
	}

	a := getArena()
	defer putArena(a)
	fc := newFeatureChain(a, p.Version, func(ext string) bool { return slices.Contains(exts, ext) })
	if err := fc.write(want); err != nil {
		return nil, err
	}
	prio := put(a, float32(1))
	qinfo := put(a, vkDeviceQueueCreateInfo{
		sType:            stDeviceQueueCreateInfo,
		queueFamilyIndex: uint32(family),
		queueCount:       1,
		pQueuePriorities: prio,
	})
	info := put(a, vkDeviceCreateInfo{
		sType:                   stDeviceCreateInfo,
		pNext:                   addrOf(fc.head),
		queueCreateInfoCount:    1,
		pQueueCreateInfos:       qinfo,
		enabledExtensionCount:   uint32(len(exts)),
		ppEnabledExtensionNames: a.cstrings(exts),
	})
	out := newT[uintptr](a)
	in := p.inst
	if err := check("vkCreateDevice", Result(call(in.fn.createDevice, p.handle, info, 0, addrOf(out)))); err != nil {
		return nil, err
	}
	d := &Device{
		Physical:    p,
		Features:    want,
		Extensions:  exts,
		QueueFamily: family,
		handle:      *out,
		layouts:     map[uint32]uintptr{},
		modules:     map[*ShaderModule]struct{}{},
		pipelines:   map[*Pipeline]struct{}{},
		jobs:        map[*Job]struct{}{},
		maxGroup:    p.Limits.MaxComputeWorkGroupCount,
	}
	if err := bind(in.fn.getDeviceProcAddr, d.handle, d.fn.table()); err != nil {
		if d.fn.destroyDevice != 0 {
			call(d.fn.destroyDevice, d.handle, 0)
		}
		return nil, err
	}
	q := newT[uintptr](a)
	call(d.fn.getDeviceQueue, d.handle, uintptr(family), 0, addrOf(q))
	d.queue = *q

	cinfo := put(a, vkPipelineCacheCreateInfo{
		sType:           stPipelineCacheCreateInfo,
		initialDataSize: uintptr(len(opts.PipelineCache)),
		pInitialData:    a.bytes(opts.PipelineCache),
	})
	c := newT[uint64](a)
	if err := check("vkCreatePipelineCache", Result(call(d.fn.createPipelineCache, d.handle, cinfo, 0, addrOf(c)))); err != nil {
		call(d.fn.destroyDevice, d.handle, 0)
		return nil, err
	}
	d.cache = uintptr(*c)

	d.spinWait = opts.SpinWait
	if d.spinWait == 0 {
		d.spinWait = DefaultSpinWait
	}
	d.align = max(256, p.Limits.MinStorageBufferOffsetAlignment, p.Limits.NonCoherentAtomSize)
	bs := opts.BlockSize
	if bs == 0 {
		bs = DefaultBlockSize
	}
	for k := range d.memory {
		d.memory[k] = &heap{d: d, kind: MemoryKind(k), blockSize: bs, memType: -1}
	}
	return d, nil
}

// Name returns the physical device's name.
func (d *Device) Name() string { return d.Physical.Name }

// Limits returns the physical device's limits.
func (d *Device) Limits() Limits { return d.Physical.Limits }

// ErrClosed is returned by the methods of a closed Device.
var ErrClosed = errors.New("vulkan: device is closed")

// Close waits for the device's work, including launches nobody waits for or whose Wait gave up
// on a context, then destroys everything the device made: memory blocks, pipeline layouts, command contexts, the
// pipeline cache, and the device. Shader modules and pipelines not destroyed are destroyed
// with it. Close is idempotent.
func (d *Device) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	d.mu.Unlock()

	d.use.Lock() // no call that uses the device runs any more, and none starts
	defer d.use.Unlock()
	d.queueMu.Lock()
	call(d.fn.deviceWaitIdle, d.handle)
	d.queueMu.Unlock()
	// Every fence is signalled now: finish the jobs nobody waited for, which recycles their
	// command contexts.
	d.mu.Lock()
	jobs := make([]*Job, 0, len(d.jobs))
	for j := range d.jobs {
		jobs = append(jobs, j)
	}
	d.mu.Unlock()
	for _, j := range jobs {
		j.Wait(context.Background())
	}

	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.idle {
		c.destroy()
	}
	d.idle = nil
	for _, h := range d.memory {
		h.destroy()
	}
	for p := range d.pipelines {
		call(d.fn.destroyPipeline, d.handle, uintptr(p.handle), 0)
	}
	for m := range d.modules {
		call(d.fn.destroyShaderModule, d.handle, uintptr(m.handle), 0)
	}
	d.pipelines, d.modules = nil, nil
	for _, l := range d.layouts {
		call(d.fn.destroyPipelineLayout, d.handle, l, 0)
	}
	d.layouts = nil
	call(d.fn.destroyPipelineCache, d.handle, d.cache, 0)
	call(d.fn.destroyDevice, d.handle, 0)
	d.handle = 0
	return nil
}

func (d *Device) isClosed() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.closed
}

// enter starts a call that uses the device's handle: Close waits for it to leave. It fails
// with ErrClosed on a closed device.
func (d *Device) enter() error {
	d.use.RLock()
	if d.isClosed() {
		d.use.RUnlock()
		return ErrClosed
	}
	return nil
}

func (d *Device) leave() { d.use.RUnlock() }

// PipelineCacheData returns the pipeline cache's content, for DeviceOptions.PipelineCache on a
// later run.
func (d *Device) PipelineCacheData() ([]byte, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	defer d.leave()
	a := getArena()
	defer putArena(a)
	n := newT[uintptr](a)
	if err := check("vkGetPipelineCacheData", Result(call(d.fn.getPipelineCacheData, d.handle, d.cache, addrOf(n), 0))); err != nil {
		return nil, err
	}
	if *n == 0 {
		return nil, nil
	}
	p := a.alloc(int(*n), 8)
	r := Result(call(d.fn.getPipelineCacheData, d.handle, d.cache, addrOf(n), uintptr(p)))
	if r != Success && r != Incomplete {
		return nil, check("vkGetPipelineCacheData", r)
	}
	return slices.Clone(unsafe.Slice((*byte)(p), *n)), nil
}

// Live counts the objects the device has made and that are not freed or destroyed yet, for
// leak checks in tests.
type Live struct {
	Allocations, ShaderModules, Pipelines, CommandContexts int
}

// Live returns the device's live object counts.
func (d *Device) Live() Live {
	return Live{
		Allocations:     int(d.live.allocations.Load()),
		ShaderModules:   int(d.live.modules.Load()),
		Pipelines:       int(d.live.pipelines.Load()),
		CommandContexts: int(d.live.contexts.Load()),
	}
}
