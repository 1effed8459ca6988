package irsource

import "github.com/geobacter-go/geobacter/internal/ir"

// Test hooks for the external tests.
var PackageOf = packageOf

// CountDecodes counts the decodes of registrations until the returned function restores decode.
func CountDecodes(n *int) func() {
	decode = func(b []byte) (*ir.Module, error) { *n++; return ir.Decode(b) }
	return func() { decode = ir.Decode }
}

// Unregister forgets the registration of pkg.
func Unregister(pkg string) {
	mu.Lock()
	delete(registry, pkg)
	mu.Unlock()
}

// FromSource is fromSource.
var FromSource = fromSource
