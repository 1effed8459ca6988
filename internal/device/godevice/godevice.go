// Package godevice is the `go` device: it runs a kernel's own gc-compiled Go code, with its
// work-groups spread over a persistent pool of GOMAXPROCS workers. It needs nothing at run time,
// is debuggable with delve, printf and the race detector, and is the reference every other device
// is tested against.
//
// A launch's groups are cut into one contiguous chunk per worker (static scheduling: a worker
// streams through adjacent memory and no queue is touched per group); the launching goroutine runs
// the first chunk itself, so a launch too small to share runs with no hand-off at all, and then
// runs queued chunks until its own are done rather than sleeping. The
// work-items of a group run as internal/workgroup describes: one after another, or as coroutines
// once the kernel calls Barrier.
package godevice

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/geobacter-go/geobacter/internal/device"
	"github.com/geobacter-go/geobacter/internal/workgroup"
)

// Kind is the device kind's name.
const Kind = "go"

// minParallelItems is the smallest grid handed to more than one worker: below it, the hand-off
// costs more than the work-items.
const minParallelItems = 1024

var limits = device.PortableLimits

func init() { device.Register(driver{}) }

type driver struct{}

func (driver) Kind() string { return Kind }

func (driver) Probe(context.Context) []device.Info {
	return []device.Info{info()}
}

func info() device.Info {
	return device.Info{
		Kind:   Kind,
		Name:   fmt.Sprintf("Go %s on %d workers", runtime.Version(), workers()),
		Type:   device.TypeHost,
		Usable: true,
	}
}

func (driver) Open(_ context.Context, index int) (device.Device, error) {
	if index != 0 {
		return nil, fmt.Errorf("there is one go device, go:0; go:%d does not exist", index)
	}
	return &Device{pool: thePool()}, nil
}

// Device is an open `go` device. Every open go device shares the process's worker pool.
type Device struct {
	pool   *pool
	closed atomic.Bool
}

// Info describes the go device.
func (d *Device) Info() device.Info { return info() }

// Limits are the go device's limits: no hardware bounds them, so they are those a portable kernel
// can count on from GPUs (1024 work-items a group, 64 in z, 64 KiB of shared memory).
func (d *Device) Limits() device.Limits { return limits }

// DefaultGroup is 256 work-items for 1D grids, 16×16 for 2D and 8×8×4 for 3D.
func (d *Device) DefaultGroup(dims int) [3]int {
	return device.DefaultGroup(dims)
}

// Close marks the device closed; the worker pool, shared by every go device, stays.
func (d *Device) Close() error {
	d.closed.Store(true)
	return nil
}

// Launch runs l and returns once every worker is done with it. A work-item's panic stops the
// groups not yet started and is returned as a *device.Panic; so is a barrier that not every
// work-item of a group reached. A cancelled ctx stops the groups not yet started and Launch
// returns ctx.Err().
func (d *Device) Launch(ctx context.Context, dl *device.Launch) error {
	if d.closed.Load() {
		return device.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	l := &launch{
		wl: workgroup.Launch{
			Global:      dl.Global,
			Local:       dl.Local,
			Kernel:      dl.Kernel,
			KernelName:  dl.Name,
			SharedLimit: limits.SharedMemoryBytes,
		},
		done: ctx.Done(),
	}
	l.wl.Set()
	groups := l.wl.Groups[0] * l.wl.Groups[1] * l.wl.Groups[2]
	chunks := 1
	if dl.Global[0]*dl.Global[1]*dl.Global[2] >= minParallelItems {
		chunks = min(d.pool.workers, groups)
	}
	e := d.pool.executor()
	if chunks > 1 {
		l.pending.Store(int64(chunks - 1))
		l.finished = make(chan struct{})
		for i := 1; i < chunks; i++ {
			d.pool.submit(e, task{l: l, from: i * groups / chunks, to: (i + 1) * groups / chunks})
		}
	}
	e.run(l, 0, groups/chunks)
	if chunks > 1 {
		d.pool.helpUntil(e, l.finished)
	}
	d.pool.release(e)

	if f := l.fail; f != nil {
		return &device.Panic{Kernel: f.Kernel, Pos: f.Pos, Msg: f.Msg, WorkItem: f.Item, Cause: f.Cause}
	}
	if l.stop.Load() {
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// launch is one launch being run by one or more workers.
type launch struct {
	wl   workgroup.Launch
	done <-chan struct{} // the launch's ctx.Done()
	stop atomic.Bool     // a work-item failed or ctx was cancelled: start no more groups

	pending  atomic.Int64  // chunks handed to the pool and not yet done
	finished chan struct{} // closed when pending reaches zero

	mu   sync.Mutex // guards fail
	fail *workgroup.Failure
}

func (l *launch) failed(f *workgroup.Failure) {
	l.stop.Store(true)
	l.mu.Lock()
	if l.fail == nil {
		l.fail = f
	}
	l.mu.Unlock()
}

// task is a chunk of a launch's groups, [from, to) in linear group order, for a worker.
type task struct {
	l        *launch
	from, to int
}

// executor runs chunks of groups; it owns a reusable Group.
type executor struct {
	g workgroup.Group
}

// run runs the groups [from, to) of l, x fastest.
func (e *executor) run(l *launch, from, to int) {
	g := &e.g
	g.BeginLaunch(&l.wl)
	defer func() {
		if r := recover(); r != nil {
			f := workgroup.Capture(r, l.wl.KernelName, g.Seq.Global)
			g.Abort()
			l.failed(f)
		}
	}()
	gx, gy := l.wl.Groups[0], l.wl.Groups[1]
	x, y, z := from%gx, from/gx%gy, from/(gx*gy)
	for range to - from {
		if l.stop.Load() {
			return
		}
		if l.done != nil {
			select {
			case <-l.done:
				l.stop.Store(true)
				return
			default:
			}
		}
		g.Begin(x, y, z)
		workgroup.RunItems(g)
		if x++; x == gx {
			x = 0
			if y++; y == gy {
				y = 0
				z++
			}
		}
	}
}

// pool is the process's workers: GOMAXPROCS-1 goroutines (the launching goroutine is the last)
// that run tasks, and idle executors for launching goroutines.
type pool struct {
	workers int
	tasks   chan task
	idle    chan *executor
}

var (
	poolOnce sync.Once
	shared   *pool
)

func workers() int { return max(1, runtime.GOMAXPROCS(0)) }

func thePool() *pool {
	poolOnce.Do(func() {
		p := &pool{workers: workers(), idle: make(chan *executor, 64)}
		p.tasks = make(chan task, 4*p.workers)
		for range p.workers - 1 {
			go p.work()
		}
		shared = p
	})
	return shared
}

func (p *pool) work() {
	var e executor
	for t := range p.tasks {
		e.runTask(t)
	}
}

// runTask runs a chunk handed to the pool and signals its launch when it is the last.
func (e *executor) runTask(t task) {
	e.run(t.l, t.from, t.to)
	if t.l.pending.Add(-1) == 0 {
		close(t.l.finished)
	}
}

// submit hands t to the pool, or runs it on e when the pool's queue is full.
func (p *pool) submit(e *executor, t task) {
	select {
	case p.tasks <- t:
	default:
		e.runTask(t)
	}
}

// helpUntil runs queued chunks, of any launch, on e until done is closed. A launching goroutine
// helps instead of sleeping, so a launch made while every worker is busy (even one made from
// inside a work-item) still makes progress.
func (p *pool) helpUntil(e *executor, done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		case t := <-p.tasks:
			e.runTask(t)
		}
	}
}

func (p *pool) executor() *executor {
	select {
	case e := <-p.idle:
		return e
	default:
		return new(executor)
	}
}

func (p *pool) release(e *executor) {
	select {
	case p.idle <- e:
	default:
		e.g.Close()
	}
}
