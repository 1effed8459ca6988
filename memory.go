package geobacter

import (
	"fmt"
	"reflect"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/device"
)

// Alloc returns n zeroed elements of device-visible memory as an ordinary []T: the host reads and
// writes it like any slice, and kernels launched on dev use it without copying. It stays allocated
// until Free or the device's Close.
//
// T must be a type whose bytes mean the same on the device: numbers, bools, and arrays and structs
// of them (Go's layout rules hold on every device). On the go device it is Go memory.
func Alloc[T any](dev *Device, n int) ([]T, error) {
	if dev.closed.Load() {
		return nil, ErrClosed
	}
	if n < 0 {
		return nil, fmt.Errorf("geobacter: Alloc[%v] on %s: negative length %d", reflect.TypeFor[T](), dev.ID(), n)
	}
	if n == 0 {
		return []T{}, nil
	}
	var zero T
	if size := unsafe.Sizeof(zero); size > 0 && uintptr(n) > (1<<62)/size {
		return nil, fmt.Errorf("geobacter: Alloc[%v] on %s: %d elements is too large", reflect.TypeFor[T](), dev.ID(), n)
	}
	a, own := dev.impl.(device.Allocator)
	var s []T
	if own {
		if err := device.CheckPlain(reflect.TypeFor[T](), reflect.TypeFor[T]().String()); err != nil {
			return nil, fmt.Errorf("geobacter: Alloc[%v] on %s: %w", reflect.TypeFor[T](), dev.ID(), err)
		}
		p, err := a.Alloc(n*int(unsafe.Sizeof(zero)), int(unsafe.Alignof(zero)))
		if err != nil {
			return nil, fmt.Errorf("geobacter: Alloc[%v] of %d elements on %s: %w", reflect.TypeFor[T](), n, dev.ID(), err)
		}
		s = unsafe.Slice((*T)(p), n)
	} else {
		s = make([]T, n)
	}
	dev.mu.Lock()
	defer dev.mu.Unlock()
	if dev.closed.Load() {
		if own {
			a.Free(unsafe.Pointer(unsafe.SliceData(s)))
		}
		return nil, ErrClosed
	}
	if dev.allocs == nil {
		dev.allocs = make(map[unsafe.Pointer]int)
	}
	dev.allocs[unsafe.Pointer(unsafe.SliceData(s))] = n * int(unsafe.Sizeof(zero))
	return s, nil
}

// Free releases memory returned by Alloc on dev. s must start where the allocation starts (it may
// be shorter). Freeing memory twice, or memory Alloc did not return, is an error. The slice must not
// be used after Free.
func Free[T any](dev *Device, s []T) error {
	if cap(s) == 0 {
		return nil
	}
	p := unsafe.Pointer(unsafe.SliceData(s))
	dev.mu.Lock()
	defer dev.mu.Unlock()
	if dev.closed.Load() {
		return ErrClosed
	}
	if _, ok := dev.allocs[p]; !ok {
		return fmt.Errorf("geobacter: Free[%v] on %s: the slice does not start an allocation of this device (freed already, allocated elsewhere, or resliced from its start)",
			reflect.TypeFor[T](), dev.ID())
	}
	delete(dev.allocs, p)
	if a, ok := dev.impl.(device.Allocator); ok {
		if err := a.Free(p); err != nil {
			return fmt.Errorf("geobacter: Free[%v] on %s: %w", reflect.TypeFor[T](), dev.ID(), err)
		}
	}
	return nil
}
