package frontend_test

import (
	"context"
	"testing"

	"github.com/geobacter-go/geobacter/internal/frontend"
)

// BenchmarkLoad is the cold frontend time for one example: loading and type-checking its package
// and everything it imports, and building SSA.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := frontend.Load(context.Background(), frontend.Config{Dir: "../.."}, "./examples/nbody"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompile is the frontend time with the source already loaded: finding the kernels of
// an example and lowering them to IR.
func BenchmarkCompile(b *testing.B) {
	prog, err := frontend.Load(context.Background(), frontend.Config{Dir: "../.."}, "./examples/nbody")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := prog.Compile(prog.Kernels()); err != nil {
			b.Fatal(err)
		}
	}
}
