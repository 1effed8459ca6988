package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/internal/devicetest"
)

// TestJacobi compares the kernel with the serial sweeps on fields whose interiors are and are not
// multiples of the 16×16 group, including non-square ones, after odd and even numbers of sweeps
// (the result ends in either buffer). The initial field is irregular so that a wrong neighbour
// shows. The operations are the same as the serial loop's, so the results must be equal.
func TestJacobi(t *testing.T) {
	ctx := context.Background()
	dev, err := geobacter.Open(ctx, "go")
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	for _, s := range [][3]int{{3, 3, 1}, {18, 18, 2}, {34, 18, 5}, {21, 40, 7}, {50, 37, 8}} {
		w, h, iters := s[0], s[1], s[2]
		field := make([]float32, w*h)
		for i := range field {
			field[i] = float32(i*37%101) / 100
		}
		want := append([]float32(nil), field...)
		jacobiSerial(w, h, iters, want)

		if _, err := jacobi(ctx, dev, w, h, iters, field); err != nil {
			t.Fatalf("%d×%d, %d sweeps: %v", w, h, iters, err)
		}
		for i := range field {
			if field[i] != want[i] {
				t.Fatalf("%d×%d, %d sweeps: point (%d, %d) = %v, want %v", w, h, iters, i%w, i/w, field[i], want[i])
			}
		}
		if count, _ := dev.Allocated(); count != 0 {
			t.Fatalf("%d buffers still allocated after jacobi", count)
		}
	}
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-device", "go", "-size", "45", "-iter", "9"}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"device: go:0", "vs serial Go: ok"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-size", "2"}, {"-iter", "0"}, {"-device", "nosuchdevice", "-size", "8"}} {
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
			args := []string{"-device", kind, "-size", "45", "-iter", "9"}
			if err := run(context.Background(), args, &out); err != nil {
				t.Fatalf("run %v: %v\n%s", args, err, out.String())
			}
			if !strings.Contains(out.String(), ": ok\n") { // the program's check against serial Go
				t.Errorf("run %v: output lacks the check against serial Go:\n%s", args, out.String())
			}
		})
	}
}
