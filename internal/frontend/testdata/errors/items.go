package errors

import "github.com/geobacter-go/geobacter/kernel"

// BadDimension passes constant dimensions outside 0..2 to kernel.Item's methods.
type BadDimension struct{ Out []int32 }

func (k *BadDimension) Kernel(it kernel.Item) {
	k.Out[it.GlobalID(3)] = int32(it.LocalID(-1)) // ERROR "dimension passed to kernel.Item.GlobalID must be 0, 1 or 2" "dimension passed to kernel.Item.LocalID"
	k.Out[it.GroupID(0)] = int32(it.NumGroups(7)) // ERROR "dimension passed to kernel.Item.NumGroups must be 0, 1 or 2"
	k.Out[0] = int32(it.GlobalSize(1 + 2))        // ERROR "dimension passed to kernel.Item.GlobalSize"
}

// SharedInLoop calls kernel.Shared in a loop.
type SharedInLoop struct{ Out []float32 }

func (k *SharedInLoop) Kernel(it kernel.Item) {
	for j := 0; j < 2; j++ {
		s := kernel.Shared[[64]float32](it) // ERROR "kernel.Shared must be called unconditionally"
		s[it.LocalID(0)] = 1
	}
}

// SharedInIf calls kernel.Shared in one branch of an if.
type SharedInIf struct{ Out []float32 }

func (k *SharedInIf) Kernel(it kernel.Item) {
	if it.LocalID(0) == 0 {
		s := kernel.Shared[[64]float32](it) // ERROR "kernel.Shared must be called unconditionally"
		s[0] = 1
	}
}

// SharedAfterReturn calls kernel.Shared after a return that some work-items take.
type SharedAfterReturn struct{ Out []float32 }

func (k *SharedAfterReturn) Kernel(it kernel.Item) {
	if it.GlobalID(0) >= len(k.Out) {
		return
	}
	s := kernel.Shared[[64]float32](it) // ERROR "kernel.Shared must be called unconditionally"
	s[0] = 1
}

func sharedTile(it kernel.Item) *[64]float32 { return kernel.Shared[[64]float32](it) }

// SharedHelperInLoop calls, in a loop, a helper that calls kernel.Shared.
type SharedHelperInLoop struct{ Out []float32 }

func (k *SharedHelperInLoop) Kernel(it kernel.Item) {
	for j := 0; j < 2; j++ {
		s := sharedTile(it) // ERROR "kernel.Shared must be called unconditionally"
		s[0] = 1
	}
}

type withItem struct{ it kernel.Item }

// ItemInStruct keeps a kernel.Item in a struct: reported once, where the struct is made.
type ItemInStruct struct{ Out []int32 }

func (k *ItemInStruct) Kernel(it kernel.Item) {
	w := withItem{it: it} // ERROR "kernel.Item values can only be passed to functions"
	k.Out[w.it.GlobalID(0)] = 1
}

func itemOf(it kernel.Item) kernel.Item { return it } // ERROR "result of itemOf: kernel.Item values can only be passed" "kernel.Item values can only be passed"

// ItemResult gets a kernel.Item from a function.
type ItemResult struct{ Out []int32 }

func (k *ItemResult) Kernel(it kernel.Item) {
	k.Out[itemOf(it).GlobalID(0)] = 1
}

// ItemCompare compares kernel.Item values.
type ItemCompare struct{ Out []bool }

func (k *ItemCompare) Kernel(it kernel.Item) {
	k.Out[it.GlobalID(0)] = it == kernel.Item{} // ERROR "kernel.Item values can only be passed to functions"
}
