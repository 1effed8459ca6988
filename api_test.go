package geobacter_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/kernel"
)

func openGo(t *testing.T) *geobacter.Device {
	t.Helper()
	dev, err := geobacter.Open(context.Background(), "go")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	return dev
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		wantErr string // empty: opens the go device
		notSupp bool
	}{
		{name: "go"},
		{name: "go:0"},
		{name: ""},
		{name: "go:1", wantErr: "no device go:1: go has 1 instance(s)"},
		{name: "go:x", wantErr: "must be an instance number"},
		{name: "go:-1", wantErr: "must be an instance number"},
		{name: "tpu", wantErr: `unknown device "tpu"; known kinds: go`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GEOBACTER_DEVICE", "")
			dev, err := geobacter.Open(ctx, tc.name)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Open(%q) = %v, want error containing %q", tc.name, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer dev.Close()
			if tc.name == "" && cpuUsable(t) {
				// The native cpu device is preferred over the go device when it is usable.
				if dev.ID() != "cpu:0" || dev.Info().Type != geobacter.TypeCPU || !dev.Info().Usable {
					t.Errorf("Open(%q) = %v (%+v), want cpu:0", tc.name, dev, dev.Info())
				}
				return
			}
			if dev.Kind() != "go" || dev.ID() != "go:0" || dev.Info().Type != geobacter.TypeHost || !dev.Info().Usable {
				t.Errorf("Open(%q) = %v (%+v)", tc.name, dev, dev.Info())
			}
		})
	}
}

// cpuUsable reports whether Devices lists a usable cpu device.
func cpuUsable(t *testing.T) bool {
	infos, err := geobacter.Devices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range infos {
		if in.Kind == "cpu" && in.Usable {
			return true
		}
	}
	return false
}

func TestOpenEnvironment(t *testing.T) {
	ctx := context.Background()
	t.Setenv("GEOBACTER_DEVICE", "go:0")
	dev, err := geobacter.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	dev.Close()

	t.Setenv("GEOBACTER_DEVICE", "nosuch")
	_, err = geobacter.Open(ctx, "")
	if err == nil || !strings.Contains(err.Error(), "GEOBACTER_DEVICE=nosuch") {
		t.Fatalf("Open with GEOBACTER_DEVICE=nosuch: %v, want an error naming the variable", err)
	}
	// An explicit name wins over the environment.
	dev, err = geobacter.Open(ctx, "go")
	if err != nil {
		t.Fatal(err)
	}
	dev.Close()
}

func TestDevices(t *testing.T) {
	infos, err := geobacter.Devices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, in := range infos {
		if in.Kind == "go" {
			found = true
			if !in.Usable || in.ID() != "go:0" || in.Name == "" {
				t.Errorf("go device listed as %+v", in)
			}
		}
	}
	if !found {
		t.Fatalf("Devices() = %+v, want the go device", infos)
	}
}

func TestLimits(t *testing.T) {
	lim := openGo(t).Limits()
	if lim.MaxGroupSize < 256 || lim.MaxGroup[0] < 256 || lim.SharedMemoryBytes < 16<<10 || lim.SubgroupSize < 1 {
		t.Fatalf("implausible limits %+v", lim)
	}
}

func TestAllocFree(t *testing.T) {
	dev := openGo(t)
	a, err := geobacter.Alloc[float64](dev, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 100 || cap(a) != 100 {
		t.Fatalf("len %d cap %d", len(a), cap(a))
	}
	for i, v := range a {
		if v != 0 {
			t.Fatalf("a[%d] = %v, want zeroed memory", i, v)
		}
	}
	b, _ := geobacter.Alloc[[3]int32](dev, 10)
	if n, bytes := dev.Allocated(); n != 2 || bytes != 100*8+10*12 {
		t.Fatalf("Allocated() = %d, %d", n, bytes)
	}
	if err := geobacter.Free(dev, a[1:]); err == nil {
		t.Error("Free of a slice not starting an allocation succeeded")
	}
	if err := geobacter.Free(dev, make([]float64, 3)); err == nil {
		t.Error("Free of a slice Alloc did not return succeeded")
	}
	if err := geobacter.Free(dev, a[:10]); err != nil {
		t.Errorf("Free of a shortened allocation: %v", err)
	}
	if err := geobacter.Free(dev, a); err == nil || !strings.Contains(err.Error(), "freed already") {
		t.Errorf("second Free: %v", err)
	}
	if err := geobacter.Free(dev, b); err != nil {
		t.Error(err)
	}
	if n, _ := dev.Allocated(); n != 0 {
		t.Errorf("%d allocations live after freeing all", n)
	}
	if _, err := geobacter.Alloc[int](dev, -1); err == nil {
		t.Error("Alloc(-1) succeeded")
	}
	if s, err := geobacter.Alloc[int](dev, 0); err != nil || len(s) != 0 {
		t.Errorf("Alloc(0) = %v, %v", s, err)
	}
}

type nop struct{}

func (*nop) Kernel(kernel.Item) {}

type valueKernel struct{}

func (valueKernel) Kernel(kernel.Item) {}

func TestClosed(t *testing.T) {
	dev, err := geobacter.Open(context.Background(), "go")
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.Close(); err != nil {
		t.Fatal(err)
	}
	if err := dev.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := geobacter.Launch(context.Background(), dev, geobacter.Grid1(1), &nop{}); !errors.Is(err, geobacter.ErrClosed) {
		t.Errorf("Launch after Close: %v", err)
	}
	if _, err := geobacter.Alloc[int](dev, 1); !errors.Is(err, geobacter.ErrClosed) {
		t.Errorf("Alloc after Close: %v", err)
	}
}

func TestLaunchErrors(t *testing.T) {
	ctx := context.Background()
	dev := openGo(t)
	lim := dev.Limits()
	for _, tc := range []struct {
		name string
		grid geobacter.Grid
		want string
	}{
		{"zero grid", geobacter.Grid{}, "no dimensions"},
		{"negative", geobacter.Grid1(-5), "size -5 in dimension 0 is negative"},
		{"negative y", geobacter.Grid2(4, -1), "size -1 in dimension 1 is negative"},
		{"group count", geobacter.Grid2(4, 4).WithGroup(4), "WithGroup got 1 size(s) for a 2D grid"},
		{"group zero", geobacter.Grid1(4).WithGroup(0), "group size 0 in dimension 0 must be at least 1"},
		{"group too big", geobacter.Grid1(4096).WithGroup(lim.MaxGroupSize + 1), "exceeds the device's maximum"},
		{"group product too big", geobacter.Grid2(64, 64).WithGroup(64, 64), "a group of 4096 work-items exceeds the device's maximum of 1024"},
		{"too many work-items", geobacter.Grid3(lim.MaxGrid[0], lim.MaxGrid[1], lim.MaxGrid[2]), "more than 2^62 work-items"},
		{"group z too big", geobacter.Grid3(1, 1, 1000).WithGroup(1, 1, lim.MaxGroup[2]+1), "in dimension 2 exceeds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := geobacter.Launch(ctx, dev, tc.grid, &nop{})
			var ge *geobacter.GridError
			if !errors.As(err, &ge) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Launch(%v) = %v, want a *GridError containing %q", tc.grid, err, tc.want)
			}
			if ge.Device != "go:0" {
				t.Errorf("GridError.Device = %q", ge.Device)
			}
		})
	}
	if err := geobacter.Launch(ctx, dev, geobacter.Grid1(1), valueKernel{}); err == nil || !strings.Contains(err.Error(), "not a pointer to a struct") {
		t.Errorf("value kernel: %v", err)
	}
	if err := geobacter.Launch(ctx, dev, geobacter.Grid1(1), (*nop)(nil)); err == nil || !strings.Contains(err.Error(), "nil *geobacter_test.nop") {
		t.Errorf("nil kernel: %v", err)
	}
	if err := geobacter.Launch(ctx, nil, geobacter.Grid1(1), &nop{}); err == nil {
		t.Error("launch on a nil device succeeded")
	}
}

// Count counts the work-items that run.
type Count struct{ N []int64 }

func (k *Count) Kernel(it kernel.Item) { k.N[0]++ }

func TestEmptyGridRunsNothing(t *testing.T) {
	dev := openGo(t)
	k := &Count{N: make([]int64, 1)}
	for _, g := range []geobacter.Grid{geobacter.Grid1(0), geobacter.Grid2(5, 0), geobacter.Grid3(0, 0, 0).WithGroup(2, 2, 2)} {
		if err := geobacter.Launch(context.Background(), dev, g, k); err != nil {
			t.Fatalf("%v: %v", g, err)
		}
	}
	if k.N[0] != 0 {
		t.Fatalf("%d work-items ran on empty grids", k.N[0])
	}
}

func TestGridString(t *testing.T) {
	for g, want := range map[geobacter.Grid]string{
		geobacter.Grid1(10):                        "Grid1(10)",
		geobacter.Grid2(640, 480).WithGroup(16, 8): "Grid2(640, 480).WithGroup(16, 8)",
		geobacter.Grid3(1, 2, 3):                   "Grid3(1, 2, 3)",
	} {
		if got := g.String(); got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	}
}

// Fail panics in work-item 3.
type Fail struct{ Out []int }

func (k *Fail) Kernel(it kernel.Item) {
	if it.GlobalID(0) == 3 {
		panic("three")
	}
	k.Out[it.GlobalID(0)] = 1
}

func TestEvents(t *testing.T) {
	ctx := context.Background()
	dev := openGo(t)

	// A chain of dependent launches computes y = ((x*1+0)*... in order.
	x := []float32{1, 2, 3, 4}
	y := make([]float32, 4)
	var prev *geobacter.Event
	for i := range 20 {
		var opts []geobacter.LaunchOption
		if prev != nil {
			opts = append(opts, geobacter.After(prev))
		}
		ev, err := geobacter.LaunchAsync(ctx, dev, geobacter.Grid1(4), &Saxpy{A: float32(i), X: x, Y: y}, opts...)
		if err != nil {
			t.Fatal(err)
		}
		prev = ev
	}
	if err := prev.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range y {
		if want := 190 * x[i]; y[i] != want {
			t.Fatalf("y[%d] = %v, want %v", i, y[i], want)
		}
	}
	if prev.Err() != nil {
		t.Fatal(prev.Err())
	}

	// A failed launch fails the launches after it, which do not run.
	bad, err := geobacter.LaunchAsync(ctx, dev, geobacter.Grid1(8), &Fail{Out: make([]int, 8)})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int, 8)
	after, err := geobacter.LaunchAsync(ctx, dev, geobacter.Grid1(8), &Fail{Out: out}, geobacter.After(bad))
	if err != nil {
		t.Fatal(err)
	}
	err = after.Wait(ctx)
	var p *geobacter.KernelPanic
	if !errors.As(err, &p) || !strings.Contains(err.Error(), "a launch it waits for failed") {
		t.Fatalf("dependent launch: %v", err)
	}
	for i, v := range out {
		if v != 0 {
			t.Fatalf("dependent launch ran: out[%d] = %d", i, v)
		}
	}
	// Synchronous launches take events too.
	if err := geobacter.Launch(ctx, dev, geobacter.Grid1(1), &nop{}, geobacter.After(bad)); !errors.As(err, &p) {
		t.Fatalf("Launch after a failed event: %v", err)
	}

	// Wait gives up when its own context is done; the launch goes on.
	gate := make(chan struct{})
	blocked, err := geobacter.LaunchAsync(ctx, dev, geobacter.Grid1(1), &Block{Gate: gate})
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := blocked.Wait(cctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait with a cancelled context on a running launch: %v", err)
	}
	if blocked.Err() != nil {
		t.Fatalf("Err() of a running launch: %v", blocked.Err())
	}
	close(gate)
	if err := blocked.Wait(ctx); err != nil {
		t.Fatal(err)
	}

}

// Block waits until Gate is closed (a go-device-only kernel: it uses a channel).
type Block struct{ Gate chan struct{} }

func (k *Block) Kernel(kernel.Item) { <-k.Gate }

// Index writes Out[I[i]].
type Index struct{ I, Out []int }

func (k *Index) Kernel(it kernel.Item) { k.Out[k.I[it.GlobalID(0)]] = 1 }

// TestUncheckedOnGo checks that the go device keeps Go's checks under Unchecked: it runs the
// kernel's Go code.
func TestUncheckedOnGo(t *testing.T) {
	dev, err := geobacter.Open(context.Background(), "go")
	if err != nil {
		t.Fatal(err)
	}
	err = geobacter.Launch(context.Background(), dev, geobacter.Grid1(2), &Index{I: []int{0, 5}, Out: make([]int, 2)}, geobacter.Unchecked())
	var p *geobacter.KernelPanic
	if !errors.As(err, &p) || !strings.Contains(p.Msg, "index out of range [5] with length 2") {
		t.Fatalf("unchecked launch on go of an out-of-range index: %v; want the index panic", err)
	}
}
