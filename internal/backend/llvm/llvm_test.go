package llvm

import (
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter/internal/frontend"
	"github.com/geobacter-go/geobacter/internal/ir"
	"github.com/geobacter-go/geobacter/internal/passes"
)

var update = flag.Bool("update", false, "rewrite the golden testdata/*.ll files")

// llvmAs returns the path of llvm-as (19 or unsuffixed), or skips the test with the reason;
// when GEOBACTER_REQUIRE names cpu, it fails instead.
func llvmAs(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"llvm-as-19", "llvm-as"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "llvm-as not found (Debian: apt-get install llvm-19)"
	for _, k := range strings.Split(os.Getenv("GEOBACTER_REQUIRE"), ",") {
		if strings.TrimSpace(k) == "cpu" {
			t.Fatal(msg + ", and GEOBACTER_REQUIRE names cpu")
		}
	}
	t.Skip(msg)
	return ""
}

// assemble runs llvm-as on text (which also verifies the module) and fails with its output.
func assemble(t *testing.T, as, name, text string) {
	t.Helper()
	cmd := exec.Command(as, "-o", os.DevNull, "-")
	cmd.Stdin = strings.NewReader(text)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("%s: llvm-as: %v\n%s", name, err, out)
	}
}

// TestGolden lowers each testdata/*.ir module and compares with testdata/*.ll; every output
// must assemble.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.ir")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	as := ""
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".ir")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			m, err := ir.Parse(string(src))
			if err != nil {
				t.Fatal(err)
			}
			if err := ir.Verify(m); err != nil {
				t.Fatal(err)
			}
			text, err := Emit(m, X86_64)
			if err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(file, ".ir") + ".ll"
			if *update {
				if err := os.WriteFile(golden, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if want, err := os.ReadFile(golden); err != nil {
				t.Errorf("%v (run with -update)", err)
			} else if string(want) != text {
				t.Errorf("%s differs from the output (run with -update to accept):\n%s", golden, text)
			}
			if as == "" {
				as = llvmAs(t)
			}
			assemble(t, as, name, text)
		})
	}
}

// TestBarriers checks that a kernel with a barrier is refused with ErrBarriers on a target
// with neither a barrier lowering nor loop fission, and lowered by loop fission on the host.
func TestBarriers(t *testing.T) {
	m, err := ir.Parse(`type %main.B = {Out slice<global, i64>}

kernel @"(*main.B).Kernel"(%k ptr<args, %main.B>) @b.go:1:1 {
b0:
  intrinsic barrier() @b.go:2:1
  return
}
`)
	if err != nil {
		t.Fatal(err)
	}
	noFission := *X86_64
	noFission.Fission = false
	if _, err := Emit(m, &noFission); !errors.Is(err, ErrBarriers) {
		t.Fatalf("Emit of a kernel with a barrier: %v, want ErrBarriers", err)
	}
	out, err := EmitModule(m, X86_64)
	if err != nil {
		t.Fatalf("Emit of a kernel with a barrier on the host: %v", err)
	}
	if fs := out.Kernels[0].FrameSize; fs <= 0 || fs%16 != 0 {
		t.Errorf("FrameSize %d, want a positive multiple of 16", fs)
	}
}

// TestSites checks the sites recorded for the checks of checks.ir and their messages.
func TestSites(t *testing.T) {
	src, err := os.ReadFile("testdata/checks.ir")
	if err != nil {
		t.Fatal(err)
	}
	m, err := ir.Parse(string(src))
	if err != nil {
		t.Fatal(err)
	}
	out, err := EmitModule(m, X86_64)
	if err != nil {
		t.Fatal(err)
	}
	count := map[ir.SiteKind]int{}
	var bounds, panics ir.Site
	for _, s := range out.Sites {
		count[s.Kind]++
		switch s.Kind {
		case ir.SiteBounds:
			if s.Bounds == ir.BoundsIndex {
				bounds = s
			}
		case ir.SitePanic:
			panics = s
		}
	}
	want := map[ir.SiteKind]int{ir.SiteBounds: 2, ir.SiteNil: 1, ir.SiteDivide: 1, ir.SiteShift: 1, ir.SitePanic: 1}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%d sites of kind %d, want %d", count[k], k, n)
		}
	}
	if got, want := bounds.Message(-1, 4), "runtime error: index out of range [-1]"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if got, want := panics.Message(0, 0), "negative result"; got != want || panics.Pos.Line != 6 {
		t.Errorf("message %q at %v, want %q at c.go:6:1", got, panics.Pos, want)
	}
	if k := out.Kernels[0]; k.Symbol != "geobacter_main_C_Kernel" {
		t.Errorf("symbol %q", k.Symbol)
	}
}

// TestCorpus lowers every kernel of the corpus after the passes (checked and unchecked), those
// with barriers by loop fission; each module must assemble.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("loads and compiles the kernel corpus")
	}
	as := llvmAs(t)
	t.Setenv("GEOBACTER_DUMP", "")
	prog, err := frontend.Load(context.Background(), frontend.Config{Dir: "../../.."}, "./internal/testkernels")
	if err != nil {
		t.Fatal(err)
	}
	emitted := 0
	for _, k := range prog.Kernels() {
		for _, unchecked := range []bool{false, true} {
			m, err := prog.Compile([]*frontend.Kernel{k})
			if err != nil {
				t.Errorf("%s: %v", k.Name, err)
				continue
			}
			if err := passes.Run(m, passes.Options{Unchecked: unchecked}); err != nil {
				t.Errorf("%s: %v", k.Name, err)
				continue
			}
			text, err := Emit(m, X86_64)
			if err != nil {
				t.Errorf("%s: %v", k.Name, err)
				continue
			}
			emitted++
			assemble(t, as, k.Name, text)
		}
	}
	t.Logf("%d modules emitted and assembled", emitted)
}

// TestHoist checks which checks of corpus kernels the guard proves (hoist.go): those on indices
// affine in the work-item's id against uniform lengths, and not those on an index loaded from
// memory or on a divisor that differs between work-items.
func TestHoist(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the kernel corpus")
	}
	prog, err := frontend.Load(context.Background(), frontend.Config{Dir: "../../.."}, "./internal/testkernels")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		kernel          string
		hoisted, stayed int // bounds and other checks hoisted, and left in the work-item function
	}{
		{"AffineIndex", 2, 0}, // Out[y*W+x], In[(H-1-y)*W+(W-1-x)]
		{"PanicAffine", 1, 0}, // Out[i*Stride+Off]
		{"PanicIndex", 1, 1},  // Idx[i]; not Out[Idx[i]], whose index is loaded from memory
		{"PanicDivide", 3, 1}, // the three affine indices; not the divisor, an element
		// Count[0]; not Out[i] and Hits[i]: i is computed from sizes stored into a private
		// array and loaded back, which the guard does not follow.
		{"Coverage", 1, 2},
	} {
		t.Run(c.kernel, func(t *testing.T) {
			var k *frontend.Kernel
			for _, x := range prog.Kernels() {
				if strings.HasSuffix(x.Name, "testkernels."+c.kernel+").Kernel") {
					k = x
				}
			}
			if k == nil {
				t.Fatalf("no kernel %s in the corpus", c.kernel)
			}
			m, err := prog.Compile([]*frontend.Kernel{k})
			if err != nil {
				t.Fatal(err)
			}
			if err := passes.Run(m, passes.Options{}); err != nil {
				t.Fatal(err)
			}
			var f *ir.Func
			for _, fn := range m.Funcs {
				if fn.Kernel {
					f = fn
				}
			}
			h := planHoist(f)
			total := 0
			for _, b := range f.Blocks {
				for _, v := range b.Instrs {
					if v.Op.IsCheck() {
						total++
					}
				}
			}
			got, stayed := len(h.checks), total-len(h.checks)
			if got != c.hoisted || stayed != c.stayed {
				t.Errorf("%d checks hoisted and %d left; want %d and %d", got, stayed, c.hoisted, c.stayed)
			}
			text, err := Emit(m, X86_64)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(text, ".guard\"(") || !strings.Contains(text, ".item.fast\"(") {
				t.Errorf("no guard or fast work-item function emitted")
			}
		})
	}
}
