package testkernels

import (
	"context"
	"regexp"

	"github.com/geobacter-go/geobacter/kernel"
)

// Case is one launch of one kernel with its expected result.
type Case struct {
	// Name is unique, "group/name", such as "int/wrap-signed".
	Name string
	// Kernel is a nil pointer of the kernel's type, such as (*WrapSigned)(nil) or
	// (*Scale[float32])(nil), for stages that compile the type rather than run it.
	Kernel kernel.Kernel
	// ULP is the largest error of a float result, in units in the last place, allowed on devices
	// other than go; 0 means bit-exact. With ULP > 0, -0 and +0 compare equal.
	ULP int
	// Panic, when not nil, is the *geobacter.KernelPanic the launch must return; Want is nil then.
	Panic *PanicWant
	// Run allocates the inputs on t, launches the kernel and returns the outputs by name. The
	// outputs are memory of t, valid until t.Close. An error is the launch's.
	Run func(ctx context.Context, t *Target) (Outputs, error)
	// Want computes the outputs Run must return, in plain serial Go.
	Want func() Outputs
}

// PanicWant is the *geobacter.KernelPanic a panic case's launch returns.
type PanicWant struct {
	Kernel   string         // the kernel's type, as KernelPanic.Kernel names it: "testkernels.PanicIndex"
	Pos      string         // "file.go:LINE", the line marked `// want panic`
	Msg      *regexp.Regexp // matches the whole message
	WorkItem [3]int         // the global id of the one work-item that panics
}

// Outputs are a case's results by name. Each value is a slice: of integers, floats or bools, or
// of arrays and structs of them.
type Outputs map[string]any

// Cases returns every case of the corpus, in a fixed order, grouped by the group in their names.
func Cases() []Case {
	var all []Case
	for _, group := range [][]Case{
		intCases(), floatCases(), gridCases(), sharedCases(), atomicCases(), genericCases(),
		structCases(), callCases(), langCases(), tableCases(), mathCases(), panicCases(),
	} {
		all = append(all, group...)
	}
	return all
}

// exactly returns a regexp that matches s and nothing else.
func exactly(s string) *regexp.Regexp {
	return regexp.MustCompile("^" + regexp.QuoteMeta(s) + "$")
}
