package ir

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// loopModule builds a module with loops, phis, calls, tuples, atomics and shared memory:
//
//	func lib.DivMod(a, b int32) (int32, int32) { return a / b, a % b }
//	func (k *main.Sum) Kernel(it kernel.Item) {
//		s := int32(0)
//		for i := 0; i < len(k.X); i++ { q, r := lib.DivMod(k.X[i], 3); s += q + r }
//		atomic.AddInt32(&k.Out[0], s)
//	}
func loopModule() *Module {
	m := &Module{}
	i32, i64 := Int32Type, Int64Type
	buf := &Slice{Elem: i32, Space: Global}
	args := m.AddType(NewStruct("main.Sum", []string{"X", "Out"}, []Type{buf, buf}))

	dm := m.NewFunc("lib.DivMod", []Type{i32, i32}, &Tuple{Types: []Type{i32, i32}})
	{
		b := dm.Entry()
		a, d := dm.Params[0], dm.Params[1]
		c := b.NewValue(OpCheckDivide, Void, d)
		c.Pos = Pos{"lib.go", 3, 9}
		q := b.NewValue(OpDiv, i32, a, d)
		r := b.NewValue(OpRem, i32, a, d)
		b.Return(q, r)
	}

	f := m.NewFunc("(*main.Sum).Kernel", []Type{&Pointer{Elem: args, Space: Args}}, Void)
	f.Kernel = true
	f.Access = []Access{AccessRead, AccessRead | AccessWrite}
	entry, head, body, exit := f.Entry(), f.NewBlock(), f.NewBlock(), f.NewBlock()
	k := f.Params[0]
	xa := entry.NewValue(OpFieldAddr, &Pointer{Elem: buf, Space: Args}, k)
	x := entry.NewValue(OpLoad, buf, xa)
	n := entry.NewValue(OpLen, i64, x)
	zero64 := entry.Const(i64, 0)
	zero32 := entry.Const(i32, 0)
	entry.Jump(head)

	i := head.NewValue(OpPhi, i64)
	s := head.NewValue(OpPhi, i32)
	lt := head.NewValue(OpLt, BoolType, i, n)
	head.If(lt, body, exit)

	cb := body.NewValue(OpCheckBounds, Void, i, n)
	cb.AuxInt = int64(BoundsIndex) | BoundsSigned
	p := body.NewValue(OpIndexAddr, &Pointer{Elem: i32, Space: Global}, x, i)
	xi := body.NewValue(OpLoad, i32, p)
	three := body.Const(i32, 3)
	call := body.NewValue(OpCall, dm.Result, xi, three)
	call.Aux = dm
	q := body.NewValue(OpExtract, i32, call)
	r := body.NewValue(OpExtract, i32, call)
	r.AuxInt = 1
	qr := body.NewValue(OpAdd, i32, q, r)
	s2 := body.NewValue(OpAdd, i32, s, qr)
	one := body.Const(i64, 1)
	i2 := body.NewValue(OpAdd, i64, i, one)
	body.Jump(head)
	i.Args = []*Value{zero64, i2}
	s.Args = []*Value{zero32, s2}

	oa := exit.NewValue(OpFieldAddr, &Pointer{Elem: buf, Space: Args}, k)
	oa.AuxInt = 1
	out := exit.NewValue(OpLoad, buf, oa)
	sh := exit.NewValue(OpShared, &Pointer{Elem: &Array{Elem: i32, Len: 64}, Space: Shared})
	lid := exit.NewValue(OpIntrinsic, i64, zero64)
	lid.AuxInt = int64(LocalID)
	sp := exit.NewValue(OpIndexAddr, &Pointer{Elem: i32, Space: Shared}, sh, lid)
	exit.NewValue(OpStore, Void, sp, s)
	bar := exit.NewValue(OpIntrinsic, Void)
	bar.AuxInt = int64(Barrier)
	o0 := exit.NewValue(OpIndexAddr, &Pointer{Elem: i32, Space: Global}, out, zero64)
	add := exit.NewValue(OpAtomic, i32, o0, s)
	add.AuxInt = int64(AtomicAdd)
	exit.Return()
	return m
}

func TestVerifyValid(t *testing.T) {
	for name, m := range map[string]*Module{"saxpy": saxpy(), "loop": loopModule(), "empty": {}} {
		if err := Verify(m); err != nil {
			t.Errorf("%s: %v\n%s", name, err, Print(m))
		}
	}
	m := loopModule()
	if err := VerifyFunc(m.Funcs[1]); err != nil {
		t.Errorf("VerifyFunc: %v", err)
	}
}

// vvalue returns the value the printer numbers n in the function named fn.
func vvalue(m *Module, fn string, n int) *Value {
	f := m.Func(fn)
	i := len(f.Params)
	if n < i {
		return f.Params[n]
	}
	for _, b := range f.Blocks {
		for _, v := range b.Instrs {
			if v.Op != OpParam && v.Type != Void {
				if i == n {
					return v
				}
				i++
			}
		}
	}
	panic("no value %" + strconv.Itoa(n))
}

// vblock returns block b of the function named fn.
func vblock(m *Module, fn string, b int) *Block { return m.Func(fn).Blocks[b] }

const sumKernel = "(*main.Sum).Kernel"

func TestVerifyProblems(t *testing.T) {
	for _, tc := range []struct {
		name   string
		break_ func(m *Module)
		want   string // a problem Verify must report, in full
	}{
		{"operand defined after its use", func(m *Module) {
			vvalue(m, sumKernel, 15).Args[0] = vvalue(m, sumKernel, 16)
		}, "(*main.Sum).Kernel b2: %15 = add %16, %14 : i32: operand %16 is defined after its use"},
		{"operand types differ", func(m *Module) {
			vvalue(m, sumKernel, 18).Args[1] = vvalue(m, sumKernel, 5)
		}, "(*main.Sum).Kernel b2: %18 = add %6, %5 : i64: operand types i64 and i32 differ"},
		{"result type", func(m *Module) {
			vvalue(m, sumKernel, 18).Type = Int32Type
		}, "(*main.Sum).Kernel b2: %18 = add %6, %17 : i32: result type is i32, want i64"},
		{"signed shift count", func(m *Module) {
			vvalue(m, sumKernel, 18).Op = OpShl
		}, "(*main.Sum).Kernel b2: %18 = shl %6, %17 : i64: shift count of type i64: want an unsigned integer"},
		{"rem of floats", func(m *Module) {
			f := m.Func("lib.DivMod")
			for _, p := range f.Params {
				p.Type = Float32Type
			}
			f.Result = &Tuple{Types: []Type{Float32Type, Float32Type}}
			vvalue(m, "lib.DivMod", 2).Type = Float32Type
			vvalue(m, "lib.DivMod", 3).Type = Float32Type
		}, "lib.DivMod b0: %3 = rem %0, %1 : f32: rem of f32"},
		{"comparison result", func(m *Module) {
			vvalue(m, sumKernel, 8).Type = Int64Type
		}, "(*main.Sum).Kernel b1: %8 = lt %6, %3 : i64: result type is i64, want bool"},
		{"convert of bool", func(m *Module) {
			vblock(m, sumKernel, 1).InsertValue(3, OpConvert, Int32Type, vvalue(m, sumKernel, 8))
		}, "(*main.Sum).Kernel b1: %9 = convert %8 : i32: convert from bool to i32: Go has no conversion between bool and numbers"},
		{"checkdivide of a slice", func(m *Module) {
			vblock(m, sumKernel, 0).NewValue(OpCheckDivide, Void, vvalue(m, sumKernel, 2))
		}, "(*main.Sum).Kernel b0: checkdivide %2: checkdivide of slice<global, i32>: want an integer"},
		{"checkshift of unsigned", func(m *Module) {
			b := vblock(m, sumKernel, 0)
			b.NewValue(OpCheckShift, Void, b.Const(Uint8Type, 200))
		}, "(*main.Sum).Kernel b0: checkshift %6: checkshift of u8: want a signed integer (an unsigned count is never negative)"},
		{"checkbounds kind", func(m *Module) {
			vblock(m, sumKernel, 2).Instrs[0].AuxInt = 9
		}, "(*main.Sum).Kernel b2: checkbounds bounds? %6, %3: invalid bounds check kind 0x9"},
		{"checkbounds of i32", func(m *Module) {
			vblock(m, sumKernel, 2).Instrs[0].Args[0] = vvalue(m, sumKernel, 5)
		}, "(*main.Sum).Kernel b2: checkbounds index signed %5, %3: operand 0 of type i32: want i64"},
		{"constant bits", func(m *Module) {
			vvalue(m, sumKernel, 5).AuxInt = 1 << 40
		}, "(*main.Sum).Kernel b0: %5 = const 1099511627776 : i32: i32 constant with bits 0x10000000000: want them extended from 32 bits (ConstBits)"},
		{"unused AuxInt", func(m *Module) {
			vvalue(m, sumKernel, 3).AuxInt = 7
		}, "(*main.Sum).Kernel b0: %3 = len %2 : i64: AuxInt is 7, but len has no aux"},
		{"unused Aux", func(m *Module) {
			vvalue(m, sumKernel, 3).Aux = "x"
		}, "(*main.Sum).Kernel b0: %3 = len %2 : i64: Aux is set (string), but only call has an Aux"},
		{"load of a non-pointer", func(m *Module) {
			vvalue(m, sumKernel, 10).Args[0] = vvalue(m, sumKernel, 6)
		}, "(*main.Sum).Kernel b2: %10 = load %6 : i32: load from i64: want a pointer"},
		{"store of the wrong type", func(m *Module) {
			vblock(m, sumKernel, 3).Instrs[5].Args[1] = vvalue(m, sumKernel, 22)
		}, "(*main.Sum).Kernel b3: store %23, %22: store of i64 through ptr<shared, i32>"},
		{"store into args", func(m *Module) {
			vblock(m, sumKernel, 3).InsertValue(2, OpStore, Void, vvalue(m, sumKernel, 19), vvalue(m, sumKernel, 20))
		}, "(*main.Sum).Kernel b3: store %19, %20: store through a pointer into args: the argument struct is read-only"},
		{"fieldaddr loses the space", func(m *Module) {
			vvalue(m, sumKernel, 1).Type = &Pointer{Elem: &Slice{Elem: Int32Type, Space: Global}, Space: Global}
		}, "(*main.Sum).Kernel b0: %1 = fieldaddr %0, 0 : ptr<global, slice<global, i32>>: result type is ptr<global, slice<global, i32>>, want ptr<args, slice<global, i32>>"},
		{"fieldaddr index", func(m *Module) {
			vvalue(m, sumKernel, 1).AuxInt = 2
		}, "(*main.Sum).Kernel b0: %1 = fieldaddr %0, 2 : ptr<args, slice<global, i32>>: field 2 of a struct with 2 fields"},
		{"indexaddr loses the space", func(m *Module) {
			vvalue(m, sumKernel, 9).Type = &Pointer{Elem: Int32Type, Space: Private}
		}, "(*main.Sum).Kernel b2: %9 = indexaddr %2, %6 : ptr<private, i32>: result type is ptr<private, i32>, want ptr<global, i32>"},
		{"slice operands", func(m *Module) {
			vblock(m, sumKernel, 0).NewValue(OpSlice, vvalue(m, sumKernel, 2).Type, vvalue(m, sumKernel, 2), vvalue(m, sumKernel, 4))
		}, "(*main.Sum).Kernel b0: %6 = slice %2, %4 : slice<global, i32>: slice takes 4 operand(s), has 2"},
		{"copy between element types", func(m *Module) {
			b, z := vblock(m, sumKernel, 0), vvalue(m, sumKernel, 4)
			l := b.NewValue(OpLocal, &Pointer{Elem: &Array{Elem: Uint8Type, Len: 4}, Space: Private})
			s := b.NewValue(OpSlice, &Slice{Elem: Uint8Type, Space: Private}, l, z, z, z)
			b.NewValue(OpCopy, Int64Type, s, vvalue(m, sumKernel, 2))
		}, "(*main.Sum).Kernel b0: %8 = copy %7, %2 : i64: copy from slice<global, i32> to slice<private, u8>: element types differ"},
		{"local in global", func(m *Module) {
			vblock(m, sumKernel, 0).NewValue(OpLocal, &Pointer{Elem: Int32Type, Space: Global})
		}, "(*main.Sum).Kernel b0: %6 = local : ptr<global, i32>: a local is a pointer in private, not ptr<global, i32>"},
		{"call arity", func(m *Module) {
			vvalue(m, sumKernel, 12).Args = vvalue(m, sumKernel, 12).Args[:1]
		}, "(*main.Sum).Kernel b2: %12 = call @lib.DivMod(%10) : (i32, i32): 1 argument(s) for @lib.DivMod's 2 param(s)"},
		{"call argument type", func(m *Module) {
			vvalue(m, sumKernel, 12).Args[1] = vvalue(m, sumKernel, 6)
		}, "(*main.Sum).Kernel b2: %12 = call @lib.DivMod(%10, %6) : (i32, i32): argument 1 has type i64, @lib.DivMod's param i32"},
		{"call result", func(m *Module) {
			vvalue(m, sumKernel, 12).Type = Int32Type
		}, "(*main.Sum).Kernel b2: %12 = call @lib.DivMod(%10, %11) : i32: result type is i32, @lib.DivMod returns (i32, i32)"},
		{"callee of another module", func(m *Module) {
			vvalue(m, sumKernel, 12).Aux = loopModule().Func("lib.DivMod")
		}, "(*main.Sum).Kernel b2: %12 = call @lib.DivMod(%10, %11) : (i32, i32): callee @lib.DivMod is not a function of the module"},
		{"call of a kernel", func(m *Module) {
			b := vblock(m, "lib.DivMod", 0)
			c := b.InsertValue(2, OpCall, Void, b.Instrs[0])
			c.Aux = m.Func(sumKernel)
		}, "lib.DivMod b0: call @\"(*main.Sum).Kernel\"(%0): call of kernel @\"(*main.Sum).Kernel\": kernels are entry points"},
		{"extract of a non-tuple", func(m *Module) {
			vvalue(m, sumKernel, 13).Args[0] = vvalue(m, sumKernel, 10)
		}, "(*main.Sum).Kernel b2: %13 = extract %10, 0 : i32: extract from i32: want a tuple"},
		{"extract index", func(m *Module) {
			vvalue(m, sumKernel, 14).AuxInt = 2
		}, "(*main.Sum).Kernel b2: %14 = extract %12, 2 : i32: element 2 of a tuple of 2"},
		{"work-item dimension", func(m *Module) {
			b := vblock(m, sumKernel, 0)
			v := b.NewValue(OpIntrinsic, Int64Type, b.Const(Int64Type, 3))
			v.AuxInt = int64(GroupID)
		}, "(*main.Sum).Kernel b0: %7 = intrinsic group_id(%6) : i64: the dimension of group_id is 0, 1 or 2, not 3"},
		{"work-item dimension type", func(m *Module) {
			v := vblock(m, sumKernel, 0).NewValue(OpIntrinsic, Int64Type, vvalue(m, sumKernel, 5))
			v.AuxInt = int64(GlobalID)
		}, "(*main.Sum).Kernel b0: %6 = intrinsic global_id(%5) : i64: global_id operand 0 has type i32, want i64"},
		{"spacecast of the element", func(m *Module) {
			blk := vblock(m, sumKernel, 0)
			blk.NewValue(OpSpaceCast, &Slice{Elem: Int64Type, Space: Generic}, vvalue(m, sumKernel, 2))
		}, "(*main.Sum).Kernel b0: %6 = spacecast %2 : slice<generic, i64>: spacecast from slice<global, i32> to slice<generic, i64>: want a slice of the same type"},
		{"spacecast of a scalar", func(m *Module) {
			vblock(m, sumKernel, 0).NewValue(OpSpaceCast, Int64Type, vvalue(m, sumKernel, 3))
		}, "(*main.Sum).Kernel b0: %6 = spacecast %3 : i64: spacecast of i64: want a pointer or a slice"},
		{"phi operands for one predecessor", func(m *Module) {
			// b0 ends with if true, b1, b1: two edges from b0, whose operands must be the same.
			f := m.Func(sumKernel)
			b0, b1 := f.Blocks[0], f.Blocks[1]
			i, s, n, zero64 := vvalue(m, sumKernel, 6), vvalue(m, sumKernel, 7), vvalue(m, sumKernel, 3), vvalue(m, sumKernel, 4)
			b0.Kind, b0.Succs, b1.Preds = BlockInvalid, nil, b1.Preds[1:] // [b2]
			b0.If(b0.Const(BoolType, 1), b1, b1)                          // [b2, b0, b0]
			i.Args = []*Value{i.Args[1], zero64, n}
			s.Args = []*Value{s.Args[1], s.Args[0], s.Args[0]}
		}, "(*main.Sum).Kernel b1: %7 = phi [%19, b2], [%4, b0], [%3, b0] : i64: operands 1 and 2 differ, but both are for an edge from b0"},
		{"phi without predecessors", func(m *Module) {
			dead := m.Func(sumKernel).NewBlock()
			dead.NewValue(OpPhi, Int32Type)
			dead.Return()
		}, "(*main.Sum).Kernel b4: %26 = phi : i32: phi in a block without predecessors"},
		{"negative column", func(m *Module) {
			vvalue(m, sumKernel, 3).Pos = Pos{"k.go", 3, -1}
		}, "(*main.Sum).Kernel b0: %3 = len %2 : i64 @k.go:3:-1: position with a negative column"},
		{"barrier with an operand", func(m *Module) {
			vblock(m, sumKernel, 3).Instrs[6].Args = []*Value{vvalue(m, sumKernel, 4)}
		}, "(*main.Sum).Kernel b3: intrinsic barrier(%4): barrier takes 0 operand(s), has 1"},
		{"bits intrinsic of a signed integer", func(m *Module) {
			v := vblock(m, sumKernel, 0).NewValue(OpIntrinsic, Int64Type, vvalue(m, sumKernel, 3))
			v.AuxInt = int64(OnesCount)
		}, "(*main.Sum).Kernel b0: %6 = intrinsic onescount(%3) : i64: onescount of i64: want an unsigned integer"},
		{"math intrinsic result", func(m *Module) {
			b := vblock(m, sumKernel, 0)
			v := b.NewValue(OpIntrinsic, Float32Type, b.Const(Float64Type, 0))
			v.AuxInt = int64(Sqrt)
		}, "(*main.Sum).Kernel b0: %7 = intrinsic sqrt(%6) : f32: sqrt gives f64, not f32"},
		{"invalid intrinsic", func(m *Module) {
			vblock(m, sumKernel, 3).Instrs[6].AuxInt = 200
		}, "(*main.Sum).Kernel b3: intrinsic intrinsic?(): invalid intrinsic 200"},
		{"atomic cas operands", func(m *Module) {
			vvalue(m, sumKernel, 25).AuxInt = int64(AtomicCAS)
		}, "(*main.Sum).Kernel b3: %25 = atomic cas %24, %7 : i32: atomic cas takes 3 operand(s), has 2"},
		{"atomic min of an integer", func(m *Module) {
			vvalue(m, sumKernel, 25).AuxInt = int64(AtomicMin)
		}, "(*main.Sum).Kernel b3: %25 = atomic min %24, %7 : i32: atomic min of i32"},
		{"atomic store result", func(m *Module) {
			vvalue(m, sumKernel, 25).AuxInt = int64(AtomicStore)
		}, "(*main.Sum).Kernel b3: %25 = atomic store %24, %7 : i32: atomic store gives void, not i32"},
		{"invalid atomic", func(m *Module) {
			vvalue(m, sumKernel, 25).AuxInt = 99
		}, "(*main.Sum).Kernel b3: %25 = atomic atomic? %24, %7 : i32: invalid atomic operation 99"},
		{"phi operand count", func(m *Module) {
			vvalue(m, sumKernel, 6).Args = vvalue(m, sumKernel, 6).Args[:1]
		}, "(*main.Sum).Kernel b1: %6 = phi [%4, b0] : i64: phi has 1 operand(s) for 2 predecessor(s)"},
		{"phi operand type", func(m *Module) {
			vvalue(m, sumKernel, 6).Args[0] = vvalue(m, sumKernel, 5)
		}, "(*main.Sum).Kernel b1: %6 = phi [%5, b0], [%18, b2] : i64: operand 0 has type i32, the phi i64"},
		{"phi after other instructions", func(m *Module) {
			b := vblock(m, sumKernel, 1)
			b.Instrs[1], b.Instrs[2] = b.Instrs[2], b.Instrs[1]
		}, "(*main.Sum).Kernel b1: %8 = phi [%5, b0], [%16, b2] : i32: phi after other instructions: phis come first in a block"},
		{"phi operand does not dominate its predecessor", func(m *Module) {
			v := vvalue(m, sumKernel, 7)
			v.Args[0] = v.Args[1]
		}, "(*main.Sum).Kernel b1: %7 = phi [%16, b0], [%16, b2] : i32: operand %16, defined in b2, does not dominate its use"},
		{"operand does not dominate", func(m *Module) {
			vvalue(m, sumKernel, 25).Args[1] = vvalue(m, sumKernel, 16)
		}, "(*main.Sum).Kernel b3: %25 = atomic add %24, %16 : i32: operand %16, defined in b2, does not dominate its use"},
		{"value of another function", func(m *Module) {
			vvalue(m, sumKernel, 10).Args[0] = m.Func("lib.DivMod").Params[0]
		}, "(*main.Sum).Kernel b2: %10 = load %?v0 : i32: operand v0 is a value of another function, lib.DivMod"},
		{"value removed from its block", func(m *Module) {
			b := vblock(m, sumKernel, 0)
			b.Instrs = b.Instrs[:5] // drops %5
		}, "(*main.Sum).Kernel b1: %6 = phi [%?v5, b0], [%15, b2] : i32: operand v5 is not an instruction of the function"},
		{"void operand", func(m *Module) {
			vvalue(m, sumKernel, 9).Args[1] = vblock(m, sumKernel, 2).Instrs[0]
		}, "(*main.Sum).Kernel b2: %9 = indexaddr %2, %?v9 : ptr<global, i32>: operand %?v9 has no result (type void)"},
		{"nil operand", func(m *Module) {
			vvalue(m, sumKernel, 3).Args[0] = nil
		}, "(*main.Sum).Kernel b0: %3 = len (a broken instruction): operand is nil"},
		{"value in two places", func(m *Module) {
			b := vblock(m, sumKernel, 3)
			b.Instrs = append(b.Instrs, vvalue(m, sumKernel, 3))
		}, "(*main.Sum).Kernel b3: %3 = len %2 : i64: instruction appears twice (also in b0 at 3)"},
		{"Value.Block", func(m *Module) {
			vvalue(m, sumKernel, 3).Block = vblock(m, sumKernel, 1)
		}, "(*main.Sum).Kernel b0: %3 = len %2 : i64: Value.Block is not the block that holds it"},
		{"Block.Func", func(m *Module) {
			vblock(m, sumKernel, 1).Func = m.Func("lib.DivMod")
		}, "(*main.Sum).Kernel b1: Block.Func is not the function that holds it"},
		{"invalid op", func(m *Module) {
			vvalue(m, sumKernel, 3).Op = numOps
		}, "(*main.Sum).Kernel b0: %3 = op? %2 : i64: invalid op " + strconv.Itoa(int(numOps))},
		{"missing type", func(m *Module) {
			vvalue(m, sumKernel, 3).Type = nil
		}, "(*main.Sum).Kernel b0: %3 = len (a broken instruction): missing type (use Void for no result)"},
		{"missing terminator", func(m *Module) {
			vblock(m, sumKernel, 3).Kind = BlockInvalid
		}, "(*main.Sum).Kernel b3: block has no terminator"},
		{"if condition", func(m *Module) {
			vblock(m, sumKernel, 1).Controls[0] = vvalue(m, sumKernel, 5)
		}, "(*main.Sum).Kernel b1: if %5, b2, b3: condition has type i32, not bool"},
		{"jump successors", func(m *Module) {
			b := vblock(m, sumKernel, 0)
			b.Succs = append(b.Succs, vblock(m, sumKernel, 3))
		}, "(*main.Sum).Kernel b0: jump b1: jump takes 0 control(s) and 1 successor(s), has 0 and 2"},
		{"successor missing from preds", func(m *Module) {
			b := vblock(m, sumKernel, 0)
			b.Succs = append(b.Succs, vblock(m, sumKernel, 3))
		}, "(*main.Sum).Kernel b3: b0 has this block as a successor 1 more time(s) than Preds has b0"},
		{"pred without an edge", func(m *Module) {
			b := vblock(m, sumKernel, 2)
			b.Preds = append(b.Preds, vblock(m, sumKernel, 0))
		}, "(*main.Sum).Kernel b2: Preds has b0 1 more time(s) than b0 has this block as a successor"},
		{"successor of another function", func(m *Module) {
			vblock(m, sumKernel, 0).Succs[0] = vblock(m, "lib.DivMod", 0)
		}, "(*main.Sum).Kernel b0: successor 0 is not a block of the function"},
		{"entry with predecessors", func(m *Module) {
			b := vblock(m, sumKernel, 3)
			b.Kind = BlockInvalid
			b.Jump(vblock(m, sumKernel, 0))
		}, "(*main.Sum).Kernel b0: the entry block has predecessors"},
		{"return count", func(m *Module) {
			b := vblock(m, "lib.DivMod", 0)
			b.Controls = b.Controls[:1]
		}, "lib.DivMod b0: return %2: returns 1 value(s), the function's result is (i32, i32)"},
		{"return type", func(m *Module) {
			m.Func("lib.DivMod").Result = &Tuple{Types: []Type{Int32Type, Int64Type}}
		}, "lib.DivMod b0: return %2, %3: result 1 has type i32, the function returns i64"},
		{"return from a void function", func(m *Module) {
			vblock(m, sumKernel, 3).Controls = []*Value{vvalue(m, sumKernel, 19)}
		}, "(*main.Sum).Kernel b3: return %19: returns 1 value(s), the function's result is void"},
		{"panic message on a jump", func(m *Module) {
			vblock(m, sumKernel, 0).Msg = "oops"
		}, "(*main.Sum).Kernel b0: jump b1: a jump has a panic message"},
		{"invalid terminator", func(m *Module) {
			vblock(m, sumKernel, 3).Kind = 9
		}, "(*main.Sum).Kernel b3: terminator of invalid kind 9"},
		{"param order", func(m *Module) {
			f := m.Func("lib.DivMod")
			f.Params[0], f.Params[1] = f.Params[1], f.Params[0]
		}, "lib.DivMod: param 0 is not instruction 0 of the entry block: params come first, in order"},
		{"param index", func(m *Module) {
			m.Func("lib.DivMod").Params[1].AuxInt = 0
		}, "lib.DivMod: param 1 has AuxInt 0, not its index"},
		{"param in a later block", func(m *Module) {
			p := vblock(m, sumKernel, 3).NewValue(OpParam, Int32Type)
			p.AuxInt = 1
		}, "(*main.Sum).Kernel b3: param 1 : i32 is not one of Func.Params in its place (params come first in the entry block, in order)"},
		{"kernel param", func(m *Module) {
			m.Func(sumKernel).Params[0].Type = &Pointer{Elem: m.Types[0], Space: Global}
		}, "(*main.Sum).Kernel: a kernel's param is a pointer in args to its argument struct, not ptr<global, %main.Sum>"},
		{"kernel result", func(m *Module) {
			m.Func(sumKernel).Result = Int32Type
		}, "(*main.Sum).Kernel: a kernel returns nothing, not i32"},
		{"access entries", func(m *Module) {
			f := m.Func(sumKernel)
			f.Access = f.Access[:1]
		}, "(*main.Sum).Kernel: access has 1 entries for 2 fields of the argument struct"},
		{"access of a function", func(m *Module) {
			m.Func("lib.DivMod").Access = []Access{AccessRead}
		}, "lib.DivMod: access is set on a function that is not a kernel"},
		{"undeclared struct", func(m *Module) {
			m.Types = nil
		}, "(*main.Sum).Kernel b0: %0 = param : ptr<args, %main.Sum>: type: pointer element: struct type %main.Sum is not declared in the module"},
		{"type declared twice", func(m *Module) {
			m.Types = append(m.Types, NewStruct("main.Sum", nil, nil))
		}, "type %main.Sum: declared twice"},
		{"unnamed declared type", func(m *Module) {
			m.Types = append(m.Types, NewStruct("", nil, nil))
		}, "module: type 1, {}, has no name: only named structs are declared"},
		{"struct differs from its declaration", func(m *Module) {
			m.Func(sumKernel).Params[0].Type = &Pointer{Elem: NewStruct("main.Sum", []string{"X"}, []Type{Int32Type}), Space: Args}
		}, "(*main.Sum).Kernel b0: %0 = param : ptr<args, %main.Sum>: type: pointer element: struct type %main.Sum differs from its declaration {X slice<global, i32>, Out slice<global, i32>}"},
		{"struct layout", func(m *Module) {
			m.Types[0].Fields[1].Offset = 8
		}, "type %main.Sum: field Out at offset 8, where Go's layout puts it at 24 (make structs with NewStruct)"},
		{"struct field twice", func(m *Module) {
			m.Types[0].Fields[1].Name = "X"
		}, "type %main.Sum: field X declared twice"},
		{"tuple of one", func(m *Module) {
			m.Func("lib.DivMod").Result = &Tuple{Types: []Type{Int32Type}}
		}, "lib.DivMod: result type (i32): a tuple has at least two elements (use Void or the type itself)"},
		{"array too large", func(m *Module) {
			vblock(m, sumKernel, 0).NewValue(OpLocal, &Pointer{Elem: &Array{Elem: Float64Type, Len: 1 << 60}, Space: Private})
		}, "(*main.Sum).Kernel b0: %6 = local : ptr<private, [1152921504606846976]f64>: type: pointer element: array type [1152921504606846976]f64 is larger than 1099511627776 bytes"},
		{"invalid address space", func(m *Module) {
			vblock(m, sumKernel, 0).NewValue(OpLocal, &Pointer{Elem: Int8Type, Space: 7})
		}, "(*main.Sum).Kernel b0: %6 = local : ptr<space7, i8>: type: pointer into invalid address space 7"},
		{"function defined twice", func(m *Module) {
			m.NewFunc("lib.DivMod", nil, Void).Entry().Return()
		}, "@lib.DivMod: function defined twice"},
		{"Func.Module", func(m *Module) {
			m.Func("lib.DivMod").Module = nil
		}, "lib.DivMod: Func.Module is not the module that holds it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := loopModule()
			if err := Verify(m); err != nil {
				t.Fatalf("the module is invalid before it is broken: %v", err)
			}
			tc.break_(m)
			err := Verify(m)
			if err == nil {
				t.Fatalf("Verify passed the broken module; want %q\n%s", tc.want, Print(m))
			}
			ve, ok := err.(*VerifyError)
			if !ok {
				t.Fatalf("Verify returned %T, want *VerifyError", err)
			}
			if testing.Verbose() {
				t.Logf("%s", strings.Join(ve.Problems, "\n"))
			}
			if !slices.Contains(ve.Problems, tc.want) {
				t.Errorf("problems:\n\t%s\nwant\n\t%s", strings.Join(ve.Problems, "\n\t"), tc.want)
			}
		})
	}
}

// TestVerifyAll checks that Verify reports every problem, not only the first, and formats them.
func TestVerifyAll(t *testing.T) {
	m := loopModule()
	vvalue(m, sumKernel, 18).Args[1] = vvalue(m, sumKernel, 5)
	vblock(m, sumKernel, 3).Kind = BlockInvalid
	m.Func("lib.DivMod").Access = []Access{AccessRead}
	err := Verify(m)
	want := `ir: invalid IR, 3 problems:
	lib.DivMod: access is set on a function that is not a kernel
	(*main.Sum).Kernel b2: %18 = add %6, %5 : i64: operand types i64 and i32 differ
	(*main.Sum).Kernel b3: block has no terminator`
	if err == nil || err.Error() != want {
		t.Errorf("Verify = %v, want %s", err, want)
	}
	if err := VerifyFunc(m.Func("lib.DivMod")); err == nil || err.Error() != "ir: invalid IR: lib.DivMod: access is set on a function that is not a kernel" {
		t.Errorf("VerifyFunc = %v", err)
	}
}

// TestVerifyUnreachable checks that a block the entry does not reach may use values defined
// before it in the block, and values of other blocks, but not values defined after their use.
func TestVerifyUnreachable(t *testing.T) {
	m := loopModule()
	f := m.Func(sumKernel)
	dead := f.NewBlock()
	a := dead.NewValue(OpAdd, Int64Type, vvalue(m, sumKernel, 18), vvalue(m, sumKernel, 17))
	dead.NewValue(OpAdd, Int64Type, a, a)
	dead.Return()
	if err := Verify(m); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	a.Args[1] = dead.Instrs[1]
	err := Verify(m)
	want := "ir: invalid IR: (*main.Sum).Kernel b4: %26 = add %18, %27 : i64: operand %27 is defined after its use"
	if err == nil || err.Error() != want {
		t.Errorf("Verify = %v, want %s", err, want)
	}
}
