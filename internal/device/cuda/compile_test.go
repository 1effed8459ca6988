package cuda_test

// An external test: internal/testkernels imports the root package, which imports this one.

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter/internal/backend/llvm"
	"github.com/geobacter-go/geobacter/internal/device/cuda"
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

// TestCompilePTX compiles a corpus kernel as a launch on an sm_86 GPU under CUDA 12.2 would,
// without a GPU: the PTX's target, version and entry.
func TestCompilePTX(t *testing.T) {
	if _, err := toolchain.Find(context.Background()); err != nil {
		if required("cpu") || required(cuda.Kind) {
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
		ptx, k, _, sites, err := cuda.CompilePTX(context.Background(), v, 86, 12020)
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
