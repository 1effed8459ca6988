package hsa

import (
	"context"
	"encoding/binary"
	"fmt"
	"reflect"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/backend/llvm"
	"github.com/geobacter-go/geobacter/internal/device"
	"github.com/geobacter-go/geobacter/internal/device/marshal"
	"github.com/geobacter-go/geobacter/internal/irsource"
)

// Launch compiles the kernel (once per variant) and runs it over the grid, waiting for it.
func (d *Device) Launch(ctx context.Context, l *device.Launch) error {
	if err := d.state(); err != nil {
		return err
	}
	v := irsource.VariantOf(l.Kernel, l.Unchecked).WithGroup(l.Local)
	p, err := d.programFor(ctx, v)
	if err != nil {
		return err
	}
	var groups, grid [3]uint32
	threads := 1
	for dim := range 3 {
		n := uint64((l.Global[dim] + l.Local[dim] - 1) / l.Local[dim])
		if n*uint64(l.Local[dim]) > 1<<32-1 {
			return fmt.Errorf("hsa: the grid's padded size in dimension %d exceeds 2^32-1 work-items", dim)
		}
		groups[dim], grid[dim] = uint32(n), uint32(n*uint64(l.Local[dim]))
		threads *= l.Local[dim]
	}
	if p.maxGroup > 0 && threads > p.maxGroup {
		return fmt.Errorf("hsa: kernel %s allows at most %d work-items a group; the launch asks for %d", l.Name, p.maxGroup, threads)
	}
	layout, err := marshal.LayoutOf(reflect.TypeOf(l.Kernel).Elem())
	if err != nil {
		return err
	}
	args, err := marshal.Marshal(layout, reflect.ValueOf(l.Kernel).UnsafePointer(), p.access, memory{d})
	if err != nil {
		return err
	}
	finished := false
	defer func() {
		if !finished {
			args.Release()
		}
	}()

	rec, err := d.allocate(d.gpu.vram, llvm.GPUPanicRecordSize, true)
	if err != nil {
		return err
	}
	defer api.hsa_amd_memory_pool_free(rec)
	if err := check("hsa_amd_memory_fill", api.hsa_amd_memory_fill(rec, 0, llvm.GPUPanicRecordSize/4)); err != nil {
		return err
	}

	// The kernarg segment: the parameter block, then the hidden arguments.
	recOff, gsOff, size := llvm.GPUParamOffsets(p.argsSize)
	block := marshal.ParamBlock(args.Bytes, uint64(uintptr(rec)), l.Global, recOff, gsOff, size)
	kernargSize := max(uintptr(p.kernargSize), uintptr(size))
	kernarg, err := d.allocate(d.gpu.kernarg, kernargSize, d.gpu.kernargAll)
	if err != nil {
		return err
	}
	defer api.hsa_amd_memory_pool_free(kernarg)
	ka := unsafe.Slice((*byte)(kernarg), kernargSize)
	clear(ka)
	copy(ka, block)
	fillHidden(ka, p.hidden, groups, l)

	var done signal
	if err := check("hsa_signal_create", api.hsa_signal_create(1, 0, nil, &done)); err != nil {
		return err
	}
	defer api.hsa_signal_destroy(done)

	if err := d.dispatch(p, l, grid, kernarg, done); err != nil {
		return err
	}
	cancelled, err := d.wait(ctx, done)
	if err != nil {
		return fmt.Errorf("running %s on %s: %w", l.Name, d, err)
	}
	var record [llvm.GPUPanicRecordSize]byte
	if err := d.copyFrom(record[:], rec); err != nil {
		return err
	}
	finished = true
	if err := args.Finish(); err != nil {
		return err
	}
	if pe := marshal.Panic(l, p.sites, record[:]); pe != nil {
		return pe
	}
	return cancelled
}

// fillHidden writes the hidden arguments the code object's metadata lists into the kernarg
// segment ka: those the kernel may read of a dispatch (code object v5's implicit arguments).
func fillHidden(ka []byte, hidden []llvm.CodeObjectArg, groups [3]uint32, l *device.Launch) {
	for _, a := range hidden {
		if a.Offset < 0 || a.Offset+a.Size > int64(len(ka)) {
			continue
		}
		b := ka[a.Offset : a.Offset+a.Size]
		put := func(v uint64) {
			switch a.Size {
			case 2:
				binary.LittleEndian.PutUint16(b, uint16(v))
			case 4:
				binary.LittleEndian.PutUint32(b, uint32(v))
			case 8:
				binary.LittleEndian.PutUint64(b, v)
			}
		}
		dim := int(a.ValueKind[len(a.ValueKind)-1] - 'x')
		switch a.ValueKind[:len(a.ValueKind)-1] {
		case "hidden_block_count_":
			put(uint64(groups[dim]))
		case "hidden_group_size_":
			put(uint64(l.Local[dim]))
		case "hidden_remainder_":
			put(0) // the grid is whole groups
		case "hidden_global_offset_":
			put(0)
		default:
			if a.ValueKind == "hidden_grid_dims" {
				put(3)
			}
			// Every other hidden argument (printf and hostcall buffers, the default queue, heap,
			// multigrid synchronisation) is left zero: the backend's kernels use none of them.
		}
	}
}

// dispatch writes an AQL kernel dispatch packet into the device's queue and rings the doorbell.
func (d *Device) dispatch(p *program, l *device.Launch, grid [3]uint32, kernarg unsafe.Pointer, done signal) error {
	q := d.q
	idx := api.hsa_queue_add_write_index_scacq_screl(q, 1)
	// Wait for the slot: the queue holds q.size packets not yet consumed.
	for pause := time.Microsecond; idx-api.hsa_queue_load_read_index_scacquire(q) >= uint64(q.size); pause = min(2*pause, time.Millisecond) {
		if err := d.state(); err != nil {
			return err
		}
		time.Sleep(pause)
	}
	slot := (*dispatchPacket)(unsafe.Add(q.base, uintptr(idx%uint64(q.size))*unsafe.Sizeof(dispatchPacket{})))
	slot.workgroupSize = [3]uint16{uint16(l.Local[0]), uint16(l.Local[1]), uint16(l.Local[2])}
	slot.gridSize = grid
	slot.privateSegment = p.privateSize
	slot.groupSegment = p.groupSize
	slot.kernelObject = p.kernelObject
	slot.kernargAddress = kernarg
	slot.completionSignal = done
	header := uint32(packetTypeKernelDispatch) | 1<<packetHeaderBarrier |
		fenceScopeSystem<<packetHeaderAcquireScope | fenceScopeSystem<<packetHeaderReleaseScope
	setup := uint32(3) << dispatchSetupDimensionsBits // three dimensions
	// The header and setup words last, atomically: the packet processor may take the packet as
	// soon as its type is no longer invalid.
	atomic.StoreUint32((*uint32)(unsafe.Pointer(slot)), header|setup<<16)
	api.hsa_signal_store_screlease(q.doorbell, int64(idx))
	return nil
}

// waitTicks is how long one wait on a completion signal may block, in the runtime's timestamp
// ticks (a hint): about a millisecond on current systems, so that cancellation and queue
// errors are noticed.
const waitTicks = 1 << 20

// wait waits until the completion signal drops to 0. A cancelled context is noticed, but the
// kernel cannot be stopped: wait returns when it has ended, with ctx's error as cancelled.
func (d *Device) wait(ctx context.Context, done signal) (cancelled, err error) {
	for {
		if api.hsa_signal_wait_scacquire(done, signalConditionLT, 1, waitTicks, waitStateBlocked) < 1 {
			return cancelled, nil
		}
		if err := d.state(); err != nil {
			return cancelled, err
		}
		if cancelled == nil && ctx.Err() != nil {
			cancelled = ctx.Err()
		}
	}
}

// copyFrom copies device memory at src into dst through a fine-grained bounce buffer.
func (d *Device) copyFrom(dst []byte, src unsafe.Pointer) error {
	bounce, err := d.allocate(d.gpu.fine, uintptr(len(dst)), d.gpu.fineAll)
	if err != nil {
		return err
	}
	defer api.hsa_amd_memory_pool_free(bounce)
	if err := check("hsa_memory_copy", api.hsa_memory_copy(bounce, src, uintptr(len(dst)))); err != nil {
		return err
	}
	copy(dst, unsafe.Slice((*byte)(bounce), len(dst)))
	return nil
}

// copyTo copies src into device memory at dst through a fine-grained bounce buffer.
func (d *Device) copyTo(dst unsafe.Pointer, src []byte) error {
	bounce, err := d.allocate(d.gpu.fine, uintptr(len(src)), d.gpu.fineAll)
	if err != nil {
		return err
	}
	defer api.hsa_amd_memory_pool_free(bounce)
	copy(unsafe.Slice((*byte)(bounce), len(src)), src)
	return check("hsa_memory_copy", api.hsa_memory_copy(dst, bounce, uintptr(len(src))))
}

// memory is a Device as marshalling sees it.
type memory struct{ d *Device }

func (m memory) Address(p, n uintptr) (uint64, bool) { return m.d.address(p, n) }

func (m memory) Stage(n uintptr) (marshal.Buffer, error) {
	p, err := m.d.allocate(m.d.gpu.vram, n, true)
	if err != nil {
		return nil, err
	}
	return &buffer{m.d, p, n}, nil
}

// buffer is a staging buffer in the GPU's coarse-grained memory.
type buffer struct {
	d    *Device
	p    unsafe.Pointer
	size uintptr
}

func (b *buffer) Addr() uint64 { return uint64(uintptr(b.p)) }
func (b *buffer) CopyIn(src []byte) error {
	if len(src) == 0 {
		return nil
	}
	return b.d.copyTo(b.p, src[:min(uintptr(len(src)), b.size)])
}
func (b *buffer) CopyOut(dst []byte) error {
	if len(dst) == 0 {
		return nil
	}
	return b.d.copyFrom(dst[:min(uintptr(len(dst)), b.size)], b.p)
}
func (b *buffer) Release() { api.hsa_amd_memory_pool_free(b.p) }
