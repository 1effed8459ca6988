// Stencil solves the heat equation on a plate with Jacobi iterations: each sweep replaces every
// interior point by the mean of its four neighbours (the 5-point stencil), reading one buffer and
// writing the other, and the buffers swap roles between sweeps (ping-pong). The boundary is fixed:
// the top edge is held at 1, the other edges at 0.
//
//	go run ./examples/stencil [-device NAME] [-size N] [-iter SWEEPS]
package main

//go:generate go run github.com/geobacter-go/geobacter/cmd/geobacter gen

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/kernel"
)

// Jacobi is the kernel: one sweep over a W×H row-major field, from In to Out. The launch covers
// the (W-2)×(H-2) interior points only, so the boundary is never written: it stays as it was put
// in both buffers at the start.
type Jacobi struct {
	W, H    int
	In, Out []float32
}

// Kernel runs once per interior point. Work-item (x, y) of the grid updates point (x+1, y+1) of
// the field; its four neighbours always exist.
func (k *Jacobi) Kernel(it kernel.Item) {
	x, y := it.GlobalID(0)+1, it.GlobalID(1)+1
	i := y*k.W + x
	k.Out[i] = 0.25 * (k.In[i-1] + k.In[i+1] + k.In[i-k.W] + k.In[i+k.W])
}

// launchJacobi runs iters sweeps on the buffers a and b, both in device-visible memory and both
// holding the initial field (including its boundary). It returns the buffer that holds the result.
//
// The launches follow each other: each Launch returns when its sweep is done, so the next one
// reads a complete field.
func launchJacobi(ctx context.Context, dev *geobacter.Device, w, h, iters int, a, b []float32) ([]float32, error) {
	g := geobacter.Grid2(w-2, h-2).WithGroup(16, 16)
	for range iters {
		if err := geobacter.Launch(ctx, dev, g, &Jacobi{W: w, H: h, In: a, Out: b}); err != nil {
			return nil, err
		}
		a, b = b, a // ping-pong: this sweep's output is the next one's input
	}
	return a, nil
}

// jacobi runs iters sweeps over field (w×h, row-major) on dev and leaves the result in field: it
// allocates the two device-visible buffers, copies field into both, launches, copies the result
// back and frees the buffers. It returns how long the launches took.
func jacobi(ctx context.Context, dev *geobacter.Device, w, h, iters int, field []float32) (d time.Duration, err error) {
	if w < 3 || h < 3 || len(field) != w*h {
		return 0, fmt.Errorf("stencil: a %d×%d field of %d points: need at least 3×3 and w*h points", w, h, len(field))
	}
	a, err := geobacter.Alloc[float32](dev, w*h)
	if err != nil {
		return 0, err
	}
	defer func() { err = errors.Join(err, geobacter.Free(dev, a)) }()
	b, err := geobacter.Alloc[float32](dev, w*h)
	if err != nil {
		return 0, err
	}
	defer func() { err = errors.Join(err, geobacter.Free(dev, b)) }()
	copy(a, field)
	copy(b, field) // the boundary must be in both buffers

	start := time.Now()
	res, err := launchJacobi(ctx, dev, w, h, iters, a, b)
	if err != nil {
		return 0, err
	}
	d = time.Since(start)
	copy(field, res)
	return d, nil
}

// jacobiSerial is the plain-Go reference: the same sweeps as loops over the interior.
func jacobiSerial(w, h, iters int, field []float32) {
	a := append([]float32(nil), field...)
	b := append([]float32(nil), field...)
	for range iters {
		for y := 1; y < h-1; y++ {
			for x := 1; x < w-1; x++ {
				i := y*w + x
				b[i] = 0.25 * (a[i-1] + a[i+1] + a[i-w] + a[i+w])
			}
		}
		a, b = b, a
	}
	copy(field, a)
}

// initial returns the starting field: zero, except the top edge, which is held at 1.
func initial(w, h int) []float32 {
	field := make([]float32, w*h)
	for x := range w {
		field[x] = 1
	}
	return field
}

// interiorMean returns the mean of the field's interior points.
func interiorMean(w, h int, field []float32) float64 {
	var s float64
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			s += float64(field[y*w+x])
		}
	}
	return s / float64((w-2)*(h-2))
}

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout)
	if err != nil && !errors.Is(err, flag.ErrHelp) { // -h prints the usage and is not a failure
		fmt.Fprintln(os.Stderr, "stencil:", err)
		os.Exit(1)
	}
}

// run is the program: main with its arguments and output passed in, so tests can call it.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("stencil", flag.ContinueOnError)
	device := fs.String("device", "", `device to run on ("go", "cpu", "vulkan:0", ...); empty for the best one`)
	size := fs.Int("size", 1024, "width and height of the field, boundary included")
	iters := fs.Int("iter", 100, "number of Jacobi sweeps")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *size < 3 || *iters < 1 {
		return fmt.Errorf("-size %d -iter %d: need a size of at least 3 and at least one sweep", *size, *iters)
	}
	w, h := *size, *size

	dev, err := geobacter.Open(ctx, *device)
	if err != nil {
		return err
	}
	defer dev.Close()
	fmt.Fprintf(stdout, "device: %s\n", dev)

	want := initial(w, h)
	jacobiSerial(w, h, *iters, want)

	got := initial(w, h)
	d, err := jacobi(ctx, dev, w, h, *iters, got)
	if err != nil {
		return err
	}
	points := float64(w-2) * float64(h-2) * float64(*iters)
	fmt.Fprintf(stdout, "stencil: %d×%d field, %d sweeps\n", w, h, *iters)
	fmt.Fprintf(stdout, "kernel: %v for all sweeps (%.0f Mpoints/s)\n", d.Round(time.Microsecond), points/d.Seconds()/1e6)
	fmt.Fprintf(stdout, "mean interior temperature %.6f\n", interiorMean(w, h, got))

	// Every point is computed with the same float32 operations in the same order as in the serial
	// loop (there is no multiply-add to fuse), so the results must be equal, not just close.
	for i := range got {
		if got[i] != want[i] {
			return fmt.Errorf("point (%d, %d) = %v but serial Go gives %v: the results must be equal", i%w, i/w, got[i], want[i])
		}
	}
	fmt.Fprintln(stdout, "max abs error 0 vs serial Go: ok")
	return nil
}
