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
