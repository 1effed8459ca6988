package llvm

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// AMDGPU targets (amdgcn-amd-amdhsa), for the `amdgpu` device: llc writes an object for the
// agent's gfx architecture, ld.lld links it into a code object (a shared ELF, code object v5),
// which the HSA runtime loads.
//
// The kernel ABI is the GPU ABI (gpu.go). On AMDGPU a kernel is an amdgpu_kernel function; the
// argument struct is a byref parameter in the constant address space (4), so the struct's bytes
// are at offset 0 of the kernarg segment and the kernel reads them with scalar loads; the panic
// record's address and the grid's size follow at GPUParamOffsets. After the explicit
// parameters, the code object's metadata lists the hidden arguments of code object v5 (block
// counts, group sizes, ...) that the runtime fills by kind (ReadCodeObject). Address spaces:
// global 1, shared (LDS) 3, the argument struct 4, private 5 (allocas), generic (flat) 0.
// Work-item and group ids are llvm.amdgcn.workitem.id.* and llvm.amdgcn.workgroup.id.*; the
// group size and the grid's size in work-items (padded to whole groups) are read from the AQL
// dispatch packet (llvm.amdgcn.dispatch.ptr: workgroup_size_x at byte 4, grid_size_x at byte 12)
// unless the code is specialised for a group size, which then also sets the kernel's
// "amdgpu-flat-work-group-size" to exactly that many work-items (else 1 to 1024). The device
// always dispatches whole groups, so every kernel has "uniform-work-group-size"="true". The
// barrier is a workgroup-scope release fence, llvm.amdgcn.s.barrier and an acquire fence.

// amdgpuDataLayout is LLVM 19's data layout for amdgcn.
const amdgpuDataLayout = "e-p:64:64-p1:64:64-p2:32:32-p3:32:32-p4:64:64-p5:32:32-p6:32:32-p7:160:256:256:32-p8:128:128-p9:192:256:256:32-i64:64-v16:16-v24:32-v32:32-v48:64-v96:128-v192:256-v256:256-v512:512-v1024:1024-v2048:2048-n32:64-S32-A5-G1-ni:7:8:9"

var isaRE = regexp.MustCompile(`^(?:amdgcn-amd-amdhsa--)?(gfx[0-9a-f]+)((?::[a-z0-9_-]+[+-])*)$`)

// ParseISA splits an HSA agent's ISA name ("amdgcn-amd-amdhsa--gfx90a:sramecc+:xnack-") into
// the gfx architecture and llc's feature string ("gfx90a", "+sramecc,-xnack"). A feature the
// name does not mention is left to the architecture's default (for xnack and sramecc: code that
// runs either way).
func ParseISA(name string) (gfx, features string, err error) {
	m := isaRE.FindStringSubmatch(strings.TrimSpace(name))
	if m == nil {
		return "", "", fmt.Errorf("llvm: %q is not an amdgcn ISA name (amdgcn-amd-amdhsa--gfxNNN[:feature±...])", name)
	}
	var fs []string
	for _, f := range strings.Split(m[2], ":") {
		if f == "" {
			continue
		}
		fs = append(fs, f[len(f)-1:]+f[:len(f)-1])
	}
	return m[1], strings.Join(fs, ","), nil
}

// AMDGPU returns the target for an AMD GPU of architecture gfx ("gfx90a", "gfx1100") with llc's
// feature string features ("+sramecc,-xnack", or empty), with code specialised for the group size
// group when it is not zero.
func AMDGPU(gfx, features string, group [3]int64) (*GPU, error) {
	if !regexp.MustCompile(`^gfx[0-9a-f]+$`).MatchString(gfx) {
		return nil, fmt.Errorf("llvm: %q is not an AMDGPU architecture (gfx90a, gfx1100, ...)", gfx)
	}
	name := "amdgpu-" + gfx
	wi := func(b *Builder, q ir.Intrinsic, d int) string { return amdgpuWorkItem(b, q, d, group) }
	flat := "1,1024"
	if group != [3]int64{} {
		n := max(group[0], 1) * max(group[1], 1) * max(group[2], 1)
		flat = fmt.Sprintf("%d,%d", n, n)
	}
	e := &gpuEntry{
		define: func(k *Kernel) string { return fmt.Sprintf("define amdgpu_kernel void @%s(", k.Symbol) },
		args: func(n, a int64) string {
			return fmt.Sprintf("ptr addrspace(4) noalias readonly byref([%d x i8]) align %d %%args", n, a)
		},
		attrs: func(k *Kernel) string {
			return fmt.Sprintf(` nounwind "amdgpu-flat-work-group-size"=%q "uniform-work-group-size"="true"`, flat)
		},
		allocaSpace: 5,
		argsType:    "ptr addrspace(4)",
		workItem:    wi,
		barrier:     amdgpuBarrier,
	}
	return &GPU{
		CPU:      gfx,
		Features: features,
		Target: Target{
			Name:       name,
			Triple:     "amdgcn-amd-amdhsa",
			DataLayout: amdgpuDataLayout,
			Spaces: [5]int{ir.Generic: 0, ir.Global: 1, ir.Shared: 3, ir.Private: 5,
				ir.Args: 4},
			AllocaSpace: 5,
			Hidden:      gpuHidden,
			HiddenArgs:  gpuHiddenArgs,
			WorkItem:    wi,
			SharedBase:  gpuSharedBase,
			Fail:        gpuFail(wi, `syncscope("agent") `),
			Barrier:     amdgpuBarrier,
			GroupSize:   group,
			MathFunc:    gpuMathFunc(name),
			Entry:       e.entry,
		},
	}, nil
}

func amdgpuBarrier(b *Builder) {
	b.Module.Declare("declare void @llvm.amdgcn.s.barrier()")
	b.Line(`fence syncscope("workgroup") release`)
	b.Line("call void @llvm.amdgcn.s.barrier()")
	b.Line(`fence syncscope("workgroup") acquire`)
}

// amdgpuID reads the id intrinsic llvm.amdgcn.<kind>.id.<d> as an i64.
func amdgpuID(b *Builder, kind string, d int) string {
	f := fmt.Sprintf("llvm.amdgcn.%s.id.%s", kind, "xyz"[d:d+1])
	b.Module.Declare(fmt.Sprintf("declare i32 @%s() #0", f))
	r := b.Tmp()
	b.Line("%s = call i32 @%s()", r, f)
	return zext64(b, r)
}

// amdgpuPacket loads the dispatch packet's field of the given bits at byte off, as an i64.
func amdgpuPacket(b *Builder, off, bits int) string {
	b.Module.Declare("declare ptr addrspace(4) @llvm.amdgcn.dispatch.ptr() #0")
	dp, p, x := b.Tmp(), b.Tmp(), b.Tmp()
	b.Line("%s = call ptr addrspace(4) @llvm.amdgcn.dispatch.ptr()", dp)
	b.Line("%s = getelementptr inbounds i8, ptr addrspace(4) %s, i64 %d", p, dp, off)
	b.Line("%s = load i%d, ptr addrspace(4) %s, align %d, !invariant.load !0", x, bits, p, bits/8)
	r := b.Tmp()
	b.Line("%s = zext i%d %s to i64", r, bits, x)
	return r
}

func amdgpuWorkItem(b *Builder, q ir.Intrinsic, d int, group [3]int64) string {
	localSize := func() string {
		if group[d] > 0 {
			return fmt.Sprint(group[d])
		}
		return amdgpuPacket(b, 4+2*d, 16) // workgroup_size_x, _y, _z
	}
	switch q {
	case ir.LocalID:
		return amdgpuID(b, "workitem", d)
	case ir.GroupID:
		return amdgpuID(b, "workgroup", d)
	case ir.LocalSize:
		return localSize()
	case ir.NumGroups:
		grid := amdgpuPacket(b, 12+4*d, 32) // grid_size_x, _y, _z: whole groups
		r := b.Tmp()
		b.Line("%s = udiv i64 %s, %s", r, grid, localSize())
		return r
	case ir.GlobalSize:
		return gpuGlobalSize(d)
	}
	g, ls, l := amdgpuID(b, "workgroup", d), localSize(), amdgpuID(b, "workitem", d)
	base, r := b.Tmp(), b.Tmp()
	b.Line("%s = mul nuw nsw i64 %s, %s", base, g, ls)
	b.Line("%s = add nuw nsw i64 %s, %s", r, base, l)
	return r
}
