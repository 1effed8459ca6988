package vulkan

import (
	"fmt"
	"reflect"
	"sort"
	"sync"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/device"
)

// argLayout is how one kernel type's argument struct is marshalled for the device, found once
// per type: the struct's bytes are copied as they are, except the words that hold host
// pointers (a pointer field, a slice's data pointer, at any depth of arrays and structs), which
// are replaced by device addresses.
type argLayout struct {
	size uintptr
	refs []memRef
}

// memRef is one pointer word of an argument struct.
type memRef struct {
	offset   uintptr // of the pointer word in the struct
	field    int     // the top-level field it is in (the index into ir.Func.Access)
	slice    bool    // a slice's data pointer: its cap is the word at offset+16
	elemSize uintptr // bytes of the element (slice) or of the pointee (pointer)
	path     string  // the field's Go path, for errors: "Out", "Pairs[1]", "In.Data"
}

var layouts sync.Map // reflect.Type (the struct) → *argLayout

// layoutOf returns the marshalling of argument struct type t.
func layoutOf(t reflect.Type) (*argLayout, error) {
	if l, ok := layouts.Load(t); ok {
		return l.(*argLayout), nil
	}
	l := &argLayout{size: t.Size()}
	for i := range t.NumField() {
		f := t.Field(i)
		if err := l.walk(f.Type, f.Offset, i, f.Name); err != nil {
			return nil, err
		}
	}
	v, _ := layouts.LoadOrStore(t, l)
	return v.(*argLayout), nil
}

func (l *argLayout) walk(t reflect.Type, off uintptr, field int, path string) error {
	switch t.Kind() {
	case reflect.Slice:
		l.refs = append(l.refs, memRef{offset: off, field: field, slice: true, elemSize: t.Elem().Size(), path: path})
		return device.CheckPlain(t.Elem(), path+"[i]")
	case reflect.Pointer:
		l.refs = append(l.refs, memRef{offset: off, field: field, elemSize: t.Elem().Size(), path: path})
		return device.CheckPlain(t.Elem(), "*"+path)
	case reflect.Array:
		for i := range t.Len() {
			if err := l.walk(t.Elem(), off+uintptr(i)*t.Elem().Size(), field, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if err := l.walk(f.Type, off+f.Offset, field, path+"."+f.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// span is host memory a kernel may reach: [start, end), with base the pointer to start (which
// keeps the memory alive and converts back without arithmetic on uintptrs).
type span struct {
	base       unsafe.Pointer
	start, end uintptr
}

// memory is what marshalling needs of a device's memory.
type memory interface {
	// address returns the device address of host memory [p, p+n) when all of it is in one
	// allocation of the device (memory from geobacter.Alloc).
	address(p, n uintptr) (uint64, bool)
	// stage returns n bytes of device memory for a copy of host memory: its host mapping and
	// device address, and how to give it back.
	stage(n uintptr) (host unsafe.Pointer, addr uint64, release func(), err error)
}

// staged is one range of ordinary Go memory a launch copies to the device and, when the kernel
// writes it, back.
type staged struct {
	span
	host    unsafe.Pointer // the device copy's host mapping
	addr    uint64
	release func()
	write   bool
}

// marshalled is one launch's argument bytes and the copies they refer to.
type marshalled struct {
	bytes  []byte
	copies []*staged
}

// marshal copies the argument struct at args into device form: every pointer word resolved to a
// device address, ordinary Go memory staged (overlapping ranges share one copy), and the staged
// memory copied in. access is the kernel's ir.Func.Access (how it uses each top-level field;
// nil when unknown, taken as read and write). A failure releases what it staged.
func marshal(l *argLayout, args unsafe.Pointer, access func(field int) (read, write bool), mem memory) (m *marshalled, err error) {
	m = &marshalled{bytes: make([]byte, l.size)}
	copy(m.bytes, unsafe.Slice((*byte)(args), l.size))
	defer func() {
		if err != nil {
			m.release()
		}
	}()

	// The host ranges each pointer word may reach, and which need staging.
	type use struct {
		ref  memRef
		p, n uintptr
	}
	var uses []use
	var stage []span
	stageWrite := map[span]bool{}
	for _, r := range l.refs {
		base := *(*unsafe.Pointer)(unsafe.Add(args, r.offset))
		p := uintptr(base)
		if base == nil {
			continue
		}
		n := r.elemSize
		if r.slice {
			n = *(*uintptr)(unsafe.Add(args, r.offset+16)) * r.elemSize // cap: a kernel may reslice up to it
		}
		n = max(n, 1)
		uses = append(uses, use{r, p, n})
		if _, ok := mem.address(p, n); ok {
			continue
		}
		read, write := true, true
		if access != nil {
			read, write = access(r.field)
		}
		if !read && !write {
			continue
		}
		s := span{base, p, p + n}
		stage = append(stage, s)
		stageWrite[s] = stageWrite[s] || write
	}

	// Merge overlapping ranges: two fields that share memory must share its copy.
	sort.Slice(stage, func(i, j int) bool { return stage[i].start < stage[j].start })
	for _, s := range stage {
		if k := len(m.copies); k > 0 && s.start < m.copies[k-1].end {
			c := m.copies[k-1]
			c.end = max(c.end, s.end)
			c.write = c.write || stageWrite[s]
			continue
		}
		m.copies = append(m.copies, &staged{span: s, write: stageWrite[s]})
	}
	for _, c := range m.copies {
		n := c.end - c.start
		c.host, c.addr, c.release, err = mem.stage(n)
		if err != nil {
			return m, err
		}
		copy(unsafe.Slice((*byte)(c.host), n), unsafe.Slice((*byte)(c.base), n))
	}

	for _, u := range uses {
		addr, ok := mem.address(u.p, u.n)
		if !ok {
			if c := m.copyOf(u.p); c != nil {
				addr = c.addr + uint64(u.p-c.start)
			} // else memory the kernel does not use: address 0
		}
		*(*uint64)(unsafe.Pointer(&m.bytes[u.ref.offset])) = addr
	}
	return m, nil
}

// copyOf returns the staged copy holding host address p, or nil.
func (m *marshalled) copyOf(p uintptr) *staged {
	i := sort.Search(len(m.copies), func(i int) bool { return m.copies[i].end > p })
	if i < len(m.copies) && m.copies[i].start <= p {
		return m.copies[i]
	}
	return nil
}

// finish copies the staged memory the kernel writes back to the host and releases every copy.
func (m *marshalled) finish() {
	for _, c := range m.copies {
		if c.write && c.host != nil {
			n := c.end - c.start
			copy(unsafe.Slice((*byte)(c.base), n), unsafe.Slice((*byte)(c.host), n))
		}
	}
	m.release()
}

// release gives back every staged copy without copying anything back.
func (m *marshalled) release() {
	for _, c := range m.copies {
		if c.release != nil {
			c.release()
			c.release = nil
		}
	}
}
