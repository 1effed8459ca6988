package godevice_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/kernel"
)

// markedLine returns "panic_test.go:N" for the line of this file that ends in "// want: marker".
func markedLine(t *testing.T, marker string) string {
	t.Helper()
	src, err := os.ReadFile("panic_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(src), "\n") {
		if strings.HasSuffix(line, "// want: "+marker) {
			return fmt.Sprintf("panic_test.go:%d", i+1)
		}
	}
	t.Fatalf("no line marked %q", marker)
	return ""
}

// Panics panics in work-item At in the way Kind says.
type Panics struct {
	Kind string
	At   int
	Buf  []int
	Ptr  *int
	Div  int
	Ran  []int64 // [0]: work-items that ran
}

func (k *Panics) Kernel(it kernel.Item) {
	atomic.AddInt64(&k.Ran[0], 1)
	i := it.GlobalID(0)
	if i != k.At {
		return
	}
	switch k.Kind {
	case "index":
		k.Buf[i+len(k.Buf)] = 1 // want: index
	case "slice":
		_ = k.Buf[i : i+len(k.Buf)] // want: slice
	case "nil":
		*k.Ptr = 1 // want: nil
	case "divide":
		k.Buf[0] = i / k.Div // want: divide
	case "modulo":
		k.Buf[0] = i % k.Div // want: modulo
	case "explicit":
		panic(fmt.Sprintf("work-item %d gave up", i)) // want: explicit
	case "error":
		panic(errTest) // want: error
	case "helper":
		helper(k.Buf, i)
	case "shared-dim":
		_ = it.LocalID(3) // want: shared-dim
	}
}

var errTest = errors.New("test error")

func helper(b []int, i int) {
	b[i*100] = 2 // want: helper
}

func TestPanics(t *testing.T) {
	dev := open(t)
	ctx := context.Background()
	for _, tc := range []struct {
		kind    string
		msg     string
		runtime bool // a runtime.Error
	}{
		{"index", `^runtime error: index out of range \[42\] with length 37$`, true},
		{"slice", `^runtime error: slice bounds out of range \[:42\] with capacity 37$`, true},
		{"nil", `^runtime error: invalid memory address or nil pointer dereference$`, true},
		{"divide", `^runtime error: integer divide by zero$`, true},
		{"modulo", `^runtime error: integer divide by zero$`, true},
		{"explicit", `^work-item 5 gave up$`, false},
		{"error", `^test error$`, false},
		{"helper", `^runtime error: index out of range \[500\] with length 37$`, true},
		{"shared-dim", `^kernel.Item.LocalID: dimension 3 out of range; use 0, 1 or 2$`, false},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			k := &Panics{Kind: tc.kind, At: 5, Buf: make([]int, 37), Ran: make([]int64, 1)}
			for _, grid := range []geobacter.Grid{geobacter.Grid1(37), geobacter.Grid1(100000)} {
				err := geobacter.Launch(ctx, dev, grid, k)
				var p *geobacter.KernelPanic
				if !errors.As(err, &p) {
					t.Fatalf("%v: Launch returned %v, want a *KernelPanic", grid, err)
				}
				if p.Kernel != "godevice_test.Panics" || p.Pos != markedLine(t, tc.kind) || p.WorkItem != [3]int{5, 0, 0} ||
					!regexp.MustCompile(tc.msg).MatchString(p.Msg) {
					t.Errorf("%v: got %+v, want kernel godevice_test.Panics at %s in (5,0,0) with message %s", grid, p, markedLine(t, tc.kind), tc.msg)
				}
				var re runtime.Error
				if errors.As(err, &re) != tc.runtime {
					t.Errorf("errors.As(err, runtime.Error) = %v, want %v", !tc.runtime, tc.runtime)
				}
			}
			if tc.kind == "error" {
				k.Ran[0] = 0
				if err := geobacter.Launch(ctx, dev, geobacter.Grid1(37), k); !errors.Is(err, errTest) {
					t.Errorf("errors.Is(err, errTest) is false for %v", err)
				}
			}
			// The device stays usable.
			k = &Panics{Kind: tc.kind, At: -1, Buf: make([]int, 37), Ran: make([]int64, 1)}
			if err := geobacter.Launch(ctx, dev, geobacter.Grid1(100000), k); err != nil || k.Ran[0] != 100000 {
				t.Fatalf("after a panic: %v, %d work-items ran", err, k.Ran[0])
			}
		})
	}
}

// AllPanic panics in every work-item after counting it.
type AllPanic struct{ Ran []int64 }

func (k *AllPanic) Kernel(it kernel.Item) {
	atomic.AddInt64(&k.Ran[0], 1)
	panic("stop")
}

// TestPanicStopsOtherGroups: every work-item panics, so each worker runs one work-item of one
// group and starts no other.
func TestPanicStopsOtherGroups(t *testing.T) {
	dev := open(t)
	k := &AllPanic{Ran: make([]int64, 1)}
	err := geobacter.Launch(context.Background(), dev, geobacter.Grid1(1<<20).WithGroup(64), k)
	var p *geobacter.KernelPanic
	if !errors.As(err, &p) || p.Msg != "stop" {
		t.Fatalf("Launch = %v", err)
	}
	if n := k.Ran[0]; n < 1 || n > int64(runtime.GOMAXPROCS(0)) {
		t.Fatalf("%d work-items ran; want at most one per worker (%d)", n, runtime.GOMAXPROCS(0))
	}
}

// BarrierPanic panics in work-item At of each group after Barriers barriers.
type BarrierPanic struct {
	At, After int
	Out       []int32
}

func (k *BarrierPanic) Kernel(it kernel.Item) {
	s := kernel.Shared[[64]int32](it)
	l := it.LocalID(0)
	for b := range 3 {
		if b == k.After && l == k.At {
			panic("in a barrier kernel") // want: barrier-panic
		}
		s[l] += int32(b)
		it.Barrier()
	}
	k.Out[it.GlobalID(0)] = s[(l+1)%it.LocalSize(0)]
}

func TestPanicWithBarriers(t *testing.T) {
	dev := open(t)
	ctx := context.Background()
	for _, at := range []int{0, 1, 31, 63} {
		for after := range 3 {
			t.Run(fmt.Sprintf("item%d/after%d", at, after), func(t *testing.T) {
				k := &BarrierPanic{At: at, After: after, Out: make([]int32, 64*40)}
				err := geobacter.Launch(ctx, dev, geobacter.Grid1(64*40).WithGroup(64), k)
				var p *geobacter.KernelPanic
				if !errors.As(err, &p) || p.Msg != "in a barrier kernel" || p.Pos != markedLine(t, "barrier-panic") || p.WorkItem[0]%64 != at {
					t.Fatalf("Launch = %v, want a panic in local work-item %d at %s", err, at, markedLine(t, "barrier-panic"))
				}
				// The group's coroutines were unwound: the same kernel runs cleanly now.
				k = &BarrierPanic{At: -1, Out: make([]int32, 64*40)}
				if err := geobacter.Launch(ctx, dev, geobacter.Grid1(64*40).WithGroup(64), k); err != nil {
					t.Fatal(err)
				}
				for i, v := range k.Out {
					if v != 3 {
						t.Fatalf("Out[%d] = %d after a failed launch, want 3", i, v)
					}
				}
			})
		}
	}
}

// Diverge reaches barriers unevenly, as Mode says.
type Diverge struct{ Mode string }

func (k *Diverge) Kernel(it kernel.Item) {
	l := it.LocalID(0)
	switch k.Mode {
	case "first-returns":
		if l == 0 {
			return
		}
		it.Barrier() // want: first-returns
	case "other-returns":
		if l == 3 {
			return
		}
		it.Barrier() // want: other-returns
	case "first-extra":
		it.Barrier()
		if l == 0 {
			it.Barrier() // want: first-extra
		}
	case "other-extra":
		it.Barrier()
		if l == 2 {
			it.Barrier() // want: other-extra
		}
	}
}

func TestBarrierDivergence(t *testing.T) {
	dev := open(t)
	for _, tc := range []struct {
		mode string
		item int // the waiting work-item the panic names
	}{
		{"first-returns", 1},
		{"other-returns", 0},
		{"first-extra", 0},
		{"other-extra", 2},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			err := geobacter.Launch(context.Background(), dev, geobacter.Grid1(32).WithGroup(16), &Diverge{Mode: tc.mode})
			var p *geobacter.KernelPanic
			if !errors.As(err, &p) || !strings.HasPrefix(p.Msg, "barrier not reached by all work-items") ||
				p.Pos != markedLine(t, tc.mode) || p.WorkItem != [3]int{tc.item, 0, 0} {
				t.Fatalf("Launch = %v, want a barrier divergence in work-item %d at %s", err, tc.item, markedLine(t, tc.mode))
			}
			if err := geobacter.Launch(context.Background(), dev, geobacter.Grid1(32).WithGroup(16), &Diverge{}); err != nil {
				t.Fatalf("after divergence: %v", err)
			}
		})
	}
}

// SharedMisuse breaks the rules of kernel.Shared as Mode says.
type SharedMisuse struct{ Mode string }

func (k *SharedMisuse) Kernel(it kernel.Item) {
	switch k.Mode {
	case "too-big":
		_ = kernel.Shared[[20000]float32](it) // want: too-big
	case "types":
		if it.LocalID(0) == 0 {
			_ = kernel.Shared[[4]int32](it)
		} else {
			_ = kernel.Shared[[4]float32](it) // want: types
		}
		it.Barrier()
	}
}

func TestSharedMisuse(t *testing.T) {
	dev := open(t)
	for mode, msg := range map[string]string{
		"too-big": "exceeds the device's limit of 65536 bytes",
		"types":   "made different Shared calls",
	} {
		err := geobacter.Launch(context.Background(), dev, geobacter.Grid1(8).WithGroup(8), &SharedMisuse{Mode: mode})
		var p *geobacter.KernelPanic
		if !errors.As(err, &p) || !strings.Contains(p.Msg, msg) || p.Pos != markedLine(t, mode) {
			t.Errorf("%s: Launch = %v, want a panic at %s containing %q", mode, err, markedLine(t, mode), msg)
		}
	}
}

// Cancel cancels the launch's context once Stop work-items have run.
type Cancel struct {
	Cancel context.CancelFunc
	Stop   int64
	Ran    []int64
}

func (k *Cancel) Kernel(it kernel.Item) {
	if atomic.AddInt64(&k.Ran[0], 1) == k.Stop {
		k.Cancel()
	}
}

func TestCancel(t *testing.T) {
	dev := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	const n = 1 << 22
	k := &Cancel{Cancel: cancel, Stop: 1000, Ran: make([]int64, 1)}
	err := geobacter.Launch(ctx, dev, geobacter.Grid1(n).WithGroup(64), k)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Launch = %v, want context.Canceled", err)
	}
	if k.Ran[0] >= n/2 {
		t.Fatalf("%d of %d work-items ran after cancellation at 1000", k.Ran[0], n)
	}
	// A context cancelled before the launch runs nothing.
	k.Ran[0] = 0
	if err := geobacter.Launch(ctx, dev, geobacter.Grid1(100), k); !errors.Is(err, context.Canceled) || k.Ran[0] != 0 {
		t.Fatalf("Launch with a cancelled context = %v, %d work-items ran", err, k.Ran[0])
	}
}
