package bench

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// refSources are the sources of the references: ref/c/common.h (inputs, checksums, timing),
// ref/c/suite.c (the OpenMP programs), ref/opencl/kernels.cl and ref/opencl/host.c, and the GLSL
// shaders ref/glsl/*.comp.
//
//go:embed ref
var refSources embed.FS

// The names of the implementations that are not geobacter devices.
const (
	RefSerial     = "go-serial"     // serial Go: the natural loop
	RefGoroutines = "go-goroutines" // goroutine-parallel Go, GOMAXPROCS goroutines over chunks
	RefC          = "c-openmp"      // C with OpenMP, clang -O3 -march=native -fopenmp
	RefOpenCL     = "opencl-pocl"   // OpenCL C on PoCL's CPU device
	RefGLSL       = "glsl-vulkan"   // GLSL compiled by glslangValidator, on the first usable Vulkan device
)

// References lists the references in the order they run.
var References = []string{RefSerial, RefGoroutines, RefC, RefOpenCL, RefGLSL}

// cFlags are the flags of the C reference.
var cFlags = []string{"-O3", "-march=native", "-fopenmp"}

// program is a built reference program: its command line up to the benchmark's name, and what it
// reported about itself.
type program struct {
	name string
	argv []string
	desc string // the compiler and flags, or the OpenCL platform and device
}

// Skip is an implementation that did not run, and why.
type Skip struct {
	Impl   string `json:"impl"`
	Reason string `json:"reason"`
}

// toolchain is the reference programs built for one Run, in a temporary directory.
type toolchain struct {
	dir      string
	clang    string // path, "" when none was found
	clangVer string // first line of clang --version
	programs map[string]*program
	skipped  []Skip
}

// clangNames are the names clang is looked for by on PATH, in order, before the newest of
// clangGlob.
var (
	clangNames = []string{"clang", "clang-19", "clang-18", "clang-17"}
	clangGlob  = "/usr/lib/llvm-*/bin/clang"
)

// findClang returns the path of a clang: one of clangNames on PATH, else the newest
// /usr/lib/llvm-N/bin/clang.
func findClang() (string, error) {
	for _, n := range clangNames {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	matches, _ := filepath.Glob(clangGlob)
	version := func(p string) int {
		v, _ := strconv.Atoi(strings.TrimPrefix(filepath.Base(filepath.Dir(filepath.Dir(p))), "llvm-"))
		return v
	}
	sort.Slice(matches, func(i, j int) bool { return version(matches[i]) > version(matches[j]) })
	for _, p := range matches {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no clang found (looked for %s on PATH and %s); install clang and libomp-dev (Debian: clang-19 libomp-19-dev)",
		strings.Join(clangNames, ", "), clangGlob)
}

// buildReferences writes the embedded sources to a new temporary directory and builds the C and
// OpenCL programs named in which. A program that cannot be built or run here is skipped, with
// the reason; only a failure of the temporary directory is an error. close removes the directory.
func buildReferences(ctx context.Context, which []string) (*toolchain, error) {
	tc := &toolchain{programs: map[string]*program{}}
	want := func(name string) bool {
		for _, w := range which {
			if w == name {
				return true
			}
		}
		return false
	}
	if !want(RefC) && !want(RefOpenCL) {
		return tc, nil
	}
	dir, err := os.MkdirTemp("", "geobacter-bench-")
	if err != nil {
		return nil, err
	}
	tc.dir = dir
	if err := writeSources(dir); err != nil {
		tc.close()
		return nil, err
	}
	clang, err := findClang()
	if err != nil {
		for _, n := range []string{RefC, RefOpenCL} {
			if want(n) {
				tc.skipped = append(tc.skipped, Skip{n, err.Error()})
			}
		}
		return tc, nil
	}
	tc.clang = clang
	if out, err := exec.CommandContext(ctx, clang, "--version").Output(); err == nil {
		tc.clangVer, _, _ = strings.Cut(string(out), "\n")
	}
	if want(RefC) {
		if p, err := tc.buildC(ctx); err != nil {
			tc.skipped = append(tc.skipped, Skip{RefC, err.Error()})
		} else {
			tc.programs[RefC] = p
		}
	}
	if want(RefOpenCL) {
		if p, err := tc.buildOpenCL(ctx); err != nil {
			tc.skipped = append(tc.skipped, Skip{RefOpenCL, err.Error()})
		} else {
			tc.programs[RefOpenCL] = p
		}
	}
	return tc, nil
}

func writeSources(dir string) error {
	return fs.WalkDir(refSources, "ref", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := refSources.ReadFile(path)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
}

// compile runs clang with args and returns an error carrying the start of its output.
func (tc *toolchain) compile(ctx context.Context, args ...string) error {
	cmd := exec.CommandContext(ctx, tc.clang, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v: %s", filepath.Base(tc.clang), strings.Join(args, " "), err, firstLines(out, 6))
	}
	return nil
}

func (tc *toolchain) buildC(ctx context.Context) (*program, error) {
	exe := filepath.Join(tc.dir, "suite")
	args := append(append([]string{}, cFlags...), "-o", exe, filepath.Join(tc.dir, "ref", "c", "suite.c"), "-lm")
	if err := tc.compile(ctx, args...); err != nil {
		return nil, fmt.Errorf("building the C reference (needs clang with OpenMP; Debian: libomp-19-dev): %w", err)
	}
	return &program{name: RefC, argv: []string{exe}, desc: tc.clangVer + " " + strings.Join(cFlags, " ")}, nil
}

func (tc *toolchain) buildOpenCL(ctx context.Context) (*program, error) {
	exe := filepath.Join(tc.dir, "host")
	src := filepath.Join(tc.dir, "ref", "opencl")
	if err := tc.compile(ctx, "-O2", "-I", filepath.Join(tc.dir, "ref", "c"), "-o", exe, filepath.Join(src, "host.c"), "-lOpenCL", "-lm"); err != nil {
		return nil, fmt.Errorf("building the OpenCL host program (needs the OpenCL headers and libOpenCL.so; Debian: ocl-icd-opencl-dev): %w", err)
	}
	p := &program{name: RefOpenCL, argv: []string{exe, filepath.Join(src, "kernels.cl")}}
	cmd := exec.CommandContext(ctx, exe, filepath.Join(src, "kernels.cl"), "probe")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("no usable PoCL device: %v: %s", err, firstLines(stderr.Bytes(), 6))
	}
	info := parseInfo(out)
	p.desc = strings.TrimSpace(info["version"] + ", device " + info["device"])
	return p, nil
}

// close removes the temporary directory.
func (tc *toolchain) close() error {
	if tc.dir == "" {
		return nil
	}
	return os.RemoveAll(tc.dir)
}

// refOutput is what a reference program printed.
type refOutput struct {
	runs   []time.Duration
	checks []check
	info   map[string]string
}

// run runs benchmark name with the given parameters: a warm-up, then up to runs timed runs
// within budget.
func (p *program) run(ctx context.Context, name string, params []int, runs int, budget time.Duration) (*refOutput, error) {
	args := append(append([]string{}, p.argv[1:]...), name, strconv.Itoa(runs), strconv.FormatInt(int64(budget), 10))
	for _, v := range params {
		args = append(args, strconv.Itoa(v))
	}
	cmd := exec.CommandContext(ctx, p.argv[0], args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %v: %s", filepath.Base(p.argv[0]), strings.Join(args, " "), err, firstLines(stderr.Bytes(), 6))
	}
	res := &refOutput{info: parseInfo(out)}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "run":
			ns, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: bad line %q", p.name, sc.Text())
			}
			res.runs = append(res.runs, time.Duration(ns))
		case len(f) == 3 && f[0] == "check":
			s, err1 := strconv.ParseFloat(f[1], 64)
			a, err2 := strconv.ParseFloat(f[2], 64)
			if err := errors.Join(err1, err2); err != nil {
				return nil, fmt.Errorf("%s: bad line %q", p.name, sc.Text())
			}
			res.checks = append(res.checks, check{s, a})
		}
	}
	if len(res.runs) == 0 {
		return nil, fmt.Errorf("%s printed no run times", p.name)
	}
	return res, nil
}

// parseInfo returns the "info KEY VALUE" lines of out as a map.
func parseInfo(out []byte) map[string]string {
	info := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(line, "info "); ok {
			k, v, _ := strings.Cut(rest, " ")
			info[k] = strings.TrimSpace(v)
		}
	}
	return info
}

// verifyChecks compares a reference program's checksums with serial Go's: |S - want.S| must be at
// most tol·want.A for each.
func verifyChecks(got, want []check, tol []float64) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d checksums, want %d", len(got), len(want))
	}
	for i := range want {
		d := abs(got[i].S - want[i].S)
		if !(d <= tol[i]*want[i].A) {
			return fmt.Errorf("checksum %d is %.17g, serial Go %.17g: the difference %.3g exceeds %.3g (%g of the sum of absolute values %.6g)",
				i+1, got[i].S, want[i].S, d, tol[i]*want[i].A, tol[i], want[i].A)
		}
	}
	return nil
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// firstLines returns up to n lines of out, trimmed, joined by "; ".
func firstLines(out []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, "; ")
}
