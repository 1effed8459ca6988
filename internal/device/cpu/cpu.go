// Package cpu is the `cpu` device: it compiles a kernel's IR to native code for the host CPU
// through LLVM and runs it in-process over all cores.
//
// A kernel is compiled once per kernel type, on its first launch: its IR is found as the interp
// device finds it (irsource), optimised by the passes, lowered to LLVM IR by internal/backend/llvm
// for the host target, run through opt at -O3 for the host's exact CPU and features, llc and
// ld.lld (internal/toolchain) into a shared object, and loaded with purego's dlopen (no cgo). The
// shared object exports <sym>_run, which runs a range of work-groups (see the CPU kernel ABI in
// internal/backend/llvm). A failed compile is not cached: a later launch tries again.
//
// A launch splits the grid's groups into one contiguous range per worker (GOMAXPROCS of them),
// each worker with its own launch context and shared memory, and each range into a few chunks;
// the first failure in grid order becomes a *device.Panic. Native code cannot be interrupted, so
// cancelling the launch's context takes effect between chunks: a worker checks the context
// before each of its chunks and the launch returns the context's error.
//
// The math functions the backend calls (geobacter_exp, geobacter_sin, ...) are defined in the
// module as calls of the C library's functions of the same name (math.Mod is fmod), and the
// shared object is linked against libm.
//
// Kernels with barriers run by loop fission (see internal/backend/llvm): each worker also has a
// frame per work-item of a group, which the launch context points to.
//
// A kernel is compiled for the group size of its launch (irsource.Variant.Group): the group's
// extent is then a constant in the code, which lets LLVM bound the local ids (shared-memory
// indices, loops over a group) and unroll and vectorise around them. A program launched with
// several group sizes is compiled once for each.
//
// Compiled programs are cached twice. In the process, the map per kernel type and variant
// (irsource.Variant: the values of its geobacter:"const" fields, whether checks are removed,
// the group size): a hit costs no hashing of IR and takes no lock. On a miss there, the disk cache (internal/cache) is consulted before running the
// toolchain, keyed by the LLVM IR text, the target, the toolchain, Geobacter's own build and the
// link flags; a miss builds the shared object and stores it. Either way the shared object is
// written into a temporary directory made once per process and left there (deleting a loaded
// object could let a later one reuse its inode, which dlopen would take for the same library).
package cpu

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/backend/llvm"
	"github.com/geobacter-go/geobacter/internal/device"
	"github.com/geobacter-go/geobacter/internal/ir"
	"github.com/geobacter-go/geobacter/internal/irsource"
	"github.com/geobacter-go/geobacter/internal/toolchain"
)

// Kind is the device kind's name.
const Kind = "cpu"

// fix is what to do when the toolchain is missing.
const fix = "apt-get install llvm-19 lld-19"

var limits = device.PortableLimits

func init() { device.Register(driver{}) }

type driver struct{}

func (driver) Kind() string { return Kind }

func (driver) Probe(ctx context.Context) []device.Info {
	return []device.Info{info(ctx)}
}

// host finds the toolchain and the host target, or says why the device is unusable.
func host(ctx context.Context) (*toolchain.Toolchain, toolchain.Target, error) {
	// Finding and probing LLVM starts about ten processes: a success is kept for the process (a
	// failure is not, so that installing LLVM while a program runs is noticed).
	hostMu.Lock()
	defer hostMu.Unlock()
	if hostTC != nil {
		return hostTC, hostTarget, nil
	}
	tc, t, err := findHost(ctx)
	if err == nil {
		hostTC, hostTarget = tc, t
	}
	return tc, t, err
}

var (
	hostMu     sync.Mutex
	hostTC     *toolchain.Toolchain
	hostTarget toolchain.Target
)

func findHost(ctx context.Context) (*toolchain.Toolchain, toolchain.Target, error) {
	if runtime.GOARCH != "amd64" {
		return nil, toolchain.Target{}, fmt.Errorf("the cpu device supports amd64 only, not %s", runtime.GOARCH)
	}
	if err := loaderUsable(); err != nil {
		return nil, toolchain.Target{}, err
	}
	tc, err := toolchain.Find(ctx)
	if err != nil {
		return nil, toolchain.Target{}, err
	}
	t, err := tc.Host()
	if err != nil {
		return nil, toolchain.Target{}, err
	}
	return tc, t, nil
}

func info(ctx context.Context) device.Info {
	in := device.Info{Kind: Kind, Name: "host CPU (native code through LLVM)", Type: device.TypeCPU}
	tc, t, err := host(ctx)
	if err != nil {
		in.Reason = err.Error()
		in.Fix = fix
		return in
	}
	in.Usable = true
	in.Name = fmt.Sprintf("host CPU %s (LLVM %d)", t.CPU, tc.Major())
	return in
}

func (driver) Open(ctx context.Context, index int) (device.Device, error) {
	if index != 0 {
		return nil, fmt.Errorf("there is one cpu device, cpu:0; cpu:%d does not exist", index)
	}
	in := info(ctx)
	if !in.Usable {
		return nil, fmt.Errorf("the cpu device is not usable: %s (fix: %s)", in.Reason, in.Fix)
	}
	return &Device{info: in}, nil
}

// Device is an open cpu device.
type Device struct{ info device.Info }

// Info describes the cpu device.
func (d *Device) Info() device.Info { return d.info }

// Limits are the portable limits, as on the go device.
func (*Device) Limits() device.Limits { return limits }

// DefaultGroup is the go device's choice: 256, 16×16, 8×8×4.
func (*Device) DefaultGroup(dims int) [3]int { return device.DefaultGroup(dims) }

// Close does nothing: compiled kernels stay loaded in the process.
func (*Device) Close() error { return nil }

// Launch compiles the kernel (once per kernel type) and runs it over the grid on the kernel's own
// argument struct.
func (*Device) Launch(ctx context.Context, l *device.Launch) error {
	v := irsource.VariantOf(l.Kernel, l.Unchecked).WithGroup(l.Local)
	p, err := programFor(ctx, v)
	if err != nil {
		return err
	}
	return p.launch(ctx, l)
}

var programs device.Programs[irsource.Variant, *program]

// programFor returns the program of variant v, compiling it on the first launch.
func programFor(ctx context.Context, v irsource.Variant) (*program, error) {
	return programs.Get(v, func() (*program, error) { return compile(ctx, v) })
}

// program is one compiled kernel: its entry point and what a launch needs to call it.
type program struct {
	run                     uintptr // <sym>_run
	sharedSize, sharedAlign int64
	frameSize               int64 // bytes of a work-item's frame (kernels with barriers), or 0
	sites                   []ir.Site
	keep                    any // what keeps the loaded code alive (the library handle)
}

// failure is a failed work-item as a launch context records it.
type failure struct {
	site  uint64
	x, y  int64
	item  [3]int
	valid bool
}

// launch runs the program over l's grid.
func (p *program) launch(ctx context.Context, l *device.Launch) error {
	var groups [3]int64
	total := int64(1)
	for d := range 3 {
		groups[d] = int64((l.Global[d] + l.Local[d] - 1) / l.Local[d])
		total *= groups[d]
	}
	workers := int64(runtime.GOMAXPROCS(0))
	if workers > total {
		workers = total
	}
	args := reflect.ValueOf(l.Kernel).UnsafePointer()
	fails := make([]failure, workers)
	errs := make([]error, workers)
	work := func(w int64) {
		first, end := total*w/workers, total*(w+1)/workers
		fails[w], errs[w] = p.runRange(ctx, l, groups, args, first, end)
	}
	if workers == 1 {
		work(0)
	} else {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() { work(w) })
		}
		wg.Wait()
	}
	for w := range workers {
		if f := fails[w]; f.valid {
			return p.panicOf(l, f)
		}
		if errs[w] != nil {
			return errs[w]
		}
	}
	return nil
}

// chunksPerWorker is how many pieces a worker's range is run in, checking for cancellation
// before each.
const chunksPerWorker = 8

// runRange runs groups first..end-1 on one worker, with its own context and shared memory.
func (p *program) runRange(ctx context.Context, l *device.Launch, groups [3]int64, args unsafe.Pointer, first, end int64) (failure, error) {
	var c [llvm.CtxSize / 8]uint64
	for d := range 3 {
		c[d] = uint64(l.Global[d])
		c[3+d] = uint64(l.Local[d])
		c[6+d] = uint64(groups[d])
	}
	var shared []uint64
	if p.sharedSize > 0 {
		align := max(p.sharedAlign, 8)
		shared = make([]uint64, (p.sharedSize+align+7)/8)
		c[12] = alignUp(uint64(uintptr(unsafe.Pointer(&shared[0]))), uint64(align))
	}
	var frames []uint64
	if p.frameSize > 0 {
		// One frame per work-item of a group, aligned to 16 (see the CPU kernel ABI).
		n := p.frameSize * int64(l.Local[0]) * int64(l.Local[1]) * int64(l.Local[2])
		frames = make([]uint64, (n+16+7)/8)
		c[19] = alignUp(uint64(uintptr(unsafe.Pointer(&frames[0]))), 16)
	}
	step := max((end-first+chunksPerWorker-1)/chunksPerWorker, 1)
	for lo := first; lo < end; lo += step {
		if err := ctx.Err(); err != nil {
			return failure{}, err
		}
		hi := min(lo+step, end)
		call(p.run, args, &c, lo, hi)
		if c[13] != 0 {
			f := failure{site: c[13] - 1, x: int64(c[14]), y: int64(c[15]), valid: true}
			for d := range 3 {
				f.item[d] = int(int64(c[16+d]))
			}
			runtime.KeepAlive(shared)
			runtime.KeepAlive(frames)
			return f, nil
		}
	}
	runtime.KeepAlive(shared)
	runtime.KeepAlive(frames)
	return failure{}, nil
}

func alignUp(p, align uint64) uint64 { return (p + align - 1) &^ (align - 1) }

// panicOf turns a recorded failure into the device's panic.
func (p *program) panicOf(l *device.Launch, f failure) error {
	if f.site >= uint64(len(p.sites)) {
		return fmt.Errorf("geobacter: BUG: kernel %s failed at panic site %d of %d", l.Name, f.site, len(p.sites))
	}
	s := p.sites[f.site]
	return &device.Panic{Kernel: l.Name, Pos: s.Pos.LineString(), Msg: s.Message(f.x, f.y), WorkItem: f.item}
}
