// Matmul multiplies float32 matrices, C = A×B, with the classic tiled algorithm: each 16×16
// work-group computes a 16×16 tile of C, stepping along the shared dimension one 16×16 tile of A
// and of B at a time, which the group loads into shared memory together. Every element loaded from
// main memory is then used 16 times from shared memory.
//
//	go run ./examples/matmul [-device NAME] [-size N] [-m M -n N -k K]
package main

//go:generate go run github.com/geobacter-go/geobacter/cmd/geobacter gen

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/kernel"
)

// tile is the side of the square tiles and of the square work-groups.
const tile = 16

// MatMul is the kernel: C = A×B for row-major matrices, A of M×K, B of K×N and C of M×N.
//
// The grid covers C rounded up to whole tiles (see launchMatMul), one work-item per element of C:
// dimension 0 is the column, dimension 1 the row.
type MatMul struct {
	M, N, K int
	A, B, C []float32
}

// Kernel runs once per work-item: it computes one element of C, if that element exists.
func (k *MatMul) Kernel(it kernel.Item) {
	// The group's two tiles in shared memory, made unconditionally by every work-item.
	as := kernel.Shared[[tile][tile]float32](it)
	bs := kernel.Shared[[tile][tile]float32](it)

	tx, ty := it.LocalID(0), it.LocalID(1)
	col, row := it.GlobalID(0), it.GlobalID(1)

	// A work-item outside C must not return early: it loads its share of the tiles for the
	// others, and every work-item of a group must reach every barrier. So it computes whether it
	// is inside C, and only the final store depends on that.
	inside := row < k.M && col < k.N

	var sum float32
	for t := 0; t < k.K; t += tile {
		// Each work-item loads one element of the A tile and one of the B tile. Elements beyond
		// the edges of A or B are loaded as zero, which adds nothing to the sums.
		var a, b float32
		if row < k.M && t+tx < k.K {
			a = k.A[row*k.K+t+tx]
		}
		if t+ty < k.K && col < k.N {
			b = k.B[(t+ty)*k.N+col]
		}
		as[ty][tx] = a
		bs[ty][tx] = b
		it.Barrier() // both tiles are complete

		for i := range tile {
			sum += as[ty][i] * bs[i][tx]
		}
		it.Barrier() // everyone is done with the tiles before the next step overwrites them
	}

	if inside {
		k.C[row*k.N+col] = sum
	}
}

// roundUp rounds n up to a multiple of tile.
func roundUp(n int) int { return (n + tile - 1) / tile * tile }

// launchMatMul computes c = a×b on buffers in device-visible memory.
//
// The grid is C's size rounded up to whole tiles, not C's size: the padded work-items of a
// partial last group never run, and here every work-item loads elements of the tiles that the
// rest of its group needs, so every group must be whole. The kernel itself guards against the
// edges of the matrices.
func launchMatMul(ctx context.Context, dev *geobacter.Device, m, n, k int, a, b, c []float32) error {
	if len(a) != m*k || len(b) != k*n || len(c) != m*n {
		return fmt.Errorf("matmul: lengths %d, %d, %d do not fit %d×%d times %d×%d", len(a), len(b), len(c), m, k, k, n)
	}
	g := geobacter.Grid2(roundUp(n), roundUp(m)).WithGroup(tile, tile)
	return geobacter.Launch(ctx, dev, g, &MatMul{M: m, N: n, K: k, A: a, B: b, C: c})
}

// matmul computes c = a×b on dev for ordinary Go slices: it allocates device-visible buffers,
// copies a and b in, launches, copies the product into c and frees the buffers. It returns how long
// the launch took.
func matmul(ctx context.Context, dev *geobacter.Device, m, n, k int, a, b, c []float32) (d time.Duration, err error) {
	da, err := geobacter.Alloc[float32](dev, len(a))
	if err != nil {
		return 0, err
	}
	defer func() { err = errors.Join(err, geobacter.Free(dev, da)) }()
	db, err := geobacter.Alloc[float32](dev, len(b))
	if err != nil {
		return 0, err
	}
	defer func() { err = errors.Join(err, geobacter.Free(dev, db)) }()
	dc, err := geobacter.Alloc[float32](dev, len(c))
	if err != nil {
		return 0, err
	}
	defer func() { err = errors.Join(err, geobacter.Free(dev, dc)) }()
	copy(da, a)
	copy(db, b)

	start := time.Now()
	if err := launchMatMul(ctx, dev, m, n, k, da, db, dc); err != nil {
		return 0, err
	}
	d = time.Since(start)
	copy(c, dc)
	return d, nil
}

// matmulSerial is the plain-Go reference: the textbook triple loop.
func matmulSerial(m, n, k int, a, b, c []float32) {
	for i := range m {
		for j := range n {
			var sum float32
			for p := range k {
				sum += a[i*k+p] * b[p*n+j]
			}
			c[i*n+j] = sum
		}
	}
}

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout)
	if err != nil && !errors.Is(err, flag.ErrHelp) { // -h prints the usage and is not a failure
		fmt.Fprintln(os.Stderr, "matmul:", err)
		os.Exit(1)
	}
}

// run is the program: main with its arguments and output passed in, so tests can call it.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("matmul", flag.ContinueOnError)
	device := fs.String("device", "", `device to run on ("go", "cpu", "vulkan:0", ...); empty for the best one`)
	size := fs.Int("size", 512, "M, N and K at once, unless -m, -n or -k is given")
	mf := fs.Int("m", 0, "rows of A and C (default -size)")
	nf := fs.Int("n", 0, "columns of B and C (default -size)")
	kf := fs.Int("k", 0, "columns of A, rows of B (default -size)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, n, k := *mf, *nf, *kf
	for _, p := range []*int{&m, &n, &k} {
		if *p == 0 {
			*p = *size
		}
		if *p < 1 {
			return fmt.Errorf("matrix sizes must be at least 1, got %d×%d times %d×%d", m, k, k, n)
		}
	}
	if 4*k >= 1<<24 {
		return fmt.Errorf("-k %d: too large for this example's exact check (sums up to 4k must stay below 2^24)", k)
	}

	dev, err := geobacter.Open(ctx, *device)
	if err != nil {
		return err
	}
	defer dev.Close()
	fmt.Fprintf(stdout, "device: %s\n", dev)

	// Small integers: every product and every partial sum is an integer below 2^24, which float32
	// represents exactly, so the result is exact whatever the order of the additions and whether
	// or not a device fuses multiply-adds. The kernel must then match the serial loop exactly.
	rng := rand.New(rand.NewPCG(1, 2))
	a := make([]float32, m*k)
	b := make([]float32, k*n)
	for i := range a {
		a[i] = float32(rng.IntN(5) - 2)
	}
	for i := range b {
		b[i] = float32(rng.IntN(5) - 2)
	}
	want := make([]float32, m*n)
	matmulSerial(m, n, k, a, b, want)

	c := make([]float32, m*n)
	d, err := matmul(ctx, dev, m, n, k, a, b, c)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "matmul: %d×%d times %d×%d, %d×%d tiles\n", m, k, k, n, tile, tile)
	fmt.Fprintf(stdout, "kernel: %v (%.2f GFLOP/s)\n", d.Round(time.Microsecond), 2*float64(m)*float64(n)*float64(k)/d.Seconds()/1e9)

	for i := range c {
		if c[i] != want[i] {
			return fmt.Errorf("C[%d][%d] = %v but serial Go gives %v: the results must be equal", i/n, i%n, c[i], want[i])
		}
	}
	fmt.Fprintln(stdout, "max abs error 0 vs serial Go: ok")
	return nil
}
