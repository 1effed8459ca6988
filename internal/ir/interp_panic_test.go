package ir

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
	"unsafe"
)

type panicArgs struct {
	Out []int64
	Ptr *int64
}

// panicKernel builds a kernel in which work-item 37 (of 64, in groups of 16) runs bad, then
// returns; the others return at once.
func panicKernel(bad func(k *kt, gid *Value)) *kt {
	k := newKT("Panic", []string{"Out", "Ptr"}, []Type{bufI64, &Pointer{Elem: Int64Type, Space: Global}})
	gid := k.wi(GlobalID, 0)
	then, done := k.f.NewBlock(), k.f.NewBlock()
	k.b.If(k.v(OpEq, BoolType, gid, k.i64(37)), then, done)
	k.b = then
	k.at(40)
	bad(k, gid)
	if k.b.Kind == BlockInvalid {
		k.b.Jump(done)
	}
	done.Return()
	return k
}

func TestRunPanics(t *testing.T) {
	i32 := func(k *kt, c int64) *Value { return k.b.Const(Int32Type, c) }
	for _, tc := range []struct {
		name string
		bad  func(k *kt, gid *Value)
		msg  string // the whole message, or with a trailing "*" its start
	}{
		{"index", func(k *kt, gid *Value) {
			k.elem(k.arg(0), k.v(OpAdd, Int64Type, gid, k.i64(100)))
		}, "runtime error: index out of range [137] with length 64"},
		{"index-negative", func(k *kt, gid *Value) {
			k.elem(k.arg(0), k.v(OpSub, Int64Type, k.i64(-1), k.i64(0)))
		}, "runtime error: index out of range [-1]"},
		{"slice-cap", func(k *kt, gid *Value) {
			k.aux(OpCheckBounds, Void, int64(BoundsSliceAcap)|BoundsSigned, k.i64(70), k.v(OpCap, Int64Type, k.arg(0)))
		}, "runtime error: slice bounds out of range [:70] with capacity 64"},
		{"slice-b", func(k *kt, gid *Value) {
			k.aux(OpCheckBounds, Void, int64(BoundsSliceB)|BoundsSigned, k.i64(5), k.i64(3))
		}, "runtime error: slice bounds out of range [5:3]"},
		{"checknil", func(k *kt, gid *Value) {
			k.v(OpCheckNil, Void, k.arg(1))
		}, "runtime error: invalid memory address or nil pointer dereference"},
		{"load-nil", func(k *kt, gid *Value) {
			k.load(k.arg(1))
		}, "runtime error: invalid memory address or nil pointer dereference"},
		{"store-nil-field", func(k *kt, gid *Value) {
			pt := &Pointer{Elem: NewStruct("", []string{"A", "B"}, []Type{Int64Type, Int64Type}), Space: Global}
			p := k.v(OpZero, pt)
			k.store(k.aux(OpFieldAddr, &Pointer{Elem: Int64Type, Space: Global}, 1, p), gid)
		}, "runtime error: invalid memory address or nil pointer dereference"},
		{"atomic-nil", func(k *kt, gid *Value) {
			k.aux(OpAtomic, Int64Type, int64(AtomicAdd), k.arg(1), gid)
		}, "runtime error: invalid memory address or nil pointer dereference"},
		{"divide", func(k *kt, gid *Value) {
			z := k.v(OpSub, Int32Type, i32(k, 1), i32(k, 1))
			k.v(OpCheckDivide, Void, z)
			k.v(OpDiv, Int32Type, i32(k, 1), z)
		}, "runtime error: integer divide by zero"},
		{"shift", func(k *kt, gid *Value) {
			k.v(OpCheckShift, Void, i32(k, -3))
		}, "runtime error: negative shift amount"},
		{"explicit", func(k *kt, gid *Value) {
			k.b.Panic("work-item gave up")
			k.b.Pos = Pos{"k.go", 40, 2}
		}, "work-item gave up"},
		{"ub-divide", func(k *kt, gid *Value) {
			k.v(OpRem, Uint64Type, k.b.Const(Uint64Type, 1), k.b.Const(Uint64Type, 0))
		}, "undefined behaviour: integer divide by zero*"},
		{"ub-indexaddr", func(k *kt, gid *Value) {
			k.v(OpIndexAddr, &Pointer{Elem: Int64Type, Space: Global}, k.arg(0), k.i64(64))
		}, "undefined behaviour: index out of range [64] with length 64*"},
		{"ub-index", func(k *kt, gid *Value) {
			arr := k.v(OpZero, &Array{Elem: Int64Type, Len: 3})
			k.v(OpIndex, Int64Type, arr, k.b.Const(Uint8Type, 200))
		}, "undefined behaviour: index out of range [200] with length 3*"},
		{"ub-slice", func(k *kt, gid *Value) {
			k.v(OpSlice, bufI64, k.arg(0), k.i64(2), k.i64(1), k.i64(64))
		}, "undefined behaviour: slice bounds out of range [2:1:64] with capacity 64*"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := panicKernel(tc.bad)
			a := panicArgs{Out: make([]int64, 64)}
			err := run(t, k, grid1(64, 16), &a)
			var p *PanicError
			if !errors.As(err, &p) {
				t.Fatalf("Run returned %v; want a *PanicError", err)
			}
			if want, prefix := strings.CutSuffix(tc.msg, "*"); prefix && !strings.HasPrefix(p.Msg, want) || !prefix && p.Msg != want {
				t.Errorf("Msg = %q; want %q", p.Msg, tc.msg)
			}
			if p.Kernel != "k.Panic" || p.Pos != (Pos{"k.go", 40, 2}) || p.WorkItem != [3]int{37, 0, 0} {
				t.Errorf("panic %q at %v in %v; want k.Panic at k.go:40:2 in (37,0,0)", p.Kernel, p.Pos, p.WorkItem)
			}
		})
	}
}

// TestRunBadDimension: a work-item id of a dimension other than 0, 1 or 2 (which the verifier
// rejects, as the frontend checks a dimension known only at run time) panics as kernel.Item does.
func TestRunBadDimension(t *testing.T) {
	k := panicKernel(func(k *kt, gid *Value) {
		k.aux(OpIntrinsic, Int64Type, int64(LocalSize), k.v(OpAdd, Int64Type, gid, k.i64(-32)))
	})
	a := panicArgs{Out: make([]int64, 64)}
	wantPanic(t, runUnverified(t, k, grid1(64, 16), &a), PanicError{Kernel: "k.Panic", Pos: Pos{"k.go", 40, 2},
		Msg: "kernel.Item.LocalSize: dimension 5 out of range; use 0, 1 or 2", WorkItem: [3]int{37, 0, 0}})
}

// TestRunNoPanics runs the checks and operations of TestRunPanics with operands that pass.
func TestRunNoPanics(t *testing.T) {
	k := panicKernel(func(k *kt, gid *Value) {
		k.elem(k.arg(0), k.i64(63))
		k.aux(OpCheckBounds, Void, int64(BoundsSliceAcap)|BoundsSigned, k.i64(64), k.v(OpCap, Int64Type, k.arg(0)))
		k.v(OpCheckShift, Void, k.b.Const(Int32Type, 0))
		k.v(OpCheckShift, Void, k.b.Const(Int64Type, math.MaxInt64))
		k.v(OpCheckDivide, Void, k.b.Const(Int8Type, -1))
		k.v(OpCheckNil, Void, k.aux(OpFieldAddr, &Pointer{Elem: bufI64, Space: Args}, 0, k.f.Params[0]))
		k.v(OpSlice, bufI64, k.arg(0), k.i64(64), k.i64(64), k.i64(64))
		// A pointer derived from nil is only an error when it is used.
		st := NewStruct("", []string{"A", "B"}, []Type{Int64Type, Int64Type})
		k.aux(OpFieldAddr, &Pointer{Elem: Int64Type, Space: Global}, 1, k.v(OpZero, &Pointer{Elem: st, Space: Global}))
	})
	a := panicArgs{Out: make([]int64, 64)}
	if err := run(t, k, grid1(64, 16), &a); err != nil {
		t.Fatal(err)
	}
}

func TestRunPanicInCall(t *testing.T) {
	k := panicKernel(func(k *kt, gid *Value) {
		// func at(s []int64, i int64) int64 { return s[i] }
		at := k.m.NewFunc("k.at", []Type{bufI64, Int64Type}, Int64Type)
		b := at.Entry()
		s, i := at.Params[0], at.Params[1]
		c := b.NewValue(OpCheckBounds, Void, i, b.NewValue(OpLen, Int64Type, s))
		c.AuxInt, c.Pos = int64(BoundsIndex)|BoundsSigned, Pos{"lib.go", 7, 9}
		b.Return(b.NewValue(OpLoad, Int64Type, b.NewValue(OpIndexAddr, &Pointer{Elem: Int64Type, Space: Global}, s, i)))
		call := k.v(OpCall, Int64Type, k.arg(0), k.v(OpMul, Int64Type, gid, k.i64(2)))
		call.Aux = at
	})
	a := panicArgs{Out: make([]int64, 64)}
	wantPanic(t, run(t, k, grid1(64, 16), &a), PanicError{Kernel: "k.Panic", Pos: Pos{"lib.go", 7, 9},
		Msg: "runtime error: index out of range [74] with length 64", WorkItem: [3]int{37, 0, 0}})
}

// TestRunFirstPanic has the work-item with local id 5 of every group panic: the panic reported
// is always the first group's, however the groups are spread over the workers.
func TestRunFirstPanic(t *testing.T) {
	k := newKT("Many", []string{"Out"}, []Type{bufI64})
	bad, done := k.f.NewBlock(), k.f.NewBlock()
	k.b.If(k.v(OpEq, BoolType, k.wi(LocalID, 0), k.i64(5)), bad, done)
	bad.Panic("five")
	bad.Pos = Pos{"k.go", 9, 3}
	done.Return()
	type args struct{ Out []int64 }
	for range 20 {
		wantPanic(t, run(t, k, grid1(64*64, 64), &args{}), PanicError{Kernel: "k.Many", Pos: Pos{"k.go", 9, 3}, Msg: "five", WorkItem: [3]int{5, 0, 0}})
	}
}

// divergentKernel builds a kernel in which the work-items for which early(lid) holds return at
// once; the others wait at a barrier (line 50), then at a second one (line 51) when second(lid)
// holds, and return.
func divergentKernel(early, second func(k *kt, lid *Value) *Value) *kt {
	k := newKT("Diverge", []string{"Out"}, []Type{bufI64})
	lid := k.wi(LocalID, 0)
	wait, extra, done := k.f.NewBlock(), k.f.NewBlock(), k.f.NewBlock()
	k.b.If(early(k, lid), done, wait)
	k.b = wait
	k.at(50)
	k.barrier()
	k.b.If(second(k, lid), extra, done)
	k.b = extra
	k.at(51)
	k.barrier()
	extra.Jump(done)
	done.Return()
	return k
}

func TestRunBarrierDivergence(t *testing.T) {
	eq := func(c int64) func(k *kt, lid *Value) *Value {
		return func(k *kt, lid *Value) *Value { return k.v(OpEq, BoolType, lid, k.i64(c)) }
	}
	ge := func(c int64) func(k *kt, lid *Value) *Value {
		return func(k *kt, lid *Value) *Value { return k.v(OpGe, BoolType, lid, k.i64(c)) }
	}
	never := eq(-1)
	type args struct{ Out []int64 }
	for _, tc := range []struct {
		name          string
		early, second func(k *kt, lid *Value) *Value
		want          *PanicError
	}{
		{"others-return", ge(3), never, &PanicError{Pos: Pos{"k.go", 50, 2}, WorkItem: [3]int{8, 0, 0},
			Msg: "barrier not reached by all work-items: work-item (8,0,0) waits at this barrier but work-item (11,0,0) returned without reaching it"}},
		{"first-returns", eq(0), never, &PanicError{Pos: Pos{"k.go", 50, 2}, WorkItem: [3]int{9, 0, 0},
			Msg: "barrier not reached by all work-items: work-item (9,0,0) waits at this barrier but work-item (8,0,0) returned without reaching it"}},
		{"extra-barrier", never, eq(2), &PanicError{Pos: Pos{"k.go", 51, 2}, WorkItem: [3]int{10, 0, 0},
			Msg: "barrier not reached by all work-items: work-item (10,0,0) waits at this barrier but work-item (8,0,0) returned without reaching it"}},
		{"all-extra", never, ge(0), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The first group of 8 is whole and agrees; the second has the divergence; the third
			// is partial (4 work-items) and agrees for every case but others-return.
			early := func(k *kt, lid *Value) *Value {
				return k.v(OpAnd, BoolType, tc.early(k, lid), k.v(OpEq, BoolType, k.wi(GroupID, 0), k.i64(1)))
			}
			second := func(k *kt, lid *Value) *Value {
				return k.v(OpAnd, BoolType, tc.second(k, lid), k.v(OpEq, BoolType, k.wi(GroupID, 0), k.i64(1)))
			}
			if tc.want == nil {
				second = tc.second
			}
			k := divergentKernel(early, second)
			err := run(t, k, grid1(20, 8), &args{})
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			tc.want.Kernel = "k.Diverge"
			wantPanic(t, err, *tc.want)
		})
	}
}

// TestRunPanicAtBarrier: a work-item that panics while the others wait at a barrier is reported
// as its panic, as the go device does.
func TestRunPanicAtBarrier(t *testing.T) {
	k := newKT("PanicWait", []string{"Out"}, []Type{bufI64})
	bad, wait := k.f.NewBlock(), k.f.NewBlock()
	k.b.If(k.v(OpEq, BoolType, k.wi(GlobalID, 0), k.i64(6)), bad, wait)
	bad.Panic("six")
	bad.Pos = Pos{"k.go", 7, 3}
	k.b = wait
	k.barrier()
	wait.Return()
	type args struct{ Out []int64 }
	wantPanic(t, run(t, k, grid1(16, 8), &args{}), PanicError{Kernel: "k.PanicWait", Pos: Pos{"k.go", 7, 3}, Msg: "six", WorkItem: [3]int{6, 0, 0}})
}

func TestRunStackOverflow(t *testing.T) {
	k := newKT("Deep", []string{"Out"}, []Type{bufI64})
	rec := k.m.NewFunc("k.rec", []Type{Int64Type}, Int64Type)
	b := rec.Entry()
	c := b.NewValue(OpCall, Int64Type, b.NewValue(OpAdd, Int64Type, rec.Params[0], b.Const(Int64Type, 1)))
	c.Aux, c.Pos = rec, Pos{"k.go", 3, 4}
	b.Return(c)
	k.v(OpCall, Int64Type, k.i64(0)).Aux = rec
	k.b.Return()
	type args struct{ Out []int64 }
	err := run(t, k, grid1(2, 2), &args{})
	var p *PanicError
	if !errors.As(err, &p) || !strings.HasPrefix(p.Msg, "stack overflow") || p.Pos != (Pos{"k.go", 3, 4}) || p.WorkItem != [3]int{0, 0, 0} {
		t.Fatalf("Run = %v; want a stack overflow at k.go:3:4 in (0,0,0)", err)
	}
}

func TestRunCancel(t *testing.T) {
	// A kernel that never returns stops when ctx is done.
	k := newKT("Spin", []string{"Count"}, []Type{bufI64})
	k.aux(OpAtomic, Int64Type, int64(AtomicAdd), k.elem(k.arg(0), k.i64(0)), k.i64(1))
	loop := k.f.NewBlock()
	k.b.Jump(loop)
	loop.Jump(loop)
	type args struct{ Count []int64 }
	a := args{Count: make([]int64, 1)}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := Run(ctx, k.f, grid1(1<<20, 64), unsafe.Pointer(&a)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run = %v; want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Run took %v to stop", d)
	}
	if n := a.Count[0]; n == 0 || n >= 1<<20 {
		t.Errorf("%d work-items started; want some, not all", n)
	}

	// A done ctx runs nothing.
	a.Count[0] = 0
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if err := Run(ctx, k.f, grid1(64, 64), unsafe.Pointer(&a)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v; want context.Canceled", err)
	}
	if a.Count[0] != 0 {
		t.Errorf("%d work-items ran after cancellation", a.Count[0])
	}
}
