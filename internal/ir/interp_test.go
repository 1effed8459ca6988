package ir

import (
	"context"
	"errors"
	"math"
	"testing"
	"unsafe"
)

// kt builds a kernel for the interpreter's tests: a module, the kernel function over a named
// argument struct, and the block being filled. Every value made gets pos, which tests move to
// give checks and panics a position.
type kt struct {
	m    *Module
	f    *Func
	args *Struct
	b    *Block
	pos  Pos
}

var (
	bufI64 = &Slice{Elem: Int64Type, Space: Global}
	bufI32 = &Slice{Elem: Int32Type, Space: Global}
	bufF32 = &Slice{Elem: Float32Type, Space: Global}
	bufF64 = &Slice{Elem: Float64Type, Space: Global}
	bufU32 = &Slice{Elem: Uint32Type, Space: Global}
)

func newKT(name string, fields []string, types []Type) *kt {
	m := &Module{}
	args := m.AddType(NewStruct("example.com/pkg/k."+name, fields, types))
	f := m.NewFunc("(*example.com/pkg/k."+name+").Kernel", []Type{&Pointer{Elem: args, Space: Args}}, Void)
	f.Kernel = true
	return &kt{m: m, f: f, args: args, b: f.Entry(), pos: Pos{"k.go", 1, 1}}
}

// at sets the position of the next values.
func (k *kt) at(line int32) { k.pos = Pos{"k.go", line, 2} }

func (k *kt) v(op Op, t Type, args ...*Value) *Value {
	v := k.b.NewValue(op, t, args...)
	v.Pos = k.pos
	return v
}

func (k *kt) aux(op Op, t Type, aux int64, args ...*Value) *Value {
	v := k.v(op, t, args...)
	v.AuxInt = aux
	return v
}

func (k *kt) i64(c int64) *Value { return k.b.Const(Int64Type, c) }

// arg loads field n of the argument struct.
func (k *kt) arg(n int) *Value {
	ft := k.args.Fields[n].Type
	return k.v(OpLoad, ft, k.aux(OpFieldAddr, &Pointer{Elem: ft, Space: Args}, int64(n), k.f.Params[0]))
}

func (k *kt) wi(in Intrinsic, d int64) *Value {
	return k.aux(OpIntrinsic, Int64Type, int64(in), k.i64(d))
}

func (k *kt) barrier() { k.aux(OpIntrinsic, Void, int64(Barrier)) }

// elem is &s[i] with Go's bounds check.
func (k *kt) elem(s, i *Value) *Value {
	st := s.Type.(*Slice)
	k.aux(OpCheckBounds, Void, int64(BoundsIndex)|BoundsSigned, i, k.v(OpLen, Int64Type, s))
	return k.v(OpIndexAddr, &Pointer{Elem: st.Elem, Space: st.Space}, s, i)
}

func (k *kt) load(p *Value) *Value { return k.v(OpLoad, p.Type.(*Pointer).Elem, p) }

func (k *kt) store(p, x *Value) { k.v(OpStore, Void, p, x) }

// run verifies k's module and runs the kernel over grid with args, a pointer to a Go struct of
// the argument struct's layout.
func run[A any](t *testing.T, k *kt, grid Grid, args *A) error {
	t.Helper()
	if err := Verify(k.m); err != nil {
		t.Fatalf("the test's module is not valid IR: %v", err)
	}
	return runUnverified(t, k, grid, args)
}

// runUnverified is run for the tests of IR the verifier rejects.
func runUnverified[A any](t *testing.T, k *kt, grid Grid, args *A) error {
	t.Helper()
	if got, want := unsafe.Sizeof(*args), uintptr(k.args.Size()); got != want {
		t.Fatalf("the Go argument struct has size %d, the IR's %d", got, want)
	}
	return Run(context.Background(), k.f, grid, unsafe.Pointer(args))
}

func grid1(global, local int) Grid {
	return Grid{Global: [3]int{global, 1, 1}, Local: [3]int{local, 1, 1}}
}

func TestRunSaxpy(t *testing.T) {
	m := saxpy()
	f := m.Funcs[0]
	type args struct {
		A    float32
		X, Y []float32
	}
	n := 1000
	a := args{A: 2.5, X: make([]float32, n), Y: make([]float32, n)}
	want := make([]float32, n)
	for i := range n {
		a.X[i] = float32(i) * 0.37
		a.Y[i] = 1 / float32(i+1)
		want[i] = a.Y[i] + a.A*a.X[i]
	}
	if err := Run(context.Background(), f, grid1(n, 64), unsafe.Pointer(&a)); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if math.Float32bits(a.Y[i]) != math.Float32bits(want[i]) {
			t.Fatalf("Y[%d] = %v; want %v", i, a.Y[i], want[i])
		}
	}
	// A grid larger than the buffers panics in the first work-item past them.
	err := Run(context.Background(), f, grid1(n+10, 64), unsafe.Pointer(&a))
	wantPanic(t, err, PanicError{Kernel: "main.Saxpy", Pos: Pos{"saxpy.go", 12, 15},
		Msg: "runtime error: index out of range [1000] with length 1000", WorkItem: [3]int{1000, 0, 0}})
	if got := err.Error(); got != "kernel main.Saxpy panicked at saxpy.go:12 in work-item (1000,0,0): runtime error: index out of range [1000] with length 1000" {
		t.Errorf("Error() = %q", got)
	}
}

func wantPanic(t *testing.T, err error, want PanicError) {
	t.Helper()
	var p *PanicError
	if !errors.As(err, &p) {
		t.Fatalf("Run returned %v; want a *PanicError %v", err, &want)
	}
	if *p != want {
		t.Errorf("Run's panic = %#v\nwant %#v", *p, want)
	}
}

// TestRunLoopPhis runs Out[i] = fib(i) + (1000 if i is odd) by a loop with phis a, b = b, a+b and
// s, u = u, s (from 0, 1000), which is wrong unless all phis of a block read their operands
// before any is written.
func TestRunLoopPhis(t *testing.T) {
	k := newKT("Fib", []string{"Out"}, []Type{bufI64})
	out := k.arg(0)
	gid := k.wi(GlobalID, 0)
	zero, one := k.i64(0), k.i64(1)
	head, body, exit := k.f.NewBlock(), k.f.NewBlock(), k.f.NewBlock()
	entry := k.b
	entry.Jump(head)
	k.b = head
	j := k.v(OpPhi, Int64Type)
	a := k.v(OpPhi, Int64Type)
	b := k.v(OpPhi, Int64Type)
	s := k.v(OpPhi, Int64Type) // s, u = u, s: each phi's operand is the other phi
	u := k.v(OpPhi, Int64Type)
	head.If(k.v(OpLt, BoolType, j, gid), body, exit)
	k.b = body
	j1 := k.v(OpAdd, Int64Type, j, one)
	ab := k.v(OpAdd, Int64Type, a, b)
	body.Jump(head)
	j.Args = []*Value{zero, j1}
	a.Args = []*Value{zero, b}
	b.Args = []*Value{one, ab}
	s.Args = []*Value{zero, u}
	u.Args = []*Value{entry.Const(Int64Type, 1000), s}
	k.b = exit
	k.store(k.elem(out, gid), k.v(OpAdd, Int64Type, a, s))
	exit.Return()

	type args struct{ Out []int64 }
	ar := args{Out: make([]int64, 90)}
	if err := run(t, k, grid1(90, 16), &ar); err != nil {
		t.Fatal(err)
	}
	x, y := int64(0), int64(1)
	for i, got := range ar.Out {
		if want := x + int64(i%2*1000); got != want {
			t.Fatalf("fib(%d) + swaps = %d; want %d", i, got, want)
		}
		x, y = y, x+y
	}
}

// reduceKernel builds the tree reduction of each group's inputs in shared memory, with a barrier
// in the loop: Sums[group] = the sum of the group's inputs.
func reduceKernel() *kt {
	k := newKT("Reduce", []string{"In", "Sums"}, []Type{bufI64, bufI64})
	tileT := &Array{Elem: Int64Type, Len: 128}
	tile := k.aux(OpShared, &Pointer{Elem: tileT, Space: Shared}, 0)
	in, sums := k.arg(0), k.arg(1)
	l := k.wi(LocalID, 0)
	gid := k.wi(GlobalID, 0)
	slot := func(i *Value) *Value {
		k.aux(OpCheckBounds, Void, int64(BoundsIndex)|BoundsSigned, i, k.i64(128))
		return k.v(OpIndexAddr, &Pointer{Elem: Int64Type, Space: Shared}, tile, i)
	}
	k.store(slot(l), k.load(k.elem(in, gid)))
	k.barrier()
	half := k.v(OpDiv, Int64Type, k.wi(LocalSize, 0), k.i64(2))
	head, body, add, next, exit, write, done := k.f.NewBlock(), k.f.NewBlock(), k.f.NewBlock(), k.f.NewBlock(), k.f.NewBlock(), k.f.NewBlock(), k.f.NewBlock()
	k.b.Jump(head)
	k.b = head
	s := k.v(OpPhi, Int64Type)
	head.If(k.v(OpGt, BoolType, s, k.i64(0)), body, exit)
	k.b = body
	body.If(k.v(OpLt, BoolType, l, s), add, next)
	k.b = add
	p := slot(l)
	k.store(p, k.v(OpAdd, Int64Type, k.load(p), k.load(slot(k.v(OpAdd, Int64Type, l, s)))))
	add.Jump(next)
	k.b = next
	k.barrier()
	s2 := k.v(OpDiv, Int64Type, s, k.i64(2))
	next.Jump(head)
	s.Args = []*Value{half, s2}
	k.b = exit
	exit.If(k.v(OpEq, BoolType, l, k.i64(0)), write, done)
	k.b = write
	k.store(k.elem(sums, k.wi(GroupID, 0)), k.load(slot(k.i64(0))))
	write.Jump(done)
	done.Return()
	return k
}

func TestRunSharedReduction(t *testing.T) {
	k := reduceKernel()
	type args struct{ In, Sums []int64 }
	n, local := 4000, 128 // the last group is partial: 32 work-items
	groups := (n + local - 1) / local
	a := args{In: make([]int64, n), Sums: make([]int64, groups)}
	for i := range a.In {
		a.In[i] = int64(i*7919%1000) - 300
	}
	// Run twice on the same memory: shared memory is zeroed for every group, also when a
	// worker reuses it (the partial last group reads elements its work-items never wrote).
	for range 2 {
		if err := run(t, k, grid1(n, local), &a); err != nil {
			t.Fatal(err)
		}
		for g := range groups {
			var want int64
			for _, v := range a.In[g*local : min(n, (g+1)*local)] {
				want += v
			}
			if a.Sums[g] != want {
				t.Fatalf("group %d: sum %d; want %d", g, a.Sums[g], want)
			}
		}
	}
}

// TestRunBarrierInCall calls a function that writes the shared tile, waits at a barrier and
// reads the element mirrored in the group: a barrier in a callee, with its own frames.
func TestRunBarrierInCall(t *testing.T) {
	k := newKT("Mirror", []string{"In", "Out"}, []Type{bufI32, bufI32})
	tileT := &Pointer{Elem: &Array{Elem: Int32Type, Len: 64}, Space: Shared}
	i32p := &Pointer{Elem: Int32Type, Space: Shared}

	// func mirror(tile *[64]int32, l int64, x int32) int32 { tile[l] = x; barrier(); return tile[63-l] }
	helper := k.m.NewFunc("k.mirror", []Type{tileT, Int64Type, Int32Type}, Int32Type)
	hb := helper.Entry()
	tile, l, x := helper.Params[0], helper.Params[1], helper.Params[2]
	hb.NewValue(OpStore, Void, hb.NewValue(OpIndexAddr, i32p, tile, l), x)
	hb.NewValue(OpIntrinsic, Void).AuxInt = int64(Barrier)
	r := hb.NewValue(OpLoad, Int32Type, hb.NewValue(OpIndexAddr, i32p, tile, hb.NewValue(OpSub, Int64Type, hb.Const(Int64Type, 63), l)))
	hb.Return(r)

	sh := k.aux(OpShared, tileT, 0)
	gid := k.wi(GlobalID, 0)
	in, out := k.arg(0), k.arg(1)
	c := k.v(OpCall, Int32Type, sh, k.wi(LocalID, 0), k.load(k.elem(in, gid)))
	c.Aux = helper
	k.store(k.elem(out, gid), c)
	k.b.Return()

	type args struct{ In, Out []int32 }
	n := 64 * 5
	a := args{In: make([]int32, n), Out: make([]int32, n)}
	for i := range a.In {
		a.In[i] = int32(i * 3)
	}
	if err := run(t, k, grid1(n, 64), &a); err != nil {
		t.Fatal(err)
	}
	for i, got := range a.Out {
		if want := a.In[i/64*64+63-i%64]; got != want {
			t.Fatalf("Out[%d] = %d; want %d", i, got, want)
		}
	}
}

// TestRunAtomics has every work-item of many groups update the same words.
func TestRunAtomics(t *testing.T) {
	k := newKT("Atomics", []string{"I", "U", "F", "D", "Old"}, []Type{bufI64, bufU32, bufF32, bufF64, bufI64})
	ib, ub, fb, db, old := k.arg(0), k.arg(1), k.arg(2), k.arg(3), k.arg(4)
	gid := k.wi(GlobalID, 0)
	at := func(op AtomicOp, t Type, args ...*Value) *Value { return k.aux(OpAtomic, t, int64(op), args...) }
	i0 := k.elem(ib, k.i64(0))
	at(AtomicAdd, Int64Type, i0, k.i64(3))
	at(AtomicAdd, Int64Type, k.elem(ib, k.i64(1)), k.i64(-1))
	i2 := k.elem(ib, k.i64(2))
	count := func(m int64) *Value { return k.v(OpConvert, Uint64Type, k.v(OpRem, Int64Type, gid, k.i64(m))) }
	at(AtomicOr, Int64Type, i2, k.v(OpShl, Int64Type, k.i64(1), count(64)))
	u0 := k.elem(ub, k.i64(0))
	at(AtomicAdd, Uint32Type, u0, k.b.Const(Uint32Type, 1))
	at(AtomicAnd, Uint32Type, k.elem(ub, k.i64(1)), k.v(OpCom, Uint32Type, k.v(OpShl, Uint32Type, k.b.Const(Uint32Type, 1), count(32))))
	f0 := k.elem(fb, k.i64(0))
	at(AtomicAdd, Float32Type, f0, k.b.Const(Float32Type, int64(math.Float32bits(1))))
	gf := k.v(OpConvert, Float32Type, gid)
	at(AtomicMin, Float32Type, k.elem(fb, k.i64(1)), gf)
	at(AtomicMax, Float32Type, k.elem(fb, k.i64(2)), gf)
	d0 := k.elem(db, k.i64(0))
	at(AtomicAdd, Float64Type, d0, k.b.Const(Float64Type, int64(math.Float64bits(0.5))))
	gd := k.v(OpConvert, Float64Type, gid)
	at(AtomicMax, Float64Type, k.elem(db, k.i64(1)), gd)
	// A ticket: each work-item swaps in its own id and records what it replaced; CAS on a
	// word that only work-item 77 can win (the word holds 77; the winner makes it -77).
	prev := at(AtomicSwap, Int64Type, k.elem(ib, k.i64(3)), gid)
	k.store(k.elem(old, gid), prev)
	won := at(AtomicCAS, BoolType, k.elem(ib, k.i64(4)), gid, k.v(OpNeg, Int64Type, gid))
	winner, end := k.f.NewBlock(), k.f.NewBlock()
	k.b.If(won, winner, end)
	k.b = winner
	k.store(k.elem(ib, k.i64(5)), gid)
	winner.Jump(end)
	end.Return()

	type args struct {
		I   []int64
		U   []uint32
		F   []float32
		D   []float64
		Old []int64
	}
	n := 10000
	a := args{I: make([]int64, 7), U: []uint32{0, math.MaxUint32}, F: []float32{0, 1e9, -1}, D: []float64{0, -1}, Old: make([]int64, n)}
	a.I[3] = -1
	a.I[4] = 77
	if err := run(t, k, grid1(n, 64), &a); err != nil {
		t.Fatal(err)
	}
	if a.I[0] != 3*int64(n) || a.I[1] != -int64(n) || a.I[2] != -1 {
		t.Errorf("int atomics: I = %v", a.I[:3])
	}
	if a.U[0] != uint32(n) || a.U[1] != 0 {
		t.Errorf("u32 atomics: U = %v", a.U)
	}
	if a.F[0] != float32(n) || a.F[1] != 0 || a.F[2] != float32(n-1) {
		t.Errorf("f32 atomics: F = %v", a.F)
	}
	if a.D[0] != float64(n)/2 || a.D[1] != float64(n-1) {
		t.Errorf("f64 atomics: D = %v", a.D)
	}
	// The swaps form one chain: every id appears once as a replaced value, and -1 once.
	seen := map[int64]bool{a.I[3]: true}
	for _, v := range a.Old {
		if seen[v] {
			t.Fatalf("swap returned %d twice", v)
		}
		seen[v] = true
	}
	if !seen[-1] || len(seen) != n+1 {
		t.Errorf("swap chain: %d distinct values, -1 seen: %v", len(seen), seen[-1])
	}
	if a.I[4] != -77 || a.I[5] != 77 {
		t.Errorf("cas: I[4] = %d (want -77), I[5] = %d (want 77)", a.I[4], a.I[5])
	}
}

func BenchmarkRunSaxpy(b *testing.B) {
	f := saxpy().Funcs[0]
	type args struct {
		A    float32
		X, Y []float32
	}
	n := 1 << 16
	a := args{A: 2, X: make([]float32, n), Y: make([]float32, n)}
	b.SetBytes(int64(n) * 12)
	for b.Loop() {
		if err := Run(context.Background(), f, grid1(n, 256), unsafe.Pointer(&a)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRunReduce(b *testing.B) {
	k := reduceKernel()
	type args struct{ In, Sums []int64 }
	n := 1 << 16
	a := args{In: make([]int64, n), Sums: make([]int64, n/128)}
	b.SetBytes(int64(n) * 8)
	for b.Loop() {
		if err := Run(context.Background(), k.f, grid1(n, 128), unsafe.Pointer(&a)); err != nil {
			b.Fatal(err)
		}
	}
}
