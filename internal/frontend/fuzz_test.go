package frontend_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/geobacter-go/geobacter/internal/frontend"
	"github.com/geobacter-go/geobacter/internal/ir"
)

// modulePath is the path of the module the frontend's tests are in.
const modulePath = "github.com/geobacter-go/geobacter"

// fuzzSeedDirs are the packages, relative to the module root, whose source files seed
// FuzzFrontend: each package merged into one file, and when fuzzing also each file on its own.
var fuzzSeedDirs = []string{errorsDir, okDir, "internal/testkernels", "internal/testkernels/lib"}

// fuzzing reports whether the test runs with -fuzz, rather than running the seeds as a test.
func fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

// FuzzFrontend loads each input as the one Go file of a scratch package inside the module (so
// that it can import package kernel), finds its kernels and compiles them. Loading may fail and
// Compile may reject the kernels; what must not happen is a panic, a Compile error that is not a
// *frontend.Error, or diagnostics that are unsorted or without a full position.
//
// An input without a method named Kernel, or that go/types rejects, is skipped before the slow
// load with go/packages (which would reject it too). The scratch package is
// testdata/fuzz-scratch-PID-N, removed after each input.
//
// One load type-checks and builds the SSA form of some 65 packages (package kernel imports fmt
// and os): a few seconds of CPU when instrumented for fuzzing, and Go's fuzzing engine takes an
// input that runs for more than 10 s for a hang. Fuzz on a machine that is not overloaded, with
// -parallel=1 on small ones:
//
//	go test -run '^$' -fuzz=FuzzFrontend -fuzztime=3m -parallel=1 ./internal/frontend/
func FuzzFrontend(f *testing.F) {
	for _, dir := range fuzzSeedDirs {
		var files []string
		for _, name := range goFiles(f, filepath.Join("../..", dir)) {
			if !strings.HasSuffix(name, "_test.go") {
				files = append(files, name)
			}
		}
		if len(files) > 1 {
			f.Add(mergeFiles(f, files))
		}
		// Each load costs a second or two of CPU: the files of a package of several files are
		// seeds on their own only when fuzzing, where small inputs mutate best; as a test, the
		// merged package checks the same code.
		if len(files) > 1 && !fuzzing() {
			continue
		}
		for _, name := range files {
			src, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src)
		}
	}

	removeStaleScratch()
	filter := newTypeFilter()
	var seq atomic.Int64
	f.Fuzz(func(t *testing.T, src []byte) {
		dir, err := filepath.Abs(filepath.Join("testdata", fmt.Sprintf("fuzz-scratch-%d-%d", os.Getpid(), seq.Add(1))))
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, "input.go")
		if !filter.typeChecks(file, src) {
			return
		}
		t.Parallel() // when running the seeds; fuzzing runs one input at a time per process
		if err := os.Mkdir(dir, 0o777); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		if err := os.WriteFile(file, src, 0o666); err != nil {
			t.Fatal(err)
		}
		pattern := "./" + filepath.ToSlash(filepath.Join("internal/frontend/testdata", filepath.Base(dir)))
		compileInput(t, pattern)
	})
}

// removeStaleScratch removes the scratch packages left by test processes that are gone (a
// fuzzing process that was killed, for one).
func removeStaleScratch() {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "fuzz-scratch-*"))
	for _, dir := range dirs {
		var pid, n int
		if _, err := fmt.Sscanf(filepath.Base(dir), "fuzz-scratch-%d-%d", &pid, &n); err != nil || pid == os.Getpid() {
			continue
		}
		if p, err := os.FindProcess(pid); err == nil && errors.Is(p.Signal(syscall.Signal(0)), os.ErrProcessDone) {
			os.RemoveAll(dir)
		}
	}
}

// compileInput loads the package pattern and compiles its kernels, and fails t on a panic or on
// an ill-formed error.
func compileInput(t *testing.T, pattern string) {
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("the frontend panics: %v\n%s", r, debug.Stack())
		}
	}()
	prog, err := frontend.Load(context.Background(), frontend.Config{Dir: "../.."}, pattern)
	if err != nil {
		return // not a package that type-checks: fine
	}
	kernels := prog.Kernels()
	m, err := prog.Compile(kernels)
	if err != nil {
		var ferr *frontend.Error
		if !errors.As(err, &ferr) || len(ferr.Diagnostics) == 0 {
			t.Fatalf("Compile returns %T, want a *frontend.Error with diagnostics: %v", err, err)
		}
		checkDiagnostics(t, "Compile", ferr.Diagnostics)
		return
	}
	if got := len(m.Kernels()); got != len(kernels) {
		t.Errorf("%d kernels in the module, want %d", got, len(kernels))
	}
	_ = ir.Print(m)
}

// typeFilter type-checks inputs with go/types, importing packages from the export data that
// the go command builds for them (once each).
type typeFilter struct {
	mu      sync.Mutex
	exports map[string]string // import path → export data file
	imp     types.ImporterFrom
}

func newTypeFilter() *typeFilter {
	c := &typeFilter{exports: map[string]string{}}
	c.imp = importer.ForCompiler(token.NewFileSet(), "gc", func(path string) (io.ReadCloser, error) {
		file, ok := c.exports[path]
		if !ok || file == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	}).(types.ImporterFrom)
	return c
}

// typeChecks reports whether src, as the file named file, declares a method named Kernel and is
// a package that type-checks: the frontend has nothing to compile in any other input. Inputs
// that import "C" (cgo would run a C compiler) or packages outside the standard library and this
// module (the go command would look for them on the network) are rejected too.
func (c *typeFilter) typeChecks(file string, src []byte) bool {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.SkipObjectResolution)
	if err != nil || !declaresKernel(f) {
		return false
	}
	var paths []string
	for _, spec := range f.Imports {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil || path == "C" {
			return false
		}
		first, _, _ := strings.Cut(path, "/")
		if strings.Contains(first, ".") && path != modulePath && !strings.HasPrefix(path, modulePath+"/") {
			return false
		}
		paths = append(paths, path)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.listExports(paths)
	conf := types.Config{Importer: c.imp, GoVersion: "go1.26", Error: func(error) {}}
	_, err = conf.Check("scratch", fset, []*ast.File{f}, nil)
	return err == nil
}

// listExports asks the go command for the export data of the packages not asked for yet.
func (c *typeFilter) listExports(paths []string) {
	var todo []string
	for _, p := range paths {
		if _, ok := c.exports[p]; !ok && p != "unsafe" {
			c.exports[p] = "" // asked for, whatever the answer
			todo = append(todo, p)
		}
	}
	if len(todo) == 0 {
		return
	}
	cmd := exec.Command("go", append([]string{"list", "-e", "-export", "-f", "{{.ImportPath}}={{.Export}}"}, todo...)...)
	cmd.Dir = "../.."
	out, _ := cmd.Output() // a path it cannot list has no export data: the input does not type-check
	for _, line := range strings.Split(string(out), "\n") {
		if path, file, ok := strings.Cut(line, "="); ok {
			c.exports[path] = file
		}
	}
}

// declaresKernel reports whether f declares a method named Kernel.
func declaresKernel(f *ast.File) bool {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && fd.Name.Name == "Kernel" {
			return true
		}
	}
	return false
}

// mergeFiles returns the Go files of one package as one file: its imports, then every other
// declaration of every file.
func mergeFiles(t testing.TB, files []string) []byte {
	t.Helper()
	fset := token.NewFileSet()
	imports := &ast.GenDecl{Tok: token.IMPORT, Lparen: 1}
	merged := &ast.File{Decls: []ast.Decl{imports}}
	seen := map[string]bool{}
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		merged.Name = f.Name
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
				for _, s := range g.Specs {
					spec := s.(*ast.ImportSpec)
					key := spec.Path.Value
					if spec.Name != nil {
						key = spec.Name.Name + " " + key
					}
					if !seen[key] {
						seen[key] = true
						imports.Specs = append(imports.Specs, &ast.ImportSpec{Name: spec.Name, Path: &ast.BasicLit{Kind: token.STRING, Value: spec.Path.Value}})
					}
				}
				continue
			}
			merged.Decls = append(merged.Decls, d)
		}
	}
	var b bytes.Buffer
	if err := format.Node(&b, fset, merged); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
