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

// TestSum compares the kernel with the serial sum. The inputs are small integers whose sum stays
// below 2^24, so every float32 addition is exact, in any order, and the sums must be equal. The
// sizes are not multiples of the group size (so chunks end part-way through a group's stride and
// some work-items add nothing), exactly one group's worth, and just over it (two groups whose
// chunks differ in length).
func TestSum(t *testing.T) {
	ctx := context.Background()
	dev := openGo(t)
	for _, n := range []int{1, 7, 1000, perWorkItem * groupSize, perWorkItem*groupSize + 1, 3*perWorkItem*groupSize + 12345} {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(i*7919%10) - 3 // -3..6
		}
		want := sumSerial(x)

		got, _, err := sum(ctx, dev, x)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if float64(got) != want {
			t.Errorf("n=%d: sum %v, want %v", n, got, want)
		}
		if count, _ := dev.Allocated(); count != 0 {
			t.Fatalf("n=%d: %d buffers still allocated after sum", n, count)
		}
	}
}

// TestSumRandom checks random fractions against the float64 sum within the stated bound.
func TestSumRandom(t *testing.T) {
	dev := openGo(t)
	n := 100_003
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(i*7919%1000) / 1000
	}
	want := sumSerial(x)
	got, _, err := sum(context.Background(), dev, x)
	if err != nil {
		t.Fatal(err)
	}
	if rel := (float64(got) - want) / want; rel > tolerance(n) || rel < -tolerance(n) {
		t.Errorf("sum %v, want %v: relative error %g exceeds %g", got, want, rel, tolerance(n))
	}
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-device", "go", "-n", "70000"}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"device: go:0", "vs serial Go (float64 ", "): ok"} {
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

// BenchmarkReduce measures the kernel alone over 2^24 elements already in Alloc'd memory; MB/s
// is the rate at which it reads the input.
func BenchmarkReduce(b *testing.B) {
	const n = 1 << 24
	ctx := context.Background()
	dev := openGo(b)
	in, err := geobacter.Alloc[float32](dev, n)
	if err != nil {
		b.Fatal(err)
	}
	out, err := geobacter.Alloc[float32](dev, 1)
	if err != nil {
		b.Fatal(err)
	}
	for i := range in {
		in[i] = 1
	}
	b.SetBytes(4 * n)
	for b.Loop() {
		if err := launchSum(ctx, dev, in, out); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if out[0] != n {
		b.Fatalf("sum %v, want %v", out[0], n)
	}
	if err := geobacter.Free(dev, in); err != nil {
		b.Fatal(err)
	}
	if err := geobacter.Free(dev, out); err != nil {
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
			args := []string{"-device", kind, "-n", "70000"}
			if err := run(context.Background(), args, &out); err != nil {
				t.Fatalf("run %v: %v\n%s", args, err, out.String())
			}
			if !strings.Contains(out.String(), ": ok\n") { // the program's check against serial Go
				t.Errorf("run %v: output lacks the check against serial Go:\n%s", args, out.String())
			}
		})
	}
}
