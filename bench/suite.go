package bench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/geobacter-go/geobacter"
)

// Size selects the problem sizes of the suite.
type Size string

const (
	// Full is the size the suite is measured at: a run takes roughly 5 to 100 ms on the cpu
	// device of a small machine.
	Full Size = "full"
	// Small is for tests: every benchmark in a few milliseconds, with sizes that are not
	// multiples of the group sizes, so partial groups and the kernels' bounds tests are exercised.
	Small Size = "small"
)

// A Benchmark is one problem of the suite.
type Benchmark struct {
	Name  string // "saxpy"
	Unit  string // the metric: "GB/s", "GFLOP/s" or "Giter/s"
	About string // what one run does and how its work is counted

	problem func(Size) problem
}

// Benchmarks returns the suite, in the order it runs.
func Benchmarks() []Benchmark { return suite }

var suite = []Benchmark{
	{
		Name: "saxpy", Unit: "GB/s",
		About: "y = 2·x + y over float32 vectors (2^24 elements); 12 bytes per element: x and y read, y written",
		problem: func(s Size) problem {
			return saxpyProblem{n: pick(s, 1<<24, 1<<16+5)}
		},
	},
	{
		Name: "reduce", Unit: "GB/s",
		About: "the sum of a float32 vector (2^24 elements), a tree in shared memory per group, then an atomic add; 4 bytes per element read",
		problem: func(s Size) problem {
			return reduceProblem{n: pick(s, 1<<24, 1<<16+5)}
		},
	},
	{
		Name: "sgemm", Unit: "GFLOP/s",
		About: "C = A×B, square float32 matrices (512×512), 16×16 tiles in shared memory; 2·n³ flops (a multiply and an add per term)",
		problem: func(s Size) problem {
			return sgemmProblem{n: pick(s, 512, 72)}
		},
	},
	{
		Name: "stencil", Unit: "GB/s",
		About: "4 Jacobi sweeps of the 5-point stencil on a 2048×2048 float32 grid; 8 bytes per interior point and sweep: its value read once (neighbours come from cache), its new value written",
		problem: func(s Size) problem {
			return stencilProblem{n: pick(s, 2048, 100), sweeps: stencilSweeps}
		},
	},
	{
		Name: "nbody", Unit: "GFLOP/s",
		About: "one all-pairs step of 4096 bodies, float32, a square root per pair; 20 flops per pair (sqrt and division counted as one each)",
		problem: func(s Size) problem {
			return nbodyProblem{n: pick(s, 4096, 300)}
		},
	},
	{
		Name: "mandelbrot", Unit: "Giter/s",
		About: "escape times of a 1024×1024 image of the whole set, at most 256 iterations, float32; the work is the sum of the escape times (iterations of z = z² + c done)",
		problem: func(s Size) problem {
			return mandelbrotProblem{n: pick(s, 1024, 120), maxIter: 256}
		},
	},
	{
		Name: "histogram", Unit: "GB/s",
		About: "256 bins of 2^24 bytes, atomic adds into a histogram in shared memory per group, then into the global one; 1 byte per element read",
		problem: func(s Size) problem {
			return histogramProblem{n: pick(s, 1<<24, 1<<16+5)}
		},
	},
}

func pick(s Size, full, small int) int {
	if s == Small {
		return small
	}
	return full
}

// A problem is a benchmark at one size.
type problem interface {
	// params are the numbers that follow the benchmark's name on the command line of the C and
	// OpenCL programs.
	params() []int
	// setup allocates an implementation's buffers in m and initialises them.
	setup(m *mem) (state, error)
	// work is the work of one run in the metric's unit (bytes, flops or iterations), given the
	// reference's state after its run.
	work(ref state) float64
	// checkTolerance is the tolerance of each checksum of the C and OpenCL programs, relative to
	// the sum of the absolute values (check.A) of the reference.
	checkTolerance() []float64
}

// A state is one implementation's buffers.
type state interface {
	// run runs the benchmark once on the target.
	run(ctx context.Context, t target) error
	// verify compares the result of one run with the reference's.
	verify(ref state) error
	// checks returns the checksums of the result, as the C and OpenCL programs compute them.
	checks() []check
}

// implKind is what runs a state.
type implKind int

const (
	serialImpl     implKind = iota // serial Go
	goroutinesImpl                 // goroutine-parallel Go
	deviceImpl                     // a geobacter device
	glslImpl                       // the GLSL reference, through package vk
)

// target is where a run runs: serial or goroutine-parallel Go, a geobacter device, or the GLSL
// reference's Vulkan device.
type target struct {
	kind implKind
	dev  *geobacter.Device
	glsl *glslRef
}

// mem allocates an implementation's buffers: with geobacter.Alloc for a device, so that launches
// copy nothing; in host-visible Vulkan memory for the GLSL reference, whose shaders address the
// buffers directly; else with make.
type mem struct {
	dev   *geobacter.Device
	glsl  *glslRef
	frees []func() error
}

// newMem returns the allocator of a target's buffers.
func newMem(t target) *mem { return &mem{dev: t.dev, glsl: t.glsl} }

func alloc[T any](m *mem, n int) ([]T, error) {
	if m.glsl != nil {
		return glslAlloc[T](m, n)
	}
	if m.dev == nil {
		return make([]T, n), nil
	}
	s, err := geobacter.Alloc[T](m.dev, n)
	if err != nil {
		return nil, err
	}
	m.frees = append(m.frees, func() error { return geobacter.Free(m.dev, s) })
	return s, nil
}

// free releases every buffer allocated in m.
func (m *mem) free() error {
	var errs []error
	for _, f := range m.frees {
		errs = append(errs, f())
	}
	m.frees = nil
	return errors.Join(errs...)
}

// parallelFor runs body over [0, n) cut into GOMAXPROCS contiguous chunks, one goroutine each (the
// caller's goroutine runs the first), and returns when all are done.
func parallelFor(n int, body func(lo, hi int)) {
	p := max(1, min(runtime.GOMAXPROCS(0), n))
	var wg sync.WaitGroup
	for w := 1; w < p; w++ {
		lo, hi := w*n/p, (w+1)*n/p
		wg.Go(func() { body(lo, hi) })
	}
	body(0, n/p)
	wg.Wait()
}

// The inputs are made by the same integer hash in Go and in ref/c/common.h, so the C and OpenCL
// programs compute on the same data.

// hash32 is a 32-bit integer hash (lowbias32, by Chris Wellons).
func hash32(x uint32) uint32 {
	x ^= x >> 16
	x *= 0x7feb352d
	x ^= x >> 15
	x *= 0x846ca68b
	x ^= x >> 16
	return x
}

// rnd is the pseudo-random number of element i of the input with the given seed.
func rnd(i int, seed uint32) uint32 { return hash32(uint32(i)*0x9e3779b9 + seed) }

// unit is a float32 in [0, 1), a multiple of 2^-24, from rnd.
func unit(i int, seed uint32) float32 { return float32(rnd(i, seed)>>8) * 0x1p-24 }

// check is a checksum of a result: S = Σ w_i x_i and A = Σ w_i |x_i| with weights w_i = 1 + i mod
// 7, added in float64 in index order.
type check struct{ S, A float64 }

func checksumFunc(n int, f func(i int) float64) check {
	var c check
	for i := range n {
		w, x := float64(1+i%7), f(i)
		c.S += w * x
		c.A += w * math.Abs(x)
	}
	return c
}

func checksum[T float32 | uint32](x []T) check {
	return checksumFunc(len(x), func(i int) float64 { return float64(x[i]) })
}

// compareFloats returns an error naming the first element of got that differs from want by more
// than tol·max(|want[i]|, scale) (scale 0 makes it a relative tolerance), or NaN.
func compareFloats(what string, got, want []float32, tol, scale float64) error {
	if len(got) != len(want) {
		return fmt.Errorf("%s: %d elements, want %d", what, len(got), len(want))
	}
	for i := range want {
		e := math.Abs(float64(got[i]) - float64(want[i]))
		if !(e <= tol*max(math.Abs(float64(want[i])), scale)) {
			return fmt.Errorf("%s[%d] = %v, serial Go %v: error %.3g exceeds the tolerance %.3g·max(|want|, %.3g)",
				what, i, got[i], want[i], e, tol, scale)
		}
	}
	return nil
}

// compareExact returns an error naming the first element of got that is not equal to want.
func compareExact[T float32 | uint32](what string, got, want []T) error {
	if len(got) != len(want) {
		return fmt.Errorf("%s: %d elements, want %d", what, len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			return fmt.Errorf("%s[%d] = %v, serial Go %v: the results must be equal", what, i, got[i], want[i])
		}
	}
	return nil
}

// ---- saxpy

type saxpyProblem struct{ n int }

type saxpyState struct{ x, y []float32 }

// saxpyA is saxpy's a.
const saxpyA = 2

// saxpyGroup is the work-group size of saxpy on the devices and in GLSL.
const saxpyGroup = 256

// saxpyTol is the relative tolerance of each element after one run: a device may fuse a·x + y
// into one multiply-add, which rounds once instead of twice (2^-24 relative); the inputs are
// positive, so nothing cancels.
const saxpyTol = 1e-6

func (p saxpyProblem) params() []int { return []int{p.n} }

// work is 12 bytes per element: x and y read, y written.
func (p saxpyProblem) work(state) float64        { return 12 * float64(p.n) }
func (p saxpyProblem) checkTolerance() []float64 { return []float64{saxpyTol} }

func (p saxpyProblem) setup(m *mem) (state, error) {
	x, err := alloc[float32](m, p.n)
	if err != nil {
		return nil, err
	}
	y, err := alloc[float32](m, p.n)
	if err != nil {
		return nil, err
	}
	for i := range p.n {
		x[i], y[i] = unit(i, 1), unit(i, 2)
	}
	return &saxpyState{x, y}, nil
}

// saxpyLoop is the serial loop.
func saxpyLoop(a float32, x, y []float32) {
	for i := range y {
		y[i] = a*x[i] + y[i]
	}
}

func (s *saxpyState) run(ctx context.Context, t target) error {
	switch t.kind {
	case serialImpl:
		saxpyLoop(saxpyA, s.x, s.y)
	case goroutinesImpl:
		parallelFor(len(s.y), func(lo, hi int) { saxpyLoop(saxpyA, s.x[lo:hi], s.y[lo:hi]) })
	case glslImpl:
		return s.runGLSL(ctx, t.glsl)
	default:
		return geobacter.Launch(ctx, t.dev, geobacter.Grid1(len(s.y)).WithGroup(saxpyGroup), &Saxpy{A: saxpyA, X: s.x, Y: s.y})
	}
	return nil
}

func (s *saxpyState) verify(ref state) error {
	return compareFloats("y", s.y, ref.(*saxpyState).y, saxpyTol, 0)
}

func (s *saxpyState) checks() []check { return []check{checksum(s.y)} }

// ---- reduce

type reduceProblem struct{ n int }

type reduceState struct {
	in  []float32
	out []float32 // the device's result
	sum float64   // the result of the last run
}

// reduceTol is the tolerance of the sum relative to serial Go's, which adds in float64. The
// kernel adds in float32: an element reaches the total through at most reducePerItem +
// log2(reduceGroup) + (groups) roundings of 2^-24 each, a first-order bound of 6.5e-5 for 2^24
// elements, and rounding errors mostly cancel. The C and OpenCL versions also add in float32, in
// chains of similar or shorter length (OpenMP's per-thread, per-lane sums). A wrong sum is off by
// far more.
const reduceTol = 1e-4

func (p reduceProblem) params() []int { return []int{p.n} }

// work is 4 bytes per element, read.
func (p reduceProblem) work(state) float64        { return 4 * float64(p.n) }
func (p reduceProblem) checkTolerance() []float64 { return []float64{reduceTol} }

func (p reduceProblem) setup(m *mem) (state, error) {
	in, err := alloc[float32](m, p.n)
	if err != nil {
		return nil, err
	}
	out, err := alloc[float32](m, 1)
	if err != nil {
		return nil, err
	}
	for i := range p.n {
		in[i] = unit(i, 3)
	}
	return &reduceState{in: in, out: out}, nil
}

// sumLoop is the serial loop, in float64: a float32 sum of 2^24 elements in one chain would lose
// most of its precision.
func sumLoop(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v)
	}
	return s
}

// reduceGroups is the number of groups of ReduceSum for n elements.
func reduceGroups(n int) int {
	return max(1, (n+reduceGroup*reducePerItem-1)/(reduceGroup*reducePerItem))
}

func (s *reduceState) run(ctx context.Context, t target) error {
	switch t.kind {
	case serialImpl:
		s.sum = sumLoop(s.in)
	case goroutinesImpl:
		p := runtime.GOMAXPROCS(0)
		partial := make([]float64, p)
		var next atomic.Int32
		parallelFor(len(s.in), func(lo, hi int) {
			partial[next.Add(1)-1] = sumLoop(s.in[lo:hi])
		})
		s.sum = 0
		for _, v := range partial {
			s.sum += v
		}
	case glslImpl:
		return s.runGLSL(ctx, t.glsl)
	default:
		s.out[0] = 0
		g := geobacter.Grid1(reduceGroups(len(s.in)) * reduceGroup).WithGroup(reduceGroup)
		if err := geobacter.Launch(ctx, t.dev, g, &ReduceSum{In: s.in, Out: s.out}); err != nil {
			return err
		}
		s.sum = float64(s.out[0])
	}
	return nil
}

func (s *reduceState) verify(ref state) error {
	want := ref.(*reduceState).sum
	if rel := math.Abs(s.sum-want) / want; !(rel <= reduceTol) {
		return fmt.Errorf("sum %v, serial Go %v: relative error %.3g exceeds %g", s.sum, want, rel, reduceTol)
	}
	return nil
}

func (s *reduceState) checks() []check { return []check{{s.sum, math.Abs(s.sum)}} }

// ---- sgemm

type sgemmProblem struct{ n int }

type sgemmState struct {
	n       int
	a, b, c []float32
}

// The matrices hold small integers (-2 to 2), so every product and partial sum is an integer far
// below 2^24, exact in float32 whatever the order of the additions or fused multiply-adds: every
// implementation must match serial Go exactly.

func (p sgemmProblem) params() []int { return []int{p.n} }

// work is 2·n³ flops: a multiply and an add per term.
func (p sgemmProblem) work(state) float64        { return 2 * math.Pow(float64(p.n), 3) }
func (p sgemmProblem) checkTolerance() []float64 { return []float64{0} }

func (p sgemmProblem) setup(m *mem) (state, error) {
	s := &sgemmState{n: p.n}
	var err error
	for _, buf := range []*[]float32{&s.a, &s.b, &s.c} {
		if *buf, err = alloc[float32](m, p.n*p.n); err != nil {
			return nil, err
		}
	}
	for i := range p.n * p.n {
		s.a[i] = float32(int(rnd(i, 4)%5) - 2)
		s.b[i] = float32(int(rnd(i, 5)%5) - 2)
	}
	return s, nil
}

// sgemmRows computes rows [lo, hi) of c = a×b for n×n matrices, in the cache-friendly i-p-j
// order: the inner loop runs along a row of b and a row of c.
func sgemmRows(n int, a, b, c []float32, lo, hi int) {
	for i := lo; i < hi; i++ {
		ci := c[i*n : (i+1)*n]
		clear(ci)
		for p := range n {
			aip := a[i*n+p]
			bp := b[p*n : (p+1)*n]
			for j := range ci {
				ci[j] += aip * bp[j]
			}
		}
	}
}

func (s *sgemmState) run(ctx context.Context, t target) error {
	n := s.n
	switch t.kind {
	case serialImpl:
		sgemmRows(n, s.a, s.b, s.c, 0, n)
	case goroutinesImpl:
		parallelFor(n, func(lo, hi int) { sgemmRows(n, s.a, s.b, s.c, lo, hi) })
	case glslImpl:
		return s.runGLSL(ctx, t.glsl)
	default:
		r := (n + tile - 1) / tile * tile
		g := geobacter.Grid2(r, r).WithGroup(tile, tile)
		return geobacter.Launch(ctx, t.dev, g, &Sgemm{M: n, N: n, K: n, A: s.a, B: s.b, C: s.c})
	}
	return nil
}

func (s *sgemmState) verify(ref state) error { return compareExact("C", s.c, ref.(*sgemmState).c) }
func (s *sgemmState) checks() []check        { return []check{checksum(s.c)} }

// ---- stencil

// stencilGroup is the side of stencil's square work-groups on the devices and in GLSL.
const stencilGroup = 16

// stencilSweeps is the number of Jacobi sweeps in one run of stencil: an even number, so that
// each run reads the buffer that the run before wrote last.
const stencilSweeps = 4

type stencilProblem struct{ n, sweeps int }

type stencilState struct {
	n, sweeps int
	a, b      []float32 // a holds the field before and after a run
}

// Each point is computed with the same float32 operations in the same order everywhere (there is
// no multiply-add to fuse), so every implementation must match serial Go exactly.

func (p stencilProblem) params() []int { return []int{p.n, p.sweeps} }

// work is 8 bytes per interior point and sweep: the point read once (its neighbours are read
// again from cache), its new value written.
func (p stencilProblem) work(state) float64 {
	return 8 * float64(p.n-2) * float64(p.n-2) * float64(p.sweeps)
}

func (p stencilProblem) checkTolerance() []float64 { return []float64{0} }

func (p stencilProblem) setup(m *mem) (state, error) {
	a, err := alloc[float32](m, p.n*p.n)
	if err != nil {
		return nil, err
	}
	b, err := alloc[float32](m, p.n*p.n)
	if err != nil {
		return nil, err
	}
	for i := range a {
		a[i] = unit(i, 6)
	}
	copy(b, a) // the boundary, never written, must be in both
	return &stencilState{n: p.n, sweeps: p.sweeps, a: a, b: b}, nil
}

// jacobiRows computes rows [lo, hi) of one sweep from in to out, interior points only.
func jacobiRows(w int, in, out []float32, lo, hi int) {
	for y := lo; y < hi; y++ {
		for x := 1; x < w-1; x++ {
			i := y*w + x
			out[i] = 0.25 * (in[i-1] + in[i+1] + in[i-w] + in[i+w])
		}
	}
}

func (s *stencilState) run(ctx context.Context, t target) error {
	n := s.n
	in, out := s.a, s.b
	for range s.sweeps {
		switch t.kind {
		case serialImpl:
			jacobiRows(n, in, out, 1, n-1)
		case goroutinesImpl:
			parallelFor(n-2, func(lo, hi int) { jacobiRows(n, in, out, lo+1, hi+1) })
		case glslImpl:
			if err := t.glsl.jacobi(ctx, n, in, out); err != nil {
				return err
			}
		default:
			g := geobacter.Grid2(n-2, n-2).WithGroup(stencilGroup, stencilGroup)
			if err := geobacter.Launch(ctx, t.dev, g, &Jacobi{W: n, H: n, In: in, Out: out}); err != nil {
				return err
			}
		}
		in, out = out, in
	}
	return nil
}

func (s *stencilState) verify(ref state) error {
	return compareExact("field", s.a, ref.(*stencilState).a)
}

func (s *stencilState) checks() []check { return []check{checksum(s.a)} }

// ---- nbody

// nbodyDt and nbodyEps2 are the time step and the softening length squared. The step is long, so
// that a step moves bodies by much more than the rounding of their positions and the check of
// the displacements means something.
const (
	nbodyDt   = 0.1
	nbodyEps2 = 1e-4
)

// nbodyTol bounds the error of each velocity component after one step, relative to the largest
// component of the reference: a device or compiler may fuse the multiply-adds of each pair's
// term and of the sums, which changes last bits of each of the n terms of a sum; the sums of
// thousands of terms of both signs make that a relative error of order 1e-6 of the largest sum.
const nbodyTol = 1e-4

// nbodyCheckTol is the tolerance of the checksums of the C and OpenCL programs over the
// velocities and over the displacements NewPos - Pos: the displacements are rounded to the
// float32 grid of positions near 1 (2^-24), which is about 1e-5 of a typical displacement.
const nbodyCheckTol = 1e-4

// nbodyGroup is the work-group size of nbody on the devices and in GLSL.
const nbodyGroup = 128

type nbodyProblem struct{ n int }

type nbodyState struct {
	pos, newPos []Body
	vel         []Vec3
}

func (p nbodyProblem) params() []int { return []int{p.n} }

// work is 20 flops per pair (see interact).
func (p nbodyProblem) work(state) float64        { return 20 * float64(p.n) * float64(p.n) }
func (p nbodyProblem) checkTolerance() []float64 { return []float64{nbodyCheckTol, nbodyCheckTol} }

func (p nbodyProblem) setup(m *mem) (state, error) {
	pos, err := alloc[Body](m, p.n)
	if err != nil {
		return nil, err
	}
	newPos, err := alloc[Body](m, p.n)
	if err != nil {
		return nil, err
	}
	vel, err := alloc[Vec3](m, p.n)
	if err != nil {
		return nil, err
	}
	mass := 1 / float32(p.n)
	for i := range pos {
		pos[i] = Body{X: 2*unit(i, 7) - 1, Y: 2*unit(i, 8) - 1, Z: 2*unit(i, 9) - 1, Mass: mass}
	}
	return &nbodyState{pos: pos, newPos: newPos, vel: vel}, nil
}

// nbodyRange moves bodies [lo, hi) one step: the same computation as the kernel.
func nbodyRange(pos, newPos []Body, vel []Vec3, lo, hi int) {
	for i := lo; i < hi; i++ {
		p := pos[i]
		var ax, ay, az float32
		for _, q := range pos {
			ax, ay, az = interact(p, q, nbodyEps2, ax, ay, az)
		}
		v := &vel[i]
		v.X += ax * nbodyDt
		v.Y += ay * nbodyDt
		v.Z += az * nbodyDt
		newPos[i] = Body{X: p.X + v.X*nbodyDt, Y: p.Y + v.Y*nbodyDt, Z: p.Z + v.Z*nbodyDt, Mass: p.Mass}
	}
}

func (s *nbodyState) run(ctx context.Context, t target) error {
	switch t.kind {
	case serialImpl:
		nbodyRange(s.pos, s.newPos, s.vel, 0, len(s.pos))
	case goroutinesImpl:
		parallelFor(len(s.pos), func(lo, hi int) { nbodyRange(s.pos, s.newPos, s.vel, lo, hi) })
	case glslImpl:
		return s.runGLSL(ctx, t.glsl)
	default:
		g := geobacter.Grid1(len(s.pos)).WithGroup(nbodyGroup)
		return geobacter.Launch(ctx, t.dev, g, &NBody{Pos: s.pos, NewPos: s.newPos, Vel: s.vel, Dt: nbodyDt, Eps2: nbodyEps2})
	}
	return nil
}

// flatVel returns the velocities' components, x, y, z of each body in turn.
func flatVel(v []Vec3) []float32 {
	out := make([]float32, 0, 3*len(v))
	for _, e := range v {
		out = append(out, e.X, e.Y, e.Z)
	}
	return out
}

// flatBodies returns the positions' components, x, y, z of each body in turn (not the mass).
func flatBodies(b []Body) []float32 {
	out := make([]float32, 0, 3*len(b))
	for _, e := range b {
		out = append(out, e.X, e.Y, e.Z)
	}
	return out
}

func (s *nbodyState) verify(ref state) error {
	r := ref.(*nbodyState)
	want := flatVel(r.vel)
	var scale float64
	for _, v := range want {
		scale = max(scale, math.Abs(float64(v)))
	}
	if err := compareFloats("velocity component", flatVel(s.vel), want, nbodyTol, scale); err != nil {
		return err
	}
	// A position moves by v·dt: its error is that of v times dt, plus a rounding.
	return compareFloats("position component", flatBodies(s.newPos), flatBodies(r.newPos), nbodyTol, scale*nbodyDt)
}

func (s *nbodyState) checks() []check {
	vel := flatVel(s.vel)
	p, np := flatBodies(s.pos), flatBodies(s.newPos)
	return []check{
		checksum(vel),
		checksumFunc(len(p), func(i int) float64 { return float64(np[i]) - float64(p[i]) }),
	}
}

// ---- mandelbrot

type mandelbrotProblem struct{ n, maxIter int }

type mandelbrotState struct {
	n, maxIter int
	iter       []uint32
}

// mandelbrotMaxDiffering is the fraction of pixels whose escape time may differ from serial Go's.
// A compiler that fuses the multiply-adds of escapeTime or of View.point (Go and C allow that)
// rounds differently, and near the boundary of the set, where the iteration is chaotic, some
// pixels then escape at another iteration: emulating fused multiply-adds in Go changes about
// 0.1% of the pixels. A bug changes far more.
const mandelbrotMaxDiffering = 0.01

// mandelbrotCheckTol is the tolerance of the checksum of escape times relative to its sum, for
// the same reason. clang contracts the multiply-adds (-ffp-contract=on is its default for C, and
// OpenCL C allows it too), which changes the checksum by 3.4e-4 for the small image (with
// -ffp-contract=off it is exactly Go's); for the full image, where the pixels that differ escape
// earlier or later about equally often, by less than 1e-6. An error of one iteration in every
// pixel changes it by 2e-2.
const mandelbrotCheckTol = 1e-3

func (p mandelbrotProblem) params() []int             { return []int{p.n, p.maxIter} }
func (p mandelbrotProblem) checkTolerance() []float64 { return []float64{mandelbrotCheckTol} }

// work is the number of iterations of z = z² + c done: the sum of the escape times.
func (p mandelbrotProblem) work(ref state) float64 {
	var total float64
	for _, v := range ref.(*mandelbrotState).iter {
		total += float64(v)
	}
	return total
}

func (p mandelbrotProblem) setup(m *mem) (state, error) {
	iter, err := alloc[uint32](m, p.n*p.n)
	if err != nil {
		return nil, err
	}
	return &mandelbrotState{n: p.n, maxIter: p.maxIter, iter: iter}, nil
}

// mandelbrotView returns the View of an n×n image centred on -0.75+0i, 3 units wide.
func mandelbrotView(n int) View {
	step := float32(3) / float32(n)
	return View{X0: -0.75 - 1.5, Y0: float32(n) / 2 * step, Step: step}
}

// mandelbrotRows computes rows [lo, hi) of the image.
func mandelbrotRows(n, maxIter int, iter []uint32, lo, hi int) {
	v := mandelbrotView(n)
	for py := lo; py < hi; py++ {
		for px := range n {
			cx, cy := v.point(px, py)
			iter[py*n+px] = uint32(escapeTime(cx, cy, maxIter))
		}
	}
}

// mandelbrotChunk is the number of rows a goroutine takes at a time: the rows' costs differ a
// lot, so the goroutines take chunks from a counter rather than one fixed range each.
const mandelbrotChunk = 8

// mandelbrotGroup is the side of mandelbrot's square work-groups on the devices and in GLSL.
const mandelbrotGroup = 16

func (s *mandelbrotState) run(ctx context.Context, t target) error {
	n := s.n
	switch t.kind {
	case serialImpl:
		mandelbrotRows(n, s.maxIter, s.iter, 0, n)
	case goroutinesImpl:
		var next atomic.Int64
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Go(func() {
				for {
					lo := int(next.Add(mandelbrotChunk)) - mandelbrotChunk
					if lo >= n {
						return
					}
					mandelbrotRows(n, s.maxIter, s.iter, lo, min(lo+mandelbrotChunk, n))
				}
			})
		}
		wg.Wait()
	case glslImpl:
		return s.runGLSL(ctx, t.glsl)
	default:
		g := geobacter.Grid2(n, n).WithGroup(mandelbrotGroup, mandelbrotGroup)
		return geobacter.Launch(ctx, t.dev, g, &Mandelbrot{Width: n, View: mandelbrotView(n), MaxIter: s.maxIter, Iter: s.iter})
	}
	return nil
}

func (s *mandelbrotState) verify(ref state) error {
	want := ref.(*mandelbrotState).iter
	differ, first := 0, -1
	for i := range want {
		if s.iter[i] != want[i] {
			if first < 0 {
				first = i
			}
			differ++
		}
	}
	if float64(differ) > mandelbrotMaxDiffering*float64(len(want)) {
		return fmt.Errorf("%d of %d pixels differ from serial Go (more than %g of them), the first (%d, %d): %d, serial Go %d",
			differ, len(want), mandelbrotMaxDiffering, first%s.n, first/s.n, s.iter[first], want[first])
	}
	return nil
}

func (s *mandelbrotState) checks() []check { return []check{checksum(s.iter)} }

// ---- histogram

type histogramProblem struct{ n int }

type histogramState struct {
	data []byte
	bins []uint32
}

func (p histogramProblem) params() []int { return []int{p.n} }

// work is 1 byte per element, read (the 256 bins stay in cache).
func (p histogramProblem) work(state) float64        { return float64(p.n) }
func (p histogramProblem) checkTolerance() []float64 { return []float64{0} }

func (p histogramProblem) setup(m *mem) (state, error) {
	data, err := alloc[byte](m, p.n)
	if err != nil {
		return nil, err
	}
	hist, err := alloc[uint32](m, bins)
	if err != nil {
		return nil, err
	}
	for i := range data {
		// The mean of the four bytes of a random word: a bell around 127, so that the middle bins
		// are hot and contended.
		r := rnd(i, 10)
		data[i] = byte((r&255 + r>>8&255 + r>>16&255 + r>>24) / 4)
	}
	return &histogramState{data: data, bins: hist}, nil
}

// histogramGroups is the number of groups of Histogram for n bytes.
func histogramGroups(n int) int {
	return max(1, (n+histGroup*histPerItem-1)/(histGroup*histPerItem))
}

// histogramLoop counts data into h.
func histogramLoop(data []byte, h *[bins]uint32) {
	for _, b := range data {
		h[b]++
	}
}

func (s *histogramState) run(ctx context.Context, t target) error {
	clear(s.bins)
	switch t.kind {
	case serialImpl:
		histogramLoop(s.data, (*[bins]uint32)(s.bins))
	case goroutinesImpl:
		// Each goroutine counts its chunk into its own histogram, then adds it to the result.
		parallelFor(len(s.data), func(lo, hi int) {
			var h [bins]uint32
			histogramLoop(s.data[lo:hi], &h)
			for b, c := range h {
				if c != 0 {
					atomic.AddUint32(&s.bins[b], c)
				}
			}
		})
	case glslImpl:
		return s.runGLSL(ctx, t.glsl)
	default:
		g := geobacter.Grid1(histogramGroups(len(s.data)) * histGroup).WithGroup(histGroup)
		return geobacter.Launch(ctx, t.dev, g, &Histogram{Data: s.data, Bins: s.bins})
	}
	return nil
}

func (s *histogramState) verify(ref state) error {
	return compareExact("bin", s.bins, ref.(*histogramState).bins)
}

func (s *histogramState) checks() []check { return []check{checksum(s.bins)} }
