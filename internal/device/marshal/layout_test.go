package marshal_test

// The corpus test is an external test: internal/testkernels imports the root package, which
// imports the devices that import this package.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter/internal/backend/llvm"
	"github.com/geobacter-go/geobacter/internal/device/marshal"
	"github.com/geobacter-go/geobacter/internal/frontend"
	"github.com/geobacter-go/geobacter/internal/mathlib"
	"github.com/geobacter-go/geobacter/internal/passes"
	"github.com/geobacter-go/geobacter/internal/testkernels"
)

func requireCPU() bool {
	for _, k := range strings.Split(os.Getenv("GEOBACTER_REQUIRE"), ",") {
		if strings.TrimSpace(k) == "cpu" {
			return true
		}
	}
	return false
}

func tool(t *testing.T, names ...string) string {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	msg := names[0] + " not found (Debian: apt-get install llvm-19 lld-19)"
	if requireCPU() {
		t.Fatal(msg + ", and GEOBACTER_REQUIRE names cpu")
	}
	t.Skip(msg)
	return ""
}

func run(t *testing.T, path string, stdin []byte, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", path, args, err, errb.String())
	}
	return out.Bytes()
}

// TestLayoutsMatchGPUCode checks the marshalled argument struct of every corpus kernel against
// the layouts the GPU code expects: the size and alignment of the first .param of the PTX entry
// (sm_70), and the offsets and sizes of the explicit arguments in the AMDGPU code object's
// metadata (gfx90a), which must be the offsets ParamBlock writes.
func TestLayoutsMatchGPUCode(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the corpus")
	}
	opt, llc, lld := tool(t, "opt-19", "opt"), tool(t, "llc-19", "llc"), tool(t, "ld.lld-19", "ld.lld")
	types := map[string]reflect.Type{}
	for _, c := range testkernels.Cases() {
		rt := reflect.TypeOf(c.Kernel).Elem()
		types[rt.PkgPath()+"."+rt.Name()] = rt
	}
	prog, err := frontend.Load(context.Background(), frontend.Config{Dir: "../../.."}, "./internal/testkernels")
	if err != nil {
		t.Fatal(err)
	}
	nv, err := llvm.NVPTX(70, 70, [3]int64{})
	if err != nil {
		t.Fatal(err)
	}
	amd, err := llvm.AMDGPU("gfx90a", "", [3]int64{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	checked := 0
	for _, k := range prog.Kernels() {
		rt, ok := types[k.Type.String()]
		if !ok {
			continue // a kernel no case launches
		}
		l, err := marshal.LayoutOf(rt)
		if err != nil {
			t.Errorf("%s: %v", k.Name, err)
			continue
		}
		m, err := prog.Compile([]*frontend.Kernel{k})
		if err == nil {
			err = passes.Run(m, passes.Options{SoftMath: mathlib.Transcendental})
		}
		if err != nil {
			t.Fatalf("%s: %v", k.Name, err)
		}
		for _, g := range []*llvm.GPU{nv, amd} {
			out, err := llvm.EmitModule(m, &g.Target)
			if err != nil {
				t.Fatalf("%s on %s: %v", k.Name, g.Name, err)
			}
			sym := out.Kernels[0].Symbol
			args := []string{"-mtriple=" + g.Triple, "-mcpu=" + g.CPU}
			o := run(t, opt, []byte(out.Text), append([]string{"-S", "-O3"}, args...)...)
			if g == nv {
				entries, err := llvm.ParsePTXEntries(string(run(t, llc, o, append([]string{"-O3"}, args...)...)))
				if err != nil || len(entries) != 1 || entries[0].Name != sym {
					t.Fatalf("%s: PTX entries %v, %v", k.Name, entries, err)
				}
				p := entries[0].Params[0]
				if p.Size != int64(max(l.Size, 1)) || p.Align != int64(max(l.Align, 1)) {
					t.Errorf("%s: PTX takes the arguments as %d bytes aligned to %d; marshalled: %d bytes aligned to %d",
						k.Name, p.Size, p.Align, l.Size, l.Align)
				}
				continue
			}
			obj := run(t, llc, o, append([]string{"-O3", "-filetype=obj"}, args...)...)
			in, co := fmt.Sprintf("%s/%s.o", dir, sym), fmt.Sprintf("%s/%s.co", dir, sym)
			if err := os.WriteFile(in, obj, 0o600); err != nil {
				t.Fatal(err)
			}
			run(t, lld, nil, "-shared", "-o", co, in)
			data, err := os.ReadFile(co)
			if err != nil {
				t.Fatal(err)
			}
			c, err := llvm.ReadCodeObject(data)
			if err != nil {
				t.Fatalf("%s: %v", k.Name, err)
			}
			rec, gs, size := llvm.GPUParamOffsets(int64(l.Size))
			a := c.Kernels[0].Args
			if a[0].Offset != 0 || a[0].Size != int64(max(l.Size, 1)) || a[1].Offset != rec || a[2].Offset != gs ||
				a[4].Offset+a[4].Size != size {
				t.Errorf("%s: kernarg layout %+v; marshalled %d bytes, record at %d, sizes at %d, %d in all",
					k.Name, a, l.Size, rec, gs, size)
			}
		}
		checked++
	}
	if checked < 20 {
		t.Errorf("only %d corpus kernels matched a case's type", checked)
	}
	t.Logf("%d kernels' layouts checked against PTX and AMDGPU metadata", checked)
}
