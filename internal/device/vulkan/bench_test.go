package vulkan_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/internal/backend/spirv"
	"github.com/geobacter-go/geobacter/internal/device/vulkan"
	"github.com/geobacter-go/geobacter/internal/devicetest"
	"github.com/geobacter-go/geobacter/internal/irsource"
	"github.com/geobacter-go/geobacter/kernel"
)

// Empty does nothing.
type Empty struct{ X []int32 }

func (k *Empty) Kernel(it kernel.Item) {}

// Saxpy is y = a*x + y.
type Saxpy struct {
	A    float32
	X, Y []float32
}

func (k *Saxpy) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Y[i] += k.A * k.X[i]
}

// BenchmarkEmptyLaunch is the cost of a launch of an empty kernel of one group through the
// public API: marshalling, the panic record, one dispatch, the wait.
func BenchmarkEmptyLaunch(b *testing.B) {
	dev := devicetest.Open(b, "vulkan")
	if dev == nil {
		return
	}
	ctx := context.Background()
	k := &Empty{}
	for b.Loop() {
		if err := geobacter.Launch(ctx, dev, geobacter.Grid1(1), k); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSaxpy runs saxpy over 2^22 float32s in Alloc'd memory, with its checks and with
// geobacter.Unchecked, side by side.
func BenchmarkSaxpy(b *testing.B) {
	const n = 1 << 22
	dev := devicetest.Open(b, "vulkan")
	if dev == nil {
		return
	}
	ctx := context.Background()
	x, _ := geobacter.Alloc[float32](dev, n)
	y, _ := geobacter.Alloc[float32](dev, n)
	for _, unchecked := range []bool{false, true} {
		name := "checked"
		var opts []geobacter.LaunchOption
		if unchecked {
			name, opts = "unchecked", []geobacter.LaunchOption{geobacter.Unchecked()}
		}
		b.Run(name, func(b *testing.B) {
			k := &Saxpy{A: 2, X: x, Y: y}
			g := geobacter.Grid1(n).WithGroup(256)
			if err := geobacter.Launch(ctx, dev, g, k, opts...); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(12 * n)
			for b.Loop() {
				if err := geobacter.Launch(ctx, dev, g, k, opts...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCompileSaxpy times the SPIR-V backend on saxpy, its IR found and optimised once.
func BenchmarkCompileSaxpy(b *testing.B) {
	v := irsource.VariantOf(&Saxpy{}, false)
	for b.Loop() {
		m, f, err := irsource.Kernel(context.Background(), v.Type, v.Options())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := spirv.Emit(m, f, spirv.Lavapipe); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCancelledLaunch checks that a launch whose context is done returns the context's error,
// keeps what the device still uses until it is done, and leaves the device usable.
func TestCancelledLaunch(t *testing.T) {
	dev := devicetest.Open(t, "vulkan")
	if dev == nil {
		return
	}
	x := make([]float32, 1<<16) // Go memory: staged, released only once the device is done
	y := make([]float32, 1<<16)
	if err := geobacter.Launch(context.Background(), dev, geobacter.Grid1(len(y)), &Saxpy{A: 0, X: x, Y: y}); err != nil {
		t.Fatal(err) // compiles the kernel, which a cancelled context would stop
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := geobacter.Launch(ctx, dev, geobacter.Grid1(len(y)), &Saxpy{A: 1, X: x, Y: y})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("launch with a cancelled context: %v, want context.Canceled", err)
	}
	for i := range x {
		x[i] = 1
	}
	if err := geobacter.Launch(context.Background(), dev, geobacter.Grid1(len(y)), &Saxpy{A: 3, X: x, Y: y}); err != nil {
		t.Fatal(err)
	}
	// The cancelled launch wrote only its staged copy, never copied back: y was 0.
	if y[0] != 3 || y[len(y)-1] != 3 {
		t.Errorf("y = %v … %v after 3*1 + 0, want 3", y[0], y[len(y)-1])
	}
}

// TestStagedThroughCopies runs kernels on ordinary Go slices with staging through device-local
// memory and command-buffer copies, the path a discrete GPU takes: inputs copied in, outputs
// copied back, aliasing slices sharing one copy.
func TestStagedThroughCopies(t *testing.T) {
	defer vulkan.ForceCopies()()
	dev := devicetest.Open(t, "vulkan")
	if dev == nil {
		return
	}
	const n = 5000
	x, y := make([]float32, n), make([]float32, n)
	for i := range x {
		x[i], y[i] = float32(i), 1
	}
	ctx := context.Background()
	if err := geobacter.Launch(ctx, dev, geobacter.Grid1(n), &Saxpy{A: 2, X: x, Y: y}); err != nil {
		t.Fatal(err)
	}
	for i := range y {
		if want := 2*float32(i) + 1; y[i] != want {
			t.Fatalf("y[%d] = %v, want %v", i, y[i], want)
		}
	}
	// X and Y are the two halves of one slice: one staged copy, read and written.
	buf := make([]float32, 2*n)
	for i := range buf {
		buf[i] = float32(i)
	}
	if err := geobacter.Launch(ctx, dev, geobacter.Grid1(n), &Saxpy{A: 1, X: buf[:n], Y: buf[n:]}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if want := float32(i) + float32(n+i); buf[n+i] != want || buf[i] != float32(i) {
			t.Fatalf("buf[%d] = %v, buf[%d] = %v; want %v and %v", n+i, buf[n+i], i, buf[i], want, float32(i))
		}
	}
}

// BigShared uses 48 KiB of shared memory, more than lavapipe's 32 KiB.
type BigShared struct{ Out []float32 }

func (k *BigShared) Kernel(it kernel.Item) {
	s := kernel.Shared[[12288]float32](it)
	s[it.LocalID(0)] = 1
	it.Barrier()
	k.Out[it.GlobalID(0)] = s[0]
}

// TestSharedMemoryLimit checks that a kernel using more shared memory than the device has is
// refused with the sizes.
func TestSharedMemoryLimit(t *testing.T) {
	dev := devicetest.Open(t, "vulkan")
	if dev == nil {
		return
	}
	if limit := dev.Limits().SharedMemoryBytes; limit >= 48<<10 {
		t.Skipf("this device has %d bytes of shared memory", limit)
	}
	err := geobacter.Launch(context.Background(), dev, geobacter.Grid1(64).WithGroup(64), &BigShared{Out: make([]float32, 64)})
	if err == nil || !strings.Contains(err.Error(), "uses 49152 bytes of shared memory") {
		t.Fatalf("launch of a kernel with 48 KiB of shared memory: %v", err)
	}
}
