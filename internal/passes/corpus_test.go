package passes_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/internal/frontend"
	"github.com/geobacter-go/geobacter/internal/ir"
	"github.com/geobacter-go/geobacter/internal/passes"
	"github.com/geobacter-go/geobacter/internal/testkernels"
	"github.com/geobacter-go/geobacter/kernel"
)

// TestCorpus compiles every kernel of the corpus with the frontend, runs the pipeline on it (with
// the verifier after every pass), and runs every case of the corpus on the interpreter twice: on
// the IR as the frontend made it and on the IR after the passes. The outputs must be the same
// bits and the panics the same panics. It runs the pipeline's unchecked form too, on the cases
// that do not panic.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("loads and compiles the kernel corpus")
	}
	t.Setenv("GEOBACTER_DUMP", "")
	ctx := context.Background()
	prog, err := frontend.Load(ctx, frontend.Config{Dir: "../.."}, "./internal/testkernels")
	if err != nil {
		t.Fatal(err)
	}
	lowered := map[string]*ir.Func{}
	checked := map[string]*ir.Func{}
	unchecked := map[string]*ir.Func{}
	for _, k := range prog.Kernels() {
		compile := func(opts *passes.Options) *ir.Func {
			m, err := prog.Compile([]*frontend.Kernel{k})
			if err != nil {
				t.Errorf("%s: %v", k.Name, err)
				return nil
			}
			if opts != nil {
				if err := passes.Run(m, *opts); err != nil {
					t.Errorf("%s: %v", k.Name, err)
					return nil
				}
				if n := len(m.Funcs); n != 1 {
					t.Errorf("%s: %d functions after the passes, want the kernel alone", k.Name, n)
				}
				for _, b := range m.Funcs[0].Blocks {
					for _, v := range b.Instrs {
						if v.Op == ir.OpCall || v.Op == ir.OpExtract || opts.Unchecked && v.Op.IsCheck() {
							t.Errorf("%s: %v left after the passes", k.Name, v.Op)
						}
					}
				}
			}
			return m.Func(k.Name)
		}
		lowered[k.Name] = compile(nil)
		checked[k.Name] = compile(&passes.Options{Verify: true})
		unchecked[k.Name] = compile(&passes.Options{Verify: true, Unchecked: true})
	}
	cases := testkernels.Cases()
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			wantErr, want := runCase(t, c, lowered)
			if wantErr != nil && !isPanic(wantErr) {
				t.Fatalf("the lowered kernel does not run: %v", wantErr)
			}
			gotErr, got := runCase(t, c, checked)
			if gotErr != nil && !isPanic(gotErr) {
				t.Fatalf("after the passes: %v", gotErr)
			}
			if !samePanic(gotErr, wantErr) {
				t.Errorf("after the passes: %v\nbefore: %v", gotErr, wantErr)
			}
			if got != want {
				t.Errorf("after the passes:\n%s\nbefore:\n%s", got, want)
			}
			if wantErr != nil {
				return // without checks a panicking kernel is undefined
			}
			gotErr, got = runCase(t, c, unchecked)
			if gotErr != nil || got != want {
				t.Errorf("after the passes without checks: %v\n%s\nbefore:\n%s", gotErr, got, want)
			}
		})
	}
}

// runCase runs c with every kernel launch going to the interpreter on funcs, and returns the
// launch's error and the case's outputs, printed with floats as bits.
func runCase(t *testing.T, c testkernels.Case, funcs map[string]*ir.Func) (error, string) {
	t.Helper()
	target := testkernels.WithLaunch(func(ctx context.Context, g geobacter.Grid, k kernel.Kernel) error {
		name := symbol(k)
		f := funcs[name]
		if f == nil {
			return fmt.Errorf("no IR for kernel %s", name)
		}
		return ir.Run(ctx, f, interpGrid(g), reflect.ValueOf(k).UnsafePointer())
	})
	defer target.Close()
	outs, err := c.Run(context.Background(), target)
	names := make([]string, 0, len(outs))
	for name := range outs {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		fmt.Fprintf(&b, "%s: ", name)
		dumpValue(&b, reflect.ValueOf(outs[name]))
		b.WriteString("\n")
	}
	return err, b.String()
}

// symbol is the name the frontend gives a kernel type's method: "(*pkgpath.Name[args]).Kernel".
func symbol(k any) string {
	t := reflect.TypeOf(k).Elem()
	return "(*" + t.PkgPath() + "." + t.Name() + ").Kernel"
}

// interpGrid is g for the interpreter: its group, or groups of up to 64 along x when the device
// would choose.
func interpGrid(g geobacter.Grid) ir.Grid {
	grid := ir.Grid{Global: g.Size(), Local: g.Group()}
	if grid.Local == [3]int{} {
		grid.Local = [3]int{max(1, min(64, grid.Global[0])), 1, 1}
	}
	return grid
}

func isPanic(err error) bool {
	var p *ir.PanicError
	return errors.As(err, &p)
}

func samePanic(a, b error) bool {
	var p, q *ir.PanicError
	switch {
	case a == nil || b == nil:
		return a == nil && b == nil
	case errors.As(a, &p) && errors.As(b, &q):
		return *p == *q
	}
	return false
}

// dumpValue prints v, with floats as their bits too.
func dumpValue(b *strings.Builder, v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		b.WriteString("{")
		for i := range v.NumField() {
			if i > 0 {
				b.WriteString(" ")
			}
			dumpValue(b, v.Field(i))
		}
		b.WriteString("}")
	case reflect.Slice, reflect.Array:
		b.WriteString("[")
		for i := range v.Len() {
			if i > 0 {
				b.WriteString(" ")
			}
			dumpValue(b, v.Index(i))
		}
		b.WriteString("]")
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
		} else {
			b.WriteString("&")
			dumpValue(b, v.Elem())
		}
	case reflect.Float32:
		fmt.Fprintf(b, "%v(%#x)", v.Float(), math.Float32bits(float32(v.Float())))
	case reflect.Float64:
		fmt.Fprintf(b, "%v(%#x)", v.Float(), math.Float64bits(v.Float()))
	default:
		fmt.Fprintf(b, "%v", v)
	}
}
