package errors

import (
	"sync/atomic"

	"github.com/geobacter-go/geobacter/kernel"
)

type inner struct{ X, Y int32 }

func (in *inner) reset() { in.X = 0 }

// Args is an argument struct with fields of every kind the kernels below write to.
type Args struct {
	N   int32
	In  inner
	Arr [4]int32
	C   int32
	AC  atomic.Int32
	Out []int32
}

// ArgsField writes a field of its argument struct.
type ArgsField Args

func (k *ArgsField) Kernel(it kernel.Item) {
	k.N = 1 // ERROR "writes to its argument struct \(field N\)"
}

// ArgsNested writes a field of a struct field.
type ArgsNested Args

func (k *ArgsNested) Kernel(it kernel.Item) {
	k.In.X = 2 // ERROR "writes to its argument struct \(field In.X\)"
}

// ArgsArray writes an element of an array field.
type ArgsArray Args

func (k *ArgsArray) Kernel(it kernel.Item) {
	k.Arr[it.GlobalID(0)%4] = 3 // ERROR "writes to its argument struct \(field Arr\)"
}

// ArgsAtomic adds to a field atomically.
type ArgsAtomic Args

func (k *ArgsAtomic) Kernel(it kernel.Item) {
	atomic.AddInt32(&k.C, 1) // ERROR "writes to its argument struct \(field C\)"
}

// ArgsAtomicType adds to an atomic.Int32 field.
type ArgsAtomicType Args

func (k *ArgsAtomicType) Kernel(it kernel.Item) {
	k.AC.Add(1) // ERROR "writes to its argument struct \(field AC\)"
}

// ArgsThroughPointer writes a field through a pointer to it.
type ArgsThroughPointer Args

func (k *ArgsThroughPointer) Kernel(it kernel.Item) {
	p := &k.In
	p.Y = 4 // ERROR "writes to its argument struct \(field In.Y\)"
}

// ArgsWhole overwrites the whole argument struct.
type ArgsWhole Args

func (k *ArgsWhole) Kernel(it kernel.Item) {
	*k = ArgsWhole{} // ERROR "writes to its argument struct"
}

// ArgsSlice overwrites a slice argument (not its elements).
type ArgsSlice Args

func (k *ArgsSlice) Kernel(it kernel.Item) {
	k.Out = k.Out[1:] // ERROR "writes to its argument struct \(field Out\)"
}

// ArgsMethod writes a field through a method with a pointer receiver.
type ArgsMethod Args

func (k *ArgsMethod) Kernel(it kernel.Item) {
	k.In.reset() // ERROR "writes to its argument struct \(field In(.X)?\)"
}

func setTo(p *int32, v int32) { *p = v }

// ArgsHelper writes a field through a helper that takes a pointer to it.
type ArgsHelper Args

func (k *ArgsHelper) Kernel(it kernel.Item) {
	setTo(&k.N, 5) // ERROR "writes to its argument struct \(field N\)"
}

// PtrStore stores a pointer to a local variable into a buffer.
type PtrStore struct{ Ptrs []*int32 }

func (k *PtrStore) Kernel(it kernel.Item) {
	var x int32
	k.Ptrs[it.GlobalID(0)] = &x // ERROR "a pointer is stored into memory"
}

// SliceStore stores a slice into a buffer of slices.
type SliceStore struct {
	Rows [][]int32
	Out  []int32
}

func (k *SliceStore) Kernel(it kernel.Item) {
	k.Rows[it.GlobalID(0)] = k.Out // ERROR "a pointer is stored into memory"
}

func pointerTo(p *int32) *int32 { return p }

// ArgsReturnedPointer writes a field through a pointer that a helper returns.
type ArgsReturnedPointer Args

func (k *ArgsReturnedPointer) Kernel(it kernel.Item) {
	*pointerTo(&k.N) = 5 // ERROR "writes to its argument struct \(field N\)"
}

// ArgsArraySlice writes an element of an array field through a slice of it.
type ArgsArraySlice Args

func (k *ArgsArraySlice) Kernel(it kernel.Item) {
	s := k.Arr[:]
	s[it.GlobalID(0)%4] = 1 // ERROR "writes to its argument struct \(field Arr\)"
}

// ArgsArrayCopy copies into an array field.
type ArgsArrayCopy Args

func (k *ArgsArrayCopy) Kernel(it kernel.Item) {
	copy(k.Arr[:], k.Out) // ERROR "writes to its argument struct \(field Arr\)"
}
