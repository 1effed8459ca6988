package ir

import (
	"math/rand"
	"testing"
)

// TestRoundTripRandom builds random valid modules (odd names, every scalar type, constants with
// any bits, NaN payloads, phis whose predecessors are in any order, unreachable blocks, positions)
// and checks that each prints, parses and encodes back to the same text: the properties the
// fuzz targets check, on modules the fuzzers would rarely find.
func TestRoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	n := 200
	if testing.Short() {
		n = 50
	}
	for i := range n {
		m := randomModule(r)
		if err := Verify(m); err != nil {
			t.Fatalf("module %d: the generator made an invalid module: %v\n%s", i, err, Print(m))
		}
		text := Print(m)
		checkText(t, text)
		checkReencode(t, m)
		if got, err := Decode(Encode(m)); err != nil || Print(got) != text {
			t.Fatalf("module %d: Decode(Encode(m)) = %v", i, err)
		}
	}
}

var randomNames = []string{"x", "main.T", "a b", "x[0]", "(p)", "é", "\x00", "", "q\"t", "\xff", "b1:", "%v", "@f", "-", "lib/p.F[int]"}

var randomScalars = []*Basic{BoolType, Int8Type, Int16Type, Int32Type, Int64Type, Uint8Type, Uint16Type,
	Uint32Type, Uint64Type, Float32Type, Float64Type}

type randomGen struct {
	r     *rand.Rand
	m     *Module
	f     *Func
	b     *Block
	entry []*Value // values of the entry block, usable anywhere
	local []*Value // values of the current block
}

func randomModule(r *rand.Rand) *Module {
	g := &randomGen{r: r, m: &Module{}}
	used := map[string]bool{}
	name := func() string {
		for {
			n := randomNames[r.Intn(len(randomNames))]
			if r.Intn(2) == 0 {
				n += string(rune('A' + r.Intn(26)))
			}
			if n != "" && !used[n] {
				used[n] = true
				return n
			}
		}
	}
	for range r.Intn(3) {
		var names []string
		var types []Type
		for range r.Intn(4) {
			names = append(names, randomNames[r.Intn(len(randomNames))]+string(rune('a'+len(names))))
			types = append(types, g.randomType(2))
		}
		s := NewStruct(name(), names, types)
		for i := range s.Fields {
			s.Fields[i].Const = r.Intn(3) == 0
		}
		g.m.AddType(s)
	}
	for range 1 + r.Intn(3) {
		var params []Type
		for range r.Intn(4) {
			params = append(params, g.scalar())
		}
		var result Type = Void
		switch r.Intn(3) {
		case 1:
			result = g.scalar()
		case 2:
			result = &Tuple{Types: []Type{g.scalar(), g.randomType(1)}}
		}
		g.function(name(), params, result)
	}
	return g.m
}

func (g *randomGen) scalar() *Basic { return randomScalars[g.r.Intn(len(randomScalars))] }

// randomType is a scalar, an array, a pointer or slice, an unnamed struct or a declared struct.
func (g *randomGen) randomType(depth int) Type {
	if depth == 0 {
		return g.scalar()
	}
	switch g.r.Intn(7) {
	case 0:
		return &Array{Elem: g.randomType(depth - 1), Len: int64(g.r.Intn(4))}
	case 1:
		return &Pointer{Elem: g.randomType(depth - 1), Space: Space(g.r.Intn(int(Args) + 1))}
	case 2:
		return &Slice{Elem: g.randomType(depth - 1), Space: Space(g.r.Intn(int(Args) + 1))}
	case 3:
		s := NewStruct("", []string{"a", "b c"}, []Type{g.randomType(depth - 1), g.scalar()})
		s.Fields[1].Const = g.r.Intn(2) == 0
		return s
	case 4:
		if len(g.m.Types) > 0 {
			return g.m.Types[g.r.Intn(len(g.m.Types))]
		}
	}
	return g.scalar()
}

func (g *randomGen) pos() Pos {
	if g.r.Intn(3) > 0 {
		return Pos{}
	}
	return Pos{File: randomNames[g.r.Intn(len(randomNames))], Line: int32(1 + g.r.Intn(1e6)), Col: int32(g.r.Intn(200))}
}

// value returns a value of type t usable in the current block, making a constant or a zero
// value when there is none (or at random).
func (g *randomGen) value(t Type) *Value {
	var cands []*Value
	for _, vs := range [][]*Value{g.entry, g.local} {
		for _, v := range vs {
			if Identical(v.Type, t) {
				cands = append(cands, v)
			}
		}
	}
	if len(cands) > 0 && g.r.Intn(4) > 0 {
		return cands[g.r.Intn(len(cands))]
	}
	var v *Value
	if b, ok := t.(*Basic); ok {
		v = g.b.Const(b, g.constBits(b))
	} else {
		v = g.b.NewValue(OpZero, t)
	}
	v.Pos = g.pos()
	g.local = append(g.local, v)
	return v
}

func (g *randomGen) constBits(b *Basic) int64 {
	bits := int64(g.r.Uint64())
	switch g.r.Intn(4) {
	case 0:
		bits = int64(g.r.Intn(5)) - 2
	case 1:
		if b.IsFloat() { // a NaN with a payload
			if b.Kind == Float32 {
				return int64(0x7f800000 | uint32(bits)&0x807fffff | 1)
			}
			return int64(0x7ff0000000000000 | uint64(bits)&0x800fffffffffffff | 1)
		}
	}
	switch {
	case b.Kind == Float32:
		return int64(uint32(bits))
	case b.Kind == Float64:
		return bits
	}
	return ConstBits(b, bits)
}

func (g *randomGen) add(op Op, t Type, args ...*Value) *Value {
	v := g.b.NewValue(op, t, args...)
	v.Pos = g.pos()
	if t != Void {
		g.local = append(g.local, v)
	}
	return v
}

func (g *randomGen) instr() {
	r := g.r
	t := g.scalar()
	switch r.Intn(9) {
	case 0, 1:
		if t.Kind == Bool {
			g.add([]Op{OpAnd, OpOr, OpXor}[r.Intn(3)], t, g.value(t), g.value(t))
		} else if t.IsFloat() {
			g.add([]Op{OpAdd, OpSub, OpMul, OpDiv, OpMin, OpMax}[r.Intn(6)], t, g.value(t), g.value(t))
		} else {
			g.add([]Op{OpAdd, OpRem, OpAndNot, OpXor}[r.Intn(4)], t, g.value(t), g.value(t))
		}
	case 2:
		if t.IsInteger() {
			g.add(OpShr, t, g.value(t), g.value(Uint8Type))
		} else {
			g.add(OpNe, BoolType, g.value(t), g.value(t))
		}
	case 3:
		if t.Kind != Bool {
			g.add(OpConvert, []*Basic{Int8Type, Uint64Type, Float32Type}[r.Intn(3)], g.value(t))
		}
	case 4:
		elem := g.randomType(2)
		p := g.add(OpLocal, &Pointer{Elem: elem, Space: Private})
		g.add(OpStore, Void, p, g.value(elem))
		g.add(OpLoad, elem, p)
	case 5:
		callee := g.m.Funcs[r.Intn(len(g.m.Funcs))]
		if callee == g.f {
			return
		}
		var args []*Value
		for _, p := range callee.Params {
			args = append(args, g.value(p.Type))
		}
		c := g.add(OpCall, callee.Result, args...)
		c.Aux = callee
		if tt, ok := callee.Result.(*Tuple); ok {
			x := g.add(OpExtract, tt.Types[1], c)
			x.AuxInt = 1
		}
	case 6:
		ct := Int64Type
		c := g.add(OpCheckBounds, Void, g.value(ct), g.value(ct))
		c.AuxInt = int64(r.Intn(int(numBoundsKinds)))
		if r.Intn(2) == 0 {
			c.AuxInt |= BoundsSigned
		}
	case 7:
		d := g.b.Const(Int64Type, int64(r.Intn(3)))
		g.local = append(g.local, d)
		w := g.add(OpIntrinsic, Int64Type, d)
		w.AuxInt = int64(r.Intn(int(NumGroups) + 1))
	case 8:
		p := g.add(OpLocal, &Pointer{Elem: &Array{Elem: Float32Type, Len: 8}, Space: Private})
		s := g.add(OpSpaceCast, &Pointer{Elem: &Array{Elem: Float32Type, Len: 8}, Space: Generic}, p)
		e := g.add(OpIndexAddr, &Pointer{Elem: Float32Type, Space: Generic}, s, g.value(Int64Type))
		g.add(OpLoad, Float32Type, e)
	}
}

func (g *randomGen) function(name string, params []Type, result Type) {
	r := g.r
	f := g.m.NewFunc(name, params, result)
	f.Pos = g.pos()
	g.f, g.entry = f, append([]*Value(nil), f.Params...)
	nb := 1 + r.Intn(6)
	for range nb - 1 {
		f.NewBlock()
	}
	// Instructions: the entry's values are usable everywhere, the others in their block.
	for i, b := range f.Blocks {
		g.b, g.local = b, nil
		for range r.Intn(6) {
			g.instr()
		}
		if i == 0 {
			g.entry, g.local = append(g.entry, g.local...), nil
		}
		b.Pos = g.pos()
		other := func() *Block { return f.Blocks[1+r.Intn(nb-1)] }
		switch k := r.Intn(5); {
		case nb > 1 && k <= 1:
			b.Jump(other())
		case nb > 1 && k == 2:
			b.If(g.value(BoolType), other(), other())
		case k == 3:
			b.Panic(randomNames[r.Intn(len(randomNames))])
		default:
			var vals []*Value
			switch rt := result.(type) {
			case *Tuple:
				for _, t := range rt.Types {
					vals = append(vals, g.value(t))
				}
			case voidType:
			default:
				vals = append(vals, g.value(rt))
			}
			b.Return(vals...)
		}
	}
	// Phis, after shuffling the preds: operands from the entry block dominate every pred's end,
	// and every edge from one block gets the same operand.
	for _, b := range f.Blocks[1:] {
		if len(b.Preds) == 0 {
			continue
		}
		r.Shuffle(len(b.Preds), func(i, j int) { b.Preds[i], b.Preds[j] = b.Preds[j], b.Preds[i] })
		for range r.Intn(3) {
			t := g.scalar()
			var cands []*Value
			for _, v := range g.entry {
				if Identical(v.Type, t) {
					cands = append(cands, v)
				}
			}
			if len(cands) == 0 {
				continue
			}
			byPred := map[*Block]*Value{}
			var args []*Value
			for _, p := range b.Preds {
				if byPred[p] == nil {
					byPred[p] = cands[r.Intn(len(cands))]
				}
				args = append(args, byPred[p])
			}
			phi := b.InsertValue(0, OpPhi, t, args...)
			phi.Pos = g.pos()
		}
	}
}
