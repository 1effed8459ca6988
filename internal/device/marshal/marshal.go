// Package marshal turns a kernel's argument struct into the bytes a GPU kernel takes: the
// struct in Go's layout (which the backends keep on the device) with every host pointer (a
// pointer field, a slice's data pointer, at any depth of arrays and structs) replaced by the
// device address it stands for, and the ordinary Go memory the kernel reaches staged into
// device memory and, when the kernel writes it, copied back after the launch.
//
// It owns the device-independent part of argument passing for the devices that run compiled
// code on a GPU (cuda, amdgpu, and the same logic as vulkan's): a Layout per argument type,
// found once by reflection, and Marshal, which resolves each pointer word through the device's
// Memory. A device supplies Memory: the device address of its own allocations (geobacter.Alloc)
// and staging buffers with copies in both directions.
package marshal

import (
	"encoding/binary"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/device"
	"github.com/geobacter-go/geobacter/internal/ir"
)

// Layout is how one argument struct type is marshalled: its bytes are copied as they are except
// the pointer words Refs lists.
type Layout struct {
	Size, Align uintptr
	Refs        []Ref
}

// Ref is one pointer word of an argument struct.
type Ref struct {
	Offset   uintptr // of the pointer word in the struct
	Field    int     // the top-level field it is in (the index into ir.Func.Access)
	Slice    bool    // a slice's data pointer: its cap is the word at Offset+16
	ElemSize uintptr // bytes of the element (slice) or of the pointee (pointer)
	Path     string  // the field's Go path, for errors: "Out", "Pairs[1]", "In.Data"
}

var layouts sync.Map // reflect.Type (the struct) → *Layout

// LayoutOf returns the marshalling of argument struct type t. It fails when memory a pointer
// reaches holds pointers itself (device memory holds plain values).
func LayoutOf(t reflect.Type) (*Layout, error) {
	if l, ok := layouts.Load(t); ok {
		return l.(*Layout), nil
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("marshal: %v is not a struct", t)
	}
	l := &Layout{Size: t.Size(), Align: uintptr(t.Align())}
	for i := range t.NumField() {
		f := t.Field(i)
		if err := l.walk(f.Type, f.Offset, i, f.Name); err != nil {
			return nil, err
		}
	}
	v, _ := layouts.LoadOrStore(t, l)
	return v.(*Layout), nil
}

func (l *Layout) walk(t reflect.Type, off uintptr, field int, path string) error {
	switch t.Kind() {
	case reflect.Slice:
		l.Refs = append(l.Refs, Ref{Offset: off, Field: field, Slice: true, ElemSize: t.Elem().Size(), Path: path})
		return device.CheckPlain(t.Elem(), path+"[i]")
	case reflect.Pointer:
		l.Refs = append(l.Refs, Ref{Offset: off, Field: field, ElemSize: t.Elem().Size(), Path: path})
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
	case reflect.String, reflect.Map, reflect.Chan, reflect.Func, reflect.Interface, reflect.UnsafePointer:
		return fmt.Errorf("marshal: argument %s is a %v, which a device cannot use", path, t)
	}
	return nil
}

// Memory is what marshalling needs of a device's memory.
type Memory interface {
	// Address returns the device address of host memory [p, p+n) when all of it is in one
	// allocation of the device (memory from geobacter.Alloc).
	Address(p, n uintptr) (uint64, bool)
	// Stage returns a device buffer of n bytes for a copy of host memory.
	Stage(n uintptr) (Buffer, error)
}

// Buffer is a staging buffer in device memory.
type Buffer interface {
	// Addr is the buffer's device address.
	Addr() uint64
	// CopyIn copies src (at most the buffer's size) to the start of the buffer; CopyOut copies
	// the start of the buffer into dst.
	CopyIn(src []byte) error
	CopyOut(dst []byte) error
	// Release gives the buffer back.
	Release()
}

// span is host memory a kernel may reach: [start, end), with base the pointer to start (which
// keeps the memory alive and converts back without arithmetic on uintptrs).
type span struct {
	base       unsafe.Pointer
	start, end uintptr
}

// staged is one range of ordinary Go memory a launch copies to the device and, when the kernel
// writes it, back.
type staged struct {
	span
	buf   Buffer
	write bool
}

// Args is one launch's argument bytes and the copies they refer to.
type Args struct {
	// Bytes is the argument struct in device form: Layout.Size bytes.
	Bytes  []byte
	copies []*staged
}

// Marshal copies the argument struct at args into device form: every pointer word resolved to a
// device address, ordinary Go memory staged (overlapping ranges share one copy), and the staged
// memory copied in. access is the kernel's ir.Func.Access (how it uses each top-level field;
// a field it does not cover, as when it is nil, is taken as read and written). A failure
// releases what it staged.
func Marshal(l *Layout, args unsafe.Pointer, access []ir.Access, mem Memory) (m *Args, err error) {
	m = &Args{Bytes: make([]byte, l.Size)}
	if l.Size > 0 {
		copy(m.Bytes, unsafe.Slice((*byte)(args), l.Size))
	}
	defer func() {
		if err != nil {
			m.Release()
		}
	}()

	// The host ranges each pointer word may reach, and which need staging.
	type use struct {
		ref  Ref
		p, n uintptr
	}
	var uses []use
	var stage []span
	stageWrite := map[span]bool{}
	for _, r := range l.Refs {
		base := *(*unsafe.Pointer)(unsafe.Add(args, r.Offset))
		p := uintptr(base)
		if base == nil {
			continue
		}
		n := r.ElemSize
		if r.Slice {
			n = *(*uintptr)(unsafe.Add(args, r.Offset+16)) * r.ElemSize // cap: a kernel may reslice up to it
		}
		n = max(n, 1)
		uses = append(uses, use{r, p, n})
		if _, ok := mem.Address(p, n); ok {
			continue
		}
		read, write := true, true
		if r.Field < len(access) {
			read, write = access[r.Field]&ir.AccessRead != 0, access[r.Field]&ir.AccessWrite != 0
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
		if c.buf, err = mem.Stage(n); err != nil {
			return m, err
		}
		if err = c.buf.CopyIn(unsafe.Slice((*byte)(c.base), n)); err != nil {
			return m, err
		}
	}

	for _, u := range uses {
		addr, ok := mem.Address(u.p, u.n)
		if !ok {
			if c := m.copyOf(u.p); c != nil {
				addr = c.buf.Addr() + uint64(u.p-c.start)
			} // else memory the kernel does not use: address 0
		}
		binary.LittleEndian.PutUint64(m.Bytes[u.ref.Offset:], addr)
	}
	return m, nil
}

// copyOf returns the staged copy holding host address p, or nil.
func (m *Args) copyOf(p uintptr) *staged {
	i := sort.Search(len(m.copies), func(i int) bool { return m.copies[i].end > p })
	if i < len(m.copies) && m.copies[i].start <= p {
		return m.copies[i]
	}
	return nil
}

// Staged returns the number of staged copies.
func (m *Args) Staged() int { return len(m.copies) }

// Finish copies the staged memory the kernel writes back to the host and releases every copy.
// It returns the first copy's error, after releasing everything.
func (m *Args) Finish() error {
	var first error
	for _, c := range m.copies {
		if c.write && c.buf != nil {
			n := c.end - c.start
			if err := c.buf.CopyOut(unsafe.Slice((*byte)(c.base), n)); err != nil && first == nil {
				first = err
			}
		}
	}
	m.Release()
	return first
}

// Release gives back every staged copy without copying anything back.
func (m *Args) Release() {
	for _, c := range m.copies {
		if c.buf != nil {
			c.buf.Release()
			c.buf = nil
		}
	}
}

// ParamBlock returns the GPU ABI's parameter block (internal/backend/llvm, gpu.go) for a
// launch: the marshalled argument struct (at least one byte) at offset 0, the panic record's
// device address at rec and the grid's size at gs, gs+8, gs+16; size bytes in all. The offsets
// are llvm.GPUParamOffsets(len(args)).
func ParamBlock(args []byte, record uint64, global [3]int, rec, gs, size int64) []byte {
	b := make([]byte, size)
	copy(b, args)
	binary.LittleEndian.PutUint64(b[rec:], record)
	for d := range 3 {
		binary.LittleEndian.PutUint64(b[gs+8*int64(d):], uint64(global[d]))
	}
	return b
}
