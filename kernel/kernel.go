// Package kernel is what kernels import: the Kernel interface, the work-item handle Item with its
// ids, sizes and barrier, work-group shared memory, and the float atomics that sync/atomic lacks.
//
// A kernel is a struct type whose pointer has the method Kernel(Item). The struct's fields are the
// kernel's arguments: read-only, and shared by every work-item of a launch. The method runs once
// per work-item of the grid:
//
//	type Saxpy struct {
//		A    float32
//		X, Y []float32
//	}
//
//	func (k *Saxpy) Kernel(it kernel.Item) {
//		i := it.GlobalID(0)
//		k.Y[i] += k.A * k.X[i]
//	}
//
// Every function here has a pure-Go body: on the `go` device that body is what runs. The other
// devices compile the kernel and implement each function as its doc comment says; the doc comments
// are the contract every device keeps.
//
// Inside a kernel the rest of Go works with its usual meaning (wrapping integer arithmetic, shifts
// by at least the width, panics on index out of range, nil dereference and division by zero), and
// sync/atomic's functions and types work on buffer elements as they do on the host. The compiled
// devices accept a subset of Go: no goroutines, channels, select, defer, maps, interface method
// calls, heap allocation (make, new, escaping composite literals), strings beyond constants, I/O,
// or writes to the argument struct; recursion is rejected on devices that forbid it. The `go`
// device runs any Go, so keep kernels to the subset to move them between devices unchanged.
//
// This package imports nothing from the module except its own execution engine for the `go`
// device (internal/workgroup), so any package can import it.
package kernel

import "github.com/geobacter-go/geobacter/internal/workgroup"

// Kernel is implemented by a pointer to a kernel's argument struct. Kernel runs once per work-item;
// it must not write to the argument struct's own fields (write through its slices instead).
type Kernel interface {
	Kernel(Item)
}

// Item is one work-item: its position in the grid and in its work-group, the sizes of both, and
// the work-group's barrier. Items are made by the device that runs the kernel; the zero Item is not
// usable.
//
// Dimensions are numbered 0 (x), 1 (y) and 2 (z). A 1D grid has size 1 in dimensions 1 and 2 (ids
// there are 0), a 2D grid in dimension 2. A dimension d outside 0..2 panics.
//
// A grid is cut into work-groups of the launch's group size (see geobacter.Grid.WithGroup). When
// the grid is not a multiple of the group size the last group in a dimension is partly padding:
// padded work-items never run, so a kernel needs no bounds test against the grid.
type Item struct {
	// A pointer to the work-item's ids keeps Item one machine word: the `go` device passes it in a
	// register and an inlined GlobalID is one load.
	w *workgroup.WorkItem
}

// GlobalID returns the work-item's index in the grid in dimension d: GroupID(d)*LocalSize(d) +
// LocalID(d), in 0 ≤ GlobalID(d) < GlobalSize(d).
func (it Item) GlobalID(d int) int {
	if uint(d) > 2 {
		badDimension("GlobalID", d)
	}
	return it.w.Global[d]
}

// LocalID returns the work-item's index within its work-group in dimension d, in
// 0 ≤ LocalID(d) < LocalSize(d).
func (it Item) LocalID(d int) int {
	if uint(d) > 2 {
		badDimension("LocalID", d)
	}
	return it.w.Global[d] - it.w.G.Base[d]
}

// GroupID returns the index of the work-item's work-group in dimension d, in
// 0 ≤ GroupID(d) < NumGroups(d).
func (it Item) GroupID(d int) int {
	if uint(d) > 2 {
		badDimension("GroupID", d)
	}
	return it.w.G.ID[d]
}

// GlobalSize returns the grid's size in dimension d: the size given at launch, not rounded up to
// whole groups.
func (it Item) GlobalSize(d int) int {
	if uint(d) > 2 {
		badDimension("GlobalSize", d)
	}
	return it.w.G.Launch.Global[d]
}

// LocalSize returns the launch's work-group size in dimension d. It is the same for every group,
// including a last group that is partly padding.
func (it Item) LocalSize(d int) int {
	if uint(d) > 2 {
		badDimension("LocalSize", d)
	}
	return it.w.G.Launch.Local[d]
}

// NumGroups returns the number of work-groups in dimension d: GlobalSize(d) divided by
// LocalSize(d), rounded up.
func (it Item) NumGroups(d int) int {
	if uint(d) > 2 {
		badDimension("NumGroups", d)
	}
	return it.w.G.Launch.Groups[d]
}

// Barrier waits until every work-item of the work-group that runs has called it, then returns in
// all of them. Writes made before the barrier to shared memory (Shared) and to buffers by any
// work-item of the group are visible after it to every work-item of the group (a work-group memory
// fence on shared and global memory). Work-items of other groups are not synchronised.
//
// Every work-item of the group must reach the same sequence of barriers: a barrier inside control
// flow that differs between the work-items of one group is undefined on GPUs (it hangs or corrupts
// memory). The `go` device detects a group in which some work-items returned or panicked while
// others wait at a barrier, and reports it as a kernel panic ("barrier not reached by all
// work-items"). Padded work-items of a partial last group do not run and do not take part: a
// kernel whose work-items load shared memory for each other should be launched on whole groups
// (see geobacter.Grid).
func (it Item) Barrier() {
	it.w.G.Barrier(it.w)
}

//go:noinline
func badDimension(name string, d int) {
	panic("kernel.Item." + name + ": dimension " + itoa(d) + " out of range; use 0, 1 or 2")
}

func itoa(d int) string {
	if d < 0 {
		return "-" + itoa(-d)
	}
	if d < 10 {
		return string(rune('0' + d))
	}
	return itoa(d/10) + string(rune('0'+d%10))
}

func init() {
	workgroup.RunItems = runItems
	workgroup.RunItem = runItem
}

// runItems runs the work-items of g in order, x fastest, on the calling goroutine, all with the
// one WorkItem g.Seq. When a barrier makes the first work-item the leader of the others, they have
// run as its followers by the time it returns, and runItems stops there.
func runItems(g *workgroup.Group) {
	k := g.Launch.Kernel.(Kernel)
	w := &g.Seq
	x0, y0, z0 := g.Base[0], g.Base[1], g.Base[2]
	x1, y1, z1 := x0+g.Size[0], y0+g.Size[1], z0+g.Size[2]
	w.Global = [3]int{x0, y0, z0}
	k.Kernel(Item{w})
	if g.Led() {
		g.Finish()
		return
	}
	start := x0 + 1 // the first row goes on after the first work-item
	for z := z0; z < z1; z++ {
		w.Global[2] = z
		for y := y0; y < y1; y++ {
			w.Global[1] = y
			for x := start; x < x1; x++ {
				w.Global[0] = x
				k.Kernel(Item{w})
			}
			start = x0
		}
	}
}

// runItem runs the work-item w of its group.
func runItem(w *workgroup.WorkItem) {
	w.G.Launch.Kernel.(Kernel).Kernel(Item{w})
}
