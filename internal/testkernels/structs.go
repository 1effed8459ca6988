package testkernels

import (
	"context"

	"github.com/geobacter-go/geobacter/internal/testkernels/lib"
	"github.com/geobacter-go/geobacter/kernel"
)

func structCases() []Case {
	return []Case{
		{Name: "struct/particles", Kernel: (*Particles)(nil), Run: runParticles, Want: wantParticles},
		{Name: "struct/arrays", Kernel: (*ArrayValues)(nil), Run: runArrayValues, Want: wantArrayValues},
		{Name: "struct/layout", Kernel: (*Layout)(nil), Run: runLayout, Want: wantLayout},
	}
}

// Particle is a buffer element with nested structs of another package, an array and a bool.
type Particle struct {
	Pos, Vel lib.Vec3
	Mass     float32
	Tags     [4]uint8
	Alive    bool
	Bounces  int32
}

// step advances p by dt under gravity g, bouncing off the plane y = 0: it changes the buffer
// element through a pointer, calls lib.Vec3's methods and indexes an array field.
func step(p *Particle, g lib.Vec3, dt float32) {
	if !p.Alive {
		return
	}
	p.Vel = p.Vel.Add(g.Scale(dt))
	p.Pos = p.Pos.Add(p.Vel.Scale(dt))
	if p.Pos.Y < 0 {
		p.Pos.Y = -p.Pos.Y
		p.Vel.Y = float32(-p.Vel.Y * 0.5)
		p.Bounces++
		p.Tags[p.Bounces%4]++
	}
	p.Mass = float32(p.Mass * 0.99)
}

// Particles advances particles in place for Steps steps; a dead particle does not move.
type Particles struct {
	P       []Particle
	Gravity lib.Vec3
	Dt      float32
	Steps   int
}

func (k *Particles) Kernel(it kernel.Item) {
	p := &k.P[it.GlobalID(0)]
	for range k.Steps {
		step(p, k.Gravity, k.Dt)
	}
}

// particleSteps, particleDt and particleGravity are the arguments of the particles case.
const (
	particleSteps = 16
	particleDt    = 0.05
)

var particleGravity = lib.Vec3{Y: -9.81}

func particlesIn() []Particle {
	r := newRand(501)
	p := make([]Particle, 200)
	for i := range p {
		p[i] = Particle{
			Pos:   lib.Vec3{X: float32(r.NormFloat64()), Y: float32(r.Float64() * 2), Z: float32(r.NormFloat64())},
			Vel:   lib.Vec3{X: float32(r.NormFloat64()), Y: float32(r.NormFloat64() * 3), Z: float32(r.NormFloat64())},
			Mass:  float32(1 + r.Float64()),
			Tags:  [4]uint8{uint8(i), uint8(i >> 8), 0xff, 0},
			Alive: i%7 != 3,
		}
	}
	return p
}

func runParticles(ctx context.Context, t *Target) (Outputs, error) {
	k := &Particles{P: upload(t, particlesIn()), Gravity: particleGravity, Dt: particleDt, Steps: particleSteps}
	err := launch(ctx, t, shape1(len(k.P), 32).grid(), k)
	return Outputs{"particles": k.P}, err
}

func wantParticles() Outputs {
	p := particlesIn()
	for i := range p {
		for range particleSteps {
			step(&p[i], particleGravity, particleDt)
		}
	}
	return Outputs{"particles": p}
}

// Mat3 is a 3×3 int32 matrix, a buffer element that is an array of arrays.
type Mat3 [3][3]int32

// Mul returns m·n, wrapping: a method on an array type, by value.
func (m Mat3) Mul(n Mat3) Mat3 {
	var p Mat3
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				p[i][j] += m[i][k] * n[k][j]
			}
		}
	}
	return p
}

// ArrayResult is what ArrayValues computes for one item.
type ArrayResult struct {
	Swapped [4]float32 // In[i] with elements 0 and 3 swapped, in a copy
	Negated [4]float32 // In[i] with element i%4 negated, in another copy
	Orig    [4]float32 // In[i] read again through the first copy's source: unchanged
	Prod    Mat3       // M[i]·M[(i+1)%n]
	Local   int32      // from a private array indexed by data
}

// arrayItem is what ArrayValues computes for item i: arrays are values, so changing a copy leaves
// the original alone.
func arrayItem(i int, v [4]float32, m, next Mat3) ArrayResult {
	w := v
	w[i%4] = -w[i%4]
	s := v
	s[0], s[3] = s[3], s[0]
	var a [8]int32
	for j := range a {
		a[j] = int32(i*j) ^ int32(j<<3)
	}
	a[i%8] += 100
	return ArrayResult{Swapped: s, Negated: w, Orig: v, Prod: m.Mul(next), Local: a[(i*3)%8] - a[i%8]}
}

// ArrayValues checks arrays by value: buffers of [4]float32 and of Mat3, copies of array values,
// arrays as arguments and results, a method on an array type and a private array indexed by
// values computed at run time.
type ArrayValues struct {
	V   [][4]float32
	M   []Mat3
	Out []ArrayResult
}

func (k *ArrayValues) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = arrayItem(i, k.V[i], k.M[i], k.M[(i+1)%len(k.M)])
}

func arrayValuesIn() (v [][4]float32, m []Mat3) {
	r := newRand(502)
	for range 100 {
		v = append(v, [4]float32{float32(r.NormFloat64()), float32(r.NormFloat64()), float32(r.NormFloat64()), float32(r.NormFloat64())})
		var mat Mat3
		for i := range 3 {
			for j := range 3 {
				mat[i][j] = int32(r.Uint32())
			}
		}
		m = append(m, mat)
	}
	return v, m
}

func runArrayValues(ctx context.Context, t *Target) (Outputs, error) {
	v, m := arrayValuesIn()
	k := &ArrayValues{V: upload(t, v), M: upload(t, m), Out: alloc[ArrayResult](t, len(v))}
	err := launch(ctx, t, shape1(len(v), 16).grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantArrayValues() Outputs {
	v, m := arrayValuesIn()
	out := make([]ArrayResult, len(v))
	for i := range v {
		out[i] = arrayItem(i, v[i], m[i], m[(i+1)%len(m)])
	}
	return Outputs{"out": out}
}

// Mixed has fields of every size in an order that needs padding, so its layout (Go's rules, the
// same on every device) has holes.
type Mixed struct {
	B   bool
	I8  int8
	U16 uint16
	F64 float64
	I32 int32
	Arr [3]byte
	F32 float32
	U64 uint64
	Ok  bool
}

// next is what Layout makes of m: every field changes, wrapping.
func (m Mixed) next() Mixed {
	m.B = !m.B
	m.I8 = -m.I8
	m.U16 += 1000
	m.F64 *= 0.5
	m.I32 = m.I32*3 + 1
	m.Arr[0], m.Arr[2] = m.Arr[2], m.Arr[0]+1
	m.F32 = -m.F32
	m.U64 ^= 0xffff_0000_ffff_0000
	m.Ok = m.B != m.Ok
	return m
}

// Layout reads and writes a buffer of Mixed, a struct whose fields need padding, through a value
// method: every field must land at the same offset on the device as on the host.
type Layout struct {
	In, Out []Mixed
}

func (k *Layout) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = k.In[i].next()
}

func layoutIn() []Mixed {
	r := newRand(503)
	in := make([]Mixed, 64)
	for i := range in {
		in[i] = Mixed{
			B: i%2 == 0, I8: int8(r.Uint32()), U16: uint16(r.Uint32()), F64: r.NormFloat64(), I32: int32(r.Uint32()),
			Arr: [3]byte{byte(i), byte(r.Uint32()), 0xff}, F32: float32(r.NormFloat64()), U64: r.Uint64(), Ok: i%3 == 0,
		}
	}
	in[0].I8 = -128 // negation wraps
	return in
}

func runLayout(ctx context.Context, t *Target) (Outputs, error) {
	in := layoutIn()
	k := &Layout{In: upload(t, in), Out: alloc[Mixed](t, len(in))}
	err := launch(ctx, t, shape1(len(in), 16).grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantLayout() Outputs { return Outputs{"out": mapSlice(layoutIn(), Mixed.next)} }
