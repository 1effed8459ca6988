package spirv

import (
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/geobacter-go/geobacter/internal/frontend"
	"github.com/geobacter-go/geobacter/internal/ir"
	"github.com/geobacter-go/geobacter/internal/passes"
)

// spirvVal returns the path of spirv-val, or skips the test with the reason; when
// GEOBACTER_REQUIRE names vulkan, it fails instead.
func spirvVal(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("spirv-val"); err == nil {
		return p
	}
	msg := "spirv-val not found (Debian: apt-get install spirv-tools)"
	for _, k := range strings.Split(os.Getenv("GEOBACTER_REQUIRE"), ",") {
		if strings.TrimSpace(k) == "vulkan" {
			t.Fatal(msg + ", and GEOBACTER_REQUIRE names vulkan")
		}
	}
	t.Skip(msg)
	return ""
}

func wordsBytes(w []uint32) []byte {
	b := make([]byte, 4*len(w))
	for i, x := range w {
		binary.LittleEndian.PutUint32(b[4*i:], x)
	}
	return b
}

// validate runs spirv-val on a module for each environment and returns its complaints.
func validate(t *testing.T, val string, words []uint32, envs ...string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "k.spv")
	if err := os.WriteFile(f, wordsBytes(words), 0o644); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, env := range envs {
		cmd := exec.Command(val, "--target-env", env, f)
		if b, err := cmd.CombinedOutput(); err != nil {
			out = append(out, env+": "+strings.TrimSpace(string(b)))
		}
	}
	return strings.Join(out, "\n")
}

// corpusModule is one kernel of the corpus or the examples after the passes.
type corpusModule struct {
	name      string
	unchecked bool
	m         *ir.Module
	k         *ir.Func
}

var (
	corpusOnce sync.Once
	corpus     []corpusModule
	corpusErr  error
)

// loadCorpus compiles every kernel of internal/testkernels and examples/..., checked and
// unchecked, with the math library linked as the vulkan device links it (SoftMath).
func loadCorpus(t *testing.T) []corpusModule {
	t.Helper()
	if testing.Short() {
		t.Skip("loads and compiles the kernel corpus")
	}
	corpusOnce.Do(func() {
		t.Setenv("GEOBACTER_DUMP", "")
		prog, err := frontend.Load(context.Background(), frontend.Config{Dir: "../../.."}, "./internal/testkernels", "./examples/...")
		if err != nil {
			corpusErr = err
			return
		}
		for _, k := range prog.Kernels() {
			for _, unchecked := range []bool{false, true} {
				m, err := prog.Compile([]*frontend.Kernel{k})
				if err != nil {
					corpusErr = err
					return
				}
				if err := passes.Run(m, passes.Options{Unchecked: unchecked, SoftMath: SoftMath}); err != nil {
					corpusErr = err
					return
				}
				corpus = append(corpus, corpusModule{name: k.Name, unchecked: unchecked, m: m, k: m.Kernels()[0]})
			}
		}
	})
	if corpusErr != nil {
		t.Fatal(corpusErr)
	}
	return corpus
}

// shortName is a kernel's name without its package path: "Saxpy", "GroupSum[float64]".
func shortName(name string) string {
	s := strings.TrimSuffix(strings.TrimPrefix(name, "(*"), ").Kernel")
	if i := strings.LastIndexByte(strings.SplitN(s, "[", 2)[0], '.'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// rejected are the corpus kernels Emit refuses, with (a part of) the expected error; each is in
// the vulkan skip list of internal/devicetest.
var rejected = map[string]string{
	"MathBessel": "a phi of pointers into different private variables or elements is not supported on vulkan",
}

// corpusTargets are the targets TestCorpus emits every kernel for, with the environments each
// module must validate in.
var corpusTargets = []struct {
	name string
	t    *Target
	envs []string
}{
	{"lavapipe-128", Lavapipe, []string{"vulkan1.2", "vulkan1.3"}},
	{"lavapipe-256", withTarget(func(t *Target) { t.PushConstantBytes = 256 }), []string{"vulkan1.2", "vulkan1.3"}},
	{"args-by-address", withTarget(func(t *Target) { t.PushConstantBytes = PushArgsOffset + 8 }), []string{"vulkan1.2"}},
	{"no-float-atomics", withTarget(func(t *Target) {
		t.AtomicFloat32AddBuffer, t.AtomicFloat64AddBuffer = false, false
		t.AtomicFloat32AddShared, t.AtomicFloat64AddShared = false, false
	}), []string{"vulkan1.2"}},
	{"no-small-push-constants", withTarget(func(t *Target) { t.StoragePushConstant8, t.StoragePushConstant16 = false, false }), []string{"vulkan1.2"}},
	{"zero-init-workgroup", withTarget(func(t *Target) { t.ZeroInitializeWorkgroupMemory = true }), []string{"vulkan1.3"}},
}

func withTarget(f func(t *Target)) *Target {
	t := *Lavapipe
	f(&t)
	return &t
}

// TestCorpus emits every kernel of the corpus and of the examples, checked and unchecked, for
// each of corpusTargets, and validates each module with spirv-val.
func TestCorpus(t *testing.T) {
	val := spirvVal(t)
	mods := loadCorpus(t)
	for _, tc := range corpusTargets {
		ok, bad, inline := 0, 0, 0
		for _, c := range mods {
			name := shortName(c.name)
			k, err := Emit(c.m, c.k, tc.t)
			if want, isRejected := rejected[name]; isRejected {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("%s: %s: error %v, want one containing %q", tc.name, name, err, want)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %s (unchecked %v): %v", tc.name, name, c.unchecked, err)
				bad++
				continue
			}
			if msg := validate(t, val, k.Words, tc.envs...); msg != "" {
				t.Errorf("%s: %s (unchecked %v): spirv-val:\n%s", tc.name, name, c.unchecked, msg)
				bad++
				continue
			}
			if k.ArgsInline {
				inline++
			}
			ok++
		}
		t.Logf("%s: %d modules validate (%d with the arguments inline), %d fail", tc.name, ok, inline, bad)
	}
}
