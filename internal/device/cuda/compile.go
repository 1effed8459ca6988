package cuda

import (
	"context"
	"fmt"
	"strings"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/backend/llvm"
	"github.com/geobacter-go/geobacter/internal/cache"
	"github.com/geobacter-go/geobacter/internal/device"
	"github.com/geobacter-go/geobacter/internal/ir"
	"github.com/geobacter-go/geobacter/internal/irsource"
	"github.com/geobacter-go/geobacter/internal/mathlib"
	"github.com/geobacter-go/geobacter/internal/toolchain"
)

// program is one kernel variant loaded on one device.
type program struct {
	module, fn uintptr
	symbol     string
	sites      []ir.Site
	access     []ir.Access
	argsSize   int64
	maxThreads int // the most work-items a group of this kernel may have (registers permitting)
}

type programKey struct {
	dev *Device
	v   irsource.Variant
}

var programs device.Programs[programKey, *program]

// programFor returns the program of variant v on d, compiling and loading it on the first launch;
// a failure is not kept, so that a later launch tries again.
func (d *Device) programFor(ctx context.Context, v irsource.Variant) (*program, error) {
	return programs.Get(programKey{d, v}, func() (*program, error) { return d.compile(ctx, v) })
}

// unloadModules releases d's programs and forgets them.
func unloadModules(d *Device) error {
	var first error
	programs.Range(func(key programKey, p *program) bool {
		if key.dev != d {
			return true
		}
		programs.Delete(key)
		if err := check("cuModuleUnload", api.cuModuleUnload(p.module)); err != nil && first == nil {
			first = err
		}
		return true
	})
	return first
}

// llvmSMs are the SM versions LLVM 19's NVPTX backend knows that the cuda device targets.
var llvmSMs = []int{70, 72, 75, 80, 86, 87, 89, 90}

// TargetSM returns the SM version to compile for on a GPU of compute capability sm
// (major*10+minor): the newest LLVM knows that is not newer (the driver compiles PTX for an
// older SM on newer GPUs).
func TargetSM(sm int) (int, error) {
	best := 0
	for _, s := range llvmSMs {
		if s <= sm {
			best = s
		}
	}
	if best == 0 {
		return 0, fmt.Errorf("cuda: compute capability %d.%d is older than 7.0", sm/10, sm%10)
	}
	return best, nil
}

// Target returns the NVPTX target for a GPU of compute capability sm under a driver of version
// driver (cuDriverGetVersion's), specialised for group size group.
func Target(sm, driver int, group [3]int64) (*llvm.GPU, error) {
	s, err := TargetSM(sm)
	if err != nil {
		return nil, err
	}
	ptx := llvm.PTXForDriver(driver)
	if ptx < llvm.MinPTX(s) {
		return nil, fmt.Errorf("cuda: the driver (CUDA %d.%d) reads PTX %d.%d, older than sm_%d needs; update the NVIDIA driver",
			driver/1000, driver%1000/10, ptx/10, ptx%10, s)
	}
	return llvm.NVPTX(s, ptx, group)
}

// pipeline names how PTX is made from LLVM IR, for the disk cache's key.
const pipeline = "opt -O3; llc asm"

// CompilePTX compiles kernel variant v for a GPU of compute capability sm under a driver of
// version driver: the PTX, the kernel's entry and the module's panic sites. The PTX comes from
// the disk cache when it holds it.
func CompilePTX(ctx context.Context, v irsource.Variant, sm, driver int) (ptx string, k *llvm.Kernel, f *ir.Func, sites []ir.Site, err error) {
	tc, err := toolchain.Find(ctx)
	if err != nil {
		return "", nil, nil, nil, err
	}
	opts := v.Options()
	opts.SoftMath = mathlib.Transcendental // no libdevice/ocml: Go's own exp, log, sin, ...
	mod, f, err := irsource.Kernel(ctx, v.Type, opts)
	if err != nil {
		return "", nil, nil, nil, err
	}
	g, err := Target(sm, driver, v.Group)
	if err != nil {
		return "", nil, nil, nil, err
	}
	out, err := llvm.EmitModule(mod, &g.Target)
	if err != nil {
		return "", nil, nil, nil, fmt.Errorf("compiling %s for %s: %w", f.Name, g.CPU, err)
	}
	for _, x := range out.Kernels {
		if x.Name == f.Name {
			k = x
		}
	}
	if k == nil {
		return "", nil, nil, nil, fmt.Errorf("geobacter: BUG: the NVPTX backend emitted no entry point for %s", f.Name)
	}
	target := toolchain.Target{Triple: g.Triple, DataLayout: g.DataLayout, CPU: g.CPU, Features: g.Features}
	dc, _ := cache.Open()
	var key string
	if dc != nil {
		ck := cache.NewKey(Kind)
		ck.Add("llvm", out.Text)
		ck.Add("target", target.String())
		ck.Add("toolchain", tc.String())
		ck.Add("compiler", cache.CompilerID())
		ck.Add("pipeline", pipeline)
		key = ck.Sum()
		if b, ok := dc.Get(key); ok {
			return string(b), k, f, out.Sites, nil
		}
	}
	opt, err := tc.Optimize(ctx, []byte(out.Text), target, toolchain.OptimizeOptions{Level: "O3"})
	if err != nil {
		return "", nil, nil, nil, fmt.Errorf("compiling %s: %w", f.Name, err)
	}
	asm, err := tc.Compile(ctx, opt.Output, target, toolchain.Assembly)
	if err != nil {
		return "", nil, nil, nil, fmt.Errorf("compiling %s: %w", f.Name, err)
	}
	if dc != nil {
		dc.Put(key, asm.Output)
	}
	return string(asm.Output), k, f, out.Sites, nil
}

// compile compiles variant v for d and loads it.
func (d *Device) compile(ctx context.Context, v irsource.Variant) (*program, error) {
	ptx, k, f, sites, err := CompilePTX(ctx, v, d.gpu.sm, driverVersion)
	if err != nil {
		return nil, err
	}
	p := &program{symbol: k.Symbol, sites: sites, access: f.Access, argsSize: k.ArgsSize}
	err = d.with(func() error {
		m, err := loadModule(ptx)
		if err != nil {
			return fmt.Errorf("loading %s on %s: %w", f.Name, d, err)
		}
		p.module = m
		if err := check("cuModuleGetFunction", api.cuModuleGetFunction(&p.fn, m, k.Symbol+"\x00")); err != nil {
			api.cuModuleUnload(m)
			return err
		}
		var n int32
		if err := check("cuFuncGetAttribute", api.cuFuncGetAttribute(&n, funcAttrMaxThreadsPerBlock, p.fn)); err != nil {
			api.cuModuleUnload(m)
			return err
		}
		p.maxThreads = int(n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// jitLogSize is the size of each of the JIT's log buffers.
const jitLogSize = 16 << 10

// loadModule JIT-compiles PTX into a module of the current context. A failure's error carries
// the JIT's error log.
func loadModule(ptx string) (uintptr, error) {
	// Everything the driver reads or writes during the call is in one block of Go memory, kept
	// alive (and unmoved: heap memory does not move) until the call returns.
	image := append([]byte(ptx), 0)
	errLog := make([]byte, jitLogSize)
	infoLog := make([]byte, jitLogSize)
	opts := []int32{jitErrorLogBuffer, jitErrorLogBufferSizeBytes, jitInfoLogBuffer, jitInfoLogBufferSizeBytes}
	vals := []uintptr{uintptr(unsafe.Pointer(&errLog[0])), jitLogSize, uintptr(unsafe.Pointer(&infoLog[0])), jitLogSize}
	var pin pinner
	pin.pin(&image[0], &errLog[0], &infoLog[0], &opts[0], &vals[0])
	defer pin.unpin()
	var m uintptr
	r := api.cuModuleLoadDataEx(&m, unsafe.Pointer(&image[0]), uint32(len(opts)), unsafe.Pointer(&opts[0]), unsafe.Pointer(&vals[0]))
	if err := check("cuModuleLoadDataEx", r); err != nil {
		if msg := strings.TrimSpace(cString(&errLog[0])); msg != "" {
			return 0, fmt.Errorf("%w; JIT log:\n%s", err, msg)
		}
		return 0, err
	}
	return m, nil
}
