package errors

import (
	"unsafe"

	"github.com/geobacter-go/geobacter/kernel"
)

// Complex computes with complex numbers.
type Complex struct{ Out []float64 }

func (k *Complex) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	c := complex(k.Out[i], 1) // ERROR "complex numbers are not supported"
	_ = c
}

// ComplexField has a buffer of complex numbers.
type ComplexField struct {
	C   []complex64
	Out []float32
}

func (k *ComplexField) Kernel(it kernel.Item) { // ERROR "parameter k: field C: complex numbers are not supported"
	k.Out[it.GlobalID(0)] = 1
}

// Unsafe converts pointers through unsafe.Pointer.
type Unsafe struct{ Out []float32 }

func (k *Unsafe) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	p := unsafe.Pointer(&k.Out[i]) // ERROR "package unsafe is not supported" "conversion from \*float32 to unsafe.Pointer is not supported"
	k.Out[i] = *(*float32)(p)      // ERROR "conversion from unsafe.Pointer to \*float32 is not supported"
}

// UnsafeSlice makes a slice with unsafe.Slice.
type UnsafeSlice struct{ Out []float32 }

func (k *UnsafeSlice) Kernel(it kernel.Item) {
	s := unsafe.Slice(&k.Out[0], 2) // ERROR "package unsafe is not supported"
	s[1] = 1
}

type pair struct{ A, B int32 }

// CompareStructs compares structs with ==.
type CompareStructs struct {
	P   []pair
	Out []bool
}

func (k *CompareStructs) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = k.P[i] == k.P[0] // ERROR "comparing .*errors.pair values with == or != is not supported"
}

// CompareArrays compares arrays with !=.
type CompareArrays struct {
	A   [][2]int32
	Out []bool
}

func (k *CompareArrays) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = k.A[i] != k.A[0] // ERROR "comparing \[2\]int32 values with == or != is not supported"
}

// SliceToArray converts a slice to an array.
type SliceToArray struct{ Out []float32 }

func (k *SliceToArray) Kernel(it kernel.Item) {
	a := [4]float32(k.Out) // ERROR "converting a slice to an array or array pointer is not supported"
	k.Out[it.GlobalID(0)] = a[1]
}

// SliceToArrayPointer converts a slice to an array pointer.
type SliceToArrayPointer struct{ Out []float32 }

func (k *SliceToArrayPointer) Kernel(it kernel.Item) {
	p := (*[4]float32)(k.Out) // ERROR "converting a slice to an array or array pointer is not supported"
	p[0] = 1
}
