package cpu_test

import (
	"context"
	"testing"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/internal/devicetest"
	"github.com/geobacter-go/geobacter/kernel"
)

// Saxpy is y = a*x + y, the benchmark's kernel.
type Saxpy struct {
	A    float32
	X, Y []float32
}

// Kernel computes one element.
func (k *Saxpy) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	if i < len(k.Y) {
		k.Y[i] += k.A * k.X[i]
	}
}

// BenchmarkSaxpy runs saxpy over 2^24 float32s on the go and cpu devices in one run (the first
// launch, which compiles the kernel, is outside the timing). Bytes are the 12 bytes per element
// that saxpy moves.
func BenchmarkSaxpy(b *testing.B) {
	const n = 1 << 24
	x, y := make([]float32, n), make([]float32, n)
	for i := range x {
		x[i], y[i] = float32(i%1000), 1
	}
	for _, name := range []string{"go", "cpu"} {
		b.Run("device="+name, func(b *testing.B) {
			dev := devicetest.Open(b, name)
			if dev == nil {
				return
			}
			ctx := context.Background()
			k := &Saxpy{A: 2, X: x, Y: y}
			g := geobacter.Grid1(n)
			if err := geobacter.Launch(ctx, dev, g, k); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(12 * n)
			for b.Loop() {
				if err := geobacter.Launch(ctx, dev, g, k); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
