package cuda

import (
	"context"
	"fmt"
	"reflect"
	"time"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/backend/llvm"
	"github.com/geobacter-go/geobacter/internal/device"
	"github.com/geobacter-go/geobacter/internal/device/marshal"
	"github.com/geobacter-go/geobacter/internal/irsource"
)

// Launch compiles the kernel (once per variant) and runs it over the grid, waiting for it.
func (d *Device) Launch(ctx context.Context, l *device.Launch) error {
	if err := d.checkOpen(); err != nil {
		return err
	}
	v := irsource.VariantOf(l.Kernel, l.Unchecked).WithGroup(l.Local)
	p, err := d.programFor(ctx, v)
	if err != nil {
		return err
	}
	var groups [3]uint32
	threads := 1
	for dim := range 3 {
		n := (l.Global[dim] + l.Local[dim] - 1) / l.Local[dim]
		if n > 1<<31-1 {
			return fmt.Errorf("cuda: %d groups in dimension %d exceed the driver's grid", n, dim)
		}
		groups[dim] = uint32(n)
		threads *= l.Local[dim]
	}
	if threads > p.maxThreads {
		return fmt.Errorf("cuda: kernel %s can run at most %d work-items a group on %s (its registers); the launch asks for %d: %w",
			l.Name, p.maxThreads, d, threads, errGroupTooLarge)
	}
	layout, err := marshal.LayoutOf(reflect.TypeOf(l.Kernel).Elem())
	if err != nil {
		return err
	}
	var rec [llvm.GPUPanicRecordSize]byte
	var cancelled error
	err = d.with(func() error {
		var err error
		cancelled, err = d.run(ctx, p, l, groups, layout, &rec)
		return err
	})
	if err != nil {
		return err
	}
	if pe := marshal.Panic(l, p.sites, rec[:]); pe != nil {
		return pe
	}
	return cancelled
}

// errGroupTooLarge is wrapped by the error of a launch whose group is larger than the kernel
// allows.
var errGroupTooLarge = fmt.Errorf("group too large for the kernel")

// memory is a Device as marshalling sees it (with its context current).
type memory struct{ d *Device }

func (m memory) Address(p, n uintptr) (uint64, bool) { return m.d.address(p, n) }

func (m memory) Stage(n uintptr) (marshal.Buffer, error) {
	var p uint64
	if err := check("cuMemAlloc", api.cuMemAlloc(&p, n)); err != nil {
		return nil, err
	}
	return &buffer{p, n}, nil
}

// buffer is a staging buffer in device memory; its methods run with the context current.
type buffer struct {
	addr uint64
	size uintptr
}

func (b *buffer) Addr() uint64 { return b.addr }

func (b *buffer) CopyIn(src []byte) error {
	if len(src) == 0 {
		return nil
	}
	var pin pinner
	pin.pin(&src[0])
	defer pin.unpin()
	return check("cuMemcpyHtoD", api.cuMemcpyHtoD(b.addr, unsafe.Pointer(&src[0]), uintptr(min(uintptr(len(src)), b.size))))
}

func (b *buffer) CopyOut(dst []byte) error {
	if len(dst) == 0 {
		return nil
	}
	var pin pinner
	pin.pin(&dst[0])
	defer pin.unpin()
	return check("cuMemcpyDtoH", api.cuMemcpyDtoH(unsafe.Pointer(&dst[0]), b.addr, uintptr(min(uintptr(len(dst)), b.size))))
}

func (b *buffer) Release() { api.cuMemFree(b.addr) }

// run launches p over the grid on a stream of its own and waits for it, with d's context current;
// it fills rec with the launch's panic record. cancelled is ctx's error when the context ended
// while the kernel ran (it is waited for all the same).
func (d *Device) run(ctx context.Context, p *program, l *device.Launch, groups [3]uint32, layout *marshal.Layout,
	rec *[llvm.GPUPanicRecordSize]byte) (cancelled, err error) {
	args, err := marshal.Marshal(layout, reflect.ValueOf(l.Kernel).UnsafePointer(), p.access, memory{d})
	if err != nil {
		return nil, err
	}
	finished := false
	defer func() {
		if !finished {
			args.Release()
		}
	}()

	// A blocking stream: it waits for the synchronous copies marshalling made on the legacy
	// default stream (a copy from pageable memory may return before its DMA completes).
	var stream, event uintptr
	if err := check("cuStreamCreate", api.cuStreamCreate(&stream, streamDefault)); err != nil {
		return nil, err
	}
	defer api.cuStreamDestroy(stream)
	if err := check("cuEventCreate", api.cuEventCreate(&event, eventDisableTiming)); err != nil {
		return nil, err
	}
	defer api.cuEventDestroy(event)
	var recAddr uint64
	if err := check("cuMemAlloc", api.cuMemAlloc(&recAddr, llvm.GPUPanicRecordSize)); err != nil {
		return nil, err
	}
	defer api.cuMemFree(recAddr)
	if err := check("cuMemsetD8Async", api.cuMemsetD8Async(recAddr, 0, llvm.GPUPanicRecordSize, stream)); err != nil {
		return nil, err
	}

	// The parameters: the argument struct, the record's address and the grid's size, each
	// pointed to by an entry of kernelParams, as the PTX entry declares them.
	recOff, gsOff, size := llvm.GPUParamOffsets(p.argsSize)
	block := marshal.ParamBlock(args.Bytes, recAddr, l.Global, recOff, gsOff, size)
	params := make([]unsafe.Pointer, 5)
	params[0] = unsafe.Pointer(&block[0])
	params[1] = unsafe.Pointer(&block[recOff])
	for dim := range 3 {
		params[2+dim] = unsafe.Pointer(&block[gsOff+8*int64(dim)])
	}
	var pin pinner
	pin.pin(&block[0], &params[0])
	r := api.cuLaunchKernel(p.fn, groups[0], groups[1], groups[2],
		uint32(l.Local[0]), uint32(l.Local[1]), uint32(l.Local[2]), 0, stream, unsafe.Pointer(&params[0]), nil)
	pin.unpin()
	if err := check("cuLaunchKernel", r); err != nil {
		return nil, fmt.Errorf("launching %s on %s: %w", l.Name, d, err)
	}
	if err := check("cuEventRecord", api.cuEventRecord(event, stream)); err != nil {
		return nil, err
	}
	if cancelled, err = wait(ctx, event); err != nil {
		return nil, fmt.Errorf("running %s on %s: %w", l.Name, d, err)
	}

	var pr pinner
	pr.pin(&rec[0])
	err = check("cuMemcpyDtoH", api.cuMemcpyDtoH(unsafe.Pointer(&rec[0]), recAddr, llvm.GPUPanicRecordSize))
	pr.unpin()
	if err != nil {
		return nil, err
	}
	finished = true
	return cancelled, args.Finish()
}

// wait waits for event, polling it so that a cancelled context is noticed; the kernel cannot be
// stopped, so wait still returns only when it has ended, with ctx's error as cancelled.
func wait(ctx context.Context, event uintptr) (cancelled, err error) {
	if ctx.Done() == nil {
		return nil, check("cuEventSynchronize", api.cuEventSynchronize(event))
	}
	pause := 20 * time.Microsecond
	for {
		switch r := api.cuEventQuery(event); r {
		case success:
			return nil, nil
		case errNotReady:
		default:
			return nil, check("cuEventQuery", r)
		}
		select {
		case <-ctx.Done():
			return ctx.Err(), check("cuEventSynchronize", api.cuEventSynchronize(event))
		case <-time.After(pause):
		}
		pause = min(2*pause, time.Millisecond)
	}
}
