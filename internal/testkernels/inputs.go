package testkernels

import (
	"math"
	"math/rand/v2"

	"github.com/geobacter-go/geobacter"
)

// newRand returns the corpus's deterministic generator for one seed.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x67656f6261637465)) }

// integer is every integer type; the references are written once for all of them.
type integer interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~int | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uint
}

// intEdges returns the values of T at which integer arithmetic done wrong shows: zero, small
// values, both sides of the highest bit (MinInt and MaxInt for signed types), all ones (-1 or
// MaxUint), and alternating bits.
func intEdges[T integer]() []T {
	top := T(1) // becomes the highest bit alone: MinIntN for signed T
	for top<<1 != 0 {
		top <<= 1
	}
	alternating := uint64(0x5555_5555_5555_5555)
	return []T{0, 1, 2, 3, 7, 100, top - 1, top, top + 1, ^T(0), ^T(0) - 1, T(alternating), ^T(alternating)}
}

// intRand returns a random value of T over its whole range.
func intRand[T integer](r *rand.Rand) T { return T(r.Uint64()) }

// intPairs returns every pair of intEdges of T followed by extra random pairs, half of them with a
// small second operand.
func intPairs[T integer](seed uint64, extra int) (a, b []T) {
	edges := intEdges[T]()
	for _, x := range edges {
		for _, y := range edges {
			a, b = append(a, x), append(b, y)
		}
	}
	r := newRand(seed)
	for i := range extra {
		y := intRand[T](r)
		if i%2 == 0 {
			y = T(r.IntN(19)) - 9
		}
		a, b = append(a, intRand[T](r)), append(b, y)
	}
	return a, b
}

// float64Edges are the float64 corner cases: signed zeros, infinities, NaN (a quiet NaN with a
// payload too), the extremes of the normal and subnormal ranges and a few ordinary values.
func float64Edges() []float64 {
	return []float64{
		0, math.Copysign(0, -1), 1, -1, 0.5, -2.5, 3, 0.1,
		math.MaxFloat64, -math.MaxFloat64, 0x1p-1022, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64,
		1e300, math.Inf(1), math.Inf(-1), math.NaN(), math.Float64frombits(0x7ff8_0000_0000_0123),
	}
}

// float32Edges are float64Edges for float32.
func float32Edges() []float32 {
	return []float32{
		0, float32(math.Copysign(0, -1)), 1, -1, 0.5, -2.5, 3, 0.1,
		math.MaxFloat32, -math.MaxFloat32, 0x1p-126, math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
		1e30, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), math.Float32frombits(0x7fc0_0123),
	}
}

// floatPairs returns every pair of edges.
func floatPairs[T float32 | float64](edges []T) (a, b []T) {
	for _, x := range edges {
		for _, y := range edges {
			a, b = append(a, x), append(b, y)
		}
	}
	return a, b
}

// shape is a launch geometry: the grid's size and the group's (all zero for the device's choice).
type shape struct {
	dims          int
	global, local [3]int
}

// shape1 is Grid1(x).WithGroup(gx).
func shape1(x, gx int) shape { return shape{1, [3]int{x, 1, 1}, [3]int{gx, 1, 1}} }

// shape2 is Grid2(x, y).WithGroup(gx, gy).
func shape2(x, y, gx, gy int) shape { return shape{2, [3]int{x, y, 1}, [3]int{gx, gy, 1}} }

// shape3 is Grid3(x, y, z).WithGroup(gx, gy, gz).
func shape3(x, y, z, gx, gy, gz int) shape { return shape{3, [3]int{x, y, z}, [3]int{gx, gy, gz}} }

// items is the number of work-items of the grid.
func (s shape) items() int { return s.global[0] * s.global[1] * s.global[2] }

// grid returns the geobacter.Grid of s.
func (s shape) grid() geobacter.Grid {
	var g geobacter.Grid
	switch s.dims {
	case 1:
		g = geobacter.Grid1(s.global[0])
	case 2:
		g = geobacter.Grid2(s.global[0], s.global[1])
	default:
		g = geobacter.Grid3(s.global[0], s.global[1], s.global[2])
	}
	if s.local == [3]int{} {
		return g
	}
	return g.WithGroup(s.local[:s.dims]...)
}
