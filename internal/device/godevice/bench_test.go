package godevice_test

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/kernel"
)

// Empty does nothing: it measures the cost of a launch.
type Empty struct{}

func (*Empty) Kernel(kernel.Item) {}

// BenchmarkEmptyLaunch is the cost of launching a one-work-item kernel on the go device.
func BenchmarkEmptyLaunch(b *testing.B) {
	dev := open(b)
	ctx := context.Background()
	k := &Empty{}
	g := geobacter.Grid1(1)
	for b.Loop() {
		if err := geobacter.Launch(ctx, dev, g, k); err != nil {
			b.Fatal(err)
		}
	}
}

// Saxpy is y = a*x + y.
type Saxpy struct {
	A    float32
	X, Y []float32
}

func (k *Saxpy) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Y[i] += k.A * k.X[i]
}

const saxpyN = 1 << 24

func saxpyData() (x, y []float32) {
	x, y = make([]float32, saxpyN), make([]float32, saxpyN)
	for i := range x {
		x[i], y[i] = float32(i%1000), 1
	}
	return x, y
}

// BenchmarkSaxpy compares, side by side in one run, saxpy over 2^24 float32s on the go device, as
// a serial Go loop, and as a hand-written loop split over GOMAXPROCS goroutines. Bytes are the
// 12 bytes per element that saxpy moves.
func BenchmarkSaxpy(b *testing.B) {
	x, y := saxpyData()
	const a = float32(2)
	b.Run("device=go", func(b *testing.B) {
		dev := open(b)
		ctx := context.Background()
		k := &Saxpy{A: a, X: x, Y: y}
		g := geobacter.Grid1(saxpyN)
		b.SetBytes(12 * saxpyN)
		for b.Loop() {
			if err := geobacter.Launch(ctx, dev, g, k); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("serial", func(b *testing.B) {
		b.SetBytes(12 * saxpyN)
		for b.Loop() {
			for i := range y {
				y[i] += a * x[i]
			}
		}
	})
	b.Run("goroutines", func(b *testing.B) {
		b.SetBytes(12 * saxpyN)
		w := runtime.GOMAXPROCS(0)
		for b.Loop() {
			var wg sync.WaitGroup
			for c := range w {
				lo, hi := c*saxpyN/w, (c+1)*saxpyN/w
				wg.Go(func() {
					xs, ys := x[lo:hi], y[lo:hi]
					for i := range ys {
						ys[i] += a * xs[i]
					}
				})
			}
			wg.Wait()
		}
	})
}

// Reduce sums In into Out[0] with a shared-memory tree and barriers per group of 256.
type Reduce struct {
	In, Out []float32
}

func (k *Reduce) Kernel(it kernel.Item) {
	s := kernel.Shared[[256]float32](it)
	l := it.LocalID(0)
	s[l] = k.In[it.GlobalID(0)]
	it.Barrier()
	for h := 128; h > 0; h /= 2 {
		if l < h {
			s[l] += s[l+h]
		}
		it.Barrier()
	}
	if l == 0 {
		kernel.AtomicAddFloat32(&k.Out[0], s[0])
	}
}

// BenchmarkBarrier is the cost of barriers: a 2^20-element tree reduction, 9 barriers per group.
func BenchmarkBarrier(b *testing.B) {
	dev := open(b)
	const n = 1 << 20
	k := &Reduce{In: make([]float32, n), Out: make([]float32, 1)}
	g := geobacter.Grid1(n).WithGroup(256)
	b.SetBytes(4 * n)
	for b.Loop() {
		if err := geobacter.Launch(context.Background(), dev, g, k); err != nil {
			b.Fatal(err)
		}
	}
}
