// Package workgroup owns the execution of one work-group on the `go` device: the ids and sizes a
// work-item sees, work-group shared memory, barriers, and the capture of a work-item's panic with
// the position of the panicking line.
//
// It sits below package kernel (which imports nothing else from the module): kernel.Item is a small
// value that points at a Group, and kernel's Item methods, Shared and Barrier delegate here. The
// `go` device (internal/device/godevice) owns the worker pool and hands each worker a Group to run
// work-groups with.
//
// # Work-items without a thread each
//
// The work-items of a group run one after another on the worker's own goroutine, so a kernel that
// never calls Barrier costs one function call per work-item. The first Barrier call changes that:
// the work-item that made it (which must be the group's first, or some work-items already returned
// without reaching the barrier) becomes the leader, and every other work-item of the group runs as a
// coroutine (iter.Pull) that the leader resumes at each barrier until it reaches the same barrier,
// returns or panics. Coroutine switches are direct hand-offs, not scheduler round trips, and the
// coroutines are kept by the Group and reused for the next group, so a barrier costs two switches per
// work-item. A work-item that returns or panics while others wait at a barrier is reported as a
// Failure instead of a deadlock.
package workgroup

import (
	"fmt"
	"iter"
)

// Launch is what every work-group of one launch shares.
type Launch struct {
	Global [3]int // work-items per dimension (the grid)
	Local  [3]int // work-items per group per dimension
	Groups [3]int // groups per dimension, Global rounded up to whole groups

	// Kernel is the kernel.Kernel being run; package kernel type-asserts it.
	Kernel any
	// KernelName names the kernel in Failures, such as "main.Saxpy".
	KernelName string
	// SharedLimit is the device's limit on the shared memory of one group, in bytes.
	SharedLimit int
}

// Set fills Groups from Global and Local.
func (l *Launch) Set() {
	for d := range 3 {
		l.Groups[d] = (l.Global[d] + l.Local[d] - 1) / l.Local[d]
	}
}

// RunItems runs every work-item of g in order on the calling goroutine, with g.Seq as their
// WorkItem. Package kernel sets it at init (it alone can make a kernel.Item).
var RunItems func(g *Group)

// RunItem runs the work-item w. Package kernel sets it at init.
var RunItem func(w *WorkItem)

// WorkItem is what a kernel.Item points to: the work-item's global id and its group.
type WorkItem struct {
	Global [3]int
	G      *Group
}

// Linear returns w's index among the work-items of its group that run, x fastest.
func (w *WorkItem) Linear() int {
	g := w.G
	return w.Global[0] - g.Base[0] + g.Size[0]*(w.Global[1]-g.Base[1]+g.Size[1]*(w.Global[2]-g.Base[2]))
}

// Group is one work-group being run. A worker owns one Group and reuses it for every group it runs,
// so its shared-memory slots and coroutines are allocated once.
type Group struct {
	Launch *Launch
	ID     [3]int // group id
	Base   [3]int // global id of the group's first work-item: ID*Local
	Size   [3]int // work-items that run, per dimension: Local, or less in the grid's last group
	N      int    // Size[0]*Size[1]*Size[2]

	// Seq is the WorkItem of the work-items run one after another on the worker's own goroutine;
	// RunItems updates it in place.
	Seq WorkItem

	epoch       uint64  // counts groups run by this Group, to zero shared slots lazily
	shared      []slot  // shared-memory slots, in call order
	sharedCalls []int32 // per work-item: Shared calls made so far in this group
	sharedBytes int     // shared memory claimed in this group
	usesShared  bool    // some work-item called Shared since BeginLaunch

	led       bool        // a barrier made the work-item at index 0 the leader
	followers []*follower // per linear index; [0] is unused
}

// slot is one Shared allocation, reused from group to group while its type stays the same.
type slot struct {
	ptr   any    // *T
	zero  func() // sets *ptr to T's zero value
	size  int
	epoch uint64 // the group that last claimed it
}

// BeginLaunch prepares g to run groups of l.
func (g *Group) BeginLaunch(l *Launch) {
	g.abortFollowers()
	g.Launch = l
	g.shared = g.shared[:0]
	g.usesShared = false
	n := l.Local[0] * l.Local[1] * l.Local[2]
	if cap(g.sharedCalls) < n {
		g.sharedCalls = make([]int32, n)
	}
	g.sharedCalls = g.sharedCalls[:n]
	clear(g.sharedCalls)
	g.sharedBytes = 0
}

// Begin prepares g to run the group with id (x, y, z) of its launch.
func (g *Group) Begin(x, y, z int) {
	l := g.Launch
	g.ID = [3]int{x, y, z}
	g.N = 1
	for d := range 3 {
		g.Base[d] = g.ID[d] * l.Local[d]
		g.Size[d] = min(l.Local[d], l.Global[d]-g.Base[d])
		g.N *= g.Size[d]
	}
	g.Seq = WorkItem{G: g}
	g.epoch++
	g.led = false
	if g.usesShared {
		clear(g.sharedCalls)
		g.sharedBytes = 0
	}
}

// Local returns the local id of the work-item with linear index l.
func (g *Group) Local(l int) (x, y, z int) {
	x = l % g.Size[0]
	l /= g.Size[0]
	return x, l % g.Size[1], l / g.Size[1]
}

// Item returns the global id of the work-item with linear index l, for Failures.
func (g *Group) Item(l int) [3]int {
	x, y, z := g.Local(l)
	return [3]int{g.Base[0] + x, g.Base[1] + y, g.Base[2] + z}
}

// Led reports whether a barrier made the group's first work-item the leader of the others; the
// caller of RunItems then stops and calls Finish instead of running the remaining work-items.
func (g *Group) Led() bool { return g.led }

// SharedSlot returns the shared-memory slot for the next Shared call of work-item l: the pointer it
// holds (nil when none yet) and whether this call is the first of the group for that slot. The
// caller completes a first claim with Claim.
func (g *Group) SharedSlot(l int) (idx int, ptr any, first bool) {
	g.usesShared = true
	idx = int(g.sharedCalls[l])
	g.sharedCalls[l]++
	if idx == len(g.shared) {
		g.shared = append(g.shared, slot{})
	}
	if idx > len(g.shared) {
		panic(fmt.Sprintf("geobacter: BUG: shared slot %d claimed with %d slots", idx, len(g.shared)))
	}
	s := &g.shared[idx]
	return idx, s.ptr, s.epoch != g.epoch
}

// Claim makes ptr (a *T) the contents of slot idx for the rest of the group, zeroing it with zero
// when it is reused, and counts size bytes against the device's shared-memory limit.
func (g *Group) Claim(idx int, ptr any, zero func(), size int, reuse bool) {
	s := &g.shared[idx]
	if reuse {
		s.zero()
	} else {
		s.ptr, s.zero, s.size = ptr, zero, size
	}
	s.epoch = g.epoch
	g.sharedBytes += size
	if lim := g.Launch.SharedLimit; lim > 0 && g.sharedBytes > lim {
		panic(fmt.Sprintf("kernel.Shared: the work-group's shared memory (%d bytes) exceeds the device's limit of %d bytes; use smaller shared arrays or a smaller group",
			g.sharedBytes, lim))
	}
}

// event is what a follower reports when it gives control back to the leader.
type event int

const (
	atBarrier event = iota + 1
	returned
)

// abortItem unwinds a follower that must not continue (another work-item of its group failed).
type abortItem struct{}

// follower is a work-item run as a coroutine, resumed by the leader at each barrier.
type follower struct {
	g       *Group
	l       int
	w       WorkItem
	next    func() (event, bool)
	stop    func()
	yield   func(event) bool
	waiting bool     // suspended at a barrier
	abort   bool     // unwind at the next resumption
	report  bool     // with abort: record the barrier's position in pos first
	pos     string   // position of the barrier it was suspended at, when reported
	failure *Failure // the work-item panicked
}

func (g *Group) follower(l int) *follower {
	for len(g.followers) <= l {
		g.followers = append(g.followers, nil)
	}
	if f := g.followers[l]; f != nil {
		return f
	}
	f := &follower{g: g, l: l}
	f.next, f.stop = iter.Pull(func(yield func(event) bool) {
		f.yield = yield
		for {
			f.run()
			if !yield(returned) {
				return
			}
		}
	})
	g.followers[l] = f
	return f
}

// run runs the follower's work-item to completion, recording a panic.
func (f *follower) run() {
	f.failure = nil
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(abortItem); ok {
				return
			}
			f.failure = Capture(r, f.g.Launch.KernelName, f.g.Item(f.l))
		}
	}()
	g := f.g
	x, y, z := g.Local(f.l)
	f.w = WorkItem{Global: [3]int{g.Base[0] + x, g.Base[1] + y, g.Base[2] + z}, G: g}
	RunItem(&f.w)
}

// resume runs follower f until it reaches a barrier, returns or panics.
func (f *follower) resume() event {
	ev, ok := f.next()
	if !ok {
		panic("geobacter: BUG: a work-group coroutine ended")
	}
	f.waiting = ev == atBarrier
	return ev
}

// Barrier is kernel.Item.Barrier for the work-item w.
func (g *Group) Barrier(w *WorkItem) {
	l := w.Linear()
	if w != &g.Seq {
		// A follower: hand control back to the leader until every work-item has arrived.
		f := g.followers[l]
		if !f.yield(atBarrier) || f.abort {
			if f.report {
				f.pos = callerPos()
			}
			panic(abortItem{})
		}
		return
	}
	// The work-item on the worker's own goroutine.
	if g.N == 1 {
		return
	}
	if l != 0 {
		panic(g.diverged(l, g.Item(0), "returned"))
	}
	g.led = true
	for i := 1; i < g.N; i++ {
		f := g.follower(i)
		switch f.resume() {
		case atBarrier:
		case returned:
			if f.failure != nil {
				g.abortFollowers()
				panic(f.failure)
			}
			g.abortFollowers()
			panic(g.diverged(0, g.Item(i), "returned"))
		}
	}
}

// Finish runs the followers of a led group to completion after the leader has returned.
func (g *Group) Finish() {
	for i := 1; i < g.N; i++ {
		f := g.followers[i]
		if f.resume() == atBarrier {
			f.report = true
			g.abortFollowers()
			f.report = false
			panic(&Failure{
				Kernel: g.Launch.KernelName,
				Pos:    f.pos,
				Msg: fmt.Sprintf("barrier not reached by all work-items: work-item %v waits at this barrier but work-item %v returned without reaching it",
					fmtItem(g.Item(i)), fmtItem(g.Item(0))),
				Item: g.Item(i),
			})
		}
		if f.failure != nil {
			g.abortFollowers()
			panic(f.failure)
		}
	}
}

// Abort unwinds every follower still suspended at a barrier, after the group failed.
func (g *Group) Abort() { g.abortFollowers() }

func (g *Group) abortFollowers() {
	for _, f := range g.followers {
		if f != nil && f.waiting {
			f.abort = true
			f.resume()
			f.abort = false
			f.waiting = false
		}
	}
}

// Close ends the Group's coroutines; the Group must not be used again.
func (g *Group) Close() {
	g.abortFollowers()
	for _, f := range g.followers {
		if f != nil {
			f.stop()
		}
	}
	g.followers = nil
}

// diverged is the Failure of a barrier that work-item `waiting` (index l) reached but `gone` did not.
func (g *Group) diverged(l int, gone [3]int, how string) *Failure {
	return &Failure{
		Kernel: g.Launch.KernelName,
		Pos:    callerPos(),
		Msg: fmt.Sprintf("barrier not reached by all work-items: work-item %v waits at this barrier but work-item %v %s without reaching it",
			fmtItem(g.Item(l)), fmtItem(gone), how),
		Item: g.Item(l),
	}
}

func fmtItem(it [3]int) string { return fmt.Sprintf("(%d,%d,%d)", it[0], it[1], it[2]) }
