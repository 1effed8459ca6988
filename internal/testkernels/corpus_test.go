package testkernels

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/kernel"
)

var (
	caseName = regexp.MustCompile(`^[a-z0-9]+/[a-z0-9-]+$`)
	position = regexp.MustCompile(`^[a-z0-9_]+\.go:[1-9][0-9]*$`)
)

func TestCasesAreWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Cases() {
		if !caseName.MatchString(c.Name) {
			t.Errorf("case name %q is not group/name", c.Name)
		}
		if seen[c.Name] {
			t.Errorf("case name %q is used twice", c.Name)
		}
		seen[c.Name] = true
		kt := reflect.TypeOf(c.Kernel)
		if kt == nil || kt.Kind() != reflect.Pointer || kt.Elem().Kind() != reflect.Struct || !reflect.ValueOf(c.Kernel).IsNil() {
			t.Errorf("%s: Kernel is %#v; want a nil pointer of a kernel struct type", c.Name, c.Kernel)
			continue
		}
		if c.Run == nil || (c.Want == nil) == (c.Panic == nil) || c.ULP < 0 {
			t.Errorf("%s: want a Run, exactly one of Want and Panic, and ULP ≥ 0", c.Name)
		}
		if p := c.Panic; p != nil {
			if p.Kernel != kt.Elem().String() {
				t.Errorf("%s: Panic.Kernel = %q; the case launches %s", c.Name, p.Kernel, kt.Elem())
			}
			if !position.MatchString(p.Pos) || p.Msg == nil {
				t.Errorf("%s: Panic.Pos = %q, Msg = %v; want file.go:LINE and a regexp", c.Name, p.Pos, p.Msg)
			}
			if !strings.HasPrefix(c.Name, "panic/") {
				t.Errorf("%s: a panic case outside the panic group", c.Name)
			}
		}
	}
}

// TestRunLaunchesTheCaseKernel runs every case on a Target that records the launches instead of
// running them: each case launches its own Kernel type, and returns outputs of the names, types
// and lengths of its reference.
func TestRunLaunchesTheCaseKernel(t *testing.T) {
	for _, c := range Cases() {
		var launched []reflect.Type
		tg := WithLaunch(func(_ context.Context, g geobacter.Grid, k kernel.Kernel) error {
			launched = append(launched, reflect.TypeOf(k))
			if g.Dims() == 0 {
				t.Errorf("%s: launch of a zero Grid", c.Name)
			}
			return nil
		})
		got, err := c.Run(context.Background(), tg)
		if err != nil {
			t.Errorf("%s: Run: %v", c.Name, err)
			continue
		}
		if len(launched) != 1 || launched[0] != reflect.TypeOf(c.Kernel) {
			t.Errorf("%s: Run launched %v; want one %T", c.Name, launched, c.Kernel)
		}
		if c.Want == nil {
			continue
		}
		want := c.Want()
		if len(got) != len(want) {
			t.Errorf("%s: Run returned %d outputs; Want %d", c.Name, len(got), len(want))
		}
		for name, w := range want {
			g, ok := got[name]
			wv, gv := reflect.ValueOf(w), reflect.ValueOf(g)
			switch {
			case !ok:
				t.Errorf("%s: Run returned no output %q", c.Name, name)
			case wv.Kind() != reflect.Slice:
				t.Errorf("%s: Want's output %q is a %T; want a slice", c.Name, name, w)
			case gv.Type() != wv.Type() || gv.Len() != wv.Len():
				t.Errorf("%s: output %q is %d %v from Run, %d %v from Want", c.Name, name, gv.Len(), gv.Type(), wv.Len(), wv.Type())
			}
		}
	}
}

// TestEveryKernelHasACase checks that every kernel type declared in the package is launched by
// some case, so the corpus holds no dead kernels.
func TestEveryKernelHasACase(t *testing.T) {
	used := map[string]bool{}
	for _, c := range Cases() {
		name := reflect.TypeOf(c.Kernel).Elem().Name()
		name, _, _ = strings.Cut(name, "[") // a generic type's instantiation
		used[name] = true
	}
	files, err := fs.Glob(sources, "*.go")
	if err != nil {
		t.Fatal(err)
	}
	declared := 0
	for _, file := range files {
		src, err := sources.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && fd.Recv != nil && fd.Name.Name == "Kernel" {
				declared++
				typ, _, _ := strings.Cut(funcName(fd), ".")
				if !used[typ] {
					t.Errorf("kernel type %s (%s) is launched by no case", typ, file)
				}
			}
		}
	}
	if declared != len(used) {
		t.Errorf("%d kernel types declared, %d used by cases", declared, len(used))
	}
}

func TestPanicAtNeedsExactlyOneMarker(t *testing.T) {
	for _, fn := range []string{"NoSuchFunction", "WrapSigned.Kernel"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("panicAt(%q) did not panic for a function without a marker", fn)
				}
			}()
			panicAt(".", fn)
		}()
	}
}
