package hsa

import "github.com/geobacter-go/geobacter/kernel"

// wrapKernel is the fake runtime's kernel: the layout and code of the corpus's WrapSigned
// (internal/testkernels, which this package's internal tests cannot import: it imports the root
// package, which imports this one). Its IR comes from this package's test source.
type wrapKernel struct {
	A8, B8   []int8
	A16, B16 []int16
	A32, B32 []int32
	A64, B64 []int64
	A, B     []int
	Out8     [][4]int8
	Out16    [][4]int16
	Out32    [][4]int32
	Out64    [][4]int64
	Out      [][4]int
}

func (k *wrapKernel) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	a8, b8 := k.A8[i], k.B8[i]
	k.Out8[i] = [4]int8{a8 + b8, a8 - b8, a8 * b8, -a8}
	a16, b16 := k.A16[i], k.B16[i]
	k.Out16[i] = [4]int16{a16 + b16, a16 - b16, a16 * b16, -a16}
	a32, b32 := k.A32[i], k.B32[i]
	k.Out32[i] = [4]int32{a32 + b32, a32 - b32, a32 * b32, -a32}
	a64, b64 := k.A64[i], k.B64[i]
	k.Out64[i] = [4]int64{a64 + b64, a64 - b64, a64 * b64, -a64}
	a, b := k.A[i], k.B[i]
	k.Out[i] = [4]int{a + b, a - b, a * b, -a}
}
