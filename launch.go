package geobacter

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/device"
	"github.com/geobacter-go/geobacter/kernel"
)

// LaunchOption changes how one launch runs.
type LaunchOption func(*launchConfig)

type launchConfig struct {
	after     []*Event
	unchecked bool
}

// After orders the launch after the launches that return events: it starts once all of them are
// done. If one of them failed, the launch does not run and returns an error wrapping that failure.
func After(events ...*Event) LaunchOption {
	return func(c *launchConfig) { c.after = append(c.after, events...) }
}

// Unchecked launches the kernel without its bounds, nil-pointer, division and shift checks, for
// speed: a work-item that would have panicked has undefined behaviour instead (it may read or
// write memory it does not own, or crash the process). Compiling devices compile the kernel
// again without the checks (once per kernel type, as with the checks); the go device runs the
// kernel's Go code, whose checks Go keeps. Measure before reaching for it: a compiling device
// already proves most checks of data-parallel kernels for a whole work-group at once.
func Unchecked() LaunchOption {
	return func(c *launchConfig) { c.unchecked = true }
}

// Launch runs kernel k on dev over grid g and returns when every work-item is done.
//
// k is a pointer to the kernel's argument struct, such as &Saxpy{...}; its Kernel method runs once
// per work-item. The error is a *GridError for a geometry the device cannot run, a *KernelPanic
// when a work-item panicked, ctx.Err() when ctx was cancelled before every group had started
// (groups already running finish first), or ErrClosed.
func Launch[K kernel.Kernel](ctx context.Context, dev *Device, g Grid, k K, opts ...LaunchOption) (err error) {
	l, cfg, empty, err := prepare(dev, g, k, opts)
	if err != nil {
		return err
	}
	if len(cfg.after) > 0 {
		if err := waitAll(ctx, cfg.after); err != nil {
			return err
		}
	}
	if empty {
		return nil
	}
	return run[K](ctx, dev, l)
}

// LaunchAsync starts kernel k on dev over grid g and returns at once with an Event that is done
// when every work-item is. The arguments are checked before it returns; an error from running the
// kernel (a *KernelPanic, ctx.Err()) is the Event's. k and the memory it refers to must not be
// changed by the host until the Event is done.
//
// Launches without After between them may run concurrently, in any order.
func LaunchAsync[K kernel.Kernel](ctx context.Context, dev *Device, g Grid, k K, opts ...LaunchOption) (*Event, error) {
	l, cfg, empty, err := prepare(dev, g, k, opts)
	if err != nil {
		return nil, err
	}
	ev := &Event{done: make(chan struct{})}
	go func() {
		var err error
		if len(cfg.after) > 0 {
			err = waitAll(ctx, cfg.after)
		}
		if err == nil && !empty {
			err = run[K](ctx, dev, l)
		}
		ev.err = err
		close(ev.done)
	}()
	return ev, nil
}

// prepare checks a launch and resolves its geometry.
func prepare[K kernel.Kernel](dev *Device, g Grid, k K, opts []LaunchOption) (l device.Launch, cfg launchConfig, empty bool, err error) {
	if dev == nil {
		return l, cfg, false, errors.New("geobacter: launch on a nil *Device; open one with geobacter.Open")
	}
	if dev.closed.Load() {
		return l, cfg, false, ErrClosed
	}
	t := reflect.TypeFor[K]()
	if t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return l, cfg, false, fmt.Errorf("geobacter: kernel type %v is not a pointer to a struct; declare Kernel on the pointer and pass &%v{...}", t, t)
	}
	if *(*unsafe.Pointer)(unsafe.Pointer(&k)) == nil {
		return l, cfg, false, fmt.Errorf("geobacter: launch of a nil %v; pass &%v{...}", t, t.Elem())
	}
	for _, o := range opts {
		o(&cfg)
	}
	global, local, empty, err := g.resolve(dev)
	if err != nil {
		return l, cfg, false, err
	}
	l = device.Launch{Kernel: k, Name: t.Elem().String(), Global: global, Local: local, Unchecked: cfg.unchecked}
	return l, cfg, empty, nil
}

// run runs a prepared launch and turns the device's errors into the API's.
func run[K kernel.Kernel](ctx context.Context, dev *Device, l device.Launch) (err error) {
	defer recoverBug(&err)
	err = dev.impl.Launch(ctx, &l)
	if err == nil {
		return nil
	}
	var p *device.Panic
	switch {
	case errors.As(err, &p) && strings.HasPrefix(p.Msg, "geobacter: BUG: "):
		return &InternalError{Msg: p.Msg + " (in work-item " + fmt.Sprint(p.WorkItem) + " of " + l.Name + " at " + p.Pos + ")"}
	case errors.As(err, &p):
		return &KernelPanic{Kernel: l.Name, Pos: p.Pos, Msg: p.Msg, WorkItem: p.WorkItem, cause: p.Cause}
	case errors.Is(err, device.ErrClosed):
		return ErrClosed
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return fmt.Errorf("geobacter: launch of %s on %s: %w", l.Name, dev.ID(), err)
}

// Event is the completion of a LaunchAsync.
type Event struct {
	done chan struct{}
	err  error
}

// Wait waits until the launch is done and returns its error, or until ctx is done and returns
// ctx.Err() (the launch goes on).
func (e *Event) Wait(ctx context.Context) error {
	select {
	case <-e.done:
		return e.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Done returns a channel that is closed when the launch is done.
func (e *Event) Done() <-chan struct{} { return e.done }

// Err returns the launch's error once it is done, and nil before.
func (e *Event) Err() error {
	select {
	case <-e.done:
		return e.err
	default:
		return nil
	}
}

func waitAll(ctx context.Context, events []*Event) error {
	for _, ev := range events {
		if ev == nil {
			return errors.New("geobacter: After got a nil *Event")
		}
		if err := ev.Wait(ctx); err != nil {
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				return err
			}
			return fmt.Errorf("geobacter: launch not run: a launch it waits for failed: %w", err)
		}
	}
	return nil
}
