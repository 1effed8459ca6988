package frontend_test

import (
	"context"
	"reflect"
	"sync"
	"testing"

	"github.com/geobacter-go/geobacter/internal/frontend"
	"github.com/geobacter-go/geobacter/internal/ir"
	"github.com/geobacter-go/geobacter/internal/testkernels"
)

var (
	corpusOnce sync.Once
	corpusProg *frontend.Program
	corpusErr  error
)

// corpus loads the kernel corpus once for the package's tests.
func corpus(t testing.TB) *frontend.Program {
	t.Helper()
	corpusOnce.Do(func() {
		corpusProg, corpusErr = frontend.Load(context.Background(), frontend.Config{Dir: "../.."}, "./internal/testkernels")
	})
	if corpusErr != nil {
		t.Fatal(corpusErr)
	}
	return corpusProg
}

// symbol is the name the frontend gives a kernel type's method, from the type as the runtime sees
// it: "(*pkgpath.Name[args]).Kernel".
func symbol(k any) string {
	t := reflect.TypeOf(k).Elem()
	return "(*" + t.PkgPath() + "." + t.Name() + ").Kernel"
}

// TestCorpusLowers checks that every kernel of the corpus is found, under the name the runtime
// derives from its type, and that all of them lower to IR without a diagnostic.
func TestCorpusLowers(t *testing.T) {
	prog := corpus(t)
	kernels := prog.Kernels()
	byName := map[string]*frontend.Kernel{}
	for _, k := range kernels {
		byName[k.Name] = k
	}
	for _, c := range testkernels.Cases() {
		if _, ok := byName[symbol(c.Kernel)]; !ok {
			t.Errorf("case %s: kernel %s not found", c.Name, symbol(c.Kernel))
		}
	}
	m, err := prog.Compile(kernels)
	if err != nil {
		t.Fatalf("the corpus does not lower:\n%v", err)
	}
	if got, want := len(m.Kernels()), len(kernels); got != want {
		t.Fatalf("%d kernels in the module, want %d", got, want)
	}
	for _, k := range kernels {
		f := m.Func(k.Name)
		if f == nil || !f.Kernel || f.ArgsType() == nil {
			t.Errorf("kernel %s: no kernel function with an argument struct in the module", k.Name)
		}
	}
	_ = ir.Print(m) // every function prints
}
