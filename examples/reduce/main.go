// Reduce adds up a large float32 array: the classic two-level reduction. Each work-group adds up
// a contiguous chunk of the input: its work-items first add up a strided part of the chunk each,
// then combine their partial sums in shared memory with a tree of barriers, and one work-item per
// group adds the group's sum into the result with an atomic float add.
//
//	go run ./examples/reduce [-device NAME] [-n ELEMENTS]
package main

//go:generate go run github.com/geobacter-go/geobacter/cmd/geobacter gen

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/bits"
	"math/rand/v2"
	"os"
	"time"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/kernel"
)

// groupSize is the work-group size and the length of the shared array. The tree halves it at every
// step, so it must be a power of two.
const groupSize = 256

// perWorkItem is about how many elements each work-item adds up on its own before the tree. The
// tree costs log2(groupSize) barriers per group, so the more elements a work-item adds first, the
// less the barriers weigh (on the go device a barrier costs tens of nanoseconds per work-item).
// Fewer, fuller groups suit CPUs; a large GPU wants enough groups to fill all its compute units.
const perWorkItem = 1024

// Sum is the kernel: it adds In into Out[0], which must be zero before the launch. It is launched
// with groups of at most groupSize work-items, a power of two, and whole groups only (see
// launchSum); any number of groups works.
type Sum struct {
	In  []float32
	Out []float32 // one element
}

// Kernel runs once per work-item.
func (k *Sum) Kernel(it kernel.Item) {
	// Shared memory: one array for the whole group, zeroed when the group starts. Every work-item
	// makes the same Shared calls in the same order, unconditionally, at the top of the kernel.
	partial := kernel.Shared[[groupSize]float32](it)
	l := it.LocalID(0)
	size := it.LocalSize(0)

	// 1. The group's chunk of In is [start, end). Work-item l adds up elements start+l,
	// start+l+size, start+l+2*size, ...: at each step the group's work-items read neighbouring
	// elements, which is what GPU memory wants (coalesced loads), and the group as a whole streams
	// through one contiguous chunk, which is what CPU caches want.
	chunk := (len(k.In) + it.NumGroups(0) - 1) / it.NumGroups(0)
	start := it.GroupID(0) * chunk
	end := min(start+chunk, len(k.In))
	var s float32
	for i := start + l; i < end; i += size {
		s += k.In[i]
	}
	partial[l] = s
	it.Barrier() // every partial sum of the group is written

	// 2. A tree in shared memory: at each step the lower half adds the upper half. Every work-item
	// reaches every Barrier, including those with nothing to add (l >= half): a barrier inside
	// `if l < half` would hang a GPU.
	for half := size / 2; half > 0; half /= 2 {
		if l < half {
			partial[l] += partial[l+half]
		}
		it.Barrier()
	}

	// 3. One atomic add per group into the single result.
	if l == 0 {
		kernel.AtomicAddFloat32(&k.Out[0], partial[0])
	}
}

// groups returns the number of groups for n elements: one per groupSize*perWorkItem elements, at
// least one.
func groups(n int) int {
	return max(1, (n+groupSize*perWorkItem-1)/(groupSize*perWorkItem))
}

// launchSum adds up in, which must be device-visible memory (from geobacter.Alloc), into out[0].
//
// The grid is whole groups: the tree needs every work-item of a group to write its slot of the
// shared array (in a partial last group the padded work-items would not run, and though Shared
// zeroes the slots they leave, their parts of the chunk would be left out).
func launchSum(ctx context.Context, dev *geobacter.Device, in, out []float32) error {
	out[0] = 0
	g := geobacter.Grid1(groups(len(in)) * groupSize).WithGroup(groupSize)
	return geobacter.Launch(ctx, dev, g, &Sum{In: in, Out: out})
}

// sum adds up x on dev: it allocates device-visible buffers, copies x in, launches, reads the
// result and frees the buffers. It returns the sum and how long the launch took.
func sum(ctx context.Context, dev *geobacter.Device, x []float32) (total float32, d time.Duration, err error) {
	in, err := geobacter.Alloc[float32](dev, len(x))
	if err != nil {
		return 0, 0, err
	}
	defer func() { err = errors.Join(err, geobacter.Free(dev, in)) }()
	out, err := geobacter.Alloc[float32](dev, 1)
	if err != nil {
		return 0, 0, err
	}
	defer func() { err = errors.Join(err, geobacter.Free(dev, out)) }()
	copy(in, x)

	start := time.Now()
	if err := launchSum(ctx, dev, in, out); err != nil {
		return 0, 0, err
	}
	return out[0], time.Since(start), nil
}

// sumSerial is the plain-Go reference, added up in float64 so that its own rounding error is
// negligible next to the kernel's.
func sumSerial(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v)
	}
	return s
}

// tolerance returns the bound on the kernel's relative error against the float64 reference, for
// n non-negative elements. Every float32 addition rounds, by at most 2^-24 of its result; an
// element reaches the total through at most (elements per work-item) + log2(groupSize) + (number
// of groups) additions, so the error is at most that many times 2^-24 of the total (to first
// order). For 2^24 elements that is 1024 + 8 + 64 additions: 6.5e-5. Rounding errors mostly
// cancel, so the actual error is far smaller. The order of the atomic additions changes from run
// to run, and so may the last bits of the result.
func tolerance(n int) float64 {
	g := groups(n)
	chunk := (n + g - 1) / g
	additions := (chunk+groupSize-1)/groupSize + bits.Len(groupSize) - 1 + g
	return float64(additions) * 0x1p-24
}

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout)
	if err != nil && !errors.Is(err, flag.ErrHelp) { // -h prints the usage and is not a failure
		fmt.Fprintln(os.Stderr, "reduce:", err)
		os.Exit(1)
	}
}

// run is the program: main with its arguments and output passed in, so tests can call it.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("reduce", flag.ContinueOnError)
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

	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, *n)
	for i := range x {
		x[i] = rng.Float32()
	}
	want := sumSerial(x)

	got, d, err := sum(ctx, dev, x)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "reduce: %d elements in %d groups of %d work-items\n", *n, groups(*n), groupSize)
	fmt.Fprintf(stdout, "kernel: %v (%.1f GB/s)\n", d.Round(time.Microsecond), 4*float64(*n)/d.Seconds()/1e9)

	rel := math.Abs(float64(got)-want) / want
	if tol := tolerance(*n); !(rel <= tol) {
		return fmt.Errorf("sum %v, serial Go (float64) %v: relative error %.2g exceeds the bound %.2g", got, want, rel, tol)
	}
	fmt.Fprintf(stdout, "sum %v, relative error %.2g vs serial Go (float64 %.1f): ok\n", got, rel, want)
	return nil
}
