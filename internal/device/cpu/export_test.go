package cpu

import (
	"context"
	"reflect"

	"github.com/geobacter-go/geobacter/internal/irsource"
)

// ToolchainRuns counts the shared objects built by running the toolchain.
var ToolchainRuns = &toolchainRuns

// Compile compiles the kernel type t for groups of size group as a first launch does, bypassing
// the in-process cache.
func Compile(ctx context.Context, t reflect.Type, group [3]int64) error {
	_, err := compile(ctx, irsource.Variant{Type: t, Group: group})
	return err
}

// Lookup finds the program of a launch of kernel k as Launch does, compiling it on a miss.
func Lookup(ctx context.Context, k any, unchecked bool) error {
	_, err := programFor(ctx, irsource.VariantOf(k, unchecked))
	return err
}

// Programs counts the programs of kernel type t in the in-process cache.
func Programs(t reflect.Type) int {
	n := 0
	programs.Range(func(key irsource.Variant, _ *program) bool {
		if key.Type == t {
			n++
		}
		return true
	})
	return n
}
