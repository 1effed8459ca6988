// Package frontend turns the kernels of Go packages into IR. It loads packages with go/packages,
// builds go/ssa with every generic instantiation made concrete, finds every kernel (each type whose
// pointer has the method Kernel(kernel.Item), and every instantiation of a generic one that the
// package uses) and lowers each kernel method, and every function it reaches in any package, to an
// ir.Module.
//
// It is also where the kernel contract is enforced: every construct a device cannot run
// (goroutines, channels, maps, interfaces, heap allocation, I/O, writes to the argument struct,
// ...) is reported at once, each as a Diagnostic with its file:line:col and a message from the
// fixed vocabulary in diag.go that says what to do instead. Functions without a Go body are
// mapped to IR intrinsics by full name in intrinsics.go, the one place to add one.
//
// The frontend knows nothing of devices: what it produces is the same on every machine.
package frontend

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// Config says what to load.
type Config struct {
	Dir   string // the directory to run the build system in; "" for the current one
	Tests bool   // also load the packages' test files (kernels declared in _test.go files)
}

// Program is loaded packages and their SSA form.
type Program struct {
	Fset  *token.FileSet
	Roots []*packages.Package
	SSA   *ssa.Program
	pkgs  []*ssa.Package // the SSA packages of Roots
}

// Load loads the packages matching patterns, with everything they import, type-checks them and
// builds their SSA form. Errors in the packages (syntax, types) are returned together.
func Load(ctx context.Context, cfg Config, patterns ...string) (*Program, error) {
	pcfg := &packages.Config{
		Context:   ctx,
		Mode:      packages.LoadAllSyntax,
		Dir:       cfg.Dir,
		Tests:     cfg.Tests,
		ParseFile: parseFile,
	}
	roots, err := packages.Load(pcfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", strings.Join(patterns, " "), err)
	}
	var errs []string
	packages.Visit(roots, nil, func(p *packages.Package) {
		if len(p.GoFiles) > 0 && bodiless(p.GoFiles[0]) {
			return // errors from the bodies left out (unused imports) say nothing
		}
		for _, e := range p.Errors {
			errs = append(errs, e.Error())
		}
	})
	if len(errs) > 0 {
		return nil, fmt.Errorf("loading %s:\n%s", strings.Join(patterns, " "), strings.Join(errs, "\n"))
	}
	if len(roots) == 0 {
		return nil, fmt.Errorf("no packages match %s", strings.Join(patterns, " "))
	}
	// The SSA packages are made by hand, not by ssautil.AllPackages, which leaves out packages
	// that import one with errors: the bodiless ones have some.
	var fset *token.FileSet
	for _, r := range roots {
		fset = r.Fset
	}
	prog := ssa.NewProgram(fset, ssa.InstantiateGenerics)
	made := map[*packages.Package]*ssa.Package{}
	packages.Visit(roots, nil, func(p *packages.Package) {
		if p.Types != nil && made[p] == nil {
			made[p] = prog.CreatePackage(p.Types, p.Syntax, p.TypesInfo, true)
		}
	})
	// Only the root packages are built now; a package a kernel calls into is built when the
	// frontend reaches it (see body).
	pkgs := make([]*ssa.Package, len(roots))
	for i, r := range roots {
		pkgs[i] = made[r]
		if pkgs[i] != nil {
			pkgs[i].Build()
		}
	}
	return &Program{Fset: fset, Roots: roots, SSA: prog, pkgs: pkgs}, nil
}

// goroot is the standard library's source directory.
var goroot = filepath.Join(runtime.GOROOT(), "src") + string(filepath.Separator)

// keepBodies are the standard library's packages whose function bodies kernels may reach.
var keepBodies = []string{"math", "math/bits", "sync/atomic", "cmp", "slices", "unicode/utf8"}

// bodiless reports whether the functions of the file at path are left without bodies when loaded:
// the standard library's, except the packages kernels use. Type-checking a package needs its
// declarations only, and the bodies of fmt, os, image and the rest are most of the time a load
// takes.
func bodiless(path string) bool {
	rel, ok := strings.CutPrefix(path, goroot)
	if !ok {
		return false
	}
	dir := filepath.ToSlash(filepath.Dir(rel))
	for _, k := range keepBodies {
		if dir == k {
			return false
		}
	}
	return true
}

// parseFile parses a file for packages.Load, dropping the function bodies of bodiless files.
func parseFile(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
	mode := parser.AllErrors | parser.ParseComments | parser.SkipObjectResolution
	f, err := parser.ParseFile(fset, filename, src, mode)
	if f != nil && bodiless(filename) {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				fd.Body = nil
			}
		}
	}
	return f, err
}

// bodilessPkg reports whether the frontend loaded p without function bodies.
func (c *compiler) bodilessPkg(p *ssa.Package) bool {
	for _, f := range p.Members {
		if fn, ok := f.(*ssa.Function); ok && fn.Pos().IsValid() {
			return bodiless(c.fset.Position(fn.Pos()).Filename)
		}
	}
	return false
}

// body returns f with its body built, building its package on demand; nil Blocks then means f
// has no Go body.
func body(f *ssa.Function) *ssa.Function {
	if f.Blocks == nil {
		if p := pkgOf(f); p != nil {
			p.Build()
		}
	}
	return f
}

// Kernel is one kernel found in a package: a method Kernel(kernel.Item) of a pointer to a named
// type, or of an instantiation of a generic named type.
type Kernel struct {
	// Name is the kernel's identity: the method's full symbol with its type arguments, such as
	// "(*example.com/p.Saxpy).Kernel" or "(*example.com/p.Scale[float32]).Kernel". It is also
	// the name of the kernel's function in the IR.
	Name   string
	Type   *types.Named // the argument struct's type
	Method *ssa.Function
	Pos    token.Position
}

// Kernels returns the kernels of the root packages, sorted by name.
func (p *Program) Kernels() []*Kernel {
	seen := map[*ssa.Function]bool{}
	var ks []*Kernel
	add := func(t *types.Named) {
		fn := p.kernelMethod(t)
		if fn == nil || seen[fn] {
			return
		}
		seen[fn] = true
		ks = append(ks, &Kernel{Name: fn.String(), Type: t, Method: fn, Pos: p.Fset.Position(t.Obj().Pos())})
	}
	for _, sp := range p.pkgs {
		if sp == nil {
			continue
		}
		for _, m := range sp.Members {
			if t, ok := m.(*ssa.Type); ok {
				if n, ok := types.Unalias(t.Type()).(*types.Named); ok && n.TypeParams().Len() == 0 {
					add(n)
				}
			}
		}
	}
	// Instantiations of generic kernel types that the packages use: the types their functions
	// (generic instances included) mention.
	roots := map[*ssa.Package]bool{}
	for _, sp := range p.pkgs {
		roots[sp] = true
	}
	var visit func(t types.Type)
	visit = func(t types.Type) {
		switch t := types.Unalias(t).(type) {
		case *types.Pointer:
			visit(t.Elem())
		case *types.Slice:
			visit(t.Elem())
		case *types.Array:
			visit(t.Elem())
		case *types.Named:
			if t.TypeArgs().Len() > 0 && !hasTypeParams(t) {
				add(t)
			}
		}
	}
	for f := range ssautil.AllFunctions(p.SSA) {
		if !roots[pkgOf(f)] {
			continue
		}
		for _, t := range f.TypeArgs() {
			visit(t)
		}
		for _, b := range f.Blocks {
			for _, instr := range b.Instrs {
				if v, ok := instr.(ssa.Value); ok {
					visit(v.Type())
				}
			}
		}
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i].Name < ks[j].Name })
	return ks
}

// pkgOf returns the package a function's source is in: instances of generic functions, and the
// function literals inside them, have none of their own.
func pkgOf(f *ssa.Function) *ssa.Package {
	for f != nil {
		if f.Pkg != nil {
			return f.Pkg
		}
		if o := f.Origin(); o != nil && o != f && o.Pkg != nil {
			return o.Pkg
		}
		f = f.Parent()
	}
	return nil
}

// KernelsOf returns the kernels whose types are declared in the package with import path pkg.
func (p *Program) KernelsOf(pkg string) []*Kernel {
	var ks []*Kernel
	for _, k := range p.Kernels() {
		if k.Type.Obj().Pkg() != nil && k.Type.Obj().Pkg().Path() == pkg {
			ks = append(ks, k)
		}
	}
	return ks
}

// hasTypeParams reports whether an instantiated type still mentions type parameters (an
// instance inside a generic function's body).
func hasTypeParams(n *types.Named) bool {
	for t := range n.TypeArgs().Types() {
		if _, ok := t.(*types.TypeParam); ok {
			return true
		}
		if inner, ok := t.(*types.Named); ok && inner.TypeArgs().Len() > 0 && hasTypeParams(inner) {
			return true
		}
	}
	return false
}

// kernelMethod returns the method Kernel(kernel.Item) of *t, or nil.
func (p *Program) kernelMethod(t *types.Named) *ssa.Function {
	if _, ok := t.Underlying().(*types.Struct); !ok {
		return nil
	}
	sel := p.SSA.MethodSets.MethodSet(types.NewPointer(t)).Lookup(nil, "Kernel")
	if sel == nil {
		return nil
	}
	sig := sel.Type().(*types.Signature)
	if sig.Params().Len() != 1 || sig.Results().Len() != 0 || !isItem(sig.Params().At(0).Type()) {
		return nil
	}
	return p.SSA.MethodValue(sel)
}

// Compile lowers the kernels and every function they reach into one module. When the kernels
// break the kernel contract, it returns every violation as an *Error.
func (p *Program) Compile(kernels []*Kernel) (*ir.Module, error) {
	fns := make([]*ssa.Function, len(kernels))
	for i, k := range kernels {
		fns[i] = k.Method
	}
	return p.compile(fns, true)
}

// CompileFuncs lowers functions that are not kernels, and every function they reach, into one
// module: how internal/mathlib compiles package math's implementations. Function returns them.
func (p *Program) CompileFuncs(fns []*ssa.Function) (*ir.Module, error) {
	return p.compile(fns, false)
}

// Function returns the package-level function name of the loaded package pkgPath, with its body
// built, or nil.
func (p *Program) Function(pkgPath, name string) *ssa.Function {
	for _, sp := range p.SSA.AllPackages() {
		if sp.Pkg.Path() == pkgPath {
			if f := sp.Func(name); f != nil {
				return body(f)
			}
		}
	}
	return nil
}

func (p *Program) compile(fns []*ssa.Function, kernels bool) (*ir.Module, error) {
	c := &compiler{
		fset:      p.Fset,
		mod:       &ir.Module{},
		types:     map[typeKey]ir.Type{},
		funcs:     map[*ssa.Function]*ir.Func{},
		explained: map[string][]string{},
		making:    map[string]bool{},
		prog:      p,
		tables:    map[*ssa.Global]*table{},
	}
	for _, f := range fns {
		c.lowerFunc(f, kernels)
	}
	for len(c.queue) > 0 {
		l := c.queue[0]
		c.queue = c.queue[1:]
		l.lower()
	}
	c.checkSharedCalls()
	c.checkArgsWrites()
	if len(c.diags) > 0 {
		c.dropExplained()
		sort.SliceStable(c.diags, func(i, j int) bool {
			a, b := c.diags[i].Pos, c.diags[j].Pos
			if a.Filename != b.Filename {
				return a.Filename < b.Filename
			}
			if a.Line != b.Line {
				return a.Line < b.Line
			}
			return a.Column < b.Column
		})
		return nil, &Error{Diagnostics: dedup(c.diags)}
	}
	return c.mod, nil
}

func dedup(ds []Diagnostic) []Diagnostic {
	var out []Diagnostic
	for i, d := range ds {
		if i > 0 && d == ds[i-1] {
			continue
		}
		out = append(out, d)
	}
	return out
}

// compiler is the state of one Compile.
type compiler struct {
	fset        *token.FileSet
	mod         *ir.Module
	types       map[typeKey]ir.Type
	funcs       map[*ssa.Function]*ir.Func
	queue       []*fn
	diags       []Diagnostic
	sharedSlots int
	explained   map[string][]string // line → the diagnostics that explain it (see fn.explain)
	calls       []callSite
	making      map[string]bool // named struct types being made, to catch recursive types

	prog   *Program
	pkgs   map[*types.Package]*packages.Package // the loaded packages, made by syntax
	tables map[*ssa.Global]*table
}

// lineOf is "file:line" of p, or of fallback when p is unknown.
func (c *compiler) lineOf(p, fallback token.Pos) string {
	if !p.IsValid() {
		p = fallback
	}
	pos := c.fset.Position(p)
	return fmt.Sprintf("%s:%d", pos.Filename, pos.Line)
}

// dropExplained removes the diagnostics of lines that some diagnostics explain, but those.
func (c *compiler) dropExplained() {
	kept := c.diags[:0]
	for _, d := range c.diags {
		msgs, ok := c.explained[fmt.Sprintf("%s:%d", d.Pos.Filename, d.Pos.Line)]
		if ok && !slices.Contains(msgs, d.Msg) {
			continue
		}
		kept = append(kept, d)
	}
	c.diags = kept
}

// errorf reports a diagnostic at p, or at fallback when p is unknown.
func (c *compiler) errorf(p, fallback token.Pos, format string, args ...any) {
	if !p.IsValid() {
		p = fallback
	}
	c.diags = append(c.diags, Diagnostic{Pos: c.fset.Position(p), Msg: fmt.Sprintf(format, args...)})
}
