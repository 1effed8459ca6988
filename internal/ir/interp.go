package ir

// The interpreter: Run executes a kernel of a module over a grid, directly on Go memory, with the
// semantics of the `go` device. It is the oracle the compiled devices are tested against besides
// the `go` device itself, and it runs IR at every stage of the pipeline (straight from the
// frontend, un-inlined, or after the passes).
//
// How it runs:
//
//   - The kernel and every function it calls are first compiled to a compact form (interp_prog.go):
//     each value gets a slot in its function's frame, phis become moves on the edges, and each
//     instruction keeps the type facts it needs. IR the interpreter cannot run (a call of a
//     function without a body, a shared slot with two types, a struct whose layout is not Go's)
//     is an error before anything runs.
//   - The work-items of a group run one after another on one goroutine, each a small state
//     machine with its own stack of frames (interp_exec.go): a work-item runs until it reaches a
//     barrier, returns or panics, and the group resumes its work-items at each barrier until all
//     have returned. A barrier inside a called function works as anywhere else.
//   - Groups are spread over GOMAXPROCS goroutines, started in grid order. A panic stops the
//     groups after its own in grid order at their next block, and keeps those not started from
//     starting; the groups before it run on, so that the panic reported does not depend on how
//     the groups were spread.
//   - Memory is Go memory (interp_mem.go): buffers are the caller's slices, private variables and
//     shared memory are Go allocations with the layout of their IR type (built with reflect, so
//     the garbage collector sees every pointer in them), and pointers are held as unsafe.Pointer.

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Grid is the geometry of a launch: the work-items per dimension of the whole grid, and of one
// work-group. Unused dimensions are 1. Groups are Local in size except the last in a dimension
// whose Global is not a multiple of Local: its padded work-items never run.
type Grid struct {
	Global, Local [3]int
}

// PanicError is a work-item's panic in Run: a failed check (index out of range, nil dereference,
// integer division by zero, negative shift), an explicit panic, a load or store through a nil
// pointer, undefined behaviour of the IR that the interpreter caught (its Msg starts with
// "undefined behaviour: "), or a group in which some work-items returned while others waited at a
// barrier (its Msg starts with "barrier not reached by all work-items").
type PanicError struct {
	Kernel   string // the kernel's argument type without its package path, such as "main.Saxpy"
	Pos      Pos    // the position of the instruction or terminator that panicked
	Msg      string // as Go prints it, such as "runtime error: index out of range [10] with length 10"
	WorkItem [3]int // the global id of the work-item
}

// Error formats the panic as the `go` device does: "kernel K panicked at file.go:line in
// work-item (x,y,z): msg".
func (e *PanicError) Error() string {
	return fmt.Sprintf("kernel %s panicked at %s in work-item (%d,%d,%d): %s",
		e.Kernel, e.Pos.LineString(), e.WorkItem[0], e.WorkItem[1], e.WorkItem[2], e.Msg)
}

// maxGroupItems bounds the work-items of one group, each of which has a state in memory.
const maxGroupItems = 1 << 24

// maxGroups bounds the groups of a grid, so that group numbers fit in an int64.
const maxGroups = 1 << 62

// Run runs kernel f over grid, with args pointing to the kernel's argument struct in Go memory:
// laid out as f.ArgsType() says, which is Go's layout (a slice field is Go's slice header). The
// kernel's loads, stores and atomics act on the memory that args and its slices and pointers
// refer to, so the caller's Go slices receive the results. The interpreter holds that memory as
// unsafe.Pointers, which keep it alive while Run runs; pointers the kernel stores are written
// with Go's write barriers, as Go code would.
//
// Every Local dimension must be at least 1; a Global dimension of 0 runs nothing. Run returns
// when no work-item runs any more, with:
//   - nil when every work-item returned;
//   - a *PanicError when a work-item panicked (the launch stops: groups not yet started do not
//     run, running groups stop at their next block), or when a group's work-items did not all
//     reach the same number of barriers; when work-items of several groups would panic, always
//     the panic of the first of those groups in the order of the grid (x fastest), and within a
//     group of its first work-item to panic as the go device orders them;
//   - ctx.Err() when ctx was done before every group had finished (running groups stop at their
//     next block, so that a kernel that never returns can be stopped);
//   - a *PanicError "stack overflow" for calls nested more than 65536 deep, where Go would crash;
//   - another error for IR the interpreter cannot run, before anything runs.
//
// Run is safe to call concurrently, also on the same f, as long as nothing changes f's module.
func Run(ctx context.Context, f *Func, grid Grid, args unsafe.Pointer) error {
	if f == nil {
		return fmt.Errorf("ir.Run: nil function")
	}
	if f.ArgsType() == nil {
		return fmt.Errorf("ir.Run: %s is not a kernel: a kernel has one parameter, a pointer to its argument struct", f.Name)
	}
	if args == nil {
		return fmt.Errorf("ir.Run: %s: nil argument struct", f.Name)
	}
	var l ilaunch
	l.global, l.local = grid.Global, grid.Local
	items := 1
	for d := range 3 {
		if grid.Global[d] < 0 {
			return fmt.Errorf("ir.Run: %s: grid size %d in dimension %d is negative", f.Name, grid.Global[d], d)
		}
		if grid.Local[d] < 1 {
			return fmt.Errorf("ir.Run: %s: group size %d in dimension %d must be at least 1", f.Name, grid.Local[d], d)
		}
		if items > maxGroupItems/grid.Local[d] {
			return fmt.Errorf("ir.Run: %s: a group of more than %d work-items", f.Name, maxGroupItems)
		}
		items *= grid.Local[d]
	}
	prog, err := compileKernel(f)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	total := 1
	for d := range 3 {
		if grid.Global[d] == 0 {
			return nil
		}
		l.groups[d] = (grid.Global[d]-1)/grid.Local[d] + 1
		if total > maxGroups/l.groups[d] {
			return fmt.Errorf("ir.Run: %s: more than %d groups", f.Name, maxGroups)
		}
		total *= l.groups[d]
	}
	l.prog, l.args, l.total = prog, args, int64(total)
	l.limit.Store(l.total)
	stopCtx := context.AfterFunc(ctx, func() { l.cancelled.Store(true) })
	defer stopCtx()

	workers := min(runtime.GOMAXPROCS(0), total)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newWorker(&l)
			for !l.cancelled.Load() {
				gi := l.next.Add(1) - 1
				if gi >= l.limit.Load() {
					return
				}
				if err := w.runGroup(gi); err != nil {
					l.fail(gi, err)
				}
			}
		}()
	}
	wg.Wait()
	if l.err != nil {
		return l.err
	}
	if l.next.Load() < l.total || l.unfinished.Load() {
		// Not every group ran to its end, and no group failed: ctx is done.
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// ilaunch is what the workers of one Run share.
type ilaunch struct {
	prog                  *iprogram
	args                  unsafe.Pointer
	global, local, groups [3]int
	total                 int64        // groups in all
	next                  atomic.Int64 // the next group to run, in grid order
	cancelled             atomic.Bool  // ctx is done: every group stops at its next block
	unfinished            atomic.Bool  // a group stopped before its end because ctx was done

	// limit is the first group that failed, in grid order (total when none did). The groups after
	// it stop at their next block and those not yet started do not start; the groups before it
	// were all started before it (groups start in order) and run on, so that when several fail,
	// the one reported is always the first in grid order.
	limit atomic.Int64

	mu  sync.Mutex
	err error // the failure of group limit
}

// fail records the failure of group gi.
func (l *ilaunch) fail(gi int64, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if gi < l.limit.Load() {
		l.err = err
		l.limit.Store(gi)
	}
}

// kernelName is the name of a kernel in a PanicError: its argument type's name without the
// package path ("github.com/x/y/pkg.T[float32]" becomes "pkg.T[float32]"), as reflect names a
// type; the function's name when it has no named argument type.
func kernelName(f *Func) string {
	name := f.Name
	if at := f.ArgsType(); at != nil && at.Name != "" {
		name = at.Name
	} else if s, ok := strings.CutPrefix(name, "(*"); ok {
		name, _ = strings.CutSuffix(s, ").Kernel")
	}
	base, targs, _ := strings.Cut(name, "[")
	if i := strings.LastIndexByte(base, '/'); i >= 0 {
		base = base[i+1:]
	}
	if targs != "" {
		return base + "[" + targs
	}
	return base
}
