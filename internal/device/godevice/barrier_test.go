package godevice_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/kernel"
)

func open(t testing.TB) *geobacter.Device {
	t.Helper()
	dev, err := geobacter.Open(context.Background(), "go")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	return dev
}

// Rotate checks barriers and shared memory in any group shape: every work-item writes its linear
// local index to shared memory, and after a barrier reads its neighbour's (the next index,
// wrapping); it does that twice through two shared arrays, then writes what it saw.
type Rotate struct {
	Out   []int32 // per work-item: the value read after the barriers
	Ran   []int32 // per work-item: how often it ran
	Count []int64 // [0]: work-items that ran
}

func (k *Rotate) Kernel(it kernel.Item) {
	a := kernel.Shared[[1024]int32](it)
	b := kernel.Shared[[1024]int16](it)
	lx, ly, lz := it.LocalID(0), it.LocalID(1), it.LocalID(2)
	sx, sy := it.LocalSize(0), it.LocalSize(1)
	// The work-items that run: fewer than the group in a partial last group.
	nx := min(sx, it.GlobalSize(0)-it.GroupID(0)*sx)
	ny := min(sy, it.GlobalSize(1)-it.GroupID(1)*sy)
	nz := min(it.LocalSize(2), it.GlobalSize(2)-it.GroupID(2)*it.LocalSize(2))
	n := nx * ny * nz
	l := lx + nx*(ly+ny*lz)
	if a[l] != 0 || b[l] != 0 {
		panic("shared memory not zeroed at group start")
	}
	a[l] = int32(l + 1)
	it.Barrier()
	next := a[(l+1)%n]
	it.Barrier()
	b[l] = int16(next)
	it.Barrier()
	got := int32(b[(l+1)%n])
	gx, gy, gz := it.GlobalID(0), it.GlobalID(1), it.GlobalID(2)
	i := gx + it.GlobalSize(0)*(gy+it.GlobalSize(1)*gz)
	k.Out[i] = got
	k.Ran[i]++
	atomic.AddInt64(&k.Count[0], 1)
}

func checkRotate(t *testing.T, dev *geobacter.Device, grid, group [3]int, dims int) {
	t.Helper()
	total := grid[0] * grid[1] * grid[2]
	k := &Rotate{Out: make([]int32, total), Ran: make([]int32, total), Count: make([]int64, 1)}
	var g geobacter.Grid
	switch dims {
	case 1:
		g = geobacter.Grid1(grid[0]).WithGroup(group[0])
	case 2:
		g = geobacter.Grid2(grid[0], grid[1]).WithGroup(group[0], group[1])
	default:
		g = geobacter.Grid3(grid[0], grid[1], grid[2]).WithGroup(group[0], group[1], group[2])
	}
	if err := geobacter.Launch(context.Background(), dev, g, k); err != nil {
		t.Fatalf("%v: %v", g, err)
	}
	if k.Count[0] != int64(total) {
		t.Fatalf("%v: %d work-items ran, want %d", g, k.Count[0], total)
	}
	for z := range grid[2] {
		for y := range grid[1] {
			for x := range grid[0] {
				i := x + grid[0]*(y+grid[1]*z)
				// Expected: the value two places on, in the group's running box.
				var n, l [3]int
				for d, v := range [3]int{x, y, z} {
					base := v / group[d] * group[d]
					n[d] = min(group[d], grid[d]-base)
					l[d] = v - base
				}
				cnt := n[0] * n[1] * n[2]
				lin := l[0] + n[0]*(l[1]+n[1]*l[2])
				want := int32((lin+2)%cnt + 1)
				if k.Ran[i] != 1 || k.Out[i] != want {
					t.Fatalf("%v: work-item (%d,%d,%d) ran %d times and read %d, want once and %d", g, x, y, z, k.Ran[i], k.Out[i], want)
				}
			}
		}
	}
}

// TestBarrierEveryGroupSize1D runs the barrier kernel with every 1D group size up to the device's
// limit, on grids that end in a partial group.
func TestBarrierEveryGroupSize1D(t *testing.T) {
	dev := open(t)
	max := dev.Limits().MaxGroupSize
	step := 1
	if testing.Short() || raceEnabled {
		step = 7 // still covers 1, 1024 and a spread in between
	}
	for size := 1; size <= max; size += step {
		checkRotate(t, dev, [3]int{2*size + size/2 + 1, 1, 1}, [3]int{size, 1, 1}, 1)
	}
	checkRotate(t, dev, [3]int{3*max - 1, 1, 1}, [3]int{max, 1, 1}, 1)
}

func TestBarrierGroupShapes(t *testing.T) {
	dev := open(t)
	lim := dev.Limits()
	for _, tc := range []struct {
		dims        int
		grid, group [3]int
	}{
		{2, [3]int{33, 17, 1}, [3]int{8, 4, 1}},
		{2, [3]int{64, 64, 1}, [3]int{16, 16, 1}},
		{2, [3]int{5, 1000, 1}, [3]int{1, 1024, 1}},
		{2, [3]int{1025, 3, 1}, [3]int{1024, 1, 1}},
		{2, [3]int{100, 100, 1}, [3]int{32, 32, 1}},
		{3, [3]int{13, 7, 5}, [3]int{4, 4, 2}},
		{3, [3]int{8, 8, 130}, [3]int{2, 8, lim.MaxGroup[2]}},
		{3, [3]int{9, 9, 9}, [3]int{8, 8, 8}},
		{3, [3]int{3, 3, 3}, [3]int{4, 4, 4}},
		{3, [3]int{17, 3, 2}, [3]int{16, 2, 1}},
	} {
		t.Run(fmt.Sprintf("%dD/%v/%v", tc.dims, tc.grid, tc.group), func(t *testing.T) {
			checkRotate(t, dev, tc.grid, tc.group, tc.dims)
		})
	}
}

// Ids records what every work-item sees, without barriers.
type Ids struct {
	Out []([6][3]int)
}

func (k *Ids) Kernel(it kernel.Item) {
	x, y, z := it.GlobalID(0), it.GlobalID(1), it.GlobalID(2)
	i := x + it.GlobalSize(0)*(y+it.GlobalSize(1)*z)
	for d := range 3 {
		k.Out[i][0][d] = it.GlobalID(d)
		k.Out[i][1][d] = it.LocalID(d)
		k.Out[i][2][d] = it.GroupID(d)
		k.Out[i][3][d] = it.GlobalSize(d)
		k.Out[i][4][d] = it.LocalSize(d)
		k.Out[i][5][d] = it.NumGroups(d) + 1 // +1: zero means "not written"
	}
}

func TestIds(t *testing.T) {
	dev := open(t)
	grid, group := [3]int{11, 6, 3}, [3]int{4, 4, 2}
	k := &Ids{Out: make([][6][3]int, grid[0]*grid[1]*grid[2])}
	if err := geobacter.Launch(context.Background(), dev, geobacter.Grid3(11, 6, 3).WithGroup(4, 4, 2), k); err != nil {
		t.Fatal(err)
	}
	for z := range grid[2] {
		for y := range grid[1] {
			for x := range grid[0] {
				id := [3]int{x, y, z}
				var want [6][3]int
				for d := range 3 {
					want[0][d] = id[d]
					want[1][d] = id[d] % group[d]
					want[2][d] = id[d] / group[d]
					want[3][d] = grid[d]
					want[4][d] = group[d]
					want[5][d] = (grid[d]+group[d]-1)/group[d] + 1
				}
				if got := k.Out[x+grid[0]*(y+grid[1]*z)]; got != want {
					t.Fatalf("work-item %v saw %v, want %v", id, got, want)
				}
			}
		}
	}
	// Default group sizes are clamped to small grids.
	k = &Ids{Out: make([][6][3]int, 3)}
	if err := geobacter.Launch(context.Background(), dev, geobacter.Grid1(3), k); err != nil {
		t.Fatal(err)
	}
	if got := k.Out[2][4]; got != [3]int{3, 1, 1} {
		t.Errorf("default group for Grid1(3) = %v, want [3 1 1]", got)
	}
}
