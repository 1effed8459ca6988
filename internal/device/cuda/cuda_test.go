package cuda

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter/internal/backend/llvm"
	"github.com/geobacter-go/geobacter/internal/irsource"
	"github.com/geobacter-go/geobacter/internal/testkernels"
	"github.com/geobacter-go/geobacter/internal/toolchain"
)

// required reports whether GEOBACTER_REQUIRE names kind.
func required(kind string) bool {
	for _, k := range strings.Split(os.Getenv("GEOBACTER_REQUIRE"), ",") {
		if strings.TrimSpace(k) == kind {
			return true
		}
	}
	return false
}

// TestProbe checks that Probe reports the GPUs, or one unusable entry saying why there are none
// and what to do.
func TestProbe(t *testing.T) {
	infos := driver{}.Probe(context.Background())
	if len(infos) == 0 {
		t.Fatal("Probe returned nothing")
	}
	usable := false
	for _, in := range infos {
		if in.Kind != Kind {
			t.Errorf("kind %q", in.Kind)
		}
		if !in.Usable && (in.Reason == "" || in.Fix == "") {
			t.Errorf("unusable %+v without a reason and a fix", in)
		}
		usable = usable || in.Usable
		t.Logf("%+v", in)
	}
	if err := load(); err != nil {
		if !errors.Is(err, errNoLibrary) && !strings.Contains(infos[0].Reason, "cuInit") {
			t.Errorf("reason %q", infos[0].Reason)
		}
		if errors.Is(err, errNoLibrary) && !strings.HasPrefix(infos[0].Reason, "libcuda.so.1 not found: no NVIDIA driver") {
			t.Errorf("reason %q, want it to start with libcuda.so.1 not found: no NVIDIA driver", infos[0].Reason)
		}
	}
	if !usable && required(Kind) {
		t.Fatalf("no usable cuda device and GEOBACTER_REQUIRE names cuda: %s", infos[0].Reason)
	}
	if _, err := (driver{}).Open(context.Background(), len(infos)); err == nil {
		t.Error("Open of a device past the last did not fail")
	}
}

func TestTargetSM(t *testing.T) {
	for _, c := range []struct{ cc, sm int }{{70, 70}, {75, 75}, {86, 86}, {89, 89}, {90, 90}, {100, 90}, {120, 90}} {
		if got, err := TargetSM(c.cc); err != nil || got != c.sm {
			t.Errorf("TargetSM(%d) = %d, %v; want %d", c.cc, got, err, c.sm)
		}
	}
	if _, err := TargetSM(61); err == nil {
		t.Error("TargetSM(61) did not fail")
	}
	if _, err := Target(90, 11040, [3]int64{}); err == nil {
		t.Error("sm_90 under CUDA 11.4 did not fail: it reads PTX 7.4, sm_90 needs 7.8")
	}
}

// TestCompilePTX compiles a corpus kernel as a launch on an sm_86 GPU under CUDA 12.2 would,
// without a GPU: the PTX's target, version and entry.
func TestCompilePTX(t *testing.T) {
	if _, err := toolchain.Find(context.Background()); err != nil {
		if required("cpu") || required(Kind) {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	t.Setenv("GEOBACTER_CACHE", t.TempDir())
	for _, c := range testkernels.Cases() {
		if c.Name != "shared/reduce-int" && c.Name != "int/wrap-signed" {
			continue
		}
		v := irsource.VariantOf(reflect.New(reflect.TypeOf(c.Kernel).Elem()).Interface(), false)
		v.Group = [3]int64{64, 1, 1}
		ptx, k, _, sites, err := CompilePTX(context.Background(), v, 86, 12020)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if !strings.Contains(ptx, ".target sm_86") || !strings.Contains(ptx, ".version 8.2") {
			t.Errorf("%s: PTX header:\n%.300s", c.Name, ptx)
		}
		if !strings.Contains(ptx, ".reqntid 64, 1, 1") {
			t.Errorf("%s: no .reqntid for the group size", c.Name)
		}
		entries, err := llvm.ParsePTXEntries(ptx)
		if err != nil || len(entries) != 1 || entries[0].Name != k.Symbol || len(entries[0].Params) != 5 {
			t.Errorf("%s: entries %+v, %v", c.Name, entries, err)
		}
		if len(sites) == 0 {
			t.Errorf("%s: no panic sites", c.Name)
		}
	}
}
