package hsa_test

// An external test: internal/testkernels imports the root package, which imports this one.

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter/internal/backend/llvm"
	"github.com/geobacter-go/geobacter/internal/device/hsa"
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

// TestCompile compiles corpus kernels for gfx90a as a launch on such an agent would, without a
// GPU: the code object's kernel, its arguments and segment sizes.
func TestCompile(t *testing.T) {
	if _, err := toolchain.Find(context.Background()); err != nil {
		if required("cpu") || required(hsa.Kind) {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	t.Setenv("GEOBACTER_CACHE", t.TempDir())
	n := 0
	for _, c := range testkernels.Cases() {
		if c.Name != "shared/reduce-int" && c.Name != "int/wrap-signed" {
			continue
		}
		n++
		v := irsource.VariantOf(reflect.New(reflect.TypeOf(c.Kernel).Elem()).Interface(), false)
		v.Group = [3]int64{64, 1, 1}
		cc, err := hsa.Compile(context.Background(), v, "gfx90a", "+sramecc,-xnack")
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		m := cc.Meta
		if m.Symbol != cc.Kernel.Symbol+".kd" || m.MaxFlatWorkGroupSize != 64 || !m.UniformWorkGroupSize {
			t.Errorf("%s: metadata %+v", c.Name, m)
		}
		if want := (cc.Kernel.SharedSize + 3) / 4 * 4; m.GroupSegmentSize != want || int64(m.Descriptor.GroupSegmentFixedSize) != want {
			t.Errorf("%s: group segment %d (descriptor %d), want %d", c.Name, m.GroupSegmentSize, m.Descriptor.GroupSegmentFixedSize, want)
		}
		rec, _, size := llvm.GPUParamOffsets(cc.Kernel.ArgsSize)
		if m.KernargSize < size || m.Args[1].Offset != rec {
			t.Errorf("%s: kernarg segment %d bytes, args %+v", c.Name, m.KernargSize, m.Args)
		}
	}
	if n != 2 {
		t.Fatalf("%d cases found", n)
	}
}
