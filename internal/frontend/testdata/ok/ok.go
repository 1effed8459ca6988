package ok

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"sync/atomic"
	"unicode/utf8"

	"github.com/geobacter-go/geobacter/kernel"
)

// Closures calls function literals that capture nothing, directly and through a local, and a
// method expression.
type Closures struct{ Out []int32 }

func (k *Closures) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	sq := func(x int32) int32 { return x * x }
	v := sq(k.Out[i])
	v += func(a, b int32) int32 { return a - b }(v, 3)
	get := pair.sum
	k.Out[i] = v + get(pair{A: 1, B: 2})
}

// MethodValue calls a method value of a concrete type: a static callee bound to a copy of its
// receiver.
type MethodValue struct{ Out []int32 }

func (k *MethodValue) Kernel(it kernel.Item) {
	p := pair{A: 3, B: int32(it.GlobalID(0))}
	f := p.sum
	k.Out[it.GlobalID(0)] = f()
}

// Generics instantiates generic helpers and a generic type with value and pointer methods.
type Generics struct {
	I   []int32
	F   []float64
	V   []vec2[float32]
	Out []float64
}

func (k *Generics) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	n := clamp(k.I[i], -10, 10)
	x := clamp(k.F[i], 0, 1)
	v := k.V[i].add(vec2[float32]{X: 1, Y: 2})
	v.scale(2)
	k.Out[i] = float64(n) + x + float64(v.X+v.Y) + float64(sumOf(k.I[:i]))
}

// Control uses labelled loops with break and continue, goto, switches with fallthrough and
// without a tag, and range over an integer.
type Control struct {
	N   int
	Out []int32
}

func (k *Control) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	var acc int32
outer:
	for a := 0; a < k.N; a++ {
		for b := range 8 {
			switch {
			case a*b > 20:
				break outer
			case (a+b)%3 == 0:
				continue outer
			}
			switch b % 4 {
			case 0:
				acc++
				fallthrough
			case 1:
				acc += 2
			default:
				acc--
			}
		}
	}
	j := 0
again:
	if j < i%5 {
		j++
		goto again
	}
	k.Out[i] = acc + int32(j)
}

// Structs keeps an array of structs by value, passes it by value, calls value and pointer
// methods on its elements and returns a struct from a helper.
type Structs struct {
	P   []pair
	Out []pair
}

func firstOf(ps [4]pair) pair { return ps[0] }

func (k *Structs) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	var ps [4]pair
	for j := range ps {
		ps[j] = k.P[(i+j)%len(k.P)]
	}
	ps[1].swap()
	copyOf := ps
	copyOf[2].A = ps[3].sum()
	k.Out[i] = firstOf(copyOf)
}

// IntOps divides by variables, shifts by signed counts and takes two results from a helper.
type IntOps struct {
	A, B []int32
	U    []uint64
	S    []int64
	Out  []int64
}

func (k *IntOps) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	a, b := k.A[i], k.B[i]|1
	q, r := divmod(a, b)
	s := k.S[i] & 63
	u := k.U[i]
	k.Out[i] = int64(q) + int64(r) + int64(a<<b) + int64(a>>s) + int64(u/uint64(b)) + int64(u%uint64(s|1)) + int64(u>>s) + int64(u<<int8(s))
}

// Pointers passes pointers to locals, to an element of a local array and to a field of a local
// struct to helpers, and calls a pointer method on a local.
type Pointers struct{ Out []int32 }

func (k *Pointers) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	var acc int32
	addTo(&acc, k.Out[i])
	var arr [4]int32
	fill(&arr, acc)
	addTo(&arr[2], 5)
	p := pair{A: 1}
	addTo(&p.B, arr[2])
	var a accumulate
	a.add(p.B)
	a.add(arr[3])
	k.Out[i] = acc + int32(a.sum) + a.n + p.A + p.B + int32(rowOf(it))
}

// cell is a buffer element with sync/atomic values.
type cell struct {
	Hits  atomic.Int32
	Total atomic.Uint64
	Plain int32
}

// Atomics uses sync/atomic's types and functions on buffer elements, and kernel's float
// atomics.
type Atomics struct {
	Cells  []cell
	Counts []int32
	Sum    []float32
	X      []float32
}

func (k *Atomics) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	c := &k.Cells[i%len(k.Cells)]
	c.Hits.Add(1)
	if !c.Total.CompareAndSwap(0, 1) {
		c.Total.Add(uint64(c.Hits.Load()))
	}
	atomic.AddInt32(&k.Counts[i%len(k.Counts)], 1)
	atomic.StoreInt32(&c.Plain, atomic.LoadInt32(&k.Counts[0]))
	kernel.AtomicAddFloat32(&k.Sum[0], k.X[i])
	kernel.AtomicMaxFloat32(&k.Sum[1], k.X[i])
}

// Maths calls functions of math and math/bits.
type Maths struct {
	X   []float64
	F   []float32
	U   []uint64
	Out []float64
}

func (k *Maths) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	x, f, u := k.X[i], k.F[i], k.U[i]
	r := math.Sqrt(math.Abs(x)) + math.Exp(-x*x) + math.Floor(x) + math.Trunc(x) + math.Mod(x, 3)
	r += math.Pow(2, x) + math.FMA(x, x, 1) + math.Hypot(x, 2) + math.Max(x, 0) + math.Min(x, 1)
	frac, exp := math.Frexp(x)
	r += math.Ldexp(frac, exp) + math.Copysign(1, x) + float64(math.Float32bits(f)>>20)
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Signbit(x) {
		r = math.Inf(1)
	}
	hi, lo := bits.Mul64(u, u|1)
	sum, carry := bits.Add64(hi, lo, 1)
	q, _ := bits.Div64(0, sum, u|1)
	n := bits.OnesCount32(uint32(u)) + bits.LeadingZeros64(u) + bits.TrailingZeros16(uint16(u)) + bits.Len(uint(u))
	b := bits.RotateLeft32(uint32(u), -3) ^ uint32(bits.Reverse8(uint8(u)))
	k.Out[i] = r + float64(n) + float64(b) + float64(q) + float64(carry)
}

// MathTables calls math.Sincos, whose Go body reads tables in package-level variables: the
// frontend lowers it to the sin and cos intrinsics; and math.Pow10, whose body reads read-only
// tables, lowered as they are.
type MathTables struct{ X []float64 }

func (k *MathTables) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	s, c := math.Sincos(k.X[i])
	k.X[i] = s + c + math.Pow(10, float64(i%10)) + math.Pow10(i%10)
}

// Shared makes two work-group shared variables at the top of the kernel, and uses them around
// a barrier.
type Shared struct {
	In, Out []float32
}

func (k *Shared) Kernel(it kernel.Item) {
	tile := kernel.Shared[[64]float32](it)
	count := kernel.Shared[int32](it)
	l, g := it.LocalID(0), it.GlobalID(0)
	tile[l] = k.In[g]
	if l == 0 {
		*count = int32(it.LocalSize(0))
	}
	it.Barrier()
	k.Out[g] = tile[(l+1)%it.LocalSize(0)] * float32(*count)
}

// MinMax uses the min and max builtins on integers and floats, with two and three operands.
type MinMax struct {
	I   []int32
	F   []float32
	Out []float32
}

func (k *MinMax) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	n := min(k.I[i], 100, int32(i)) + max(k.I[i], -100)
	k.Out[i] = max(k.F[i], 0) + min(k.F[i], 1, float32(n))
}

// Slices copies between buffers and slices buffers and local arrays with 2 and 3 indices.
type Slices struct {
	Src, Dst []int32
	Lens     []int
}

func (k *Slices) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	lo, hi := i, min(i+4, len(k.Src))
	n := copy(k.Dst[lo:hi], k.Src[lo:])
	s := k.Src[lo:hi:hi]
	t := k.Dst[:lo]
	var a [8]int32
	m := copy(a[1:3], s)
	b := a[:2:4]
	k.Lens[i] = n + m + len(s) + cap(s) + len(t) + len(b) + cap(b) + int(a[1])
}

// ConstArg has a specialisation argument.
type ConstArg struct {
	Width int `geobacter:"const"`
	Out   []int32
}

func (k *ConstArg) Kernel(it kernel.Item) {
	k.Out[it.GlobalID(1)*k.Width+it.GlobalID(0)] = 1
}

// DynamicDimension passes a dimension known only at run time to kernel.Item's methods: checked
// at run time, like an index.
type DynamicDimension struct {
	D   int
	Out []int
}

func (k *DynamicDimension) Kernel(it kernel.Item) {
	k.Out[it.GlobalID(0)] = it.GlobalSize(k.D)
}

// view is a cursor over a buffer: a local struct that holds a slice of the buffer, changed
// through a pointer method.
type view struct {
	data []float32
	off  int
}

func (v *view) next() float32 {
	v.off++
	return v.data[v.off]
}

// LocalView keeps a buffer's slice in a local struct (private memory), not in a buffer.
type LocalView struct{ X, Out []float32 }

func (k *LocalView) Kernel(it kernel.Item) {
	v := view{data: k.X, off: it.GlobalID(0)}
	k.Out[it.GlobalID(0)] = v.next()
}

// ValueReceiver has a value receiver: its pointer's method set has the method too.
type ValueReceiver struct {
	Scale float32
	X     []float32
}

func (k ValueReceiver) Kernel(it kernel.Item) {
	k.X[it.GlobalID(0)] *= k.Scale
}

// window is a part of a buffer, passed by value.
type window struct {
	data   []float32
	lo, hi int
}

func (w window) sum() float32 {
	var s float32
	for _, x := range w.data[w.lo:w.hi] {
		s += x
	}
	return s
}

// StructParam passes a struct that holds a slice of a buffer by value to a method.
type StructParam struct{ X, Out []float32 }

func (k *StructParam) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = window{data: k.X, lo: i, hi: min(i+4, len(k.X))}.sum()
}

// debug is a constant that turns code off: the frontend does not lower branches that a
// constant condition never takes.
const debug = false

// DeadBranch assigns a variable in a branch that a constant condition turns off: the phi after
// the branch has an operand from a block that is not lowered.
type DeadBranch struct{ Out []int32 }

func (k *DeadBranch) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	x := int32(1)
	if debug {
		x = k.Out[i] * 2
	}
	k.Out[i] = x
}

// padded is a buffer element with blank padding fields.
type padded struct {
	X float32
	_ [3]float32
	Y float32
	_ int32
}

// Padded reads and writes buffer elements with blank fields, and an embedded struct's promoted
// field in its arguments.
type Padded struct {
	padded
	P []padded
}

func (k *Padded) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.P[i] = padded{X: k.P[i].Y + k.X}
}

// Stdlib calls functions of cmp, slices (on a buffer) and unicode/utf8.
type Stdlib struct {
	X   []int32
	Out []int
}

func (k *Stdlib) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = cmp.Compare(k.X[i], 3) + int(slices.Max(k.X)) + utf8.RuneLen(rune(k.X[i]))
}
