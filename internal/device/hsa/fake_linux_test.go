//go:build linux && (amd64 || arm64)

package hsa

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"github.com/ebitengine/purego"
	"github.com/geobacter-go/geobacter/internal/backend/llvm"
	"github.com/geobacter-go/geobacter/internal/device"
	"github.com/geobacter-go/geobacter/internal/toolchain"
)

// TestFakeRuntime runs the device against testdata/fakehsa.c, a stand-in for
// libhsa-runtime64.so.1 built with the C compiler, in a child process whose LD_LIBRARY_PATH
// finds it: the binding's calls and callbacks, the probe of agents, ISAs and pools, the queue,
// code object loading, memory, argument marshalling, the AQL packet and kernarg segment, the
// completion signal and the panic readback all run here, only the kernel itself does not.
func TestFakeRuntime(t *testing.T) {
	if os.Getenv("GEOBACTER_FAKE_HSA_CHILD") != "" {
		t.Skip("in the child")
	}
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler to build the fake libhsa-runtime64.so.1")
	}
	if _, err := toolchain.Find(context.Background()); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	if out, err := exec.Command(cc, "-shared", "-fPIC", "-o", filepath.Join(dir, libraryName), "testdata/fakehsa.c").CombinedOutput(); err != nil {
		t.Skipf("building the fake %s: %v\n%s", libraryName, err, out)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFakeRuntimeChild$", "-test.v")
	cmd.Env = append(os.Environ(), "LD_LIBRARY_PATH="+dir, "GEOBACTER_FAKE_HSA_CHILD=1", "GEOBACTER_CACHE="+t.TempDir())
	out, err := cmd.CombinedOutput()
	t.Logf("child:\n%s", out)
	if err != nil || !strings.Contains(string(out), "--- PASS: TestFakeRuntimeChild") {
		t.Fatalf("child: %v", err)
	}
}

// fakeDispatch is the fake runtime's record of a dispatch.
type fakeDispatch struct {
	packet  dispatchPacket
	kernarg [512]byte
	count   int32
}

func TestFakeRuntimeChild(t *testing.T) {
	if os.Getenv("GEOBACTER_FAKE_HSA_CHILD") == "" {
		t.Skip("run by TestFakeRuntime")
	}
	ctx := context.Background()
	infos := driver{}.Probe(ctx)
	if len(infos) != 1 || !infos[0].Usable || infos[0].Name != "Fake Instinct (gfx90a, 110 CUs)" {
		t.Fatalf("Probe: %+v", infos)
	}
	dd, err := driver{}.Open(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	d := dd.(*Device)
	if d.gpu.gfx != "gfx90a" || d.gpu.features != "+sramecc,-xnack" {
		t.Errorf("ISA %q: %s %s", d.gpu.isa, d.gpu.gfx, d.gpu.features)
	}
	if l := d.Limits(); l.MaxGroupSize != 1024 || l.SharedMemoryBytes != 65536 || l.SubgroupSize != 64 || l.MaxGrid[0] != 1<<31-1 {
		t.Errorf("limits %+v", l)
	}

	lib, err := purego.Dlopen(libraryName, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		t.Fatal(err)
	}
	var lastDispatch func(*fakeDispatch) int32
	var setPanic func(uint32)
	var live func() int32
	purego.RegisterLibFunc(&lastDispatch, lib, "fake_last_dispatch")
	purego.RegisterLibFunc(&setPanic, lib, "fake_set_panic")
	purego.RegisterLibFunc(&live, lib, "fake_live")

	const n = 100
	mem, err := d.Alloc(2*4*n, 8)
	if err != nil {
		t.Fatal(err)
	}
	a32 := unsafe.Slice((*int32)(mem), 2*n)
	for i := range a32 {
		if a32[i] != 0 {
			t.Fatal("Alloc's memory is not zeroed")
		}
	}
	k := &wrapKernel{A8: make([]int8, n), B8: make([]int8, n), A16: make([]int16, n), B16: make([]int16, n),
		A32: a32[:n], B32: a32[n:], A64: make([]int64, n), B64: make([]int64, n), A: make([]int, n), B: make([]int, n),
		Out8: make([][4]int8, n), Out16: make([][4]int16, n), Out32: make([][4]int32, n), Out64: make([][4]int64, n), Out: make([][4]int, n)}
	l := &device.Launch{Kernel: k, Name: "hsa.wrapKernel", Global: [3]int{n, 1, 1}, Local: [3]int{64, 1, 1}}
	if err := d.Launch(ctx, l); err != nil {
		t.Fatal(err)
	}
	var got fakeDispatch
	if lastDispatch(&got) != 1 {
		t.Fatalf("%d dispatches", got.count)
	}
	p := got.packet
	wantHeader := uint16(packetTypeKernelDispatch | 1<<packetHeaderBarrier | fenceScopeSystem<<packetHeaderAcquireScope | fenceScopeSystem<<packetHeaderReleaseScope)
	if p.header != wantHeader || p.setup != 3 || p.workgroupSize != [3]uint16{64, 1, 1} || p.gridSize != [3]uint32{128, 1, 1} ||
		p.kernelObject != 0xabcdef || p.groupSegment != 1024 {
		t.Errorf("packet %+v", p)
	}
	word := func(off int) uint64 { return binary.LittleEndian.Uint64(got.kernarg[off:]) }
	rec, gs, _ := llvm.GPUParamOffsets(360)
	if word(4*24) != uint64(uintptr(mem)) || word(5*24) != uint64(uintptr(mem))+4*n || word(4*24+8) != n {
		t.Errorf("A32, B32 passed as %#x, %#x; fine-grained memory at %p", word(4*24), word(5*24), mem)
	}
	if a8 := word(0); a8 == 0 || a8 == uint64(uintptr(unsafe.Pointer(&k.A8[0]))) {
		t.Errorf("A8 passed as %#x: not staged", a8)
	}
	if word(int(rec)) == 0 || word(int(gs)) != n || word(int(gs)+8) != 1 || word(int(gs)+16) != 1 {
		t.Errorf("record at %#x, grid %d %d %d", word(int(rec)), word(int(gs)), word(int(gs)+8), word(int(gs)+16))
	}

	setPanic(uint32(rec))
	err = d.Launch(ctx, l)
	setPanic(0)
	var pe *device.Panic
	if !errors.As(err, &pe) || pe.WorkItem != [3]int{9, 0, 0} {
		t.Errorf("panicking launch: %v", err)
	}
	if err := d.Free(mem); err != nil {
		t.Error(err)
	}
	if err := d.Close(); err != nil {
		t.Error(err)
	}
	if n := live(); n != 0 {
		t.Errorf("after Close: %d allocations and %d executables live", n/1000, n%1000)
	}
	if err := d.Launch(ctx, l); !errors.Is(err, device.ErrClosed) {
		t.Errorf("launch on a closed device: %v", err)
	}
}
