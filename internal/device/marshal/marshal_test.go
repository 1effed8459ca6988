package marshal

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/backend/llvm"
	"github.com/geobacter-go/geobacter/internal/device"
	"github.com/geobacter-go/geobacter/internal/frontend"
	"github.com/geobacter-go/geobacter/internal/ir"
	"github.com/geobacter-go/geobacter/internal/passes"
	"github.com/geobacter-go/geobacter/internal/testkernels"
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
	access := func(i int) (bool, bool) {
		switch i {
		case field("Out"), field("Alias"):
			return false, true
		case field("Unused"):
			return false, false
		}
		return true, false
	}
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

func requireCPU() bool {
	for _, k := range strings.Split(os.Getenv("GEOBACTER_REQUIRE"), ",") {
		if strings.TrimSpace(k) == "cpu" {
			return true
		}
	}
	return false
}

func tool(t *testing.T, names ...string) string {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	msg := names[0] + " not found (Debian: apt-get install llvm-19 lld-19)"
	if requireCPU() {
		t.Fatal(msg + ", and GEOBACTER_REQUIRE names cpu")
	}
	t.Skip(msg)
	return ""
}

func run(t *testing.T, path string, stdin []byte, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", path, args, err, errb.String())
	}
	return out.Bytes()
}

// TestLayoutsMatchGPUCode checks the marshalled argument struct of every corpus kernel against
// the layouts the GPU code expects: the size and alignment of the first .param of the PTX entry
// (sm_70), and the offsets and sizes of the explicit arguments in the AMDGPU code object's
// metadata (gfx90a), which must be the offsets ParamBlock writes.
func TestLayoutsMatchGPUCode(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the corpus")
	}
	opt, llc, lld := tool(t, "opt-19", "opt"), tool(t, "llc-19", "llc"), tool(t, "ld.lld-19", "ld.lld")
	types := map[string]reflect.Type{}
	for _, c := range testkernels.Cases() {
		rt := reflect.TypeOf(c.Kernel).Elem()
		types[rt.PkgPath()+"."+rt.Name()] = rt
	}
	prog, err := frontend.Load(context.Background(), frontend.Config{Dir: "../../.."}, "./internal/testkernels")
	if err != nil {
		t.Fatal(err)
	}
	nv, err := llvm.NVPTX(70, 70, [3]int64{})
	if err != nil {
		t.Fatal(err)
	}
	amd, err := llvm.AMDGPU("gfx90a", "", [3]int64{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	checked := 0
	for _, k := range prog.Kernels() {
		rt, ok := types[k.Type.String()]
		if !ok {
			continue // a kernel no case launches
		}
		l, err := LayoutOf(rt)
		if err != nil {
			t.Errorf("%s: %v", k.Name, err)
			continue
		}
		m, err := prog.Compile([]*frontend.Kernel{k})
		if err == nil {
			err = passes.Run(m, passes.Options{})
		}
		if err != nil {
			t.Fatalf("%s: %v", k.Name, err)
		}
		for _, g := range []*llvm.GPU{nv, amd} {
			out, err := llvm.EmitModule(m, &g.Target)
			if err != nil {
				continue // refused (math functions): TestGPUCorpus lists them
			}
			sym := out.Kernels[0].Symbol
			args := []string{"-mtriple=" + g.Triple, "-mcpu=" + g.CPU}
			o := run(t, opt, []byte(out.Text), append([]string{"-S", "-O3"}, args...)...)
			if g == nv {
				entries, err := llvm.ParsePTXEntries(string(run(t, llc, o, append([]string{"-O3"}, args...)...)))
				if err != nil || len(entries) != 1 || entries[0].Name != sym {
					t.Fatalf("%s: PTX entries %v, %v", k.Name, entries, err)
				}
				p := entries[0].Params[0]
				if p.Size != int64(max(l.Size, 1)) || p.Align != int64(max(l.Align, 1)) {
					t.Errorf("%s: PTX takes the arguments as %d bytes aligned to %d; marshalled: %d bytes aligned to %d",
						k.Name, p.Size, p.Align, l.Size, l.Align)
				}
				continue
			}
			obj := run(t, llc, o, append([]string{"-O3", "-filetype=obj"}, args...)...)
			in, co := fmt.Sprintf("%s/%s.o", dir, sym), fmt.Sprintf("%s/%s.co", dir, sym)
			if err := os.WriteFile(in, obj, 0o600); err != nil {
				t.Fatal(err)
			}
			run(t, lld, nil, "-shared", "-o", co, in)
			data, err := os.ReadFile(co)
			if err != nil {
				t.Fatal(err)
			}
			c, err := llvm.ReadCodeObject(data)
			if err != nil {
				t.Fatalf("%s: %v", k.Name, err)
			}
			rec, gs, size := llvm.GPUParamOffsets(int64(l.Size))
			a := c.Kernels[0].Args
			if a[0].Offset != 0 || a[0].Size != int64(max(l.Size, 1)) || a[1].Offset != rec || a[2].Offset != gs ||
				a[4].Offset+a[4].Size != size {
				t.Errorf("%s: kernarg layout %+v; marshalled %d bytes, record at %d, sizes at %d, %d in all",
					k.Name, a, l.Size, rec, gs, size)
			}
		}
		checked++
	}
	if checked < 20 {
		t.Errorf("only %d corpus kernels matched a case's type", checked)
	}
	t.Logf("%d kernels' layouts checked against PTX and AMDGPU metadata", checked)
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
