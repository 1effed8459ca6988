package ir

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

// TestRun3DPartialGrid records every id and size each work-item sees, on a grid whose last group
// is partial in every dimension: each work-item of the grid runs once, the padded ones never.
func TestRun3DPartialGrid(t *testing.T) {
	k := newKT("Ids", []string{"Out", "Runs"}, []Type{bufI64, bufI64})
	out := k.arg(0)
	g := [3]*Value{k.wi(GlobalID, 0), k.wi(GlobalID, 1), k.wi(GlobalID, 2)}
	// linear = x + 5*(y + 6*z)
	lin := k.v(OpAdd, Int64Type, g[0], k.v(OpMul, Int64Type, k.i64(5), k.v(OpAdd, Int64Type, g[1], k.v(OpMul, Int64Type, k.i64(6), g[2]))))
	base := k.v(OpMul, Int64Type, lin, k.i64(18))
	j := int64(0)
	for _, in := range []Intrinsic{GlobalID, LocalID, GroupID, GlobalSize, LocalSize, NumGroups} {
		for d := range int64(3) {
			k.store(k.elem(out, k.v(OpAdd, Int64Type, base, k.i64(j))), k.wi(in, d))
			j++
		}
	}
	k.aux(OpAtomic, Int64Type, int64(AtomicAdd), k.elem(k.arg(1), k.i64(0)), k.i64(1))
	k.b.Return()

	type args struct{ Out, Runs []int64 }
	global, local := [3]int{5, 6, 7}, [3]int{2, 4, 3}
	n := 5 * 6 * 7
	a := args{Out: make([]int64, n*18), Runs: make([]int64, 1)}
	if err := run(t, k, Grid{Global: global, Local: local}, &a); err != nil {
		t.Fatal(err)
	}
	if a.Runs[0] != int64(n) {
		t.Errorf("%d work-items ran; want %d", a.Runs[0], n)
	}
	groups := [3]int{3, 2, 3}
	for z := range 7 {
		for y := range 6 {
			for x := range 5 {
				id := [3]int{x, y, z}
				var want []int64
				for _, f := range []func(d int) int{
					func(d int) int { return id[d] },
					func(d int) int { return id[d] % local[d] },
					func(d int) int { return id[d] / local[d] },
					func(d int) int { return global[d] },
					func(d int) int { return local[d] },
					func(d int) int { return groups[d] },
				} {
					for d := range 3 {
						want = append(want, int64(f(d)))
					}
				}
				lin := x + 5*(y+6*z)
				got := a.Out[lin*18 : lin*18+18]
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("work-item %v saw %v; want %v", id, got, want)
					}
				}
			}
		}
	}
}

type pair struct {
	X int32
	Y float64
}

type holder struct {
	S []int64
	N int64
}

// TestRunAggregates loads, builds, stores and takes apart struct and array values, some of which
// hold slices into Go memory.
func TestRunAggregates(t *testing.T) {
	pairT := NewStruct("k.Pair", []string{"X", "Y"}, []Type{Int32Type, Float64Type})
	holderT := NewStruct("k.Holder", []string{"S", "N"}, []Type{bufI64, Int64Type})
	arr4 := &Array{Elem: Int32Type, Len: 4}
	k := newKT("Agg", []string{"P", "A", "Out", "Hs", "F"},
		[]Type{pairT, arr4, &Slice{Elem: pairT, Space: Global}, &Slice{Elem: holderT, Space: Global}, bufF64})
	k.m.AddType(pairT)
	k.m.AddType(holderT)
	gid := k.wi(GlobalID, 0)
	p := k.arg(0)   // a struct value
	arr := k.arg(1) // an array value
	x := k.aux(OpField, Int32Type, 0, p)
	y := k.aux(OpField, Float64Type, 1, p)
	k.aux(OpCheckBounds, Void, int64(BoundsIndex)|BoundsSigned, gid, k.i64(4))
	e := k.v(OpIndex, Int32Type, arr, gid)

	// q := Pair{X: x + A[gid], Y: y * float64(gid)}; Out[gid] = q; Out[gid+4] = Pair{}
	q := k.v(OpLocal, &Pointer{Elem: pairT, Space: Private})
	k.store(k.aux(OpFieldAddr, &Pointer{Elem: Int32Type, Space: Private}, 0, q), k.v(OpAdd, Int32Type, x, e))
	k.store(k.aux(OpFieldAddr, &Pointer{Elem: Float64Type, Space: Private}, 1, q), k.v(OpMul, Float64Type, y, k.v(OpConvert, Float64Type, gid)))
	out := k.arg(2)
	k.store(k.elem(out, gid), k.load(q))
	k.store(k.elem(out, k.v(OpAdd, Int64Type, gid, k.i64(4))), k.v(OpZero, pairT))

	// h := Hs[gid]; h.S[0] = h.N; Hs[gid] = Holder{S: h.S[1:], N: h.N + 1}
	hp := k.elem(k.arg(3), gid)
	h := k.load(hp)
	s := k.aux(OpField, bufI64, 0, h)
	hn := k.aux(OpField, Int64Type, 1, h)
	k.store(k.elem(s, k.i64(0)), hn)
	nh := k.v(OpLocal, &Pointer{Elem: holderT, Space: Private})
	k.store(k.aux(OpFieldAddr, &Pointer{Elem: bufI64, Space: Private}, 0, nh),
		k.v(OpSlice, bufI64, s, k.i64(1), k.v(OpLen, Int64Type, s), k.v(OpCap, Int64Type, s)))
	k.store(k.aux(OpFieldAddr, &Pointer{Elem: Int64Type, Space: Private}, 1, nh), k.v(OpAdd, Int64Type, hn, k.i64(1)))
	k.store(hp, k.load(nh))

	// An array in private memory, filled by element and read back whole, then indexed:
	// F[gid] = [3]float64{gid, 2*gid, 0.5}[gid % 3] + [2][3]float64 nested read.
	f3 := &Array{Elem: Float64Type, Len: 3}
	la := k.v(OpLocal, &Pointer{Elem: f3, Space: Private})
	fp := &Pointer{Elem: Float64Type, Space: Private}
	gf := k.v(OpConvert, Float64Type, gid)
	k.store(k.v(OpIndexAddr, fp, la, k.i64(0)), gf)
	k.store(k.v(OpIndexAddr, fp, la, k.i64(1)), k.v(OpAdd, Float64Type, gf, gf))
	k.store(k.v(OpIndexAddr, fp, la, k.i64(2)), k.b.Const(Float64Type, f64b(0.5)))
	nested := k.v(OpLocal, &Pointer{Elem: &Array{Elem: f3, Len: 2}, Space: Private})
	k.store(k.v(OpIndexAddr, &Pointer{Elem: f3, Space: Private}, nested, k.i64(1)), k.load(la))
	row := k.v(OpIndex, f3, k.load(nested), k.i64(1))
	v := k.v(OpIndex, Float64Type, row, k.v(OpRem, Int64Type, gid, k.i64(3)))
	k.store(k.elem(k.arg(4), gid), v)
	k.b.Return()

	type args struct {
		P   pair
		A   [4]int32
		Out []pair
		Hs  []holder
		F   []float64
	}
	bufs := make([][]int64, 4)
	a := args{P: pair{X: 10, Y: 1.5}, A: [4]int32{1, 2, 3, 4}, Out: make([]pair, 8), Hs: make([]holder, 4), F: make([]float64, 4)}
	for i := range a.Out {
		a.Out[i] = pair{-1, -1}
	}
	for i := range bufs {
		bufs[i] = []int64{-1, -2, -3}
		a.Hs[i] = holder{S: bufs[i], N: int64(100 + i)}
	}
	runtime.GC()
	if err := run(t, k, grid1(4, 2), &a); err != nil {
		t.Fatal(err)
	}
	runtime.GC() // the slices stored by the kernel are seen by the collector
	for i := range 4 {
		if want := (pair{X: 10 + int32(i) + 1, Y: 1.5 * float64(i)}); a.Out[i] != want {
			t.Errorf("Out[%d] = %+v; want %+v", i, a.Out[i], want)
		}
		if a.Out[i+4] != (pair{}) {
			t.Errorf("Out[%d] = %+v; want zero", i+4, a.Out[i+4])
		}
		h := a.Hs[i]
		if bufs[i][0] != int64(100+i) || len(h.S) != 2 || cap(h.S) != 2 || &h.S[0] != &bufs[i][1] || h.N != int64(101+i) {
			t.Errorf("Hs[%d] = %+v (buffer %v); want the buffer's tail and N %d", i, h, bufs[i], 101+i)
		}
		if want := []float64{float64(i), 2 * float64(i), 0.5}[i%3]; a.F[i] != want {
			t.Errorf("F[%d] = %v; want %v", i, a.F[i], want)
		}
	}
}

// TestRunCallsAndTuples calls a function with two results and a recursive one.
func TestRunCallsAndTuples(t *testing.T) {
	k := newKT("Calls", []string{"Out"}, []Type{bufI64})
	// func divmod(a, b int64) (int64, int64) { return a / b, a % b }
	divmod := k.m.NewFunc("k.divmod", []Type{Int64Type, Int64Type}, &Tuple{Types: []Type{Int64Type, Int64Type}})
	b := divmod.Entry()
	b.Return(b.NewValue(OpDiv, Int64Type, divmod.Params[0], divmod.Params[1]), b.NewValue(OpRem, Int64Type, divmod.Params[0], divmod.Params[1]))
	// func fact(n int64) int64 { if n <= 1 { return 1 }; return n * fact(n-1) }
	fact := k.m.NewFunc("k.fact", []Type{Int64Type}, Int64Type)
	fb := fact.Entry()
	base, rec := fact.NewBlock(), fact.NewBlock()
	n := fact.Params[0]
	fb.If(fb.NewValue(OpLe, BoolType, n, fb.Const(Int64Type, 1)), base, rec)
	base.Return(base.Const(Int64Type, 1))
	c := rec.NewValue(OpCall, Int64Type, rec.NewValue(OpSub, Int64Type, n, rec.Const(Int64Type, 1)))
	c.Aux = fact
	rec.Return(rec.NewValue(OpMul, Int64Type, n, c))

	gid := k.wi(GlobalID, 0)
	out := k.arg(0)
	dm := k.v(OpCall, divmod.Result, k.v(OpAdd, Int64Type, gid, k.i64(100)), k.i64(7))
	dm.Aux = divmod
	base3 := k.v(OpMul, Int64Type, gid, k.i64(3))
	k.store(k.elem(out, base3), k.aux(OpExtract, Int64Type, 0, dm))
	k.store(k.elem(out, k.v(OpAdd, Int64Type, base3, k.i64(1))), k.aux(OpExtract, Int64Type, 1, dm))
	f := k.v(OpCall, Int64Type, gid)
	f.Aux = fact
	k.store(k.elem(out, k.v(OpAdd, Int64Type, base3, k.i64(2))), f)
	k.b.Return()

	type args struct{ Out []int64 }
	a := args{Out: make([]int64, 3*21)}
	if err := run(t, k, grid1(21, 4), &a); err != nil {
		t.Fatal(err)
	}
	fa := int64(1)
	for i := range int64(21) {
		if i > 1 {
			fa *= i
		}
		if got, want := a.Out[3*i:3*i+3], []int64{(i + 100) / 7, (i + 100) % 7, fa}; got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
			t.Errorf("work-item %d: %v; want %v", i, got, want)
		}
	}
}

// TestRunCopyAndSlices copies between overlapping slices (as memmove) and of elements holding
// pointers, and slices slices and arrays.
func TestRunCopyAndSlices(t *testing.T) {
	holderT := NewStruct("k.Holder", []string{"S", "N"}, []Type{bufI64, Int64Type})
	bufH := &Slice{Elem: holderT, Space: Global}
	k := newKT("Copies", []string{"A", "Hs", "Out"}, []Type{bufI64, bufH, bufI64})
	k.m.AddType(holderT)
	a, hs, out := k.arg(0), k.arg(1), k.arg(2)
	l := k.v(OpLen, Int64Type, a)
	// n1 := copy(a[1:], a); n2 := copy(hs, hs[1:])
	n1 := k.v(OpCopy, Int64Type, k.v(OpSlice, bufI64, a, k.i64(1), l, l), a)
	hl := k.v(OpLen, Int64Type, hs)
	n2 := k.v(OpCopy, Int64Type, hs, k.v(OpSlice, bufH, hs, k.i64(1), hl, hl))
	// arr := [8]int64 local; s := arr[2:5:8]; s[0] = 42; e := arr[8:8:8]
	arrT := &Array{Elem: Int64Type, Len: 8}
	arr := k.v(OpLocal, &Pointer{Elem: arrT, Space: Private})
	bufP := &Slice{Elem: Int64Type, Space: Private}
	s := k.v(OpSlice, bufP, arr, k.i64(2), k.i64(5), k.i64(8))
	k.store(k.v(OpIndexAddr, &Pointer{Elem: Int64Type, Space: Private}, s, k.i64(0)), k.i64(42))
	e := k.v(OpSlice, bufP, arr, k.i64(8), k.i64(8), k.i64(8))
	i64p := &Pointer{Elem: Int64Type, Space: Private}
	sameBase := k.v(OpEq, BoolType, k.v(OpSlicePtr, i64p, e), k.v(OpIndexAddr, i64p, arr, k.i64(0)))
	whole := k.load(arr)
	results := []*Value{n1, n2, k.v(OpLen, Int64Type, s), k.v(OpCap, Int64Type, s),
		k.v(OpIndex, Int64Type, whole, k.i64(2)), k.v(OpLen, Int64Type, e), k.v(OpCap, Int64Type, e)}
	for i, r := range results {
		k.store(k.elem(out, k.i64(int64(i))), r)
	}
	yes, done := k.f.NewBlock(), k.f.NewBlock()
	k.b.If(sameBase, yes, done)
	k.b = yes
	k.store(k.elem(out, k.i64(int64(len(results)))), k.i64(1))
	yes.Jump(done)
	done.Return()

	type args struct {
		A   []int64
		Hs  []holder
		Out []int64
	}
	bufs := [][]int64{{0}, {1}, {2}, {3}}
	ar := args{A: []int64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Out: make([]int64, len(results)+1)}
	for i, b := range bufs {
		ar.Hs = append(ar.Hs, holder{S: b, N: int64(i)})
	}
	if err := run(t, k, grid1(1, 1), &ar); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	if want := []int64{0, 0, 1, 2, 3, 4, 5, 6, 7, 8}; !equal(ar.A, want) {
		t.Errorf("after copy(a[1:], a): %v; want %v", ar.A, want)
	}
	for i, h := range ar.Hs {
		j := min(i+1, 3)
		if h.N != int64(j) || &h.S[0] != &bufs[j][0] {
			t.Errorf("Hs[%d] = %+v; want holder %d", i, h, j)
		}
	}
	if want := []int64{9, 3, 3, 6, 42, 0, 0, 1}; !equal(ar.Out, want) {
		t.Errorf("Out = %v; want %v", ar.Out, want)
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestRunSingleItemGroups: with groups of one work-item a barrier returns at once.
func TestRunSingleItemGroups(t *testing.T) {
	k := reduceKernel()
	type args struct{ In, Sums []int64 }
	a := args{In: []int64{5, 6, 7}, Sums: make([]int64, 3)}
	if err := run(t, k, grid1(3, 1), &a); err != nil {
		t.Fatal(err)
	}
	if !equal(a.Sums, a.In) {
		t.Errorf("Sums = %v; want %v", a.Sums, a.In)
	}
}

func TestRunErrors(t *testing.T) {
	type args struct{ Out []int64 }
	ctx := context.Background()
	good := func() *kt {
		k := newKT("Good", []string{"Out"}, []Type{bufI64})
		k.b.Return()
		return k
	}
	for _, tc := range []struct {
		name  string
		make  func() *kt
		grid  Grid
		want  string
		nilFn bool
	}{
		{"nil func", good, grid1(1, 1), "nil function", true},
		{"zero group", good, Grid{Global: [3]int{4, 1, 1}, Local: [3]int{0, 1, 1}}, "group size 0 in dimension 0", false},
		{"negative grid", good, Grid{Global: [3]int{4, -1, 1}, Local: [3]int{1, 1, 1}}, "grid size -1 in dimension 1 is negative", false},
		{"huge group", good, Grid{Global: [3]int{4, 1, 1}, Local: [3]int{1 << 20, 1 << 20, 1}}, "a group of more than", false},
		{"huge grid", good, Grid{Global: [3]int{1 << 62, 1 << 62, 1 << 62}, Local: [3]int{1, 1, 1}}, "more than 4611686018427387904 groups", false},
		{"no body", func() *kt {
			k := newKT("Ext", []string{"Out"}, []Type{bufI64})
			ext := &Func{Name: "k.ext", Result: Void, Module: k.m}
			k.v(OpCall, Void).Aux = ext
			k.b.Return()
			return k
		}, grid1(1, 1), "function k.ext has no body", false},
		{"shared types", func() *kt {
			k := newKT("Sh", []string{"Out"}, []Type{bufI64})
			k.aux(OpShared, &Pointer{Elem: Int64Type, Space: Shared}, 0)
			k.aux(OpShared, &Pointer{Elem: Int32Type, Space: Shared}, 0)
			k.b.Return()
			return k
		}, grid1(1, 1), "shared slot 0 has type i32 here and i64 elsewhere", false},
		{"layout", func() *kt {
			bad := NewStruct("k.Bad", []string{"A", "B"}, []Type{Int8Type, Int64Type})
			bad.Fields[1].Offset = 1
			k := newKT("Layout", []string{"Out"}, []Type{bufI64})
			k.v(OpLocal, &Pointer{Elem: bad, Space: Private})
			k.b.Return()
			return k
		}, grid1(1, 1), "field B of %k.Bad is at offset 1, but Go's layout puts it at 8", false},
		{"no terminator", func() *kt {
			return newKT("Open", []string{"Out"}, []Type{bufI64})
		}, grid1(1, 1), "block without a terminator", false},
		{"bad op", func() *kt {
			k := newKT("BadOp", []string{"Out"}, []Type{bufI64})
			k.v(OpShl, Float64Type, k.b.Const(Float64Type, 0), k.b.Const(Float64Type, 0))
			k.b.Return()
			return k
		}, grid1(1, 1), "shl of f64", false},
		{"field type", func() *kt {
			k := newKT("FieldType", []string{"Out"}, []Type{bufI64})
			k.aux(OpFieldAddr, &Pointer{Elem: Int64Type, Space: Args}, 0, k.f.Params[0])
			k.b.Return()
			return k
		}, grid1(1, 1), "fieldaddr of field 0 (slice<global, i64>) of type ptr<args, i64>", false},
		{"call argument", func() *kt {
			k := newKT("CallArg", []string{"Out"}, []Type{bufI64})
			g := k.m.NewFunc("k.g", []Type{&Pointer{Elem: Int64Type, Space: Global}}, Void)
			g.Entry().Return()
			k.v(OpCall, Void, k.i64(1)).Aux = g
			k.b.Return()
			return k
		}, grid1(1, 1), "argument 0 of k.g is i64, want ptr<global, i64>", false},
		{"phi type", func() *kt {
			k := newKT("PhiType", []string{"Out"}, []Type{bufI64})
			next := k.f.NewBlock()
			one := k.i64(1)
			k.b.Jump(next)
			next.NewValue(OpPhi, Float64Type, one)
			next.Return()
			return k
		}, grid1(1, 1), "a phi of f64 with an operand of i64", false},
		{"spacecast", func() *kt {
			k := newKT("CastType", []string{"Out"}, []Type{bufI64})
			k.v(OpSpaceCast, &Slice{Elem: Int32Type, Space: Generic}, k.arg(0))
			k.b.Return()
			return k
		}, grid1(1, 1), "spacecast from slice<global, i64> to slice<generic, i32>", false},
		{"foreign value", func() *kt {
			k := newKT("Foreign", []string{"Out"}, []Type{bufI64})
			other := newKT("Other", []string{"Out"}, []Type{bufI64})
			k.v(OpNeg, Int64Type, other.i64(1))
			k.b.Return()
			return k
		}, grid1(1, 1), "is not a value of this function", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := tc.make()
			f := k.f
			if tc.nilFn {
				f = nil
			}
			var a args
			err := Run(ctx, f, tc.grid, unsafe.Pointer(&a))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Run = %v; want an error containing %q", err, tc.want)
			}
			if _, ok := err.(*PanicError); ok {
				t.Fatalf("Run = %T; want an error before running", err)
			}
		})
	}
	// A grid with a zero dimension runs nothing.
	k := newKT("Count", []string{"Out"}, []Type{bufI64})
	k.aux(OpAtomic, Int64Type, int64(AtomicAdd), k.elem(k.arg(0), k.i64(0)), k.i64(1))
	k.b.Return()
	a := args{Out: make([]int64, 1)}
	if err := Run(ctx, k.f, Grid{Global: [3]int{4, 0, 1}, Local: [3]int{1, 1, 1}}, unsafe.Pointer(&a)); err != nil || a.Out[0] != 0 {
		t.Errorf("Run of an empty grid = %v with %d work-items run", err, a.Out[0])
	}
	// Not a kernel.
	if err := Run(ctx, k.m.NewFunc("k.f", nil, Void), grid1(1, 1), unsafe.Pointer(&a)); err == nil || !strings.Contains(err.Error(), "not a kernel") {
		t.Errorf("Run of a function = %v", err)
	}
}

// TestRunInternalError: IR the verifier rejects (a use of a value its definition does not
// dominate) is reported as an error, not a crash.
func TestRunInternalError(t *testing.T) {
	k := newKT("Undominated", []string{"Out"}, []Type{bufI64})
	pair := &Tuple{Types: []Type{Int64Type, Int64Type}}
	two := k.m.NewFunc("k.two", nil, pair)
	tb := two.Entry()
	tb.Return(tb.Const(Int64Type, 1), tb.Const(Int64Type, 2))
	left, join := k.f.NewBlock(), k.f.NewBlock()
	k.b.If(k.v(OpEq, BoolType, k.wi(GlobalID, 0), k.i64(99)), left, join)
	k.b = left
	c := k.v(OpCall, pair)
	c.Aux = two
	left.Jump(join)
	k.b = join
	k.aux(OpExtract, Int64Type, 1, c) // undefined when entered from the entry block
	join.Return()
	type args struct{ Out []int64 }
	if Verify(k.m) == nil {
		t.Fatal("the verifier accepts the module: this test needs one it rejects")
	}
	err := runUnverified(t, k, grid1(1, 1), &args{})
	if err == nil || !strings.Contains(err.Error(), "internal error") || !strings.Contains(err.Error(), "extract") {
		t.Fatalf("Run = %v; want an internal error at the extract", err)
	}
}

func TestKernelName(t *testing.T) {
	for _, tc := range []struct{ args, want string }{
		{"main.Saxpy", "main.Saxpy"},
		{"github.com/geobacter-go/geobacter/internal/testkernels.PanicIndex", "testkernels.PanicIndex"},
		{"example.com/k.Scale[float32]", "k.Scale[float32]"},
		{"example.com/k.Pair[example.com/lib.Vec3]", "k.Pair[example.com/lib.Vec3]"},
		{"", "k.X"}, // from the function's name, "(*example.com/pkg/k.X).Kernel"
	} {
		k := newKT("X", nil, nil)
		k.args.Name = tc.args
		if got := kernelName(k.f); got != tc.want {
			t.Errorf("kernelName(%q) = %q; want %q", tc.args, got, tc.want)
		}
	}
}

// TestRunLayouts checks that the interpreter gives IR types Go's layout, including the corner
// cases of Go's rules, and runs IR whose types refer to themselves.
func TestRunLayouts(t *testing.T) {
	next := &Pointer{Space: Global}
	list := NewStruct("k.List", []string{"V", "Next"}, []Type{Int32Type, next})
	next.Elem = list
	for _, typ := range []Type{
		NewStruct("", []string{"A", "Z"}, []Type{Int64Type, &Array{Elem: Int32Type, Len: 0}}), // a trailing zero-size field is padded
		NewStruct("", nil, nil),
		NewStruct("", []string{"B", "S", "C"}, []Type{BoolType, bufF32, Uint16Type}),
		&Array{Elem: NewStruct("", []string{"A", "B"}, []Type{Int8Type, Float64Type}), Len: 3},
		&Array{Elem: &Array{Elem: BoolType, Len: 3}, Len: 5},
		list,
	} {
		p := &iprogram{types: map[Type]*tinfo{}}
		ti, err := p.typeInfo(typ)
		if err != nil {
			t.Errorf("%v: %v", typ, err)
			continue
		}
		if ti.size != typ.Size() || int64(ti.gt.Align()) != typ.Align() {
			t.Errorf("%v: Go type %v of size %d, align %d; want %d, %d", typ, ti.gt, ti.size, ti.gt.Align(), typ.Size(), typ.Align())
		}
	}
	// Walk a linked list in a buffer: Out[0] = the sum of the values.
	k := newKT("Walk", []string{"Head", "Out"}, []Type{&Pointer{Elem: list, Space: Global}, bufI64})
	k.m.AddType(list)
	head, body, done := k.f.NewBlock(), k.f.NewBlock(), k.f.NewBlock()
	entry := k.b
	h := k.arg(0)
	zero := k.i64(0)
	nilp := k.v(OpZero, list.Fields[1].Type)
	entry.Jump(head)
	k.b = head
	p := k.v(OpPhi, list.Fields[1].Type)
	sum := k.v(OpPhi, Int64Type)
	head.If(k.v(OpNe, BoolType, p, nilp), body, done)
	k.b = body
	v := k.load(k.aux(OpFieldAddr, &Pointer{Elem: Int32Type, Space: Global}, 0, p))
	sum2 := k.v(OpAdd, Int64Type, sum, k.v(OpConvert, Int64Type, v))
	nx := k.load(k.aux(OpFieldAddr, &Pointer{Elem: list.Fields[1].Type, Space: Global}, 1, p))
	body.Jump(head)
	p.Args = []*Value{h, nx}
	sum.Args = []*Value{zero, sum2}
	k.b = done
	k.store(k.elem(k.arg(1), zero), sum)
	done.Return()
	type node struct {
		V    int32
		Next *node
	}
	type args struct {
		Head *node
		Out  []int64
	}
	a := args{Head: &node{1, &node{20, &node{300, nil}}}, Out: make([]int64, 1)}
	if err := run(t, k, grid1(1, 1), &a); err != nil {
		t.Fatal(err)
	}
	if a.Out[0] != 321 {
		t.Errorf("sum = %d; want 321", a.Out[0])
	}
}

// TestRunConcurrent runs one kernel from several goroutines at once.
func TestRunConcurrent(t *testing.T) {
	k := reduceKernel()
	if err := Verify(k.m); err != nil {
		t.Fatal(err)
	}
	type args struct{ In, Sums []int64 }
	errs := make(chan error, 4)
	outs := make([]args, 4)
	for i := range outs {
		outs[i] = args{In: make([]int64, 1000), Sums: make([]int64, 8)}
		for j := range outs[i].In {
			outs[i].In[j] = int64(i)
		}
		go func() {
			errs <- Run(context.Background(), k.f, grid1(1000, 128), unsafe.Pointer(&outs[i]))
		}()
	}
	for range outs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for i, a := range outs {
		if want := []int64{128, 128, 128, 128, 128, 128, 128, 104}; !equal(a.Sums, mul(want, int64(i))) {
			t.Errorf("run %d: sums %v", i, a.Sums)
		}
	}
}

func mul(s []int64, c int64) []int64 {
	out := make([]int64, len(s))
	for i, v := range s {
		out[i] = v * c
	}
	return out
}

// TestRunSpaceCast passes pointers into private and global memory, and a slice, to a function
// through the generic space.
func TestRunSpaceCast(t *testing.T) {
	k := newKT("Cast", []string{"Out"}, []Type{bufI64})
	gp := &Pointer{Elem: Int64Type, Space: Generic}
	gs := &Slice{Elem: Int64Type, Space: Generic}
	// func bump(p *int64, s []int64) { *p += int64(len(s)) }
	bump := k.m.NewFunc("k.bump", []Type{gp, gs}, Void)
	b := bump.Entry()
	p, s := bump.Params[0], bump.Params[1]
	b.NewValue(OpStore, Void, p, b.NewValue(OpAdd, Int64Type, b.NewValue(OpLoad, Int64Type, p), b.NewValue(OpLen, Int64Type, s)))
	b.Return()

	out := k.arg(0)
	gid := k.wi(GlobalID, 0)
	local := k.v(OpLocal, &Pointer{Elem: Int64Type, Space: Private})
	k.store(local, k.i64(10))
	k.v(OpCall, Void, k.v(OpSpaceCast, gp, local), k.v(OpSpaceCast, gs, out)).Aux = bump
	elem := k.elem(out, gid)
	k.v(OpCall, Void, k.v(OpSpaceCast, gp, elem), k.v(OpSpaceCast, gs, out)).Aux = bump
	back := k.v(OpSpaceCast, &Pointer{Elem: Int64Type, Space: Private}, k.v(OpSpaceCast, gp, local))
	k.store(elem, k.v(OpAdd, Int64Type, k.load(elem), k.load(back)))
	k.b.Return()

	type args struct{ Out []int64 }
	a := args{Out: []int64{100, 200, 300}}
	if err := run(t, k, grid1(3, 3), &a); err != nil {
		t.Fatal(err)
	}
	if want := []int64{100 + 3 + 13, 200 + 3 + 13, 300 + 3 + 13}; !equal(a.Out, want) {
		t.Errorf("Out = %v; want %v", a.Out, want)
	}
}
