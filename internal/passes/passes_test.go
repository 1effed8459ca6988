package passes

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter/internal/ir"
)

func TestPipelineTable(t *testing.T) {
	if err := checkTable(pipeline); err != nil {
		t.Fatal(err)
	}
	want := []string{"mathlib", "inline", "specialize", "spaces", "constfold", "cse", "checks", "dce", "cfg", "access"}
	if got := Passes(); !slices.Equal(got, want) {
		t.Errorf("Passes() = %v, want %v", got, want)
	}
}

func TestCheckTable(t *testing.T) {
	nop := func(*state) error { return nil }
	for _, tc := range []struct {
		name  string
		table []pass
		want  string
	}{
		{"ok", []pass{{name: "a", run: nop}, {name: "b", run: nop, after: []string{"a"}}}, ""},
		{"duplicate", []pass{{name: "a", run: nop}, {name: "a", run: nop}}, `pass "a" is in the table twice`},
		{"unknown", []pass{{name: "a", run: nop, after: []string{"x"}}}, `pass "a" must run after "x", which is not in the table`},
		{"order", []pass{{name: "a", run: nop, after: []string{"b"}}, {name: "b", run: nop}}, `pass "a" must run after "b", but the table has it later`},
		{"self", []pass{{name: "a", run: nop, after: []string{"a"}}}, `pass "a" must run after "a", but the table has it later`},
		{"no function", []pass{{name: "a"}}, `pass "a" has no function`},
		{"bad name", []pass{{name: "a/b", run: nop}}, `pass 0 has the bad name "a/b"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkTable(tc.table)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("checkTable: %v", err)
			case tc.want != "" && (err == nil || err.Error() != tc.want):
				t.Errorf("checkTable = %v, want %q", err, tc.want)
			}
		})
	}
	// run refuses a bad table as the bug it is.
	defer func() {
		if r, _ := recover().(string); !strings.HasPrefix(r, "geobacter: BUG: ") {
			t.Errorf("run with a bad table: recovered %q, want a geobacter: BUG: panic", r)
		}
	}()
	_ = run(&ir.Module{}, Options{}, []pass{{name: "a", run: nop, after: []string{"b"}}})
}

// saxpyText is saxpy calling two helpers, as the frontend lowers it.
const saxpyText = `type %main.Saxpy = {A f32, X slice<global, f32>, Y slice<global, f32>}

func @main.axpy(%a f32, %x f32, %y f32) f32 {
b0:
  %m = mul %a, %x : f32
  %s = add %m, %y : f32
  return %s
}

func @main.at(%s slice<generic, f32>, %i i64) ptr<generic, f32> {
b0:
  %n = len %s : i64
  checkbounds index signed %i, %n @saxpy.go:20:9
  %p = indexaddr %s, %i : ptr<generic, f32>
  return %p
}

kernel @"(*main.Saxpy).Kernel"(%k ptr<args, %main.Saxpy>) @saxpy.go:10:1 {
b0:
  %c0 = const 0 : i64
  %i = intrinsic global_id(%c0) : i64
  %fa = fieldaddr %k, 0 : ptr<args, f32>
  %a = load %fa : f32
  %fx = fieldaddr %k, 1 : ptr<args, slice<global, f32>>
  %x = load %fx : slice<global, f32>
  %fy = fieldaddr %k, 2 : ptr<args, slice<global, f32>>
  %y = load %fy : slice<global, f32>
  %gx = spacecast %x : slice<generic, f32>
  %px = call @main.at(%gx, %i) : ptr<generic, f32> @saxpy.go:12:15
  %xv = load %px : f32
  %gy = spacecast %y : slice<generic, f32>
  %py = call @main.at(%gy, %i) : ptr<generic, f32> @saxpy.go:12:8
  %yv = load %py : f32
  %r = call @main.axpy(%a, %xv, %yv) : f32 @saxpy.go:12:20
  store %py, %r
  return
}
`

// breakTypes is a pass that makes the IR invalid: it gives the kernel's first add the wrong type.
func breakTypes(s *state) error {
	for _, f := range s.m.Funcs {
		for _, b := range f.Blocks {
			for _, v := range b.Instrs {
				if v.Op == ir.OpAdd {
					v.Type = ir.Int8Type
					return nil
				}
			}
		}
	}
	return errors.New("no add to break")
}

// brokenPipeline is the pipeline with breakTypes after constfold.
func brokenPipeline() []pass {
	var table []pass
	for _, p := range pipeline {
		table = append(table, p)
		if p.name == "constfold" {
			table = append(table, pass{name: "breaktypes", run: breakTypes, after: []string{"constfold"}})
		}
	}
	return table
}

func TestVerifyNamesTheBrokenPass(t *testing.T) {
	t.Setenv("GEOBACTER_DEBUG", "")
	t.Setenv("GEOBACTER_DUMP", "")
	m := mustParse(t, saxpyText)
	err := run(m, Options{Verify: true}, brokenPipeline())
	if err == nil {
		t.Fatal("a pass broke the IR and run returned nil")
	}
	msg := err.Error()
	if !strings.Contains(msg, "geobacter: BUG: passes: pass breaktypes made the IR invalid") {
		t.Errorf("error %q does not name the pass breaktypes as a bug", msg)
	}
	var verr *ir.VerifyError
	if !errors.As(err, &verr) {
		t.Errorf("error %q does not wrap the *ir.VerifyError", msg)
	}

	// Without Verify the broken IR goes through unnoticed: the check is what found it.
	if err := run(mustParse(t, saxpyText), Options{}, brokenPipeline()); err != nil {
		t.Errorf("without Verify: %v", err)
	}

	// GEOBACTER_DEBUG=1 turns Verify on.
	t.Setenv("GEOBACTER_DEBUG", "1")
	if err := run(mustParse(t, saxpyText), Options{}, brokenPipeline()); err == nil || !strings.Contains(err.Error(), "pass breaktypes") {
		t.Errorf("with GEOBACTER_DEBUG=1: %v, want the broken pass named", err)
	}
}

func TestVerifyInput(t *testing.T) {
	t.Setenv("GEOBACTER_DUMP", "")
	m := mustParse(t, saxpyText)
	m.Funcs[0].Blocks[0].Instrs[0].Type = ir.Int32Type // mul %a, %x : i32 of f32 operands
	err := Run(m, Options{Verify: true})
	if err == nil || !strings.Contains(err.Error(), "the input IR is invalid") {
		t.Errorf("Run of invalid input = %v, want an error about the input", err)
	}
}

func TestDump(t *testing.T) {
	t.Setenv("GEOBACTER_DUMP", "")
	m := mustParse(t, saxpyText)
	input := ir.Print(m)
	dir := filepath.Join(t.TempDir(), "new", "dir")
	if err := Run(m, Options{Dump: dir}); err != nil {
		t.Fatal(err)
	}
	want := []string{"00-input.ir"}
	for i, name := range Passes() {
		want = append(want, filepath.Base(dumpFile(dir, i+1, name)))
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if !slices.Equal(got, want) {
		t.Fatalf("dump files = %v, want %v", got, want)
	}
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	if got := read("00-input.ir"); got != input {
		t.Errorf("00-input.ir =\n%s\nwant the input\n%s", got, input)
	}
	if got := read("02-inline.ir"); strings.Contains(got, "call") || !strings.Contains(got, "spacecast") {
		t.Errorf("02-inline.ir has calls or no spacecasts:\n%s", got)
	}
	if got := read("04-spaces.ir"); strings.Contains(got, "generic") {
		t.Errorf("04-spaces.ir still has generic spaces:\n%s", got)
	}
	if got, want := read(want[len(want)-1]), ir.Print(m); got != want {
		t.Errorf("the last dump =\n%s\nwant the output\n%s", got, want)
	}
}

func TestDumpEnvironment(t *testing.T) {
	root := t.TempDir()
	t.Setenv("GEOBACTER_DUMP", root)
	m := mustParse(t, saxpyText)
	if err := Run(m, Options{Specialize: nil}); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(root, "main.Saxpy.Kernel")
	if _, err := os.Stat(filepath.Join(sub, "10-access.ir")); err != nil {
		entries, _ := os.ReadDir(root)
		t.Fatalf("GEOBACTER_DUMP: %v (the directory has %v)", err, entries)
	}
}

func TestRecursionError(t *testing.T) {
	t.Setenv("GEOBACTER_DUMP", "")
	m := mustParse(t, `type %main.K = {N i64}

func @main.f(%n i64) i64 {
b0:
  %r = call @main.g(%n) : i64 @k.go:4:9
  return %r
}

func @main.g(%n i64) i64 {
b0:
  %r = call @main.f(%n) : i64 @k.go:9:9
  %s = call @main.g(%r) : i64 @k.go:10:9
  return %s
}

kernel @"(*main.K).Kernel"(%k ptr<args, %main.K>) @k.go:20:1 {
b0:
  %fn = fieldaddr %k, 0 : ptr<args, i64>
  %n = load %fn : i64
  %a = call @main.f(%n) : i64 @k.go:22:7
  %b = call @main.g(%n) : i64 @k.go:23:7
  return
}
`)
	before := ir.Print(m)
	err := Run(m, Options{Verify: true})
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Run = %v, want an ErrorList", err)
	}
	want := []Error{
		{ir.Pos{File: "k.go", Line: 9, Col: 9}, "recursive call to main.f: kernels cannot recurse on every device; rewrite it as a loop"},
		{ir.Pos{File: "k.go", Line: 10, Col: 9}, "recursive call to main.g: kernels cannot recurse on every device; rewrite it as a loop"},
	}
	if len(list) != len(want) {
		t.Fatalf("errors:\n%v\nwant %d", err, len(want))
	}
	for i := range want {
		if *list[i] != want[i] {
			t.Errorf("error %d = %v, want %v", i, list[i], &want[i])
		}
	}
	if got := err.Error(); !strings.HasPrefix(got, "k.go:9:9: recursive call to main.f") {
		t.Errorf("Error() = %q", got)
	}
	if after := ir.Print(m); after != before {
		t.Errorf("a failed inline changed the module:\n%s", after)
	}
}

func TestCallWithoutBody(t *testing.T) {
	m := &ir.Module{}
	args := m.AddType(ir.NewStruct("main.K", []string{"N"}, []ir.Type{ir.Int64Type}))
	asm := m.NewFunc("math.archSqrt", []ir.Type{ir.Float64Type}, ir.Float64Type)
	asm.Blocks = nil
	k := m.NewFunc("(*main.K).Kernel", []ir.Type{&ir.Pointer{Elem: args, Space: ir.Args}}, ir.Void)
	k.Kernel = true
	b := k.Entry()
	x := b.Const(ir.Float64Type, 0)
	call := b.NewValue(ir.OpCall, ir.Float64Type, x)
	call.Aux = asm
	call.Pos = ir.Pos{File: "k.go", Line: 3, Col: 7}
	b.Return()
	err := Run(m, Options{})
	want := "k.go:3:7: call to math.archSqrt, which has no body: kernels can only call functions with a Go body"
	if err == nil || err.Error() != want {
		t.Errorf("Run = %v, want %q", err, want)
	}
}

func TestSpecializeErrors(t *testing.T) {
	t.Setenv("GEOBACTER_DUMP", "")
	const text = `type %main.K = {N i64 const, M i64, A [2]i64 const}

kernel @"(*main.K).Kernel"(%k ptr<args, %main.K>) {
b0:
  return
}
`
	const k = "(*main.K).Kernel"
	for _, tc := range []struct {
		consts []Const
		want   string
	}{
		{[]Const{{k, 0, 1}}, ""},
		{[]Const{{"main.f", 0, 1}}, "not a kernel of the module"},
		{[]Const{{k, 3, 1}}, "has no such field"},
		{[]Const{{k, 1, 1}}, `field M of (*main.K).Kernel's arguments, which is not tagged geobacter:"const"`},
		{[]Const{{k, 2, 1}}, "only scalars can be specialised"},
		{[]Const{{k, 0, 1}, {k, 0, 2}}, "two values are given for field N"},
	} {
		err := Run(mustParse(t, text), Options{Specialize: tc.consts})
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v: %v", tc.consts, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v: Run = %v, want an error with %q", tc.consts, err, tc.want)
		case tc.want != "" && !strings.HasPrefix(err.Error(), "passes: specialize: "):
			t.Errorf("%v: %q does not name the pass", tc.consts, err)
		}
	}
}

// TestUnchecked runs the pipeline with and without Options.Unchecked over a kernel with every
// kind of check.
func TestUnchecked(t *testing.T) {
	t.Setenv("GEOBACTER_DUMP", "")
	const text = `type %main.K = {Out slice<global, i64>, D i64, S i32, P ptr<global, i64>}

func @main.get(%p ptr<generic, i64>) i64 {
b0:
  checknil %p @k.go:3:9
  %v = load %p : i64
  return %v
}

kernel @"(*main.K).Kernel"(%k ptr<args, %main.K>) @k.go:1:1 {
b0:
  %c0 = const 0 : i64
  %gid = intrinsic global_id(%c0) : i64
  %fo = fieldaddr %k, 0 : ptr<args, slice<global, i64>>
  %out = load %fo : slice<global, i64>
  %n = len %out : i64
  %fd = fieldaddr %k, 1 : ptr<args, i64>
  %d = load %fd : i64
  %fs = fieldaddr %k, 2 : ptr<args, i32>
  %s = load %fs : i32
  %fp = fieldaddr %k, 3 : ptr<args, ptr<global, i64>>
  %p = load %fp : ptr<global, i64>
  %gp = spacecast %p : ptr<generic, i64>
  %v = call @main.get(%gp) : i64 @k.go:5:7
  checkdivide %d @k.go:6:1
  %q = div %v, %d : i64
  checkshift %s @k.go:7:1
  %su = convert %s : u32
  %sh = shl %q, %su : i64
  checkbounds index signed %gid, %n @k.go:8:1
  %e = indexaddr %out, %gid : ptr<global, i64>
  store %e, %sh
  return
}
`
	count := func(m *ir.Module) map[ir.Op]int {
		n := map[ir.Op]int{}
		for _, b := range m.Funcs[0].Blocks {
			for _, v := range b.Instrs {
				if v.Op.IsCheck() {
					n[v.Op]++
				}
			}
		}
		return n
	}
	m := mustParse(t, text)
	if err := Run(m, Options{Verify: true}); err != nil {
		t.Fatal(err)
	}
	want := map[ir.Op]int{ir.OpCheckNil: 1, ir.OpCheckDivide: 1, ir.OpCheckShift: 1, ir.OpCheckBounds: 1}
	if got := count(m); !maps.Equal(got, want) {
		t.Errorf("checked: checks %v, want %v\n%s", got, want, ir.Print(m))
	}
	m = mustParse(t, text)
	if err := Run(m, Options{Verify: true, Unchecked: true}); err != nil {
		t.Fatal(err)
	}
	if got := count(m); len(got) != 0 {
		t.Errorf("unchecked: checks %v left\n%s", got, ir.Print(m))
	}
	if text := ir.Print(m); !strings.Contains(text, "div") || !strings.Contains(text, "shl") {
		t.Errorf("unchecked: the operations the checks guarded are gone:\n%s", text)
	}
}

// TestAccess checks the access of a kernel's buffers through the whole pipeline: a read that
// only feeds dead code does not count.
func TestAccess(t *testing.T) {
	t.Setenv("GEOBACTER_DUMP", "")
	m := mustParse(t, `type %main.K = {In slice<global, f32>, Out slice<global, f32>, InOut slice<global, f32>, Untouched slice<global, f32>, Dead slice<global, f32>, N i64}

func @main.scale(%s slice<generic, f32>, %i i64, %a f32) {
b0:
  %p = indexaddr %s, %i : ptr<generic, f32>
  %v = load %p : f32
  %w = mul %v, %a : f32
  store %p, %w
  return
}

kernel @"(*main.K).Kernel"(%k ptr<args, %main.K>) @k.go:1:1 {
b0:
  %c0 = const 0 : i64
  %gid = intrinsic global_id(%c0) : i64
  %fi = fieldaddr %k, 0 : ptr<args, slice<global, f32>>
  %in = load %fi : slice<global, f32>
  %pi = indexaddr %in, %gid : ptr<global, f32>
  %x = load %pi : f32
  %fo = fieldaddr %k, 1 : ptr<args, slice<global, f32>>
  %out = load %fo : slice<global, f32>
  %po = indexaddr %out, %gid : ptr<global, f32>
  store %po, %x
  %fio = fieldaddr %k, 2 : ptr<args, slice<global, f32>>
  %io = load %fio : slice<global, f32>
  %gio = spacecast %io : slice<generic, f32>
  call @main.scale(%gio, %gid, %x) @k.go:5:2
  %fd = fieldaddr %k, 4 : ptr<args, slice<global, f32>>
  %dead = load %fd : slice<global, f32>
  %pd = indexaddr %dead, %gid : ptr<global, f32>
  %unused = load %pd : f32
  return
}
`)
	if err := Run(m, Options{Verify: true}); err != nil {
		t.Fatal(err)
	}
	want := []ir.Access{ir.AccessRead, ir.AccessWrite, ir.AccessRead | ir.AccessWrite, ir.AccessNone, ir.AccessNone, ir.AccessNone}
	if got := m.Funcs[0].Access; !slices.Equal(got, want) {
		t.Errorf("Access = %v, want %v", got, want)
	}
}
