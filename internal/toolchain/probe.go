package toolchain

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// probe makes the Toolchain of the located tools: it probes Polly and the host's target, both with
// opt, concurrently. Only the end of ctx is an error: what a probe does not find is recorded.
func probe(ctx context.Context, loc located, libRoot string) (*Toolchain, error) {
	tc := &Toolchain{tools: loc.tools}
	opt := loc.tools[0]
	var wg sync.WaitGroup
	wg.Go(func() {
		tc.polly, tc.pollyReason = probePolly(ctx, opt, pollyPlugins(opt, libRoot), pollyOptions)
	})
	wg.Go(func() {
		tc.host, tc.hostErr = probeHost(ctx, opt.Path, versionField(loc.optVersion, "Default target"))
	})
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("toolchain: probing %s: %w", opt.Path, err)
	}
	return tc, nil
}

// pollyModule is a loop Polly can model (a SCoP), so that probing runs Polly's passes and not
// only its option parser.
const pollyModule = `define void @add(ptr noalias %a, ptr noalias %b, ptr noalias %c, i64 %n) {
entry:
  %cmp = icmp sgt i64 %n, 0
  br i1 %cmp, label %loop, label %exit
loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %pa = getelementptr inbounds float, ptr %a, i64 %i
  %pb = getelementptr inbounds float, ptr %b, i64 %i
  %pc = getelementptr inbounds float, ptr %c, i64 %i
  %x = load float, ptr %pa
  %y = load float, ptr %pb
  %s = fadd float %x, %y
  store float %s, ptr %pc
  %next = add nuw nsw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}
`

// pollyOptions are the Polly options used when opt accepts them, after "-polly" itself:
// strip-mining loops for LLVM's loop vectoriser, and hoisting loads that do not change in a loop
// (a kernel's argument fields) out of it so that Polly can model the loop. Each is probed, not
// assumed: Polly's options change between LLVM versions. -polly-parallel is left out on purpose:
// it calls the OpenMP runtime, and the cpu device parallelises over work-groups itself.
var pollyOptions = []string{"-polly-vectorizer=stripmine", "-polly-invariant-load-hoisting"}

// pollyPlugins returns the LLVMPolly.so files that may belong to opt: in the lib directory
// next to its real bin directory, and in Debian's directory of its version.
func pollyPlugins(opt Tool, libRoot string) []string {
	var dirs []string
	if real, err := filepath.EvalSymlinks(opt.Path); err == nil {
		dirs = append(dirs, filepath.Join(filepath.Dir(filepath.Dir(real)), "lib"))
	}
	dirs = append(dirs, filepath.Join(libRoot, "llvm-"+strconv.Itoa(opt.Version.Major), "lib"))
	var plugins []string
	for _, d := range dirs {
		p := filepath.Join(d, "LLVMPolly.so")
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && !slices.Contains(plugins, p) {
			plugins = append(plugins, p)
		}
	}
	return plugins
}

// probePolly finds the flags that turn Polly on in opt, by running opt at -O3 on pollyModule with
// "-polly" (Polly built into LLVM, as in Debian's packages, where loading the plugin as well aborts
// opt on options registered twice), then with -load-pass-plugin and "-polly" for each of plugins.
// With the first that opt accepts, it keeps those of options (pollyOptions) that opt accepts too:
// most often all of them, which one run with all of them at once shows. It returns nil flags and
// the reason when opt accepts none of these.
func probePolly(ctx context.Context, opt Tool, plugins, options []string) (flags []string, why string) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	accepts := func(flags []string) (bool, string) {
		args := append([]string{"-disable-output", "-O3"}, flags...)
		_, err := run(ctx, opt.Path, args, []byte(pollyModule))
		if err != nil {
			return false, firstLine(err)
		}
		return true, ""
	}
	var reasons []string
	bases := [][]string{{"-polly"}}
	for _, p := range plugins {
		bases = append(bases, []string{"-load-pass-plugin=" + p, "-polly"})
	}
	for _, base := range bases {
		// Most often opt takes Polly with every option: one run says so.
		if len(options) > 0 {
			if ok, _ := accepts(append(base[:len(base):len(base)], options...)); ok {
				return append(base, options...), ""
			}
		}
		ok, why := accepts(base)
		if ctx.Err() != nil {
			return nil, "probe interrupted: " + ctx.Err().Error()
		}
		if !ok {
			reasons = append(reasons, fmt.Sprintf("opt %s: %s", strings.Join(base, " "), why))
			continue
		}
		flags = base
		for _, o := range options {
			if ok, _ := accepts(append(flags[:len(flags):len(flags)], o)); ok {
				flags = append(flags, o)
			}
		}
		return flags, ""
	}
	if len(plugins) == 0 {
		reasons = append(reasons, "no LLVMPolly.so in LLVM's lib directory")
	}
	return nil, strings.Join(reasons, "; ")
}

// firstLine returns the most telling line of a tool's error: the first line of its standard
// error, else the error's own text.
func firstLine(err error) string {
	var te *ToolError
	if errors.As(err, &te) {
		if s := strings.TrimSpace(te.Stderr); s != "" {
			line, _, _ := strings.Cut(s, "\n")
			return line
		}
		return te.Err.Error()
	}
	return err.Error()
}

// hostModule is an empty function for opt to give the host's target attributes.
const hostModule = "define void @f() {\n  ret void\n}\n"

// Regular expressions reading what opt -mcpu=native printed: the module's data layout and the
// function's target-cpu and target-features attributes.
var (
	dataLayoutRE = regexp.MustCompile(`(?m)^target datalayout = "([^"]*)"`)
	targetCPURE  = regexp.MustCompile(`"target-cpu"="([^"]*)"`)
	featuresRE   = regexp.MustCompile(`"target-features"="([^"]*)"`)
)

// probeHost returns the host's target. LLVM detects the host CPU and its features
// (sys::getHostCPUName and sys::getHostCPUFeatures) when given -mcpu=native, and opt writes what it
// found into each function's "target-cpu" and "target-features" attributes, and the triple's data
// layout into a module that has none. So one run of opt on an empty function gives all of it,
// needing only opt: the "Host CPU" line of --version has no features, llc -mattr=help lists the
// features the target knows rather than those the host has, and clang (-### -march=native) is
// not always installed. The features are the CPU's exact ones (an AVX-512 CPU whose AVX-512 is
// off says -avx512f), sorted by CanonicalFeatures.
func probeHost(ctx context.Context, opt, triple string) (Target, error) {
	if err := checkHostTriple(triple); err != nil {
		return Target{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	res, err := run(ctx, opt, []string{"-S", "-mtriple=" + triple, "-mcpu=native", "-", "-o", "-"}, []byte(hostModule))
	if err != nil {
		return Target{}, fmt.Errorf("toolchain: probing the host's target: %w", err)
	}
	out := string(res.Output)
	t := Target{Triple: triple}
	m := targetCPURE.FindStringSubmatch(out)
	if m == nil {
		return Target{}, fmt.Errorf("toolchain: probing the host's target: opt -mcpu=native gave no target-cpu attribute")
	}
	t.CPU = m[1]
	if m := featuresRE.FindStringSubmatch(out); m != nil {
		t.Features = CanonicalFeatures(m[1])
	}
	if m := dataLayoutRE.FindStringSubmatch(out); m != nil {
		t.DataLayout = m[1]
	}
	return t, nil
}
