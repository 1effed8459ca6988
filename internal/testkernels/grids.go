package testkernels

import (
	"context"
	"sync/atomic"

	"github.com/geobacter-go/geobacter/kernel"
)

func gridCases() []Case {
	return []Case{
		coverageCase("grid/1d", shape1(4133, 64)),
		coverageCase("grid/2d", shape2(67, 29, 8, 4)),
		coverageCase("grid/3d", shape3(13, 7, 5, 4, 4, 2)),
		coverageCase("grid/3d-large", shape3(45, 13, 5, 4, 4, 2)),
		coverageCase("grid/single", shape1(1, 1)),
		coverageCase("grid/group-larger-than-grid", shape2(3, 2, 8, 8)),
		idsCase("grid/ids-1d", shape1(100, 16)),
		idsCase("grid/ids-2d", shape2(10, 7, 4, 3)),
		idsCase("grid/ids-3d", shape3(6, 5, 3, 4, 2, 2)),
		{Name: "grid/default-group", Kernel: (*DefaultGroup)(nil), Run: runDefaultGroup, Want: wantDefaultGroup},
		{Name: "grid/affine-index", Kernel: (*AffineIndex)(nil), Run: runAffineIndex, Want: wantAffineIndex},
	}
}

// linear is the index of global id (x, y, z) in a grid of size, x fastest.
func linear(x, y, z int, size [3]int) int { return (z*size[1]+y)*size[0] + x }

// Coverage checks that every work-item of a grid runs exactly once and the padded work-items of
// partial last groups never run: each work-item writes its coordinates to its own element of
// Out, and counts its write in Hits[its element] and Count[0] atomically. A padded work-item that
// ran would index past its row (aliasing another element, which then counts 2 writes) or past the
// end, and would raise Count above the grid's size.
type Coverage struct {
	Out   [][3]int32
	Hits  []int32
	Count []int64
}

func (k *Coverage) Kernel(it kernel.Item) {
	x, y, z := it.GlobalID(0), it.GlobalID(1), it.GlobalID(2)
	i := linear(x, y, z, [3]int{it.GlobalSize(0), it.GlobalSize(1), it.GlobalSize(2)})
	k.Out[i] = [3]int32{int32(x), int32(y), int32(z)}
	atomic.AddInt32(&k.Hits[i], 1)
	atomic.AddInt64(&k.Count[0], 1)
}

func coverageCase(name string, s shape) Case {
	return Case{
		Name:   name,
		Kernel: (*Coverage)(nil),
		Run: func(ctx context.Context, t *Target) (Outputs, error) {
			n := s.items()
			k := &Coverage{Out: alloc[[3]int32](t, n), Hits: alloc[int32](t, n), Count: alloc[int64](t, 1)}
			err := launch(ctx, t, s.grid(), k)
			return Outputs{"out": k.Out, "hits": k.Hits, "count": k.Count}, err
		},
		Want: func() Outputs {
			n := s.items()
			out := make([][3]int32, 0, n)
			hits := make([]int32, n)
			for z := range s.global[2] {
				for y := range s.global[1] {
					for x := range s.global[0] {
						out = append(out, [3]int32{int32(x), int32(y), int32(z)})
						hits[linear(x, y, z, s.global)] = 1
					}
				}
			}
			return Outputs{"out": out, "hits": hits, "count": []int64{int64(n)}}
		},
	}
}

// ItemIDs are the ids and sizes one work-item sees, per dimension.
type ItemIDs struct {
	Global, Local, Group, LocalSize, NumGroups, GlobalSize [3]int32
}

// RecordIDs records, in the element of each work-item, every id and size it sees.
type RecordIDs struct {
	Out []ItemIDs
}

func (k *RecordIDs) Kernel(it kernel.Item) {
	var ids ItemIDs
	for d := range 3 {
		ids.Global[d] = int32(it.GlobalID(d))
		ids.Local[d] = int32(it.LocalID(d))
		ids.Group[d] = int32(it.GroupID(d))
		ids.LocalSize[d] = int32(it.LocalSize(d))
		ids.NumGroups[d] = int32(it.NumGroups(d))
		ids.GlobalSize[d] = int32(it.GlobalSize(d))
	}
	k.Out[linear(it.GlobalID(0), it.GlobalID(1), it.GlobalID(2), [3]int{it.GlobalSize(0), it.GlobalSize(1), it.GlobalSize(2)})] = ids
}

func idsCase(name string, s shape) Case {
	return Case{
		Name:   name,
		Kernel: (*RecordIDs)(nil),
		Run: func(ctx context.Context, t *Target) (Outputs, error) {
			k := &RecordIDs{Out: alloc[ItemIDs](t, s.items())}
			err := launch(ctx, t, s.grid(), k)
			return Outputs{"out": k.Out}, err
		},
		Want: func() Outputs {
			out := make([]ItemIDs, 0, s.items())
			for z := range s.global[2] {
				for y := range s.global[1] {
					for x := range s.global[0] {
						var ids ItemIDs
						for d, g := range [3]int{x, y, z} {
							l := s.local[d]
							ids.Global[d] = int32(g)
							ids.Local[d] = int32(g % l)
							ids.Group[d] = int32(g / l)
							ids.LocalSize[d] = int32(l)
							ids.NumGroups[d] = int32((s.global[d] + l - 1) / l)
							ids.GlobalSize[d] = int32(s.global[d])
						}
						out = append(out, ids)
					}
				}
			}
			return Outputs{"out": out}
		},
	}
}

// defaultGroupShape is DefaultGroup's grid: 2D, without a group size.
var defaultGroupShape = shape{dims: 2, global: [3]int{50, 30, 1}}

// DefaultGroup checks, on a grid launched without a group size, that the ids and sizes the device
// chose are consistent in every dimension, and that every work-item runs once. Checks[i] is
// {GroupID*LocalSize + LocalID == GlobalID, LocalID < LocalSize, GroupID < NumGroups,
// NumGroups == ⌈GlobalSize / LocalSize⌉, GlobalSize == Size} over all dimensions.
type DefaultGroup struct {
	Size   [3]int
	Checks [][5]bool
	Hits   []int32
}

func (k *DefaultGroup) Kernel(it kernel.Item) {
	c := [5]bool{true, true, true, true, true}
	for d := range 3 {
		c[0] = c[0] && it.GroupID(d)*it.LocalSize(d)+it.LocalID(d) == it.GlobalID(d)
		c[1] = c[1] && 0 <= it.LocalID(d) && it.LocalID(d) < it.LocalSize(d)
		c[2] = c[2] && 0 <= it.GroupID(d) && it.GroupID(d) < it.NumGroups(d)
		c[3] = c[3] && it.NumGroups(d) == (it.GlobalSize(d)+it.LocalSize(d)-1)/it.LocalSize(d)
		c[4] = c[4] && it.GlobalSize(d) == k.Size[d]
	}
	i := linear(it.GlobalID(0), it.GlobalID(1), it.GlobalID(2), k.Size)
	k.Checks[i] = c
	atomic.AddInt32(&k.Hits[i], 1)
}

func runDefaultGroup(ctx context.Context, t *Target) (Outputs, error) {
	s := defaultGroupShape
	k := &DefaultGroup{Size: s.global, Checks: alloc[[5]bool](t, s.items()), Hits: alloc[int32](t, s.items())}
	err := launch(ctx, t, s.grid(), k)
	return Outputs{"checks": k.Checks, "hits": k.Hits}, err
}

func wantDefaultGroup() Outputs {
	n := defaultGroupShape.items()
	checks := make([][5]bool, n)
	hits := make([]int32, n)
	for i := range n {
		checks[i] = [5]bool{true, true, true, true, true}
		hits[i] = 1
	}
	return Outputs{"checks": checks, "hits": hits}
}

// affineShape is AffineIndex's grid: partial last groups in both dimensions.
var affineShape = shape2(37, 11, 8, 4)

// AffineIndex reads its input mirrored in both dimensions, through indices that are affine in
// the work-item's id with coefficients from the arguments (row stride W, step -1), the shape of
// index a compiled device may prove in bounds for a whole group at once.
type AffineIndex struct {
	W, H    int
	In, Out []int32
}

func (k *AffineIndex) Kernel(it kernel.Item) {
	x, y := it.GlobalID(0), it.GlobalID(1)
	k.Out[y*k.W+x] = k.In[(k.H-1-y)*k.W+(k.W-1-x)] + int32(x)
}

func runAffineIndex(ctx context.Context, t *Target) (Outputs, error) {
	w, h := affineShape.global[0], affineShape.global[1]
	in := make([]int32, w*h)
	for i := range in {
		in[i] = int32(i * 7)
	}
	k := &AffineIndex{W: w, H: h, In: upload(t, in), Out: alloc[int32](t, w*h)}
	return Outputs{"out": k.Out}, launch(ctx, t, affineShape.grid(), k)
}

func wantAffineIndex() Outputs {
	w, h := affineShape.global[0], affineShape.global[1]
	out := make([]int32, w*h)
	for y := range h {
		for x := range w {
			out[y*w+x] = int32(((h-1-y)*w+(w-1-x))*7) + int32(x)
		}
	}
	return Outputs{"out": out}
}
