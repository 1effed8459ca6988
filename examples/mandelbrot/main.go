// Mandelbrot renders the Mandelbrot set to a PNG: a 2D grid with one work-item per pixel, each
// iterating z = z² + c until |z| > 2 or the iteration limit. Neighbouring pixels need very
// different numbers of iterations (divergent work), and the kernel calls an ordinary Go function
// that the serial reference calls too.
//
//	go run ./examples/mandelbrot [-device NAME] [-size PIXELS] [-iter N] [-o FILE.png]
package main

//go:generate go run github.com/geobacter-go/geobacter/cmd/geobacter gen

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"time"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/kernel"
)

// Mandelbrot is the kernel: it writes the escape time of every pixel of a Width×Height image to
// Iter (row-major). Pixel (px, py) is the point View.point(px, py) of the complex plane.
type Mandelbrot struct {
	Width   int
	View    View
	MaxIter int
	Iter    []uint32
}

// View maps pixels to points of the complex plane: pixel (px, py) is centred on
// (X0 + (px+½)·Step, Y0 - (py+½)·Step), so y grows upwards in the picture.
type View struct {
	X0, Y0, Step float32
}

// Kernel runs once per pixel. The grid is exactly the image: padded work-items never run.
func (k *Mandelbrot) Kernel(it kernel.Item) {
	px, py := it.GlobalID(0), it.GlobalID(1)
	cx, cy := k.View.point(px, py)
	k.Iter[py*k.Width+px] = uint32(escapeTime(cx, cy, k.MaxIter))
}

// point returns the point of the plane at the centre of pixel (px, py). It is an ordinary method:
// kernels may call any Go function or method with a static callee.
func (v View) point(px, py int) (cx, cy float32) {
	return v.X0 + (float32(px)+0.5)*v.Step, v.Y0 - (float32(py)+0.5)*v.Step
}

// escapeTime returns the number of iterations of z = z² + c, from z = 0, after which |z| > 2, or
// maxIter if that does not happen: then c is taken to be in the set.
func escapeTime(cx, cy float32, maxIter int) int {
	var x, y float32
	for i := range maxIter {
		x2, y2 := x*x, y*y
		if x2+y2 > 4 {
			return i
		}
		y = 2*x*y + cy
		x = x2 - y2 + cx
	}
	return maxIter
}

// view returns the View of a w×h image centred on -0.75+0i, 3 units wide: the whole set.
func view(w, h int) View {
	step := float32(3) / float32(w)
	return View{X0: -0.75 - 1.5, Y0: float32(h) / 2 * step, Step: step}
}

// render computes the escape times of a w×h image on dev: it allocates the device-visible output,
// launches one work-item per pixel, copies the result out and frees the buffer. It returns the
// escape times and how long the launch took.
func render(ctx context.Context, dev *geobacter.Device, w, h, maxIter int) (iters []uint32, d time.Duration, err error) {
	out, err := geobacter.Alloc[uint32](dev, w*h)
	if err != nil {
		return nil, 0, err
	}
	defer func() { err = errors.Join(err, geobacter.Free(dev, out)) }()

	g := geobacter.Grid2(w, h).WithGroup(16, 16)
	start := time.Now()
	if err := geobacter.Launch(ctx, dev, g, &Mandelbrot{Width: w, View: view(w, h), MaxIter: maxIter, Iter: out}); err != nil {
		return nil, 0, err
	}
	d = time.Since(start)
	return append([]uint32(nil), out...), d, nil
}

// renderSerial is the plain-Go reference: a loop over the pixels calling the same functions.
func renderSerial(w, h, maxIter int) []uint32 {
	v := view(w, h)
	iters := make([]uint32, w*h)
	for py := range h {
		for px := range w {
			cx, cy := v.point(px, py)
			iters[py*w+px] = uint32(escapeTime(cx, cy, maxIter))
		}
	}
	return iters
}

// colorize turns escape times into an image: black inside the set, and outside a gradient from
// dark blue through white and orange, by the logarithm of the escape time (most of the plane
// escapes within a few iterations).
func colorize(iters []uint32, w, h, maxIter int) *image.RGBA {
	stops := []struct {
		t       float64
		r, g, b float64
	}{{0, 0, 7, 100}, {0.16, 32, 107, 203}, {0.42, 237, 255, 255}, {0.6425, 255, 170, 0}, {0.8575, 0, 2, 0}, {1, 0, 7, 100}}
	palette := make([]color.RGBA, maxIter+1)
	for n := range maxIter {
		t := math.Log1p(float64(n)) / math.Log1p(float64(maxIter))
		i := 1
		for i < len(stops)-1 && stops[i].t < t {
			i++
		}
		a, b := stops[i-1], stops[i]
		f := (t - a.t) / (b.t - a.t)
		palette[n] = color.RGBA{
			R: uint8(a.r + f*(b.r-a.r) + 0.5),
			G: uint8(a.g + f*(b.g-a.g) + 0.5),
			B: uint8(a.b + f*(b.b-a.b) + 0.5),
			A: 255,
		}
	}
	palette[maxIter] = color.RGBA{A: 255}

	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for py := range h {
		for px := range w {
			img.SetRGBA(px, py, palette[iters[py*w+px]])
		}
	}
	return img
}

// writePNG writes img to the file path.
func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// maxDiffering is the fraction of pixels whose escape time may differ from the serial
// reference's. The go device runs the same Go code and must agree on every pixel. A device that
// fuses the multiply-adds of escapeTime (Go allows that) rounds differently, and near the edge of
// the set, where the iteration is chaotic, some pixels then escape at another iteration: emulating
// fused multiply-adds on the host changes 0.1% of the pixels of the default image, and 0.2% with
// -iter 1000. A bug in the kernel changes far more.
const maxDiffering = 0.01

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout)
	if err != nil && !errors.Is(err, flag.ErrHelp) { // -h prints the usage and is not a failure
		fmt.Fprintln(os.Stderr, "mandelbrot:", err)
		os.Exit(1)
	}
}

// run is the program: main with its arguments and output passed in, so tests can call it.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("mandelbrot", flag.ContinueOnError)
	device := fs.String("device", "", `device to run on ("go", "cpu", "vulkan:0", ...); empty for the best one`)
	size := fs.Int("size", 1024, "width and height of the image in pixels")
	maxIter := fs.Int("iter", 256, "iteration limit")
	out := fs.String("o", "mandelbrot.png", "output PNG file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *size < 1 || *size > 1<<15 || *maxIter < 1 || *maxIter > 1<<20 {
		return fmt.Errorf("-size %d -iter %d: need a size of 1 to %d pixels and 1 to %d iterations", *size, *maxIter, 1<<15, 1<<20)
	}
	w, h := *size, *size

	dev, err := geobacter.Open(ctx, *device)
	if err != nil {
		return err
	}
	defer dev.Close()
	fmt.Fprintf(stdout, "device: %s\n", dev)

	iters, d, err := render(ctx, dev, w, h, *maxIter)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "mandelbrot: %d×%d pixels, at most %d iterations\n", w, h, *maxIter)
	fmt.Fprintf(stdout, "kernel: %v (%.1f Mpixels/s)\n", d.Round(time.Microsecond), float64(w*h)/d.Seconds()/1e6)

	want := renderSerial(w, h, *maxIter)
	differ := 0
	for i := range iters {
		if iters[i] != want[i] {
			differ++
		}
	}
	if float64(differ) > maxDiffering*float64(len(iters)) {
		return fmt.Errorf("%d of %d pixels differ from serial Go: more than the tolerance of %g", differ, len(iters), maxDiffering)
	}
	fmt.Fprintf(stdout, "%d of %d pixels differ from serial Go: ok\n", differ, len(iters))

	if err := writePNG(*out, colorize(iters, w, h, *maxIter)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", *out)
	return nil
}
