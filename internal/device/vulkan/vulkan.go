package vulkan

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/backend/llvm"
	"github.com/geobacter-go/geobacter/internal/backend/spirv"
	"github.com/geobacter-go/geobacter/internal/device"
	"github.com/geobacter-go/geobacter/internal/device/marshal"
	"github.com/geobacter-go/geobacter/internal/device/vulkan/vk"
	"github.com/geobacter-go/geobacter/internal/ir"
	"github.com/geobacter-go/geobacter/internal/irsource"
)

// Kind is the device kind's name.
const Kind = "vulkan"

func init() { device.Register(driver{}) }

type driver struct{}

func (driver) Kind() string { return Kind }

// The process's Vulkan instance, made on first use and kept (a failure is not kept, so that
// installing a driver while a program runs is noticed).
var (
	instMu sync.Mutex
	inst   *vk.Instance
)

func instance() (*vk.Instance, error) {
	instMu.Lock()
	defer instMu.Unlock()
	if inst != nil {
		return inst, nil
	}
	in, err := vk.NewInstance()
	if err != nil {
		return nil, err
	}
	inst = in
	return inst, nil
}

// physical lists the physical devices.
func physical() ([]*vk.PhysicalDevice, error) {
	in, err := instance()
	if err != nil {
		return nil, err
	}
	return in.PhysicalDevices()
}

func (driver) Probe(ctx context.Context) []device.Info {
	pds, err := physical()
	if err != nil {
		fix := vk.Fix
		var le *vk.LoadError
		if errors.As(err, &le) {
			fix = le.Fix
		}
		return []device.Info{{Kind: Kind, Name: "Vulkan", Type: device.TypeOther, Reason: err.Error(), Fix: fix}}
	}
	if len(pds) == 0 {
		return []device.Info{{Kind: Kind, Name: "Vulkan", Type: device.TypeOther,
			Reason: "the Vulkan loader lists no device", Fix: "install a Vulkan driver (for a CPU implementation: apt-get install mesa-vulkan-drivers)"}}
	}
	infos := make([]device.Info, len(pds))
	for i, p := range pds {
		infos[i] = info(p)
	}
	return infos
}

// info describes physical device p and whether this device kind can use it.
func info(p *vk.PhysicalDevice) device.Info {
	in := device.Info{Kind: Kind, Index: p.Index, Usable: true,
		Name: fmt.Sprintf("%s (%s, Vulkan %d.%d, %s)", p.Name, p.DriverName, p.APIVersion.Major(), p.APIVersion.Minor(), p.Type)}
	switch p.Type {
	case vk.DeviceDiscreteGPU:
		in.Type = device.TypeDiscreteGPU
	case vk.DeviceIntegratedGPU:
		in.Type = device.TypeIntegratedGPU
	case vk.DeviceCPU:
		in.Type = device.TypeSoftware // lavapipe: selectable by name, never the default
	default:
		in.Type = device.TypeOther
	}
	var missing []string
	if p.Version < vk.MakeVersion(1, 2, 0) {
		missing = append(missing, fmt.Sprintf("Vulkan 1.2 (it has %s)", p.Version))
	}
	need := required()
	missing = append(missing, need.Missing(p.Features)...)
	if _, ok := p.ComputeQueueFamily(); !ok {
		missing = append(missing, "a compute queue")
	}
	if len(missing) > 0 {
		in.Usable = false
		in.Reason = "it lacks what kernels need: " + fmt.Sprint(missing)
		in.Fix = "use a newer driver or another device"
	}
	return in
}

// required are the features every kernel needs: buffer device addresses for buffers and 64-bit
// integers for Go's int and every address.
func required() vk.Features {
	return vk.Features{BufferDeviceAddress: true, ShaderInt64: true}
}

// wanted are the features the SPIR-V backend can use when the device has them.
func wanted(have vk.Features) vk.Features {
	f := required()
	f.ShaderInt8 = have.ShaderInt8
	f.ShaderInt16 = have.ShaderInt16
	f.ShaderFloat64 = have.ShaderFloat64
	f.StorageBuffer8BitAccess = have.StorageBuffer8BitAccess
	f.StorageBuffer16BitAccess = have.StorageBuffer16BitAccess
	f.ShaderBufferInt64Atomics = have.ShaderBufferInt64Atomics
	f.ShaderSharedInt64Atomics = have.ShaderSharedInt64Atomics
	f.ShaderBufferFloat32AtomicAdd = have.ShaderBufferFloat32AtomicAdd
	f.ShaderBufferFloat64AtomicAdd = have.ShaderBufferFloat64AtomicAdd
	f.ShaderSharedFloat32AtomicAdd = have.ShaderSharedFloat32AtomicAdd
	f.ShaderSharedFloat64AtomicAdd = have.ShaderSharedFloat64AtomicAdd
	f.ShaderZeroInitializeWorkgroupMemory = have.ShaderZeroInitializeWorkgroupMemory
	return f
}

// target is what the SPIR-V backend may use on a device with features f.
func target(f vk.Features, l vk.Limits) *spirv.Target {
	return &spirv.Target{
		Name:                          Kind,
		PushConstantBytes:             int(min(l.MaxPushConstantsSize, 256)),
		Int8:                          f.ShaderInt8,
		Int16:                         f.ShaderInt16,
		Int64:                         f.ShaderInt64,
		Float64:                       f.ShaderFloat64,
		StorageBuffer8BitAccess:       f.StorageBuffer8BitAccess,
		StorageBuffer16BitAccess:      f.StorageBuffer16BitAccess,
		Int64Atomics:                  f.ShaderBufferInt64Atomics && f.ShaderSharedInt64Atomics,
		AtomicFloat32AddBuffer:        f.ShaderBufferFloat32AtomicAdd,
		AtomicFloat64AddBuffer:        f.ShaderBufferFloat64AtomicAdd,
		AtomicFloat32AddShared:        f.ShaderSharedFloat32AtomicAdd,
		AtomicFloat64AddShared:        f.ShaderSharedFloat64AtomicAdd,
		ZeroInitializeWorkgroupMemory: f.ShaderZeroInitializeWorkgroupMemory,
	}
}

func (driver) Open(ctx context.Context, index int) (device.Device, error) {
	pds, err := physical()
	if err != nil {
		return nil, err
	}
	if index < 0 || index >= len(pds) {
		return nil, fmt.Errorf("there are %d Vulkan devices; vulkan:%d does not exist", len(pds), index)
	}
	p := pds[index]
	in := info(p)
	if !in.Usable {
		return nil, fmt.Errorf("vulkan:%d (%s) is not usable: %s", index, p.Name, in.Reason)
	}
	d, err := vk.NewDevice(p, vk.DeviceOptions{Features: wanted(p.Features)})
	if err != nil {
		return nil, err
	}
	return &Device{info: in, vk: d, target: target(d.Features, p.Limits), allocs: map[uintptr]*vk.Allocation{},
		copies: forceCopies || !hostVisibleIsLocal(p)}, nil
}

// forceCopies makes every device stage through device-local memory, for tests.
var forceCopies = false

// hostVisibleIsLocal reports whether p has memory that is both host-visible and device-local in
// a heap of at least 1 GiB, which the allocator then uses for host-visible memory (integrated
// GPUs, resizable BAR, CPU implementations).
func hostVisibleIsLocal(p *vk.PhysicalDevice) bool {
	for _, t := range p.MemoryTypes {
		if t.DeviceLocal() && t.HostVisible() && p.MemoryHeaps[t.Heap].Size >= 1<<30 {
			return true
		}
	}
	return false
}

// Device is an open Vulkan device.
type Device struct {
	info   device.Info
	vk     *vk.Device
	target *spirv.Target

	mu     sync.RWMutex
	allocs map[uintptr]*vk.Allocation // by host address: memory from geobacter.Alloc
	spans  []*vk.Allocation           // allocs sorted by host address, for address
	// copies says that Go memory a kernel reaches is staged in device-local memory, copied in
	// and out by the launch's command buffer: the device's host-visible memory is not its own
	// (a discrete GPU without resizable BAR). Otherwise it is staged in host-visible memory.
	copies bool
	closed bool

	programs device.Programs[irsource.Variant, *program]
}

// Info describes the device.
func (d *Device) Info() device.Info { return d.info }

// Limits are the device's, within the portable limits.
func (d *Device) Limits() device.Limits {
	l := d.vk.Limits()
	p := device.PortableLimits
	out := device.Limits{
		MaxGroupSize:      min(int(l.MaxComputeWorkGroupInvocations), p.MaxGroupSize),
		SharedMemoryBytes: min(int(l.MaxComputeSharedMemorySize), p.SharedMemoryBytes),
		SubgroupSize:      max(int(l.SubgroupSize), 1),
	}
	for i := range 3 {
		out.MaxGroup[i] = min(int(l.MaxComputeWorkGroupSize[i]), p.MaxGroup[i])
		out.MaxGrid[i] = p.MaxGrid[i] // dispatched in pieces of at most maxComputeWorkGroupCount groups
	}
	return out
}

// DefaultGroup is 256 work-items, 16×16, 8×8×4, as on the other devices.
func (*Device) DefaultGroup(dims int) [3]int { return device.DefaultGroup(dims) }

// Alloc returns host-visible device memory (device.Allocator), zeroed.
func (d *Device) Alloc(n, align int) (unsafe.Pointer, error) {
	a, err := d.vk.Alloc(vk.HostVisible, uint64(n))
	if err != nil {
		return nil, err
	}
	if uintptr(a.Host())%uintptr(max(align, 1)) != 0 {
		d.vk.Free(a)
		return nil, fmt.Errorf("geobacter: BUG: vulkan memory at %p is not aligned to %d", a.Host(), align)
	}
	clear(a.Bytes())
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		d.vk.Free(a)
		return nil, device.ErrClosed
	}
	d.allocs[uintptr(a.Host())] = a
	d.reindex()
	return a.Host(), nil
}

// Free releases memory Alloc returned.
func (d *Device) Free(p unsafe.Pointer) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	a, ok := d.allocs[uintptr(p)]
	if !ok {
		return fmt.Errorf("geobacter: BUG: vulkan Free of %p, which it did not allocate", p)
	}
	delete(d.allocs, uintptr(p))
	d.reindex()
	d.vk.Free(a)
	return nil
}

// reindex sorts the allocations by host address; d.mu is held.
func (d *Device) reindex() {
	d.spans = d.spans[:0]
	for _, a := range d.allocs {
		d.spans = append(d.spans, a)
	}
	sort.Slice(d.spans, func(i, j int) bool { return uintptr(d.spans[i].Host()) < uintptr(d.spans[j].Host()) })
}

// memory is the device's memory as marshalling sees it.
type memory struct {
	d *Device
	l *vk.Launch // the launch, which copies staged memory in and out when d.copies
}

// Address is the device address of [p, p+n) when it is in one allocation of geobacter.Alloc.
func (m memory) Address(p, n uintptr) (uint64, bool) {
	d := m.d
	d.mu.RLock()
	defer d.mu.RUnlock()
	i := sort.Search(len(d.spans), func(i int) bool { return uintptr(d.spans[i].Host())+uintptr(d.spans[i].Size) > p })
	if i == len(d.spans) {
		return 0, false
	}
	a := d.spans[i]
	start := uintptr(a.Host())
	if p < start || p+n > start+uintptr(a.Size) {
		return 0, false
	}
	return a.Address + uint64(p-start), true
}

// Stage returns host-visible device memory for a copy of Go memory.
func (m memory) Stage(n uintptr) (marshal.Buffer, error) {
	a, err := m.d.vk.Alloc(vk.HostVisible, uint64(n))
	if err != nil {
		return nil, err
	}
	if !m.d.copies {
		return staging{m.d, a}, nil
	}
	local, err := m.d.vk.Alloc(vk.DeviceLocal, uint64(n))
	if err != nil {
		m.d.vk.Free(a)
		return nil, err
	}
	// Copied in before the dispatches and out after them; the copy out is there for every
	// buffer (the staging interface does not say which the kernel writes), a cost of one copy.
	m.l.Before = append(m.l.Before, vk.Copy{Src: a, Dst: local, Size: uint64(n)})
	m.l.After = append(m.l.After, vk.Copy{Src: local, Dst: a, Size: uint64(n)})
	return copied{staging{m.d, a}, local}, nil
}

// copied is a staging buffer in device-local memory, reached by the host through a
// host-visible one that the launch copies from and to.
type copied struct {
	staging
	local *vk.Allocation
}

func (c copied) Addr() uint64 { return c.local.Address }
func (c copied) Release() {
	c.staging.Release()
	c.d.vk.Free(c.local)
}

// staging is a staging buffer: host-visible, so copies are plain copies.
type staging struct {
	d *Device
	a *vk.Allocation
}

func (s staging) Addr() uint64             { return s.a.Address }
func (s staging) CopyIn(src []byte) error  { copy(s.a.Bytes(), src); return nil }
func (s staging) CopyOut(dst []byte) error { copy(dst, s.a.Bytes()); return nil }
func (s staging) Release()                 { s.d.vk.Free(s.a) }

// Close releases the device: its memory, pipelines and the VkDevice.
func (d *Device) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	for _, a := range d.allocs {
		d.vk.Free(a)
	}
	d.allocs, d.spans = nil, nil
	d.mu.Unlock()
	return d.vk.Close()
}

// program is one kernel variant compiled for the device.
type program struct {
	k      *spirv.Kernel
	f      *ir.Func
	layout *marshal.Layout
	module *vk.ShaderModule

	mu        sync.Mutex
	pipelines map[[3]uint32]*vk.Pipeline // by group size
}

func (d *Device) programFor(ctx context.Context, v irsource.Variant) (*program, error) {
	return d.programs.Get(v, func() (*program, error) { return d.compile(ctx, v) })
}

func (d *Device) compile(ctx context.Context, v irsource.Variant) (*program, error) {
	opts := v.Options()
	opts.SoftMath = spirv.SoftMath
	mod, f, err := irsource.Kernel(ctx, v.Type, opts)
	if err != nil {
		return nil, err
	}
	layout, err := marshal.LayoutOf(v.Type.Elem())
	if err != nil {
		return nil, fmt.Errorf("kernel %v: %w", v.Type.Elem(), err)
	}
	k, err := spirv.Emit(mod, f, d.target)
	if err != nil {
		return nil, err
	}
	if limit := d.Limits().SharedMemoryBytes; k.SharedSize > int64(limit) {
		return nil, fmt.Errorf("kernel %s uses %d bytes of shared memory; %s has %d", f.Name, k.SharedSize, d.info.Name, limit)
	}
	m, err := d.vk.NewShaderModule(k.Words)
	if err != nil {
		return nil, fmt.Errorf("loading the SPIR-V of %s: %w", f.Name, err)
	}
	return &program{k: k, f: f, layout: layout, module: m, pipelines: map[[3]uint32]*vk.Pipeline{}}, nil
}

// pipeline returns the program's pipeline for a group size.
func (d *Device) pipeline(p *program, size [3]uint32) (*vk.Pipeline, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pl, ok := p.pipelines[size]; ok {
		return pl, nil
	}
	pl, err := d.vk.NewPipeline(p.module, vk.PipelineOptions{Entry: p.k.Entry, PushConstantSize: uint32(p.k.PushSize), GroupSize: size})
	if err != nil {
		return nil, fmt.Errorf("creating the pipeline of %s for groups of %v: %w", p.f.Name, size, err)
	}
	p.pipelines[size] = pl
	return pl, nil
}

// Launch compiles the kernel (once per variant), marshals its arguments, dispatches its groups
// and reads the panic record back.
func (d *Device) Launch(ctx context.Context, l *device.Launch) error {
	d.mu.RLock()
	closed := d.closed
	d.mu.RUnlock()
	if closed {
		return device.ErrClosed
	}
	p, err := d.programFor(ctx, irsource.VariantOf(l.Kernel, l.Unchecked))
	if err != nil {
		return err
	}
	launch := &vk.Launch{}
	args, err := marshal.Marshal(p.layout, reflect.ValueOf(l.Kernel).UnsafePointer(), p.f.Access, memory{d, launch})
	if err != nil {
		return fmt.Errorf("kernel %s: %w", l.Name, err)
	}
	// What the launch uses is released when it returns, or, when it returns while the device
	// still runs (a cancelled wait), once the device is done.
	var release []func()
	running := false
	defer func() {
		if !running {
			for _, f := range release {
				f()
			}
		}
	}()
	release = append(release, args.Release)

	record, err := d.vk.Alloc(vk.HostVisible, max(spirv.PanicRecordSize, llvm.GPUPanicRecordSize))
	if err != nil {
		return err
	}
	clear(record.Bytes())
	release = append(release, func() { d.vk.Free(record) })

	// The push constants: the header, then the argument struct or its address.
	push := make([]byte, p.k.PushSize)
	binary.LittleEndian.PutUint64(push[0:], record.Address)
	var groups [3]uint32
	for i := range 3 {
		groups[i] = uint32((l.Global[i] + l.Local[i] - 1) / l.Local[i])
		binary.LittleEndian.PutUint32(push[8+4*i:], uint32(l.Global[i]))
		binary.LittleEndian.PutUint32(push[20+4*i:], groups[i])
		binary.LittleEndian.PutUint32(push[32+4*i:], uint32(l.Local[i]))
	}
	if p.k.ArgsInline {
		copy(push[spirv.PushArgsOffset:], args.Bytes)
	} else {
		a, err := d.vk.Alloc(vk.HostVisible, uint64(max(len(args.Bytes), 1)))
		if err != nil {
			return err
		}
		release = append(release, func() { d.vk.Free(a) })
		copy(a.Bytes(), args.Bytes)
		binary.LittleEndian.PutUint64(push[spirv.PushArgsOffset:], a.Address)
	}

	dispatches, err := d.plan(p, l, groups, push)
	if err != nil {
		return err
	}
	launch.PushConstants, launch.Dispatches = push, dispatches
	job, err := d.vk.Run(ctx, launch)
	if err != nil {
		if job != nil {
			// Cancelled while the device still runs: keep what it uses until it is done.
			running = true
			go func() {
				job.Wait(context.Background())
				for _, f := range release {
					f()
				}
			}()
			return err
		}
		return fmt.Errorf("launch of %s: %w", l.Name, err)
	}
	if err := args.Finish(); err != nil {
		return err
	}
	return marshal.Panic(l, p.k.Sites, record.Bytes())
}

// plan cuts the launch's groups into dispatches of at most the device's
// maxComputeWorkGroupCount groups in each dimension, each with its own push constants naming
// its first group (WorkgroupId counts from 0 in each dispatch); for a kernel with barriers, a
// partial last group in some dimension is dispatched on its own with a pipeline specialised to
// its size (see the ABI in internal/backend/spirv).
func (d *Device) plan(p *program, l *device.Launch, groups [3]uint32, push []byte) ([]vk.Dispatch, error) {
	maxCount := d.vk.Limits().MaxComputeWorkGroupCount
	var global, local [3]uint32
	for i := range 3 {
		global[i], local[i] = uint32(l.Global[i]), uint32(l.Local[i])
	}
	var pieces []vk.Piece
	if p.k.HasBarriers {
		pieces = vk.Pieces(global, local, maxCount)
	} else {
		for _, r := range vk.Split(groups, maxCount) {
			pieces = append(pieces, vk.Piece{Range: r, Group: local})
		}
	}
	out := make([]vk.Dispatch, 0, len(pieces))
	for _, pc := range pieces {
		pl, err := d.pipeline(p, pc.Group)
		if err != nil {
			return nil, err
		}
		own := append([]byte(nil), push...)
		for i := range 3 {
			binary.LittleEndian.PutUint32(own[spirv.PushGroupBaseOffset+4*i:], pc.Base[i])
		}
		out = append(out, vk.Dispatch{Pipeline: pl, Count: pc.Count, PushConstants: own})
	}
	return out, nil
}
