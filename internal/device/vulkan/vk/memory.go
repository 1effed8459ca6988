package vk

import (
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"
)

// MemoryKind is the kind of memory an allocation is in.
type MemoryKind int

const (
	// HostVisible memory is host-visible and coherent, mapped for the allocation's life: the
	// host reads and writes it through Allocation.Bytes while kernels use its device address.
	// Of the types the device has, the allocator prefers one that is also device-local when its
	// heap is large (integrated GPUs, resizable BAR, lavapipe), else one that is host-cached.
	HostVisible MemoryKind = iota
	// DeviceLocal memory is the device's own, for staging copies with Launch.Before and After.
	// It is not mapped. On a device whose only memory is host-visible (lavapipe) it is the same
	// memory as HostVisible.
	DeviceLocal
	numKinds
)

func (k MemoryKind) String() string {
	if k == HostVisible {
		return "host-visible"
	}
	return "device-local"
}

// DefaultBlockSize is the size of the allocator's blocks unless DeviceOptions.BlockSize says
// otherwise. A request larger than a block gets a block of its own.
const DefaultBlockSize = 64 << 20

// Allocation is a range of a block: device memory bound to one VkBuffer. Its fields are fixed
// until Free.
type Allocation struct {
	Kind    MemoryKind
	Size    uint64 // the size asked for
	Address uint64 // the device address of the first byte (vkGetBufferDeviceAddress of the block's buffer + Offset)
	Buffer  uint64 // the block's VkBuffer, for copies
	Offset  uint64 // the allocation's offset in Buffer

	host  unsafe.Pointer
	b     *block
	taken uint64 // the size taken from the block: Size rounded up to the alignment
	freed atomic.Bool
}

// Host returns the address the allocation is mapped at, or nil when it is not host-visible.
func (a *Allocation) Host() unsafe.Pointer { return a.host }

// Bytes returns the allocation's memory as a byte slice (nil when it is not host-visible). The
// slice is valid until Free; memory from Alloc is not zeroed.
func (a *Allocation) Bytes() []byte {
	if a.host == nil {
		return nil
	}
	return unsafe.Slice((*byte)(a.host), a.Size)
}

// block is one VkDeviceMemory with one VkBuffer over all of it.
type block struct {
	mem, buf uint64
	addr     uint64
	host     unsafe.Pointer
	own      bool // made for one allocation larger than a block
	free     freeList
}

// heap is the allocator of one kind of memory.
type heap struct {
	d         *Device
	kind      MemoryKind
	blockSize uint64
	memType   int // the memory type, chosen with the first block; -1 before
	mu        sync.Mutex
	blocks    []*block
	closed    bool // the device is closed and the blocks released
}

// Alloc returns size bytes of memory of the given kind, aligned to at least 256 bytes and to the
// device's storage-buffer and non-coherent-atom alignments. A size of 0 allocates one
// alignment unit, so that every allocation has its own address.
func (d *Device) Alloc(kind MemoryKind, size uint64) (*Allocation, error) {
	if kind < 0 || kind >= numKinds {
		return nil, fmt.Errorf("vulkan: unknown memory kind %d", kind)
	}
	if d.isClosed() {
		return nil, ErrClosed
	}
	taken := max((size+d.align-1)&^(d.align-1), d.align)
	if taken < size {
		return nil, fmt.Errorf("vulkan: allocation of %d bytes is too large", size)
	}
	h := d.memory[kind]
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ErrClosed
	}
	var b *block
	var off uint64
	for _, c := range h.blocks {
		if o, ok := c.free.alloc(taken, d.align); ok {
			b, off = c, o
			break
		}
	}
	if b == nil {
		bs, own := h.blockSize, false
		if taken > bs {
			bs, own = taken, true
		}
		nb, err := h.newBlock(bs)
		if err != nil {
			return nil, err
		}
		nb.own = own
		h.blocks = append(h.blocks, nb)
		b = nb
		off, _ = b.free.alloc(taken, d.align)
	}
	a := &Allocation{
		Kind:    kind,
		Size:    size,
		Address: b.addr + off,
		Buffer:  b.buf,
		Offset:  off,
		b:       b,
		taken:   taken,
	}
	if b.host != nil {
		a.host = unsafe.Add(b.host, off)
	}
	d.live.allocations.Add(1)
	return a, nil
}

// Free returns an allocation's memory to its block. The caller must know that no launch still
// uses it (Job.Wait returned nil, or Job.Done). A block left empty is released unless it is the
// heap's only empty block of the standard size. Free panics on a second Free of the same
// allocation.
func (d *Device) Free(a *Allocation) {
	h := d.memory[a.Kind]
	h.mu.Lock()
	defer h.mu.Unlock()
	if a.freed.Swap(true) {
		panic("geobacter: BUG: vk: allocation freed twice")
	}
	a.host = nil
	d.live.allocations.Add(-1)
	if h.closed { // the device's memory is gone already
		return
	}
	b := a.b
	b.free.free(a.Offset, a.taken)
	if !b.free.empty() {
		return
	}
	keep := !b.own
	if keep {
		for _, c := range h.blocks {
			if c != b && !c.own && c.free.empty() {
				keep = false
				break
			}
		}
	}
	if keep {
		return
	}
	for i, c := range h.blocks {
		if c == b {
			h.blocks = append(h.blocks[:i], h.blocks[i+1:]...)
			break
		}
	}
	h.release(b)
}

// Blocks returns the number of blocks of a kind, for tests of the allocator.
func (d *Device) Blocks(kind MemoryKind) int {
	h := d.memory[kind]
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.blocks)
}

// newBlock creates a block of size bytes: a buffer, memory of the heap's type bound to it,
// mapped when the heap's kind is HostVisible, and the buffer's device address.
func (h *heap) newBlock(size uint64) (*block, error) {
	d := h.d
	a := getArena()
	defer putArena(a)
	if lim := d.Physical.Limits.MaxBufferSize; lim != 0 && size > lim {
		return nil, fmt.Errorf("vulkan: allocation of %d bytes exceeds the device's maxBufferSize %d", size, lim)
	}
	if lim := d.Physical.Limits.MaxMemoryAllocationSize; lim != 0 && size > lim {
		return nil, fmt.Errorf("vulkan: allocation of %d bytes exceeds the device's maxMemoryAllocationSize %d", size, lim)
	}
	binfo := put(a, vkBufferCreateInfo{
		sType:       stBufferCreateInfo,
		size:        size,
		usage:       bufferUsageStorageBuffer | bufferUsageDeviceAddress | bufferUsageTransferSrc | bufferUsageTransferDst,
		sharingMode: sharingModeExclusive,
	})
	buf := newT[uint64](a)
	if err := check("vkCreateBuffer", Result(call(d.fn.createBuffer, d.handle, binfo, 0, addrOf(buf)))); err != nil {
		return nil, err
	}
	b := &block{buf: *buf}
	fail := func(err error) (*block, error) {
		if b.mem != 0 {
			call(d.fn.freeMemory, d.handle, uintptr(b.mem), 0)
		}
		call(d.fn.destroyBuffer, d.handle, uintptr(b.buf), 0)
		return nil, err
	}
	req := newT[vkMemoryRequirements](a)
	call(d.fn.getBufferMemoryRequirements, d.handle, uintptr(b.buf), addrOf(req))
	if h.memType < 0 {
		t, ok := chooseMemoryType(d.Physical, h.kind, req.memoryTypeBits)
		if !ok {
			return fail(fmt.Errorf("vulkan: device %q has no %v memory type for storage buffers", d.Physical.Name, h.kind))
		}
		h.memType = t
	}
	flags := put(a, vkMemoryAllocateFlagsInfo{sType: stMemoryAllocateFlagsInfo, flags: memoryAllocateDeviceAddr})
	minfo := put(a, vkMemoryAllocateInfo{
		sType:           stMemoryAllocateInfo,
		pNext:           flags,
		allocationSize:  req.size,
		memoryTypeIndex: uint32(h.memType),
	})
	mem := newT[uint64](a)
	if err := check("vkAllocateMemory", Result(call(d.fn.allocateMemory, d.handle, minfo, 0, addrOf(mem)))); err != nil {
		return fail(fmt.Errorf("%w (a block of %d bytes of %v memory)", err, req.size, h.kind))
	}
	b.mem = *mem
	if err := check("vkBindBufferMemory", Result(call(d.fn.bindBufferMemory, d.handle, uintptr(b.buf), uintptr(b.mem), 0))); err != nil {
		return fail(err)
	}
	if d.Physical.MemoryTypes[h.memType].HostVisible() && h.kind == HostVisible {
		pp := newT[unsafe.Pointer](a)
		if err := check("vkMapMemory", Result(call(d.fn.mapMemory, d.handle, uintptr(b.mem), 0, uintptr(wholeSize), 0, addrOf(pp)))); err != nil {
			return fail(err)
		}
		b.host = *pp
	}
	ainfo := put(a, vkBufferDeviceAddressInfo{sType: stBufferDeviceAddressInfo, buffer: b.buf})
	b.addr = uint64(call(d.fn.getBufferDeviceAddress, d.handle, ainfo))
	if b.addr == 0 {
		return fail(fmt.Errorf("vulkan: vkGetBufferDeviceAddress returned 0"))
	}
	b.free = newFreeList(size)
	return b, nil
}

// release destroys a block's buffer and frees its memory (which unmaps it).
func (h *heap) release(b *block) {
	d := h.d
	call(d.fn.destroyBuffer, d.handle, uintptr(b.buf), 0)
	call(d.fn.freeMemory, d.handle, uintptr(b.mem), 0)
}

// destroy releases every block; allocations still live become unusable.
func (h *heap) destroy() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, b := range h.blocks {
		h.release(b)
	}
	h.blocks = nil
	h.closed = true
}

// chooseMemoryType picks the memory type for a kind among those in bits.
func chooseMemoryType(p *PhysicalDevice, kind MemoryKind, bits uint32) (int, bool) {
	best, bestScore := -1, -1
	for i, t := range p.MemoryTypes {
		if bits&(1<<i) == 0 {
			continue
		}
		score := 0
		switch kind {
		case HostVisible:
			if !t.HostVisible() || !t.HostCoherent() {
				continue
			}
			bigHeap := p.MemoryHeaps[t.Heap].Size >= 1<<30
			if t.DeviceLocal() && bigHeap {
				score += 4
			}
			if t.HostCached() {
				score += 2
			}
		case DeviceLocal:
			if t.DeviceLocal() {
				score += 4
			}
			if !t.HostVisible() {
				score += 2
			}
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	return best, best >= 0
}
