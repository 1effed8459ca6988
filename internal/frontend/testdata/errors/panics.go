package errors

import (
	"errors"

	"github.com/geobacter-go/geobacter/kernel"
)

// PanicValue panics with a value that is not a constant string.
type PanicValue struct{ Out []int32 }

func (k *PanicValue) Kernel(it kernel.Item) {
	if k.Out[it.GlobalID(0)] < 0 {
		panic(k.Out[it.GlobalID(0)]) // ERROR "panic takes a constant string"
	}
}

var errNegative = errors.New("negative")

// PanicError panics with an error in a package-level variable.
type PanicError struct{ Out []int32 }

func (k *PanicError) Kernel(it kernel.Item) {
	if k.Out[it.GlobalID(0)] < 0 {
		panic(errNegative) // ERROR "panic takes a constant string" "package-level variable errNegative is not supported"
	}
}
