package geobacter

import (
	"fmt"
	"strings"
)

// Grid is a launch's geometry: the number of work-items in 1, 2 or 3 dimensions and, optionally,
// the work-group size. Without WithGroup the device chooses the group size.
//
// The grid is rounded up to whole groups; the padded work-items of a partial last group never run,
// so a kernel that handles one element per work-item needs no bounds test. A kernel whose
// work-items fill shared memory for each other (a tiled matrix product, say) must instead launch
// whole groups: round the grid up to a multiple of the group size itself, and test the data's
// bounds in the kernel (examples/matmul does). A grid with a zero size in some dimension runs
// nothing.
type Grid struct {
	dims  int
	size  [3]int
	group [3]int // zero: the device's choice
	bad   string // a problem found by WithGroup, reported at launch
}

// Grid1 is a 1D grid of x work-items.
func Grid1(x int) Grid { return Grid{dims: 1, size: [3]int{x, 1, 1}} }

// Grid2 is a 2D grid of x×y work-items.
func Grid2(x, y int) Grid { return Grid{dims: 2, size: [3]int{x, y, 1}} }

// Grid3 is a 3D grid of x×y×z work-items.
func Grid3(x, y, z int) Grid { return Grid{dims: 3, size: [3]int{x, y, z}} }

// WithGroup returns the grid with an explicit work-group size, one number per dimension of the
// grid. Kernels that use Barrier or Shared usually need to know it. The group's work-items must be
// within the device's limits (Device.Limits).
func (g Grid) WithGroup(size ...int) Grid {
	if len(size) != g.dims {
		g.bad = fmt.Sprintf("WithGroup got %d size(s) for a %dD grid; give one per dimension", len(size), g.dims)
		return g
	}
	g.group = [3]int{1, 1, 1}
	copy(g.group[:], size)
	return g
}

// Dims returns the number of dimensions, 1 to 3.
func (g Grid) Dims() int { return g.dims }

// Size returns the number of work-items per dimension; unused dimensions are 1.
func (g Grid) Size() [3]int { return g.size }

// Group returns the explicit group size, or zeros when the device chooses.
func (g Grid) Group() [3]int { return g.group }

// String formats g as the Go expression that makes it, such as "Grid2(640, 480).WithGroup(16, 16)".
func (g Grid) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Grid%d(%s)", g.dims, join(g.size[:g.dims]))
	if g.group != [3]int{} {
		fmt.Fprintf(&b, ".WithGroup(%s)", join(g.group[:g.dims]))
	}
	return b.String()
}

func join(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}

// maxWorkItems bounds a grid's work-items, so that every count derived from it fits in an int.
const maxWorkItems = 1 << 62

// resolve checks g against the device's limits and returns the global and group sizes to launch.
// empty reports a grid with a zero dimension, which runs nothing.
func (g Grid) resolve(d *Device) (global, local [3]int, empty bool, err error) {
	fail := func(format string, args ...any) error {
		return &GridError{Grid: g, Device: d.ID(), Reason: fmt.Sprintf(format, args...)}
	}
	if g.dims < 1 || g.dims > 3 {
		return global, local, false, fail("the zero Grid has no dimensions; make one with Grid1, Grid2 or Grid3")
	}
	if g.bad != "" {
		return global, local, false, fail("%s", g.bad)
	}
	lim := d.limits
	for i := range g.dims {
		switch n := g.size[i]; {
		case n < 0:
			return global, local, false, fail("size %d in dimension %d is negative", n, i)
		case n == 0:
			empty = true
		case n > lim.MaxGrid[i]:
			return global, local, false, fail("size %d in dimension %d exceeds the device's maximum of %d", n, i, lim.MaxGrid[i])
		}
	}
	total := 1
	for i := range g.dims {
		if n := g.size[i]; n > 0 && total > maxWorkItems/n {
			return global, local, false, fail("more than 2^62 work-items in all; use a smaller grid")
		} else if n > 0 {
			total *= n
		}
	}
	global = g.size
	local = g.group
	if local == [3]int{} {
		local = d.impl.DefaultGroup(g.dims)
		for i := range 3 {
			local[i] = max(1, min(local[i], global[i]))
		}
		return global, local, empty, nil
	}
	total = 1
	for i := range g.dims {
		n := local[i]
		if n < 1 {
			return global, local, false, fail("group size %d in dimension %d must be at least 1", n, i)
		}
		if n > lim.MaxGroup[i] {
			return global, local, false, fail("group size %d in dimension %d exceeds the device's maximum of %d; use a smaller group", n, i, lim.MaxGroup[i])
		}
		total *= n
	}
	if total > lim.MaxGroupSize {
		return global, local, false, fail("a group of %d work-items exceeds the device's maximum of %d; use a smaller group", total, lim.MaxGroupSize)
	}
	return global, local, empty, nil
}
