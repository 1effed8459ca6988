package testkernels

import (
	"context"
	"math"
	"sync/atomic"

	"github.com/geobacter-go/geobacter/kernel"
)

func atomicCases() []Case {
	return []Case{
		{Name: "atomic/add", Kernel: (*AtomicCounters)(nil), Run: runAtomicCounters, Want: wantAtomicCounters},
		{Name: "atomic/cas", Kernel: (*CASLoops)(nil), Run: runCASLoops, Want: wantCASLoops},
		{Name: "atomic/struct-fields", Kernel: (*AtomicStructs)(nil), Run: runAtomicStructs, Want: wantAtomicStructs},
		{Name: "atomic/bitwise", Kernel: (*AtomicBitwise)(nil), Run: runAtomicBitwise, Want: wantAtomicBitwise},
		{Name: "atomic/histogram", Kernel: (*Histogram)(nil), Run: runHistogram, Want: wantHistogram},
		{Name: "atomic/shared-histogram", Kernel: (*SharedHistogram)(nil), Run: runSharedHistogram, Want: wantHistogram},
		{Name: "atomic/float-add", Kernel: (*FloatAtomicAdd)(nil), Run: runFloatAtomicAdd, Want: wantFloatAtomicAdd},
		{Name: "atomic/float-minmax", Kernel: (*FloatAtomicMinMax)(nil), Run: runFloatAtomicMinMax, Want: wantFloatAtomicMinMax},
		{Name: "atomic/shared-ops", Kernel: (*SharedAtomicOps)(nil), Run: runSharedAtomicOps, Want: wantSharedAtomicOps},
	}
}

// atomicShape is the grid of the atomic cases: 4000 work-items in groups of 64, the last one
// partial, enough for the go device to spread them over its workers. Every work-item is one of
// many updating the same elements.
var atomicShape = shape1(4000, 64)

// AtomicCounters adds from every work-item to counters of each width with sync/atomic's
// functions; the sums wrap. I32[0] counts work-items, I32[1] subtracts 3 each, I64[0] adds
// i·10¹⁵, U32[0] adds 0x9e3779b9, U64[0] adds i<<40.
type AtomicCounters struct {
	I32 []int32
	I64 []int64
	U32 []uint32
	U64 []uint64
}

func (k *AtomicCounters) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	atomic.AddInt32(&k.I32[0], 1)
	atomic.AddInt32(&k.I32[1], -3)
	atomic.AddInt64(&k.I64[0], int64(i)*1e15)
	atomic.AddUint32(&k.U32[0], 0x9e3779b9)
	atomic.AddUint64(&k.U64[0], uint64(i)<<40)
}

func runAtomicCounters(ctx context.Context, t *Target) (Outputs, error) {
	k := &AtomicCounters{I32: alloc[int32](t, 2), I64: alloc[int64](t, 1), U32: alloc[uint32](t, 1), U64: alloc[uint64](t, 1)}
	err := launch(ctx, t, atomicShape.grid(), k)
	return Outputs{"i32": k.I32, "i64": k.I64, "u32": k.U32, "u64": k.U64}, err
}

func wantAtomicCounters() Outputs {
	var i32 [2]int32
	var i64 int64
	var u32 uint32
	var u64 uint64
	for i := range atomicShape.items() {
		i32[0]++
		i32[1] -= 3
		i64 += int64(i) * 1e15
		u32 += 0x9e3779b9
		u64 += uint64(i) << 40
	}
	return Outputs{"i32": i32[:], "i64": []int64{i64}, "u32": []uint32{u32}, "u64": []uint64{u64}}
}

// casBuckets is the number of buckets the CAS and struct cases spread their work-items over.
const casBuckets = 8

// CASLoops builds read-modify-write operations from CompareAndSwap loops: the largest X per bucket
// (int32), the smallest X per bucket as uint64, and a claim that exactly one work-item per bucket
// wins (CompareAndSwap from 0; Wins counts the winners, Owner is whoever won).
type CASLoops struct {
	X     []int32
	Max   []int32  // starts at MinInt32
	MinU  []uint64 // starts at MaxUint64
	Owner []int32
	Wins  []int32
}

func (k *CASLoops) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	b, x := i%casBuckets, k.X[i]
	for {
		old := atomic.LoadInt32(&k.Max[b])
		if x <= old || atomic.CompareAndSwapInt32(&k.Max[b], old, x) {
			break
		}
	}
	for {
		old := atomic.LoadUint64(&k.MinU[b])
		if uint64(x) >= old || atomic.CompareAndSwapUint64(&k.MinU[b], old, uint64(x)) {
			break
		}
	}
	if atomic.CompareAndSwapInt32(&k.Owner[b], 0, int32(i)+1) {
		atomic.AddInt32(&k.Wins[b], 1)
	}
}

func runCASLoops(ctx context.Context, t *Target) (Outputs, error) {
	x := intValues[int32](301, atomicShape.items())
	k := &CASLoops{X: upload(t, x), Max: alloc[int32](t, casBuckets), MinU: alloc[uint64](t, casBuckets),
		Owner: alloc[int32](t, casBuckets), Wins: alloc[int32](t, casBuckets)}
	for b := range casBuckets {
		k.Max[b], k.MinU[b] = math.MinInt32, math.MaxUint64
	}
	err := launch(ctx, t, atomicShape.grid(), k)
	return Outputs{"max": k.Max, "minu": k.MinU, "wins": k.Wins}, err
}

func wantCASLoops() Outputs {
	x := intValues[int32](301, atomicShape.items())
	maxes := make([]int32, casBuckets)
	mins := make([]uint64, casBuckets)
	wins := make([]int32, casBuckets)
	for b := range casBuckets {
		maxes[b], mins[b], wins[b] = math.MinInt32, math.MaxUint64, 1
	}
	for i, v := range x {
		b := i % casBuckets
		maxes[b] = max(maxes[b], v)
		mins[b] = min(mins[b], uint64(v))
	}
	return Outputs{"max": maxes, "minu": mins, "wins": wins}
}

// Bin is a buffer element made of sync/atomic's types.
type Bin struct {
	Hits  atomic.Int64
	Sum   atomic.Int64
	Min   atomic.Int32 // starts at MaxInt32
	Bits  atomic.Uint32
	Total atomic.Uint64
}

// AtomicStructs updates fields of sync/atomic types in a buffer of structs: per bucket, the
// number of work-items, the sum of X, the smallest X (a CompareAndSwap loop), the bits 1<<(i%32)
// of its work-items (Or) and the sum of X as uint64 (wrapping).
type AtomicStructs struct {
	X    []int32
	Bins []Bin
}

func (k *AtomicStructs) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	x, b := k.X[i], &k.Bins[i%casBuckets]
	b.Hits.Add(1)
	b.Sum.Add(int64(x))
	for {
		old := b.Min.Load()
		if x >= old || b.Min.CompareAndSwap(old, x) {
			break
		}
	}
	b.Bits.Or(1 << (i % 32))
	b.Total.Add(uint64(x))
}

func runAtomicStructs(ctx context.Context, t *Target) (Outputs, error) {
	x := intValues[int32](302, atomicShape.items())
	k := &AtomicStructs{X: upload(t, x), Bins: alloc[Bin](t, casBuckets)}
	for b := range k.Bins {
		k.Bins[b].Min.Store(math.MaxInt32)
	}
	err := launch(ctx, t, atomicShape.grid(), k)
	return Outputs{"bins": k.Bins}, err
}

func wantAtomicStructs() Outputs {
	x := intValues[int32](302, atomicShape.items())
	var hits, sums [casBuckets]int64
	var mins [casBuckets]int32
	var bitsets [casBuckets]uint32
	var totals [casBuckets]uint64
	for b := range mins {
		mins[b] = math.MaxInt32
	}
	for i, v := range x {
		b := i % casBuckets
		hits[b]++
		sums[b] += int64(v)
		mins[b] = min(mins[b], v)
		bitsets[b] |= 1 << (i % 32)
		totals[b] += uint64(v)
	}
	bins := make([]Bin, casBuckets)
	for b := range bins {
		bins[b].Hits.Store(hits[b])
		bins[b].Sum.Store(sums[b])
		bins[b].Min.Store(mins[b])
		bins[b].Bits.Store(bitsets[b])
		bins[b].Total.Store(totals[b])
	}
	return Outputs{"bins": bins}
}

// bitwiseBuckets is the number of buckets of AtomicBitwise.
const bitwiseBuckets = 4

// AtomicBitwise checks sync/atomic's And and Or functions: per bucket, Or sets and And (starting
// from all ones) clears one bit per work-item.
type AtomicBitwise struct {
	Or32  []uint32
	And32 []uint32
	Or64  []uint64
	AndI  []int32
}

func (k *AtomicBitwise) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	b := i % bitwiseBuckets
	atomic.OrUint32(&k.Or32[b], 1<<(i%29))
	atomic.AndUint32(&k.And32[b], ^(uint32(1) << (i % 31)))
	atomic.OrUint64(&k.Or64[b], 1<<(i%61))
	atomic.AndInt32(&k.AndI[b], ^(int32(1) << (i % 17)))
}

// bitwiseItems is the number of work-items of AtomicBitwise: few enough that some bits stay.
const bitwiseItems = 90

func runAtomicBitwise(ctx context.Context, t *Target) (Outputs, error) {
	k := &AtomicBitwise{Or32: alloc[uint32](t, bitwiseBuckets), And32: alloc[uint32](t, bitwiseBuckets),
		Or64: alloc[uint64](t, bitwiseBuckets), AndI: alloc[int32](t, bitwiseBuckets)}
	for b := range bitwiseBuckets {
		k.And32[b], k.AndI[b] = math.MaxUint32, -1
	}
	err := launch(ctx, t, shape1(bitwiseItems, 16).grid(), k)
	return Outputs{"or32": k.Or32, "and32": k.And32, "or64": k.Or64, "andi": k.AndI}, err
}

func wantAtomicBitwise() Outputs {
	or32 := make([]uint32, bitwiseBuckets)
	and32 := make([]uint32, bitwiseBuckets)
	or64 := make([]uint64, bitwiseBuckets)
	andI := make([]int32, bitwiseBuckets)
	for b := range bitwiseBuckets {
		and32[b], andI[b] = math.MaxUint32, -1
	}
	for i := range bitwiseItems {
		b := i % bitwiseBuckets
		or32[b] |= 1 << (i % 29)
		and32[b] &^= 1 << (i % 31)
		or64[b] |= 1 << (i % 61)
		andI[b] &^= 1 << (i % 17)
	}
	return Outputs{"or32": or32, "and32": and32, "or64": or64, "andi": andI}
}

// histShape is the histograms' grid: 2048 bytes in groups of 128.
var histShape = shape1(2048, 128)

// histBins is the number of bins of the histograms: one per value of the top 4 bits of a byte.
const histBins = 16

// histogramIn are bytes with a skewed distribution, so the bins differ.
func histogramIn() []uint8 {
	r := newRand(303)
	in := make([]uint8, histShape.items())
	for i := range in {
		in[i] = uint8(min(255, max(0, r.NormFloat64()*40+128)))
	}
	return in
}

func wantHistogram() Outputs {
	bins := make([]uint32, histBins)
	for _, v := range histogramIn() {
		bins[v>>4]++
	}
	return Outputs{"bins": bins}
}

// Histogram counts bytes into 16 bins with atomic.AddUint32 on a buffer.
type Histogram struct {
	Data []uint8
	Bins []uint32
}

func (k *Histogram) Kernel(it kernel.Item) {
	atomic.AddUint32(&k.Bins[k.Data[it.GlobalID(0)]>>4], 1)
}

func runHistogram(ctx context.Context, t *Target) (Outputs, error) {
	k := &Histogram{Data: upload(t, histogramIn()), Bins: alloc[uint32](t, histBins)}
	err := launch(ctx, t, histShape.grid(), k)
	return Outputs{"bins": k.Bins}, err
}

// SharedHistogram is Histogram with a per-group histogram in shared memory, updated with
// sync/atomic on shared memory and added to the buffer's bins after a barrier.
type SharedHistogram struct {
	Data []uint8
	Bins []uint32
}

func (k *SharedHistogram) Kernel(it kernel.Item) {
	local := kernel.Shared[[histBins]uint32](it)
	atomic.AddUint32(&local[k.Data[it.GlobalID(0)]>>4], 1)
	it.Barrier()
	if l := it.LocalID(0); l < histBins {
		atomic.AddUint32(&k.Bins[l], atomic.LoadUint32(&local[l]))
	}
}

func runSharedHistogram(ctx context.Context, t *Target) (Outputs, error) {
	k := &SharedHistogram{Data: upload(t, histogramIn()), Bins: alloc[uint32](t, histBins)}
	err := launch(ctx, t, histShape.grid(), k)
	return Outputs{"bins": k.Bins}, err
}

// floatBuckets is the number of buckets of the float atomic cases.
const floatBuckets = 4

// FloatAtomicAdd checks kernel.AtomicAddFloat32 and AtomicAddFloat64 on buffers and on shared
// memory. The terms are small integers (float32) and multiples of 1/8 (float64), so every partial
// sum is exact and the result does not depend on the order of the additions.
type FloatAtomicAdd struct {
	X     []int8
	Sum32 []float32
	Sum64 []float64
	Total []float32 // [0]: the sum of every group's shared sum
}

func (k *FloatAtomicAdd) Kernel(it kernel.Item) {
	group := kernel.Shared[float32](it)
	i := it.GlobalID(0)
	b, x := i%floatBuckets, k.X[i]
	kernel.AtomicAddFloat32(&k.Sum32[b], float32(x))
	kernel.AtomicAddFloat64(&k.Sum64[b], float64(x)*0.125)
	kernel.AtomicAddFloat32(group, float32(x))
	it.Barrier()
	if it.LocalID(0) == 0 {
		kernel.AtomicAddFloat32(&k.Total[0], *group)
	}
}

func floatAddIn() []int8 {
	r := newRand(304)
	x := make([]int8, atomicShape.items())
	for i := range x {
		x[i] = int8(r.IntN(33) - 16)
	}
	return x
}

func runFloatAtomicAdd(ctx context.Context, t *Target) (Outputs, error) {
	k := &FloatAtomicAdd{X: upload(t, floatAddIn()), Sum32: alloc[float32](t, floatBuckets),
		Sum64: alloc[float64](t, floatBuckets), Total: alloc[float32](t, 1)}
	err := launch(ctx, t, atomicShape.grid(), k)
	return Outputs{"sum32": k.Sum32, "sum64": k.Sum64, "total": k.Total}, err
}

func wantFloatAtomicAdd() Outputs {
	sum32 := make([]float32, floatBuckets)
	sum64 := make([]float64, floatBuckets)
	var total float32
	for i, x := range floatAddIn() {
		sum32[i%floatBuckets] += float32(x)
		sum64[i%floatBuckets] += float64(x) * 0.125
		total += float32(x)
	}
	return Outputs{"sum32": sum32, "sum64": sum64, "total": []float32{total}}
}

// FloatAtomicMinMax checks kernel.AtomicMin and AtomicMax for float32 and float64 with the
// semantics of Go's min and max, which make the result independent of the order of the updates: a
// NaN wins (bucket 3 has one), -0 is below +0 (bucket 2 has both), -Inf and +Inf (bucket 1).
type FloatAtomicMinMax struct {
	X     []float64
	Min32 []float32 // start at +Inf
	Max32 []float32 // start at -Inf
	Min64 []float64
	Max64 []float64
}

func (k *FloatAtomicMinMax) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	b, x := i%floatBuckets, k.X[i]
	kernel.AtomicMinFloat32(&k.Min32[b], float32(x))
	kernel.AtomicMaxFloat32(&k.Max32[b], float32(x))
	kernel.AtomicMinFloat64(&k.Min64[b], x)
	kernel.AtomicMaxFloat64(&k.Max64[b], x)
}

// floatMinMaxItems is the number of work-items of FloatAtomicMinMax.
const floatMinMaxItems = 400

// floatMinMaxIn returns random values with the special ones planted: the item i goes to bucket
// i % floatBuckets.
func floatMinMaxIn() []float64 {
	r := newRand(305)
	x := make([]float64, floatMinMaxItems)
	for i := range x {
		x[i] = r.NormFloat64() * 1e3
	}
	// Bucket 2 holds only zeros and positives, so its minimum is a zero and depends on their signs.
	for i := 2; i < len(x); i += floatBuckets {
		x[i] = math.Abs(x[i])
	}
	for i, v := range map[int]float64{
		4*17 + 1: math.Inf(-1), 4*60 + 1: math.Inf(1),
		4*10 + 2: 0, 4*11 + 2: math.Copysign(0, -1), 4*12 + 2: 0,
		4*50 + 3: math.NaN(),
	} {
		x[i] = v
	}
	return x
}

func runFloatAtomicMinMax(ctx context.Context, t *Target) (Outputs, error) {
	k := &FloatAtomicMinMax{X: upload(t, floatMinMaxIn()),
		Min32: alloc[float32](t, floatBuckets), Max32: alloc[float32](t, floatBuckets),
		Min64: alloc[float64](t, floatBuckets), Max64: alloc[float64](t, floatBuckets)}
	for b := range floatBuckets {
		k.Min32[b], k.Max32[b] = float32(math.Inf(1)), float32(math.Inf(-1))
		k.Min64[b], k.Max64[b] = math.Inf(1), math.Inf(-1)
	}
	err := launch(ctx, t, shape1(floatMinMaxItems, 32).grid(), k)
	return Outputs{"min32": k.Min32, "max32": k.Max32, "min64": k.Min64, "max64": k.Max64}, err
}

func wantFloatAtomicMinMax() Outputs {
	min32 := make([]float32, floatBuckets)
	max32 := make([]float32, floatBuckets)
	min64 := make([]float64, floatBuckets)
	max64 := make([]float64, floatBuckets)
	for b := range floatBuckets {
		min32[b], max32[b] = float32(math.Inf(1)), float32(math.Inf(-1))
		min64[b], max64[b] = math.Inf(1), math.Inf(-1)
	}
	for i, x := range floatMinMaxIn() {
		b := i % floatBuckets
		min32[b], max32[b] = min(min32[b], float32(x)), max(max32[b], float32(x))
		min64[b], max64[b] = min(min64[b], x), max(max64[b], x)
	}
	return Outputs{"min32": min32, "max32": max32, "min64": min64, "max64": max64}
}

// sharedOps is what SharedAtomicOps keeps in shared memory.
type sharedOps struct {
	Sum     int64
	And, Or uint32
	Swapped int32 // swapped to 7 by every work-item
	SwapOld int64 // the sum of what the swaps returned: 0 once, then 7 each time
	Count   int32 // incremented by compare-and-swap loops
	Min     float32
	Max     float32
}

// SharedAtomicOps checks every kind of atomic operation on shared memory (add, and, or, swap,
// compare-and-swap, float min and max), each with a result that does not depend on the order of
// the work-items; after a barrier the group's first work-item writes the group's results.
type SharedAtomicOps struct {
	X   []int32
	Out []sharedOps
}

func (k *SharedAtomicOps) Kernel(it kernel.Item) {
	s := kernel.Shared[sharedOps](it)
	if it.LocalID(0) == 0 {
		atomic.StoreUint32(&s.And, ^uint32(0))
		kernel.AtomicMinFloat32(&s.Min, 1e30)
	}
	it.Barrier()
	x := k.X[it.GlobalID(0)]
	atomic.AddInt64(&s.Sum, int64(x))
	atomic.AndUint32(&s.And, ^(uint32(1) << (uint32(x) & 31)))
	atomic.OrUint32(&s.Or, uint32(1)<<(uint32(x)&31))
	atomic.AddInt64(&s.SwapOld, int64(atomic.SwapInt32(&s.Swapped, 7)))
	for {
		c := atomic.LoadInt32(&s.Count)
		if atomic.CompareAndSwapInt32(&s.Count, c, c+1) {
			break
		}
	}
	kernel.AtomicMinFloat32(&s.Min, float32(x))
	kernel.AtomicMaxFloat32(&s.Max, float32(x))
	it.Barrier()
	if it.LocalID(0) == 0 {
		k.Out[it.GroupID(0)] = *s
	}
}

func sharedOpsIn() []int32 {
	r := newRand(305)
	x := make([]int32, atomicShape.items())
	for i := range x {
		x[i] = int32(r.IntN(200) - 100)
	}
	return x
}

func runSharedAtomicOps(ctx context.Context, t *Target) (Outputs, error) {
	groups := (atomicShape.items() + atomicShape.local[0] - 1) / atomicShape.local[0]
	k := &SharedAtomicOps{X: upload(t, sharedOpsIn()), Out: alloc[sharedOps](t, groups)}
	err := launch(ctx, t, atomicShape.grid(), k)
	return Outputs{"out": k.Out}, err
}

func wantSharedAtomicOps() Outputs {
	x := sharedOpsIn()
	var out []sharedOps
	for _, c := range chunks(len(x), atomicShape.local[0]) {
		s := sharedOps{And: ^uint32(0), Min: 1e30, Swapped: 7}
		for _, v := range x[c[0]:c[1]] {
			s.Sum += int64(v)
			s.And &^= 1 << (uint32(v) & 31)
			s.Or |= 1 << (uint32(v) & 31)
			s.Count++
			s.Min = min(s.Min, float32(v))
			s.Max = max(s.Max, float32(v))
		}
		s.SwapOld = 7 * int64(s.Count-1)
		out = append(out, s)
	}
	return Outputs{"out": out}
}
