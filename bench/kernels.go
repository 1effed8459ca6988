package bench

import (
	"math"
	"sync/atomic"

	"github.com/geobacter-go/geobacter/kernel"
)

// The kernels of the suite. Each is launched by its benchmark's device implementation in
// suite.go; ref/c/suite.c and ref/opencl/kernels.cl hold the same computations in C and OpenCL C.

// Saxpy computes Y = A·X + Y, one work-item per element. The grid is exactly len(Y) work-items.
type Saxpy struct {
	A    float32
	X, Y []float32
}

// Kernel runs once per element.
func (k *Saxpy) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Y[i] = k.A*k.X[i] + k.Y[i]
}

// reduceGroup is the work-group size of ReduceSum and the length of its shared array: a power of
// two, which the tree halves at each step.
const reduceGroup = 256

// reducePerItem is about how many elements each work-item of ReduceSum adds up before the tree.
const reducePerItem = 1024

// ReduceSum adds In into Out[0], which must be zero before the launch: each group adds up a
// contiguous chunk of In (work-item l taking elements l, l+size, ... of it), combines its
// work-items' sums with a tree in shared memory, and one work-item adds the group's sum into
// Out[0] atomically. It is launched with whole groups of reduceGroup work-items.
type ReduceSum struct {
	In  []float32
	Out []float32 // one element
}

// Kernel runs once per work-item.
func (k *ReduceSum) Kernel(it kernel.Item) {
	partial := kernel.Shared[[reduceGroup]float32](it)
	l := it.LocalID(0)
	size := it.LocalSize(0)

	chunk := (len(k.In) + it.NumGroups(0) - 1) / it.NumGroups(0)
	start := it.GroupID(0) * chunk
	end := min(start+chunk, len(k.In))
	var s float32
	for i := start + l; i < end; i += size {
		s += k.In[i]
	}
	partial[l] = s
	it.Barrier()

	// Every work-item reaches every barrier, those with nothing to add included.
	for half := size / 2; half > 0; half /= 2 {
		if l < half {
			partial[l] += partial[l+half]
		}
		it.Barrier()
	}
	if l == 0 {
		kernel.AtomicAddFloat32(&k.Out[0], partial[0])
	}
}

// tile is the side of Sgemm's square tiles and work-groups.
const tile = 16

// Sgemm computes C = A×B for row-major float32 matrices, A of M×K, B of K×N, C of M×N, in tiles:
// each 16×16 group computes a 16×16 tile of C, loading one tile of A and one of B into shared
// memory at each step along K. The grid is C rounded up to whole tiles, dimension 0 the column;
// work-items outside C load zeros for the others and store nothing.
type Sgemm struct {
	M, N, K int
	A, B, C []float32
}

// Kernel runs once per element of C, padded to whole tiles.
func (k *Sgemm) Kernel(it kernel.Item) {
	as := kernel.Shared[[tile][tile]float32](it)
	bs := kernel.Shared[[tile][tile]float32](it)
	tx, ty := it.LocalID(0), it.LocalID(1)
	col, row := it.GlobalID(0), it.GlobalID(1)

	var sum float32
	for t := 0; t < k.K; t += tile {
		var a, b float32
		if row < k.M && t+tx < k.K {
			a = k.A[row*k.K+t+tx]
		}
		if t+ty < k.K && col < k.N {
			b = k.B[(t+ty)*k.N+col]
		}
		as[ty][tx] = a
		bs[ty][tx] = b
		it.Barrier()
		for i := range tile {
			sum += as[ty][i] * bs[i][tx]
		}
		it.Barrier()
	}
	if row < k.M && col < k.N {
		k.C[row*k.N+col] = sum
	}
}

// Jacobi is one sweep of the 5-point stencil over a W×H row-major grid, from In to Out: each
// interior point becomes the mean of its four neighbours; the boundary is not written. Work-item
// (x, y) of the (W-2)×(H-2) grid updates point (x+1, y+1).
type Jacobi struct {
	W, H    int
	In, Out []float32
}

// Kernel runs once per interior point.
func (k *Jacobi) Kernel(it kernel.Item) {
	x, y := it.GlobalID(0)+1, it.GlobalID(1)+1
	i := y*k.W + x
	k.Out[i] = 0.25 * (k.In[i-1] + k.In[i+1] + k.In[i-k.W] + k.In[i+k.W])
}

// Body is a body's position and mass, 16 bytes, the same layout in Go, C and OpenCL C.
type Body struct {
	X, Y, Z, Mass float32
}

// Vec3 is a velocity.
type Vec3 struct {
	X, Y, Z float32
}

// NBody is one time step of the all-pairs simulation: work-item i sums the softened gravitational
// acceleration of body i from every body of Pos, updates its velocity Vel[i] and writes its moved
// position to NewPos[i] (semi-implicit Euler).
type NBody struct {
	Pos    []Body
	NewPos []Body
	Vel    []Vec3
	Dt     float32
	Eps2   float32
}

// Kernel runs once per body.
func (k *NBody) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	p := k.Pos[i]
	var ax, ay, az float32
	for _, q := range k.Pos {
		ax, ay, az = interact(p, q, k.Eps2, ax, ay, az)
	}
	v := k.Vel[i]
	v.X += ax * k.Dt
	v.Y += ay * k.Dt
	v.Z += az * k.Dt
	k.Vel[i] = v
	k.NewPos[i] = Body{X: p.X + v.X*k.Dt, Y: p.Y + v.Y*k.Dt, Z: p.Z + v.Z*k.Dt, Mass: p.Mass}
}

// interact adds the acceleration of a body at p due to q to (ax, ay, az): 20 floating-point
// operations, counting the square root and the division as one each (3 subtractions, 3
// multiplications and 3 additions for r², the square root, the reciprocal, 3 multiplications for
// m/r³, 3 multiplications and 3 additions into the sums).
func interact(p, q Body, eps2, ax, ay, az float32) (float32, float32, float32) {
	dx, dy, dz := q.X-p.X, q.Y-p.Y, q.Z-p.Z
	r2 := dx*dx + dy*dy + dz*dz + eps2
	inv := 1 / float32(math.Sqrt(float64(r2)))
	s := q.Mass * inv * inv * inv
	return ax + s*dx, ay + s*dy, az + s*dz
}

// Mandelbrot writes the escape time of every pixel of a Width×Height image to Iter (row-major).
// The grid is exactly the image.
type Mandelbrot struct {
	Width   int
	View    View
	MaxIter int
	Iter    []uint32
}

// View maps pixel (px, py) to the point (X0 + (px+½)·Step, Y0 - (py+½)·Step).
type View struct {
	X0, Y0, Step float32
}

// Kernel runs once per pixel.
func (k *Mandelbrot) Kernel(it kernel.Item) {
	px, py := it.GlobalID(0), it.GlobalID(1)
	cx, cy := k.View.point(px, py)
	k.Iter[py*k.Width+px] = uint32(escapeTime(cx, cy, k.MaxIter))
}

// point returns the point of the plane at the centre of pixel (px, py).
func (v View) point(px, py int) (cx, cy float32) {
	return v.X0 + (float32(px)+0.5)*v.Step, v.Y0 - (float32(py)+0.5)*v.Step
}

// escapeTime returns the number of iterations of z = z² + c, from z = 0, after which |z| > 2, or
// maxIter.
func escapeTime(cx, cy float32, maxIter int) int {
	var x, y float32
	for i := range maxIter {
		x2, y2 := x*x, y*y
		if x2+y2 > 4 {
			return i
		}
		y = 2*x*y + cy
		x = x2 - y2 + cx
	}
	return maxIter
}

// bins is the number of histogram bins, one per byte value.
const bins = 256

// histGroup is Histogram's work-group size.
const histGroup = 256

// histPerItem is about how many bytes each work-item of Histogram counts.
const histPerItem = 256

// Histogram adds the counts of the bytes of Data to Bins: each group counts a contiguous chunk of
// Data into its own histogram in shared memory with atomic adds, then adds its non-zero bins to
// Bins atomically. It is launched with whole groups.
type Histogram struct {
	Data []byte
	Bins []uint32 // bins elements
}

// Kernel runs once per work-item.
func (k *Histogram) Kernel(it kernel.Item) {
	local := kernel.Shared[[bins]uint32](it)
	size := it.LocalSize(0)
	chunk := (len(k.Data) + it.NumGroups(0) - 1) / it.NumGroups(0)
	start := it.GroupID(0) * chunk
	end := min(start+chunk, len(k.Data))
	for i := start + it.LocalID(0); i < end; i += size {
		atomic.AddUint32(&local[k.Data[i]], 1)
	}
	it.Barrier()
	for b := it.LocalID(0); b < bins; b += size {
		if n := local[b]; n != 0 {
			atomic.AddUint32(&k.Bins[b], n)
		}
	}
}
