package testkernels

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/kernel"
)

// Target is where a case's buffers live and its kernels run: an open device (OnDevice), or any
// other executor of kernels (WithLaunch), whose buffers are then plain Go memory. A Target runs one
// case at a time; Close frees what the cases allocated.
//
// An allocation failure is kept and returned by the case's next launch, so that cases need not
// check every allocation.
type Target struct {
	dev    *geobacter.Device
	launch LaunchFunc
	frees  []func() error
	err    error
}

// LaunchFunc runs kernel k over grid g and returns when it is done, as geobacter.Launch does. k is
// a non-nil pointer to one of the corpus's kernel types.
type LaunchFunc func(ctx context.Context, g geobacter.Grid, k kernel.Kernel) error

// OnDevice returns a Target that allocates with geobacter.Alloc and launches with geobacter.Launch
// on dev.
func OnDevice(dev *geobacter.Device) *Target { return &Target{dev: dev} }

// WithLaunch returns a Target whose buffers are Go memory and whose launches call launch.
func WithLaunch(launch LaunchFunc) *Target { return &Target{launch: launch} }

// Close frees every buffer allocated on t. The Outputs of the cases run on t must not be used
// after it.
func (t *Target) Close() error {
	var errs []error
	for _, free := range t.frees {
		errs = append(errs, free())
	}
	t.frees = nil
	return errors.Join(errs...)
}

// alloc returns n zeroed elements of t's memory. On failure it records the error, which the next
// launch returns, and returns nil.
func alloc[T any](t *Target, n int) []T {
	if t.dev == nil {
		return make([]T, n)
	}
	s, err := geobacter.Alloc[T](t.dev, n)
	if err != nil {
		if t.err == nil {
			t.err = fmt.Errorf("testkernels: alloc of %d %v: %w", n, reflect.TypeFor[T](), err)
		}
		return nil
	}
	t.frees = append(t.frees, func() error { return geobacter.Free(t.dev, s) })
	return s
}

// upload returns a copy of src in t's memory.
func upload[T any](t *Target, src []T) []T {
	s := alloc[T](t, len(src))
	copy(s, src)
	return s
}

// launch runs k over g on t, or returns the first allocation failure of t.
func launch[K kernel.Kernel](ctx context.Context, t *Target, g geobacter.Grid, k K) error {
	if t.err != nil {
		return t.err
	}
	if t.dev != nil {
		return geobacter.Launch(ctx, t.dev, g, k)
	}
	return t.launch(ctx, g, k)
}
