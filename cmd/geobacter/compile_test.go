package main

import (
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter/internal/ir"
	"github.com/geobacter-go/geobacter/internal/toolchain"
)

// TestVetTenViolations: a kernel with ten different violations gives exactly ten diagnostics,
// each on the line marked with that violation, with a column.
func TestVetTenViolations(t *testing.T) {
	src, err := os.ReadFile("testdata/vet10/kernels.go")
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for i, line := range strings.Split(string(src), "\n") {
		if strings.Contains(line, "// violation ") {
			want = append(want, i+1)
		}
	}
	if len(want) != 10 {
		t.Fatalf("testdata marks %d violations, want 10", len(want))
	}
	code, out, errOut := runCmd("vet", "./testdata/vet10")
	if code != 1 {
		t.Fatalf("geobacter vet: exit %d, want 1; stderr:\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	re := regexp.MustCompile(`^testdata/vet10/kernels\.go:(\d+):(\d+): \S.*$`)
	var got []int
	for _, l := range lines {
		m := re.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("diagnostic %q is not file:line:col: message", l)
		}
		n, _ := strconv.Atoi(m[1])
		got = append(got, n)
	}
	if len(got) != len(want) {
		t.Fatalf("geobacter vet printed %d diagnostics, want 10:\n%s", len(got), out)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("diagnostic %d is on line %d, want line %d:\n%s", i+1, got[i], want[i], out)
		}
	}
}

func TestVetClean(t *testing.T) {
	code, out, errOut := runCmd("vet", "../../examples/saxpy", "../../examples/reduce")
	if code != 0 || out != "" {
		t.Fatalf("geobacter vet on clean examples: exit %d, stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

func TestIR(t *testing.T) {
	code, out, errOut := runCmd("ir", "-target", "ir", "../../examples/saxpy", "Saxpy")
	if code != 0 {
		t.Fatalf("geobacter ir: exit %d, stderr:\n%s", code, errOut)
	}
	if !strings.Contains(out, `kernel @"(*github.com/geobacter-go/geobacter/examples/saxpy.Saxpy).Kernel"`) ||
		!strings.Contains(out, "access(none, read, readwrite)") {
		t.Errorf("geobacter ir printed:\n%s", out)
	}
	m, err := ir.Parse(out)
	if err != nil {
		t.Fatalf("the printed IR does not parse: %v", err)
	}
	if err := ir.Verify(m); err != nil {
		t.Fatalf("the printed IR does not verify: %v", err)
	}
}

func TestIRErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"ir", "-target", "ir", "../../examples/saxpy", "Nope"}, 1, "no kernel type Nope in ../../examples/saxpy; its kernels are: Saxpy"},
		{[]string{"ir", "-target", "nope", "../../examples/saxpy", "Saxpy"}, 2, `unknown target "nope"`},
		{[]string{"ir", "-target", "ptx", "-arch", "gfx90a", "../../examples/saxpy", "Saxpy"}, 1, `not an NVIDIA architecture`},
		{[]string{"ir", "-target", "amdgpu", "-arch", "sm_80", "../../examples/saxpy", "Saxpy"}, 1, `not an amdgcn ISA name`},
		{[]string{"ir", "../../examples/saxpy"}, 2, "usage: geobacter ir"},
	} {
		code, _, errOut := runCmd(tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("geobacter %s: exit %d, stderr:\n%s\nwant exit %d and %q", strings.Join(tc.args, " "), code, errOut, tc.code, tc.want)
		}
	}
}

// TestGenCheckExamples: every example has its generated IR, up to date.
func TestGenCheckExamples(t *testing.T) {
	code, out, errOut := runCmd("gen", "-check", "../../examples/...")
	if code != 0 {
		t.Fatalf("geobacter gen -check ../../examples/...: exit %d\n%s%s", code, out, errOut)
	}
}

// TestGenCheckMissing: a package with kernels and no generated file fails the check.
func TestGenCheckMissing(t *testing.T) {
	code, _, errOut := runCmd("gen", "-check", "./testdata/nogen")
	if code != 1 || !strings.Contains(errOut, "geobacter_ir.go: missing") {
		t.Fatalf("geobacter gen -check on a package without its file: exit %d, stderr:\n%s", code, errOut)
	}
}

func TestIRLLVM(t *testing.T) {
	code, out, errOut := runCmd("ir", "-target", "llvm", "../../examples/saxpy", "Saxpy")
	if code != 0 {
		t.Fatalf("geobacter ir -target llvm: exit %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{"target triple = \"x86_64-unknown-linux-gnu\"", "define", "_run("} {
		if !strings.Contains(out, want) {
			t.Errorf("geobacter ir -target llvm lacks %q:\n%s", want, out)
		}
	}
}

func TestIRCPU(t *testing.T) {
	if _, err := toolchain.Find(context.Background()); err != nil {
		if strings.Contains(os.Getenv("GEOBACTER_REQUIRE"), "cpu") {
			t.Fatalf("LLVM is required (GEOBACTER_REQUIRE): %v", err)
		}
		t.Skipf("no LLVM toolchain here: %v", err)
	}
	code, out, errOut := runCmd("ir", "-target", "cpu", "../../examples/saxpy", "Saxpy")
	if code != 0 {
		t.Fatalf("geobacter ir -target cpu: exit %d, stderr:\n%s", code, errOut)
	}
	if !strings.Contains(out, "; LLVM IR after opt -O3 for ") || !strings.Contains(out, "; assembly") || !strings.Contains(out, ".text") {
		t.Errorf("geobacter ir -target cpu printed:\n%.2000s", out)
	}
}

// TestIRGPU prints saxpy's PTX and AMDGPU assembly.
func TestIRGPU(t *testing.T) {
	if _, err := toolchain.Find(context.Background()); err != nil {
		if strings.Contains(os.Getenv("GEOBACTER_REQUIRE"), "cpu") {
			t.Fatalf("LLVM is required (GEOBACTER_REQUIRE): %v", err)
		}
		t.Skipf("no LLVM toolchain here: %v", err)
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"-target", "ptx"}, []string{".target sm_80", ".visible .entry geobacter_saxpy_Saxpy_Kernel(", ".param .u64"}},
		{[]string{"-target", "ptx", "-arch", "sm_90"}, []string{".version 7.8", ".target sm_90"}},
		{[]string{"-target", "amdgpu"}, []string{".amdgcn_target \"amdgcn-amd-amdhsa--gfx90a", ".amdhsa_kernel geobacter_saxpy_Saxpy_Kernel", ".kernarg_segment_size"}},
		{[]string{"-target", "amdgpu", "-arch", "gfx1100"}, []string{"gfx1100", ".amdhsa_kernel geobacter_saxpy_Saxpy_Kernel"}},
		{[]string{"-target", "spirv"}, []string{"OpCapability PhysicalStorageBufferAddresses", "OpEntryPoint GLCompute", "OpMemoryModel PhysicalStorageBuffer64 GLSL450"}},
	} {
		code, out, errOut := runCmd(append(append([]string{"ir"}, c.args...), "../../examples/saxpy", "Saxpy")...)
		if code != 0 {
			t.Fatalf("geobacter ir %v: exit %d, stderr:\n%s", c.args, code, errOut)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("geobacter ir %v lacks %q:\n%.3000s", c.args, w, out)
			}
		}
	}
}
