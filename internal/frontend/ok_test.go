package frontend_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter/internal/frontend"
	"github.com/geobacter-go/geobacter/internal/ir"
)

// okDir is the corpus of accepted kernels with tricky features, relative to the module root.
const okDir = "internal/frontend/testdata/ok"

// declaredKernels returns the names of the (non-generic) receiver types of the methods named
// Kernel declared in the Go files of dir, sorted.
func declaredKernels(t *testing.T, dir string) []string {
	t.Helper()
	fset := token.NewFileSet()
	var names []string
	for _, name := range goFiles(t, dir) {
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || fd.Name.Name != "Kernel" {
				continue
			}
			recv := fd.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			if id, ok := recv.(*ast.Ident); ok {
				names = append(names, id.Name)
			}
		}
	}
	sort.Strings(names)
	return names
}

// TestOKCorpus checks that every kernel of the corpus of tricky-but-supported kernels is found,
// compiles without a diagnostic on its own and together with the others, and gives a module
// that prints and verifies.
func TestOKCorpus(t *testing.T) {
	prog, err := frontend.Load(context.Background(), frontend.Config{Dir: "../.."}, "./"+okDir)
	if err != nil {
		t.Fatal(err)
	}
	kernels := prog.Kernels()
	var found []string
	for _, k := range kernels {
		found = append(found, k.Type.Obj().Name())
	}
	sort.Strings(found)
	want := declaredKernels(t, filepath.Join("../..", okDir))
	if strings.Join(found, " ") != strings.Join(want, " ") {
		t.Errorf("Kernels() found %v; the corpus declares %v", found, want)
	}

	// Each kernel on its own, so that a failure names its kernel.
	ok, results, _ := compileEach(t, prog, kernels)
	var good []*frontend.Kernel
	for _, k := range ok {
		if err := results[k]; err != nil {
			t.Errorf("%s: rejected:\n%v", k.Name, err)
			continue
		}
		good = append(good, k)
	}

	// The accepted ones together, in one module that prints and verifies.
	m, err := prog.Compile(good)
	if err != nil {
		t.Fatalf("kernels that compile on their own do not compile together:\n%v", err)
	}
	if got := len(m.Kernels()); got != len(good) {
		t.Errorf("%d kernels in the module, want %d", got, len(good))
	}
	text := ir.Print(m)
	for _, k := range good {
		f := m.Func(k.Name)
		if f == nil || !f.Kernel {
			t.Errorf("%s: no kernel function of that name in the module", k.Name)
			continue
		}
		if !strings.Contains(text, ir.PrintFunc(f)) {
			t.Errorf("%s: not in the printed module", k.Name)
		}
		if err := ir.VerifyFunc(f); err != nil {
			t.Errorf("%s: does not verify: %v", k.Name, err)
		}
	}
	if err := ir.Verify(m); err != nil {
		t.Errorf("the module does not verify: %v", err)
	}
}
