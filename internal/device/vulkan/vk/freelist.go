package vk

import (
	"fmt"
	"sort"
)

// span is a range of bytes in a block.
type span struct{ off, size uint64 }

// freeList is the bookkeeping of one block: its free ranges, sorted by offset, never adjacent
// (neighbours are merged) and never empty. It knows nothing of Vulkan.
type freeList struct {
	size  uint64 // the block's size
	spans []span
	used  uint64 // bytes handed out
}

func newFreeList(size uint64) freeList {
	return freeList{size: size, spans: []span{{0, size}}}
}

// alloc takes size bytes at an offset that is a multiple of align (a power of two), from the
// first free range they fit in. ok is false when none is big enough.
func (f *freeList) alloc(size, align uint64) (off uint64, ok bool) {
	for i, s := range f.spans {
		start := (s.off + align - 1) &^ (align - 1)
		if start+size > s.off+s.size || start < s.off {
			continue
		}
		end := start + size
		// Replace s by what is left before and after [start, end).
		var rest []span
		if start > s.off {
			rest = append(rest, span{s.off, start - s.off})
		}
		if e := s.off + s.size; end < e {
			rest = append(rest, span{end, e - end})
		}
		f.spans = append(f.spans[:i], append(rest, f.spans[i+1:]...)...)
		f.used += size
		return start, true
	}
	return 0, false
}

// free returns [off, off+size) and merges it with its free neighbours. It panics when the
// range is outside the block or overlaps a free range (a double free).
func (f *freeList) free(off, size uint64) {
	if size == 0 || off+size > f.size || off+size < off {
		panic(fmt.Sprintf("geobacter: BUG: vk: free of [%d,+%d) outside a block of %d bytes", off, size, f.size))
	}
	i := sort.Search(len(f.spans), func(i int) bool { return f.spans[i].off >= off })
	if i < len(f.spans) && off+size > f.spans[i].off || i > 0 && f.spans[i-1].off+f.spans[i-1].size > off {
		panic(fmt.Sprintf("geobacter: BUG: vk: double free of [%d,+%d)", off, size))
	}
	f.used -= size
	mergePrev := i > 0 && f.spans[i-1].off+f.spans[i-1].size == off
	mergeNext := i < len(f.spans) && off+size == f.spans[i].off
	switch {
	case mergePrev && mergeNext:
		f.spans[i-1].size += size + f.spans[i].size
		f.spans = append(f.spans[:i], f.spans[i+1:]...)
	case mergePrev:
		f.spans[i-1].size += size
	case mergeNext:
		f.spans[i].off = off
		f.spans[i].size += size
	default:
		f.spans = append(f.spans, span{})
		copy(f.spans[i+1:], f.spans[i:])
		f.spans[i] = span{off, size}
	}
}

// empty reports whether nothing is allocated.
func (f *freeList) empty() bool { return f.used == 0 }

// largest returns the size of the largest free range.
func (f *freeList) largest() uint64 {
	var m uint64
	for _, s := range f.spans {
		m = max(m, s.size)
	}
	return m
}
