package hsa

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"sync"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/backend/llvm"
	"github.com/geobacter-go/geobacter/internal/device"
	"github.com/geobacter-go/geobacter/internal/toolchain"
)

// Kind is the device kind's name.
const Kind = "amdgpu"

// fixRuntime is what to do when the runtime is missing.
const fixRuntime = "install ROCm's HSA runtime (Debian/Ubuntu: apt-get install libhsa-runtime64-1, or ROCm from repo.radeon.com) " +
	"on a machine with an AMD GPU that ROCm supports, and add the user to the render and video groups"

// fixLLVM is what to do when LLVM is missing.
const fixLLVM = "apt-get install llvm-19 lld-19 (LLVM with the AMDGPU target, and ld.lld)"

func init() { device.Register(driver{}) }

type driver struct{}

func (driver) Kind() string { return Kind }

// gpuAgent is what Probe learns of one GPU agent.
type gpuAgent struct {
	agent         agent
	cpu           agent // the host's agent, which owns the system memory pools
	name, product string
	isa           string // "amdgcn-amd-amdhsa--gfx90a:sramecc+:xnack-"
	gfx, features string
	computeUnits  int
	profile       uint32
	queueMax      uint32
	limits        device.Limits
	vram          pool // coarse-grained device memory
	fine          pool // fine-grained system memory
	kernarg       pool // the kernarg pool
	fineAll       bool // fine is accessible by all agents without hsa_amd_agents_allow_access
	kernargAll    bool
	err           error // why it cannot be used
}

func agentInfo(a agent, attr uint32, v unsafe.Pointer) error {
	return check("hsa_agent_get_info", api.hsa_agent_get_info(a, attr, v))
}

func poolInfo(p pool, attr uint32, v unsafe.Pointer) error {
	return check("hsa_amd_memory_pool_get_info", api.hsa_amd_memory_pool_get_info(p, attr, v))
}

// pools returns the global pools of agent a that the runtime allocates from, with their flags.
func pools(a agent) (map[pool]uint32, map[pool]bool, uintptr, error) {
	flags := map[pool]uint32{}
	all := map[pool]bool{}
	var group uintptr
	err := forEach(func(cb, data uintptr) status { return api.hsa_amd_agent_iterate_memory_pools(a, cb, data) },
		"hsa_amd_agent_iterate_memory_pools", func(h uint64) bool {
			p := pool(h)
			var seg, f uint32
			var alloc, byAll bool
			var size uintptr
			if poolInfo(p, poolInfoSegment, unsafe.Pointer(&seg)) != nil {
				return true
			}
			if seg == segmentGroup {
				poolInfo(p, poolInfoSize, unsafe.Pointer(&size))
				group = size
				return true
			}
			if seg != segmentGlobal || poolInfo(p, poolInfoAllocAllowed, unsafe.Pointer(&alloc)) != nil || !alloc {
				return true
			}
			poolInfo(p, poolInfoGlobalFlags, unsafe.Pointer(&f))
			poolInfo(p, poolInfoAccessibleByAll, unsafe.Pointer(&byAll))
			flags[p], all[p] = f, byAll
			return true
		})
	return flags, all, group, err
}

// probe lists the GPU agents, or says why there are none.
func probe() ([]gpuAgent, error) {
	if err := load(); err != nil {
		return nil, err
	}
	var gpus, cpus []agent
	err := forEach(func(cb, data uintptr) status { return api.hsa_iterate_agents(cb, data) }, "hsa_iterate_agents",
		func(h uint64) bool {
			var typ uint32
			if agentInfo(agent(h), agentInfoDevice, unsafe.Pointer(&typ)) == nil {
				switch typ {
				case deviceTypeGPU:
					gpus = append(gpus, agent(h))
				case deviceTypeCPU:
					cpus = append(cpus, agent(h))
				}
			}
			return true
		})
	if err != nil {
		return nil, err
	}
	if len(gpus) == 0 {
		return nil, errors.New("the HSA runtime finds no GPU agent")
	}
	if len(cpus) == 0 {
		return nil, errors.New("the HSA runtime finds no CPU agent (which owns the system memory)")
	}
	sysFlags, sysAll, _, err := pools(cpus[0])
	if err != nil {
		return nil, err
	}
	var out []gpuAgent
	for _, a := range gpus {
		g := gpuAgent{agent: a, cpu: cpus[0]}
		name := make([]byte, 64)
		agentInfo(a, agentInfoName, unsafe.Pointer(&name[0]))
		g.name = cString(&name[0])
		product := make([]byte, 64)
		agentInfo(a, amdAgentInfoProductName, unsafe.Pointer(&product[0]))
		g.product = cString(&product[0])
		var cus, wave, maxSize uint32
		var maxDim [3]uint16
		var grid [3]uint32
		agentInfo(a, amdAgentInfoComputeUnits, unsafe.Pointer(&cus))
		agentInfo(a, agentInfoWavefrontSize, unsafe.Pointer(&wave))
		agentInfo(a, agentInfoWorkgroupMaxSize, unsafe.Pointer(&maxSize))
		agentInfo(a, agentInfoWorkgroupMaxDim, unsafe.Pointer(&maxDim[0]))
		agentInfo(a, agentInfoGridMaxDim, unsafe.Pointer(&grid[0]))
		agentInfo(a, agentInfoQueueMaxSize, unsafe.Pointer(&g.queueMax))
		agentInfo(a, agentInfoProfile, unsafe.Pointer(&g.profile))
		g.computeUnits = int(cus)
		g.limits = device.Limits{MaxGroupSize: int(maxSize), SubgroupSize: int(wave)}
		for d := range 3 {
			g.limits.MaxGroup[d] = int(maxDim[d])
			g.limits.MaxGrid[d] = int(min(uint64(grid[d]), math.MaxInt32))
		}
		// The ISA name: the first the agent lists.
		forEach(func(cb, data uintptr) status { return api.hsa_agent_iterate_isas(a, cb, data) }, "hsa_agent_iterate_isas",
			func(isa uint64) bool {
				var n uint32
				if check("hsa_isa_get_info_alt", api.hsa_isa_get_info_alt(isa, isaInfoNameLength, unsafe.Pointer(&n))) != nil {
					return true
				}
				b := make([]byte, n+1)
				if check("hsa_isa_get_info_alt", api.hsa_isa_get_info_alt(isa, isaInfoName, unsafe.Pointer(&b[0]))) == nil {
					g.isa = cString(&b[0])
					return false
				}
				return true
			})
		g.gfx, g.features, g.err = llvm.ParseISA(g.isa)
		flags, _, group, err := pools(a)
		if err != nil && g.err == nil {
			g.err = err
		}
		g.limits.SharedMemoryBytes = int(group)
		for p, f := range flags {
			if f&poolFlagCoarseGrained != 0 && g.vram == 0 {
				g.vram = p
			}
		}
		for p, f := range sysFlags {
			if f&poolFlagKernargInit != 0 && g.kernarg == 0 {
				g.kernarg, g.kernargAll = p, sysAll[p]
			}
			if f&poolFlagFineGrained != 0 && f&poolFlagKernargInit == 0 && g.fine == 0 {
				g.fine, g.fineAll = p, sysAll[p]
			}
		}
		if g.fine == 0 && g.kernarg != 0 {
			g.fine, g.fineAll = g.kernarg, g.kernargAll // the kernarg pool is fine-grained too
		}
		switch {
		case g.err != nil:
		case g.vram == 0:
			g.err = errors.New("the GPU agent has no coarse-grained memory pool")
		case g.fine == 0 || g.kernarg == 0:
			g.err = errors.New("the CPU agent has no fine-grained or kernarg memory pool")
		}
		out = append(out, g)
	}
	return out, nil
}

func (driver) Probe(ctx context.Context) []device.Info {
	gpus, err := probe()
	if err != nil {
		return []device.Info{{Kind: Kind, Name: "AMD GPU (HSA runtime)", Type: device.TypeDiscreteGPU, Reason: err.Error(), Fix: fixRuntime}}
	}
	_, tcErr := toolchain.Find(ctx)
	infos := make([]device.Info, len(gpus))
	for i, g := range gpus {
		name := g.product
		if name == "" {
			name = "AMD GPU"
		}
		in := device.Info{Kind: Kind, Index: i, Type: device.TypeDiscreteGPU,
			Name: fmt.Sprintf("%s (%s, %d CUs)", name, g.name, g.computeUnits)}
		if g.profile == profileFull {
			in.Type = device.TypeIntegratedGPU // an APU: the full profile shares the host's memory
		}
		switch {
		case g.err != nil:
			in.Reason, in.Fix = g.err.Error(), "use a GPU and ROCm release that support each other, or the vulkan device"
		case tcErr != nil:
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
		return nil, fmt.Errorf("there is no amdgpu:%d (%d AMD device(s))", index, len(infos))
	}
	in := infos[index]
	if !in.Usable {
		return nil, fmt.Errorf("amdgpu:%d is not usable: %s (fix: %s)", index, in.Reason, in.Fix)
	}
	gpus, err := probe()
	if err != nil {
		return nil, err
	}
	dev := &Device{info: in, gpu: gpus[index], allocs: map[uintptr]uintptr{}}
	size := uint32(1024)
	if dev.gpu.queueMax != 0 {
		size = min(size, dev.gpu.queueMax)
	}
	queues.Lock()
	queues.next++
	dev.queueID = queues.next
	queues.m[dev.queueID] = dev
	queues.Unlock()
	if err := check("hsa_queue_create", api.hsa_queue_create(dev.gpu.agent, size, queueTypeMulti, queueCallback, dev.queueID,
		math.MaxUint32, math.MaxUint32, &dev.q)); err != nil {
		dev.forgetQueue()
		return nil, err
	}
	return dev, nil
}

// queues maps the data word of each device's queue callback to the device.
var queues = struct {
	sync.Mutex
	m    map[uintptr]*Device
	next uintptr
}{m: map[uintptr]*Device{}}

// queueError records an error the runtime reports on a device's queue: the running launches fail
// with it, and so does every later one (the queue is unusable).
func queueError(s status, data uintptr) {
	queues.Lock()
	d := queues.m[data]
	queues.Unlock()
	if d != nil {
		d.mu.Lock()
		if d.queueErr == nil {
			d.queueErr = fmt.Errorf("the GPU's queue failed (a memory violation or illegal instruction in a kernel): %w", check("queue", s))
		}
		d.mu.Unlock()
	}
}

func (d *Device) forgetQueue() {
	queues.Lock()
	delete(queues.m, d.queueID)
	queues.Unlock()
}

// Device is an open AMD GPU agent: its queue, its allocations and its loaded kernels.
type Device struct {
	info    device.Info
	gpu     gpuAgent
	q       *queue
	queueID uintptr

	mu       sync.Mutex
	closed   bool
	queueErr error
	allocs   map[uintptr]uintptr // Alloc's memory: start → size
	sorted   []uintptr
}

func (d *Device) Info() device.Info            { return d.info }
func (d *Device) Limits() device.Limits        { return d.gpu.limits }
func (d *Device) DefaultGroup(dims int) [3]int { return device.DefaultGroup(dims) }
func (d *Device) String() string               { return fmt.Sprintf("amdgpu:%d", d.info.Index) }

// state returns why the device cannot launch: closed, or its queue failed.
func (d *Device) state() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return device.ErrClosed
	}
	return d.queueErr
}

// Close destroys the queue and the executables and frees Alloc's memory: slices made over it
// must not be used any more.
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
	var first error
	keep := func(err error) {
		if err != nil && first == nil {
			first = err
		}
	}
	keep(unloadPrograms(d))
	keep(check("hsa_queue_destroy", api.hsa_queue_destroy(d.q)))
	d.forgetQueue()
	for p := range allocs {
		base := p
		if b, ok := allocBases.LoadAndDelete(p); ok {
			base = b.(uintptr)
		}
		keep(check("hsa_amd_memory_pool_free", api.hsa_amd_memory_pool_free(unsafe.Add(unsafe.Pointer(nil), base))))
	}
	return first
}

// allocate returns n bytes of pool p, made accessible to the GPU agent unless the pool is
// accessible to all agents.
func (d *Device) allocate(p pool, n uintptr, byAll bool) (unsafe.Pointer, error) {
	var ptr unsafe.Pointer
	if err := check("hsa_amd_memory_pool_allocate", api.hsa_amd_memory_pool_allocate(p, max(n, 1), 0, &ptr)); err != nil {
		return nil, err
	}
	if !byAll {
		a := d.gpu.agent
		if err := check("hsa_amd_agents_allow_access", api.hsa_amd_agents_allow_access(1, &a, nil, ptr)); err != nil {
			api.hsa_amd_memory_pool_free(ptr)
			return nil, err
		}
	}
	return ptr, nil
}

// Alloc returns n zeroed bytes of fine-grained system memory aligned to align, which the host
// and the GPU use by the same pointer.
func (d *Device) Alloc(n, align int) (unsafe.Pointer, error) {
	if n <= 0 {
		n = 1
	}
	align = max(align, 1)
	if align&(align-1) != 0 {
		return nil, fmt.Errorf("hsa: alignment %d is not a power of two", align)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil, device.ErrClosed
	}
	// The pools align allocations to pages; larger alignments are made by padding.
	extra := uintptr(0)
	if align > 4096 {
		extra = uintptr(align)
	}
	base, err := d.allocate(d.gpu.fine, uintptr(n)+extra, d.gpu.fineAll)
	if err != nil {
		return nil, err
	}
	clear(unsafe.Slice((*byte)(base), uintptr(n)+extra))
	off := (uintptr(align) - uintptr(base)%uintptr(align)) % uintptr(align)
	p := unsafe.Add(base, off)
	if off != 0 {
		allocBases.Store(uintptr(p), uintptr(base))
	}
	d.allocs[uintptr(p)] = uintptr(n)
	i := sort.Search(len(d.sorted), func(i int) bool { return d.sorted[i] >= uintptr(p) })
	d.sorted = append(d.sorted, 0)
	copy(d.sorted[i+1:], d.sorted[i:])
	d.sorted[i] = uintptr(p)
	return p, nil
}

// allocBases maps an aligned pointer Alloc returned to the pool allocation it is in, when they
// differ.
var allocBases sync.Map

// Free releases memory Alloc returned.
func (d *Device) Free(ptr unsafe.Pointer) error {
	p := uintptr(ptr)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return device.ErrClosed
	}
	if _, ok := d.allocs[p]; !ok {
		return fmt.Errorf("hsa: Free of %#x, which Alloc did not return", p)
	}
	delete(d.allocs, p)
	i := sort.Search(len(d.sorted), func(i int) bool { return d.sorted[i] >= p })
	d.sorted = append(d.sorted[:i], d.sorted[i+1:]...)
	base := ptr
	if b, ok := allocBases.LoadAndDelete(p); ok {
		base = unsafe.Add(ptr, -int(p-b.(uintptr)))
	}
	return check("hsa_amd_memory_pool_free", api.hsa_amd_memory_pool_free(base))
}

// address returns the device address of host memory [p, p+n) inside one of Alloc's blocks: p.
func (d *Device) address(p, n uintptr) (uint64, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	i := sort.Search(len(d.sorted), func(i int) bool { return d.sorted[i] > p }) - 1
	if i < 0 {
		return 0, false
	}
	if start := d.sorted[i]; p+n <= start+d.allocs[start] {
		return uint64(p), true
	}
	return 0, false
}
