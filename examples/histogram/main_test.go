package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/internal/devicetest"
)

// TestHistogram compares the kernel with the serial count, for sizes below, at and above one
// group's chunk, none of them (but one) a multiple of the group size, and for data that puts every
// byte in one bin (the most contended case).
func TestHistogram(t *testing.T) {
	ctx := context.Background()
	dev, err := geobacter.Open(ctx, "go")
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	chunk := groupSize * perWorkItem
	for _, n := range []int{1, 255, 1000, chunk, chunk + 1, 3*chunk + 777} {
		for _, pattern := range []string{"mixed", "one bin"} {
			data := make([]byte, n)
			for i := range data {
				if pattern == "mixed" {
					data[i] = byte(i*i + i/7)
				} else {
					data[i] = 200
				}
			}
			want := histogramSerial(data)

			got, _, err := histogram(ctx, dev, data)
			if err != nil {
				t.Fatalf("n=%d %s: %v", n, pattern, err)
			}
			if got != want {
				for b := range bins {
					if got[b] != want[b] {
						t.Fatalf("n=%d %s: bin %d holds %d, want %d", n, pattern, b, got[b], want[b])
					}
				}
			}
			if count, _ := dev.Allocated(); count != 0 {
				t.Fatalf("%d buffers still allocated after histogram", count)
			}
		}
	}
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-device", "go", "-n", "100000"}, &out); err != nil {
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

// TestRunOnDevices runs the program on every compiling device: each is skipped when it is not
// usable here, unless GEOBACTER_REQUIRE names it.
func TestRunOnDevices(t *testing.T) {
	for _, kind := range []string{"cpu", "vulkan"} {
		t.Run(kind, func(t *testing.T) {
			if dev := devicetest.Open(t, kind); dev == nil {
				return
			}
			var out bytes.Buffer
			args := []string{"-device", kind, "-n", "100000"}
			if err := run(context.Background(), args, &out); err != nil {
				t.Fatalf("run %v: %v\n%s", args, err, out.String())
			}
			if !strings.Contains(out.String(), ": ok\n") { // the program's check against serial Go
				t.Errorf("run %v: output lacks the check against serial Go:\n%s", args, out.String())
			}
		})
	}
}
