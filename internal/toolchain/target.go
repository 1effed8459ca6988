package toolchain

import (
	"fmt"
	"slices"
	"strings"
)

// Target describes the machine code is compiled for. It is a comparable value, so that it can be
// part of a cache key or a map's key; two equal Targets get the same code from one toolchain.
type Target struct {
	// Triple is LLVM's target triple, such as "x86_64-pc-linux-gnu" or "nvptx64-nvidia-cuda".
	Triple string
	// DataLayout is LLVM's data layout string for the triple. The tools do not read it from
	// here: a backend writes it into the module it emits (opt fills in the triple's own when a
	// module has none).
	DataLayout string
	// CPU is the CPU name given to opt and llc as -mcpu, such as "znver5", "sm_90" or "gfx90a";
	// empty for the triple's generic CPU.
	CPU string
	// Features is the feature string given as -mattr: comma-separated "+name" and "-name"
	// entries, such as "+avx2,+fma,-avx512f". Host returns it in canonical form (see
	// CanonicalFeatures); empty for the CPU's own features.
	Features string
}

// String returns the target in one line, as "triple cpu=CPU features=FEATURES".
func (t Target) String() string {
	return fmt.Sprintf("%s cpu=%s features=%s", t.Triple, t.CPU, t.Features)
}

// args returns the arguments that select the target in opt and llc.
func (t Target) args() []string {
	var a []string
	if t.Triple != "" {
		a = append(a, "-mtriple="+t.Triple)
	}
	if t.CPU != "" {
		a = append(a, "-mcpu="+t.CPU)
	}
	if t.Features != "" {
		a = append(a, "-mattr="+t.Features)
	}
	return a
}

// CanonicalFeatures returns the feature string f with its entries sorted by name, empty entries
// dropped, and one entry per name: the last, which is the one LLVM obeys. Equal sets of features
// then give equal strings (LLVM prints the host's features in hash-table order).
func CanonicalFeatures(f string) string {
	last := map[string]string{}
	for _, e := range strings.Split(f, ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		name := strings.TrimLeft(e, "+-")
		if e[0] != '+' && e[0] != '-' {
			e = "+" + e // LLVM takes a bare name as enabling it
		}
		last[name] = e
	}
	names := make([]string, 0, len(last))
	for n := range last {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = last[n]
	}
	return strings.Join(out, ",")
}
