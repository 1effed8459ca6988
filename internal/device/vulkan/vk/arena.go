package vk

import (
	"sync"
	"unsafe"
)

// An arena hands out zeroed memory outside the Go heap for the structures, strings and arrays
// passed to Vulkan. It is reset after the call (or the recording) that used it, and kept for the
// next one. Nothing in an arena points into the Go heap, so the garbage collector never has to
// know about what Vulkan reads or writes.
type arena struct {
	chunks [][]byte // chunks[0] is kept across resets; larger requests get chunks of their own
	used   int      // bytes used in the last chunk
}

const arenaChunk = 64 << 10

var arenaPool struct {
	sync.Mutex
	free []*arena
}

// getArena returns an empty arena, from the pool when one is there.
func getArena() *arena {
	arenaPool.Lock()
	if n := len(arenaPool.free); n > 0 {
		a := arenaPool.free[n-1]
		arenaPool.free = arenaPool.free[:n-1]
		arenaPool.Unlock()
		return a
	}
	arenaPool.Unlock()
	return &arena{}
}

// putArena resets a and returns it to the pool, which keeps a few.
func putArena(a *arena) {
	a.reset()
	arenaPool.Lock()
	if len(arenaPool.free) < 8 {
		arenaPool.free = append(arenaPool.free, a)
		a = nil
	}
	arenaPool.Unlock()
	if a != nil {
		a.destroy()
	}
}

// alloc returns size zeroed bytes aligned to align (a power of two ≤ 16). It panics when the
// operating system refuses memory.
func (a *arena) alloc(size, align int) unsafe.Pointer {
	if size == 0 {
		size = 1
	}
	if n := len(a.chunks); n > 0 {
		c := a.chunks[n-1]
		off := (a.used + align - 1) &^ (align - 1)
		if off+size <= len(c) {
			a.used = off + size
			return unsafe.Pointer(&c[off])
		}
	}
	n := arenaChunk
	if size > n {
		n = (size + 4095) &^ 4095
	}
	c, err := mapPages(n)
	if err != nil {
		panic("geobacter: vk: out of memory for Vulkan call arguments: " + err.Error())
	}
	a.chunks = append(a.chunks, c)
	a.used = size
	return unsafe.Pointer(&c[0])
}

// reset zeroes what was used and releases every chunk but the first.
func (a *arena) reset() {
	if len(a.chunks) == 0 {
		return
	}
	for _, c := range a.chunks[1:] {
		unmapPages(c)
	}
	if len(a.chunks) == 1 {
		clear(a.chunks[0][:a.used])
	} else {
		clear(a.chunks[0])
	}
	a.chunks = a.chunks[:1]
	a.used = 0
}

// destroy releases all of the arena's memory.
func (a *arena) destroy() {
	for _, c := range a.chunks {
		unmapPages(c)
	}
	a.chunks, a.used = nil, 0
}

// newT returns a zeroed T in the arena. T must not contain Go pointers.
func newT[T any](a *arena) *T {
	var z T
	return (*T)(a.alloc(int(unsafe.Sizeof(z)), int(unsafe.Alignof(z))))
}

// put copies v into the arena and returns its address. T must not contain Go pointers.
func put[T any](a *arena, v T) uintptr {
	p := newT[T](a)
	*p = v
	return uintptr(unsafe.Pointer(p))
}

// array copies s into the arena and returns the address of its first element (0 when s is
// empty). T must not contain Go pointers.
func array[T any](a *arena, s []T) uintptr {
	if len(s) == 0 {
		return 0
	}
	var z T
	p := a.alloc(len(s)*int(unsafe.Sizeof(z)), int(unsafe.Alignof(z)))
	copy(unsafe.Slice((*T)(p), len(s)), s)
	return uintptr(p)
}

// bytes copies b into the arena, aligned to 8, and returns its address (0 when b is empty).
func (a *arena) bytes(b []byte) uintptr {
	if len(b) == 0 {
		return 0
	}
	p := a.alloc(len(b), 8)
	copy(unsafe.Slice((*byte)(p), len(b)), b)
	return uintptr(p)
}

// cstring copies s into the arena as a NUL-terminated C string and returns its address.
func (a *arena) cstring(s string) uintptr { return uintptr(a.cstr(s)) }

// cstr copies s into the arena as a NUL-terminated C string.
func (a *arena) cstr(s string) unsafe.Pointer {
	p := a.alloc(len(s)+1, 1)
	copy(unsafe.Slice((*byte)(p), len(s)), s)
	return p
}

// cstrings returns a C array of C strings (0 when ss is empty).
func (a *arena) cstrings(ss []string) uintptr {
	if len(ss) == 0 {
		return 0
	}
	ptrs := make([]uintptr, len(ss))
	for i, s := range ss {
		ptrs[i] = a.cstring(s)
	}
	return array(a, ptrs)
}

// goString returns the NUL-terminated string in b.
func goString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// addrOf returns the address of arena memory as a call argument.
func addrOf[T any](p *T) uintptr { return uintptr(unsafe.Pointer(p)) }
