package irsource_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter/internal/frontend"
	"github.com/geobacter-go/geobacter/internal/ir"
	"github.com/geobacter-go/geobacter/internal/irsource"
	"github.com/geobacter-go/geobacter/internal/testkernels"
)

func TestPackageOf(t *testing.T) {
	for symbol, want := range map[string]string{
		"(*example.com/p.Saxpy).Kernel":                       "example.com/p",
		"(*example.com/a/b.Scale[float32]).Kernel":            "example.com/a/b",
		"(*example.com/p.Pair[example.com/q.Vec,int]).Kernel": "example.com/p",
		"(*main.K).Kernel":                                    "main",
	} {
		if got := irsource.PackageOf(symbol); got != want {
			t.Errorf("packageOf(%q) = %q, want %q", symbol, got, want)
		}
	}
}

// kernelOf returns the symbol and method address of a corpus kernel type.
func kernelOf(k any) (string, uintptr) {
	t := reflect.TypeOf(k)
	m, _ := t.MethodByName("Kernel")
	e := t.Elem()
	return "(*" + e.PkgPath() + "." + e.Name() + ").Kernel", m.Func.Pointer()
}

// TestFromSource finds a corpus kernel, which has no generated file, by loading its package.
func TestFromSource(t *testing.T) {
	symbol, pc := kernelOf((*testkernels.ReduceInt)(nil))
	m, f, err := irsource.Find(context.Background(), symbol, pc)
	if err != nil {
		t.Fatal(err)
	}
	if f == nil || f.Name != symbol || !f.Kernel || m.Func(symbol) != f {
		t.Fatalf("Find(%s) = %v", symbol, f)
	}
	if err := ir.Verify(m); err != nil {
		t.Fatal(err)
	}
	// A generic instantiation.
	symbol, pc = kernelOf((*testkernels.Scale[float64])(nil))
	if _, f, err := irsource.Find(context.Background(), symbol, pc); err != nil || f.Name != symbol {
		t.Fatalf("Find(%s): %v, %v", symbol, f, err)
	}
}

// TestRegistry finds a kernel from a registration, decoded once, and reports a stale one.
func TestRegistry(t *testing.T) {
	symbol, pc := kernelOf((*testkernels.ReduceFloat32)(nil))
	prog, err := frontend.Load(context.Background(), frontend.Config{Dir: "../.."}, "./internal/testkernels")
	if err != nil {
		t.Fatal(err)
	}
	var ks []*frontend.Kernel
	for _, k := range prog.Kernels() {
		if k.Name == symbol {
			ks = append(ks, k)
		}
	}
	m, err := prog.Compile(ks)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := irsource.SourceHash("../testkernels")
	if err != nil {
		t.Fatal(err)
	}
	pkg := irsource.PackageOf(symbol)
	t.Cleanup(func() { irsource.Unregister(pkg) })

	decodes := 0
	t.Cleanup(irsource.CountDecodes(&decodes))
	irsource.Register(pkg, hash, ir.Encode(m))
	for range 3 {
		got, f, err := irsource.Find(context.Background(), symbol, pc)
		if err != nil {
			t.Fatal(err)
		}
		if f == nil || ir.Print(got) != ir.Print(m) {
			t.Fatalf("Find from the registry returned another module")
		}
	}
	if decodes != 1 {
		t.Errorf("the registration was decoded %d times, want once", decodes)
	}

	// The same registration with the hash of other sources is stale.
	irsource.Register(pkg, "0000", ir.Encode(m))
	_, _, err = irsource.Find(context.Background(), symbol, pc)
	if err == nil || !strings.Contains(err.Error(), "is stale") || !strings.Contains(err.Error(), "go generate") {
		t.Fatalf("Find with a stale registration: %v", err)
	}

	// A registration that does not decode says so.
	irsource.Register(pkg, hash, []byte("not IR"))
	if _, _, err := irsource.Find(context.Background(), symbol, pc); err == nil || !strings.Contains(err.Error(), "does not decode") {
		t.Fatalf("Find with a corrupt registration: %v", err)
	}
}

func TestNoSource(t *testing.T) {
	_, _, err := irsource.FromSource(context.Background(), "(*example.com/gone.K).Kernel", "/nonexistent/dir/k.go", false)
	if err == nil || !strings.Contains(err.Error(), "not on this machine") || !strings.Contains(err.Error(), "go generate") {
		t.Fatalf("fromSource without a source: %v", err)
	}
}
