package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/internal/devicetest"
)

func openGo(t testing.TB) *geobacter.Device {
	t.Helper()
	dev, err := geobacter.Open(context.Background(), "go")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	return dev
}

// TestSaxpy compares the kernel with the serial loop, at sizes below, at and around multiples of
// the group size (the last group of 1000 work-items is partly padding).
func TestSaxpy(t *testing.T) {
	ctx := context.Background()
	dev := openGo(t)
	for _, n := range []int{1, 255, 256, 1000, 4096 + 17} {
		x := make([]float32, n)
		y := make([]float32, n)
		for i := range n {
			x[i] = float32(i%97) / 8
			y[i] = float32(i%13) - 6
		}
		want := append([]float32(nil), y...)
		saxpySerial(-1.5, x, want)

		if _, err := saxpy(ctx, dev, -1.5, x, y); err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		for i := range y {
			if y[i] != want[i] {
				t.Fatalf("n=%d: y[%d] = %v, want %v", n, i, y[i], want[i])
			}
		}
		if count, _ := dev.Allocated(); count != 0 {
			t.Fatalf("n=%d: %d buffers still allocated after saxpy", n, count)
		}
	}
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-device", "go", "-n", "3000"}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"device: go:0", "vs serial Go: ok"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-n", "0"}, {"-device", "nosuchdevice"}} {
		if err := run(context.Background(), args, &bytes.Buffer{}); err == nil {
			t.Errorf("run %v: no error", args)
		}
	}
}

// BenchmarkSaxpy measures the kernel alone over 2^24 elements already in Alloc'd memory. SetBytes
// counts the 12 bytes each element moves, so MB/s is the memory bandwidth reached.
func BenchmarkSaxpy(b *testing.B) {
	const n = 1 << 24
	ctx := context.Background()
	dev := openGo(b)
	x, err := geobacter.Alloc[float32](dev, n)
	if err != nil {
		b.Fatal(err)
	}
	y, err := geobacter.Alloc[float32](dev, n)
	if err != nil {
		b.Fatal(err)
	}
	for i := range x {
		x[i], y[i] = 1, 2
	}
	b.SetBytes(12 * n)
	for b.Loop() {
		if err := launchSaxpy(ctx, dev, 0.5, x, y); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if err := geobacter.Free(dev, x); err != nil {
		b.Fatal(err)
	}
	if err := geobacter.Free(dev, y); err != nil {
		b.Fatal(err)
	}
}

// TestRunOnDevices runs the program on every compiling device: each is skipped when it is not
// usable here, unless GEOBACTER_REQUIRE names it.
func TestRunOnDevices(t *testing.T) {
	for _, kind := range []string{"cpu", "vulkan"} {
		t.Run(kind, func(t *testing.T) {
			if dev := devicetest.Open(t, kind); dev == nil {
				return
			}
			var out bytes.Buffer
			args := []string{"-device", kind, "-n", "3000"}
			if err := run(context.Background(), args, &out); err != nil {
				t.Fatalf("run %v: %v\n%s", args, err, out.String())
			}
			if !strings.Contains(out.String(), ": ok\n") { // the program's check against serial Go
				t.Errorf("run %v: output lacks the check against serial Go:\n%s", args, out.String())
			}
		})
	}
}
