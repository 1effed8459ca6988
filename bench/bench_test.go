package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/internal/devicetest"
)

// refsEnv lists the references that must be usable: their tests fail instead of skipping when
// their tools are missing. CI sets it to "c,opencl" (and "glsl" where Vulkan is installed).
const refsEnv = "GEOBACTER_BENCH_REFS"

// requiredRef reports whether refsEnv names the reference ("c" or "c-openmp", "opencl" or
// "opencl-pocl", "glsl" or "glsl-vulkan").
func requiredRef(name string) bool {
	short, _, _ := strings.Cut(name, "-")
	for _, r := range strings.Split(os.Getenv(refsEnv), ",") {
		if r = strings.TrimSpace(r); r != "" && (r == name || r == short) {
			return true
		}
	}
	return false
}

// smallReference returns a benchmark's problem at the small size and its serial reference.
func smallReference(t testing.TB, b Benchmark) (problem, state) {
	t.Helper()
	p := b.problem(Small)
	ref, err := reference(context.Background(), p)
	if err != nil {
		t.Fatalf("serial reference: %v", err)
	}
	return p, ref
}

// TestDevices runs every benchmark at the small size on the go and cpu devices and verifies the
// results against serial Go.
func TestDevices(t *testing.T) {
	for _, name := range []string{"go", "cpu"} {
		t.Run(name, func(t *testing.T) {
			dev := devicetest.Open(t, name)
			for _, b := range suite {
				t.Run(b.Name, func(t *testing.T) {
					p, ref := smallReference(t, b)
					res := measure(context.Background(), p, ref, target{kind: deviceImpl, dev: dev}, 2, 0)
					if res.Error != "" {
						t.Fatal(res.Error)
					}
					if len(res.RunsNS) != 2 {
						t.Errorf("%d timed runs, want 2", len(res.RunsNS))
					}
					if n, _ := dev.Allocated(); n != 0 {
						t.Errorf("%d buffers still allocated", n)
					}
				})
			}
		})
	}
}

// TestGo verifies the goroutine-parallel references against serial Go, and serial Go against
// itself (its state is reset by setup).
func TestGo(t *testing.T) {
	for _, b := range suite {
		t.Run(b.Name, func(t *testing.T) {
			p, ref := smallReference(t, b)
			for _, kind := range []implKind{serialImpl, goroutinesImpl} {
				if res := measure(context.Background(), p, ref, target{kind: kind}, 1, 0); res.Error != "" {
					t.Errorf("kind %d: %s", kind, res.Error)
				}
			}
		})
	}
}

// TestVerifyCatches checks that verification notices a wrong result.
func TestVerifyCatches(t *testing.T) {
	for _, b := range suite {
		t.Run(b.Name, func(t *testing.T) {
			p, ref := smallReference(t, b)
			st, err := p.setup(&mem{})
			if err != nil {
				t.Fatal(err)
			}
			if err := st.run(context.Background(), target{kind: serialImpl}); err != nil {
				t.Fatal(err)
			}
			if err := st.verify(ref); err != nil {
				t.Fatalf("the serial result fails: %v", err)
			}
			// A second run changes the state of some benchmarks (saxpy, stencil, nbody); for the
			// others, spoil the result by hand.
			switch s := st.(type) {
			case *reduceState:
				s.sum *= 1.01
			case *sgemmState:
				s.c[len(s.c)-1]++
			case *mandelbrotState:
				for i := range s.iter {
					s.iter[i]++
				}
			case *histogramState:
				s.bins[0]++
			default:
				if err := st.run(context.Background(), target{kind: serialImpl}); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.verify(ref); err == nil {
				t.Error("a wrong result passes verify")
			}
			if err := verifyChecks(st.checks(), ref.checks(), p.checkTolerance()); err == nil {
				t.Error("a wrong result passes the checksums")
			}
		})
	}
}

// TestReferences builds the C and OpenCL programs and runs every benchmark at the small size on
// each, verifying their checksums. A program whose tools are missing is skipped, unless
// GEOBACTER_BENCH_REFS names it.
func TestReferences(t *testing.T) {
	ctx := context.Background()
	tc, err := buildReferences(ctx, []string{RefC, RefOpenCL})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.close()
	for _, name := range []string{RefC, RefOpenCL} {
		t.Run(name, func(t *testing.T) {
			prog := tc.programs[name]
			if prog == nil {
				reason := "not built"
				for _, s := range tc.skipped {
					if s.Impl == name {
						reason = s.Reason
					}
				}
				if requiredRef(name) {
					t.Fatalf("%s is not usable and %s=%s requires it: %s", name, refsEnv, os.Getenv(refsEnv), reason)
				}
				t.Skipf("%s is not usable here: %s", name, reason)
			}
			for _, b := range suite {
				t.Run(b.Name, func(t *testing.T) {
					p, ref := smallReference(t, b)
					res := measureProgram(ctx, prog, b.Name, p, ref, 2, 0)
					if res.Error != "" {
						t.Fatal(res.Error)
					}
					if len(res.RunsNS) != 2 {
						t.Errorf("%d timed runs, want 2", len(res.RunsNS))
					}
				})
			}
		})
	}
}

// TestGLSL compiles the GLSL shaders and runs every benchmark at the small size on the first
// usable Vulkan device, verifying the results against serial Go. It skips when glslangValidator
// or a Vulkan device is missing, unless GEOBACTER_BENCH_REFS names glsl.
func TestGLSL(t *testing.T) {
	ctx := context.Background()
	g, err := newGLSLRef(ctx)
	if err != nil {
		if !errGLSLUnavailable(err) {
			t.Fatal(err)
		}
		if requiredRef(RefGLSL) {
			t.Fatalf("%s is not usable and %s=%s requires it: %v", RefGLSL, refsEnv, os.Getenv(refsEnv), err)
		}
		t.Skipf("%s is not usable here: %v", RefGLSL, err)
	}
	defer g.close()
	t.Logf("%s: %s", RefGLSL, g.desc)
	for _, b := range suite {
		t.Run(b.Name, func(t *testing.T) {
			p, ref := smallReference(t, b)
			res := measure(ctx, p, ref, target{kind: glslImpl, glsl: g}, 2, 0)
			if res.Error != "" {
				t.Fatal(res.Error)
			}
			if len(res.RunsNS) != 2 {
				t.Errorf("%d timed runs, want 2", len(res.RunsNS))
			}
			if l := g.dev.Live(); l.Allocations != 0 || len(g.allocs) != 0 {
				t.Errorf("%d allocations still live (%d known to the reference)", l.Allocations, len(g.allocs))
			}
		})
	}
	for _, m := range g.in.ValidationMessages() {
		t.Errorf("validation: %s", m)
	}
}

// TestGLSLFloatAddLoop runs reduce with the compare-and-swap loop that replaces the float atomic
// add on devices without one.
func TestGLSLFloatAddLoop(t *testing.T) {
	defer func(v bool) { glslNativeFloatAdd = v }(glslNativeFloatAdd)
	glslNativeFloatAdd = false
	ctx := context.Background()
	g, err := newGLSLRef(ctx)
	if err != nil {
		if errGLSLUnavailable(err) && !requiredRef(RefGLSL) {
			t.Skipf("%s is not usable here: %v", RefGLSL, err)
		}
		t.Fatal(err)
	}
	defer g.close()
	if g.dev.Features.ShaderBufferFloat32AtomicAdd {
		t.Fatal("the device was opened with shaderBufferFloat32AtomicAdd")
	}
	i := slices.IndexFunc(suite, func(b Benchmark) bool { return b.Name == "reduce" })
	p, ref := smallReference(t, suite[i])
	if res := measure(ctx, p, ref, target{kind: glslImpl, glsl: g}, 1, 0); res.Error != "" {
		t.Fatal(res.Error)
	}
}

// TestNoGLSLang checks that the GLSL reference is unavailable, with the reason, when there is no
// glslangValidator, and that Run then skips it.
func TestNoGLSLang(t *testing.T) {
	names := glslangNames
	defer func() { glslangNames = names }()
	glslangNames = []string{"no-such-glslang-geobacter"}
	if g, err := newGLSLRef(context.Background()); err == nil || !errGLSLUnavailable(err) || !strings.Contains(err.Error(), "no-such-glslang-geobacter") {
		if g != nil {
			g.close()
		}
		t.Fatalf("newGLSLRef: error %v; want it unavailable for want of glslangValidator", err)
	}
	rep, err := Run(context.Background(), Config{Size: Small, Runs: 1, Devices: []string{}, References: []string{RefSerial, RefGLSL},
		Bench: regexp.MustCompile("saxpy")})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Skipped) != 1 || rep.Skipped[0].Impl != RefGLSL || len(rep.References) != 1 || rep.Failed() {
		t.Errorf("skipped %+v, references %v; want %s skipped and serial Go run", rep.Skipped, rep.References, RefGLSL)
	}
}

// TestGLSLBuildFails checks that shaders that do not compile make the GLSL reference fail in
// Run, rather than be skipped.
func TestGLSLBuildFails(t *testing.T) {
	if _, err := findGLSLang(); err != nil {
		t.Skip(err)
	}
	flags := glslangFlags
	defer func() { glslangFlags = flags }()
	glslangFlags = append(slices.Clone(flags), "-DREDUCE_GROUP=not_a_number")
	rep, err := Run(context.Background(), Config{Size: Small, Runs: 1, Devices: []string{}, References: []string{RefGLSL},
		Bench: regexp.MustCompile("saxpy")})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Skipped) > 0 {
		t.Skipf("%s is not usable here: %s", RefGLSL, rep.Skipped[0].Reason)
	}
	if !rep.Failed() || !strings.Contains(rep.Benchmarks[0].Results[0].Error, "glslangValidator") {
		t.Errorf("a shader that does not compile: failed %v, results %+v", rep.Failed(), rep.Benchmarks[0].Results[0])
	}
}

// TestSPIRVGeomean checks the line of the table that compares a vulkan device with the GLSL
// reference.
func TestSPIRVGeomean(t *testing.T) {
	rep := &Report{
		Environment: Environment{Devices: map[string]string{"vulkan:0": "vulkan:0 llvmpipe (LLVM 15)"}, GLSLDevice: "llvmpipe (LLVM 15)"},
		Devices:     []string{"vulkan:0"}, References: []string{RefGLSL},
		Benchmarks: []*BenchResult{
			{Name: "a", Results: []*Result{{Impl: "vulkan:0", MedianNS: 3}, {Impl: RefGLSL, MedianNS: 1}}},
			{Name: "b", Results: []*Result{{Impl: "vulkan:0", MedianNS: 3}, {Impl: RefGLSL, MedianNS: 3}}},
		},
	}
	rep.Geomeans = geomeans(rep)
	var table bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	want := "geobacter's SPIR-V / glslang's SPIR-V (vulkan:0 / glsl-vulkan, on llvmpipe (LLVM 15)): 1.73, the geometric mean over 2 benchmarks"
	if !strings.Contains(table.String(), want) {
		t.Errorf("the table lacks %q:\n%s", want, table.String())
	}
}

// TestNoClang checks that the C and OpenCL references are skipped, with the reason, when there
// is no clang.
func TestNoClang(t *testing.T) {
	names, glob := clangNames, clangGlob
	defer func() { clangNames, clangGlob = names, glob }()
	clangNames, clangGlob = []string{"no-such-clang-geobacter"}, filepath.Join(t.TempDir(), "llvm-*", "clang")
	tc, err := buildReferences(context.Background(), References)
	if err != nil {
		t.Fatal(err)
	}
	defer tc.close()
	if len(tc.programs) != 0 || len(tc.skipped) != 2 || !strings.Contains(tc.skipped[0].Reason, "no clang found") {
		t.Errorf("programs %v, skipped %+v; want none, and both skipped for want of clang", tc.programs, tc.skipped)
	}
	rep, err := Run(context.Background(), Config{Size: Small, Runs: 1, Devices: []string{}, Bench: regexp.MustCompile("saxpy")})
	if err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	rep.WriteTable(&table)
	if !strings.Contains(table.String(), "skipped c-openmp: no clang found") || rep.Failed() {
		t.Errorf("the table does not say why c-openmp is skipped, or something failed:\n%s", table.String())
	}
}

// TestBudget checks that the budget stops an implementation after MinRuns runs.
func TestBudget(t *testing.T) {
	p, ref := smallReference(t, suite[0])
	res := measure(context.Background(), p, ref, target{kind: serialImpl}, 100, time.Nanosecond)
	if res.Error != "" || len(res.RunsNS) != MinRuns {
		t.Errorf("%d runs (error %q), want %d", len(res.RunsNS), res.Error, MinRuns)
	}
}

// TestRun runs the whole suite at the small size on the go device and the Go references and
// checks the table, the JSON and the plot.
func TestRun(t *testing.T) {
	var log bytes.Buffer
	rep, err := Run(context.Background(), Config{
		Size: Small, Runs: 2, Devices: []string{"go"}, References: []string{RefSerial, RefGoroutines}, Log: &log,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed() {
		t.Fatalf("failures:\n%s", log.String())
	}
	if len(rep.Benchmarks) != len(suite) {
		t.Errorf("%d benchmarks, want %d", len(rep.Benchmarks), len(suite))
	}
	var table bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"BENCHMARK", "go/ROW", "sgemm", "go-goroutines", "GFLOP/s", "geometric mean"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, table.String())
		}
	}
	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatalf("the JSON does not decode: %v", err)
	}
	if len(back.Benchmarks) != len(suite) || len(back.Benchmarks[0].Results[0].RunsNS) != 2 || back.Environment.GOMAXPROCS == 0 {
		t.Errorf("the JSON lacks results or the environment:\n%s", js.String())
	}
	if len(back.Geomeans) == 0 {
		t.Error("no geometric means")
	}
	var svg bytes.Buffer
	if err := rep.WritePlot(&svg); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(svg.String(), "<svg") {
		t.Errorf("the plot is not SVG: %.200s", svg.String())
	}
}

func TestRunFilter(t *testing.T) {
	rep, err := Run(context.Background(), Config{
		Size: Small, Runs: 1, Devices: []string{}, References: []string{RefSerial}, Bench: regexp.MustCompile("^(saxpy|nbody)$"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Benchmarks) != 2 || rep.Benchmarks[0].Name != "saxpy" || rep.Benchmarks[1].Name != "nbody" {
		t.Errorf("benchmarks %v, want saxpy and nbody", rep.Benchmarks)
	}
	if _, err := Run(context.Background(), Config{Size: "huge"}); err == nil {
		t.Error("size huge: no error")
	}
	if _, err := Run(context.Background(), Config{References: []string{"fortran"}}); err == nil {
		t.Error("reference fortran: no error")
	}
}

func TestMedianGeomean(t *testing.T) {
	if m := median([]int64{5, 1, 3}); m != 3 {
		t.Errorf("median = %d, want 3", m)
	}
	if m := median([]int64{4, 1, 3, 10}); m != 3 {
		t.Errorf("median = %d, want 3", m)
	}
	rep := &Report{Devices: []string{"cpu"}, References: []string{RefC}, Benchmarks: []*BenchResult{
		{Name: "a", Results: []*Result{{Impl: "cpu", MedianNS: 2}, {Impl: RefC, MedianNS: 1}}},
		{Name: "b", Results: []*Result{{Impl: "cpu", MedianNS: 8}, {Impl: RefC, MedianNS: 1}}},
		{Name: "c", Results: []*Result{{Impl: "cpu", MedianNS: 8}, {Impl: RefC, Error: "wrong"}}},
	}}
	g := geomeans(rep)
	if len(g) != 1 || math.Abs(g[0].Ratio-4) > 1e-12 || g[0].Benchmarks != 2 {
		t.Errorf("geomeans = %+v, want cpu/c-openmp 4 over 2 benchmarks", g)
	}
}

// TestInputs checks the inputs' ranges; that they agree with ref/c/common.h is checked by the
// checksums of TestReferences.
func TestInputs(t *testing.T) {
	for i := range 1000 {
		if u := unit(i, 1); !(u >= 0 && u < 1) {
			t.Fatalf("unit(%d, 1) = %v, want [0, 1)", i, u)
		}
	}
}

var sizeFlag = flag.String("size", string(Full), "the size of BenchmarkSuite: full or small")

// BenchmarkSuite runs the suite under go test -bench: BenchmarkSuite/<benchmark>/<implementation>,
// at the size -size says. The GLSL reference runs in this process, as the devices do. A C or
// OpenCL reference runs its b.N runs in its own process and reports
// their mean time as ns/op.
func BenchmarkSuite(b *testing.B) {
	ctx := context.Background()
	var devs []*geobacter.Device
	for _, name := range []string{"go", "cpu"} {
		if d, err := geobacter.Open(ctx, name); err == nil {
			defer d.Close()
			devs = append(devs, d)
		}
	}
	tc, err := buildReferences(ctx, []string{RefC, RefOpenCL})
	if err != nil {
		b.Fatal(err)
	}
	defer tc.close()
	glsl, glslErr := newGLSLRef(ctx)
	if glslErr == nil {
		defer glsl.close()
	}

	for _, bm := range suite {
		b.Run(bm.Name, func(b *testing.B) {
			p := bm.problem(Size(*sizeFlag))
			var ref state
			var refOnce sync.Once
			getRef := func(b *testing.B) state {
				refOnce.Do(func() {
					var err error
					if ref, err = reference(ctx, p); err != nil {
						b.Fatal(err)
					}
				})
				return ref
			}
			runGo := func(b *testing.B, t target) {
				m := newMem(t)
				defer m.free()
				st, err := p.setup(m)
				if err != nil {
					b.Fatal(err)
				}
				if err := st.run(ctx, t); err != nil {
					b.Fatal(err)
				}
				if err := st.verify(getRef(b)); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for b.Loop() {
					if err := st.run(ctx, t); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(p.work(getRef(b))/(float64(b.Elapsed().Nanoseconds())/float64(b.N)), bm.Unit)
			}
			for _, d := range devs {
				b.Run(d.Kind(), func(b *testing.B) { runGo(b, target{kind: deviceImpl, dev: d}) })
			}
			b.Run(RefSerial, func(b *testing.B) { runGo(b, target{kind: serialImpl}) })
			b.Run(RefGoroutines, func(b *testing.B) { runGo(b, target{kind: goroutinesImpl}) })
			b.Run(RefGLSL, func(b *testing.B) {
				if glslErr != nil {
					b.Skipf("%s is not usable here: %v", RefGLSL, glslErr)
				}
				runGo(b, target{kind: glslImpl, glsl: glsl})
			})
			for _, name := range []string{RefC, RefOpenCL} {
				b.Run(name, func(b *testing.B) {
					prog := tc.programs[name]
					if prog == nil {
						b.Skipf("%s is not usable here", name)
					}
					out, err := prog.run(ctx, bm.Name, p.params(), b.N, time.Duration(math.MaxInt64))
					if err != nil {
						b.Fatal(err)
					}
					if err := verifyChecks(out.checks, getRef(b).checks(), p.checkTolerance()); err != nil {
						b.Fatal(err)
					}
					var total time.Duration
					for _, d := range out.runs {
						total += d
					}
					mean := float64(total.Nanoseconds()) / float64(len(out.runs))
					b.ReportMetric(mean, "ns/op")
					b.ReportMetric(p.work(getRef(b))/mean, bm.Unit)
				})
			}
		})
	}
}
