package workgroup

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
)

// Failure is a work-item's panic, or a barrier that not every work-item of a group reached.
type Failure struct {
	Kernel string // the kernel's type, such as "main.Saxpy"
	Pos    string // "file.go:line" of the panicking line in the kernel's source
	Msg    string // the panic's message, as Go prints it
	Item   [3]int // the work-item's global id
	Cause  error  // the panic value when it is an error (a runtime.Error for Go's own panics)
}

func (f *Failure) Error() string {
	return fmt.Sprintf("kernel %s panicked at %s in work-item %s: %s", f.Kernel, f.Pos, fmtItem(f.Item), f.Msg)
}

// Capture turns the value r recovered from a work-item's panic into a Failure. It must be called
// from the deferred function that recovered r, while the panicking frames are still on the stack,
// so that Pos is the panicking line.
func Capture(r any, kernel string, item [3]int) *Failure {
	if f, ok := r.(*Failure); ok {
		return f
	}
	f := &Failure{Kernel: kernel, Item: item, Pos: panicPos()}
	switch v := r.(type) {
	case error:
		f.Msg, f.Cause = v.Error(), v
	case string:
		f.Msg = v
	default:
		f.Msg = fmt.Sprint(v)
	}
	return f
}

// ours reports whether a function belongs to the packages that implement work-items (kernel and
// this one) or to the Go runtime: a panic's position is the first frame outside them.
func ours(function string) bool {
	return strings.HasPrefix(function, "runtime.") ||
		strings.HasPrefix(function, "github.com/geobacter-go/geobacter/kernel.") ||
		strings.HasPrefix(function, "github.com/geobacter-go/geobacter/internal/workgroup.")
}

// panicPos is the position of the line that panicked: the first frame below runtime.gopanic that
// is not ours.
func panicPos() string {
	var pcs [64]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	inPanic := false
	for {
		fr, more := frames.Next()
		if fr.Function == "runtime.gopanic" {
			inPanic = true
		} else if inPanic && !ours(fr.Function) {
			return pos(fr)
		}
		if !more {
			return "unknown position"
		}
	}
}

// callerPos is the position of the first frame on the stack that is not ours: the line of the
// kernel that called into the kernel package.
func callerPos() string {
	var pcs [64]uintptr
	n := runtime.Callers(2, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		fr, more := frames.Next()
		if !ours(fr.Function) {
			return pos(fr)
		}
		if !more {
			return "unknown position"
		}
	}
}

func pos(fr runtime.Frame) string {
	return fmt.Sprintf("%s:%d", filepath.Base(fr.File), fr.Line)
}
