package marshal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/backend/llvm"
	"github.com/geobacter-go/geobacter/internal/device"
	"github.com/geobacter-go/geobacter/internal/ir"
)

// fakeMemory is device memory for marshalling tests: one block of Go memory whose device
// addresses are its host addresses plus deviceOffset, and staging copies made from Go memory too.
type fakeMemory struct {
	block    []byte
	staged   [][]byte
	released int
}

const deviceOffset = 1 << 40

func (m *fakeMemory) Address(p, n uintptr) (uint64, bool) {
	base := uintptr(unsafe.Pointer(&m.block[0]))
	if p >= base && p+n <= base+uintptr(len(m.block)) {
		return uint64(p) + deviceOffset, true
	}
	return 0, false
}

type fakeBuffer struct {
	m *fakeMemory
	b []byte
}

func (b *fakeBuffer) Addr() uint64             { return uint64(uintptr(unsafe.Pointer(&b.b[0]))) + 2*deviceOffset }
func (b *fakeBuffer) CopyIn(src []byte) error  { copy(b.b, src); return nil }
func (b *fakeBuffer) CopyOut(dst []byte) error { copy(dst, b.b); return nil }
func (b *fakeBuffer) Release()                 { b.m.released++ }

func (m *fakeMemory) Stage(n uintptr) (Buffer, error) {
	b := make([]byte, n)
	m.staged = append(m.staged, b)
	return &fakeBuffer{m, b}, nil
}

// hostOf returns the staged copy whose device address is addr, and the offset in it.
func (m *fakeMemory) hostOf(addr uint64) ([]byte, int) {
	for _, b := range m.staged {
		base := uint64(uintptr(unsafe.Pointer(&b[0]))) + 2*deviceOffset
		if addr >= base && addr < base+uint64(len(b)) {
			return b, int(addr - base)
		}
	}
	return nil, -1
}

type inner struct {
	N    int32
	Data []float32
}

type marshalArgs struct {
	A       float32
	Dev     []int32 // device memory
	In      []int32 // Go memory, read
	Out     []int32 // Go memory, written
	Alias   []int32 // Out[2:], written through another field
	Nil     []int32
	P       *int64
	Pairs   [2]inner
	Unused  []int32
	Trailer int16
}

func word(b []byte, off uintptr) uint64 { return binary.LittleEndian.Uint64(b[off:]) }

func TestMarshal(t *testing.T) {
	mem := &fakeMemory{block: make([]byte, 64)}
	dev := unsafe.Slice((*int32)(unsafe.Pointer(&mem.block[0])), 16)
	in := []int32{1, 2, 3}
	out := []int32{10, 11, 12, 13, 14}
	p := new(int64)
	*p = 99
	pair0, pair1 := []float32{1.5}, []float32{2.5, 3.5}
	args := &marshalArgs{A: 2, Dev: dev[4:8], In: in, Out: out, Alias: out[2:], P: p,
		Pairs: [2]inner{{1, pair0}, {2, pair1}}, Unused: []int32{7}, Trailer: -3}
	typ := reflect.TypeFor[marshalArgs]()
	l, err := LayoutOf(typ)
	if err != nil {
		t.Fatal(err)
	}
	field := func(name string) int { f, _ := typ.FieldByName(name); return f.Index[0] }
	access := make([]ir.Access, typ.NumField())
	for i := range access {
		access[i] = ir.AccessRead
	}
	access[field("Out")], access[field("Alias")] = ir.AccessWrite, ir.AccessWrite
	access[field("Unused")] = ir.AccessNone
	m, err := Marshal(l, unsafe.Pointer(args), access, mem)
	if err != nil {
		t.Fatal(err)
	}
	off := func(name string) uintptr { f, _ := typ.FieldByName(name); return f.Offset }

	// Plain bytes are copied as they are, lengths and caps too.
	if got := *(*float32)(unsafe.Pointer(&m.Bytes[off("A")])); got != 2 {
		t.Errorf("A = %v", got)
	}
	if got := *(*int16)(unsafe.Pointer(&m.Bytes[off("Trailer")])); got != -3 {
		t.Errorf("Trailer = %v", got)
	}
	if got := word(m.Bytes, off("Out")+8); got != 5 {
		t.Errorf("len(Out) = %d", got)
	}
	// Device memory: its address, no copy.
	if got, want := word(m.Bytes, off("Dev")), uint64(uintptr(unsafe.Pointer(&dev[4])))+deviceOffset; got != want {
		t.Errorf("Dev at %#x, want %#x", got, want)
	}
	if got := word(m.Bytes, off("Nil")); got != 0 {
		t.Errorf("nil slice at %#x, want 0", got)
	}
	if got := word(m.Bytes, off("Unused")); got != 0 {
		t.Errorf("unused slice at %#x, want 0 (not staged)", got)
	}
	// Out and Alias share one copy, Alias 8 bytes in.
	outCopy, outOff := mem.hostOf(word(m.Bytes, off("Out")))
	aliasCopy, aliasOff := mem.hostOf(word(m.Bytes, off("Alias")))
	if outCopy == nil || &outCopy[0] != &aliasCopy[0] || outOff != 0 || aliasOff != 8 {
		t.Fatalf("Out and Alias are not one copy: %d/%d", outOff, aliasOff)
	}
	inCopy, _ := mem.hostOf(word(m.Bytes, off("In")))
	if got := unsafe.Slice((*int32)(unsafe.Pointer(&inCopy[0])), 3); !reflect.DeepEqual(got, in) {
		t.Errorf("In's copy holds %v", got)
	}
	pCopy, _ := mem.hostOf(word(m.Bytes, off("P")))
	if got := *(*int64)(unsafe.Pointer(&pCopy[0])); got != 99 {
		t.Errorf("*P's copy holds %d", got)
	}
	pairsOff := off("Pairs") + reflect.TypeFor[inner]().Size() + 8 // Pairs[1].Data
	pairCopy, _ := mem.hostOf(word(m.Bytes, pairsOff))
	if pairCopy == nil || *(*float32)(unsafe.Pointer(&pairCopy[4])) != 3.5 {
		t.Errorf("Pairs[1].Data not staged")
	}
	if m.Staged() != 5 || len(mem.staged) != 5 { // In, Out+Alias, P, Pairs[0].Data, Pairs[1].Data
		t.Errorf("%d copies staged, want 5", len(mem.staged))
	}

	// The kernel writes: only written memory goes back.
	*(*int32)(unsafe.Pointer(&outCopy[12])) = -13
	*(*int32)(unsafe.Pointer(&inCopy[0])) = -1
	if err := m.Finish(); err != nil {
		t.Fatal(err)
	}
	if out[3] != -13 || args.Alias[1] != -13 {
		t.Errorf("written copy not copied back: out = %v", out)
	}
	if in[0] != 1 {
		t.Errorf("read-only copy copied back: in = %v", in)
	}
	if mem.released != 5 {
		t.Errorf("%d copies released, want 5", mem.released)
	}
}

func TestLayoutRejectsPointersInBuffers(t *testing.T) {
	type bad struct{ Rows [][]float32 }
	_, err := LayoutOf(reflect.TypeFor[bad]())
	if err == nil || !strings.Contains(err.Error(), "Rows[i] is a []float32, which holds a pointer") {
		t.Fatalf("layout of a slice of slices: %v", err)
	}
}

func TestParamBlock(t *testing.T) {
	rec, gs, size := llvm.GPUParamOffsets(20)
	b := ParamBlock(bytes.Repeat([]byte{7}, 20), 0x1234, [3]int{5, 6, 7}, rec, gs, size)
	if rec != 24 || gs != 32 || size != 56 || len(b) != 56 {
		t.Fatalf("offsets %d %d %d, block %d bytes", rec, gs, size, len(b))
	}
	if b[19] != 7 || b[20] != 0 || word(b, 24) != 0x1234 || word(b, 32) != 5 || word(b, 48) != 7 {
		t.Errorf("block % x", b)
	}
}

// TestPanic decodes panic records as the GPU ABI lays them out.
func TestPanic(t *testing.T) {
	sites := []ir.Site{{Kind: ir.SiteDivide, Pos: ir.Pos{File: "k.go", Line: 3}},
		{Kind: ir.SiteBounds, Bounds: ir.BoundsIndex, Signed: true, Pos: ir.Pos{File: "k.go", Line: 7}}}
	l := &device.Launch{Name: "main.K"}
	rec := make([]byte, llvm.GPUPanicRecordSize)
	if err := Panic(l, sites, rec); err != nil {
		t.Fatalf("a zero record: %v", err)
	}
	binary.LittleEndian.PutUint32(rec[llvm.GPURecordState:], 1)
	binary.LittleEndian.PutUint32(rec[llvm.GPURecordSite:], 2)
	binary.LittleEndian.PutUint64(rec[llvm.GPURecordX:], 5)
	binary.LittleEndian.PutUint64(rec[llvm.GPURecordY:], 3)
	for d, v := range []uint32{9, 1, 0} {
		binary.LittleEndian.PutUint32(rec[llvm.GPURecordItem+4*d:], v)
	}
	var p *device.Panic
	if err := Panic(l, sites, rec); !errors.As(err, &p) {
		t.Fatalf("Panic: %v", err)
	}
	if p.Msg != "runtime error: index out of range [5] with length 3" || p.WorkItem != [3]int{9, 1, 0} || p.Pos != "k.go:7" {
		t.Errorf("panic %+v", p)
	}
	binary.LittleEndian.PutUint32(rec[llvm.GPURecordSite:], 9)
	if err := Panic(l, sites, rec); err == nil || !strings.Contains(err.Error(), "BUG") {
		t.Errorf("a record naming no site: %v", err)
	}
}
