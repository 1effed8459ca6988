package ir

import (
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/*.ir with what Print gives for them")

// testModules returns the test modules in the text form: the golden files and the modules the
// tests build.
func testModules(t testing.TB) map[string]string {
	texts := map[string]string{
		"saxpy":  saxpyText,
		"loop":   Print(loopModule()),
		"preds":  Print(predsModule()),
		"empty":  "",
		"nodecl": Print(&Module{Funcs: loopModule().Funcs[:1]}),
	}
	files, err := filepath.Glob("testdata/*.ir")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.ir: %v", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		texts[name] = string(data)
	}
	return texts
}

// predsModule builds a function whose blocks' preds are not in block order, as a pass that adds
// edges later may leave them:
//
//	b0: if %0, b2, b1    b1: jump b3    b2: jump b3    b3: phi, with preds [b2, b1] then [b1, b2]
func predsModule() *Module {
	m := &Module{}
	f := m.NewFunc("lib.Preds", []Type{BoolType}, Int32Type)
	b0, b1, b2, b3 := f.Entry(), f.NewBlock(), f.NewBlock(), f.NewBlock()
	c1 := b0.Const(Int32Type, 1)
	c2 := b0.Const(Int32Type, 2)
	b0.If(f.Params[0], b2, b1)
	b2.Jump(b3) // b3.Preds = [b2]
	b1.Jump(b3) // b3.Preds = [b2, b1]
	phi := b3.NewValue(OpPhi, Int32Type, c2, c1)
	b3.Return(phi)
	return m
}

// TestParseRoundTrip checks that every test module parses, verifies, and prints back the same.
func TestParseRoundTrip(t *testing.T) {
	for name, text := range testModules(t) {
		m, err := Parse(text)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if err := Verify(m); err != nil && name != "nodecl" {
			t.Errorf("%s: %v", name, err)
		}
		got := Print(m)
		if *updateGolden && strings.HasPrefix(name, "testdata/") {
			if err := os.WriteFile(name, []byte(got), 0o666); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if got != text {
			t.Errorf("%s: Print(Parse(text)) differs from the text:\n%s", name, textDiff(text, got))
		}
	}
}

// textDiff shows the first line where two texts differ.
func textDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n\twant: " + w + "\n\tgot:  " + g
		}
	}
	return "(no difference)"
}

// TestParsePreds checks that a block's preds follow its phis, in any order, and that every phi's
// operands are put in that order.
func TestParsePreds(t *testing.T) {
	text := `func @f(%c bool) i32 {
b0:
  %one = const 1 : i32
  %two = const 2 : i32
  if %c, b2, b1
b1:
  jump b3
b2:
  jump b3
b3:
  %x = phi [%one, b1], [%two, b2] : i32
  %y = phi [%two, b2], [%one, b1] : i32
  %z = add %x, %y : i32
  return %z
}
`
	m, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(m); err != nil {
		t.Fatal(err)
	}
	f := m.Funcs[0]
	b3 := f.Blocks[3]
	if len(b3.Preds) != 2 || b3.Preds[0] != f.Blocks[1] || b3.Preds[1] != f.Blocks[2] {
		t.Fatalf("b3.Preds = %v, want [b1 b2] as the first phi lists them", b3.Preds)
	}
	one, two := f.Blocks[0].Instrs[1], f.Blocks[0].Instrs[2]
	for i, phi := range b3.Instrs[:2] {
		if phi.Args[0] != one || phi.Args[1] != two {
			t.Errorf("phi %d has operands in the wrong order", i)
		}
	}
	want := `func @f(%0 bool) i32 {
b0:
  %1 = const 1 : i32
  %2 = const 2 : i32
  if %0, b2, b1
b1:
  jump b3
b2:
  jump b3
b3:
  %3 = phi [%1, b1], [%2, b2] : i32
  %4 = phi [%1, b1], [%2, b2] : i32
  %5 = add %3, %4 : i32
  return %5
}
`
	if got := Print(m); got != want {
		t.Errorf("Print =\n%s\nwant\n%s", got, want)
	}
	// Without phis, the preds are in block order.
	m, err = Parse("func @g(%c bool) {\nb0:\n  if %c, b2, b1\nb1:\n  jump b3\nb2:\n  jump b3\nb3:\n  return\n}\n")
	if err != nil {
		t.Fatal(err)
	}
	if g := m.Funcs[0]; g.Blocks[3].Preds[0] != g.Blocks[1] {
		t.Errorf("preds without phis are not in block order")
	}
}

// TestParseLenient checks what Parse accepts beyond what Print writes: comments, any names,
// labels out of order, uses before definitions, types and functions declared after their use,
// and spacing; each text prints as want.
func TestParseLenient(t *testing.T) {
	for _, tc := range parseLenientTests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			if err := Verify(m); err != nil {
				t.Fatal(err)
			}
			if got := Print(m); got != tc.want {
				t.Errorf("Print =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

var parseLenientTests = []struct{ name, text, want string }{
	{"names and comments", `; a comment
kernel @"(*main.K).Kernel"(%k ptr<args,%main.K>) { ; types declared later
b7:
  %p=fieldaddr %k,0:ptr<args,f32>   ; no spaces
  %"a b" = load %p : f32
  jump b3
b3:
  %sum = add %"a b", %"a b" : f32
  return
}
type %main.K = {X f32}
`, `type %main.K = {X f32}

kernel @"(*main.K).Kernel"(%0 ptr<args, %main.K>) {
b0:
  %1 = fieldaddr %0, 0 : ptr<args, f32>
  %2 = load %1 : f32
  jump b1
b1:
  %3 = add %2, %2 : f32
  return
}
`},
	{"use before definition in the text", `func @f() i32 {
b0:
  %a = const 1 : i32
  jump b2
b1:
  %c = add %b, %a : i32
  return %c
b2:
  %b = const 2 : i32
  jump b1
}
`, `func @f() i32 {
b0:
  %0 = const 1 : i32
  jump b2
b1:
  %1 = add %2, %0 : i32
  return %1
b2:
  %2 = const 2 : i32
  jump b1
}
`},
	{"literals", `func @f() {
b0:
  %a = const +5 : i32
  %b = const 1 : f64
  %c = const 0x1p-2 : f64
  %d = const 1E3 : f32
  %e = const -0 : f32
  return
}
`, `func @f() {
b0:
  %0 = const 5 : i32
  %1 = const 1.0 : f64
  %2 = const 0.25 : f64
  %3 = const 1000.0 : f32
  %4 = const -0.0 : f32
  return
}
`},
	{"types in the other order", `type %B = {A %A, N [2]%A}
type %A = {X i8, Y i64}
`, `type %B = {A %A, N [2]%A}
type %A = {X i8, Y i64}
`},
}

// TestParseValues checks what Parse builds: constants' bits, struct layouts and identities,
// calls, positions and fresh IDs.
func TestParseValues(t *testing.T) {
	data, err := os.ReadFile("testdata/consts.ir")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(string(data))
	if err != nil {
		t.Fatal(err)
	}
	vals := m.Funcs[0].Entry().Instrs
	for _, c := range []struct {
		i    int
		bits int64
	}{
		{0, 1}, {2, -128}, {9, 255}, {12, -1}, {11, 0xffffffff},
		{15, int64(math.Float64bits(math.Copysign(0, -1)))},
		{23, 0x7ff8000000000001},
		{26, int64(math.Float32bits(float32(math.Copysign(0, -1))))},
		{28, int64(math.Float32bits(1e30))},
		{33, 0x7fc00001},
	} {
		if got := vals[c.i].AuxInt; got != c.bits {
			t.Errorf("constant %%%d has bits %#x, want %#x", c.i, got, c.bits)
		}
	}
	for i, v := range vals {
		if v.ID != i {
			t.Errorf("value %d has ID %d: IDs are not fresh", i, v.ID)
		}
	}

	data, err = os.ReadFile("testdata/types.ir")
	if err != nil {
		t.Fatal(err)
	}
	m, err = Parse(string(data))
	if err != nil {
		t.Fatal(err)
	}
	grid, cell, node := m.Types[0], m.Type("main.Cell"), m.Type("main.Node")
	if got := grid.Fields[0].Type.(*Slice).Elem; got != cell {
		t.Errorf("%%main.Cell used before its declaration is another *Struct")
	}
	if got := node.Fields[0].Type.(*Pointer).Elem; got != node {
		t.Errorf("%%main.Node's pointer to itself is another *Struct")
	}
	if !grid.Fields[1].Const || !grid.Fields[2].Const || grid.Fields[0].Const {
		t.Errorf("const flags: %+v", grid.Fields)
	}
	// Cell: V [2][2]f32 at 0 (16 bytes), Tag u8 at 16, Meta {u16, bool} (4 bytes) at 18; size 24
	// (22 rounded up to the alignment, 4).
	if cell.Size() != 24 || cell.Align() != 4 || cell.Fields[1].Offset != 16 || cell.Fields[2].Offset != 18 {
		t.Errorf("main.Cell laid out as size %d align %d fields %+v", cell.Size(), cell.Align(), cell.Fields)
	}
	if s := m.Type("main.Empty"); s.Size() != 0 {
		t.Errorf("empty struct has size %d", s.Size())
	}
	k := m.Funcs[0]
	call := k.Entry().Instrs[12]
	if call.Callee() != m.Func("lib.Walk (generic)") {
		t.Errorf("call to a function defined later: callee %v", call.Callee())
	}
	if want := (Pos{"dir with space/types.go", 3, 14}); call.Pos != want {
		t.Errorf("call position %v, want %v", call.Pos, want)
	}
	if len(k.Access) != 4 || k.Access[0] != AccessRead|AccessWrite || k.Access[3] != AccessRead {
		t.Errorf("access %v", k.Access)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range parseErrorTests {
		_, err := Parse(tc.text)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want %s", tc.text, tc.want)
			continue
		}
		if _, ok := err.(*ParseError); !ok {
			t.Errorf("Parse(%q) returned %T, want *ParseError", tc.text, err)
		}
		if err.Error() != tc.want {
			t.Errorf("Parse(%q):\n got %s\nwant %s", tc.text, err, tc.want)
		}
	}
}

const parseHead = "func @f(%0 i32) i32 {\nb0:\n"

var parseErrorTests = []struct{ text, want string }{
	{parseHead + "  return %1\n}\n", "ir: 3:10: undefined value %1"},
	{parseHead + "  %1 = frob %0 : i32\n  return %1\n}\n", `ir: 3:8: expected an instruction, found "frob %0 : i32"`},
	{parseHead + "  %1 = add %0, %0 : int\n  return %1\n}\n", `ir: 3:21: expected a type, found "int"`},
	{parseHead + "  %1 = add %0, %0 : ptr<heap, i32>\n  return %1\n}\n",
		`ir: 3:25: expected an address space (generic, global, shared, private or args), found "heap, i32>"`},
	{parseHead + "  %1 = add %0, %0 : i32\n}\n", `ir: 4:1: block b0 has no terminator before "}"`},
	{parseHead + "  %1 = add %0, %0 : i32\nb1:\n  return %1\n}\n", "ir: 4:1: block b0 has no terminator before block b1"},
	{parseHead + "  %1 = add %0, %0 : i32\n", "ir: 4:1: block b0 has no terminator before the end of the text"},
	{parseHead + "  %0 = add %0, %0 : i32\n  return %0\n}\n", "ir: 3:3: value %0 defined twice (first on line 1)"},
	{parseHead + "  jump b9\n}\n", "ir: 3:8: undefined block b9"},
	{parseHead + "  %1 = add %0, %0\n  return %1\n}\n", `ir: 4:3: expected ":" and the result's type, found "return %1"`},
	{parseHead + "  store %0, %0 : i32\n  return %0\n}\n", "ir: 3:16: an instruction without a result has no type (name its result: %N = store ...)"},
	{parseHead + "  %1 = const 300 : i8\n  return %0\n}\n", `ir: 3:14: bad i8 constant "300": out of range`},
	{parseHead + "  %1 = const -1 : u8\n  return %0\n}\n", `ir: 3:14: bad u8 constant "-1": not a number`},
	{parseHead + "  %1 = const 1e999 : f64\n  return %0\n}\n", `ir: 3:14: bad f64 constant "1e999": out of range`},
	{parseHead + "  %1 = const 1e39 : f32\n  return %0\n}\n", `ir: 3:14: bad f32 constant "1e39": out of range`},
	{parseHead + "  %1 = const nan(0x1) : f64\n  return %0\n}\n", `ir: 3:14: bad NaN "nan(0x1)": want nan(0xXXXXXXXXXXXXXXXX) with 16 hex digits`},
	{parseHead + "  %1 = const nan(0x3ff0000000000000) : f64\n  return %0\n}\n", `ir: 3:14: "nan(0x3ff0000000000000)" is not a NaN`},
	{parseHead + "  %1 = const inf : f64\n  return %0\n}\n", `ir: 3:14: bad f64 constant "inf": want a decimal float, +inf, -inf or nan(0x...)`},
	{parseHead + "  %1 = const yes : bool\n  return %0\n}\n", `ir: 3:14: expected true or false, found "yes"`},
	{parseHead + "  %1 = zero : %T\n  return %0\n}\n", "ir: 3:15: type %T is not declared"},
	{parseHead + "  %1 = const 1 : %T\n  return %0\n}\n", "ir: 3:14: a constant is a scalar, not %T"},
	{parseHead + "  %1 = const 1 : [2]i32\n  return %0\n}\n", "ir: 3:14: a constant is a scalar, not [2]i32"},
	{parseHead + "  %1 = call @g(%0) : i32\n  return %1\n}\n", "ir: 3:13: call of undefined function @g"},
	{parseHead + "  %1 = intrinsic cbrtf(%0) : i32\n  return %1\n}\n", `ir: 3:18: expected an intrinsic's name, found "cbrtf(%0) : i32"`},
	{parseHead + "  %1 = atomic xor %0, %0 : i32\n  return %1\n}\n",
		`ir: 3:15: expected an atomic operation (load, store, add, and, or, swap, cas, min, max), found "xor %0, %0 : i32"`},
	{parseHead + "  checkbounds idx %0, %0\n  return %0\n}\n",
		`ir: 3:15: expected a bounds check kind (index, slicealen, sliceacap, sliceb, slice3alen, slice3acap, slice3b, slice3c), found "idx %0, %0"`},
	{parseHead + "  %1 = param 0 : i32\n  return %1\n}\n", "ir: 3:8: params are declared in the function's header"},
	{parseHead + "  %1 = fieldaddr %0 : i32\n  return %1\n}\n", `ir: 3:21: expected "," before the index, found ": i32"`},
	{parseHead + "  return %0 @f.go:0:1\n}\n", "ir: 3:13: position f.go:0:1 out of range"},
	{parseHead + "  panic oops\n}\n", `ir: 3:9: expected the panic's message (a quoted string), found "oops"`},
	{parseHead + "  panic \"oops\n}\n", "ir: 3:9: bad quoted panic message"},
	{parseHead + "  return %0\n}\n" + parseHead + "  return %0\n}\n", "ir: 5:6: function @f defined twice"},
	{"type %A = {X i32}\ntype %A = {X i32}\n", "ir: 2:6: type %A declared twice"},
	{"type %A = {X %B}\ntype %B = {Y [2]%A}\n", "ir: 1:6: type %A contains itself"},
	{"type %A = {X [1099511627776]i64}\n", "ir: 1:6: array type [1099511627776]i64 is larger than 1099511627776 bytes"},
	{"type %A = {X [-1]i64}\n", "ir: 1:14: array of negative length -1"},
	{"type %A = {X i32,}\n", `ir: 1:18: expected a field name, found "}"`},
	{"type %A = " + strings.Repeat("[1]", 300) + "i32\n", `ir: 1:11: expected a struct body {...}, found "[1][1][1][1][1][1][1"`},
	{"type %A = {X " + strings.Repeat("[1]", 300) + "i32}\n", "ir: 1:614: type nested more than 200 deep"},
	{"func @f() {\n}\n", "ir: 2:1: function @f has no blocks"},
	{"func @f() {\nb0:\n  return\n", "ir: 4:1: expected a block or } to end function @f, found the end of the text"},
	{"fn @f() {}\n", `ir: 1:1: expected type, func or kernel, found "fn @f() {}"`},
	{"func f() {}\n", `ir: 1:6: expected a function name (@name), found "f() {}"`},
	{"func @f(%0 i32) {\nb0:\n  if %0, b0\n}\n", `ir: 4:1: expected "," between the two blocks, found "}"`},
	{"func @f(%0 bool) {\nb0:\n  if %0, b1, b2\nb1:\n  jump b2\nb2:\n  %1 = phi [%0, b0] : bool\n  return\n}\n",
		"ir: 7:8: phi does not list predecessor b1 for each edge from it"},
	{"func @f(%0 bool) {\nb5:\n  if %0, b7, b3\nb7:\n  jump b3\nb3:\n  %1 = phi [%0, b5], [%0, b5] : bool\n  return\n}\n",
		"ir: 7:8: phi lists b5 more times than it is a predecessor of the block"},
	{"func @f(%0 bool) {\nb0:\n  if %0, b1, b2\nb1:\n  jump b2\nb2:\n  %1 = phi [%0, b0], [%0, b0], [%0, b1] : bool\n  return\n}\n",
		"ir: 7:8: phi lists b0 more times than it is a predecessor of the block"},
	{"func @f(%0 bool) {\nb0:\n  if %0, b1, b2\nb1:\n  jump b2\nb2:\n  %1 = phi [%0, b0], [%0, b1] : bool\n  %2 = phi [%0, b1] : bool\n  return\n}\n",
		"ir: 8:8: phi does not list predecessor b0 for each edge from it (as the block's first phi lists them)"},
	{"kernel @k(%0 ptr<args, {}>) access(all) {\nb0:\n  return\n}\n", `ir: 1:36: expected none, read, write or readwrite, found "all) {"`},
}
