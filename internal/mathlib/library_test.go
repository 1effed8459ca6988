package mathlib

import (
	"bytes"
	"context"
	"flag"
	"os"
	"strings"
	"testing"

	"golang.org/x/tools/go/ssa"

	"github.com/geobacter-go/geobacter/internal/frontend"
	"github.com/geobacter-go/geobacter/internal/ir"
)

var update = flag.Bool("update", false, "rewrite library.ir from the toolchain's package math")

// compileLibrary compiles the library from the toolchain's package math.
func compileLibrary(t *testing.T) []byte {
	t.Helper()
	prog, err := frontend.Load(context.Background(), frontend.Config{}, "math")
	if err != nil {
		t.Fatal(err)
	}
	var fns []*ssa.Function
	for _, name := range Names() {
		f := prog.Function("math", strings.TrimPrefix(name, "math."))
		if f == nil {
			t.Fatalf("package math has no function %s", name)
		}
		fns = append(fns, f)
	}
	m, err := prog.CompileFuncs(fns)
	if err != nil {
		t.Fatal(err)
	}
	cutRecursion(t, prog, m)
	// Positions name the package's directory with the file: math/exp.go, math/bits/bits.go.
	for _, f := range m.Funcs {
		dir := f.Name[:strings.LastIndex(f.Name, ".")]
		fix := func(p *ir.Pos) {
			if p.File != "" && !strings.Contains(p.File, "/") {
				p.File = dir + "/" + p.File
			}
		}
		fix(&f.Pos)
		for _, b := range f.Blocks {
			fix(&b.Pos)
			for _, v := range b.Instrs {
				fix(&v.Pos)
			}
		}
	}
	return ir.Encode(m)
}

// TestLibrary checks that library.ir is what the toolchain's package math compiles to, and
// rewrites it with -update.
func TestLibrary(t *testing.T) {
	got := compileLibrary(t)
	if *update {
		if err := os.WriteFile("library.ir", got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(got, library) {
		t.Fatalf("library.ir (%d bytes) is not what this toolchain's package math compiles to (%d bytes): run go test ./internal/mathlib -run TestLibrary -update", len(library), len(got))
	}
	m, err := ir.Decode(library)
	if err != nil {
		t.Fatal(err)
	}
	if err := ir.Verify(m); err != nil {
		t.Fatal(err)
	}
	for _, name := range Names() {
		if m.Func(name) == nil {
			t.Errorf("%s is not in the library", name)
		}
	}
}

// cutRecursion removes the one recursion of the library, which the passes refuse: math.pow
// computes Pow(-Inf, y) as Pow(-0, -y), a call of math.Pow, which Link makes a call of math.pow.
// That call becomes a call of a second copy of math.pow, "math.pow·negzero", whose own call of
// math.Pow cannot be reached (its x is -0, not -Inf) and is replaced by a zero.
func cutRecursion(t *testing.T, prog *frontend.Program, m *ir.Module) {
	t.Helper()
	pow := m.Func("math.pow")
	calls := powCalls(pow)
	if len(calls) != 1 {
		t.Fatalf("math.pow calls math.Pow %d times, want once (for Pow(-Inf, y)): see how package math changed", len(calls))
	}
	m2, err := prog.CompileFuncs([]*ssa.Function{prog.Function("math", "pow")})
	if err != nil {
		t.Fatal(err)
	}
	inner := m2.Func("math.pow")
	inner.Name = "math.pow·negzero"
	for _, v := range powCalls(inner) {
		v.Op, v.Args, v.AuxInt = ir.OpZero, nil, 0
	}
	for _, b := range inner.Blocks {
		for _, v := range b.Instrs {
			if v.Op == ir.OpCall {
				v.Aux = m.Func(v.Callee().Name)
				if v.Aux.(*ir.Func) == nil {
					t.Fatalf("math.pow calls %s, which the library lacks", v.Callee().Name)
				}
			}
		}
	}
	inner.Module = m
	m.Funcs = append(m.Funcs, inner)
	c := calls[0]
	c.Op, c.AuxInt, c.Aux = ir.OpCall, 0, inner
}

// powCalls returns the calls of math.Pow in f.
func powCalls(f *ir.Func) []*ir.Value {
	var out []*ir.Value
	for _, b := range f.Blocks {
		for _, v := range b.Instrs {
			if v.Op == ir.OpIntrinsic && v.Intrinsic() == ir.Pow {
				out = append(out, v)
			}
		}
	}
	return out
}
