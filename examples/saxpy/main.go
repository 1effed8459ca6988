// Saxpy computes y = a*x + y on float32 vectors: the smallest useful kernel, one work-item per
// element, and a measure of memory bandwidth (each element reads 8 bytes and writes 4).
//
//	go run ./examples/saxpy [-device NAME] [-n ELEMENTS]
package main

//go:generate go run github.com/geobacter-go/geobacter/cmd/geobacter gen

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"time"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/kernel"
)

// Saxpy is the kernel. Its fields are the arguments, read-only and shared by every work-item; the
// kernel writes through the slice Y, never to the fields themselves.
type Saxpy struct {
	A    float32
	X, Y []float32
}

// Kernel runs once per work-item, that is once per element. The grid has exactly len(Y)
// work-items: the padded work-items of a partial last group never run, so no bounds test is needed.
func (k *Saxpy) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Y[i] = k.A*k.X[i] + k.Y[i]
}

// groupSize is the work-group size. Saxpy does not use groups (no barrier, no shared memory), so
// any size works; 256 is a good size on every device.
const groupSize = 256

// launchSaxpy runs the kernel over buffers that are already in device-visible memory.
func launchSaxpy(ctx context.Context, dev *geobacter.Device, a float32, x, y []float32) error {
	if len(x) != len(y) {
		return fmt.Errorf("saxpy: len(x) = %d but len(y) = %d", len(x), len(y))
	}
	return geobacter.Launch(ctx, dev, geobacter.Grid1(len(y)).WithGroup(groupSize), &Saxpy{A: a, X: x, Y: y})
}

// saxpy computes y = a*x + y on dev for ordinary Go slices: it allocates device-visible buffers
// with geobacter.Alloc, copies the inputs in, launches, copies the result back into y and frees the
// buffers. It returns how long the launch took.
//
// A program that keeps its data in Alloc'd buffers from the start (as BenchmarkSaxpy does) needs
// no copies: an Alloc'd buffer is an ordinary []float32 for the host too.
func saxpy(ctx context.Context, dev *geobacter.Device, a float32, x, y []float32) (d time.Duration, err error) {
	dx, err := geobacter.Alloc[float32](dev, len(x))
	if err != nil {
		return 0, err
	}
	defer func() { err = errors.Join(err, geobacter.Free(dev, dx)) }()
	dy, err := geobacter.Alloc[float32](dev, len(y))
	if err != nil {
		return 0, err
	}
	defer func() { err = errors.Join(err, geobacter.Free(dev, dy)) }()
	copy(dx, x)
	copy(dy, y)

	start := time.Now()
	if err := launchSaxpy(ctx, dev, a, dx, dy); err != nil {
		return 0, err
	}
	d = time.Since(start)
	copy(y, dy)
	return d, nil
}

// saxpySerial is the plain-Go reference: one loop on one core.
func saxpySerial(a float32, x, y []float32) {
	for i := range y {
		y[i] = a*x[i] + y[i]
	}
}

// tolerance bounds the relative error of each element against the serial result. The go device
// runs the same Go expression and agrees exactly; a compiler that fuses a*x+y into one
// fused multiply-add rounds once instead of twice, which changes the last bit (2^-23 ≈ 1.2e-7).
// The inputs are positive, so there is no cancellation to amplify that.
const tolerance = 1e-6

// compare returns the largest absolute difference between got and want, and the index of the
// first element whose relative error exceeds tolerance (or is NaN), or -1.
func compare(got, want []float32) (maxErr float64, bad int) {
	bad = -1
	for i := range want {
		e := math.Abs(float64(got[i]) - float64(want[i]))
		maxErr = max(maxErr, e)
		if bad < 0 && !(e <= tolerance*math.Abs(float64(want[i]))) {
			bad = i
		}
	}
	return maxErr, bad
}

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout)
	if err != nil && !errors.Is(err, flag.ErrHelp) { // -h prints the usage and is not a failure
		fmt.Fprintln(os.Stderr, "saxpy:", err)
		os.Exit(1)
	}
}

// run is the program: main with its arguments and output passed in, so tests can call it.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("saxpy", flag.ContinueOnError)
	device := fs.String("device", "", `device to run on ("go", "cpu", "vulkan:0", ...); empty for the best one`)
	n := fs.Int("n", 1<<24, "number of elements")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 {
		return fmt.Errorf("-n %d: need at least one element", *n)
	}

	dev, err := geobacter.Open(ctx, *device)
	if err != nil {
		return err
	}
	defer dev.Close()
	fmt.Fprintf(stdout, "device: %s\n", dev)

	const a = 2
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, *n)
	y := make([]float32, *n)
	for i := range x {
		x[i], y[i] = rng.Float32(), rng.Float32()
	}
	want := append([]float32(nil), y...)
	saxpySerial(a, x, want)

	d, err := saxpy(ctx, dev, a, x, y)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "saxpy: %d elements, y = %v*x + y\n", *n, a)
	fmt.Fprintf(stdout, "kernel: %v (%.1f GB/s)\n", d.Round(time.Microsecond), 12*float64(*n)/d.Seconds()/1e9)

	maxErr, bad := compare(y, want)
	if bad >= 0 {
		return fmt.Errorf("max abs error %g vs serial Go: y[%d] = %v, want %v (relative tolerance %g)", maxErr, bad, y[bad], want[bad], tolerance)
	}
	fmt.Fprintf(stdout, "max abs error %g vs serial Go: ok\n", maxErr)
	return nil
}
