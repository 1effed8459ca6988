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
// sync/atomic's functions and types work on buffer elements as they do on the host. What a device
// cannot do (goroutines, channels, maps, heap allocation, I/O, ...) is listed in the project's
// DESIGN and reported, with positions, by `geobacter vet`.
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
	x, y, z int // global id
	l       int // linear index among the work-items of the group that run
	g       *workgroup.Group
}

// GlobalID returns the work-item's index in the grid in dimension d: GroupID(d)*LocalSize(d) +
// LocalID(d), in 0 ≤ GlobalID(d) < GlobalSize(d).
func (it Item) GlobalID(d int) int {
	switch d {
	case 0:
		return it.x
	case 1:
		return it.y
	case 2:
		return it.z
	}
	panic(dimension("GlobalID", d))
}

// LocalID returns the work-item's index within its work-group in dimension d, in
// 0 ≤ LocalID(d) < LocalSize(d).
func (it Item) LocalID(d int) int {
	return it.GlobalID(d) - it.g.Base[check("LocalID", d)]
}

// GroupID returns the index of the work-item's work-group in dimension d, in
// 0 ≤ GroupID(d) < NumGroups(d).
func (it Item) GroupID(d int) int {
	return it.g.ID[check("GroupID", d)]
}

// GlobalSize returns the grid's size in dimension d: the size given at launch, not rounded up to
// whole groups.
func (it Item) GlobalSize(d int) int {
	return it.g.Launch.Global[check("GlobalSize", d)]
}

// LocalSize returns the launch's work-group size in dimension d. It is the same for every group,
// including a last group that is partly padding.
func (it Item) LocalSize(d int) int {
	return it.g.Launch.Local[check("LocalSize", d)]
}

// NumGroups returns the number of work-groups in dimension d: GlobalSize(d) divided by
// LocalSize(d), rounded up.
func (it Item) NumGroups(d int) int {
	return it.g.Launch.Groups[check("NumGroups", d)]
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
// work-items"). Padded work-items of a partial last group do not run and do not take part.
func (it Item) Barrier() {
	it.g.Barrier(it.l)
}

func check(name string, d int) int {
	if uint(d) > 2 {
		panic(dimension(name, d))
	}
	return d
}

func dimension(name string, d int) string {
	return "kernel.Item." + name + ": dimension " + itoa(d) + " out of range; use 0, 1 or 2"
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

// runItems runs the work-items of g in order, x fastest, on the calling goroutine. It stops after
// the first work-item when a barrier made that work-item the leader of the others.
func runItems(g *workgroup.Group) {
	k := g.Launch.Kernel.(Kernel)
	x0, y0, z0 := g.Base[0], g.Base[1], g.Base[2]
	x1, y1, z1 := x0+g.Size[0], y0+g.Size[1], z0+g.Size[2]
	l := 0
	for z := z0; z < z1; z++ {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				g.Cur = l
				k.Kernel(Item{x: x, y: y, z: z, l: l, g: g})
				if l == 0 && g.Led() {
					g.Finish()
					return
				}
				l++
			}
		}
	}
}

// runItem runs the work-item of g with linear index l.
func runItem(g *workgroup.Group, l int) {
	x, y, z := g.Local(l)
	g.Launch.Kernel.(Kernel).Kernel(Item{x: g.Base[0] + x, y: g.Base[1] + y, z: g.Base[2] + z, l: l, g: g})
}
