package frontend

import (
	"fmt"
	"go/token"
	"strings"
)

// Diagnostic is one violation of the kernel contract, at a position in the kernel's source.
type Diagnostic struct {
	Pos token.Position
	Msg string
}

func (d Diagnostic) String() string { return fmt.Sprintf("%s: %s", d.Pos, d.Msg) }

// Error is every Diagnostic found, sorted by position. Its Error method prints one per line.
type Error struct {
	Diagnostics []Diagnostic
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// The vocabulary of diagnostics: each says what is not supported and what to do instead. Keep
// messages here, so that one construct is always described the same way; they are matched by
// the `// ERROR "regexp"` comments of the test kernels.
const (
	msgGo          = "goroutines are not supported in kernels; every work-item already runs in parallel"
	msgChan        = "channels are not supported in kernels; communicate through buffers, shared memory and barriers"
	msgSelect      = "select is not supported in kernels; there are no channels"
	msgDefer       = "defer is not supported in kernels; call the function at each return instead"
	msgRecover     = "recover is not supported in kernels; a panic stops the work-item"
	msgMap         = "maps are not supported in kernels; use a slice indexed by a key you compute"
	msgInterface   = "interface values are not supported in kernels; use a concrete type or a generic type parameter"
	msgTypeAssert  = "type assertions and type switches are not supported in kernels; use concrete types"
	msgInvoke      = "interface method calls are not supported in kernels; call a method of a concrete type or use generics"
	msgClosure     = "closures that capture variables are not supported in kernels; pass the variables as arguments"
	msgDynamicCall = "calls through function values are not supported in kernels; call the function by name"
	msgMake        = "%s allocates on the heap, which kernels cannot do; pass a buffer as a kernel argument or use an array"
	msgString      = "strings are not supported in kernels beyond constants and len of a constant"
	msgGlobal      = "package-level variable %s is not supported in kernels%s; pass it as a kernel argument, make it a constant, or make it a read-only table (an unexported array of constants no function writes)"
	msgArgsWrite   = "the kernel writes to its argument struct (%s); arguments are read-only, write through a slice instead"
	msgPtrStore    = "a pointer is stored into memory; kernels cannot store pointers, store indices instead"
	msgNoBody      = "function %s has no Go body (it is implemented in assembly) and no Geobacter mapping; call a function with a Go body"
	msgStdlib      = "function %s is in package %s of the standard library, which kernels cannot call; of the standard library, kernels call math, math/bits, sync/atomic, cmp, slices and unicode/utf8"
	msgIO          = "%s does I/O, which kernels cannot do; write results to a buffer"
	msgBuiltin     = "the builtin %s is not supported in kernels"
	msgComplex     = "complex numbers are not supported in kernels; use pairs of floats"
	msgUnsafe      = "package unsafe is not supported in kernels"
	msgPanicArg    = "panic takes a constant string in kernels, such as panic(\"what went wrong\")"
	msgDimension   = "the dimension passed to %s must be 0, 1 or 2"
	msgSharedPlace = "kernel.Shared must be called unconditionally, outside loops, so that every work-item makes the same calls; call it at the top of the kernel"
	msgCompare     = "comparing %s values with == or != is not supported in kernels; compare their fields or elements"
	msgType        = "values of type %s are not supported in kernels"
	msgConvert     = "the conversion from %s to %s is not supported in kernels"
	msgSliceArray  = "converting a slice to an array or array pointer is not supported in kernels; copy the elements"
	msgKernelItem  = "kernel.Item values can only be passed to functions and used to call its methods"
	msgRangeFunc   = "range over a function is not supported in kernels; use a for loop"
)
