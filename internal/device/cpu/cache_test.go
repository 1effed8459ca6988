package cpu_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/internal/cache"
	"github.com/geobacter-go/geobacter/internal/device/cpu"
	"github.com/geobacter-go/geobacter/internal/devicetest"
	"github.com/geobacter-go/geobacter/kernel"
)

// SaxpyCached is saxpy (the kernel of examples/saxpy), a type of its own so that no other test
// has compiled it in this process.
type SaxpyCached struct {
	A    float32
	X, Y []float32
}

// Kernel computes one element.
func (k *SaxpyCached) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Y[i] = k.A*k.X[i] + k.Y[i]
}

// TestDiskCache checks that the second compile of a kernel in a fresh cache directory is a hit
// (no toolchain run), that a launch runs the cached code correctly, and that a corrupted entry is
// rebuilt. It logs the times of a cold compile and of a disk-cache hit.
func TestDiskCache(t *testing.T) {
	if devicetest.Open(t, "cpu") == nil {
		return
	}
	dir := t.TempDir()
	t.Setenv(cache.DirEnv, dir)
	ctx := context.Background()
	typ := reflect.TypeFor[*SaxpyCached]()
	cache.CompilerID() // computed once per process: not part of either timing

	compile := func() (runs int64, d time.Duration) {
		t.Helper()
		before := cpu.ToolchainRuns.Load()
		start := time.Now()
		if err := cpu.Compile(ctx, typ, [3]int64{256, 1, 1}); err != nil {
			t.Fatal(err)
		}
		return cpu.ToolchainRuns.Load() - before, time.Since(start)
	}
	runs, cold := compile()
	if runs != 1 {
		t.Fatalf("cold compile ran the toolchain %d times, want 1", runs)
	}
	runs, hit := compile()
	if runs != 0 {
		t.Fatalf("second compile ran the toolchain %d times, want 0 (a disk-cache hit)", runs)
	}
	t.Logf("compile saxpy: cold %v, disk-cache hit %v", cold, hit)

	// The first launch of the type compiles it from the disk cache: check it computes saxpy.
	dev := devicetest.Open(t, "cpu")
	const n = 1000
	k := &SaxpyCached{A: 3, X: make([]float32, n), Y: make([]float32, n)}
	for i := range n {
		k.X[i], k.Y[i] = float32(i), 1
	}
	before := cpu.ToolchainRuns.Load()
	if err := geobacter.Launch(ctx, dev, geobacter.Grid1(n), k); err != nil {
		t.Fatal(err)
	}
	if r := cpu.ToolchainRuns.Load() - before; r != 0 {
		t.Errorf("launch ran the toolchain %d times, want 0", r)
	}
	for i := range n {
		if want := 3*float32(i) + 1; k.Y[i] != want {
			t.Fatalf("Y[%d] = %v, want %v", i, k.Y[i], want)
		}
	}

	// Corrupt every entry: the next compile rebuilds and stores a good entry.
	des, err := os.ReadDir(dir)
	if err != nil || len(des) != 1 {
		t.Fatalf("cache directory holds %v (%v), want one entry", des, err)
	}
	p := filepath.Join(dir, des[0].Name())
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if runs, _ := compile(); runs != 1 {
		t.Errorf("compile with a corrupt entry ran the toolchain %d times, want 1", runs)
	}
	if runs, _ := compile(); runs != 0 {
		t.Errorf("compile after the rebuild ran the toolchain %d times, want 0", runs)
	}
}

// TestDiskCacheOff checks that GEOBACTER_CACHE=off compiles with the toolchain every time.
func TestDiskCacheOff(t *testing.T) {
	if devicetest.Open(t, "cpu") == nil {
		return
	}
	t.Setenv(cache.DirEnv, "off")
	before := cpu.ToolchainRuns.Load()
	for range 2 {
		if err := cpu.Compile(context.Background(), reflect.TypeFor[*SaxpyCached](), [3]int64{256, 1, 1}); err != nil {
			t.Fatal(err)
		}
	}
	if r := cpu.ToolchainRuns.Load() - before; r != 2 {
		t.Errorf("two compiles with the cache off ran the toolchain %d times, want 2", r)
	}
}

// BenchmarkCompileSaxpy times compiling saxpy for the cpu device with the disk cache off (cold)
// and as a disk-cache hit (the in-process cache bypassed in both).
func BenchmarkCompileSaxpy(b *testing.B) {
	if devicetest.Open(b, "cpu") == nil {
		return
	}
	ctx := context.Background()
	typ := reflect.TypeFor[*SaxpyCached]()
	cache.CompilerID()
	for _, mode := range []string{"cold", "diskhit"} {
		b.Run(mode, func(b *testing.B) {
			if mode == "cold" {
				b.Setenv(cache.DirEnv, "off")
			} else {
				b.Setenv(cache.DirEnv, b.TempDir())
				if err := cpu.Compile(ctx, typ, [3]int64{256, 1, 1}); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				if err := cpu.Compile(ctx, typ, [3]int64{256, 1, 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
