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

// TestMatMul compares the kernel with the triple loop, for shapes that are and are not multiples
// of the tile in each dimension, including K smaller than a tile and single rows and columns.
// Both compute each element with the same float32 operations in the same order (the zero padding
// adds exact zeros), so the results must be equal.
func TestMatMul(t *testing.T) {
	ctx := context.Background()
	dev := openGo(t)
	for _, s := range [][3]int{{1, 1, 1}, {16, 16, 16}, {32, 48, 16}, {17, 33, 5}, {40, 1, 70}, {1, 50, 31}, {45, 29, 53}} {
		m, n, k := s[0], s[1], s[2]
		a := make([]float32, m*k)
		b := make([]float32, k*n)
		for i := range a {
			a[i] = float32(i%11)/4 - 1
		}
		for i := range b {
			b[i] = float32(i%7)/8 - 0.3
		}
		want := make([]float32, m*n)
		matmulSerial(m, n, k, a, b, want)

		c := make([]float32, m*n)
		for i := range c {
			c[i] = 12345 // every element must be written
		}
		if _, err := matmul(ctx, dev, m, n, k, a, b, c); err != nil {
			t.Fatalf("%d×%d times %d×%d: %v", m, k, k, n, err)
		}
		for i := range c {
			if c[i] != want[i] {
				t.Fatalf("%d×%d times %d×%d: C[%d][%d] = %v, want %v", m, k, k, n, i/n, i%n, c[i], want[i])
			}
		}
		if count, _ := dev.Allocated(); count != 0 {
			t.Fatalf("%d buffers still allocated after matmul", count)
		}
	}
}

func TestRun(t *testing.T) {
	for _, args := range [][]string{
		{"-device", "go", "-size", "40"},
		{"-device", "go", "-m", "23", "-n", "9", "-k", "50"},
	} {
		var out bytes.Buffer
		if err := run(context.Background(), args, &out); err != nil {
			t.Fatalf("run %v: %v\n%s", args, err, out.String())
		}
		for _, want := range []string{"device: go:0", "vs serial Go: ok"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("run %v: output lacks %q:\n%s", args, want, out.String())
			}
		}
	}
}

func TestRunBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-size", "-3"}, {"-k", "-1"}, {"-device", "nosuchdevice", "-size", "4"}} {
		if err := run(context.Background(), args, &bytes.Buffer{}); err == nil {
			t.Errorf("run %v: no error", args)
		}
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
			args := []string{"-device", kind, "-m", "23", "-n", "9", "-k", "50"}
			if err := run(context.Background(), args, &out); err != nil {
				t.Fatalf("run %v: %v\n%s", args, err, out.String())
			}
			if !strings.Contains(out.String(), ": ok\n") { // the program's check against serial Go
				t.Errorf("run %v: output lacks the check against serial Go:\n%s", args, out.String())
			}
		})
	}
}
