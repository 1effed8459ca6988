// Package mathlib is the device math library of targets that have none: package math's own
// pure-Go implementations of exp, log, sin, pow and the rest (math.exp, math.log, ..., the
// functions math.Exp and the others call where no assembly replaces them), compiled to IR by
// the frontend from the Go toolchain's source and linked into a module in place of the math
// intrinsics its target cannot compute.
//
// The NVPTX and AMDGPU targets have no math functions beyond square root, fused multiply-add and
// rounding unless NVIDIA's libdevice or AMD's ocml is linked, and those come with the CUDA and
// ROCm toolkits, not with the driver. Compiling Go's own implementations instead needs no toolkit
// and gives the go device's results (within an ULP where Go uses assembly on the host, as for
// Exp and Log on amd64): the same algorithms, on the same float64 arithmetic.
//
// The library is compiled ahead of time, by TestLibrary with -update, into library.ir (ir.Encode's
// format), embedded here; TestLibrary fails when the file is not what the toolchain's package
// math compiles to. Link copies the functions a module needs out of a fresh decoding of it.
//
// Dependencies: ir only; the passes call Link (passes.Options.SoftMath).
package mathlib

import (
	_ "embed"
	"fmt"
	"slices"

	"github.com/geobacter-go/geobacter/internal/ir"
)

//go:embed library.ir
var library []byte

// Funcs maps each intrinsic the library implements to the name of its function in the library:
// the function of package math that the exported one calls when it has no assembly.
var Funcs = map[ir.Intrinsic]string{
	ir.Exp: "math.exp", ir.Exp2: "math.exp2", ir.Expm1: "math.expm1",
	ir.Log: "math.log", ir.Log2: "math.log2", ir.Log10: "math.log10", ir.Log1p: "math.log1p",
	ir.Sin: "math.sin", ir.Cos: "math.cos", ir.Tan: "math.tan",
	ir.Asin: "math.asin", ir.Acos: "math.acos", ir.Atan: "math.atan", ir.Atan2: "math.atan2",
	ir.Sinh: "math.sinh", ir.Cosh: "math.cosh", ir.Tanh: "math.tanh",
	ir.Pow: "math.pow", ir.Cbrt: "math.cbrt", ir.Hypot: "math.hypot", ir.Mod: "math.mod",
	// For targets whose fused multiply-add may not be fused (Vulkan's GLSL Fma): exact, from
	// integer arithmetic.
	ir.FMA: "math.FMA",
}

// Transcendental is the SoftMath predicate of a target with a fused multiply-add but no other
// math functions (NVPTX, AMDGPU): every call but FMA's is replaced.
func Transcendental(v *ir.Value) bool { return v.Intrinsic() != ir.FMA }

// Link replaces each call of a math intrinsic in m that the library implements and want accepts
// with a call of the library's function, copied into m with every function it calls (a function
// of the same name already in m is used instead: it was compiled from the same source). A
// float32 call is computed in float64 and rounded, as float32(math.F(float64(x))) is in Go.
func Link(m *ir.Module, want func(v *ir.Value) bool) error {
	var lib *ir.Module
	copied := map[*ir.Func]*ir.Func{} // library function → its copy in m (or m's own)
	var use func(f *ir.Func) *ir.Func
	use = func(f *ir.Func) *ir.Func {
		if c, ok := copied[f]; ok {
			return c
		}
		if own := m.Func(f.Name); own != nil {
			copied[f] = own
			return own
		}
		copied[f] = f
		f.Module = m
		m.Funcs = append(m.Funcs, f)
		for _, b := range f.Blocks {
			for _, v := range b.Instrs {
				if v.Op == ir.OpCall {
					v.Aux = use(v.Callee())
				}
			}
		}
		return f
	}
	// m.Funcs grows as functions are copied: they are looked at too (pow calls math.Exp).
	for i := 0; i < len(m.Funcs); i++ {
		f := m.Funcs[i]
		for _, b := range f.Blocks {
			for j := 0; j < len(b.Instrs); j++ {
				v := b.Instrs[j]
				if v.Op != ir.OpIntrinsic {
					continue
				}
				name, ok := Funcs[v.Intrinsic()]
				if !ok || !want(v) {
					continue
				}
				if lib == nil {
					var err error
					if lib, err = ir.Decode(library); err != nil {
						return fmt.Errorf("geobacter: BUG: mathlib: the library does not decode: %v", err)
					}
				}
				lf := lib.Func(name)
				if lf == nil {
					return fmt.Errorf("geobacter: BUG: mathlib: %s is not in the library", name)
				}
				j += call(b, j, use(lf))
			}
		}
	}
	return nil
}

// call turns intrinsic b.Instrs[j] into a call of f, through float64 when it is on float32,
// and returns the number of instructions inserted before it.
func call(b *ir.Block, j int, f *ir.Func) int {
	v := b.Instrs[j]
	t, ok := v.Type.(*ir.Basic)
	if !ok || t.Kind != ir.Float32 && t.Kind != ir.Float64 {
		panic(fmt.Sprintf("geobacter: BUG: mathlib: %s on %v", v.Intrinsic(), v.Type))
	}
	if t.Kind == ir.Float64 {
		v.Op, v.AuxInt, v.Aux = ir.OpCall, 0, f
		return 0
	}
	n := 0
	args := make([]*ir.Value, len(v.Args))
	for i, a := range v.Args {
		w := b.InsertValue(j+n, ir.OpConvert, ir.Float64Type, a)
		w.Pos = v.Pos
		args[i] = w
		n++
	}
	c := b.InsertValue(j+n, ir.OpCall, ir.Float64Type, args...)
	c.Aux, c.Pos = f, v.Pos
	n++
	v.Op, v.AuxInt, v.Args = ir.OpConvert, 0, []*ir.Value{c}
	return n
}

// Names returns the library's function names, sorted.
func Names() []string {
	var names []string
	for _, n := range Funcs {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
