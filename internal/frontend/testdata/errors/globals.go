package errors

import "github.com/geobacter-go/geobacter/kernel"

var scale int32 = 3

// Table is exported: another package may write it.
var Table = [4]int32{1, 2, 3, 4}

var computed = [2]float64{1, float64(scale)}

var fromCall = makeTable()

func makeTable() [2]int32 { return [2]int32{1, 2} }

var pointers = [2]*int32{}

var patched = [3]int32{1, 2, 3}

func init() { patched[1] = 5 }

// ReadGlobal reads a package-level variable another kernel writes.
type ReadGlobal struct{ Out []int32 }

func (k *ReadGlobal) Kernel(it kernel.Item) {
	k.Out[it.GlobalID(0)] = scale // ERROR "package-level variable scale is not supported in kernels \(it is written or its address escapes at .*globals.go:33\)"
}

// WriteGlobal writes a package-level variable.
type WriteGlobal struct{ Out []int32 }

func (k *WriteGlobal) Kernel(it kernel.Item) {
	scale = k.Out[it.GlobalID(0)] // ERROR "package-level variable scale is not supported"
}

// GlobalTables reads package-level arrays that are not read-only tables.
type GlobalTables struct{ Out []int32 }

func (k *GlobalTables) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = Table[i%4]            // ERROR "package-level variable Table is not supported in kernels \(it is exported"
	k.Out[i] += int32(computed[i%2]) // ERROR "package-level variable computed is not supported in kernels \(its initial value is not a constant expression"
	k.Out[i] += fromCall[i%2]        // ERROR "package-level variable fromCall is not supported in kernels \(its initial value is not a constant"
	k.Out[i] += patched[i%3]         // ERROR "package-level variable patched is not supported in kernels \(it is written or its address escapes at .*globals.go:20\)"
	if pointers[0] == nil {          // ERROR "package-level variable pointers is not supported in kernels \(only numbers, bools and arrays of them"
		k.Out[i] = 0
	}
}
