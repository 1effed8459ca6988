package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/internal/devicetest"
)

// TestRender compares the kernel's escape times with the serial loop's, for images whose sides
// are and are not multiples of the 16×16 group, including a single row and a single column.
func TestRender(t *testing.T) {
	ctx := context.Background()
	dev, err := geobacter.Open(ctx, "go")
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	for _, s := range [][3]int{{1, 1, 10}, {16, 16, 50}, {37, 23, 100}, {64, 1, 30}, {1, 45, 30}, {100, 80, 255}} {
		w, h, maxIter := s[0], s[1], s[2]
		want := renderSerial(w, h, maxIter)
		got, _, err := render(ctx, dev, w, h, maxIter)
		if err != nil {
			t.Fatalf("%d×%d: %v", w, h, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%d×%d: %d escape times, want %d", w, h, len(got), len(want))
		}
		inside := 0
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%d×%d: pixel (%d, %d) escapes after %d iterations, want %d", w, h, i%w, i/w, got[i], want[i])
			}
			if got[i] == uint32(maxIter) {
				inside++
			}
		}
		if w*h >= 100*80 && (inside == 0 || inside == w*h) {
			t.Fatalf("%d×%d: %d pixels of %d in the set: the view misses the set", w, h, inside, w*h)
		}
		if count, _ := dev.Allocated(); count != 0 {
			t.Fatalf("%d buffers still allocated after render", count)
		}
	}
}

// TestRun runs the program, decodes the PNG it writes and compares it with the serial rendering,
// pixel by pixel.
func TestRun(t *testing.T) {
	const size, maxIter = 90, 64
	path := filepath.Join(t.TempDir(), "m.png")
	var out bytes.Buffer
	args := []string{"-device", "go", "-size", "90", "-iter", "64", "-o", path}
	if err := run(context.Background(), args, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"device: go:0", "0 of 8100 pixels differ from serial Go: ok", "wrote " + path} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b != image.Rect(0, 0, size, size) {
		t.Fatalf("image bounds %v, want %dx%d", b, size, size)
	}
	want := colorize(renderSerial(size, size, maxIter), size, size, maxIter)
	black := 0
	for y := range size {
		for x := range size {
			got := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			if w := want.RGBAAt(x, y); got != w {
				t.Fatalf("pixel (%d, %d) = %v, want %v", x, y, got, w)
			}
			if got == (color.RGBA{A: 255}) {
				black++
			}
		}
	}
	// The set (black) fills a good part of the picture, but not all of it.
	if black < size*size/10 || black > size*size/2 {
		t.Errorf("%d of %d pixels are black: not the whole Mandelbrot set", black, size*size)
	}
}

func TestRunBadFlags(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"-size", "0"},
		{"-iter", "0"},
		{"-device", "nosuchdevice", "-size", "8"},
		{"-device", "go", "-size", "8", "-o", filepath.Join(dir, "no", "such", "dir", "m.png")},
	} {
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
			args := []string{"-device", kind, "-size", "90", "-iter", "64", "-o", filepath.Join(t.TempDir(), "m.png")}
			if err := run(context.Background(), args, &out); err != nil {
				t.Fatalf("run %v: %v\n%s", args, err, out.String())
			}
			if !strings.Contains(out.String(), ": ok\n") { // the program's check against serial Go
				t.Errorf("run %v: output lacks the check against serial Go:\n%s", args, out.String())
			}
		})
	}
}
