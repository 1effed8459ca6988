// Histogram counts the bytes of a buffer in 256 bins with atomics. Each work-group first counts
// into its own histogram in shared memory (atomic adds there are cheap and contend only within the
// group), then merges it into the global histogram with one atomic add per non-empty bin.
//
//	go run ./examples/histogram [-device NAME] [-n BYTES]
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
	"sync/atomic"
	"time"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/kernel"
)

// bins is the number of bins, one per byte value.
const bins = 256

// groupSize is the work-group size.
const groupSize = 256

// perWorkItem is about how many bytes each work-item counts: the merge costs up to 256 global
// atomic adds per group, so a group should count many more bytes than that.
const perWorkItem = 256

// Histogram is the kernel: it adds the counts of the bytes of Data to Bins. It is launched with
// whole groups only (see launchHistogram); any number of groups works. Each group counts a
// contiguous chunk of Data.
type Histogram struct {
	Data []byte
	Bins []uint32 // bins elements
}

// Kernel runs once per work-item.
func (k *Histogram) Kernel(it kernel.Item) {
	// The group's private histogram, zeroed when the group starts.
	local := kernel.Shared[[bins]uint32](it)

	// 1. Count the group's chunk of Data into shared memory, work-item l taking bytes l,
	// l+size, l+2*size, ... of it (neighbouring work-items read neighbouring bytes). Work-items of
	// the group hit the same bins at the same time, so the increments must be atomic: sync/atomic
	// works on shared memory as it does on buffers.
	size := it.LocalSize(0)
	chunk := (len(k.Data) + it.NumGroups(0) - 1) / it.NumGroups(0)
	start := it.GroupID(0) * chunk
	end := min(start+chunk, len(k.Data))
	for i := start + it.LocalID(0); i < end; i += size {
		atomic.AddUint32(&local[k.Data[i]], 1)
	}
	it.Barrier() // the group's histogram is complete

	// 2. Merge: work-item l adds bins l, l+size, ... into the global histogram. This relies on
	// every work-item of the group running, which is why the grid is made of whole groups (in a
	// partial last group the padded work-items would not run, and their bins would be lost).
	for b := it.LocalID(0); b < bins; b += size {
		if n := local[b]; n != 0 {
			atomic.AddUint32(&k.Bins[b], n)
		}
	}
}

// launchHistogram counts data into hist (which it zeroes first); both must be in device-visible
// memory.
func launchHistogram(ctx context.Context, dev *geobacter.Device, data []byte, hist []uint32) error {
	if len(hist) != bins {
		return fmt.Errorf("histogram: %d bins, want %d", len(hist), bins)
	}
	clear(hist)
	// Whole groups, enough of them that each work-item counts about perWorkItem bytes.
	groups := max(1, (len(data)+groupSize*perWorkItem-1)/(groupSize*perWorkItem))
	g := geobacter.Grid1(groups * groupSize).WithGroup(groupSize)
	return geobacter.Launch(ctx, dev, g, &Histogram{Data: data, Bins: hist})
}

// histogram counts the bytes of data on dev: it allocates device-visible buffers, copies data in,
// launches, and returns the counts and how long the launch took.
func histogram(ctx context.Context, dev *geobacter.Device, data []byte) (counts [bins]uint32, d time.Duration, err error) {
	dd, err := geobacter.Alloc[byte](dev, len(data))
	if err != nil {
		return counts, 0, err
	}
	defer func() { err = errors.Join(err, geobacter.Free(dev, dd)) }()
	hist, err := geobacter.Alloc[uint32](dev, bins)
	if err != nil {
		return counts, 0, err
	}
	defer func() { err = errors.Join(err, geobacter.Free(dev, hist)) }()
	copy(dd, data)

	start := time.Now()
	if err := launchHistogram(ctx, dev, dd, hist); err != nil {
		return counts, 0, err
	}
	d = time.Since(start)
	copy(counts[:], hist)
	return counts, d, nil
}

// histogramSerial is the plain-Go reference.
func histogramSerial(data []byte) (counts [bins]uint32) {
	for _, b := range data {
		counts[b]++
	}
	return counts
}

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout)
	if err != nil && !errors.Is(err, flag.ErrHelp) { // -h prints the usage and is not a failure
		fmt.Fprintln(os.Stderr, "histogram:", err)
		os.Exit(1)
	}
}

// run is the program: main with its arguments and output passed in, so tests can call it.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("histogram", flag.ContinueOnError)
	device := fs.String("device", "", `device to run on ("go", "cpu", "vulkan:0", ...); empty for the best one`)
	n := fs.Int("n", 1<<24, "number of bytes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 || *n > 1<<32-1 {
		return fmt.Errorf("-n %d: need 1 to 2^32-1 bytes (the bins are uint32)", *n)
	}

	dev, err := geobacter.Open(ctx, *device)
	if err != nil {
		return err
	}
	defer dev.Close()
	fmt.Fprintf(stdout, "device: %s\n", dev)

	// Bytes around 128 in a bell shape, so that the middle bins are hot and contended.
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, *n)
	for i := range data {
		data[i] = byte(min(255, max(0, 128+rng.NormFloat64()*40)))
	}
	want := histogramSerial(data)

	got, d, err := histogram(ctx, dev, data)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "histogram: %d bytes in %d bins\n", *n, bins)
	fmt.Fprintf(stdout, "kernel: %v (%.2f GB/s)\n", d.Round(time.Microsecond), float64(*n)/d.Seconds()/1e9)

	for b := range bins {
		if got[b] != want[b] {
			return fmt.Errorf("bin %d: %d, serial Go %d: the counts must be equal", b, got[b], want[b])
		}
	}
	fmt.Fprintf(stdout, "max abs error 0 in %d bins vs serial Go: ok\n", bins)
	return nil
}
