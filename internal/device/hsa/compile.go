package hsa

import (
	"context"
	"fmt"
	"runtime"
	"unsafe"

	"github.com/geobacter-go/geobacter/internal/backend/llvm"
	"github.com/geobacter-go/geobacter/internal/cache"
	"github.com/geobacter-go/geobacter/internal/device"
	"github.com/geobacter-go/geobacter/internal/ir"
	"github.com/geobacter-go/geobacter/internal/irsource"
	"github.com/geobacter-go/geobacter/internal/mathlib"
	"github.com/geobacter-go/geobacter/internal/toolchain"
)

// program is one kernel variant loaded on one agent.
type program struct {
	executable   uint64
	kernelObject uint64
	kernargSize  uint32
	groupSize    uint32 // static group segment bytes
	privateSize  uint32 // private segment bytes per work-item
	argsSize     int64
	maxGroup     int // the largest group the kernel allows (.max_flat_workgroup_size)
	hidden       []llvm.CodeObjectArg
	sites        []ir.Site
	access       []ir.Access
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

// unloadPrograms releases d's programs and forgets them.
func unloadPrograms(d *Device) error {
	var first error
	programs.Range(func(key programKey, p *program) bool {
		if key.dev != d {
			return true
		}
		programs.Delete(key)
		if err := check("hsa_executable_destroy", api.hsa_executable_destroy(p.executable)); err != nil && first == nil {
			first = err
		}
		return true
	})
	return first
}

// pipeline names how a code object is made from LLVM IR, for the disk cache's key.
const pipeline = "opt -O3; llc obj; ld.lld -shared"

// Compiled is a kernel variant compiled for an AMDGPU architecture.
type Compiled struct {
	CodeObject []byte
	Kernel     *llvm.Kernel
	Func       *ir.Func
	Sites      []ir.Site
	Meta       llvm.CodeObjectKernel // the kernel's metadata and descriptor in the code object
}

// Compile compiles kernel variant v for architecture gfx with llc features features: the code
// object, from the disk cache when it holds it, and its kernel's metadata.
func Compile(ctx context.Context, v irsource.Variant, gfx, features string) (*Compiled, error) {
	tc, err := toolchain.Find(ctx)
	if err != nil {
		return nil, err
	}
	opts := v.Options()
	opts.SoftMath = mathlib.Transcendental // no libdevice/ocml: Go's own exp, log, sin, ...
	mod, f, err := irsource.Kernel(ctx, v.Type, opts)
	if err != nil {
		return nil, err
	}
	g, err := llvm.AMDGPU(gfx, features, v.Group)
	if err != nil {
		return nil, err
	}
	out, err := llvm.EmitModule(mod, &g.Target)
	if err != nil {
		return nil, fmt.Errorf("compiling %s for %s: %w", f.Name, gfx, err)
	}
	c := &Compiled{Func: f, Sites: out.Sites}
	for _, x := range out.Kernels {
		if x.Name == f.Name {
			c.Kernel = x
		}
	}
	if c.Kernel == nil {
		return nil, fmt.Errorf("geobacter: BUG: the AMDGPU backend emitted no entry point for %s", f.Name)
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
		c.CodeObject, _ = dc.Get(key)
	}
	if c.CodeObject == nil {
		opt, err := tc.Optimize(ctx, []byte(out.Text), target, toolchain.OptimizeOptions{Level: "O3"})
		if err != nil {
			return nil, fmt.Errorf("compiling %s: %w", f.Name, err)
		}
		obj, err := tc.Compile(ctx, opt.Output, target, toolchain.Object)
		if err != nil {
			return nil, fmt.Errorf("compiling %s: %w", f.Name, err)
		}
		so, err := tc.LinkShared(ctx, obj.Output)
		if err != nil {
			return nil, fmt.Errorf("linking %s: %w", f.Name, err)
		}
		c.CodeObject = so.Output
		if dc != nil {
			dc.Put(key, c.CodeObject)
		}
	}
	co, err := llvm.ReadCodeObject(c.CodeObject)
	if err != nil {
		return nil, fmt.Errorf("compiling %s: %w", f.Name, err)
	}
	for _, k := range co.Kernels {
		if k.Name == c.Kernel.Symbol {
			c.Meta = k
			return c, nil
		}
	}
	return nil, fmt.Errorf("geobacter: BUG: no kernel %s in the code object of %s", c.Kernel.Symbol, f.Name)
}

// compile compiles variant v for d's agent and loads it into an executable.
func (d *Device) compile(ctx context.Context, v irsource.Variant) (*program, error) {
	c, err := Compile(ctx, v, d.gpu.gfx, d.gpu.features)
	if err != nil {
		return nil, err
	}
	p := &program{sites: c.Sites, access: c.Func.Access, argsSize: c.Kernel.ArgsSize,
		maxGroup: int(c.Meta.MaxFlatWorkGroupSize)}
	for _, a := range c.Meta.Args {
		if len(a.ValueKind) > 7 && a.ValueKind[:7] == "hidden_" {
			p.hidden = append(p.hidden, a)
		}
	}
	if err := d.load(p, c.CodeObject, c.Kernel.Symbol+".kd"); err != nil {
		return nil, fmt.Errorf("loading %s on %s: %w", c.Func.Name, d, err)
	}
	return p, nil
}

// load loads a code object into a new executable for d's agent and looks its kernel up.
func (d *Device) load(p *program, codeObject []byte, symbol string) error {
	var pin runtime.Pinner
	pin.Pin(&codeObject[0])
	defer pin.Unpin()
	var reader uint64
	if err := check("hsa_code_object_reader_create_from_memory",
		api.hsa_code_object_reader_create_from_memory(unsafe.Pointer(&codeObject[0]), uintptr(len(codeObject)), &reader)); err != nil {
		return err
	}
	defer api.hsa_code_object_reader_destroy(reader)
	var exe uint64
	if err := check("hsa_executable_create_alt", api.hsa_executable_create_alt(d.gpu.profile, roundingDefault, nil, &exe)); err != nil {
		return err
	}
	fail := func(err error) error {
		api.hsa_executable_destroy(exe)
		return err
	}
	var loaded uint64
	if err := check("hsa_executable_load_agent_code_object",
		api.hsa_executable_load_agent_code_object(exe, d.gpu.agent, reader, nil, &loaded)); err != nil {
		return fail(err)
	}
	if err := check("hsa_executable_freeze", api.hsa_executable_freeze(exe, nil)); err != nil {
		return fail(err)
	}
	a := d.gpu.agent
	var sym uint64
	if err := check("hsa_executable_get_symbol_by_name", api.hsa_executable_get_symbol_by_name(exe, symbol, &a, &sym)); err != nil {
		return fail(err)
	}
	var dynamic bool
	for _, q := range []struct {
		attr uint32
		v    unsafe.Pointer
	}{
		{symbolInfoKernelObject, unsafe.Pointer(&p.kernelObject)},
		{symbolInfoKernargSize, unsafe.Pointer(&p.kernargSize)},
		{symbolInfoGroupSegmentSize, unsafe.Pointer(&p.groupSize)},
		{symbolInfoPrivSegmentSize, unsafe.Pointer(&p.privateSize)},
		{symbolInfoDynamicCallstack, unsafe.Pointer(&dynamic)},
	} {
		if err := check("hsa_executable_symbol_get_info", api.hsa_executable_symbol_get_info(sym, q.attr, q.v)); err != nil {
			return fail(err)
		}
	}
	if dynamic {
		// A kernel whose stack is not bounded at compile time (recursion): give it 16 KiB.
		p.privateSize = max(p.privateSize, 16<<10)
	}
	p.executable = exe
	return nil
}
