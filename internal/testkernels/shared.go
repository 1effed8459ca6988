package testkernels

import (
	"context"

	"github.com/geobacter-go/geobacter/kernel"
)

func sharedCases() []Case {
	return []Case{
		{Name: "shared/reduce-int", Kernel: (*ReduceInt)(nil), Run: runReduceInt, Want: wantReduceInt},
		{Name: "shared/reduce-float32", Kernel: (*ReduceFloat32)(nil), Run: runReduceFloat32, Want: wantReduceFloat32},
		{Name: "shared/transpose", Kernel: (*Transpose)(nil), Run: runTranspose, Want: wantTranspose},
		{Name: "shared/reverse", Kernel: (*ReverseGroup)(nil), Run: runReverseGroup, Want: wantReverseGroup},
		{Name: "shared/mixed-types", Kernel: (*SharedMixed)(nil), Run: runSharedMixed, Want: wantSharedMixed},
		{Name: "shared/scan", Kernel: (*PrefixSum)(nil), Run: runPrefixSum, Want: wantPrefixSum},
		{Name: "shared/mirror-3d", Kernel: (*Mirror3D)(nil), Run: runMirror3D, Want: wantMirror3D},
		{Name: "shared/zeroed", Kernel: (*SharedZeroed)(nil), Run: runSharedZeroed, Want: wantSharedZeroed},
		{Name: "shared/tiled-matmul", Kernel: (*TiledMatMul)(nil), Run: runTiledMatMul, Want: wantTiledMatMul},
	}
}

// groupItems is the number of work-items that run in the group of a 1D work-item: the group size,
// or less in a partial last group.
func groupItems(it kernel.Item) int {
	return min(it.LocalSize(0), it.GlobalSize(0)-it.GroupID(0)*it.LocalSize(0))
}

// chunks splits n items into groups of size, the last one shorter: the [from, to) of each group.
func chunks(n, size int) [][2]int {
	var out [][2]int
	for from := 0; from < n; from += size {
		out = append(out, [2]int{from, min(from+size, n)})
	}
	return out
}

// reduceShape is ReduceInt's grid: 32 groups of 128, the last one partial (32 work-items).
var reduceShape = shape1(4000, 128)

// ReduceInt sums each group's inputs by a tree reduction in shared memory, with a barrier in the
// loop; integer sums wrap. Work-items past a partial group's end do not run: the shared array's
// elements they would write stay zero, as Shared promises. Sums[g] is group g's sum.
type ReduceInt struct {
	In   []int64
	Sums []int64
}

func (k *ReduceInt) Kernel(it kernel.Item) {
	tile := kernel.Shared[[128]int64](it)
	l := it.LocalID(0)
	tile[l] = k.In[it.GlobalID(0)]
	it.Barrier()
	for s := it.LocalSize(0) / 2; s > 0; s /= 2 {
		if l < s {
			tile[l] += tile[l+s]
		}
		it.Barrier()
	}
	if l == 0 {
		k.Sums[it.GroupID(0)] = tile[0]
	}
}

func runReduceInt(ctx context.Context, t *Target) (Outputs, error) {
	in := intValues[int64](201, reduceShape.items())
	groups := len(chunks(reduceShape.global[0], reduceShape.local[0]))
	k := &ReduceInt{In: upload(t, in), Sums: alloc[int64](t, groups)}
	err := launch(ctx, t, reduceShape.grid(), k)
	return Outputs{"sums": k.Sums}, err
}

func wantReduceInt() Outputs {
	in := intValues[int64](201, reduceShape.items())
	var sums []int64
	for _, c := range chunks(len(in), reduceShape.local[0]) {
		var s int64
		for _, v := range in[c[0]:c[1]] {
			s += v
		}
		sums = append(sums, s)
	}
	return Outputs{"sums": sums}
}

// reduceFloatShape is ReduceFloat32's grid: 11 groups of 64, the last one partial (60 work-items).
var reduceFloatShape = shape1(700, 64)

// ReduceFloat32 is ReduceInt for float32 with groups of 64. Float addition is not associative, so
// the reference adds in the same tree order, and the sums are bit-exact.
type ReduceFloat32 struct {
	In   []float32
	Sums []float32
}

func (k *ReduceFloat32) Kernel(it kernel.Item) {
	tile := kernel.Shared[[64]float32](it)
	l := it.LocalID(0)
	tile[l] = k.In[it.GlobalID(0)]
	it.Barrier()
	for s := it.LocalSize(0) / 2; s > 0; s /= 2 {
		if l < s {
			tile[l] += tile[l+s]
		}
		it.Barrier()
	}
	if l == 0 {
		k.Sums[it.GroupID(0)] = tile[0]
	}
}

func reduceFloatIn() []float32 {
	r := newRand(202)
	in := make([]float32, reduceFloatShape.items())
	for i := range in {
		in[i] = float32(r.NormFloat64() * 100)
	}
	return in
}

func runReduceFloat32(ctx context.Context, t *Target) (Outputs, error) {
	in := reduceFloatIn()
	groups := len(chunks(len(in), reduceFloatShape.local[0]))
	k := &ReduceFloat32{In: upload(t, in), Sums: alloc[float32](t, groups)}
	err := launch(ctx, t, reduceFloatShape.grid(), k)
	return Outputs{"sums": k.Sums}, err
}

func wantReduceFloat32() Outputs {
	in := reduceFloatIn()
	size := reduceFloatShape.local[0]
	var sums []float32
	for _, c := range chunks(len(in), size) {
		tile := make([]float32, size)
		copy(tile, in[c[0]:c[1]])
		for s := size / 2; s > 0; s /= 2 {
			for l := range s {
				tile[l] += tile[l+s]
			}
		}
		sums = append(sums, tile[0])
	}
	return Outputs{"sums": sums}
}

// transposeTile is the side of Transpose's square groups and shared tiles.
const transposeTile = 8

// transposeW and transposeH are the size of Transpose's input matrix, multiples of the tile.
const transposeW, transposeH = 40, 24

// Transpose transposes a W×H row-major float32 matrix through a shared tile per 2D group: each
// work-item reads one element into the tile, and after the barrier writes another work-item's
// element to its transposed place.
type Transpose struct {
	W, H    int
	In, Out []float32
}

func (k *Transpose) Kernel(it kernel.Item) {
	tile := kernel.Shared[[transposeTile][transposeTile + 1]float32](it) // a padded row, as GPUs like
	lx, ly := it.LocalID(0), it.LocalID(1)
	bx, by := it.GroupID(0)*transposeTile, it.GroupID(1)*transposeTile
	tile[ly][lx] = k.In[(by+ly)*k.W+bx+lx]
	it.Barrier()
	k.Out[(bx+ly)*k.H+by+lx] = tile[lx][ly]
}

func transposeIn() []float32 {
	in := make([]float32, transposeW*transposeH)
	for i := range in {
		in[i] = float32(i) + 0.25
	}
	return in
}

func runTranspose(ctx context.Context, t *Target) (Outputs, error) {
	k := &Transpose{W: transposeW, H: transposeH, In: upload(t, transposeIn()), Out: alloc[float32](t, transposeW*transposeH)}
	err := launch(ctx, t, shape2(transposeW, transposeH, transposeTile, transposeTile).grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantTranspose() Outputs {
	in := transposeIn()
	out := make([]float32, len(in))
	for y := range transposeH {
		for x := range transposeW {
			out[x*transposeH+y] = in[y*transposeW+x]
		}
	}
	return Outputs{"out": out}
}

// reverseShape is ReverseGroup's grid: groups of 64, the last one partial (44 work-items).
var reverseShape = shape1(300, 64)

// ReverseGroup reverses the inputs within each group through shared memory; a partial last group
// reverses only its work-items that run.
type ReverseGroup struct {
	In, Out []int32
}

func (k *ReverseGroup) Kernel(it kernel.Item) {
	tile := kernel.Shared[[64]int32](it)
	l := it.LocalID(0)
	tile[l] = k.In[it.GlobalID(0)]
	it.Barrier()
	k.Out[it.GlobalID(0)] = tile[groupItems(it)-1-l]
}

func runReverseGroup(ctx context.Context, t *Target) (Outputs, error) {
	in := intValues[int32](203, reverseShape.items())
	k := &ReverseGroup{In: upload(t, in), Out: alloc[int32](t, len(in))}
	err := launch(ctx, t, reverseShape.grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantReverseGroup() Outputs {
	in := intValues[int32](203, reverseShape.items())
	out := make([]int32, 0, len(in))
	for _, c := range chunks(len(in), reverseShape.local[0]) {
		for i := c[1] - 1; i >= c[0]; i-- {
			out = append(out, in[i])
		}
	}
	return Outputs{"out": out}
}

// Pair is a struct in shared memory: its fields have different sizes.
type Pair struct {
	A int16
	B float32
}

// MixedValues is what each work-item of SharedMixed reads back from its neighbour.
type MixedValues struct {
	I int32
	F float64
	B uint8
	P Pair
}

// mixedShape is SharedMixed's grid: groups of 32, the last one partial (4 work-items).
var mixedShape = shape1(100, 32)

// SharedMixed uses four Shared arrays of different element types in one group. Each work-item
// stores values derived from its input in all four; after the barrier it reads those of the next
// work-item of its group (wrapping around within the work-items that run).
type SharedMixed struct {
	In  []int32
	Out []MixedValues
}

func (k *SharedMixed) Kernel(it kernel.Item) {
	ints := kernel.Shared[[32]int32](it)
	floats := kernel.Shared[[32]float64](it)
	bytes := kernel.Shared[[32]uint8](it)
	pairs := kernel.Shared[[32]Pair](it)
	l := it.LocalID(0)
	v := k.In[it.GlobalID(0)]
	ints[l] = v
	floats[l] = float64(v) / 4
	bytes[l] = uint8(v)
	pairs[l] = Pair{A: int16(v), B: float32(v) * 0.5}
	it.Barrier()
	j := (l + 1) % groupItems(it)
	k.Out[it.GlobalID(0)] = MixedValues{I: ints[j], F: floats[j], B: bytes[j], P: pairs[j]}
}

func runSharedMixed(ctx context.Context, t *Target) (Outputs, error) {
	in := intValues[int32](204, mixedShape.items())
	k := &SharedMixed{In: upload(t, in), Out: alloc[MixedValues](t, len(in))}
	err := launch(ctx, t, mixedShape.grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantSharedMixed() Outputs {
	in := intValues[int32](204, mixedShape.items())
	out := make([]MixedValues, len(in))
	for _, c := range chunks(len(in), mixedShape.local[0]) {
		m := c[1] - c[0]
		for l := range m {
			v := in[c[0]+(l+1)%m]
			out[c[0]+l] = MixedValues{I: v, F: float64(v) / 4, B: uint8(v), P: Pair{A: int16(v), B: float32(v) * 0.5}}
		}
	}
	return Outputs{"out": out}
}

// scanShape is PrefixSum's grid: groups of 64, the last one partial (8 work-items).
var scanShape = shape1(200, 64)

// PrefixSum computes each group's inclusive prefix sums (Hillis and Steele), with two barriers in
// each round of a loop.
type PrefixSum struct {
	In, Out []int32
}

func (k *PrefixSum) Kernel(it kernel.Item) {
	tile := kernel.Shared[[64]int32](it)
	l := it.LocalID(0)
	tile[l] = k.In[it.GlobalID(0)]
	it.Barrier()
	for off := 1; off < it.LocalSize(0); off *= 2 {
		var add int32
		if l >= off {
			add = tile[l-off]
		}
		it.Barrier()
		tile[l] += add
		it.Barrier()
	}
	k.Out[it.GlobalID(0)] = tile[l]
}

func scanIn() []int32 {
	r := newRand(205)
	in := make([]int32, scanShape.items())
	for i := range in {
		in[i] = int32(r.IntN(2001) - 1000)
	}
	return in
}

func runPrefixSum(ctx context.Context, t *Target) (Outputs, error) {
	in := scanIn()
	k := &PrefixSum{In: upload(t, in), Out: alloc[int32](t, len(in))}
	err := launch(ctx, t, scanShape.grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantPrefixSum() Outputs {
	in := scanIn()
	out := make([]int32, len(in))
	for _, c := range chunks(len(in), scanShape.local[0]) {
		var s int32
		for i := c[0]; i < c[1]; i++ {
			s += in[i]
			out[i] = s
		}
	}
	return Outputs{"out": out}
}

// mirrorShape is Mirror3D's grid: groups of 4×4×2, partial in every dimension.
var mirrorShape = shape3(10, 9, 7, 4, 4, 2)

// mirrorRounds is the number of rounds Mirror3D runs.
const mirrorRounds = 3

// Mirror3D exchanges values within 3D groups through a 3D shared array, in rounds with barriers:
// in each round every work-item stores its value, and after the barrier takes the value of the
// work-item mirrored through its group's centre (within the work-items that run), plus the round.
type Mirror3D struct {
	In, Out []int32
}

func (k *Mirror3D) Kernel(it kernel.Item) {
	tile := kernel.Shared[[2][4][4]int32](it)
	var l, m [3]int
	for d := range 3 {
		l[d] = it.LocalID(d)
		m[d] = min(it.LocalSize(d), it.GlobalSize(d)-it.GroupID(d)*it.LocalSize(d))
	}
	size := [3]int{it.GlobalSize(0), it.GlobalSize(1), it.GlobalSize(2)}
	i := linear(it.GlobalID(0), it.GlobalID(1), it.GlobalID(2), size)
	v := k.In[i]
	for r := range mirrorRounds {
		tile[l[2]][l[1]][l[0]] = v
		it.Barrier()
		v = tile[m[2]-1-l[2]][m[1]-1-l[1]][m[0]-1-l[0]] + int32(r)
		it.Barrier()
	}
	k.Out[i] = v
}

func runMirror3D(ctx context.Context, t *Target) (Outputs, error) {
	in := intValues[int32](206, mirrorShape.items())
	k := &Mirror3D{In: upload(t, in), Out: alloc[int32](t, len(in))}
	err := launch(ctx, t, mirrorShape.grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantMirror3D() Outputs {
	s := mirrorShape
	v := intValues[int32](206, s.items())
	for r := range mirrorRounds {
		next := make([]int32, len(v))
		for z := range s.global[2] {
			for y := range s.global[1] {
				for x := range s.global[0] {
					var src [3]int
					for d, g := range [3]int{x, y, z} {
						base := g / s.local[d] * s.local[d]
						m := min(s.local[d], s.global[d]-base)
						src[d] = base + m - 1 - (g - base)
					}
					next[linear(x, y, z, s.global)] = v[linear(src[0], src[1], src[2], s.global)] + int32(r)
				}
			}
		}
		v = next
	}
	return Outputs{"out": v}
}

// zeroedShape is SharedZeroed's grid: 5 full groups of 16.
var zeroedShape = shape1(80, 16)

// SharedZeroed checks that Shared memory is zero when each group starts, also when a device
// reuses it from a previous group: each work-item reads its element before anything is written
// (Seen, all 0), then every work-item writes, and after a barrier reads its neighbour's.
type SharedZeroed struct {
	Seen, Out []int32
}

func (k *SharedZeroed) Kernel(it kernel.Item) {
	tile := kernel.Shared[[16]int32](it)
	l, i := it.LocalID(0), it.GlobalID(0)
	k.Seen[i] = tile[l]
	it.Barrier()
	tile[l] = int32(i) + 1
	it.Barrier()
	k.Out[i] = tile[(l+1)%it.LocalSize(0)]
}

func runSharedZeroed(ctx context.Context, t *Target) (Outputs, error) {
	n := zeroedShape.items()
	k := &SharedZeroed{Seen: alloc[int32](t, n), Out: alloc[int32](t, n)}
	err := launch(ctx, t, zeroedShape.grid(), k)
	return Outputs{"seen": k.Seen, "out": k.Out}, err
}

func wantSharedZeroed() Outputs {
	n, size := zeroedShape.items(), zeroedShape.local[0]
	out := make([]int32, n)
	for i := range out {
		g := i / size * size
		out[i] = int32(g+(i-g+1)%size) + 1
	}
	return Outputs{"seen": make([]int32, n), "out": out}
}

// matTile is TiledMatMul's tile and group size in each dimension, and matN its matrices' size:
// not a multiple of the tile, so that edge work-items load zeros.
const (
	matTile = 8
	matN    = 20
)

// TiledMatMul is C = A×B for N×N int32 matrices by tiles in shared memory: a barrier inside a
// loop, values carried around the loop (the sum, the tile's offset) and kept across barriers.
// The grid is whole groups; work-items outside C load zeros and store nothing.
type TiledMatMul struct {
	N       int
	A, B, C []int32
}

func (k *TiledMatMul) Kernel(it kernel.Item) {
	as := kernel.Shared[[matTile][matTile]int32](it)
	bs := kernel.Shared[[matTile][matTile]int32](it)
	tx, ty := it.LocalID(0), it.LocalID(1)
	col, row := it.GlobalID(0), it.GlobalID(1)
	var sum int32
	for t := 0; t < k.N; t += matTile {
		var a, b int32
		if row < k.N && t+tx < k.N {
			a = k.A[row*k.N+t+tx]
		}
		if t+ty < k.N && col < k.N {
			b = k.B[(t+ty)*k.N+col]
		}
		as[ty][tx] = a
		bs[ty][tx] = b
		it.Barrier()
		for i := range matTile {
			sum += as[ty][i] * bs[i][tx]
		}
		it.Barrier()
	}
	if row < k.N && col < k.N {
		k.C[row*k.N+col] = sum
	}
}

func matInputs() (a, b []int32) {
	a, b = make([]int32, matN*matN), make([]int32, matN*matN)
	for i := range a {
		a[i] = int32(i%7) - 3
		b[i] = int32(i%5) - 2
	}
	return a, b
}

func runTiledMatMul(ctx context.Context, t *Target) (Outputs, error) {
	a, b := matInputs()
	whole := (matN + matTile - 1) / matTile * matTile
	k := &TiledMatMul{N: matN, A: upload(t, a), B: upload(t, b), C: alloc[int32](t, matN*matN)}
	return Outputs{"c": k.C}, launch(ctx, t, shape2(whole, whole, matTile, matTile).grid(), k)
}

func wantTiledMatMul() Outputs {
	a, b := matInputs()
	c := make([]int32, matN*matN)
	for i := range matN {
		for j := range matN {
			var s int32
			for k := range matN {
				s += a[i*matN+k] * b[k*matN+j]
			}
			c[i*matN+j] = s
		}
	}
	return Outputs{"c": c}
}
