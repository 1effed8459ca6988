package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/geobacter-go/geobacter/internal/backend/llvm"
	"github.com/geobacter-go/geobacter/internal/backend/spirv"
	"github.com/geobacter-go/geobacter/internal/frontend"
	"github.com/geobacter-go/geobacter/internal/gen"
	"github.com/geobacter-go/geobacter/internal/ir"
	"github.com/geobacter-go/geobacter/internal/mathlib"
	"github.com/geobacter-go/geobacter/internal/passes"
	"github.com/geobacter-go/geobacter/internal/toolchain"
)

// newFlags is a flag set for a subcommand that reports its errors to stderr.
func newFlags(name string, stderr io.Writer, args string) *flag.FlagSet {
	fs := flag.NewFlagSet("geobacter "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: geobacter %s %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

func patterns(fs *flag.FlagSet) []string {
	if fs.NArg() == 0 {
		return []string{"."}
	}
	return fs.Args()
}

// printDiagnostics writes the frontend's diagnostics, paths relative to the current directory.
func printDiagnostics(w io.Writer, err error) bool {
	var fe *frontend.Error
	var pe passes.ErrorList
	var p1 *passes.Error
	switch {
	case errors.As(err, &fe):
		for _, d := range fe.Diagnostics {
			d.Pos.Filename = relative(d.Pos.Filename)
			fmt.Fprintln(w, d)
		}
	case errors.As(err, &pe):
		for _, e := range pe {
			fmt.Fprintln(w, e)
		}
	case errors.As(err, &p1):
		fmt.Fprintln(w, p1)
	default:
		return false
	}
	return true
}

func relative(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

// genCmd is `geobacter gen [-check] [packages]`.
func genCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("gen", stderr, "[-check] [packages]")
	check := fs.Bool("check", false, "write nothing; exit 1 when a generated file is missing or stale")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	files, err := gen.Generate(context.Background(), "", patterns(fs)...)
	if err != nil {
		if !printDiagnostics(stderr, err) {
			fmt.Fprintf(stderr, "geobacter gen: %v\n", err)
		}
		return 1
	}
	if *check {
		problems := gen.Check(files)
		for _, p := range problems {
			fmt.Fprintln(stderr, relative(p))
		}
		if len(problems) > 0 {
			return 1
		}
		fmt.Fprintf(stdout, "geobacter gen: %d generated file(s) up to date\n", len(files))
		return 0
	}
	if err := gen.Write(files); err != nil {
		fmt.Fprintf(stderr, "geobacter gen: %v\n", err)
		return 1
	}
	for _, f := range files {
		fmt.Fprintf(stdout, "wrote %s (%d kernel(s), %d bytes)\n", relative(f.Path), len(f.Kernels), len(f.Content))
	}
	return 0
}

// vetCmd is `geobacter vet [packages]`.
func vetCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("vet", stderr, "[packages]")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	prog, err := frontend.Load(context.Background(), frontend.Config{}, patterns(fs)...)
	if err != nil {
		fmt.Fprintf(stderr, "geobacter vet: %v\n", err)
		return 1
	}
	kernels := prog.Kernels()
	m, err := prog.Compile(kernels)
	if err == nil {
		// The passes find what needs the whole program: recursion.
		err = passes.Run(m, passes.Options{})
	}
	if err != nil {
		if printDiagnostics(stdout, err) {
			return 1
		}
		fmt.Fprintf(stderr, "geobacter vet: %v\n", err)
		return 1
	}
	return 0
}

// irTargets are the stages `geobacter ir` prints.
var irTargets = []string{"ir", "llvm", "cpu", "ptx", "amdgpu", "spirv"}

// irCmd is `geobacter ir -target {ir|llvm|cpu|ptx|amdgpu|spirv} [-arch ARCH] PACKAGE KERNELTYPE`.
func irCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("ir", stderr, "-target ir|llvm|cpu|ptx|amdgpu|spirv [-arch ARCH] PACKAGE KERNELTYPE")
	target := fs.String("target", "ir", "the stage to print: ir (the optimised IR), llvm (the LLVM IR the backend emits), "+
		"cpu (the LLVM IR after opt -O3 for this machine's CPU, then its assembly), "+
		"ptx (the PTX for an NVIDIA GPU), amdgpu (the assembly for an AMD GPU), "+
		"spirv (the disassembly of the SPIR-V module for Vulkan, for a device with lavapipe's features)")
	arch := fs.String("arch", "", "the GPU of -target ptx or amdgpu: sm_70 … sm_90 (default sm_80), or gfx90a, gfx1100, … "+
		"or an HSA ISA name such as gfx90a:sramecc+:xnack- (default gfx90a)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return 2
	}
	if !slices.Contains(irTargets, *target) {
		fmt.Fprintf(stderr, "geobacter ir: unknown target %q; this version prints: %s\n", *target, strings.Join(irTargets, ", "))
		return 2
	}
	pkg, typeName := fs.Arg(0), fs.Arg(1)
	prog, err := frontend.Load(context.Background(), frontend.Config{}, pkg)
	if err != nil {
		fmt.Fprintf(stderr, "geobacter ir: %v\n", err)
		return 1
	}
	var found *frontend.Kernel
	var names []string
	for _, k := range prog.Kernels() {
		name := strings.TrimPrefix(k.Type.String(), k.Type.Obj().Pkg().Path()+".")
		names = append(names, name)
		if name == typeName {
			found = k
		}
	}
	if found == nil {
		fmt.Fprintf(stderr, "geobacter ir: no kernel type %s in %s; its kernels are: %s\n", typeName, pkg, strings.Join(names, ", "))
		return 1
	}
	m, err := prog.Compile([]*frontend.Kernel{found})
	if err == nil {
		var opts passes.Options
		if *target == "ptx" || *target == "amdgpu" {
			opts.SoftMath = mathlib.Transcendental // as the cuda and amdgpu devices compile
		}
		err = passes.Run(m, opts)
	}
	if err != nil {
		if !printDiagnostics(stderr, err) {
			fmt.Fprintf(stderr, "geobacter ir: %v\n", err)
		}
		return 1
	}
	if *target == "ir" {
		fmt.Fprint(stdout, ir.Print(m))
		return 0
	}
	if *target == "spirv" {
		k, err := spirv.Emit(m, m.Func(found.Name), spirv.Lavapipe)
		if err != nil {
			fmt.Fprintf(stderr, "geobacter ir: %v\n", err)
			return 1
		}
		fmt.Fprint(stdout, spirv.Disassemble(k.Words))
		return 0
	}
	if *target == "ptx" || *target == "amdgpu" {
		g, err := gpuTarget(*target, *arch)
		if err == nil {
			err = printGPU(stdout, m, g)
		}
		if err != nil {
			fmt.Fprintf(stderr, "geobacter ir: %v\n", err)
			return 1
		}
		return 0
	}
	text, err := llvm.Emit(m, llvm.X86_64)
	if err != nil {
		fmt.Fprintf(stderr, "geobacter ir: %v\n", err)
		return 1
	}
	if *target == "llvm" {
		fmt.Fprint(stdout, text)
		return 0
	}
	if err := printCPU(stdout, text); err != nil {
		fmt.Fprintf(stderr, "geobacter ir: %v\n", err)
		return 1
	}
	return 0
}

// printCPU writes the LLVM IR text after opt -O3 for the host CPU, then the assembly llc makes
// of it.
func printCPU(w io.Writer, text string) error {
	ctx := context.Background()
	tc, err := toolchain.Find(ctx)
	if err != nil {
		return err
	}
	host, err := tc.Host()
	if err != nil {
		return err
	}
	opt, err := tc.Optimize(ctx, []byte(text), host, toolchain.OptimizeOptions{})
	if err != nil {
		return err
	}
	asm, err := tc.Compile(ctx, opt.Output, host, toolchain.Assembly)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "; LLVM IR after opt -O3 for %s\n%s\n; assembly\n%s", host.CPU, opt.Output, asm.Output)
	return nil
}

// gpuTarget is the LLVM target of `geobacter ir -target ptx|amdgpu -arch ARCH`.
func gpuTarget(target, arch string) (*llvm.GPU, error) {
	if target == "ptx" {
		if arch == "" {
			arch = "sm_80"
		}
		var sm int
		if _, err := fmt.Sscanf(arch, "sm_%d", &sm); err != nil || fmt.Sprintf("sm_%d", sm) != arch {
			return nil, fmt.Errorf("-arch %q is not an NVIDIA architecture such as sm_80", arch)
		}
		return llvm.NVPTX(sm, llvm.MinPTX(sm), [3]int64{})
	}
	if arch == "" {
		arch = "gfx90a"
	}
	gfx, features, err := llvm.ParseISA(arch)
	if err != nil {
		return nil, err
	}
	return llvm.AMDGPU(gfx, features, [3]int64{})
}

// printGPU writes the PTX, or the AMDGPU assembly, of module m for target g: the backend's LLVM
// IR through opt -O3 and llc.
func printGPU(w io.Writer, m *ir.Module, g *llvm.GPU) error {
	text, err := llvm.Emit(m, &g.Target)
	if err != nil {
		return err
	}
	ctx := context.Background()
	tc, err := toolchain.Find(ctx)
	if err != nil {
		return err
	}
	t := toolchain.Target{Triple: g.Triple, DataLayout: g.DataLayout, CPU: g.CPU, Features: g.Features}
	opt, err := tc.Optimize(ctx, []byte(text), t, toolchain.OptimizeOptions{})
	if err != nil {
		return err
	}
	asm, err := tc.Compile(ctx, opt.Output, t, toolchain.Assembly)
	if err != nil {
		return err
	}
	_, err = w.Write(asm.Output)
	return err
}
