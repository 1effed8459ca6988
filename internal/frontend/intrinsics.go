package frontend

import (
	"github.com/geobacter-go/geobacter/internal/ir"
)

// The functions the frontend does not lower from their Go body, by full name (types.Func.FullName
// of the generic origin): work-item queries and the kernel package's functions, the math and
// math/bits functions that are assembly (or tables in package variables) on some platform, and
// sync/atomic's functions. To map a new function, add one entry here; the backends implement
// each ir.Intrinsic and ir.AtomicOp once.

// workItemFuncs are kernel.Item's methods.
var workItemFuncs = map[string]ir.Intrinsic{
	"(" + kernelPkg + ".Item).GlobalID":   ir.GlobalID,
	"(" + kernelPkg + ".Item).LocalID":    ir.LocalID,
	"(" + kernelPkg + ".Item).GroupID":    ir.GroupID,
	"(" + kernelPkg + ".Item).GlobalSize": ir.GlobalSize,
	"(" + kernelPkg + ".Item).LocalSize":  ir.LocalSize,
	"(" + kernelPkg + ".Item).NumGroups":  ir.NumGroups,
	"(" + kernelPkg + ".Item).Barrier":    ir.Barrier,
}

// sharedFunc is kernel.Shared.
const sharedFunc = kernelPkg + ".Shared"

// mathFuncs are the float functions of package math that are intrinsics, on float64.
var mathFuncs = map[string]ir.Intrinsic{
	"math.Sqrt": ir.Sqrt, "math.Abs": ir.Abs, "math.Floor": ir.Floor, "math.Ceil": ir.Ceil,
	"math.Trunc": ir.Trunc, "math.Round": ir.Round, "math.RoundToEven": ir.RoundToEven,
	"math.Copysign": ir.Copysign, "math.FMA": ir.FMA, "math.Exp": ir.Exp, "math.Exp2": ir.Exp2,
	"math.Expm1": ir.Expm1, "math.Log": ir.Log, "math.Log2": ir.Log2, "math.Log10": ir.Log10,
	"math.Log1p": ir.Log1p, "math.Sin": ir.Sin, "math.Cos": ir.Cos, "math.Tan": ir.Tan,
	"math.Asin": ir.Asin, "math.Acos": ir.Acos, "math.Atan": ir.Atan, "math.Atan2": ir.Atan2,
	"math.Sinh": ir.Sinh, "math.Cosh": ir.Cosh, "math.Tanh": ir.Tanh, "math.Pow": ir.Pow,
	"math.Cbrt": ir.Cbrt, "math.Hypot": ir.Hypot, "math.Mod": ir.Mod,
	"math.Float32bits": ir.Float32bits, "math.Float32frombits": ir.Float32frombits,
	"math.Float64bits": ir.Float64bits, "math.Float64frombits": ir.Float64frombits,
}

// portableFuncs are functions whose body only chooses an assembly version (a branch on a
// constant such as haveArchMax) and whose portable Go version, which the frontend lowers instead,
// is another function of the same package with the same semantics. (math.Max is not Go's max
// builtin: math.Max(+Inf, NaN) is +Inf.)
var portableFuncs = map[string]string{"math.Max": "max", "math.Min": "min"}

// bitsFuncs are the functions of math/bits that are intrinsics, at every width.
var bitsFuncs = map[string]ir.Intrinsic{}

func init() {
	for _, w := range []string{"", "8", "16", "32", "64"} {
		bitsFuncs["math/bits.OnesCount"+w] = ir.OnesCount
		bitsFuncs["math/bits.LeadingZeros"+w] = ir.LeadingZeros
		bitsFuncs["math/bits.TrailingZeros"+w] = ir.TrailingZeros
		bitsFuncs["math/bits.Len"+w] = ir.Len
		bitsFuncs["math/bits.Reverse"+w] = ir.Reverse
		bitsFuncs["math/bits.RotateLeft"+w] = ir.RotateLeft
		if w != "8" {
			bitsFuncs["math/bits.ReverseBytes"+w] = ir.ReverseBytes
		}
	}
}

// atomicFuncs are sync/atomic's functions and package kernel's float atomics.
var atomicFuncs = map[string]ir.AtomicOp{}

func init() {
	for _, t := range []string{"Int32", "Int64", "Uint32", "Uint64", "Uintptr"} {
		atomicFuncs["sync/atomic.Load"+t] = ir.AtomicLoad
		atomicFuncs["sync/atomic.Store"+t] = ir.AtomicStore
		atomicFuncs["sync/atomic.Add"+t] = ir.AtomicAdd
		atomicFuncs["sync/atomic.And"+t] = ir.AtomicAnd
		atomicFuncs["sync/atomic.Or"+t] = ir.AtomicOr
		atomicFuncs["sync/atomic.Swap"+t] = ir.AtomicSwap
		atomicFuncs["sync/atomic.CompareAndSwap"+t] = ir.AtomicCAS
	}
	for _, t := range []string{"Float32", "Float64"} {
		atomicFuncs[kernelPkg+".AtomicAdd"+t] = ir.AtomicAdd
		atomicFuncs[kernelPkg+".AtomicMin"+t] = ir.AtomicMin
		atomicFuncs[kernelPkg+".AtomicMax"+t] = ir.AtomicMax
	}
}

// knownPanics are package variables whose values are run-time errors that functions the frontend
// lowers panic with: panic(v) of one becomes a panic with Go's message.
var knownPanics = map[string]string{
	"math/bits.divideError":   "runtime error: integer divide by zero",
	"math/bits.overflowError": "runtime error: integer overflow",
}

// ioFuncs are packages whose functions do I/O: a call into one is reported as such.
var ioPackages = map[string]bool{"fmt": true, "os": true, "log": true, "io": true, "bufio": true, "net": true, "time": true}
