package errors

import "github.com/geobacter-go/geobacter/kernel"

var scale int32 = 3

var table = [4]int32{1, 2, 3, 4}

// ReadGlobal reads a package-level variable.
type ReadGlobal struct{ Out []int32 }

func (k *ReadGlobal) Kernel(it kernel.Item) {
	k.Out[it.GlobalID(0)] = scale // ERROR "package-level variable scale is not supported"
}

// WriteGlobal writes a package-level variable.
type WriteGlobal struct{ Out []int32 }

func (k *WriteGlobal) Kernel(it kernel.Item) {
	scale = k.Out[it.GlobalID(0)] // ERROR "package-level variable scale is not supported"
}

// GlobalTable indexes a package-level array: reported where it is used, not where it is declared.
type GlobalTable struct{ Out []int32 }

func (k *GlobalTable) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = table[i%4] // ERROR "package-level variable table is not supported"
}
