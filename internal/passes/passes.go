package passes

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/geobacter-go/geobacter/internal/ir"
	"github.com/geobacter-go/geobacter/internal/mathlib"
)

// linkMath replaces the math calls Options.SoftMath selects with calls of the math library.
func linkMath(s *state) error {
	if s.opts.SoftMath == nil {
		return nil
	}
	return mathlib.Link(s.m, s.opts.SoftMath)
}

// Options configure Run.
type Options struct {
	// Verify runs ir.Verify on the input and after every pass, and fails naming the pass that made
	// the IR invalid. It is also on when the environment variable GEOBACTER_DEBUG is 1.
	Verify bool

	// Dump is a directory to write the module's text (ir.Print) into, before the first pass as
	// 00-input.ir and after the n-th pass as NN-name.ir (01-inline.ir, ...), creating it. When it
	// is empty and the environment variable GEOBACTER_DUMP names a directory, each Run writes into
	// its own subdirectory of it, named after the module's kernels and specialisation values, so
	// that the compiles of a program do not overwrite each other.
	Dump string

	// Specialize gives values to kernels' `geobacter:"const"` fields (ir.Field.Const): the
	// specialize pass replaces each load of such a field with the constant. A const field without
	// a value here is left a load.
	Specialize []Const

	// GroupSize, when not zero, is the work-group size every launch of the code has: the
	// specialize pass replaces the kernels' LocalSize queries (in a constant dimension) with
	// its numbers, so that a device compiling per group size knows the group's bounds.
	GroupSize [3]int64

	// Unchecked removes every bounds, nil, divide and shift check, for speed: a work-item that
	// would have panicked has undefined behaviour instead.
	Unchecked bool

	// SoftMath, when not nil, selects the calls of package math's functions (exp, log, sin, ...:
	// the OpIntrinsic values mathlib.Funcs names) that the mathlib pass replaces with calls of
	// Go's own implementations, for a target without a device math library (mathlib.Transcendental: every
	// one).
	SoftMath func(v *ir.Value) bool
}

// Const is the value of one `geobacter:"const"` field of a kernel's argument struct.
type Const struct {
	Kernel string // the kernel's ir.Func.Name, such as "(*main.Saxpy).Kernel"
	Field  int    // the field's index in the argument struct
	Bits   int64  // the value, encoded as an ir.OpConst of the field's type encodes it
}

// Error is a problem in the user's kernel that a pass found, such as recursion, at the position
// in the kernel's source of the construct that causes it.
type Error struct {
	Pos ir.Pos
	Msg string // what is wrong and what to do instead
}

// Error formats e as "file.go:line:col: msg".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrorList is every Error a pass found, sorted by position. Run returns it as its error.
type ErrorList []*Error

// Error gives one error per line.
func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

func (l ErrorList) sort() {
	slices.SortStableFunc(l, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Pos.File, b.Pos.File), cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col))
	})
}

// state is what a pass works on: the module and the options of the run.
type state struct {
	m    *ir.Module
	opts Options

	nextShared int64 // inline: the number of the next shared variable a copy makes
}

// pass is one entry of a pipeline.
type pass struct {
	name  string
	run   func(*state) error
	after []string // passes that must come earlier in the table
}

// pipeline is the pass table Run runs, in order. Each pass's after list is checked at init: every
// name is a pass earlier in the table.
var pipeline = []pass{
	{name: "mathlib", run: linkMath},
	{name: "inline", run: inline, after: []string{"mathlib"}},
	{name: "specialize", run: specialize, after: []string{"inline"}},
	{name: "spaces", run: eachFunc(inferSpaces), after: []string{"inline"}},
	{name: "constfold", run: eachFunc(constFold), after: []string{"inline", "specialize"}},
	{name: "cse", run: eachFunc(cse), after: []string{"spaces", "constfold"}},
	{name: "checks", run: eachFunc(checks), after: []string{"constfold", "cse"}},
	{name: "dce", run: eachFunc(dce), after: []string{"constfold", "checks"}},
	{name: "cfg", run: eachFunc(cleanCFG), after: []string{"dce"}},
	{name: "access", run: eachFunc(computeAccess), after: []string{"inline", "dce"}},
}

func init() {
	if err := checkTable(pipeline); err != nil {
		panic("geobacter: BUG: passes: " + err.Error())
	}
}

// Passes returns the names of the pipeline's passes in the order Run runs them.
func Passes() []string {
	names := make([]string, len(pipeline))
	for i, p := range pipeline {
		names[i] = p.name
	}
	return names
}

// checkTable checks a pass table: names are unique and usable in a file name, every pass has a
// function, and every pass named in an after list is earlier in the table.
func checkTable(table []pass) error {
	index := map[string]int{}
	for i, p := range table {
		if p.name == "" || strings.ContainsAny(p.name, "/\\ \t\n") {
			return fmt.Errorf("pass %d has the bad name %q", i, p.name)
		}
		if _, dup := index[p.name]; dup {
			return fmt.Errorf("pass %q is in the table twice", p.name)
		}
		if p.run == nil {
			return fmt.Errorf("pass %q has no function", p.name)
		}
		index[p.name] = i
	}
	for i, p := range table {
		for _, a := range p.after {
			j, ok := index[a]
			switch {
			case !ok:
				return fmt.Errorf("pass %q must run after %q, which is not in the table", p.name, a)
			case j >= i:
				return fmt.Errorf("pass %q must run after %q, but the table has it later", p.name, a)
			}
		}
	}
	return nil
}

// eachFunc makes a pass that runs fn on every function of the module.
func eachFunc(fn func(s *state, f *ir.Func) error) func(*state) error {
	return func(s *state) error {
		var errs ErrorList
		for _, f := range s.m.Funcs {
			if len(f.Blocks) == 0 {
				continue
			}
			if err := fn(s, f); err != nil {
				if l, ok := err.(ErrorList); ok {
					errs = append(errs, l...)
					continue
				}
				return err
			}
		}
		if len(errs) > 0 {
			errs.sort()
			return errs
		}
		return nil
	}
}

// Run runs the pipeline on m, changing it in place: afterwards every kernel is one function with
// no calls, specialised, optimised and with its Access computed, and the other functions are gone.
// An error in the user's kernel (recursion) is an ErrorList with positions; an invalid IR found by
// Options.Verify is an error naming the pass that produced it, a bug in Geobacter.
func Run(m *ir.Module, opts Options) error {
	return run(m, opts, pipeline)
}

func run(m *ir.Module, opts Options, table []pass) error {
	if err := checkTable(table); err != nil {
		panic("geobacter: BUG: passes: " + err.Error())
	}
	if os.Getenv("GEOBACTER_DEBUG") == "1" {
		opts.Verify = true
	}
	dir := opts.Dump
	if dir == "" {
		if env := os.Getenv("GEOBACTER_DUMP"); env != "" {
			dir = filepath.Join(env, dumpName(m, opts))
		}
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o777); err != nil {
			return fmt.Errorf("passes: dump: %w", err)
		}
		if err := dump(dir, 0, "input", m); err != nil {
			return err
		}
	}
	if opts.Verify {
		if err := ir.Verify(m); err != nil {
			return fmt.Errorf("geobacter: BUG: passes: the input IR is invalid: %w", err)
		}
	}
	s := &state{m: m, opts: opts}
	for i, p := range table {
		if err := p.run(s); err != nil {
			if _, ok := err.(ErrorList); ok {
				return err
			}
			return fmt.Errorf("passes: %s: %w", p.name, err)
		}
		if dir != "" {
			if err := dump(dir, i+1, p.name, m); err != nil {
				return err
			}
		}
		if opts.Verify {
			if err := ir.Verify(m); err != nil {
				return fmt.Errorf("geobacter: BUG: passes: pass %s made the IR invalid: %w", p.name, err)
			}
		}
	}
	return nil
}

// dumpFile is the file the module is dumped into after the n-th pass (0: before the first).
func dumpFile(dir string, n int, name string) string {
	return filepath.Join(dir, fmt.Sprintf("%02d-%s.ir", n, name))
}

func dump(dir string, n int, name string, m *ir.Module) error {
	if err := os.WriteFile(dumpFile(dir, n, name), []byte(ir.Print(m)), 0o666); err != nil {
		return fmt.Errorf("passes: dump: %w", err)
	}
	return nil
}

// dumpName names a run's subdirectory of GEOBACTER_DUMP: its kernels' names, then the values of
// the specialised fields.
func dumpName(m *ir.Module, opts Options) string {
	var parts []string
	for _, k := range m.Kernels() {
		parts = append(parts, k.Name)
	}
	if len(parts) == 0 {
		parts = append(parts, "module")
	}
	name := strings.Join(parts, "+")
	for _, c := range opts.Specialize {
		name += "," + strconv.Itoa(c.Field) + "=" + strconv.FormatInt(c.Bits, 10)
	}
	name = strings.NewReplacer("(", "", ")", "", "*", "").Replace(name)
	b := []byte(name)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(".,_+=-", c) >= 0) {
			b[i] = '_'
		}
	}
	if len(b) > 200 {
		b = b[:200]
	}
	return string(b)
}
