package errors

import "github.com/geobacter-go/geobacter/kernel"

// fastSum is declared without a body, as a function implemented in assembly is: stub.s makes
// the Go compiler accept the declaration, and has no implementation.
func fastSum(x, y int32) int32

// NoBody calls a function without a Go body.
type NoBody struct{ Out []int32 }

func (k *NoBody) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = fastSum(k.Out[i], 1) // ERROR "function .*errors.fastSum has no Go body"
}
