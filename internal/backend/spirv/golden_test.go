package spirv

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter/internal/ir"
)

var update = flag.Bool("update", false, "rewrite the golden testdata/*.spvasm files")

func parseFile(t *testing.T, file string) *ir.Module {
	t.Helper()
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
	return m
}

// TestGolden lowers the kernel of each testdata/*.ir module for Lavapipe and compares its
// disassembly with testdata/*.spvasm; every module must validate.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.ir")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	val := ""
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".ir")
		t.Run(name, func(t *testing.T) {
			m := parseFile(t, file)
			k, err := Emit(m, m.Kernels()[0], Lavapipe)
			if err != nil {
				t.Fatal(err)
			}
			text := Disassemble(k.Words)
			golden := strings.TrimSuffix(file, ".ir") + ".spvasm"
			if *update {
				if err := os.WriteFile(golden, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if want, err := os.ReadFile(golden); err != nil {
				t.Errorf("%v (run with -update)", err)
			} else if string(want) != text {
				t.Errorf("%s differs from the output (run with -update to accept):\n%s", golden, text)
			}
			if strings.Contains(text, "; error") {
				t.Errorf("the disassembler failed:\n%s", text)
			}
			if val == "" {
				val = spirvVal(t)
			}
			if msg := validate(t, val, k.Words, "vulkan1.2", "vulkan1.3"); msg != "" {
				t.Errorf("spirv-val:\n%s", msg)
			}
		})
	}
}

// TestSites checks the sites recorded for the checks of checks.ir.
func TestSites(t *testing.T) {
	m := parseFile(t, "testdata/checks.ir")
	k, err := Emit(m, m.Kernels()[0], Lavapipe)
	if err != nil {
		t.Fatal(err)
	}
	count := map[ir.SiteKind]int{}
	for _, s := range k.Sites {
		count[s.Kind]++
	}
	want := map[ir.SiteKind]int{ir.SiteBounds: 2, ir.SiteNil: 1, ir.SiteDivide: 1, ir.SiteShift: 1, ir.SitePanic: 1}
	for kind, n := range want {
		if count[kind] != n {
			t.Errorf("%d sites of kind %d, want %d", count[kind], kind, n)
		}
	}
	if k.Entry != "main" || !k.ArgsInline || k.PushSize != PushArgsOffset+k.ArgsSize {
		t.Errorf("entry %q, inline %v, push size %d, args size %d", k.Entry, k.ArgsInline, k.PushSize, k.ArgsSize)
	}
}

// TestMissingFeatures checks the errors for kernels that need what the target lacks.
func TestMissingFeatures(t *testing.T) {
	for _, c := range []struct {
		file string
		t    *Target
		want string
	}{
		{"saxpy", withTarget(func(t *Target) { t.Int64 = false }), "needs the Int64 (shaderInt64) feature"},
		{"checks", withTarget(func(t *Target) { t.Float64 = false }), "c.go:1:1: spirv: float64 needs the Float64 (shaderFloat64) feature"},
		{"atomics", withTarget(func(t *Target) { t.Int64Atomics = false }), "a 64-bit atomic needs the Int64Atomics"},
	} {
		m := parseFile(t, "testdata/"+c.file+".ir")
		_, err := Emit(m, m.Kernels()[0], c.t)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.file, err, c.want)
			continue
		}
		if !errors.Is(err, ErrNotSupported) {
			t.Errorf("%s: error %v does not wrap ErrNotSupported", c.file, err)
		}
	}
}

// TestRejects checks the errors for IR the lowering refuses.
func TestRejects(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`type %main.K = {Out slice<global, f64>}

kernel @"(*main.K).Kernel"(%k ptr<args, %main.K>) @k.go:1:1 {
b0:
  %c0 = const 0 : i64
  %f = fieldaddr %k, 0 : ptr<args, slice<global, f64>>
  %out = load %f : slice<global, f64>
  %p = indexaddr %out, %c0 : ptr<global, f64>
  %x = load %p : f64
  %y = intrinsic sin(%x) : f64 @k.go:2:7
  store %p, %y
  return
}
`, "k.go:2:7: spirv: math.Sin on float64 is not supported on vulkan yet"},
		{`type %main.K = {Out slice<global, i64>}

kernel @"(*main.K).Kernel"(%k ptr<args, %main.K>) @k.go:1:1 {
b0:
  %c0 = const 0 : i64
  %c1 = const 1 : i64
  %f = fieldaddr %k, 0 : ptr<args, slice<global, i64>>
  %out = load %f : slice<global, i64>
  %p = indexaddr %out, %c0 : ptr<global, i64>
  %x = load %p : i64
  %c = eq %x, %c0 : bool @k.go:2:1
  if %c, b1, b2
b1:
  jump b2
b2:
  %y = load %p : i64 @k.go:3:1
  %d = eq %y, %c1 : bool
  if %d, b1, b3
b3:
  return
}
`, "irreducible control flow"},
	} {
		m, err := ir.Parse(c.src)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Emit(m, m.Kernels()[0], Lavapipe)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one containing %q", err, c.want)
		}
	}
}

// FuzzDisassemble checks that the disassembler does not panic on any input.
func FuzzDisassemble(f *testing.F) {
	m := parseFileF(f, "testdata/saxpy.ir")
	k, err := Emit(m, m.Kernels()[0], Lavapipe)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(wordsBytes(k.Words))
	f.Add([]byte{3, 2, 35, 7, 0, 5, 1, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		w := make([]uint32, len(b)/4)
		for i := range w {
			w[i] = uint32(b[4*i]) | uint32(b[4*i+1])<<8 | uint32(b[4*i+2])<<16 | uint32(b[4*i+3])<<24
		}
		_ = Disassemble(w)
	})
}

func parseFileF(f *testing.F, file string) *ir.Module {
	src, err := os.ReadFile(file)
	if err != nil {
		f.Fatal(err)
	}
	m, err := ir.Parse(string(src))
	if err != nil {
		f.Fatal(err)
	}
	return m
}

// TestSmallArgs checks that an argument struct with a bool and a 16-bit field is passed by
// address to a target that cannot read such fields from push constants, inline otherwise, and
// that both modules validate.
func TestSmallArgs(t *testing.T) {
	m, err := ir.Parse(`type %main.K = {On bool, H u16, Out slice<global, i32>}

kernel @"(*main.K).Kernel"(%k ptr<args, %main.K>) @k.go:1:1 {
b0:
  %c0 = const 0 : i64
  %fo = fieldaddr %k, 0 : ptr<args, bool>
  %on = load %fo : bool
  %fh = fieldaddr %k, 1 : ptr<args, u16>
  %h = load %fh : u16
  %hi = convert %h : i32
  %f = fieldaddr %k, 2 : ptr<args, slice<global, i32>>
  %out = load %f : slice<global, i32>
  %p = indexaddr %out, %c0 : ptr<global, i32>
  if %on, b1, b2
b1:
  store %p, %hi
  jump b2
b2:
  return
}
`)
	if err != nil {
		t.Fatal(err)
	}
	val := ""
	for _, c := range []struct {
		t      *Target
		inline bool
	}{
		{Lavapipe, true},
		{withTarget(func(t *Target) { t.StoragePushConstant8 = false }), false},
		{withTarget(func(t *Target) { t.StoragePushConstant16 = false }), false},
	} {
		k, err := Emit(m, m.Kernels()[0], c.t)
		if err != nil {
			t.Fatal(err)
		}
		if k.ArgsInline != c.inline {
			t.Errorf("ArgsInline %v, want %v", k.ArgsInline, c.inline)
		}
		if val == "" {
			val = spirvVal(t)
		}
		if msg := validate(t, val, k.Words, "vulkan1.2"); msg != "" {
			t.Errorf("spirv-val:\n%s", msg)
		}
	}
}

// TestSoftMath checks which math calls the vulkan device has linked from internal/mathlib: float64
// ones and float64 FMA, but not float32(math.F(float64(x))), which GLSL computes on float32.
func TestSoftMath(t *testing.T) {
	m, err := ir.Parse(`func @f(%x f32, %y f64) f64 {
b0:
  %wx = convert %x : f64
  %e = intrinsic exp(%wx) : f64
  %n = convert %e : f32
  %l = intrinsic log(%y) : f64
  %w = intrinsic exp(%wx) : f64
  %g = intrinsic fma(%x, %x, %x) : f32
  %h = intrinsic fma(%y, %y, %y) : f64
  %r = add %l, %w : f64
  return %r
}
`)
	if err != nil {
		t.Fatal(err)
	}
	// %e, %l, %w, %g, %h in order.
	want := []bool{false, true, true, false, true}
	var got []bool
	for _, v := range m.Funcs[0].Blocks[0].Instrs {
		if v.Op == ir.OpIntrinsic {
			got = append(got, SoftMath(v))
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("SoftMath of exp (narrowable), log, exp (used as float64), fma f32, fma f64 = %v, want %v", got, want)
	}
}
