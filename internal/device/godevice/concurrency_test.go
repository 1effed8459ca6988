package godevice_test

import (
	"context"
	"sync"
	"testing"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/kernel"
)

// AddIndex adds each work-item's index times K to Out.
type AddIndex struct {
	K   int
	Out []int
}

func (k *AddIndex) Kernel(it kernel.Item) {
	s := kernel.Shared[[32]int](it)
	l := it.LocalID(0)
	s[l] = it.GlobalID(0) * k.K
	it.Barrier()
	k.Out[it.GlobalID(0)] += s[l]
}

// TestConcurrentLaunches launches from many goroutines at once on one device, each on its own
// buffer, with and without barriers, synchronously and asynchronously.
func TestConcurrentLaunches(t *testing.T) {
	dev := open(t)
	ctx := context.Background()
	const goroutines, launches, n = 8, 20, 5000
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Go(func() {
			out := make([]int, n)
			for i := range launches {
				k := &AddIndex{K: g + 1, Out: out}
				grid := geobacter.Grid1(n).WithGroup(32)
				var err error
				if i%2 == 0 {
					err = geobacter.Launch(ctx, dev, grid, k)
				} else {
					var ev *geobacter.Event
					if ev, err = geobacter.LaunchAsync(ctx, dev, grid, k); err == nil {
						err = ev.Wait(ctx)
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
			for i, v := range out {
				if v != launches*(g+1)*i {
					t.Errorf("goroutine %d: out[%d] = %d, want %d", g, i, v, launches*(g+1)*i)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// Nested launches the Inner kernel from the first work-item of each group: outside the kernel
// contract, but the go device must run it rather than deadlock with every worker waiting.
type Nested struct {
	Dev   *geobacter.Device
	Inner [][]int
	Err   []error
}

func (k *Nested) Kernel(it kernel.Item) {
	if it.LocalID(0) != 0 {
		return
	}
	g := it.GroupID(0)
	k.Err[g] = geobacter.Launch(context.Background(), k.Dev, geobacter.Grid1(len(k.Inner[g])).WithGroup(32), &AddIndex{K: 1, Out: k.Inner[g]})
}

func TestNestedLaunch(t *testing.T) {
	dev := open(t)
	const groups = 8
	k := &Nested{Dev: dev, Inner: make([][]int, groups), Err: make([]error, groups)}
	for g := range k.Inner {
		k.Inner[g] = make([]int, 4096)
	}
	if err := geobacter.Launch(context.Background(), dev, geobacter.Grid1(groups*256).WithGroup(256), k); err != nil {
		t.Fatal(err)
	}
	for g, err := range k.Err {
		if err != nil {
			t.Fatalf("inner launch %d: %v", g, err)
		}
		for i, v := range k.Inner[g] {
			if v != i {
				t.Fatalf("inner launch %d: out[%d] = %d", g, i, v)
			}
		}
	}
}
