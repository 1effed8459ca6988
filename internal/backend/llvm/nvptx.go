package llvm

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// NVPTX targets (nvptx64-nvidia-cuda), for the `cuda` device: the module llc turns into PTX
// text, which the CUDA driver compiles for the GPU when it loads it.
//
// The kernel ABI is the GPU ABI (gpu.go). On NVPTX a kernel is an ordinary function marked
// as a kernel in !nvvm.annotations (LLVM 19's NVPTX backend reads the annotation; the
// ptx_kernel calling convention is newer), whose PTX is
//
//	.visible .entry K(
//		.param .align A .b8 K_param_0[N],   // the argument struct, by value (byval)
//		.param .u64 K_param_1,              // the panic record's address
//		.param .u64 K_param_2, K_param_3, K_param_4   // the grid's size
//	)
//
// The driver lays the parameters out as the GPU ABI's parameter block (each at the next multiple
// of its alignment), which is what cuLaunchKernel's CU_LAUNCH_PARAM_BUFFER_POINTER takes.
// Address spaces: global 1, shared 3, everything else generic (0): private variables are
// allocas, which LLVM places in the local space; the argument struct is the byval parameter,
// which LLVM reads from the parameter space, or copies to the local space when its address
// escapes. Work-item queries are the special registers %tid, %ctaid, %ntid and %nctaid
// (llvm.nvvm.read.ptx.sreg.*), or constants for a group size the code is specialised for (which
// also becomes the kernel's reqntid); the barrier is llvm.nvvm.barrier0 (bar.sync 0, which orders
// shared and global memory among the group).

// nvptxDataLayout is LLVM 19's data layout for nvptx64.
const nvptxDataLayout = "e-i64:64-i128:128-v16:16-v32:32-n16:32:64"

// MaxPTX is the newest PTX ISA version (major*10+minor) that LLVM 19's NVPTX backend writes.
const MaxPTX = 85

// MinPTX returns the oldest PTX ISA version (major*10+minor) that can name SM version sm
// (major*10+minor): sm_70 needs PTX 6.0, sm_80 7.0, sm_86 7.1, sm_89 7.8, sm_90 7.8.
func MinPTX(sm int) int {
	switch {
	case sm >= 90:
		return 78
	case sm >= 89:
		return 78
	case sm >= 87:
		return 74
	case sm >= 86:
		return 71
	case sm >= 80:
		return 70
	case sm >= 75:
		return 63
	case sm >= 72:
		return 61
	case sm >= 70:
		return 60
	}
	return 60
}

// PTXForDriver returns the newest PTX ISA version a CUDA driver of version driver (as
// cuDriverGetVersion gives it: 1000*major + 10*minor) compiles, capped at MaxPTX: CUDA 11.x
// reads PTX 7.x, CUDA 12.x PTX 8.x, newer drivers newer PTX.
func PTXForDriver(driver int) int {
	major, minor := driver/1000, driver%1000/10
	var ptx int
	switch {
	case major >= 13:
		ptx = MaxPTX
	case major == 12:
		ptx = 80 + minor
	case major == 11:
		ptx = 70 + minor
	case major == 10:
		ptx = 63 + min(minor, 2)
	default:
		ptx = 60
	}
	return min(ptx, MaxPTX)
}

// NVPTX returns the target for an NVIDIA GPU of SM version sm (major*10+minor: 70, 80, 90) writing
// PTX ISA version ptx (major*10+minor: 78 is PTX 7.8), with code specialised for the group size
// group when it is not zero. It fails when the PTX version cannot name the SM version.
func NVPTX(sm, ptx int, group [3]int64) (*GPU, error) {
	if sm < 70 {
		return nil, fmt.Errorf("llvm: sm_%d: the cuda device needs compute capability 7.0 or newer", sm)
	}
	if ptx < MinPTX(sm) || ptx > MaxPTX {
		return nil, fmt.Errorf("llvm: sm_%d needs PTX ISA %d.%d to %d.%d; PTX %d.%d asked",
			sm, MinPTX(sm)/10, MinPTX(sm)%10, MaxPTX/10, MaxPTX%10, ptx/10, ptx%10)
	}
	name := fmt.Sprintf("nvptx-sm_%d", sm)
	g := &GPU{CPU: fmt.Sprintf("sm_%d", sm), Features: fmt.Sprintf("+ptx%d", ptx)}
	if sm == 90 {
		g.CPU = "sm_90" // sm_90a's architecture-specific features are not used
	}
	wi := func(b *Builder, q ir.Intrinsic, d int) string { return nvptxWorkItem(b, q, d, group) }
	e := &gpuEntry{
		define: func(k *Kernel) string { return fmt.Sprintf("define void @%s(", k.Symbol) },
		args: func(n, a int64) string {
			return fmt.Sprintf("ptr noalias readonly byval([%d x i8]) align %d %%args", n, a)
		},
		attrs:    func(k *Kernel) string { return " nounwind" },
		argsType: "ptr",
		annotate: func(mb *ModuleBuilder, k *Kernel) {
			mb.namedMetadata("nvvm.annotations", fmt.Sprintf(`ptr @%s, !"kernel", i32 1`, k.Symbol))
			if group != [3]int64{} {
				for d, n := range []string{"x", "y", "z"} {
					mb.namedMetadata("nvvm.annotations", fmt.Sprintf(`ptr @%s, !"reqntid%s", i32 %d`, k.Symbol, n, max(group[d], 1)))
				}
			}
		},
		workItem: wi,
		barrier:  nvptxBarrier,
	}
	g.Target = Target{
		Name:       name,
		Triple:     "nvptx64-nvidia-cuda",
		DataLayout: nvptxDataLayout,
		Spaces: [5]int{ir.Generic: 0, ir.Global: 1, ir.Shared: 3, ir.Private: 0,
			ir.Args: 0},
		Hidden:      gpuHidden,
		HiddenArgs:  gpuHiddenArgs,
		WorkItem:    wi,
		SharedBase:  gpuSharedBase,
		Fail:        gpuFail(wi, ""),
		Barrier:     nvptxBarrier,
		GroupSize:   group,
		AtomicFence: nvptxFence,
		MathFunc:    gpuMathFunc(name),
		Entry:       e.entry,
	}
	return g, nil
}

// nvptxFence is a sequentially consistent fence for atomics on memory of space s: membar.cta
// (fence.sc.cta) for shared memory, membar.gl (fence.sc.gpu) otherwise.
func nvptxFence(b *Builder, s ir.Space) {
	f := "llvm.nvvm.membar.gl"
	if s == ir.Shared {
		f = "llvm.nvvm.membar.cta"
	}
	b.Module.Declare("declare void @" + f + "()")
	b.Line("call void @%s()", f)
}

func nvptxBarrier(b *Builder) {
	b.Module.Declare("declare void @llvm.nvvm.barrier0()")
	b.Line("call void @llvm.nvvm.barrier0()")
}

// nvptxSreg reads the special register name.d (tid.x, ...) as an i64.
func nvptxSreg(b *Builder, name string, d int) string {
	f := fmt.Sprintf("llvm.nvvm.read.ptx.sreg.%s.%s", name, "xyz"[d:d+1])
	b.Module.Declare(fmt.Sprintf("declare i32 @%s() #0", f))
	r := b.Tmp()
	b.Line("%s = call i32 @%s()", r, f)
	return zext64(b, r)
}

func nvptxWorkItem(b *Builder, q ir.Intrinsic, d int, group [3]int64) string {
	localSize := func() string {
		if group[d] > 0 {
			return fmt.Sprint(group[d])
		}
		return nvptxSreg(b, "ntid", d)
	}
	switch q {
	case ir.LocalID:
		return nvptxSreg(b, "tid", d)
	case ir.GroupID:
		return nvptxSreg(b, "ctaid", d)
	case ir.LocalSize:
		return localSize()
	case ir.NumGroups:
		return nvptxSreg(b, "nctaid", d)
	case ir.GlobalSize:
		return gpuGlobalSize(d)
	}
	g, ls, l := nvptxSreg(b, "ctaid", d), localSize(), nvptxSreg(b, "tid", d)
	base, r := b.Tmp(), b.Tmp()
	b.Line("%s = mul nuw nsw i64 %s, %s", base, g, ls)
	b.Line("%s = add nuw nsw i64 %s, %s", r, base, l)
	return r
}

// PTXEntry is one kernel entry of PTX text and its parameters, in order.
type PTXEntry struct {
	Name   string
	Params []PTXParam
}

// PTXParam is one .param of a kernel entry: its name, size and alignment in bytes (a .b8 array
// of Size bytes aligned to Align, or a scalar of its width).
type PTXParam struct {
	Name        string
	Size, Align int64
}

var (
	ptxEntryRE = regexp.MustCompile(`\.entry\s+([A-Za-z_$][\w$]*)\s*\(([^)]*)\)`)
	ptxArrayRE = regexp.MustCompile(`^\.param\s+\.align\s+(\d+)\s+\.b8\s+([\w$]+)\[(\d+)\]$`)
	ptxScalRE  = regexp.MustCompile(`^\.param\s+\.([busf])(8|16|32|64)\s+([\w$]+)$`)
)

// ParsePTXEntries returns the kernel entries of PTX text with their parameters' layout.
func ParsePTXEntries(ptx string) ([]PTXEntry, error) {
	var out []PTXEntry
	for _, m := range ptxEntryRE.FindAllStringSubmatch(ptx, -1) {
		e := PTXEntry{Name: m[1]}
		for _, p := range strings.Split(m[2], ",") {
			p = strings.Join(strings.Fields(p), " ")
			if p == "" {
				continue
			}
			if a := ptxArrayRE.FindStringSubmatch(p); a != nil {
				al, _ := strconv.ParseInt(a[1], 10, 64)
				n, _ := strconv.ParseInt(a[3], 10, 64)
				e.Params = append(e.Params, PTXParam{Name: a[2], Size: n, Align: al})
				continue
			}
			if s := ptxScalRE.FindStringSubmatch(p); s != nil {
				bits, _ := strconv.ParseInt(s[2], 10, 64)
				e.Params = append(e.Params, PTXParam{Name: s[3], Size: bits / 8, Align: bits / 8})
				continue
			}
			return nil, fmt.Errorf("ptx: entry %s: parameter %q not understood", e.Name, p)
		}
		out = append(out, e)
	}
	return out, nil
}
