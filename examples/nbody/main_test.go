package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/internal/devicetest"
)

// TestSimulate compares the kernel with the serial steps, for body counts below, at and around
// multiples of the group size (1100 is enough for the go device to use several workers). Both do
// the same float32 operations in the same order, so the go device must agree exactly, on
// positions and velocities.
func TestSimulate(t *testing.T) {
	ctx := context.Background()
	dev, err := geobacter.Open(ctx, "go")
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	for _, n := range []int{1, 2, 100, 256, 300, 1100} {
		for _, steps := range []int{1, 4} {
			pr := params{steps: steps, dt: 1e-2, eps2: 1e-3}
			wantPos, wantVel := cloud(n)
			simulateSerial(pr, wantPos, wantVel)

			pos, vel := cloud(n)
			if _, err := simulate(ctx, dev, pr, pos, vel); err != nil {
				t.Fatalf("n=%d steps=%d: %v", n, steps, err)
			}
			for i := range pos {
				if pos[i] != wantPos[i] || vel[i] != wantVel[i] {
					t.Fatalf("n=%d steps=%d: body %d at %v moving %v, want %v moving %v", n, steps, i, pos[i], vel[i], wantPos[i], wantVel[i])
				}
			}
			if n >= 2 && steps > 1 && vel[0] == (Vec3{}) {
				t.Fatalf("n=%d: body 0 did not move", n)
			}
			if count, _ := dev.Allocated(); count != 0 {
				t.Fatalf("%d buffers still allocated after simulate", count)
			}
		}
	}
}

// TestSimulateCancelled checks that a cancelled context stops the queued steps with its error,
// and that every buffer is freed.
func TestSimulateCancelled(t *testing.T) {
	dev, err := geobacter.Open(context.Background(), "go")
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	pos, vel := cloud(100)
	_, err = simulate(ctx, dev, params{steps: 5, dt: 1e-2, eps2: 1e-3}, pos, vel)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("simulate with a cancelled context: %v, want context.Canceled", err)
	}
	if count, _ := dev.Allocated(); count != 0 {
		t.Fatalf("%d buffers still allocated after simulate", count)
	}
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-device", "go", "-n", "300", "-steps", "3"}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"device: go:0", "vs serial Go: ok"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-n", "0"}, {"-steps", "0"}, {"-device", "nosuchdevice", "-n", "4"}} {
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
			args := []string{"-device", kind, "-n", "300", "-steps", "3"}
			if err := run(context.Background(), args, &out); err != nil {
				t.Fatalf("run %v: %v\n%s", args, err, out.String())
			}
			if !strings.Contains(out.String(), ": ok\n") { // the program's check against serial Go
				t.Errorf("run %v: output lacks the check against serial Go:\n%s", args, out.String())
			}
		})
	}
}
