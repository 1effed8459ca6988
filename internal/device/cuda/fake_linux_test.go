//go:build linux && (amd64 || arm64)

package cuda

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
	"github.com/geobacter-go/geobacter/internal/device"
	"github.com/geobacter-go/geobacter/internal/toolchain"
)

// TestFakeDriver runs the device against testdata/fakecuda.c, a stand-in for libcuda.so.1
// built with the C compiler, in a child process whose LD_LIBRARY_PATH finds it: the binding's
// calls, the probe, module loading with the JIT log, managed memory, argument marshalling,
// the launch's parameters and grid, event polling and the panic readback all run here, only the
// kernel itself does not.
func TestFakeDriver(t *testing.T) {
	if os.Getenv("GEOBACTER_FAKE_CUDA_CHILD") != "" {
		t.Skip("in the child")
	}
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler to build the fake libcuda.so.1")
	}
	if _, err := toolchain.Find(context.Background()); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	if out, err := exec.Command(cc, "-shared", "-fPIC", "-o", filepath.Join(dir, "libcuda.so.1"), "testdata/fakecuda.c").CombinedOutput(); err != nil {
		t.Skipf("building the fake libcuda.so.1: %v\n%s", err, out)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFakeDriverChild$", "-test.v")
	cmd.Env = append(os.Environ(), "LD_LIBRARY_PATH="+dir, "GEOBACTER_FAKE_CUDA_CHILD=1", "GEOBACTER_CACHE="+t.TempDir())
	out, err := cmd.CombinedOutput()
	t.Logf("child:\n%s", out)
	if err != nil || !strings.Contains(string(out), "--- PASS: TestFakeDriverChild") {
		t.Fatalf("child: %v", err)
	}
}

// fakeLaunch is the fake driver's record of a launch.
type fakeLaunch struct {
	grid, block [3]uint32
	shared      uint32
	rec         uint64
	gs          [3]uint64
	args        [512]byte
	count       int32
}

func TestFakeDriverChild(t *testing.T) {
	if os.Getenv("GEOBACTER_FAKE_CUDA_CHILD") == "" {
		t.Skip("run by TestFakeDriver")
	}
	ctx := context.Background()
	infos := driver{}.Probe(ctx)
	if len(infos) != 1 || !infos[0].Usable || infos[0].Name != "Fake GPU (sm_86, 46 SMs, 8192 MiB)" {
		t.Fatalf("Probe: %+v", infos)
	}
	dd, err := driver{}.Open(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	d := dd.(*Device)
	if l := d.Limits(); l.MaxGroupSize != 1024 || l.MaxGroup != [3]int{1024, 1024, 64} || l.SharedMemoryBytes != 49152 || l.SubgroupSize != 32 {
		t.Errorf("limits %+v", l)
	}
	// The JIT's error log is part of the error.
	err = d.with(func() error { _, err := loadModule("not PTX"); return err })
	if err == nil || !strings.Contains(err.Error(), "CUDA_ERROR_INVALID_PTX") || !strings.Contains(err.Error(), "no kernel entry in the fake PTX") {
		t.Errorf("loading bad PTX: %v", err)
	}

	lib, err := purego.Dlopen(libraryName, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		t.Fatal(err)
	}
	var lastLaunch func(*fakeLaunch) int32
	var setPanic func(int32)
	purego.RegisterLibFunc(&lastLaunch, lib, "fake_last_launch")
	purego.RegisterLibFunc(&setPanic, lib, "fake_set_panic")

	// A launch: A32 and B32 in managed memory, the rest Go memory, staged.
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
	l := &device.Launch{Kernel: k, Name: "cuda.wrapKernel", Global: [3]int{n, 1, 1}, Local: [3]int{64, 1, 1}}
	if err := d.Launch(ctx, l); err != nil {
		t.Fatal(err)
	}
	var got fakeLaunch
	if lastLaunch(&got) != 1 {
		t.Fatalf("%d launches", got.count)
	}
	if got.grid != [3]uint32{2, 1, 1} || got.block != [3]uint32{64, 1, 1} || got.gs != [3]uint64{n, 1, 1} || got.rec == 0 {
		t.Errorf("launch %+v", got)
	}
	word := func(off int) uint64 { return binary.LittleEndian.Uint64(got.args[off:]) }
	if word(4*24) != uint64(uintptr(mem)) || word(5*24) != uint64(uintptr(mem))+4*n || word(4*24+8) != n {
		t.Errorf("A32, B32 passed as %#x, %#x (len %d); managed memory at %p", word(4*24), word(5*24), word(4*24+8), mem)
	}
	if a8 := word(0); a8 == 0 || a8 == uint64(uintptr(unsafe.Pointer(&k.A8[0]))) {
		t.Errorf("A8 passed as %#x: not staged", a8)
	}

	// A launch whose context is cancelled: the fake's event is not ready at first.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := d.Launch(cctx, l); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled launch: %v", err)
	}

	// A launch that panics.
	setPanic(1)
	err = d.Launch(ctx, l)
	setPanic(0)
	var p *device.Panic
	if !errors.As(err, &p) || p.WorkItem != [3]int{7, 0, 0} || p.Kernel != "cuda.wrapKernel" {
		t.Errorf("panicking launch: %v", err)
	}
	if err := d.Free(mem); err != nil {
		t.Error(err)
	}
	if err := d.Close(); err != nil {
		t.Error(err)
	}
	if err := d.Launch(ctx, l); !errors.Is(err, device.ErrClosed) {
		t.Errorf("launch on a closed device: %v", err)
	}
}
