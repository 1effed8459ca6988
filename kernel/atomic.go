package kernel

import (
	"math"
	"sync/atomic"
	"unsafe"
)

// The float atomics below are the ones sync/atomic lacks. Each is one atomic read-modify-write of
// the float at addr: concurrent calls on the same address from any work-items of any groups never
// lose an update. They order memory like sync/atomic's operations. addr must point into a buffer or
// into shared memory and be aligned to the float's size, as Go aligns every float32 and float64.

// AtomicAddFloat32 atomically adds delta to *addr and returns the new value. The addition is
// rounded as float32 addition; the order in which concurrent additions apply is unspecified, so a
// sum of many additions may differ from run to run in its last bits.
func AtomicAddFloat32(addr *float32, delta float32) (new float32) {
	p := (*uint32)(unsafe.Pointer(addr))
	for {
		old := atomic.LoadUint32(p)
		new = math.Float32frombits(old) + delta
		if atomic.CompareAndSwapUint32(p, old, math.Float32bits(new)) {
			return new
		}
	}
}

// AtomicAddFloat64 atomically adds delta to *addr and returns the new value, like AtomicAddFloat32.
func AtomicAddFloat64(addr *float64, delta float64) (new float64) {
	p := (*uint64)(unsafe.Pointer(addr))
	for {
		old := atomic.LoadUint64(p)
		new = math.Float64frombits(old) + delta
		if atomic.CompareAndSwapUint64(p, old, math.Float64bits(new)) {
			return new
		}
	}
}

// AtomicMinFloat32 atomically stores min(*addr, v) in *addr, with the semantics of Go's min: a NaN
// on either side gives NaN, and -0 is less than +0. It returns the old value.
func AtomicMinFloat32(addr *float32, v float32) (old float32) {
	return update32(addr, v, func(a, b float32) float32 { return min(a, b) })
}

// AtomicMaxFloat32 atomically stores max(*addr, v) in *addr, with the semantics of Go's max: a NaN
// on either side gives NaN, and +0 is greater than -0. It returns the old value.
func AtomicMaxFloat32(addr *float32, v float32) (old float32) {
	return update32(addr, v, func(a, b float32) float32 { return max(a, b) })
}

// AtomicMinFloat64 is AtomicMinFloat32 for float64.
func AtomicMinFloat64(addr *float64, v float64) (old float64) {
	return update64(addr, v, func(a, b float64) float64 { return min(a, b) })
}

// AtomicMaxFloat64 is AtomicMaxFloat32 for float64.
func AtomicMaxFloat64(addr *float64, v float64) (old float64) {
	return update64(addr, v, func(a, b float64) float64 { return max(a, b) })
}

func update32(addr *float32, v float32, f func(a, b float32) float32) float32 {
	p := (*uint32)(unsafe.Pointer(addr))
	for {
		old := atomic.LoadUint32(p)
		nb := math.Float32bits(f(math.Float32frombits(old), v))
		if nb == old || atomic.CompareAndSwapUint32(p, old, nb) {
			return math.Float32frombits(old)
		}
	}
}

func update64(addr *float64, v float64, f func(a, b float64) float64) float64 {
	p := (*uint64)(unsafe.Pointer(addr))
	for {
		old := atomic.LoadUint64(p)
		nb := math.Float64bits(f(math.Float64frombits(old), v))
		if nb == old || atomic.CompareAndSwapUint64(p, old, nb) {
			return math.Float64frombits(old)
		}
	}
}
