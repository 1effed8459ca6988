package device

import (
	"sync"
	"sync/atomic"
)

// Programs is a compiled device's in-process cache of compiled kernels: one compile per key
// (a kernel's irsource.Variant, with whatever else the device keys by), made once even when
// launched concurrently. A hit is one lock-free sync.Map lookup of a comparable key: no hashing
// of IR. A failed compile is not kept, so that a later launch tries again.
type Programs[K comparable, P any] struct {
	m sync.Map // K → *entry[P]
}

type entry[P any] struct {
	once sync.Once
	done atomic.Bool // the compile has finished
	p    P
	err  error
}

// Get returns the program of key, calling compile on the first request.
func (c *Programs[K, P]) Get(key K, compile func() (P, error)) (P, error) {
	e, ok := c.m.Load(key)
	if !ok {
		e, _ = c.m.LoadOrStore(key, new(entry[P]))
	}
	x := e.(*entry[P])
	x.once.Do(func() {
		x.p, x.err = compile()
		x.done.Store(true)
	})
	if x.err != nil {
		c.m.CompareAndDelete(key, x)
	}
	return x.p, x.err
}

// Range calls f for each compiled program (not those still compiling, nor failed ones) until f
// returns false.
func (c *Programs[K, P]) Range(f func(key K, p P) bool) {
	c.m.Range(func(k, v any) bool {
		x := v.(*entry[P])
		if !x.done.Load() || x.err != nil {
			return true
		}
		return f(k.(K), x.p)
	})
}

// Delete forgets the program of key.
func (c *Programs[K, P]) Delete(key K) { c.m.Delete(key) }
