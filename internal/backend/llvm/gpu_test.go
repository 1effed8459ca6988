package llvm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/geobacter-go/geobacter/internal/frontend"
	"github.com/geobacter-go/geobacter/internal/ir"
	"github.com/geobacter-go/geobacter/internal/mathlib"
	"github.com/geobacter-go/geobacter/internal/passes"
)

// requireCPU reports whether GEOBACTER_REQUIRE names cpu: the LLVM tools must then be there.
func requireCPU() bool {
	for _, k := range strings.Split(os.Getenv("GEOBACTER_REQUIRE"), ",") {
		if strings.TrimSpace(k) == "cpu" {
			return true
		}
	}
	return false
}

// gpuTools are the LLVM tools the GPU tests run.
type gpuTools struct{ opt, llc, lld string }

// findGPUTools returns opt, llc and ld.lld (19 or unsuffixed) when llc has the target arch
// ("nvptx64", "amdgcn"); otherwise it skips the test with the reason, or fails when
// GEOBACTER_REQUIRE names cpu (CI installs LLVM 19, which has both targets).
func findGPUTools(t *testing.T, arch string) gpuTools {
	t.Helper()
	find := func(names ...string) string {
		for _, n := range names {
			if p, err := exec.LookPath(n); err == nil {
				return p
			}
		}
		return ""
	}
	tools := gpuTools{find("opt-19", "opt"), find("llc-19", "llc"), find("ld.lld-19", "ld.lld")}
	why := ""
	switch {
	case tools.opt == "" || tools.llc == "" || tools.lld == "":
		why = "opt, llc or ld.lld not found (Debian: apt-get install llvm-19 lld-19)"
	default:
		out, err := exec.Command(tools.llc, "--version").CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte(" "+arch+" ")) {
			why = fmt.Sprintf("%s has no %s target", tools.llc, arch)
		}
	}
	if why != "" {
		if requireCPU() {
			t.Fatal(why + ", and GEOBACTER_REQUIRE names cpu")
		}
		t.Skip(why)
	}
	return tools
}

func runTool(path string, stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.Command(path, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s %s: %v\n%s", filepath.Base(path), strings.Join(args, " "), err, errb.String())
	}
	return out.Bytes(), nil
}

func (g *GPU) llcArgs() []string {
	a := []string{"-mtriple=" + g.Triple, "-mcpu=" + g.CPU}
	if g.Features != "" {
		a = append(a, "-mattr="+g.Features)
	}
	return a
}

// compilePTX runs opt -O3 and llc on an NVPTX module and returns the PTX.
func (tools gpuTools) compilePTX(g *GPU, text string) (string, error) {
	opt, err := runTool(tools.opt, []byte(text), append([]string{"-S", "-O3"}, g.llcArgs()...)...)
	if err != nil {
		return "", err
	}
	ptx, err := runTool(tools.llc, opt, append([]string{"-O3", "-filetype=asm"}, g.llcArgs()...)...)
	return string(ptx), err
}

// compileAMDGPU runs opt -O3, llc -filetype=obj and ld.lld -shared on an AMDGPU module and
// returns the code object.
func (tools gpuTools) compileAMDGPU(g *GPU, text, dir string) ([]byte, error) {
	opt, err := runTool(tools.opt, []byte(text), append([]string{"-S", "-O3"}, g.llcArgs()...)...)
	if err != nil {
		return nil, err
	}
	obj, err := runTool(tools.llc, opt, append([]string{"-O3", "-filetype=obj"}, g.llcArgs()...)...)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "k-*.o")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(obj); err != nil {
		return nil, err
	}
	f.Close()
	out := f.Name() + ".co"
	defer os.Remove(out)
	if _, err := runTool(tools.lld, nil, "-shared", "-o", out, f.Name()); err != nil {
		return nil, err
	}
	return os.ReadFile(out)
}

// checkPTX checks kernel k's entry in ptx against the GPU ABI's parameter layout.
func checkPTX(k *Kernel, ptx string) error {
	entries, err := ParsePTXEntries(ptx)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name != k.Symbol {
			continue
		}
		if len(e.Params) != 5 {
			return fmt.Errorf(".entry %s has %d parameters, want 5: %v", e.Name, len(e.Params), e.Params)
		}
		want := PTXParam{Name: k.Symbol + "_param_0", Size: max(k.ArgsSize, 1), Align: k.ArgsAlign}
		if e.Params[0] != want {
			return fmt.Errorf(".entry %s: parameter 0 is %+v, want %+v", e.Name, e.Params[0], want)
		}
		for i := 1; i < 5; i++ {
			if p := e.Params[i]; p.Size != 8 || p.Align != 8 {
				return fmt.Errorf(".entry %s: parameter %d is %+v, want a .u64", e.Name, i, p)
			}
		}
		return nil
	}
	return fmt.Errorf("no .entry %s in the PTX", k.Symbol)
}

// checkCodeObject checks kernel k in an AMDGPU code object: its arguments at the GPU ABI's
// offsets, the kernarg, group and private segment sizes in the metadata equal to those in the
// kernel descriptor, the group segment holding the kernel's shared memory, and more only when the
// module has private arrays (allocas), which LLVM may move to the group segment (one copy per
// work-item: AMDGPUPromoteAlloca).
func checkCodeObject(k *Kernel, g *GPU, data []byte, allocas bool) (*CodeObjectKernel, error) {
	co, err := ReadCodeObject(data)
	if err != nil {
		return nil, err
	}
	if want := "amdgcn-amd-amdhsa--" + g.CPU; !strings.HasPrefix(co.Target, want) {
		return nil, fmt.Errorf("code object target %q, want %s", co.Target, want)
	}
	for i := range co.Kernels {
		ck := &co.Kernels[i]
		if ck.Name != k.Symbol {
			continue
		}
		if ck.Symbol != k.Symbol+".kd" {
			return nil, fmt.Errorf("descriptor symbol %q", ck.Symbol)
		}
		rec, gs, size := GPUParamOffsets(k.ArgsSize)
		want := []CodeObjectArg{
			{Name: "args", Offset: 0, Size: max(k.ArgsSize, 1), ValueKind: "by_value"},
			{Name: "rec", Offset: rec, Size: 8, ValueKind: "global_buffer", AddressSpace: "global"},
			{Name: "gsx", Offset: gs, Size: 8, ValueKind: "by_value"},
			{Name: "gsy", Offset: gs + 8, Size: 8, ValueKind: "by_value"},
			{Name: "gsz", Offset: gs + 16, Size: 8, ValueKind: "by_value"},
		}
		if len(ck.Args) < len(want) {
			return nil, fmt.Errorf("%d arguments in the metadata, want at least %d", len(ck.Args), len(want))
		}
		for i, w := range want {
			if ck.Args[i] != w {
				return nil, fmt.Errorf("argument %d is %+v, want %+v", i, ck.Args[i], w)
			}
		}
		for _, a := range ck.Args[len(want):] {
			if !strings.HasPrefix(a.ValueKind, "hidden_") {
				return nil, fmt.Errorf("unexpected explicit argument %+v", a)
			}
		}
		if ck.KernargSize < size || ck.KernargAlign < 8 {
			return nil, fmt.Errorf("kernarg segment %d bytes aligned to %d, want at least %d and 8", ck.KernargSize, ck.KernargAlign, size)
		}
		d := ck.Descriptor
		if int64(d.KernargSize) != ck.KernargSize || int64(d.GroupSegmentFixedSize) != ck.GroupSegmentSize ||
			int64(d.PrivateSegmentFixedSize) != ck.PrivateSegmentSize {
			return nil, fmt.Errorf("kernel descriptor %+v disagrees with the metadata (kernarg %d, group %d, private %d)",
				d, ck.KernargSize, ck.GroupSegmentSize, ck.PrivateSegmentSize)
		}
		if sh := (k.SharedSize + 3) / 4 * 4; ck.GroupSegmentSize < sh || ck.GroupSegmentSize > sh && !allocas {
			return nil, fmt.Errorf("group segment %d bytes, want the kernel's %d bytes of shared memory", ck.GroupSegmentSize, sh)
		}
		if !ck.UniformWorkGroupSize {
			return nil, errors.New("not a uniform-work-group-size kernel")
		}
		return ck, nil
	}
	return nil, fmt.Errorf("no kernel %s in the code object", k.Symbol)
}

// gpuTargets are the targets the corpus is compiled for.
func gpuTargets(t *testing.T) []*GPU {
	var out []*GPU
	for _, c := range []struct{ sm, ptx int }{{70, 70}, {80, 70}, {90, 78}} {
		g, err := NVPTX(c.sm, c.ptx, [3]int64{})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, g)
	}
	for _, gfx := range []string{"gfx90a", "gfx1100"} {
		g, err := AMDGPU(gfx, "", [3]int64{})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, g)
	}
	return out
}

// TestGPUGolden lowers testdata/saxpy.ir for sm_80 and gfx90a and compares with
// testdata/saxpy.nvptx.ll and saxpy.amdgpu.ll (refreshed with -update).
func TestGPUGolden(t *testing.T) {
	src, err := os.ReadFile("testdata/saxpy.ir")
	if err != nil {
		t.Fatal(err)
	}
	nv, err := NVPTX(80, 70, [3]int64{})
	if err != nil {
		t.Fatal(err)
	}
	amd, err := AMDGPU("gfx90a", "+sramecc,-xnack", [3]int64{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		g    *GPU
	}{{"nvptx", nv}, {"amdgpu", amd}} {
		t.Run(c.name, func(t *testing.T) {
			m, err := ir.Parse(string(src))
			if err != nil {
				t.Fatal(err)
			}
			text, err := Emit(m, &c.g.Target)
			if err != nil {
				t.Fatal(err)
			}
			golden := "testdata/saxpy." + c.name + ".ll"
			if *update {
				if err := os.WriteFile(golden, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if want, err := os.ReadFile(golden); err != nil {
				t.Errorf("%v (run with -update)", err)
			} else if string(want) != text {
				t.Errorf("%s differs from the output (run with -update to accept):\n%s", golden, text)
			}
			assemble(t, llvmAs(t), c.name, text)
		})
	}
}

// TestGPUEmit checks what the GPU targets emit for kernels with barriers and shared memory, and
// their refusal of math functions without a device library.
func TestGPUEmit(t *testing.T) {
	for _, file := range []string{"reduce", "atomics"} {
		src, err := os.ReadFile("testdata/" + file + ".ir")
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gpuTargets(t) {
			m, err := ir.Parse(string(src))
			if err != nil {
				t.Fatal(err)
			}
			out, err := EmitModule(m, &g.Target)
			if err != nil {
				t.Errorf("%s on %s: %v", file, g.Name, err)
				continue
			}
			if file == "reduce" {
				k := out.Kernels[0]
				if k.SharedSize == 0 || !strings.Contains(out.Text, gpuShared(k)+" = internal addrspace(3) global") {
					t.Errorf("%s: no shared array for %s", g.Name, k.Symbol)
				}
				if strings.Contains(out.Text, sharedPlaceholder) {
					t.Errorf("%s: the shared placeholder is left", g.Name)
				}
				barrier := map[string]string{"nvptx64-nvidia-cuda": "@llvm.nvvm.barrier0()", "amdgcn-amd-amdhsa": "@llvm.amdgcn.s.barrier()"}[g.Triple]
				if !strings.Contains(out.Text, "call void "+barrier) {
					t.Errorf("%s: no %s", g.Name, barrier)
				}
			}
		}
	}
	m, err := ir.Parse(`type %main.E = {X slice<global, f64>}

kernel @"(*main.E).Kernel"(%0 ptr<args, %main.E>) @e.go:1:1 {
b0:
  %1 = fieldaddr %0, 0 : ptr<args, slice<global, f64>> @e.go:2:1
  %2 = load %1 : slice<global, f64> @e.go:2:1
  %3 = const 0 : i64
  %4 = indexaddr %2, %3 : ptr<global, f64> @e.go:2:1
  %5 = load %4 : f64 @e.go:2:1
  %6 = intrinsic exp(%5) : f64 @e.go:2:1
  store %4, %6 @e.go:2:1
  return @e.go:2:1
}
`)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gpuTargets(t) {
		if _, err := Emit(m, &g.Target); !errors.Is(err, ErrNoMathLibrary) || !strings.Contains(err.Error(), "exp") {
			t.Errorf("%s: math.Exp: %v, want ErrNoMathLibrary naming exp", g.Name, err)
		}
	}
}

// TestParseISA checks the split of HSA ISA names into llc's CPU and features.
func TestParseISA(t *testing.T) {
	for _, c := range []struct{ in, gfx, feat string }{
		{"amdgcn-amd-amdhsa--gfx90a:sramecc+:xnack-", "gfx90a", "+sramecc,-xnack"},
		{"amdgcn-amd-amdhsa--gfx1100", "gfx1100", ""},
		{"gfx942:xnack+", "gfx942", "+xnack"},
	} {
		gfx, feat, err := ParseISA(c.in)
		if err != nil || gfx != c.gfx || feat != c.feat {
			t.Errorf("ParseISA(%q) = %q, %q, %v; want %q, %q", c.in, gfx, feat, err, c.gfx, c.feat)
		}
	}
	if _, _, err := ParseISA("x86_64"); err == nil {
		t.Error("ParseISA(x86_64) did not fail")
	}
}

// TestPTXForDriver checks the PTX versions chosen for CUDA driver versions.
func TestPTXForDriver(t *testing.T) {
	for _, c := range []struct{ driver, ptx int }{{11000, 70}, {11080, 78}, {12000, 80}, {12040, 84}, {12080, 85}, {13000, 85}} {
		if got := PTXForDriver(c.driver); got != c.ptx {
			t.Errorf("PTXForDriver(%d) = %d, want %d", c.driver, got, c.ptx)
		}
	}
	if _, err := NVPTX(90, 70, [3]int64{}); err == nil {
		t.Error("NVPTX(90, 70) did not fail: sm_90 needs PTX 7.8")
	}
}

// gpuCorpusResult is one corpus kernel compiled for one target.
type gpuCorpusResult struct {
	kernel, target string
	unchecked      bool
	err            error
}

// TestGPUCorpus lowers every kernel of the corpus after the passes (checked and unchecked) for
// sm_70, sm_80, sm_90, gfx90a and gfx1100 and compiles each module with opt -O3 and llc (and
// ld.lld for AMDGPU). Each PTX must have the kernel's .entry with the ABI's parameter layout;
// each code object the kernel's metadata and descriptor with the ABI's arguments and segment
// sizes. The math functions the targets lack come from internal/mathlib (passes.Options.SoftMath),
// as the cuda and amdgpu devices compile, so every kernel must compile.
func TestGPUCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("loads and compiles the kernel corpus for five GPU targets")
	}
	tools := findGPUTools(t, "nvptx64")
	findGPUTools(t, "amdgcn")
	t.Setenv("GEOBACTER_DUMP", "")
	prog, err := frontend.Load(context.Background(), frontend.Config{Dir: "../../.."}, "./internal/testkernels")
	if err != nil {
		t.Fatal(err)
	}
	targets := gpuTargets(t)
	type job struct {
		k         *frontend.Kernel
		unchecked bool
		g         *GPU
	}
	var jobs []job
	for _, k := range prog.Kernels() {
		for _, unchecked := range []bool{false, true} {
			for _, g := range targets {
				jobs = append(jobs, job{k, unchecked, g})
			}
		}
	}
	var (
		mu      sync.Mutex // prog is not safe for concurrent Compile
		results = make([]gpuCorpusResult, len(jobs))
		next    = make(chan int)
		wg      sync.WaitGroup
		dir     = t.TempDir()
	)
	for range max(runtime.GOMAXPROCS(0), 2) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				j := jobs[i]
				r := &results[i]
				r.kernel, r.target, r.unchecked = j.k.Name, j.g.Name, j.unchecked
				mu.Lock()
				m, err := prog.Compile([]*frontend.Kernel{j.k})
				if err == nil {
					err = passes.Run(m, passes.Options{Unchecked: j.unchecked, SoftMath: mathlib.Transcendental})
				}
				var out *Output
				if err == nil {
					out, err = EmitModule(m, &j.g.Target)
				}
				mu.Unlock()
				if err != nil {
					r.err = err
					continue
				}
				var k *Kernel
				for _, x := range out.Kernels {
					if x.Name == j.k.Name {
						k = x
					}
				}
				if k == nil {
					r.err = errors.New("no kernel in the output")
					continue
				}
				if j.g.Triple == "nvptx64-nvidia-cuda" {
					var ptx string
					if ptx, err = tools.compilePTX(j.g, out.Text); err == nil {
						err = checkPTX(k, ptx)
					}
				} else {
					var co []byte
					if co, err = tools.compileAMDGPU(j.g, out.Text, dir); err == nil {
						_, err = checkCodeObject(k, j.g, co, strings.Contains(out.Text, " = alloca "))
					}
				}
				r.err = err
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()

	compiled := 0
	for _, r := range results {
		if r.err != nil {
			t.Errorf("%s on %s (unchecked %v): %v", r.kernel, r.target, r.unchecked, r.err)
		} else {
			compiled++
		}
	}
	t.Logf("%d of %d modules compiled and checked", compiled, len(results))
	if compiled == 0 {
		t.Error("no corpus kernel compiled")
	}
}
