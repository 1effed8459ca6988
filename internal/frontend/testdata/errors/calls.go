package errors

import (
	"bytes"
	"unicode"

	"github.com/geobacter-go/geobacter/kernel"
)

// CallsHelpers calls helpers of helpers.go that break the contract there.
type CallsHelpers struct{ Out []int32 }

func (k *CallsHelpers) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = lookup(i)
	spawn(k.Out, i)
}

// Generic instantiates generic helpers of helpers.go that break the contract there.
type Generic struct {
	I   []int32
	F   []float32
	Out []float32
}

func (k *Generic) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = float32(sum(k.I)) + sum(k.F)
	k.Out[i] += convertTo[float32](k.F[i]) // ERROR "interface values are not supported"
}

// GenericKernel is a generic kernel type; its instantiation GenericKernel[int32] breaks the
// contract.
type GenericKernel[T int32 | float32] struct{ Out []T }

func (k *GenericKernel[T]) Kernel(it kernel.Item) {
	var m map[T]T
	k.Out[it.GlobalID(0)] = m[0] // ERROR "maps are not supported"
}

// newGenericKernel instantiates GenericKernel, which makes GenericKernel[int32] a kernel.
func newGenericKernel() *GenericKernel[int32] { return &GenericKernel[int32]{} }

// Stdlib calls functions of packages of the standard library that kernels cannot call.
type Stdlib struct {
	B   []byte
	Out []int
}

func (k *Stdlib) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = bytes.IndexByte(k.B, 'x') // ERROR "function bytes.IndexByte is in package bytes of the standard library"
	if unicode.IsUpper(rune(k.B[i])) {   // ERROR "function unicode.IsUpper is in package unicode of the standard library"
		k.Out[i]++
	}
}
