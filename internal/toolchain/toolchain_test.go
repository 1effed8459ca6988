package toolchain

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// requireEnv names the device kinds whose tests must not skip; LLVM is the cpu device's need.
const requireEnv = "GEOBACTER_REQUIRE"

// required reports whether GEOBACTER_REQUIRE, a comma-separated list of device kinds, names kind.
func required(kind string) bool {
	for _, k := range strings.Split(os.Getenv(requireEnv), ",") {
		if k = strings.TrimSpace(k); k != "" && k == kind {
			return true
		}
	}
	return false
}

// The machine's toolchain, found once by realToolchain.
var (
	realOnce sync.Once
	realTC   *Toolchain
	realErr  error
)

// realToolchain returns the machine's LLVM toolchain, found once for all the tests. When there is
// none it skips the test, or fails it when GEOBACTER_REQUIRE names the cpu device.
func realToolchain(t *testing.T) *Toolchain {
	t.Helper()
	realOnce.Do(func() { realTC, realErr = Find(context.Background()) })
	if realErr != nil {
		if required("cpu") {
			t.Fatalf("no LLVM toolchain, and %s=%s requires the cpu device: %v", requireEnv, os.Getenv(requireEnv), realErr)
		}
		t.Skipf("no LLVM toolchain: %v", realErr)
	}
	return realTC
}

// realHost returns the host's target, failing the test when it could not be probed.
func realHost(t *testing.T, tc *Toolchain) Target {
	t.Helper()
	host, err := tc.Host()
	if err != nil {
		t.Fatalf("Host: %v", err)
	}
	return host
}

// TestFindReal checks the machine's toolchain: new enough, one version, named by String.
func TestFindReal(t *testing.T) {
	tc := realToolchain(t)
	t.Logf("toolchain: %s", tc)
	if tc.Major() < MinMajor {
		t.Errorf("Major() = %d, below %d", tc.Major(), MinMajor)
	}
	for _, tool := range tc.Versions() {
		if tool.Version.Major != tc.Major() {
			t.Errorf("%s %s is LLVM %s, not %d", tool.Name, tool.Path, tool.Version, tc.Major())
		}
		if !strings.Contains(tc.String(), tool.Path) {
			t.Errorf("String() lacks %s", tool.Path)
		}
	}
}

// TestPollyReal checks the Polly probe on the machine's toolchain: LLVM 19 with LLVMPolly.so has
// Polly, an option opt rejects is dropped, and Optimize runs with Polly.
func TestPollyReal(t *testing.T) {
	tc := realToolchain(t)
	flags, why := tc.Polly()
	t.Logf("polly flags %q; reason %q", flags, why)
	if flags == nil {
		if why == "" {
			t.Error("Polly unavailable without a reason")
		}
		if _, err := os.Stat(filepath.Join("/usr/lib", "llvm-19", "lib", "LLVMPolly.so")); err == nil && tc.Major() == 19 {
			t.Errorf("LLVM 19 with LLVMPolly.so, but no Polly: %s", why)
		}
		return
	}
	if !slices.Contains(flags, "-polly") {
		t.Errorf("Polly flags %q lack -polly", flags)
	}
	// The probe keeps what opt accepts and drops what it does not.
	opt := tc.Versions()[0]
	plugins := pollyPlugins(opt, "/usr/lib")
	got, why := probePolly(context.Background(), opt, plugins, []string{"-polly-no-such-option", "-polly-vectorizer=stripmine"})
	if strings.Contains(strings.Join(got, " "), "no-such") || !strings.Contains(strings.Join(got, " "), "-polly-vectorizer=stripmine") {
		t.Errorf("probing a bad and a good option gave %q (%s)", got, why)
	}
	// And Polly runs on a real module.
	if _, err := tc.Optimize(context.Background(), []byte(pollyModule), realHost(t, tc), OptimizeOptions{Polly: true}); err != nil {
		t.Errorf("Optimize with Polly: %v", err)
	}
}

// TestHostReal checks the host target probed with opt -mcpu=native.
func TestHostReal(t *testing.T) {
	tc := realToolchain(t)
	host := realHost(t, tc)
	t.Logf("host: %s\ndata layout: %s", host, host.DataLayout)
	if host.CPU == "" || host.CPU == "generic" && runtime.GOARCH == "amd64" {
		t.Errorf("host CPU %q", host.CPU)
	}
	if host.DataLayout == "" || host.Triple == "" {
		t.Errorf("host target %+v lacks a triple or data layout", host)
	}
	if host.Features != CanonicalFeatures(host.Features) {
		t.Errorf("host features are not canonical: %s", host.Features)
	}
	if runtime.GOARCH == "amd64" {
		if !strings.HasPrefix(host.Triple, "x86_64-") {
			t.Errorf("host triple %s on amd64", host.Triple)
		}
		if !strings.Contains(","+host.Features+",", ",+sse2,") {
			t.Errorf("amd64 host features lack +sse2: %s", host.Features)
		}
	}
}

// addModule is a function adding two float arrays, as a backend would write it: c[i] = a[i] + b[i]
// for i below n.
const addModule = `define void @geobacter_add(ptr noalias nocapture readonly %a, ptr noalias nocapture readonly %b, ptr noalias nocapture %c, i64 %n) {
entry:
  %nonempty = icmp sgt i64 %n, 0
  br i1 %nonempty, label %loop, label %exit

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %pa = getelementptr inbounds float, ptr %a, i64 %i
  %pb = getelementptr inbounds float, ptr %b, i64 %i
  %pc = getelementptr inbounds float, ptr %c, i64 %i
  %x = load float, ptr %pa, align 4
  %y = load float, ptr %pb, align 4
  %sum = fadd float %x, %y
  store float %sum, ptr %pc, align 4
  %next = add nuw nsw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  ret void
}
`

// TestEndToEndReal optimises addModule for the host, compiles it to assembly and to an object,
// links a shared object and checks that it exports the function.
func TestEndToEndReal(t *testing.T) {
	tc := realToolchain(t)
	host := realHost(t, tc)
	ctx := context.Background()

	opt, err := tc.Optimize(ctx, []byte(addModule), host, OptimizeOptions{Polly: true})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(opt.Output, []byte(" x float>")) {
		t.Errorf("the loop was not vectorised:\n%s", opt.Output)
	}
	if opt.Stderr != "" {
		t.Errorf("opt warned: %s", opt.Stderr)
	}

	asm, err := tc.Compile(ctx, opt.Output, host, Assembly)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(asm.Output, []byte("geobacter_add:")) {
		t.Errorf("the assembly has no geobacter_add:\n%s", asm.Output)
	}
	if runtime.GOARCH == "amd64" && strings.Contains(host.Features, "+avx2") && !bytes.Contains(asm.Output, []byte("%ymm")) && !bytes.Contains(asm.Output, []byte("%zmm")) {
		t.Errorf("an AVX2 host's code uses no ymm or zmm register:\n%s", asm.Output)
	}

	obj, err := tc.Compile(ctx, opt.Output, host, Object)
	if err != nil {
		t.Fatal(err)
	}
	if obj.Stderr != "" {
		t.Errorf("llc warned: %s", obj.Stderr)
	}
	if f, err := elf.NewFile(bytes.NewReader(obj.Output)); err != nil {
		t.Errorf("the object is not ELF: %v", err)
	} else if f.Type != elf.ET_REL {
		t.Errorf("the object's ELF type is %v, want ET_REL", f.Type)
	}

	so, err := tc.LinkShared(ctx, obj.Output)
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.NewFile(bytes.NewReader(so.Output))
	if err != nil {
		t.Fatalf("the shared object is not ELF: %v", err)
	}
	if f.Type != elf.ET_DYN {
		t.Errorf("the shared object's ELF type is %v, want ET_DYN", f.Type)
	}
	syms, err := f.DynamicSymbols()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range syms {
		if s.Name == "geobacter_add" {
			found = elf.ST_TYPE(s.Info) == elf.STT_FUNC && elf.ST_BIND(s.Info) == elf.STB_GLOBAL && s.Section != elf.SHN_UNDEF && s.Value != 0
			if !found {
				t.Errorf("geobacter_add is exported as %+v, not a defined global function", s)
			}
		}
	}
	if !found {
		t.Errorf("the shared object does not export geobacter_add: %v", syms)
	}
	t.Logf("opt %v, llc (asm) %v, llc (obj) %v, ld.lld %v; %d bytes of shared object",
		opt.Duration, asm.Duration, obj.Duration, so.Duration, len(so.Output))
	if so.Command[0] != tc.Versions()[2].Path {
		t.Errorf("LinkShared ran %q, not ld.lld", so.Command)
	}
}

// TestOptimizeLevelsReal checks that opt takes every level Optimize offers, and Optimize no other.
func TestOptimizeLevelsReal(t *testing.T) {
	tc := realToolchain(t)
	for _, level := range levels {
		if _, err := tc.Optimize(context.Background(), []byte(addModule), Target{}, OptimizeOptions{Level: level}); err != nil {
			t.Errorf("level %s: %v", level, err)
		}
	}
	if _, err := tc.Optimize(context.Background(), []byte(addModule), Target{}, OptimizeOptions{Level: "O4"}); err == nil {
		t.Error("level O4 accepted")
	}
}

// TestToolErrorReal checks that a failing tool's error has its command line and standard error.
func TestToolErrorReal(t *testing.T) {
	tc := realToolchain(t)
	_, err := tc.Optimize(context.Background(), []byte("define void @f() {\n  ret i32 0\n}\n"), Target{}, OptimizeOptions{})
	var te *ToolError
	if !errors.As(err, &te) {
		t.Fatalf("Optimize of bad IR: %v, want a *ToolError", err)
	}
	msg := err.Error()
	for _, want := range []string{tc.Versions()[0].Path + " -S -O3 - -o -", "exit status 1", "error:", "ret i32 0"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if _, err := tc.LinkShared(context.Background(), []byte("not an object")); !errors.As(err, &te) || !strings.Contains(te.Stderr, "in.o") {
		t.Errorf("LinkShared of garbage: %v", err)
	}
}

// TestCancel checks that cancelling a run kills the tool, with a fake opt that sleeps.
func TestCancel(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh for the fake tools")
	}
	dir := t.TempDir()
	slow := filepath.Join(dir, "opt")
	if err := os.WriteFile(slow, []byte("#!/bin/sh\nexec sleep 30\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tc := &Toolchain{tools: []Tool{{Name: toolOpt, Path: slow}, {Name: toolLLC, Path: slow}, {Name: toolLLD, Path: slow}}}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := tc.Optimize(ctx, []byte(addModule), Target{}, OptimizeOptions{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Optimize past its deadline: %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Optimize took %v to stop", d)
	}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if _, err := tc.LinkShared(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("LinkShared with a canceled context: %v, want context.Canceled", err)
	}
}

// TestRequired checks the reading of GEOBACTER_REQUIRE.
func TestRequired(t *testing.T) {
	t.Setenv(requireEnv, "vulkan, cpu")
	if !required("cpu") || !required("vulkan") || required("cuda") || required("") {
		t.Errorf("required with %s=%q", requireEnv, os.Getenv(requireEnv))
	}
}

// TestCanonicalFeatures checks the sorting and deduplication of feature strings.
func TestCanonicalFeatures(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"+sse2", "+sse2"},
		{"+avx2,+avx,-avx512f", "+avx,+avx2,-avx512f"},
		{"+avx512f,-avx512f", "-avx512f"},
		{" +fma , ,sse4.2", "+fma,+sse4.2"},
	}
	for _, tt := range tests {
		if got := CanonicalFeatures(tt.in); got != tt.want {
			t.Errorf("CanonicalFeatures(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestTargetArgs checks the flags and the text of a Target.
func TestTargetArgs(t *testing.T) {
	tg := Target{Triple: "x86_64-pc-linux-gnu", DataLayout: "e-m:e", CPU: "znver5", Features: "+avx"}
	if got := strings.Join(tg.args(), " "); got != "-mtriple=x86_64-pc-linux-gnu -mcpu=znver5 -mattr=+avx" {
		t.Errorf("args() = %s", got)
	}
	if got := (Target{}).args(); got != nil {
		t.Errorf("empty target's args() = %q", got)
	}
	if got := tg.String(); got != "x86_64-pc-linux-gnu cpu=znver5 features=+avx" {
		t.Errorf("String() = %s", got)
	}
}

// TestQuoteCommand checks the quoting of command lines in errors.
func TestQuoteCommand(t *testing.T) {
	got := quoteCommand([]string{"/usr/bin/opt-19", "-mattr=+avx,-sse4a", "-passes=default<O3>", "it's", ""})
	want := `/usr/bin/opt-19 -mattr=+avx,-sse4a '-passes=default<O3>' 'it'\''s' ''`
	if got != want {
		t.Errorf("quoteCommand = %s, want %s", got, want)
	}
}

// TestFileType checks FileType's names and that Compile refuses an unknown one.
func TestFileType(t *testing.T) {
	if Object.String() != "obj" || Assembly.String() != "asm" || FileType(7).String() != "FileType(7)" {
		t.Error("FileType.String")
	}
	tc := &Toolchain{tools: []Tool{{Name: toolOpt}, {Name: toolLLC}, {Name: toolLLD}}}
	if _, err := tc.Compile(context.Background(), nil, Target{}, FileType(7)); err == nil {
		t.Error("Compile to FileType(7) succeeded")
	}
}
