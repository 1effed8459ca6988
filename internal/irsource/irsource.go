// Package irsource finds a kernel's IR at run time. Two places hold it:
//
//   - the registry: a file written by `geobacter gen` embeds the encoded IR of its package's kernels
//     and registers it at init (through geobacter.RegisterIR). A registration whose package source
//     is on this machine and has changed since it was generated is reported as stale;
//   - the kernel's source: without a registration, the kernel's package is found through the
//     binary's own line table (the file of its Kernel method) and loaded with the frontend, so that
//     `go run` and `go test` work with no generate step. Each package is loaded once per process.
//
// A kernel is identified by its method's full symbol with its type arguments, as the frontend
// names it: "(*example.com/p.Saxpy).Kernel".
package irsource

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	"github.com/geobacter-go/geobacter/internal/frontend"
	"github.com/geobacter-go/geobacter/internal/ir"
	"github.com/geobacter-go/geobacter/internal/passes"
)

// GeneratedFile is the name of the file `geobacter gen` writes in a package.
const GeneratedFile = "geobacter_ir.go"

// registration is one package's generated IR.
type registration struct {
	pkg        string
	sourceHash string
	data       []byte

	once sync.Once
	mod  *ir.Module
	err  error
}

var (
	mu       sync.Mutex
	registry = map[string]*registration{} // by package path
	loaded   = map[string]*sourcePkg{}    // by directory, and whether with tests
)

// Register records the encoded IR of the kernels of package pkg, generated from sources whose
// hash (SourceHash) was sourceHash. A second registration of one package replaces the first.
func Register(pkg, sourceHash string, data []byte) {
	mu.Lock()
	defer mu.Unlock()
	registry[pkg] = &registration{pkg: pkg, sourceHash: sourceHash, data: data}
}

// Symbol is the name the frontend gives the Kernel method of t, a pointer to a kernel's struct:
// "(*pkgpath.Name[args]).Kernel". A kernel declared in the main package of a program built by
// `go run` or `go build` has the package path "main" at run time; its symbol uses the package's
// import path, as the frontend and generated files do.
func Symbol(t reflect.Type) string {
	e := t.Elem()
	path := e.PkgPath()
	if path == "main" {
		path = mainPath()
	}
	return "(*" + path + "." + e.Name() + ").Kernel"
}

// mainPath is the import path of the program's main package.
var mainPath = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Path != "" && bi.Path != "command-line-arguments" {
		return bi.Path
	}
	return "main"
})

// decode is ir.Decode; a variable so that a test can count decodes.
var decode = ir.Decode

// module decodes the registration once.
func (r *registration) module() (*ir.Module, error) {
	r.once.Do(func() {
		r.mod, r.err = decode(r.data)
		if r.err != nil {
			r.err = fmt.Errorf("the IR generated for package %s does not decode (%v); run `go generate` in the package again", r.pkg, r.err)
		}
	})
	return r.mod, r.err
}

// Find returns a module that holds the kernel named symbol, and the kernel's function in it. pc
// is an address in the kernel's Kernel method, for finding its source through the line table.
func Find(ctx context.Context, symbol string, pc uintptr) (*ir.Module, *ir.Func, error) {
	pkg := packageOf(symbol)
	file, _ := runtime.FuncForPC(pc).FileLine(pc)
	mu.Lock()
	reg := registry[pkg]
	mu.Unlock()
	if reg != nil {
		m, err := reg.module()
		if err != nil {
			return nil, nil, err
		}
		if f := m.Func(symbol); f != nil && f.Kernel {
			if err := checkFresh(reg, filepath.Dir(file)); err != nil {
				return nil, nil, err
			}
			return m, f, nil
		}
		// The generated file predates this kernel: fall back to the source, which says so if it
		// cannot be found.
	}
	return fromSource(ctx, symbol, file, reg != nil)
}

// packageOf is the package path in a kernel symbol "(*path.Type[args]).Kernel".
func packageOf(symbol string) string {
	s := strings.TrimPrefix(symbol, "(*")
	if i := strings.IndexByte(s, '['); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s, ")."); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		return s[:i]
	}
	return s
}

// checkFresh reports a registration whose package source, when it is on this machine, has
// changed since the IR was generated.
func checkFresh(reg *registration, dir string) error {
	if _, err := os.Stat(dir); err != nil {
		return nil // a deployed binary: the source is elsewhere, the generated IR is all there is
	}
	h, err := SourceHash(dir)
	if err != nil || h == reg.sourceHash {
		return nil
	}
	return fmt.Errorf("the generated IR of package %s is stale: its source in %s changed after %s was written; run `go generate` in the package (or `geobacter gen`) and rebuild",
		reg.pkg, dir, GeneratedFile)
}

// SourceHash hashes the Go source files of the package in dir that kernels can be declared in:
// every .go file except tests and the generated file, by name and content.
func SourceHash(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") || n == GeneratedFile {
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", n, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// sourcePkg is a package loaded from source, and the kernels compiled from it so far.
type sourcePkg struct {
	once sync.Once
	prog *frontend.Program
	err  error

	mu      sync.Mutex
	modules map[string]*ir.Module // by kernel symbol
}

// fromSource loads the kernel's package from the directory of its file and compiles the kernel.
func fromSource(ctx context.Context, symbol, file string, hadRegistration bool) (*ir.Module, *ir.Func, error) {
	dir := filepath.Dir(file)
	if file == "" || file == "?" {
		return nil, nil, fmt.Errorf("no IR for kernel %s: the binary has no line table entry for its method; run `geobacter gen` in its package", symbol)
	}
	if _, err := os.Stat(dir); err != nil {
		why := "no file generated by `geobacter gen` registers it"
		if hadRegistration {
			why = "the file generated by `geobacter gen` for its package predates it"
		}
		return nil, nil, fmt.Errorf("no IR for kernel %s: %s, and its source (%s) is not on this machine; run `go generate` in its package and rebuild", symbol, why, dir)
	}
	mu.Lock()
	// Kernels declared in test files need the package's test variants, which cost more to load.
	tests := strings.HasSuffix(file, "_test.go")
	key := dir
	if tests {
		key += " (tests)"
	}
	sp := loaded[key]
	if sp == nil {
		sp = &sourcePkg{modules: map[string]*ir.Module{}}
		loaded[key] = sp
	}
	mu.Unlock()
	sp.once.Do(func() {
		sp.prog, sp.err = frontend.Load(ctx, frontend.Config{Dir: dir, Tests: tests}, ".")
	})
	if sp.err != nil {
		return nil, nil, fmt.Errorf("loading the source of kernel %s: %w", symbol, sp.err)
	}
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if m := sp.modules[symbol]; m != nil {
		return m, m.Func(symbol), nil
	}
	for _, k := range sp.prog.Kernels() {
		if k.Name != symbol {
			continue
		}
		m, err := sp.prog.Compile([]*frontend.Kernel{k})
		if err != nil {
			return nil, nil, fmt.Errorf("kernel %s breaks the kernel contract:\n%w", symbol, err)
		}
		sp.modules[symbol] = m
		return m, m.Func(symbol), nil
	}
	return nil, nil, fmt.Errorf("no kernel %s in the package in %s", symbol, dir)
}

// Kernel returns a module of its own holding the kernel whose argument struct t points to
// (t is *T), alone, with the passes run on it with opts: what a device compiles. The module is a
// copy the caller may change; irsource keeps the one it found.
func Kernel(ctx context.Context, t reflect.Type, opts passes.Options) (*ir.Module, *ir.Func, error) {
	m, ok := t.MethodByName("Kernel")
	if !ok {
		return nil, nil, fmt.Errorf("%v has no Kernel method", t)
	}
	symbol := Symbol(t)
	mod, _, err := Find(ctx, symbol, m.Func.Pointer())
	if err != nil {
		return nil, nil, err
	}
	// A generated module holds every kernel of its package: keep this one.
	mod, err = ir.Decode(ir.Encode(mod))
	if err != nil {
		return nil, nil, fmt.Errorf("geobacter: BUG: IR of %s does not survive encoding: %v", symbol, err)
	}
	funcs := mod.Funcs[:0]
	for _, f := range mod.Funcs {
		if !f.Kernel || f.Name == symbol {
			funcs = append(funcs, f)
		}
	}
	mod.Funcs = funcs
	if err := passes.Run(mod, opts); err != nil {
		return nil, nil, err
	}
	f := mod.Func(symbol)
	if f == nil {
		return nil, nil, fmt.Errorf("geobacter: BUG: kernel %s is not in its module after the passes", symbol)
	}
	if args := f.ArgsType(); args == nil || args.Size() != int64(t.Elem().Size()) {
		return nil, nil, fmt.Errorf("geobacter: BUG: the IR of %s lays out its arguments differently from Go (%v)", symbol, args)
	}
	return mod, f, nil
}
