package errors

import "github.com/geobacter-go/geobacter/kernel"

// MakeSlice makes a slice of a length known only at run time.
type MakeSlice struct{ Out []int32 }

func (k *MakeSlice) Kernel(it kernel.Item) {
	n := it.GlobalID(0) + 1
	s := make([]int32, n) // ERROR "make allocates on the heap"
	k.Out[it.GlobalID(0)] = s[0]
}

// MakeSliceCap makes a slice of a constant length and a capacity known only at run time.
type MakeSliceCap struct{ Out []int32 }

func (k *MakeSliceCap) Kernel(it kernel.Item) {
	s := make([]int32, 1, len(k.Out)) // ERROR "make allocates on the heap"
	k.Out[it.GlobalID(0)] = s[0]
}

// Append appends to a slice.
type Append struct{ Out []int32 }

func (k *Append) Kernel(it kernel.Item) {
	var a [4]int32
	s := append(a[:1], 5) // ERROR "append allocates on the heap"
	k.Out[it.GlobalID(0)] = s[0]
}

// Clear calls the builtin clear.
type Clear struct{ Out []int32 }

func (k *Clear) Kernel(it kernel.Item) {
	clear(k.Out) // ERROR "builtin clear is not supported"
}
