package toolchain

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// Toolchain is a set of LLVM tools of one version, found and probed by Find. Its methods are safe
// for concurrent use: everything probed is kept in it and never changes.
type Toolchain struct {
	tools       []Tool   // opt, llc, ld.lld
	polly       []string // the opt flags that enable Polly, nil when it is unavailable
	pollyReason string   // why Polly is unavailable, or "" when it is available
	host        Target   // the host's target, when hostErr is nil
	hostErr     error
}

// Tool is one LLVM tool of a Toolchain.
type Tool struct {
	// Name is the tool's role: "opt", "llc" or "ld.lld".
	Name string
	// Path is the executable that is run, as found (not resolved through symbolic links).
	Path string
	// Version is what its --version printed.
	Version Version
}

// Versions returns the toolchain's tools, opt, llc and ld.lld, with their paths and versions.
func (tc *Toolchain) Versions() []Tool {
	return slices.Clone(tc.tools)
}

// Major returns the tools' LLVM major version.
func (tc *Toolchain) Major() int {
	return tc.tools[0].Version.Major
}

// Polly returns the opt flags that turn on Polly, the polyhedral loop optimiser, as probed on
// this toolchain: "-polly" and those of Polly's options this opt accepts (and the plugin to load,
// where Polly is a plugin rather than built into LLVM). When Polly is unavailable, flags is nil
// and why says what the probe found.
func (tc *Toolchain) Polly() (flags []string, why string) {
	return slices.Clone(tc.polly), tc.pollyReason
}

// Host returns the target of the machine the process runs on: LLVM's default triple, the data
// layout opt gives it, and the host CPU's name and exact features as LLVM detects them (what
// clang's -march=native uses). The error says why it could not be probed, for example when this
// LLVM's default triple is not the process's architecture.
func (tc *Toolchain) Host() (Target, error) {
	return tc.host, tc.hostErr
}

// String returns the toolchain in one line: each tool's path and version line, and the Polly
// flags it would use. It names everything that makes the tools' output differ, so that it can be
// part of a cache key, and it is what `geobacter version` prints.
func (tc *Toolchain) String() string {
	var b strings.Builder
	for i, t := range tc.tools {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s (%s)", t.Name, t.Path, t.Version.Line)
	}
	if tc.polly != nil {
		fmt.Fprintf(&b, "; polly: %s", strings.Join(tc.polly, " "))
	} else {
		b.WriteString("; polly: none")
	}
	return b.String()
}

// tool returns the path of the tool named name.
func (tc *Toolchain) tool(name string) string {
	for _, t := range tc.tools {
		if t.Name == name {
			return t.Path
		}
	}
	panic("toolchain: no tool " + name)
}

// OptimizeOptions are the options of Optimize. The zero value optimises at -O3 without Polly.
type OptimizeOptions struct {
	// Level is opt's optimisation level: "O0", "O1", "O2", "O3", "Os" or "Oz"; "" means "O3".
	Level string
	// Polly adds the toolchain's Polly flags (see Toolchain.Polly) when it has Polly, and is
	// ignored when it does not.
	Polly bool
	// Flags are further arguments for opt, passed as they are after all the others.
	Flags []string
}

// levels are the optimisation levels Optimize accepts.
var levels = []string{"O0", "O1", "O2", "O3", "Os", "Oz"}

// Optimize runs opt on the LLVM IR text ir for the target t (its triple, CPU and features) at
// opts.Level, and returns the optimised module as IR text. opt verifies its input: IR that is not
// well formed is a *ToolError carrying opt's message.
func (tc *Toolchain) Optimize(ctx context.Context, ir []byte, t Target, opts OptimizeOptions) (Result, error) {
	level := opts.Level
	if level == "" {
		level = "O3"
	}
	if !slices.Contains(levels, level) {
		return Result{}, fmt.Errorf("toolchain: optimisation level %q is not one of %s", level, strings.Join(levels, ", "))
	}
	args := []string{"-S", "-" + level}
	args = append(args, t.args()...)
	if opts.Polly && tc.polly != nil {
		args = append(args, tc.polly...)
	}
	args = append(args, opts.Flags...)
	args = append(args, "-", "-o", "-")
	return run(ctx, tc.tool(toolOpt), args, ir)
}

// FileType is the kind of file Compile produces.
type FileType int

// The file types Compile produces.
const (
	// Object is a relocatable object file (ELF on Linux).
	Object FileType = iota
	// Assembly is assembly text (PTX, for NVPTX targets).
	Assembly
)

// String returns the name llc gives the file type: "obj" or "asm".
func (k FileType) String() string {
	switch k {
	case Object:
		return "obj"
	case Assembly:
		return "asm"
	}
	return fmt.Sprintf("FileType(%d)", int(k))
}

// Compile runs llc on the LLVM IR (text or bitcode; normally Optimize's output) for the target t at
// -O3, with position-independent code, and returns an object file or assembly as kind says.
func (tc *Toolchain) Compile(ctx context.Context, ir []byte, t Target, kind FileType) (Result, error) {
	if kind != Object && kind != Assembly {
		return Result{}, fmt.Errorf("toolchain: unknown file type %v", kind)
	}
	args := []string{"-O3", "-filetype=" + kind.String(), "-relocation-model=pic"}
	args = append(args, t.args()...)
	args = append(args, "-", "-o", "-")
	return run(ctx, tc.tool(toolLLC), args, ir)
}

// LinkShared runs ld.lld -shared on the object file obj (Compile's output) and returns the shared
// object. flags are further arguments for ld.lld, placed before the input (such as "--no-undefined"
// or "-soname=NAME"). ld.lld reads and writes files, so it runs in a private temporary directory
// that is removed afterwards.
func (tc *Toolchain) LinkShared(ctx context.Context, obj []byte, flags ...string) (Result, error) {
	dir, err := os.MkdirTemp("", "geobacter-link-")
	if err != nil {
		return Result{}, fmt.Errorf("toolchain: linking: %w", err)
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "in.o"), filepath.Join(dir, "out.so")
	if err := os.WriteFile(in, obj, 0o600); err != nil {
		return Result{}, fmt.Errorf("toolchain: linking: %w", err)
	}
	args := []string{"-shared"}
	args = append(args, flags...)
	args = append(args, "-o", out, in)
	res, err := run(ctx, tc.tool(toolLLD), args, nil)
	if err != nil {
		return res, err
	}
	if res.Output, err = os.ReadFile(out); err != nil {
		return res, fmt.Errorf("toolchain: reading ld.lld's output: %w", err)
	}
	return res, nil
}

// goarchLLVM maps GOARCH to the architecture that begins LLVM's triples for it.
var goarchLLVM = map[string][]string{
	"amd64":   {"x86_64"},
	"arm64":   {"aarch64", "arm64"},
	"386":     {"i386", "i486", "i586", "i686"},
	"riscv64": {"riscv64"},
	"ppc64le": {"powerpc64le"},
	"s390x":   {"s390x", "systemz"},
}

// checkHostTriple returns an error when triple is not for the architecture the process runs on.
func checkHostTriple(triple string) error {
	if triple == "" {
		return fmt.Errorf("toolchain: opt --version names no default target")
	}
	arch, _, _ := strings.Cut(triple, "-")
	if want, ok := goarchLLVM[runtime.GOARCH]; ok && !slices.Contains(want, arch) {
		return fmt.Errorf("toolchain: LLVM's default target %s is not this machine's architecture (%s)", triple, runtime.GOARCH)
	}
	return nil
}
