package geobacter_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/kernel"
)

// Saxpy computes Y = A*X + Y; its fields are the kernel's arguments.
type Saxpy struct {
	A    float32
	X, Y []float32
}

// Kernel runs once per work-item.
func (k *Saxpy) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Y[i] += k.A * k.X[i]
}

func Example() {
	ctx := context.Background()
	dev, err := geobacter.Open(ctx, "go")
	if err != nil {
		panic(err)
	}
	defer dev.Close()

	const n = 5
	x, _ := geobacter.Alloc[float32](dev, n)
	y, _ := geobacter.Alloc[float32](dev, n)
	for i := range n {
		x[i], y[i] = float32(i), 1
	}
	if err := geobacter.Launch(ctx, dev, geobacter.Grid1(n), &Saxpy{A: 2, X: x, Y: y}); err != nil {
		panic(err)
	}
	fmt.Println(y)
	// Output: [1 3 5 7 9]
}

// Lookup reads Table at the indices in Index.
type Lookup struct {
	Table, Index []int
	Out          []int
}

func (k *Lookup) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = k.Table[k.Index[i]]
}

func ExampleKernelPanic() {
	ctx := context.Background()
	dev, _ := geobacter.Open(ctx, "go")
	defer dev.Close()

	k := &Lookup{Table: []int{10, 20, 30}, Index: []int{0, 2, 7, 1}, Out: make([]int, 4)}
	err := geobacter.Launch(ctx, dev, geobacter.Grid1(4), k)
	var p *geobacter.KernelPanic
	if errors.As(err, &p) {
		fmt.Println(p.Kernel, p.WorkItem, p.Msg)
	}
	// Output: geobacter_test.Lookup [2 0 0] runtime error: index out of range [7] with length 3
}

// Sum adds up In into Out[0]: a tree in shared memory per group, then one atomic add per group.
type Sum struct {
	In  []float32
	Out []float32
}

func (k *Sum) Kernel(it kernel.Item) {
	tile := kernel.Shared[[64]float32](it)
	l := it.LocalID(0)
	tile[l] = k.In[it.GlobalID(0)]
	it.Barrier()
	for half := it.LocalSize(0) / 2; half > 0; half /= 2 {
		if l < half {
			tile[l] += tile[l+half]
		}
		it.Barrier()
	}
	if l == 0 {
		kernel.AtomicAddFloat32(&k.Out[0], tile[0])
	}
}

func ExampleShared() {
	ctx := context.Background()
	dev, _ := geobacter.Open(ctx, "go")
	defer dev.Close()

	in := make([]float32, 64*10)
	for i := range in {
		in[i] = float32(i % 7)
	}
	out := []float32{0}
	if err := geobacter.Launch(ctx, dev, geobacter.Grid1(len(in)).WithGroup(64), &Sum{In: in, Out: out}); err != nil {
		panic(err)
	}
	fmt.Println(out[0])
	// Output: 1914
}

func ExampleLaunchAsync() {
	ctx := context.Background()
	dev, _ := geobacter.Open(ctx, "go")
	defer dev.Close()

	x := []float32{1, 2, 3}
	y := []float32{0, 0, 0}
	// The second launch starts after the first is done.
	first, err := geobacter.LaunchAsync(ctx, dev, geobacter.Grid1(3), &Saxpy{A: 1, X: x, Y: y})
	if err != nil {
		panic(err)
	}
	second, err := geobacter.LaunchAsync(ctx, dev, geobacter.Grid1(3), &Saxpy{A: 10, X: x, Y: y}, geobacter.After(first))
	if err != nil {
		panic(err)
	}
	if err := second.Wait(ctx); err != nil {
		panic(err)
	}
	fmt.Println(y)
	// Output: [11 22 33]
}
