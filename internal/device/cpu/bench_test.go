package cpu_test

import (
	"context"
	"testing"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/internal/device/cpu"
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

// Reduce sums In into Out[0]: a shared-memory tree with a barrier per level in groups of 256,
// then one atomic add per group.
type Reduce struct {
	In, Out []float32
}

// Kernel reduces one element.
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

// Empty does nothing: the cost of a launch.
type Empty struct{}

// Kernel does nothing.
func (*Empty) Kernel(kernel.Item) {}

// BenchmarkBarrier compares the go and cpu devices on a kernel with barriers: a 2^20-element
// tree reduction, 9 barriers per group of 256.
func BenchmarkBarrier(b *testing.B) {
	const n = 1 << 20
	k := &Reduce{In: make([]float32, n), Out: make([]float32, 1)}
	for _, name := range []string{"go", "cpu"} {
		b.Run("device="+name, func(b *testing.B) {
			dev := devicetest.Open(b, name)
			if dev == nil {
				return
			}
			g := geobacter.Grid1(n).WithGroup(256)
			if err := geobacter.Launch(context.Background(), dev, g, k); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(4 * n)
			for b.Loop() {
				if err := geobacter.Launch(context.Background(), dev, g, k); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEmptyLaunch is the cost of launching a one-work-item kernel, compiled already.
func BenchmarkEmptyLaunch(b *testing.B) {
	for _, name := range []string{"go", "cpu"} {
		b.Run("device="+name, func(b *testing.B) {
			dev := devicetest.Open(b, name)
			if dev == nil {
				return
			}
			k, g := &Empty{}, geobacter.Grid1(1)
			if err := geobacter.Launch(context.Background(), dev, g, k); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if err := geobacter.Launch(context.Background(), dev, g, k); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Stencil is a 5-point stencil on a W×H grid of float32: each interior point becomes the mean of
// itself and its four neighbours; the border is copied.
type Stencil struct {
	W, H    int
	In, Out []float32
}

// Kernel computes one point.
func (k *Stencil) Kernel(it kernel.Item) {
	x, y := it.GlobalID(0), it.GlobalID(1)
	i := y*k.W + x
	if x == 0 || y == 0 || x == k.W-1 || y == k.H-1 {
		k.Out[i] = k.In[i]
		return
	}
	k.Out[i] = 0.2 * (k.In[i] + k.In[i-1] + k.In[i+1] + k.In[i-k.W] + k.In[i+k.W])
}

// BenchmarkChecks measures what bounds checks cost on the cpu device: saxpy over 2^24 float32s
// and a 2048×2048 stencil, each launched with its checks and with geobacter.Unchecked, side by
// side.
func BenchmarkChecks(b *testing.B) {
	const n, w = 1 << 24, 2048
	x, y := make([]float32, n), make([]float32, n)
	in, out := make([]float32, w*w), make([]float32, w*w)
	for i := range x {
		x[i], y[i] = float32(i%1000), 1
	}
	for i := range in {
		in[i] = float32(i % 13)
	}
	kernels := []struct {
		name  string
		k     kernel.Kernel
		grid  geobacter.Grid
		bytes int64
	}{
		{"saxpy", &Saxpy{A: 2, X: x, Y: y}, geobacter.Grid1(n), 12 * n},
		{"stencil", &Stencil{W: w, H: w, In: in, Out: out}, geobacter.Grid2(w, w).WithGroup(64, 4), 8 * w * w},
	}
	for _, kc := range kernels {
		for _, unchecked := range []bool{false, true} {
			name := kc.name + "/checked"
			var opts []geobacter.LaunchOption
			if unchecked {
				name = kc.name + "/unchecked"
				opts = append(opts, geobacter.Unchecked())
			}
			b.Run(name, func(b *testing.B) {
				dev := devicetest.Open(b, "cpu")
				if dev == nil {
					return
				}
				ctx := context.Background()
				launch := func() error {
					switch k := kc.k.(type) {
					case *Saxpy:
						return geobacter.Launch(ctx, dev, kc.grid, k, opts...)
					case *Stencil:
						return geobacter.Launch(ctx, dev, kc.grid, k, opts...)
					}
					return nil
				}
				if err := launch(); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(kc.bytes)
				for b.Loop() {
					if err := launch(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkProgramHit times finding a compiled kernel in the process's cache, as every launch
// after the first does: a kernel type without const fields, and one with two.
func BenchmarkProgramHit(b *testing.B) {
	if devicetest.Open(b, "cpu") == nil {
		return
	}
	ctx := context.Background()
	for _, c := range []struct {
		name string
		k    any
	}{
		{"plain", &Saxpy{A: 2}},
		{"const-fields", &Scaled{Factor: 3, Shift: 1}},
	} {
		b.Run(c.name, func(b *testing.B) {
			if err := cpu.Lookup(ctx, c.k, false); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if err := cpu.Lookup(ctx, c.k, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
